//! Render: views to files. Markdown, templates and charts live here; nothing here knows
//! where the content came from.

pub(crate) mod chart;
pub mod history_views;
pub mod linker;
pub mod markdown;
pub mod outputs;
pub mod report;
pub mod splice;
pub mod theme;
pub mod views;

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use tera::Value;

use crate::buildcache::{FileRecord, Fingerprint, Fingerprinter};
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
        Globals::with(Value::from_serializable(&data.site), &data.charts)
    }

    fn with(site: Value, charts: &views::ChartsView) -> Globals {
        let mut c = tera::Context::new();
        c.insert("site", &site);
        c.insert("charts", charts);
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

/// A UI string of the theme's language by key (the key itself if the language lacks it).
fn ui_text(theme: &Theme) -> impl Fn(&str) -> String + '_ {
    |k: &str| {
        theme
            .strings
            .get(k)
            .cloned()
            .unwrap_or_else(|| k.to_string())
    }
}

/// Every page of the site and what it shows: one job per page route of the table.
fn plan(data: &SiteData, theme: &Theme) -> Vec<Job> {
    let t = ui_text(theme);
    let shared = Shared::of(data);
    let by_url = Lookup::of(data, &shared);
    data.routes
        .iter()
        .filter_map(|r| job_for(r, data, &shared, &by_url, &t))
        .collect()
}

/// Item views by address, to find the view (and title) of an item route at once.
struct Lookup {
    views: std::collections::HashMap<String, (Data, String)>,
}

impl Lookup {
    fn of(data: &SiteData, shared: &Shared) -> Lookup {
        let mut views = std::collections::HashMap::new();
        for (n, v) in data.notes.iter().zip(items(&shared.notes)) {
            let note = Data::Note { note: v.clone() };
            views.insert(n.url.clone(), (note, n.title.clone()));
        }
        for (i, v) in data.issues.iter().zip(items(&shared.issues)) {
            let issue = Data::Issue { issue: v.clone() };
            views.insert(i.url.clone(), (issue, issue_title(i)));
        }
        for (m, v) in data.milestones.iter().zip(items(&shared.milestones)) {
            let milestone = Data::Milestone {
                milestone: v.clone(),
            };
            views.insert(m.url.clone(), (milestone, m.title.clone()));
        }
        for (p, v) in data.pages.iter().zip(items(&shared.pages)) {
            let page = Data::Page {
                page_view: v.clone(),
            };
            views.insert(p.url.clone(), (page, p.title.clone()));
        }
        for (r, v) in data.reports.iter().zip(items(&shared.reports)) {
            let report = Data::Report {
                report_page: v.clone(),
            };
            views.insert(r.url.clone(), (report, r.label.clone()));
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
    lookup: &Lookup,
    t: &dyn Fn(&str) -> String,
) -> Option<Job> {
    use Route::*;
    let path = route.path();
    if let Some((template, section)) = item_template(route) {
        let (data, title) = lookup.views.get(path.as_str())?.clone();
        return Some(job(template, &path, section, title, data));
    }
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
        // Answered above, from the lookup.
        Note(_) | Issue(_) | Milestone(_) | Page(_) | Report(_) => return None,
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
    let caching = Caching::default();
    Ok(render_site_with(data, theme, assets, &caching)?.files)
}

/// What a build knows of the previous build into the same output folder.
pub struct Previous<'a> {
    /// Each file written then, by path.
    pub files: &'a std::collections::BTreeMap<String, FileRecord>,
    /// The text of each per-build value then (see [`splice`]).
    pub spliced: &'a std::collections::BTreeMap<String, String>,
    /// Reads a file of that output.
    pub read: &'a (dyn Fn(&str) -> Option<Vec<u8>> + Sync),
}

/// How [`render_site_with`] may reuse earlier work, and whom it tells how far it is.
#[derive(Default)]
pub struct Caching<'a> {
    /// Everything besides the views that decides how a page renders: this binary (its
    /// embedded theme and filters), the site's theme files and language, the config.
    pub inputs: Fingerprint,
    /// What the pages go through after rendering (the keys of `[access]`): pages are then
    /// sealed, so one is taken over only as written, never refilled.
    pub sealed: Option<Fingerprint>,
    pub previous: Option<Previous<'a>>,
    /// Fingerprint every page (for the next build); without it, and without `previous`,
    /// [`SiteFiles::records`] hold nothing of use.
    pub record: bool,
    /// Told (pages done, pages in all) now and then.
    pub progress: Option<&'a (dyn Fn(u64, u64) + Sync)>,
}

/// The files of a site and what decided them.
pub struct SiteFiles {
    pub files: Vec<OutFile>,
    /// One per file: its bytes are those of the same path in the previous output, which
    /// were not read (`bytes` is empty).
    pub kept: Vec<bool>,
    /// What decided each page, by path (other files are named by their bytes).
    pub records: std::collections::HashMap<String, FileRecord>,
    /// The text of each per-build value of this build.
    pub spliced: std::collections::BTreeMap<String, String>,
    /// The pages rendered (the others were taken over or refilled).
    pub rendered: Vec<String>,
}

/// What became of one page.
enum Outcome {
    /// The same bytes as in the previous output.
    Kept(FileRecord),
    /// New bytes; rendered, or refilled from the previous output.
    Fresh(OutFile, FileRecord, bool),
}

/// [`render_site`], with per-build values spliced in (see [`splice`]), rendering only the
/// pages whose input is not the one recorded in `caching.previous`.
pub fn render_site_with(
    data: &SiteData,
    theme: &Theme,
    assets: &[(String, Vec<u8>)],
    caching: &Caching<'_>,
) -> Result<SiteFiles, Diagnostics> {
    let t0 = std::time::Instant::now();
    let jobs = plan(data, theme);
    let t_plan = t0.elapsed();
    let splice = page_splice(data, theme, &jobs);
    let t_check = t0.elapsed();
    let pages = Pages {
        common: Common::of(data, theme, &jobs, &splice, caching.inputs),
        real: Globals::of(data),
        globals: Globals::with(splice.site_value(&data.site), &data.charts),
        splice: &splice,
        theme,
        caching,
    };
    let done = std::sync::atomic::AtomicU64::new(0);
    let total = jobs.len() as u64;
    // The data files (the search index most) are made while the pages render.
    let (results, data_files): (Vec<Result<Outcome, Diagnostic>>, _) = rayon::join(
        || {
            (jobs.par_iter())
                .map(|j| {
                    let r = pages.page(j);
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    if let Some(p) = caching.progress
                        && (n.is_multiple_of(64) || n == total)
                    {
                        p(n, total);
                    }
                    r
                })
                .collect()
        },
        || data_files(data, theme),
    );
    if std::env::var_os("VITRINE_TIMINGS").is_some() {
        eprintln!(
            "  render: plan {:?}, splice check {:?}, pages {:?}",
            t_plan,
            t_check - t_plan,
            t0.elapsed() - t_check
        );
    }
    let mut site = SiteFiles {
        files: Vec::with_capacity(results.len() + theme.statics.len() + assets.len() + 8),
        kept: Vec::new(),
        records: std::collections::HashMap::new(),
        spliced: splice.texts.clone(),
        rendered: Vec::new(),
    };
    let mut errors = Diagnostics::default();
    let mut seen = std::collections::HashSet::new();
    for (j, r) in jobs.iter().zip(results) {
        match r {
            Ok(Outcome::Kept(record)) => {
                site.files.push(file(&j.path, Vec::new()));
                site.kept.push(true);
                site.records.insert(j.path.clone(), record);
            }
            Ok(Outcome::Fresh(f, record, rendered)) => {
                if rendered {
                    site.rendered.push(j.path.clone());
                }
                site.files.push(f);
                site.kept.push(false);
                site.records.insert(j.path.clone(), record);
            }
            Err(d) if seen.insert((d.path.clone(), d.line, d.col)) => errors.push(d),
            Err(_) => {}
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    // The pages' template values are freed before the data files take their memory.
    drop((pages, jobs));
    let mut rest: Vec<OutFile> = theme
        .statics
        .iter()
        .map(|(p, b)| file(&format!("assets/{p}"), b.clone()))
        .collect();
    rest.extend(assets.iter().map(|(p, b)| file(p, b.clone())));
    rest.extend(data_files);
    if let Some(base) = &data.site.base_url {
        let all = site.files.iter().chain(&rest).map(|f| f.path.as_str());
        rest.push(sitemap(base, all));
    }
    site.kept.extend(rest.iter().map(|_| false));
    site.files.extend(rest);
    Ok(site)
}

fn file(path: &str, bytes: Vec<u8>) -> OutFile {
    OutFile {
        path: path.to_string(),
        bytes,
    }
}

/// Everything of one build that renders pages.
struct Pages<'a> {
    /// What every page's input shares: [`Caching::inputs`], the site and the charts.
    common: Common,
    /// The site with its real values (for the pages that cannot be spliced).
    real: Globals,
    /// The site with tokens for its per-build values.
    globals: Globals,
    splice: &'a splice::Splice,
    theme: &'a Theme,
    caching: &'a Caching<'a>,
}

impl Pages<'_> {
    /// One page: taken over, refilled or rendered.
    fn page(&self, j: &Job) -> Result<Outcome, Diagnostic> {
        let input = match self.caching.record || self.caching.previous.is_some() {
            true => page_input(j, &self.common),
            false => Fingerprint::default(),
        };
        let previous = self.caching.previous.as_ref();
        if let Some(prev) = previous
            && let Some(rec) = prev.files.get(&j.path)
            && rec.input == Some(input)
        {
            let output = self.output(input, &rec.holes);
            if output == rec.output {
                return Ok(Outcome::Kept(rec.clone()));
            }
            // Only a page written unsealed, with the recorded values at the recorded
            // places, is refilled (the record's own fingerprint says so).
            let unsealed = output_of(input, &rec.holes, prev.spliced, None) == rec.output;
            let refilled = match (self.caching.sealed, unsealed) {
                (None, true) => (prev.read)(&j.path)
                    .and_then(|old| self.splice.refill(&old, &rec.holes, prev.spliced)),
                _ => None,
            };
            if let Some((bytes, holes)) = refilled {
                let record = self.record(input, holes);
                return Ok(Outcome::Fresh(file(&j.path, bytes), record, false));
            }
        }
        let filled = render_job_with(j, &self.globals, self.theme, |raw| self.splice.fill(raw))?;
        if let Some((bytes, holes)) = filled {
            let record = self.record(input, holes);
            return Ok(Outcome::Fresh(file(&j.path, bytes), record, true));
        }
        // A filter made something else of a token: this page gets the real values, and
        // depends on them.
        let real = render_job(j, &self.real, self.theme)?;
        let input = Fingerprinter::default()
            .fingerprint(input)
            .json(&self.splice.texts)
            .finish();
        let record = self.record(input, Vec::new());
        Ok(Outcome::Fresh(real, record, true))
    }

    /// What decides a page's bytes as written: its input, the values spliced into it and
    /// how it is sealed.
    fn output(&self, input: Fingerprint, holes: &[(u32, String)]) -> Fingerprint {
        output_of(input, holes, &self.splice.texts, self.caching.sealed)
    }

    fn record(&self, input: Fingerprint, holes: Vec<(u32, String)>) -> FileRecord {
        FileRecord {
            output: self.output(input, &holes),
            input: Some(input),
            holes,
        }
    }
}

/// What decides a page's bytes as written: its input, the text of the values spliced
/// into it and the keys it is sealed with.
fn output_of(
    input: Fingerprint,
    holes: &[(u32, String)],
    texts: &std::collections::BTreeMap<String, String>,
    sealed: Option<Fingerprint>,
) -> Fingerprint {
    let mut h = Fingerprinter::default();
    h.fingerprint(input);
    for (_, name) in holes {
        h.bytes(name.as_bytes());
        match texts.get(name) {
            Some(t) => h.bytes(t.as_bytes()),
            None => h.bytes(b"\0missing"),
        };
    }
    h.json(&sealed.map(|f| f.hex()));
    h.finish()
}

/// The templates that print the per-build values themselves (the others show them through
/// the layout's banners and footer, which every page has, as the not-found page does).
const SPLICE_CHECKED: [&str; 3] = ["404.html", "index.html", "how.html"];

/// The per-build values of this build. They are spliced unless the site's own templates
/// mention them, or a page that shows them does not come out the same spliced as rendered
/// with the real values (checked every build on the pages of [`SPLICE_CHECKED`]).
fn page_splice(data: &SiteData, theme: &Theme, jobs: &[Job]) -> splice::Splice {
    let own = theme.overrides_mention(&[
        "revision",
        "built",
        "last_update",
        "next_update",
        "__tera_context",
    ]);
    let s = splice::Splice::of(&data.site, &theme.lang, own);
    if own {
        return s;
    }
    let real = Globals::of(data);
    let globals = Globals::with(s.site_value(&data.site), &data.charts);
    for j in jobs.iter().filter(|j| SPLICE_CHECKED.contains(&j.template)) {
        let (Ok(a), Ok(b)) = (render_job(j, &real, theme), render_job(j, &globals, theme)) else {
            continue;
        };
        if s.fill(&b.bytes).is_none_or(|(b, _)| b != a.bytes) {
            return splice::Splice::of(&data.site, &theme.lang, true);
        }
    }
    s
}

/// What every page's input shares: the site, and the charts for the pages that may show
/// them (a new commit can redraw a chart; the pages without one stay as they are).
struct Common {
    plain: Fingerprint,
    with_charts: Fingerprint,
    /// The templates whose pages may show the charts.
    charts: std::collections::BTreeSet<&'static str>,
}

impl Common {
    fn of(
        data: &SiteData,
        theme: &Theme,
        jobs: &[Job],
        splice: &splice::Splice,
        inputs: Fingerprint,
    ) -> Common {
        let plain = Fingerprinter::default()
            .fingerprint(inputs)
            .json(&splice.site_fingerprint_value(&data.site))
            .finish();
        let with_charts = Fingerprinter::default()
            .fingerprint(plain)
            .json(&data.charts)
            .finish();
        let pages: std::collections::BTreeSet<&str> = jobs.iter().map(|j| j.template).collect();
        let charts = (pages.iter())
            .filter(|t| theme.may_show(t, "charts", &pages))
            .copied()
            .collect();
        Common {
            plain,
            with_charts,
            charts,
        }
    }
}

/// A page's input: its template and everything its context holds besides the shared part.
fn page_input(j: &Job, common: &Common) -> Fingerprint {
    let shared = match common.charts.contains(j.template) {
        true => common.with_charts,
        false => common.plain,
    };
    Fingerprinter::default()
        .fingerprint(shared)
        .json(&(j.template, j.section, &j.title, &j.path))
        .json(&j.data)
        .finish()
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
/// A site's template values converted once, for rendering one page at a time (`serve`
/// renders each page when it is asked for: converting every view for every request cost
/// more than the page).
pub struct OnDemand {
    /// Every view converted, for list pages (the first that is asked for converts them).
    all: std::sync::OnceLock<(Shared, Lookup)>,
    globals: Globals,
}

impl OnDemand {
    pub fn of(data: &SiteData) -> OnDemand {
        OnDemand {
            all: std::sync::OnceLock::new(),
            globals: Globals::of(data),
        }
    }

    /// The page at `path` if it is a template page of the site (`None` otherwise). An
    /// item's page converts that item alone: the page a save reloads is served without
    /// converting the whole site.
    fn render(
        &self,
        data: &SiteData,
        theme: &Theme,
        path: &str,
    ) -> Option<Result<OutFile, Diagnostic>> {
        let route = data.routes.iter().find(|r| r.path() == path)?;
        let item = item_template(route).zip(item_view(data, route));
        let job = match item {
            Some(((template, section), (data, title))) => job(template, path, section, title, data),
            None => {
                let t = ui_text(theme);
                let (shared, lookup) = self.all.get_or_init(|| {
                    let shared = Shared::of(data);
                    let lookup = Lookup::of(data, &shared);
                    (shared, lookup)
                });
                job_for(route, data, shared, lookup, &t)?
            }
        };
        Some(render_job(&job, &self.globals, theme))
    }
}

/// The template and section of an item's page (`None` for any other page).
fn item_template(route: &Route) -> Option<(&'static str, &'static str)> {
    Some(match route {
        Route::Note(_) => ("note.html", "notes"),
        Route::Issue(_) => ("issue.html", "issues"),
        Route::Milestone(_) => ("milestone.html", "milestones"),
        Route::Page(_) => ("page.html", "page"),
        Route::Report(_) => ("report_page.html", "reports"),
        _ => return None,
    })
}

/// The page data and title of an item's page, converted on its own; the same as
/// [`Lookup`] gives.
fn item_view(data: &SiteData, route: &Route) -> Option<(Data, String)> {
    let path = route.path();
    fn one<T: Serialize>(v: &T) -> Value {
        Value::from_serializable(v)
    }
    Some(match route {
        Route::Note(_) => {
            let n = data.notes.iter().find(|n| n.url == path)?;
            (Data::Note { note: one(n) }, n.title.clone())
        }
        Route::Issue(_) => {
            let i = data.issues.iter().find(|i| i.url == path)?;
            (Data::Issue { issue: one(i) }, issue_title(i))
        }
        Route::Milestone(_) => {
            let m = data.milestones.iter().find(|m| m.url == path)?;
            (Data::Milestone { milestone: one(m) }, m.title.clone())
        }
        Route::Page(_) => {
            let p = data.pages.iter().find(|p| p.url == path)?;
            (Data::Page { page_view: one(p) }, p.title.clone())
        }
        Route::Report(_) => {
            let r = data.reports.iter().find(|r| r.url == path)?;
            (
                Data::Report {
                    report_page: one(r),
                },
                r.label.clone(),
            )
        }
        _ => return None,
    })
}

/// An issue page's title: its id, then its title.
fn issue_title(i: &views::IssueView) -> String {
    format!("{} {}", i.id, i.title)
}

/// One file of the site by its path, rendered on request (`serve`), with the site's template
/// values converted once by the caller: a data file, a page, or a static file.
pub fn render_one_with(
    on_demand: &OnDemand,
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
    if let Some(page) = on_demand.render(data, theme, path) {
        return page.map(Some);
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

/// [`render_one_with`], converting the site's template values for this one file.
pub fn render_one(
    data: &SiteData,
    theme: &Theme,
    assets: &[(String, Vec<u8>)],
    path: &str,
) -> Result<Option<OutFile>, Diagnostic> {
    render_one_with(&OnDemand::of(data), data, theme, assets, path)
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
    let bytes = render_job_with(j, globals, theme, <[u8]>::to_vec)?;
    Ok(OutFile {
        path: j.path.clone(),
        bytes,
    })
}

/// Renders a page and gives its bytes to `then` (still in the buffer it was rendered into:
/// no copy is made that `then` does not make).
fn render_job_with<R>(
    j: &Job,
    globals: &Globals,
    theme: &Theme,
    then: impl FnOnce(&[u8]) -> R,
) -> Result<R, Diagnostic> {
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
    theme.render_with(j.template, &ctx, &format!("rendering {}", j.path), then)
}

/// `sitemap.xml` of every HTML page (only with a `base_url`: a sitemap needs absolute URLs).
fn sitemap<'a>(base: &str, files: impl Iterator<Item = &'a str>) -> OutFile {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut paths: Vec<&str> = files
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
