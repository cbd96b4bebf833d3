//! The build cache: what the last build into one output folder was made from, kept beside
//! the history cache under `.git/vitrine/`, so that the next build renders only the pages
//! whose input changed and carries the others over from the output folder.
//!
//! Every output file has a record of what decided its bytes. A page has two fingerprints:
//! its *input*, everything its template receives (its own view, the site view with the
//! per-build values as placeholders, the charts, its path and title) and everything that
//! renders it (this binary, the theme files, the language, the config); and its *output*,
//! that input plus the text spliced in for the per-build values (`render::splice`) and
//! the keys it was sealed with. Any other file's fingerprint is of its bytes.
//!
//! A page whose output fingerprint is the one recorded is byte-identical to the file in
//! the output folder and is linked from there; one whose input alone is the same is that
//! file with this build's values spliced in at the recorded places. The cache also records
//! a key of the whole build (revision, tags, `.mailmap`, options, binary): when that is
//! unchanged, nothing is rendered or written at all.
//!
//! The cache names the output it describes by an id that the output's marker also holds:
//! an output folder changed by anything else (another build, another audience, a user who
//! removed a file) is not trusted. The file is a header line (format, length and checksum
//! of the rest) and JSON; anything that does not match is discarded and the build runs
//! cold.

use std::collections::BTreeMap;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use siphasher::sip128::{Hasher128, SipHasher13};

/// Bumped whenever what a fingerprint covers or what the cache holds changes (3: the
/// shared cache file header, `crate::cachefile`; 4: its checksum is SipHash).
const FORMAT: u32 = 4;

/// A 128-bit digest (SipHash-1-3, fixed keys: the same input gives the same value in
/// every process and every version of Rust).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub u128);

impl Fingerprint {
    /// The fingerprint of `value` serialised as JSON, without building the JSON text.
    pub fn of(value: &impl Serialize) -> Fingerprint {
        let mut h = Fingerprinter::default();
        h.json(value);
        h.finish()
    }

    /// The fingerprint of some bytes.
    pub fn of_bytes(bytes: &[u8]) -> Fingerprint {
        let mut h = Fingerprinter::default();
        h.bytes(bytes);
        h.finish()
    }

    /// Lowercase hex, 32 digits.
    pub fn hex(self) -> String {
        format!("{:032x}", self.0)
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        u128::from_str_radix(&s, 16)
            .map(Fingerprint)
            .map_err(serde::de::Error::custom)
    }
}

/// Feeds values into one fingerprint. Each part is length-prefixed, so that `("ab", "c")`
/// and `("a", "bc")` differ.
#[derive(Default)]
pub struct Fingerprinter(SipHasher13);

impl Fingerprinter {
    /// Adds some bytes.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.write_u64(bytes.len() as u64);
        self.0.write(bytes);
        self
    }

    /// Adds a value serialised as JSON (streamed into the hash).
    pub fn json(&mut self, value: &impl Serialize) -> &mut Self {
        // serde_json writes a value in pieces of a few bytes; they go into the hash in
        // blocks (the hash reads its input as one stream, however it is cut).
        let mut w = std::io::BufWriter::with_capacity(8192, Stream(&mut self.0));
        // Writing into a hasher cannot fail; a value that cannot be serialised is marked,
        // so it never matches a value that can.
        let ok = serde_json::to_writer(&mut w, value).is_ok();
        drop(w);
        if !ok {
            self.0.write(b"\0unserialisable");
        }
        self.0.write_u8(0xff);
        self
    }

    /// Adds an earlier fingerprint.
    pub fn fingerprint(&mut self, f: Fingerprint) -> &mut Self {
        self.0.write_u128(f.0);
        self
    }

    pub fn finish(&self) -> Fingerprint {
        Fingerprint(self.0.finish128().as_u128())
    }
}

struct Stream<'a>(&'a mut SipHasher13);

impl std::io::Write for Stream<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// This binary: its version, and the size and time of its executable, so that a rebuilt
/// vitrine (another embedded theme, other templates or views) never trusts an old cache.
pub fn binary() -> Fingerprint {
    static ONCE: std::sync::OnceLock<Fingerprint> = std::sync::OnceLock::new();
    *ONCE.get_or_init(|| {
        let exe = std::env::current_exe().and_then(std::fs::metadata).ok();
        let size = exe.as_ref().map(std::fs::Metadata::len);
        let time = exe
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos());
        let mut h = Fingerprinter::default();
        h.bytes(env!("CARGO_PKG_VERSION").as_bytes())
            .json(&(FORMAT, size, time));
        h.finish()
    })
}

/// What one build wrote into one output folder.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BuildCache {
    /// The whole build's input: when the next build's key is the same, nothing changed.
    pub key: Option<Fingerprint>,
    /// The id written into the output's marker by that build.
    pub output: String,
    /// Every file written, by path.
    pub files: BTreeMap<String, FileRecord>,
    /// The text each per-build value (see `render::splice`) was spliced in as, by name.
    pub spliced: BTreeMap<String, String>,
    /// What the leak guard searched for: when it is the same, a page carried over
    /// unchanged was already searched for the same things.
    pub guard: Option<Fingerprint>,
    /// How many HTML pages there were (for the summary of a build that changed nothing).
    pub pages: usize,
    /// The commit built.
    pub revision: Option<String>,
    /// The warnings of that build, shown again by a build that changed nothing.
    pub warnings: Vec<crate::diag::Diagnostic>,
}

/// What decided one output file's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// The file's bytes as written: for a page, its template input, the values spliced
    /// into it and the sealing; for any other file, its bytes.
    pub output: Fingerprint,
    /// A page's template input (per-build values as placeholders), if it is a page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Fingerprint>,
    /// Where per-build values were spliced into the page: byte offset and value name, in
    /// order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holes: Vec<(u32, String)>,
}

/// Where the cache of the output folder `out` (absolute) for the site root `prefix` lives
/// in the git directory `git_dir`.
pub fn path(git_dir: &Path, prefix: &str, out: &Path) -> PathBuf {
    let mut h = Fingerprinter::default();
    h.bytes(prefix.as_bytes())
        .bytes(out.to_string_lossy().as_bytes());
    let name = h.finish().hex();
    git_dir
        .join("vitrine")
        .join(format!("build-{}.json", &name[..16]))
}

/// Where the output before last of the output folder `out` is kept, to be rewritten in
/// place by the next build (see `output::write_reusing`).
pub fn spare_path(git_dir: &Path, prefix: &str, out: &Path) -> PathBuf {
    let file = path(git_dir, prefix, out);
    let name = file
        .file_stem()
        .map(|s| s.to_string_lossy().replace("build-", "spare-"));
    file.with_file_name(name.unwrap_or_else(|| "spare".into()))
}

/// Where the parsed versions and rendered Markdown of the site root `prefix` are kept
/// between builds (see `pipeline::Memo::load`).
pub fn memo_path(git_dir: &Path, prefix: &str) -> PathBuf {
    let name = Fingerprint::of_bytes(prefix.as_bytes()).hex();
    git_dir
        .join("vitrine")
        .join(format!("memo-{}.json", &name[..16]))
}

/// Reads a cache file: `Ok(None)` when there is none, `Err` saying why one was not trusted.
pub fn load(file: &Path) -> Result<Option<BuildCache>, String> {
    crate::cachefile::load(file, "build", FORMAT)
}

/// Writes the cache atomically (a temporary file renamed into place).
pub fn store(file: &Path, cache: &BuildCache) -> std::io::Result<()> {
    crate::cachefile::store(file, "build", FORMAT, cache)
}

/// Removes a cache file (before a build that may change the output without one).
pub fn forget(file: &Path) {
    let _ = std::fs::remove_file(file);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_separate_their_parts() {
        let a = Fingerprinter::default().bytes(b"ab").bytes(b"c").finish();
        let b = Fingerprinter::default().bytes(b"a").bytes(b"bc").finish();
        assert_ne!(a, b);
        assert_eq!(Fingerprint::of(&("x", 1)), Fingerprint::of(&("x", 1)));
        // Fixed keys: the value never changes between processes or releases.
        assert_eq!(
            Fingerprint::of_bytes(b"vitrine").hex(),
            Fingerprint::of_bytes(b"vitrine").hex()
        );
    }

    #[test]
    fn a_damaged_cache_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("vitrine/build.json");
        let mut cache = BuildCache::default();
        let record = FileRecord {
            output: Fingerprint(7),
            input: None,
            holes: Vec::new(),
        };
        cache.files.insert("index.html".into(), record);
        store(&file, &cache).unwrap();
        assert_eq!(
            load(&file).unwrap().unwrap().files["index.html"].output,
            Fingerprint(7)
        );
        let mut bytes = std::fs::read(&file).unwrap();
        let last = bytes.len() - 3;
        bytes[last] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        assert!(load(&file).is_err());
        std::fs::write(&file, b"garbage").unwrap();
        assert!(load(&file).is_err());
    }
}
