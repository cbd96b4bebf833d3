//! `vitrine publish`: build the committed HEAD and commit the site onto a branch (for
//! GitHub Pages), then push it with the user's own git.

use std::path::PathBuf;

use anyhow::anyhow;

use crate::diag::Diagnostics;
use crate::git::Repo;
use crate::pipeline::{BuildError, BuildOptions, Source, render_files};
use crate::render;

/// What `publish` should do.
#[derive(Debug, Clone)]
pub struct PublishOptions {
    pub root: PathBuf,
    pub branch: String,
    pub remote: String,
    pub push: bool,
}

/// What `publish` did.
#[derive(Debug, Clone)]
pub struct PublishReport {
    /// The new commit on the branch, or `None` when the site had not changed.
    pub commit: Option<String>,
    pub source: String,
    pub files: usize,
    pub diagnostics: Diagnostics,
}

/// Builds the committed HEAD and commits the site onto `branch` (its previous tip as
/// parent: history is kept, nothing is forced), then pushes it with the user's own git.
pub fn publish(p: &PublishOptions) -> Result<PublishReport, BuildError> {
    crate::git::check_branch_name(&p.branch)?;
    crate::git::check_remote_name(&p.remote)?;
    let repo = Repo::discover(&p.root)?;
    if let Some(tree) = repo.checked_out_at(&p.branch)? {
        return Err(anyhow!(
            "refusing to publish onto `{}`: it is checked out in {}, whose files would then show as staged \
             changes; publish to a branch that no work tree has checked out (e.g. --branch gh-pages)",
            p.branch,
            tree.display()
        )
        .into());
    }
    let prefix = if repo.prefix().is_empty() {
        String::new()
    } else {
        format!("{}/", repo.prefix())
    };
    let output = |p: &&String| {
        ["public/", "public-internal/"]
            .iter()
            .any(|o| p.strip_prefix(&prefix).is_some_and(|r| r.starts_with(o)))
    };
    if let Some(dirty) = repo.dirty_paths()?.iter().find(|p| !output(p)) {
        return Err(anyhow!(
            "refusing to publish: `{dirty}` has uncommitted changes in the site root; publish builds the committed \
             HEAD, so commit or stash them first"
        )
        .into());
    }
    let opts = BuildOptions {
        root: p.root.clone(),
        source: Source::Rev("HEAD".into()),
        internal: false,
        out: p.root.join("public"),
        base_url: None,
        use_cache: true,
        memo: None,
        lint: true,
        progress: None,
    };
    let (mut files, loaded, _) = render_files(&opts)?;
    let source = loaded
        .revision
        .as_ref()
        .map(|r| r.id.clone())
        .unwrap_or_default();
    files.push(render::OutFile {
        path: ".nojekyll".into(),
        bytes: Vec::new(),
    });
    if let Some(cname) = &loaded.config.cname {
        files.push(render::OutFile {
            path: "CNAME".into(),
            bytes: format!("{}\n", cname.trim()).into_bytes(),
        });
    }
    let entries: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| (f.path.clone(), f.bytes.clone()))
        .collect();
    let message = format!(
        "Publish status site from {}\n\nSource-Commit: {source}\n",
        &source[..source.len().min(10)]
    );
    let commit = repo.commit_files(&p.branch, &p.remote, &entries, &message)?;
    if p.push {
        repo.push(&p.remote, &p.branch)?;
    }
    Ok(PublishReport {
        commit,
        source,
        files: files.len(),
        diagnostics: loaded.diagnostics,
    })
}
