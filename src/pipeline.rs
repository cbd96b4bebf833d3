//! The pipeline, called by the commands: source → history → content → views → render →
//! output. Each step is a function of the previous step's plain data.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Result, anyhow};

use crate::buildcache::{BuildCache, FileRecord, Fingerprint, Fingerprinter};
use crate::config::Config;
use crate::content::versions::{States, Versions, Visible};
use crate::content::{self, Dating, LoadOptions, Project};
use crate::dates::When;
use crate::diag::{Diagnostic, Diagnostics};
use crate::git::{self, HistoryIndex, Repo, Revision, SourceFile};
use crate::insight::changelog::Rules;
use crate::render::{self, SiteData, Theme, ViewInput, views::RevisionView};

/// Where the content is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The committed tree of a revision (default `HEAD`).
    Rev(String),
    /// The working directory (preview).
    Worktree,
}

/// Options of a build, validated by the CLI.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub source: Source,
    pub internal: bool,
    pub out: PathBuf,
    pub base_url: Option<String>,
    /// Reuse and update the history cache under `.git/vitrine/`.
    pub use_cache: bool,
    /// What one process keeps between rebuilds (`serve`).
    pub memo: Option<Arc<Memo>>,
    /// Run the whole-project checks (jargon, references, links); `report` does not need them.
    pub lint: bool,
    /// Told how far the long steps have come (the CLI draws a progress bar from it).
    pub progress: Option<Progress>,
}

/// Where a build reports how far it has come: the step (`history`, `pages`), the units
/// done (commits walked, pages rendered) and the total when it is known. The library never
/// draws anything; the CLI decides whether and how to show it.
#[derive(Clone)]
pub struct Progress(pub Arc<dyn Fn(&'static str, u64, Option<u64>) + Send + Sync>);

impl Progress {
    fn tick(&self, step: &'static str, done: u64, total: Option<u64>) {
        (self.0)(step, done, total)
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// Kept in memory between the rebuilds of one `serve`: the history index of the last
/// HEAD, and every parsed version (named by its blob id, so never stale).
#[derive(Default)]
pub struct Memo {
    inner: std::sync::Mutex<(Option<Arc<HistoryIndex>>, Versions)>,
    /// Loaded content files (see `content::load`).
    pub files: content::FileCache,
    /// Rendered Markdown by body (see `render::views`).
    pub markdown: std::sync::Mutex<std::collections::HashMap<u64, render::markdown::Rendered>>,
    /// The last theme, with the fingerprint of the language and overrides it was built from.
    theme: std::sync::Mutex<Option<(u64, Arc<Theme>)>>,
    /// The last versions, visibility and states, with the fingerprint of what they were
    /// made from (history tip, content paths, audience, time zone): a save in the work tree
    /// changes none of them.
    past: std::sync::Mutex<Option<(u64, Past, Diagnostics)>>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

/// The memo file's format: bumped when what it holds changes (2: the cache file's
/// checksum is SipHash).
const MEMO_FORMAT: u32 = 2;

impl Memo {
    fn history_at(&self, tip: &str) -> Option<Arc<HistoryIndex>> {
        let g = self.inner.lock().ok()?;
        g.0.clone().filter(|h| h.tip == tip)
    }
    fn versions(&self) -> Versions {
        self.inner.lock().map(|g| g.1.clone()).unwrap_or_default()
    }
    /// The theme for `lang` and `overrides`, built once per distinct input.
    fn theme(&self, lang: &str, overrides: &[(String, Vec<u8>)]) -> anyhow::Result<Arc<Theme>> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (lang, overrides).hash(&mut h);
        let key = h.finish();
        let mut slot = self
            .theme
            .lock()
            .map_err(|_| anyhow!("theme cache poisoned"))?;
        if let Some((k, t)) = slot.as_ref()
            && *k == key
        {
            return Ok(t.clone());
        }
        let t = Arc::new(Theme::load(lang, overrides)?);
        *slot = Some((key, t.clone()));
        Ok(t)
    }

    /// A memo with the versions and rendered Markdown saved in `file` by [`Memo::save`]
    /// (an empty one when there is none, or it was saved by another binary or is damaged).
    /// Both are named by their content (blob id; body, link targets and settings), so a
    /// saved entry is never stale.
    pub fn load(file: &Path) -> Memo {
        let Ok(Some(saved)) = crate::cachefile::load::<Saved>(file, "memo", MEMO_FORMAT) else {
            return Memo::default();
        };
        if saved.binary != crate::buildcache::binary() {
            return Memo::default();
        }
        let versions = saved
            .versions
            .into_iter()
            .map(|(k, v)| (k, Arc::new(v)))
            .collect();
        Memo {
            inner: std::sync::Mutex::new((None, versions)),
            markdown: std::sync::Mutex::new(saved.markdown),
            ..Memo::default()
        }
    }

    /// Saves the versions and rendered Markdown for the next build when they changed,
    /// keeping only the Markdown of the bodies this build rendered (`keep`) when the memo
    /// holds more than twice as many.
    pub fn save(&self, file: &Path, bodies: usize, loaded_sizes: (usize, usize)) {
        let (Ok(inner), Ok(mut markdown)) = (self.inner.lock(), self.markdown.lock()) else {
            return;
        };
        if (inner.1.len(), markdown.len()) == loaded_sizes {
            return;
        }
        if markdown.len() > 2 * bodies + 64 {
            markdown.clear();
        }
        let versions = inner.1.iter().map(|(k, v)| (k.as_str(), &**v)).collect();
        let saved = SavedRef {
            binary: crate::buildcache::binary(),
            versions,
            markdown: &markdown,
        };
        if crate::cachefile::store(file, "memo", MEMO_FORMAT, &saved).is_err() {
            crate::buildcache::forget(file);
        }
    }

    /// How many versions and rendered bodies it holds.
    pub fn sizes(&self) -> (usize, usize) {
        let v = self.inner.lock().map_or(0, |g| g.1.len());
        let m = self.markdown.lock().map_or(0, |g| g.len());
        (v, m)
    }

    pub(crate) fn remember(&self, history: Arc<HistoryIndex>, versions: &Versions) {
        if let Ok(mut g) = self.inner.lock() {
            g.0 = Some(history);
            g.1.extend(versions.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
}

/// What [`Memo::save`] writes.
#[derive(serde::Deserialize)]
struct Saved {
    binary: Fingerprint,
    versions: std::collections::HashMap<String, serde_json::Map<String, serde_json::Value>>,
    markdown: std::collections::HashMap<u64, render::markdown::Rendered>,
}

#[derive(serde::Serialize)]
struct SavedRef<'a> {
    binary: Fingerprint,
    versions: std::collections::HashMap<&'a str, &'a serde_json::Map<String, serde_json::Value>>,
    markdown: &'a std::collections::HashMap<u64, render::markdown::Rendered>,
}

/// A failure of the content or the repository; the CLI exits with status 1.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{} error(s) in the content", .0.error_count())]
    Content(Diagnostics),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<render::ThemeError> for BuildError {
    fn from(e: render::ThemeError) -> Self {
        BuildError::Content(e.0)
    }
}

/// A theme that does not load is reported like content: at the template's line.
fn theme_error(e: anyhow::Error) -> BuildError {
    match e.downcast::<render::ThemeError>() {
        Ok(t) => BuildError::Content(t.0),
        Err(e) => BuildError::Other(e.context("loading the theme")),
    }
}

/// Everything read for one revision: the input of every command.
pub struct Loaded {
    pub config: Config,
    pub project: Project,
    pub revision: Option<Revision>,
    pub history: Option<Arc<HistoryIndex>>,
    /// Front matter of every version of every content file, by blob id.
    pub versions: Arc<Versions>,
    /// The versions of each content file this build's audience may see.
    pub visible: Arc<Visible>,
    /// The typed state of each of those versions of issues, milestones and feedback.
    pub states: Arc<States>,
    /// The text blocks of each visible version of each incident note, by blob id.
    pub bodies: Bodies,
    /// Tags (name, commit id).
    pub tags: Vec<(String, String)>,
    /// `[changelog]` compiled, with the repository's `.cliffignore`.
    pub changelog_rules: Rules,
    /// The revision's commit time (or now, for the work tree): "today" for the site.
    pub now: When,
    pub diagnostics: Diagnostics,
    /// Seconds spent in each step, for `VITRINE_TIMINGS` and benchmarks.
    pub timings: Timings,
}

/// Seconds spent in each step of a build.
pub type Timings = Vec<(&'static str, f64)>;

/// Finds the site root: the nearest folder holding `vitrine.toml`, from `start` upward.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    start
        .ancestors()
        .find(|d| d.join("vitrine.toml").is_file())
        .map(Path::to_path_buf)
}

/// Reads the site at a revision or the work tree: config, history and content.
// Long on purpose: the stages of reading, in order, one call each, timed one by one.
pub fn load(opts: &BuildOptions) -> Result<Loaded, BuildError> {
    let (source, internal) = (&opts.source, opts.internal);
    let mut timings = Vec::new();
    let t = Instant::now();
    let mut diagnostics = Diagnostics::default();
    // The history cache's store, done while the content is read.
    let mut storing = Finishing::default();
    // The site root's files are read on a thread of its own (with a repository handle of
    // its own) while the history is read here: the walk keeps two threads busy only where
    // commits are many and cheap to compare. (The other way round, the history's many
    // small allocations would be freed by another thread than made them, which costs more.)
    let found = Repo::discover(&opts.root);
    // The revision is resolved once, for both threads. (A build of the work tree — `serve`
    // — reads no blobs and has its history remembered: it reads on one thread.)
    let resolved = match (&opts.source, &found) {
        (Source::Rev(spec), Ok(repo)) => {
            (repo.resolve(spec).ok()).and_then(|rev| Some((repo.another()?, rev)))
        }
        _ => None,
    };
    let (read, early) = match resolved {
        None => (read_source(opts, found, None, &mut diagnostics), None),
        Some((second, rev)) => std::thread::scope(|scope| {
            let reading = scope.spawn(|| {
                let mut diags = Diagnostics::default();
                let read = read_source(opts, Ok(second), Some(rev.clone()), &mut diags);
                (read, diags)
            });
            let mut diags = Diagnostics::default();
            let h = read_history(
                opts,
                found.as_ref().ok(),
                Some(&rev),
                &mut diags,
                &mut storing.0,
            );
            timings.push(("history", t.elapsed().as_secs_f64()));
            let (read, tree_diags) = reading
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            diagnostics.extend(tree_diags);
            (read, Some((h, diags)))
        }),
    };
    // What is left of the tree after the history (all of it when read on one thread).
    let t = Instant::now();
    let Read {
        files,
        revision,
        repo,
    } = read?;
    let config = read_config(&files, source)?;
    let logo_line = files
        .iter()
        .find(|f| f.path == "vitrine.toml")
        .and_then(|f| crate::config::key_line(std::str::from_utf8(&f.bytes).ok()?, "logo"));
    let history = match early {
        Some((h, diags)) => {
            diagnostics.extend(diags);
            h?
        }
        None => read_history(
            opts,
            repo.as_ref(),
            revision.as_ref(),
            &mut diagnostics,
            &mut storing.0,
        )?,
    };
    timings.push(("tree", t.elapsed().as_secs_f64()));
    let tz = config.tz();
    let now = match (source, &revision, &history) {
        (Source::Rev(_), Some(rev), Some(h)) => {
            commit_time(h, rev).map(|t| When::from_commit(t, &tz))
        }
        _ => None,
    }
    .unwrap_or_else(|| When::from_commit(jiff::Timestamp::now(), &tz));
    // Every version of every content file, parsed once and filtered for the audience before
    // anything (dates included) is derived from history.
    let t = Instant::now();
    let Past {
        versions,
        visible,
        states,
        tags,
    } = read_past(
        opts,
        repo.as_ref(),
        history.as_ref(),
        &files,
        &tz,
        &mut diagnostics,
    );
    timings.push(("versions", t.elapsed().as_secs_f64()));
    let dating = Dating {
        history: history.as_deref().map(|h| (h, &*visible)),
        fallback: now.clone(),
    };
    let t = Instant::now();
    let (project, diags) = content::load(
        files,
        &LoadOptions {
            config: &config,
            internal,
            dating,
            cache: opts.memo.as_ref().map(|m| &m.files),
            salt: {
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                let tip = history.as_ref().map(|h| h.tip.clone());
                (toml::to_string(&config).unwrap_or_default(), tip, internal).hash(&mut h);
                h.finish()
            },
        },
    );
    diagnostics.extend(diags);
    if let Some(d) = missing_logo(&config, &project, logo_line) {
        diagnostics.push(d);
    }
    timings.push(("parse", t.elapsed().as_secs_f64()));
    let bodies = match &repo {
        Some(repo) => incident_bodies(repo, &project, &visible, internal),
        None => Bodies::new(),
    };
    // A commit that names an item the audience may not see is never shown.
    let changelog_rules = changelog_rules(repo.as_ref(), revision.as_ref(), &config)?
        .hiding(project.hidden.iter().filter_map(|h| h.id.as_deref()));
    Ok(Loaded {
        config,
        project,
        revision,
        history,
        versions,
        visible,
        states,
        bodies,
        tags,
        changelog_rules,
        now,
        diagnostics,
        timings,
    })
}

/// Every past version of the content files, and what the audience may see of them.
#[derive(Clone, Default)]
struct Past {
    versions: Arc<Versions>,
    visible: Arc<Visible>,
    states: Arc<States>,
    tags: Vec<(String, String)>,
}

/// Parses every version of every content file once (remembered by `serve`) and filters
/// them for the build's audience.
fn read_past(
    opts: &BuildOptions,
    repo: Option<&Repo>,
    history: Option<&Arc<HistoryIndex>>,
    files: &[SourceFile],
    tz: &jiff::tz::TimeZone,
    diagnostics: &mut Diagnostics,
) -> Past {
    let (Some(repo), Some(h)) = (repo, history) else {
        return Past::default();
    };
    // Each content file with its version now (its life goes back from it): for the work
    // tree, HEAD's, whose history this is (found once the memo has not answered: it
    // depends on the history's tip alone).
    let mut paths: Vec<(String, Option<String>)> = files
        .iter()
        .filter(|f| content::is_content_path(&f.path))
        .map(|f| (f.path.clone(), f.blob.clone()))
        .collect();
    let key = {
        use std::hash::{Hash, Hasher};
        let mut k = std::collections::hash_map::DefaultHasher::new();
        (&h.tip, &paths, opts.internal, format!("{tz:?}")).hash(&mut k);
        k.finish()
    };
    let kept = (opts.memo.as_ref())
        .and_then(|m| m.past.lock().ok()?.clone())
        .filter(|(k, ..)| *k == key);
    if let Some((_, past, notes)) = kept {
        diagnostics.extend(notes);
        return past;
    }
    if paths.iter().any(|(_, now)| now.is_none()) {
        let head = repo.blob_ids(&h.tip);
        for (path, now) in paths.iter_mut().filter(|(_, now)| now.is_none()) {
            *now = head.get(path.as_str()).cloned();
        }
    }
    let mut notes = Diagnostics::default();
    let known = opts.memo.as_ref().map(|m| m.versions());
    let versions = read_versions(repo, h, &paths, known.as_ref(), &mut notes);
    if let Some(m) = &opts.memo {
        m.remember(h.clone(), &versions);
    }
    let visible = Visible::build(
        h,
        &versions,
        paths.iter().map(|(p, b)| (p.as_str(), b.as_deref())),
        opts.internal,
    );
    let (states, warnings) = States::build(h, &versions, &visible, tz);
    notes.extend(warnings);
    let past = Past {
        versions: Arc::new(versions),
        visible: Arc::new(visible),
        states: Arc::new(states),
        tags: repo.tags(),
    };
    if let Some(m) = &opts.memo
        && let Ok(mut slot) = m.past.lock()
    {
        *slot = Some((key, past.clone(), notes.clone()));
    }
    diagnostics.extend(notes);
    past
}

/// What was read of the site root: its files, the revision they are from, the repository.
struct Read {
    files: Vec<SourceFile>,
    revision: Option<Revision>,
    repo: Option<Repo>,
}

/// The site root's files from the committed tree of a revision (`resolved`, when the caller
/// has resolved it already), or from the work tree; what was skipped is a warning.
fn read_source(
    opts: &BuildOptions,
    repo: anyhow::Result<Repo>,
    resolved: Option<Revision>,
    diagnostics: &mut Diagnostics,
) -> Result<Read, BuildError> {
    let root = opts.root.as_path();
    let (files, skipped, revision, repo) = match &opts.source {
        Source::Rev(spec) => {
            let repo = repo?;
            let rev = match resolved {
                Some(rev) => rev,
                None => repo.resolve(spec)?,
            };
            let (files, skipped) = repo.read_tree(&rev)?;
            (files, skipped, Some(rev), Some(repo))
        }
        Source::Worktree => {
            let (files, skipped) = git::read_worktree(root, std::slice::from_ref(&opts.out))?;
            let repo = repo.ok();
            let head = repo.as_ref().and_then(Repo::head);
            (files, skipped, head, repo)
        }
    };
    for s in skipped {
        diagnostics.push(Diagnostic::warning(format!("skipped: {}", s.reason)).at(&s.path));
    }
    Ok(Read {
        files,
        revision,
        repo,
    })
}

/// The history index of the revision (remembered by `serve`, else from the cache or a
/// walk); its warnings become diagnostics.
fn read_history(
    opts: &BuildOptions,
    repo: Option<&Repo>,
    revision: Option<&Revision>,
    diagnostics: &mut Diagnostics,
    storing: &mut Option<std::thread::JoinHandle<()>>,
) -> Result<Option<Arc<HistoryIndex>>, BuildError> {
    let (Some(repo), Some(rev)) = (repo, revision) else {
        return Ok(None);
    };
    let memoised = opts.memo.as_ref().and_then(|m| m.history_at(&rev.id));
    let h = match memoised {
        Some(h) => h,
        None => {
            let tick = |n: u64| {
                if let Some(p) = &opts.progress {
                    p.tick("history", n, None);
                }
            };
            let (h, _, store) = repo.history_unstored(rev, opts.use_cache, &tick)?;
            let h = Arc::new(h);
            // Kept for the next build on a thread of its own while this one goes on.
            if let Some(store) = store {
                let kept = h.clone();
                *storing = Some(std::thread::spawn(move || store.store(&kept)));
            }
            h
        }
    };
    for w in &h.warnings {
        diagnostics.push(Diagnostic::warning(w.clone()));
    }
    Ok(Some(h))
}

/// A thread finishing a side task of [`load`], waited for when this is dropped (at the
/// latest when `load` returns, however it returns).
#[derive(Default)]
struct Finishing(Option<std::thread::JoinHandle<()>>);

impl Drop for Finishing {
    fn drop(&mut self) {
        if let Some(t) = self.0.take() {
            let _ = t.join();
        }
    }
}

/// The text blocks of each visible version of each incident note, by blob id.
pub type Bodies = std::collections::HashMap<String, Vec<String>>;

/// Reads every visible version of each incident note and keeps its text blocks, internal
/// blocks removed for a client (a version whose markers are broken is left out): what
/// the incident's update log compares.
fn incident_bodies(repo: &Repo, p: &Project, visible: &Visible, internal: bool) -> Bodies {
    use crate::content::visibility::{Keep, strip};
    let blobs: Vec<&str> = p
        .notes
        .iter()
        .filter(|n| n.kind == content::NoteKind::Incident)
        .flat_map(|n| visible.of(&n.meta.path))
        .map(|v| v.blob.as_str())
        .collect();
    let keep = if internal { Keep::Marked } else { Keep::No };
    repo.read_blobs(blobs.into_iter())
        .into_iter()
        .filter_map(|(blob, bytes)| {
            let text = String::from_utf8(bytes).ok()?;
            let body = content::split(&text).ok()?.body;
            let body = strip(body, keep).ok()?.text;
            Some((blob, content::text::blocks(&body)))
        })
        .collect()
}

/// Parses the front matter of every version of every content file. A version that
/// cannot be read is skipped with a warning: history never fails a build.
fn read_versions(
    repo: &Repo,
    h: &HistoryIndex,
    paths: &[(String, Option<String>)],
    known: Option<&Versions>,
    diags: &mut Diagnostics,
) -> Versions {
    let mut wanted: Vec<(&str, &str, &str)> = Vec::new();
    for (path, now) in paths {
        for e in h.versions_now(path, now.as_deref()) {
            wanted.push((e.blob.as_str(), path.as_str(), h.commit(e).id.as_str()));
        }
    }
    wanted.sort_unstable();
    wanted.dedup_by(|a, b| a.0 == b.0);
    let mut out = Versions::new();
    if let Some(known) = known {
        // Versions are named by their content: a remembered parse is always right.
        wanted.retain(|w| match known.get(w.0) {
            Some(map) => {
                out.insert(w.0.to_string(), map.clone());
                false
            }
            None => true,
        });
    }
    // Blobs are read serially (a repository is not shared across threads), parsed in parallel.
    let blobs = repo.read_blobs(wanted.iter().map(|w| w.0));
    let parsed: Vec<_> = {
        use rayon::prelude::*;
        blobs
            .into_par_iter()
            .filter_map(|(blob, bytes)| {
                let i = wanted.binary_search_by(|w| w.0.cmp(blob.as_str())).ok()?;
                let (_, path, commit) = wanted[i];
                Some((blob, path, commit, content::front_matter_of(&bytes, path)))
            })
            .collect()
    };
    for (blob, path, commit, result) in parsed {
        match result {
            Ok(map) => {
                out.insert(blob, Arc::new(map));
            }
            Err(e) => diags.push(
                Diagnostic::warning(format!(
                    "history: the version of commit {} cannot be read ({e}); it is left out of the history",
                    &commit[..7]
                ))
                .at(path),
            ),
        }
    }
    out
}

/// The time of the built commit (the newest commit that touched the site root, else now).
fn commit_time(h: &HistoryIndex, rev: &Revision) -> Option<jiff::Timestamp> {
    h.commit_by_id(&rev.id)
        .or(h.commits.first())
        .map(|c| c.timestamp())
}

/// A `logo` that names no committed file under `static/`: the header would show a broken
/// image on every page.
fn missing_logo(
    config: &Config,
    project: &content::Project,
    line: Option<usize>,
) -> Option<Diagnostic> {
    let logo = config.logo.as_deref()?;
    let file = logo.strip_prefix("static/")?;
    if project.assets.iter().any(|(p, _)| p == file) {
        return None;
    }
    Some(
        Diagnostic::error(format!("`logo = \"{logo}\"` names no file"))
            .at("vitrine.toml")
            .line_col(line.unwrap_or(1), 1)
            .hint(format!(
                "commit the image as {logo}, or remove the `logo` key"
            )),
    )
}

pub(crate) fn read_config(files: &[SourceFile], source: &Source) -> Result<Config, BuildError> {
    let file = files.iter().find(|f| f.path == "vitrine.toml").ok_or_else(|| {
        let at = match source {
            Source::Rev(r) => format!("at revision `{r}`"),
            Source::Worktree => "in the work tree".into(),
        };
        anyhow!("vitrine.toml is not committed {at}; commit it, or build the work tree with --worktree")
    })?;
    let text =
        String::from_utf8(file.bytes.clone()).map_err(|_| anyhow!("vitrine.toml is not UTF-8"))?;
    // Configuration is shown as written: an internal marker there would be published.
    let marked =
        match crate::content::visibility::strip(&text, crate::content::visibility::Keep::No) {
            Ok(s) => (!s.removed.is_empty()).then_some(0),
            Err(e) => Some(e.offset),
        };
    if let Some(offset) = marked {
        let (line, col) =
            crate::diag::line_col_of(&text, offset.max(text.find("<!--").unwrap_or(0)));
        let mut d = Diagnostics::default();
        d.push(
            Diagnostic::error("vitrine.toml holds an internal marker; configuration is shown to the client as written")
                .at("vitrine.toml")
                .line_col(line, col)
                .hint("keep team-only text out of vitrine.toml (a TOML `#` comment is never shown)"),
        );
        return Err(BuildError::Content(d));
    }
    Config::parse(&text, Path::new("vitrine.toml")).map_err(|errs| {
        let mut d = Diagnostics::default();
        errs.into_iter().for_each(|e| d.push(e));
        BuildError::Content(d)
    })
}

/// Turns loaded content into every view a template gets.
pub fn site_data(
    loaded: &Loaded,
    memo: Option<&Memo>,
    lang: &crate::format::Lang,
    internal: bool,
    preview: bool,
) -> SiteData {
    let t0 = Instant::now();
    let input = crate::insight::HistoryInput {
        index: loaded.history.as_deref(),
        states: &loaded.states,
        visible: &loaded.visible,
        bodies: &loaded.bodies,
        tags: &loaded.tags,
        rules: &loaded.changelog_rules,
    };
    let history = crate::insight::history_data(&loaded.project, &input, &loaded.config);
    let mut history = history;
    let t_hist = t0.elapsed();
    let reports = if loaded.config.reports.enabled {
        period_reports(loaded, lang, &history.changelog, &history.traces)
    } else {
        Vec::new()
    };
    for (period, _) in &reports {
        let when = When::from_commit(
            jiff::Timestamp::from_second(period.end.min(loaded.now.timestamp().as_second()))
                .unwrap_or_default(),
            &loaded.config.tz(),
        );
        history.timeline.push(crate::insight::timeline::Event {
            when,
            kind: crate::insight::timeline::EventKind::Report,
            title: period.label.clone(),
            target: crate::insight::timeline::Target::Report(period.key.clone()),
            change: None,
        });
    }
    history.timeline.sort_by(|a, b| b.when.cmp(&a.when));
    let keys: Vec<String> = reports.iter().map(|(p, _)| p.key.clone()).collect();
    let tags: Vec<&str> = history
        .changelog
        .iter()
        .filter_map(|r| r.tag.as_deref())
        .collect();
    let routes = crate::routes::Routes::of(
        &loaded.project,
        &crate::routes::Shape {
            changelog: !history.changelog.is_empty(),
            releases: &tags,
            releases_per_page: loaded
                .config
                .changelog
                .releases_per_page
                .unwrap_or(crate::routes::RELEASES_PER_PAGE),
            reports: &keys,
            sitemap: loaded.config.base_url.is_some(),
        },
    );
    let input = ViewInput {
        config: &loaded.config,
        history: &history,
        reports: &reports,
        routes: &routes,
        lang,
        md_cache: memo.map(|m| &m.markdown),
        internal,
        preview,
        revision: loaded.revision.as_ref().map(|r| RevisionView {
            id: r.id.clone(),
            short: r.short.clone(),
            url: loaded.config.forge().map(|f| f.commit(&r.id)),
        }),
        now: loaded.now.clone(),
    };
    let t_reports = t0.elapsed();
    let data = render::views::build(&loaded.project, &input);
    if std::env::var_os("VITRINE_TIMINGS").is_some() {
        eprintln!(
            "  views: history {:?}, reports {:?}, pages {:?}",
            t_hist,
            t_reports - t_hist,
            t0.elapsed() - t_reports
        );
    }
    data
}

/// The most report pages a site gets (the newest periods): five years of weeks.
const MAX_PERIODS: usize = 260;

/// One report per period of the communication cadence, from the first commit that touched
/// the site root to the built revision (newest first), at most [`MAX_PERIODS`]. Each is
/// computed from the history index, not from a tree.
fn period_reports(
    loaded: &Loaded,
    lang: &crate::format::Lang,
    releases: &[crate::insight::changelog::Release],
    traces: &std::collections::HashMap<String, crate::insight::trace::Trace>,
) -> Vec<(
    crate::insight::report::Period,
    crate::insight::report::Report,
)> {
    use rayon::prelude::*;
    let Some(index) = loaded.history.as_deref() else {
        return Vec::new();
    };
    // Commits before the site existed (or with a clock at 1970) make no periods.
    let touched = index.files.values().flatten();
    let first = touched
        .filter_map(|e| index.commits.get(e.commit as usize))
        .map(|c| c.time)
        .min();
    let (Some(first), last) = (first, loaded.now.timestamp().as_second()) else {
        return Vec::new();
    };
    let monthly = loaded.config.communication.cadence.as_deref() == Some("monthly");
    let mut periods =
        crate::insight::report::periods(first, last, monthly, &loaded.config.tz(), lang);
    periods.drain(..periods.len().saturating_sub(MAX_PERIODS));
    let input = crate::insight::report::Input {
        project: &loaded.project,
        releases,
        traces,
        config: &loaded.config,
        states: &loaded.states,
    };
    let tz = loaded.config.tz();
    // A period runs from just before its first second (`start`) to its last (`end`).
    let end = |t: i64, shown: i64| {
        let commit = commit_at(index, t).map(|c| c.id.clone());
        let time = When::from_commit(jiff::Timestamp::from_second(shown).unwrap_or_default(), &tz)
            .view()
            .stamp;
        crate::insight::report::End {
            spec: None,
            commit,
            time,
            ts: t,
        }
    };
    let mut out: Vec<_> = periods
        .into_par_iter()
        .map(|p| {
            let to = p.end.min(last);
            let r = crate::insight::report::report(&input, end(p.start, p.start + 1), end(to, to));
            (p, r)
        })
        .collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.0.start));
    out
}

/// A site ready to render: every view, the theme and the static files.
pub struct Prepared {
    pub data: SiteData,
    pub theme: Arc<Theme>,
    pub assets: Vec<(String, Vec<u8>)>,
}

/// Reads the site and builds every view (`serve` renders pages from it on request).
pub fn prepare(opts: &BuildOptions) -> Result<(Prepared, Loaded, Timings), BuildError> {
    let mut loaded = load(opts)?;
    let mut timings = std::mem::take(&mut loaded.timings);
    let mut unsafe_base = None;
    if let Some(url) = &opts.base_url {
        if crate::urls::safe_url(url) {
            loaded.config.base_url = Some(url.clone());
        } else {
            unsafe_base = Some(crate::config::unsafe_url("--base-url", url));
        }
    }
    let linting = |loaded: &Loaded| {
        let t = Instant::now();
        let found = match !opts.internal && opts.lint {
            true => crate::lint::lint(&loaded.project, &loaded.config),
            false => Diagnostics::default(),
        };
        (found, t.elapsed().as_secs_f64())
    };
    // The content is linted while the views are made (they do not depend on each other,
    // and the views leave most of a second core idle); every diagnostic is reported, and
    // an error anywhere fails the build before it renders.
    let ((lint, t_lint), viewed) = match loaded.diagnostics.has_errors() {
        true => (linting(&loaded), None),
        false => {
            let (lint, viewed) = rayon::join(|| linting(&loaded), || views(opts, &loaded));
            (lint, Some(viewed))
        }
    };
    timings.push(("lint", t_lint));
    loaded.diagnostics.extend(lint);
    if let Some(d) = unsafe_base {
        loaded.diagnostics.push(d);
    }
    let Some(viewed) = viewed.filter(|_| !loaded.diagnostics.has_errors()) else {
        return Err(BuildError::Content(loaded.diagnostics));
    };
    let (data, theme, t) = viewed?;
    // What the views were made of is not needed to render them: freed before the pages
    // take their memory.
    loaded.versions = Arc::default();
    loaded.visible = Arc::default();
    loaded.states = Arc::default();
    loaded.bodies = Bodies::default();
    loaded.history = None;
    if opts.lint && !opts.internal {
        // Links are checked against the route table: exactly the pages this build writes.
        let links = crate::lint::lint_links(&loaded.project, &data.routes);
        loaded.diagnostics.extend(links);
    }
    let assets = std::mem::take(&mut loaded.project.assets);
    timings.push(("views", t.elapsed().as_secs_f64()));
    Ok((
        Prepared {
            data,
            theme,
            assets,
        },
        loaded,
        timings,
    ))
}

/// The theme and every view of the loaded site, and when their making began.
fn views(
    opts: &BuildOptions,
    loaded: &Loaded,
) -> Result<(SiteData, Arc<Theme>, Instant), BuildError> {
    let t = Instant::now();
    let theme = match &opts.memo {
        Some(m) => m.theme(&loaded.config.language, &loaded.project.theme),
        None => Theme::load(&loaded.config.language, &loaded.project.theme)
            .map(Arc::new)
            .map_err(anyhow::Error::from),
    }
    .map_err(theme_error)?;
    let languages = render::theme::languages(&loaded.project.theme);
    if !languages.contains(&loaded.config.language) {
        let mut d = Diagnostics::default();
        d.push(
            Diagnostic::error(format!(
                "no UI strings for language `{}`",
                loaded.config.language
            ))
            .at("vitrine.toml")
            .hint(format!(
                "use one of {}, or add theme/i18n/{}.toml",
                languages.join(", "),
                loaded.config.language
            )),
        );
        return Err(BuildError::Content(d));
    }
    let data = site_data(
        loaded,
        opts.memo.as_deref(),
        &theme.lang,
        opts.internal,
        opts.source == Source::Worktree,
    );
    Ok((data, theme, t))
}

/// Reads and renders the whole site into memory (`build` writes it, `publish` commits it).
pub fn render_files(
    opts: &BuildOptions,
) -> Result<(Vec<render::OutFile>, Loaded, Timings), BuildError> {
    let (site, loaded, timings) = render_reusing(opts, None, false)?;
    Ok((site.files, loaded, timings))
}

/// The output of the previous build into the same folder, and what the build cache says
/// it was made from.
pub struct Earlier<'a> {
    pub dir: &'a Path,
    pub cache: &'a BuildCache,
}

/// A rendered site and what decided each file (for the build cache).
pub struct Built {
    pub files: Vec<render::OutFile>,
    /// One per file: the same bytes as the same path of [`Earlier::dir`] (a page that was
    /// not read has empty `bytes`).
    pub kept: Vec<bool>,
    /// One per file.
    pub records: Vec<FileRecord>,
    /// The text of each per-build value (see `render::splice`).
    pub spliced: std::collections::BTreeMap<String, String>,
    /// What the leak guard searched for.
    pub guard: Fingerprint,
    /// The pages rendered (the others were carried over, or rewritten with this build's
    /// commit and dates).
    pub rendered: Vec<String>,
}

/// [`render_files`], rendering only the pages whose input is not the one `earlier`
/// recorded: the others are taken from the earlier output, as they are or with this
/// build's per-build values spliced in. With `record`, every page's input is fingerprinted
/// for the next build. Every file is sealed (`[access]`) and guarded as in a cold build,
/// except the files carried over unchanged when the guard searches for the same things as
/// when it searched them.
// Long on purpose: the stages after preparing, in order, each timed.
pub fn render_reusing(
    opts: &BuildOptions,
    earlier: Option<&Earlier<'_>>,
    record: bool,
) -> Result<(Built, Loaded, Timings), BuildError> {
    let (site, mut loaded, mut timings) = prepare(opts)?;
    // `[access]`: no passphrase, no build (checked before the work of rendering).
    let passphrase = crate::access::passphrase(&loaded.config).map_err(BuildError::Content)?;
    let t = Instant::now();
    let keys = passphrase
        .map(|p| crate::access::Keys::derive(&p, crate::access::site_salt(&loaded.config)));
    timings.push(("keys", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    let inputs = inputs_fingerprint(opts, &loaded);
    let read = |path: &str| std::fs::read(earlier?.dir.join(path)).ok();
    let tick = |done: u64, total: u64| {
        if let Some(p) = &opts.progress {
            p.tick("pages", done, Some(total));
        }
    };
    let caching = render::Caching {
        inputs,
        sealed: keys
            .as_ref()
            .map(|k| Fingerprint::of_bytes(k.fingerprint().as_bytes())),
        record,
        previous: earlier.map(|e| render::Previous {
            files: &e.cache.files,
            spliced: &e.cache.spliced,
            read: &read,
        }),
        progress: opts.progress.as_ref().map(|_| &tick as _),
    };
    let rendered = render::render_site_with(&site.data, &site.theme, &site.assets, &caching)
        .map_err(BuildError::Content)?;
    timings.push(("render", t.elapsed().as_secs_f64()));
    // `[access]`: pages and search index encrypted before the guard sees them; a page
    // carried over is already sealed, with the same keys.
    let t = Instant::now();
    let (mut kept, mut fresh) = (Vec::new(), Vec::new());
    for (f, k) in rendered.files.into_iter().zip(rendered.kept) {
        if k { kept.push(f) } else { fresh.push(f) }
    }
    let sealed = crate::access::apply_keys(fresh, &loaded.config, &site.theme, keys.as_ref())
        .map_err(BuildError::Content)?;
    loaded.diagnostics.extend(sealed.notes);
    let fresh_count = sealed.files.len();
    let mut files = sealed.files;
    files.extend(kept);
    timings.push(("seal", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    let ui = || site.theme.strings.values().map(String::as_str);
    let guard = Fingerprinter::default()
        .fingerprint(inputs)
        .fingerprint(crate::guard::fingerprint(
            &loaded.project,
            ui(),
            keys.is_some(),
        ))
        .finish();
    // Files carried over were guarded by the build that wrote them; if that build searched
    // for other things, they are read and searched again.
    let searched = earlier.is_some_and(|e| e.cache.guard == Some(guard));
    if !searched {
        for f in files[fresh_count..].iter_mut() {
            f.bytes = read(&f.path)
                .ok_or_else(|| anyhow!("cannot read {} of the previous output", f.path))?;
        }
    }
    let to_check = if searched {
        &files[..fresh_count]
    } else {
        &files[..]
    };
    let mut leaks = crate::access::check(to_check, &loaded.config, &loaded.project, &site.theme);
    if !opts.internal {
        leaks.extend(crate::guard::check(to_check, &loaded.project, ui()));
    }
    timings.push(("guard", t.elapsed().as_secs_f64()));
    if leaks.has_errors() {
        return Err(BuildError::Content(leaks));
    }
    let records: Vec<FileRecord> = files
        .iter()
        .map(|f| match rendered.records.get(&f.path) {
            Some(r) => r.clone(),
            None => FileRecord {
                output: Fingerprint::of_bytes(&f.bytes),
                input: None,
                holes: Vec::new(),
            },
        })
        .collect();
    // Any other file whose bytes are those of the earlier output is linked, not written.
    let kept: Vec<bool> = files
        .iter()
        .zip(&records)
        .enumerate()
        .map(|(i, (f, r))| {
            i >= fresh_count
                || earlier
                    .is_some_and(|e| e.cache.files.get(&f.path) == Some(r) && r.input.is_none())
        })
        .collect();
    Ok((
        Built {
            files,
            kept,
            records,
            spliced: rendered.spliced,
            guard,
            rendered: rendered.rendered,
        },
        loaded,
        timings,
    ))
}

/// What decides how views render besides the views: this binary (its embedded theme,
/// templates and filters), the site's language, theme files and configuration, and the
/// build's options.
fn inputs_fingerprint(opts: &BuildOptions, loaded: &Loaded) -> Fingerprint {
    Fingerprinter::default()
        .fingerprint(crate::buildcache::binary())
        .bytes(loaded.config.language.as_bytes())
        .json(&loaded.project.theme)
        .json(&toml::to_string(&loaded.config).unwrap_or_default())
        .json(&(
            opts.internal,
            opts.source == Source::Worktree,
            &opts.base_url,
        ))
        .finish()
}

/// The whole input of a build from a revision, for telling that nothing changed since the
/// last one: the commit (its tree and history), the tags, the mailmap and the shallow
/// boundary (`Repo::history_inputs`), the options and this binary. `None` for the work tree, which has no such name, and for a protected site
/// (its passphrase, which may have changed, is never recorded).
pub fn build_key(opts: &BuildOptions) -> Option<Fingerprint> {
    let Source::Rev(spec) = &opts.source else {
        return None;
    };
    if std::env::var_os(crate::access::PASSPHRASE_VAR).is_some() {
        return None;
    }
    let repo = Repo::discover(&opts.root).ok()?;
    let rev = repo.resolve(spec).ok()?;
    // A partial clone missing a file of the site root cannot be built: no key, no shortcut.
    if !repo.has_site_files(&rev) {
        return None;
    }
    let options = (opts.internal, &opts.base_url, opts.lint, repo.prefix());
    Some(
        Fingerprinter::default()
            .fingerprint(crate::buildcache::binary())
            .bytes(rev.id.as_bytes())
            .json(&repo.tags())
            // The mailmap's sources and the shallow boundary: what history depends on
            // besides the commit.
            .bytes(repo.history_inputs().as_bytes())
            .json(&options)
            .finish(),
    )
}

/// `[changelog]` compiled with the `.cliffignore` at the top of the repository, if any.
pub(crate) fn changelog_rules(
    repo: Option<&Repo>,
    rev: Option<&Revision>,
    config: &Config,
) -> Result<Rules, BuildError> {
    let ignore = match (repo, rev) {
        (Some(repo), Some(rev)) => repo.read_repo_file(rev, ".cliffignore")?,
        _ => None,
    };
    let ignore = ignore.map(|b| String::from_utf8_lossy(&b).into_owned());
    Rules::new(&config.changelog, ignore.as_deref())
        .map_err(|e| BuildError::Other(anyhow::anyhow!("vitrine.toml: {e}")))
}

/// The configuration committed at `rev` (`spec` names it in messages).
pub(crate) fn config_at(repo: &Repo, rev: &Revision, spec: &str) -> Result<Config, BuildError> {
    let file = repo
        .read_file(rev, "vitrine.toml")?
        .map(|bytes| SourceFile {
            path: "vitrine.toml".into(),
            bytes,
            blob: None,
        });
    read_config(
        &file.into_iter().collect::<Vec<_>>(),
        &Source::Rev(spec.to_string()),
    )
}

/// The newest commit of `index` at or before `t`.
pub(crate) fn commit_at(index: &HistoryIndex, t: i64) -> Option<&crate::git::CommitMeta> {
    index.commit_at_or_before(t)
}
