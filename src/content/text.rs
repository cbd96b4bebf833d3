//! Text out of Markdown, through the parser's events and never from raw lines: acceptance
//! criteria (task lists), a note's *Next steps*, paragraphs. Raw HTML (comments included)
//! is never text, so a `<!-- note to self -->` cannot surface as words.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::visibility::markdown_options;

/// Appends the words of one event (text, code, breaks) to `out`; markup and HTML add none.
fn push_text(e: &Event<'_>, out: &mut String) {
    match e {
        Event::Text(t) | Event::Code(t) => out.push_str(t),
        Event::SoftBreak | Event::HardBreak => out.push(' '),
        _ => {}
    }
}

/// Whitespace collapsed to single spaces, trimmed.
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The task list items (`- [ ]` / `- [x]`) of a body: (text, done), in source order. A
/// nested list's items are items of their own; code blocks hold none.
pub fn task_list(body: &str) -> Vec<(String, bool)> {
    // Items being read, innermost last: (start offset, own text, task state, nested list seen).
    let mut stack: Vec<(usize, String, Option<bool>, bool)> = Vec::new();
    let mut done: Vec<(usize, String, bool)> = Vec::new();
    for (e, r) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match &e {
            Event::Start(Tag::Item) => stack.push((r.start, String::new(), None, false)),
            Event::End(TagEnd::Item) => {
                if let Some((start, text, Some(checked), _)) = stack.pop() {
                    let text = squash(&text);
                    if !text.is_empty() {
                        done.push((start, text, checked));
                    }
                }
            }
            Event::TaskListMarker(checked) => {
                if let Some(top) = stack.last_mut() {
                    top.2 = Some(*checked);
                }
            }
            Event::Start(Tag::List(_)) => {
                if let Some(top) = stack.last_mut() {
                    top.3 = true;
                }
            }
            _ => {
                if let Some(top) = stack.last_mut().filter(|t| !t.3) {
                    push_text(&e, &mut top.1);
                }
            }
        }
    }
    done.sort_by_key(|d| d.0);
    done.into_iter().map(|(_, t, c)| (t, c)).collect()
}

/// A body without its task-list items (`- [ ]` / `- [x]`, with anything nested in them):
/// a milestone page shows its acceptance criteria once, as the checklist built from
/// [`task_list`], not a second time in the text. Other items and blocks are kept as written.
pub fn without_task_items(body: &str) -> String {
    let mut cut: Vec<std::ops::Range<usize>> = Vec::new();
    let mut items: Vec<std::ops::Range<usize>> = Vec::new();
    for (e, r) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match e {
            Event::Start(Tag::Item) => items.push(r),
            Event::End(TagEnd::Item) => {
                items.pop();
            }
            Event::TaskListMarker(_) => {
                // The outermost task item takes its nested ones with it.
                if let Some(item) = items.last()
                    && !cut
                        .iter()
                        .any(|c| c.start <= item.start && item.end <= c.end)
                {
                    cut.push(item.clone());
                }
            }
            _ => {}
        }
    }
    if cut.is_empty() {
        return body.to_string();
    }
    let mut out = String::with_capacity(body.len());
    let mut at = 0;
    for c in cut {
        out.push_str(&body[at..c.start.max(at)]);
        at = at.max(c.end);
    }
    out.push_str(&body[at..]);
    out
}

/// Whether a heading's or a label's text names the *Next steps* section (English or
/// Chinese, in the words teams use for it).
fn is_next_steps(title: &str) -> bool {
    let t = squash(title)
        .trim_end_matches([':', '：', '.', '。'])
        .trim()
        .to_lowercase();
    let t = t.strip_prefix("our ").unwrap_or(&t);
    // "Next steps (week 12)", "Next steps for December", "下一步计划（第12周）".
    let qualified = [
        "next steps ",
        "next steps(",
        "next steps—",
        "下一步",
        "下周计划",
        "下周工作",
    ]
    .iter()
    .any(|p| t.starts_with(p));
    qualified
        || matches!(
            t,
            "next steps"
                | "next step"
                | "next"
                | "next up"
                | "next week"
                | "next week's plan"
                | "plan for next week"
                | "coming up"
                | "upcoming"
                | "what's next"
                | "what’s next"
                | "what happens next"
                | "what we do next"
                | "what we will do next"
                | "下周"
                | "接下来"
                | "后续"
                | "后续计划"
                | "后续工作"
                | "下一阶段"
                | "下阶段计划"
        )
}

/// One block of a body, as [`next_steps`] reads it.
enum Block {
    Heading(HeadingLevel, String),
    /// A short paragraph that is only a label: all bold or italic (`**Next**`), or ending
    /// in a colon (`Next steps:`). Teams write these instead of headings.
    Label(String),
    /// A paragraph.
    Text(String),
    /// A top-level list item.
    Item(String),
}

fn read_blocks(body: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut heading: Option<(HeadingLevel, String)> = None;
    let mut lists = 0usize;
    // The block being read, and whether all its text so far was bold or italic.
    let mut current: Option<(String, bool)> = None;
    let mut styled = 0usize;
    for e in Parser::new_ext(body, markdown_options()) {
        if let Some((_, text)) = heading.as_mut() {
            match e {
                Event::End(TagEnd::Heading(_)) => {
                    let (level, text) = heading.take().expect("a heading is being read");
                    out.push(Block::Heading(level, squash(&text)));
                }
                e => push_text(&e, text),
            }
            continue;
        }
        match &e {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((*level, String::new())),
            Event::Start(Tag::List(_)) => lists += 1,
            Event::End(TagEnd::List(_)) => lists = lists.saturating_sub(1),
            Event::Start(Tag::Item) if lists == 1 => current = Some((String::new(), false)),
            Event::End(TagEnd::Item) if lists == 1 => {
                if let Some((text, _)) = current.take().map(|(t, s)| (squash(&t), s))
                    && !text.is_empty()
                {
                    out.push(Block::Item(text));
                }
            }
            Event::Start(Tag::Paragraph) if lists == 0 => current = Some((String::new(), true)),
            Event::End(TagEnd::Paragraph) if lists == 0 => {
                if let Some((text, all_styled)) = current.take().map(|(t, s)| (squash(&t), s))
                    && !text.is_empty()
                {
                    let short = text.chars().count() <= 40;
                    let colon = text.ends_with(':') || text.ends_with('：');
                    out.push(if short && (all_styled || colon) {
                        Block::Label(text)
                    } else {
                        Block::Text(text)
                    });
                }
            }
            Event::Start(Tag::Strong | Tag::Emphasis) => styled += 1,
            Event::End(TagEnd::Strong | TagEnd::Emphasis) => styled = styled.saturating_sub(1),
            _ => {
                if let Some((text, all_styled)) = current.as_mut() {
                    if styled == 0
                        && matches!(&e, Event::Text(t) | Event::Code(t) if !t.trim().is_empty())
                    {
                        *all_styled = false;
                    }
                    push_text(&e, text);
                }
            }
        }
    }
    out
}

/// The items (or paragraphs) of the section headed *Next steps* / *下一步* (or *Next*,
/// *Coming up*, *下周计划*…), as plain text. The section is a heading's (to the next heading
/// of its level or above) or a label paragraph's such as `**Next**` (to the next label or
/// heading, or a paragraph after its list).
pub fn next_steps(body: &str) -> Vec<String> {
    // Inside the section: Some(Some(level)) under a heading, Some(None) under a label.
    let mut section: Option<Option<HeadingLevel>> = None;
    let mut out = Vec::new();
    let mut items = false;
    for block in read_blocks(body) {
        match block {
            Block::Heading(level, text) => {
                let ends = match section {
                    Some(Some(own)) => level <= own,
                    Some(None) => true,
                    None => false,
                };
                if ends {
                    section = None;
                }
                if section.is_none() && is_next_steps(&text) {
                    section = Some(Some(level));
                }
            }
            Block::Label(text) => {
                if is_next_steps(&text) {
                    if section.is_none() || section == Some(None) {
                        section = Some(None);
                    }
                } else if section == Some(None) {
                    section = None;
                }
            }
            Block::Text(text) => {
                if section == Some(None) && items {
                    section = None; // the sign-off after a label's list
                }
                if section.is_some() {
                    out.push(text);
                }
            }
            Block::Item(text) => {
                if section.is_some() {
                    out.push(text);
                    items = true;
                }
            }
        }
        if section.is_none() {
            items = false;
        }
    }
    out
}

fn flush(current: &mut Option<String>, out: &mut Vec<String>) {
    if let Some(text) = current.take().map(|t| squash(&t))
        && !text.is_empty()
    {
        out.push(text);
    }
}

/// The paragraphs (and list items, headings, quotes) of a body as plain text, in order:
/// what an incident's update log compares between versions.
pub fn blocks(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    let mut depth = 0usize;
    for e in Parser::new_ext(body, markdown_options()) {
        match &e {
            Event::Start(Tag::Paragraph | Tag::Item | Tag::Heading { .. } | Tag::CodeBlock(_)) => {
                depth += 1;
                if depth == 1 {
                    current = Some(String::new());
                }
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_) | TagEnd::CodeBlock,
            ) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    flush(&mut current, &mut out);
                }
            }
            _ => {
                if let Some(c) = current.as_mut() {
                    push_text(&e, c);
                }
            }
        }
    }
    out
}

/// How deep a body may nest (Markdown containers and raw HTML elements together).
pub const MAX_DEPTH: usize = 256;

/// The deepest nesting of a body and the byte offset where it is first reached.
pub fn nesting_depth(body: &str) -> (usize, usize) {
    let mut depth = Depth::default();
    let mut deepest = (0, 0);
    for (e, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        if depth.step(&e) > deepest.0 {
            deepest = (depth.now, range.start);
        }
    }
    deepest
}

/// The deepest nesting of parsed events.
pub fn depth_of(events: &[Event<'_>]) -> usize {
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

/// Relative link targets in a body (no scheme, not `#…`, not `/…`): (offset, URL).
pub fn relative_links(body: &str) -> Vec<(usize, String)> {
    Parser::new_ext(body, markdown_options())
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
    for (e, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_lists_become_criteria() {
        let c = task_list("- [x] one\n- [ ] two <!-- note to self -->\n```\n- [ ] code\n```\n");
        assert_eq!(c, vec![("one".into(), true), ("two".into(), false)]);
    }

    #[test]
    fn nested_task_lists_keep_source_order() {
        let c = task_list("- [ ] parent\n  - [x] child\n- [ ] last\n");
        let texts: Vec<&str> = c.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(texts, ["parent", "child", "last"]);
    }

    #[test]
    fn next_steps_come_from_the_section_without_comments() {
        let body = "Intro.\n\n## Next steps\n\n- Ship *it* <!-- note to self -->\n- 2. Test\n\n## Other\n\n- no\n";
        assert_eq!(next_steps(body), ["Ship it", "Test"]);
        let zh = "### 下一步：\n\n1. 上线\n2. 验收\n";
        assert_eq!(next_steps(zh), ["上线", "验收"]);
        assert!(next_steps("<!-- ## Next steps\n- hidden -->\n").is_empty());
    }

    #[test]
    fn next_steps_under_a_label_or_in_the_words_teams_use() {
        let bold = "**Done**\n\n- v0.8 installed\n\n**Next**\n\n- Freezer test\n- Training plan\n\n**Risks**\n\n- none\n";
        assert_eq!(next_steps(bold), ["Freezer test", "Training plan"]);
        let colon = "Status is fine.\n\nNext steps:\n\n1. Ship\n\nThanks.\n";
        assert_eq!(next_steps(colon), ["Ship"]);
        assert_eq!(
            next_steps("**Next**\n\nWe test.\n\nThen we train.\n"),
            ["We test.", "Then we train."]
        );
        let zh = "**本周完成**\n\n- 上线\n\n**下周**：\n\n- 培训\n- 验收\n";
        assert_eq!(next_steps(zh), ["培训", "验收"]);
        assert_eq!(
            next_steps("## 下周计划\n\n- 培训\n\n## 风险\n\n- 无\n"),
            ["培训"]
        );
        assert_eq!(next_steps("## Coming up\n\n- Demo\n"), ["Demo"]);
        assert_eq!(next_steps("## Next steps (week 12)\n\n- Demo\n"), ["Demo"]);
        assert_eq!(next_steps("**Next steps:**\n\n- Demo\n"), ["Demo"]);
        assert_eq!(next_steps("### 下一步计划（第12周）\n\n- 演示\n"), ["演示"]);
        assert!(next_steps("## Nextcloud setup\n\n- x\n").is_empty());
        // A bold sentence inside the section is an item, not a label ending it.
        let long = "## Next steps\n\n**Please approve the designs by Friday, 4 December, so we can start.**\n\n- Demo\n";
        assert_eq!(next_steps(long).len(), 2);
        // Sub-labels under a heading section do not end it.
        let sub = "## Next steps\n\n**This week**\n\n- A\n\n**Later**\n\n- B\n\n## Risks\n\n- C\n";
        assert_eq!(next_steps(sub), ["A", "B"]);
        // A paragraph merely mentioning the words is not a section.
        assert!(next_steps("The next steps are unclear.\n\n- x\n").is_empty());
    }

    #[test]
    fn blocks_are_plain_paragraphs() {
        assert_eq!(
            blocks("A *b*\nc.\n\n<!-- x -->\n\n- item\n"),
            ["A b c.", "item"]
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
    }
}
