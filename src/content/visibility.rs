//! The one visibility model: what a client may see of a piece of text.
//!
//! Internal blocks (`<!-- internal -->` … `<!-- /internal -->`) are found by a scanner whose
//! only tokens are the two marker forms. An ordinary `<!--` or `-->` anywhere else is plain
//! text to it, so a stray comment opener can never pair with a marker's closer. Markers are
//! case- and space-insensitive, end in `-->`, `--->` (any run of two or more dashes) or
//! `--!>`, and nest (depth is counted). Inside a code span or code block, as CommonMark
//! parses the whole text, a marker is literal text.
//!
//! Failing closed: an opener never closed, and a closer without an opener (the usual sign of
//! a misspelled opener), are errors; the caller fails the build. Whether a *whole item* is
//! visible (`visibility`, `draft`, their misspellings) is decided in [`item_flags`], and
//! history asks [`version_hidden`] of every past version, so the three questions have one
//! home.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde_json::{Map, Value};

/// Options of the Markdown parser, shared by every reader of Markdown (content and render)
/// so that "inside a code span" means the same everywhere.
pub fn markdown_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// A problem with the markers of a text, at a byte offset of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerError {
    pub offset: usize,
    pub message: String,
    pub hint: String,
}

/// A text with its internal blocks handled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stripped {
    /// The text a reader of this audience may see.
    pub text: String,
    /// The text of each removed block (client audience), for the leak guard.
    pub removed: Vec<String>,
}

/// How kept blocks are shown in the team's own view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Client audience: blocks are removed.
    No,
    /// Team audience, Markdown body: each block is wrapped in a marked `<div>`.
    Marked,
    /// Team audience, a short string: the markers are dropped, the text kept.
    Plain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Open,
    Close,
}

/// One marker in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    kind: Kind,
    span: Range<usize>,
}

/// Removes (or, for the team, marks) the internal blocks of a Markdown text.
pub fn strip(text: &str, keep: Keep) -> Result<Stripped, MarkerError> {
    if !text.contains("<!--") {
        return Ok(Stripped {
            text: text.to_string(),
            removed: Vec::new(),
        });
    }
    let tokens = tokens(text)?;
    let mut out = Stripped {
        text: String::with_capacity(text.len()),
        removed: Vec::new(),
    };
    let mut depth = 0usize;
    let mut copied = 0usize;
    let mut block: Option<&Token> = None;
    for t in &tokens {
        match t.kind {
            Kind::Open => {
                if depth == 0 {
                    out.text.push_str(&text[copied..t.span.start]);
                    block = Some(t);
                }
                depth += 1;
            }
            Kind::Close if depth == 0 => {
                return Err(MarkerError {
                    offset: t.span.start,
                    message: "`<!-- /internal -->` closes no `<!-- internal -->` block".into(),
                    hint: "check the spelling of the opening marker: `<!-- internal -->`; \
                           the text before this closer would otherwise be published"
                        .into(),
                });
            }
            Kind::Close => {
                depth -= 1;
                if depth == 0 {
                    let open = block.take().map_or(0, |b| b.span.end);
                    let inner = &text[open..t.span.start];
                    match keep {
                        Keep::No => out.removed.push(inner.to_string()),
                        Keep::Marked => {
                            out.text.push_str("\n<div class=\"internal-block\">\n\n");
                            out.text.push_str(&strip_markers(inner));
                            out.text.push_str("\n\n</div>\n");
                        }
                        Keep::Plain => out.text.push_str(&strip_markers(inner)),
                    }
                    copied = t.span.end;
                }
            }
        }
    }
    if let Some(open) = block {
        return Err(MarkerError {
            offset: open.span.start,
            message: "this `<!-- internal -->` block is never closed".into(),
            hint: "close it with `<!-- /internal -->`; a marker inside `code` is literal text, \
                   so check for an unmatched backtick or code fence inside the block"
                .into(),
        });
    }
    out.text.push_str(&text[copied..]);
    Ok(out)
}

/// The text with every marker token removed (inner markers of a kept block).
fn strip_markers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for t in tokens(text).unwrap_or_default() {
        out.push_str(&text[copied..t.span.start]);
        copied = t.span.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// Every marker of `text` outside code, in order; an error for a comment that looks like a
/// marker but is not one (`<!-- internal: -->`, `<!-- begin internal -->`, `<!--- internal
/// --->`, a no-break or zero-width space inside): its text would otherwise be published.
fn tokens(text: &str) -> Result<Vec<Token>, MarkerError> {
    if !may_hold_markers(text) {
        return Ok(Vec::new());
    }
    let code = code_ranges(text);
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    let mut code_i = 0;
    while let Some(i) = memchr_str(&text[from..], "<!--") {
        let at = from + i;
        while code_i < code.len() && code[code_i].end <= at {
            code_i += 1;
        }
        let in_code = code
            .get(code_i)
            .is_some_and(|r| r.start <= at && at < r.end);
        if in_code {
            from = at + 4;
            continue;
        }
        match marker_at(bytes, at) {
            Some(t) => {
                from = t.span.end;
                out.push(t);
            }
            None if near_miss(&text[at..]) => {
                return Err(MarkerError {
                    offset: at,
                    message: "this comment mentions `internal` but is not an internal marker".into(),
                    hint: "write exactly `<!-- internal -->` and `<!-- /internal -->` (plain spaces, \
                           two dashes); a comment that merely mentions the word is refused, because \
                           the text it was meant to hide would be published"
                        .into(),
                });
            }
            None => from = at + 4,
        }
    }
    Ok(out)
}

/// Whether some `<!--` of `text` starts a marker or a near miss, code spans or not. When
/// none does, [`tokens`] finds nothing whatever the code ranges are, and the Markdown parse
/// that finds them (most of the cost, for a commit message with an HTML comment) is skipped.
fn may_hold_markers(text: &str) -> bool {
    let mut from = 0;
    while let Some(i) = memchr_str(&text[from..], "<!--") {
        let at = from + i;
        if marker_at(text.as_bytes(), at).is_some() || near_miss(&text[at..]) {
            return true;
        }
        from = at + 4;
    }
    false
}

/// Whether the comment starting `s` (with `<!--`) mentions the word `internal` in any
/// disguise: case, punctuation, dotless i, invisible characters.
fn near_miss(s: &str) -> bool {
    let body = &s[4..];
    // Up to the comment's end, or the next comment opener (a stray `<!--` is not a comment
    // holding the marker that follows it).
    let end = [body.find("-->"), body.find("<!--")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(body.len())
        .min(400);
    let end = body.floor_char_boundary(end);
    let letters: String = body[..end]
        .chars()
        .map(|c| if c == 'ı' || c == 'İ' { 'i' } else { c })
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    letters.contains("internal")
}

fn memchr_str(hay: &str, needle: &str) -> Option<usize> {
    hay.find(needle)
}

/// The marker starting at `at` (which holds `<!--`), if the text there is one.
fn marker_at(b: &[u8], at: usize) -> Option<Token> {
    let mut i = at + 4;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    let kind = if b.get(i) == Some(&b'/') {
        i += 1;
        skip_ws(&mut i);
        Kind::Close
    } else {
        Kind::Open
    };
    let word = b"internal";
    if b.len() < i + word.len() || !b[i..i + word.len()].eq_ignore_ascii_case(word) {
        return None;
    }
    i += word.len();
    skip_ws(&mut i);
    let dashes = b[i..].iter().take_while(|c| **c == b'-').count();
    if dashes < 2 {
        return None;
    }
    i += dashes;
    if b.get(i) == Some(&b'!') && dashes == 2 {
        i += 1;
    }
    (b.get(i) == Some(&b'>')).then(|| Token {
        kind,
        span: at..i + 1,
    })
}

/// Byte ranges of code spans and code blocks, as CommonMark parses `text`, sorted.
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut block_start = None;
    for (e, r) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        match e {
            Event::Code(_) => out.push(r),
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(r.start),
            Event::End(TagEnd::CodeBlock) => {
                out.push(block_start.take().unwrap_or(r.start)..r.end);
            }
            _ => {}
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

/// Every string value of a front-matter map with its internal blocks handled; the key of
/// the first bad string with its error, if any.
pub fn strip_map(
    map: &mut Map<String, Value>,
    keep: Keep,
    removed: &mut Vec<String>,
) -> Result<(), (String, MarkerError)> {
    for (key, value) in map.iter_mut() {
        strip_value(value, keep, removed).map_err(|e| (key.clone(), e))?;
    }
    Ok(())
}

fn strip_value(v: &mut Value, keep: Keep, removed: &mut Vec<String>) -> Result<(), MarkerError> {
    match v {
        Value::String(s) if s.contains("<!--") => {
            let keep = if keep == Keep::No {
                Keep::No
            } else {
                Keep::Plain
            };
            let done = strip(s, keep)?;
            removed.extend(done.removed);
            *s = done.text.trim().to_string();
        }
        Value::Array(items) => {
            for item in items {
                strip_value(item, keep, removed)?;
            }
        }
        Value::Object(m) => {
            for item in m.values_mut() {
                strip_value(item, keep, removed)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The keys that decide an item's visibility.
pub const VISIBILITY_KEYS: [&str; 2] = ["visibility", "draft"];

/// A key that looks like `visibility` or `draft` but is not spelled so (another case, a
/// typo within a small edit distance): the one it was probably meant to be.
pub fn misspelled_visibility_key(key: &str) -> Option<&'static str> {
    // Every version of every file is asked about each of its keys, and the keys of a
    // site are few: each is worked out once per thread.
    thread_local! {
        static KNOWN: std::cell::RefCell<std::collections::HashMap<String, Option<&'static str>>> =
            std::cell::RefCell::default();
    }
    if let Some(known) = KNOWN.with_borrow(|k| k.get(key).copied()) {
        return known;
    }
    let meant = looks_like_visibility_key(key);
    KNOWN.with_borrow_mut(|k| {
        // Bounded: keys are the site's own words, but a hostile site could have many.
        if k.len() < 4096 {
            k.insert(key.to_string(), meant);
        }
    });
    meant
}

fn looks_like_visibility_key(key: &str) -> Option<&'static str> {
    let k: String = key
        .trim()
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    VISIBILITY_KEYS
        .into_iter()
        .find(|want| {
            if key == *want {
                return false;
            }
            let limit = if want.len() > 5 { 2 } else { 1 };
            let stem = if *want == "visibility" {
                "visib"
            } else {
                "draft"
            };
            k == *want || k.contains(stem) || (k.len() >= 3 && edit_distance(&k, want) <= limit)
        })
        .or_else(|| SYNONYMS.contains(&k.as_str()).then_some("visibility"))
}

/// Keys a writer may use meaning "keep this from the client": an error, never a pass.
const SYNONYMS: &[&str] = &[
    "visible",
    "hidden",
    "hide",
    "private",
    "internal",
    "public",
    "confidential",
    "secret",
    "audience",
    "unpublished",
    "published",
    "wip",
    "vis",
];

/// Front-matter problems that could hide an intended `visibility: internal`: a key that
/// looks like `visibility`/`draft` at any depth (`meta: {visibility: …}`, `[extra]`), a
/// value `internal` under any other key (`tags: [internal]`, `scope: internal`), and an
/// empty `visibility:` or `draft:`. Each is (top-level key, message, hint).
pub fn doubtful_keys(map: &Map<String, Value>) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (key, value) in map {
        if let Some(meant) = misspelled_visibility_key(key) {
            out.push((
                key.clone(),
                format!("`{key}` is not a key vitrine knows, and it looks like `{meant}`"),
                format!("write `{meant}` exactly (lower case, at the top level); an item whose visibility is in doubt is never published"),
            ));
        } else if VISIBILITY_KEYS.contains(&key.as_str()) && value.is_null() {
            out.push((
                key.clone(),
                format!("`{key}` is empty"),
                format!(
                    "write `{key}: {}` or remove the line",
                    if key == "draft" { "true" } else { "internal" }
                ),
            ));
        } else if key != "visibility" {
            let mut path = key.clone();
            if let Some(why) = doubtful_value(value, &mut path) {
                out.push((key.clone(), why, "only `visibility: internal` (or `draft: true`) at the top level keeps an item from the client".into()));
            }
        }
    }
    out
}

/// A nested key like `visibility`/`draft`, or a value `internal`, inside `v`.
fn doubtful_value(v: &Value, path: &mut String) -> Option<String> {
    match v {
        Value::String(s) if s.trim().eq_ignore_ascii_case("internal") => Some(format!(
            "`{path}` says `internal`, which does not hide the item"
        )),
        Value::Array(items) => items.iter().find_map(|i| doubtful_value(i, path)),
        Value::Object(m) => m.iter().find_map(|(k, v)| {
            if misspelled_visibility_key(k).is_some() || VISIBILITY_KEYS.contains(&k.as_str()) {
                return Some(format!(
                    "`{path}.{k}` looks like a visibility setting, but only a top-level `visibility` or `draft` counts"
                ));
            }
            let mut inner = format!("{path}.{k}");
            doubtful_value(v, &mut inner)
        }),
        _ => None,
    }
}

/// Optimal string alignment distance (Levenshtein with adjacent transpositions).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 3 {
        return 4;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * w + j] = if i == 0 {
                j
            } else if j == 0 {
                i
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[(i - 1) * w + j] + 1)
                    .min(d[i * w + j - 1] + 1)
                    .min(d[(i - 1) * w + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[(i - 2) * w + j - 2] + 1);
                }
                v
            };
        }
    }
    d[a.len() * w + b.len()]
}

/// Whether one past version of a file (its front matter) was hidden from clients: marked
/// internal or draft, or unreadable in a way that could hide such a mark. History never
/// shows such a version.
pub fn version_hidden(front: &Map<String, Value>) -> bool {
    let flagged = front.iter().any(|(k, v)| match k.as_str() {
        "visibility" => v.as_str().map(str::trim) != Some("client"),
        "draft" => v != &Value::Bool(false),
        _ => false,
    });
    flagged || !doubtful_keys(front).is_empty()
}

/// Whether a commit message carries the `Visibility: internal` trailer (any case, any
/// spacing): such a commit is never shown to a client, in any form.
/// A misspelled trailer key (`Visiblity: internal`) counts, and so does a message that
/// holds an internal marker (or something like one): a commit message is not Markdown
/// whose blocks could be cut out, so the whole commit stays with the team.
pub fn internal_commit(message: &str) -> bool {
    let trailer = message.lines().skip(1).any(|line| {
        line.split_once(':').is_some_and(|(k, v)| {
            // The value first: it is cheap, and rarely `internal`.
            let key = k.trim();
            v.trim().eq_ignore_ascii_case("internal")
                && (key.eq_ignore_ascii_case("visibility")
                    || misspelled_visibility_key(key) == Some("visibility"))
        })
    });
    trailer || (message.contains("<!--") && !matches!(tokens(message), Ok(t) if t.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(s: &str) -> Result<String, MarkerError> {
        strip(s, Keep::No).map(|s| s.text)
    }

    #[test]
    fn a_commit_message_is_internal_by_marker_or_near_miss_outside_code_only() {
        // Plain HTML comments (a PR template's) are not markers: no Markdown parse needed.
        let homu = "Auto merge\n\n<!-- homu-ignore:start -->\nx\n<!-- homu-ignore:end -->\n";
        assert!(!internal_commit(homu));
        assert!(internal_commit("a\n\n<!-- internal -->s<!-- /internal -->"));
        assert!(internal_commit("a\n\n<!-- Internal note: s -->"));
        assert!(!internal_commit("a\n\nuse `<!-- internal -->` <!-- x -->"));
        assert!(internal_commit("a\n\n<!-- x --> `y` <!-- /internal -->"));
        assert!(internal_commit("a\n\nVisiblity:  Internal\n"));
        assert!(!internal_commit(
            "a\n\nVisibility: public\nSee: internal docs\n"
        ));
    }

    #[test]
    fn a_stray_comment_opener_never_pairs_with_a_marker() {
        let s = "Use `<!--` here. a <!-- b\n<!-- internal -->secret<!-- /internal -->\nend";
        let out = client(s).unwrap();
        assert!(!out.contains("secret"), "{out}");
        assert!(out.contains("end"));
        let s = "<p title=\"<!--\">x</p>\n\n<!-- internal -->\nsecret\n<!-- /internal -->\n";
        assert!(!client(s).unwrap().contains("secret"));
    }

    #[test]
    fn nested_blocks_end_at_their_own_closer() {
        let s = "a <!-- internal --> one <!-- internal --> two <!-- /internal --> three <!-- /internal --> b";
        assert_eq!(client(s).unwrap(), "a  b");
    }

    #[test]
    fn every_closer_form_and_case_is_a_marker() {
        for s in [
            "<!-- internal --->x<!-- /internal -->",
            "<!-- internal --!>x<!-- /internal --!>",
            "<!--INTERNAL-->x<!--/Internal-->",
            "<!--\n internal\n -->x<!-- / internal ---->",
        ] {
            assert_eq!(client(s).unwrap(), "", "{s}");
        }
    }

    #[test]
    fn markers_in_code_are_literal() {
        let s = "`<!-- internal -->` and\n\n```\n<!-- /internal -->\n```\n";
        assert_eq!(client(s).unwrap(), s);
    }

    #[test]
    fn unclosed_and_stray_markers_are_errors() {
        assert!(client("a <!-- internal --> secret").is_err());
        assert!(client("<!-- intenral --> secret <!-- /internal -->").is_err());
        assert!(client("<!--> <!---> <!-- -->").is_ok());
        for near in [
            "<!-- internal: -->x<!-- /internal: -->",
            "<!-- begin internal -->x<!-- end internal -->",
            "<!--- internal --->x<!--- /internal --->",
            "<!--\u{a0}internal\u{a0}-->x<!--\u{a0}/internal\u{a0}-->",
            "<!-- in\u{200b}ternal -->x",
            "<!-- ınternal -->x",
        ] {
            assert!(client(near).is_err(), "{near}");
        }
    }

    #[test]
    fn the_team_sees_blocks_marked() {
        let s = "a\n<!-- internal -->\nsecret\n<!-- /internal -->\nb";
        let out = strip(s, Keep::Marked).unwrap().text;
        assert!(out.contains("internal-block") && out.contains("secret"));
        assert_eq!(strip(s, Keep::No).unwrap().removed, ["\nsecret\n"]);
    }

    #[test]
    fn misspelled_keys_are_caught() {
        for k in [
            "Visibility",
            "VISIBILITY",
            "visiblity",
            "visibilty",
            "visibility_",
            "Draft",
            "drafts",
            "darft",
            "internal",
            "private",
            "hidden",
        ] {
            assert!(misspelled_visibility_key(k).is_some(), "{k}");
        }
        for k in ["visibility", "draft", "title", "summary", "version", "date"] {
            assert!(misspelled_visibility_key(k).is_none(), "{k}");
        }
    }

    /// Answers are remembered per thread, up to a bound: a file with thousands of keys
    /// still has its look-alike key caught, asked once or again, past the bound.
    #[test]
    fn look_alike_keys_are_caught_past_the_remembered_ones() {
        for n in 0..5000 {
            assert!(misspelled_visibility_key(&format!("key{n}x")).is_none());
        }
        for _ in 0..2 {
            assert_eq!(misspelled_visibility_key("Visiblity"), Some("visibility"));
            assert_eq!(misspelled_visibility_key("drfat"), Some("draft"));
            assert_eq!(misspelled_visibility_key("title"), None);
        }
    }

    #[test]
    fn internal_trailers_are_found_in_any_case() {
        assert!(internal_commit("fix: x\n\nVisibility: internal\n"));
        assert!(internal_commit("fix: x\n\nvisibility:Internal"));
        assert!(!internal_commit("Visibility: internal"));
        assert!(internal_commit("fix: x\n\nVisiblity: internal"));
        assert!(internal_commit(
            "feat: a <!-- internal -->b<!-- /internal -->"
        ));
        assert!(!internal_commit("feat: keep <!-- a comment --> as it is"));
    }
}
