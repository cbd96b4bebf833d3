//! Replays the example site's scripted history into a fresh git repository, so the
//! example shows real dates, authors, renames and releases: `vitrine demo`.
//!
//! The script is `replay.toml` in the example folder: a list of commits, each writing
//! files (from `site/`, or an older version from `history/`), deleting files and
//! optionally tagging a release. Commits use fixed dates and signatures, never the user's
//! git config, so the result is the same on every machine.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use git2::{Repository, Signature, Time};
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
    let repo = Repository::init(dest)
        .with_context(|| format!("cannot create a repository in {}", dest.display()))?;
    let root = dest.join(&script.site_dir);
    for (n, step) in script.commit.iter().enumerate() {
        apply(example, &root, step)
            .with_context(|| format!("replay.toml commit {} ({})", n + 1, step.message))?;
        let oid = commit_all(&repo, step).with_context(|| format!("committing step {}", n + 1))?;
        if let Some(tag) = &step.tag {
            let obj = repo.find_object(oid, None)?;
            repo.tag_lightweight(tag, &obj, false)?;
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

fn commit_all(repo: &Repository, step: &Step) -> Result<git2::Oid> {
    let mut index = repo.index()?;
    index.add_all(["*"], git2::IndexAddOption::DEFAULT, None)?;
    index.update_all(["*"], None)?;
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let sig = signature(&step.author, &step.date)?;
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    Ok(repo.commit(Some("HEAD"), &sig, &sig, &step.message, &tree, &parents)?)
}

fn signature(author: &str, date: &str) -> Result<Signature<'static>> {
    let (name, email) = author
        .split_once('<')
        .map(|(n, e)| (n.trim(), e.trim_end_matches('>').trim()))
        .with_context(|| format!("author `{author}` is not `Name <email>`"))?;
    let ts: jiff::Timestamp = date
        .parse()
        .with_context(|| format!("`{date}` is not RFC 3339 with an offset"))?;
    Ok(Signature::new(
        name,
        email,
        &Time::new(ts.as_second(), offset_minutes(date)),
    )?)
}

/// The UTC offset at the end of an RFC 3339 text (`+08:00`, `-05:30`, `Z`), in minutes.
fn offset_minutes(date: &str) -> i32 {
    let tail = date.get(date.len().saturating_sub(6)..).unwrap_or("");
    let sign = match tail.chars().next() {
        Some('+') => 1,
        Some('-') => -1,
        _ => return 0,
    };
    let h: i32 = tail[1..3].parse().unwrap_or(0);
    let m: i32 = tail[4..6].parse().unwrap_or(0);
    sign * (h * 60 + m)
}
