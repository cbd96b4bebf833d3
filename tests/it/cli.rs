//! The command line contract: root discovery, exit statuses, the example site.

use crate::support::*;

#[test]
fn the_site_root_is_found_from_a_subfolder() {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: A", ""));
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    let out = run(&["build"], &site.root.join("notes"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.out().join("index.html").exists());
}

#[test]
fn usage_errors_exit_with_status_two() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        run(&["build", "--no-such-flag"], dir.path()).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["build", "--rev", "HEAD", "--worktree"], dir.path())
            .status
            .code(),
        Some(2)
    );
    let out = run(&["build"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no vitrine.toml"));
}

#[test]
fn the_example_site_replays_and_builds_with_every_page_kind() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let out = run(
        &[
            "demo",
            demo.to_str().unwrap(),
            "--example",
            example.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("open file://"));
    let public = demo.join("status/public");
    for page in [
        "index.html",
        "notes/index.html",
        "issues/index.html",
        "milestones/index.html",
        "glossary/index.html",
        "feedback/index.html",
        "metrics/index.html",
        "pages/communication-plan.html",
        "404.html",
    ] {
        assert!(public.join(page).is_file(), "{page} missing");
    }
    let files = all_files(&public);
    for (path, text) in &files {
        for secret in [
            "Staffing plan",
            "Budget overrun",
            "launch date slips",
            "penalty clause",
            "Vendor contact is unhappy",
        ] {
            assert!(!text.contains(secret), "{path} leaks `{secret}`");
        }
    }
}
