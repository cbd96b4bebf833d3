//! Incremental builds (issue 15): the build cache renders only the pages whose input
//! changed; the others are taken from the previous output, as hard links when their bytes
//! are the same, rewritten with the new commit and dates when only those changed. The
//! build names the pages it rendered (`VITRINE_CACHE_TRACE`), and every warm build is
//! compared, file by file, with a cold build (`--no-cache`) of the same commit.
#![cfg(unix)]

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Output;

use crate::support::*;

/// `vitrine -C ROOT build ARGS`, naming the pages it rendered; asserts success.
fn build(site: &TestSite, args: &[&str], passphrase: Option<&str>) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("vitrine").unwrap();
    cmd.arg("-C")
        .arg(&site.root)
        .arg("build")
        .args(args)
        .current_dir(&site.root)
        .env("HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("TZ", "UTC")
        .env("VITRINE_CACHE_TRACE", "1")
        .env_remove("VITRINE_PASSPHRASE");
    if let Some(p) = passphrase {
        cmd.env("VITRINE_PASSPHRASE", p);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    out
}

/// The HTML pages a build rendered (the others were carried over).
fn rendered(out: &Output) -> BTreeSet<String> {
    stderr(out)
        .lines()
        .filter_map(|l| l.strip_prefix("rendered "))
        .filter(|p| p.ends_with(".html"))
        .map(str::to_string)
        .collect()
}

/// Every output file and its inode.
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (rel.replace('\\', "/"), e.metadata().unwrap().ino())
        })
        .collect()
}

/// Every HTML page of the output.
fn all_pages(site: &TestSite) -> BTreeSet<String> {
    inodes(&site.out())
        .into_keys()
        .filter(|p| p.ends_with(".html"))
        .collect()
}

/// A site with three notes, an issue named by one of them and a term used by another.
fn site() -> TestSite {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: Alpha", "Plain text."));
    site.write("notes/b.md", &note("title: Bravo", "We fixed ISS-1 today."));
    site.write(
        "notes/c.md",
        &note("title: Charlie", "The Widget is ready."),
    );
    site.write(
        "issues/ISS-1.md",
        &note("title: Login fails\nstatus: resolved", "Steps."),
    );
    site.write(
        "glossary/widget.md",
        "---\nterm: Widget\n---\nA small part of the screen.\n",
    );
    site.commit_at("start", "2026-01-05T10:00:00+08:00");
    site
}

/// Commits everything, builds with the cache, checks the output against a cold build of
/// the same commit and returns the pages the warm build rendered.
fn change(site: &TestSite, message: &str, date: &str) -> BTreeSet<String> {
    site.commit_at(message, date);
    let out = build(site, &[], None);
    same_as_cold(site, None);
    rendered(&out)
}

/// The output is byte-identical to a cold build's, the marker too but for the id a build
/// with the cache records in it (a `--no-cache` build records none).
fn same_as_cold(site: &TestSite, passphrase: Option<&str>) {
    let cold = site.dir.path().join("cold");
    let _ = std::fs::remove_dir_all(&cold);
    build(
        site,
        &["--no-cache", "-o", cold.to_str().unwrap()],
        passphrase,
    );
    let files = |d: &Path| -> BTreeMap<String, String> {
        all_files(d)
            .into_iter()
            .map(|(p, text)| match p == ".vitrine-output" {
                true => {
                    let lines = text.lines().filter(|l| !l.starts_with("build = "));
                    (p, lines.collect::<Vec<_>>().join("\n"))
                }
                false => (p, text),
            })
            .collect()
    };
    let (warm, cold) = (files(&site.out()), files(&cold));
    assert_eq!(
        warm.keys().collect::<Vec<_>>(),
        cold.keys().collect::<Vec<_>>()
    );
    for (path, text) in &warm {
        assert!(text == &cold[path], "{path} differs from a cold build");
    }
}

#[test]
fn a_second_build_of_the_same_commit_writes_nothing() {
    let site = site();
    let first = build(&site, &[], None);
    assert_eq!(
        rendered(&first),
        all_pages(&site),
        "a cold build renders all"
    );
    let before = inodes(&site.out());
    let out = build(&site, &[], None);
    assert!(stderr(&out).contains("all unchanged"), "{}", stderr(&out));
    assert!(rendered(&out).is_empty());
    assert_eq!(inodes(&site.out()), before, "every file is the same file");
}

#[test]
fn editing_a_note_renders_that_note_and_the_pages_that_show_it() {
    let site = site();
    build(&site, &[], None);
    site.write("notes/a.md", &note("title: Alpha", "Plain text, edited."));
    let r = change(&site, "edit a", "2026-01-06T10:00:00+08:00");
    assert!(r.contains("notes/a.html"), "{r:?}");
    for kept in [
        "notes/b.html",
        "notes/c.html",
        "issues/iss-1.html",
        "glossary/index.html",
    ] {
        assert!(!r.contains(kept), "{kept} was rendered again: {r:?}");
    }
}

#[test]
fn pages_carried_over_after_a_commit_name_the_new_commit() {
    let site = site();
    build(&site, &[], None);
    site.write_repo("src/main.rs", "fn main() {}\n");
    site.commit_at("chore: code", "2026-01-06T10:00:00+08:00");
    let out = build(&site, &[], None);
    same_as_cold(&site, None);
    assert!(stderr(&out).contains(" rendered, "), "{}", stderr(&out));
    let r = rendered(&out);
    assert!(!r.contains("notes/a.html"), "{r:?}");
    assert!(!r.contains("issues/iss-1.html"), "{r:?}");
    let head = site.repo.head().unwrap().target().unwrap().to_string();
    assert!(
        site.page("notes/a.html").contains(&head[..7]),
        "the footer names the new commit"
    );
}

#[test]
fn renaming_an_issue_renders_the_notes_that_link_it() {
    let site = site();
    build(&site, &[], None);
    site.write(
        "issues/ISS-1.md",
        &note("title: Sign-in fails\nstatus: resolved", "Steps."),
    );
    let r = change(&site, "rename issue", "2026-01-06T10:00:00+08:00");
    assert!(r.contains("issues/iss-1.html"), "{r:?}");
    assert!(r.contains("notes/b.html"), "b links ISS-1: {r:?}");
    assert!(!r.contains("notes/a.html"), "{r:?}");
    assert!(!r.contains("notes/c.html"), "{r:?}");
}

#[test]
fn new_progress_redraws_the_charts_but_leaves_pages_without_charts_alone() {
    let site = site();
    site.write(
        "notes/o.md",
        &note("title: Start\nprogress: 10", "Started."),
    );
    site.commit_at("progress", "2026-01-05T11:00:00+08:00");
    site.write(
        "notes/p.md",
        &note("title: Progress\nprogress: 40", "Halfway."),
    );
    site.commit_at("progress", "2026-01-05T12:00:00+08:00");
    build(&site, &[], None);
    let before = site.page("index.html");
    site.write(
        "notes/p.md",
        &note("title: Progress\nprogress: 90", "Nearly."),
    );
    let r = change(&site, "more progress", "2026-01-06T10:00:00+08:00");
    assert!(r.contains("index.html"), "the dashboard's charts: {r:?}");
    assert_ne!(site.page("index.html"), before);
    for kept in [
        "notes/a.html",
        "notes/c.html",
        "issues/iss-1.html",
        "404.html",
    ] {
        assert!(!r.contains(kept), "{kept} was rendered again: {r:?}");
    }
}

#[test]
fn redefining_a_term_renders_every_page_that_links_it() {
    let site = site();
    build(&site, &[], None);
    site.write(
        "glossary/widget.md",
        "---\nterm: Widget\n---\nA part of the screen that shows one thing.\n",
    );
    let r = change(&site, "term", "2026-01-06T10:00:00+08:00");
    assert!(r.contains("glossary/index.html"), "{r:?}");
    assert!(r.contains("notes/c.html"), "c links the term: {r:?}");
    assert!(!r.contains("notes/a.html"), "{r:?}");
    assert!(!r.contains("notes/b.html"), "{r:?}");
}

#[test]
fn the_theme_the_config_and_a_translation_render_every_page() {
    let site = site();
    build(&site, &[], None);
    // A template override.
    let header = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("theme/templates/partials/header.html"),
    )
    .unwrap();
    site.write(
        "theme/templates/partials/header.html",
        &format!("{header}<!-- ours -->\n"),
    );
    let r = change(&site, "theme", "2026-01-06T10:00:00+08:00");
    assert_eq!(r, all_pages(&site));
    // The configuration.
    site.write(
        "vitrine.toml",
        "title = \"Renamed project\"\nclient = \"ACME\"\ntimezone = \"Asia/Shanghai\"\n",
    );
    let r = change(&site, "config", "2026-01-07T10:00:00+08:00");
    assert_eq!(r, all_pages(&site));
    // A translation.
    site.write("theme/i18n/en.toml", "\"nav.notes\" = \"Updates\"\n");
    let r = change(&site, "words", "2026-01-08T10:00:00+08:00");
    assert_eq!(r, all_pages(&site));
    assert!(site.page("notes/a.html").contains("Updates"));
}

#[test]
fn a_corrupt_build_cache_is_rebuilt() {
    let site = site();
    build(&site, &[], None);
    let dir = site.dir.path().join(".git/vitrine");
    let caches: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("build-")
        })
        .collect();
    assert_eq!(caches.len(), 1, "{caches:?}");
    let mut bytes = std::fs::read(&caches[0]).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    std::fs::write(&caches[0], &bytes).unwrap();
    let out = build(&site, &[], None);
    assert!(!stderr(&out).contains("unchanged"), "{}", stderr(&out));
    assert_eq!(rendered(&out), all_pages(&site));
    same_as_cold(&site, None);
    // The cache written by that build is good again.
    let out = build(&site, &[], None);
    assert!(stderr(&out).contains("all unchanged"), "{}", stderr(&out));
}

#[test]
fn an_output_changed_by_hand_or_by_a_cold_build_is_not_trusted() {
    let site = site();
    build(&site, &[], None);
    std::fs::remove_file(site.out().join("notes/a.html")).unwrap();
    let out = build(&site, &[], None);
    assert!(site.out().join("notes/a.html").is_file());
    assert_eq!(rendered(&out), all_pages(&site));
    // Another build into the folder (here a cold one) makes the cache stale, not wrong.
    build(&site, &["--no-cache"], None);
    site.write(
        "notes/b.md",
        &note("title: Bravo", "We fixed ISS-1 yesterday."),
    );
    let r = change(&site, "edit b", "2026-01-06T10:00:00+08:00");
    assert!(
        r.contains("notes/a.html"),
        "nothing was carried over: {r:?}"
    );
}

#[test]
fn no_cache_writes_every_file() {
    let site = site();
    build(&site, &[], None);
    let before = inodes(&site.out());
    build(&site, &["--no-cache"], None);
    let after = inodes(&site.out());
    assert!(after.iter().all(|(p, ino)| before.get(p) != Some(ino)));
}

#[test]
fn the_work_tree_reuses_pages_too() {
    let site = site();
    build(&site, &["--worktree"], None);
    site.write(
        "notes/a.md",
        &note("title: Alpha", "Edited, not committed."),
    );
    let r = rendered(&build(&site, &["--worktree"], None));
    assert!(r.contains("notes/a.html"), "{r:?}");
    assert!(!r.contains("notes/c.html"), "{r:?}");
}

#[test]
fn a_protected_site_carries_sealed_pages_over_and_matches_a_cold_build() {
    const PASSPHRASE: &str = "harbour clinic secret";
    let site = site();
    site.write(
        "vitrine.toml",
        "title = \"Test project\"\nclient = \"ACME\"\n\n[access]\nmode = \"passphrase\"\n",
    );
    site.commit_at("protect", "2026-01-05T11:00:00+08:00");
    build(&site, &[], Some(PASSPHRASE));
    let before = inodes(&site.out());
    // The same commit and passphrase: every sealed page is the same file, none sealed again.
    let out = build(&site, &[], Some(PASSPHRASE));
    assert!(rendered(&out).is_empty(), "{:?}", rendered(&out));
    let after = inodes(&site.out());
    for page in all_pages(&site) {
        assert_eq!(
            before.get(&page),
            after.get(&page),
            "{page} was written again"
        );
    }
    same_as_cold(&site, Some(PASSPHRASE));
    // Another passphrase: every page is sealed anew (nothing sealed with the old keys stays).
    let out = build(&site, &[], Some("another long passphrase"));
    assert_eq!(rendered(&out), all_pages(&site));
    same_as_cold(&site, Some("another long passphrase"));
    // After a commit, pages differ (their footer), and still match a cold build.
    site.write("notes/a.md", &note("title: Alpha", "Plain text, edited."));
    site.commit_at("edit a", "2026-01-06T10:00:00+08:00");
    build(&site, &[], Some(PASSPHRASE));
    same_as_cold(&site, Some(PASSPHRASE));
    // Protection lifted: no sealed page is carried over or refilled.
    site.write(
        "vitrine.toml",
        "title = \"Test project\"\nclient = \"ACME\"\n",
    );
    site.commit_at("open up", "2026-01-07T10:00:00+08:00");
    let out = build(&site, &[], None);
    assert_eq!(rendered(&out), all_pages(&site));
    same_as_cold(&site, None);
}

/// The output before last, kept under `.git/vitrine/` for the next build to rewrite.
fn spare(site: &TestSite) -> std::path::PathBuf {
    let dir = site.dir.path().join(".git/vitrine");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("spare-")
        })
        .expect("a spare output")
}

#[test]
fn the_output_before_last_is_rewritten_in_place() {
    let site = site();
    build(&site, &[], None);
    let first = inodes(&site.out());
    site.write("notes/a.md", &note("title: Alpha", "Edited once."));
    change(&site, "edit a", "2026-01-06T10:00:00+08:00");
    site.write("notes/a.md", &note("title: Alpha", "Edited twice."));
    change(&site, "edit a again", "2026-01-07T10:00:00+08:00");
    // The third build wrote into the files of the first (same inodes), and matches a
    // cold build (checked by `change`).
    let third = inodes(&site.out());
    assert_eq!(third.get("notes/a.html"), first.get("notes/a.html"));
    assert_eq!(third.get("notes/b.html"), first.get("notes/b.html"));
}

#[test]
fn a_spare_file_the_live_output_shares_is_never_written_in_place() {
    let site = site();
    build(&site, &[], None);
    // The same commit with another tag: every page is carried over as a hard link, so
    // the output before last (the spare) and the live output share every file.
    site.tag("not-a-version");
    let out = build(&site, &[], None);
    assert!(rendered(&out).is_empty(), "{:?}", rendered(&out));
    let live = all_files(&site.out());
    site.write("notes/a.md", &note("title: Alpha", "Edited."));
    change(&site, "edit a", "2026-01-06T10:00:00+08:00");
    // The output that was live during that build is now the spare, unchanged.
    let spare = spare(&site);
    for (path, text) in &live {
        if path != ".vitrine-output" {
            assert_eq!(
                &read(&spare.join(path)),
                text,
                "{path} was written in place"
            );
        }
    }
}

/// A commit with the date of the one before it leaves the feeds as they were: they are
/// carried over while the pages before them are rewritten, and the marker still lists the
/// files as a cold build's does.
#[test]
fn the_marker_lists_the_files_as_a_cold_build_whatever_was_carried_over() {
    let site = site();
    build(&site, &[], None);
    site.write("notes/a.md", &note("title: Alpha", "Edited, same minute."));
    change(&site, "edit a", "2026-01-05T10:00:00+08:00");
}
