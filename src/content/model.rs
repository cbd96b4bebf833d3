//! The typed content of a site: what each file of the content contract becomes.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::fields::choice;
use crate::dates::When;

choice!(
    /// `visibility`: who may see an item.
    Visibility { Client = "client", Internal = "internal" }
);
choice!(
    /// A note's `kind`.
    NoteKind { Update = "update", Incident = "incident", Milestone = "milestone", Release = "release", Decision = "decision" }
);
choice!(
    /// A note's `health`.
    Health { OnTrack = "on-track", AtRisk = "at-risk", OffTrack = "off-track" }
);
choice!(
    /// An issue's `type`.
    IssueType { Defect = "defect", Risk = "risk", Change = "change", Question = "question", Task = "task" }
);
choice!(
    /// An issue's `status`.
    IssueStatus { Open = "open", InProgress = "in-progress", Blocked = "blocked", Resolved = "resolved", Closed = "closed", WontFix = "wont-fix" }
);
choice!(
    /// An issue's `severity`, default `major`.
    Severity { Major = "major", Critical = "critical", Minor = "minor", Trivial = "trivial" }
);
choice!(
    /// A milestone's `status`.
    MilestoneStatus { Planned = "planned", InProgress = "in-progress", Done = "done", Slipped = "slipped" }
);
choice!(
    /// A feedback item's `status`.
    FeedbackStatus { Received = "received", Acknowledged = "acknowledged", InProgress = "in-progress", Addressed = "addressed", Declined = "declined" }
);

impl IssueStatus {
    /// Open, in progress or blocked: still the team's to do.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            IssueStatus::Open | IssueStatus::InProgress | IssueStatus::Blocked
        )
    }
    /// Resolved, closed or won't fix: the issue has ended.
    pub fn is_closed(self) -> bool {
        !self.is_open()
    }
}

impl MilestoneStatus {
    /// Done: the milestone has ended.
    pub fn is_done(self) -> bool {
        self == MilestoneStatus::Done
    }
}

impl Severity {
    /// Critical first.
    pub fn rank(self) -> u8 {
        match self {
            Severity::Critical => 0,
            Severity::Major => 1,
            Severity::Minor => 2,
            Severity::Trivial => 3,
        }
    }
    pub const BY_RANK: [Severity; 4] = [
        Severity::Critical,
        Severity::Major,
        Severity::Minor,
        Severity::Trivial,
    ];
}

/// A date as a file wrote it, and what it means. History compares and shows the text, so
/// a past version reads as it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dated {
    /// The text, trimmed.
    pub text: String,
    pub when: When,
}

/// An issue as one version of its file left it: what its history and reports compare.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IssueState {
    pub status: IssueStatus,
    pub severity: Severity,
    pub owner: Option<String>,
    pub due: Option<Dated>,
    pub milestone: Option<String>,
}

/// A milestone as one version of its file left it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MilestoneState {
    pub status: MilestoneStatus,
    pub due: Option<Dated>,
    pub completed: Option<Dated>,
}

/// A feedback item as one version of its file left it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedbackState {
    pub status: FeedbackStatus,
}

/// What every item has: where it came from, who sees it, when it changed.
#[derive(Debug, Clone)]
pub struct Meta {
    /// Source path relative to the site root.
    pub path: String,
    /// The URL-safe name of its page (file stem or id).
    pub slug: String,
    /// `visibility: internal` or `draft: true`: only in `--internal` builds.
    pub internal: bool,
    pub draft: bool,
    /// The commit that added the file (or the file's time, uncommitted).
    pub created: Option<When>,
    /// The commit that last changed it.
    pub updated: Option<When>,
    /// Commit authors, through `.mailmap`.
    pub authors: Vec<String>,
    /// Front-matter keys vitrine does not know.
    pub extra: Map<String, Value>,
    /// The Markdown body, with internal blocks already removed in a client build.
    pub body: String,
    /// The body's first line in the file, for diagnostics.
    pub body_line: usize,
}

#[derive(Debug, Clone)]
pub struct Note {
    pub meta: Meta,
    pub title: String,
    pub date: When,
    pub kind: NoteKind,
    pub health: Option<Health>,
    pub progress: Option<u8>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub metrics: BTreeMap<String, f64>,
    /// Incidents: when it began (`started`, default the note's `date`).
    pub started: When,
    pub resolved: Option<When>,
    /// For `kind: release`: the version it announces.
    pub version: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Issue {
    pub meta: Meta,
    pub id: String,
    pub title: String,
    pub kind: IssueType,
    pub status: IssueStatus,
    pub severity: Severity,
    pub opened: When,
    pub due: Option<When>,
    pub owner: Option<String>,
    pub milestone: Option<String>,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Milestone {
    pub meta: Meta,
    pub id: String,
    pub title: String,
    pub due: When,
    pub status: MilestoneStatus,
    pub completed: Option<When>,
    /// Acceptance criteria from the body's task list: (text, done).
    pub criteria: Vec<(String, bool)>,
}

#[derive(Debug, Clone)]
pub struct Term {
    pub meta: Meta,
    pub term: String,
    pub aliases: Vec<String>,
    pub category: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Feedback {
    pub meta: Meta,
    pub date: When,
    pub from: String,
    pub channel: Option<String>,
    pub rating: Option<u8>,
    pub status: FeedbackStatus,
    pub response: Option<String>,
    pub issues: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub meta: Meta,
    pub title: String,
    pub order: i64,
    pub nav: bool,
}

/// One metric column of a `metrics/*.csv` file.
#[derive(Debug, Clone)]
pub struct MetricSeries {
    pub name: String,
    pub path: String,
    /// Measurements, oldest first.
    pub points: Vec<(When, f64)>,
}

/// Something left out of a client build, remembered so the output can be checked for it.
#[derive(Debug, Clone)]
pub struct Hidden {
    pub path: String,
    pub title: String,
    /// An issue's or milestone's id.
    pub id: Option<String>,
    /// Its body, for the leak guard.
    pub body: String,
}

/// The whole site's content at one revision, already filtered for its audience.
#[derive(Debug, Clone, Default)]
pub struct Project {
    pub notes: Vec<Note>,
    pub issues: Vec<Issue>,
    pub milestones: Vec<Milestone>,
    pub terms: Vec<Term>,
    pub feedback: Vec<Feedback>,
    pub pages: Vec<Page>,
    pub metrics: Vec<MetricSeries>,
    /// Files served as they are (`static/**`).
    pub assets: Vec<(String, Vec<u8>)>,
    /// Theme overrides from the site's own `theme/` folder: path under `theme/` → bytes.
    pub theme: Vec<(String, Vec<u8>)>,
    /// Items that a client build left out.
    pub hidden: Vec<Hidden>,
}

impl Project {
    /// The files whose every version history keeps (issues, milestones, feedback): their
    /// past states make item histories and reports.
    pub fn tracked_paths(&self) -> impl Iterator<Item = &String> {
        self.issues
            .iter()
            .map(|i| &i.meta.path)
            .chain(self.milestones.iter().map(|m| &m.meta.path))
            .chain(self.feedback.iter().map(|f| &f.meta.path))
    }

    /// Every item's common part, in a fixed order: notes, issues, milestones, terms,
    /// feedback, pages.
    pub fn metas(&self) -> Vec<&Meta> {
        self.notes
            .iter()
            .map(|n| &n.meta)
            .chain(self.issues.iter().map(|i| &i.meta))
            .chain(self.milestones.iter().map(|m| &m.meta))
            .chain(self.terms.iter().map(|t| &t.meta))
            .chain(self.feedback.iter().map(|f| &f.meta))
            .chain(self.pages.iter().map(|p| &p.meta))
            .collect()
    }
}
