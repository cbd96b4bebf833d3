//! What history says about each item: an issue's or milestone's transitions (status,
//! severity, owner, due date, milestone) with when and in which commit, the honesty
//! figures (how often and how far a due date moved, how long until resolved), and an
//! incident's update log.

use std::collections::{HashMap, HashSet};

use jiff::tz::TimeZone;
use serde_json::Value;

pub use crate::content::versions::{Versions, Visible};
use crate::dates::{When, days_between};
use crate::git::{CommitMeta, HistoryIndex};

/// One field that changed in one commit.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub field: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// One commit in an item's history.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The commit, unless it may not be shown (internal trailer): then only its date is.
    pub commit: Option<CommitMeta>,
    pub when: When,
    /// The commit that added the item.
    pub opened: bool,
    /// The commit that made a formerly internal item visible to the client.
    pub made_public: bool,
    pub transitions: Vec<Transition>,
}

/// The history of one issue or milestone.
#[derive(Debug, Clone, Default)]
pub struct ItemHistory {
    pub entries: Vec<Entry>,
    /// How many times `due` moved to another date.
    pub due_moves: usize,
    /// Net days `due` moved since it was first set (positive: later).
    pub due_days: i64,
    /// The first `due` ever set.
    pub first_due: Option<String>,
    /// When the item reached a closing status (resolved/closed/wont-fix, or done).
    pub closed_at: Option<When>,
    /// Versions whose front matter could not be read (skipped).
    pub skipped: usize,
}

/// Fields whose changes an issue's history shows, with their defaults.
pub const ISSUE_FIELDS: &[(&str, Option<&str>)] = &[
    ("status", Some("open")),
    ("severity", Some("major")),
    ("owner", None),
    ("due", None),
    ("milestone", None),
];
/// Fields whose changes a milestone's history shows.
pub const MILESTONE_FIELDS: &[(&str, Option<&str>)] = &[
    ("status", Some("planned")),
    ("due", None),
    ("completed", None),
];

/// The history of the file at `path`, tracking `fields`; `closing` says which status
/// values end the item.
pub fn item_history(
    index: &HistoryIndex,
    versions: &Versions,
    visible: &Visible,
    path: &str,
    fields: &[(&'static str, Option<&str>)],
    closing: &[&str],
    tz: &TimeZone,
) -> ItemHistory {
    let mut h = ItemHistory::default();
    let mut prev: Option<Vec<Option<String>>> = None;
    for e in visible.of(path) {
        let Some(front) = versions.get(&e.blob) else {
            h.skipped += 1;
            continue;
        };
        let values: Vec<Option<String>> = fields
            .iter()
            .map(|(k, default)| value_text(front.get(*k)).or_else(|| default.map(str::to_string)))
            .collect();
        let commit = &index.commits[e.commit as usize];
        let when = When::from_commit(commit.timestamp(), tz);
        let transitions: Vec<Transition> = match &prev {
            None => Vec::new(),
            Some(old) => fields
                .iter()
                .zip(old.iter().zip(&values))
                .filter(|(_, (a, b))| a != b)
                .map(|((k, _), (a, b))| Transition {
                    field: k,
                    from: a.clone(),
                    to: b.clone(),
                })
                .collect(),
        };
        track_due(&mut h, &transitions, prev.is_none(), fields, &values, tz);
        let status = fields
            .iter()
            .position(|(k, _)| *k == "status")
            .and_then(|i| values[i].clone());
        let closed = status.as_deref().is_some_and(|s| closing.contains(&s));
        if closed && h.closed_at.is_none() {
            h.closed_at = Some(when.clone());
        } else if !closed {
            h.closed_at = None;
        }
        if prev.is_none() || !transitions.is_empty() || e.made_public {
            h.entries.push(Entry {
                commit: e.commit_shown.then(|| commit.clone()),
                when,
                opened: prev.is_none() && !e.made_public,
                made_public: e.made_public,
                transitions,
            });
        }
        prev = Some(values);
    }
    h
}

/// Replaces values of `field` that name nothing in `known` (an internal or deleted
/// milestone, say) with "none", and drops what becomes no change: a past version may not
/// name what the build's audience cannot see.
pub fn forget_unknown(h: &mut ItemHistory, field: &str, known: &HashSet<&str>) {
    let unknown = |v: &Option<String>| v.as_deref().is_some_and(|v| !known.contains(v));
    for e in &mut h.entries {
        for t in e.transitions.iter_mut().filter(|t| t.field == field) {
            if unknown(&t.from) {
                t.from = None;
            }
            if unknown(&t.to) {
                t.to = None;
            }
        }
        e.transitions.retain(|t| t.from != t.to);
    }
    h.entries
        .retain(|e| e.opened || e.made_public || !e.transitions.is_empty());
}

fn track_due(
    h: &mut ItemHistory,
    transitions: &[Transition],
    first: bool,
    fields: &[(&str, Option<&str>)],
    values: &[Option<String>],
    tz: &TimeZone,
) {
    if first {
        h.first_due = fields
            .iter()
            .position(|(k, _)| *k == "due")
            .and_then(|i| values[i].clone());
    }
    for t in transitions.iter().filter(|t| t.field == "due") {
        match (&t.from, &t.to) {
            (Some(a), Some(b)) => {
                h.due_moves += 1;
                if let (Ok(a), Ok(b)) = (When::parse(a, tz), When::parse(b, tz)) {
                    h.due_days += days_between(&a, &b);
                }
            }
            (None, Some(b)) if h.first_due.is_none() => h.first_due = Some(b.clone()),
            _ => {}
        }
    }
}

/// One entry of an incident's update log: what a version added to the note's text.
#[derive(Debug, Clone)]
pub struct Update {
    pub when: When,
    /// The first version the client saw (reported, or made public).
    pub first: bool,
    /// The paragraphs that version added or changed, as plain text.
    pub added: Vec<String>,
}

/// An incident's update log, oldest first, built from what each visible version of the
/// note added to its text. No commit message is used: they are developer text.
pub fn updates(
    index: &HistoryIndex,
    visible: &Visible,
    bodies: &HashMap<String, Vec<String>>,
    path: &str,
    tz: &TimeZone,
) -> Vec<Update> {
    let mut out: Vec<Update> = Vec::new();
    let mut before: Option<&Vec<String>> = None;
    for v in visible.of(path) {
        let Some(blocks) = bodies.get(&v.blob) else {
            continue;
        };
        let when = When::from_commit(index.commits[v.commit as usize].timestamp(), tz);
        let added: Vec<String> = match before {
            None => Vec::new(),
            Some(old) => blocks
                .iter()
                .filter(|b| !old.contains(b))
                .cloned()
                .collect(),
        };
        let first = before.is_none();
        before = Some(blocks);
        if first || !added.is_empty() {
            out.push(Update { when, first, added });
        }
    }
    out
}

fn value_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Null => None,
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        other => Some(other.to_string()),
    }
}
