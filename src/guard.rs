//! The leak guard: after a client build (and for every client report), the output is
//! searched for the ids, titles and distinctive sentences of every internal or draft item
//! and of every `<!-- internal -->` block. Any hit fails the build (status 1) and names
//! both the internal source and the output file, so a theme override, a static file or a
//! bug of ours can never publish what the team marked internal.
//!
//! Text is compared whitespace-normalised, both in the raw output (attributes, JSON) and in
//! the output's text with tags removed and entities decoded (a sentence split by inline
//! markup). Text that client-visible sources also say is not a leak (a title such as
//! "Weekly call", boilerplate shared by internal and public notes), so such candidates are
//! dropped first. The guard fails closed: if it cannot search, the build fails.

use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;

use crate::content::text::{blocks, squash};
use crate::content::{Meta, Project};
use crate::diag::{Diagnostic, Diagnostics};
use crate::render::OutFile;

/// A string that must not appear in the output, and where it comes from.
struct Marker {
    text: String,
    source: String,
    /// An id: matched as a whole word only, whatever its length (`ISS-9` is not `ISS-90`).
    word: bool,
    /// Never dropped because visible content says it: a hidden page's file name, which a
    /// visible body can only say by linking to the page that is not there.
    strict: bool,
}

/// Shortest candidate, in characters: shorter strings are too likely to be coincidences.
const MIN_CHARS: usize = 6;
/// Sentences are cut to this many characters, so a long paragraph is still found when the
/// output wraps or truncates it.
const CUT_CHARS: usize = 60;

/// Searches `files` for the hidden content of `p`; one error per leaking output file.
/// `ui` is text the theme itself prints (its UI strings): never a leak.
pub fn check<'a>(
    files: &[OutFile],
    p: &Project,
    ui: impl IntoIterator<Item = &'a str>,
) -> Diagnostics {
    let mut d = Diagnostics::default();
    let markers = match markers(p, ui) {
        Ok(m) => m,
        Err(e) => {
            d.push(refusal(e));
            return d;
        }
    };
    if markers.is_empty() {
        return d;
    }
    let patterns: Vec<&str> = markers.iter().map(|m| m.text.as_str()).collect();
    let ac = match AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(&patterns)
    {
        Ok(ac) => ac,
        Err(e) => {
            d.push(refusal(e.to_string()));
            return d;
        }
    };
    // Files are searched in parallel; each once as written (attributes, JSON, text files)
    // and, if it has markup, once as the text a reader sees.
    use rayon::prelude::*;
    let found: Vec<(&OutFile, &Marker)> = files
        .par_iter()
        .filter_map(|f| {
            let raw = String::from_utf8_lossy(&f.bytes);
            let hit = |text: &str| {
                ac.find_iter(text).find_map(|m| {
                    let marker = &markers[m.pattern().as_usize()];
                    (!marker.word || bounded(text, m.start(), m.end())).then_some(marker)
                })
            };
            hit(&norm(&decode(&raw)))
                .or_else(|| {
                    raw.contains('<')
                        .then(|| hit(&norm(&text_of(&raw))))
                        .flatten()
                })
                .map(|m| (f, m))
        })
        .collect();
    for (f, marker) in found {
        d.push(
            Diagnostic::error(format!(
                "leak guard: the output file `{}` contains `{}`, which is internal in {}",
                f.path,
                excerpt(&marker.text),
                marker.source
            ))
            .hint(format!(
                "nothing was written. The text comes from {} and was found in {}: if it should be \
                 client-visible, say it in client content too (or remove the internal marking); \
                 otherwise find what put it there (a theme override, a static file, a bug)",
                marker.source, f.path
            )),
        );
    }
    d
}

/// [`check`] for one text written outside the site (`vitrine report`, `vitrine changelog`):
/// `what` names it in the diagnostic, `ui` is the theme's UI strings.
pub fn check_text<'a>(
    what: &str,
    text: &str,
    p: &Project,
    ui: impl IntoIterator<Item = &'a str>,
) -> Diagnostics {
    let out = OutFile {
        path: what.to_string(),
        bytes: text.as_bytes().to_vec(),
    };
    check(std::slice::from_ref(&out), p, ui)
}

fn refusal(why: String) -> Diagnostic {
    Diagnostic::error(format!(
        "leak guard: the output could not be checked ({why}); nothing was written"
    ))
    .hint("when the guard cannot check, vitrine never publishes; report this as a bug")
}

/// Whether `text[start..end]` stands as a word of its own.
fn bounded(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    !text[..start].chars().next_back().is_some_and(word)
        && !text[end..].chars().next().is_some_and(word)
}

/// Whether an id is specific enough to search for as a word: it has a digit (`ISS-9`,
/// `m2`) or is long (`data-migration`). `uat` or `review` would match ordinary prose.
fn specific_id(id: &str) -> bool {
    id.chars().count() >= 3 && (id.chars().any(|c| c.is_ascii_digit()) || id.chars().count() >= 8)
}

/// What [`check`] searches for (with `sealed`, [`check_sealed`] too), as one fingerprint:
/// an output file searched by an earlier build for exactly the same things need not be
/// searched again (the build cache carries such files over unchanged).
pub fn fingerprint<'a>(
    p: &Project,
    ui: impl IntoIterator<Item = &'a str>,
    sealed: bool,
) -> crate::buildcache::Fingerprint {
    let mut h = crate::buildcache::Fingerprinter::default();
    match markers(p, ui) {
        Ok(all) => {
            for m in &all {
                h.bytes(m.text.as_bytes())
                    .bytes(m.source.as_bytes())
                    .json(&(m.word, m.strict));
            }
        }
        Err(e) => {
            h.bytes(b"refused").bytes(e.as_bytes());
        }
    }
    if sealed {
        for (text, source) in content_texts(p) {
            h.bytes(text.as_bytes()).bytes(source.as_bytes());
        }
    }
    h.finish()
}

fn markers<'a>(p: &Project, ui: impl IntoIterator<Item = &'a str>) -> Result<Vec<Marker>, String> {
    let mut candidates = Vec::new();
    for h in &p.hidden {
        let mut add = |text: &str| {
            let t: String = squash(text).chars().take(CUT_CHARS).collect();
            let t = norm(&t);
            if t.chars().count() >= MIN_CHARS {
                candidates.push(Marker {
                    text: t,
                    source: h.path.clone(),
                    word: false,
                    strict: false,
                });
            }
        };
        add(&h.title);
        for block in distinctive(&h.body) {
            add(&block);
        }
        if let Some(id) = h.id.as_deref().filter(|i| specific_id(i)) {
            candidates.push(Marker {
                text: norm(id),
                source: h.path.clone(),
                word: true,
                strict: false,
            });
        }
        // An item addressed by its file name (a note, a page): the address of its page,
        // which a link to it would spell. A removed block (no title) is part of a visible
        // file, and an issue or milestone is addressed by its id (above).
        if !h.title.is_empty() && h.id.is_none() {
            let top = h.path.split('/').next().unwrap_or("");
            let name = h.path.rsplit('/').next().unwrap_or(&h.path);
            let stem = crate::content::sanitize_slug(name.strip_suffix(".md").unwrap_or(name));
            candidates.push(Marker {
                text: norm(&format!("{top}/{stem}.html")),
                source: h.path.clone(),
                word: true,
                strict: true,
            });
        }
    }
    if candidates.is_empty() {
        return Ok(candidates);
    }
    // Drop anything that client-visible sources or the theme's own words also say.
    let mut visible: Vec<String> = visible_texts(p);
    visible.extend(ui.into_iter().map(str::to_string));
    let visible = norm(&visible.join("\n"));
    let texts: Vec<&str> = candidates.iter().map(|c| c.text.as_str()).collect();
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&texts)
        .map_err(|e| e.to_string())?;
    let mut shared = vec![false; texts.len()];
    for m in ac.find_overlapping_iter(&visible) {
        let i = m.pattern().as_usize();
        if !candidates[i].strict && (!candidates[i].word || bounded(&visible, m.start(), m.end())) {
            shared[i] = true;
        }
    }
    Ok(candidates
        .into_iter()
        .zip(shared)
        .filter(|(_, s)| !s)
        .map(|(c, _)| c)
        .collect())
}

/// The plain-text blocks of a hidden body long enough to be distinctive (at most 20), and
/// its lines (a front-matter string, a line inside raw HTML) likewise.
fn distinctive(body: &str) -> Vec<String> {
    let long = |s: &String| s.chars().count() >= 20;
    let mut out: Vec<String> = blocks(body).into_iter().filter(long).take(20).collect();
    out.extend(
        body.lines()
            .map(squash)
            .filter(|l| long(l) && !l.contains(['<', '>', '[', ']', '`', '|', '*', '_', '&']))
            .take(20),
    );
    out
}

/// Everything client-visible content says, whitespace-normalised: bodies as plain text and
/// as written, and every front-matter string the project keeps.
fn visible_texts(p: &Project) -> Vec<String> {
    let metas: Vec<&Meta> = p.metas();
    let mut out: Vec<String> = Vec::new();
    for m in &metas {
        out.push(squash(&m.body));
        out.extend(blocks(&m.body));
    }
    let mut add = |parts: &[&str]| out.push(squash(&parts.join(" ")));
    for n in &p.notes {
        add(&[&n.title, n.summary.as_deref().unwrap_or_default()]);
    }
    for i in &p.issues {
        add(&[&i.id, &i.title, i.owner.as_deref().unwrap_or_default()]);
    }
    for m in &p.milestones {
        add(&[&m.id, &m.title]);
    }
    for t in &p.terms {
        add(&[&t.term, &t.aliases.join(" ")]);
    }
    for x in &p.pages {
        add(&[&x.title]);
    }
    for f in &p.feedback {
        add(&[&f.from, f.response.as_deref().unwrap_or_default()]);
    }
    out
}

/// Text as the guard compares it: lower case, every run of anything but letters and
/// digits one space. Case, punctuation and spacing never hide a leak (`Secret-Plan` is
/// `secret plan`).
fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.chars() {
        let word = if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            c.is_alphanumeric()
        };
        if !word {
            gap = true;
            continue;
        }
        if gap && !out.is_empty() {
            out.push(' ');
        }
        gap = false;
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Common HTML entities decoded (numeric ones included).
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[..rest.floor_char_boundary(12)].find(';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "amp" => Some('&'),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of an HTML (or XML) document: tags removed, entities decoded.
fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode(&out)
}

fn excerpt(s: &str) -> String {
    let short: String = s.chars().take(40).collect();
    if short.len() < s.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// Runs of the base64url alphabet at least this long are ciphertext, not words: prose,
/// paths and URLs always break sooner (spaces, `/`, `.`). Without this, `-` and `_` in a
/// ciphertext would make random word boundaries and, over megabytes, chance matches.
const OPAQUE_RUN: usize = 80;

/// The leak guard of a passphrase-protected site (`[access]`): no client-visible content
/// (titles, summaries, glossary terms and definitions, feedback, distinctive sentences of
/// every body) may appear in plain text in any output file. `allowed` is what the shell and
/// the theme may say anyway (site title, UI strings, theme code): a candidate it contains
/// is dropped. Files for which `public` is true were published in the clear on purpose.
pub fn check_sealed<'a>(
    files: &[OutFile],
    p: &Project,
    allowed: impl IntoIterator<Item = &'a str>,
    public: impl Fn(&str) -> bool + Sync,
) -> Diagnostics {
    let mut d = Diagnostics::default();
    let mut markers: Vec<Marker> = content_texts(p)
        .into_iter()
        .map(|(text, source)| Marker {
            text: norm(&squash(&text).chars().take(CUT_CHARS).collect::<String>()),
            source,
            word: true,
            strict: false,
        })
        .filter(|m| m.text.chars().count() >= MIN_CHARS)
        .collect();
    markers.sort_by(|a, b| a.text.cmp(&b.text));
    markers.dedup_by(|a, b| a.text == b.text);
    if markers.is_empty() {
        return d;
    }
    let patterns: Vec<&str> = markers.iter().map(|m| m.text.as_str()).collect();
    let ac = match AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&patterns)
    {
        Ok(ac) => ac,
        Err(e) => {
            d.push(refusal(e.to_string()));
            return d;
        }
    };
    // What the shell and the theme say anyway is never a finding (one pass over it).
    let allowed = norm(&allowed.into_iter().collect::<Vec<_>>().join("\n"));
    let mut said = vec![false; markers.len()];
    for m in ac.find_overlapping_iter(&allowed) {
        if bounded(&allowed, m.start(), m.end()) {
            said[m.pattern().as_usize()] = true;
        }
    }
    let found: Vec<(&OutFile, &Marker)> = files
        .par_iter()
        .filter(|f| !public(&f.path))
        .filter_map(|f| {
            let raw = without_opaque_runs(&String::from_utf8_lossy(&f.bytes));
            let hit = |text: &str| {
                ac.find_overlapping_iter(text)
                    .find(|m| !said[m.pattern().as_usize()] && bounded(text, m.start(), m.end()))
                    .map(|m| &markers[m.pattern().as_usize()])
            };
            let found = hit(&norm(&decode(&raw))).or_else(|| hit(&norm(&text_of(&raw))));
            found.map(|m| (f, m))
        })
        .collect();
    for (f, marker) in found {
        {
            d.push(
                Diagnostic::error(format!(
                    "leak guard: the passphrase-protected output file `{}` contains `{}` from {} in plain text",
                    f.path,
                    excerpt(&marker.text),
                    marker.source
                ))
                .hint(
                    "nothing was written. In passphrase mode only the site title may be readable; find what \
                     put it there (a theme override of locked.html, a static file, a bug)",
                ),
            );
        }
    }
    d
}

/// Every piece of client-visible content text, with the file it comes from.
fn content_texts(p: &Project) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = p
        .metas()
        .par_iter()
        .flat_map_iter(|m| {
            distinctive(&m.body)
                .into_iter()
                .map(|b| (b, m.path.clone()))
        })
        .collect();
    let mut add = |text: &str, m: &Meta| out.push((text.to_string(), m.path.clone()));
    for n in &p.notes {
        add(&n.title, &n.meta);
        n.summary.iter().for_each(|s| add(s, &n.meta));
    }
    for i in &p.issues {
        add(&i.title, &i.meta);
    }
    for m in &p.milestones {
        add(&m.title, &m.meta);
    }
    for t in &p.terms {
        add(&t.term, &t.meta);
        t.aliases.iter().for_each(|a| add(a, &t.meta));
    }
    for f in &p.feedback {
        add(&f.from, &f.meta);
        f.response.iter().for_each(|r| add(r, &f.meta));
    }
    for x in &p.pages {
        add(&x.title, &x.meta);
    }
    out
}

/// `text` with every long run of the base64url alphabet replaced by one space.
fn without_opaque_runs(text: &str) -> String {
    // The alphabet is ASCII, so runs start and end on character boundaries.
    let b64 = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len().min(1 << 16));
    let (mut i, mut kept) = (0, 0);
    while i < bytes.len() {
        if !b64(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && b64(bytes[i]) {
            i += 1;
        }
        if i - start >= OPAQUE_RUN {
            out.push_str(&text[kept..start]);
            out.push(' ');
            kept = i;
        }
    }
    out.push_str(&text[kept..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ciphertext_runs_are_opaque_but_prose_and_paths_are_searched() {
        let blob = format!("{}-kickoff-{}", "Ab9_".repeat(20), "x".repeat(10));
        assert_eq!(without_opaque_runs(&format!("<p>{blob}</p>")), "<p> </p>");
        let prose = "The kickoff went well: notes/2026-09-07-kickoff.html";
        assert_eq!(without_opaque_runs(prose), prose);
    }
}
