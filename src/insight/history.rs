//! What history says about each item: an issue's or milestone's transitions (status,
//! severity, owner, due date, milestone) with when and in which commit, the honesty
//! figures (how often and how far a due date moved, how long until resolved), and an
//! incident's update log.

use std::collections::{HashMap, HashSet};

use jiff::tz::TimeZone;

pub use crate::content::versions::{Stated, States, Visible};
use crate::content::{Dated, IssueState, MilestoneState};
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
}

/// A field's name and its value as written (`None`: unset).
pub type Field = (&'static str, Option<String>);

/// What an item's history follows: the fields it shows, and when the item has ended.
pub trait Tracked {
    /// Each field the history shows, in order, with its value as written (`None`: unset).
    fn fields(&self) -> Vec<Field>;
    /// The due date, whose moves the history counts.
    fn due(&self) -> Option<&Dated>;
    /// Whether the item has ended (an issue resolved, closed or won't fix; a milestone done).
    fn ended(&self) -> bool;
}

impl Tracked for IssueState {
    fn fields(&self) -> Vec<Field> {
        vec![
            ("status", Some(self.status.as_str().to_string())),
            ("severity", Some(self.severity.as_str().to_string())),
            ("owner", self.owner.clone()),
            ("due", self.due.as_ref().map(|d| d.text.clone())),
            ("milestone", self.milestone.clone()),
        ]
    }
    fn due(&self) -> Option<&Dated> {
        self.due.as_ref()
    }
    fn ended(&self) -> bool {
        self.status.is_closed()
    }
}

impl Tracked for MilestoneState {
    fn fields(&self) -> Vec<Field> {
        vec![
            ("status", Some(self.status.as_str().to_string())),
            ("due", self.due.as_ref().map(|d| d.text.clone())),
            ("completed", self.completed.as_ref().map(|d| d.text.clone())),
        ]
    }
    fn due(&self) -> Option<&Dated> {
        self.due.as_ref()
    }
    fn ended(&self) -> bool {
        self.status.is_done()
    }
}

/// The history of one file from its readable visible versions (`states`, see [`States`]).
pub fn item_history<S: Tracked>(
    index: &HistoryIndex,
    states: &[Stated<S>],
    tz: &TimeZone,
) -> ItemHistory {
    let mut h = ItemHistory::default();
    let mut prev: Option<(&S, Vec<Field>)> = None;
    for s in states {
        let values = s.state.fields();
        let commit = &index.commits[s.version.commit as usize];
        let when = When::from_commit(commit.timestamp(), tz);
        let transitions = prev
            .as_ref()
            .map_or_else(Vec::new, |(_, old)| transitions(old, &values));
        track_due(&mut h, prev.as_ref().map(|p| p.0), &s.state);
        track_end(&mut h, &s.state, &when);
        let first = prev.is_none();
        if first || !transitions.is_empty() || s.version.made_public {
            h.entries.push(Entry {
                commit: s.version.commit_shown.then(|| commit.clone()),
                when,
                opened: first && !s.version.made_public,
                made_public: s.version.made_public,
                transitions,
            });
        }
        prev = Some((&s.state, values));
    }
    h
}

/// The fields whose value differs between two versions.
fn transitions(old: &[Field], new: &[Field]) -> Vec<Transition> {
    old.iter()
        .zip(new)
        .filter(|(a, b)| a.1 != b.1)
        .map(|((field, from), (_, to))| Transition {
            field,
            from: from.clone(),
            to: to.clone(),
        })
        .collect()
}

/// When the item (last) ended: reset when it is reopened.
fn track_end(h: &mut ItemHistory, state: &impl Tracked, when: &When) {
    if !state.ended() {
        h.closed_at = None;
    } else if h.closed_at.is_none() {
        h.closed_at = Some(when.clone());
    }
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

/// The first due date, and how often and how far it moved (`prev`: the version before).
fn track_due<S: Tracked>(h: &mut ItemHistory, prev: Option<&S>, state: &S) {
    let due = state.due();
    let Some(prev) = prev else {
        h.first_due = due.map(|d| d.text.clone());
        return;
    };
    match (prev.due(), due) {
        (Some(a), Some(b)) if a.text != b.text => {
            h.due_moves += 1;
            h.due_days += days_between(&a.when, &b.when);
        }
        (None, Some(b)) if h.first_due.is_none() => h.first_due = Some(b.text.clone()),
        _ => {}
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
