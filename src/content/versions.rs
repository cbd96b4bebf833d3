//! Past versions of content files, filtered for the build's audience version by version.
//!
//! Every reader of history (default dates and authors, item histories, the timeline,
//! period reports, incident update logs) asks [`Visible`] and never the raw history index,
//! so a client build cannot show a version from a time the item was internal or draft, nor
//! a commit carrying the `Visibility: internal` trailer. An item made public appears as
//! made public, in the state it had then. A version that cannot be read counts as hidden:
//! when in doubt, nothing is shown.
//!
//! [`States`] reads each visible version of an issue, milestone or feedback file into the
//! typed model ([`IssueState`], …) with the same field readers as the current files, so a
//! status set or a default is known in one place. A version the model rejects is left out
//! with a warning, like one whose front matter cannot be parsed.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::tz::TimeZone;
use serde_json::{Map, Value};

use super::fields::Fields;
use super::model::{FeedbackState, IssueState, MilestoneState};
use super::visibility::{internal_commit, version_hidden};
use crate::diag::{Diagnostic, Diagnostics};
use crate::git::{CommitMeta, HistoryIndex};

/// Parsed front matter of each version, by blob id.
pub type Versions = HashMap<String, Arc<Map<String, Value>>>;

/// One version of a content file that the build's audience may see.
#[derive(Debug, Clone)]
pub struct Version {
    /// Index of its commit in [`HistoryIndex::commits`].
    pub commit: u32,
    /// The version's blob id.
    pub blob: String,
    /// Whether the commit itself (id, author) may be shown: not for a commit with the
    /// internal trailer in a client build. Its date and content may.
    pub commit_shown: bool,
    /// The first version a client sees after versions they did not (visibility lifted).
    pub made_public: bool,
}

/// The versions of every content file the audience may see, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Visible {
    files: HashMap<String, Vec<Version>>,
}

impl Visible {
    /// Filters the history of `paths` for the client (`team == false`) or the team.
    pub fn build<'a>(
        index: &HistoryIndex,
        versions: &Versions,
        paths: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
        team: bool,
    ) -> Visible {
        use rayon::prelude::*;
        let paths: Vec<(&str, Option<&str>)> = paths.into_iter().collect();
        let files = paths
            .into_par_iter()
            .map(|(path, now)| {
                let v = visible_of(index, versions, path, now, team);
                (path.to_string(), v)
            })
            .collect();
        Visible { files }
    }

    /// Every file whose versions were filtered.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The versions of the file at `path` the audience may see, oldest first.
    pub fn of(&self, path: &str) -> &[Version] {
        self.files.get(path).map_or(&[], Vec::as_slice)
    }

    /// The commit that made the file visible in its current life.
    pub fn created<'i>(&self, index: &'i HistoryIndex, path: &str) -> Option<&'i CommitMeta> {
        self.of(path)
            .first()
            .map(|v| &index.commits[v.commit as usize])
    }

    /// The last commit that changed the file while visible.
    pub fn updated<'i>(&self, index: &'i HistoryIndex, path: &str) -> Option<&'i CommitMeta> {
        self.of(path)
            .last()
            .map(|v| &index.commits[v.commit as usize])
    }

    /// The distinct authors of the shown commits, first author first.
    pub fn authors(&self, index: &HistoryIndex, path: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for v in self.of(path).iter().filter(|v| v.commit_shown) {
            let a = &index.commits[v.commit as usize].author;
            if !out.contains(a) {
                out.push(a.clone());
            }
        }
        out
    }
}

fn visible_of(
    index: &HistoryIndex,
    versions: &Versions,
    path: &str,
    now: Option<&str>,
    team: bool,
) -> Vec<Version> {
    let mut out = Vec::new();
    let mut hidden_before = false;
    for e in index.versions_now(path, now) {
        let front = versions.get(&e.blob);
        let hidden = !team && front.is_none_or(|f| version_hidden(f));
        if hidden {
            hidden_before = true;
            continue;
        }
        let commit = index.commit(e);
        out.push(Version {
            commit: e.commit,
            blob: e.blob.clone(),
            commit_shown: team || !internal_commit(&commit.message),
            made_public: hidden_before,
        });
        hidden_before = false;
    }
    out
}

/// The typed state of one content folder's items at one version.
pub trait ItemState: Sized + Send {
    /// The content folder whose files have this state.
    const FOLDER: &'static str;
    /// Reads the state's keys; problems are reported through `f`.
    fn read(f: &mut Fields<'_>) -> Self;
    /// The keys [`read`](Self::read) reads.
    const KEYS: &'static [&'static str];
}

impl ItemState for IssueState {
    const FOLDER: &'static str = "issues";
    const KEYS: &'static [&'static str] = &["status", "severity", "owner", "due", "milestone"];
    fn read(f: &mut Fields<'_>) -> Self {
        IssueState {
            status: f.choice("status"),
            severity: f.choice("severity"),
            owner: f.text("owner"),
            due: f.dated("due"),
            milestone: f.text("milestone"),
        }
    }
}

impl ItemState for MilestoneState {
    const FOLDER: &'static str = "milestones";
    const KEYS: &'static [&'static str] = &["status", "due", "completed"];
    fn read(f: &mut Fields<'_>) -> Self {
        MilestoneState {
            status: f.choice("status"),
            due: f.dated("due"),
            completed: f.dated("completed"),
        }
    }
}

impl ItemState for FeedbackState {
    const FOLDER: &'static str = "feedback";
    const KEYS: &'static [&'static str] = &["status"];
    fn read(f: &mut Fields<'_>) -> Self {
        FeedbackState {
            status: f.choice("status"),
        }
    }
}

/// Reads the state of one version's front matter; `Err` holds the first problem.
pub fn read_state<S: ItemState>(
    front: &Map<String, Value>,
    path: &str,
    tz: &TimeZone,
) -> Result<S, String> {
    // Only the state's own keys: the rest of the version is not this reader's business.
    let keys = S::KEYS
        .iter()
        .filter_map(|k| Some((k.to_string(), front.get(*k)?.clone())))
        .collect();
    let mut diags = Diagnostics::default();
    let state = S::read(&mut Fields::new(keys, "", 1, path, tz, &mut diags));
    match diags.iter().next() {
        Some(d) => Err(d.message.clone()),
        None => Ok(state),
    }
}

/// One visible version with its typed state.
#[derive(Debug, Clone)]
pub struct Stated<S> {
    pub version: Version,
    /// Its commit's time (Unix seconds).
    pub time: i64,
    pub state: S,
}

/// The typed states of the visible versions of every issue, milestone and feedback file,
/// by path, oldest first. Versions that cannot be read are left out.
#[derive(Debug, Clone, Default)]
pub struct States {
    issues: HashMap<String, Vec<Stated<IssueState>>>,
    milestones: HashMap<String, Vec<Stated<MilestoneState>>>,
    feedback: HashMap<String, Vec<Stated<FeedbackState>>>,
}

impl States {
    /// Reads every visible version of the tracked folders; each version the model rejects
    /// is reported as a warning.
    pub fn build(
        index: &HistoryIndex,
        versions: &Versions,
        visible: &Visible,
        tz: &TimeZone,
    ) -> (States, Diagnostics) {
        let mut diags = Diagnostics::default();
        let states = States {
            issues: typed(index, versions, visible, tz, &mut diags),
            milestones: typed(index, versions, visible, tz, &mut diags),
            feedback: typed(index, versions, visible, tz, &mut diags),
        };
        (states, diags)
    }

    /// The readable visible versions of the issue at `path`, oldest first.
    pub fn issue(&self, path: &str) -> &[Stated<IssueState>] {
        self.issues.get(path).map_or(&[], Vec::as_slice)
    }

    /// The readable visible versions of the milestone at `path`, oldest first.
    pub fn milestone(&self, path: &str) -> &[Stated<MilestoneState>] {
        self.milestones.get(path).map_or(&[], Vec::as_slice)
    }

    /// The readable visible versions of the feedback item at `path`, oldest first.
    pub fn feedback(&self, path: &str) -> &[Stated<FeedbackState>] {
        self.feedback.get(path).map_or(&[], Vec::as_slice)
    }
}

/// The typed versions of every visible file in `S::FOLDER`.
fn typed<S: ItemState>(
    index: &HistoryIndex,
    versions: &Versions,
    visible: &Visible,
    tz: &TimeZone,
    diags: &mut Diagnostics,
) -> HashMap<String, Vec<Stated<S>>> {
    use rayon::prelude::*;
    let paths: Vec<&str> = visible
        .paths()
        .filter(|p| p.split('/').next() == Some(S::FOLDER))
        .collect();
    let read: Vec<_> = paths
        .into_par_iter()
        .map(|path| {
            let mut problems = Vec::new();
            let list = visible
                .of(path)
                .iter()
                .filter_map(|v| {
                    // A version missing here could not be parsed: warned about when read.
                    let front = versions.get(&v.blob)?;
                    let commit = &index.commits[v.commit as usize];
                    match read_state::<S>(front, path, tz) {
                        Ok(state) => Some(Stated {
                            version: v.clone(),
                            time: commit.time,
                            state,
                        }),
                        Err(e) => {
                            problems.push(unreadable(path, commit, &e));
                            None
                        }
                    }
                })
                .collect();
            ((path.to_string(), list), problems)
        })
        .collect();
    let mut out = HashMap::with_capacity(read.len());
    for (entry, problems) in read {
        problems.into_iter().for_each(|d| diags.push(d));
        out.insert(entry.0, entry.1);
    }
    out
}

/// The warning for a version history leaves out.
pub fn unreadable(path: &str, commit: &CommitMeta, why: &str) -> Diagnostic {
    Diagnostic::warning(format!(
        "history: the version of commit {} cannot be read ({why}); it is left out of the history",
        commit.short()
    ))
    .at(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{FeedbackStatus, IssueStatus, MilestoneStatus, Severity};
    use crate::git::{Change, FileEvent};

    fn front(json: serde_json::Value) -> Map<String, Value> {
        json.as_object().cloned().unwrap_or_default()
    }

    fn utc() -> TimeZone {
        TimeZone::UTC
    }

    #[test]
    fn a_version_without_state_keys_has_the_contract_defaults() {
        let tz = utc();
        let issue: IssueState = read_state(
            &front(serde_json::json!({"title": "x"})),
            "issues/a.md",
            &tz,
        )
        .unwrap();
        assert_eq!(issue.status, IssueStatus::Open);
        assert_eq!(issue.severity, Severity::Major);
        assert_eq!(
            (issue.owner, issue.due, issue.milestone),
            (None, None, None)
        );
        let m: MilestoneState = read_state(&Map::new(), "milestones/m.md", &tz).unwrap();
        assert_eq!(m.status, MilestoneStatus::Planned);
        let f: FeedbackState = read_state(&Map::new(), "feedback/f.md", &tz).unwrap();
        assert_eq!(f.status, FeedbackStatus::Received);
    }

    #[test]
    fn state_values_are_read_as_written_and_trimmed() {
        let v = serde_json::json!({"status": " resolved ", "severity": "minor", "owner": " Ana ",
            "due": "2026-03-01", "milestone": "", "other": [1]});
        let issue: IssueState = read_state(&front(v), "issues/a.md", &utc()).unwrap();
        assert_eq!(issue.status, IssueStatus::Resolved);
        assert!(issue.status.is_closed());
        assert_eq!(issue.severity, Severity::Minor);
        assert_eq!(issue.owner.as_deref(), Some("Ana"));
        assert_eq!(issue.due.map(|d| d.text).as_deref(), Some("2026-03-01"));
        assert_eq!(issue.milestone, None, "blank is unset");
    }

    #[test]
    fn a_value_outside_the_contract_makes_the_version_unreadable() {
        let tz = utc();
        let bad = read_state::<IssueState>(
            &front(serde_json::json!({"status": "bogus"})),
            "issues/a.md",
            &tz,
        );
        assert!(bad.unwrap_err().contains("`status` must be one of"));
        let bad = read_state::<MilestoneState>(
            &front(serde_json::json!({"due": "soon"})),
            "milestones/m.md",
            &tz,
        );
        assert!(bad.is_err());
    }

    fn commit(id: &str, time: i64) -> CommitMeta {
        CommitMeta {
            id: id.repeat(40),
            author: "A".into(),
            email: "a@example.com".into(),
            time,
            offset_seconds: 0,
            message: "change".into(),
            parents: vec![],
        }
    }

    #[test]
    fn states_skip_an_unreadable_version_with_a_warning() {
        // Each version replaced the one before it.
        let event = |commit, change, blob: &str, before: &[&str]| FileEvent {
            commit,
            change,
            blob: blob.into(),
            from: None,
            before: before.iter().map(|b| crate::git::blob_key(b)).collect(),
        };
        let mut index = HistoryIndex::default();
        index.commits = vec![commit("c", 300), commit("b", 200), commit("a", 100)];
        index.files.insert(
            "issues/x.md".into(),
            vec![
                event(0, Change::Modified, "3", &["2"]),
                event(1, Change::Modified, "2", &["1"]),
                event(2, Change::Added, "1", &[]),
            ],
        );
        let mut versions = Versions::new();
        for (blob, status) in [("1", "open"), ("2", "bogus"), ("3", "closed")] {
            let v = front(serde_json::json!({"title": "X", "status": status}));
            versions.insert(blob.into(), Arc::new(v));
        }
        let visible = Visible::build(&index, &versions, [("issues/x.md", None)], false);
        let (states, diags) = States::build(&index, &versions, &visible, &utc());
        let list = states.issue("issues/x.md");
        let seen: Vec<_> = list.iter().map(|s| (s.time, s.state.status)).collect();
        assert_eq!(seen, [(100, IssueStatus::Open), (300, IssueStatus::Closed)]);
        let warning = diags
            .iter()
            .next()
            .map(|d| d.message.clone())
            .unwrap_or_default();
        assert!(
            warning.contains("bbbbbbb") && warning.contains("`status`"),
            "{warning}"
        );
        assert!(states.milestone("issues/x.md").is_empty());
    }
}
