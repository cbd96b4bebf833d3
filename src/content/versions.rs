//! Past versions of content files, filtered for the build's audience version by version.
//!
//! Every reader of history (default dates and authors, item histories, the timeline,
//! period reports, incident update logs) asks [`Visible`] and never the raw history index,
//! so a client build cannot show a version from a time the item was internal or draft, nor
//! a commit carrying the `Visibility: internal` trailer. An item made public appears as
//! made public, in the state it had then. A version that cannot be read counts as hidden:
//! when in doubt, nothing is shown.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::visibility::{internal_commit, version_hidden};
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
        paths: impl IntoIterator<Item = &'a str>,
        team: bool,
    ) -> Visible {
        let files = paths
            .into_iter()
            .map(|path| (path.to_string(), visible_of(index, versions, path, team)))
            .collect();
        Visible { files }
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

fn visible_of(index: &HistoryIndex, versions: &Versions, path: &str, team: bool) -> Vec<Version> {
    let mut out = Vec::new();
    let mut hidden_before = false;
    for e in index.versions(path) {
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
