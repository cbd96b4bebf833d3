//! Insight: the figures a client asks for first, derived from a [`Project`] snapshot.
//! Plain data, no HTML: the dashboard, the report and `status.json` all read from here.

pub mod changelog;
pub mod history;
pub mod report;
pub mod timeline;
pub mod trace;

use std::collections::{HashMap, HashSet};

use crate::config::{Better, Config, MetricConfig};
use crate::content::{
    Feedback, FeedbackStatus, Health, IssueType, Milestone, MilestoneStatus, Note, NoteKind,
    Project, Severity,
};
use crate::dates::When;

/// The dashboard's figures.
#[derive(Debug, Clone)]
pub struct Dashboard<'a> {
    /// Health from the latest note that states one.
    pub health: Option<(Health, &'a Note)>,
    /// Progress from the latest note that states it.
    pub progress: Option<(u8, &'a Note)>,
    /// The earliest milestone not done.
    pub next_milestone: Option<&'a Milestone>,
    /// Open defects by severity, critical first (severity, count).
    pub open_defects: Vec<(Severity, usize)>,
    /// Open risks.
    pub open_risks: usize,
    /// All open issues.
    pub open_issues: usize,
    /// Incident notes without `resolved`.
    pub open_incidents: Vec<&'a Note>,
    /// Feedback counts by status.
    pub feedback: Vec<(FeedbackStatus, usize)>,
}

/// Computes the dashboard of a project.
pub fn dashboard(p: &Project) -> Dashboard<'_> {
    let latest_with = |f: &dyn Fn(&Note) -> bool| {
        p.notes
            .iter()
            .filter(|n| n.kind != NoteKind::Incident)
            .find(|n| f(n))
    };
    let health = latest_with(&|n| n.health.is_some()).and_then(|n| Some((n.health?, n)));
    let progress = latest_with(&|n| n.progress.is_some()).and_then(|n| Some((n.progress?, n)));
    let next_milestone = p
        .milestones
        .iter()
        .filter(|m| !m.status.is_done())
        .min_by(|a, b| a.due.cmp(&b.due));
    let open = || p.issues.iter().filter(|i| i.status.is_open());
    let open_defects = Severity::BY_RANK
        .iter()
        .map(|s| {
            (
                *s,
                open()
                    .filter(|i| i.kind == IssueType::Defect && i.severity == *s)
                    .count(),
            )
        })
        .collect();
    Dashboard {
        health,
        progress,
        next_milestone,
        open_defects,
        open_risks: open().filter(|i| i.kind == IssueType::Risk).count(),
        open_issues: open().count(),
        open_incidents: open_incidents(p),
        feedback: feedback_counts(&p.feedback),
    }
}

/// How long an incident lasted, at the precision its dates allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// Both ends carry a time of day.
    Minutes(i64),
    /// An end gave a day only: whole calendar days, never hours.
    Days(i64),
}

/// The span from `start` to `end`. When either is a day only (`resolved: 2026-01-24`),
/// the time of day is unknown, so the span is counted in calendar days, and not stated at
/// all under two days (a one-day gap may be ten minutes across midnight or 47 hours).
pub fn span(start: &When, end: &When) -> Option<Span> {
    if start.date_only || end.date_only {
        let (a, b) = (start.zoned.date(), end.zoned.date());
        let days = b.since(a).map_or(0, |s| i64::from(s.get_days()));
        return (days >= 2).then_some(Span::Days(days));
    }
    let secs = end.timestamp().as_second() - start.timestamp().as_second();
    Some(Span::Minutes(secs.max(0) / 60))
}

/// An incident's span: from `started` to `resolved`, or to `now` while open.
pub fn incident_span(n: &Note, now: &When) -> Option<Span> {
    span(&n.started, n.resolved.as_ref().unwrap_or(now))
}

/// Incidents still open, newest first.
pub fn open_incidents(p: &Project) -> Vec<&Note> {
    p.notes
        .iter()
        .filter(|n| n.kind == NoteKind::Incident && n.resolved.is_none())
        .collect()
}

fn feedback_counts(items: &[Feedback]) -> Vec<(FeedbackStatus, usize)> {
    use crate::content::fields::Choice;
    (0..FeedbackStatus::ALL.len())
        .map(FeedbackStatus::from_index)
        .map(|s| (s, items.iter().filter(|f| f.status == s).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// Whether a milestone is late: not done and past due at `now`, or done after its due date.
pub fn milestone_late(m: &Milestone, now: &When) -> bool {
    match (&m.status, &m.completed) {
        (MilestoneStatus::Slipped, _) => true,
        (MilestoneStatus::Done, Some(done)) => done.zoned.date() > m.due.zoned.date(),
        (MilestoneStatus::Done, None) => false,
        _ => now > &m.due,
    }
}

/// Everything history says about the project, computed once per build.
#[derive(Debug, Default)]
pub struct HistoryData {
    /// Issue histories by source path.
    pub issues: HashMap<String, history::ItemHistory>,
    /// Milestone histories by source path.
    pub milestones: HashMap<String, history::ItemHistory>,
    /// Each incident note's update log, oldest first, by source path.
    pub incidents: HashMap<String, Vec<history::Update>>,
    pub changelog: Vec<changelog::Release>,
    /// What the commits say about each issue, by issue id.
    pub traces: HashMap<String, trace::Trace>,
    pub timeline: Vec<timeline::Event>,
}

/// What history is read from: the index and what the build made of it.
pub struct HistoryInput<'a> {
    pub index: Option<&'a crate::git::HistoryIndex>,
    /// The typed state of every visible version of every issue, milestone and feedback file.
    pub states: &'a history::States,
    /// The versions the audience may see.
    pub visible: &'a history::Visible,
    /// Text blocks of incident versions, by blob id.
    pub bodies: &'a HashMap<String, Vec<String>>,
    pub tags: &'a [(String, String)],
    pub rules: &'a changelog::Rules,
}

/// Derives histories, the changelog and the timeline from the index (if there is one).
pub fn history_data(p: &Project, input: &HistoryInput<'_>, config: &Config) -> HistoryData {
    let tz = config.tz();
    let mut data = HistoryData::default();
    if let Some(index) = input.index {
        // Which commits may never be shown, read once for the changelog and the traces.
        let hidden = input.rules.hidden(index);
        let (issues, changelog) = rayon::join(
            || issue_histories(p, index, input, &tz),
            || changelog::changelog_with(index, input.tags, input.rules, &hidden),
        );
        data.issues = issues;
        data.changelog = changelog;
        let ids = trace::IssueIds::new(p.issues.iter().map(|i| i.id.as_str()));
        data.traces = trace::trace(index, &ids, &data.changelog, &hidden);
        data.milestones = p
            .milestones
            .iter()
            .map(|m| {
                let path = &m.meta.path;
                let states = input.states.milestone(path);
                let h = history::item_history(index, states, &tz);
                (path.clone(), h)
            })
            .collect();
        data.incidents = p
            .notes
            .iter()
            .filter(|n| n.kind == NoteKind::Incident)
            .map(|n| {
                let path = &n.meta.path;
                let log = history::updates(index, input.visible, input.bodies, path, &tz);
                (path.clone(), log)
            })
            .collect();
    }
    let h = timeline::Histories {
        issues: &data.issues,
        milestones: &data.milestones,
    };
    data.timeline = timeline::timeline(p, &h, &data.changelog, &tz);
    data
}

/// Every issue's history by path, in parallel; a milestone the audience cannot see is
/// named as none.
fn issue_histories(
    p: &Project,
    index: &crate::git::HistoryIndex,
    input: &HistoryInput<'_>,
    tz: &jiff::tz::TimeZone,
) -> HashMap<String, history::ItemHistory> {
    use rayon::prelude::*;
    let milestones: HashSet<&str> = p.milestones.iter().map(|m| m.id.as_str()).collect();
    p.issues
        .par_iter()
        .map(|i| {
            let path = &i.meta.path;
            let states = input.states.issue(path);
            let mut h = history::item_history(index, states, tz);
            history::forget_unknown(&mut h, "milestone", &milestones);
            (path.clone(), h)
        })
        .collect()
}

/// The days between two updates that the communication plan promises: 31 for a monthly
/// cadence, otherwise 7.
pub fn cadence_days(config: &Config) -> i64 {
    if config.communication.monthly() {
        31
    } else {
        7
    }
}

/// The weekday a weekly note is due, if `[communication] day` names one (never for a
/// monthly cadence).
pub fn cadence_weekday(config: &Config) -> Option<jiff::civil::Weekday> {
    config
        .communication
        .weekday()
        .filter(|_| !config.communication.monthly())
}

/// The day the status note after one published on `last` is due: with a weekly `day`, the
/// last such weekday within a week of `last` (so "every Monday" and the due date always
/// agree), otherwise one cadence later. The one rule behind the site's "next update due",
/// `status.json` and the reports' late updates.
pub fn next_update_due(config: &Config, last: jiff::civil::Date) -> jiff::civil::Date {
    let plain = last.saturating_add(jiff::ToSpan::days(cadence_days(config)));
    match cadence_weekday(config) {
        Some(wd) => {
            let back = (plain.weekday().to_monday_zero_offset() - wd.to_monday_zero_offset())
                .rem_euclid(7);
            plain.saturating_sub(jiff::ToSpan::days(back))
        }
        None => plain,
    }
}

/// Whether `d` closes one promised update in a count of how many a period expected: the
/// `day` of a weekly cadence (Sunday, the end of the week, without one), the last day of a
/// month for a monthly one.
pub fn is_due_day(config: &Config, d: jiff::civil::Date) -> bool {
    if config.communication.monthly() {
        return d == d.last_of_month();
    }
    d.weekday() == cadence_weekday(config).unwrap_or(jiff::civil::Weekday::Sunday)
}

/// Whether `value` meets the metric's target (`None` without a target or a value).
pub fn metric_met(meta: &MetricConfig, value: Option<f64>) -> Option<bool> {
    let (target, v) = meta.target.zip(value)?;
    Some(match meta.better {
        Better::Lower => v <= target,
        Better::Higher => v >= target,
    })
}

/// Where each issue is in `p.issues`, by id (the first, should two share one).
pub fn issue_positions(p: &Project) -> HashMap<&str, usize> {
    let mut out = HashMap::with_capacity(p.issues.len());
    for (k, i) in p.issues.iter().enumerate() {
        out.entry(i.id.as_str()).or_insert(k);
    }
    out
}

/// The positions in `p.issues` of each milestone's issues, in issue order, by milestone id.
pub fn issues_by_milestone(p: &Project) -> HashMap<&str, Vec<usize>> {
    let mut out: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, i) in p.issues.iter().enumerate() {
        if let Some(m) = &i.milestone {
            out.entry(m.as_str()).or_default().push(k);
        }
    }
    out
}
