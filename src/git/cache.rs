//! The history cache: the index of the last build, kept under the repository's `.git/`, so
//! that a rebuild after new commits walks only the new ones.
//!
//! The file is in the format of every cache (`crate::cachefile`), of the kind "history" of
//! its site root. Anything that does not match — another format, another site root, a
//! wrong length or checksum, JSON that does not parse, a tip that is no longer an ancestor
//! of the revision being built — is discarded and the history walked cold.

use std::path::{Path, PathBuf};

use super::history::HistoryIndex;

/// Bumped whenever what the index holds changes (2: renames need 50% similar content; 3:
/// the shared cache file header; 4: its checksum is SipHash; 5: files' histories as git's
/// history simplification finds them, with how the walk left each commit and commit times;
/// 6: commits in date order, never after a parent, and the versions each change replaced).
const FORMAT: u32 = 6;

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
    git_dir.join("vitrine").join(format!(
        "history-{:016x}.json",
        crate::cachefile::fnv1a(prefix.as_bytes())
    ))
}

/// Reads a cache file; `Err` says why it was not trusted.
pub fn load(file: &Path, prefix: &str) -> Result<Option<HistoryIndex>, String> {
    crate::cachefile::load(file, &kind(prefix), FORMAT)
}

/// Writes the cache atomically. Failure to write a cache never fails a build.
pub fn store(file: &Path, prefix: &str, index: &HistoryIndex) -> std::io::Result<()> {
    crate::cachefile::store(file, &kind(prefix), FORMAT, index)
}

/// A history cache is the history of one site root.
fn kind(prefix: &str) -> String {
    format!("history {prefix}")
}
