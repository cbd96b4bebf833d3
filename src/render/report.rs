//! A report as Markdown (for e-mail and chat) or plain text, through the templates
//! `report.md` and `report.txt`: a site overrides them like any template. The HTML forms
//! are templates too (`report.html` standalone, `report_page.html` on the site); JSON is
//! the `Report` itself.

use super::{Theme, ThemeError};
use crate::insight::report::Report;

/// Markdown or plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Markdown,
    Text,
}

impl Style {
    /// The template that writes this style.
    pub fn template(self) -> &'static str {
        match self {
            Style::Markdown => "report.md",
            Style::Text => "report.txt",
        }
    }
}

/// Writes a report; `base` (the site's address) turns references into links. The template
/// gets `report`, `base` (`""` without one) and `lang`, like `report.html`.
pub fn write(
    r: &Report,
    theme: &Theme,
    lang: &str,
    base: Option<&str>,
    style: Style,
) -> Result<String, ThemeError> {
    let mut ctx = tera::Context::new();
    ctx.insert("report", r);
    ctx.insert("base", base.unwrap_or(""));
    ctx.insert("lang", lang);
    Ok(theme.render(style.template(), &ctx, "writing the report")?)
}
