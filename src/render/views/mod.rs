//! Typed views: exactly what templates receive. Each is built once per build from the
//! [`Project`] and serialised; `vitrine build --context` (via `SiteData`) dumps them.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::history_views::*;
use super::linker::{IssueInput, Linker, TermInput};
use super::markdown::{Markdown, Rendered, excerpt};
use crate::config::{Better, Config};
use crate::content::*;
use crate::dates::{DateView, When};
use crate::insight;
use crate::routes::{Route, Routes};

mod items;
mod metrics;
mod notes;
mod site;
mod timeline;

pub use items::*;
pub use metrics::*;
pub use notes::*;
pub use site::*;
pub use timeline::*;

/// Every view of the site, built once.
#[derive(Debug, Clone, Serialize)]
pub struct SiteData {
    pub site: SiteView,
    pub dashboard: DashboardView,
    pub notes: Vec<NoteView>,
    pub issues: Vec<IssueView>,
    pub milestones: Vec<MilestoneView>,
    pub terms: Vec<TermView>,
    pub feedback: Vec<FeedbackView>,
    pub pages: Vec<PageView>,
    pub metrics: Vec<MetricView>,
    pub timeline: Vec<MonthView>,
    pub changelog: Vec<ReleaseView>,
    pub reports: Vec<ReportPageView>,
    pub charts: ChartsView,
    pub how: HowView,
    /// Every page of the site and its address.
    #[serde(skip)]
    pub routes: Routes,
}

/// What the views are built from besides the project.
pub struct ViewInput<'a> {
    pub config: &'a Config,
    /// Histories, changelog and timeline.
    pub history: &'a insight::HistoryData,
    /// Period reports, newest first.
    pub reports: &'a [(insight::report::Period, insight::report::Report)],
    /// Every page of the site and its address.
    pub routes: &'a Routes,
    /// The site's language: UI strings (chart titles and descriptions) and how it writes
    /// dates, durations and numbers.
    pub lang: &'a crate::format::Lang,
    /// Rendered Markdown kept between rebuilds (`serve`), by [`body_key`].
    pub md_cache: Option<&'a std::sync::Mutex<std::collections::HashMap<u64, Rendered>>>,
    pub internal: bool,
    pub preview: bool,
    pub revision: Option<RevisionView>,
    pub now: When,
}

/// What every view builder reads: the project, the build's input, and each body rendered.
pub(super) struct Ctx<'a> {
    pub p: &'a Project,
    pub input: &'a ViewInput<'a>,
    pub tz: jiff::tz::TimeZone,
    pub forge: Option<crate::forge::Forge>,
    /// Release tag → its address.
    pub release_urls: std::collections::HashMap<String, String>,
    bodies: BTreeMap<&'a str, Rendered>,
}

impl Ctx<'_> {
    /// An item's rendered body.
    pub fn html(&self, m: &Meta) -> Rendered {
        self.bodies
            .get(m.path.as_str())
            .cloned()
            .unwrap_or_default()
    }
    pub fn date(&self, w: &When) -> DateView {
        w.view()
    }
    pub fn opt_date(&self, w: &Option<When>) -> Option<DateView> {
        w.as_ref().map(|w| w.view())
    }
}

/// Renders every Markdown body (in parallel) and builds every view.
pub fn build(p: &Project, input: &ViewInput<'_>) -> SiteData {
    let linker = linker_for(p);
    let ctx = Ctx {
        p,
        input,
        tz: input.config.tz(),
        forge: input.config.forge(),
        release_urls: input.routes.release_paths(),
        bodies: render_bodies(p, input, &linker),
    };
    // The views of the many items, in parallel (each is its item's alone).
    let (notes, issues) = rayon::join(
        || -> Vec<NoteView> {
            use rayon::prelude::*;
            (p.notes.par_iter())
                .map(|n| note_view(n, ctx.html(&n.meta), input))
                .collect()
        },
        || items::issue_views(&ctx),
    );
    let milestones = items::milestone_views(&ctx, &issues);
    let terms = items::term_views(&ctx);
    let feedback = items::feedback_views(&ctx, &issues);
    let pages = items::page_views(&ctx);
    let mut metrics: Vec<MetricView> = p
        .metrics
        .iter()
        .map(|s| metric_view(s, input.config, input.lang))
        .collect();
    let dashboard = dashboard_view(
        p,
        &notes,
        &issues,
        &milestones,
        &metrics,
        input.now.timestamp().as_second(),
    );
    let site = site_view(p, input, &pages, !metrics.is_empty());
    let charts = charts_view(p, input, &milestones);
    for (m, s) in metrics.iter_mut().zip(&p.metrics) {
        m.chart = metric_chart(m, s, input);
    }
    let how = how_view(input.config, input.lang, &metrics, &milestones, &pages);
    let hist = input.history;
    let quiet = quiet_periods(input, &ctx.tz);
    let timeline = timeline_view(
        &hist.timeline,
        &ctx.release_urls,
        &quiet,
        input.lang,
        &ctx.tz,
    );
    let changelog = changelog_view(
        &hist.changelog,
        &notes,
        &issues,
        &ctx.release_urls,
        &ctx.tz,
        ctx.forge.as_ref(),
    );
    SiteData {
        site,
        dashboard,
        notes,
        issues,
        milestones,
        terms,
        feedback,
        pages,
        metrics,
        timeline,
        changelog,
        how,
        charts,
        routes: input.routes.clone(),
        reports: report_views(input),
    }
}

/// Every body rendered to HTML, by source path, in parallel. What a body renders to depends
/// on the body, the linker's targets and the sanitiser setting only: a cache (kept by
/// `serve` between rebuilds) skips unchanged bodies.
fn render_bodies<'a>(
    p: &'a Project,
    input: &ViewInput<'_>,
    linker: &Linker,
) -> BTreeMap<&'a str, Rendered> {
    use rayon::prelude::*;
    let lang = input.lang;
    let (done, open) = (
        lang.get("task.done").unwrap_or("done"),
        lang.get("task.open").unwrap_or("not done yet"),
    );
    let md = Markdown::new(input.config.allow_html).with_task_labels(done, open);
    // A term's own definition does not link to itself (terms are the first targets).
    let own_term: BTreeMap<&str, usize> = p
        .terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.meta.path.as_str(), i))
        .collect();
    let salt = linker.fingerprint() ^ u64::from(input.config.allow_html) ^ {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (done, open).hash(&mut h);
        h.finish()
    };
    // A milestone's criteria are shown as its checklist, so not again in its text.
    let milestones: std::collections::HashSet<&str> =
        p.milestones.iter().map(|m| m.meta.path.as_str()).collect();
    p.metas()
        .par_iter()
        .map(|m| {
            let own = own_term.get(m.path.as_str()).copied();
            let body: std::borrow::Cow<'_, str> = if milestones.contains(m.path.as_str()) {
                crate::content::text::without_task_items(&m.body).into()
            } else {
                m.body.as_str().into()
            };
            let key = body_key(&body, salt, own);
            let cached = input
                .md_cache
                .and_then(|c| c.lock().ok()?.get(&key).cloned());
            let r = cached.unwrap_or_else(|| {
                let r = md.render_linked(&body, Some(linker), "../", own);
                if let Some(c) = input.md_cache
                    && let Ok(mut c) = c.lock()
                {
                    if c.len() > 100_000 {
                        c.clear();
                    }
                    c.insert(key, r.clone());
                }
                r
            });
            (m.path.as_str(), r)
        })
        .collect()
}

/// The periods in which nothing happened, by report key, with when each began.
fn quiet_periods(input: &ViewInput<'_>, tz: &jiff::tz::TimeZone) -> HashMap<String, When> {
    input
        .reports
        .iter()
        .filter(|(_, r)| r.empty)
        .map(|(p, _)| {
            let ts = jiff::Timestamp::from_second(p.start).unwrap_or_default();
            (p.key.clone(), When::from_commit(ts, tz))
        })
        .collect()
}

/// The period reports' pages.
fn report_views(input: &ViewInput<'_>) -> Vec<ReportPageView> {
    input
        .reports
        .iter()
        .map(|(p, r)| ReportPageView {
            key: p.key.clone(),
            label: p.label.clone(),
            week: p.week.clone(),
            url: Route::Report(p.key.clone()).path(),
            in_progress: p.end > input.now.timestamp().as_second(),
            report: r.clone(),
        })
        .collect()
}

/// The "How we work" page: the communication plan, quality targets and acceptance.
fn how_view(
    config: &Config,
    lang: &crate::format::Lang,
    metrics: &[MetricView],
    milestones: &[MilestoneView],
    pages: &[PageView],
) -> HowView {
    let c = &config.communication;
    HowView {
        cadence: c.cadence.clone(),
        day: crate::insight::cadence_weekday(config).map(|w| w.to_monday_one_offset()),
        channels: c.channels.clone(),
        owners: c
            .owners
            .iter()
            // The usual duties (`status notes`, `incidents`…) in the site's language; any
            // other name as the team wrote it.
            .map(|(k, v)| {
                let key = format!("owner.{}", k.trim().to_lowercase().replace([' ', '_'], "-"));
                (lang.get(&key).unwrap_or(k).to_string(), v.clone())
            })
            .collect(),
        escalation: c.escalation.clone(),
        targets: metrics
            .iter()
            .filter(|m| m.target.is_some())
            .cloned()
            .collect(),
        milestones: milestones.to_vec(),
        pages: pages.to_vec(),
    }
}

/// The cache key of a body rendered with a given linker and exclusion.
fn body_key(body: &str, salt: u64, own: Option<usize>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (body, salt, own).hash(&mut h);
    h.finish()
}

fn label(input: &ViewInput<'_>, key: &str) -> String {
    input.lang.get(key).unwrap_or(key).to_string()
}

/// The linker over every client-visible term, alias and issue id of the project.
pub fn linker_for(p: &Project) -> Linker {
    let shorts: Vec<String> = p.terms.iter().map(|t| excerpt(&t.meta.body, 200)).collect();
    let anchors: Vec<String> = p
        .terms
        .iter()
        .map(|t| crate::content::sanitize_slug(&t.term))
        .collect();
    let terms: Vec<TermInput<'_>> = p
        .terms
        .iter()
        .zip(shorts.iter().zip(&anchors))
        .map(|(t, (short, anchor))| TermInput {
            term: &t.term,
            aliases: &t.aliases,
            anchor,
            short,
        })
        .collect();
    let urls: Vec<String> = p
        .issues
        .iter()
        .map(|i| Route::Issue(i.meta.slug.clone()).path())
        .collect();
    let issues: Vec<IssueInput<'_>> = p
        .issues
        .iter()
        .zip(&urls)
        .map(|(i, url)| IssueInput {
            id: &i.id,
            url,
            title: &i.title,
        })
        .collect();
    Linker::new(&terms, &issues)
}
