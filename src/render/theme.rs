//! The theme: templates, static files and UI strings, embedded in the binary; a site's own
//! `theme/` folder overrides any file by path.
//!
//! Templates run on Tera 2. Every built-in template is loaded under the prefix
//! [`BUILTIN`] (`vitrine/base.html`) and Tera falls back to that prefix when a name is not
//! found, so `base.html` means the site's override when there is one and the built-in
//! otherwise, while `vitrine/base.html` always means the built-in: an override can extend
//! the template it replaces and change one block.
//!
//! Strictness is Tera's: an undefined variable or field is an error. Translations are the
//! function `t(key=…)`, which fails on a key the language does not have; the language's
//! data (month names, date patterns, plural rule, number format) lives in the same
//! `i18n/<lang>.toml` and drives the `time`, `day`, `month` and `duration` filters.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use include_dir::{Dir, include_dir};
use tera::{Kwargs, State, Tera, Value};

use crate::diag::{Diagnostic, Diagnostics};
use crate::format::Lang;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/theme");

/// The prefix under which every built-in template stays reachable.
pub const BUILTIN: &str = "vitrine/";

/// A theme resolved for one build: embedded files with the site's overrides on top.
pub struct Theme {
    pub tera: Tera,
    /// Static files: path under `static/` → bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// UI strings of the site's language (English keys fill the gaps only for the
    /// language data a site-added language leaves out; see [`strings`]).
    pub strings: BTreeMap<String, String>,
    /// The language: words, patterns and plural rule, shared with the template functions.
    pub lang: Arc<Lang>,
    /// Template names the site overrides (their diagnostics name the site's file).
    overridden: BTreeSet<String>,
    /// The text of the site's own templates.
    own_text: String,
    /// The built-in templates' text, by name.
    builtin_text: BTreeMap<String, String>,
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

/// How many items the `range` function may produce while one page renders. Tera 2 has no
/// instruction budget (minijinja's fuel), and its only unbounded loops are loops over
/// `range`: data is finite and components cannot recurse forever. So a runaway loop in a
/// site's template (`range` inside `range`) fails the page naming the template instead of
/// hanging the build. The default theme uses at most 5 per star rating.
pub const RANGE_BUDGET: u64 = 1_000_000;

thread_local! {
    /// What is left of [`RANGE_BUDGET`] for the page this thread is rendering.
    static BUDGET: std::cell::Cell<u64> = const { std::cell::Cell::new(RANGE_BUDGET) };
}

/// Gives the page about to render on this thread its own budget.
pub(crate) fn reset_budget() {
    BUDGET.with(|b| b.set(RANGE_BUDGET));
}

impl Theme {
    /// Loads the theme for `lang`, with `overrides` (paths relative to the site's `theme/`).
    /// A template that does not parse is a diagnostic at its file, line and column.
    pub fn load(lang: &str, overrides: &[(String, Vec<u8>)]) -> Result<Theme, ThemeError> {
        let builtin = embedded();
        let mut files = builtin.clone();
        let mut overridden = BTreeSet::new();
        for (path, bytes) in overrides {
            if let Some(name) = path.strip_prefix("templates/") {
                overridden.insert(name.to_string());
            }
            files.insert(path.clone(), bytes.clone());
        }
        let strings = strings(&builtin, &files, lang)?;
        let lang = Arc::new(Lang::new(lang, &strings));
        let mut tera = Tera::new();
        register(&mut tera, &lang);
        let mut templates = Vec::new();
        let mut own_text = String::new();
        let mut builtin_text = BTreeMap::new();
        for (path, bytes) in &builtin {
            if let Some(name) = path.strip_prefix("templates/") {
                let text = utf8(path, bytes, false)?;
                builtin_text.insert(name.to_string(), text.clone());
                templates.push((format!("{BUILTIN}{name}"), text));
            }
        }
        for (path, bytes) in overrides {
            if let Some(name) = path.strip_prefix("templates/") {
                let text = utf8(path, bytes, true)?;
                own_text.push_str(&text);
                templates.push((name.to_string(), text));
            }
        }
        tera.set_fallback_prefixes([BUILTIN])
            .map_err(|e| Diagnostic::error(e.to_string()))?;
        let mut theme = Theme {
            tera,
            statics: BTreeMap::new(),
            strings,
            lang,
            overridden,
            own_text,
            builtin_text,
        };
        if let Err(e) = theme.tera.add_raw_templates(templates) {
            return Err(ThemeError(one(theme.diagnostic(&e, None))));
        }
        theme.statics = files
            .iter()
            .filter_map(|(p, b)| Some((p.strip_prefix("static/")?.to_string(), b.clone())))
            .collect();
        Ok(theme)
    }

    /// Whether any of the site's own templates says one of `words`.
    pub fn overrides_mention(&self, words: &[&str]) -> bool {
        words.iter().any(|w| self.own_text.contains(w))
    }

    /// Whether a page rendered from `template` may show the context variable `word`: the
    /// template names it, or a template it may include or extend could (any of the site's
    /// own templates, any built-in one that is not in `pages`, the page templates).
    pub fn may_show(&self, template: &str, word: &str, pages: &BTreeSet<&str>) -> bool {
        let says = |t: &str| t.contains(word) || t.contains("__tera_context");
        says(&self.own_text)
            || self.builtin_text.get(template).is_none_or(|t| says(t))
            || (self.builtin_text.iter()).any(|(name, t)| !pages.contains(name.as_str()) && says(t))
    }

    /// Renders template `name` (resolved like an include: the site's, else the built-in).
    /// `what` names the output in the diagnostic ("rendering notes/a.html").
    pub fn render(
        &self,
        name: &str,
        ctx: &tera::Context,
        what: &str,
    ) -> Result<String, Diagnostic> {
        reset_budget();
        self.tera
            .render(name, ctx)
            .map_err(|e| self.diagnostic(&e, Some(what)))
    }

    /// Renders template `name` into bytes, like [`Theme::render`], through a buffer this
    /// thread keeps between pages: a page grows it once instead of growing a fresh
    /// buffer of its own (and skips the check that the output is UTF-8, which it is).
    pub fn render_bytes(
        &self,
        name: &str,
        ctx: &tera::Context,
        what: &str,
    ) -> Result<Vec<u8>, Diagnostic> {
        self.render_with(name, ctx, what, <[u8]>::to_vec)
    }

    /// Renders template `name` into this thread's buffer and gives the bytes to `then`.
    pub fn render_with<R>(
        &self,
        name: &str,
        ctx: &tera::Context,
        what: &str,
        then: impl FnOnce(&[u8]) -> R,
    ) -> Result<R, Diagnostic> {
        thread_local! {
            static OUT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        reset_budget();
        OUT.with_borrow_mut(|out| {
            out.clear();
            self.tera
                .render_to(name, ctx, &mut *out)
                .map_err(|e| self.diagnostic(&e, Some(what)))?;
            Ok(then(out))
        })
    }

    /// Where a template lives, as the site sees it: `theme/templates/partials/footer.html`
    /// for the site's override, `(built-in) theme/templates/…` for the embedded one.
    fn file_of(&self, name: &str) -> String {
        match name.strip_prefix(BUILTIN) {
            Some(n) => format!("(built-in) theme/templates/{n}"),
            None if self.overridden.contains(name) => format!("theme/templates/{name}"),
            None => format!("(built-in) theme/templates/{name}"),
        }
    }

    /// A Tera error as a diagnostic at the template's file, line and column, with a hint.
    pub fn diagnostic(&self, e: &tera::Error, what: Option<&str>) -> Diagnostic {
        let (file, line, col, message) = locate(e);
        let mut d = Diagnostic::error(match what {
            Some(w) => format!("{w}: {message}"),
            None => message.clone(),
        });
        if let Some(file) = file {
            d = d.at(self.file_of(&file));
            if let Some(line) = line {
                d = d.line_col(line, col.unwrap_or(1));
            }
        }
        d.hint(hint_for(&message))
    }
}

/// A theme that does not load or a template that does not render: diagnostics at the
/// template's file, line and column (the pipeline reports them like content errors).
#[derive(Debug)]
pub struct ThemeError(pub Diagnostics);

impl std::fmt::Display for ThemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&all.join("\n"))
    }
}

impl std::error::Error for ThemeError {}

impl From<Diagnostic> for ThemeError {
    fn from(d: Diagnostic) -> Self {
        ThemeError(one(d))
    }
}

impl From<Diagnostics> for ThemeError {
    fn from(d: Diagnostics) -> Self {
        ThemeError(d)
    }
}

fn one(d: Diagnostic) -> Diagnostics {
    let mut all = Diagnostics::default();
    all.push(d);
    all
}

fn utf8(path: &str, bytes: &[u8], site: bool) -> Result<String, Diagnostics> {
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        let at = if site {
            format!("theme/{path}")
        } else {
            format!("(built-in) theme/{path}")
        };
        one(Diagnostic::error("not UTF-8")
            .at(at)
            .hint("save the template as UTF-8"))
    })
}

/// File, line, column (1-based) and message of a Tera error. Syntax and rendering errors
/// carry a span; validation errors (unknown filter, block or include) only a report, whose
/// `--> name:line:col` line is read back.
fn locate(e: &tera::Error) -> (Option<String>, Option<usize>, Option<usize>, String) {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let s = r.span();
            let file = Some(r.filename().to_string()).filter(|f| !f.is_empty());
            let mut message = r.message().to_string();
            if let Some(src) = std::error::Error::source(e) {
                message = format!("{message}: {src}");
            }
            (file, Some(s.start_line), Some(s.start_col + 1), message)
        }
        _ => {
            let text = e.to_string();
            let at = text.lines().find_map(|l| l.trim().strip_prefix("--> "));
            let message = text
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ")
                .to_string();
            let Some(at) = at else {
                let file = template_named_in(&text);
                return (file, None, None, text);
            };
            let mut parts = at.rsplitn(3, ':');
            let col = parts.next().and_then(|c| c.parse().ok());
            let line = parts.next().and_then(|l| l.parse().ok());
            let file = parts.next().map(str::to_string);
            (file, line, col, message)
        }
    }
}

/// The first template named in backquotes or quotes in a message without a span.
fn template_named_in(text: &str) -> Option<String> {
    text.split(['`', '\''])
        .skip(1)
        .step_by(2)
        .find(|s| {
            s.ends_with(".html") || s.ends_with(".xml") || s.ends_with(".md") || s.ends_with(".txt")
        })
        .map(str::to_string)
}

/// What to do about a template error.
fn hint_for(message: &str) -> String {
    let m = message.to_lowercase();
    if m.contains("translation") {
        "add the key to theme/i18n/<language>.toml, or fix its spelling".into()
    } else if m.contains("not defined") || m.contains("undefined") {
        "check the spelling against docs/theme.md (the context of each template); test an \
         optional value with `{% if x is defined %}` or give it `| default(value=…)`"
            .into()
    } else if m.contains("range") {
        "a loop in the template is too large or never ends".into()
    } else {
        "see docs/theme.md; `vitrine build --context` prints what templates receive".into()
    }
}

/// UI strings: English as the base, the site's language over it (its built-in file, then
/// the site's own key by key), so a site-added language with some words still builds. A
/// key in no file is an error where a template asks for it.
pub fn strings(
    builtin: &BTreeMap<String, Vec<u8>>,
    files: &BTreeMap<String, Vec<u8>>,
    lang: &str,
) -> Result<BTreeMap<String, String>, Diagnostics> {
    let mut out = BTreeMap::new();
    for l in ["en", lang] {
        let path = format!("i18n/{l}.toml");
        for (site, set) in [(false, builtin), (true, files)] {
            if let Some(bytes) = set.get(&path) {
                out.extend(read_strings(&path, bytes, site)?);
            }
        }
    }
    Ok(out)
}

fn read_strings(
    path: &str,
    bytes: &[u8],
    site: bool,
) -> Result<BTreeMap<String, String>, Diagnostics> {
    let at = if site {
        format!("theme/{path}")
    } else {
        format!("(built-in) theme/{path}")
    };
    let text =
        std::str::from_utf8(bytes).map_err(|_| one(Diagnostic::error("not UTF-8").at(&at)))?;
    toml::from_str(text).map_err(|e: toml::de::Error| {
        let mut d = Diagnostic::error(e.message().trim().to_string()).at(&at);
        if let Some(span) = e.span() {
            let (l, c) = crate::diag::line_col_of(text, span.start);
            d = d.line_col(l, c);
        }
        one(d.hint("UI strings are `\"key\" = \"text\"` lines"))
    })
}

/// Filters and functions, registered before any template is added.
fn register(tera: &mut Tera, lang: &Arc<Lang>) {
    let l = lang.clone();
    tera.register_function("t", move |kwargs: Kwargs, _: &State| l.translate(&kwargs));
    let l = lang.clone();
    tera.register_filter("time", move |v: Value, _: Kwargs, _: &State| {
        let (iso, stamp) = date_parts(&v, "time")?;
        if super::splice::is_token(iso) {
            return Ok(Value::safe_string(&super::splice::filtered(iso, "time")));
        }
        let html = l
            .time_html(iso, stamp)
            .ok_or_else(|| not_a_date(&v, "time"))?;
        Ok::<_, tera::Error>(Value::safe_string(&html))
    });
    let l = lang.clone();
    tera.register_filter("day", move |v: Value, _: Kwargs, _: &State| {
        let (iso, stamp) = date_parts(&v, "day")?;
        if super::splice::is_token(iso) {
            return Ok(Value::from(super::splice::filtered(iso, "day")));
        }
        let day = l.day(stamp).ok_or_else(|| not_a_date(&v, "day"))?;
        Ok::<_, tera::Error>(Value::from(day))
    });
    let l = lang.clone();
    tera.register_filter("moment", move |v: Value, _: Kwargs, _: &State| {
        let (iso, stamp) = date_parts(&v, "moment")?;
        let text = l.when(iso, stamp).ok_or_else(|| not_a_date(&v, "moment"))?;
        Ok::<_, tera::Error>(Value::from(text))
    });
    let l = lang.clone();
    tera.register_filter("dates_to", move |v: Value, k: Kwargs, _: &State| {
        let (_, first) = date_parts(&v, "dates_to")?;
        let end = k.must_get::<Value>("end")?;
        let (_, last) = date_parts(&end, "dates_to")?;
        let day = |s: &str, v: &Value| {
            s.get(..10)
                .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                .ok_or_else(|| not_a_date(v, "dates_to"))
        };
        Ok::<_, tera::Error>(Value::from(l.range(day(first, &v)?, day(last, &end)?)))
    });
    let l = lang.clone();
    tera.register_filter("month", move |v: &str, _: Kwargs, _: &State| l.month_key(v));
    let l = lang.clone();
    tera.register_filter("duration", move |v: i64, _: Kwargs, _: &State| {
        Value::from(l.duration(v))
    });
    let l = lang.clone();
    tera.register_filter("num", move |v: f64, _: Kwargs, _: &State| {
        Value::from(l.number(v))
    });
    tera.register_filter("json", |v: Value, _: Kwargs, _: &State| {
        let j = serde_json::to_string(&v).map_err(|e| tera::Error::message(e.to_string()))?;
        // Safe inside <script>: no `<` can close the element.
        Ok::<_, tera::Error>(Value::safe_string(&j.replace('<', "\\u003c")))
    });
    // `title | underline(with="=")`: a rule as wide as the text shows in a terminal (a
    // Chinese character takes two columns), at least four.
    tera.register_filter("underline", |v: &str, k: Kwargs, _: &State| {
        let with = k.get::<&str>("with").ok().flatten().unwrap_or("-");
        let width = unicode_width::UnicodeWidthStr::width(v).max(4);
        Value::from(with.repeat(width))
    });
    tera.register_filter("urlencode", |v: &str, _: Kwargs, _: &State| {
        Value::from(urlencode(v))
    });
    tera.register_filter("groups", |v: Vec<Value>, k: Kwargs, _: &State| {
        groups(v, &k)
    });
    tera.register_function("range", |kwargs: Kwargs, _: &State| bounded_range(&kwargs));
}

/// The machine-readable parts of a date a filter gets: a date view's `iso` and `stamp`,
/// read in place (no conversion of the whole view), or a string (`YYYY-MM-DD` or RFC 3339)
/// as both.
fn date_parts<'v>(v: &'v Value, filter: &str) -> Result<(&'v str, &'v str), tera::Error> {
    if let Some(s) = v.as_str() {
        return Ok((s, s));
    }
    let field = |k: &'static str| v.get_from_path(k)?.as_str();
    match (field("iso"), field("stamp")) {
        (Some(iso), Some(stamp)) => Ok((iso, stamp)),
        _ => Err(not_a_date(v, filter)),
    }
}

fn not_a_date(v: &Value, filter: &str) -> tera::Error {
    tera::Error::message(format!(
        "`{filter}` needs a date (a date view or YYYY-MM-DD), got {v}"
    ))
}

/// `range(end=…)`, `range(start=…, end=…, step_by=…)`, counted against the page's budget.
fn bounded_range(kwargs: &Kwargs) -> Result<Vec<i64>, tera::Error> {
    let start = kwargs.get::<i64>("start")?.unwrap_or(0);
    let end = kwargs.must_get::<i64>("end")?;
    let step = kwargs.get::<i64>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(tera::Error::message("range: step_by must not be 0"));
    }
    let count = ((end - start) / step).max(0) as u64 + 1;
    let left = BUDGET.with(|b| {
        let left = b.get().saturating_sub(count);
        b.set(left);
        left
    });
    if left == 0 {
        return Err(tera::Error::message(format!(
            "range: the page asked for more than {RANGE_BUDGET} template steps in loops \
             (range items); a loop in the template is too large or never ends"
        )));
    }
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < end) || (step < 0 && i > end) {
        out.push(i);
        i += step;
    }
    Ok(out)
}

/// Items grouped by `attribute`, groups sorted by its value (stable within a group):
/// `[{grouper, list}]`, an array so that the order is the same on every run.
fn groups(items: Vec<Value>, kwargs: &Kwargs) -> Result<Value, tera::Error> {
    let attr = kwargs.must_get::<&str>("attribute")?;
    let mut out: BTreeMap<String, (Value, Vec<Value>)> = BTreeMap::new();
    for it in items {
        let key = it
            .get_from_path(attr)
            .cloned()
            .ok_or_else(|| tera::Error::message(format!("groups: an item has no `{attr}`")))?;
        let k = key.to_string();
        out.entry(k).or_insert_with(|| (key, Vec::new())).1.push(it);
    }
    let list: Vec<serde_json::Value> = out
        .into_values()
        .map(|(g, l)| {
            serde_json::json!({
                "grouper": serde_json::to_value(&g).unwrap_or_default(),
                "list": serde_json::to_value(&l).unwrap_or_default(),
            })
        })
        .collect();
    Ok(Value::from_serializable(&list))
}

fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
