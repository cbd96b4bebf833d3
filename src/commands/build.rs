//! `vitrine build`: the pipeline's files, written atomically into the output folder.

use std::path::PathBuf;
use std::time::Instant;

use crate::diag::{Diagnostic, Diagnostics};
use crate::git::Repo;
use crate::output;
use crate::pipeline::{BuildError, BuildOptions, Timings, render_files};

/// What a build did, for the user and for benchmarks.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub out: PathBuf,
    pub revision: Option<String>,
    pub timings: Timings,
    pub diagnostics: Diagnostics,
}

/// Builds the site and swaps it into `opts.out`.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let repo_root = Repo::discover(&opts.root).ok().and_then(|r| r.workdir());
    let recovered = output::recover(&opts.out)?;
    let audience = if opts.internal {
        output::Audience::Internal
    } else {
        output::Audience::Client
    };
    output::check_target(&opts.out, &opts.root, repo_root.as_deref(), audience)?;
    let (files, mut loaded, mut timings) = render_files(opts)?;
    for note in recovered {
        loaded.diagnostics.push(Diagnostic::warning(note));
    }
    let t = Instant::now();
    let source = loaded
        .revision
        .as_ref()
        .map_or("the work tree", |r| r.id.as_str());
    output::write_atomically(&opts.out, &files, audience, source)?;
    timings.push(("write", t.elapsed().as_secs_f64()));
    Ok(BuildReport {
        pages: files.iter().filter(|f| f.path.ends_with(".html")).count(),
        files: files.len(),
        out: opts.out.clone(),
        revision: loaded.revision.map(|r| r.id),
        timings,
        diagnostics: loaded.diagnostics,
    })
}
