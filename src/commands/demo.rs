//! Replays the example site's scripted history into a fresh git repository, so the
//! example shows real dates, authors, renames and releases: `vitrine demo`.
//!
//! The script is `replay.toml` in the example folder: a list of commits, each writing
//! files (from `site/`, or an older version from `history/`), deleting files and
//! optionally tagging a release. Commits use fixed dates and signatures, never the user's
//! git config, so the result is the same on every machine.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Script {
    /// Sub-folder of the repository that holds the site root.
    #[serde(default)]
    site_dir: String,
    commit: Vec<Step>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    /// RFC 3339 with offset.
    date: String,
    /// `Name <email>`.
    author: String,
    message: String,
    /// Files copied from `site/` (their final version).
    #[serde(default)]
    write: Vec<String>,
    /// Files written from another source file: site path → path under the example folder.
    #[serde(default)]
    write_from: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    delete: Vec<String>,
    /// Rename: old site path → new site path (content from `site/` at the new path).
    #[serde(default)]
    rename: std::collections::BTreeMap<String, String>,
    tag: Option<String>,
}

/// Replays `example` (a folder with `replay.toml` and `site/`) into a new repository at
/// `dest` (which must not exist or be empty). Returns the site root.
pub fn replay(example: &Path, dest: &Path) -> Result<PathBuf> {
    let script_path = example.join("replay.toml");
    let text = std::fs::read_to_string(&script_path)
        .with_context(|| format!("cannot read {}", script_path.display()))?;
    let script: Script = toml::from_str(&text)
        .with_context(|| format!("{} is not a valid script", script_path.display()))?;
    if dest.exists() && std::fs::read_dir(dest)?.next().is_some() {
        bail!(
            "{} exists and is not empty; remove it first",
            dest.display()
        );
    }
    std::fs::create_dir_all(dest).with_context(|| format!("cannot create {}", dest.display()))?;
    let repo = crate::git::Scripted::init(dest)?;
    let root = dest.join(&script.site_dir);
    for (n, step) in script.commit.iter().enumerate() {
        apply(example, &root, step)
            .with_context(|| format!("replay.toml commit {} ({})", n + 1, step.message))?;
        let id = repo
            .commit_all(&step.author, &step.date, &step.message)
            .with_context(|| format!("committing step {}", n + 1))?;
        if let Some(tag) = &step.tag {
            repo.tag(tag, &id)?;
        }
    }
    Ok(root)
}

fn apply(example: &Path, root: &Path, step: &Step) -> Result<()> {
    let copy = |to: &str, from: &Path| -> Result<()> {
        let dest = root.join(to);
        if let Some(p) = dest.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::copy(from, &dest).with_context(|| format!("cannot copy {}", from.display()))?;
        Ok(())
    };
    for (old, new) in &step.rename {
        std::fs::remove_file(root.join(old)).with_context(|| format!("cannot rename {old}"))?;
        copy(new, &example.join("site").join(new))?;
    }
    for path in &step.write {
        copy(path, &example.join("site").join(path))?;
    }
    for (path, from) in &step.write_from {
        copy(path, &example.join(from))?;
    }
    for path in &step.delete {
        std::fs::remove_file(root.join(path)).with_context(|| format!("cannot delete {path}"))?;
    }
    Ok(())
}
