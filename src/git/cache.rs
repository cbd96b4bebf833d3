//! The history cache: the index of the last build, kept under the repository's `.git/`, so
//! that a rebuild after new commits walks only the new ones.
//!
//! The file is a header line (format, site root, length and checksum of the rest) followed
//! by the index as JSON. Anything that does not match — another format, another site
//! root, a wrong length or checksum, JSON that does not parse, a tip that is no longer an
//! ancestor of the revision being built — is discarded and the history walked cold.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::history::HistoryIndex;

/// Bumped whenever what the index holds changes (2: renames need 50% similar content).
const FORMAT: u32 = 2;

#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    prefix: String,
    len: usize,
    checksum: String,
}

/// What happened to the cache in one build (for messages and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheUse {
    /// No cache file: walked cold.
    Missing,
    /// A cache was found but not trusted (corrupt, other format); walked cold.
    Rejected,
    /// Cache used, possibly extended with new commits.
    Used,
}

/// Where the cache of the site root `prefix` lives in the git directory `git_dir`.
pub fn path(git_dir: &Path, prefix: &str) -> PathBuf {
    git_dir
        .join("vitrine")
        .join(format!("history-{:016x}.json", fnv1a(prefix.as_bytes())))
}

/// Reads a cache file; `Err` says why it was not trusted.
pub fn load(file: &Path, prefix: &str) -> Result<Option<HistoryIndex>, String> {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let nl = bytes.iter().position(|&b| b == b'\n').ok_or("no header")?;
    let header: Header =
        serde_json::from_slice(&bytes[..nl]).map_err(|e| format!("bad header: {e}"))?;
    let body = &bytes[nl + 1..];
    if header.format != FORMAT || header.prefix != prefix {
        return Err("another format or site root".into());
    }
    if header.len != body.len() || header.checksum != format!("{:016x}", fnv1a(body)) {
        return Err("length or checksum does not match".into());
    }
    serde_json::from_slice(body)
        .map(Some)
        .map_err(|e| format!("bad index: {e}"))
}

/// Writes the cache atomically (a temporary file renamed into place). Failure to write a
/// cache never fails a build.
pub fn store(file: &Path, prefix: &str, index: &HistoryIndex) -> std::io::Result<()> {
    let body = serde_json::to_vec(index)?;
    let header = Header {
        format: FORMAT,
        prefix: prefix.to_string(),
        len: body.len(),
        checksum: format!("{:016x}", fnv1a(&body)),
    };
    let mut out = serde_json::to_vec(&header)?;
    out.push(b'\n');
    out.extend_from_slice(&body);
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, &out)?;
    std::fs::rename(&tmp, file)
}

/// FNV-1a, 64 bits: enough to notice a damaged file (not a defence against tampering —
/// whoever can write `.git/` can change the repository itself).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}
