//! Typed reading of one file's front matter, key by key, with every problem reported at
//! the key's line. What is left after the known keys are read is kept as `extra`.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use serde_json::{Map, Value};

use super::model::Dated;
use crate::config::key_line;
use crate::dates::{DATE_HINT, When};
use crate::diag::{Diagnostic, Diagnostics};

/// A string-valued enum of the content contract.
pub trait Choice: Sized + Copy + Default {
    /// Every accepted spelling, in the order shown in hints.
    const ALL: &'static [&'static str];
    fn from_index(i: usize) -> Self;
}

/// Declares a contract enum with its spellings; the first one is the default.
macro_rules! choice {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub enum $name { #[default] $($variant),+ }
        impl $crate::content::fields::Choice for $name {
            const ALL: &'static [&'static str] = &[$($text),+];
            fn from_index(i: usize) -> Self { [$(Self::$variant),+][i] }
        }
        impl $name {
            /// The contract's spelling.
            pub fn as_str(self) -> &'static str {
                <Self as $crate::content::fields::Choice>::ALL[self as usize]
            }
            /// The value a spelling names (surrounding spaces ignored), if any.
            pub fn parse(s: &str) -> Option<Self> {
                <Self as $crate::content::fields::Choice>::ALL
                    .iter()
                    .position(|a| *a == s.trim())
                    .map(<Self as $crate::content::fields::Choice>::from_index)
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use choice;

/// Reads the keys of one file's front matter.
pub struct Fields<'a> {
    map: Map<String, Value>,
    front: &'a str,
    front_line: usize,
    path: &'a str,
    tz: &'a TimeZone,
    diags: &'a mut Diagnostics,
}

impl<'a> Fields<'a> {
    pub fn new(
        map: Map<String, Value>,
        front: &'a str,
        front_line: usize,
        path: &'a str,
        tz: &'a TimeZone,
        diags: &'a mut Diagnostics,
    ) -> Self {
        Fields {
            map,
            front,
            front_line,
            path,
            tz,
            diags,
        }
    }

    /// The 1-based line of `key` in the file (the front matter's first line if not found).
    fn line_of(&self, key: &str) -> usize {
        key_line(self.front, key).map_or(self.front_line, |l| self.front_line + l - 1)
    }

    /// Reports an error at `key`.
    pub fn error(&mut self, key: &str, message: String, hint: Option<String>) {
        let mut d = Diagnostic::error(message)
            .at(self.path)
            .line_col(self.line_of(key), 1);
        if let Some(h) = hint {
            d = d.hint(h);
        }
        self.diags.push(d);
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key).filter(|v| !v.is_null())
    }

    /// A text value; numbers and booleans are accepted as their text.
    pub fn string(&mut self, key: &str) -> Option<String> {
        match self.take(key)? {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => {
                self.error(key, format!("`{key}` must be text"), None);
                None
            }
        }
    }

    /// A required text value; reports it missing and returns `""`.
    pub fn required_string(&mut self, key: &str) -> String {
        match self.string(key) {
            Some(s) if !s.trim().is_empty() => s,
            _ => {
                let d = Diagnostic::error(format!("`{key}` is required"))
                    .at(self.path)
                    .line_col(self.front_line.saturating_sub(1).max(1), 1)
                    .hint(format!("add a `{key}:` line to the front matter"));
                self.diags.push(d);
                String::new()
            }
        }
    }

    /// One of an enum's spellings, or its default when absent.
    pub fn choice<T: Choice>(&mut self, key: &str) -> T {
        self.opt_choice(key).unwrap_or_default()
    }

    /// A text value with surrounding spaces removed; blank counts as absent.
    pub fn text(&mut self, key: &str) -> Option<String> {
        self.string(key)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    /// One of an enum's spellings, or `None` when absent (or wrong, which is reported).
    pub fn opt_choice<T: Choice>(&mut self, key: &str) -> Option<T> {
        let s = self.string(key)?;
        match T::ALL.iter().position(|a| *a == s.trim()) {
            Some(i) => Some(T::from_index(i)),
            None => {
                let hint = format!("use one of: {}", T::ALL.join(", "));
                self.error(
                    key,
                    format!("`{key}` must be one of {}, not `{s}`", T::ALL.join(", ")),
                    Some(hint),
                );
                None
            }
        }
    }

    pub fn date(&mut self, key: &str) -> Option<When> {
        self.dated(key).map(|d| d.when)
    }

    /// A date together with the text it was written as.
    pub fn dated(&mut self, key: &str) -> Option<Dated> {
        let s = self.string(key)?;
        match When::parse(&s, self.tz) {
            Ok(when) => Some(Dated {
                text: s.trim().to_string(),
                when,
            }),
            Err(e) => {
                self.error(key, format!("`{key}`: {e}"), Some(DATE_HINT.into()));
                None
            }
        }
    }

    pub fn number(&mut self, key: &str) -> Option<f64> {
        match self.take(key)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) if s.trim().parse::<f64>().is_ok() => s.trim().parse().ok(),
            _ => {
                self.error(key, format!("`{key}` must be a number"), None);
                None
            }
        }
    }

    /// A whole number within `min..=max`.
    pub fn integer(&mut self, key: &str, min: i64, max: i64) -> Option<i64> {
        let n = self.number(key)?;
        if n.fract() != 0.0 || n < min as f64 || n > max as f64 {
            self.error(
                key,
                format!("`{key}` must be a whole number from {min} to {max}, not {n}"),
                None,
            );
            return None;
        }
        Some(n as i64)
    }

    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.take(key)? {
            Value::Bool(b) => Some(b),
            v => {
                self.error(key, format!("`{key}` must be true or false, not {v}"), None);
                None
            }
        }
    }

    /// A list of text values; a single value is a list of one.
    pub fn strings(&mut self, key: &str) -> Vec<String> {
        match self.take(key) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) => out.push(s),
                        Value::Number(n) => out.push(n.to_string()),
                        _ => {
                            self.error(key, format!("`{key}` must be a list of text values"), None)
                        }
                    }
                }
                out
            }
            Some(Value::String(s)) => vec![s],
            Some(_) => {
                self.error(key, format!("`{key}` must be a list, e.g. [a, b]"), None);
                Vec::new()
            }
        }
    }

    /// A map of names to numbers (`metrics: {coverage: 81.5}`).
    pub fn number_map(&mut self, key: &str) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        match self.take(key) {
            None => {}
            Some(Value::Object(m)) => {
                for (k, v) in m {
                    match v.as_f64() {
                        Some(n) => {
                            out.insert(k, n);
                        }
                        None => self.error(key, format!("`{key}.{k}` must be a number"), None),
                    }
                }
            }
            Some(_) => self.error(
                key,
                format!("`{key}` must be a map of names to numbers"),
                None,
            ),
        }
        out
    }

    /// The keys nobody read, kept for templates as `extra`; each one is warned about.
    pub fn finish(self) -> Map<String, Value> {
        for key in self.map.keys() {
            let line =
                key_line(self.front, key).map_or(self.front_line, |l| self.front_line + l - 1);
            self.diags.push(
                Diagnostic::warning(format!("unknown key `{key}`"))
                    .at(self.path)
                    .line_col(line, 1)
                    .hint("it is kept and available to templates as `extra`; check the spelling if it was meant to be a known key"),
            );
        }
        self.map
    }
}
