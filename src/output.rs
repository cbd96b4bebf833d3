//! Output: the built site is written to a fresh sibling folder and swapped into place only
//! when every file is written, so a failed or interrupted build leaves the previous output
//! as it was. vitrine refuses to write where it could destroy something it did not make.

use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::render::OutFile;

/// The file that marks a folder as vitrine's output (safe to replace).
pub const MARKER: &str = ".vitrine-output";

/// Checks that `out` is a place vitrine may (re)write.
pub fn check_target(out: &Path, site_root: &Path, repo_root: Option<&Path>) -> Result<()> {
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
    for holds in ["vitrine.toml", ".git", "notes", "issues"] {
        if abs.join(holds).exists() && !abs.join(MARKER).exists() {
            bail!(
                "refusing to write the site to {}: it holds `{holds}`, which looks like content",
                out.display()
            );
        }
    }
    let empty = fs::read_dir(&abs)
        .with_context(|| format!("cannot read {}", out.display()))?
        .next()
        .is_none();
    if !empty && !abs.join(MARKER).exists() {
        bail!(
            "refusing to replace {}: it is not empty and was not written by vitrine (no {MARKER} file); \
             remove it or choose another folder with -o",
            out.display()
        );
    }
    Ok(())
}

/// Writes `files` to a new folder next to `out`, then swaps it into place.
pub fn write_atomically(out: &Path, files: &[OutFile], marker_text: &str) -> Result<()> {
    let out = absolute(out);
    let parent = out
        .parent()
        .context("the output folder has no parent")?
        .to_path_buf();
    fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let staging = parent.join(format!(".{name}.vitrine-new-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let result =
        write_all(&staging, files, marker_text).and_then(|()| swap(&staging, &out, &parent, &name));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_all(dir: &Path, files: &[OutFile], marker_text: &str) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for f in files {
        let rel = safe_relative(&f.path)?;
        let path = dir.join(rel);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
        }
        fs::write(&path, &f.bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    fs::write(dir.join(MARKER), marker_text)
        .with_context(|| format!("cannot write {}", dir.join(MARKER).display()))?;
    Ok(())
}

fn swap(staging: &Path, out: &Path, parent: &Path, name: &str) -> Result<()> {
    if !out.exists() {
        return fs::rename(staging, out)
            .with_context(|| format!("cannot move the new site to {}", out.display()));
    }
    let old = parent.join(format!(".{name}.vitrine-old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&old);
    fs::rename(out, &old)
        .with_context(|| format!("cannot move the previous site {} aside", out.display()))?;
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(&old, out);
        return Err(e).with_context(|| format!("cannot move the new site to {}", out.display()));
    }
    let _ = fs::remove_dir_all(&old);
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
}
