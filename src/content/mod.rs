//! Content: the files of the content contract, typed, dated from history and filtered for
//! the audience of the build. Knows nothing of HTML.

pub mod fields;
mod frontmatter;
mod metrics;
pub mod model;
pub mod text;
pub mod versions;
pub mod visibility;

use std::collections::HashMap;

use jiff::tz::TimeZone;

pub use frontmatter::{Format, Split, split};
pub use model::*;

use self::fields::Fields;
use crate::config::Config;
use crate::dates::When;
use crate::diag::{Diagnostic, Diagnostics};
use crate::git::{HistoryIndex, SourceFile};

/// Where default dates and authors come from: history, filtered for the audience.
pub struct Dating<'a> {
    pub history: Option<(&'a HistoryIndex, &'a versions::Visible)>,
    /// For files history knows nothing of (uncommitted in a work-tree build).
    pub fallback: When,
}

impl Dating<'_> {
    fn created(&self, path: &str, tz: &TimeZone) -> When {
        self.history
            .and_then(|(h, v)| v.created(h, path))
            .map_or_else(
                || self.fallback.clone(),
                |c| When::from_commit(c.timestamp(), tz),
            )
    }
    fn updated(&self, path: &str, tz: &TimeZone) -> When {
        self.history
            .and_then(|(h, v)| v.updated(h, path))
            .map_or_else(
                || self.fallback.clone(),
                |c| When::from_commit(c.timestamp(), tz),
            )
    }
    fn authors(&self, path: &str) -> Vec<String> {
        self.history
            .map(|(h, v)| v.authors(h, path))
            .unwrap_or_default()
    }
}

/// Options of one load.
pub struct LoadOptions<'a> {
    pub config: &'a Config,
    /// Keep internal and draft content (the team's own view).
    pub internal: bool,
    pub dating: Dating<'a>,
    /// Files already loaded by an earlier build of this process (`serve`): what one file
    /// gives depends only on its path and bytes and on `salt` (config, history tip, audience).
    pub cache: Option<&'a FileCache>,
    pub salt: u64,
}

/// What each file gave, by a hash of its path, bytes and the load's salt.
pub type FileCache = std::sync::Mutex<HashMap<u64, (Project, Diagnostics)>>;

/// Whether a site-root path is a content file (one item of the content contract).
pub fn is_content_path(path: &str) -> bool {
    let top = path.split('/').next().unwrap_or("");
    KINDS.contains(&top) && path.ends_with(".md")
}

/// The front matter of one version of a file (for history), or why it cannot be read.
pub fn front_matter_of(
    bytes: &[u8],
    path: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())?;
    let s = split(text)?;
    frontmatter::parse(&s, path).map_err(|d| d.message)
}

/// Content folders and what their files become.
const KINDS: &[&str] = &[
    "notes",
    "issues",
    "milestones",
    "glossary",
    "feedback",
    "pages",
];

/// Reads every file of the site root into a [`Project`].
pub fn load(files: Vec<SourceFile>, opts: &LoadOptions<'_>) -> (Project, Diagnostics) {
    use rayon::prelude::*;
    let tz = opts.config.tz();
    // Files are independent: each worker fills its own partial project, merged at the end.
    let (mut project, mut diags) = files
        .into_par_iter()
        .fold(
            || (Project::default(), Diagnostics::default()),
            |(project, diags), file| {
                let Some(cache) = opts.cache else {
                    let (mut project, mut diags) = (project, diags);
                    load_file(&mut project, file, opts, &tz, &mut diags);
                    return (project, diags);
                };
                let key = {
                    use std::hash::{Hash, Hasher};
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    (&file.path, &file.bytes, opts.salt).hash(&mut h);
                    h.finish()
                };
                let one = match cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
                    Some(done) => done,
                    None => {
                        let (mut p, mut d) = (Project::default(), Diagnostics::default());
                        load_file(&mut p, file, opts, &tz, &mut d);
                        if let Ok(mut c) = cache.lock() {
                            if c.len() > 50_000 {
                                c.clear();
                            }
                            c.insert(key, (p.clone(), d.clone()));
                        }
                        (p, d)
                    }
                };
                merge((project, diags), one)
            },
        )
        .reduce(|| (Project::default(), Diagnostics::default()), merge);
    finish(&mut project, &mut diags);
    (project, diags)
}

fn merge(
    (mut p, mut d): (Project, Diagnostics),
    (q, e): (Project, Diagnostics),
) -> (Project, Diagnostics) {
    p.notes.extend(q.notes);
    p.issues.extend(q.issues);
    p.milestones.extend(q.milestones);
    p.terms.extend(q.terms);
    p.feedback.extend(q.feedback);
    p.pages.extend(q.pages);
    p.metrics.extend(q.metrics);
    p.assets.extend(q.assets);
    p.theme.extend(q.theme);
    p.hidden.extend(q.hidden);
    d.extend(e);
    (p, d)
}

/// Files one file of the site root into the project.
fn load_file(
    project: &mut Project,
    file: SourceFile,
    opts: &LoadOptions<'_>,
    tz: &TimeZone,
    diags: &mut Diagnostics,
) {
    {
        let top = file.path.split('/').next().unwrap_or("");
        if let Some(rest) = file.path.strip_prefix("static/") {
            project.assets.push((rest.to_string(), file.bytes));
        } else if let Some(rest) = file.path.strip_prefix("theme/") {
            project.theme.push((rest.to_string(), file.bytes));
        } else if top == "metrics" && file.path.ends_with(".csv") {
            if let Some(text) = text_of(&file, diags) {
                project
                    .metrics
                    .extend(metrics::parse(&file.path, &text, tz, diags));
            }
        } else if is_content_path(&file.path) {
            if let Some(text) = text_of(&file, diags) {
                load_item(project, top, &file.path, &text, opts, tz, diags);
            }
        } else if KINDS.contains(&top) {
            let lower = file.path.to_lowercase();
            if lower.ends_with(".md") || lower.ends_with(".markdown") {
                let (stem, _) = file.path.rsplit_once('.').unwrap_or((&file.path, ""));
                diags.push(
                    Diagnostic::warning("skipped: content files end in `.md` (lower case)")
                        .at(&file.path)
                        .hint(format!("rename it to {stem}.md")),
                );
            }
        }
    }
}

/// The file's text, or a warning when it is binary or not UTF-8.
fn text_of(file: &SourceFile, diags: &mut Diagnostics) -> Option<String> {
    if file
        .bytes
        .starts_with(b"version https://git-lfs.github.com/spec/")
    {
        diags.push(
            Diagnostic::warning("skipped: a Git LFS pointer, not the file itself")
                .at(&file.path)
                .hint("content files are text: keep them out of LFS (check .gitattributes), or run `git lfs pull` before --worktree"),
        );
        return None;
    }
    if file.bytes.contains(&0) {
        diags
            .push(Diagnostic::warning("skipped: a binary file in a content folder").at(&file.path));
        return None;
    }
    match String::from_utf8(file.bytes.clone()) {
        Ok(s) => Some(s),
        Err(e) => {
            let (l, c) = crate::diag::line_col_of(
                &String::from_utf8_lossy(&file.bytes[..e.utf8_error().valid_up_to()]),
                usize::MAX,
            );
            diags.push(
                Diagnostic::warning("skipped: the file is not UTF-8")
                    .at(&file.path)
                    .line_col(l, c)
                    .hint("save it as UTF-8"),
            );
            None
        }
    }
}

fn load_item(
    project: &mut Project,
    kind: &str,
    path: &str,
    text: &str,
    opts: &LoadOptions<'_>,
    tz: &TimeZone,
    diags: &mut Diagnostics,
) {
    let split = match split(text) {
        Ok(s) => s,
        Err(e) => {
            diags.push(
                Diagnostic::error(e)
                    .at(path)
                    .line_col(1, 1)
                    .hint("close the front matter with a line holding only the same fence"),
            );
            return;
        }
    };
    let mut map = match frontmatter::parse(&split, path) {
        Ok(m) => m,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    let errors_before = diags.error_count();
    let Some(body) = visible_parts(&mut map, &split, path, opts.internal, project, diags) else {
        return;
    };
    let strings = string_values(&map);
    let mut f = Fields::new(map, split.front, split.front_line, path, tz, diags);
    let internal = f.choice::<Visibility>("visibility") == Visibility::Internal;
    let draft = f.boolean("draft").unwrap_or(false);
    let mut meta = Meta {
        path: path.to_string(),
        slug: slug_of(path),
        internal,
        draft,
        created: Some(opts.dating.created(path, tz)),
        updated: Some(opts.dating.updated(path, tz)),
        authors: opts.dating.authors(path),
        extra: Default::default(),
        body,
        body_line: split.body_line,
    };
    let item = read_kind(kind, &mut f, &mut meta);
    meta.extra = f.finish();
    if diags.error_count() > errors_before {
        return;
    }
    let Some(mut item) = item else { return };
    let hidden = (meta.internal || meta.draft) && !opts.internal;
    if hidden {
        let id = match &item {
            Item::Issue(i) => Some(i.id.clone()),
            Item::Milestone(m) => Some(m.id.clone()),
            _ => None,
        };
        project.hidden.push(Hidden {
            path: path.to_string(),
            title: item.title().to_string(),
            id,
            body: format!("{}\n{}", meta.body, strings.join("\n")),
        });
        return;
    }
    item.set_meta(meta);
    item.push_into(project);
}

/// The body and front-matter strings a build's audience may see, with internal blocks
/// removed (and remembered for the leak guard) or marked; `None` after reporting a marker
/// error or a misspelled visibility key, which fail the build.
fn visible_parts(
    map: &mut serde_json::Map<String, serde_json::Value>,
    split: &Split<'_>,
    path: &str,
    internal: bool,
    project: &mut Project,
    diags: &mut Diagnostics,
) -> Option<String> {
    use visibility::Keep;
    let key_at = |key: &str| {
        crate::config::key_line(split.front, key)
            .map_or(split.front_line, |l| split.front_line + l - 1)
    };
    let doubts = visibility::doubtful_keys(map);
    let ok = doubts.is_empty();
    for (key, message, hint) in doubts {
        diags.push(
            Diagnostic::error(message)
                .at(path)
                .line_col(key_at(&key), 1)
                .hint(hint),
        );
    }
    let keep = if internal { Keep::Plain } else { Keep::No };
    let mut removed = Vec::new();
    let mut ok = ok;
    if let Err((key, e)) = visibility::strip_map(map, keep, &mut removed) {
        ok = false;
        diags.push(
            Diagnostic::error(format!("`{key}`: {}", e.message))
                .at(path)
                .line_col(key_at(&key), 1)
                .hint(e.hint),
        );
    }
    let keep = if internal { Keep::Marked } else { Keep::No };
    let body = match visibility::strip(split.body, keep) {
        Ok(done) => {
            removed.extend(done.removed);
            Some(done.text)
        }
        Err(e) => {
            let (l, c) = crate::diag::line_col_of(split.body, e.offset);
            diags.push(
                Diagnostic::error(e.message)
                    .at(path)
                    .line_col(split.body_line + l - 1, c)
                    .hint(e.hint),
            );
            None
        }
    };
    for block in removed {
        // Remembered for the leak guard: this text must never reach the output.
        project.hidden.push(Hidden {
            path: path.to_string(),
            title: String::new(),
            id: None,
            body: block,
        });
    }
    body.filter(|_| ok)
}

/// Every string in a front-matter map, one per line (the leak guard's view of an item).
fn string_values(map: &serde_json::Map<String, serde_json::Value>) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.extend(s.lines().map(str::to_string)),
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            serde_json::Value::Object(m) => m.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    map.values().for_each(|v| walk(v, &mut out));
    out
}

/// One loaded item before it is filed into the project.
enum Item {
    Note(Note),
    Issue(Issue),
    Milestone(Milestone),
    Term(Term),
    Feedback(Feedback),
    Page(Page),
}

impl Item {
    fn title(&self) -> &str {
        match self {
            Item::Note(n) => &n.title,
            Item::Issue(i) => &i.title,
            Item::Milestone(m) => &m.title,
            Item::Term(t) => &t.term,
            Item::Feedback(f) => &f.from,
            Item::Page(p) => &p.title,
        }
    }

    fn set_meta(&mut self, meta: Meta) {
        match self {
            Item::Note(n) => n.meta = meta,
            Item::Issue(i) => i.meta = meta,
            Item::Milestone(m) => m.meta = meta,
            Item::Term(t) => t.meta = meta,
            Item::Feedback(f) => f.meta = meta,
            Item::Page(p) => p.meta = meta,
        }
    }

    fn push_into(self, p: &mut Project) {
        match self {
            Item::Note(n) => p.notes.push(n),
            Item::Issue(i) => p.issues.push(i),
            Item::Milestone(m) => p.milestones.push(m),
            Item::Term(t) => p.terms.push(t),
            Item::Feedback(f) => p.feedback.push(f),
            Item::Page(x) => p.pages.push(x),
        }
    }
}

fn read_kind(kind: &str, f: &mut Fields<'_>, meta: &mut Meta) -> Option<Item> {
    let created = meta.created.clone()?;
    Some(match kind {
        "notes" => {
            let date = f.date("date").unwrap_or(created);
            Item::Note(Note {
                title: f.required_string("title"),
                started: f.date("started").unwrap_or_else(|| date.clone()),
                date,
                kind: f.choice("kind"),
                health: f.opt_choice("health"),
                progress: f.integer("progress", 0, 100).map(|p| p as u8),
                summary: f.string("summary"),
                tags: f.strings("tags"),
                authors: f.strings("authors"),
                metrics: f.number_map("metrics"),
                resolved: f.date("resolved"),
                version: f.string("version"),
                meta: meta.clone(),
            })
        }
        "issues" => {
            let id = f.string("id").unwrap_or_else(|| stem_of(&meta.path));
            meta.slug = sanitize_slug(&id);
            Item::Issue(Issue {
                title: f.required_string("title"),
                kind: f.choice("type"),
                status: f.choice("status"),
                severity: f.choice("severity"),
                opened: f.date("opened").unwrap_or(created),
                due: f.date("due"),
                owner: f.string("owner"),
                milestone: f.string("milestone"),
                tags: f.strings("tags"),
                id,
                meta: meta.clone(),
            })
        }
        "milestones" => {
            let id = f.string("id").unwrap_or_else(|| stem_of(&meta.path));
            meta.slug = sanitize_slug(&id);
            let title = f.required_string("title");
            let due = f.date("due");
            if due.is_none() {
                f.error(
                    "due",
                    "`due` is required for a milestone".into(),
                    Some("add e.g. `due: 2026-03-31`".into()),
                );
            }
            Item::Milestone(Milestone {
                title,
                due: due.unwrap_or(created),
                status: f.choice("status"),
                completed: f.date("completed"),
                criteria: text::task_list(&meta.body),
                id,
                meta: meta.clone(),
            })
        }
        "glossary" => Item::Term(Term {
            term: f.required_string("term"),
            aliases: f.strings("aliases"),
            category: f.string("category"),
            meta: meta.clone(),
        }),
        "feedback" => {
            let date = f.date("date");
            if date.is_none() {
                f.error(
                    "date",
                    "`date` is required for feedback".into(),
                    Some(crate::dates::DATE_HINT.into()),
                );
            }
            Item::Feedback(Feedback {
                date: date.unwrap_or(created),
                from: f.required_string("from"),
                channel: f.string("channel"),
                rating: f.integer("rating", 1, 5).map(|r| r as u8),
                status: f.choice("status"),
                response: f.string("response"),
                issues: f.strings("issues"),
                meta: meta.clone(),
            })
        }
        _ => Item::Page(Page {
            title: f.required_string("title"),
            order: f.integer("order", -1_000_000, 1_000_000).unwrap_or(0),
            nav: f.boolean("nav").unwrap_or(true),
            meta: meta.clone(),
        }),
    })
}

/// Sorts every list and reports duplicate slugs.
fn finish(p: &mut Project, diags: &mut Diagnostics) {
    p.notes
        .sort_by(|a, b| b.date.cmp(&a.date).then(a.meta.slug.cmp(&b.meta.slug)));
    p.issues.sort_by_cached_key(|i| natural_key(&i.id));
    p.milestones.sort_by(|a, b| a.due.cmp(&b.due));
    p.terms
        .sort_by_cached_key(|t| (index_letter(&t.term), romanised(&t.term)));
    p.feedback.sort_by(|a, b| b.date.cmp(&a.date));
    p.pages
        .sort_by(|a, b| a.order.cmp(&b.order).then(a.title.cmp(&b.title)));
    p.metrics.sort_by(|a, b| a.name.cmp(&b.name));
    let mut seen: HashMap<(&str, &str), &str> = HashMap::new();
    let all = p
        .notes
        .iter()
        .map(|n| ("notes", &n.meta))
        .chain(p.issues.iter().map(|n| ("issues", &n.meta)))
        .chain(p.milestones.iter().map(|n| ("milestones", &n.meta)))
        .chain(p.terms.iter().map(|n| ("glossary", &n.meta)))
        .chain(p.feedback.iter().map(|n| ("feedback", &n.meta)))
        .chain(p.pages.iter().map(|n| ("pages", &n.meta)));
    for (kind, meta) in all {
        if let Some(first) = seen.insert((kind, meta.slug.as_str()), meta.path.as_str()) {
            diags.push(
                Diagnostic::error(format!(
                    "`{}` has the same page name `{}` as {first}",
                    meta.path, meta.slug
                ))
                .at(&meta.path)
                .hint("give one of them another file name or `id`"),
            );
        }
    }
}

/// The A–Z letter a term is filed under: its first Latin letter, Chinese by pinyin
/// (`验收` → `Y`, `离线模式` → `L`), anything else `#`.
pub fn index_letter(term: &str) -> String {
    let latin = romanised(term.trim());
    match latin.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => c.to_ascii_uppercase().to_string(),
        _ => "#".to_string(),
    }
}

/// A term in Latin letters, lower case, for filing and sorting: Chinese characters by their
/// most common pinyin reading (from the pinyin crate's Unihan data: deunicode's table gives
/// rare readings for some, 离 as "chi"), everything else transliterated by deunicode.
fn romanised(term: &str) -> String {
    use pinyin::ToPinyin;
    let mut out = String::with_capacity(term.len());
    for c in term.chars() {
        match c.to_pinyin() {
            Some(p) => {
                out.push_str(p.plain());
                out.push(' ');
            }
            None => out.push_str(&deunicode::deunicode_char(c).unwrap_or("").to_lowercase()),
        }
    }
    out.to_lowercase()
}

/// `ISS-9` before `ISS-10`.
fn natural_key(id: &str) -> (String, u64, String) {
    let split = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
    let (head, tail) = id.split_at(split);
    let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
    (
        head.to_string(),
        digits.parse().unwrap_or(0),
        tail[digits.len()..].to_string(),
    )
}

fn stem_of(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".md").unwrap_or(name).to_string()
}

/// The page name of a file: its stem, made safe.
fn slug_of(path: &str) -> String {
    sanitize_slug(&stem_of(path))
}

/// Keeps letters (any script), digits, `-` and `_`; everything else becomes `-`. Never empty,
/// never a path: `../../x` becomes `x`.
pub fn sanitize_slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        if c.is_alphanumeric() || c == '_' {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    // `index` would replace a section's list page; the others are reserved on Windows.
    const RESERVED: &[&str] = &[
        "index", "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6",
        "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8",
        "lpt9",
    ];
    if out.is_empty() {
        "item".to_string()
    } else if RESERVED.contains(&out.as_str()) {
        format!("{out}-item")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_terms_are_filed_by_their_common_pinyin() {
        assert_eq!(index_letter("离线模式"), "L");
        assert_eq!(index_letter("验收"), "Y");
        assert_eq!(index_letter("UAT"), "U");
        assert_eq!(index_letter("Éclair"), "E");
        assert_eq!(index_letter("42"), "#");
        assert!(romanised("离线") < romanised("验收"));
    }

    #[test]
    fn slugs_are_never_paths() {
        assert_eq!(sanitize_slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(sanitize_slug("ISS-42"), "iss-42");
        assert_eq!(sanitize_slug("登录 问题"), "登录-问题");
        assert_eq!(sanitize_slug("///"), "item");
        assert_eq!(sanitize_slug("index"), "index-item");
        assert_eq!(sanitize_slug("CON"), "con-item");
    }

    #[test]
    fn ids_sort_naturally() {
        let mut ids = vec!["ISS-10", "ISS-9", "ISS-100"];
        ids.sort_by_key(|i| natural_key(i));
        assert_eq!(ids, ["ISS-9", "ISS-10", "ISS-100"]);
    }
}
