//! The timeline: one chronological stream of what happened — notes published, issues
//! opened, changed and resolved, milestones done or slipped, incidents opened and
//! resolved, releases — built from the project and its history. Only what the project
//! snapshot holds can appear, so internal items (already filtered out) never do.

use std::collections::HashMap;

use jiff::tz::TimeZone;

use super::changelog::Release;
use super::history::ItemHistory;
use crate::content::{NoteKind, Project};
use crate::dates::When;

/// What kind of thing happened (also the filter key on the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    Note,
    IssueOpened,
    IssueChanged,
    IssueResolved,
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
            EventKind::IssueOpened | EventKind::IssueChanged | EventKind::IssueResolved => "issues",
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

/// Every event, newest first.
pub fn timeline(p: &Project, h: &Histories<'_>, releases: &[Release], tz: &TimeZone) -> Vec<Event> {
    let mut out = Vec::new();
    for n in &p.notes {
        let target = Target::Note(n.meta.slug.clone());
        if n.kind == NoteKind::Incident {
            out.push(event(
                n.date.clone(),
                EventKind::IncidentOpened,
                &n.title,
                target.clone(),
            ));
            if let Some(r) = &n.resolved {
                out.push(event(
                    r.clone(),
                    EventKind::IncidentResolved,
                    &n.title,
                    target,
                ));
            }
        } else {
            out.push(event(n.date.clone(), EventKind::Note, &n.title, target));
        }
    }
    for i in &p.issues {
        let title = format!("{} {}", i.id, i.title);
        let target = Target::Issue(i.meta.slug.clone());
        out.push(event(
            i.opened.clone(),
            EventKind::IssueOpened,
            &title,
            target.clone(),
        ));
        for e in h.issues.get(&i.meta.path).map_or(&[][..], |h| &h.entries) {
            for t in e
                .transitions
                .iter()
                .filter(|t| t.field == "status" || t.field == "severity")
            {
                let closing = t.field == "status"
                    && matches!(t.to.as_deref(), Some("resolved" | "closed" | "wont-fix"));
                let kind = if closing {
                    EventKind::IssueResolved
                } else {
                    EventKind::IssueChanged
                };
                let mut ev = event(e.when.clone(), kind, &title, target.clone());
                ev.change = Some((t.field.to_string(), t.from.clone(), t.to.clone()));
                out.push(ev);
            }
        }
    }
    for m in &p.milestones {
        let target = Target::Milestone(m.meta.slug.clone());
        let hist = h.milestones.get(&m.meta.path);
        if let Some(done) = m
            .completed
            .clone()
            .or_else(|| hist.and_then(|h| h.closed_at.clone()))
        {
            out.push(event(
                done,
                EventKind::MilestoneDone,
                &m.title,
                target.clone(),
            ));
        }
        for e in hist.map_or(&[][..], |h| &h.entries) {
            for t in &e.transitions {
                let later =
                    t.field == "due" && matches!((&t.from, &t.to), (Some(a), Some(b)) if b > a);
                if later || (t.field == "status" && t.to.as_deref() == Some("slipped")) {
                    let mut ev = event(
                        e.when.clone(),
                        EventKind::MilestoneSlipped,
                        &m.title,
                        target.clone(),
                    );
                    ev.change = Some((t.field.to_string(), t.from.clone(), t.to.clone()));
                    out.push(ev);
                }
            }
        }
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

fn event(when: When, kind: EventKind, title: &str, target: Target) -> Event {
    Event {
        when,
        kind,
        title: title.to_string(),
        target,
        change: None,
    }
}
