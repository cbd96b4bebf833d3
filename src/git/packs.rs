//! Objects read straight from the repository's pack files.
//!
//! libgit2 reads every packed object behind one process-wide lock (its pack windows), so
//! threads that read history and file versions at once mostly wait for each other. Here a
//! pack's index is read once and the pack itself in windows of [`WINDOW`] bytes, shared by
//! every thread; each thread reads through a [`PackReader`] of its own: an index lookup,
//! the object's zlib stream inflated in one call (libdeflate), and the delta chain resolved
//! through a cache of recent bases (walking a history reads each folder's versions in the
//! order git's packing chains them).
//!
//! Only what is certain is read here: version-2 index files of SHA-1 packs. Anything else —
//! a loose object, an object in an alternate repository, an index of another version, a
//! damaged entry — is `None`, and the caller reads it through libgit2 ([`Objects`]).

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::{Arc, Mutex};

use git2::{ObjectType, Odb, Oid};

/// The pack files of one repository.
pub struct Packs {
    packs: Vec<Pack>,
}

struct Pack {
    idx: Vec<u8>,
    file: File,
    /// The pack's length without its trailing checksum.
    len: u64,
    /// Objects in the pack.
    count: usize,
    /// Windows read so far, by number.
    windows: Mutex<HashMap<u64, Arc<Vec<u8>>>>,
}

const IDX_MAGIC: &[u8] = b"\xfftOc";
/// Where the fan-out table starts in a version-2 index.
const FANOUT: usize = 8;
/// The pack is read in windows of this size (objects are packed newest first, commits
/// before trees before blobs, so a walk reads a few windows again and again).
const WINDOW: u64 = 1 << 16;
/// Windows kept per pack; all are dropped when there would be more.
const WINDOWS_KEPT: usize = 2048;

/// Bytes of a pack: a shared window, or a read of their own for what crosses a window.
struct Span {
    bytes: Arc<Vec<u8>>,
    start: usize,
}

impl std::ops::Deref for Span {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[self.start..]
    }
}

impl Pack {
    fn open(idx_path: &Path) -> Option<Pack> {
        let idx = std::fs::read(idx_path).ok()?;
        let file = File::open(idx_path.with_extension("pack")).ok()?;
        let len = file.metadata().ok()?.len().checked_sub(20)?;
        if idx.len() < FANOUT + 256 * 4 || &idx[..4] != IDX_MAGIC || be32(&idx[4..]) != 2 {
            return None;
        }
        let mut head = [0u8; 12];
        read_at(&file, &mut head, 0).ok()?;
        if &head[..4] != b"PACK" {
            return None;
        }
        let count = be32(&idx[FANOUT + 255 * 4..]) as usize;
        // names, CRCs, offsets, then the large offsets and two checksums.
        let least = FANOUT + 256 * 4 + count * (20 + 4 + 4) + 40;
        if idx.len() < least || be32(&head[8..]) as usize != count {
            return None;
        }
        Some(Pack {
            idx,
            file,
            len,
            count,
            windows: Mutex::new(HashMap::new()),
        })
    }

    /// Up to `want` bytes from `offset` (fewer at the end of the pack). `last` is the
    /// caller's window of this pack from its last read: taken again without the lock.
    fn span(
        &self,
        offset: u64,
        want: usize,
        last: &mut Option<(u64, Arc<Vec<u8>>)>,
    ) -> Option<Span> {
        if offset >= self.len {
            return None;
        }
        let want = (want as u64).min(self.len - offset);
        let n = offset / WINDOW;
        if offset + want > (n + 1) * WINDOW {
            let mut own = vec![0u8; usize::try_from(want).ok()?];
            read_at(&self.file, &mut own, offset).ok()?;
            return Some(Span {
                bytes: Arc::new(own),
                start: 0,
            });
        }
        let start = (offset - n * WINDOW) as usize;
        if let Some((at, w)) = last
            && *at == n
        {
            return Some(Span {
                bytes: w.clone(),
                start,
            });
        }
        if let Some(w) = self.windows.lock().ok()?.get(&n) {
            *last = Some((n, w.clone()));
            return Some(Span {
                bytes: w.clone(),
                start,
            });
        }
        let mut bytes = vec![0u8; (WINDOW.min(self.len - n * WINDOW)) as usize];
        read_at(&self.file, &mut bytes, n * WINDOW).ok()?;
        let bytes = Arc::new(bytes);
        let mut windows = self.windows.lock().ok()?;
        if windows.len() >= WINDOWS_KEPT {
            windows.clear();
        }
        windows.insert(n, bytes.clone());
        *last = Some((n, bytes.clone()));
        Some(Span { bytes, start })
    }

    /// Where the object is in this pack.
    fn find(&self, id: &[u8]) -> Option<u64> {
        let first = id[0] as usize;
        let lo = if first == 0 {
            0
        } else {
            be32(&self.idx[FANOUT + (first - 1) * 4..]) as usize
        };
        let hi = be32(&self.idx[FANOUT + first * 4..]) as usize;
        let names = FANOUT + 256 * 4;
        let (mut lo, mut hi) = (lo, hi.min(self.count));
        // Ids compared by their first eight bytes as a number, then by the rest.
        let key = u64::from_be_bytes(id[..8].try_into().ok()?);
        let prefix = |n: usize| {
            let at = names + n * 20;
            u64::from_be_bytes(self.idx[at..at + 8].try_into().unwrap_or_default())
        };
        let cmp = |n: usize| {
            let at = names + n * 20;
            (prefix(n).cmp(&key)).then_with(|| self.idx[at + 8..at + 20].cmp(&id[8..20]))
        };
        // Ids are uniformly spread: a guess where the id would lie between the bounds' ids
        // lands a few entries from it (the square root of the range's size, on average),
        // and a step at a time from there reads neighbouring entries, mostly from the
        // same cache lines, where halving the range would miss the cache at each step.
        if hi - lo >= 16 {
            let (low, high) = (prefix(lo), prefix(hi - 1));
            if low < key && key < high {
                let span = u128::from(high - low);
                let guess = lo + ((u128::from(key - low) * (hi - 1 - lo) as u128) / span) as usize;
                let mut n = guess;
                for _ in 0..64 {
                    match cmp(n) {
                        std::cmp::Ordering::Equal => return self.offset(n),
                        std::cmp::Ordering::Less if n + 1 < hi => {
                            lo = n + 1;
                            n += 1;
                        }
                        std::cmp::Ordering::Greater if n > lo => {
                            hi = n;
                            n -= 1;
                        }
                        // Past the end of the range without finding it.
                        _ => return None,
                    }
                    // Both sides seen: it is not here.
                    if lo >= hi {
                        return None;
                    }
                }
            }
        }
        while lo < hi {
            let mid = (lo + hi) / 2;
            match cmp(mid) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return self.offset(mid),
            }
        }
        None
    }

    fn offset(&self, n: usize) -> Option<u64> {
        let offsets = FANOUT + 256 * 4 + self.count * 24;
        let small = be32(&self.idx[offsets + n * 4..]);
        if small & 0x8000_0000 == 0 {
            return Some(u64::from(small));
        }
        let large = offsets + self.count * 4 + (small & 0x7fff_ffff) as usize * 8;
        let bytes = self.idx.get(large..large + 8)?;
        Some(u64::from_be_bytes(bytes.try_into().ok()?))
    }
}

/// Fills `buf` from `offset` of `file`, leaving the file's position alone (threads share it).
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut std::mem::take(&mut buf)[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

/// Elsewhere packs are read through libgit2.
#[cfg(not(any(unix, windows)))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// The most bytes zlib makes of `size` bytes (stored blocks of at most 65,535 bytes, five
/// bytes of header each, plus the stream's header and checksum).
fn deflated_bound(size: usize) -> usize {
    size + 5 * (size / 16_000 + 1) + 16
}

impl Packs {
    /// The packs under `objects/pack` of a repository's object folder (none when it has
    /// none or they cannot be read).
    pub fn open(objects: &Path) -> Packs {
        let mut packs = Vec::new();
        if let Ok(dir) = std::fs::read_dir(objects.join("pack")) {
            let mut idx: Vec<_> = dir
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "idx"))
                .collect();
            idx.sort();
            packs.extend(idx.iter().filter_map(|p| Pack::open(p)));
        }
        // The largest pack first: it holds most of what is asked for.
        packs.sort_by_key(|p| std::cmp::Reverse(p.count));
        Packs { packs }
    }

    /// The packs of `repo` (shared by every reader of one build); none for a repository
    /// whose object ids are not SHA-1 (its index files hold longer ids).
    pub fn of(repo: &git2::Repository) -> Arc<Packs> {
        let format = (repo.config().ok())
            .and_then(|c| c.get_string("extensions.objectformat").ok())
            .unwrap_or_else(|| "sha1".into());
        if !format.eq_ignore_ascii_case("sha1") {
            return Arc::new(Packs { packs: Vec::new() });
        }
        Arc::new(Packs::open(&repo.commondir().join("objects")))
    }

    fn find(&self, id: &[u8]) -> Option<(usize, u64)> {
        (self.packs.iter().enumerate()).find_map(|(i, p)| Some((i, p.find(id)?)))
    }
}

/// Reads objects from [`Packs`] on one thread.
pub struct PackReader {
    packs: Arc<Packs>,
    /// Objects recently rebuilt from deltas, or that deltas were built on, by (pack,
    /// offset); cleared when it holds more than [`CACHE_BYTES`].
    cache: HashMap<(usize, u64), Object>,
    cached: usize,
    z: libdeflater::Decompressor,
    /// The window of each pack this reader read last.
    last: Vec<Option<(u64, Arc<Vec<u8>>)>>,
}

const CACHE_BYTES: usize = 24 << 20;
/// Delta chains longer than this are read through libgit2.
const MAX_DEPTH: usize = 10_000;
/// Objects (and deltas) said to be bigger than this are read through libgit2: a damaged
/// or hostile size is never allocated here.
const MAX_OBJECT: usize = 1 << 30;

/// One pack entry, inflated.
enum Entry {
    Whole(ObjectType, Vec<u8>),
    /// Where the base is (pack, offset), and the delta.
    Delta((usize, u64), Vec<u8>),
}

/// An object's type and bytes.
///
/// (An `Arc<Vec<u8>>` rather than `Arc<[u8]>`: made from a vector without copying it.)
pub type Object = (ObjectType, Arc<Vec<u8>>);

impl PackReader {
    pub fn new(packs: Arc<Packs>) -> PackReader {
        PackReader {
            packs,
            cache: HashMap::new(),
            cached: 0,
            z: libdeflater::Decompressor::new(),
            last: Vec::new(),
        }
    }

    /// The object, when it is in a pack and reads cleanly.
    pub fn read(&mut self, id: Oid) -> Option<Object> {
        let (pack, offset) = self.packs.find(id.as_bytes())?;
        self.at(pack, offset)
    }

    /// The object at `offset` of a pack: its chain of deltas followed down to a whole
    /// object (or one in the cache), then applied back up, remembering each base. A loop,
    /// not a recursion: a long chain costs no stack.
    fn at(&mut self, pack: usize, offset: u64) -> Option<Object> {
        let mut chain: Vec<((usize, u64), Vec<u8>)> = Vec::new();
        let mut key = (pack, offset);
        let (kind, mut bytes) = loop {
            if let Some(hit) = self.cache.get(&key) {
                break hit.clone();
            }
            // Longer chains than git writes (50 by default, at most 4,095) are damage, or
            // a cycle; libgit2 is asked instead.
            if chain.len() > MAX_DEPTH {
                return None;
            }
            match self.entry(key.0, key.1)? {
                Entry::Whole(kind, data) => break (kind, Arc::new(data)),
                Entry::Delta(base, delta) => {
                    chain.push((key, delta));
                    key = base;
                }
            }
        };
        // `key` names `bytes`, the base of the innermost delta.
        while let Some((outer, delta)) = chain.pop() {
            let out = Arc::new(apply(&bytes, &delta)?);
            self.remember(key, (kind, bytes));
            (key, bytes) = (outer, out);
        }
        Some((kind, bytes))
    }

    /// One entry of a pack: a whole object, or a delta and where its base is.
    fn entry(&mut self, pack: usize, offset: u64) -> Option<Entry> {
        let packs = self.packs.clone();
        let p = &packs.packs[pack];
        if self.last.len() <= pack {
            self.last.resize(pack + 1, None);
        }
        // The entry's header: type and size, then a delta's base (at most 32 bytes).
        let head = p.span(offset, 32, &mut self.last[pack])?;
        let mut at = 0;
        let mut byte = *head.get(at)?;
        at += 1;
        let kind = (byte >> 4) & 7;
        let mut size = u64::from(byte & 15);
        let mut shift = 4;
        while byte & 0x80 != 0 {
            byte = *head.get(at)?;
            at += 1;
            if shift > 57 {
                return None;
            }
            size |= u64::from(byte & 0x7f) << shift;
            shift += 7;
        }
        let size = usize::try_from(size).ok().filter(|n| *n <= MAX_OBJECT)?;
        let base = match kind {
            1..=4 => None,
            6 => {
                let mut byte = *head.get(at)?;
                at += 1;
                let mut back = u64::from(byte & 0x7f);
                while byte & 0x80 != 0 {
                    byte = *head.get(at)?;
                    at += 1;
                    back = back.checked_add(1)?.checked_mul(128)? | u64::from(byte & 0x7f);
                }
                Some((pack, offset.checked_sub(back)?))
            }
            7 => {
                let base = head.get(at..at + 20)?;
                at += 20;
                Some(packs.find(base)?)
            }
            _ => return None,
        };
        let body = if at + deflated_bound(size) <= head.len() {
            head
        } else {
            drop(head);
            p.span(offset, at + deflated_bound(size), &mut self.last[pack])?
        };
        let inflated = self.inflate(body.get(at..)?, size)?;
        Some(match base {
            None => Entry::Whole(
                match kind {
                    1 => ObjectType::Commit,
                    2 => ObjectType::Tree,
                    3 => ObjectType::Blob,
                    _ => ObjectType::Tag,
                },
                inflated,
            ),
            Some(base) => Entry::Delta(base, inflated),
        })
    }

    fn remember(&mut self, key: (usize, u64), value: Object) {
        if self.cache.contains_key(&key) {
            return;
        }
        if self.cached + value.1.len() > CACHE_BYTES {
            self.cache.clear();
            self.cached = 0;
        }
        self.cached += value.1.len();
        self.cache.insert(key, value);
    }

    /// Exactly `size` bytes inflated from the zlib stream at the start of `input` (what
    /// follows the stream is not read). The whole stream is in `input`, so it is inflated
    /// in one call, with no state carried between calls and no window copied.
    fn inflate(&mut self, input: &[u8], size: usize) -> Option<Vec<u8>> {
        let mut out = vec![0u8; size];
        // A stream that would make more than `size` bytes fails for want of space.
        let n = self.z.zlib_decompress(input, &mut out).ok()?;
        (n == size).then_some(out)
    }
}

/// `base` with a git delta applied.
fn apply(base: &[u8], delta: &[u8]) -> Option<Vec<u8>> {
    let mut at = 0;
    let mut size = || -> Option<usize> {
        let (mut n, mut shift) = (0usize, 0);
        loop {
            let b = *delta.get(at)?;
            at += 1;
            n |= usize::from(b & 0x7f).checked_shl(shift)?;
            shift += 7;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
    };
    let (from, to) = (size()?, size()?);
    if from != base.len() || to > MAX_OBJECT {
        return None;
    }
    let mut out = Vec::with_capacity(to);
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 != 0 {
            let (mut offset, mut len) = (0usize, 0usize);
            for i in 0..4 {
                if op & (1 << i) != 0 {
                    offset |= usize::from(*delta.get(at)?) << (8 * i);
                    at += 1;
                }
            }
            for i in 0..3 {
                if op & (0x10 << i) != 0 {
                    len |= usize::from(*delta.get(at)?) << (8 * i);
                    at += 1;
                }
            }
            if len == 0 {
                len = 0x10000;
            }
            if out.len() + len > to {
                return None;
            }
            out.extend_from_slice(base.get(offset..offset.checked_add(len)?)?);
        } else if op != 0 {
            let n = usize::from(op);
            if out.len() + n > to {
                return None;
            }
            out.extend_from_slice(delta.get(at..at + n)?);
            at += n;
        } else {
            return None;
        }
    }
    (out.len() == to).then_some(out)
}

/// Objects of one repository for one thread: from the packs when they are there, through
/// libgit2 otherwise (loose objects, alternates, anything the pack reader does not read).
pub struct Objects<'r> {
    packs: std::cell::RefCell<PackReader>,
    odb: Odb<'r>,
}

impl<'r> Objects<'r> {
    pub fn new(repo: &'r git2::Repository, packs: Arc<Packs>) -> Result<Objects<'r>, git2::Error> {
        Ok(Objects {
            packs: std::cell::RefCell::new(PackReader::new(packs)),
            odb: repo.odb()?,
        })
    }

    /// The object's type and bytes.
    pub fn read(&self, id: Oid) -> Result<Object, git2::Error> {
        if let Some(o) = self.packs.borrow_mut().read(id) {
            return Ok(o);
        }
        let o = self.odb.read(id)?;
        Ok((o.kind(), Arc::new(o.data().to_vec())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every object of `repo` that is in a pack reads as libgit2 reads it; returns how
    /// many were read from packs, and how many of those were stored as deltas.
    fn compare(repo: &git2::Repository) -> (usize, usize) {
        let packs = Packs::of(repo);
        let mut reader = PackReader::new(packs.clone());
        let odb = repo.odb().unwrap();
        let mut ids = Vec::new();
        odb.foreach(|id| {
            ids.push(*id);
            true
        })
        .unwrap();
        // Loose and packed copies are listed each.
        ids.sort();
        ids.dedup();
        let (mut read, mut deltas) = (0, 0);
        for id in ids {
            let Some((pack, offset)) = packs.find(id.as_bytes()) else {
                continue;
            };
            let theirs = odb.read(id).unwrap();
            let (kind, ours) = reader.read(id).expect("a packed object reads");
            assert_eq!((kind, &ours[..]), (theirs.kind(), theirs.data()), "{id}");
            let head = packs.packs[pack].span(offset, 1, &mut None).unwrap();
            deltas += usize::from((head[0] >> 4) & 7 >= 6);
            read += 1;
        }
        (read, deltas)
    }

    #[test]
    fn packed_objects_read_as_libgit2_reads_them_deltas_included() {
        let dir = std::env::temp_dir().join(format!("vitrine-packs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let repo = git2::Repository::init(&dir).unwrap();
        let sig =
            git2::Signature::new("a", "a@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
        let mut parent: Option<Oid> = None;
        let mut files = std::collections::BTreeMap::new();
        for step in 0..60u32 {
            // A folder of many files where one changes per commit: trees and blobs that
            // differ a little from the last version, which the packer stores as deltas.
            let body: String = (0..200)
                .map(|l| format!("line {l} of {}\n", step / 7))
                .collect();
            files.insert(
                format!("notes/{:03}.md", step % 17),
                format!("{body}{step}\n"),
            );
            files.insert("big.bin".to_string(), "x".repeat(70_000 + step as usize));
            // Text that does not compress below a window: objects that cross windows.
            if step % 20 == 0 {
                let mut x = u64::from(step) + 1;
                let noise: String = (0..300_000)
                    .map(|_| {
                        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                        char::from(b'a' + (x >> 59) as u8 % 26)
                    })
                    .collect();
                files.insert(format!("noise{step}.txt"), noise);
            }
            let tree = super::super::tree_from_files(
                &repo,
                files.iter().map(|(p, t)| (p.as_str(), t.as_bytes())),
            )
            .unwrap();
            let tree = repo.find_tree(tree).unwrap();
            let parents: Vec<git2::Commit<'_>> = parent
                .iter()
                .map(|p| repo.find_commit(*p).unwrap())
                .collect();
            let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
            parent = Some(
                repo.commit(Some("HEAD"), &sig, &sig, &format!("c{step}"), &tree, &refs)
                    .unwrap(),
            );
        }
        let mut pb = repo.packbuilder().unwrap();
        let mut walk = repo.revwalk().unwrap();
        walk.push_head().unwrap();
        pb.insert_walk(&mut walk).unwrap();
        pb.write(&dir.join(".git/objects/pack"), 0o644).unwrap();
        let (read, deltas) = compare(&repo);
        let pack_len = std::fs::read_dir(dir.join(".git/objects/pack"))
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "pack"))
            .map(|e| e.metadata().unwrap().len())
            .sum::<u64>();
        assert!(
            pack_len > 3 * WINDOW,
            "a pack of {pack_len} bytes spans windows"
        );
        // 60 commits, 60 root and 60 `notes` trees, 60 + 60 blobs; some shared.
        assert!(read >= 250, "{read} objects read from the pack");
        assert!(deltas >= 50, "{deltas} of them deltas");
        // Nothing is read from a pack that is not one.
        assert!(
            PackReader::new(Packs::of(&repo))
                .read(Oid::ZERO_SHA1)
                .is_none()
        );

        // libgit2 writes deltas that name their base by id; git writes them by offset
        // back in the pack, as this pack does: each object a delta of the last object of
        // its type, so chains are as long as the history and offsets span many bytes.
        std::fs::remove_dir_all(dir.join(".git/objects/pack")).unwrap();
        std::fs::create_dir(dir.join(".git/objects/pack")).unwrap();
        let odb = repo.odb().unwrap();
        let mut objects = Vec::new();
        odb.foreach(|id| {
            let o = odb.read(*id).unwrap();
            objects.push((*id, o.kind(), o.data().to_vec()));
            true
        })
        .unwrap();
        objects.sort_by_key(|(id, kind, _)| (kind.raw(), *id));
        objects.dedup_by_key(|(id, ..)| *id);
        write_offset_delta_pack(&dir.join(".git/objects/pack/pack-test"), &objects);
        let (read, deltas) = compare(&repo);
        assert_eq!(read, objects.len());
        assert_eq!(deltas, objects.len() - 3, "all but the first of each type");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A pack and its version-2 index at `stem` (`.pack`, `.idx`): each object after the
    /// first of its type a delta, by offset, of the one before it (its common prefix
    /// copied, the rest inserted).
    fn write_offset_delta_pack(stem: &Path, objects: &[(Oid, ObjectType, Vec<u8>)]) {
        let varint = |out: &mut Vec<u8>, mut n: usize| {
            loop {
                let b = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    out.push(b);
                    break;
                }
                out.push(b | 0x80);
            }
        };
        let zip = |bytes: &[u8]| {
            let mut z = libdeflater::Compressor::new(libdeflater::CompressionLvl::fastest());
            let mut out = vec![0; z.zlib_compress_bound(bytes.len())];
            let n = z.zlib_compress(bytes, &mut out).unwrap();
            out.truncate(n);
            out
        };
        let mut pack = b"PACK\0\0\0\x02".to_vec();
        pack.extend((objects.len() as u32).to_be_bytes());
        let mut offsets = Vec::new();
        let mut last: Option<(ObjectType, u64, &[u8])> = None;
        for (id, kind, data) in objects {
            let at = pack.len() as u64;
            let base = last.filter(|(k, ..)| k == kind);
            let (type_bits, body) = match base {
                None => (kind.raw() as u8, data.clone()),
                Some((_, _, b)) => {
                    let mut delta = Vec::new();
                    varint(&mut delta, b.len());
                    varint(&mut delta, data.len());
                    let common = b.iter().zip(data).take_while(|(x, y)| x == y).count();
                    let mut done = 0;
                    while done < common {
                        let n = (common - done).min(0xffff);
                        // Copy: four offset bytes, two size bytes.
                        delta.push(0x80 | 0x0f | 0x30);
                        delta.extend((done as u32).to_le_bytes());
                        delta.extend(&(n as u32).to_le_bytes()[..2]);
                        done += n;
                    }
                    for chunk in data[common..].chunks(127) {
                        delta.push(chunk.len() as u8);
                        delta.extend(chunk);
                    }
                    (6, delta)
                }
            };
            let n = body.len();
            let more = if n >> 4 > 0 { 0x80 } else { 0 };
            pack.push(more | (type_bits << 4) | (n & 15) as u8);
            if n >> 4 > 0 {
                varint(&mut pack, n >> 4);
            }
            if let Some((_, base_at, _)) = base {
                let mut back = at - base_at;
                let mut enc = vec![(back & 0x7f) as u8];
                back >>= 7;
                while back > 0 {
                    back -= 1;
                    enc.push(0x80 | (back & 0x7f) as u8);
                    back >>= 7;
                }
                enc.reverse();
                pack.extend(enc);
            }
            pack.extend(zip(&body));
            offsets.push((*id, at));
            last = Some((*kind, at, data));
        }
        pack.extend([0u8; 20]);
        std::fs::write(stem.with_extension("pack"), pack).unwrap();
        write_index(&stem.with_extension("idx"), offsets);
    }

    /// A version-2 pack index of objects at offsets (small offsets, no checksums).
    fn write_index(path: &Path, mut offsets: Vec<(Oid, u64)>) {
        offsets.sort();
        let mut idx = b"\xfftOc\0\0\0\x02".to_vec();
        for b in 0..256usize {
            let n = (offsets.iter())
                .filter(|(id, _)| (id.as_bytes()[0] as usize) <= b)
                .count();
            idx.extend((n as u32).to_be_bytes());
        }
        offsets.iter().for_each(|(id, _)| idx.extend(id.as_bytes()));
        offsets.iter().for_each(|_| idx.extend([0u8; 4]));
        (offsets.iter()).for_each(|(_, at)| idx.extend((*at as u32).to_be_bytes()));
        idx.extend([0u8; 40]);
        std::fs::write(path, idx).unwrap();
    }

    /// Every id of a big index is found at its offset, and ids next to them are not: in a
    /// crowded fan-out bucket (the search guesses, then steps), near both ends of a
    /// bucket, and in sparse ones (halving).
    #[test]
    fn ids_are_found_in_crowded_and_sparse_index_buckets() {
        let dir = tempfile::tempdir().unwrap();
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut ids: Vec<(Oid, u64)> = Vec::new();
        for n in 0..6000u64 {
            let mut b = [0u8; 20];
            for chunk in b.chunks_mut(8) {
                let r = next().to_be_bytes();
                chunk.copy_from_slice(&r[..chunk.len()]);
            }
            // Most in two buckets, some everywhere else.
            b[0] = match n % 10 {
                0..=5 => 0x42,
                6..=8 => 0xff,
                _ => b[0],
            };
            ids.push((Oid::from_bytes(&b).unwrap(), 12 + n * 7));
        }
        let stem = dir.path().join("pack").join("pack-test");
        std::fs::create_dir_all(stem.parent().unwrap()).unwrap();
        write_index(&stem.with_extension("idx"), ids.clone());
        let mut pack = b"PACK\0\0\0\x02".to_vec();
        pack.extend((ids.len() as u32).to_be_bytes());
        pack.extend([0u8; 20]);
        std::fs::write(stem.with_extension("pack"), pack).unwrap();
        let packs = Packs::open(dir.path());
        assert_eq!(packs.packs.len(), 1);
        let p = &packs.packs[0];
        for (id, at) in &ids {
            assert_eq!(p.find(id.as_bytes()), Some(*at), "{id}");
            for flip in [19usize, 10, 1] {
                let mut near = id.as_bytes().to_vec();
                near[flip] ^= 1;
                if !ids.iter().any(|(i, _)| i.as_bytes() == near.as_slice()) {
                    assert_eq!(p.find(&near), None, "{id} with byte {flip} changed");
                }
            }
        }
        for edge in [[0x42u8; 20], [0u8; 20], [0xff; 20]] {
            assert_eq!(p.find(&edge), None);
        }
    }

    /// Damaged or hostile entries read as nothing (the caller then asks libgit2, which
    /// reports them), never as a panic, an endless loop or a huge allocation.
    #[test]
    fn damaged_entries_are_not_read() {
        let dir = std::env::temp_dir().join(format!("vitrine-hostile-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("pack")).unwrap();
        let zip = |bytes: &[u8]| {
            let mut z = libdeflater::Compressor::new(libdeflater::CompressionLvl::fastest());
            let mut out = vec![0; z.zlib_compress_bound(bytes.len())];
            let n = z.zlib_compress(bytes, &mut out).unwrap();
            out.truncate(n);
            out
        };
        let id = |n: u8| Oid::from_bytes(&[n; 20]).unwrap();
        // (id, entry bytes)
        let mut entries: Vec<(Oid, Vec<u8>)> = Vec::new();
        // A blob said to be 2^40 bytes.
        let mut huge = vec![0x80 | (3 << 4), 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10];
        huge.extend(zip(b"x"));
        entries.push((id(1), huge));
        // A delta whose base is itself (offset 0 back).
        let mut own = vec![(6 << 4) | 4, 0];
        own.extend(zip(&[1, 1, 0x91, 0, 1]));
        entries.push((id(2), own));
        // Two deltas that name each other as their base.
        for (me, other) in [(3u8, 4u8), (4, 3)] {
            let mut e = vec![(7 << 4) | 3];
            e.extend([other; 20]);
            e.extend(zip(&[1, 1, 1]));
            entries.push((id(me), e));
        }
        // A blob of 100 bytes with 3 in its stream.
        let mut short = vec![0x80 | (3 << 4) | 4, 6];
        short.extend(zip(b"abc"));
        entries.push((id(5), short));
        // A delta of the 1-byte blob below that copies 16 bytes of it.
        let mut tiny = vec![(3 << 4) | 1];
        tiny.extend(zip(b"t"));
        entries.push((id(6), tiny));
        let mut over = vec![(7 << 4) | 5];
        over.extend([6u8; 20]);
        over.extend(zip(&[1, 16, 0x90, 16]));
        entries.push((id(7), over));

        let mut pack = b"PACK\0\0\0\x02".to_vec();
        pack.extend((entries.len() as u32).to_be_bytes());
        let mut offsets = Vec::new();
        for (oid, bytes) in &entries {
            offsets.push((*oid, pack.len() as u64));
            pack.extend(bytes);
        }
        pack.extend([0u8; 20]);
        std::fs::write(dir.join("pack/pack-x.pack"), pack).unwrap();
        write_index(&dir.join("pack/pack-x.idx"), offsets);

        let packs = Arc::new(Packs::open(&dir));
        let mut reader = PackReader::new(packs.clone());
        for n in [1, 2, 3, 4, 5, 7] {
            assert!(
                packs.find(id(n).as_bytes()).is_some(),
                "{n} is in the index"
            );
            assert!(reader.read(id(n)).is_none(), "entry {n} is not read");
        }
        // The sound entry next to them reads.
        assert_eq!(&reader.read(id(6)).unwrap().1[..], b"t");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A repository of SHA-256 ids has index files this reader would misread: it reads
    /// none of its packs.
    #[test]
    fn packs_of_another_object_format_are_not_read() {
        let dir = std::env::temp_dir().join(format!("vitrine-sha256-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let repo = git2::Repository::init(&dir).unwrap();
        let sig = git2::Signature::new("a", "a@example.com", &git2::Time::new(0, 0)).unwrap();
        let tree = super::super::tree_from_files(&repo, [("a.md", &b"a"[..])]).unwrap();
        let tree = repo.find_tree(tree).unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "c", &tree, &[])
            .unwrap();
        let mut pb = repo.packbuilder().unwrap();
        let mut walk = repo.revwalk().unwrap();
        walk.push_head().unwrap();
        pb.insert_walk(&mut walk).unwrap();
        pb.write(&dir.join(".git/objects/pack"), 0o644).unwrap();
        assert_eq!(Packs::of(&repo).packs.len(), 1);
        let mut config = repo.config().unwrap();
        config.set_str("extensions.objectformat", "sha256").unwrap();
        assert!(Packs::of(&repo).packs.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// `VITRINE_PACKCHECK=/path/to/repo cargo test --release packcheck -- --ignored`:
    /// the same over a real repository.
    #[test]
    #[ignore]
    fn packcheck() {
        let path = std::env::var("VITRINE_PACKCHECK").expect("VITRINE_PACKCHECK");
        let repo = git2::Repository::open(path).unwrap();
        let (read, deltas) = compare(&repo);
        eprintln!("{read} objects, {deltas} deltas: all equal");
    }
}
