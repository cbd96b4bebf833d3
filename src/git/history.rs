//! The history index: one revwalk over every commit reachable from the built revision,
//! one tree diff per commit limited to the site root, and for every file the commits that
//! added, changed or deleted it.
//!
//! A commit whose site-root tree is identical to its parent's costs one tree lookup and no
//! diff. A merge is attributed only the changes that differ from *every* parent (conflict
//! resolutions); the branch commits themselves are walked and diffed on their own, so a file
//! added on a branch is dated by the branch commit that added it, as `git log` would.

use std::collections::HashMap;

use anyhow::Result;
use git2::{Oid, Repository, Sort};
use jiff::Timestamp;

use super::Revision;
use super::treediff::TreeReader;

/// What a commit did to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Modified,
    Deleted,
}

/// One commit, converted at the edge: author resolved through `.mailmap`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CommitMeta {
    pub id: String,
    pub author: String,
    pub email: String,
    /// Author time.
    #[serde(serialize_with = "ser_ts")]
    pub time: Timestamp,
    /// The author's UTC offset at that time, in seconds.
    pub offset_seconds: i32,
    pub summary: String,
}

/// One change to one file: `commit` indexes [`HistoryIndex::commits`].
#[derive(Debug, Clone, Copy)]
pub struct FileEvent {
    pub commit: u32,
    pub change: Change,
}

/// Per-file history of the site root, newest first.
#[derive(Debug, Default)]
pub struct HistoryIndex {
    /// Every walked commit, newest first.
    pub commits: Vec<CommitMeta>,
    /// Site-root-relative path → its events, newest first.
    pub files: HashMap<String, Vec<FileEvent>>,
    /// Whether history is cut short (shallow clone).
    pub shallow: bool,
    /// Problems that made history incomplete, for the user to read.
    pub warnings: Vec<String>,
}

impl HistoryIndex {
    fn events(&self, path: &str) -> &[FileEvent] {
        self.files.get(path).map_or(&[], Vec::as_slice)
    }

    /// The commit that added the file in its current life (after its last deletion).
    pub fn created(&self, path: &str) -> Option<&CommitMeta> {
        let events = self.events(path);
        let mut added = None;
        for e in events {
            match e.change {
                Change::Deleted => break,
                Change::Added => added = Some(e),
                Change::Modified => {}
            }
        }
        added
            .or(events.last())
            .map(|e| &self.commits[e.commit as usize])
    }

    /// The commit that last changed the file.
    pub fn updated(&self, path: &str) -> Option<&CommitMeta> {
        let e = self
            .events(path)
            .iter()
            .find(|e| e.change != Change::Deleted)?;
        Some(&self.commits[e.commit as usize])
    }

    /// The distinct authors of the file's current life, first author first.
    pub fn authors(&self, path: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in self.events(path).iter().rev() {
            if e.change == Change::Deleted {
                out.clear();
                continue;
            }
            let a = &self.commits[e.commit as usize].author;
            if !out.contains(a) {
                out.push(a.clone());
            }
        }
        out
    }
}

/// Builds the index for the history reachable from `rev`.
pub(super) fn index(repo: &Repository, prefix: &str, rev: &Revision) -> Result<HistoryIndex> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TIME)?;
    walk.push(Oid::from_str(&rev.id)?)?;
    let mailmap = repo.mailmap().ok();
    let mut idx = HistoryIndex {
        shallow: repo.is_shallow(),
        ..Default::default()
    };
    let mut walker = Walker {
        repo,
        prefix,
        trees: TreeReader::new(repo.odb()?),
        roots: HashMap::new(),
    };
    for oid in walk {
        let oid = oid?;
        let commit = repo.find_commit(oid)?;
        let changes = walker.commit_changes(&commit, &mut idx.warnings)?;
        if changes.is_empty() {
            continue;
        }
        let n = idx.commits.len() as u32;
        idx.commits.push(commit_meta(&commit, mailmap.as_ref()));
        for (path, change) in changes {
            idx.files
                .entry(path)
                .or_default()
                .push(FileEvent { commit: n, change });
        }
    }
    if idx.shallow {
        idx.warnings.push(
            "this is a shallow clone: history is cut short, so files older than the oldest fetched commit \
             are dated by that commit (clone with full history, e.g. `fetch-depth: 0` in GitHub Actions)"
                .into(),
        );
    }
    Ok(idx)
}

/// What one walk keeps between commits.
struct Walker<'r> {
    repo: &'r Repository,
    prefix: &'r str,
    trees: TreeReader<'r>,
    /// Commit tree id → the site root's tree id in it.
    roots: HashMap<Oid, Option<Oid>>,
}

impl Walker<'_> {
    /// The site root's tree id in a commit's tree.
    fn site_tree(&mut self, tree_id: Oid) -> Result<Option<Oid>> {
        if let Some(r) = self.roots.get(&tree_id) {
            return Ok(*r);
        }
        let r = self.trees.subtree(tree_id, self.prefix)?;
        if self.roots.len() > 4096 {
            self.roots.clear();
        }
        self.roots.insert(tree_id, r);
        Ok(r)
    }

    /// The files a commit changed under the site root. A merge is given only what differs
    /// from every parent.
    fn commit_changes(
        &mut self,
        commit: &git2::Commit<'_>,
        warnings: &mut Vec<String>,
    ) -> Result<Vec<(String, Change)>> {
        let mine = self.site_tree(commit.tree_id())?;
        let mut parents = Vec::new();
        for pid in commit.parent_ids() {
            match self.repo.find_commit(pid) {
                Ok(p) => parents.push(self.site_tree(p.tree_id())?),
                Err(_) => warnings.push(format!(
                    "parent {pid} of commit {} is missing; history is cut short",
                    commit.id()
                )),
            }
        }
        if parents.contains(&mine) {
            return Ok(Vec::new());
        }
        let mut changes = Vec::new();
        self.trees
            .diff(parents.first().copied().flatten(), mine, &mut changes)?;
        for other in parents.iter().skip(1) {
            let mut theirs = Vec::new();
            self.trees.diff(*other, mine, &mut theirs)?;
            changes.retain(|c| theirs.iter().any(|t| t.0 == c.0));
        }
        Ok(changes)
    }
}

fn commit_meta(commit: &git2::Commit<'_>, mailmap: Option<&git2::Mailmap>) -> CommitMeta {
    let raw = commit.author();
    let sig = mailmap.and_then(|m| m.resolve_signature(&raw).ok());
    let sig = sig.as_ref().unwrap_or(&raw);
    let when = sig.when();
    let summary = commit
        .summary_bytes()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    CommitMeta {
        id: commit.id().to_string(),
        author: String::from_utf8_lossy(sig.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(sig.email_bytes()).into_owned(),
        time: Timestamp::from_second(when.seconds()).unwrap_or(Timestamp::UNIX_EPOCH),
        offset_seconds: when.offset_minutes() * 60,
        summary,
    }
}

fn ser_ts<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(t)
}
