//! The timeline: one chronological stream of what happened — notes published, issues
//! opened, changed and resolved, milestones done or slipped, incidents opened and
//! resolved, releases — built from the project and its history. Only what the project
//! snapshot holds can appear, so internal items (already filtered out) never do.

use std::collections::HashMap;

use jiff::tz::TimeZone;

use super::changelog::Release;
use super::history::{ItemHistory, Transition};
use crate::content::{Issue, IssueStatus, Milestone, MilestoneStatus, Note, NoteKind, Project};
use crate::dates::When;

/// What kind of thing happened (also the filter key on the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    Note,
    IssueOpened,
    IssueChanged,
    IssueResolved,
    /// A resolved or closed issue opened again.
    IssueReopened,
    /// Closed without being resolved (closed, won't fix).
    IssueClosed,
    MilestoneDone,
    MilestoneSlipped,
    IncidentOpened,
    IncidentResolved,
    Release,
    Report,
}

impl EventKind {
    /// The filter group: notes, issues, milestones, incidents, releases.
    pub fn group(self) -> &'static str {
        match self {
            EventKind::Note => "notes",
            EventKind::IssueOpened
            | EventKind::IssueChanged
            | EventKind::IssueResolved
            | EventKind::IssueReopened
            | EventKind::IssueClosed => "issues",
            EventKind::MilestoneDone | EventKind::MilestoneSlipped => "milestones",
            EventKind::IncidentOpened | EventKind::IncidentResolved => "incidents",
            EventKind::Release => "releases",
            EventKind::Report => "reports",
        }
    }
}

/// Which page an event links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Note(String),
    Issue(String),
    Milestone(String),
    Release(String),
    /// A period report, by its key (`2026-W45`).
    Report(String),
}

/// One thing that happened.
#[derive(Debug, Clone)]
pub struct Event {
    pub when: When,
    pub kind: EventKind,
    pub title: String,
    pub target: Target,
    /// A field change (`status`, from, to) where the event is one.
    pub change: Option<(String, Option<String>, Option<String>)>,
}

/// Histories by source path.
pub struct Histories<'a> {
    pub issues: &'a HashMap<String, ItemHistory>,
    pub milestones: &'a HashMap<String, ItemHistory>,
}

/// Every event, newest first (events at the same time in the order notes, issues,
/// milestones, releases).
pub fn timeline(p: &Project, h: &Histories<'_>, releases: &[Release], tz: &TimeZone) -> Vec<Event> {
    let mut out = Vec::new();
    p.notes.iter().for_each(|n| note_events(n, &mut out));
    for i in &p.issues {
        issue_events(i, h.issues.get(&i.meta.path), &mut out);
    }
    for m in &p.milestones {
        milestone_events(m, h.milestones.get(&m.meta.path), &mut out);
    }
    for r in releases {
        if let (Some(tag), Some(c)) = (&r.tag, &r.commit) {
            out.push(event(
                When::from_commit(c.timestamp(), tz),
                EventKind::Release,
                tag,
                Target::Release(tag.clone()),
            ));
        }
    }
    out.sort_by(|a, b| b.when.cmp(&a.when));
    out
}

/// A note published; an incident opened and resolved.
fn note_events(n: &Note, out: &mut Vec<Event>) {
    let target = Target::Note(n.meta.slug.clone());
    if n.kind != NoteKind::Incident {
        out.push(event(n.date.clone(), EventKind::Note, &n.title, target));
        return;
    }
    let opened = event(
        n.started.clone(),
        EventKind::IncidentOpened,
        &n.title,
        target.clone(),
    );
    out.push(opened);
    if let Some(r) = &n.resolved {
        // A date-only end is the start of its day, which may be before a start with a
        // time on the same day: it is placed at the start (and still shown as a date), so
        // the timeline never lists the end before the beginning.
        let mut r = r.clone();
        if r.date_only && r.zoned < n.started.zoned {
            r.zoned = n.started.zoned.clone();
        }
        out.push(event(r, EventKind::IncidentResolved, &n.title, target));
    }
}

/// An issue opened, and each change of its status or severity.
fn issue_events(i: &Issue, hist: Option<&ItemHistory>, out: &mut Vec<Event>) {
    let title = format!("{} {}", i.id, i.title);
    let target = Target::Issue(i.meta.slug.clone());
    out.push(event(
        i.opened.clone(),
        EventKind::IssueOpened,
        &title,
        target.clone(),
    ));
    for e in hist.map_or(&[][..], |h| &h.entries) {
        // One event per kind and commit (a feed entry's id is its target, kind and time):
        // a status change tells more than a severity change made with it.
        let mut seen: Vec<EventKind> = Vec::new();
        let ordered = ["status", "severity"]
            .into_iter()
            .flat_map(|f| e.transitions.iter().filter(move |t| t.field == f));
        for t in ordered {
            let closed = |v: &Option<String>| {
                v.as_deref()
                    .and_then(IssueStatus::parse)
                    .is_some_and(IssueStatus::is_closed)
            };
            let status = t.field == "status";
            let resolved = t.to.as_deref() == Some("resolved");
            let kind = if status && closed(&t.to) && resolved {
                EventKind::IssueResolved
            } else if status && closed(&t.to) {
                EventKind::IssueClosed
            } else if status && closed(&t.from) {
                EventKind::IssueReopened
            } else {
                EventKind::IssueChanged
            };
            if !seen.contains(&kind) {
                seen.push(kind);
                out.push(change(e.when.clone(), kind, &title, target.clone(), t));
            }
        }
    }
}

/// A milestone done, and each time it slipped (marked so, or its due date moved later).
fn milestone_events(m: &Milestone, hist: Option<&ItemHistory>, out: &mut Vec<Event>) {
    let target = Target::Milestone(m.meta.slug.clone());
    let done = m
        .completed
        .clone()
        .or_else(|| hist.and_then(|h| h.closed_at.clone()));
    if let Some(done) = done {
        let ev = event(done, EventKind::MilestoneDone, &m.title, target.clone());
        out.push(ev);
    }
    for e in hist.map_or(&[][..], |h| &h.entries) {
        // A move of the due date says more than the status "slipped" set with it: one
        // event per commit.
        let later = e
            .transitions
            .iter()
            .find(|t| t.field == "due" && matches!((&t.from, &t.to), (Some(a), Some(b)) if b > a));
        let slipped = e.transitions.iter().find(|t| {
            t.field == "status"
                && t.to.as_deref().and_then(MilestoneStatus::parse)
                    == Some(MilestoneStatus::Slipped)
        });
        if let Some(t) = later.or(slipped) {
            let kind = EventKind::MilestoneSlipped;
            out.push(change(e.when.clone(), kind, &m.title, target.clone(), t));
        }
    }
}

/// An event that is one field's change.
fn change(when: When, kind: EventKind, title: &str, target: Target, t: &Transition) -> Event {
    Event {
        change: Some((t.field.to_string(), t.from.clone(), t.to.clone())),
        ..event(when, kind, title, target)
    }
}

fn event(when: When, kind: EventKind, title: &str, target: Target) -> Event {
    Event {
        when,
        kind,
        title: title.to_string(),
        target,
        change: None,
    }
}
