//! The history index: one revwalk over every commit reachable from the built revision,
//! one tree diff per commit limited to the site root, and for every file the commits that
//! added, changed or deleted it.
//!
//! A commit whose site-root tree is identical to its parent's costs one tree lookup and no
//! diff. A merge is attributed only the changes that differ from *every* parent (conflict
//! resolutions); the branch commits themselves are walked and diffed on their own, so a file
//! added on a branch is dated by the branch commit that added it, as `git log` would.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Result;
use git2::{Delta, Oid, Repository, Sort};
use jiff::Timestamp;

use super::Revision;

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
    let mut root_cache: HashMap<Oid, Option<Oid>> = HashMap::new();
    for oid in walk {
        let oid = oid?;
        let commit = repo.find_commit(oid)?;
        let changes = commit_changes(repo, prefix, &commit, &mut root_cache, &mut idx.warnings)?;
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

/// The site root's tree id at a commit's tree, cached by tree id.
fn site_tree(
    repo: &Repository,
    prefix: &str,
    tree_id: Oid,
    cache: &mut HashMap<Oid, Option<Oid>>,
) -> Option<Oid> {
    *cache.entry(tree_id).or_insert_with(|| {
        if prefix.is_empty() {
            return Some(tree_id);
        }
        let tree = repo.find_tree(tree_id).ok()?;
        let entry = tree.get_path(Path::new(prefix)).ok()?;
        (entry.kind() == Some(git2::ObjectType::Tree)).then(|| entry.id())
    })
}

fn commit_changes(
    repo: &Repository,
    prefix: &str,
    commit: &git2::Commit<'_>,
    cache: &mut HashMap<Oid, Option<Oid>>,
    warnings: &mut Vec<String>,
) -> Result<Vec<(String, Change)>> {
    let mine = site_tree(repo, prefix, commit.tree_id(), cache);
    let mut parents = Vec::new();
    for pid in commit.parent_ids() {
        match repo.find_commit(pid) {
            Ok(p) => parents.push(site_tree(repo, prefix, p.tree_id(), cache)),
            Err(_) => warnings.push(format!(
                "parent {pid} of commit {} is missing; history is cut short",
                commit.id()
            )),
        }
    }
    if parents.contains(&mine) {
        return Ok(Vec::new());
    }
    let Some(first) = parents.first() else {
        return diff(repo, None, mine);
    };
    let mut changes = diff(repo, *first, mine)?;
    for other in &parents[1..] {
        let theirs = diff(repo, *other, mine)?;
        changes.retain(|c| theirs.iter().any(|t| t.0 == c.0));
    }
    Ok(changes)
}

fn diff(repo: &Repository, old: Option<Oid>, new: Option<Oid>) -> Result<Vec<(String, Change)>> {
    let old = old.map(|o| repo.find_tree(o)).transpose()?;
    let new = new.map(|o| repo.find_tree(o)).transpose()?;
    let mut opts = git2::DiffOptions::new();
    opts.skip_binary_check(true).ignore_submodules(true);
    let d = repo.diff_tree_to_tree(old.as_ref(), new.as_ref(), Some(&mut opts))?;
    let mut out = Vec::with_capacity(d.deltas().len());
    for delta in d.deltas() {
        let (change, file) = match delta.status() {
            Delta::Added => (Change::Added, delta.new_file()),
            Delta::Deleted => (Change::Deleted, delta.old_file()),
            _ => (Change::Modified, delta.new_file()),
        };
        if let Some(p) = file.path_bytes() {
            out.push((String::from_utf8_lossy(p).into_owned(), change));
        }
    }
    Ok(out)
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
