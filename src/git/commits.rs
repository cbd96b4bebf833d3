//! Reading every commit of a history once, in the order libgit2's time-sorted revwalk gives.
//!
//! The history index needs each commit's tree, parents, committer time (for the order) and
//! its metadata. libgit2's revwalk parses every commit to order them and `find_commit`
//! parses each again; here each commit object is read raw through the odb once and its
//! header parsed in place. The parse accepts only the canonical shape git writes
//! (`tree`, `parent`s, one `author`, `committer`, signatures `Name <email> secs ±hhmm`);
//! anything else, and every commit of a repository with grafts or a shallow boundary
//! (which libgit2 rewrites), is read through `find_commit` instead, so the result is always
//! what libgit2 would give.
//!
//! The order is libgit2's `Sort::TIME` walk, reproduced exactly, ties included (a frontier
//! kept newest committer time first, first come first among equals, as libgit2's
//! date-ordered list, then libgit2's binary heap over that list), made topological as
//! `git log --date-order` is: no commit comes after one of its parents (see [`date_order`]).

use std::collections::{BinaryHeap, HashMap};

use anyhow::{Result, bail};
use std::sync::Arc;

use git2::{Mailmap, Oid, Repository};

use super::history::CommitMeta;
use super::packs::{Objects, Packs};

/// One commit as the walk needs it.
pub(super) struct Read {
    pub tree: Oid,
    pub parents: Vec<Oid>,
    /// Committer time: the walk's order.
    pub time: i64,
    /// Taken (`None`) once handed on.
    pub meta: Option<Meta>,
}

/// A commit's metadata, or what [`Reader::meta`] makes it from: making it (the message
/// found past a signature, ids in hex, names through the mailmap) is a third of reading a
/// commit, and need not wait on the walk.
pub(super) enum Meta {
    Made(Box<CommitMeta>),
    /// The commit's raw object, parsed once already and found canonical.
    Raw(Oid, Arc<Vec<u8>>),
}

/// Reads commits, raw when it can.
pub(super) struct Reader<'r> {
    repo: &'r Repository,
    objects: Objects<'r>,
    /// A mailmap that may have entries (none when the repository has no mailmap source).
    mailmap: Option<Mailmap>,
    /// Grafts or a shallow boundary: parents are not what the objects say.
    exact: bool,
}

impl<'r> Reader<'r> {
    pub fn new(repo: &'r Repository, packs: Arc<Packs>) -> Result<Reader<'r>> {
        let exact = repo.is_shallow() || repo.commondir().join("info").join("grafts").exists();
        let mailmap = if has_mailmap(repo) {
            repo.mailmap().ok()
        } else {
            None
        };
        Ok(Reader {
            repo,
            objects: Objects::new(repo, packs)?,
            mailmap,
            exact,
        })
    }

    /// What another reader of this repository needs to read it alike: [`Reader::like`].
    pub fn settings(&self) -> (bool, bool) {
        (self.mailmap.is_some(), self.exact)
    }

    /// A reader of the same repository through another handle (for another thread), with
    /// another reader's [`settings`](Self::settings).
    pub fn like(repo: &'r Repository, packs: Arc<Packs>, settings: (bool, bool)) -> Result<Self> {
        let (mailmap, exact) = settings;
        Ok(Reader {
            repo,
            objects: Objects::new(repo, packs)?,
            mailmap: if mailmap { repo.mailmap().ok() } else { None },
            exact,
        })
    }

    /// One commit by id; its metadata is made by [`meta`](Self::meta).
    pub fn read(&self, id: Oid) -> Result<Read> {
        if !self.exact {
            let (kind, data) = self.objects.read(id)?;
            if kind != git2::ObjectType::Commit {
                bail!("object {id} is not a commit");
            }
            if let Some(c) = parse(&data) {
                return Ok(Read {
                    tree: c.tree,
                    time: c.committer_time,
                    parents: c.parents,
                    meta: Some(Meta::Raw(id, data)),
                });
            }
        }
        self.slow(id)
    }

    /// A commit's metadata, author resolved through the mailmap.
    pub fn meta(&self, meta: Meta) -> Result<Box<CommitMeta>> {
        match meta {
            Meta::Made(m) => Ok(m),
            Meta::Raw(id, data) => match self.fast(id, &data) {
                Some(m) => Ok(m),
                None => match self.slow(id)?.meta {
                    Some(Meta::Made(m)) => Ok(m),
                    _ => bail!("commit {id} could not be read"),
                },
            },
        }
    }

    /// The metadata made here if that is quick (what [`meta`](Self::meta) would make
    /// through libgit2 is left as it is).
    pub fn made(&self, meta: Meta) -> Meta {
        match meta {
            Meta::Raw(id, data) => match self.fast(id, &data) {
                Some(m) => Meta::Made(m),
                None => Meta::Raw(id, data),
            },
            made => made,
        }
    }

    fn fast(&self, id: Oid, data: &[u8]) -> Option<Box<CommitMeta>> {
        let c = parse(data)?;
        let (author, email) = match &self.mailmap {
            None => (lossy(c.author.name), lossy(c.author.email)),
            Some(m) => {
                let name = std::str::from_utf8(c.author.name).ok()?;
                let email = std::str::from_utf8(c.author.email).ok()?;
                let time = git2::Time::new(c.author.time, c.author.offset_minutes);
                let raw = git2::Signature::new(name, email, &time).ok()?;
                match m.resolve_signature(&raw) {
                    Ok(s) => (lossy(s.name_bytes()), lossy(s.email_bytes())),
                    Err(_) => (name.to_string(), email.to_string()),
                }
            }
        };
        Some(Box::new(CommitMeta {
            id: hex(id.as_bytes()),
            author,
            email,
            time: c.author.time,
            offset_seconds: c.author.offset_minutes * 60,
            message: lossy(message(data, c.header_end)),
            parents: c.parents.iter().map(|p| hex(p.as_bytes())).collect(),
        }))
    }

    /// Through libgit2's own parse (grafts, odd signatures).
    fn slow(&self, id: Oid) -> Result<Read> {
        let commit = self.repo.find_commit(id)?;
        Ok(Read {
            tree: commit.tree_id(),
            parents: commit.parent_ids().collect(),
            time: commit.committer().when().seconds(),
            meta: Some(Meta::Made(Box::new(super::history::commit_meta(
                &commit,
                self.mailmap.as_ref(),
            )))),
        })
    }
}

/// Whether the repository has anywhere a mailmap could come from (libgit2 reads the work
/// tree's `.mailmap`, `mailmap.blob` — `HEAD:.mailmap` in a bare repository — and
/// `mailmap.file`); without one, resolving every author is skipped.
fn has_mailmap(repo: &Repository) -> bool {
    if repo.is_bare() {
        return true;
    }
    if repo.workdir().is_some_and(|w| w.join(".mailmap").exists()) {
        return true;
    }
    repo.config()
        .is_ok_and(|c| c.get_entry("mailmap.blob").is_ok() || c.get_entry("mailmap.file").is_ok())
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Lowercase hex of an object id.
pub(super) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// A commit's header fields, borrowed from its raw object.
struct Parsed<'a> {
    tree: Oid,
    parents: Vec<Oid>,
    author: Sig<'a>,
    committer_time: i64,
    /// Where the lines after `committer` start.
    header_end: usize,
}

/// A signature as libgit2 parses it (`git_signature__parse`), canonical shape only.
struct Sig<'a> {
    name: &'a [u8],
    email: &'a [u8],
    time: i64,
    offset_minutes: i32,
}

/// Parses a raw commit's header as libgit2 would, or `None` when it is not in the
/// canonical shape (then libgit2 parses it).
fn parse(data: &[u8]) -> Option<Parsed<'_>> {
    let mut rest = data;
    let tree = oid_line(&mut rest, b"tree ")?;
    let mut parents = Vec::with_capacity(1);
    while rest.starts_with(b"parent ") {
        parents.push(oid_line(&mut rest, b"parent ")?);
    }
    let author = sig_line(&mut rest, b"author ")?;
    if rest.starts_with(b"author ") {
        return None;
    }
    let committer = sig_line(&mut rest, b"committer ")?;
    Some(Parsed {
        tree,
        parents,
        author,
        committer_time: committer.time,
        header_end: data.len() - rest.len(),
    })
}

/// The message of a commit whose header lines end at `after`: the header ends at the
/// first empty line; libgit2 keeps the message up to a NUL and without leading newlines.
fn message(data: &[u8], after: usize) -> &[u8] {
    let message = match memchr::memmem::find(&data[after - 1..], b"\n\n") {
        Some(k) => &data[after + k + 1..],
        None => &[][..],
    };
    let message = match memchr::memchr(0, message) {
        Some(nul) => &message[..nul],
        None => message,
    };
    let start = message
        .iter()
        .position(|b| *b != b'\n')
        .unwrap_or(message.len());
    &message[start..]
}

/// `header` followed by 40 hex digits and a newline.
fn oid_line(rest: &mut &[u8], header: &[u8]) -> Option<Oid> {
    let line = rest.strip_prefix(header)?;
    if line.len() < 41 || line[40] != b'\n' {
        return None;
    }
    let hex = std::str::from_utf8(&line[..40]).ok()?;
    let id = Oid::from_str(hex).ok()?;
    *rest = &line[41..];
    Some(id)
}

/// A `header Name <email> secs ±hhmm` line, parsed as `git_signature__parse` does; `None`
/// for any other shape.
fn sig_line<'a>(rest: &mut &'a [u8], header: &[u8]) -> Option<Sig<'a>> {
    let body = rest.strip_prefix(header)?;
    let eol = memchr::memchr(b'\n', body)?;
    let line = &body[..eol];
    *rest = &body[eol + 1..];
    let lt = memchr::memrchr(b'<', line)?;
    let gt = memchr::memrchr(b'>', line)?;
    if gt <= lt {
        return None;
    }
    let name = cstr(trim_crud(&line[..lt]));
    let email = cstr(trim_crud(&line[lt + 1..gt]));
    let (mut time, mut offset_minutes) = (0, 0);
    if gt + 2 < line.len() {
        if line[gt + 1] != b' ' {
            return None;
        }
        let tail = &line[gt + 2..];
        let digits = tail.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || digits > 18 {
            return None;
        }
        time = std::str::from_utf8(&tail[..digits]).ok()?.parse().ok()?;
        let tz = &tail[digits..];
        if !tz.is_empty() {
            offset_minutes = offset(tz)?;
        }
    }
    Some(Sig {
        name,
        email,
        time,
        offset_minutes,
    })
}

/// ` ±hhmm` after the time: minutes east of UTC, 0 when out of range (as libgit2).
fn offset(tz: &[u8]) -> Option<i32> {
    let [b' ', sign @ (b'+' | b'-'), d @ ..] = tz else {
        return None;
    };
    if d.len() != 4 || !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = d.iter().fold(0i32, |n, b| n * 10 + i32::from(b - b'0'));
    let (hours, mins) = (n / 100, n % 100);
    if hours > 14 || mins > 59 {
        return Some(0);
    }
    let minutes = hours * 60 + mins;
    Some(if *sign == b'-' { -minutes } else { minutes })
}

/// libgit2's trimming of names and emails: spaces, controls and `,:;<>"\'` at both ends.
fn trim_crud(mut s: &[u8]) -> &[u8] {
    let crud = |c: u8| c <= 32 || b",:;<>\"\\'".contains(&c);
    while let [first, rest @ ..] = s
        && crud(*first)
    {
        s = rest;
    }
    while let [rest @ .., last] = s
        && crud(*last)
    {
        s = rest;
    }
    s
}

/// Up to the first NUL, as libgit2's C strings end.
fn cstr(s: &[u8]) -> &[u8] {
    memchr::memchr(0, s).map_or(s, |n| &s[..n])
}

/// The commits reachable from `tip` in libgit2's `Sort::TIME` order made topological
/// ([`date_order`]), each read once with
/// `read`. `popped` is told each commit (its slot in the returned reads, its read, its
/// parents' trees and slots) once its parents have been read, in the walk's frontier
/// order, so work on a commit (its changes, its metadata) can start before the walk ends.
/// The tip's slot is 0. Returns the reads and the order (slots, newest first).
pub(super) fn walk(
    tip: Oid,
    mut read: impl FnMut(Oid) -> Result<Read>,
    mut popped: impl FnMut(u32, &mut Read, Vec<Oid>, Vec<u32>),
) -> Result<(Vec<Read>, Vec<u32>)> {
    let mut reads: Vec<Read> = Vec::new();
    let mut slots: HashMap<Oid, u32> = HashMap::new();
    reads.push(read(tip)?);
    slots.insert(tip, 0);
    // libgit2's limit_list: a list kept by committer time, newest first, equal times in
    // the order they were added.
    let mut frontier = BinaryHeap::new();
    let mut seq = 0u64;
    frontier.push((reads[0].time, std::cmp::Reverse(seq), 0u32));
    let mut listed = Vec::new();
    // Each slot's parents' slots, in a row (`parent_at[slot]..parent_at[slot + 1]`).
    let (mut parent_at, mut parent_of) = (vec![0u32; 1], Vec::new());
    while let Some((_, _, slot)) = frontier.pop() {
        for i in 0..reads[slot as usize].parents.len() {
            let pid = reads[slot as usize].parents[i];
            if slots.contains_key(&pid) {
                continue;
            }
            let p = read(pid)?;
            let ps = reads.len() as u32;
            seq += 1;
            frontier.push((p.time, std::cmp::Reverse(seq), ps));
            reads.push(p);
            slots.insert(pid, ps);
        }
        let r = &reads[slot as usize];
        let parent_slots: Vec<u32> = r.parents.iter().map(|p| slots[p]).collect();
        let parents = parent_slots
            .iter()
            .map(|p| reads[*p as usize].tree)
            .collect();
        parent_of.extend_from_slice(&parent_slots);
        parent_at.push(parent_of.len() as u32);
        popped(slot, &mut reads[slot as usize], parents, parent_slots);
        listed.push(slot);
    }
    let by_time = heap_order(&listed, |s| reads[s as usize].time);
    // Slots are popped in `listed` order: the parents of `listed[k]` are row k.
    let mut row = vec![0u32; listed.len()];
    for (k, s) in listed.iter().enumerate() {
        row[*s as usize] = k as u32;
    }
    let parents_of = |s: u32| {
        let k = row[s as usize] as usize;
        &parent_of[parent_at[k] as usize..parent_at[k + 1] as usize]
    };
    Ok((reads, date_order(&by_time, parents_of)))
}

/// `by_time` (a walk's commits, newest first) with no commit after one of its parents, as
/// `git log --date-order` shows them: each commit as early as `by_time` has it once all
/// its children are out. Where committer clocks agree, that is `by_time` itself; where
/// one went backwards, or a series of commits was made in the same second (a rebase), a
/// time order alone would put a parent before its child, and a file's versions out of order.
pub(super) fn date_order<'p>(by_time: &[u32], parents_of: impl Fn(u32) -> &'p [u32]) -> Vec<u32> {
    let n = by_time.len();
    let mut rank = vec![u32::MAX; n];
    for (r, s) in by_time.iter().enumerate() {
        rank[*s as usize] = r as u32;
    }
    // Children of each commit not yet out.
    let mut waiting = vec![0u32; n];
    for s in by_time {
        for p in parents_of(*s) {
            waiting[*p as usize] += 1;
        }
    }
    let mut ready: BinaryHeap<std::cmp::Reverse<u32>> = (by_time.iter())
        .filter(|s| waiting[**s as usize] == 0)
        .map(|s| std::cmp::Reverse(rank[*s as usize]))
        .collect();
    let mut out = Vec::with_capacity(n);
    while let Some(std::cmp::Reverse(r)) = ready.pop() {
        let s = by_time[r as usize];
        out.push(s);
        for p in parents_of(s) {
            let w = &mut waiting[*p as usize];
            *w -= 1;
            if *w == 0 {
                ready.push(std::cmp::Reverse(rank[*p as usize]));
            }
        }
    }
    // A history has no cycles; were one there, the time order stands.
    if out.len() == n {
        out
    } else {
        by_time.to_vec()
    }
}

/// The order libgit2's priority queue (`pqueue.c`) pops `items` in, all inserted first,
/// newest time first: the same heap, so that equal times come out as libgit2's do.
fn heap_order(items: &[u32], time: impl Fn(u32) -> i64) -> Vec<u32> {
    // cmp(a, b) > 0 when a is older than b.
    let older = |a: u32, b: u32| time(a) < time(b);
    let mut heap: Vec<u32> = Vec::with_capacity(items.len());
    for &item in items {
        let mut el = heap.len();
        heap.push(item);
        while el > 0 {
            let parent = heap[(el - 1) >> 1];
            if !older(parent, item) {
                break;
            }
            heap[el] = parent;
            el = (el - 1) >> 1;
        }
        heap[el] = item;
    }
    let mut out = Vec::with_capacity(items.len());
    while !heap.is_empty() {
        out.push(heap[0]);
        let last = heap.pop().unwrap_or_default();
        if heap.is_empty() {
            break;
        }
        let mut el = 0;
        loop {
            let mut kid_el = 2 * el + 1;
            let Some(&kid) = heap.get(kid_el) else { break };
            let mut kid = kid;
            if let Some(&rkid) = heap.get(kid_el + 1)
                && older(kid, rkid)
            {
                kid = rkid;
                kid_el += 1;
            }
            if !older(last, kid) {
                break;
            }
            heap[el] = kid;
            el = kid_el;
        }
        heap[el] = last;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::{Signature, Time};

    /// A commit's metadata is the same made on the walk's thread ([`Reader::made`], when
    /// the other thread is behind) as on the other ([`Reader::meta`]), and as libgit2's
    /// own parse gives it: a signed merge with a long message, through a mailmap.
    #[test]
    fn metadata_made_on_either_thread_is_libgit2s() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        std::fs::write(
            dir.path().join(".mailmap"),
            "Real Name <real@example.com> <old@example.com>\n",
        )
        .unwrap();
        let tree = {
            let mut b = repo.treebuilder(None).unwrap();
            let blob = repo.blob(b"x").unwrap();
            b.insert("f", blob, 0o100644).unwrap();
            repo.find_tree(b.write().unwrap()).unwrap()
        };
        let sig = Signature::new("Old", "old@example.com", &Time::new(1_700_000_000, 120)).unwrap();
        let one = repo.commit(None, &sig, &sig, "one\n", &tree, &[]).unwrap();
        let two = repo.commit(None, &sig, &sig, "two\n", &tree, &[]).unwrap();
        let (one, two) = (
            repo.find_commit(one).unwrap(),
            repo.find_commit(two).unwrap(),
        );
        let buffer = repo
            .commit_create_buffer(
                &sig,
                &sig,
                "Merge\n\nA long body.\n\nSigned-off-by: Old <old@example.com>\n",
                &tree,
                &[&one, &two],
            )
            .unwrap();
        let signed = repo
            .commit_signed(
                std::str::from_utf8(&buffer).unwrap(),
                "-----BEGIN PGP SIGNATURE-----\n\nwsBcBAABCAAQBQJ\n=abcd\n-----END PGP SIGNATURE-----",
                None,
            )
            .unwrap();
        let packs = Packs::of(&repo);
        let reader = Reader::new(&repo, packs).unwrap();
        assert!(reader.settings().0, "the work tree's .mailmap is read");
        for id in [one.id(), signed] {
            let expected = super::super::history::commit_meta(
                &repo.find_commit(id).unwrap(),
                repo.mailmap().ok().as_ref(),
            );
            let on_other = reader.meta(reader.read(id).unwrap().meta.unwrap()).unwrap();
            let raw = reader.read(id).unwrap().meta.unwrap();
            assert!(
                matches!(raw, Meta::Raw(..)),
                "read raw, not through libgit2"
            );
            let made = reader.made(raw);
            assert!(matches!(made, Meta::Made(_)), "made on the walk's thread");
            let on_walk = reader.meta(made).unwrap();
            for m in [&on_other, &on_walk] {
                assert_eq!(
                    (
                        &m.id,
                        &m.author,
                        &m.email,
                        m.time,
                        m.offset_seconds,
                        &m.message,
                        &m.parents
                    ),
                    (
                        &expected.id,
                        &expected.author,
                        &expected.email,
                        expected.time,
                        expected.offset_seconds,
                        &expected.message,
                        &expected.parents
                    )
                );
                assert_eq!(m.author, "Real Name");
            }
        }
    }
}
