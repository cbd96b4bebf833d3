//! The confidentiality classes of issue #12, one test each, tried the way an attacker did:
//! markers the scanner must not be fooled about, internal text inside front-matter
//! strings, comments surfacing as text, history from an item's internal era, renames that
//! lend another file's history, commit subjects in incident logs, misspelled visibility
//! keys, and a leak guard that must neither fail open nor cry wolf. Every test searches
//! *every* output file (pages, feeds, search index, calendar, status.json) and, where a
//! report could carry the text, every `vitrine report` format.

use crate::support::*;

/// Every output file and every report format that contains `needle`.
fn places_with(site: &TestSite, needle: &str) -> Vec<String> {
    let mut hits: Vec<String> = all_files(&site.out())
        .into_iter()
        .filter(|(_, text)| text.contains(needle))
        .map(|(path, _)| path)
        .collect();
    for format in ["md", "text", "html", "json"] {
        let out = site.vitrine(&["report", "--from", "2000-01-01", "--format", format]);
        assert!(
            out.status.success(),
            "report {format} failed: {}",
            stderr(&out)
        );
        if String::from_utf8_lossy(&out.stdout).contains(needle) {
            hits.push(format!("vitrine report --format {format}"));
        }
    }
    hits
}

fn assert_nowhere(site: &TestSite, needles: &[&str]) {
    for needle in needles {
        let hits = places_with(site, needle);
        assert!(hits.is_empty(), "`{needle}` reached the client in {hits:?}");
    }
}

fn site() -> TestSite {
    let site = TestSite::new();
    site.write("vitrine.toml", "title = \"T\"\n");
    site.write(
        "notes/base.md",
        &note("title: Base\nhealth: on-track", "Public words."),
    );
    site
}

#[test]
fn a_stray_comment_opener_or_a_nested_block_never_unmasks_internal_text() {
    let site = site();
    site.write(
        "notes/a.md",
        &note(
            "title: Markers",
            "Type `<!--` to start a comment; a <!-- b in prose.\n\n\
             <p title=\"<!--\">attr</p>\n\n\
             <!-- internal -->\nSECRET-AFTER-STRAY\n<!-- /internal -->\n\n\
             Outer <!-- internal --> SECRET-OUTER <!-- internal --> SECRET-INNER <!-- /internal --> \
             SECRET-BETWEEN-CLOSERS <!-- /internal --> visible tail.\n\n\
             <!-- internal --->\nSECRET-TRIPLE-DASH\n<!-- /internal -->\n\n\
             <!-- internal --!>\nSECRET-BANG\n<!-- /internal --!>\n\n\
             Empty comments <!--> and <!---> are text.\n",
        ),
    );
    site.commit_at("markers", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    assert!(site.page("notes/a.html").contains("visible tail"));
    assert_nowhere(
        &site,
        &[
            "SECRET-AFTER-STRAY",
            "SECRET-OUTER",
            "SECRET-INNER",
            "SECRET-BETWEEN-CLOSERS",
            "SECRET-TRIPLE-DASH",
            "SECRET-BANG",
        ],
    );
}

#[test]
fn a_misspelled_opener_or_an_unclosed_block_fails_the_build_and_writes_nothing() {
    for body in [
        "<!-- intenral -->\nSECRET-MISSPELLED\n<!-- /internal -->\n",
        "<!-- internal -->\nSECRET-UNCLOSED\n",
        "<!-- internal -->\nit`s SECRET-BACKTICK <!-- /internal --> and `code`\n",
    ] {
        let site = site();
        site.write("notes/a.md", &note("title: A", body));
        site.commit_at("a", "2026-01-05T10:00:00+08:00");
        let out = site.vitrine(&["build"]);
        assert_eq!(out.status.code(), Some(1), "{body}: {}", stderr(&out));
        assert!(stderr(&out).contains("notes/a.md:"), "{}", stderr(&out));
        assert!(!site.out().exists(), "a failed build wrote output");
    }
}

#[test]
fn internal_blocks_inside_front_matter_strings_never_reach_any_output() {
    let site = site();
    site.write(
        "notes/a.md",
        &note(
            "title: Week 2\nsummary: \"On plan <!-- internal -->SECRET-SUMMARY budget<!-- /internal --> so far\"\nhealth: at-risk",
            "Body.",
        ),
    );
    site.write(
        "feedback/f.md",
        &note(
            "date: 2026-01-04\nfrom: Client\nstatus: addressed\nresponse: \"Fixed. <!-- internal -->SECRET-RESPONSE<!-- /internal -->\"",
            "The login is slow.",
        ),
    );
    site.write(
        "issues/ISS-1.md",
        &note(
            "title: \"Slow login <!-- internal -->SECRET-TITLE-PART<!-- /internal -->\"\nowner: \"Ana<!-- internal --> SECRET-OWNER<!-- /internal -->\"",
            "x",
        ),
    );
    site.commit_at("strings", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    assert!(site.page("notes/index.html").contains("On plan"));
    assert_nowhere(
        &site,
        &[
            "SECRET-SUMMARY",
            "SECRET-RESPONSE",
            "SECRET-TITLE-PART",
            "SECRET-OWNER",
        ],
    );
}

#[test]
fn html_comments_never_surface_as_text_in_next_steps_criteria_or_search() {
    let site = site();
    site.commit_at("base", "2026-01-02T10:00:00+08:00");
    site.write(
        "notes/b.md",
        &note(
            "title: Week 3",
            "Done.\n\n## Next steps\n\n- Ship the release <!-- note to self: SECRET-COMMENT-STEP -->\n- <!-- SECRET-COMMENT-ITEM --> Train staff\n",
        ),
    );
    site.write(
        "milestones/m1.md",
        &note(
            "title: UAT\ndue: 2026-02-01",
            "- [x] Sign-off <!-- SECRET-COMMENT-CRITERION -->\n- [ ] Training\n",
        ),
    );
    site.commit_at("comments", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    let milestone = site.page("milestones/m1.html");
    assert!(milestone.contains("Sign-off"), "{milestone}");
    let report = site.vitrine(&["report", "--from", "2000-01-01", "--format", "text"]);
    let text = String::from_utf8_lossy(&report.stdout);
    assert!(text.contains("Ship the release"), "{text}");
    assert_nowhere(
        &site,
        &[
            "SECRET-COMMENT-STEP",
            "SECRET-COMMENT-ITEM",
            "SECRET-COMMENT-CRITERION",
            "note to self",
        ],
    );
}

#[test]
fn an_item_made_public_shows_nothing_from_its_internal_era() {
    let site = site();
    site.write(
        "issues/ISS-7.md",
        &note(
            "title: Data export\nvisibility: internal\nowner: SECRET-OWNER-OLGA\nmilestone: SECRET-MILESTONE-ID",
            "x",
        ),
    );
    site.commit_at("internal issue", "2026-01-05T10:00:00+08:00");
    site.write(
        "issues/ISS-7.md",
        &note(
            "title: Data export\nvisibility: internal\nstatus: in-progress\nowner: SECRET-OWNER-IVAN\nmilestone: SECRET-MILESTONE-ID",
            "x",
        ),
    );
    site.commit_as(
        "internal work",
        "2026-01-08T10:00:00+08:00",
        "SECRET-AUTHOR <s@example.com>",
    );
    site.write(
        "issues/ISS-7.md",
        &note("title: Data export\nstatus: in-progress\nowner: Paula", "x"),
    );
    site.commit_at("publish issue", "2026-01-12T10:00:00+08:00");
    site.build_ok(&[]);
    let whole = site.page("issues/iss-7.html");
    // The item's own content; the footer's "Last update" date is the site's.
    let page = whole.split("<main").nth(1).unwrap_or(&whole);
    let page = page.split("</main>").next().unwrap_or(page);
    assert!(
        page.contains("Paula") && page.contains("Shared with you"),
        "{page}"
    );
    assert!(
        page.contains("2026-01-12"),
        "opened is the day it was made public: {page}"
    );
    assert!(
        !page.contains("2026-01-05") && !page.contains("2026-01-08"),
        "{page}"
    );
    assert_nowhere(
        &site,
        &[
            "SECRET-OWNER-OLGA",
            "SECRET-OWNER-IVAN",
            "SECRET-MILESTONE-ID",
            "SECRET-AUTHOR",
        ],
    );
}

#[test]
fn commits_with_the_internal_trailer_are_never_shown_in_an_item_history() {
    let site = site();
    site.write("issues/ISS-2.md", &note("title: Printer", "x"));
    site.commit_as("add", "2026-01-05T10:00:00+08:00", "Ann <a@example.com>");
    site.write(
        "issues/ISS-2.md",
        &note("title: Printer\nstatus: resolved", "x"),
    );
    site.commit_as(
        "fix: SECRET-SUBJECT\n\nVisibility: internal\n",
        "2026-01-06T10:00:00+08:00",
        "SECRET-TRAILER-AUTHOR <t@example.com>",
    );
    site.build_ok(&[]);
    let page = site.page("issues/iss-2.html");
    // The change itself is the client's to see; the commit is not.
    assert!(page.contains("Resolved"), "{page}");
    assert_nowhere(&site, &["SECRET-SUBJECT", "SECRET-TRAILER-AUTHOR"]);
}

#[test]
fn a_deleted_file_never_lends_its_history_to_an_unrelated_file_of_the_same_name() {
    let site = site();
    site.write(
        "issues/internal/ISS-5.md",
        &note(
            "title: Payroll bug\nvisibility: internal\nowner: SECRET-RENAME-OWNER",
            "The payroll export drops the last row for salaried staff.\n",
        ),
    );
    site.write(
        "issues/old/ISS-6.md",
        &note(
            "title: Old thing\nowner: Owen-Formerly",
            "A long public description of an old problem that was closed long ago.\n",
        ),
    );
    site.commit_at("old files", "2026-01-05T10:00:00+08:00");
    site.remove("issues/internal/ISS-5.md");
    site.remove("issues/old/ISS-6.md");
    site.write(
        "issues/ISS-5.md",
        &note(
            "title: Printer jams\nowner: Pat",
            "Paper jams on floor 2.\n",
        ),
    );
    site.write(
        "issues/ISS-6.md",
        &note(
            "title: Badge reader\nowner: Quinn",
            "Badges fail at the door.\n",
        ),
    );
    site.commit_at("unrelated new files", "2026-01-20T10:00:00+08:00");
    site.build_ok(&[]);
    for page in ["issues/iss-5.html", "issues/iss-6.html"] {
        let page_text = site.page(page);
        // The item's own content; the footer's "Last update" date is the site's.
        let text = page_text.split("<main").nth(1).unwrap_or(&page_text);
        let text = text.split("</main>").next().unwrap_or(text);
        assert!(text.contains("2026-01-20"), "{page}: {text}");
        assert!(
            !text.contains("2026-01-05"),
            "{page} borrowed history: {text}"
        );
    }
    assert_nowhere(&site, &["SECRET-RENAME-OWNER", "Owen-Formerly"]);
}

#[test]
fn a_moved_file_keeps_its_history_when_its_content_is_mostly_the_same() {
    let site = site();
    let body = "Line one of a long description.\nLine two.\nLine three.\nLine four.\n";
    site.write("issues/ISS-8.md", &note("title: Moved\nowner: Mo", body));
    site.commit_at("add", "2026-01-05T10:00:00+08:00");
    site.remove("issues/ISS-8.md");
    site.write(
        "issues/done/ISS-8.md",
        &note("title: Moved\nowner: Mo\nstatus: resolved", body),
    );
    site.commit_at("move", "2026-01-09T10:00:00+08:00");
    site.build_ok(&[]);
    let page = site.page("issues/iss-8.html");
    assert!(
        page.contains("2026-01-05"),
        "history lost on a move: {page}"
    );
}

#[test]
fn incident_updates_show_the_text_added_never_commit_subjects_or_internal_versions() {
    let site = site();
    let front = "title: Outage\nkind: incident\ndate: 2026-01-05T08:00:00+08:00";
    site.write(
        "notes/outage.md",
        &note(
            &format!("{front}\nvisibility: internal"),
            "SECRET-INTERNAL-ERA database host db-7 is down.",
        ),
    );
    site.commit_at("feat: SECRET-SUBJECT-ONE", "2026-01-05T08:10:00+08:00");
    site.write(
        "notes/outage.md",
        &note(front, "We are investigating slow logins."),
    );
    site.commit_at("chore: SECRET-SUBJECT-TWO", "2026-01-05T08:30:00+08:00");
    site.write(
        "notes/outage.md",
        &note(
            front,
            "We are investigating slow logins.\n\n<!-- internal -->\nSECRET-BLOCK-IN-UPDATE\n<!-- /internal -->\n\nCause found: a full disk.",
        ),
    );
    site.commit_at(
        "fix: SECRET-SUBJECT-THREE\n\nVisibility: internal",
        "2026-01-05T09:00:00+08:00",
    );
    site.build_ok(&[]);
    let page = site.page("notes/outage.html");
    let log = &page[page.find("h-updates").expect("update log")..];
    assert!(log.contains("Cause found: a full disk."), "{log}");
    // Commit subjects belong to the changelog only (where types and trailers filter them).
    for file in [
        "notes/outage.html",
        "incidents.xml",
        "index.html",
        "timeline/index.html",
    ] {
        let text = site.page(file);
        for subject in [
            "SECRET-SUBJECT-ONE",
            "SECRET-SUBJECT-TWO",
            "SECRET-SUBJECT-THREE",
        ] {
            assert!(!text.contains(subject), "{subject} in {file}");
        }
    }
    assert_nowhere(
        &site,
        &[
            "SECRET-INTERNAL-ERA",
            "SECRET-SUBJECT-THREE",
            "SECRET-BLOCK-IN-UPDATE",
        ],
    );
}

#[test]
fn a_misspelled_or_miscased_visibility_key_fails_the_build() {
    for key in [
        "Visibility: internal",
        "VISIBILITY: internal",
        "visiblity: internal",
        "visibilty: internal",
        "Draft: true",
        "drafts: true",
        "internal: true",
        "private: true",
    ] {
        let site = site();
        site.write(
            "notes/s.md",
            &note(&format!("title: SECRET-TYPO\n{key}"), "x"),
        );
        site.commit_at("typo", "2026-01-05T10:00:00+08:00");
        let out = site.vitrine(&["build"]);
        assert_eq!(out.status.code(), Some(1), "`{key}` was accepted");
        let err = stderr(&out);
        let name = key.split(':').next().unwrap();
        assert!(
            err.contains("notes/s.md:3:1: error:") && err.contains(&format!("`{name}`")),
            "{key}: {err}"
        );
        assert!(!site.out().exists());
    }
}

#[test]
fn boilerplate_shared_by_internal_and_public_notes_is_not_a_leak_however_it_is_wrapped() {
    let site = site();
    site.write(
        "notes/internal.md",
        &note(
            "title: Team only\nvisibility: internal",
            "The weekly sync covers progress, risks and next steps for everyone involved.\n\nSECRET-TEAM-ONLY detail.",
        ),
    );
    site.write(
        "notes/public.md",
        &note(
            "title: Week 4",
            "The weekly sync covers progress,\nrisks and next steps for everyone\ninvolved.",
        ),
    );
    site.commit_at("notes", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    assert_nowhere(&site, &["SECRET-TEAM-ONLY", "Team only"]);
}

#[test]
fn the_guard_names_the_internal_source_and_the_output_file_and_catches_wrapped_text() {
    let site = site();
    site.write(
        "notes/internal.md",
        &note(
            "title: Supplier negotiation\nvisibility: internal",
            "We will offer the supplier a discount of nine percent in March.",
        ),
    );
    // A static file quotes the internal sentence, wrapped and with markup.
    site.write(
        "static/leak.html",
        "<p>We will offer the <em>supplier</em> a discount of\n   nine percent in March.</p>",
    );
    site.commit_at("leak", "2026-01-05T10:00:00+08:00");
    let out = site.vitrine(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("leak.html") && err.contains("notes/internal.md"),
        "{err}"
    );
    assert!(!site.out().exists());
}

#[test]
fn a_history_never_names_an_internal_milestone_an_issue_once_belonged_to() {
    let site = site();
    site.write(
        "milestones/secretms.md",
        &note(
            "title: Secret phase\ndue: 2026-03-01\nvisibility: internal",
            "",
        ),
    );
    site.write(
        "milestones/golive.md",
        &note("title: Go-live\ndue: 2026-04-01", ""),
    );
    site.write(
        "issues/ISS-3.md",
        &note("title: Export\nmilestone: secretms", "x"),
    );
    site.commit_at("add", "2026-01-05T10:00:00+08:00");
    site.write(
        "issues/ISS-3.md",
        &note("title: Export\nmilestone: golive", "x"),
    );
    site.commit_at("move", "2026-01-06T10:00:00+08:00");
    site.build_ok(&[]);
    assert!(site.page("issues/iss-3.html").contains("golive"));
    assert_nowhere(&site, &["secretms", "Secret phase"]);
}

#[test]
fn a_commit_naming_an_internal_issue_never_reaches_the_changelog_or_an_issue_page() {
    let site = site();
    site.write(
        "issues/ISS-9.md",
        &note("title: Payroll leak\nvisibility: internal", "x"),
    );
    site.write("issues/ISS-1.md", &note("title: Login slow", "x"));
    site.commit_at("feat: add issues", "2026-01-05T10:00:00+08:00");
    site.write("notes/c.md", &note("title: C", "x"));
    site.commit_at(
        "fix: tune limits for ISS-9 and ISS-1\n\nFixes: ISS-1",
        "2026-01-06T10:00:00+08:00",
    );
    site.write("notes/d.md", &note("title: D", "x"));
    site.commit_at("feat: export to CSV", "2026-01-07T10:00:00+08:00");
    site.tag("v1.0.0");
    site.build_ok(&[]);
    assert!(site.page("changelog/index.html").contains("export to CSV"));
    assert_nowhere(&site, &["ISS-9", "tune limits"]);
}

#[test]
fn a_short_internal_id_in_a_static_file_is_caught_as_a_word() {
    let site = site();
    site.write(
        "issues/ISS-9.md",
        &note("title: Payroll leak\nvisibility: internal", "x"),
    );
    site.write("static/notes.txt", "See ISS-9 for details.\n");
    site.commit_at("leak", "2026-01-05T10:00:00+08:00");
    let out = site.vitrine(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("ISS-9"));
}

#[test]
fn the_guard_ignores_case_and_punctuation_and_guards_vitrine_changelog_too() {
    let site = site();
    site.write(
        "notes/s.md",
        &note(
            "title: Secret Layoff Plan Alpha\nvisibility: internal",
            "The board approved it.",
        ),
    );
    site.commit_at(
        "feat: secret-layoff plan ALPHA",
        "2026-01-05T10:00:00+08:00",
    );
    site.tag("v1.0.0");
    let out = site.vitrine(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("changelog"), "{}", stderr(&out));
    let out = site.vitrine(&["changelog"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("layoff"));
}

#[test]
fn commits_holding_a_marker_or_a_misspelled_trailer_stay_with_the_team() {
    let site = site();
    site.commit_at("feat: base", "2026-01-04T10:00:00+08:00");
    site.write("notes/a.md", &note("title: A", "x"));
    site.commit_at(
        "feat: add login <!-- internal -->SECRET-CL for the merger<!-- /internal -->",
        "2026-01-05T10:00:00+08:00",
    );
    site.write("notes/b.md", &note("title: B", "x"));
    site.commit_at(
        "feat: SECRET-TYPO-TRAILER\n\nVisiblity: internal",
        "2026-01-06T10:00:00+08:00",
    );
    site.tag("v1.0.0");
    site.build_ok(&[]);
    let log = site.vitrine(&["changelog"]);
    assert!(log.status.success(), "{}", stderr(&log));
    let log = String::from_utf8_lossy(&log.stdout);
    assert!(log.contains("base"), "{log}");
    assert!(
        !log.contains("SECRET") && !log.contains("add login"),
        "{log}"
    );
    assert_nowhere(&site, &["SECRET-CL", "add login", "SECRET-TYPO-TRAILER"]);
}

#[test]
fn near_miss_markers_fail_the_build() {
    for (open, close) in [
        ("<!-- internal: -->", "<!-- /internal: -->"),
        ("<!-- begin internal -->", "<!-- end internal -->"),
        ("<!--- internal --->", "<!--- /internal --->"),
        (
            "<!--\u{a0}internal\u{a0}-->",
            "<!--\u{a0}/internal\u{a0}-->",
        ),
        ("<!-- [internal] -->", "<!-- [/internal] -->"),
    ] {
        let site = site();
        site.write(
            "notes/x.md",
            &note("title: X", &format!("Public.\n\n{open}\nSECRET\n{close}\n")),
        );
        site.commit_at("x", "2026-01-05T10:00:00+08:00");
        let out = site.vitrine(&["build"]);
        assert_eq!(out.status.code(), Some(1), "{open} passed");
        assert!(
            stderr(&out).contains("not an internal marker"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn visibility_in_doubt_fails_the_build() {
    for front in [
        "visibility-level: internal",
        "is_draft: true",
        "meta:\n  visibility: internal",
        "tags: [internal]",
        "scope: internal",
        "wip: true",
        "visibility:",
        "draft: ~",
    ] {
        let site = site();
        site.write("notes/s.md", &note(&format!("title: SECRET\n{front}"), "x"));
        site.commit_at("s", "2026-01-05T10:00:00+08:00");
        let out = site.vitrine(&["build"]);
        assert_eq!(out.status.code(), Some(1), "`{front}` was published");
        assert!(
            stderr(&out).contains("notes/s.md:3:1: error:"),
            "{front}: {}",
            stderr(&out)
        );
    }
    let site = site();
    site.write(
        "notes/t.md",
        "+++\ntitle = \"SECRET\"\n[extra]\nvisibility = \"internal\"\n+++\nx\n",
    );
    site.commit_at("t", "2026-01-05T10:00:00+08:00");
    assert_eq!(site.vitrine(&["build"]).status.code(), Some(1));
}

#[test]
fn an_internal_marker_in_vitrine_toml_fails_the_build() {
    let site = site();
    site.write(
        "vitrine.toml",
        "title = \"Portal <!-- internal -->SECRET-CONFIG<!-- /internal -->\"\n",
    );
    site.commit_at("c", "2026-01-05T10:00:00+08:00");
    let out = site.vitrine(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("vitrine.toml:1:"), "{}", stderr(&out));
}

#[test]
fn an_internal_item_named_like_a_menu_entry_does_not_block_the_build() {
    let site = site();
    for (file, title) in [
        ("a", "Timeline"),
        ("b", "How we work"),
        ("c", "Issues & risks"),
    ] {
        site.write(
            &format!("notes/{file}.md"),
            &note(&format!("title: {title}\nvisibility: internal"), "x"),
        );
    }
    site.commit_at("c", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
}

#[test]
fn a_link_to_an_internal_page_never_publishes_its_file_name() {
    let site = site();
    site.write(
        "notes/acquisition-of-harbor-labs.md",
        &note("title: Team only\nvisibility: internal", "x"),
    );
    site.write(
        "notes/b.md",
        &note(
            "title: B",
            "See [the plan](../notes/acquisition-of-harbor-labs.html).",
        ),
    );
    site.commit_at("link", "2026-01-05T10:00:00+08:00");
    let out = site.vitrine(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("acquisition"), "{}", stderr(&out));
}

#[test]
fn a_public_page_named_like_an_internal_one_is_no_false_alarm() {
    let site = site();
    site.write(
        "notes/2026-01-05-weekly.md",
        &note("title: Team only\nvisibility: internal", "x"),
    );
    site.write(
        "notes/2026-01-05-weekly-public.md",
        &note("title: Week 1", "x"),
    );
    site.write(
        "notes/b.md",
        &note(
            "title: B",
            "See [week 1](../notes/2026-01-05-weekly-public.html).",
        ),
    );
    site.commit_at("names", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
}
