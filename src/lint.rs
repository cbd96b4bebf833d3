//! Checks of the content as a whole, beyond each file's own front matter: unexplained
//! jargon, references to unknown or internal issues and milestones, broken relative links.
//! `build` reports them as diagnostics too; `check` is where a team looks at them all.

use std::collections::HashSet;

use crate::config::Config;
use crate::content::text as markdown;
use crate::content::{Meta, Project};
use crate::diag::{Diagnostic, Diagnostics, Severity, line_col_of};
use crate::routes::Routes;

/// Acronyms every reader knows.
const COMMON: &[&str] = &["OK", "ID", "PDF", "FAQ", "AM", "PM", "UTC"];

/// Every whole-project diagnostic of a client-visible project that needs only the content
/// (run before anything is derived from it).
pub fn lint(p: &Project, config: &Config) -> Diagnostics {
    let mut d = Diagnostics::default();
    let metas = p.metas();
    jargon(p, config, &metas, &mut d);
    references(p, &metas, &mut d);
    nesting(&metas, &mut d);
    d
}

/// Relative links in bodies that lead to no page of the site: the route table says which
/// pages there are, so `check` accepts exactly the files a build writes.
pub fn lint_links(p: &Project, routes: &Routes) -> Diagnostics {
    let mut d = Diagnostics::default();
    links(&p.metas(), routes, &mut d);
    d
}

/// Bodies nested too deep to render: their page would show the source as plain text.
fn nesting(metas: &[&Meta], d: &mut Diagnostics) {
    for meta in metas {
        let (depth, offset) = markdown::nesting_depth(&meta.body);
        if depth > markdown::MAX_DEPTH {
            let (line, col) = at(meta, offset);
            d.push(
                Diagnostic::error(format!(
                    "the text is nested {depth} levels deep (lists, quotes or HTML elements); at most {} are allowed",
                    markdown::MAX_DEPTH
                ))
                .at(&meta.path)
                .line_col(line, col)
                .hint("flatten the nesting; generated HTML belongs in a linked file, not in a note"),
            );
        }
    }
}

/// Relative links in bodies that lead nowhere. Bodies are rendered one folder below the
/// site root (`notes/x.html`), so `../issues/iss-1.html` is how one page links another.
fn links(metas: &[&Meta], routes: &Routes, d: &mut Diagnostics) {
    let sources: HashSet<&str> = metas.iter().map(|m| m.path.as_str()).collect();
    for meta in metas {
        for (offset, url) in markdown::relative_links(&meta.body) {
            let target = url.split(['#', '?']).next().unwrap_or("");
            if target.is_empty() {
                continue;
            }
            let (line, col) = at(meta, offset);
            if target.ends_with(".md") {
                let dir = meta.path.rsplit_once('/').map_or("", |(d, _)| d);
                let source = resolve(dir, target);
                let hint = match &source {
                    Some(s) if sources.contains(s.as_str()) => "link to its page instead, e.g. `../issues/iss-1.html` (the file name or id, lower case, .html)".to_string(),
                    _ => "no such file in the site root".to_string(),
                };
                d.push(
                    Diagnostic::warning(format!(
                        "the link `{url}` points to a source file, which is not part of the site"
                    ))
                    .at(&meta.path)
                    .line_col(line, col)
                    .hint(hint),
                );
            } else if target.ends_with(".html")
                && resolve("notes", target).is_none_or(|t| !routes.has_file(&t))
            {
                d.push(Diagnostic::warning(format!("the link `{url}` leads to no page of the site")).at(&meta.path).line_col(line, col).hint("pages are linked as `../notes/<file name>.html`, `../issues/<id>.html`, `../pages/<file name>.html`"));
            }
        }
    }
}

/// Joins a relative path to a folder; `None` if it climbs above the root.
fn resolve(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            ".." => {
                parts.pop()?;
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Where an offset of a body is in its file.
fn at(meta: &Meta, offset: usize) -> (usize, usize) {
    let (l, c) = line_col_of(&meta.body, offset);
    (meta.body_line + l - 1, c)
}

fn jargon(p: &Project, config: &Config, metas: &[&Meta], d: &mut Diagnostics) {
    let severity = match config.glossary.jargon.as_str() {
        "off" => return,
        "error" => Severity::Error,
        _ => Severity::Warning,
    };
    let mut known: HashSet<&str> = COMMON.iter().copied().collect();
    known.extend(config.glossary.allow.iter().map(String::as_str));
    for t in &p.terms {
        known.insert(&t.term);
        known.extend(t.aliases.iter().map(String::as_str));
    }
    use rayon::prelude::*;
    let found: Vec<(&Meta, Vec<(usize, String)>)> = metas
        .par_iter()
        .map(|m| (*m, markdown::acronyms(&m.body)))
        .collect();
    for (meta, words) in found {
        let mut reported = HashSet::new();
        for (offset, word) in words {
            if known.contains(word.as_str()) || !reported.insert(word.clone()) {
                continue;
            }
            let (line, col) = at(meta, offset);
            let message = format!("`{word}` is not explained in the glossary");
            let diag = match severity {
                Severity::Error => Diagnostic::error(message),
                Severity::Warning => Diagnostic::warning(message),
            };
            d.push(diag.at(&meta.path).line_col(line, col).hint(format!(
                "add glossary/{}.md with `term:` (or an alias) `{word}`, or list it in [glossary] allow",
                word.to_lowercase()
            )));
        }
    }
}

fn references(p: &Project, metas: &[&Meta], d: &mut Diagnostics) {
    let issues: HashSet<&str> = p.issues.iter().map(|i| i.id.as_str()).collect();
    let milestones: HashSet<&str> = p.milestones.iter().map(|m| m.id.as_str()).collect();
    let hidden: Vec<&str> = p.hidden.iter().filter_map(|h| h.id.as_deref()).collect();
    for i in &p.issues {
        if let Some(m) = &i.milestone
            && !milestones.contains(m.as_str())
        {
            let kind = if hidden.contains(&m.as_str()) {
                "an internal"
            } else {
                "an unknown"
            };
            d.push(
                Diagnostic::warning(format!("`milestone: {m}` names {kind} milestone"))
                    .at(&i.meta.path)
                    .hint("use the id (file stem or `id:`) of a milestone in milestones/"),
            );
        }
    }
    for f in &p.feedback {
        for id in f.issues.iter().filter(|id| !issues.contains(id.as_str())) {
            let kind = if hidden.contains(&id.as_str()) {
                "an internal"
            } else {
                "an unknown"
            };
            d.push(
                Diagnostic::warning(format!(
                    "`issues` names {kind} issue `{id}`; it is not linked"
                ))
                .at(&f.meta.path),
            );
        }
    }
    for meta in metas {
        for id in &hidden {
            if let Some(offset) = find_word(&meta.body, id) {
                let (line, col) = at(meta, offset);
                d.push(
                    Diagnostic::warning(format!("client-visible text mentions the internal item `{id}`"))
                        .at(&meta.path)
                        .line_col(line, col)
                        .hint("the id is shown as plain text and not linked; reword, or make the item client-visible"),
                );
            }
        }
    }
}

/// The offset of `word` in `text` as a whole word.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        !text[..i].chars().next_back().is_some_and(is_word)
            && !text[i + word.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric())
    })
}
