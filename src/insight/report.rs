//! The period report: the project at the start of a period compared with the project at
//! its end, and what happened in between. It is computed from the history index — the
//! state of every issue and milestone at any time is the last version committed before
//! it — so a report, and every weekly report of a site, needs no second read of a tree.

use crate::routes::Route;
use std::collections::HashMap;

use serde::Serialize;

use super::changelog::Release;
use super::history::{Stated, States};
use crate::config::{Better, Config};
use crate::content::{
    Dated, FeedbackStatus, IssueState, IssueStatus, IssueType, MilestoneStatus, Note, NoteKind,
    Project, Severity,
};
use crate::dates::When;

/// One end of the period.
#[derive(Debug, Clone, Serialize)]
pub struct End {
    /// What the user asked for (a revision or a date), if anything.
    pub spec: Option<String>,
    /// The commit the state is read at (none before the first commit).
    pub commit: Option<String>,
    /// RFC 3339.
    pub time: String,
    #[serde(skip)]
    pub ts: i64,
}

/// A value at the start and at the end of the period.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct FromTo<T> {
    pub from: Option<T>,
    pub to: Option<T>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IssueRef {
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub severity: String,
    pub status: String,
    pub url: String,
    /// The severity at the start of the period, when it changed in it (an issue resolved
    /// or reopened carries its re-rating here instead of a second line).
    pub severity_was: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeverityChange {
    pub issue: IssueRef,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MilestoneRef {
    pub id: String,
    pub title: String,
    pub due: String,
    pub status: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DueMove {
    pub milestone: MilestoneRef,
    pub from: String,
    pub to: String,
    /// The milestone also slipped in the period (one line says both).
    pub slipped: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentRef {
    pub title: String,
    pub url: String,
    pub started: String,
    pub resolved: Option<String>,
    /// Minutes from start to resolution (or to the end of the period, if still open), when
    /// both ends carry a time of day.
    pub minutes: Option<i64>,
    /// Whole days instead, when an end is a day only and two days or more apart.
    pub days: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteRef {
    pub title: String,
    pub url: String,
    pub date: String,
    pub kind: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReleaseRef {
    pub tag: String,
    pub date: String,
    /// `scope: description` of each client-visible change.
    pub changes: Vec<String>,
    /// The issues whose resolving commit this release shipped.
    pub fixed: Vec<FixedRef>,
}

/// An issue a release fixed.
#[derive(Debug, Clone, Serialize)]
pub struct FixedRef {
    pub id: String,
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricRow {
    pub name: String,
    pub label: String,
    pub unit: String,
    pub target: Option<f64>,
    pub better: &'static str,
    pub from: Option<f64>,
    pub to: Option<f64>,
    /// Whether the value at the end meets the target.
    pub met: Option<bool>,
    /// The values as people write them (`82`, `0.75`).
    pub from_text: Option<String>,
    pub to_text: Option<String>,
    pub target_text: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedbackRef {
    pub from: String,
    pub date: String,
    pub status: String,
    /// The client's words: the first paragraph of the feedback, shortened.
    pub excerpt: String,
    pub response: Option<String>,
}

/// Health changed in the period, and the note that says why.
#[derive(Debug, Clone, Serialize)]
pub struct HealthChange {
    pub from: String,
    pub to: String,
    /// When the note that set the new health was published (RFC 3339).
    pub date: String,
    pub note: NoteRef,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeverityCount {
    pub severity: String,
    pub count: usize,
}

/// Whether the notes came as often as the communication plan promises.
#[derive(Debug, Clone, Serialize)]
pub struct Cadence {
    pub cadence: String,
    /// The weekday a weekly note is due (1 Monday … 7 Sunday), from `[communication] day`.
    pub day: Option<i8>,
    /// How many notes the plan promised in the period: one per due day that ended in it.
    pub expected: usize,
    pub published: usize,
    /// Gaps longer than the cadence: (the update was due by, the next one came on or never).
    pub late: Vec<LateUpdate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LateUpdate {
    /// The day the update was due (RFC 3339, the start of that day).
    pub due_by: String,
    pub published: Option<String>,
}

/// A period report. Its JSON form is documented in `docs/report.schema.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub project: String,
    pub from: End,
    pub to: End,
    /// The first and last day the period covers (`YYYY-MM-DD`): a `--from` date's period
    /// begins the day after it.
    pub days: FromTo<String>,
    pub health: FromTo<String>,
    /// The change of health in the period, with the note that explains it.
    pub health_change: Option<HealthChange>,
    pub progress: FromTo<u8>,
    pub next_milestone: Option<MilestoneRef>,
    pub milestones_reached: Vec<MilestoneRef>,
    pub milestones_slipped: Vec<MilestoneRef>,
    pub milestones_moved: Vec<DueMove>,
    /// Reported in the period and still open at its end. Each issue appears in one list
    /// only: opened, reported and resolved, closed, reopened, re-rated, or (risks) changed.
    pub issues_opened: Vec<IssueRef>,
    /// Reported and resolved within the period.
    pub issues_reported_and_resolved: Vec<IssueRef>,
    /// Resolved or closed in the period, reported before it.
    pub issues_closed: Vec<IssueRef>,
    pub issues_reopened: Vec<IssueRef>,
    /// Re-rated and listed nowhere else.
    pub severity_changed: Vec<SeverityChange>,
    pub open_by_severity: Vec<SeverityCount>,
    /// Risks whose state changed in a way no other list shows (e.g. open → blocked).
    pub risks: Vec<IssueRef>,
    pub incidents: Vec<IncidentRef>,
    pub notes: Vec<NoteRef>,
    pub releases: Vec<ReleaseRef>,
    pub metrics: Vec<MetricRow>,
    /// Feedback received in the period (with its status and response at the end).
    pub feedback_received: Vec<FeedbackRef>,
    /// Feedback received earlier and addressed in the period.
    pub feedback_addressed: Vec<FeedbackRef>,
    pub next_steps: Vec<String>,
    pub cadence: Option<Cadence>,
    /// Nothing happened in the period.
    pub empty: bool,
}

/// What a report is computed from.
pub struct Input<'a> {
    pub project: &'a Project,
    pub releases: &'a [Release],
    /// What the commits say about each issue (see [`super::trace`]).
    pub traces: &'a HashMap<String, super::trace::Trace>,
    pub config: &'a Config,
    /// The typed state of every visible version of every issue, milestone and feedback
    /// file, oldest first: the state at time t is found in O(log n).
    pub states: &'a States,
}

/// The state at time `t` (Unix seconds) of a file whose versions are `list`: the last
/// version committed at or before it, or `None` if the file did not exist yet.
fn state_at<S>(list: &[Stated<S>], t: i64) -> Option<&S> {
    let n = list.partition_point(|s| s.time <= t);
    n.checked_sub(1).map(|i| &list[i].state)
}

/// Computes the report for the period `(from, to]`.
pub fn report(input: &Input<'_>, from: End, to: End) -> Report {
    let (a, b) = (from.ts, to.ts);
    let mut r = blank(input.config, from, to);
    health_and_progress(input.project, a, b, &mut r);
    issues(input, a, b, &mut r);
    milestones(input, a, b, &mut r);
    notes_and_incidents(input, a, b, &mut r);
    releases(input, a, b, &mut r);
    metrics(input, a, b, &mut r);
    feedback(input, a, b, &mut r);
    r.next_steps = latest_note(input.project, b, |_| true)
        .map(|n| crate::content::text::next_steps(&n.meta.body))
        .unwrap_or_default();
    r.cadence = cadence(input, a, b, &input.config.tz());
    r.empty = nothing_happened(&r);
    r
}

/// A report with nothing in it yet.
fn blank(config: &Config, from: End, to: End) -> Report {
    Report {
        schema: "https://vitrine.dev/schema/report/1",
        project: config.title.clone(),
        days: FromTo {
            from: Some(day_of(from.ts.saturating_add(1), &config.tz())),
            to: Some(day_of(to.ts, &config.tz())),
        },
        from,
        to,
        health: FromTo::default(),
        health_change: None,
        progress: FromTo::default(),
        next_milestone: None,
        milestones_reached: vec![],
        milestones_slipped: vec![],
        milestones_moved: vec![],
        issues_opened: vec![],
        issues_reported_and_resolved: vec![],
        issues_closed: vec![],
        issues_reopened: vec![],
        severity_changed: vec![],
        open_by_severity: vec![],
        risks: vec![],
        incidents: vec![],
        notes: vec![],
        releases: vec![],
        metrics: vec![],
        feedback_received: vec![],
        feedback_addressed: vec![],
        next_steps: vec![],
        cadence: None,
        empty: false,
    }
}

/// The calendar day (`YYYY-MM-DD`) of Unix second `t` in `tz`.
fn day_of(t: i64, tz: &jiff::tz::TimeZone) -> String {
    civil_day(t, tz).to_string()
}

/// Whether nothing happened in the period.
fn nothing_happened(r: &Report) -> bool {
    r.issues_opened.is_empty()
        && r.issues_reported_and_resolved.is_empty()
        && r.issues_closed.is_empty()
        && r.issues_reopened.is_empty()
        && r.severity_changed.is_empty()
        && r.milestones_reached.is_empty()
        && r.milestones_slipped.is_empty()
        && r.milestones_moved.is_empty()
        && r.notes.is_empty()
        && r.releases.is_empty()
        && r.incidents.is_empty()
        && r.feedback_received.is_empty()
        && r.feedback_addressed.is_empty()
}

/// The latest note (not an incident) published by `t` for which `f` holds.
fn latest_note(p: &Project, t: i64, f: impl Fn(&Note) -> bool) -> Option<&Note> {
    p.notes
        .iter()
        .filter(|n| n.kind != NoteKind::Incident && n.date.timestamp().as_second() <= t && f(n))
        .max_by(|x, y| x.date.cmp(&y.date))
}

/// Health and progress: the latest note stating them at each end.
fn health_and_progress(p: &Project, a: i64, b: i64, r: &mut Report) {
    let health = |t| {
        latest_note(p, t, |n| n.health.is_some())
            .and_then(|n| n.health)
            .map(|h| h.as_str().to_string())
    };
    let progress = |t| latest_note(p, t, |n| n.progress.is_some()).and_then(|n| n.progress);
    r.health = FromTo {
        from: health(a),
        to: health(b),
    };
    r.progress = FromTo {
        from: progress(a),
        to: progress(b),
    };
    // The last change of health inside the period, named by the note that made it: in a
    // month that went On track → At risk → On track → At risk, "At risk → At risk" alone
    // would hide the swings, and the period's last note may have only repeated the health.
    let mut notes: Vec<&Note> = p
        .notes
        .iter()
        .filter(|n| n.kind != NoteKind::Incident && n.health.is_some())
        .collect();
    notes.sort_by(|x, y| x.date.cmp(&y.date));
    let mut was = r.health.from.clone();
    for n in notes {
        let t = n.date.timestamp().as_second();
        let now = n.health.map(|h| h.as_str().to_string());
        if t > a && t <= b && was.is_some() && now != was {
            r.health_change = Some(HealthChange {
                from: was.clone().unwrap_or_default(),
                to: now.clone().unwrap_or_default(),
                date: n.date.view().stamp,
                note: note_ref(n),
            });
        }
        if t <= b {
            was = now;
        }
    }
}

fn note_ref(n: &Note) -> NoteRef {
    NoteRef {
        title: n.title.clone(),
        url: Route::Note(n.meta.slug.clone()).path(),
        date: n.date.view().stamp,
        kind: n.kind.as_str().into(),
    }
}

fn in_period(w: &When, a: i64, b: i64) -> bool {
    let t = w.timestamp().as_second();
    t > a && t <= b
}

/// Incidents that overlap the period, and the other notes published in it.
fn notes_and_incidents(input: &Input<'_>, a: i64, b: i64, r: &mut Report) {
    let rfc = |w: &When| w.view().stamp;
    for n in &input.project.notes {
        if n.kind == NoteKind::Incident {
            let started = n.started.timestamp().as_second();
            let resolved = n
                .resolved
                .as_ref()
                .map(|w| w.timestamp().as_second())
                .filter(|t| *t <= b);
            let overlaps = started <= b && resolved.is_none_or(|t| t > a);
            if overlaps {
                let period_end = || {
                    let ts = jiff::Timestamp::from_second(b).unwrap_or_default();
                    When::from_commit(ts, n.started.zoned.time_zone())
                };
                let end = match n.resolved.as_ref().filter(|_| resolved.is_some()) {
                    Some(r) => r.clone(),
                    None => period_end(),
                };
                let span = crate::insight::span(&n.started, &end);
                r.incidents.push(IncidentRef {
                    title: n.title.clone(),
                    url: Route::Note(n.meta.slug.clone()).path(),
                    started: rfc(&n.started),
                    resolved: n.resolved.as_ref().filter(|_| resolved.is_some()).map(rfc),
                    minutes: match span {
                        Some(crate::insight::Span::Minutes(m)) => Some(m),
                        _ => None,
                    },
                    days: match span {
                        Some(crate::insight::Span::Days(d)) => Some(d),
                        _ => None,
                    },
                });
            }
        } else if in_period(&n.date, a, b) {
            r.notes.push(note_ref(n));
        }
    }
    r.notes.sort_by(|x, y| x.date.cmp(&y.date));
}

/// Releases tagged in the period, with their changes and the issues they fixed.
fn releases(input: &Input<'_>, a: i64, b: i64, r: &mut Report) {
    let tz = input.config.tz();
    for rel in input.releases {
        let (Some(tag), Some(c)) = (&rel.tag, &rel.commit) else {
            continue;
        };
        if c.time <= a || c.time > b {
            continue;
        }
        // The entries as the changelog words them, without their scope: `uat:` or
        // `config:` names a part of the code, which a client reading a report does not know.
        let changes = rel
            .groups
            .iter()
            .flat_map(|g| &g.entries)
            .map(|e| e.description.clone())
            .collect();
        r.releases.push(ReleaseRef {
            tag: tag.clone(),
            date: When::from_commit(c.timestamp(), &tz).view().stamp,
            changes,
            fixed: fixed_in(input, tag),
        });
    }
}

/// The issues whose resolving commit the release `tag` shipped.
fn fixed_in(input: &Input<'_>, tag: &str) -> Vec<FixedRef> {
    input
        .project
        .issues
        .iter()
        // An issue open again at the end of the period was not fixed by the release: the
        // report lists it as reopened, never also as fixed.
        .filter(|i| !i.status.is_open())
        .filter(|i| {
            input
                .traces
                .get(&i.id)
                .is_some_and(|t| t.fixed_in.as_ref().is_some_and(|(t, _)| t == tag))
        })
        .map(|i| FixedRef {
            id: i.id.clone(),
            title: i.title.clone(),
            url: Route::Issue(i.meta.slug.clone()).path(),
        })
        .collect()
}

/// Each metric at both ends of the period, against its target.
fn metrics(input: &Input<'_>, a: i64, b: i64, r: &mut Report) {
    use crate::format::fmt_num;
    for s in &input.project.metrics {
        let meta = input
            .config
            .metrics
            .get(&s.name)
            .cloned()
            .unwrap_or_default();
        // Points are sorted by time: the last one at or before `t`, by binary search.
        let at = |t: i64| {
            let after = s
                .points
                .partition_point(|(w, _)| w.timestamp().as_second() <= t);
            after.checked_sub(1).map(|i| s.points[i].1)
        };
        let (from, to) = (at(a), at(b));
        r.metrics.push(MetricRow {
            name: s.name.clone(),
            label: meta.label.clone().unwrap_or_else(|| s.name.clone()),
            unit: meta.unit.clone().unwrap_or_default(),
            target: meta.target,
            better: match meta.better {
                Better::Lower => "lower",
                Better::Higher => "higher",
            },
            from,
            to,
            met: super::metric_met(&meta, to),
            from_text: from.map(fmt_num),
            to_text: to.map(fmt_num),
            target_text: meta.target.map(fmt_num),
        });
    }
}

/// Feedback received in the period, and feedback addressed in it.
fn feedback(input: &Input<'_>, a: i64, b: i64, r: &mut Report) {
    let rfc = |w: &When| w.view().stamp;
    for f in &input.project.feedback {
        let item = || FeedbackRef {
            from: f.from.clone(),
            date: rfc(&f.date),
            status: f.status.as_str().into(),
            excerpt: excerpt(&f.meta.body),
            response: f.response.clone(),
        };
        if in_period(&f.date, a, b) {
            r.feedback_received.push(item());
            continue;
        }
        let before = state_at(input.states.feedback(&f.meta.path), a).map(|s| s.status);
        if f.status == FeedbackStatus::Addressed
            && before != Some(FeedbackStatus::Addressed)
            && f.date.timestamp().as_second() <= b
        {
            r.feedback_addressed.push(item());
        }
    }
}

/// The first paragraph of a body as plain text, cut at a word (or, in text without spaces,
/// a character) near [`EXCERPT`] characters.
fn excerpt(body: &str) -> String {
    let first = crate::content::text::blocks(body)
        .into_iter()
        .next()
        .unwrap_or_default();
    if first.chars().count() <= EXCERPT {
        return first;
    }
    let cut: String = first.chars().take(EXCERPT).collect();
    let at_word = cut
        .rfind(' ')
        .filter(|i| *i > EXCERPT / 2)
        .map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end_matches([',', ';', ':', '，', '；']))
}

/// How long a feedback excerpt may be, in characters.
const EXCERPT: usize = 160;

/// Issues opened, closed, reopened and re-rated in the period; open issues by severity;
/// risks that are new or changed.
fn issues(input: &Input<'_>, a: i64, b: i64, r: &mut Report) {
    let mut open_counts = [0usize; 4];
    for i in &input.project.issues {
        let list = input.states.issue(&i.meta.path);
        let (before, after) = (state_at(list, a), state_at(list, b));
        let exists_at_b = after.is_some() || i.opened.timestamp().as_second() <= b;
        if !exists_at_b {
            continue;
        }
        let (status, severity) = after.map_or((i.status, i.severity), |s| (s.status, s.severity));
        let item = IssueRef {
            id: i.id.clone(),
            title: i.title.clone(),
            kind: i.kind.as_str().into(),
            severity: severity.as_str().into(),
            status: status.as_str().into(),
            url: Route::Issue(i.meta.slug.clone()).path(),
            severity_was: None,
        };
        if status.is_open() {
            open_counts[severity.rank() as usize] += 1;
        }
        let listed = issue_changes(before, (status, severity), &item, r);
        let changed = before.is_none_or(|s| s.status != status || s.severity != severity);
        if i.kind == IssueType::Risk && changed && !listed {
            r.risks.push(item);
        }
    }
    r.open_by_severity = Severity::BY_RANK
        .iter()
        .zip(open_counts)
        .map(|(s, count)| SeverityCount {
            severity: s.as_str().into(),
            count,
        })
        .collect();
}

/// Lists one issue under the one change it went through between its state `before` the
/// period and its (status, severity) at the end: opened, reported and resolved, closed,
/// reopened (with a re-rating in `severity_was`) or re-rated. Whether it was listed.
fn issue_changes(
    before: Option<&IssueState>,
    (status, severity): (IssueStatus, Severity),
    item: &IssueRef,
    r: &mut Report,
) -> bool {
    let Some(before) = before else {
        // No version at the start: new in the period.
        let list = if status.is_closed() {
            &mut r.issues_reported_and_resolved
        } else {
            &mut r.issues_opened
        };
        list.push(item.clone());
        return true;
    };
    let severity_was = (before.severity != severity).then(|| before.severity.as_str().into());
    let list = if before.status.is_open() && status.is_closed() {
        &mut r.issues_closed
    } else if before.status.is_closed() && status.is_open() {
        &mut r.issues_reopened
    } else if let Some(from) = severity_was {
        r.severity_changed.push(SeverityChange {
            issue: item.clone(),
            from,
            to: severity.as_str().into(),
        });
        return true;
    } else {
        return false;
    };
    list.push(IssueRef {
        severity_was,
        ..item.clone()
    });
    true
}

/// Milestones reached, slipped and moved in the period, and the next one due at its end.
fn milestones(input: &Input<'_>, a: i64, b: i64, r: &mut Report) {
    let day = |d: &Dated| d.when.zoned.date().to_string();
    let mut upcoming: Vec<(String, MilestoneRef)> = Vec::new();
    for m in &input.project.milestones {
        let list = input.states.milestone(&m.meta.path);
        let (before, after) = (state_at(list, a), state_at(list, b));
        let status = after.map_or(m.status, |s| s.status);
        let due = after
            .and_then(|s| s.due.as_ref())
            .map_or_else(|| m.due.zoned.date().to_string(), day);
        let item = MilestoneRef {
            id: m.id.clone(),
            title: m.title.clone(),
            due: due.clone(),
            status: status.as_str().into(),
            url: Route::Milestone(m.meta.slug.clone()).path(),
        };
        // One line per milestone: reached, or moved (and perhaps slipped), or slipped.
        let status_a = before.map(|s| s.status);
        let slipped =
            status == MilestoneStatus::Slipped && status_a != Some(MilestoneStatus::Slipped);
        let due_a = before.and_then(|s| s.due.as_ref()).map(day);
        if status.is_done() && !status_a.is_some_and(MilestoneStatus::is_done) {
            r.milestones_reached.push(item.clone());
        } else if let Some(due_a) = due_a.filter(|d| *d != due) {
            r.milestones_moved.push(DueMove {
                milestone: item.clone(),
                from: due_a,
                to: due.clone(),
                slipped,
            });
        } else if slipped {
            r.milestones_slipped.push(item.clone());
        }
        let exists = after.is_some()
            || m.meta
                .created
                .as_ref()
                .is_some_and(|c| c.timestamp().as_second() <= b);
        if !status.is_done() && exists {
            upcoming.push((item.due.clone(), item));
        }
    }
    upcoming.sort_by(|x, y| x.0.cmp(&y.0));
    r.next_milestone = upcoming.into_iter().next().map(|(_, m)| m);
}

/// One reporting period: an ISO week (Monday to Sunday) or a calendar month.
#[derive(Debug, Clone, Serialize)]
pub struct Period {
    /// `2026-W45` or `2026-11`.
    pub key: String,
    /// `2–8 Nov 2026` or `November 2026`: the language's `date.range_*` or
    /// `date.month_heading`.
    pub label: String,
    /// For a week, its ISO number as small print (`ISO week 45, 2026`: `date.week`).
    pub week: Option<String>,
    pub start: i64,
    pub end: i64,
}

/// The calendar day of a moment (Unix seconds) in `tz`.
fn civil_day(t: i64, tz: &jiff::tz::TimeZone) -> jiff::civil::Date {
    jiff::Timestamp::from_second(t)
        .unwrap_or_default()
        .to_zoned_datetime(tz.clone())
        .date()
}

/// The first moment (Unix seconds) of a calendar day in `tz`.
fn day_start(d: jiff::civil::Date, tz: &jiff::tz::TimeZone) -> Option<i64> {
    d.to_zoned_datetime(tz.clone())
        .ok()
        .map(|z| z.timestamp().as_second())
}

/// Every period from the one holding `first` to the one holding `last` (Unix seconds).
pub fn periods(
    first: i64,
    last: i64,
    monthly: bool,
    tz: &jiff::tz::TimeZone,
    lang: &crate::format::Lang,
) -> Vec<Period> {
    use jiff::civil::Date;
    let day = |t: i64| civil_day(t, tz);
    let start_of = |d: Date| day_start(d, tz).unwrap_or_default();
    let (mut d, end_day) = (day(first), day(last));
    d = if monthly {
        d.first_of_month()
    } else {
        d.saturating_sub(jiff::ToSpan::days(d.weekday().to_monday_zero_offset()))
    };
    let mut out = Vec::new();
    while d <= end_day && out.len() < 10_000 {
        let next = if monthly {
            d.last_of_month().tomorrow().unwrap_or(d)
        } else {
            d.saturating_add(jiff::ToSpan::days(7))
        };
        let (key, label, week) = if monthly {
            let key = format!("{:04}-{:02}", d.year(), d.month());
            (key, lang.month_of(d), None)
        } else {
            let w = d.iso_week_date();
            let key = format!("{:04}-W{:02}", w.year(), w.week());
            let last = next.yesterday().unwrap_or(d);
            (key, lang.range(d, last), Some(lang.week(d, last)))
        };
        out.push(Period {
            key,
            label,
            week,
            start: start_of(d) - 1,
            end: start_of(next) - 1,
        });
        d = next;
    }
    out
}

/// Compares the notes published with the cadence of `[communication]`: how many the plan
/// promised (one per due day that ended in the period, never more than the period holds)
/// and which came late, each due on the day [`super::next_update_due`] gives.
fn cadence(input: &Input<'_>, a: i64, b: i64, tz: &jiff::tz::TimeZone) -> Option<Cadence> {
    use jiff::civil::Date;
    let config = input.config;
    let name = config
        .communication
        .cadence
        .clone()
        .unwrap_or_else(|| "weekly".into());
    let day = |t: i64| civil_day(t, tz);
    let start_of = |d: Date| day_start(d, tz).unwrap_or(i64::MAX);
    // A day counts once it is over by the end of the period.
    let ended_in = |d: Date| {
        let end = d.tomorrow().map_or(i64::MAX, start_of);
        end > a + 1 && end <= b.saturating_add(1)
    };
    let mut dates: Vec<i64> = input
        .project
        .notes
        .iter()
        .filter(|n| n.kind != NoteKind::Incident)
        .map(|n| n.date.timestamp().as_second())
        .collect();
    dates.sort_unstable();
    // The plan's clock starts with the first note: before it nothing was due (a project
    // that began on the 28th was never late on the 8th).
    let first = dates.first().map_or(i64::MAX, |t| start_of(day(*t)));
    let mut expected = 0;
    let mut d = day(a);
    for _ in 0..MAX_DAYS {
        if d > day(b) {
            break;
        }
        if ended_in(d) && start_of(d) > first && super::is_due_day(config, d) {
            expected += 1;
        }
        d = d.saturating_add(jiff::ToSpan::days(1));
    }
    let published = dates.iter().filter(|t| **t > a && **t <= b).count();
    let show = |t: i64| {
        When::from_commit(jiff::Timestamp::from_second(t).unwrap_or_default(), tz)
            .view()
            .stamp
    };
    // Walk the period: after each note, the next is due on its due day. Without a note
    // before the period, its first note starts the clock.
    let mut late = Vec::new();
    let before = dates.iter().rev().find(|t| **t <= a).copied();
    if let Some(start) = before.or_else(|| dates.iter().copied().find(|t| *t > a && *t <= b)) {
        let mut last = start;
        for t in dates
            .iter()
            .copied()
            .filter(|t| *t > start && *t <= b)
            .chain(std::iter::once(i64::MAX))
        {
            let due = super::next_update_due(config, day(last));
            let due_end = due.tomorrow().map_or(i64::MAX, start_of);
            if ended_in(due) && t > due_end {
                late.push(LateUpdate {
                    due_by: show(start_of(due)),
                    published: (t != i64::MAX).then(|| show(t)),
                });
            }
            if t == i64::MAX {
                break;
            }
            last = t;
        }
    }
    Some(Cadence {
        cadence: name,
        day: super::cadence_weekday(config).map(|w| w.to_monday_one_offset()),
        expected,
        published,
        late,
    })
}

/// The longest period a report counts due days in (about 270 years).
const MAX_DAYS: usize = 100_000;
