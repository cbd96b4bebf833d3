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

/// Whether a heading's text names the *Next steps* section (English or Chinese).
fn is_next_steps(title: &str) -> bool {
    let t = squash(title)
        .trim_end_matches([':', '：'])
        .trim()
        .to_lowercase();
    matches!(
        t.as_str(),
        "next steps" | "next step" | "下一步" | "下一步计划"
    )
}

/// The items (or paragraphs) of the section headed *Next steps* / *下一步*, as plain text.
pub fn next_steps(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut section: Option<HeadingLevel> = None;
    let mut heading: Option<(HeadingLevel, String)> = None;
    // Depth of lists inside the section, and the text of the block being read.
    let mut lists = 0usize;
    let mut current: Option<String> = None;
    for e in Parser::new_ext(body, markdown_options()) {
        if heading.is_some() {
            if let Event::End(TagEnd::Heading(_)) = &e {
                if let Some((level, text)) = heading.take() {
                    section = is_next_steps(&text).then_some(level);
                }
            } else if let Some((_, text)) = heading.as_mut() {
                push_text(&e, text);
            }
            continue;
        }
        match &e {
            Event::Start(Tag::Heading { level, .. }) => {
                if section.is_some_and(|s| *level <= s) || section.is_none() {
                    heading = Some((*level, String::new()));
                }
            }
            _ if section.is_none() => {}
            Event::Start(Tag::List(_)) => lists += 1,
            Event::End(TagEnd::List(_)) => lists = lists.saturating_sub(1),
            Event::Start(Tag::Item) if lists == 1 => current = Some(String::new()),
            Event::Start(Tag::Paragraph) if lists == 0 => current = Some(String::new()),
            Event::End(TagEnd::Item) if lists == 1 => flush(&mut current, &mut out),
            Event::End(TagEnd::Paragraph) if lists == 0 => flush(&mut current, &mut out),
            _ => {
                if let Some(c) = current.as_mut() {
                    push_text(&e, c);
                }
            }
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
    fn blocks_are_plain_paragraphs() {
        assert_eq!(
            blocks("A *b*\nc.\n\n<!-- x -->\n\n- item\n"),
            ["A b c.", "item"]
        );
    }
}
