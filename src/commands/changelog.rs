//! `vitrine changelog`: the client's changelog as Markdown, and `--bump`.

use std::path::Path;

use anyhow::{Context, anyhow};

use crate::config::Config;
use crate::git::{HistoryIndex, Repo, Revision};
use crate::insight::changelog::Rules;
use crate::pipeline::{BuildError, BuildOptions, Source, changelog_rules, config_at, load};
use crate::render::{self, Theme};

/// Which releases `vitrine changelog` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Select {
    All,
    /// The newest release only.
    Latest,
    /// The commits since the newest release.
    Unreleased,
    /// The commits not reachable from this revision (`A` of `A..B`; `B` is the revision).
    Range(String),
}

/// What `vitrine changelog` reads and prints.
#[derive(Debug, Clone)]
pub struct ChangelogOptions {
    /// The revision whose history is read.
    pub rev: String,
    pub use_cache: bool,
    pub select: Select,
}

/// The history, tags and rules a changelog is computed from.
fn changelog_input(
    root: &Path,
    opts: &ChangelogOptions,
) -> Result<(Repo, Revision, Config, HistoryIndex, Rules), BuildError> {
    let repo = Repo::discover(root)?;
    let rev = repo.resolve(&opts.rev)?;
    let config = config_at(&repo, &rev, &opts.rev)?;
    let (index, _) = repo.history(&rev, opts.use_cache)?;
    let rules = changelog_rules(Some(&repo), Some(&rev), &config)?;
    Ok((repo, rev, config, index, rules))
}

/// The changelog of the repository, as Markdown (`vitrine changelog`).
pub fn changelog(root: &Path, opts: &ChangelogOptions) -> Result<String, BuildError> {
    use crate::insight::changelog;
    // The client's view: the project is loaded so that commits naming internal items are
    // hidden and the output passes the leak guard, like every other client output.
    let repo = Repo::discover(root)?;
    let loaded = load(&BuildOptions {
        root: root.to_path_buf(),
        source: Source::Rev(opts.rev.clone()),
        internal: false,
        out: root.join("public"),
        base_url: None,
        use_cache: opts.use_cache,
        memo: None,
        lint: false,
        progress: None,
    })?;
    if loaded.diagnostics.has_errors() {
        return Err(BuildError::Content(loaded.diagnostics));
    }
    let (config, rules) = (&loaded.config, &loaded.changelog_rules);
    let index = loaded
        .history
        .as_deref()
        .ok_or_else(|| anyhow!("no history to write a changelog from"))?;
    let mut releases = changelog::changelog(index, &loaded.tags, rules);
    match &opts.select {
        Select::All => {}
        Select::Latest => {
            releases.retain(|r| r.tag.is_some());
            releases.truncate(1);
        }
        Select::Unreleased => releases.retain(|r| r.tag.is_none()),
        Select::Range(from) => {
            let ids = repo.range_ids(from, &opts.rev)?;
            changelog::keep_commits(&mut releases, &ids);
        }
    }
    let views = render::history_views::changelog_view(
        &releases,
        &[],
        &[],
        &crate::routes::release_paths(
            &releases
                .iter()
                .filter_map(|r| r.tag.as_deref())
                .collect::<Vec<_>>(),
            usize::MAX,
        ),
        &config.tz(),
        config.forge().as_ref(),
    );
    let theme =
        Theme::load(&config.language, &loaded.project.theme).context("loading the theme")?;
    let text = render::changelog_markdown(&views, &theme)?;
    let ui = theme.strings.values().map(String::as_str);
    let leaks = crate::guard::check_text("(vitrine changelog)", &text, &loaded.project, ui);
    if leaks.has_errors() {
        return Err(BuildError::Content(leaks));
    }
    Ok(text)
}

/// The answer of `vitrine changelog --bump`.
#[derive(Debug, Clone)]
pub struct Bump {
    /// The next version, written like the newest release tag (`v1.3.0`, `mytool-v0.4.0`).
    pub version: String,
    /// Said on stderr: why the version did not change.
    pub note: Option<String>,
}

/// The next version the commits since the newest release call for.
pub fn next_version(root: &Path, opts: &ChangelogOptions) -> Result<Bump, BuildError> {
    let (repo, _, _, index, rules) = changelog_input(root, opts)?;
    let (latest, unreleased) = crate::insight::changelog::unreleased(&index, &repo.tags(), &rules);
    let version = latest.as_ref().map(|(_, v)| v);
    Ok(
        match crate::insight::changelog::next_version(version, &unreleased) {
            Some(next) => Bump {
                version: latest
                    .as_ref()
                    .map_or(next.to_string(), |(tag, _)| rules.retag(tag, &next)),
                note: None,
            },
            None => Bump {
                version: latest
                    .as_ref()
                    .map_or("0.1.0".into(), |(tag, _)| tag.clone()),
                note: Some("nothing was committed since the newest release".into()),
            },
        },
    )
}
