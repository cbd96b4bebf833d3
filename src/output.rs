//! Output: the built site is written to a fresh sibling folder and swapped into place only
//! when every file is written, so a failed or interrupted build leaves the previous output
//! as it was. vitrine refuses to write where it could destroy something it did not make.

use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::render::OutFile;

/// The file that marks a folder as vitrine's output: which audience it holds and every
/// file vitrine wrote there. A folder is only ever replaced when it holds nothing else.
pub const MARKER: &str = ".vitrine-output";

/// Whom a built site is for. Recorded in the marker: a folder holding one audience's site
/// is never replaced by the other's (a team view must not land where the client's site is
/// deployed from, and a client build must not silently wipe the team's view).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Client,
    Internal,
}

impl Audience {
    fn describe(self) -> &'static str {
        match self {
            Audience::Client => "the client site",
            Audience::Internal => "the team's internal view",
        }
    }

    fn flag(self) -> &'static str {
        match self {
            Audience::Client => "without --internal",
            Audience::Internal => "with --internal",
        }
    }
}

/// The content of [`MARKER`].
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Marker {
    audience: Audience,
    source: String,
    /// Names this output's content (see `buildcache`), so that the build cache can tell it
    /// describes exactly this folder; absent when built without the cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    build: Option<String>,
    files: Vec<String>,
}

const MARKER_HEADER: &str = "# Written by vitrine: this folder is its output and the next build replaces it.\n\
                             # A build refuses to replace it if it holds anything not listed here.\n";

/// Checks that `out` is a place vitrine may (re)write with a site for `audience`: missing,
/// empty, or holding exactly an earlier output of the same audience (files it wrote, no more).
pub fn check_target(
    out: &Path,
    site_root: &Path,
    repo_root: Option<&Path>,
    audience: Audience,
) -> Result<()> {
    let abs = absolute(out);
    let root = absolute(site_root);
    if root.starts_with(&abs) {
        bail!(
            "refusing to write the site to {}: it holds the site root {}",
            out.display(),
            site_root.display()
        );
    }
    if let Some(repo) = repo_root
        && absolute(repo).starts_with(&abs)
    {
        bail!(
            "refusing to write the site to {}: it holds the repository {}",
            out.display(),
            repo.display()
        );
    }
    if !abs.exists() {
        return Ok(());
    }
    if !abs.is_dir() {
        bail!(
            "refusing to write the site to {}: it is a file",
            out.display()
        );
    }
    check_contents(out, &abs, audience)
}

/// Checks what an existing output folder holds: no `.git`, and if anything, an earlier
/// output of the same audience with nothing in it that vitrine did not write.
fn check_contents(out: &Path, abs: &Path, audience: Audience) -> Result<()> {
    let present = list(abs).with_context(|| format!("cannot read {}", out.display()))?;
    if let Some(git) = present.iter().find(|p| p.split('/').any(|c| c == ".git")) {
        bail!(
            "refusing to replace {}: it holds a git repository (`{git}`), which a build would delete; \
             move the repository elsewhere, or build into another folder with -o",
            out.display()
        );
    }
    if present.is_empty() {
        return Ok(());
    }
    let Some(marker) = read_marker(abs) else {
        bail!(
            "refusing to replace {}: it is not empty and was not written by this version of vitrine \
             (no readable {MARKER} file); check that it holds nothing of yours, remove it, or choose another folder with -o",
            out.display()
        );
    };
    if marker.audience != audience {
        bail!(
            "refusing to replace {}: it holds {} and this build is {}; build {} into it, or choose another folder with -o",
            out.display(),
            marker.audience.describe(),
            audience.describe(),
            marker.audience.flag()
        );
    }
    let written = written_paths(&marker.files);
    if let Some(foreign) = present.iter().find(|p| !written.contains(p.as_str())) {
        bail!(
            "refusing to replace {}: `{foreign}` was not written by vitrine (it is not listed in {MARKER}) and the \
             build would delete it; move it out of the folder, then build again",
            out.display()
        );
    }
    Ok(())
}

/// Every entry under `dir` (files, folders, links), relative, `/`-separated, sorted.
fn list(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry?;
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        out.push(
            rel.iter()
                .map(|c| c.to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
        );
    }
    Ok(out)
}

fn read_marker(dir: &Path) -> Option<Marker> {
    toml::from_str(&fs::read_to_string(dir.join(MARKER)).ok()?).ok()
}

/// The files of a marker, the folders that hold them, and the marker itself.
fn written_paths(files: &[String]) -> std::collections::HashSet<&str> {
    let mut all: std::collections::HashSet<&str> = [MARKER].into_iter().collect();
    for f in files {
        all.insert(f);
        let mut rest = f.as_str();
        while let Some((dir, _)) = rest.rsplit_once('/') {
            all.insert(dir);
            rest = dir;
        }
    }
    all
}

/// Writes `files` to a new folder next to `out`, then swaps it into place: the old site is
/// renamed aside, the new one renamed in, the old one removed. [`recover`] repairs a crash
/// between those steps.
pub fn write_atomically(
    out: &Path,
    files: &[OutFile],
    audience: Audience,
    source: &str,
) -> Result<()> {
    write_reusing(out, files, &[], audience, source, None, None)
}

/// [`write_atomically`], taking each file marked in `kept` (one flag per file) from the
/// current output as a hard link instead of writing it (a copy where links cannot be made;
/// a kept file's `bytes` may be empty, unread): the files are the same bytes, and the
/// previous output is left untouched until the swap. The marker records `id`, which names
/// the output's content.
///
/// With `spare`, a folder on the same file system that holds an output no longer in use
/// (the one before last), the staging folder is that folder renamed: a file whose only
/// name is there is rewritten in place, which costs the file system far less than creating
/// one, and anything the new site does not have is removed; every file is written or
/// linked, so nothing of the spare's content survives unless it is the same. After the swap
/// the replaced output becomes the spare instead of being deleted. A file another name
/// shares (the live output's, through a hard link) is never written in place.
pub fn write_reusing(
    out: &Path,
    files: &[OutFile],
    kept: &[bool],
    audience: Audience,
    source: &str,
    id: Option<String>,
    spare: Option<&Path>,
) -> Result<()> {
    let out = absolute(out);
    let (parent, name) = split(&out)?;
    fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let staging = parent.join(format!(".{name}.vitrine-new-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let marker = Marker {
        audience,
        source: source.to_string(),
        build: id,
        // In one order whatever was carried over: the same site, the same marker.
        files: {
            let mut paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
            paths.sort_unstable();
            paths
        },
    };
    let from = Earlier { dir: &out, kept };
    let reused = spare.is_some_and(|s| fs::rename(s, &staging).is_ok());
    let mut written = write_all(&staging, files, &from, &marker, reused);
    if reused && written.is_err() {
        // Whatever the spare held in the way, a fresh folder has nothing.
        let _ = fs::remove_dir_all(&staging);
        written = write_all(&staging, files, &from, &marker, false);
    }
    let result = written.and_then(|()| swap(&staging, &out, &parent, &name, spare));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// The id recorded in the marker of the output folder `out`, if every file the marker
/// lists is there: the build cache trusts only an output that is whole.
pub fn intact_id(out: &Path) -> Option<String> {
    let dir = absolute(out);
    let marker = read_marker(&dir)?;
    let whole = marker.files.iter().all(|f| dir.join(f).is_file());
    marker.build.filter(|_| whole)
}

/// Repairs what an interrupted build left next to `out`: a missing output is restored from
/// the copy moved aside (`.NAME.vitrine-old-PID`), and staging or old copies of builds that
/// are no longer running are removed. Returns one sentence per repair.
pub fn recover(out: &Path) -> Result<Vec<String>> {
    let out = absolute(out);
    let (parent, name) = split(&out)?;
    let Ok(entries) = fs::read_dir(&parent) else {
        return Ok(Vec::new());
    };
    let (mut olds, mut news) = (Vec::new(), Vec::new());
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some((kind, pid)) = leftover(&file, &name) else {
            continue;
        };
        if pid == std::process::id() || running(pid) {
            continue;
        }
        let modified = entry.metadata().and_then(|m| m.modified()).ok();
        match kind {
            "old" => olds.push((modified, entry.path())),
            _ => news.push(entry.path()),
        }
    }
    let mut notes = Vec::new();
    olds.sort();
    if !out.exists()
        && let Some((_, newest)) = olds.pop()
    {
        fs::rename(&newest, &out).with_context(|| {
            format!("cannot restore {} from {}", out.display(), newest.display())
        })?;
        notes.push(format!(
            "restored {} from {}: an earlier build was interrupted while swapping the site",
            out.display(),
            newest.display()
        ));
    }
    for stale in olds.into_iter().map(|(_, p)| p).chain(news) {
        fs::remove_dir_all(&stale).with_context(|| format!("cannot remove {}", stale.display()))?;
        notes.push(format!(
            "removed {}, left behind by an interrupted build",
            stale.display()
        ));
    }
    Ok(notes)
}

/// `.NAME.vitrine-old-PID` or `.NAME.vitrine-new-PID`: ("old" | "new", PID).
fn leftover<'a>(file: &'a str, name: &str) -> Option<(&'a str, u32)> {
    let rest = file.strip_prefix('.')?.strip_prefix(name)?;
    let rest = rest.strip_prefix(".vitrine-")?;
    let (kind, pid) = rest.split_once('-')?;
    matches!(kind, "old" | "new").then_some(())?;
    Some((kind, pid.parse().ok()?))
}

/// Whether a process with this id is alive (another build at work). Where that cannot be
/// known (no `/proc`), it is taken as dead: a concurrent build then fails, never loses data.
fn running(pid: u32) -> bool {
    Path::new("/proc/self").exists() && Path::new("/proc").join(pid.to_string()).exists()
}

/// The output's parent folder and its name.
fn split(out: &Path) -> Result<(PathBuf, String)> {
    let parent = out
        .parent()
        .context("the output folder has no parent")?
        .to_path_buf();
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    Ok((parent, name))
}

/// The output being replaced, and which of the new files are the same as there.
struct Earlier<'a> {
    dir: &'a Path,
    kept: &'a [bool],
}

/// Writes every file into `dir`; with `reused`, `dir` holds an older output, rewritten
/// (see [`write_reusing`]).
fn write_all(
    dir: &Path,
    files: &[OutFile],
    from: &Earlier<'_>,
    marker: &Marker,
    reused: bool,
) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    if reused {
        prune(dir, files)?;
    }
    // Folders first (serially, each once), then the files from every core.
    let mut made = std::collections::HashSet::new();
    let mut paths = Vec::with_capacity(files.len());
    for f in files {
        let path = dir.join(safe_relative(&f.path)?);
        if let Some(p) = path.parent()
            && made.insert(p.to_path_buf())
        {
            fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
        }
        paths.push(path);
    }
    use rayon::prelude::*;
    (files.par_iter().zip(&paths).enumerate()).try_for_each(|(i, (f, path))| {
        write_one(f, path, from.kept.get(i) == Some(&true), from, reused)
    })?;
    let text = format!(
        "{MARKER_HEADER}{}",
        toml::to_string(marker).context("cannot describe the output")?
    );
    fs::write(dir.join(MARKER), text)
        .with_context(|| format!("cannot write {}", dir.join(MARKER).display()))?;
    Ok(())
}

/// Writes one file of the output at `path`: linked from the earlier output when `kept`.
fn write_one(f: &OutFile, path: &Path, kept: bool, from: &Earlier<'_>, reused: bool) -> Result<()> {
    if kept {
        let old = from.dir.join(safe_relative(&f.path)?);
        if reused {
            let _ = fs::remove_file(path);
        }
        if fs::hard_link(&old, path).is_ok() {
            return Ok(());
        }
        if f.bytes.is_empty() {
            fs::copy(&old, path)
                .with_context(|| format!("cannot copy {} to {}", old.display(), path.display()))?;
            return Ok(());
        }
    }
    if reused && rewrite_in_place(path, &f.bytes)? {
        return Ok(());
    }
    fs::write(path, &f.bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Rewrites the file at `path` in place if it is a regular file with no other name (so no
/// other folder sees the change); a file with another name is unlinked first. Whether it
/// was written.
fn rewrite_in_place(path: &Path, bytes: &[u8]) -> Result<bool> {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return Ok(false);
    };
    #[cfg(unix)]
    let alone = {
        use std::os::unix::fs::MetadataExt;
        meta.nlink() == 1
    };
    #[cfg(not(unix))]
    let alone = false;
    if meta.is_file() && alone {
        use std::io::Write;
        let mut f = fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        f.write_all(bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
        return Ok(true);
    }
    if meta.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
    .with_context(|| format!("cannot remove {}", path.display()))?;
    Ok(false)
}

/// Removes from a reused staging folder every entry the new site does not have (files,
/// links, and folders that hold none of its files).
fn prune(dir: &Path, files: &[OutFile]) -> Result<()> {
    let keep: std::collections::HashSet<String> = files.iter().map(|f| f.path.clone()).collect();
    let paths: Vec<&str> = keep.iter().map(String::as_str).collect();
    let folders: std::collections::HashSet<&str> = written_paths_of(&paths);
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(false)
        .contents_first(true)
    {
        let entry = entry?;
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = (rel.iter())
            .map(|c| c.to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let wanted = match entry.file_type().is_dir() {
            true => folders.contains(rel.as_str()),
            false => keep.contains(&rel),
        };
        if !wanted {
            match entry.file_type().is_dir() {
                true => fs::remove_dir_all(entry.path()),
                false => fs::remove_file(entry.path()),
            }
            .with_context(|| format!("cannot remove {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// The folders that hold `paths`.
fn written_paths_of<'a>(paths: &[&'a str]) -> std::collections::HashSet<&'a str> {
    let mut all = std::collections::HashSet::new();
    for p in paths {
        let mut rest = *p;
        while let Some((dir, _)) = rest.rsplit_once('/') {
            all.insert(dir);
            rest = dir;
        }
    }
    all
}

fn swap(staging: &Path, out: &Path, parent: &Path, name: &str, spare: Option<&Path>) -> Result<()> {
    if !out.exists() {
        return fs::rename(staging, out)
            .with_context(|| format!("cannot move the new site to {}", out.display()));
    }
    let old = parent.join(format!(".{name}.vitrine-old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&old);
    fs::rename(out, &old)
        .with_context(|| format!("cannot move the previous site {} aside", out.display()))?;
    if std::env::var_os("VITRINE_TEST_CRASH_BETWEEN_RENAMES").is_some() {
        // Tests only: die as a power cut would, with the old site aside and the new one staged.
        std::process::abort();
    }
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(&old, out);
        return Err(e).with_context(|| format!("cannot move the new site to {}", out.display()));
    }
    // The replaced site is the next build's spare (see `write_reusing`), else deleted.
    let kept = spare.is_some_and(|s| {
        let _ = fs::remove_dir_all(s);
        s.parent().is_some_and(|p| fs::create_dir_all(p).is_ok()) && fs::rename(&old, s).is_ok()
    });
    if !kept {
        let _ = fs::remove_dir_all(&old);
    }
    Ok(())
}

/// A relative path with no `..`, root or prefix: output never escapes its folder.
fn safe_relative(p: &str) -> Result<PathBuf> {
    let path = Path::new(p);
    if p.is_empty()
        || path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        bail!("refusing to write `{p}`: not a plain relative path");
    }
    Ok(path.to_path_buf())
}

fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    // Normalise `.`/`..` lexically; canonicalise what exists so symlinked parents compare right.
    let mut norm = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                norm.pop();
            }
            Component::CurDir => {}
            other => norm.push(other),
        }
    }
    norm.canonicalize().unwrap_or(norm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_escape() {
        assert!(safe_relative("../x").is_err());
        assert!(safe_relative("/etc/x").is_err());
        assert!(safe_relative("a/../../x").is_err());
        assert!(safe_relative("notes/a.html").is_ok());
    }

    #[test]
    fn leftovers_are_recognised_by_name_kind_and_pid() {
        assert_eq!(
            leftover(".public.vitrine-old-42", "public"),
            Some(("old", 42))
        );
        assert_eq!(
            leftover(".public.vitrine-new-7", "public"),
            Some(("new", 7))
        );
        assert_eq!(leftover(".public.vitrine-new-7", "public-internal"), None);
        assert_eq!(leftover(".public-internal.vitrine-old-7", "public"), None);
        assert_eq!(leftover(".public.vitrine-odd-7", "public"), None);
    }

    #[test]
    fn written_paths_include_the_folders_and_the_marker() {
        let files = vec!["notes/2026/a.html".to_string(), "index.html".to_string()];
        let all = written_paths(&files);
        for p in [
            MARKER,
            "notes",
            "notes/2026",
            "notes/2026/a.html",
            "index.html",
        ] {
            assert!(all.contains(p), "{p}");
        }
        assert!(!all.contains(".git"));
    }
}
