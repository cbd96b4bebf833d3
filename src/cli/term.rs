//! What the command line prints on stderr and how: colour (only on a terminal, never under
//! `NO_COLOR`), how much (`--quiet`, `--verbose`), and diagnostics with the source line
//! they point at.
//!
//! The source line is read again, when a diagnostic is printed, from where the run read
//! the site: the committed tree of the revision (not the work tree, which may differ) or
//! the work tree for `--worktree`. A file or line that cannot be read is no reason to fail:
//! the diagnostic is then printed without its excerpt.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::diag::{self, Diagnostics};

/// How much the command line says besides its output and its diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Errors and warnings only.
    Quiet,
    /// Plus what was done ("built 83 pages … into …").
    Normal,
    /// Plus what was read and how long each stage took.
    Verbose,
}

/// Whether stderr gets ANSI colours: `NO_COLOR` (any non-empty value) turns them off,
/// `CLICOLOR_FORCE` (non-empty, not `0`) turns them on when piped, and otherwise only a
/// terminal gets them.
pub fn color_on_stderr() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    set("CLICOLOR_FORCE") || std::io::stderr().is_terminal()
}

/// Where the site's files were read from, to show the lines diagnostics point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadFrom {
    /// The committed tree of this revision.
    Rev(String),
    /// The work tree.
    Worktree,
    /// Nothing to show (no site yet).
    Nowhere,
}

/// The source texts of one site, read lazily and kept for the rest of the run.
pub struct Sources {
    root: PathBuf,
    from: ReadFrom,
    texts: RefCell<HashMap<PathBuf, Option<String>>>,
}

impl Sources {
    pub fn new(root: &Path, from: ReadFrom) -> Sources {
        Sources {
            root: root.to_path_buf(),
            from,
            texts: RefCell::default(),
        }
    }

    pub fn none() -> Sources {
        Sources::new(Path::new("."), ReadFrom::Nowhere)
    }

    /// The text of a file of the site root (a path relative to it), if it can be read.
    pub fn text(&self, path: &Path) -> Option<String> {
        let mut texts = self.texts.borrow_mut();
        texts
            .entry(path.to_path_buf())
            .or_insert_with(|| self.read(path))
            .clone()
    }

    fn read(&self, path: &Path) -> Option<String> {
        let bytes = match &self.from {
            ReadFrom::Nowhere => return None,
            ReadFrom::Worktree => std::fs::read(self.root.join(path)).ok()?,
            ReadFrom::Rev(spec) => {
                let repo = crate::git::Repo::discover(&self.root).ok()?;
                let rev = repo.resolve(spec).ok()?;
                let rel = path.to_str()?.replace('\\', "/");
                repo.read_file(&rev, &rel).ok()??
            }
        };
        String::from_utf8(bytes).ok()
    }
}

/// Everything the command line needs to print: colour, verbosity, and the site's sources.
pub struct Term {
    pub color: bool,
    pub verbosity: Verbosity,
    pub sources: Sources,
}

impl Term {
    /// The terminal of a run with these flags (clap makes them exclusive).
    pub fn new(quiet: bool, verbose: bool) -> Term {
        let verbosity = match (quiet, verbose) {
            (true, _) => Verbosity::Quiet,
            (_, true) => Verbosity::Verbose,
            _ => Verbosity::Normal,
        };
        Term {
            color: color_on_stderr(),
            verbosity,
            sources: Sources::none(),
        }
    }

    /// Prints a line about what was done, unless `--quiet`.
    pub fn status(&self, text: impl std::fmt::Display) {
        if self.verbosity >= Verbosity::Normal {
            let _ = writeln!(std::io::stderr(), "{text}");
        }
    }

    /// Prints a line only with `--verbose`.
    pub fn detail(&self, text: impl std::fmt::Display) {
        if self.verbosity >= Verbosity::Verbose {
            let _ = writeln!(std::io::stderr(), "{text}");
        }
    }

    /// Prints every diagnostic, sorted, each with its source line when it can be read.
    pub fn diagnostics(&self, d: &Diagnostics) {
        let mut err = std::io::stderr().lock();
        for item in d.clone().sorted() {
            let source = item.path.as_deref().and_then(|p| self.sources.text(p));
            let _ = writeln!(
                err,
                "{}",
                diag::render(&item, source.as_deref(), self.color)
            );
        }
    }

    /// A progress bar for a long build: drawn on stderr only when it is a terminal, not
    /// under `--quiet` or in CI, and only once the build has run for a second; until then
    /// (and in a pipe) nothing but the summary line is printed.
    pub fn progress(&self) -> Option<(crate::pipeline::Progress, indicatif::ProgressBar)> {
        use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        if self.verbosity < Verbosity::Normal || ci || !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
            bar.set_style(style);
        }
        let (shown, start) = (std::sync::Once::new(), std::time::Instant::now());
        let b = bar.clone();
        let tick = move |step: &'static str, done: u64, total: Option<u64>| {
            if start.elapsed() >= std::time::Duration::from_secs(1) {
                shown.call_once(|| {
                    b.set_draw_target(ProgressDrawTarget::stderr());
                    b.enable_steady_tick(std::time::Duration::from_millis(120));
                });
            }
            b.set_message(match (step, total) {
                ("history", _) => format!("reading history: {done} commits"),
                (_, Some(t)) => format!("rendering pages: {done}/{t}"),
                (other, None) => format!("{other}: {done}"),
            });
        };
        Some((crate::pipeline::Progress(std::sync::Arc::new(tick)), bar))
    }

    /// The same terminal reading another site (the demo's, once it exists).
    pub fn for_site(&self, root: &Path, from: ReadFrom) -> Term {
        Term {
            color: self.color,
            verbosity: self.verbosity,
            sources: Sources::new(root, from),
        }
    }
}

/// A path given to `init` or `demo`, read from `-C DIR` when there is one (`-C status
/// init` makes `status/` a site root, like `git -C` or `cargo -C`).
pub fn under(c: Option<&Path>, p: &Path) -> PathBuf {
    let joined = c.map_or(p.to_path_buf(), |c| c.join(p));
    let path: PathBuf = joined
        .components()
        .filter(|c| *c != std::path::Component::CurDir)
        .collect();
    if path.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_read_from_dash_c() {
        let p = |c: Option<&str>, p: &str| under(c.map(Path::new), Path::new(p));
        assert_eq!(p(None, "."), PathBuf::from("."));
        assert_eq!(p(Some("status"), "."), PathBuf::from("status"));
        assert_eq!(p(Some("a"), "b/c"), PathBuf::from("a/b/c"));
        assert_eq!(p(Some("a"), "/abs"), PathBuf::from("/abs"));
    }
}
