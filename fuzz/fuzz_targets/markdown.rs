//! Markdown rendering with glossary and issue linking, and the text scans of `check`.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use vitrine::render::linker::{IssueInput, Linker, TermInput};
use vitrine::render::markdown::{self, Markdown};

fn linker() -> &'static Linker {
    static L: OnceLock<Linker> = OnceLock::new();
    L.get_or_init(|| {
        let aliases = vec!["UAT".to_string(), "用户验收测试".to_string()];
        let terms = [
            TermInput { term: "User Acceptance Testing", aliases: &aliases, anchor: "uat", short: "Testing by the client" },
            TermInput { term: "验收", aliases: &[], anchor: "yan", short: "接受" },
        ];
        let issues = [IssueInput { id: "ISS-4", url: "issues/iss-4.html", title: "A <b>risk</b>" }];
        Linker::new(&terms, &issues)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let md = Markdown::new(false);
    let r = md.render_linked(text, Some(linker()), "../", None);
    // The sanitised output never carries script.
    assert!(!r.html.to_ascii_lowercase().contains("<script"), "script in output");
    let _ = markdown::acronyms(text);
    let _ = markdown::relative_links(text);
    let _ = markdown::excerpt(text, 50);
});
