//! The command line: clap arguments resolved into validated options, then one library call
//! per command. Exit status: 0 success, 1 content or repository failure, 2 usage error.

pub mod shell;
pub mod term;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::cli::term::{ReadFrom, Sources, Term, Verbosity};
use crate::commands::{changelog, publish, report, scaffold};
use crate::pipeline::{self, BuildError, BuildOptions, Source};

/// vitrine: turn a project's git repository into a status site for its client.
#[derive(Debug, Parser)]
#[command(name = "vitrine", version, about, long_about = None)]
pub struct Cli {
    /// The site root (the folder holding vitrine.toml). Default: the nearest one upward.
    /// For `init` and `demo`, relative paths are read from DIR.
    #[arg(short = 'C', long = "root", global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Print only errors and warnings, and the command's own output.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print what was read and how long each stage took.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a site root with a commented vitrine.toml and one example of each content kind.
    Init(InitArgs),
    /// Create a content file with its front matter filled in, and print its path.
    New(NewArgs),
    /// Build the site from a committed revision (default HEAD).
    Build(BuildArgs),
    /// Report every problem in the content at once; exit 1 on errors.
    Check(CheckArgs),
    /// Serve the work tree as a preview, rebuilding and reloading on every change.
    Serve(ServeArgs),
    /// Build the committed HEAD and commit the site onto a branch for GitHub Pages.
    Publish(PublishArgs),
    /// Compare the project at two revisions or dates: a report to paste into an e-mail.
    Report(ReportArgs),
    /// Print the changelog (releases and their Conventional Commits) as Markdown.
    Changelog(ChangelogArgs),
    /// Replay the example site's history into a fresh repository and build it.
    Demo(DemoArgs),
    /// Print a shell completion script, e.g. `vitrine completions bash > ~/.local/share/bash-completion/completions/vitrine`.
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one page per command into a folder.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write vitrine.1 and vitrine-COMMAND.1 into this folder instead of printing vitrine.1.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to make a site root (created if missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Also write a GitHub Actions workflow that builds and publishes to GitHub Pages.
    #[arg(long)]
    pub github_actions: bool,
}

/// The kinds `vitrine new` creates (mapped onto the library's [`scaffold::Kind`]:
/// clap stays in this module).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum KindArg {
    Note,
    Issue,
    Milestone,
    Term,
    Feedback,
}

impl From<KindArg> for scaffold::Kind {
    fn from(k: KindArg) -> Self {
        use scaffold::Kind;
        match k {
            KindArg::Note => Kind::Note,
            KindArg::Issue => Kind::Issue,
            KindArg::Milestone => Kind::Milestone,
            KindArg::Term => Kind::Term,
            KindArg::Feedback => Kind::Feedback,
        }
    }
}

/// The formats of `vitrine report` (see [`report::ReportFormat`]).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReportFormatArg {
    /// Markdown, for e-mail and chat.
    Md,
    /// Plain text.
    Text,
    /// A standalone, printable HTML page.
    Html,
    /// JSON (schema: docs/report.schema.json).
    Json,
}

impl From<ReportFormatArg> for report::ReportFormat {
    fn from(f: ReportFormatArg) -> Self {
        match f {
            ReportFormatArg::Md => report::ReportFormat::Md,
            ReportFormatArg::Text => report::ReportFormat::Text,
            ReportFormatArg::Html => report::ReportFormat::Html,
            ReportFormatArg::Json => report::ReportFormat::Json,
        }
    }
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// What to create.
    #[arg(value_enum)]
    pub kind: KindArg,
    /// Its title (for feedback: who it is from).
    pub title: String,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The address to listen on. Only change it to share the preview on your network:
    /// requests are answered only when addressed to localhost or to this address.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: String,
    /// Open the site in the browser.
    #[arg(long)]
    pub open: bool,
    /// Serve the team's internal view.
    #[arg(long)]
    pub internal: bool,
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The branch that receives the site (never one checked out in a work tree).
    #[arg(long, default_value = "gh-pages", value_parser = branch_name)]
    pub branch: String,
    /// Push the branch afterwards with your own git and credentials.
    #[arg(long)]
    pub push: bool,
    /// The remote to push to (and to compare with).
    #[arg(long, default_value = "origin", value_parser = remote_name)]
    pub remote: String,
    /// Not allowed: publish always builds the committed HEAD.
    #[arg(long, hide = true)]
    pub worktree: bool,
    /// Not allowed: the internal view is never published.
    #[arg(long, hide = true)]
    pub internal: bool,
}

fn branch_name(s: &str) -> Result<String, String> {
    crate::git::check_branch_name(s)
        .map(|()| s.to_string())
        .map_err(|e| e.to_string())
}

fn remote_name(s: &str) -> Result<String, String> {
    crate::git::check_remote_name(s)
        .map(|()| s.to_string())
        .map_err(|e| e.to_string())
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Start: a revision (commit, tag, branch) or a date YYYY-MM-DD (the end of that day).
    #[arg(long, value_name = "REV|DATE")]
    pub from: String,
    /// End: a revision or a date. Default: HEAD.
    #[arg(long, value_name = "REV|DATE")]
    pub to: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: ReportFormatArg,
    /// Include internal and draft content (never send this to a client).
    #[arg(long)]
    pub internal: bool,
}

fn run_changelog(root: &Path, a: &ChangelogArgs) -> Result<i32, BuildError> {
    let (rev, select) = match &a.range {
        Some(r) => {
            let Some((from, to)) = r.split_once("..") else {
                eprintln!("error: --range takes A..B, e.g. v1.2.0..v1.3.0");
                return Ok(2);
            };
            let to = if to.is_empty() { "HEAD" } else { to };
            (to.to_string(), changelog::Select::Range(from.to_string()))
        }
        None if a.latest => (a.rev.clone(), changelog::Select::Latest),
        None if a.unreleased => (a.rev.clone(), changelog::Select::Unreleased),
        None => (a.rev.clone(), changelog::Select::All),
    };
    let opts = changelog::ChangelogOptions {
        rev,
        use_cache: !a.no_cache,
        select,
    };
    if a.bump {
        let bump = changelog::next_version(root, &opts)?;
        let _ = writeln!(std::io::stdout(), "{}", bump.version);
        if let Some(note) = bump.note {
            eprintln!("note: {note}");
        }
        return Ok(0);
    }
    let md = changelog::changelog(root, &opts)?;
    let _ = write!(std::io::stdout(), "{md}");
    Ok(0)
}

#[derive(Debug, Args)]
pub struct ChangelogArgs {
    /// The revision whose history is read.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub rev: String,
    /// Walk the whole history instead of reusing the cache under .git/vitrine/.
    #[arg(long)]
    pub no_cache: bool,
    /// Only the newest release.
    #[arg(long, conflicts_with_all = ["unreleased", "range"])]
    pub latest: bool,
    /// Only the commits since the newest release.
    #[arg(long, conflicts_with = "range")]
    pub unreleased: bool,
    /// Only the commits reachable from B and not from A, e.g. v1.2.0..v1.3.0 (B is read as
    /// --rev).
    #[arg(long, value_name = "A..B")]
    pub range: Option<String>,
    /// Print the next version the unreleased commits call for, instead of the changelog.
    #[arg(long)]
    pub bump: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to create the demo repository (replaced if it is an earlier demo).
    #[arg(default_value = "vitrine-demo")]
    pub dir: PathBuf,
    /// Replay this example folder (holding replay.toml) instead of the built-in example.
    #[arg(long, value_name = "DIR")]
    pub example: Option<PathBuf>,
    /// Also build the team's internal view into <dir>/public-internal.
    #[arg(long)]
    pub internal: bool,
}

#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Build the committed tree of this revision (commit, tag, branch).
    #[arg(long, value_name = "REV", conflicts_with = "worktree")]
    pub rev: Option<String>,
    /// Read the working directory instead of a commit (a preview).
    #[arg(long)]
    pub worktree: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Build the team's own view, with internal and draft content, marked on every page.
    #[arg(long)]
    pub internal: bool,
    /// Output folder. Default: <root>/public, or <root>/public-internal with --internal.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override base_url from vitrine.toml (e.g. https://acme.github.io/portal/).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Print the data templates receive, as JSON, instead of writing the site.
    #[arg(long)]
    pub context: bool,
    /// Build from scratch: walk the whole history and render every page instead of
    /// reusing the caches under .git/vitrine/ (history, parsed versions, pages).
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

impl SourceArgs {
    fn source(&self) -> Source {
        if self.worktree {
            Source::Worktree
        } else {
            Source::Rev(self.rev.clone().unwrap_or_else(|| "HEAD".into()))
        }
    }
}

/// Runs the command and returns the exit status.
pub fn run(cli: Cli) -> i32 {
    let mut t = Term::new(cli.quiet, cli.verbose);
    let under_c = |p: &Path| crate::cli::term::under(cli.root.as_deref(), p);
    match &cli.command {
        Command::Demo(a) => {
            let a = DemoArgs {
                dir: under_c(&a.dir),
                example: a.example.as_deref().map(under_c),
                internal: a.internal,
            };
            return run_demo(&t, &a).unwrap_or_else(|e| report_error(&t, e));
        }
        Command::Init(a) => {
            let a = InitArgs {
                dir: under_c(&a.dir),
                github_actions: a.github_actions,
            };
            return run_init(&t, &a).unwrap_or_else(|e| report_error(&t, e));
        }
        Command::Completions(a) => return crate::cli::shell::completions(a.shell),
        Command::Man(a) => return crate::cli::shell::man(a.out.as_deref()),
        _ => {}
    }
    let root = match site_root(cli.root.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    t.sources = Sources::new(&root, read_from(&cli.command));
    let t = &t;
    t.detail(format!("site root: {}", root.display()));
    let result = match &cli.command {
        Command::Build(a) => run_build(t, &root, a),
        Command::Check(a) => run_check(t, &root, a),
        Command::Changelog(a) => run_changelog(&root, a),
        Command::New(a) => run_new(&root, a),
        Command::Report(a) => {
            let opts = report::ReportOptions {
                root: root.clone(),
                from: a.from.clone(),
                to: a.to.clone(),
                format: a.format.into(),
                internal: a.internal,
            };
            report::report(&opts).map(|text| {
                let _ = write!(std::io::stdout(), "{text}");
                0
            })
        }
        Command::Serve(a) => {
            let opts = crate::commands::serve::ServeOptions {
                root: root.clone(),
                bind: a.bind.clone(),
                port: a.port,
                open: a.open,
                internal: a.internal,
            };
            crate::commands::serve::serve(&opts)
                .map(|()| 0)
                .map_err(BuildError::from)
        }
        Command::Publish(a) if a.worktree || a.internal => {
            let what = if a.worktree {
                "--worktree (uncommitted files)"
            } else {
                "--internal (the team's view)"
            };
            eprintln!(
                "error: publish refuses {what}: only the committed client site is ever published"
            );
            return 2;
        }
        Command::Publish(a) => run_publish(t, &root, a),
        Command::Demo(_) | Command::Init(_) | Command::Completions(_) | Command::Man(_) => {
            unreachable!("handled above")
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => report_error(t, e),
    }
}

/// Where a command reads the site from, so that diagnostics can show their source lines.
fn read_from(command: &Command) -> ReadFrom {
    let head = || ReadFrom::Rev("HEAD".into());
    match command {
        Command::Build(BuildArgs { source, .. }) | Command::Check(CheckArgs { source, .. }) => {
            match source.source() {
                Source::Rev(r) => ReadFrom::Rev(r),
                Source::Worktree => ReadFrom::Worktree,
            }
        }
        Command::Changelog(a) => ReadFrom::Rev(a.rev.clone()),
        Command::Report(a) => a.to.clone().map_or_else(head, ReadFrom::Rev),
        Command::Publish(_) => head(),
        Command::Serve(_) | Command::New(_) => ReadFrom::Worktree,
        Command::Demo(_) | Command::Init(_) | Command::Completions(_) | Command::Man(_) => {
            ReadFrom::Nowhere
        }
    }
}

fn site_root(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    match given {
        Some(dir) if dir.join("vitrine.toml").is_file() => {
            Ok(dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()))
        }
        // A bare repository: the site is read from its commits (the tree's top holds vitrine.toml).
        Some(dir) if crate::git::is_bare_repository(dir) => {
            Ok(dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()))
        }
        Some(dir) => anyhow::bail!("{} holds no vitrine.toml", dir.display()),
        None => {
            let cwd = std::env::current_dir()?;
            pipeline::find_root(&cwd).ok_or_else(|| {
                anyhow::anyhow!(
                    "no vitrine.toml in {} or any folder above it\n  hint: run `vitrine init` to create a site, or pass -C DIR",
                    cwd.display()
                )
            })
        }
    }
}

fn run_build(t: &Term, root: &Path, a: &BuildArgs) -> Result<i32, BuildError> {
    let bare = !root.join("vitrine.toml").is_file();
    if bare && (a.out.is_none() || a.source.worktree) {
        eprintln!(
            "error: {} is a bare repository: it has no work tree, so pass -o DIR (and no --worktree)",
            root.display()
        );
        return Ok(2);
    }
    let out = a.out.clone().unwrap_or_else(|| {
        root.join(if a.internal {
            "public-internal"
        } else {
            "public"
        })
    });
    let opts = BuildOptions {
        root: root.to_path_buf(),
        source: a.source.source(),
        internal: a.internal,
        out,
        base_url: a.base_url.clone(),
        use_cache: !a.no_cache,
        memo: None,
        lint: true,
        progress: None,
    };
    if a.context {
        // The same preparation as a build (so `--base-url` and every view are as built).
        let (site, loaded, _) = pipeline::prepare(&opts)?;
        t.diagnostics(&loaded.diagnostics);
        let json = serde_json::to_string_pretty(&site.data).map_err(anyhow::Error::from)?;
        let _ = writeln!(std::io::stdout(), "{json}");
        return Ok(0);
    }
    let bar = t.progress();
    let opts = BuildOptions {
        progress: bar.as_ref().map(|(p, _)| p.clone()),
        ..opts
    };
    let report = crate::commands::build::build(&opts);
    if let Some((_, bar)) = bar {
        bar.finish_and_clear();
    }
    let report = report?;
    t.diagnostics(&report.diagnostics);
    let from = report
        .revision
        .as_deref()
        .map_or("the work tree".to_string(), |r| {
            format!("commit {}", &r[..10])
        });
    let unchanged = match report.reused {
        0 => String::new(),
        n if n == report.files => ", all unchanged".to_string(),
        n => format!(", {} rendered, {n} unchanged", report.rendered.len()),
    };
    t.status(format!(
        "built {} pages ({} files{unchanged}) from {from} into {}",
        report.pages,
        report.files,
        report.out.display()
    ));
    if std::env::var_os("VITRINE_CACHE_TRACE").is_some() {
        // For tests and the curious: which pages the build cache did not carry over.
        for page in &report.rendered {
            eprintln!("rendered {page}");
        }
    }
    let index = report.out.join("index.html");
    t.status(format!(
        "open file://{}",
        index.canonicalize().unwrap_or(index).display()
    ));
    let timings =
        t.verbosity == Verbosity::Verbose || std::env::var_os("VITRINE_TIMINGS").is_some();
    for (stage, secs) in report.timings.iter().filter(|_| timings) {
        eprintln!("  {stage:>8}: {:.3} s", secs);
    }
    Ok(0)
}

fn run_init(t: &Term, a: &InitArgs) -> Result<i32, BuildError> {
    let dir = &a.dir;
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let repo_root = crate::git::Repo::discover(dir)
        .ok()
        .and_then(|r| r.workdir());
    let workflow = if a.github_actions {
        let base = repo_root.clone().unwrap_or_else(|| dir.clone());
        let abs = dir
            .canonicalize()
            .unwrap_or_else(|_| std::env::current_dir().unwrap_or_default().join(dir));
        let base_abs = base.canonicalize().unwrap_or(base.clone());
        let site = abs
            .strip_prefix(&base_abs)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        Some((base, site))
    } else {
        None
    };
    let written = scaffold::init(
        dir,
        workflow.as_ref().map(|(b, s)| (b.as_path(), s.as_str())),
    )?;
    for w in &written {
        match w {
            scaffold::Written::Created(p) => t.status(format!("created {}", p.display())),
            scaffold::Written::Kept(p) => t.status(format!("kept    {} (it exists)", p.display())),
        }
    }
    if repo_root.is_none() {
        t.status(format!(
            "note: {} is not in a git repository yet; run `git init` and commit before `vitrine build`",
            dir.display()
        ));
    }
    t.status(
        "next: edit vitrine.toml, commit, then run `vitrine build` (or `vitrine build --worktree` to preview)",
    );
    Ok(0)
}

fn run_publish(t: &Term, root: &Path, a: &PublishArgs) -> Result<i32, BuildError> {
    let opts = publish::PublishOptions {
        root: root.to_path_buf(),
        branch: a.branch.clone(),
        remote: a.remote.clone(),
        push: a.push,
    };
    let report = publish::publish(&opts)?;
    t.diagnostics(&report.diagnostics);
    let source = &report.source[..report.source.len().min(10)];
    match &report.commit {
        Some(c) => t.status(format!(
            "published {} files from {source} as commit {} on `{}`",
            report.files,
            &c[..10],
            a.branch
        )),
        None => t.status(format!(
            "`{}` already holds the site of {source}; nothing to commit",
            a.branch
        )),
    }
    if a.push {
        t.status(format!("pushed `{}` to `{}`", a.branch, a.remote));
    } else {
        t.status(format!(
            "push it with `git push {} {}` (or run publish with --push)",
            a.remote, a.branch
        ));
    }
    Ok(0)
}

fn run_new(root: &Path, a: &NewArgs) -> Result<i32, BuildError> {
    let text = std::fs::read_to_string(root.join("vitrine.toml")).map_err(anyhow::Error::from)?;
    let tz = crate::config::Config::parse(&text, Path::new("vitrine.toml"))
        .map(|c| c.tz())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let path = scaffold::new_item(root, a.kind.into(), &a.title, &tz, jiff::Timestamp::now())?;
    let shown = path
        .strip_prefix(std::env::current_dir().unwrap_or_default())
        .unwrap_or(&path);
    let _ = writeln!(std::io::stdout(), "{}", shown.display());
    Ok(0)
}

fn run_demo(t: &Term, a: &DemoArgs) -> Result<i32, BuildError> {
    if a.dir.join(".git").exists() && a.dir.join(".vitrine-demo").exists() {
        std::fs::remove_dir_all(&a.dir).map_err(|e| {
            anyhow::anyhow!("cannot remove the earlier demo {}: {e}", a.dir.display())
        })?;
    }
    let example = a.example.clone().map_or(
        crate::commands::demo::Example::Embedded,
        crate::commands::demo::Example::Folder,
    );
    t.status(format!("replaying {example} into {}", a.dir.display()));
    let root = crate::commands::demo::replay(&example, &a.dir)?;
    let t = &t.for_site(&root, ReadFrom::Rev("HEAD".into()));
    std::fs::write(a.dir.join(".vitrine-demo"), "").map_err(anyhow::Error::from)?;
    let out = root.join("public");
    let build = BuildArgs {
        source: SourceArgs {
            rev: None,
            worktree: false,
        },
        internal: false,
        out: Some(out),
        base_url: None,
        context: false,
        no_cache: false,
    };
    let code = run_build(t, &root, &build)?;
    if a.internal {
        let internal = BuildArgs {
            internal: true,
            out: Some(root.join("public-internal")),
            ..build
        };
        run_build(t, &root, &internal)?;
    }
    Ok(code)
}

fn run_check(t: &Term, root: &Path, a: &CheckArgs) -> Result<i32, BuildError> {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        source: a.source.source(),
        internal: false,
        out: root.join("public"),
        base_url: None,
        use_cache: true,
        memo: None,
        lint: true,
        progress: None,
    };
    let diagnostics = crate::commands::check::check(&opts)?;
    let d = &diagnostics;
    match a.format {
        Format::Json => {
            let items: Vec<_> = d.clone().sorted();
            let json = serde_json::to_string_pretty(&items).map_err(anyhow::Error::from)?;
            let _ = writeln!(std::io::stdout(), "{json}");
        }
        Format::Text => {
            t.diagnostics(d);
            let warnings = d.iter().count() - d.error_count();
            t.status(format!(
                "checked: {} error(s), {warnings} warning(s)",
                d.error_count()
            ));
        }
    }
    Ok(if d.has_errors() { 1 } else { 0 })
}

fn report_error(t: &Term, e: BuildError) -> i32 {
    match e {
        BuildError::Content(d) => {
            t.diagnostics(&d);
            eprintln!(
                "error: build failed with {} error(s); the previous output is untouched",
                d.error_count()
            );
        }
        BuildError::Other(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
        }
    }
    1
}
