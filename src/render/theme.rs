//! The theme: templates, static files and UI strings, embedded in the binary; a site's own
//! `theme/` folder overrides any file by path.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use include_dir::{Dir, include_dir};
use minijinja::{Environment, Value};

use crate::dates::DateView;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/theme");

/// A theme resolved for one build: embedded files with the site's overrides on top.
pub struct Theme {
    pub env: Environment<'static>,
    /// Static files: path under `static/` → bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// UI strings of the site's language.
    pub strings: BTreeMap<String, String>,
}

/// Every file of the embedded theme: path → bytes.
fn embedded() -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![&DEFAULT_THEME];
    while let Some(dir) = stack.pop() {
        for f in dir.files() {
            out.insert(
                f.path().to_string_lossy().replace('\\', "/"),
                f.contents().to_vec(),
            );
        }
        stack.extend(dir.dirs());
    }
    out
}

/// The languages a theme ships strings for.
pub fn languages(overrides: &[(String, Vec<u8>)]) -> Vec<String> {
    let mut files = embedded();
    files.extend(overrides.iter().cloned());
    files
        .keys()
        .filter_map(|p| {
            p.strip_prefix("i18n/")?
                .strip_suffix(".toml")
                .map(str::to_string)
        })
        .collect()
}

/// How many instructions one page's template may run. Every page of a 1,000-note,
/// 2,000-commit site renders within 200,000, so only a runaway loop in a site's own
/// template reaches this (and fails the build naming the template instead of hanging it).
pub const FUEL: u64 = 10_000_000;

impl Theme {
    /// Loads the theme for `lang`, with `overrides` (paths relative to the site's `theme/`).
    pub fn load(lang: &str, overrides: &[(String, Vec<u8>)]) -> Result<Theme> {
        let mut files = embedded();
        for (path, bytes) in overrides {
            files.insert(path.clone(), bytes.clone());
        }
        let mut env = Environment::new();
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build();
        env.set_syntax(syntax.map_err(|e| anyhow::anyhow!("template syntax: {e}"))?);
        env.add_filter("time", time_filter);
        env.set_formatter(html_formatter);
        env.set_fuel(Some(FUEL));
        let mut statics = BTreeMap::new();
        for (path, bytes) in &files {
            if let Some(name) = path.strip_prefix("templates/") {
                let text = String::from_utf8(bytes.clone())
                    .with_context(|| format!("theme/{path} is not UTF-8"))?;
                env.add_template_owned(name.to_string(), text)
                    .map_err(|e| anyhow::anyhow!("theme/{path}: {e}"))?;
            } else if let Some(name) = path.strip_prefix("static/") {
                statics.insert(name.to_string(), bytes.clone());
            }
        }
        let strings = strings(&files, lang)?;
        Ok(Theme {
            env,
            statics,
            strings,
        })
    }
}

/// UI strings: English as the base, the site's language over it, so a missing key in a
/// site-added language still shows something readable.
fn strings(files: &BTreeMap<String, Vec<u8>>, lang: &str) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for l in ["en", lang] {
        let path = format!("i18n/{l}.toml");
        let Some(bytes) = files.get(&path) else {
            continue;
        };
        let text =
            std::str::from_utf8(bytes).with_context(|| format!("theme/{path} is not UTF-8"))?;
        let table: BTreeMap<String, String> =
            toml::from_str(text).map_err(|e| anyhow::anyhow!("theme/{path}: {}", e.message()))?;
        out.extend(table);
    }
    Ok(out)
}

/// `{{ date | time }}`: a `<time datetime>` element.
fn time_filter(v: Value) -> Result<Value, minijinja::Error> {
    let d: DateView = serde::Deserialize::deserialize(v.clone()).map_err(|e| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("`time` needs a date, got {v}: {e}"),
        )
    })?;
    Ok(Value::from_safe_string(d.to_html()))
}

/// Escapes HTML like the default formatter, but leaves `/` alone so that URLs in
/// attributes stay readable (`../assets/style.css`, not `..&#x2f;assets&#x2f;style.css`).
fn html_formatter(
    out: &mut minijinja::Output<'_>,
    state: &mut minijinja::State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    let plain = matches!(state.auto_escape(), minijinja::AutoEscape::Html) && !value.is_safe();
    match value.as_str() {
        Some(s) if plain => {
            let mut escaped = String::with_capacity(s.len() + 8);
            for c in s.chars() {
                match c {
                    '&' => escaped.push_str("&amp;"),
                    '<' => escaped.push_str("&lt;"),
                    '>' => escaped.push_str("&gt;"),
                    '"' => escaped.push_str("&quot;"),
                    '\'' => escaped.push_str("&#39;"),
                    c => escaped.push(c),
                }
            }
            out.write_str(&escaped).map_err(|e| {
                minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())
            })
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}
