//! `vitrine report`: the history between two revisions or dates, as a summary to paste
//! into an e-mail (Markdown, text, HTML or JSON).

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, anyhow};

use crate::content::versions::Versions;
use crate::dates::When;
use crate::git::Repo;
use crate::insight::report::End;
use crate::pipeline::{BuildError, BuildOptions, Loaded, Memo, Source, commit_at, config_at, load};
use crate::render::{self, Theme};

/// The formats of `vitrine report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Writes the report between two revisions or dates.
pub fn report(o: &ReportOptions) -> Result<String, BuildError> {
    let repo = Repo::discover(&o.root)?;
    let head = repo.resolve("HEAD")?;
    // How the report reads (language, time zone, the site's address) is today's setting,
    // from HEAD: a report on an old period, sent now, is in the language the client reads
    // now. What it reports comes from the period's own revisions.
    let current = config_at(&repo, &head, "HEAD")?;
    let tz = current.tz();
    let to_spec = o.to.clone().unwrap_or_else(|| "HEAD".into());
    let memo = Arc::new(Memo::default());
    let to_rev = resolve_end(&repo, &head, &to_spec, &tz, &memo)?;
    let opts = BuildOptions {
        root: o.root.clone(),
        source: Source::Rev(to_rev.clone()),
        internal: o.internal,
        out: o.root.join("public"),
        base_url: None,
        use_cache: true,
        memo: Some(memo),
        lint: false,
        progress: None,
    };
    let loaded = load(&opts)?;
    if loaded.diagnostics.has_errors() {
        return Err(BuildError::Content(loaded.diagnostics));
    }
    let (from, to) = period_ends(&repo, &loaded, o, &to_spec, to_rev, &tz)?;
    let report = period_report(&loaded, from, to);
    let theme =
        Theme::load(&current.language, &loaded.project.theme).context("loading the theme")?;
    let base = current.base_url();
    let lang = current.language.as_str();
    if base.is_none() && o.format != ReportFormat::Json {
        eprintln!(
            "vitrine.toml: warning: the report's links lead to pages of the site, but `base_url` is not set: \
             in an e-mail they are only titles\n  hint: set `base_url` to the published site's address"
        );
    }
    let text = match o.format {
        ReportFormat::Json => serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?,
        ReportFormat::Md => {
            let style = render::report::Style::Markdown;
            render::report::write(&report, &theme, lang, base.as_deref(), style)?
        }
        ReportFormat::Text => {
            let style = render::report::Style::Text;
            render::report::write(&report, &theme, lang, base.as_deref(), style)?
        }
        ReportFormat::Html => render::report_html(&report, &theme, base.as_deref(), lang)?,
    };
    if !o.internal {
        // A client report goes through the same leak guard as the site.
        let what = format!("(report, {:?})", o.format).to_lowercase();
        let ui = theme.strings.values().map(String::as_str);
        let leaks = crate::guard::check_text(&what, &text, &loaded.project, ui);
        if leaks.has_errors() {
            return Err(BuildError::Content(leaks));
        }
    }
    Ok(text)
}

/// The commit a report ends at: a revision, or the newest commit on or before a date
/// (found in HEAD's index, which is kept for the load when that commit is HEAD).
fn resolve_end(
    repo: &Repo,
    head: &crate::git::Revision,
    spec: &str,
    tz: &jiff::tz::TimeZone,
    memo: &Memo,
) -> Result<String, BuildError> {
    Ok(match end_of_day(spec, tz) {
        Some(t) => {
            let index = Arc::new(repo.history(head, true)?.0);
            let c = commit_at(&index, t)
                .ok_or_else(|| anyhow!("there is no commit on or before {spec}"))?;
            let id = c.id.clone();
            memo.remember(index, &Versions::new());
            id
        }
        None => repo.resolve(spec)?.id,
    })
}

/// Both ends of the reported period, each a revision or the end of a day.
fn period_ends(
    repo: &Repo,
    loaded: &Loaded,
    o: &ReportOptions,
    to_spec: &str,
    to_rev: String,
    tz: &jiff::tz::TimeZone,
) -> Result<(End, End), BuildError> {
    let index = loaded
        .history
        .as_deref()
        .ok_or_else(|| anyhow!("no history to report on"))?;
    let time_of = |id: &str| index.commit_by_id(id).map(|c| c.time);
    let to_time = match end_of_day(to_spec, tz) {
        Some(t) => t,
        None => time_of(&to_rev).unwrap_or_default(),
    };
    let (from_commit, from_time) = match end_of_day(&o.from, tz) {
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
    let end = |spec: &str, commit: Option<String>, t: i64| End {
        spec: Some(spec.to_string()),
        commit,
        time: When::from_commit(jiff::Timestamp::from_second(t).unwrap_or_default(), tz)
            .view()
            .stamp,
        ts: t,
    };
    Ok((
        end(&o.from, from_commit, from_time),
        end(to_spec, Some(to_rev), to_time),
    ))
}

/// The report of one period of a loaded project.
pub fn period_report(
    loaded: &Loaded,
    from: crate::insight::report::End,
    to: crate::insight::report::End,
) -> crate::insight::report::Report {
    use crate::insight::{changelog, trace};
    let index = loaded.history.as_deref();
    // Which commits may never be shown, read once for the changelog and the traces.
    let hidden = index.map(|i| loaded.changelog_rules.hidden(i));
    let rules = &loaded.changelog_rules;
    let releases = (index.zip(hidden.as_deref()))
        .map(|(i, h)| changelog::changelog_with(i, &loaded.tags, rules, h))
        .unwrap_or_default();
    let ids = trace::IssueIds::new(loaded.project.issues.iter().map(|i| i.id.as_str()));
    let traces = (index.zip(hidden.as_deref()))
        .map(|(i, h)| trace::trace(i, &ids, &releases, h))
        .unwrap_or_default();
    let input = crate::insight::report::Input {
        project: &loaded.project,
        releases: &releases,
        traces: &traces,
        config: &loaded.config,
        states: &loaded.states,
    };
    crate::insight::report::report(&input, from, to)
}
