//! `vitrine init` and `vitrine new`: files a team starts from. Nothing here ever
//! overwrites an existing file.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use jiff::tz::TimeZone;

use crate::content::sanitize_slug;

/// What `init` did with each file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    Created(PathBuf),
    /// Left alone because it exists.
    Kept(PathBuf),
}

/// The starter files of a site root (path → text).
const STARTER: &[(&str, &str)] = &[
    ("vitrine.toml", include_str!("starter/vitrine.toml")),
    ("notes/welcome.md", include_str!("starter/welcome.md")),
    ("issues/ISS-1.md", include_str!("starter/ISS-1.md")),
    ("milestones/M1.md", include_str!("starter/M1.md")),
    ("glossary/uat.md", include_str!("starter/uat.md")),
    (
        "feedback/first-feedback.md",
        include_str!("starter/feedback.md"),
    ),
    (
        "pages/how-we-work.md",
        include_str!("starter/how-we-work.md"),
    ),
    ("metrics/quality.csv", include_str!("starter/quality.csv")),
    (".gitignore", "public/\npublic-internal/\n"),
];

/// The GitHub Pages workflow written by `init --github-actions` (and shown in the README),
/// before its site folder and vitrine version are filled in.
const WORKFLOW: &str = include_str!("starter/pages.yml");

/// The GitHub Pages workflow for a site root at `site_dir` (relative to the repository,
/// `.` at its top): it installs this version of vitrine, cached by version.
pub fn workflow(site_dir: &str) -> String {
    let site_dir = if site_dir.is_empty() { "." } else { site_dir };
    WORKFLOW
        .replace("VITRINE_VERSION_VALUE", env!("CARGO_PKG_VERSION"))
        .replace("SITE_DIR", site_dir)
}

/// Creates a site root in `dir` with one example of each content kind. With
/// `workflow_root`, also writes `.github/workflows/vitrine.yml` there for a site root at
/// `site_dir` (relative to it).
pub fn init(dir: &Path, workflow: Option<(&Path, &str)>) -> Result<Vec<Written>> {
    let mut out = Vec::new();
    for (path, text) in STARTER {
        out.push(write_new(&dir.join(path), text)?);
    }
    if let Some((repo_root, site_dir)) = workflow {
        let text = self::workflow(site_dir);
        out.push(write_new(
            &repo_root.join(".github/workflows/vitrine.yml"),
            &text,
        )?);
    }
    Ok(out)
}

fn write_new(path: &Path, text: &str) -> Result<Written> {
    if path.exists() {
        return Ok(Written::Kept(path.to_path_buf()));
    }
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Written::Created(path.to_path_buf()))
}

/// The kinds `vitrine new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Note,
    Issue,
    Milestone,
    Term,
    Feedback,
}

/// Creates one content file in the work tree of `root` and returns its path.
pub fn new_item(
    root: &Path,
    kind: Kind,
    title: &str,
    tz: &TimeZone,
    now: jiff::Timestamp,
) -> Result<PathBuf> {
    let title = title.trim();
    if title.is_empty() {
        bail!("the title is empty");
    }
    let today = now.to_zoned_datetime(tz.clone()).date();
    let slug = sanitize_slug(title);
    let quoted = yaml_string(title);
    let (path, text) = match kind {
        Kind::Note => (
            format!("notes/{today}-{slug}.md"),
            format!(
                "---\ntitle: {quoted}\ndate: {today}\nhealth: on-track\n# progress: 50\n---\nWhat happened this week, in plain words.\n\n## Next steps\n\n- \n"
            ),
        ),
        Kind::Issue => {
            let id = next_id(&root.join("issues"), "ISS-");
            (
                format!("issues/{id}.md"),
                format!(
                    "---\ntitle: {quoted}\ntype: defect\nstatus: open\nseverity: major\nopened: {today}\n# owner: \n# due: \n---\nWhat happens, what should happen, and what we are doing about it.\n"
                ),
            )
        }
        Kind::Milestone => {
            let id = next_id(&root.join("milestones"), "M");
            (
                format!("milestones/{id}.md"),
                format!(
                    "---\ntitle: {quoted}\ndue: {}\nstatus: planned\n---\nWhat this milestone delivers.\n\n- [ ] First acceptance criterion\n",
                    today + jiff::ToSpan::days(30)
                ),
            )
        }
        Kind::Term => (
            format!("glossary/{slug}.md"),
            format!(
                "---\nterm: {quoted}\naliases: []\n---\nA one-sentence definition a client understands.\n"
            ),
        ),
        Kind::Feedback => (
            format!("feedback/{today}-{slug}.md"),
            format!(
                "---\ndate: {today}\nfrom: {quoted}\nstatus: received\n# response: What we did about it.\n---\nWhat the client said.\n"
            ),
        ),
    };
    let full = root.join(&path);
    match write_new(&full, &text)? {
        Written::Created(p) => Ok(p),
        Written::Kept(p) => bail!("{} already exists; choose another title", p.display()),
    }
}

/// The next free id `PREFIXn` among the files of a folder (`ISS-1`, `ISS-2` → `ISS-3`).
fn next_id(dir: &Path, prefix: &str) -> String {
    let max = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".md")?;
            stem.strip_prefix(prefix)?.parse::<u64>().ok()
        })
        .max()
        .unwrap_or(0);
    format!("{prefix}{}", max + 1)
}

/// A YAML scalar for any title: plain only when YAML reads it back as that same text,
/// double-quoted otherwise (`null`, `yes`, `~`, `123`, `a: b`, `#1`…), so the next build
/// never reads a title as null, a boolean or a number.
fn yaml_string(s: &str) -> String {
    const SPECIAL: &[&str] = &[
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf",
    ];
    let plain = s.starts_with(char::is_alphabetic)
        && !SPECIAL.contains(&s.to_lowercase().as_str())
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.contains(|c: char| c.is_control() || c == '"' || c == '\\')
        && !s.ends_with([':', ' ']);
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}
