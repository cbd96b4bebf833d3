//! The changelog: releases are tags that match `[changelog] tag_pattern`, ordered by SemVer
//! precedence (a maintained implementation, so `rc.10` follows `rc.2`) and dated by their
//! commit. A commit belongs to the oldest release whose tag reaches it, so a release lists
//! what it added over every earlier one. Pre-release tags are folded into the final release
//! that follows them unless configured otherwise.
//!
//! Entries are grouped by Conventional Commits type in a configured order. A commit with the
//! trailer `Visibility: internal`, of a hidden type, named by `skip`/`.cliffignore`, or whose
//! subject matches `skip_messages`, never appears; a revert cancels the entry it undoes when
//! both fall in the same release.

use std::collections::HashSet;

use regex::Regex;
use semver::Version;

use crate::config::{ChangelogConfig, EmptyReleases, Prereleases};
use crate::git::{CommitMeta, HistoryIndex};

/// The types shown by default, in this order (breaking changes always come first).
pub const DEFAULT_ORDER: &[&str] = &["feat", "fix", "perf", "security"];
/// The types hidden by default. `docs` is hidden too: status notes are committed as docs.
pub const DEFAULT_HIDE: &[&str] = &["chore", "ci", "test", "build", "style", "refactor", "docs"];
pub use crate::config::DEFAULT_TAG_PATTERN;

/// `[changelog]` compiled: which tags are releases and which commits are listed.
#[derive(Debug, Clone)]
pub struct Rules {
    tag_pattern: Regex,
    pub prereleases: Prereleases,
    pub empty_releases: EmptyReleases,
    order: Vec<String>,
    hide: Vec<String>,
    skip: Vec<String>,
    skip_messages: Vec<Regex>,
    /// Ids of items the audience may not see: a commit naming one is never listed.
    hidden: Option<super::trace::IssueIds>,
}

impl Rules {
    /// Compiles the configuration; `cliffignore` is the text of a `.cliffignore` file (one
    /// commit id per line, `#` comments), whose ids are skipped like `skip`.
    pub fn new(cfg: &ChangelogConfig, cliffignore: Option<&str>) -> Result<Rules, String> {
        // `validate` says what is wrong with a bad config; compiling then cannot fail.
        cfg.validate()?;
        let pattern = cfg.tag_pattern.as_deref().unwrap_or(DEFAULT_TAG_PATTERN);
        let compile = |p: &str| Regex::new(p).map_err(|e| e.to_string());
        let tag_pattern = compile(pattern)?;
        let skip_messages = cfg
            .skip_messages
            .iter()
            .map(|p| compile(p))
            .collect::<Result<_, _>>()?;
        let mut skip: Vec<String> = cfg
            .skip
            .iter()
            .map(|i| i.trim().to_ascii_lowercase())
            .collect();
        skip.extend(cliffignore.into_iter().flat_map(cliffignore_ids));
        let or_default = |v: &[String], d: &[&str]| -> Vec<String> {
            if v.is_empty() {
                d.iter().map(|s| s.to_string()).collect()
            } else {
                v.to_vec()
            }
        };
        Ok(Rules {
            tag_pattern,
            prereleases: cfg.prereleases,
            empty_releases: cfg.empty_releases,
            order: or_default(&cfg.order, DEFAULT_ORDER),
            hide: or_default(&cfg.hide, DEFAULT_HIDE),
            skip,
            skip_messages,
            hidden: None,
        })
    }

    /// The version a tag names, if it is a release tag. `1.2` reads as `1.2.0`.
    pub fn version(&self, tag: &str) -> Option<Version> {
        let text = self.version_span(tag)?.1;
        let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
        Version::parse(text).ok().or_else(|| {
            let (core, rest) = text
                .find(['-', '+'])
                .map_or((text, ""), |i| text.split_at(i));
            (core.matches('.').count() == 1)
                .then(|| Version::parse(&format!("{core}.0{rest}")).ok())
                .flatten()
        })
    }

    /// Where the version sits in a tag: (byte range, text).
    fn version_span<'t>(&self, tag: &'t str) -> Option<(std::ops::Range<usize>, &'t str)> {
        let caps = self.tag_pattern.captures(tag)?;
        let m = caps.name("version").or_else(|| caps.get(1))?;
        Some((m.range(), m.as_str()))
    }

    /// `tag` with its version replaced by `version` (`mytool-v0.3.1` → `mytool-v0.4.0`).
    pub fn retag(&self, tag: &str, version: &Version) -> String {
        match self.version_span(tag) {
            Some((range, text)) => {
                let v = if text.starts_with(['v', 'V']) {
                    "v"
                } else {
                    ""
                };
                format!("{}{v}{version}{}", &tag[..range.start], &tag[range.end..])
            }
            None => version.to_string(),
        }
    }

    /// Whether a commit is left out by id or subject.
    /// Rules that also hide every commit whose message names one of `ids` (the ids of
    /// internal and draft items, in a client build).
    pub fn hiding<'a>(mut self, ids: impl IntoIterator<Item = &'a str>) -> Rules {
        let ids = super::trace::IssueIds::new(ids);
        self.hidden = (!ids.is_empty()).then_some(ids);
        self
    }

    /// Whether a commit may never be shown: the internal trailer, or it names an item the
    /// audience may not see.
    pub fn hides(&self, commit: &CommitMeta) -> bool {
        is_internal(&commit.message)
            || self
                .hidden
                .as_ref()
                .is_some_and(|h| !h.find(&commit.message).is_empty())
    }

    /// [`hides`](Self::hides) for every commit of the index, in its order (in parallel: it
    /// reads every message of the repository).
    pub fn hidden(&self, index: &HistoryIndex) -> Vec<bool> {
        use rayon::prelude::*;
        index.commits.par_iter().map(|c| self.hides(c)).collect()
    }

    pub fn skips(&self, commit: &CommitMeta) -> bool {
        self.skip.iter().any(|p| commit.id.starts_with(p.as_str()))
            || self
                .skip_messages
                .iter()
                .any(|r| r.is_match(commit.summary()))
    }
}

/// The commit ids of a `.cliffignore` file.
fn cliffignore_ids(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| l.len() >= 4 && l.chars().all(|c| c.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase)
}

/// A commit message read as a Conventional Commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conventional {
    pub kind: String,
    pub scope: Option<String>,
    /// The first paragraph of the message after the type, joined into one line.
    pub description: String,
    pub breaking: bool,
    /// The text of a `BREAKING CHANGE:` footer: what users must do.
    pub breaking_note: Option<String>,
    pub internal: bool,
}

/// A footer line: `Token: value`, `Token #value` or `BREAKING CHANGE: value`.
fn footer(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_end();
    let sep = line.find(": ").or_else(|| line.find(" #"))?;
    let (token, value) = (&line[..sep], line[sep + 2..].trim());
    let is_token = token == "BREAKING CHANGE"
        || (!token.is_empty()
            && token.starts_with(|c: char| c.is_ascii_alphabetic())
            && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    is_token.then_some((token, value))
}

/// The footers of a message body (every `Token: value` line, with its continuation lines).
pub fn footers(message: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut open = false;
    for line in message.lines().skip(1) {
        if let Some((k, v)) = footer(line) {
            out.push((k.to_string(), v.to_string()));
            open = true;
        } else if line.trim().is_empty() {
            open = false;
        } else if open && let Some(last) = out.last_mut() {
            last.1.push(' ');
            last.1.push_str(line.trim());
        }
    }
    out
}

impl Conventional {
    /// `type(scope)!: description`, footers `BREAKING CHANGE:` and trailer
    /// `Visibility: internal`. `None` for a message that does not follow the convention.
    pub fn parse(message: &str) -> Option<Conventional> {
        Self::parse_known(message, || is_internal(message))
    }

    /// [`parse`](Self::parse), for a caller that already knows whether the message is
    /// internal.
    fn parse_known(message: &str, internal: impl FnOnce() -> bool) -> Option<Conventional> {
        if !may_be_conventional(message) {
            return None;
        }
        Self::parse_subject(message, internal)
    }

    fn parse_subject(message: &str, internal: impl FnOnce() -> bool) -> Option<Conventional> {
        let subject = subject(message);
        let (head, description) = subject.split_once(": ")?;
        let (head, bang) = match head.strip_suffix('!') {
            Some(h) => (h, true),
            None => (head, false),
        };
        let (kind, scope) = match head.split_once('(') {
            Some((k, rest)) => (k, Some(rest.strip_suffix(')')?.trim().to_string())),
            None => (head, None),
        };
        if kind.is_empty()
            || !kind.chars().all(|c| c.is_ascii_alphabetic())
            || description.trim().is_empty()
        {
            return None;
        }
        let footers = footers(message);
        let breaking_note = footers
            .iter()
            .find(|(k, _)| k == "BREAKING CHANGE" || k.eq_ignore_ascii_case("breaking-change"))
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty());
        Some(Conventional {
            kind: kind.to_ascii_lowercase(),
            scope: scope.filter(|s| !s.is_empty()),
            description: description.trim().to_string(),
            breaking: bang || breaking_note.is_some(),
            breaking_note,
            internal: internal(),
        })
    }
}

/// What every Conventional Commits subject has, cheap to check: the type is the first
/// line's leading letters, followed there by `(`, `!` or `:`. Most commits of a long
/// history fail this before their subject is joined.
fn may_be_conventional(message: &str) -> bool {
    let first = message.lines().next().unwrap_or("").trim().as_bytes();
    let letters = first.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    letters > 0 && matches!(first.get(letters), Some(b'(' | b'!' | b':'))
}

/// The first paragraph of a message joined into one line; a footer ends it early.
pub fn subject(message: &str) -> String {
    let mut lines = message.lines();
    let mut out = lines.next().unwrap_or("").trim().to_string();
    for line in lines {
        if line.trim().is_empty() || footer(line).is_some() {
            break;
        }
        out.push(' ');
        out.push_str(line.trim());
    }
    out
}

/// Whether a message carries the trailer `Visibility: internal` (the one visibility model
/// decides).
pub fn is_internal(message: &str) -> bool {
    crate::content::visibility::internal_commit(message)
}

/// What a revert commit undoes: the reverted commit's id (from "This reverts commit …")
/// and its subject (from `Revert "…"`).
fn reverted(message: &str) -> Option<(Option<String>, String)> {
    let first = message.lines().next()?.trim();
    let inner = first
        .strip_prefix("Revert \"")
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| {
            first
                .strip_prefix("revert: ")
                .or_else(|| first.strip_prefix("revert!: "))
        })?;
    let id = message.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("This reverts commit ")?;
        let id: String = rest.chars().take_while(char::is_ascii_hexdigit).collect();
        (id.len() >= 7).then_some(id)
    });
    Some((id, inner.to_string()))
}

/// One release (or the unreleased commits), with its grouped entries.
#[derive(Debug, Clone)]
pub struct Release {
    /// The tag, or `None` for unreleased commits.
    pub tag: Option<String>,
    pub version: Option<Version>,
    /// The tagged commit.
    pub commit: Option<CommitMeta>,
    /// The tag of the release before it (for a compare view).
    pub previous: Option<String>,
    pub groups: Vec<Group>,
    /// Commits of the release not listed (maintenance: hidden types, no convention).
    pub maintenance: usize,
    /// Every commit of the release, newest first (for tracing a commit to its release).
    pub commit_ids: Vec<String>,
}

/// Entries of one type (`breaking` for breaking changes, `other` for unlisted types,
/// `revert` for reverts of earlier releases' entries).
#[derive(Debug, Clone)]
pub struct Group {
    pub kind: String,
    pub entries: Vec<ChangeEntry>,
}

#[derive(Debug, Clone)]
pub struct ChangeEntry {
    pub scope: Option<String>,
    pub description: String,
    pub breaking: bool,
    /// The breaking-change footer: the migration note.
    pub migration: Option<String>,
    /// For a revert: the id of the commit it undoes, when known.
    pub reverts: Option<String>,
    pub commit: CommitMeta,
}

/// Builds the changelog, newest release first (unreleased commits at the top).
pub fn changelog(index: &HistoryIndex, tags: &[(String, String)], rules: &Rules) -> Vec<Release> {
    changelog_with(index, tags, rules, &rules.hidden(index))
}

/// [`changelog`], given [`Rules::hidden`] of the index.
pub fn changelog_with(
    index: &HistoryIndex,
    tags: &[(String, String)],
    rules: &Rules,
    hidden: &[bool],
) -> Vec<Release> {
    let releases = release_tags(tags, rules, index);
    let owner = owners(index, &releases);
    // Each release's commits (the unreleased ones last), newest first: one pass, not one
    // scan of the whole history per release.
    let mut by_release: Vec<Vec<(&CommitMeta, bool)>> = vec![Vec::new(); releases.len() + 1];
    for ((c, o), h) in index.commits.iter().zip(&owner).zip(hidden) {
        by_release[o.unwrap_or(releases.len())].push((c, *h));
    }
    let mut commits_of =
        |r: Option<usize>| std::mem::take(&mut by_release[r.unwrap_or(releases.len())]);
    let internal: Vec<&CommitMeta> = index
        .commits
        .iter()
        .zip(hidden)
        .filter(|(_, h)| **h)
        .map(|(c, _)| c)
        .collect();
    let mut out = Vec::new();
    let unreleased = commits_of(None);
    let (groups, maintenance) = group(&unreleased, rules, &internal);
    if !groups.is_empty() {
        out.push(Release {
            tag: None,
            version: None,
            commit: None,
            previous: releases.last().map(|r| r.1.to_string()),
            groups,
            maintenance,
            commit_ids: unreleased.iter().map(|c| c.0.id.clone()).collect(),
        });
    }
    for (r, (version, tag, tip)) in releases.iter().enumerate().rev() {
        let commits = commits_of(Some(r));
        let (groups, maintenance) = group(&commits, rules, &internal);
        out.push(Release {
            tag: Some(tag.to_string()),
            version: Some(version.clone()),
            commit: Some(index.commits[*tip].clone()),
            previous: r.checked_sub(1).map(|p| releases[p].1.to_string()),
            groups,
            maintenance,
            commit_ids: commits.iter().map(|c| c.0.id.clone()).collect(),
        });
    }
    if rules.empty_releases == EmptyReleases::Fold {
        fold_empty(&mut out);
    }
    out
}

/// Keeps only the entries of commits in `ids`, and the releases that still hold a commit.
pub fn keep_commits(releases: &mut Vec<Release>, ids: &HashSet<String>) {
    releases.retain_mut(|r| {
        r.commit_ids.retain(|c| ids.contains(c));
        for g in &mut r.groups {
            g.entries.retain(|e| ids.contains(&e.commit.id));
        }
        r.groups.retain(|g| !g.entries.is_empty());
        !r.commit_ids.is_empty()
    });
}

/// The newest release (tag, version) and the commits no release reaches yet, skipped ones
/// left out: what `--bump` reads.
pub fn unreleased<'i>(
    index: &'i HistoryIndex,
    tags: &[(String, String)],
    rules: &Rules,
) -> (Option<(String, Version)>, Vec<&'i CommitMeta>) {
    let releases = release_tags(tags, rules, index);
    let owner = owners(index, &releases);
    let commits = index
        .commits
        .iter()
        .zip(&owner)
        .filter(|(c, o)| o.is_none() && !rules.skips(c))
        .map(|(c, _)| c)
        .collect();
    let latest = releases.last().map(|(v, t, _)| (t.to_string(), v.clone()));
    (latest, commits)
}

/// The release tags in ascending precedence, after the pre-release policy:
/// (version, tag, index of the tagged commit).
fn release_tags<'t>(
    tags: &'t [(String, String)],
    rules: &Rules,
    index: &HistoryIndex,
) -> Vec<(Version, &'t str, usize)> {
    let mut releases: Vec<(Version, &str, usize)> = tags
        .iter()
        .filter_map(|(name, id)| Some((rules.version(name)?, name.as_str(), index.index_of(id)?)))
        .collect();
    let newest_final = releases
        .iter()
        .filter(|r| r.0.pre.is_empty())
        .map(|r| r.0.clone())
        .max();
    releases.retain(|(v, _, _)| {
        v.pre.is_empty()
            || match rules.prereleases {
                Prereleases::Show => true,
                Prereleases::Hide => false,
                Prereleases::Fold => newest_final.as_ref().is_none_or(|f| v > f),
            }
    });
    releases.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    releases.dedup_by(|a, b| a.2 == b.2 && a.0 == b.0);
    releases
}

/// For every commit, the oldest release (by precedence) whose tag reaches it.
fn owners(index: &HistoryIndex, releases: &[(Version, &str, usize)]) -> Vec<Option<usize>> {
    let mut owner: Vec<Option<usize>> = vec![None; index.commits.len()];
    for (r, (_, _, tip)) in releases.iter().enumerate() {
        let mut stack = vec![*tip];
        while let Some(i) = stack.pop() {
            if owner[i].is_some() {
                continue;
            }
            owner[i] = Some(r);
            stack.extend(
                index.commits[i]
                    .parents
                    .iter()
                    .filter_map(|p| index.index_of(p)),
            );
        }
    }
    owner
}

/// Folds each release with nothing to show into the next newer one (the newest stays).
fn fold_empty(releases: &mut Vec<Release>) {
    // Newest first: walk from the oldest up, carrying what an empty release held.
    let mut i = releases.len();
    while i > 1 {
        i -= 1;
        if releases[i].groups.is_empty() && releases[i].tag.is_some() {
            let gone = releases.remove(i);
            let next = &mut releases[i - 1];
            next.maintenance += gone.maintenance;
            next.commit_ids.extend(gone.commit_ids);
            if next.tag.is_some() {
                next.previous = gone.previous;
            }
        }
    }
}

/// The listed entries of a release's commits by group, and how many were not listed.
/// `commits` come with whether [`Rules::hides`] them.
fn group(
    commits: &[(&CommitMeta, bool)],
    rules: &Rules,
    internal: &[&CommitMeta],
) -> (Vec<Group>, usize) {
    use rayon::prelude::*;
    /// What one commit is in its release's list.
    enum Class {
        Unlisted,
        Maintenance,
        Revert(Option<String>, String, ChangeEntry),
        Entry(String, ChangeEntry),
    }
    // Each commit read on its own (every message of a long history), in parallel.
    let classes: Vec<Class> = commits
        .par_iter()
        .map(|&(c, hidden)| {
            if hidden || rules.skips(c) {
                return Class::Unlisted;
            }
            // Not hidden, so not internal.
            let parse = |m: &str| Conventional::parse_known(m, || false);
            if let Some((id, subject)) = reverted(&c.message) {
                return Class::Revert(id, subject, entry(c, parse(&c.message).as_ref()));
            }
            let Some(cc) = parse(&c.message) else {
                return if c.parents.len() < 2 {
                    Class::Maintenance
                } else {
                    Class::Unlisted
                };
            };
            if rules.hide.contains(&cc.kind) && !cc.breaking {
                return Class::Maintenance;
            }
            let kind = if cc.breaking {
                "breaking"
            } else if rules.order.contains(&cc.kind) {
                cc.kind.as_str()
            } else {
                "other"
            };
            Class::Entry(kind.to_string(), entry(c, Some(&cc)))
        })
        .collect();
    let mut entries: Vec<(String, ChangeEntry)> = Vec::new();
    let mut maintenance = 0;
    let mut reverts: Vec<(usize, Option<String>, String)> = Vec::new();
    for class in classes {
        match class {
            Class::Unlisted => {}
            Class::Maintenance => maintenance += 1,
            Class::Revert(id, subject, e) => {
                reverts.push((entries.len(), id, subject));
                entries.push(("revert".into(), e));
            }
            Class::Entry(kind, e) => entries.push((kind, e)),
        }
    }
    let dropped = resolve_reverts(&mut entries, &reverts, rules, internal);
    maintenance += dropped.iter().filter(|d| **d).count();
    let mut groups: Vec<Group> = Vec::new();
    for ((kind, e), gone) in entries.into_iter().zip(dropped) {
        if gone {
            continue;
        }
        match groups.iter_mut().find(|g| g.kind == kind) {
            Some(g) => g.entries.push(e),
            None => groups.push(Group {
                kind,
                entries: vec![e],
            }),
        }
    }
    let order = &rules.order;
    let rank = |k: &str| match k {
        "breaking" => 0,
        "other" => order.len() + 1,
        "revert" => order.len() + 2,
        k => order
            .iter()
            .position(|o| o == k)
            .map_or(order.len() + 1, |p| p + 1),
    };
    groups.sort_by_key(|g| rank(&g.kind));
    (groups, maintenance)
}

fn entry(c: &CommitMeta, cc: Option<&Conventional>) -> ChangeEntry {
    ChangeEntry {
        scope: cc.and_then(|cc| cc.scope.clone()),
        description: cc.map_or_else(|| subject(&c.message), |cc| cc.description.clone()),
        breaking: cc.is_some_and(|cc| cc.breaking),
        migration: cc.and_then(|cc| cc.breaking_note.clone()),
        reverts: None,
        commit: c.clone(),
    }
}

/// Pairs each revert with the entry it undoes. Both go when they share the release; a
/// revert of an earlier release's entry stays, described as that entry; a revert of
/// something never listed (a hidden type, an internal commit) goes too. Returns, per
/// entry, whether it is dropped.
fn resolve_reverts(
    entries: &mut [(String, ChangeEntry)],
    reverts: &[(usize, Option<String>, String)],
    rules: &Rules,
    internal: &[&CommitMeta],
) -> Vec<bool> {
    let mut dropped = vec![false; entries.len()];
    let mut taken: HashSet<usize> = HashSet::new();
    for (at, id, subject) in reverts {
        let target = entries.iter().position(|(k, e)| {
            k != "revert"
                && match id {
                    Some(id) => e.commit.id.starts_with(id.as_str()),
                    None => self::subject(&e.commit.message) == *subject,
                }
        });
        if let Some(t) = target.filter(|t| !taken.contains(t)) {
            taken.insert(t);
            dropped[t] = true;
            dropped[*at] = true;
            continue;
        }
        let undoes_internal = internal.iter().any(|c| match id {
            Some(id) => c.id.starts_with(id.as_str()),
            None => self::subject(&c.message) == *subject,
        });
        let undone = Conventional::parse(subject);
        let shown = !undoes_internal
            && undone
                .as_ref()
                .is_some_and(|cc| !rules.hide.contains(&cc.kind) || cc.breaking);
        if !shown {
            dropped[*at] = true;
            continue;
        }
        let e = &mut entries[*at].1;
        if let Some(cc) = undone {
            e.scope = cc.scope;
            e.description = cc.description;
        }
        e.breaking = false;
        e.migration = None;
        e.reverts = id.clone();
    }
    dropped
}

/// The next version the unreleased commits call for: breaking → major, feat → minor,
/// anything else → patch. Before 1.0 a breaking change bumps the minor and a feature the
/// patch (Cargo's reading of SemVer, as release-plz and cargo-release do). A pre-release
/// becomes its final version. `None` when nothing was committed since `latest`.
pub fn next_version(latest: Option<&Version>, unreleased: &[&CommitMeta]) -> Option<Version> {
    if unreleased.is_empty() {
        return None;
    }
    let Some(latest) = latest else {
        return Some(Version::new(0, 1, 0));
    };
    if !latest.pre.is_empty() {
        return Some(Version::new(latest.major, latest.minor, latest.patch));
    }
    let parsed: Vec<Conventional> = unreleased
        .iter()
        .filter_map(|c| Conventional::parse(&c.message))
        .collect();
    let breaking = parsed.iter().any(|c| c.breaking);
    let feature = parsed.iter().any(|c| c.kind == "feat");
    let (ma, mi, pa) = (latest.major, latest.minor, latest.patch);
    Some(match (ma, breaking, feature) {
        (0, true, _) => Version::new(0, mi + 1, 0),
        (0, false, true) => Version::new(0, mi, pa + 1),
        (_, true, _) => Version::new(ma + 1, 0, 0),
        (_, false, true) => Version::new(ma, mi + 1, 0),
        _ => Version::new(ma, mi, pa + 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(cfg: ChangelogConfig) -> Rules {
        Rules::new(&cfg, None).unwrap()
    }

    #[test]
    fn conventional_commits_parse() {
        let c = Conventional::parse("feat(booking)!: slots of 30 minutes\n\nBody").unwrap();
        assert_eq!(
            (c.kind.as_str(), c.scope.as_deref(), c.breaking),
            ("feat", Some("booking"), true)
        );
        let b = Conventional::parse("fix: x\n\nBREAKING CHANGE: y\n  and z\nRefs: #4").unwrap();
        assert_eq!(b.breaking_note.as_deref(), Some("y and z"));
        assert!(
            Conventional::parse("fix: x\n\nVisibility: internal")
                .unwrap()
                .internal
        );
        assert!(Conventional::parse("Merge branch 'x'").is_none());
        assert!(Conventional::parse("fix(: x").is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn the_cheap_check_never_refuses_a_conventional_subject(
            m in "[fixA (:)!\\n\t-]{0,24}"
        ) {
            if Conventional::parse_subject(&m, || false).is_some() {
                proptest::prop_assert!(may_be_conventional(&m), "{m:?}");
            }
        }
    }

    #[test]
    fn tricky_subjects_parse_as_before() {
        for (m, kind) in [
            ("fix(a\nb): c", Some("fix")),
            ("feat:\nmore", Some("feat")),
            ("feat\n: x", None),
            ("  fix!: x", Some("fix")),
            ("FIX: y", Some("fix")),
            ("fix :x", None),
            ("Auto merge of #1 - a:b", None),
        ] {
            let c = Conventional::parse(m);
            assert_eq!(c.as_ref().map(|c| c.kind.as_str()), kind, "{m:?}");
        }
    }

    #[test]
    fn a_wrapped_subject_is_joined_and_a_footer_ends_it() {
        assert_eq!(
            subject("feat: a subject that\nwraps onto a second line\n\nbody"),
            "feat: a subject that wraps onto a second line"
        );
        assert_eq!(subject("fix: x\nRefs: ISS-1"), "fix: x");
    }

    #[test]
    fn versions_follow_semver_precedence() {
        let r = rules(ChangelogConfig::default());
        let mut v: Vec<Version> = [
            "v1.10.0",
            "v1.2.0",
            "1.2.0-rc.10",
            "1.2.0-rc.2",
            "1.2.0-beta.11",
            "v2.0",
        ]
        .iter()
        .map(|t| r.version(t).unwrap())
        .collect();
        v.sort();
        let names: Vec<String> = v.iter().map(Version::to_string).collect();
        assert_eq!(
            names,
            [
                "1.2.0-beta.11",
                "1.2.0-rc.2",
                "1.2.0-rc.10",
                "1.2.0",
                "1.10.0",
                "2.0.0"
            ]
        );
        assert!(r.version("release-candidate").is_none());
        assert!(r.version("v1").is_none());
        assert!(r.version("mytool-v0.3.1").is_none());
    }

    #[test]
    fn a_tag_pattern_selects_one_package_and_retags_its_next_version() {
        let r = rules(ChangelogConfig {
            tag_pattern: Some("^mytool-(v.+)$".into()),
            ..Default::default()
        });
        assert_eq!(r.version("mytool-v0.3.160"), Some(Version::new(0, 3, 160)));
        assert_eq!(r.version("mytool_core-v0.37.0"), None);
        assert_eq!(
            r.retag("mytool-v0.3.160", &Version::new(0, 4, 0)),
            "mytool-v0.4.0"
        );
        assert!(
            Rules::new(
                &ChangelogConfig {
                    tag_pattern: Some("^v.+$".into()),
                    ..Default::default()
                },
                None
            )
            .is_err()
        );
    }

    #[test]
    fn bumps_follow_the_commits_and_the_pre_1_0_rules() {
        let c = |m: &str| CommitMeta {
            id: "0".repeat(40),
            author: String::new(),
            email: String::new(),
            time: 0,
            offset_seconds: 0,
            message: m.into(),
            parents: vec![],
        };
        let (fix, feat, brk) = (c("fix: a"), c("feat: b"), c("feat!: c"));
        let v = |s: &str| Version::parse(s).unwrap();
        let next = |l: &str, cs: &[&CommitMeta]| next_version(Some(&v(l)), cs).unwrap();
        assert_eq!(next("1.2.3", &[&fix]), v("1.2.4"));
        assert_eq!(next("1.2.3", &[&fix, &feat]), v("1.3.0"));
        assert_eq!(next("1.2.3", &[&feat, &brk]), v("2.0.0"));
        assert_eq!(next("0.3.1", &[&brk]), v("0.4.0"));
        assert_eq!(next("0.3.1", &[&feat]), v("0.3.2"));
        assert_eq!(next("2.0.0-rc.1", &[&feat]), v("2.0.0"));
        assert_eq!(next_version(None, &[&fix]), Some(v("0.1.0")));
        assert_eq!(next_version(Some(&v("1.0.0")), &[]), None);
    }
}
