//! Linking in running text: glossary terms (and their aliases) to their definitions and
//! issue ids to their pages, in one pass of one Aho–Corasick automaton built once per
//! build, so the cost grows with the text, not with the number of terms.
//!
//! Rules: the longest match wins (`User Acceptance Testing` before `Testing`); only the
//! first occurrence of each target per page is linked; Latin terms match whole words,
//! all-capital acronyms and issue ids case-sensitively and other terms case-insensitively;
//! CJK terms match inside running text, which has no spaces. Callers never pass text
//! from code, links, headings or raw HTML.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// What a match links to.
#[derive(Debug, Clone)]
pub struct Target {
    /// Site-root-relative URL.
    pub url: String,
    /// The text of the tooltip (a term's short definition, an issue's title).
    pub tip: String,
    /// The glossary term (for printed footnotes); `None` for issues.
    pub term: Option<String>,
}

#[derive(Debug, Clone)]
struct Pattern {
    target: usize,
    /// Must match with this exact case.
    exact_case: bool,
    /// CJK: no word boundaries needed.
    cjk: bool,
}

/// The automaton over every term, alias and issue id of a build.
pub struct Linker {
    ac: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
    texts: Vec<String>,
    pub targets: Vec<Target>,
}

/// A glossary term as the linker needs it.
pub struct TermInput<'a> {
    pub term: &'a str,
    pub aliases: &'a [String],
    pub anchor: &'a str,
    pub short: &'a str,
}

/// An issue as the linker needs it.
pub struct IssueInput<'a> {
    pub id: &'a str,
    pub url: &'a str,
    pub title: &'a str,
}

impl Linker {
    pub fn new(terms: &[TermInput<'_>], issues: &[IssueInput<'_>]) -> Linker {
        let mut texts = Vec::new();
        let mut patterns = Vec::new();
        let mut targets = Vec::new();
        let mut seen = HashSet::new();
        for t in terms {
            let target = targets.len();
            targets.push(Target {
                url: crate::routes::Route::Term(t.anchor.to_string()).path(),
                tip: t.short.to_string(),
                term: Some(t.term.to_string()),
            });
            for name in std::iter::once(t.term).chain(t.aliases.iter().map(String::as_str)) {
                let name = name.trim();
                if name.chars().count() < 2 || !seen.insert(name.to_lowercase()) {
                    continue;
                }
                texts.push(name.to_string());
                patterns.push(Pattern {
                    target,
                    exact_case: is_acronym(name),
                    cjk: name.chars().any(is_cjk),
                });
            }
        }
        for i in issues {
            if !seen.insert(i.id.to_lowercase()) {
                continue;
            }
            targets.push(Target {
                url: i.url.to_string(),
                tip: format!("{} {}", i.id, i.title),
                term: None,
            });
            texts.push(i.id.to_string());
            patterns.push(Pattern {
                target: targets.len() - 1,
                exact_case: true,
                cjk: false,
            });
        }
        let ac = (!texts.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .kind(Some(AhoCorasickKind::DFA))
                .match_kind(MatchKind::LeftmostLongest)
                .ascii_case_insensitive(true)
                .build(&texts)
                .expect("patterns are plain strings")
        });
        Linker {
            ac,
            patterns,
            texts,
            targets,
        }
    }

    /// Links the matches in one text run, appending HTML to `out`. `linked` holds the
    /// targets already linked on this page; `root` leads from the page to the site root.
    pub fn link(&self, text: &str, root: &str, linked: &mut Vec<usize>, out: &mut String) {
        let Some(ac) = &self.ac else {
            escape_into(text, out);
            return;
        };
        let mut last = 0;
        for m in ac.find_iter(text) {
            let p = &self.patterns[m.pattern().as_usize()];
            let found = &text[m.start()..m.end()];
            if linked.contains(&p.target)
                || (p.exact_case && found != self.texts[m.pattern().as_usize()])
                || (!p.cjk && !word_bounded(text, m.start(), m.end()))
            {
                continue;
            }
            linked.push(p.target);
            escape_into(&text[last..m.start()], out);
            let t = &self.targets[p.target];
            if t.term.is_some() {
                // The definition travels inside the link: read by screen readers as part of
                // it, shown as a bubble on hover, focus or a first tap (see site.js).
                out.push_str("<a class=\"term\" href=\"");
                escape_into(root, out);
                escape_into(&t.url, out);
                out.push_str("\">");
                escape_into(found, out);
                out.push_str("<span class=\"tip\" role=\"tooltip\">");
                escape_into(&t.tip, out);
                out.push_str("</span></a>");
            } else {
                out.push_str("<a class=\"issue-ref\" href=\"");
                escape_into(root, out);
                escape_into(&t.url, out);
                out.push_str("\" title=\"");
                escape_into(&t.tip, out);
                out.push_str("\">");
                escape_into(found, out);
                out.push_str("</a>");
            }
            last = m.end();
        }
        escape_into(&text[last..], out);
    }

    /// A hash of every pattern and target: equal fingerprints link text identically.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.texts.hash(&mut h);
        for t in &self.targets {
            (&t.url, &t.tip, &t.term).hash(&mut h);
        }
        for p in &self.patterns {
            (p.target, p.exact_case, p.cjk).hash(&mut h);
        }
        h.finish()
    }

    /// Whether any pattern matches anywhere (a cheap pre-check).
    pub fn is_empty(&self) -> bool {
        self.ac.is_none()
    }
}

/// `UAT`, `HIS`, `SLA`: two or more letters, all capitals.
pub fn is_acronym(s: &str) -> bool {
    s.chars().filter(|c| c.is_alphabetic()).count() >= 2 && s.chars().all(|c| !c.is_lowercase())
}

/// Chinese, Japanese and Korean characters (which are written without spaces).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// A Latin match is a whole word: no letter or digit (other than CJK) right before or after.
fn word_bounded(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| (c.is_alphanumeric() && !is_cjk(c)) || c == '_';
    !text[..start].chars().next_back().is_some_and(word)
        && !text[end..].chars().next().is_some_and(word)
}

pub use crate::escape::html_into as escape_into;

#[cfg(test)]
mod tests {
    use super::*;

    fn linker() -> Linker {
        let aliases = vec!["UAT".to_string(), "用户验收测试".to_string()];
        let terms = vec![
            TermInput {
                term: "User Acceptance Testing",
                aliases: &aliases,
                anchor: "uat",
                short: "Testing by the client",
            },
            TermInput {
                term: "Testing",
                aliases: &[],
                anchor: "testing",
                short: "Checking <it> works",
            },
            TermInput {
                term: "验收",
                aliases: &[],
                anchor: "yan-shou",
                short: "接受",
            },
        ];
        let issues = vec![IssueInput {
            id: "ISS-4",
            url: "issues/iss-4.html",
            title: "Launch \"risk\"",
        }];
        Linker::new(&terms, &issues)
    }

    fn run(text: &str) -> String {
        let mut out = String::new();
        linker().link(text, "../", &mut Vec::new(), &mut out);
        out
    }

    #[test]
    fn longest_match_first_occurrence_whole_words() {
        let out = run("User acceptance testing, then testing, then UAT.");
        assert!(out.starts_with(r#"<a class="term" href="../glossary/index.html#uat">User acceptance testing<span class="tip" role="tooltip">Testing by the client</span></a>"#), "{out}");
        assert!(out.contains(r#"then <a class="term" href="../glossary/index.html#testing">testing<span class="tip" role="tooltip">Checking &lt;it&gt; works</span></a>"#));
        assert!(
            out.ends_with("then UAT."),
            "UAT is the same target, already linked: {out}"
        );
        assert_eq!(
            run("Retesting and UATs and uat"),
            "Retesting and UATs and uat",
            "whole words; acronyms keep their case"
        );
    }

    #[test]
    fn cjk_terms_match_inside_running_text() {
        let out = run("下周开始用户验收测试，验收标准已确认");
        assert!(out.contains(r#"#uat">用户验收测试<span class="tip" role="tooltip">Testing by the client</span></a>"#), "{out}");
        assert!(
            out.contains(r#"#yan-shou">验收<span class="tip" role="tooltip">接受</span></a>标准"#),
            "{out}"
        );
        assert!(
            run("UAT测试").starts_with("<a class=\"term\""),
            "a Latin term next to CJK text is a whole word"
        );
    }

    #[test]
    fn issue_ids_link_with_their_title() {
        let out = run("See ISS-4, not iss-4 or ISS-40.");
        assert_eq!(
            out,
            r#"See <a class="issue-ref" href="../issues/iss-4.html" title="ISS-4 Launch &quot;risk&quot;">ISS-4</a>, not iss-4 or ISS-40."#
        );
    }
}
