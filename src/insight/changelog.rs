//! The changelog: releases are tags that parse as versions, sorted as versions and dated by
//! their commit; the commits of each release (reachable from its tag and from no earlier
//! release) are grouped by Conventional Commits type in a configured order. A commit with
//! the trailer `Visibility: internal`, or of a hidden type, never appears.

use std::collections::HashMap;

use crate::config::ChangelogConfig;
use crate::git::{CommitMeta, HistoryIndex};

/// The types shown by default, in this order (breaking changes always come first).
pub const DEFAULT_ORDER: &[&str] = &["feat", "fix", "perf", "security"];
/// The types hidden by default. `docs` is hidden too: status notes are committed as docs.
pub const DEFAULT_HIDE: &[&str] = &["chore", "ci", "test", "build", "style", "refactor", "docs"];

/// A version parsed from a tag: `v1.2.0`, `1.2`, `2.0.0-rc.1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub numbers: Vec<u64>,
    pub pre: Option<String>,
}

impl Version {
    pub fn parse(tag: &str) -> Option<Version> {
        let t = tag
            .strip_prefix('v')
            .or_else(|| tag.strip_prefix('V'))
            .unwrap_or(tag);
        let (core, pre) = match t.split_once('-') {
            Some((c, p)) => (c, Some(p.to_string())),
            None => (t, None),
        };
        let numbers: Vec<u64> = core
            .split('.')
            .map(|n| n.parse().ok())
            .collect::<Option<_>>()?;
        (numbers.len() >= 2 && numbers.len() <= 4).then_some(Version { numbers, pre })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let pad = |v: &Version| {
            let mut n = v.numbers.clone();
            n.resize(4, 0);
            n
        };
        pad(self)
            .cmp(&pad(other))
            .then_with(|| match (&self.pre, &other.pre) {
                (None, None) => std::cmp::Ordering::Equal,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(_), None) => std::cmp::Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
    }
}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A commit message read as a Conventional Commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conventional {
    pub kind: String,
    pub scope: Option<String>,
    pub description: String,
    pub breaking: bool,
    pub internal: bool,
}

impl Conventional {
    /// `type(scope)!: description`, footers `BREAKING CHANGE:` and trailer
    /// `Visibility: internal`. `None` for a message that does not follow the convention.
    pub fn parse(message: &str) -> Option<Conventional> {
        let summary = message.lines().next()?.trim();
        let (head, description) = summary.split_once(": ")?;
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
        let footer = |key: &str| {
            message
                .lines()
                .skip(1)
                .any(|l| l.trim_start().to_ascii_lowercase().starts_with(key))
        };
        Some(Conventional {
            kind: kind.to_ascii_lowercase(),
            scope: scope.filter(|s| !s.is_empty()),
            description: description.trim().to_string(),
            breaking: bang || footer("breaking change:") || footer("breaking-change:"),
            internal: message.lines().skip(1).any(is_internal_trailer),
        })
    }
}

fn is_internal_trailer(line: &str) -> bool {
    line.split_once(':').is_some_and(|(k, v)| {
        k.trim().eq_ignore_ascii_case("visibility") && v.trim().eq_ignore_ascii_case("internal")
    })
}

/// One release (or the unreleased commits), with its grouped entries.
#[derive(Debug, Clone)]
pub struct Release {
    /// The tag, or `None` for unreleased commits.
    pub tag: Option<String>,
    pub version: Option<Version>,
    /// The tagged commit.
    pub commit: Option<CommitMeta>,
    pub groups: Vec<Group>,
}

/// Entries of one type (`breaking` for breaking changes, `other` for unlisted types).
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
    pub commit: CommitMeta,
}

/// Builds the changelog, newest release first (unreleased commits at the top).
pub fn changelog(
    index: &HistoryIndex,
    tags: &[(String, String)],
    cfg: &ChangelogConfig,
) -> Vec<Release> {
    let pos: HashMap<&str, usize> = index
        .commits
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut releases: Vec<(Version, &str, usize)> = tags
        .iter()
        .filter_map(|(name, id)| {
            Some((Version::parse(name)?, name.as_str(), *pos.get(id.as_str())?))
        })
        .collect();
    releases.sort_by(|a, b| a.0.cmp(&b.0));
    releases.dedup_by(|a, b| a.2 == b.2 && a.0 == b.0);
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
                    .filter_map(|p| pos.get(p.as_str()).copied()),
            );
        }
    }
    let order: Vec<String> = if cfg.order.is_empty() {
        DEFAULT_ORDER.iter().map(|s| s.to_string()).collect()
    } else {
        cfg.order.clone()
    };
    let hide: Vec<String> = if cfg.hide.is_empty() {
        DEFAULT_HIDE.iter().map(|s| s.to_string()).collect()
    } else {
        cfg.hide.clone()
    };
    let mut out = Vec::new();
    let unreleased: Vec<&CommitMeta> = index
        .commits
        .iter()
        .zip(&owner)
        .filter(|(_, o)| o.is_none())
        .map(|(c, _)| c)
        .collect();
    let groups = group(&unreleased, &order, &hide);
    if !groups.is_empty() {
        out.push(Release {
            tag: None,
            version: None,
            commit: None,
            groups,
        });
    }
    for (r, (version, tag, tip)) in releases.iter().enumerate().rev() {
        let commits: Vec<&CommitMeta> = index
            .commits
            .iter()
            .zip(&owner)
            .filter(|(_, o)| **o == Some(r))
            .map(|(c, _)| c)
            .collect();
        out.push(Release {
            tag: Some(tag.to_string()),
            version: Some(version.clone()),
            commit: Some(index.commits[*tip].clone()),
            groups: group(&commits, &order, &hide),
        });
    }
    out
}

fn group(commits: &[&CommitMeta], order: &[String], hide: &[String]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut push = |kind: &str, entry: ChangeEntry| match groups.iter_mut().find(|g| g.kind == kind)
    {
        Some(g) => g.entries.push(entry),
        None => groups.push(Group {
            kind: kind.to_string(),
            entries: vec![entry],
        }),
    };
    for c in commits {
        let Some(cc) = Conventional::parse(&c.message) else {
            continue;
        };
        if cc.internal || (hide.contains(&cc.kind) && !cc.breaking) {
            continue;
        }
        let kind = if cc.breaking {
            "breaking"
        } else if order.contains(&cc.kind) {
            cc.kind.as_str()
        } else {
            "other"
        };
        push(
            kind,
            ChangeEntry {
                scope: cc.scope.clone(),
                description: cc.description.clone(),
                breaking: cc.breaking,
                commit: (*c).clone(),
            },
        );
    }
    let rank = |k: &str| match k {
        "breaking" => 0,
        "other" => order.len() + 1,
        k => order
            .iter()
            .position(|o| o == k)
            .map_or(order.len() + 1, |p| p + 1),
    };
    groups.sort_by_key(|g| rank(&g.kind));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventional_commits_parse() {
        let c = Conventional::parse("feat(booking)!: slots of 30 minutes\n\nBody").unwrap();
        assert_eq!(
            (c.kind.as_str(), c.scope.as_deref(), c.breaking),
            ("feat", Some("booking"), true)
        );
        assert!(
            Conventional::parse("fix: x\n\nBREAKING CHANGE: y")
                .unwrap()
                .breaking
        );
        assert!(
            Conventional::parse("fix: x\n\nVisibility: internal")
                .unwrap()
                .internal
        );
        assert!(Conventional::parse("Merge branch 'x'").is_none());
        assert!(Conventional::parse("fix(: x").is_none());
    }

    #[test]
    fn versions_sort_as_versions() {
        let mut v: Vec<Version> = ["v1.10.0", "v1.2.0", "1.2.0-rc.1", "v2.0"]
            .iter()
            .map(|t| Version::parse(t).unwrap())
            .collect();
        v.sort();
        let names: Vec<String> = v
            .iter()
            .map(|v| format!("{:?}{:?}", v.numbers, v.pre))
            .collect();
        assert_eq!(
            names,
            [
                "[1, 2, 0]Some(\"rc.1\")",
                "[1, 2, 0]None",
                "[1, 10, 0]None",
                "[2, 0]None"
            ]
        );
        assert!(Version::parse("release-candidate").is_none());
        assert!(Version::parse("v1").is_none());
    }
}
