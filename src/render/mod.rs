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
use tera::Value;

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
struct Job {
    template: &'static str,
    path: String,
    section: &'static str,
    title: String,
    data: Data,
}

/// Every view a page template may receive, converted into template values once per build.
/// A list page and the pages of its items share them: Tera passes a `Value` through
/// serialisation as a reference-counted clone, so no page converts data of its own (the
/// notes list and 500 note pages convert each note once, not twice).
struct Shared {
    dashboard: Value,
    notes: Value,
    issues: Value,
    milestones: Value,
    terms: Value,
    feedback: Value,
    metrics: Value,
    pages: Value,
    timeline: Value,
    changelog: Value,
    reports: Value,
    how: Value,
}

/// A list of views as one template array of their values, converted in parallel.
fn values<T: Serialize + Sync>(items: &[T]) -> Value {
    Value::from(
        items
            .par_iter()
            .map(Value::from_serializable)
            .collect::<Vec<_>>(),
    )
}

impl Shared {
    fn of(data: &SiteData) -> Shared {
        Shared {
            dashboard: Value::from_serializable(&data.dashboard),
            notes: values(&data.notes),
            issues: values(&data.issues),
            milestones: values(&data.milestones),
            terms: values(&data.terms),
            feedback: values(&data.feedback),
            metrics: values(&data.metrics),
            pages: values(&data.pages),
            timeline: values(&data.timeline),
            changelog: values(&data.changelog),
            reports: values(&data.reports),
            how: Value::from_serializable(&data.how),
        }
    }
}

/// The items of a list value (empty for anything else).
fn items(v: &Value) -> &[Value] {
    v.as_array().unwrap_or(&[])
}

/// The page-specific data of each kind of page.
#[derive(Serialize, Clone)]
#[serde(untagged)]
enum Data {
    Dashboard {
        dashboard: Value,
        notes_count: usize,
    },
    Notes {
        notes: Value,
    },
    Note {
        note: Value,
    },
    Issues {
        issues: Value,
    },
    Issue {
        issue: Value,
    },
    Milestones {
        milestones: Value,
    },
    Milestone {
        milestone: Value,
    },
    Glossary {
        terms: Value,
    },
    Feedback {
        feedback: Value,
    },
    Metrics {
        metrics: Value,
    },
    Page {
        page_view: Value,
    },
    Timeline {
        timeline: Value,
    },
    /// The changelog page (`mode` = `index`), one archived release's page (`release`) or
    /// the archive's list of them (`archive`).
    Changelog {
        changelog: Value,
        archived: Value,
        mode: &'static str,
    },
    Feed {
        entries: Vec<Value>,
        updated: String,
    },
    Reports {
        reports: Value,
    },
    How {
        how: Value,
    },
    Report {
        report_page: Value,
    },
    Empty {},
}

/// Every page of the site and what it shows: one job per page route of the table.
fn plan(data: &SiteData, theme: &Theme) -> Vec<Job> {
    let t = |k: &str| {
        theme
            .strings
            .get(k)
            .cloned()
            .unwrap_or_else(|| k.to_string())
    };
    let shared = Shared::of(data);
    let by_url = Lookup::of(data, &shared);
    data.routes
        .iter()
        .filter_map(|r| job_for(r, data, &shared, &by_url, &t))
        .collect()
}

/// Item views by address, to find the view (and title) of an item route at once.
struct Lookup<'a> {
    views: std::collections::HashMap<&'a str, (Data, String)>,
}

impl<'a> Lookup<'a> {
    fn of(data: &'a SiteData, shared: &Shared) -> Lookup<'a> {
        let mut views = std::collections::HashMap::new();
        for (n, v) in data.notes.iter().zip(items(&shared.notes)) {
            let note = Data::Note { note: v.clone() };
            views.insert(n.url.as_str(), (note, n.title.clone()));
        }
        for (i, v) in data.issues.iter().zip(items(&shared.issues)) {
            let title = format!("{} {}", i.id, i.title);
            views.insert(i.url.as_str(), (Data::Issue { issue: v.clone() }, title));
        }
        for (m, v) in data.milestones.iter().zip(items(&shared.milestones)) {
            let milestone = Data::Milestone {
                milestone: v.clone(),
            };
            views.insert(m.url.as_str(), (milestone, m.title.clone()));
        }
        for (p, v) in data.pages.iter().zip(items(&shared.pages)) {
            let page = Data::Page {
                page_view: v.clone(),
            };
            views.insert(p.url.as_str(), (page, p.title.clone()));
        }
        for (r, v) in data.reports.iter().zip(items(&shared.reports)) {
            let report = Data::Report {
                report_page: v.clone(),
            };
            views.insert(r.url.as_str(), (report, r.label.clone()));
        }
        Lookup { views }
    }
}

/// The job of one route (`None` for data files, which are not templates). Long on purpose:
/// one arm per kind of page, read as a table next to [`Route`].
fn job_for(
    route: &Route,
    data: &SiteData,
    shared: &Shared,
    lookup: &Lookup<'_>,
    t: &dyn Fn(&str) -> String,
) -> Option<Job> {
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
    let (shown, archived) = items(&shared.changelog).split_at(split);
    let changelog = |title, changelog: &[Value], archived: &[Value], mode| {
        let data = Data::Changelog {
            changelog: Value::from(changelog),
            archived: Value::from(archived),
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
                dashboard: shared.dashboard.clone(),
                notes_count: data.notes.len(),
            },
        ),
        Notes => job(
            "notes.html",
            &path,
            "notes",
            t("nav.notes"),
            Data::Notes {
                notes: shared.notes.clone(),
            },
        ),
        Issues => job(
            "issues.html",
            &path,
            "issues",
            t("nav.issues"),
            Data::Issues {
                issues: shared.issues.clone(),
            },
        ),
        Milestones => job(
            "milestones.html",
            &path,
            "milestones",
            t("nav.milestones"),
            Data::Milestones {
                milestones: shared.milestones.clone(),
            },
        ),
        NotFound => job("404.html", &path, "", t("404.title"), Data::Empty {}),
        Timeline => job(
            "timeline.html",
            &path,
            "timeline",
            t("nav.timeline"),
            Data::Timeline {
                timeline: shared.timeline.clone(),
            },
        ),
        Changelog => changelog(t("nav.changelog"), shown, archived, "index"),
        Archive => changelog(t("changelog.archive"), &[], archived, "archive"),
        Release { archived: true, .. } => {
            let i = data.changelog.iter().position(|r| r.url == path)?;
            let r = &data.changelog[i];
            let title = format!("{} {}", t("nav.changelog"), r.tag.as_deref().unwrap_or(""));
            let one = std::slice::from_ref(&items(&shared.changelog)[i]);
            changelog(title, one, &[], "release")
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
            Data::How {
                how: shared.how.clone(),
            },
        ),
        Reports => job(
            "reports.html",
            &path,
            "reports",
            t("nav.reports"),
            Data::Reports {
                reports: shared.reports.clone(),
            },
        ),
        Report(_) => return item("report_page.html", "reports"),
        Feed | IncidentFeed => {
            let incidents = matches!(route, IncidentFeed);
            let events = data.timeline.iter().flat_map(|m| &m.events);
            let values = items(&shared.timeline).iter().flat_map(|m| {
                m.get_from_path("events")
                    .map_or(&[][..], |e| e.as_array().unwrap_or(&[]))
            });
            let entries = events
                .zip(values)
                .filter(|(e, _)| !incidents || e.group == "incidents")
                .map(|(_, v)| v.clone())
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
            Data::Glossary {
                terms: shared.terms.clone(),
            },
        ),
        Feedback => job(
            "feedback.html",
            &path,
            "feedback",
            t("nav.feedback"),
            Data::Feedback {
                feedback: shared.feedback.clone(),
            },
        ),
        Metrics => job(
            "metrics.html",
            &path,
            "metrics",
            t("nav.metrics"),
            Data::Metrics {
                metrics: shared.metrics.clone(),
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

fn job(
    template: &'static str,
    path: &str,
    section: &'static str,
    title: String,
    data: Data,
) -> Job {
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

fn render_job(j: &Job, globals: &Globals, theme: &Theme) -> Result<OutFile, Diagnostic> {
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
    let bytes = theme.render_bytes(j.template, &ctx, &format!("rendering {}", j.path))?;
    Ok(OutFile {
        path: j.path.clone(),
        bytes,
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
    let html = theme
        .render("report.html", &ctx, "rendering the report")
        .map_err(ThemeError::from)?;
    if base.is_some() {
        return Ok(html);
    }
    // Without the site's address a link to one of its pages leads nowhere once the file is
    // attached to an e-mail: the titles stay, the links go.
    let link =
        regex::Regex::new(r##"<a href="[^"#:]*"[^>]*>((?s:.*?))</a>"##).expect("a valid pattern");
    Ok(link.replace_all(&html, "$1").into_owned())
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
