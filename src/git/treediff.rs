//! A tree diff on raw tree objects, made for walking long histories.
//!
//! Two versions of a folder usually differ in one entry out of thousands. Their raw tree
//! objects (`mode name\0<20-byte id>` entries, sorted) then share a long common prefix and
//! suffix, which `memcmp` skips at memory speed; only the entries in between are parsed and
//! merge-joined. Sub-folders with equal ids are never opened. Raw trees are kept in a small
//! cache, because each version is read twice in a walk (as a commit's tree and as its
//! child's parent tree).

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Result;
use git2::Oid;

use super::history::Change;
use super::packs::Objects;

/// Reads and caches raw tree objects.
pub struct TreeReader<'r> {
    objects: Objects<'r>,
    cache: HashMap<Oid, Arc<Vec<u8>>>,
    /// Where each entry starts, for trees whose entries were counted: a diff of two
    /// versions starts at the entry where they first differ, found by a binary search
    /// here instead of a walk over every entry before it, and gives the older version's
    /// starts from the newer one's (a walk goes from newer to older).
    starts: HashMap<Oid, Arc<Vec<u32>>>,
}

/// One file that differs between two trees: its path, what happened, and its blob id
/// (the new one; the old one for a deletion).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delta {
    pub path: String,
    pub change: Change,
    pub blob: Oid,
    /// The versions this one replaced: the old blob of a modification (the history adds
    /// a merge's other parents' and a rename's old path's); none otherwise.
    pub before: Vec<Oid>,
}

/// One entry of a raw tree.
#[derive(Clone, Copy)]
struct Entry<'a> {
    mode: &'a [u8],
    name: &'a [u8],
    id: &'a [u8],
}

impl Entry<'_> {
    fn is_tree(&self) -> bool {
        self.mode == b"40000"
    }
    fn is_submodule(&self) -> bool {
        self.mode == b"160000"
    }
    fn oid(&self) -> Oid {
        Oid::from_bytes(self.id).unwrap_or(Oid::ZERO_SHA1)
    }
}

impl<'r> TreeReader<'r> {
    pub fn new(objects: Objects<'r>) -> Self {
        TreeReader {
            objects,
            cache: HashMap::new(),
            starts: HashMap::new(),
        }
    }

    /// Where the entries of tree `id` (raw `raw`) start.
    fn starts_of(&mut self, id: Oid, raw: &[u8]) -> Arc<Vec<u32>> {
        if let Some(s) = self.starts.get(&id) {
            return s.clone();
        }
        let starts = Arc::new(entry_starts(raw));
        self.keep_starts(id, starts.clone());
        starts
    }

    fn keep_starts(&mut self, id: Oid, starts: Arc<Vec<u32>>) {
        if self.starts.len() > 256 {
            self.starts.clear();
        }
        self.starts.insert(id, starts);
    }

    /// The objects it reads through (for the blobs of renamed files).
    pub fn objects(&self) -> &Objects<'r> {
        &self.objects
    }

    fn raw(&mut self, id: Oid) -> Result<Arc<Vec<u8>>> {
        if let Some(t) = self.cache.get(&id) {
            return Ok(t.clone());
        }
        if self.cache.len() > 256 {
            self.cache.clear();
        }
        let (_, data) = self.objects.read(id)?;
        self.cache.insert(id, data.clone());
        Ok(data)
    }

    /// The id of the folder at `path` (`a/b`) under `tree`, if there is one. The trees on
    /// the way are read, not cached: a walk asks once per commit tree (and caches the
    /// answer), so they would only push the site root's versions out of the cache.
    pub fn subtree(&self, tree: Oid, path: &str) -> Result<Option<Oid>> {
        let mut id = tree;
        for part in path.split('/').filter(|p| !p.is_empty()) {
            let (_, obj) = self.objects.read(id)?;
            let raw = &obj[..];
            let mut off = 0;
            let mut found = None;
            while let Some((e, end)) = entry_at(raw, off) {
                if e.name == part.as_bytes() && e.is_tree() {
                    found = Some(e.oid());
                    break;
                }
                off = end;
            }
            match found {
                Some(f) => id = f,
                None => return Ok(None),
            }
        }
        Ok(Some(id))
    }

    /// Files added, modified or deleted between two trees (either may be absent), with
    /// `/`-separated paths relative to them.
    pub fn diff(&mut self, old: Option<Oid>, new: Option<Oid>, out: &mut Vec<Delta>) -> Result<()> {
        self.diff_at(old, new, "", out)
    }

    fn diff_at(
        &mut self,
        old: Option<Oid>,
        new: Option<Oid>,
        prefix: &str,
        out: &mut Vec<Delta>,
    ) -> Result<()> {
        if old == new {
            return Ok(());
        }
        let a = match old {
            Some(id) => self.raw(id)?,
            None => Arc::new(Vec::new()),
        };
        let b = match new {
            Some(id) => self.raw(id)?,
            None => Arc::new(Vec::new()),
        };
        // Skip the common prefix (backed off to an entry boundary) and stop the merge-join
        // as soon as both remainders are the same whole entries of the common suffix.
        // Entry starts are known for both trees of a folder that is in both (and big
        // enough to be worth it): the newer one's are counted once, the older one's made
        // from them.
        let starts_b = match (old, new) {
            (Some(_), Some(id)) if b.len() > 4096 => Some(self.starts_of(id, &b)),
            _ => None,
        };
        let start = match &starts_b {
            Some(sb) => {
                let common = common_prefix(&a, &b) as u32;
                let k = sb.partition_point(|s| *s <= common);
                k.checked_sub(1).map_or(0, |k| sb[k] as usize)
            }
            None => prefix_boundary(&a, &b),
        };
        let suffix = common_suffix(&a[start..], &b[start..]);
        let (mut ia, mut ib) = (start, start);
        let mut starts_a = Vec::new();
        let mut ended = false;
        loop {
            let (rest_a, rest_b) = (a.len() - ia, b.len() - ib);
            if rest_a == rest_b && rest_a <= suffix {
                ended = true;
                break;
            }
            let (x, y) = (entry_at(&a, ia), entry_at(&b, ib));
            let ord = match (&x, &y) {
                (Some((x, _)), Some((y, _))) => git_order(x, y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => {
                    ended = true;
                    break;
                }
            };
            match (ord, x, y) {
                (std::cmp::Ordering::Less, Some((x, end)), _) => {
                    self.one_side(&x, prefix, Change::Deleted, out)?;
                    starts_a.push(ia as u32);
                    ia = end;
                }
                (std::cmp::Ordering::Greater, _, Some((y, end))) => {
                    self.one_side(&y, prefix, Change::Added, out)?;
                    ib = end;
                }
                (_, Some((x, end_a)), Some((y, end_b))) => {
                    if x.id != y.id || x.mode != y.mode {
                        if x.is_tree() && y.is_tree() {
                            let sub = format!("{prefix}{}/", String::from_utf8_lossy(x.name));
                            self.diff_at(Some(x.oid()), Some(y.oid()), &sub, out)?;
                        } else if x.is_tree() || y.is_tree() {
                            self.one_side(&x, prefix, Change::Deleted, out)?;
                            self.one_side(&y, prefix, Change::Added, out)?;
                        } else if !x.is_submodule() && !y.is_submodule() {
                            out.push(Delta {
                                path: path(prefix, y.name),
                                change: Change::Modified,
                                blob: y.oid(),
                                before: vec![x.oid()],
                            });
                        }
                    }
                    starts_a.push(ia as u32);
                    ia = end_a;
                    ib = end_b;
                }
                _ => break,
            }
        }
        if let (Some(sb), Some(id), true) = (starts_b, old, ended) {
            // The older tree's entries: the newer one's before the first difference, those
            // the merge-join passed, and the newer one's of the common suffix, moved.
            let before = sb.partition_point(|s| (*s as usize) < start);
            let after = sb.partition_point(|s| (*s as usize) < ib);
            let mut sa = Vec::with_capacity(before + starts_a.len() + sb.len() - after);
            sa.extend_from_slice(&sb[..before]);
            sa.extend_from_slice(&starts_a);
            sa.extend(sb[after..].iter().map(|s| (*s as usize + ia - ib) as u32));
            debug_assert_eq!(sa, entry_starts(&a));
            self.keep_starts(id, Arc::new(sa));
        }
        Ok(())
    }

    /// An entry present on one side only: a file, or every file of a folder.
    fn one_side(
        &mut self,
        e: &Entry<'_>,
        prefix: &str,
        change: Change,
        out: &mut Vec<Delta>,
    ) -> Result<()> {
        if e.is_submodule() {
            return Ok(());
        }
        if !e.is_tree() {
            out.push(Delta {
                path: path(prefix, e.name),
                change,
                blob: e.oid(),
                before: Vec::new(),
            });
            return Ok(());
        }
        let sub = format!("{prefix}{}/", String::from_utf8_lossy(e.name));
        match change {
            Change::Added => self.diff_at(None, Some(e.oid()), &sub, out),
            _ => self.diff_at(Some(e.oid()), None, &sub, out),
        }
    }
}

fn path(prefix: &str, name: &[u8]) -> String {
    format!("{prefix}{}", String::from_utf8_lossy(name))
}

/// The start of the first entry in which `a` and `b` differ (their bytes agree before it).
fn prefix_boundary(a: &[u8], b: &[u8]) -> usize {
    let common = common_prefix(a, b);
    let mut off = 0;
    while let Some(end) = entry_end(a, off) {
        if end > common {
            break;
        }
        off = end;
    }
    off
}

/// Length of the common prefix, compared a block at a time (`memcmp`) before byte by byte.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 128;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// Length of the common suffix, compared the same way.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 128;
    let n = a.len().min(b.len());
    let (la, lb) = (a.len(), b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[la - i - BLOCK..la - i] == b[lb - i - BLOCK..lb - i] {
        i += BLOCK;
    }
    while i < n && a[la - i - 1] == b[lb - i - 1] {
        i += 1;
    }
    i
}

/// Where each entry of a raw tree starts.
fn entry_starts(raw: &[u8]) -> Vec<u32> {
    let mut starts = Vec::new();
    let mut off = 0;
    while let Some(end) = entry_end(raw, off) {
        starts.push(off as u32);
        off = end;
    }
    starts
}

/// The end of the entry that starts at `off`.
fn entry_end(buf: &[u8], off: usize) -> Option<usize> {
    let nul = buf[off..].iter().position(|&c| c == 0)? + off;
    let end = nul + 1 + 20;
    (end <= buf.len()).then_some(end)
}

/// The entry starting at `off`, and where it ends.
fn entry_at(buf: &[u8], off: usize) -> Option<(Entry<'_>, usize)> {
    let end = entry_end(buf, off)?;
    let head = &buf[off..end - 21];
    let sp = head.iter().position(|&c| c == b' ')?;
    Some((
        Entry {
            mode: &head[..sp],
            name: &head[sp + 1..],
            id: &buf[end - 20..end],
        },
        end,
    ))
}

/// Git's tree order: by name, a folder's name compared as if it ended in `/`.
fn git_order(a: &Entry<'_>, b: &Entry<'_>) -> std::cmp::Ordering {
    // As git's `base_name_compare`: a folder's name sorts as if it ended in `/`, so the
    // folder `a` comes after the folder `a-c` (`-` is before `/`), as a file `a` does not.
    let n = a.name.len().min(b.name.len());
    a.name[..n].cmp(&b.name[..n]).then_with(|| {
        let end = |e: &Entry<'_>| e.name.get(n).copied().or(e.is_tree().then_some(b'/'));
        end(a).cmp(&end(b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::{Repository, Signature, Time};

    /// Compares the raw diff with libgit2's own tree diff over a history full of awkward
    /// cases: names that sort differently as folders (`a`, `a.b`, `a/`), files turning into
    /// folders, deep folders added and removed, and big folders changed in one entry.
    #[test]
    fn raw_diff_agrees_with_libgit2_on_every_commit() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let sig = Signature::new("T", "t@example.com", &Time::new(1_700_000_000, 0)).unwrap();
        let mut state: std::collections::BTreeMap<String, String> = Default::default();
        let mut rng = 0x2545f4914f6cdd1d_u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let names = [
            "a",
            "a.b",
            "a-c",
            "a-c/f",
            "a.b/g",
            "a/x",
            "a/y/z",
            "b",
            "big/f",
            "big/f",
            "big/f",
            "deep/1/2/3/f",
            "x0",
        ];
        // A folder big enough for the diff to count its entries (see `starts`).
        for i in 0..300 {
            state.insert(format!("big/f{i}"), "v".into());
        }
        let mut commits = Vec::new();
        let mut parent: Option<Oid> = None;
        for step in 0..120 {
            let n = next();
            let mut path = names[(n % names.len() as u64) as usize].to_string();
            if path == "big/f" {
                path = format!("big/f{}", next() % 300);
            }
            match next() % 5 {
                0 => {
                    state.remove(&path);
                }
                1 if path == "a" => {
                    state.retain(|k, _| !k.starts_with("a/"));
                    state.insert(path, format!("v{step}"));
                }
                _ => {
                    // A file and a folder of one name cannot both be.
                    let mut at = 0;
                    while let Some(i) = path[at..].find('/') {
                        state.remove(&path[..at + i]);
                        at += i + 1;
                    }
                    state.retain(|k, _| !k.starts_with(&format!("{path}/")));
                    state.insert(path, format!("v{step}"));
                }
            }
            let tree = build_tree(&repo, &state);
            let parents: Vec<git2::Commit<'_>> = parent
                .iter()
                .map(|p| repo.find_commit(*p).unwrap())
                .collect();
            let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
            let id = repo
                .commit(None, &sig, &sig, "m", &repo.find_tree(tree).unwrap(), &refs)
                .unwrap();
            commits.push(tree);
            parent = Some(id);
        }
        let packs = super::super::packs::Packs::of(&repo);
        let mut reader = TreeReader::new(Objects::new(&repo, packs).unwrap());
        for w in commits.windows(2) {
            let mut deltas = Vec::new();
            reader.diff(Some(w[0]), Some(w[1]), &mut deltas).unwrap();
            let mut ours: Vec<(String, Change)> =
                deltas.into_iter().map(|d| (d.path, d.change)).collect();
            let theirs = libgit2_diff(&repo, w[0], w[1]);
            ours.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(ours, theirs);
        }
        // Newest first, as a walk goes: the older tree's entry starts are made from the
        // newer one's (checked against a count in debug builds).
        let packs = super::super::packs::Packs::of(&repo);
        let mut reader = TreeReader::new(Objects::new(&repo, packs).unwrap());
        for w in commits.windows(2).rev() {
            let mut deltas = Vec::new();
            reader.diff(Some(w[0]), Some(w[1]), &mut deltas).unwrap();
            let mut ours: Vec<(String, Change)> =
                deltas.into_iter().map(|d| (d.path, d.change)).collect();
            ours.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(ours, libgit2_diff(&repo, w[0], w[1]));
        }
    }

    fn build_tree(repo: &Repository, files: &std::collections::BTreeMap<String, String>) -> Oid {
        super::super::tree_from_files(repo, files.iter().map(|(p, t)| (p.as_str(), t.as_bytes())))
            .unwrap()
    }

    fn libgit2_diff(repo: &Repository, a: Oid, b: Oid) -> Vec<(String, Change)> {
        let (ta, tb) = (repo.find_tree(a).unwrap(), repo.find_tree(b).unwrap());
        let d = repo.diff_tree_to_tree(Some(&ta), Some(&tb), None).unwrap();
        let mut out: Vec<(String, Change)> = d
            .deltas()
            .map(|delta| match delta.status() {
                git2::Delta::Added => (
                    delta
                        .new_file()
                        .path()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                    Change::Added,
                ),
                git2::Delta::Deleted => (
                    delta
                        .old_file()
                        .path()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                    Change::Deleted,
                ),
                _ => (
                    delta
                        .new_file()
                        .path()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                    Change::Modified,
                ),
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}
