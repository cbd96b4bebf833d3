//! Markdown to HTML: CommonMark plus tables, task lists, footnotes, strikethrough and
//! heading anchors, then sanitised (unless the site allows raw HTML).
//!
//! Sanitising happens on every rendered document, whatever its source contains, so Markdown
//! can never produce a `<script>`, an event attribute or a `javascript:` link, however it
//! is written (heading attributes `{onclick=…}` included).
//!
//! Work is bounded: anchors are de-duplicated in linear time, and a body nested deeper
//! than [`crate::content::text::MAX_DEPTH`] (Markdown containers plus raw HTML elements) is shown as escaped
//! text instead of being parsed by the sanitiser, whose cost grows with the square of the
//! depth. `vitrine check` and `build` report such a body as an error ([`crate::content::text::nesting_depth`]).

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{
    CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, TextMergeStream, html,
};

use super::linker::Linker;
use crate::content::text::{MAX_DEPTH, depth_of};
use crate::urls::safe_url;

/// A configured Markdown renderer, built once per build and shared across threads.
pub struct Markdown {
    sanitizer: Option<ammonia::Builder<'static>>,
    /// What a screen reader says for a ticked and an unticked task-list box.
    task_labels: [String; 2],
}

/// What rendering one body gives.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    pub html: String,
    /// The headings of level 2 and 3, for a table of contents: (level, id, text).
    pub toc: Vec<(u8, String, String)>,
}

impl Markdown {
    pub fn new(allow_html: bool) -> Markdown {
        Markdown {
            sanitizer: (!allow_html).then(sanitizer),
            task_labels: ["done".into(), "not done".into()],
        }
    }

    /// The words a task list's boxes are read as (ticked, unticked), in the site's language.
    pub fn with_task_labels(mut self, done: &str, open: &str) -> Markdown {
        self.task_labels = [done.into(), open.into()];
        self
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
                html: format!(
                    "<pre class=\"too-deep\">{}</pre>",
                    crate::escape::html(body)
                ),
                toc: Vec::new(),
            };
        }
        // Without raw HTML in the source, pulldown-cmark's output (text and attributes
        // escaped, link targets neutralised below) and this module's own markup (escaped
        // where it carries text) need no sanitizer: it is parsed only for bodies with HTML.
        let raw = events
            .iter()
            .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
        remote_images_to_links(&mut events);
        neutralise_urls(&mut events);
        label_task_boxes(&mut events, &self.task_labels);
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
            Some(s) if raw => s.clean(&out).to_string(),
            _ => out,
        };
        Rendered { html, toc }
    }
}

/// The same parser options as content reading, so code spans are the same everywhere.
fn options() -> Options {
    crate::content::visibility::markdown_options()
}

/// A task list's box is a disabled checkbox; without a name, assistive technology reads
/// "checkbox" and nothing more. Each box gets its state in words.
fn label_task_boxes(events: &mut [Event<'_>], [done, open]: &[String; 2]) {
    for e in events.iter_mut() {
        if let Event::TaskListMarker(checked) = *e {
            let (checked, label) = if checked {
                (" checked=\"\"", done)
            } else {
                ("", open)
            };
            *e = Event::Html(CowStr::from(format!(
                "<input disabled=\"\" type=\"checkbox\"{checked} aria-label=\"{}\"/>\n",
                crate::escape::html(label)
            )));
        }
    }
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
                crate::escape::html(term),
                crate::escape::html(&t.tip)
            ));
        }
    }
    if out.is_empty() {
        out
    } else {
        format!("\n<aside class=\"term-notes\"><dl>{out}</dl></aside>\n")
    }
}

fn sanitizer() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.add_tags(["input", "section", "details", "summary", "mark"])
        .add_generic_attributes(["id", "class", "style", "role"])
        .add_tag_attributes("input", ["type", "checked", "disabled", "aria-label"])
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

/// A heading's anchor: lower-case letters and digits of any script, `-` between words.
pub fn heading_slug(text: &str) -> String {
    let s = crate::content::sanitize_slug(text);
    if s == "item" && !text.chars().any(char::is_alphanumeric) {
        "section".into()
    } else {
        s
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
    fn a_task_box_is_named_by_its_state_in_the_site_language() {
        for allow_html in [false, true] {
            let md = Markdown::new(allow_html).with_task_labels("已完成", "尚未完成 <b>");
            let html = md.render("- [x] 上线\n- [ ] 培训\n").html;
            assert!(html.contains(r#"checked="" aria-label="已完成""#), "{html}");
            assert!(
                html.contains(r#"aria-label="尚未完成 &lt;b&gt;""#),
                "{html}"
            );
            assert_eq!(html.matches("aria-label").count(), 2, "{html}");
        }
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

    /// Bodies without raw HTML skip the sanitizer: everything Markdown itself can put in
    /// an attribute or a link must come out escaped or neutralised, and the result must be
    /// what the sanitizer would leave as it is.
    #[test]
    fn markdown_without_raw_html_cannot_inject_markup() {
        let md = Markdown::new(false);
        let hostile = [
            "# Title {#x onclick=alert(1) .c style=color:red data-x=\"y\"}",
            "[a](javascript:alert(1)) [b](<javascript:alert(1)>) <javascript:alert(1)>",
            "[c](https://example.com \"t\\\" onmouseover=\\\"alert(1)\")",
            "![d](javascript:alert(1)) ![e](https://example.com/x.png\" onerror=\"alert(1))",
            "```js\" onclick=\"alert(1)\nx\n```",
            "Note[^a\" onclick=\"x].\n\n[^a\" onclick=\"x]: foot",
            "| a | b |\n|:-|-:|\n| <x | \"y\" |",
            "[[javascript:alert(1)]] `<script>` &lt;script&gt; \\<script>",
        ];
        let sanitizer = sanitizer();
        for body in hostile {
            let r = md.render(body);
            // Every tag, as written: no handler, script URL or style but table alignment.
            for tag in r
                .html
                .split('<')
                .skip(1)
                .map(|t| t.split('>').next().unwrap_or(""))
            {
                let tag = tag.to_lowercase();
                // Attribute names: words outside quoted values.
                let (mut names, mut quoted, mut word) = (Vec::new(), false, String::new());
                for c in tag.chars() {
                    match c {
                        '"' => quoted = !quoted,
                        '=' if !quoted => names.push(std::mem::take(&mut word)),
                        c if c.is_whitespace() && !quoted => word.clear(),
                        c if !quoted => word.push(c),
                        _ => {}
                    }
                }
                let handler = names.iter().any(|n| n.starts_with("on"));
                assert!(!handler, "{body:?}: a handler in <{tag}>");
                assert!(!tag.contains("javascript:"), "{body:?}: <{tag}>");
                assert!(!tag.starts_with("script"), "{body:?}: <{tag}>");
                assert!(
                    !tag.contains("style=") || tag.contains("style=\"text-align:"),
                    "{body:?}: <{tag}>"
                );
                assert!(!tag.contains("data-x"), "{body:?}: <{tag}>");
            }
            let cleaned = sanitizer.clean(&r.html).to_string();
            let tags = |h: &str| h.matches('<').count();
            assert_eq!(
                tags(&cleaned),
                tags(&r.html),
                "{body:?}: the sanitizer removed markup from {}",
                r.html
            );
        }
    }

    #[test]
    fn too_deep_bodies_render_as_escaped_text() {
        let md = Markdown::new(false);
        let deep = md.render(&"<div>".repeat(MAX_DEPTH + 1));
        assert!(
            deep.html.starts_with("<pre class=\"too-deep\">&lt;div&gt;"),
            "{}",
            deep.html
        );
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
