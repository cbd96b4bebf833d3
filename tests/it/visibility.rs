//! Internal and draft content never reaches a client build, by any path: page, index,
//! link, title, count, sitemap. `--internal` shows it, marked on every page.

use crate::support::*;

/// Markers that only internal or draft content carries.
const SECRETS: &[&str] = &[
    "SECRET-NOTE-TITLE",
    "SECRET-NOTE-BODY",
    "SECRET-DRAFT-TITLE",
    "SECRET-BLOCK-TEXT",
    "SECRET-ISSUE-TITLE",
    "ISS-99",
    "SECRET-MILESTONE",
    "SECRET-TERM",
    "SECRET-FEEDBACK",
    "SECRET-PAGE",
    "secret-note",
];

fn site_with_secrets() -> TestSite {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"T\"\nbase_url = \"https://acme.github.io/portal/\"\n",
    );
    site.write("notes/public.md", &note(
        "title: Public note\nhealth: on-track",
        "Visible start.\n\n<!-- internal -->\nSECRET-BLOCK-TEXT about the budget\n<!-- /internal -->\n\nVisible end.",
    ));
    site.write(
        "notes/secret-note.md",
        &note(
            "title: SECRET-NOTE-TITLE\nvisibility: internal\nhealth: off-track\nprogress: 99",
            "SECRET-NOTE-BODY",
        ),
    );
    site.write(
        "notes/draft.md",
        &note(
            "title: SECRET-DRAFT-TITLE\ndraft: true\nkind: incident",
            "draft body",
        ),
    );
    site.write(
        "issues/ISS-99.md",
        &note(
            "title: SECRET-ISSUE-TITLE\nvisibility: internal\nseverity: critical",
            "x",
        ),
    );
    site.write("issues/ISS-1.md", &note("title: Public issue", "x"));
    site.write(
        "milestones/m.md",
        &note(
            "title: SECRET-MILESTONE\ndue: 2026-01-01\nvisibility: internal",
            "",
        ),
    );
    site.write(
        "glossary/s.md",
        &note("term: SECRET-TERM\nvisibility: internal", "x"),
    );
    site.write(
        "feedback/s.md",
        &note(
            "date: 2026-01-01\nfrom: SECRET-FEEDBACK\nvisibility: internal",
            "x",
        ),
    );
    site.write("pages/s.md", &note("title: SECRET-PAGE\ndraft: true", "x"));
    site.commit_at("all", "2026-01-05T10:00:00+08:00");
    site
}

#[test]
fn internal_and_draft_content_and_internal_blocks_appear_nowhere_in_a_client_build() {
    let site = site_with_secrets();
    site.build_ok(&[]);
    let files = all_files(&site.out());
    assert!(files.len() > 5);
    for (path, text) in &files {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{path} leaks {secret}");
            assert!(
                !path.contains(secret),
                "a file is named after {secret}: {path}"
            );
        }
    }
    let note = site.page("notes/public.html");
    assert!(note.contains("Visible start.") && note.contains("Visible end."));
    let dash = site.page("index.html");
    // Counts and figures ignore hidden items: no critical defect, health from the public note.
    assert!(dash.contains("On track"));
    assert!(!dash.contains("99%"));
    assert!(
        !dash.contains("Ongoing incident"),
        "a draft incident must not raise the banner"
    );
}

#[test]
fn the_internal_view_has_everything_and_says_so_on_every_page() {
    let site = site_with_secrets();
    site.build_ok(&["--internal"]);
    let files = all_files(&site.root.join("public-internal"));
    let all: String = files.iter().map(|(_, t)| t.as_str()).collect();
    for secret in SECRETS {
        assert!(all.contains(secret), "the internal view lacks {secret}");
    }
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        assert!(
            text.contains("banner-internal"),
            "{path} is not marked as internal"
        );
        assert!(
            text.contains(r#"<meta name="robots" content="noindex">"#),
            "{path}"
        );
    }
}

#[test]
fn the_leak_guard_fails_a_build_whose_output_holds_internal_text_and_keeps_the_old_site() {
    let site = TestSite::new();
    site.write("notes/public.md", &note("title: Weekly", "Fine.\n\n<!-- internal -->\nThe budget overrun is six percent this month\n<!-- /internal -->"));
    site.write(
        "notes/secret.md",
        &note(
            "title: Acquisition of Contoso Ltd\nvisibility: internal",
            "x",
        ),
    );
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    let before = site.page("index.html");
    for (file, text) in [
        (
            "static/notes.txt",
            "copied by hand: Acquisition of Contoso Ltd",
        ),
        (
            "static/block.txt",
            "The budget overrun is six percent this month",
        ),
    ] {
        site.write(file, text);
        site.commit_at("leak", "2026-01-06T10:00:00+08:00");
        let out = site.vitrine(&["build"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let name = file.trim_start_matches("static/");
        assert!(
            stderr(&out).contains(&format!("leak guard: the output file `{name}` contains")),
            "{}",
            stderr(&out)
        );
        assert_eq!(
            site.page("index.html"),
            before,
            "the previous output is untouched"
        );
        site.remove(file);
        site.commit_at("fix", "2026-01-07T10:00:00+08:00");
    }
    site.build_ok(&[]);
    site.build_ok(&["--internal"]);
}

#[test]
fn the_example_site_output_holds_no_internal_marker() {
    let dir = tempfile::tempdir().unwrap();
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let out = run(
        &[
            "demo",
            dir.path().join("d").to_str().unwrap(),
            "--example",
            example.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let files = all_files(&dir.path().join("d/status/public"));
    // Every internal item and block of the example, by a phrase only it contains.
    for marker in [
        "Staffing plan for December",
        "Budget overrun of 6%",
        "launch date slips to January",
        "Vendor contract penalty clause",
        "Vendor contact is unhappy",
        "ISS-8",
    ] {
        for (path, text) in &files {
            assert!(!text.contains(marker), "{path} leaks `{marker}`");
        }
    }
}
