//! Markdown to HTML: CommonMark plus tables, task lists, footnotes, strikethrough and
//! heading anchors, then sanitised (unless the site allows raw HTML).
//!
//! Sanitising happens on every rendered document, whatever its source contains, so Markdown
//! can never produce a `<script>`, an event attribute or a `javascript:` link, however it
//! is written (heading attributes `{onclick=…}` included).
//!
//! Work is bounded: anchors are de-duplicated in linear time, and a body nested deeper
//! than [`MAX_DEPTH`] (Markdown containers plus raw HTML elements) is shown as escaped
//! text instead of being parsed by the sanitiser, whose cost grows with the square of the
//! depth. `vitrine check` and `build` report such a body as an error ([`nesting_depth`]).

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{
    CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, TextMergeStream, html,
};

use super::linker::Linker;
use crate::urls::safe_url;

/// A configured Markdown renderer, built once per build and shared across threads.
pub struct Markdown {
    sanitizer: Option<ammonia::Builder<'static>>,
}

/// What rendering one body gives.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// The headings of level 2 and 3, for a table of contents: (level, id, text).
    pub toc: Vec<(u8, String, String)>,
}

impl Markdown {
    pub fn new(allow_html: bool) -> Markdown {
        Markdown {
            sanitizer: (!allow_html).then(sanitizer),
        }
    }

    /// Renders one body.
    pub fn render(&self, body: &str) -> Rendered {
        self.render_linked(body, None, "", None)
    }

    /// Renders one body, linking glossary terms and issue ids in its running text; `root`
    /// leads from the page to the site root.
    /// `exclude` is a target never linked (a term's own definition).
    pub fn render_linked(
        &self,
        body: &str,
        linker: Option<&Linker>,
        root: &str,
        exclude: Option<usize>,
    ) -> Rendered {
        let mut events: Vec<Event<'_>> =
            TextMergeStream::new(Parser::new_ext(body, options())).collect();
        if depth_of(&events) > MAX_DEPTH {
            return Rendered {
                html: format!("<pre class=\"too-deep\">{}</pre>", escape(body)),
                toc: Vec::new(),
            };
        }
        remote_images_to_links(&mut events);
        neutralise_urls(&mut events);
        let toc = anchor_headings(&mut events);
        let mut linked: Vec<usize> = exclude.into_iter().collect();
        if let Some(l) = linker.filter(|l| !l.is_empty()) {
            link_text(&mut events, l, root, &mut linked);
            let notes = term_notes(l, &linked[exclude.is_some() as usize..]);
            if !notes.is_empty() {
                events.push(Event::Html(CowStr::from(notes)));
            }
        }
        let mut out = String::with_capacity(body.len() * 3 / 2);
        html::push_html(&mut out, events.into_iter());
        let html = match &self.sanitizer {
            Some(s) => s.clean(&out).to_string(),
            None => out,
        };
        Rendered { html, toc }
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Link targets with a scheme other than http(s), mailto or tel (`javascript:`, `data:`,
/// `vbscript:`…) become `#`.
fn neutralise_urls(events: &mut [Event<'_>]) {
    for e in events.iter_mut() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = e
            && !safe_url(dest_url)
        {
            *dest_url = CowStr::Borrowed("#");
        }
    }
}

/// Whether a URL would make the reader's browser contact another host.
pub fn is_remote(url: &str) -> bool {
    let u = url.trim_start();
    u.starts_with("//")
        || u.split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains('/') && scheme.len() > 1)
}

/// The site never makes a request to a third party: an image from another host becomes a
/// link to it (its alt text as the link text), so the reader decides whether to open it.
fn remote_images_to_links(events: &mut [Event<'_>]) {
    let mut inside = false;
    for e in events.iter_mut() {
        match e {
            Event::Start(Tag::Image {
                dest_url,
                title,
                id,
                ..
            }) if is_remote(dest_url) => {
                inside = true;
                *e = Event::Start(Tag::Link {
                    link_type: pulldown_cmark::LinkType::Inline,
                    dest_url: dest_url.clone(),
                    title: title.clone(),
                    id: id.clone(),
                });
            }
            Event::End(TagEnd::Image) if inside => {
                inside = false;
                *e = Event::End(TagEnd::Link);
            }
            _ => {}
        }
    }
}

/// Replaces running text with linked text, outside code, links, images, headings and raw
/// HTML links.
fn link_text(events: &mut [Event<'_>], linker: &Linker, root: &str, linked: &mut Vec<usize>) {
    let mut skip = 0usize;
    for e in events.iter_mut() {
        match e {
            Event::Start(
                Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Heading { .. }
                | Tag::CodeBlock(_)
                | Tag::HtmlBlock,
            ) => skip += 1,
            Event::End(
                TagEnd::Link
                | TagEnd::Image
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock,
            ) => skip = skip.saturating_sub(1),
            Event::InlineHtml(h) if h.trim_start().to_ascii_lowercase().starts_with("<a") => {
                skip += 1
            }
            Event::InlineHtml(h) if h.trim_start().to_ascii_lowercase().starts_with("</a") => {
                skip = skip.saturating_sub(1)
            }
            Event::Text(t) if skip == 0 => {
                let mut out = String::with_capacity(t.len() + 16);
                let before = linked.len();
                linker.link(t, root, linked, &mut out);
                if linked.len() > before {
                    *e = Event::InlineHtml(CowStr::from(out));
                }
            }
            _ => {}
        }
    }
}

/// The definitions of the terms linked on a page, shown as footnotes when printed.
fn term_notes(linker: &Linker, linked: &[usize]) -> String {
    let mut out = String::new();
    for t in linked.iter().map(|i| &linker.targets[*i]) {
        if let Some(term) = &t.term {
            out.push_str(&format!(
                "<dt>{}</dt><dd>{}</dd>",
                escape(term),
                escape(&t.tip)
            ));
        }
    }
    if out.is_empty() {
        out
    } else {
        format!("\n<aside class=\"term-notes\"><dl>{out}</dl></aside>\n")
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn sanitizer() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.add_tags(["input", "section", "details", "summary", "mark"])
        .add_generic_attributes(["id", "class", "style", "role"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("a", ["title"])
        .filter_style_properties(HashSet::from(["text-align"]))
        .url_schemes(crate::urls::SCHEMES.iter().copied().collect())
        .link_rel(None)
        .attribute_filter(|element, attribute, value| {
            // Raw HTML may not load remote media either.
            let loads = matches!(attribute, "src" | "srcset" | "poster" | "data");
            let url = matches!(attribute, "href" | "src" | "action" | "formaction" | "cite");
            if (loads && element != "a" && is_remote(value)) || (url && !safe_url(value)) {
                None
            } else {
                Some(value.into())
            }
        });
    b
}

/// Gives every heading an id (its text, slugged; unique within the page) so it can be
/// linked, and returns the table of contents. A heading keeps its `{#id .class}` but no
/// other attribute. De-duplication remembers the next free number per base, so 20,000
/// identical headings take linear time.
fn anchor_headings(events: &mut [Event<'_>]) -> Vec<(u8, String, String)> {
    let mut used = HashSet::new();
    let mut next: HashMap<String, usize> = HashMap::new();
    let mut toc = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = *level;
            let given = id.as_ref().map(|s| s.to_string());
            let mut text = String::new();
            for e in &events[i + 1..] {
                match e {
                    Event::End(TagEnd::Heading(_)) => break,
                    Event::Text(t) | Event::Code(t) => text.push_str(t),
                    _ => {}
                }
            }
            let base = given.unwrap_or_else(|| heading_slug(&text));
            let n = next.entry(base.clone()).or_insert(1);
            let mut anchor = base.clone();
            while !used.insert(anchor.clone()) {
                *n += 1;
                anchor = format!("{base}-{n}");
            }
            if let Event::Start(Tag::Heading { id, attrs, .. }) = &mut events[i] {
                *id = Some(CowStr::from(anchor.clone()));
                attrs.clear();
            }
            if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                toc.push((level as u8, anchor, text));
            }
        }
        i += 1;
    }
    toc
}

/// How deep a body may nest (Markdown containers and raw HTML elements together).
pub const MAX_DEPTH: usize = 256;

/// The deepest nesting of a body and the byte offset where it is first reached.
pub fn nesting_depth(body: &str) -> (usize, usize) {
    let mut depth = Depth::default();
    let mut deepest = (0, 0);
    for (e, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if depth.step(&e) > deepest.0 {
            deepest = (depth.now, range.start);
        }
    }
    deepest
}

/// The deepest nesting of parsed events.
fn depth_of(events: &[Event<'_>]) -> usize {
    let mut depth = Depth::default();
    events.iter().map(|e| depth.step(e)).max().unwrap_or(0)
}

/// Counts open Markdown containers and open raw HTML elements, one event at a time, in
/// time linear in the text: raw HTML is scanned once, never searched back and forth.
#[derive(Default)]
struct Depth {
    markdown: usize,
    html: usize,
    now: usize,
}

impl Depth {
    /// Takes one event; returns the deepest nesting reached inside it.
    fn step(&mut self, e: &Event<'_>) -> usize {
        let mut deepest_html = self.html;
        match e {
            Event::Start(_) => self.markdown += 1,
            Event::End(_) => self.markdown = self.markdown.saturating_sub(1),
            Event::Html(h) | Event::InlineHtml(h) => {
                (self.html, deepest_html) = html_depth(h, self.html);
            }
            _ => {}
        }
        self.now = self.markdown + deepest_html;
        self.now
    }
}

/// Elements that never contain others, or whose end tag may be left out (they are closed
/// by the next sibling, so they never nest deeper when unclosed).
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rp", "rt", "colgroup",
    "thead", "tbody", "tfoot",
];

/// The open-element depth after the raw HTML `h`, starting from `depth`, and the deepest
/// it reached on the way. Comments are skipped; a tag that ends in `/>` or is in [`FLAT`]
/// does not count.
fn html_depth(h: &str, mut depth: usize) -> (usize, usize) {
    let mut deepest = depth;
    let b = h.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if b[i..].starts_with(b"<!--") {
            i = h[i + 4..].find("-->").map_or(b.len(), |j| i + 4 + j + 3);
            continue;
        }
        let closing = b.get(i + 1) == Some(&b'/');
        let start = i + 1 + closing as usize;
        let mut j = start;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
            j += 1;
        }
        if j == start || !b[start].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let name = h[start..j].to_ascii_lowercase();
        // The tag ends at the next `>`, unless another `<` comes first (then it never ends).
        let mut k = j;
        while k < b.len() && b[k] != b'>' && b[k] != b'<' {
            k += 1;
        }
        if b.get(k) == Some(&b'>') && !FLAT.contains(&name.as_str()) {
            if closing {
                depth = depth.saturating_sub(1);
            } else if b[k - 1] != b'/' {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
        i = k;
    }
    (depth, deepest)
}

/// A heading's anchor: lower-case letters and digits of any script, `-` between words.
pub fn heading_slug(text: &str) -> String {
    let s = crate::content::sanitize_slug(text);
    if s == "item" && !text.chars().any(char::is_alphanumeric) {
        "section".into()
    } else {
        s
    }
}

/// Relative link targets in a body (no scheme, not `#…`, not `/…`): (offset, URL).
pub fn relative_links(body: &str) -> Vec<(usize, String)> {
    Parser::new_ext(body, options())
        .into_offset_iter()
        .filter_map(|(e, range)| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some((range.start, dest_url.to_string())),
            _ => None,
        })
        .filter(|(_, u)| !u.is_empty() && !u.starts_with(['#', '/']) && !u.contains(':'))
        .collect()
}

/// All-capital words of 2–6 letters in the running text of a body (not in code, links,
/// headings' ids or raw HTML): (byte offset in the body, word). Issue ids (`ISS-4`) are not
/// words here.
pub fn acronyms(body: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut skip = 0usize;
    for (e, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match e {
            Event::Start(
                Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_) | Tag::HtmlBlock,
            ) => skip += 1,
            Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock | TagEnd::HtmlBlock) => {
                skip = skip.saturating_sub(1)
            }
            Event::Text(t) if skip == 0 => {
                let base = if body.get(range.clone()) == Some(&*t) {
                    range.start
                } else {
                    body[range.clone()]
                        .find(&*t)
                        .map_or(range.start, |i| range.start + i)
                };
                scan_acronyms(&t, base, &mut out);
            }
            _ => {}
        }
    }
    out
}

fn scan_acronyms(text: &str, base: usize, out: &mut Vec<(usize, String)>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_uppercase()
            || (i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'))
        {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_uppercase() {
            i += 1;
        }
        let next = bytes.get(i).copied();
        let id_like = next == Some(b'-') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        let bounded = !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_');
        if (2..=6).contains(&(i - start)) && bounded && !id_like {
            out.push((base + start, text[start..i].to_string()));
        }
    }
}

/// The first paragraph of a Markdown body as plain text, cut to `max` characters.
pub fn excerpt(body: &str, max: usize) -> String {
    let mut text = String::new();
    let mut in_para = false;
    for e in Parser::new_ext(body, options()) {
        match e {
            Event::Start(Tag::Paragraph) => in_para = true,
            Event::End(TagEnd::Paragraph) if !text.is_empty() => break,
            Event::End(TagEnd::Paragraph) => in_para = false,
            Event::Text(t) | Event::Code(t) if in_para => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_para => text.push(' '),
            _ => {}
        }
    }
    if text.chars().count() > max {
        let cut: String = text.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_gfm_and_anchors() {
        let md = Markdown::new(false);
        let r = md.render("## Next steps\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~ text[^1]\n\n[^1]: note\n\n## Next steps\n");
        assert!(r.html.contains("<h2 id=\"next-steps\">"), "{}", r.html);
        assert!(r.html.contains("id=\"next-steps-2\""));
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("checked"));
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("footnote"));
        assert_eq!(r.toc.len(), 2);
    }

    #[test]
    fn scripts_and_js_links_are_removed() {
        let md = Markdown::new(false);
        let r = md.render(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("javascript:"));
        assert!(!r.html.contains("onerror"));
    }

    #[test]
    fn nesting_counts_containers_and_open_elements_but_not_void_or_closed_ones() {
        assert_eq!(nesting_depth("plain").0, 1);
        assert_eq!(nesting_depth("> > > x").0, 4);
        let html = "<div><section><br><img src=x/><p>a<p>b<!-- <div><div> --></section></div>";
        assert_eq!(nesting_depth(html).0, 3, "html block + div + section");
        assert_eq!(nesting_depth(&"<div>".repeat(300)).0, 301);
        assert_eq!(nesting_depth(&"<div></div>".repeat(300)).0, 2);
        let closed = format!("{}{}", "<div>".repeat(300), "</div>".repeat(300));
        assert_eq!(nesting_depth(&closed).0, 301);
        assert_eq!(
            nesting_depth("<<<<a<b<c").0,
            1,
            "tags that never end do not count"
        );
        let md = Markdown::new(false);
        let deep = md.render(&"<div>".repeat(MAX_DEPTH + 1));
        assert!(
            deep.html.starts_with("<pre class=\"too-deep\">&lt;div&gt;"),
            "{}",
            deep.html
        );
    }

    #[test]
    fn acronyms_are_found_outside_code_and_links_but_not_ids() {
        let body = "The HIS and UAT.\n\n`SQL` and [API](x) and ISS-42 and HTTPSERVER and CamelCASE\n\n```\nJSON\n```\n";
        let found: Vec<String> = acronyms(body).into_iter().map(|(_, w)| w).collect();
        assert_eq!(found, ["HIS", "UAT"]);
        assert_eq!(acronyms("x\n\nSLA here")[0].0, 3);
    }

    #[test]
    fn excerpt_is_the_first_paragraph() {
        assert_eq!(
            excerpt("# T\n\nFirst *para*\ngraph.\n\nSecond.", 100),
            "First para graph."
        );
        assert_eq!(excerpt("abcdef", 3), "abc…");
    }
}
