//! The history index: one walk over every commit reachable from the built revision (in
//! libgit2's time order, each commit read once: see `commits`), the site root's trees of
//! the commits that history simplification reaches compared, and for every file the
//! commits that added, changed, renamed or deleted it, with the blob id of each version.
//!
//! Files' histories follow git's default history simplification for the site root, as
//! `git log -- <root>` does (see [`Walker::step`]): a commit whose site-root tree is
//! identical to a parent's costs one tree lookup and no diff, and the walk follows only that
//! parent, so the commits of a branch whose site root a merge did not take are not compared
//! at all (in a long history that rarely touches the site root, most are not). A merge
//! that differs from every parent is attributed only the changes that differ from *every*
//! parent (conflict resolutions), and the branch commits are compared on their own, so a
//! file added on a branch is dated by the branch commit that added it, as `git log` would.
//!
//! Every commit is kept (id, author through `.mailmap`, time, message, parents), because
//! the changelog reads the whole repository, not only the site root. The index is plain
//! data, serialisable, so `cache` can keep it between builds and extend it with only the
//! commits that are new.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::BuildHasherDefault;
use std::sync::Arc;
use std::sync::mpsc::TrySendError;

use anyhow::Result;
use git2::{Oid, Repository, Sort};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::Revision;
use super::commits::{self, Reader};
use super::packs::{Objects, Packs};
use super::treediff::{Delta, TreeReader};

/// What a commit did to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Modified,
    Deleted,
}

/// One commit, converted at the edge: author resolved through `.mailmap`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommitMeta {
    pub id: String,
    pub author: String,
    pub email: String,
    /// Author time, Unix seconds.
    pub time: i64,
    /// The author's UTC offset at that time, in seconds.
    pub offset_seconds: i32,
    /// The whole message (lossy UTF-8).
    pub message: String,
    /// Parent commit ids.
    pub parents: Vec<String>,
}

impl CommitMeta {
    pub fn timestamp(&self) -> Timestamp {
        Timestamp::from_second(self.time).unwrap_or(Timestamp::UNIX_EPOCH)
    }
    /// The first line of the message.
    pub fn summary(&self) -> &str {
        self.message.lines().next().unwrap_or("").trim()
    }
    /// The abbreviated id shown to readers.
    pub fn short(&self) -> &str {
        &self.id[..self.id.len().min(7)]
    }
}

/// One change to one file: `commit` indexes [`HistoryIndex::commits`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEvent {
    pub commit: u32,
    pub change: Change,
    /// The version's blob id (the removed one for a deletion).
    pub blob: String,
    /// For an addition that is a rename: the old path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The versions this one replaced, as keys of their blob ids (see [`blob_key`]): the
    /// parent's version of a modification (each parent's for a merge), the old path's of
    /// a rename; none for an addition. A file's life follows them back from the version
    /// it has now (see [`HistoryIndex::versions_now`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<u64>,
}

/// The key a version is known by in [`FileEvent::before`]: the blob id's first 16 hex
/// digits (two versions of one file are never told apart by fewer).
pub fn blob_key(id: &str) -> u64 {
    id_key(id)
}

fn oid_key(id: &Oid) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&id.as_bytes()[..8]);
    u64::from_be_bytes(b)
}

/// Per-file history of the site root and every commit of the repository, newest first.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct HistoryIndex {
    /// The commit the walk started from.
    pub tip: String,
    /// Every reachable commit, newest first.
    pub commits: Vec<CommitMeta>,
    /// Site-root-relative path → its events, newest first.
    pub files: HashMap<String, Vec<FileEvent>>,
    /// Whether history is cut short (shallow clone).
    pub shallow: bool,
    /// Problems that made history incomplete, for the user to read.
    pub warnings: Vec<String>,
    /// How the simplified walk left each commit (by index in `commits`), see [`Follow`]:
    /// what a later build needs to extend the index exactly as a walk of the whole
    /// history would.
    #[serde(default)]
    pub follow: Vec<u32>,
    /// Each commit's committer time (the walk's order; `commits` hold author times): what
    /// a later build needs to put new commits among these in the order a walk of the whole
    /// history gives.
    #[serde(default)]
    pub committed: Vec<i64>,
    /// A fingerprint of what else the index was made from (see `Repo::history_inputs`):
    /// a cache made from other inputs is not used.
    #[serde(default)]
    pub inputs: String,
    /// Site-root-relative path → the merges (by index in `commits`, newest first) whose
    /// version of the file is one of its other parents' as it was, with that parent's
    /// position: the file's history goes on only through it (see [`HistoryIndex::events`]).
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub took: HashMap<String, Vec<(u32, u32)>>,
    /// The first-parent lines of `commits`, built on first use (see [`FirstParents`]).
    #[serde(skip)]
    first_parents: std::sync::OnceLock<FirstParents>,
    /// Commits by id and by time, built on first use (not stored: derived from `commits`,
    /// which do not change once the index is built).
    #[serde(skip)]
    lookup: std::sync::OnceLock<Lookup>,
}

/// Maps over [`HistoryIndex::commits`], so that finding a commit is not a scan.
#[derive(Debug, Clone, Default)]
struct Lookup {
    /// [`id_key`] of a commit id → the index of the first commit with that key.
    by_key: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    /// Ids whose key an earlier, other id has → index (almost always empty).
    clashes: HashMap<String, u32>,
    /// (author time, index), ascending.
    by_time: Vec<(i64, u32)>,
}

/// A commit id's key: its first 16 hex digits read as a number (ids are hashes, so that
/// spreads them), any other text hashed. Nothing is copied, unlike a map keyed by
/// the ids themselves, which cost a copy and a SipHash of each of 23,000 ids.
fn id_key(id: &str) -> u64 {
    let hex = id.as_bytes().get(..16).map(|b| {
        b.iter().try_fold(0u64, |n, c| {
            let d = (*c as char).to_digit(16)?;
            Some((n << 4) | u64::from(d))
        })
    });
    match hex.flatten() {
        Some(n) => n,
        None => {
            use std::hash::{Hash, Hasher};
            // Not an id git makes (tests, hand-written caches): a fixed hash (the same on
            // every thread) will do.
            let mut h = std::hash::DefaultHasher::new();
            id.hash(&mut h);
            h.finish()
        }
    }
}

/// The identity: keys are already spread.
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl Lookup {
    fn of(commits: &[CommitMeta]) -> Lookup {
        let mut by_key =
            HashMap::with_capacity_and_hasher(commits.len(), BuildHasherDefault::default());
        let mut clashes = HashMap::new();
        for (i, c) in commits.iter().enumerate() {
            match by_key.entry(id_key(&c.id)) {
                Entry::Vacant(v) => {
                    v.insert(i as u32);
                }
                Entry::Occupied(o) => {
                    if commits[*o.get() as usize].id != c.id {
                        clashes.entry(c.id.clone()).or_insert(i as u32);
                    }
                }
            }
        }
        let mut by_time: Vec<(i64, u32)> = commits
            .iter()
            .enumerate()
            .map(|(i, c)| (c.time, i as u32))
            .collect();
        by_time.sort_unstable();
        Lookup {
            by_key,
            clashes,
            by_time,
        }
    }

    fn index_of(&self, commits: &[CommitMeta], id: &str) -> Option<u32> {
        let i = *self.by_key.get(&id_key(id))?;
        if commits[i as usize].id == id {
            return Some(i);
        }
        self.clashes.get(id).copied()
    }
}

/// The commits of an index as a forest of first parents: a commit's first-parent
/// ancestors are those whose span holds its own (one comparison each way), so a file's
/// history is found from the few commits where it leaves the first-parent line (see
/// [`HistoryIndex::events`]) without walking the commits in between.
#[derive(Debug, Default, Clone)]
struct FirstParents {
    /// By commit: when a depth-first walk of the forest entered and left it.
    enter: Vec<u32>,
    exit: Vec<u32>,
    /// Whether any commit has more than one parent (without merges, every commit of a
    /// history is on the tip's one line).
    merges: bool,
}

impl FirstParents {
    fn of(index: &HistoryIndex) -> FirstParents {
        let n = index.commits.len();
        if !index.commits.iter().any(|c| c.parents.len() > 1) {
            return FirstParents::default();
        }
        const NONE: u32 = u32::MAX;
        let first: Vec<u32> = (index.commits.iter())
            .map(|c| {
                let p = c.parents.first().and_then(|p| index.index_of(p));
                p.map_or(NONE, |p| p as u32)
            })
            .collect();
        // Each commit's children on the first-parent forest, in one array (`at[c]..at[c + 1]`).
        let mut at = vec![0u32; n + 1];
        for p in first.iter().filter(|p| **p != NONE) {
            at[*p as usize + 1] += 1;
        }
        for c in 0..n {
            at[c + 1] += at[c];
        }
        let mut fill = at.clone();
        let mut kids = vec![0u32; at[n] as usize];
        for (c, p) in first.iter().enumerate().filter(|(_, p)| **p != NONE) {
            kids[fill[*p as usize] as usize] = c as u32;
            fill[*p as usize] += 1;
        }
        let (mut enter, mut exit) = (vec![0u32; n], vec![0u32; n]);
        let mut clock = 0u32;
        let mut stack: Vec<(u32, u32)> = Vec::new();
        for root in (0..n as u32).filter(|c| first[*c as usize] == NONE) {
            enter[root as usize] = clock;
            clock += 1;
            stack.push((root, at[root as usize]));
            while let Some((c, next)) = stack.last_mut() {
                if *next < at[*c as usize + 1] {
                    let child = kids[*next as usize];
                    *next += 1;
                    enter[child as usize] = clock;
                    clock += 1;
                    stack.push((child, at[child as usize]));
                } else {
                    exit[*c as usize] = clock;
                    clock += 1;
                    stack.pop();
                }
            }
        }
        FirstParents {
            enter,
            exit,
            merges: true,
        }
    }

    /// Whether `a` is `d` or one of its first-parent ancestors.
    fn holds(&self, a: u32, d: u32) -> bool {
        let (a, d) = (a as usize, d as usize);
        self.enter[a] <= self.enter[d] && self.exit[d] <= self.exit[a]
    }
}

/// Part of a file's history: the first-parent line down from `top`, to `bottom` (a merge
/// where the file's history leaves the line) or to the line's end.
#[derive(Clone, Copy)]
struct Stretch {
    top: u32,
    bottom: Option<u32>,
}

impl HistoryIndex {
    fn first_parents(&self) -> &FirstParents {
        self.first_parents.get_or_init(|| FirstParents::of(self))
    }

    /// The stretches of history of the file at `path` from commit `from`, as git's history
    /// simplification for that path follows it: down first parents, except at a merge
    /// whose version of the file is another parent's ([`HistoryIndex::took`]: only that
    /// parent) and at one that changed it (every parent). `None` when every commit of the
    /// index is on one line (no merges): all of them are.
    fn stretches(&self, path: &str, from: u32) -> Option<Vec<Stretch>> {
        let lines = self.first_parents();
        if !lines.merges {
            return None;
        }
        let took: &[(u32, u32)] = self.took.get(path).map_or(&[], Vec::as_slice);
        let events: &[FileEvent] = self.files.get(path).map_or(&[], Vec::as_slice);
        let parent = |c: u32, k: u32| {
            let id = self.commits.get(c as usize)?.parents.get(k as usize)?;
            self.index_of(id).map(|i| i as u32)
        };
        let mut out: Vec<Stretch> = Vec::new();
        let mut starts = vec![from];
        let mut seen = std::collections::HashSet::new();
        while let Some(top) = starts.pop() {
            if !seen.insert(top) {
                continue;
            }
            // The nearest merge down the line that sends the file elsewhere.
            let bottom = (took.iter())
                .filter(|(m, _)| lines.holds(*m, top))
                .max_by_key(|(m, _)| lines.enter[*m as usize]);
            let s = Stretch {
                top,
                bottom: bottom.map(|b| b.0),
            };
            if let Some((m, k)) = bottom {
                starts.extend(parent(*m, *k));
            }
            // Merges on the stretch that changed the file: every other parent too.
            for e in events.iter().filter(|e| self.on(&s, e.commit)) {
                let parents = self.commits[e.commit as usize].parents.len() as u32;
                starts.extend((1..parents).filter_map(|k| parent(e.commit, k)));
            }
            out.push(s);
        }
        Some(out)
    }

    /// Whether commit `c` is on stretch `s`.
    fn on(&self, s: &Stretch, c: u32) -> bool {
        let lines = self.first_parents();
        lines.holds(c, s.top) && s.bottom.is_none_or(|b| lines.holds(b, c))
    }

    /// The events at `path` itself, newest first (renames not followed), as
    /// `git log -- <path>` finds them: every life the path had.
    pub fn events_at(&self, path: &str) -> Vec<&FileEvent> {
        let Some(events) = self.files.get(path) else {
            return Vec::new();
        };
        let tip = self.index_of(&self.tip).unwrap_or(0) as u32;
        let stretches = self.stretches(path, tip);
        (events.iter())
            .filter(|e| {
                (stretches.as_ref()).is_none_or(|all| all.iter().any(|s| self.on(s, e.commit)))
            })
            .collect()
    }

    /// The events of the file now at `path`, newest first, following it back through
    /// renames to the paths it had before, as `git log --follow -- <path>` finds them
    /// (see [`HistoryIndex::stretches`]).
    pub fn events(&self, path: &str) -> Vec<&FileEvent> {
        let tip = self.index_of(&self.tip).unwrap_or(0) as u32;
        let mut out: Vec<&FileEvent> = Vec::new();
        // Paths to read, each with the rename that led to it (only events older than it
        // count there): a path's history can come both from a rename and from the path
        // itself (a file re-added on one branch, renamed into place on another), so every
        // rename is followed, and the file's life sorts out which versions it came from.
        let mut todo: Vec<(String, Option<u32>)> = vec![(path.to_string(), None)];
        let mut done = std::collections::HashSet::new();
        while let Some((path, older_than)) = todo.pop() {
            if done.len() >= 64 || !done.insert((path.clone(), older_than)) {
                continue;
            }
            let Some(events) = self.files.get(&path) else {
                continue;
            };
            let stretches = self.stretches(&path, older_than.unwrap_or(tip));
            let reached =
                |c: u32| (stretches.as_ref()).is_none_or(|all| all.iter().any(|s| self.on(s, c)));
            for e in events
                .iter()
                .filter(|e| older_than.is_none_or(|c| e.commit > c))
                .filter(|e| reached(e.commit))
            {
                out.push(e);
                if let Some(from) = &e.from {
                    todo.push((from.clone(), Some(e.commit)));
                }
            }
        }
        out.sort_by_key(|e| e.commit);
        out.dedup_by(|a, b| std::ptr::eq(*a, *b));
        out
    }

    /// The current life of the file whose version now is the blob `now` (when known):
    /// that version's event, and back from it the events of the versions each one
    /// replaced (every parent's for a merge), to the addition that started it. A
    /// deletion on a branch the file's content did not come through, or an edit a merge
    /// left out, is no part of it. Without `now`, the newest version is the file's.
    fn life(&self, path: &str, now: Option<&str>) -> Vec<&FileEvent> {
        let events = self.events(path);
        let kept = |e: &FileEvent| e.change != Change::Deleted;
        let start = (now.and_then(|b| events.iter().position(|e| kept(e) && e.blob == b)))
            .or_else(|| events.iter().position(|e| kept(e)));
        let Some(start) = start else {
            return Vec::new();
        };
        let mut wanted = events[start].before.clone();
        let mut out = vec![events[start]];
        for e in events[start + 1..].iter().filter(|e| kept(e)) {
            if wanted.is_empty() {
                break;
            }
            if let Some(i) = wanted.iter().position(|k| *k == blob_key(&e.blob)) {
                wanted.swap_remove(i);
                for k in &e.before {
                    if !wanted.contains(k) {
                        wanted.push(*k);
                    }
                }
                out.push(e);
            }
        }
        out
    }

    pub fn commit(&self, e: &FileEvent) -> &CommitMeta {
        &self.commits[e.commit as usize]
    }

    /// The commit that added the file in its current life.
    pub fn created(&self, path: &str) -> Option<&CommitMeta> {
        self.life(path, None).last().map(|e| self.commit(e))
    }

    /// The commit that last changed the file.
    pub fn updated(&self, path: &str) -> Option<&CommitMeta> {
        self.life(path, None).first().map(|e| self.commit(e))
    }

    /// The distinct authors of the file's current life, first author first.
    pub fn authors(&self, path: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in self.life(path, None).iter().rev() {
            let a = &self.commit(e).author;
            if !out.contains(a) {
                out.push(a.clone());
            }
        }
        out
    }

    /// The versions of the file in its current life, oldest first.
    pub fn versions(&self, path: &str) -> Vec<&FileEvent> {
        self.versions_now(path, None)
    }

    /// The versions of the file in its current life, oldest first, when its version now
    /// is the blob `now` (see [`HistoryIndex::life`]).
    pub fn versions_now(&self, path: &str, now: Option<&str>) -> Vec<&FileEvent> {
        let mut v = self.life(path, now);
        v.reverse();
        v
    }

    fn lookup(&self) -> &Lookup {
        self.lookup.get_or_init(|| Lookup::of(&self.commits))
    }

    /// The index of a commit in [`commits`](Self::commits) by id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.lookup()
            .index_of(&self.commits, id)
            .map(|i| i as usize)
    }

    /// A commit by id.
    pub fn commit_by_id(&self, id: &str) -> Option<&CommitMeta> {
        self.index_of(id).map(|i| &self.commits[i])
    }

    /// The newest commit at or before `t` (Unix seconds, author time); of commits with the
    /// same time, the one walked last.
    pub fn commit_at_or_before(&self, t: i64) -> Option<&CommitMeta> {
        let by_time = &self.lookup().by_time;
        let n = by_time.partition_point(|(time, _)| *time <= t);
        let (_, i) = by_time.get(n.checked_sub(1)?)?;
        Some(&self.commits[*i as usize])
    }
}

/// Builds the index for the history reachable from `rev`, extending `cached` (the index of
/// an ancestor) when there is one.
pub(super) fn index(
    repo: &Repository,
    prefix: &str,
    rev: &Revision,
    cached: Option<HistoryIndex>,
    tick: &dyn Fn(u64),
    packs: Arc<Packs>,
) -> Result<HistoryIndex> {
    let tip = Oid::from_str(&rev.id)?;
    let mut cached = cached.filter(|c| {
        Oid::from_str(&c.tip)
            .is_ok_and(|t| t == tip || repo.graph_descendant_of(tip, t).unwrap_or(false))
    });
    if let Some(c) = &cached
        && c.tip == rev.id
    {
        return Ok(c.clone());
    }
    let reader = Reader::new(repo, packs.clone())?;
    // The new commits' walk, and which of the cached commits it reaches.
    let mut extended = None;
    if let Some(c) = &cached {
        let new = walk_new(
            repo,
            &reader,
            prefix,
            tip,
            Oid::from_str(&c.tip)?,
            packs.clone(),
        )?;
        if let Some(inside) = reached_from(c, &new.entered) {
            extended = Some((new, inside));
        }
    }
    let (walked, inside) = match extended {
        Some((walked, inside)) => (walked, Some(inside)),
        None => {
            // No cache, or one the new commits reach where it never compared trees.
            cached = None;
            (
                walk_all(repo, &reader, prefix, tip, tick, packs.clone())?,
                None,
            )
        }
    };
    let Walked {
        mut metas,
        order,
        mut changes,
        follow,
        committed,
        entered: _,
    } = walked;
    let mut idx = HistoryIndex {
        tip: rev.id.clone(),
        shallow: repo.is_shallow(),
        ..Default::default()
    };
    idx.commits.reserve(order.len());
    idx.follow = order.iter().map(|slot| follow[*slot as usize]).collect();
    idx.committed = order.iter().map(|slot| committed[*slot as usize]).collect();
    for (n, slot) in order.iter().enumerate() {
        let slot = *slot as usize;
        idx.commits
            .push(*metas[slot].take().unwrap_or_else(|| unreachable!()));
        let found = changes.remove(&(slot as u32)).unwrap_or_default();
        for (d, from) in found.changes {
            idx.files.entry(d.path).or_default().push(FileEvent {
                commit: n as u32,
                change: d.change,
                blob: d.blob.to_string(),
                from,
                before: d.before.iter().map(oid_key).collect(),
            });
        }
        for (path, parent) in found.took {
            idx.took.entry(path).or_default().push((n as u32, parent));
        }
    }
    if idx.shallow {
        idx.warnings.push(
            "this is a shallow clone: history is cut short, so files older than the oldest fetched commit \
             are dated by that commit (clone with full history, e.g. `fetch-depth: 0` in GitHub Actions)"
                .into(),
        );
    }
    Ok(match (cached, inside) {
        (Some(old), Some(inside)) => match merge(idx, old, &inside) {
            Some(merged) => merged,
            // A cache that does not fit together with the new commits: walk it all.
            None => index(repo, prefix, rev, None, tick, packs)?,
        },
        _ => idx,
    })
}

/// What each commit (by slot) changed under the site root, for the commits that did.
type Changes = HashMap<u32, Found>;

/// The commits a walk read, by slot, their order (slots, newest first) and their changes.
struct Walked {
    metas: Vec<Option<Box<CommitMeta>>>,
    order: Vec<u32>,
    changes: Changes,
    /// By slot: see [`Follow`].
    follow: Vec<Follow>,
    /// By slot: committer times.
    committed: Vec<i64>,
    /// Commits of the cached history the new ones lead to (see [`walk_new`]).
    entered: Vec<Oid>,
}

/// Every commit reachable from `tip`, in order, with its changes. Commits are read on this
/// thread; their trees are compared and their metadata made on another, with its own
/// repository handle, while the walk goes on (both read the pack files without libgit2's
/// lock, see [`super::packs`]). When the other thread falls behind, this one makes the
/// metadata instead of waiting: which thread has time to spare depends on the history
/// (a long history that rarely touches the site root keeps this one busy; one that often
/// does, the other).
fn walk_all(
    repo: &Repository,
    reader: &Reader<'_>,
    prefix: &str,
    tip: Oid,
    tick: &dyn Fn(u64),
    packs: Arc<Packs>,
) -> Result<Walked> {
    let mut walked = 0u64;
    let mut count = move || {
        if walked.is_multiple_of(512) {
            tick(walked);
        }
        walked += 1;
    };
    let other = Repository::open(repo.path())?;
    std::thread::scope(|scope| {
        // Commits go over in batches: a message per commit woke the other thread (a futex
        // call each side) 23,000 times in a 23,000-commit walk.
        const BATCH: usize = 64;
        type Batch = Vec<(u32, Oid, Vec<Oid>, Vec<u32>, Option<commits::Meta>)>;
        let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(64);
        let settings = reader.settings();
        type Made = Vec<(u32, Box<CommitMeta>)>;
        type Followed = Vec<(u32, Follow)>;
        let differ = scope.spawn(move || -> Result<(Changes, Made, Followed)> {
            let mut walker = Walker::new(&other, prefix, packs.clone())?;
            let reader = Reader::like(&other, packs, settings)?;
            let (mut found, mut metas, mut follow) = (Changes::new(), Vec::new(), Vec::new());
            // The tip's slot is 0.
            let mut reach = Reach::from(0u32);
            for (slot, tree, trees, parents, meta) in rx.into_iter().flatten() {
                reach.commit(&mut walker, slot, tree, trees, parents, |s, f, c| {
                    follow.push((s, f));
                    if !c.changes.is_empty() || !c.took.is_empty() {
                        found.insert(s, c);
                    }
                })?;
                if let Some(meta) = meta {
                    metas.push((slot, reader.meta(meta)?));
                }
            }
            Ok((found, metas, follow))
        });
        let mut batch: Batch = Vec::with_capacity(BATCH);
        let walked = commits::walk(
            tip,
            |id| reader.read(id),
            |slot, read, trees, parents| {
                count();
                batch.push((slot, read.tree, trees, parents, read.meta.take()));
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    // A failed differ has hung up; its error is reported below.
                    if let Err(TrySendError::Full(mut full)) = tx.try_send(full) {
                        // The other thread is behind (many changes to compare): make the
                        // metadata here while waiting for it.
                        for item in &mut full {
                            item.4 = item.4.take().map(|m| reader.made(m));
                        }
                        let _ = tx.send(full);
                    }
                }
            },
        );
        let _ = tx.send(batch);
        drop(tx);
        let (changes, made, followed) = differ
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))?;
        let (reads, order) = walked?;
        let mut metas: Vec<Option<Box<CommitMeta>>> = Vec::new();
        metas.resize_with(reads.len(), || None);
        for (slot, meta) in made {
            metas[slot as usize] = Some(meta);
        }
        let mut follow = vec![NOT_REACHED; reads.len()];
        for (slot, f) in followed {
            follow[slot as usize] = f;
        }
        Ok(Walked {
            metas,
            order,
            changes,
            follow,
            committed: reads.iter().map(|r| r.time).collect(),
            entered: Vec::new(),
        })
    })
}

/// The commits reachable from `tip` and not from `old` (a cached tip), in libgit2's order
/// (which [`merge`] makes topological), with their changes: the few commits since the
/// last build, on one thread. The cached
/// commits the simplified walk reaches from them are in `entered` (usually `old`; a merge
/// that follows only a branch begun before `old` reaches where the branch began instead).
fn walk_new(
    repo: &Repository,
    reader: &Reader<'_>,
    prefix: &str,
    tip: Oid,
    old: Oid,
    packs: Arc<Packs>,
) -> Result<Walked> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TIME)?;
    walk.push(tip)?;
    walk.hide(old)?;
    let mut walker = Walker::new(repo, prefix, packs)?;
    let (mut metas, mut changes, mut follow) = (Vec::new(), Changes::new(), Vec::new());
    let mut committed = Vec::new();
    let mut slots: HashMap<Oid, u32> = HashMap::new();
    let mut reach = Reach::from(tip);
    for oid in walk {
        let oid = oid?;
        let mut read = reader.read(oid)?;
        let mut trees = Vec::with_capacity(read.parents.len());
        for p in &read.parents {
            trees.push(reader.read(*p)?.tree);
        }
        slots.insert(oid, metas.len() as u32);
        let meta = read.meta.take().map(|m| reader.meta(m)).transpose()?;
        metas.push(meta);
        follow.push(NOT_REACHED);
        committed.push(read.time);
        let parents = std::mem::take(&mut read.parents);
        reach.commit(&mut walker, oid, read.tree, trees, parents, |id, f, c| {
            let slot = slots[&id];
            follow[slot as usize] = f;
            changes.insert(slot, c);
        })?;
    }
    let entered = (reach.reached.iter())
        .filter(|id| !slots.contains_key(id))
        .copied()
        .collect();
    let order = (0..metas.len() as u32).collect();
    Ok(Walked {
        metas,
        order,
        changes,
        follow,
        committed,
        entered,
    })
}

/// The commits of a cached index that a walk reaching it at `entered` reaches, as a mask
/// over its commits; `None` when one of them was not reached when the cache was made (its
/// history was never compared: the whole history must be walked).
fn reached_from(old: &HistoryIndex, entered: &[Oid]) -> Option<Vec<bool>> {
    if old.follow.len() != old.commits.len() || old.committed.len() != old.commits.len() {
        return None;
    }
    let mut inside = vec![false; old.commits.len()];
    let mut stack: Vec<usize> = Vec::new();
    for e in entered {
        let i = old.index_of(&e.to_string())?;
        if old.follow[i] == NOT_REACHED {
            return None;
        }
        stack.push(i);
    }
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut inside[i], true) {
            continue;
        }
        let parents = &old.commits[i].parents;
        let followed = match old.follow[i] {
            NOT_REACHED => return None,
            ALL_PARENTS => &parents[..],
            only => {
                let p = (only - ONLY_PARENT) as usize;
                parents.get(p..p + 1)?
            }
        };
        for p in followed {
            // A parent missing from the index: a shallow clone's boundary.
            if let Some(j) = old.index_of(p) {
                stack.push(j);
            }
        }
    }
    Some(inside)
}

/// Puts newly walked commits in front of a cached index of an ancestor. Of the cached
/// commits, only those the new walk reaches (`inside`) keep their changes, as a walk of the
/// whole history would find.
fn merge(mut new: HistoryIndex, old: HistoryIndex, inside: &[bool]) -> Option<HistoryIndex> {
    let shift = new.commits.len() as u32;
    new.commits.extend(old.commits);
    new.follow.extend(
        (old.follow.iter().zip(inside)).map(|(f, reached)| if *reached { *f } else { NOT_REACHED }),
    );
    for (path, events) in old.files {
        let kept: Vec<FileEvent> = events
            .into_iter()
            .filter(|e| inside.get(e.commit as usize).copied().unwrap_or(false))
            .map(|mut e| {
                e.commit += shift;
                e
            })
            .collect();
        if !kept.is_empty() {
            new.files.entry(path).or_default().extend(kept);
        }
    }
    for (path, took) in old.took {
        let kept = (took.into_iter())
            .filter(|(c, _)| inside.get(*c as usize).copied().unwrap_or(false))
            .map(|(c, p)| (c + shift, p));
        new.took.entry(path).or_default().extend(kept);
    }
    new.took.retain(|_, t| !t.is_empty());
    new.committed.extend(old.committed);
    // A walk pops commits newest first by commit time, ties in an order that depends on
    // the whole walk, then puts every commit before its parents; without ties, new commits
    // all newer than the cached ones and each newer than its parents simply go in front
    // (the usual build after new commits), else the walk is worked out again.
    let order = if new.committed.windows(2).all(|w| w[0] > w[1]) && before_parents(&new, shift) {
        (0..new.commits.len() as u32).collect()
    } else {
        walk_order(&new).ok()?
    };
    if order.len() != new.commits.len() {
        return None;
    }
    let mut rank = vec![0u32; order.len()];
    for (r, i) in order.iter().enumerate() {
        rank[*i as usize] = r as u32;
    }
    new.follow = order.iter().map(|i| new.follow[*i as usize]).collect();
    new.committed = order.iter().map(|i| new.committed[*i as usize]).collect();
    let mut commits: Vec<Option<CommitMeta>> = new.commits.into_iter().map(Some).collect();
    new.commits = order
        .iter()
        .map(|i| {
            commits[*i as usize]
                .take()
                .unwrap_or_else(|| unreachable!())
        })
        .collect();
    for events in new.files.values_mut() {
        for e in events.iter_mut() {
            e.commit = rank[e.commit as usize];
        }
        events.sort_by_key(|e| e.commit);
    }
    for took in new.took.values_mut() {
        for t in took.iter_mut() {
            t.0 = rank[t.0 as usize];
        }
        took.sort_unstable();
    }
    new.warnings.extend(old.warnings);
    new.warnings.dedup();
    Some(new)
}

/// Whether each of the first `n` commits comes before its parents among them.
fn before_parents(index: &HistoryIndex, n: u32) -> bool {
    let at: HashMap<&str, usize> = (index.commits.iter().take(n as usize))
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    (index.commits.iter().take(n as usize))
        .enumerate()
        .all(|(i, c)| {
            c.parents
                .iter()
                .all(|p| at.get(p.as_str()).is_none_or(|j| *j > i))
        })
}

/// The order a walk of the whole history from the first commit of `index` would give its
/// commits (as indexes), worked out from their parents and committer times alone, without
/// reading an object: new commits put among cached ones (a rebased commit, written long
/// ago, is walked by when it was committed).
fn walk_order(index: &HistoryIndex) -> Result<Vec<u32>> {
    let ids: Vec<Oid> = (index.commits.iter())
        .map(|c| Oid::from_str(&c.id))
        .collect::<Result<_, _>>()?;
    let at: HashMap<Oid, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut by_slot = Vec::with_capacity(ids.len());
    // From the tip: not always the first by time (a clock gone back).
    let (_, order) = commits::walk(
        Oid::from_str(&index.tip)?,
        |id| {
            let i = *at
                .get(&id)
                .ok_or_else(|| anyhow::anyhow!("commit {id} is not in the index"))?;
            by_slot.push(i as u32);
            // Parents outside the index (a shallow clone's boundary) are not walked.
            let parents = (index.commits[i].parents.iter())
                .filter_map(|p| Oid::from_str(p).ok())
                .filter(|p| at.contains_key(p))
                .collect();
            Ok(commits::Read {
                tree: Oid::ZERO_SHA1,
                parents,
                time: index.committed[i],
                meta: None,
            })
        },
        |_, _, _, _| {},
    )?;
    Ok(order
        .into_iter()
        .map(|slot| by_slot[slot as usize])
        .collect())
}

/// What one walk keeps between commits.
struct Walker<'r> {
    prefix: &'r str,
    trees: TreeReader<'r>,
    /// Commit tree id → the site root's tree id in it.
    roots: HashMap<Oid, Option<Oid>>,
}

impl<'r> Walker<'r> {
    fn new(repo: &'r Repository, prefix: &'r str, packs: Arc<Packs>) -> Result<Walker<'r>> {
        Ok(Walker {
            prefix,
            trees: TreeReader::new(Objects::new(repo, packs)?),
            roots: HashMap::new(),
        })
    }

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

    /// What the walk makes of a commit (its tree, its parents' trees), as git's default
    /// history simplification does for each file (`git log -- <file>`): a commit whose
    /// site root is its first parent's (TREESAME) changed nothing, and the walk follows
    /// only that parent (for a merge: what the other sides did there did not make it, or
    /// was there already). Otherwise it changed the files that differ from the first
    /// parent — for a merge, only those that differ from *every* parent (conflict
    /// resolutions); each other file that differs from the first parent is some other
    /// parent's as it was, and its history goes on through the first such parent only
    /// ([`Found::took`]) — with renames paired up, and the walk follows every parent.
    fn step(&mut self, tree: Oid, parent_trees: &[Oid]) -> Result<Step> {
        let mine = self.site_tree(tree)?;
        let mut parents = Vec::with_capacity(parent_trees.len());
        for p in parent_trees {
            parents.push(self.site_tree(*p)?);
        }
        if parents.first() == Some(&mine) {
            return Ok(Step::Same);
        }
        let mut changes = Vec::new();
        self.trees
            .diff(parents.first().copied().flatten(), mine, &mut changes)?;
        // Of the files that differ from the first parent, those the same as another
        // parent's take their history from the first such parent; the others changed here.
        let mut took = Vec::new();
        let mut open = vec![true; changes.len()];
        for (j, other) in parents.iter().enumerate().skip(1) {
            let mut theirs = Vec::new();
            if *other != mine {
                self.trees.diff(*other, mine, &mut theirs)?;
            }
            for (c, open) in changes.iter_mut().zip(open.iter_mut()).filter(|(_, o)| **o) {
                match theirs.iter().find(|t| t.path == c.path) {
                    Some(t) => c.before.extend(&t.before),
                    None => {
                        *open = false;
                        // (A commit object cannot hold 4 billion parents.)
                        took.push((c.path.clone(), u32::try_from(j).unwrap_or(u32::MAX)));
                    }
                }
            }
        }
        let mut open = open.into_iter();
        changes.retain(|_| open.next().unwrap_or(false));
        let objects = self.trees.objects();
        let read = |id: Oid| objects.read(id).ok().map(|(_, o)| o.to_vec());
        Ok(Step::Changed(Found {
            changes: pair_renames(changes, read),
            took,
        }))
    }
}

/// What [`Walker::step`] found in a commit that changed the site root.
#[derive(Default)]
struct Found {
    /// The files it changed (for a merge, those that differ from every parent), with the
    /// old path of a rename.
    changes: Vec<(Delta, Option<String>)>,
    /// For a merge, the files that differ from the first parent but are another parent's
    /// as they were: (path, that parent's position). A file's history goes on only
    /// through that parent, as `git log -- <file>` follows it.
    took: Vec<(String, u32)>,
}

/// See [`Walker::step`].
enum Step {
    /// The same site root as the first parent: follow only it.
    Same,
    /// These changes: follow every parent (each file's history follows only some; see
    /// [`Found::took`]).
    Changed(Found),
}

/// How the walk left a commit, as kept in [`HistoryIndex::follow`]: not reached
/// ([`NOT_REACHED`]), every parent followed ([`ALL_PARENTS`]), or only parent `i`
/// (`ONLY_PARENT + i`).
type Follow = u32;
const NOT_REACHED: Follow = 0;
const ALL_PARENTS: Follow = 1;
const ONLY_PARENT: Follow = 2;

/// Which commits the simplified walk reaches (as `git log -- <root>` does), found while
/// commits come newest first: a commit is reached through a child that follows it. A
/// parent can come before a child whose clock was behind; a commit left aside is then
/// taken up when it is reached.
struct Reach<K> {
    reached: std::collections::HashSet<K>,
    /// Commits that came before they were reached, with what [`Walker::step`] needs.
    aside: HashMap<K, (Oid, Vec<Oid>, Vec<K>)>,
}

impl<K: Copy + Eq + std::hash::Hash> Reach<K> {
    fn from(tip: K) -> Reach<K> {
        Reach {
            reached: [tip].into(),
            aside: HashMap::new(),
        }
    }

    /// One commit in the walk's order: stepped now (with those it reaches that came
    /// before it), or put aside. `stepped` is told each commit stepped, which parents the
    /// walk follows from it and its changes.
    fn commit(
        &mut self,
        walker: &mut Walker<'_>,
        key: K,
        tree: Oid,
        parent_trees: Vec<Oid>,
        parents: Vec<K>,
        mut stepped: impl FnMut(K, Follow, Found),
    ) -> Result<()> {
        if !self.reached.contains(&key) {
            self.aside.insert(key, (tree, parent_trees, parents));
            return Ok(());
        }
        let mut work = vec![(key, tree, parent_trees, parents)];
        while let Some((key, tree, parent_trees, parents)) = work.pop() {
            let follow = match walker.step(tree, &parent_trees)? {
                Step::Same => {
                    stepped(key, ONLY_PARENT, Found::default());
                    parents.into_iter().take(1).collect()
                }
                Step::Changed(found) => {
                    stepped(key, ALL_PARENTS, found);
                    parents
                }
            };
            for p in follow {
                if self.reached.insert(p)
                    && let Some((t, pt, pp)) = self.aside.remove(&p)
                {
                    work.push((p, t, pt, pp));
                }
            }
        }
        Ok(())
    }
}

/// Renames, as git finds them: a deletion and an addition in one commit are a rename when
/// the content is the same, or when it is at least half the same ([`similarity`]) and the
/// file stays in the same content folder (`issues/ISS-1.md` → `issues/done/ISS-1.md`,
/// edited on the way). A same-named file with other content is a new file, not the old one.
/// Pairing is bounded: at most 64 deletions × 64 additions are compared in one commit.
fn pair_renames(
    changes: Vec<Delta>,
    read: impl Fn(Oid) -> Option<Vec<u8>>,
) -> Vec<(Delta, Option<String>)> {
    let deleted: Vec<&Delta> = changes
        .iter()
        .filter(|d| d.change == Change::Deleted)
        .collect();
    if deleted.is_empty() {
        return changes.into_iter().map(|d| (d, None)).collect();
    }
    let top = |p: &str| p.split('/').next().unwrap_or(p).to_string();
    let mut used = vec![false; deleted.len()];
    let mut old_lines: Vec<Option<Lines>> = vec![None; deleted.len()];
    let mut compared = 0usize;
    let mut pairs: Vec<Option<(String, Oid)>> = Vec::with_capacity(changes.len());
    for d in &changes {
        let mut from = None;
        if d.change == Change::Added {
            let exact = deleted
                .iter()
                .enumerate()
                .position(|(i, x)| !used[i] && x.blob == d.blob);
            let similar = || {
                let new = Lines::of(&read(d.blob)?);
                let mut best: Option<(usize, f64)> = None;
                for (i, x) in deleted.iter().enumerate() {
                    if used[i] || top(&x.path) != top(&d.path) || compared >= 64 * 64 {
                        continue;
                    }
                    compared += 1;
                    if old_lines[i].is_none() {
                        old_lines[i] = Some(Lines::of(&read(x.blob).unwrap_or_default()));
                    }
                    let score = similarity(old_lines[i].as_ref()?, &new);
                    if score >= 0.5 && best.is_none_or(|b| score > b.1) {
                        best = Some((i, score));
                    }
                }
                best.map(|b| b.0)
            };
            if let Some(i) = exact.or_else(similar) {
                used[i] = true;
                from = Some((deleted[i].path.clone(), deleted[i].blob));
            }
        }
        pairs.push(from);
    }
    (changes.into_iter().zip(pairs))
        .map(|(mut d, from)| match from {
            Some((path, blob)) => {
                d.before.push(blob);
                (d, Some(path))
            }
            None => (d, None),
        })
        .collect()
}

/// The lines of a file as a multiset of hashes, with the file's size.
#[derive(Clone)]
struct Lines {
    counts: HashMap<u64, (usize, usize)>,
    size: usize,
}

impl Lines {
    fn of(bytes: &[u8]) -> Lines {
        use std::hash::{Hash, Hasher};
        let mut counts: HashMap<u64, (usize, usize)> = HashMap::new();
        for line in bytes.split_inclusive(|b| *b == b'\n') {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            line.hash(&mut h);
            let e = counts.entry(h.finish()).or_default();
            e.0 += 1;
            e.1 = line.len();
        }
        Lines {
            counts,
            size: bytes.len(),
        }
    }
}

/// The share of bytes two files have in common, counted by whole lines, over the larger
/// file's size: 1.0 for the same content, git's rename threshold is 0.5.
fn similarity(a: &Lines, b: &Lines) -> f64 {
    let common: usize = a
        .counts
        .iter()
        .filter_map(|(h, (n, len))| b.counts.get(h).map(|(m, _)| n.min(m) * len))
        .sum();
    let larger = a.size.max(b.size);
    if larger == 0 {
        1.0
    } else {
        common as f64 / larger as f64
    }
}

pub(super) fn commit_meta(
    commit: &git2::Commit<'_>,
    mailmap: Option<&git2::Mailmap>,
) -> CommitMeta {
    let raw = commit.author();
    let sig = mailmap.and_then(|m| m.resolve_signature(&raw).ok());
    let sig = sig.as_ref().unwrap_or(&raw);
    let when = sig.when();
    CommitMeta {
        id: commit.id().to_string(),
        author: String::from_utf8_lossy(sig.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(sig.email_bytes()).into_owned(),
        time: when.seconds(),
        offset_seconds: when.offset_minutes() * 60,
        message: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
        parents: commit.parent_ids().map(|p| p.to_string()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(commits: &[(&str, i64)]) -> HistoryIndex {
        let commits = commits
            .iter()
            .map(|(id, time)| CommitMeta {
                id: id.to_string(),
                author: "A".into(),
                email: "a@example.com".into(),
                time: *time,
                offset_seconds: 0,
                message: "m".into(),
                parents: vec![],
            })
            .collect();
        HistoryIndex {
            commits,
            ..Default::default()
        }
    }

    #[test]
    fn commits_are_found_by_id_through_the_map() {
        let idx = index(&[("c3", 300), ("c2", 200), ("c1", 100)]);
        assert_eq!(idx.index_of("c2"), Some(1));
        assert_eq!(idx.commit_by_id("c1").map(|c| c.time), Some(100));
        assert_eq!(idx.index_of("nope"), None);
    }

    #[test]
    fn ids_that_begin_alike_are_told_apart() {
        let same = "0123456789abcdef";
        let a = format!("{same}{}", "0".repeat(24));
        let b = format!("{same}{}", "1".repeat(24));
        let c = format!("{same}{}", "2".repeat(24));
        let idx = index(&[(&a, 3), (&b, 2), ("not hex at all", 1), (&c, 0)]);
        assert_eq!(idx.index_of(&a), Some(0));
        assert_eq!(idx.index_of(&b), Some(1));
        assert_eq!(idx.index_of(&c), Some(3));
        assert_eq!(idx.index_of(&format!("{same}{}", "3".repeat(24))), None);
        assert_eq!(idx.index_of(same), None, "a prefix is not the id");
        // The same answers from another thread.
        std::thread::scope(|s| {
            s.spawn(|| assert_eq!(idx.index_of("not hex at all"), Some(2)));
        });
    }

    #[test]
    fn the_commit_at_a_time_is_the_newest_at_or_before_it() {
        // Author times need not follow the walk order.
        let idx = index(&[
            ("c4", 250),
            ("c3", 300),
            ("c2", 200),
            ("b", 200),
            ("c1", 100),
        ]);
        let at = |t| idx.commit_at_or_before(t).map(|c| c.id.as_str());
        assert_eq!(at(99), None);
        assert_eq!(at(100), Some("c1"));
        assert_eq!(at(260), Some("c4"));
        assert_eq!(at(1_000), Some("c3"));
        // Of equal times, the one walked last, as a scan keeping the last maximum would.
        let scan = idx
            .commits
            .iter()
            .filter(|c| c.time <= 200)
            .max_by_key(|c| c.time)
            .map(|c| c.id.as_str());
        assert_eq!(at(200), scan);
        assert_eq!(at(200), Some("b"));
    }

    #[test]
    fn the_lookup_is_rebuilt_after_the_cache_is_read() {
        let idx = index(&[("c2", 200), ("c1", 100)]);
        assert_eq!(idx.index_of("c1"), Some(1));
        let json = serde_json::to_string(&idx).unwrap();
        assert!(!json.contains("by_key"), "the lookup is not stored");
        let back: HistoryIndex = serde_json::from_str(&json).unwrap();
        assert_eq!(back.index_of("c1"), Some(1));
        assert_eq!(back.commit_at_or_before(150).map(|c| c.time), Some(100));
    }
}
