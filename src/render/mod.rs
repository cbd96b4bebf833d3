//! Render: views to files. Markdown, templates and charts live here; nothing here knows
//! where the content came from.

mod chart;
pub mod history_views;
pub mod linker;
pub mod markdown;
pub mod outputs;
pub mod report;
pub mod theme;
pub mod views;

use anyhow::{Result, anyhow};
use rayon::prelude::*;
use serde::Serialize;

pub use theme::Theme;
pub use views::{SiteData, ViewInput};

/// One output file: path relative to the output folder.
#[derive(Debug, Clone)]
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What every page template gets: the site, its strings, the way back to the site root,
/// the page itself and the page's own data (flattened).
#[derive(Serialize)]
struct PageContext<'a, T: Serialize> {
    site: &'a views::SiteView,
    t: &'a std::collections::BTreeMap<String, String>,
    /// The project's charts (the dashboard, issues and milestones pages show them).
    charts: &'a views::ChartsView,
    /// `""` at the top, `"../"` one folder down: links work from a sub-path and `file://`.
    root: String,
    page: PageInfo,
    #[serde(flatten)]
    data: T,
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
#[derive(Serialize)]
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

/// Renders every page of the site, in parallel, plus the theme's and the site's static files.
/// Every page of the site and what it shows.
fn plan<'a>(data: &'a SiteData, theme: &Theme) -> Vec<Job<'a>> {
    let t = |k: &str| {
        theme
            .strings
            .get(k)
            .cloned()
            .unwrap_or_else(|| k.to_string())
    };
    let mut jobs = vec![
        job(
            "index.html",
            "index.html",
            "dashboard",
            t("nav.dashboard"),
            Data::Dashboard {
                dashboard: &data.dashboard,
                notes_count: data.notes.len(),
            },
        ),
        job(
            "notes.html",
            "notes/index.html",
            "notes",
            t("nav.notes"),
            Data::Notes { notes: &data.notes },
        ),
        job(
            "issues.html",
            "issues/index.html",
            "issues",
            t("nav.issues"),
            Data::Issues {
                issues: &data.issues,
            },
        ),
        job(
            "milestones.html",
            "milestones/index.html",
            "milestones",
            t("nav.milestones"),
            Data::Milestones {
                milestones: &data.milestones,
            },
        ),
        job("404.html", "404.html", "", t("404.title"), Data::Empty {}),
    ];
    jobs.push(job(
        "timeline.html",
        "timeline/index.html",
        "timeline",
        t("nav.timeline"),
        Data::Timeline {
            timeline: &data.timeline,
        },
    ));
    if !data.changelog.is_empty() {
        let split = data
            .changelog
            .iter()
            .position(|r| r.archived)
            .unwrap_or(data.changelog.len());
        let (shown, archived) = data.changelog.split_at(split);
        let changelog = |path: &str, title: String, changelog, archived, mode| {
            let data = Data::Changelog {
                changelog,
                archived,
                mode,
            };
            job("changelog.html", path, "changelog", title, data)
        };
        jobs.push(changelog(
            "changelog/index.html",
            t("nav.changelog"),
            shown,
            archived,
            "index",
        ));
        if !archived.is_empty() {
            jobs.push(changelog(
                "changelog/archive.html",
                t("changelog.archive"),
                &[],
                archived,
                "archive",
            ));
        }
        for r in archived {
            let title = format!("{} {}", t("nav.changelog"), r.tag.as_deref().unwrap_or(""));
            jobs.push(changelog(
                &r.url,
                title,
                std::slice::from_ref(r),
                &[],
                "release",
            ));
        }
    }
    jobs.push(job(
        "search.html",
        "search/index.html",
        "search",
        t("nav.search"),
        Data::Empty {},
    ));
    jobs.push(job(
        "how.html",
        "how-we-work/index.html",
        "how",
        t("nav.how"),
        Data::How { how: &data.how },
    ));
    if !data.reports.is_empty() {
        jobs.push(job(
            "reports.html",
            "reports/index.html",
            "reports",
            t("nav.reports"),
            Data::Reports {
                reports: &data.reports,
            },
        ));
        jobs.extend(data.reports.iter().map(|r| {
            job(
                "report_page.html",
                &r.url,
                "reports",
                r.label.clone(),
                Data::Report { report_page: r },
            )
        }));
    }
    let events = || data.timeline.iter().flat_map(|m| &m.events);
    let updated = data.site.built.stamp.clone();
    let all: Vec<_> = events().take(50).collect();
    jobs.push(job(
        "feed.xml",
        "feed.xml",
        "",
        t("feed.timeline"),
        Data::Feed {
            entries: all,
            updated: updated.clone(),
        },
    ));
    let incidents: Vec<_> = events()
        .filter(|e| e.group == "incidents")
        .take(50)
        .collect();
    jobs.push(job(
        "feed.xml",
        "incidents.xml",
        "",
        t("feed.incidents"),
        Data::Feed {
            entries: incidents,
            updated,
        },
    ));
    if !data.terms.is_empty() {
        jobs.push(job(
            "glossary.html",
            "glossary/index.html",
            "glossary",
            t("nav.glossary"),
            Data::Glossary { terms: &data.terms },
        ));
    }
    if !data.feedback.is_empty() {
        jobs.push(job(
            "feedback.html",
            "feedback/index.html",
            "feedback",
            t("nav.feedback"),
            Data::Feedback {
                feedback: &data.feedback,
            },
        ));
    }
    if !data.metrics.is_empty() {
        jobs.push(job(
            "metrics.html",
            "metrics/index.html",
            "metrics",
            t("nav.metrics"),
            Data::Metrics {
                metrics: &data.metrics,
            },
        ));
    }
    jobs.extend(data.notes.iter().map(|n| {
        job(
            "note.html",
            &n.url,
            "notes",
            n.title.clone(),
            Data::Note { note: n },
        )
    }));
    jobs.extend(data.issues.iter().map(|i| {
        job(
            "issue.html",
            &i.url,
            "issues",
            format!("{} {}", i.id, i.title),
            Data::Issue { issue: i },
        )
    }));
    jobs.extend(data.milestones.iter().map(|m| {
        job(
            "milestone.html",
            &m.url,
            "milestones",
            m.title.clone(),
            Data::Milestone { milestone: m },
        )
    }));
    jobs.extend(data.pages.iter().map(|p| {
        job(
            "page.html",
            &p.url,
            "page",
            p.title.clone(),
            Data::Page { page_view: p },
        )
    }));
    jobs
}

/// Renders every page of the site, in parallel, plus the theme's and the site's static files.
pub fn render_site(
    data: &SiteData,
    theme: &Theme,
    assets: &[(String, Vec<u8>)],
) -> Result<Vec<OutFile>> {
    let jobs = plan(data, theme);
    let mut files: Vec<OutFile> = jobs
        .par_iter()
        .map(|j| render_job(j, data, theme))
        .collect::<Result<_>>()?;
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
) -> Result<Option<OutFile>> {
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
        return render_job(j, data, theme).map(Some);
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
        _ => "../".repeat(path.matches('/').count()),
    }
}

fn render_job(j: &Job<'_>, data: &SiteData, theme: &Theme) -> Result<OutFile> {
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
    let ctx = PageContext {
        site: &data.site,
        t: &theme.strings,
        charts: &data.charts,
        root: root_of(&j.path, data.site.base_url.as_deref()),
        page: PageInfo {
            section,
            title: j.title.clone(),
            path: j.path.clone(),
        },
        data: &j.data,
    };
    let tmpl = theme
        .env
        .get_template(j.template)
        .map_err(|e| anyhow!("theme template {}: {e}", j.template))?;
    let html = tmpl
        .render(minijinja::value::Serde(&ctx))
        .map_err(|e| anyhow!("rendering {} with {}: {e:#}", j.path, j.template))?;
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
        xml.push_str(&format!("  <url><loc>{}</loc></url>\n", escape_xml(&loc)));
    }
    xml.push_str("</urlset>\n");
    OutFile {
        path: "sitemap.xml".into(),
        bytes: xml.into_bytes(),
    }
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A report as a standalone, printable HTML page (`vitrine report --format html`).
pub fn report_html(
    report: &crate::insight::report::Report,
    theme: &Theme,
    base: Option<&str>,
    lang: &str,
) -> Result<String> {
    let ctx = serde_json::json!({ "report": report, "t": &theme.strings, "base": base.unwrap_or(""), "lang": lang });
    let tmpl = theme
        .env
        .get_template("report.html")
        .map_err(|e| anyhow!("theme template report.html: {e}"))?;
    tmpl.render(minijinja::value::Serde(&ctx))
        .map_err(|e| anyhow!("rendering the report: {e:#}"))
}
