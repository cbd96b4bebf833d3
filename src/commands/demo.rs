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
use include_dir::{Dir, include_dir};
use serde::Deserialize;

static SCRIPT: &str = include_str!("../../example-site/replay.toml");
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
