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
    let read = |p: &str| std::fs::read_to_string(public.join(p)).unwrap();
    // Meaningful data on every page kind (issue 8's acceptance).
    let changelog = read("changelog/index.html");
    for tag in ["v1.0.0-rc.1", "v0.9.0", "v0.5.0", "v0.3.0"] {
        assert!(
            changelog.contains(&format!(">{tag}")),
            "changelog lacks {tag}"
        );
    }
    let iss2 = read("issues/iss-2.html");
    assert!(
        iss2.matches("<span class=\"change\">").count() >= 4,
        "an issue history with several transitions"
    );
    assert!(
        read("milestones/m5.html").contains("mstatus-slipped"),
        "a slipped milestone"
    );
    assert!(
        read("notes/2026-10-12-sms-outage.html").contains("callout-ok"),
        "a resolved incident"
    );
    assert!(
        std::fs::read_dir(public.join("reports")).unwrap().count() >= 12,
        "weekly reports"
    );
    assert!(
        read("index.html").contains("<svg class=\"chart\"")
            && read("issues/index.html").contains("<svg class=\"chart\"")
    );
    let zh = read("notes/2026-10-19-第八周进展.html");
    assert!(
        zh.contains("class=\"term\" href=\"../glossary/index.html#sms\">短信"),
        "glossary links in Chinese text"
    );
    assert!(
        read("notes/2026-10-05-week-6.html").contains("class=\"term\""),
        "glossary links in English text"
    );
    assert!(
        read("timeline/index.html")
            .matches("class=\"event ")
            .count()
            > 80
    );
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

#[test]
fn build_context_is_the_prepared_site_with_the_given_base_url() {
    let site = TestSite::new();
    site.write("vitrine.toml", "title = \"T\"\n");
    site.write("notes/a.md", &note("title: A", "x"));
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    let out = site.vitrine(&[
        "build",
        "--context",
        "--base-url",
        "https://acme.example/portal/",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["site"]["base_url"], "https://acme.example/portal/");
    assert_eq!(json["notes"][0]["title"], "A");
}
