//! `vitrine build`: the pipeline's files, written atomically into the output folder.
//!
//! With the build cache (the default; `--no-cache` bypasses it), a build of a revision
//! whose whole input is unchanged does nothing, and any other build renders only the
//! pages whose input changed and takes the others from the current output (see
//! `buildcache`). Either way the output is byte-identical to a cold build's.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::buildcache::{self, BuildCache, FileRecord, Fingerprint};
use crate::diag::{Diagnostic, Diagnostics};
use crate::git::Repo;
use crate::output;
use crate::pipeline::{BuildError, BuildOptions, Earlier, Memo, Timings, render_reusing};

/// What a build did, for the user and for benchmarks.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    /// Files taken unchanged from the previous output.
    pub reused: usize,
    /// The pages rendered (the others were carried over or refilled).
    pub rendered: Vec<String>,
    pub out: PathBuf,
    pub revision: Option<String>,
    pub timings: Timings,
    pub diagnostics: Diagnostics,
}

/// Builds the site and swaps it into `opts.out`.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let repo = Repo::discover(&opts.root).ok();
    // Parsed versions and rendered Markdown of earlier builds (`serve` keeps its own),
    // read on a thread of their own while the output and the build cache are checked (a
    // build that has nothing to do does not wait for them).
    let memo_file = (repo.as_ref())
        .filter(|_| opts.use_cache && opts.memo.is_none())
        .and_then(|r| {
            Some(buildcache::memo_path(
                &crate::git::git_dir(&opts.root)?,
                r.prefix(),
            ))
        });
    let memo_loading = memo_file.clone().map(|file| {
        std::thread::spawn(move || {
            let memo = Memo::load(&file);
            let sizes = memo.sizes();
            (Arc::new(memo), sizes)
        })
    });
    let repo_root = repo.as_ref().and_then(Repo::workdir);
    let recovered = output::recover(&opts.out)?;
    let audience = if opts.internal {
        output::Audience::Internal
    } else {
        output::Audience::Client
    };
    let t = Instant::now();
    output::check_target(&opts.out, &opts.root, repo_root.as_deref(), audience)?;
    let t_target = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let cache = Cache::open(opts, repo.as_ref());
    let t_cache = t.elapsed().as_secs_f64();
    if recovered.is_empty()
        && let Some(report) = cache.as_ref().and_then(|c| c.unchanged(opts))
    {
        return Ok(report);
    }
    let earlier = cache.as_ref().and_then(|c| {
        c.trusted.as_ref().map(|cache| Earlier {
            dir: &opts.out,
            cache,
        })
    });
    let t = Instant::now();
    let memo = match (&cache, memo_loading) {
        (Some(_), Some(loading)) => loading.join().ok(),
        _ => None,
    };
    let with_memo = memo.as_ref().map(|(m, _)| BuildOptions {
        memo: Some(m.clone()),
        ..opts.clone()
    });
    let t_memo = t.elapsed().as_secs_f64();
    let (site, mut loaded, mut timings) = render_reusing(
        with_memo.as_ref().unwrap_or(opts),
        earlier.as_ref(),
        cache.is_some(),
    )?;
    let before = [("target", t_target), ("cache", t_cache), ("memo", t_memo)];
    timings.splice(0..0, before);
    for note in recovered {
        loaded.diagnostics.push(Diagnostic::warning(note));
    }
    let t = Instant::now();
    let source = loaded
        .revision
        .as_ref()
        .map_or("the work tree", |r| r.id.as_str());
    let id = cache
        .as_ref()
        .map(|_| content_id(&site.files, &site.records));
    // The memo is saved while the output is written (they share nothing).
    let metas = loaded.project.metas().len();
    let (memo_out, written) = rayon::join(
        || {
            let t = Instant::now();
            if let (Some((m, sizes)), Some(file)) = (&memo, &memo_file) {
                m.save(file, metas, *sizes);
            }
            t.elapsed().as_secs_f64()
        },
        || {
            output::write_reusing(
                &opts.out,
                &site.files,
                &site.kept,
                audience,
                source,
                id.clone(),
                cache.as_ref().map(|c| c.spare.as_path()),
            )
        },
    );
    written?;
    timings.push(("memo out", memo_out));
    timings.push(("write", t.elapsed().as_secs_f64()));
    let mut report = BuildReport {
        pages: site
            .files
            .iter()
            .filter(|f| f.path.ends_with(".html"))
            .count(),
        files: site.files.len(),
        reused: site.kept.iter().filter(|k| **k).count(),
        rendered: site.rendered.clone(),
        out: opts.out.clone(),
        revision: loaded.revision.map(|r| r.id),
        timings,
        diagnostics: loaded.diagnostics,
    };
    if let (Some(c), Some(id)) = (cache, id) {
        let files = site.files.iter().map(|f| f.path.clone());
        let cache = BuildCache {
            key: c.key,
            output: id,
            files: files.zip(site.records).collect(),
            spliced: site.spliced,
            guard: Some(site.guard),
            pages: report.pages,
            revision: report.revision.clone(),
            warnings: report.diagnostics.iter().cloned().collect(),
        };
        let t = Instant::now();
        c.store(&cache);
        report.timings.push(("store", t.elapsed().as_secs_f64()));
    }
    Ok(report)
}

/// The id of an output's content: its paths and what decided their bytes, so two builds
/// of the same content give the same marker.
fn content_id(files: &[crate::render::OutFile], records: &[FileRecord]) -> String {
    // By path: which files were carried over changes their place in `files`.
    let mut by_path: Vec<(&str, Fingerprint)> = (files.iter().zip(records))
        .map(|(f, r)| (f.path.as_str(), r.output))
        .collect();
    by_path.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut h = buildcache::Fingerprinter::default();
    for (path, output) in by_path {
        h.bytes(path.as_bytes()).fingerprint(output);
    }
    h.finish().hex()
}

/// The build cache of one output folder, trusted only when it describes that folder as
/// it is (the same output id in the folder's marker, every file there).
struct Cache {
    file: PathBuf,
    /// Where the output before last is kept, to be rewritten in place.
    spare: PathBuf,
    key: Option<Fingerprint>,
    /// What the last build recorded, or nothing when it cannot be trusted.
    trusted: Option<BuildCache>,
}

impl Cache {
    fn open(opts: &BuildOptions, repo: Option<&Repo>) -> Option<Cache> {
        if !opts.use_cache {
            return None;
        }
        let repo = repo?;
        let git_dir = crate::git::git_dir(&opts.root)?;
        let out = absolute(&opts.out);
        let file = buildcache::path(&git_dir, repo.prefix(), &out);
        let spare = buildcache::spare_path(&git_dir, repo.prefix(), &out);
        let found = buildcache::load(&file).ok().flatten();
        let id = found.as_ref().and_then(|_| output::intact_id(&opts.out));
        let trusted = found.filter(|c| id.as_deref() == Some(c.output.as_str()));
        Some(Cache {
            file,
            spare,
            key: crate::pipeline::build_key(opts),
            trusted,
        })
    }

    /// The report of a build that has nothing to do: the same input as the build that
    /// made the output, which is still whole.
    fn unchanged(&self, opts: &BuildOptions) -> Option<BuildReport> {
        let t = Instant::now();
        let trusted = self.trusted.as_ref()?;
        if self.key.is_none() || self.key != trusted.key {
            return None;
        }
        let mut diagnostics = Diagnostics::default();
        for w in &trusted.warnings {
            diagnostics.push(w.clone());
        }
        Some(BuildReport {
            pages: trusted.pages,
            files: trusted.files.len(),
            reused: trusted.files.len(),
            rendered: Vec::new(),
            out: opts.out.clone(),
            revision: trusted.revision.clone(),
            timings: vec![("unchanged", t.elapsed().as_secs_f64())],
            diagnostics,
        })
    }

    /// Records what this build wrote; a cache that cannot be written only costs the next
    /// build its speed.
    fn store(&self, cache: &BuildCache) {
        if buildcache::store(&self.file, cache).is_err() {
            buildcache::forget(&self.file);
        }
    }
}

/// `p` absolute, its parent resolved (the folder itself may not exist yet).
fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    match (
        p.parent().and_then(|d| d.canonicalize().ok()),
        p.file_name(),
    ) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => p,
    }
}
