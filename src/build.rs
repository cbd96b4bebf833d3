//! The pipeline, called by the commands: source → history → content → views → render →
//! output. Each step is a function of the previous step's plain data.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, anyhow};

use crate::config::Config;
use crate::content::{self, Dating, LoadOptions, Project};
use crate::dates::When;
use crate::diag::{Diagnostic, Diagnostics};
use crate::git::{self, HistoryIndex, Repo, Revision, SourceFile};
use crate::insight::history::Versions;
use crate::output;
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
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

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

    fn remember(&self, history: Arc<HistoryIndex>, versions: &Versions) {
        if let Ok(mut g) = self.inner.lock() {
            g.0 = Some(history);
            g.1.extend(versions.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
}

/// A failure of the content or the repository; the CLI exits with status 1.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{} error(s) in the content", .0.error_count())]
    Content(Diagnostics),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Everything read for one revision: the input of every command.
pub struct Loaded {
    pub config: Config,
    pub project: Project,
    pub revision: Option<Revision>,
    pub history: Option<Arc<HistoryIndex>>,
    /// Front matter of every version of issues and milestones, by blob id.
    pub versions: Versions,
    /// Tags (name, commit id).
    pub tags: Vec<(String, String)>,
    /// The revision's commit time (or now, for the work tree): "today" for the site.
    pub now: When,
    pub diagnostics: Diagnostics,
    /// Seconds spent in each step, for `VITRINE_TIMINGS` and benchmarks.
    pub timings: Timings,
}

/// Seconds spent in each step of a build.
pub type Timings = Vec<(&'static str, f64)>;

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

/// Finds the site root: the nearest folder holding `vitrine.toml`, from `start` upward.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    start
        .ancestors()
        .find(|d| d.join("vitrine.toml").is_file())
        .map(Path::to_path_buf)
}

/// Reads the site at a revision or the work tree: config, history and content.
pub fn load(opts: &BuildOptions) -> Result<Loaded, BuildError> {
    let (root, source, internal) = (opts.root.as_path(), &opts.source, opts.internal);
    let exclude = std::slice::from_ref(&opts.out);
    let mut timings = Vec::new();
    let t = Instant::now();
    let repo = Repo::discover(root);
    let (files, skipped, revision, repo) = match source {
        Source::Rev(spec) => {
            let repo = repo?;
            let rev = repo.resolve(spec)?;
            let (files, skipped) = repo.read_tree(&rev)?;
            (files, skipped, Some(rev), Some(repo))
        }
        Source::Worktree => {
            let (files, skipped) = git::read_worktree(root, exclude)?;
            let repo = repo.ok();
            let head = repo.as_ref().and_then(Repo::head);
            (files, skipped, head, repo)
        }
    };
    let mut diagnostics = Diagnostics::default();
    for s in skipped {
        diagnostics.push(Diagnostic::warning(format!("skipped: {}", s.reason)).at(&s.path));
    }
    let config = read_config(&files, source)?;
    let logo_line = files
        .iter()
        .find(|f| f.path == "vitrine.toml")
        .and_then(|f| crate::config::key_line(std::str::from_utf8(&f.bytes).ok()?, "logo"));
    let history = match (&repo, &revision) {
        (Some(repo), Some(rev)) => {
            timings.push(("tree", t.elapsed().as_secs_f64()));
            let t = Instant::now();
            let memoised = opts.memo.as_ref().and_then(|m| m.history_at(&rev.id));
            let h = match memoised {
                Some(h) => h,
                None => Arc::new(repo.history(rev, opts.use_cache)?.0),
            };
            timings.push(("history", t.elapsed().as_secs_f64()));
            Some(h)
        }
        _ => None,
    };
    for w in history.iter().flat_map(|h| &h.warnings) {
        diagnostics.push(Diagnostic::warning(w.clone()));
    }
    let tz = config.tz();
    let now = match (source, &revision, &history) {
        (Source::Rev(_), Some(rev), Some(h)) => {
            commit_time(h, rev).map(|t| When::from_commit(t, &tz))
        }
        _ => None,
    }
    .unwrap_or_else(|| When::from_commit(jiff::Timestamp::now(), &tz));
    let dating = Dating {
        history: history.as_deref(),
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
    let t = Instant::now();
    if !internal && opts.lint {
        diagnostics.extend(crate::check::lint(&project, &config));
    }
    timings.push(("lint", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    let (versions, tags) = match (&repo, &history) {
        (Some(repo), Some(h)) => {
            let known = opts.memo.as_ref().map(|m| m.versions());
            let versions = read_versions(repo, h, &project, known.as_ref(), &mut diagnostics);
            if let Some(m) = &opts.memo {
                m.remember(h.clone(), &versions);
            }
            (versions, repo.tags())
        }
        _ => Default::default(),
    };
    timings.push(("versions", t.elapsed().as_secs_f64()));
    Ok(Loaded {
        config,
        project,
        revision,
        history,
        versions,
        tags,
        now,
        diagnostics,
        timings,
    })
}

/// Parses the front matter of every version of every issue and milestone. A version that
/// cannot be read is skipped with a warning: history never fails a build.
fn read_versions(
    repo: &Repo,
    h: &HistoryIndex,
    p: &Project,
    known: Option<&Versions>,
    diags: &mut Diagnostics,
) -> Versions {
    let paths = p.tracked_paths();
    let mut wanted: Vec<(&str, &str, &str)> = Vec::new();
    for path in paths {
        for e in h.versions(path) {
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
    h.commits
        .iter()
        .find(|c| c.id == rev.id)
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

fn read_config(files: &[SourceFile], source: &Source) -> Result<Config, BuildError> {
    let file = files.iter().find(|f| f.path == "vitrine.toml").ok_or_else(|| {
        let at = match source {
            Source::Rev(r) => format!("at revision `{r}`"),
            Source::Worktree => "in the work tree".into(),
        };
        anyhow!("vitrine.toml is not committed {at}; commit it, or build the work tree with --worktree")
    })?;
    let text =
        String::from_utf8(file.bytes.clone()).map_err(|_| anyhow!("vitrine.toml is not UTF-8"))?;
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
    strings: &std::collections::BTreeMap<String, String>,
    internal: bool,
    preview: bool,
) -> SiteData {
    let t0 = Instant::now();
    let history = crate::insight::history_data(
        &loaded.project,
        loaded.history.as_deref(),
        &loaded.versions,
        &loaded.tags,
        &loaded.config,
    );
    let mut history = history;
    let t_hist = t0.elapsed();
    let reports = if loaded.config.reports.enabled {
        period_reports(loaded, &history.changelog)
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
    let input = ViewInput {
        config: &loaded.config,
        history: &history,
        reports: &reports,
        strings,
        md_cache: memo.map(|m| &m.markdown),
        internal,
        preview,
        revision: loaded.revision.as_ref().map(|r| RevisionView {
            id: r.id.clone(),
            short: r.short.clone(),
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
    releases: &[crate::insight::changelog::Release],
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
    let mut periods = crate::insight::report::periods(
        first,
        last,
        monthly,
        &loaded.config.tz(),
        &loaded.config.language,
    );
    periods.drain(..periods.len().saturating_sub(MAX_PERIODS));
    let states = crate::insight::report::states(&loaded.project, Some(index), &loaded.versions);
    let input = crate::insight::report::Input {
        project: &loaded.project,
        releases,
        config: &loaded.config,
        states: &states,
    };
    let tz = loaded.config.tz();
    // A period runs from just before its first second (`start`) to its last (`end`).
    let end = |t: i64, shown: i64| {
        let commit = commit_at(index, t).map(|c| c.id.clone());
        let time = When::from_commit(jiff::Timestamp::from_second(shown).unwrap_or_default(), &tz)
            .view("en")
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

/// Builds the site and swaps it into `opts.out`.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let repo_root = Repo::discover(&opts.root).ok().and_then(|r| r.workdir());
    output::check_target(&opts.out, &opts.root, repo_root.as_deref())?;
    let (files, loaded, mut timings) = render_files(opts)?;
    let t = Instant::now();
    let source = loaded
        .revision
        .as_ref()
        .map_or("the work tree", |r| r.id.as_str());
    output::write_atomically(
        &opts.out,
        &files,
        &format!("built by vitrine from {source}\n"),
    )?;
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
    if let Some(url) = &opts.base_url {
        if crate::urls::safe_url(url) {
            loaded.config.base_url = Some(url.clone());
        } else {
            let d = crate::config::unsafe_url("--base-url", url);
            loaded.diagnostics.push(d);
        }
    }
    if loaded.diagnostics.has_errors() {
        return Err(BuildError::Content(loaded.diagnostics));
    }
    let t = Instant::now();
    let theme = match &opts.memo {
        Some(m) => m.theme(&loaded.config.language, &loaded.project.theme),
        None => Theme::load(&loaded.config.language, &loaded.project.theme).map(Arc::new),
    }
    .context("loading the theme")?;
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
        &loaded,
        opts.memo.as_deref(),
        &theme.strings,
        opts.internal,
        opts.source == Source::Worktree,
    );
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

/// Reads and renders the whole site into memory (`build` writes it, `publish` commits it).
pub fn render_files(
    opts: &BuildOptions,
) -> Result<(Vec<render::OutFile>, Loaded, Timings), BuildError> {
    let (site, loaded, mut timings) = prepare(opts)?;
    let t = Instant::now();
    let files = render::render_site(&site.data, &site.theme, &site.assets)?;
    timings.push(("render", t.elapsed().as_secs_f64()));
    if !opts.internal {
        let t = Instant::now();
        let leaks = crate::guard::check(&files, &loaded.project);
        timings.push(("guard", t.elapsed().as_secs_f64()));
        if leaks.has_errors() {
            return Err(BuildError::Content(leaks));
        }
    }
    Ok((files, loaded, timings))
}

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
    let repo = Repo::discover(&p.root)?;
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

/// The changelog of the repository at `spec`, as Markdown (`vitrine changelog`).
pub fn changelog(root: &Path, spec: &str, use_cache: bool) -> Result<String, BuildError> {
    let repo = Repo::discover(root)?;
    let rev = repo.resolve(spec)?;
    let file = repo
        .read_file(&rev, "vitrine.toml")?
        .map(|bytes| SourceFile {
            path: "vitrine.toml".into(),
            bytes,
        });
    let config = read_config(
        &file.into_iter().collect::<Vec<_>>(),
        &Source::Rev(spec.to_string()),
    )?;
    let (index, _) = repo.history(&rev, use_cache)?;
    let releases = crate::insight::changelog::changelog(&index, &repo.tags(), &config.changelog);
    let views =
        render::history_views::changelog_view(&releases, &[], &config.language, &config.tz());
    let theme = Theme::load(&config.language, &[]).context("loading the theme")?;
    Ok(render::history_views::changelog_markdown(
        &views,
        &theme.strings,
    ))
}

/// The formats of `vitrine report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Markdown, for e-mail and chat.
    Md,
    /// Plain text.
    Text,
    /// A standalone, printable HTML page.
    Html,
    /// JSON (schema: docs/report.schema.json).
    Json,
}

/// What `vitrine report` compares.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub root: PathBuf,
    /// A revision or a date (`YYYY-MM-DD`: the end of that day in the site's time zone).
    pub from: String,
    /// The same; default `HEAD`.
    pub to: Option<String>,
    pub format: ReportFormat,
    pub internal: bool,
}

/// The end of a day (`YYYY-MM-DD`) in `tz`, as Unix seconds.
fn end_of_day(s: &str, tz: &jiff::tz::TimeZone) -> Option<i64> {
    let d: jiff::civil::Date = s.trim().parse().ok().filter(|_| s.trim().len() == 10)?;
    let next = d.tomorrow().ok()?.to_zoned_datetime(tz.clone()).ok()?;
    Some(next.timestamp().as_second() - 1)
}

/// The newest commit of `index` at or before `t`.
fn commit_at(index: &HistoryIndex, t: i64) -> Option<&crate::git::CommitMeta> {
    index
        .commits
        .iter()
        .filter(|c| c.time <= t)
        .max_by_key(|c| c.time)
}

/// Writes the report between two revisions or dates.
pub fn report(o: &ReportOptions) -> Result<String, BuildError> {
    let repo = Repo::discover(&o.root)?;
    let head = repo.resolve("HEAD")?;
    let head_config = repo
        .read_file(&head, "vitrine.toml")?
        .map(|bytes| SourceFile {
            path: "vitrine.toml".into(),
            bytes,
        });
    let tz = read_config(
        &head_config.into_iter().collect::<Vec<_>>(),
        &Source::Rev("HEAD".into()),
    )?
    .tz();
    let to_spec = o.to.clone().unwrap_or_else(|| "HEAD".into());
    let memo = Arc::new(Memo::default());
    let to_rev = match end_of_day(&to_spec, &tz) {
        Some(t) => {
            // HEAD's index finds the day's commit, and is reused when that commit is HEAD.
            let index = Arc::new(repo.history(&head, true)?.0);
            let c = commit_at(&index, t)
                .ok_or_else(|| anyhow!("there is no commit on or before {to_spec}"))?;
            let id = c.id.clone();
            memo.remember(index, &Versions::new());
            id
        }
        None => repo.resolve(&to_spec)?.id,
    };
    let opts = BuildOptions {
        root: o.root.clone(),
        source: Source::Rev(to_rev.clone()),
        internal: o.internal,
        out: o.root.join("public"),
        base_url: None,
        use_cache: true,
        memo: Some(memo),
        lint: false,
    };
    let loaded = load(&opts)?;
    if loaded.diagnostics.has_errors() {
        return Err(BuildError::Content(loaded.diagnostics));
    }
    let index = loaded
        .history
        .as_deref()
        .ok_or_else(|| anyhow!("no history to report on"))?;
    let time_of = |id: &str| index.commits.iter().find(|c| c.id == id).map(|c| c.time);
    let to_time = match end_of_day(&to_spec, &tz) {
        Some(t) => t,
        None => time_of(&to_rev).unwrap_or_default(),
    };
    let (from_commit, from_time) = match end_of_day(&o.from, &tz) {
        Some(t) => (commit_at(index, t).map(|c| c.id.clone()), t),
        None => {
            let id = repo.resolve(&o.from)?.id;
            let t = time_of(&id)
                .ok_or_else(|| anyhow!("`{}` is not in the history of `{to_spec}`", o.from))?;
            (Some(id), t)
        }
    };
    if from_time > to_time {
        return Err(anyhow!(
            "the period starts after it ends: `{}` is later than `{to_spec}`",
            o.from
        )
        .into());
    }
    let end = |spec: &str, commit: Option<String>, t: i64| crate::insight::report::End {
        spec: Some(spec.to_string()),
        commit,
        time: When::from_commit(jiff::Timestamp::from_second(t).unwrap_or_default(), &tz)
            .view("en")
            .stamp,
        ts: t,
    };
    let report = period_report(
        &loaded,
        end(&o.from, from_commit, from_time),
        end(&to_spec, Some(to_rev), to_time),
    );
    let theme =
        Theme::load(&loaded.config.language, &loaded.project.theme).context("loading the theme")?;
    let base = loaded.config.base_url();
    let lang = loaded.config.language.as_str();
    Ok(match o.format {
        ReportFormat::Json => serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?,
        ReportFormat::Md => render::report::write(
            &report,
            &theme.strings,
            lang,
            base.as_deref(),
            render::report::Style::Markdown,
        ),
        ReportFormat::Text => render::report::write(
            &report,
            &theme.strings,
            lang,
            base.as_deref(),
            render::report::Style::Text,
        ),
        ReportFormat::Html => render::report_html(&report, &theme, base.as_deref(), lang)?,
    })
}

/// The report of one period of a loaded project.
pub fn period_report(
    loaded: &Loaded,
    from: crate::insight::report::End,
    to: crate::insight::report::End,
) -> crate::insight::report::Report {
    let index = loaded.history.as_deref();
    let releases = index
        .map(|i| crate::insight::changelog::changelog(i, &loaded.tags, &loaded.config.changelog))
        .unwrap_or_default();
    let states = crate::insight::report::states(&loaded.project, index, &loaded.versions);
    let input = crate::insight::report::Input {
        project: &loaded.project,
        releases: &releases,
        config: &loaded.config,
        states: &states,
    };
    crate::insight::report::report(&input, from, to)
}
