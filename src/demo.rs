//! Replays the example site's scripted history into a fresh git repository, so the
//! example shows real dates, authors, renames and releases: `vitrine demo`.
//!
//! The script is `replay.toml` in the example folder: a list of commits, each writing
//! files (from `site/`, or an older version from `history/`), deleting files and
//! optionally tagging a release. Commits use fixed dates and signatures, never the user's
//! git config, so the result is the same on every machine.
//!
//! The example of this repository (`example-site/`) is compiled into the binary, so an
//! installed `vitrine demo` works in any folder; a folder of one's own can be replayed
//! instead. Only `replay.toml`, `site/` and `history/` are embedded, never a build output
//! lying next to them.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use git2::{Repository, Signature, Time};
use include_dir::{Dir, include_dir};
use serde::Deserialize;

static SCRIPT: &str = include_str!("../example-site/replay.toml");
static SITE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/example-site/site");
static HISTORY: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/example-site/history");

/// Where the example project's files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Example {
    /// The example compiled into the binary.
    Embedded,
    /// A folder holding `replay.toml`, `site/` and `history/`.
    Folder(PathBuf),
}

impl Example {
    /// The bytes of a file, by its path relative to the example folder (`site/notes/a.md`).
    fn read(&self, rel: &str) -> Result<Vec<u8>> {
        match self {
            Example::Folder(dir) => {
                let path = dir.join(rel);
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))
            }
            Example::Embedded => {
                let found = if rel == "replay.toml" {
                    Some(SCRIPT.as_bytes())
                } else if let Some(p) = rel.strip_prefix("site/") {
                    SITE.get_file(p).map(|f| f.contents())
                } else if let Some(p) = rel.strip_prefix("history/") {
                    HISTORY.get_file(p).map(|f| f.contents())
                } else {
                    None
                };
                found
                    .map(<[u8]>::to_vec)
                    .with_context(|| format!("the embedded example has no {rel}"))
            }
        }
    }
}

impl std::fmt::Display for Example {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Example::Embedded => write!(f, "the built-in example project"),
            Example::Folder(dir) => write!(f, "{}", dir.display()),
        }
    }
}

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

/// Replays `example` into a new repository at `dest` (which must not exist or be empty).
/// Returns the site root.
pub fn replay(example: &Example, dest: &Path) -> Result<PathBuf> {
    let text = String::from_utf8(example.read("replay.toml")?)
        .with_context(|| format!("replay.toml of {example} is not UTF-8"))?;
    let script: Script = toml::from_str(&text)
        .with_context(|| format!("replay.toml of {example} is not a valid script"))?;
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

fn apply(example: &Example, root: &Path, step: &Step) -> Result<()> {
    let copy = |to: &str, from: &str| -> Result<()> {
        let dest = root.join(to);
        if let Some(p) = dest.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::write(&dest, example.read(from)?)
            .with_context(|| format!("cannot write {}", dest.display()))
    };
    for (old, new) in &step.rename {
        std::fs::remove_file(root.join(old)).with_context(|| format!("cannot rename {old}"))?;
        copy(new, &format!("site/{new}"))?;
    }
    for path in &step.write {
        copy(path, &format!("site/{path}"))?;
    }
    for (path, from) in &step.write_from {
        copy(path, from)?;
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
