//! The leak guard: after a client build, the output is searched for the ids, titles and
//! distinctive lines of every internal or draft item and of every `<!-- internal -->`
//! block. Any hit fails the build (status 1) and names the file, so a theme override, a
//! static file or a bug of ours can never publish what the team marked internal.
//!
//! Text that also appears in client-visible content is not a leak (a title such as
//! "Weekly call" may be shared), so candidates found in visible sources are dropped first.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::content::{Meta, Project};
use crate::diag::{Diagnostic, Diagnostics};
use crate::render::OutFile;

/// A string that must not appear in the output, and where it comes from.
struct Marker {
    text: String,
    source: String,
}

/// Searches `files` for the hidden content of `p`; one error per leaking output file.
pub fn check(files: &[OutFile], p: &Project) -> Diagnostics {
    let mut d = Diagnostics::default();
    let markers = markers(p);
    if markers.is_empty() {
        return d;
    }
    let escaped: Vec<String> = markers.iter().map(|m| html_escape(&m.text)).collect();
    let patterns: Vec<&str> = markers
        .iter()
        .map(|m| m.text.as_str())
        .chain(escaped.iter().map(String::as_str))
        .collect();
    let Ok(ac) = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(&patterns)
    else {
        return d;
    };
    for f in files {
        if let Some(m) = ac.find(&f.bytes) {
            let marker = &markers[m.pattern().as_usize() % markers.len()];
            d.push(
                Diagnostic::error(format!(
                    "leak guard: the output file `{}` contains `{}` from internal content ({})",
                    f.path,
                    excerpt(&marker.text),
                    marker.source
                ))
                .hint("nothing was written; find what put it there (a theme override, a static file) and remove it"),
            );
        }
    }
    d
}

fn markers(p: &Project) -> Vec<Marker> {
    let mut candidates = Vec::new();
    for h in &p.hidden {
        let mut add = |text: &str| {
            let t = text.trim();
            if t.chars().count() >= 6 {
                candidates.push(Marker {
                    text: t.to_string(),
                    source: h.path.clone(),
                });
            }
        };
        add(&h.title);
        if let Some(id) = &h.id {
            add(id);
        }
        for line in distinctive_lines(&h.body) {
            add(&line);
        }
    }
    if candidates.is_empty() {
        return candidates;
    }
    // Drop anything that client-visible sources also say.
    let visible: String = visible_texts(p).join("\n");
    let texts: Vec<&str> = candidates.iter().map(|c| c.text.as_str()).collect();
    let Ok(ac) = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&texts)
    else {
        return Vec::new();
    };
    let mut shared = vec![false; texts.len()];
    for m in ac.find_overlapping_iter(&visible) {
        shared[m.pattern().as_usize()] = true;
    }
    candidates
        .into_iter()
        .zip(shared)
        .filter(|(_, s)| !s)
        .map(|(c, _)| c)
        .collect()
}

/// Up to five lines of a body that are long enough to be distinctive, markup trimmed.
fn distinctive_lines(body: &str) -> Vec<String> {
    body.lines()
        .map(|l| {
            l.trim()
                .trim_start_matches(['#', '-', '*', '>', ' '])
                .trim()
        })
        .filter(|l| {
            l.chars().count() >= 20 && !l.contains(['<', '>', '[', ']', '`', '|', '*', '_', '&'])
        })
        .take(5)
        .map(|l| l.chars().take(60).collect())
        .collect()
}

fn visible_texts(p: &Project) -> Vec<String> {
    let metas: Vec<&Meta> = p.metas();
    let mut out: Vec<String> = metas.iter().map(|m| m.body.clone()).collect();
    out.extend(
        p.notes
            .iter()
            .map(|n| format!("{} {}", n.title, n.summary.clone().unwrap_or_default())),
    );
    out.extend(p.issues.iter().map(|i| {
        format!(
            "{} {} {}",
            i.id,
            i.title,
            i.owner.clone().unwrap_or_default()
        )
    }));
    out.extend(p.milestones.iter().map(|m| format!("{} {}", m.id, m.title)));
    out.extend(
        p.terms
            .iter()
            .map(|t| format!("{} {}", t.term, t.aliases.join(" "))),
    );
    out.extend(p.pages.iter().map(|x| x.title.clone()));
    out.extend(
        p.feedback
            .iter()
            .map(|f| format!("{} {}", f.from, f.response.clone().unwrap_or_default())),
    );
    out
}

fn html_escape(s: &str) -> String {
    let mut out = String::new();
    crate::render::linker::escape_into(s, &mut out);
    out.replace('\'', "&#39;")
}

fn excerpt(s: &str) -> String {
    let short: String = s.chars().take(40).collect();
    if short.len() < s.len() {
        format!("{short}…")
    } else {
        short
    }
}
