//! The one HTML escaper: text and attribute values alike (`&`, `<`, `>`, `"`, `'`), so
//! that whatever a piece of text ends up in — an element, a quoted attribute, XML, an
//! error page — it is escaped the same way. Templates escape through their engine; every
//! piece of HTML written by hand in Rust uses this.

/// Appends `s` escaped for HTML or XML.
pub fn html_into(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// `s` escaped for HTML or XML.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    html_into(s, &mut out);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_text_and_attributes_alike() {
        assert_eq!(
            super::html(r#"<a href="x">Tom's & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; Jerry&#39;s&lt;/a&gt;"
        );
    }
}
