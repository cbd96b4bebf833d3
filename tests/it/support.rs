//! A small builder of throwaway site repositories with fixed dates and signatures, and
//! helpers to run the `vitrine` binary on them. Nothing here reads the user's git config.

use std::path::{Path, PathBuf};
use std::process::Output;

use git2::{Repository, Signature, Time};

pub const AUTHOR: &str = "Test Author <author@example.com>";

pub struct TestSite {
    pub dir: tempfile::TempDir,
    pub repo: Repository,
    /// The site root (the repository root, or a sub-folder of it).
    pub root: PathBuf,
}

impl TestSite {
    /// A repository whose root is the site root, with a minimal `vitrine.toml`.
    pub fn new() -> TestSite {
        Self::in_subdir("")
    }

    /// A repository whose site root is `sub` (e.g. `status`).
    pub fn in_subdir(sub: &str) -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let root = if sub.is_empty() {
            dir.path().to_path_buf()
        } else {
            dir.path().join(sub)
        };
        std::fs::create_dir_all(&root).unwrap();
        let site = TestSite { dir, repo, root };
        site.write(
            "vitrine.toml",
            "title = \"Test project\"\nclient = \"ACME\"\ntimezone = \"Asia/Shanghai\"\n",
        );
        site
    }

    /// Writes a file under the site root.
    pub fn write(&self, path: &str, text: &str) -> &Self {
        self.write_bytes(path, text.as_bytes())
    }

    pub fn write_bytes(&self, path: &str, bytes: &[u8]) -> &Self {
        let p = self.root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
        self
    }

    /// Writes a file relative to the repository root.
    pub fn write_repo(&self, path: &str, text: &str) -> &Self {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn remove(&self, path: &str) -> &Self {
        std::fs::remove_file(self.root.join(path)).unwrap();
        self
    }

    /// Commits everything at an RFC 3339 date with the default author.
    pub fn commit_at(&self, message: &str, date: &str) -> String {
        self.commit_as(message, date, AUTHOR)
    }

    /// Commits everything at `date` as `author` (`Name <email>`).
    pub fn commit_as(&self, message: &str, date: &str, author: &str) -> String {
        let mut index = self.repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = signature(author, date);
        let parent = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        self.repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap()
            .to_string()
    }

    pub fn tag(&self, name: &str) {
        let head = self.repo.head().unwrap().peel_to_commit().unwrap();
        self.repo
            .tag_lightweight(name, head.as_object(), false)
            .unwrap();
    }

    /// Runs `vitrine ARGS` with `-C <site root>`.
    pub fn vitrine(&self, args: &[&str]) -> Output {
        let mut all = vec!["-C", self.root.to_str().unwrap()];
        all.extend_from_slice(args);
        run(&all, &self.root)
    }

    /// Builds into `<root>/public` and asserts success.
    pub fn build_ok(&self, args: &[&str]) -> Output {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        let out = self.vitrine(&all);
        assert!(
            out.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    pub fn out(&self) -> PathBuf {
        self.root.join("public")
    }

    /// Reads one output file.
    pub fn page(&self, path: &str) -> String {
        read(&self.out().join(path))
    }
}

pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// Every file under `dir`: path relative to it, and its text (lossy).
pub fn all_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((
                rel,
                String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned(),
            ));
        }
    }
    out
}

/// Runs the binary in `cwd` with a clean environment: no user or system git config.
pub fn run(args: &[&str], cwd: &Path) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("vitrine").unwrap();
    cmd.args(args)
        .current_dir(cwd)
        .env("HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("TZ", "UTC");
    cmd.output().unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn signature(author: &str, date: &str) -> Signature<'static> {
    let (name, email) = author.split_once('<').unwrap();
    let ts: jiff::Timestamp = date.parse().unwrap();
    let tail = &date[date.len() - 6..];
    let offset = if date.ends_with('Z') {
        0
    } else {
        let sign = if tail.starts_with('-') { -1 } else { 1 };
        sign * (tail[1..3].parse::<i32>().unwrap() * 60 + tail[4..6].parse::<i32>().unwrap())
    };
    Signature::new(
        name.trim(),
        email.trim_end_matches('>').trim(),
        &Time::new(ts.as_second(), offset),
    )
    .unwrap()
}

/// A note file with front matter lines and a body.
pub fn note(front: &str, body: &str) -> String {
    format!("---\n{front}\n---\n{body}\n")
}
