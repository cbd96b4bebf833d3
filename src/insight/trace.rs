//! Traceability: the commits that name an issue id (in the subject, the body, or a trailer
//! such as `Fixes: ISS-7` or `Refs: ISS-7`), per issue, and the release that shipped the
//! commit that resolved it. Only the ids given are traced (a client build gives only
//! client-visible issues), and a commit with the trailer `Visibility: internal` is never
//! traced, so neither reaches a page through here.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};

use super::changelog::Release;
use crate::git::{CommitMeta, HistoryIndex};

/// Words that, written just before an id (`fixes ISS-7`, `Closes: ISS-7`), say the commit
/// resolves the issue.
const RESOLVING: &[&str] = &[
    "fix", "fixes", "fixed", "close", "closes", "closed", "resolve", "resolves", "resolved",
];

/// Finds known issue ids as whole words in commit messages.
#[derive(Debug, Clone)]
pub struct IssueIds {
    ids: Vec<String>,
    finder: Option<AhoCorasick>,
}

impl IssueIds {
    pub fn new<'a>(ids: impl IntoIterator<Item = &'a str>) -> IssueIds {
        let ids: Vec<String> = ids
            .into_iter()
            .filter(|i| !i.is_empty())
            .map(str::to_string)
            .collect();
        let finder = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&ids)
            .ok();
        IssueIds { ids, finder }
    }

    /// Whether there are no ids to find.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The ids named in `text`, each once, with whether a resolving word precedes it.
    pub fn find(&self, text: &str) -> Vec<(&str, bool)> {
        let Some(finder) = &self.finder else {
            return Vec::new();
        };
        let mut out: Vec<(&str, bool)> = Vec::new();
        for m in finder.find_iter(text) {
            let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
            let bounded = !text[..m.start()].chars().next_back().is_some_and(word)
                && !text[m.end()..].chars().next().is_some_and(word);
            if !bounded {
                continue;
            }
            let id = self.ids[m.pattern().as_usize()].as_str();
            let resolves = resolving_before(&text[..m.start()]);
            match out.iter_mut().find(|(i, _)| *i == id) {
                Some(found) => found.1 |= resolves,
                None => out.push((id, resolves)),
            }
        }
        out
    }
}

/// Whether the text just before an id ends in a resolving word (`Fixes: `, `closes `).
fn resolving_before(before: &str) -> bool {
    let line = before.rsplit('\n').next().unwrap_or(before);
    let word = line
        .trim_end()
        .trim_end_matches([':', '#'])
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    RESOLVING.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// A commit naming an issue.
#[derive(Debug, Clone)]
pub struct Work {
    pub commit: CommitMeta,
    /// It says it resolves the issue (`Fixes: ISS-7`).
    pub resolves: bool,
    /// The tag of the release that shipped it, if one did.
    pub release: Option<String>,
}

/// What the history says about one issue.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// Commits naming the issue, newest first.
    pub work: Vec<Work>,
    /// The release containing the newest resolving commit, if one does: (tag, tag commit).
    pub fixed_in: Option<(String, CommitMeta)>,
}

/// Traces every id of `ids` through the history; `releases` place the resolving commits;
/// `hidden` ([`Rules::hidden`](super::changelog::Rules::hidden) of the index) names the
/// commits never shown.
pub fn trace(
    index: &HistoryIndex,
    ids: &IssueIds,
    releases: &[Release],
    hidden: &[bool],
) -> HashMap<String, Trace> {
    let mut out: HashMap<String, Trace> = HashMap::new();
    if ids.is_empty() {
        return out;
    }
    for (c, _) in index.commits.iter().zip(hidden).filter(|(_, h)| !**h) {
        for (id, resolves) in ids.find(&c.message) {
            out.entry(id.to_string()).or_default().work.push(Work {
                commit: c.clone(),
                resolves,
                release: None,
            });
        }
    }
    let release_of: HashMap<&str, &Release> = releases
        .iter()
        .filter(|r| r.tag.is_some())
        .flat_map(|r| r.commit_ids.iter().map(move |c| (c.as_str(), r)))
        .collect();
    for t in out.values_mut() {
        for w in &mut t.work {
            w.release = release_of
                .get(w.commit.id.as_str())
                .and_then(|r| r.tag.clone());
        }
        let fix = t.work.iter().find(|w| w.resolves);
        t.fixed_in = fix
            .and_then(|w| release_of.get(w.commit.id.as_str()))
            .and_then(|r| Some((r.tag.clone()?, r.commit.clone()?)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_found_as_words_with_their_resolving_word() {
        let ids = IssueIds::new(["ISS-7", "ISS-70", "BUG-1"]);
        assert_eq!(
            ids.find("fix: export (ISS-70)\n\nFixes: ISS-7\nRefs: BUG-1, XISS-7"),
            [("ISS-70", false), ("ISS-7", true), ("BUG-1", false)]
        );
        assert_eq!(ids.find("closes ISS-7 and ISS-7"), [("ISS-7", true)]);
        assert!(ids.find("ISS-7b ISS-700").is_empty());
    }
}
