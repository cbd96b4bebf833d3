//! The content contract: every kind, both front-matter formats, defaults and errors.

use crate::support::*;

#[test]
fn every_content_kind_builds_its_pages_from_yaml_and_toml_front_matter() {
    let site = TestSite::new();
    site.write("notes/n.md", "+++\ntitle = \"TOML note\"\ndate = 2026-01-02\nhealth = \"at-risk\"\nprogress = 40\n+++\nBody **bold**\n");
    site.write("issues/ISS-7.md", &note("title: Login fails\ntype: defect\nseverity: critical\nstatus: in-progress\nowner: Ana\ndue: 2026-01-10", "Steps."));
    site.write(
        "milestones/M1.md",
        &note(
            "title: Beta\ndue: 2026-02-01\nstatus: in-progress",
            "- [x] one\n- [ ] two\n- [ ] three\n- [ ] four",
        ),
    );
    site.write(
        "glossary/uat.md",
        &note(
            "term: User Acceptance Testing\naliases: [UAT, 用户验收测试]\ncategory: Testing",
            "Testing by the client.\n\nMore.",
        ),
    );
    site.write("glossary/yan.md", &note("term: 验收", "中文术语。"));
    site.write("feedback/f.md", &note("date: 2026-01-03\nfrom: Dr. Chen\nrating: 4\nstatus: addressed\nresponse: We fixed it.\nissues: [ISS-7]", "It was slow."));
    site.write(
        "pages/standards.md",
        &note(
            "title: Quality standards\norder: 2",
            "| a | b |\n|---|---|\n| 1 | 2 |",
        ),
    );
    site.write(
        "metrics/q.csv",
        "date,coverage\n2026-01-01,50\n2026-01-08,65.5\n",
    );
    site.write(
        "vitrine.toml",
        "title = \"T\"\n[metrics.coverage]\nlabel = \"Test coverage\"\nunit = \"%\"\ntarget = 60\n",
    );
    site.commit_at("all", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);

    let dash = site.page("index.html");
    assert!(
        dash.contains("At risk") && dash.contains(r#"value="40""#),
        "health and progress from the latest note"
    );
    assert!(
        dash.contains("Beta") && dash.contains("1 of 4 acceptance criteria met"),
        "next milestone with acceptance progress"
    );
    assert!(
        dash.contains(r#"<span class="num">1</span> <span class="sev sev-critical">"#),
        "open defects by severity"
    );
    assert!(
        dash.contains("65.5%") && dash.contains("Target met"),
        "metrics against target"
    );

    let issue = site.page("issues/iss-7.html");
    assert!(
        issue.contains("Login fails") && issue.contains("In progress") && issue.contains("Ana")
    );
    assert!(site.page("issues/index.html").contains("issues/iss-7.html"));
    let ms = site.page("milestones/m1.html");
    assert!(ms.contains("☑") && ms.contains(r#"<progress max="100" value="25""#));
    let glossary = site.page("glossary/index.html");
    assert!(
        glossary.contains(r#"id="user-acceptance-testing""#) && glossary.contains("用户验收测试")
    );
    assert!(
        glossary.contains(r#"id="letter-Y""#),
        "Chinese terms are filed by pinyin"
    );
    let fb = site.page("feedback/index.html");
    assert!(
        fb.contains("We fixed it.")
            && fb.contains("issues/iss-7.html")
            && fb.contains("It was slow.")
    );
    assert!(site.page("pages/standards.html").contains("<table>"));
    assert!(site.page("notes/n.html").contains("<strong>bold</strong>"));
    assert!(
        site.page("metrics/index.html")
            .contains("<svg class=\"sparkline\"")
    );
    assert!(site.page("404.html").contains("Page not found"));
}

#[test]
fn a_chinese_site_speaks_chinese_and_formats_dates_for_it() {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"项目状态\"\nlanguage = \"zh-CN\"\ntimezone = \"Asia/Shanghai\"\n",
    );
    site.write(
        "notes/第一周.md",
        &note(
            "title: 第一周进展\nhealth: on-track\ndate: 2026-01-09",
            "一切顺利。",
        ),
    );
    site.commit_at("all", "2026-01-09T10:00:00+08:00");
    site.build_ok(&[]);
    let page = site.page("notes/第一周.html");
    assert!(page.contains(r#"<html lang="zh-CN">"#));
    assert!(
        page.contains(r#"<time datetime="2026-01-09">2026年1月9日</time>"#),
        "{page}"
    );
    assert!(site.page("index.html").contains("进展正常"));
}

#[test]
fn check_reports_every_problem_with_file_line_and_hint() {
    let site = TestSite::new();
    site.write(
        "notes/a.md",
        &note("title: A\nprogress: 140\ndate: 14/03/2026\nmood: happy", ""),
    );
    site.write("issues/ISS-1.md", &note("title: X\nstatus: done", ""));
    site.write("milestones/m.md", &note("title: No due", ""));
    site.write(
        "notes/b.md",
        &note("title: B", "<!-- internal -->\nnever closed"),
    );
    // A problem the linter finds, beside the content's errors.
    site.write("notes/c.md", &note("title: C", &">".repeat(300)));
    site.commit_at("all", "2026-01-05T10:00:00+08:00");
    let out = site.vitrine(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("notes/a.md:3:1: error: `progress` must be a whole number from 0 to 100"),
        "{err}"
    );
    assert!(
        err.contains("notes/a.md:4:1: error: `date`: `14/03/2026` is not a date")
            && err.contains("hint: dates are YYYY-MM-DD"),
        "{err}"
    );
    assert!(
        err.contains("notes/a.md:5:1: warning: unknown key `mood`"),
        "{err}"
    );
    assert!(
        err.contains("issues/ISS-1.md:3:1: error: `status` must be one of open, in-progress"),
        "{err}"
    );
    assert!(
        err.contains("milestones/m.md") && err.contains("`due` is required"),
        "{err}"
    );
    assert!(
        err.contains("notes/b.md:4:1: error: this `<!-- internal -->` block is never closed"),
        "{err}"
    );
    assert!(
        err.contains("notes/c.md:4:") && err.contains("levels deep"),
        "{err}"
    );

    let json = site.vitrine(&["check", "--format", "json"]);
    let items: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(
        items
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == "notes/a.md" && d["line"] == 3 && d["severity"] == "error")
    );
}

#[test]
fn duplicate_page_names_are_an_error() {
    let site = TestSite::new();
    site.write("issues/a/ISS-1.md", &note("title: One", ""));
    site.write("issues/b/ISS-1.md", &note("title: Two", ""));
    site.commit_at("all", "2026-01-05T10:00:00+08:00");
    let out = site.vitrine(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("same page name `iss-1`"),
        "{}",
        stderr(&out)
    );
}
