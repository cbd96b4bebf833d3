//! Render: views to files. Markdown, templates and charts live here; nothing here knows
//! where the content came from.

pub(crate) mod chart;
pub mod history_views;
pub mod linker;
pub mod markdown;
pub mod outputs;
pub mod report;
pub mod theme;
pub mod views;

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;

use crate::routes::Route;

use crate::diag::{Diagnostic, Diagnostics};

pub use theme::{Theme, ThemeError};
pub use views::{SiteData, ViewInput};

/// One output file: path relative to the output folder.
#[derive(Debug, Clone)]
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What every page template shares for one build: `site` and `charts`, serialised once
/// into template values and then shared (Tera's values are reference-counted) by every
/// page's context. Translations and the language are the theme's functions, not data.
pub struct Globals(tera::Context);

impl Globals {
    pub fn of(data: &SiteData) -> Globals {
        let mut c = tera::Context::new();
        c.insert("site", &data.site);
        c.insert("charts", &data.charts);
        Globals(c)
    }
}

#[derive(Serialize)]
struct PageInfo {
    /// Which nav entry is current.
    section: String,
    /// The page's own title (the site title is added by the layout).
    title: String,
    /// Path of this page relative to the site root.
    path: String,
}

/// One page to render.
struct Job<'a> {
    template: &'static str,
    path: String,
    section: &'static str,
    title: String,
    data: Data<'a>,
}

/// The page-specific data of each kind of page.
#[derive(Serialize, Clone)]
#[serde(untagged)]
enum Data<'a> {
    Dashboard {
        dashboard: &'a views::DashboardView,
        notes_count: usize,
    },
    Notes {
        notes: &'a [views::NoteView],
    },
    Note {
        note: &'a views::NoteView,
    },
    Issues {
        issues: &'a [views::IssueView],
    },
    Issue {
        issue: &'a views::IssueView,
    },
    Milestones {
        milestones: &'a [views::MilestoneView],
    },
    Milestone {
        milestone: &'a views::MilestoneView,
    },
    Glossary {
        terms: &'a [views::TermView],
    },
    Feedback {
        feedback: &'a [views::FeedbackView],
    },
    Metrics {
        metrics: &'a [views::MetricView],
    },
    Page {
        page_view: &'a views::PageView,
    },
    Timeline {
        timeline: &'a [views::MonthView],
    },
    /// The changelog page (`mode` = `index`), one archived release's page (`release`) or
    /// the archive's list of them (`archive`).
    Changelog {
        changelog: &'a [views::ReleaseView],
        archived: &'a [views::ReleaseView],
        mode: &'static str,
    },
    Feed {
        entries: Vec<&'a views::EventView>,
        updated: String,
    },
    Reports {
        reports: &'a [views::ReportPageView],
    },
    How {
        how: &'a views::HowView,
    },
    Report {
        report_page: &'a views::ReportPageView,
    },
    Empty {},
}

/// Every page of the site and what it shows: one job per page route of the table.
fn plan<'a>(data: &'a SiteData, theme: &Theme) -> Vec<Job<'a>> {
    let t = |k: &str| {
        theme
            .strings
            .get(k)
            .cloned()
            .unwrap_or_else(|| k.to_string())
    };
    let by_url = Lookup::of(data);
    data.routes
        .iter()
        .filter_map(|r| job_for(r, data, &by_url, &t))
        .collect()
}

/// Item views by address, to find the view (and title) of an item route at once.
struct Lookup<'a> {
    views: std::collections::HashMap<&'a str, (Data<'a>, String)>,
}

impl<'a> Lookup<'a> {
    fn of(data: &'a SiteData) -> Lookup<'a> {
        let mut views = std::collections::HashMap::new();
        for n in &data.notes {
            views.insert(n.url.as_str(), (Data::Note { note: n }, n.title.clone()));
        }
        for i in &data.issues {
            let title = format!("{} {}", i.id, i.title);
            views.insert(i.url.as_str(), (Data::Issue { issue: i }, title));
        }
        for m in &data.milestones {
            views.insert(
                m.url.as_str(),
                (Data::Milestone { milestone: m }, m.title.clone()),
            );
        }
        for p in &data.pages {
            views.insert(
                p.url.as_str(),
                (Data::Page { page_view: p }, p.title.clone()),
            );
        }
        for r in &data.reports {
            views.insert(
                r.url.as_str(),
                (Data::Report { report_page: r }, r.label.clone()),
            );
        }
        Lookup { views }
    }
}

/// The job of one route (`None` for data files, which are not templates). Long on purpose:
/// one arm per kind of page, read as a table next to [`Route`].
fn job_for<'a>(
    route: &Route,
    data: &'a SiteData,
    lookup: &Lookup<'a>,
    t: &dyn Fn(&str) -> String,
) -> Option<Job<'a>> {
    use Route::*;
    let path = route.path();
    let item = |template, section| {
        let (data, title) = lookup.views.get(path.as_str())?.clone();
        Some(job(template, &path, section, title, data))
    };
    let split = data
        .changelog
        .iter()
        .position(|r| r.archived)
        .unwrap_or(data.changelog.len());
    let (shown, archived) = data.changelog.split_at(split);
    let changelog = |title, changelog, archived, mode| {
        let data = Data::Changelog {
            changelog,
            archived,
            mode,
        };
        job("changelog.html", &path, "changelog", title, data)
    };
    Some(match route {
        Home => job(
            "index.html",
            &path,
            "dashboard",
            t("nav.dashboard"),
            Data::Dashboard {
                dashboard: &data.dashboard,
                notes_count: data.notes.len(),
            },
        ),
        Notes => job(
            "notes.html",
            &path,
            "notes",
            t("nav.notes"),
            Data::Notes { notes: &data.notes },
        ),
        Issues => job(
            "issues.html",
            &path,
            "issues",
            t("nav.issues"),
            Data::Issues {
                issues: &data.issues,
            },
        ),
        Milestones => job(
            "milestones.html",
            &path,
            "milestones",
            t("nav.milestones"),
            Data::Milestones {
                milestones: &data.milestones,
            },
        ),
        NotFound => job("404.html", &path, "", t("404.title"), Data::Empty {}),
        Timeline => job(
            "timeline.html",
            &path,
            "timeline",
            t("nav.timeline"),
            Data::Timeline {
                timeline: &data.timeline,
            },
        ),
        Changelog => changelog(t("nav.changelog"), shown, archived, "index"),
        Archive => changelog(t("changelog.archive"), &[], archived, "archive"),
        Release { archived: true, .. } => {
            let r = archived.iter().find(|r| r.url == path)?;
            let title = format!("{} {}", t("nav.changelog"), r.tag.as_deref().unwrap_or(""));
            changelog(title, std::slice::from_ref(r), &[], "release")
        }
        Search => job(
            "search.html",
            &path,
            "search",
            t("nav.search"),
            Data::Empty {},
        ),
        How => job(
            "how.html",
            &path,
            "how",
            t("nav.how"),
            Data::How { how: &data.how },
        ),
        Reports => job(
            "reports.html",
            &path,
            "reports",
            t("nav.reports"),
            Data::Reports {
                reports: &data.reports,
            },
        ),
        Report(_) => return item("report_page.html", "reports"),
        Feed | IncidentFeed => {
            let incidents = matches!(route, IncidentFeed);
            let entries = data
                .timeline
                .iter()
                .flat_map(|m| &m.events)
                .filter(|e| !incidents || e.group == "incidents")
                .take(50)
                .collect();
            let title = t(if incidents {
                "feed.incidents"
            } else {
                "feed.timeline"
            });
            let updated = data.site.built.stamp.clone();
            job(
                "feed.xml",
                &path,
                "",
                title,
                Data::Feed { entries, updated },
            )
        }
        Glossary => job(
            "glossary.html",
            &path,
            "glossary",
            t("nav.glossary"),
            Data::Glossary { terms: &data.terms },
        ),
        Feedback => job(
            "feedback.html",
            &path,
            "feedback",
            t("nav.feedback"),
            Data::Feedback {
                feedback: &data.feedback,
            },
        ),
        Metrics => job(
            "metrics.html",
            &path,
            "metrics",
            t("nav.metrics"),
            Data::Metrics {
                metrics: &data.metrics,
            },
        ),
        Note(_) => return item("note.html", "notes"),
        Issue(_) => return item("issue.html", "issues"),
        Milestone(_) => return item("milestone.html", "milestones"),
        Page(_) => return item("page.html", "page"),
        Term(_)
        | FeedbackItem(_)
        | Release { .. }
        | Unreleased
        | SearchIndex
        | Calendar
        | Status
        | Badge
        | Sitemap => return None,
    })
}

/// Renders every page of the site, in parallel, plus the theme's and the site's static files.
/// A template error is a diagnostic at the template's file, line and column; each place is
/// reported once however many pages it broke.
pub fn render_site(
    data: &SiteData,
    theme: &Theme,
    assets: &[(String, Vec<u8>)],
) -> Result<Vec<OutFile>, Diagnostics> {
    let jobs = plan(data, theme);
    let globals = Globals::of(data);
    let results: Vec<Result<OutFile, Diagnostic>> = jobs
        .par_iter()
        .map(|j| render_job(j, &globals, theme))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut errors = Diagnostics::default();
    let mut seen = std::collections::HashSet::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) if seen.insert((d.path.clone(), d.line, d.col)) => errors.push(d),
            Err(_) => {}
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    files.extend(theme.statics.iter().map(|(p, b)| OutFile {
        path: format!("assets/{p}"),
        bytes: b.clone(),
    }));
    files.extend(assets.iter().map(|(p, b)| OutFile {
        path: p.clone(),
        bytes: b.clone(),
    }));
    files.extend(data_files(data, theme));
    if let Some(base) = &data.site.base_url {
        files.push(sitemap(base, &files));
    }
    Ok(files)
}

/// The machine-readable files: search index, calendar, status and badge.
fn data_files(data: &SiteData, theme: &Theme) -> Vec<OutFile> {
    vec![
        outputs::search_index(data),
        outputs::calendar(data),
        outputs::status_json(data),
        outputs::badge(data, &theme.strings),
    ]
}

/// Renders the one file at `path` (for `serve`, which renders on request).
pub fn render_one(
    data: &SiteData,
    theme: &Theme,
    assets: &[(String, Vec<u8>)],
    path: &str,
) -> Result<Option<OutFile>, Diagnostic> {
    let data_file = match path {
        "assets/search-index.js" => Some(outputs::search_index(data)),
        "calendar.ics" => Some(outputs::calendar(data)),
        "status.json" => Some(outputs::status_json(data)),
        "badge.svg" => Some(outputs::badge(data, &theme.strings)),
        _ => None,
    };
    if data_file.is_some() {
        return Ok(data_file);
    }
    if let Some(j) = plan(data, theme).iter().find(|j| j.path == path) {
        return render_job(j, &Globals::of(data), theme).map(Some);
    }
    let file = |p: &str, b: &Vec<u8>| OutFile {
        path: p.to_string(),
        bytes: b.clone(),
    };
    if let Some(b) = path
        .strip_prefix("assets/")
        .and_then(|p| theme.statics.get(p))
    {
        return Ok(Some(file(path, b)));
    }
    Ok(assets
        .iter()
        .find(|(p, _)| p == path)
        .map(|(p, b)| file(p, b)))
}

fn job<'a>(
    template: &'static str,
    path: &str,
    section: &'static str,
    title: String,
    data: Data<'a>,
) -> Job<'a> {
    Job {
        template,
        path: path.to_string(),
        section,
        title,
        data,
    }
}

/// The way from the page at `path` back to the site root: `""` at the top, `"../"` one
/// folder down, so links work from a sub-path and `file://`.
pub fn root_of(path: &str, base_url: Option<&str>) -> String {
    match (base_url, path) {
        // GitHub Pages serves 404.html at any depth: only absolute links work there.
        (Some(base), "404.html") => base.to_string(),
        _ => crate::routes::root_of(path),
    }
}

fn render_job(j: &Job<'_>, globals: &Globals, theme: &Theme) -> Result<OutFile, Diagnostic> {
    let section = if j.section == "page" {
        format!(
            "page-{}",
            j.path
                .trim_start_matches("pages/")
                .trim_end_matches(".html")
        )
    } else {
        j.section.to_string()
    };
    let mut ctx = globals.0.clone();
    let base = globals
        .0
        .get("site")
        .and_then(|s| s.get_from_path("base_url"));
    let root = root_of(&j.path, base.and_then(|b| b.as_str()));
    ctx.insert("root", &root);
    ctx.insert(
        "page",
        &PageInfo {
            section,
            title: j.title.clone(),
            path: j.path.clone(),
        },
    );
    let data = tera::Context::from_serialize(&j.data)
        .map_err(|e| theme.diagnostic(&e, Some(&format!("rendering {}", j.path))))?;
    ctx.extend(data);
    let html = theme.render(j.template, &ctx, &format!("rendering {}", j.path))?;
    Ok(OutFile {
        path: j.path.clone(),
        bytes: html.into_bytes(),
    })
}

/// `sitemap.xml` of every HTML page (only with a `base_url`: a sitemap needs absolute URLs).
fn sitemap(base: &str, files: &[OutFile]) -> OutFile {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut paths: Vec<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| p.ends_with(".html") && *p != "404.html")
        .collect();
    paths.sort_unstable();
    for p in paths {
        let loc = format!("{base}{}", p.strip_suffix("index.html").unwrap_or(p));
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            crate::escape::html(&loc)
        ));
    }
    xml.push_str("</urlset>\n");
    OutFile {
        path: "sitemap.xml".into(),
        bytes: xml.into_bytes(),
    }
}

/// A report as a standalone, printable HTML page (`vitrine report --format html`).
pub fn report_html(
    report: &crate::insight::report::Report,
    theme: &Theme,
    base: Option<&str>,
    lang: &str,
) -> Result<String> {
    let mut ctx = tera::Context::new();
    ctx.insert("report", report);
    ctx.insert("base", base.unwrap_or(""));
    ctx.insert("lang", lang);
    theme
        .render("report.html", &ctx, "rendering the report")
        .map_err(|d| ThemeError::from(d).into())
}

/// The changelog as Markdown (`vitrine changelog`), through the template `changelog.md`.
pub fn changelog_markdown(
    releases: &[views::ReleaseView],
    theme: &Theme,
) -> Result<String, ThemeError> {
    let mut ctx = tera::Context::new();
    ctx.insert("releases", releases);
    Ok(theme.render("changelog.md", &ctx, "writing the changelog")?)
}
