//! The one URL allow-list. Every URL that reaches a page — a link or image in Markdown, an
//! `href` in sanitised raw HTML, `base_url`, `--base-url`, `[feedback] url`, `[[nav]] url` —
//! is either relative or uses one of [`SCHEMES`]; anything else (`javascript:`, `data:`,
//! `vbscript:`…) is rejected at the config or replaced in content. One function, so that a
//! scheme allowed in one place is allowed in all of them.

/// The schemes a URL may have; a URL without a scheme (relative, `#…`, `/…`) is allowed too.
pub const SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Whether `url` is relative or uses an allowed scheme. Browsers ignore whitespace and
/// control characters inside a scheme (`java\tscript:`), so they are ignored here too.
pub fn safe_url(url: &str) -> bool {
    let u: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    match u.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            SCHEMES.contains(&scheme.to_ascii_lowercase().as_str())
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::safe_url;

    #[test]
    fn only_relative_urls_and_allowed_schemes_are_safe() {
        for ok in [
            "https://acme.example/",
            "HTTP://x",
            "mailto:a@b.c",
            "../notes/a.html",
            "#top",
            "/x?a=b:c",
            "a/b:c",
        ] {
            assert!(safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "\u{0}javascript:x",
        ] {
            assert!(!safe_url(bad), "{bad}");
        }
    }
}
