//! Splitting a Markdown file into front matter and body, and parsing the front matter
//! (YAML between `---`, TOML between `+++`) into a generic map.
//!
//! The map is generic on purpose: typed reading happens key by key in `fields`, so that
//! every bad key of a file is reported at once, with its line, instead of serde's first.

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, line_col_of};

/// A file cut at its fences. Lines are 1-based, in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Format,
    /// The front matter text (without fences).
    pub front: &'a str,
    /// Line of the front matter's first line.
    pub front_line: usize,
    pub body: &'a str,
    /// Line of the body's first line.
    pub body_line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
    None,
}

/// Cuts `text` (BOM and CRLF tolerated) into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let fence = text[..first_end].trim_end();
    let (format, closers): (Format, &[&str]) = match fence {
        "---" => (Format::Yaml, &["---", "..."]),
        "+++" => (Format::Toml, &["+++"]),
        _ => {
            return Ok(Split {
                format: Format::None,
                front: "",
                front_line: 1,
                body: text,
                body_line: 1,
            });
        }
    };
    let mut pos = first_end;
    let mut line = 2;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if closers.contains(&text[pos..end].trim_end()) {
            return Ok(Split {
                format,
                front: &text[first_end..pos],
                front_line: 2,
                body: &text[end..],
                body_line: line + 1,
            });
        }
        pos = end;
        line += 1;
    }
    Err(format!(
        "the front matter opened with `{fence}` on line 1 is never closed"
    ))
}

/// Parses front matter into a map, reporting syntax errors at their line in the file.
pub fn parse(split: &Split<'_>, path: &str) -> Result<Map<String, Value>, Diagnostic> {
    let value = match split.format {
        Format::None => return Ok(Map::new()),
        Format::Yaml => parse_yaml(split.front, split.front_line, path)?,
        Format::Toml => parse_toml(split.front, split.front_line, path)?,
    };
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err(
            Diagnostic::error("front matter must be a map of `key: value` lines")
                .at(path)
                .line_col(split.front_line, 1),
        ),
    }
}

fn parse_yaml(text: &str, first_line: usize, path: &str) -> Result<Value, Diagnostic> {
    let options = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options::<Value>(text, options).map_err(|e| {
        let message = first_line_of(&e.to_string());
        let mut d = Diagnostic::error(format!("invalid YAML front matter: {message}")).at(path);
        if let Some(loc) = e.location() {
            d = d.line_col(first_line + loc.line() as usize - 1, loc.column() as usize);
        } else {
            d = d.line_col(first_line, 1);
        }
        d.hint("front matter is `key: value` lines between `---` fences; quote values that contain `: `")
    })
}

fn parse_toml(text: &str, first_line: usize, path: &str) -> Result<Value, Diagnostic> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let (l, c) = e.span().map_or((1, 1), |s| line_col_of(text, s.start));
        Diagnostic::error(format!("invalid TOML front matter: {}", e.message().trim()))
            .at(path)
            .line_col(first_line + l - 1, c)
    })?;
    Ok(toml_to_json(toml::Value::Table(table)))
}

/// TOML values as JSON; datetimes become their RFC 3339 text.
fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn first_line_of(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_with_bom_and_crlf() {
        let s = split("\u{feff}---\r\ntitle: A\r\n---\r\nBody\r\n").unwrap();
        assert_eq!(s.format, Format::Yaml);
        assert_eq!(s.front, "title: A\r\n");
        assert_eq!(s.body, "Body\r\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn splits_toml_and_no_front_matter() {
        let s = split("+++\ntitle = \"A\"\n+++\nx").unwrap();
        assert_eq!(
            (s.format, s.front, s.body),
            (Format::Toml, "title = \"A\"\n", "x")
        );
        assert_eq!(split("# Hi\n").unwrap().format, Format::None);
        assert!(split("---\ntitle: A\n").is_err());
    }

    #[test]
    fn yaml_errors_point_at_the_file_line() {
        let s = split("---\ntitle: A\nbad: [\n---\n").unwrap();
        let d = parse(&s, "notes/x.md").unwrap_err();
        assert!(d.line.unwrap() >= 3, "{d}");
    }

    #[test]
    fn yaml_no_stays_a_string_and_toml_dates_become_text() {
        let s = split("---\nanswer: no\n---\n").unwrap();
        assert_eq!(
            parse(&s, "x").unwrap()["answer"],
            Value::String("no".into())
        );
        let s = split("+++\ndate = 2026-01-02\n+++\n").unwrap();
        assert_eq!(
            parse(&s, "x").unwrap()["date"],
            Value::String("2026-01-02".into())
        );
    }
}
