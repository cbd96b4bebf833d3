//! Writing a scripted history: a new repository, commits of its work tree with fixed
//! signatures and dates (never the user's git config), lightweight tags. `vitrine demo`
//! replays the example project with it.

use std::path::Path;

use anyhow::{Context, Result};
use git2::{Repository, Signature, Time};

/// A repository being written commit by commit.
pub struct Scripted {
    repo: Repository,
}

impl Scripted {
    /// A new repository at `dir`.
    pub fn init(dir: &Path) -> Result<Scripted> {
        let repo = Repository::init(dir)
            .with_context(|| format!("cannot create a repository in {}", dir.display()))?;
        Ok(Scripted { repo })
    }

    /// Commits the whole work tree as `author` (`Name <email>`) at `date` (RFC 3339 with an
    /// offset); returns the commit id.
    pub fn commit_all(&self, author: &str, date: &str, message: &str) -> Result<String> {
        let repo = &self.repo;
        let mut index = repo.index()?;
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None)?;
        index.update_all(["*"], None)?;
        index.write()?;
        let tree = repo.find_tree(index.write_tree()?)?;
        let sig = signature(author, date)?;
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        Ok(repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)?
            .to_string())
    }

    /// Tags commit `id` as `name` (lightweight).
    pub fn tag(&self, name: &str, id: &str) -> Result<()> {
        let obj = self.repo.find_object(git2::Oid::from_str(id)?, None)?;
        self.repo.tag_lightweight(name, &obj, false)?;
        Ok(())
    }
}

fn signature(author: &str, date: &str) -> Result<Signature<'static>> {
    let (name, email) = author
        .split_once('<')
        .map(|(n, e)| (n.trim(), e.trim_end_matches('>').trim()))
        .with_context(|| format!("author `{author}` is not `Name <email>`"))?;
    let ts: jiff::Timestamp = date
        .parse()
        .with_context(|| format!("`{date}` is not RFC 3339 with an offset"))?;
    Ok(Signature::new(
        name,
        email,
        &Time::new(ts.as_second(), offset_minutes(date)),
    )?)
}

/// The UTC offset at the end of an RFC 3339 text (`+08:00`, `-05:30`, `Z`), in minutes.
fn offset_minutes(date: &str) -> i32 {
    let tail = date.get(date.len().saturating_sub(6)..).unwrap_or("");
    let sign = match tail.chars().next() {
        Some('+') => 1,
        Some('-') => -1,
        _ => return 0,
    };
    let h: i32 = tail[1..3].parse().unwrap_or(0);
    let m: i32 = tail[4..6].parse().unwrap_or(0);
    sign * (h * 60 + m)
}
