//! Terms explained where the client reads them: linking in every body, the A–Z page, the
//! jargon check.

use crate::support::*;

fn glossary_site() -> TestSite {
    let site = TestSite::new();
    site.write(
        "glossary/uat.md",
        &note(
            "term: User Acceptance Testing\naliases: [UAT, 用户验收测试]",
            "Testing done by the client's own staff.\n\nMore detail.",
        ),
    );
    site.write(
        "glossary/testing.md",
        &note("term: Testing", "Checking that it works."),
    );
    site.write(
        "glossary/secret.md",
        &note(
            "term: Project Falcon\nvisibility: internal",
            "SECRET-CODENAME-DEF",
        ),
    );
    site.write("issues/ISS-4.md", &note("title: Launch window", ""));
    site.write(
        "issues/ISS-9.md",
        &note("title: SECRET-ISSUE-TITLE\nvisibility: internal", ""),
    );
    site
}

#[test]
fn terms_and_issue_ids_link_in_every_kind_of_body_first_occurrence_longest_match() {
    let site = glossary_site();
    let body =
        "User Acceptance Testing starts Monday. More testing, more UAT, see ISS-4 and ISS-4.";
    for (path, front) in [
        ("notes/n.md", "title: Note"),
        ("issues/ISS-1.md", "title: Issue"),
        ("milestones/m.md", "title: M\ndue: 2026-02-01"),
        ("pages/p.md", "title: Page"),
        ("feedback/f.md", "date: 2026-01-01\nfrom: Client"),
    ] {
        site.write(path, &note(front, body));
    }
    site.commit_at("all", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    for page in [
        "notes/n.html",
        "issues/iss-1.html",
        "milestones/m.html",
        "pages/p.html",
        "feedback/index.html",
    ] {
        let html = site.page(page);
        let prose = &html[html.find("class=\"prose").unwrap()..];
        assert!(
            prose.contains(r##"<a class="term" href="../glossary/index.html#user-acceptance-testing">User Acceptance Testing<span class="tip" role="tooltip">Testing done by the client&#39;s own staff.</span></a>"##),
            "{page}: {prose}"
        );
        assert!(
            prose.contains(r##"More <a class="term" href="../glossary/index.html#testing""##),
            "{page}: `Testing` links on its own"
        );
        assert!(
            prose.contains("more UAT, see"),
            "{page}: the second mention of the same term is plain"
        );
        assert_eq!(
            prose.matches("../issues/iss-4.html").count(),
            1,
            "{page}: first occurrence only"
        );
        assert!(prose.contains(r#"title="ISS-4 Launch window""#));
        assert!(
            prose.contains(r#"<aside class="term-notes">"#),
            "{page}: printed definitions"
        );
    }
}

#[test]
fn nothing_links_inside_code_links_headings_or_raw_html() {
    let site = glossary_site();
    site.write(
        "notes/n.md",
        &note(
            "title: Note",
            "## UAT plan\n\n`UAT` in code and [UAT link](https://example.org) and <a href=\"x\">UAT html</a>\n\n```\nUAT block\n```\n\nFinally UAT.",
        ),
    );
    site.commit_at("all", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    let html = site.page("notes/n.html");
    let prose = &html[html.find("class=\"prose").unwrap()..];
    assert_eq!(prose.matches("class=\"term\"").count(), 1, "{prose}");
    assert!(prose.contains(r#"Finally <a class="term""#), "{prose}");
    assert!(prose.contains("<h2 id=\"uat-plan\">UAT plan</h2>"));
}

#[test]
fn chinese_terms_and_aliases_match_inside_running_text() {
    let site = glossary_site();
    site.write(
        "glossary/yanshou.md",
        &note("term: 验收标准", "交付前约定的检查项。"),
    );
    site.write(
        "notes/n.md",
        &note("title: 第八周", "下周开始用户验收测试，验收标准已经确认。"),
    );
    site.commit_at("all", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    let html = site.page("notes/n.html");
    assert!(html.contains("下周开始<a class=\"term\" href=\"../glossary/index.html#user-acceptance-testing\">用户验收测试<span"), "{html}");
    assert!(
        html.contains("，<a class=\"term\" href=\"../glossary/index.html#验收标准\""),
        "{html}"
    );
    let glossary = site.page("glossary/index.html");
    assert!(glossary.contains(r#"id="letter-Y""#) && glossary.contains(r#"id="验收标准""#));
}

#[test]
fn internal_terms_and_issues_are_never_linked_or_named() {
    let site = glossary_site();
    site.write(
        "notes/n.md",
        &note("title: Note", "About Project Falcon and ISS-9."),
    );
    site.commit_at("all", "2026-01-05T10:00:00+08:00");
    let out = site.build_ok(&[]);
    let html = site.page("notes/n.html");
    assert!(
        html.contains("About Project Falcon and ISS-9."),
        "plain text, unlinked: {html}"
    );
    for (path, text) in all_files(&site.out()) {
        assert!(
            !text.contains("SECRET-ISSUE-TITLE") && !text.contains("SECRET-CODENAME-DEF"),
            "{path} leaks"
        );
    }
    assert!(
        stderr(&out).contains("notes/n.md:4:26:"),
        "the reference is reported: {}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("mentions the internal item `ISS-9`"));
}

#[test]
fn the_jargon_check_lists_unexplained_acronyms_with_file_and_line() {
    let site = glossary_site();
    site.write(
        "notes/n.md",
        &note(
            "title: Note",
            "The SLA and the UAT.\n\nThe API is `RPC` safe and OK and PDF.\n\nCRM again, CRM.",
        ),
    );
    site.commit_at("all", "2026-01-05T10:00:00+08:00");
    let out = site.vitrine(&["check"]);
    let err = stderr(&out);
    assert!(
        err.contains("notes/n.md:4:5: warning: `SLA` is not explained in the glossary"),
        "{err}"
    );
    assert!(err.contains("notes/n.md:6:5: warning: `API`"), "{err}");
    assert!(err.contains("notes/n.md:8:1: warning: `CRM`"), "{err}");
    assert_eq!(
        err.matches("`CRM` is not explained").count(),
        1,
        "once per file"
    );
    // The diagnostics themselves, not the source lines shown under them.
    let headers = diagnostic_lines(&err);
    assert!(
        !headers.contains("`UAT`")
            && !headers.contains("`RPC`")
            && !headers.contains("`OK`")
            && !headers.contains("`PDF`"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(0), "warnings by default");

    site.write(
        "vitrine.toml",
        "title = \"T\"\n[glossary]\njargon = \"error\"\nallow = [\"SLA\", \"API\"]\n",
    );
    site.commit_at("strict", "2026-01-06T10:00:00+08:00");
    let out = site.vitrine(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("error: `CRM`") && !diagnostic_lines(&err).contains("`SLA`"),
        "{err}"
    );
}

/// The `path:line:col: warning|error: message` lines of stderr, without source excerpts.
fn diagnostic_lines(err: &str) -> String {
    err.lines()
        .filter(|l| l.contains(": warning: ") || l.contains(": error: "))
        .collect::<Vec<_>>()
        .join("\n")
}
