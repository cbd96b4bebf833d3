//! Diagnostics: one type for every problem vitrine reports about content, config,
//! the repository or templates.
//!
//! Stages never print; they push [`Diagnostic`]s into a [`Diagnostics`] collection so that
//! `check` can show every problem at once, like a compiler, and `build` can refuse to
//! write output when any of them is an error.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; the build goes on.
    Warning,
    /// The build fails (exit status 1).
    Error,
}

/// One problem, located as precisely as we can: `path:line:col: error: message` plus a hint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root where possible.
    pub path: Option<PathBuf>,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub col: Option<usize>,
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message)
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message)
    }

    fn new(severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            path: None,
            line: None,
            col: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Names the file the problem is in.
    pub fn at(mut self, path: impl AsRef<Path>) -> Self {
        self.path = Some(path.as_ref().to_path_buf());
        self
    }

    /// Places the problem at a 1-based line and column.
    pub fn line_col(mut self, line: usize, col: usize) -> Self {
        self.line = Some(line.max(1));
        self.col = Some(col.max(1));
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}", path.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(col) = self.col {
                    write!(f, ":{col}")?;
                }
            }
            write!(f, ": ")?;
        }
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Every diagnostic of one run, in the order found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by path and line so that output is stable whatever order stages ran in.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items
            .sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
        self.items
    }
}

/// Finds the 1-based line and column of a byte offset in `text`.
pub fn line_col_of(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Renders a diagnostic for a person: the `path:line:col: error: message` line that
/// editors and `grep` understand, then — when the source line is known — that line with a
/// caret under the column (like rustc, clang and Zola), then the hint. `source` is the
/// whole text of the diagnostic's file, as the run read it; a line it does not have is
/// simply not shown. `color` adds ANSI styles (decided by the caller: a terminal, and no
/// `NO_COLOR`).
pub fn render(d: &Diagnostic, source: Option<&str>, color: bool) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut out = header(d, color);
    let excerpt = d
        .line
        .zip(source)
        .and_then(|(line, text)| Some((line, text.lines().nth(line.checked_sub(1)?)?)));
    let Some((line, text)) = excerpt else {
        if let Some(hint) = &d.hint {
            out.push_str(&format!("\n  hint: {hint}"));
        }
        return out;
    };
    let text = text.trim_end_matches('\r');
    let span = caret_span(text, d.col.unwrap_or(1));
    let mut group = Group::with_level(level).element(
        Snippet::source(text)
            .line_start(line)
            .annotation(AnnotationKind::Primary.span(span)),
    );
    if let Some(hint) = &d.hint {
        group = group.element(Level::HELP.with_name("hint").message(hint.as_str()));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    out.push('\n');
    out.push_str(&renderer.render(&[group]));
    out
}

/// `path:line:col: error: message`, with the path bold and the label in its colour.
fn header(d: &Diagnostic, color: bool) -> String {
    use anstyle::{AnsiColor, Style};
    let paint = |style: Style, text: &str| {
        if color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    };
    let bold = Style::new().bold();
    let (label, style) = match d.severity {
        Severity::Error => ("error", AnsiColor::BrightRed.on_default().bold()),
        Severity::Warning => ("warning", AnsiColor::Yellow.on_default().bold()),
    };
    let mut place = String::new();
    if let Some(path) = &d.path {
        place = path.display().to_string();
        if let Some(line) = d.line {
            place.push_str(&format!(":{line}"));
            if let Some(col) = d.col {
                place.push_str(&format!(":{col}"));
            }
        }
        place = format!("{}: ", paint(bold, &place));
    }
    format!(
        "{place}{}: {}",
        paint(style, label),
        paint(bold, &d.message)
    )
}

/// The byte range to underline in `line` for a 1-based character column: the word that
/// starts there (a key, a value, an id), or one character; past the end, the end.
fn caret_span(line: &str, col: usize) -> std::ops::Range<usize> {
    let start = line
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let word = line[start..]
        .find(|c: char| !(c.is_alphanumeric() || "-_.".contains(c)))
        .unwrap_or(line.len() - start);
    let len = if word > 0 {
        word
    } else {
        line[start..].chars().next().map_or(0, char::len_utf8)
    };
    start..start + len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn health() -> Diagnostic {
        Diagnostic::error("`health` must be one of on-track, at-risk, off-track")
            .at("notes/a.md")
            .line_col(3, 9)
            .hint("use one of the three values")
    }

    #[test]
    fn the_source_line_is_shown_with_a_caret_under_the_column() {
        let text = "---\ntitle: A\nhealth: great\n---\n";
        let shown = render(&health(), Some(text), false);
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(
            lines[0],
            "notes/a.md:3:9: error: `health` must be one of on-track, at-risk, off-track"
        );
        let src = lines
            .iter()
            .position(|l| l.ends_with("health: great"))
            .unwrap();
        assert!(lines[src].trim_start().starts_with("3 |"), "{shown}");
        let caret = lines[src + 1];
        let col = lines[src].find("great").unwrap();
        assert_eq!(caret.find('^'), Some(col), "{shown}");
        assert!(caret.contains("^^^^^"), "{shown}");
        assert!(
            shown.contains("hint: use one of the three values"),
            "{shown}"
        );
        assert!(!shown.contains('\x1b'), "plain text has no escapes");
    }

    #[test]
    fn colour_is_only_added_when_asked() {
        let text = "---\ntitle: A\nhealth: great\n---\n";
        assert!(render(&health(), Some(text), true).contains("\x1b["));
    }

    #[test]
    fn a_line_that_cannot_be_found_prints_the_message_alone() {
        for source in [None, Some(""), Some("one line\n")] {
            let shown = render(&health(), source, false);
            assert_eq!(
                shown,
                "notes/a.md:3:9: error: `health` must be one of on-track, at-risk, off-track\n  hint: use one of the three values"
            );
        }
    }

    #[test]
    fn carets_fit_any_column() {
        assert_eq!(caret_span("health: great", 9), 8..13);
        assert_eq!(caret_span("a: 你好", 4), 3..9);
        assert_eq!(caret_span("ab", 10), 2..2);
        assert_eq!(caret_span("x: [", 4), 3..4);
        assert_eq!(caret_span("", 1), 0..0);
    }
}
