//! Internal blocks: after any text, a well-formed block's words never survive the scanner
//! unless CommonMark puts them inside code (the text left a fence or code span open), and
//! the scanner never panics. Same invariant as the property test in tests/it/markers.rs.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use vitrine::content::visibility::{Keep, markdown_options, strip};

const SECRET: &str = "FUZZSECRET";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.contains(SECRET) {
        // The input says the word itself (the fuzzer learns it): public text, not a leak.
        return;
    }
    let doc = format!("{text}\n\np <!-- internal --> {SECRET} <!-- /internal -->\n");
    let at = doc.rfind(SECRET).unwrap();
    let _ = strip(text, Keep::Marked);
    if let Ok(out) = strip(&doc, Keep::No)
        && out.text.contains(SECRET)
    {
        assert!(in_code(&doc, at), "the block's text survived outside code:\n{doc:?}");
    }
});

/// Whether byte `at` lies inside a code span or code block as CommonMark parses `doc`.
fn in_code(doc: &str, at: usize) -> bool {
    let mut start = None;
    for (e, r) in Parser::new_ext(doc, markdown_options()).into_offset_iter() {
        match e {
            Event::Code(_) if r.contains(&at) => return true,
            Event::Start(Tag::CodeBlock(_)) => start = Some(r.start),
            Event::End(TagEnd::CodeBlock) => {
                if (start.unwrap_or(r.start)..r.end).contains(&at) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}
