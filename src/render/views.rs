//! Typed views: exactly what templates receive. Each is built once per build from the
//! [`Project`] and serialised; `vitrine build --context` (via `SiteData`) dumps them.

use std::collections::BTreeMap;

use serde::Serialize;

use super::history_views::*;
use super::linker::{IssueInput, Linker, TermInput};
use super::markdown::{Markdown, Rendered, excerpt};
use crate::config::{Better, Config};
use crate::content::*;
use crate::dates::{DateView, When};
use crate::format::fmt_num;
use crate::insight;
use crate::routes::{Route, Routes};

/// Shared by every page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub client: Option<String>,
    pub description: Option<String>,
    pub lang: String,
    pub base_url: Option<String>,
    /// The team's own view (`--internal`): every page says so.
    pub internal: bool,
    /// Built from the work tree, not a commit.
    pub preview: bool,
    pub revision: Option<RevisionView>,
    pub built: DateView,
    pub nav: Vec<NavItem>,
    pub feedback_url: Option<String>,
    pub feedback_email: Option<String>,
    /// Open incidents: a banner on every page.
    pub incidents: Vec<LinkView>,
    pub has_metrics: bool,
    /// `#rrggbb`, validated.
    pub brand_color: Option<String>,
    /// The logo's URL relative to the site root.
    pub logo: Option<String>,
    /// When the next status note is due (the latest note plus the cadence).
    pub next_update: Option<DateView>,
    pub next_update_overdue: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RevisionView {
    pub id: String,
    pub short: String,
    /// The commit's page on the forge, when `repository` is set.
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub key: String,
    pub title: String,
    pub url: String,
    /// Absolute or external: not prefixed with the page's root.
    pub external: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    pub url: String,
    pub slug: String,
    pub title: String,
    pub date: DateView,
    pub updated: Option<DateView>,
    pub kind: NoteKind,
    pub health: Option<Health>,
    pub progress: Option<u8>,
    pub summary: String,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub internal: bool,
    pub resolved: Option<DateView>,
    pub open_incident: bool,
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Releases: the version this note announces.
    pub version: Option<String>,
    /// Incidents: every commit to the note, oldest first.
    pub updates: Vec<UpdateView>,
    /// Incidents: from start to resolution (or to now), e.g. `4 h 35 min`.
    pub duration: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IssueView {
    pub url: String,
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: IssueType,
    pub status: IssueStatus,
    pub open: bool,
    pub severity: Severity,
    pub severity_rank: u8,
    pub opened: DateView,
    pub updated: Option<DateView>,
    pub due: Option<DateView>,
    pub overdue: bool,
    pub owner: Option<String>,
    pub milestone: Option<LinkView>,
    pub tags: Vec<String>,
    pub html: String,
    pub internal: bool,
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub history: HistoryView,
    /// The commits that name this issue, newest first.
    pub work: Vec<WorkView>,
    /// The release that shipped the commit that resolved it.
    pub fixed_in: Option<FixedInView>,
}

/// A commit traced to an issue: the work done on it.
#[derive(Debug, Clone, Serialize)]
pub struct WorkView {
    pub date: DateView,
    pub author: String,
    /// The commit's subject (its description, for a Conventional Commit).
    pub subject: String,
    pub commit: String,
    pub commit_url: Option<String>,
    /// The commit says it resolves the issue (`Fixes: ISS-7`).
    pub resolves: bool,
}

/// "Fixed in v0.2.0, released 30 Jan".
#[derive(Debug, Clone, Serialize)]
pub struct FixedInView {
    pub tag: String,
    pub date: DateView,
    pub url: String,
}

/// An item's history as the page shows it.
#[derive(Debug, Clone, Serialize, Default)]
pub struct HistoryView {
    pub entries: Vec<HistoryEntryView>,
    /// How many times the due date moved, and by how many days in all (net).
    pub due_moves: usize,
    pub due_days: i64,
    /// The first due date ever set.
    pub first_due: Option<DateView>,
    /// Days from opening to resolution (or to being done).
    pub days_to_close: Option<i64>,
    /// Days open so far (still open).
    pub days_open: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntryView {
    pub date: DateView,
    /// Author and commit, absent for a commit the client may not see.
    pub author: Option<String>,
    pub commit: Option<String>,
    pub commit_id: Option<String>,
    /// The commit's page on the forge, when `repository` is set.
    pub commit_url: Option<String>,
    pub opened: bool,
    /// The item was internal before this entry and became visible here.
    pub made_public: bool,
    pub changes: Vec<ChangeView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The UI string key of a value (`status.open`), when it has one.
    pub from_key: Option<String>,
    pub to_key: Option<String>,
}

/// One incident update: what one version of the incident note added to its text.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateView {
    pub date: DateView,
    /// The first version the client saw.
    pub first: bool,
    /// The paragraphs it added or changed, plain text.
    pub added: Vec<String>,
}

/// One month of the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct MonthView {
    pub key: String,
    pub label: String,
    pub events: Vec<EventView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub date: DateView,
    pub kind: insight::timeline::EventKind,
    pub group: &'static str,
    pub title: String,
    pub url: String,
    pub change: Option<ChangeView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReleaseView {
    /// The tag, or `None` for unreleased changes.
    pub tag: Option<String>,
    pub anchor: String,
    /// The permalink: a section of the changelog page, or a page of its own.
    pub url: String,
    /// Older than the releases the changelog page shows: it has a page of its own.
    pub archived: bool,
    pub date: Option<DateView>,
    pub commit: Option<String>,
    pub commit_url: Option<String>,
    /// The forge's view of what changed since the previous release.
    pub compare_url: Option<String>,
    /// The release note that introduces it, if any.
    pub note: Option<NoteLinkView>,
    pub groups: Vec<GroupView>,
    /// Commits not listed (maintenance); shown as a count when nothing else is.
    pub maintenance: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteLinkView {
    pub title: String,
    pub url: String,
    pub summary: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    pub kind: String,
    pub entries: Vec<ChangeEntryView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeEntryView {
    pub scope: Option<String>,
    pub description: String,
    /// The description HTML-escaped, `#123` linked to the forge when `repository` is set.
    pub description_html: String,
    pub breaking: bool,
    /// The breaking-change footer: what readers must do.
    pub migration: Option<String>,
    /// The issues the commit names (client-visible ones only), linked to their pages.
    pub issues: Vec<LinkView>,
    /// For a revert: the short id of the commit it undoes.
    pub reverts: Option<String>,
    pub reverts_url: Option<String>,
    pub commit: String,
    pub commit_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MilestoneView {
    pub url: String,
    pub id: String,
    pub title: String,
    pub due: DateView,
    pub status: MilestoneStatus,
    pub late: bool,
    pub completed: Option<DateView>,
    pub criteria: Vec<Criterion>,
    pub criteria_done: usize,
    /// Acceptance progress in percent (criteria done / all), if it has criteria.
    pub percent: Option<u8>,
    pub html: String,
    pub issues: Vec<LinkView>,
    pub internal: bool,
    pub history: HistoryView,
}

#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    pub text: String,
    pub done: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    pub anchor: String,
    /// The A–Z group: the first Latin letter (Chinese terms by their pinyin), else `#`.
    pub letter: String,
    pub term: String,
    pub aliases: Vec<String>,
    pub category: Option<String>,
    pub short: String,
    pub html: String,
    pub internal: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedbackView {
    pub anchor: String,
    pub date: DateView,
    pub from: String,
    pub channel: Option<String>,
    pub rating: Option<u8>,
    pub status: FeedbackStatus,
    pub response: Option<String>,
    pub issues: Vec<LinkView>,
    pub html: String,
    pub internal: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub url: String,
    pub slug: String,
    pub title: String,
    pub nav: bool,
    pub html: String,
    pub updated: Option<DateView>,
    pub internal: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricView {
    pub name: String,
    pub label: String,
    pub unit: String,
    pub target: Option<f64>,
    pub better: &'static str,
    pub latest: Option<f64>,
    /// `latest` as a reader expects it (`82`, `0.75`), without the unit.
    pub latest_text: Option<String>,
    pub target_text: Option<String>,
    pub latest_date: Option<DateView>,
    /// Latest value meets the target (None without a target or values).
    pub met: Option<bool>,
    /// The latest [`METRIC_ROWS`] measurements, oldest first (the history table).
    pub points: Vec<PointView>,
    /// How many measurements the series has in all.
    pub points_total: usize,
    /// A small inline SVG of the series with its target line.
    pub sparkline: String,
    /// The full chart with axes and target.
    pub chart: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PointView {
    pub date: DateView,
    pub value: f64,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DashboardView {
    pub health: Option<Health>,
    pub health_note: Option<LinkView>,
    pub progress: Option<u8>,
    pub next_milestone: Option<MilestoneView>,
    pub open_defects: Vec<SeverityCount>,
    pub open_defects_total: usize,
    pub open_risks: Vec<IssueView>,
    pub open_issues: usize,
    pub latest_notes: Vec<NoteView>,
    pub metrics: Vec<MetricView>,
    pub feedback: Vec<StatusCount>,
    pub milestones_done: usize,
    pub milestones_total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeverityCount {
    pub severity: Severity,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusCount {
    pub status: FeedbackStatus,
    pub count: usize,
}

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

/// The "How we work" page: the communication plan, quality targets and acceptance.
#[derive(Debug, Clone, Serialize, Default)]
pub struct HowView {
    pub cadence: Option<String>,
    pub channels: Vec<String>,
    pub owners: Vec<(String, String)>,
    pub escalation: Vec<String>,
    /// Metrics that have a target.
    pub targets: Vec<MetricView>,
    pub milestones: Vec<MilestoneView>,
    pub pages: Vec<PageView>,
}

/// Inline SVG charts (empty strings when there is nothing to draw).
#[derive(Debug, Clone, Serialize, Default)]
pub struct ChartsView {
    /// Progress over time, from the notes' `progress`.
    pub progress: String,
    /// Open issues by severity at the end of each report period, and all reported so far.
    pub burndown: String,
    /// Milestones: planned against actual dates.
    pub milestones: String,
}

/// A period report page.
#[derive(Debug, Clone, Serialize)]
pub struct ReportPageView {
    pub key: String,
    pub label: String,
    pub url: String,
    pub report: insight::report::Report,
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
    /// UI strings (chart titles and descriptions).
    pub strings: &'a BTreeMap<String, String>,
    /// Rendered Markdown kept between rebuilds (`serve`), by [`body_key`].
    pub md_cache: Option<&'a std::sync::Mutex<std::collections::HashMap<u64, Rendered>>>,
    pub internal: bool,
    pub preview: bool,
    pub revision: Option<RevisionView>,
    pub now: When,
}

/// Renders every Markdown body (in parallel) and builds every view.
pub fn build(p: &Project, input: &ViewInput<'_>) -> SiteData {
    use rayon::prelude::*;
    let lang = input.config.language.as_str();
    let md = Markdown::new(input.config.allow_html);
    let metas: Vec<&Meta> = p.metas();
    let linker = linker_for(p);
    // A term's own definition does not link to itself (terms are the first targets).
    let own_term: BTreeMap<&str, usize> = p
        .terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.meta.path.as_str(), i))
        .collect();
    // What a body renders to depends on the body, the linker's targets and the sanitiser
    // setting only: a cache (kept by `serve` between rebuilds) skips unchanged bodies.
    let salt = linker.fingerprint() ^ u64::from(input.config.allow_html);
    let rendered: BTreeMap<&str, Rendered> = metas
        .par_iter()
        .map(|m| {
            let own = own_term.get(m.path.as_str()).copied();
            let key = body_key(&m.body, salt, own);
            let cached = input
                .md_cache
                .and_then(|c| c.lock().ok()?.get(&key).cloned());
            let r = cached.unwrap_or_else(|| {
                let r = md.render_linked(&m.body, Some(&linker), "../", own);
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
        .collect();
    let html = |m: &Meta| rendered.get(m.path.as_str()).cloned().unwrap_or_default();
    let d = |w: &When| w.view(lang);
    let od = |w: &Option<When>| w.as_ref().map(|w| w.view(lang));

    let notes: Vec<NoteView> = p
        .notes
        .iter()
        .map(|n| note_view(n, html(&n.meta), input))
        .collect();
    let tz = input.config.tz();
    let forge = input.config.forge();
    let release_urls = input.routes.release_paths();
    let hist = input.history;
    let milestone_link = |id: &str| {
        p.milestones.iter().find(|m| m.id == id).map(|m| LinkView {
            title: m.title.clone(),
            url: Route::Milestone(m.meta.slug.clone()).path(),
        })
    };
    let issues: Vec<IssueView> = p
        .issues
        .iter()
        .map(|i| IssueView {
            url: Route::Issue(i.meta.slug.clone()).path(),
            id: i.id.clone(),
            title: i.title.clone(),
            kind: i.kind,
            status: i.status,
            open: i.status.is_open(),
            severity: i.severity,
            severity_rank: i.severity.rank(),
            opened: d(&i.opened),
            updated: od(&i.meta.updated),
            due: od(&i.due),
            overdue: i.status.is_open() && i.due.as_ref().is_some_and(|due| due < &input.now),
            owner: i.owner.clone(),
            milestone: i.milestone.as_deref().and_then(milestone_link),
            tags: i.tags.clone(),
            html: html(&i.meta).html,
            internal: i.meta.internal || i.meta.draft,
            extra: i.meta.extra.clone(),
            history: history_view(
                hist.issues.get(&i.meta.path),
                &i.opened,
                &input.now,
                false,
                lang,
                &tz,
                forge.as_ref(),
            ),
            work: work_view(hist.traces.get(&i.id), lang, &tz, forge.as_ref()),
            fixed_in: fixed_in_view(hist.traces.get(&i.id), &release_urls, lang, &tz),
        })
        .collect();
    let (issue_at, by_milestone) = (insight::issue_positions(p), insight::issues_by_milestone(p));
    let issue_link = |id: &str| {
        issue_at.get(id).map(|k| &issues[*k]).map(|i| LinkView {
            title: format!("{} {}", i.id, i.title),
            url: i.url.clone(),
        })
    };
    let milestones: Vec<MilestoneView> = p
        .milestones
        .iter()
        .map(|m| {
            let criteria: Vec<Criterion> = m
                .criteria
                .iter()
                .map(|(t, done)| Criterion {
                    text: t.clone(),
                    done: *done,
                })
                .collect();
            let criteria_done = criteria.iter().filter(|c| c.done).count();
            MilestoneView {
                url: Route::Milestone(m.meta.slug.clone()).path(),
                id: m.id.clone(),
                title: m.title.clone(),
                due: d(&m.due),
                status: m.status,
                late: insight::milestone_late(m, &input.now),
                completed: od(&m.completed),
                percent: (!criteria.is_empty())
                    .then(|| (criteria_done * 100 / criteria.len()) as u8),
                criteria_done,
                criteria,
                html: html(&m.meta).html,
                issues: (by_milestone.get(m.id.as_str()).into_iter().flatten())
                    .filter_map(|k| issue_link(&p.issues[*k].id))
                    .collect(),
                internal: m.meta.internal || m.meta.draft,
                history: history_view(
                    hist.milestones.get(&m.meta.path),
                    m.meta.created.as_ref().unwrap_or(&m.due),
                    &input.now,
                    true,
                    lang,
                    &tz,
                    forge.as_ref(),
                ),
            }
        })
        .collect();
    let terms = p
        .terms
        .iter()
        .map(|t| TermView {
            anchor: crate::content::sanitize_slug(&t.term),
            letter: crate::content::index_letter(&t.term),
            term: t.term.clone(),
            aliases: t.aliases.clone(),
            category: t.category.clone(),
            short: excerpt(&t.meta.body, 200),
            html: html(&t.meta).html,
            internal: t.meta.internal || t.meta.draft,
        })
        .collect();
    let feedback = p
        .feedback
        .iter()
        .map(|f| FeedbackView {
            anchor: f.meta.slug.clone(),
            date: d(&f.date),
            from: f.from.clone(),
            channel: f.channel.clone(),
            rating: f.rating,
            status: f.status,
            response: f.response.clone(),
            issues: f.issues.iter().filter_map(|id| issue_link(id)).collect(),
            html: html(&f.meta).html,
            internal: f.meta.internal || f.meta.draft,
        })
        .collect();
    let pages: Vec<PageView> = p
        .pages
        .iter()
        .map(|pg| PageView {
            url: Route::Page(pg.meta.slug.clone()).path(),
            slug: pg.meta.slug.clone(),
            title: pg.title.clone(),
            nav: pg.nav,
            html: html(&pg.meta).html,
            updated: od(&pg.meta.updated),
            internal: pg.meta.internal || pg.meta.draft,
        })
        .collect();
    let metrics: Vec<MetricView> = p
        .metrics
        .iter()
        .map(|s| metric_view(s, input.config, lang))
        .collect();
    let dashboard = dashboard_view(p, &notes, &issues, &milestones, &metrics);
    let site = site_view(p, input, &pages, !metrics.is_empty());
    let charts = charts_view(p, input, &milestones);
    let mut metrics = metrics;
    for (m, s) in metrics.iter_mut().zip(&p.metrics) {
        m.chart = metric_chart(m, s, input);
    }
    let how = HowView {
        cadence: input.config.communication.cadence.clone(),
        channels: input.config.communication.channels.clone(),
        owners: input
            .config
            .communication
            .owners
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        escalation: input.config.communication.escalation.clone(),
        targets: metrics
            .iter()
            .filter(|m| m.target.is_some())
            .cloned()
            .collect(),
        milestones: milestones.clone(),
        pages: pages.clone(),
    };
    let timeline = timeline_view(&hist.timeline, &release_urls, lang, &tz);
    let changelog = changelog_view(
        &hist.changelog,
        &notes,
        &issues,
        &release_urls,
        lang,
        &tz,
        forge.as_ref(),
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
        reports: input
            .reports
            .iter()
            .map(|(p, r)| ReportPageView {
                key: p.key.clone(),
                label: p.label.clone(),
                url: Route::Report(p.key.clone()).path(),
                report: r.clone(),
            })
            .collect(),
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
    input
        .strings
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

/// The project's charts.
fn charts_view(p: &Project, input: &ViewInput<'_>, milestones: &[MilestoneView]) -> ChartsView {
    use super::chart::{Series, line_chart, milestone_chart};
    let lang = input.config.language.as_str();
    let mut progress: Vec<(i64, f64)> = p
        .notes
        .iter()
        .filter_map(|n| Some((n.date.timestamp().as_second(), f64::from(n.progress?))))
        .collect();
    progress.sort_by_key(|x| x.0);
    let progress_chart = match (progress.first(), progress.last()) {
        (Some(a), Some(b)) if progress.len() > 1 => {
            let day = |t: i64| {
                crate::dates::format_day(
                    jiff::Timestamp::from_second(t)
                        .unwrap_or_default()
                        .to_zoned_datetime(input.config.tz())
                        .date(),
                    lang,
                )
            };
            let desc = label(input, "chart.progress_desc")
                .replace("{from}", &super::views::fmt_num(a.1))
                .replace("{to}", &super::views::fmt_num(b.1))
                .replace("{start}", &day(a.0))
                .replace("{end}", &day(b.0));
            let s = Series {
                label: &label(input, "dash.progress"),
                class: "s-progress",
                points: progress.clone(),
                dashed: false,
            };
            line_chart(
                &label(input, "chart.progress"),
                &desc,
                &[s],
                None,
                "%",
                lang,
                &input.config.tz(),
            )
        }
        _ => String::new(),
    };
    // Burn-down from the period reports (oldest first).
    let mut reports: Vec<&(insight::report::Period, insight::report::Report)> =
        input.reports.iter().collect();
    reports.sort_by_key(|r| r.0.start);
    let burndown = if reports.len() > 1 {
        let names: Vec<String> = Severity::BY_RANK
            .iter()
            .map(|s| label(input, &format!("severity.{}", s.as_str())))
            .collect();
        let mut series: Vec<Series<'_>> = Severity::BY_RANK
            .iter()
            .enumerate()
            .map(|(i, s)| Series {
                label: &names[i],
                class: ["s-critical", "s-major", "s-minor", "s-trivial"][i],
                points: reports
                    .iter()
                    .map(|(per, r)| {
                        (
                            per.end,
                            r.open_by_severity
                                .iter()
                                .find(|c| c.severity == s.as_str())
                                .map_or(0.0, |c| c.count as f64),
                        )
                    })
                    .collect(),
                dashed: false,
            })
            .collect();
        let mut total = 0.0;
        let scope_label = label(input, "chart.reported");
        let scope: Vec<(i64, f64)> = reports
            .iter()
            .map(|(per, r)| {
                total += r.issues_opened.len() as f64;
                (per.end, total)
            })
            .collect();
        series.push(Series {
            label: &scope_label,
            class: "s-scope",
            points: scope,
            dashed: true,
        });
        line_chart(
            &label(input, "chart.burndown"),
            &label(input, "chart.burndown_desc"),
            &series,
            None,
            "",
            lang,
            &input.config.tz(),
        )
    } else {
        String::new()
    };
    let rows: Vec<(String, i64, i64, bool, bool)> = p
        .milestones
        .iter()
        .zip(milestones)
        .map(|(m, v)| {
            let planned = v
                .history
                .first_due
                .as_ref()
                .map_or(m.due.timestamp().as_second(), |d| d.ts);
            let actual = m
                .completed
                .as_ref()
                .map_or(m.due.timestamp().as_second(), |c| c.timestamp().as_second());
            (
                m.title.clone(),
                planned,
                actual,
                m.status == MilestoneStatus::Done,
                v.late || actual > planned + 86_399,
            )
        })
        .collect();
    ChartsView {
        progress: progress_chart,
        burndown,
        milestones: milestone_chart(
            &label(input, "chart.milestones"),
            &rows,
            lang,
            &input.config.tz(),
        ),
    }
}

fn metric_chart(m: &MetricView, s: &MetricSeries, input: &ViewInput<'_>) -> String {
    if s.points.len() < 2 {
        return String::new();
    }
    let points: Vec<(i64, f64)> = s
        .points
        .iter()
        .map(|(w, v)| (w.timestamp().as_second(), *v))
        .collect();
    let desc = label(input, "chart.metric_desc")
        .replace("{label}", &m.label)
        .replace("{from}", &format!("{}{}", fmt_num(points[0].1), m.unit))
        .replace(
            "{to}",
            &format!("{}{}", fmt_num(points[points.len() - 1].1), m.unit),
        )
        .replace(
            "{target}",
            &m.target_text
                .clone()
                .map_or("–".into(), |t| format!("{t}{}", m.unit)),
        );
    let target_label = label(input, "metrics.target");
    let series = [super::chart::Series {
        label: &m.label,
        class: "s-progress",
        points,
        dashed: false,
    }];
    let target = m.target.map(|t| (t, target_label.as_str()));
    super::chart::line_chart(
        &m.label,
        &desc,
        &series,
        target,
        &m.unit,
        &input.config.language,
        &input.config.tz(),
    )
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

fn note_view(n: &Note, r: Rendered, input: &ViewInput<'_>) -> NoteView {
    let lang = input.config.language.as_str();
    let (updates, duration) = match input.history.incidents.get(&n.meta.path) {
        Some(updates) => incident_view(n, updates, &input.now, lang),
        None if n.kind == NoteKind::Incident => incident_view(n, &[], &input.now, lang),
        None => (Vec::new(), None),
    };
    NoteView {
        version: n.version.clone(),
        updates,
        duration,
        url: Route::Note(n.meta.slug.clone()).path(),
        slug: n.meta.slug.clone(),
        title: n.title.clone(),
        date: n.date.view(lang),
        updated: n
            .meta
            .updated
            .as_ref()
            .filter(|u| *u > &n.date)
            .map(|u| u.view(lang)),
        kind: n.kind,
        health: n.health,
        progress: n.progress,
        summary: n
            .summary
            .clone()
            .unwrap_or_else(|| excerpt(&n.meta.body, 240)),
        tags: n.tags.clone(),
        authors: if n.authors.is_empty() {
            n.meta.authors.clone()
        } else {
            n.authors.clone()
        },
        html: r.html,
        toc: r
            .toc
            .into_iter()
            .map(|(level, id, text)| TocEntry { level, id, text })
            .collect(),
        internal: n.meta.internal || n.meta.draft,
        resolved: n.resolved.as_ref().map(|w| w.view(lang)),
        open_incident: n.kind == NoteKind::Incident && n.resolved.is_none(),
        extra: n.meta.extra.clone(),
    }
}

/// The most measurements a metric's history table lists (the newest); the chart shows
/// the whole series, downsampled.
pub const METRIC_ROWS: usize = 100;

fn metric_view(s: &MetricSeries, config: &Config, lang: &str) -> MetricView {
    let meta = config.metrics.get(&s.name).cloned().unwrap_or_default();
    let latest = s.points.last();
    let met = insight::metric_met(&meta, latest.map(|(_, v)| *v));
    MetricView {
        name: s.name.clone(),
        label: meta.label.clone().unwrap_or_else(|| s.name.clone()),
        unit: meta.unit.clone().unwrap_or_default(),
        target: meta.target,
        better: if meta.better == Better::Lower {
            "lower"
        } else {
            "higher"
        },
        latest: latest.map(|p| p.1),
        latest_text: latest.map(|p| fmt_num(p.1)),
        target_text: meta.target.map(fmt_num),
        latest_date: latest.map(|p| p.0.view(lang)),
        met,
        points_total: s.points.len(),
        points: s.points[s.points.len().saturating_sub(METRIC_ROWS)..]
            .iter()
            .map(|(w, v)| PointView {
                date: w.view(lang),
                value: *v,
                text: fmt_num(*v),
            })
            .collect(),
        sparkline: super::chart::sparkline(&s.points, meta.target),
        chart: String::new(),
    }
}

fn dashboard_view(
    p: &Project,
    notes: &[NoteView],
    issues: &[IssueView],
    milestones: &[MilestoneView],
    metrics: &[MetricView],
) -> DashboardView {
    let dash = insight::dashboard(p);
    let link = |n: &Note| LinkView {
        title: n.title.clone(),
        url: Route::Note(n.meta.slug.clone()).path(),
    };
    let open_defects: Vec<SeverityCount> = dash
        .open_defects
        .iter()
        .map(|(s, c)| SeverityCount {
            severity: *s,
            count: *c,
        })
        .collect();
    let mut open_risks: Vec<IssueView> = issues
        .iter()
        .filter(|i| i.open && i.kind == IssueType::Risk)
        .cloned()
        .collect();
    open_risks.sort_by_key(|i| i.severity_rank);
    DashboardView {
        health: dash.health.map(|h| h.0),
        health_note: dash.health.map(|h| link(h.1)),
        progress: dash.progress.map(|p| p.0),
        next_milestone: dash
            .next_milestone
            .and_then(|m| milestones.iter().find(|v| v.id == m.id).cloned()),
        open_defects_total: open_defects.iter().map(|c| c.count).sum(),
        open_defects,
        open_risks,
        open_issues: dash.open_issues,
        latest_notes: notes
            .iter()
            .filter(|n| n.kind != NoteKind::Incident)
            .take(3)
            .cloned()
            .collect(),
        metrics: metrics.to_vec(),
        feedback: dash
            .feedback
            .iter()
            .map(|(s, c)| StatusCount {
                status: *s,
                count: *c,
            })
            .collect(),
        milestones_done: milestones
            .iter()
            .filter(|m| m.status == MilestoneStatus::Done)
            .count(),
        milestones_total: milestones.len(),
    }
}

fn site_view(
    p: &Project,
    input: &ViewInput<'_>,
    pages: &[PageView],
    has_metrics: bool,
) -> SiteView {
    let c = input.config;
    let days = insight::cadence_days(c);
    let next_update = p
        .notes
        .iter()
        .filter(|n| n.kind != NoteKind::Incident)
        .map(|n| &n.date)
        .max()
        .and_then(|d| {
            let z = d
                .zoned
                .checked_add(jiff::SignedDuration::from_hours(24 * days))
                .ok()?;
            Some(When {
                zoned: z,
                date_only: true,
            })
        });
    let mut nav = Vec::new();
    let mut add = |key: &str, url: &str| {
        nav.push(NavItem {
            key: key.into(),
            title: String::new(),
            url: url.into(),
            external: false,
        });
    };
    add("dashboard", "index.html");
    add("notes", "notes/index.html");
    add("issues", "issues/index.html");
    add("milestones", "milestones/index.html");
    add("timeline", "timeline/index.html");
    add("how", "how-we-work/index.html");
    if !input.reports.is_empty() {
        add("reports", "reports/index.html");
    }
    if !input.history.changelog.is_empty() {
        add("changelog", "changelog/index.html");
    }
    if !p.terms.is_empty() {
        add("glossary", "glossary/index.html");
    }
    if !p.feedback.is_empty() {
        add("feedback", "feedback/index.html");
    }
    if has_metrics {
        add("metrics", "metrics/index.html");
    }
    for pg in pages.iter().filter(|p| p.nav) {
        nav.push(NavItem {
            key: format!("page-{}", pg.slug),
            title: pg.title.clone(),
            url: pg.url.clone(),
            external: false,
        });
    }
    for l in &c.nav {
        let external =
            l.url.contains("://") || l.url.starts_with('/') || l.url.starts_with("mailto:");
        nav.push(NavItem {
            key: String::new(),
            title: l.title.clone(),
            url: l.url.clone(),
            external,
        });
    }
    SiteView {
        title: c.title.clone(),
        client: c.client.clone(),
        description: c.description.clone(),
        lang: c.language.clone(),
        base_url: c.base_url(),
        internal: input.internal,
        preview: input.preview,
        revision: input.revision.clone(),
        built: input.now.view(&c.language),
        nav,
        feedback_url: c.feedback.url.clone(),
        feedback_email: c.feedback.email.clone(),
        incidents: insight::open_incidents(p)
            .into_iter()
            .map(|n| LinkView {
                title: n.title.clone(),
                url: Route::Note(n.meta.slug.clone()).path(),
            })
            .collect(),
        has_metrics,
        brand_color: c.brand_color.clone(),
        logo: c
            .logo
            .as_ref()
            .and_then(|l| l.strip_prefix("static/"))
            .map(str::to_string),
        next_update: next_update.as_ref().map(|w| w.view(&c.language)),
        next_update_overdue: next_update.as_ref().is_some_and(|w| w < &input.now),
    }
}
