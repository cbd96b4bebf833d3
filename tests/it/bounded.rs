//! Hostile content meets bounded work and one allow-list: every document is sanitised,
//! every configured URL passes the same scheme check, and no input makes a build take
//! quadratic time or unbounded memory.

use std::time::{Duration, Instant};

use crate::support::*;

fn built_within(site: &TestSite, limit: Duration) -> std::process::Output {
    let t = Instant::now();
    let out = site.vitrine(&["build"]);
    assert!(t.elapsed() < limit, "took {:?}", t.elapsed());
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    out
}

#[test]
fn heading_attributes_never_carry_script_into_a_page() {
    let site = TestSite::new();
    site.write(
        "notes/a.md",
        &note(
            "title: A",
            "## Click {#here .big onmouseover=alert(1) style=color:red}\n\nplain text, no raw HTML\n",
        ),
    );
    site.commit_at("x", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    let page = site.page("notes/a.html");
    assert!(!page.contains("onmouseover"), "{page}");
    assert!(!page.contains("color:red"), "{page}");
    assert!(page.contains("id=\"here\""), "{page}");
    assert!(page.contains("big"), "{page}");
}

#[test]
fn twenty_thousand_identical_headings_get_unique_anchors_quickly() {
    let site = TestSite::new();
    site.write(
        "notes/a.md",
        &note("title: A", &"## Same\n\n".repeat(20_000)),
    );
    site.commit_at("x", "2026-01-05T10:00:00+08:00");
    let out = built_within(&site, Duration::from_secs(20));
    assert!(out.status.success(), "{}", stderr(&out));
    let page = site.page("notes/a.html");
    assert!(page.contains("id=\"same\""));
    assert!(page.contains("id=\"same-2\""));
    assert!(page.contains("id=\"same-20000\""));
}

#[test]
fn html_nested_a_hundred_thousand_deep_is_an_error_naming_the_file_not_a_stall() {
    let site = TestSite::new();
    site.write(
        "notes/deep.md",
        &note("title: Deep", &"<div>".repeat(100_000)),
    );
    site.commit_at("x", "2026-01-05T10:00:00+08:00");
    let out = built_within(&site, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("notes/deep.md:4:1"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("nested"), "{}", stderr(&out));
}

#[test]
fn deep_markdown_quotes_are_an_error_and_an_internal_build_shows_them_as_text() {
    let site = TestSite::new();
    site.write("notes/deep.md", &note("title: Deep", &">".repeat(300)));
    site.write(
        "notes/ok.md",
        &note("title: Ok", &format!("{} fine", ">".repeat(20))),
    );
    site.commit_at("x", "2026-01-05T10:00:00+08:00");
    let out = built_within(&site, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("notes/deep.md"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("notes/ok.md"), "{}", stderr(&out));
    let out = site.vitrine(&["build", "--internal"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn script_and_data_urls_in_the_config_are_errors_naming_the_key() {
    let cases = [
        ("base_url = \"javascript:alert(1)\"\n", "base_url", 2),
        (
            "[feedback]\nurl = \"data:text/html,<script>alert(1)</script>\"\n",
            "[feedback] url",
            3,
        ),
        (
            "[[nav]]\ntitle = \"Docs\"\nurl = \" JavaScript:alert(1)\"\n",
            "[[nav]] url",
            4,
        ),
    ];
    for (toml, key, line) in cases {
        let site = TestSite::new();
        site.write("vitrine.toml", &format!("title = \"T\"\n{toml}"));
        site.commit_at("x", "2026-01-05T10:00:00+08:00");
        let out = site.vitrine(&["build"]);
        assert_eq!(out.status.code(), Some(1), "{key}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(&format!("`{key}`")), "{key}: {err}");
        assert!(err.contains(&format!("vitrine.toml:{line}:1")), "{err}");
        assert!(!site.out().join("404.html").exists());
    }
}

#[test]
fn a_script_base_url_on_the_command_line_is_refused_and_a_web_one_is_used() {
    let site = TestSite::new();
    site.commit_at("x", "2026-01-05T10:00:00+08:00");
    let out = site.vitrine(&["build", "--base-url", "javascript:alert(1)//"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("`--base-url`"), "{}", stderr(&out));
    assert!(!site.out().join("404.html").exists());
    site.build_ok(&["--base-url", "https://acme.example/portal"]);
    assert!(
        site.page("404.html")
            .contains("href=\"https://acme.example/portal/")
    );
}

#[test]
fn a_logo_naming_a_missing_file_is_an_error_naming_the_key() {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"T\"\nlogo = \"static/logo.svg\"\n",
    );
    site.commit_at("x", "2026-01-05T10:00:00+08:00");
    let out = site.vitrine(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("vitrine.toml:2:1"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("`logo"), "{}", stderr(&out));
    site.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.commit_at("logo", "2026-01-06T10:00:00+08:00");
    site.build_ok(&[]);
}

#[test]
fn a_long_metric_series_makes_charts_and_tables_of_bounded_size() {
    let site = TestSite::new();
    let mut csv = String::from("date,coverage\n");
    let start: jiff::Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
    for i in 0..20_000i64 {
        let t = start + jiff::SignedDuration::from_mins(30 * i);
        let v = if i == 12_345 { 99.0 } else { (i % 50) as f64 };
        csv.push_str(&format!("{t},{v}\n"));
    }
    site.write("metrics/coverage.csv", &csv);
    site.commit_at("x", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    let page = site.page("metrics/index.html");
    let dots = page.matches("<circle class=\"dot").count();
    assert!((2..=500).contains(&dots), "{dots} points drawn");
    assert!(
        page.contains(">99</text>") || page.contains(": 99"),
        "the peak is kept"
    );
    assert!(page.matches("<tr>").count() <= 110, "history table is cut");
    assert!(
        page.contains("(20000)") || page.contains("(20,000)"),
        "the total is shown"
    );
    assert!(page.len() < 300_000, "{} bytes", page.len());
    assert!(site.page("index.html").len() < 100_000);
}

#[test]
fn a_theme_partial_with_runaway_loops_fails_naming_the_template_instead_of_hanging() {
    let site = TestSite::new();
    site.write(
        "theme/templates/partials/footer.html",
        "{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}\n",
    );
    site.commit_at("x", "2026-01-05T10:00:00+08:00");
    let out = built_within(&site, Duration::from_secs(40));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("partials/footer.html"), "{err}");
    assert!(err.contains("template steps"), "{err}");
}

#[test]
fn new_quotes_titles_yaml_would_read_as_null_booleans_or_numbers() {
    let site = TestSite::new();
    let titles = [
        "null", "true", "~", "123", "yes", "No", "a: b", "#1", "x #y",
    ];
    for t in titles {
        let out = site.vitrine(&["new", "note", t]);
        assert!(out.status.success(), "{t}: {}", stderr(&out));
    }
    site.commit_at("x", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    let index = site.page("notes/index.html");
    for t in titles {
        assert!(index.contains(&format!(">{t}<")), "{t} missing:\n{index}");
    }
}

#[test]
fn every_windows_device_name_is_a_reserved_page_name() {
    let site = TestSite::new();
    for n in ["com4", "com9", "lpt4", "lpt9", "LPT5"] {
        site.write(&format!("notes/{n}.md"), &note(&format!("title: {n}"), ""));
    }
    site.commit_at("x", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    for n in ["com4", "com9", "lpt4", "lpt9", "lpt5"] {
        assert!(
            site.out().join(format!("notes/{n}-item.html")).is_file(),
            "{n}"
        );
        assert!(!site.out().join(format!("notes/{n}.html")).exists(), "{n}");
    }
}

#[test]
fn a_markdown_file_with_an_upper_case_extension_is_named_in_a_warning() {
    let site = TestSite::new();
    site.write("notes/x.MD", &note("title: Shouty", ""));
    site.write("issues/y.markdown", &note("title: Long", ""));
    site.commit_at("x", "2026-01-05T10:00:00+08:00");
    let out = site.build_ok(&[]);
    let err = stderr(&out);
    assert!(
        err.contains("notes/x.MD") && err.contains("rename it to notes/x.md"),
        "{err}"
    );
    assert!(err.contains("issues/y.markdown"), "{err}");
}

#[test]
fn report_periods_start_at_the_first_commit_of_the_site_not_a_1970_commit() {
    let site = TestSite::in_subdir("status");
    let config = read(&site.root.join("vitrine.toml"));
    site.remove("vitrine.toml");
    site.write_repo("README.md", "older project");
    site.commit_at("clock at zero", "1970-01-02T00:00:00Z");
    site.write("vitrine.toml", &config);
    site.write("notes/a.md", &note("title: A", ""));
    site.commit_at("site", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    let reports = std::fs::read_dir(site.out().join("reports"))
        .unwrap()
        .count();
    assert!(reports <= 3, "{reports} report files");
}

#[test]
fn a_1970_commit_in_the_site_root_makes_at_most_five_years_of_reports() {
    let site = TestSite::new();
    site.commit_at("clock at zero", "1970-01-02T00:00:00Z");
    site.write("notes/a.md", &note("title: A", ""));
    site.commit_at("site", "2026-01-05T10:00:00+08:00");
    let out = built_within(&site, Duration::from_secs(30));
    assert!(out.status.success(), "{}", stderr(&out));
    let reports = std::fs::read_dir(site.out().join("reports"))
        .unwrap()
        .count();
    assert!((2..=262).contains(&reports), "{reports} report files");
}
