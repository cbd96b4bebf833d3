//! Hostile content meets bounded work and one allow-list: every document is sanitised,
//! every configured URL passes the same scheme check, and no input makes a build take
//! quadratic time or unbounded memory.

use std::time::{Duration, Instant};

use crate::support::*;

/// Builds the site under a kill timer; fails if it ran out of time or panicked.
fn built_within(site: &TestSite, limit: Duration) -> std::process::Output {
    let run = run_bounded(&site.root, &["build"], limit);
    assert!(!run.killed, "still running after {limit:?} of CPU time");
    assert!(
        !stderr(&run.out).contains("panicked"),
        "{}",
        stderr(&run.out)
    );
    run.out
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
        "{% for a in range(end=100000) %}{% for b in range(end=100000) %}{{ a }}{% endfor %}{% endfor %}\n",
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

/// One hostile input: where it goes in the site and its bytes.
type Case = (String, String, Vec<u8>);

/// The committed corpus of `tests/fixtures/hostile/` (see its README).
fn fixture_cases() -> Vec<Case> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == "README.md" {
            continue;
        }
        let path = if name.starts_with("config--") {
            "vitrine.toml".to_string()
        } else {
            name.replace("--", "/")
        };
        cases.push((name.clone(), path, std::fs::read(dir.join(&name)).unwrap()));
    }
    cases.sort();
    cases
}

/// Inputs too big or too binary to commit, made here.
fn generated_cases() -> Vec<Case> {
    let front =
        |title: &str, body: String| format!("---\ntitle: {title}\n---\n{body}").into_bytes();
    let case = |name: &str, path: &str, bytes: Vec<u8>| (name.to_string(), path.to_string(), bytes);
    let mut csv = String::with_capacity(26_000_000);
    csv.push_str("date,load,errors\n");
    let start: jiff::Timestamp = "2020-01-01T00:00:00Z".parse().unwrap();
    for i in 0..1_000_000i64 {
        let t = start + jiff::SignedDuration::from_mins(i);
        csv.push_str(&format!("{t},{},{}\n", i % 97, i % 3));
    }
    let table = {
        let mut t = format!("|{}\n|{}\n", "h|".repeat(20), "-|".repeat(20));
        for _ in 0..10_000 {
            t.push_str(&format!("|{}\n", "cell ISS-1 *x*|".repeat(20)));
        }
        t
    };
    let list: String = (0..1_000)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect();
    vec![
        case(
            "20,000 identical headings",
            "notes/headings.md",
            front("H", "## Same\n\n".repeat(20_000)),
        ),
        case(
            "100,000 nested div",
            "notes/divs.md",
            front("D", "<div>".repeat(100_000)),
        ),
        case(
            "100,000 nested and closed div",
            "notes/closed-divs.md",
            front("C", "<div>".repeat(100_000) + &"</div>".repeat(100_000)),
        ),
        case(
            "100,000 nested quotes",
            "notes/quotes.md",
            front("Q", ">".repeat(100_000) + " x\n"),
        ),
        case(
            "1,000 nested list levels",
            "notes/list.md",
            front("L", list),
        ),
        case("10,000-row table", "notes/table.md", front("T", table)),
        case(
            "1 MB line",
            "notes/line.md",
            front("Line", "word ".repeat(200_000)),
        ),
        case(
            "1 MB of emphasis",
            "notes/stars.md",
            front("S", "*a **b _c [d ".repeat(80_000)),
        ),
        case(
            "1 MB of brackets",
            "notes/brackets.md",
            front("B", "[".repeat(500_000) + &"](x)".repeat(100_000)),
        ),
        case(
            "1 MB title",
            "notes/title.md",
            front(&"t".repeat(1_000_000), String::new()),
        ),
        case(
            "NUL bytes",
            "notes/nul.md",
            b"---\ntitle: a\0b\n---\n\0\0\0".to_vec(),
        ),
        case(
            "invalid UTF-8",
            "issues/latin1.md",
            b"---\ntitle: caf\xe9\n---\n\xff\xfe".to_vec(),
        ),
        case(
            "BOM and CRLF",
            "notes/bom.md",
            b"\xef\xbb\xbf---\r\ntitle: Bom\r\n---\r\n## Hi\r\n\r\ntext\r\n".to_vec(),
        ),
        case(
            "deep YAML",
            "notes/yaml-deep.md",
            format!("---\ntitle: x\nextra: {}\n---\n", "[".repeat(100_000)).into_bytes(),
        ),
        case(
            "deep TOML front matter",
            "notes/toml-deep.md",
            format!(
                "+++\ntitle = \"x\"\na = {}1{}\n+++\n",
                "[".repeat(100_000),
                "]".repeat(100_000)
            )
            .into_bytes(),
        ),
        case(
            "deep TOML config",
            "vitrine.toml",
            format!(
                "title = \"T\"\na = {}1{}\n",
                "[".repeat(100_000),
                "]".repeat(100_000)
            )
            .into_bytes(),
        ),
        case(
            "deep inline TOML tables",
            "vitrine.toml",
            format!(
                "title = \"T\"\na = {}{}\n",
                "{b = ".repeat(50_000),
                "}".repeat(50_000)
            )
            .into_bytes(),
        ),
        case(
            "1,000,000-row metrics",
            "metrics/load.csv",
            csv.into_bytes(),
        ),
        case(
            "10,000 aliases",
            "glossary/term.md",
            format!(
                "---\nterm: API\naliases: [{}]\n---\nA term.\n",
                (0..10_000)
                    .map(|i| format!("a{i}"))
                    .collect::<Vec<_>>()
                    .join(",")
            )
            .into_bytes(),
        ),
    ]
}

/// One run of the binary under a kill timer.
struct Bounded {
    /// Its exit status (a signal when it was killed) and what it wrote to stderr.
    out: std::process::Output,
    /// Wall-clock time, and CPU time (user + system, as last polled).
    wall: Duration,
    cpu: Duration,
    /// It ran out of time or memory and was killed.
    killed: bool,
    /// Peak resident memory in bytes (Linux: `VmHWM`, polled), if it could be read.
    peak: Option<u64>,
}

/// Runs `vitrine -C ROOT ARGS`, killing it once it has used `limit` of CPU time (or three
/// times that of wall-clock time, or once its resident memory passes [`MEMORY_LIMIT`]).
/// CPU time, not wall time, is the budget: a machine busy with other builds slows the
/// clock, not the work.
fn run_bounded(root: &std::path::Path, args: &[&str], limit: Duration) -> Bounded {
    let home = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("vitrine"))
        .args(["-C", root.to_str().unwrap()])
        .args(args)
        .env("HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("TZ", "UTC")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err, &mut s);
        s
    });
    let status_file = format!("/proc/{}/status", child.id());
    let stat_file = format!("/proc/{}/stat", child.id());
    let (t, mut peak, mut cpu, mut killed) = (Instant::now(), None, Duration::ZERO, false);
    let status = loop {
        if let Some(kb) = std::fs::read_to_string(&status_file).ok().and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        }) {
            peak = Some(kb * 1024);
        }
        if let Some(ticks) = std::fs::read_to_string(&stat_file)
            .ok()
            .and_then(|s| cpu_ticks(&s))
        {
            cpu = Duration::from_millis(ticks * 10);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if cpu > limit || t.elapsed() > 3 * limit || peak.is_some_and(|p| p > MEMORY_LIMIT) {
            killed = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let wall = t.elapsed();
    let out = std::process::Output {
        status,
        stdout: Vec::new(),
        stderr: reader.join().unwrap(),
    };
    Bounded {
        out,
        wall,
        cpu,
        killed,
        peak,
    }
}

/// User plus system time in clock ticks (1/100 s on Linux) from `/proc/PID/stat`.
fn cpu_ticks(stat: &str) -> Option<u64> {
    let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// Inputs that still crash the build, each with where: the test fails once one is fixed, so
/// the entry is removed and the input joins the others.
/// The most resident memory one hostile build may take.
const MEMORY_LIMIT: u64 = 1 << 30;

#[test]
fn every_hostile_input_ends_in_a_diagnostic_or_a_site_quickly_and_in_bounded_memory() {
    let limit = Duration::from_secs(20);
    let mut failures = Vec::new();
    let cases = fixture_cases().into_iter().chain(generated_cases());
    for (name, path, bytes) in cases {
        let site = TestSite::new();
        site.write_bytes(&path, &bytes);
        site.commit_at("hostile", "2026-01-05T10:00:00+08:00");
        let run = run_bounded(&site.root, &["build"], limit);
        let (code, peak, err) = (run.out.status.code(), run.peak, stderr(&run.out));
        let peak_text = peak.map_or("?".into(), |p| format!("{} MB", p >> 20));
        eprintln!(
            "{name}: exit {code:?} in {:.1?} ({:.1?} CPU), peak {peak_text}",
            run.wall, run.cpu
        );
        let problem = if run.killed && peak.is_some_and(|p| p > MEMORY_LIMIT) {
            Some(format!("killed at {peak_text}"))
        } else if run.killed {
            Some(format!(
                "still running after {:.1?} ({:.1?} CPU)",
                run.wall, run.cpu
            ))
        } else if !matches!(code, Some(0 | 1)) || err.contains("panicked") {
            Some(format!("exit {code:?}"))
        } else if peak.is_some_and(|p| p > MEMORY_LIMIT) {
            Some(format!("peak memory {peak_text}"))
        } else {
            script_in(&site.out())
        };
        if let Some(p) = problem {
            failures.push(format!(
                "{name} ({path}): {p}\n{}",
                err.chars().take(600).collect::<String>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A sign of script in a built site: an event attribute or a script URL in any page.
fn script_in(out: &std::path::Path) -> Option<String> {
    if !out.exists() {
        return None;
    }
    all_files(out).into_iter().find_map(|(path, text)| {
        let lower = text.to_ascii_lowercase();
        [
            "onmouseover=",
            "onclick=",
            "onload=",
            "onerror=",
            "javascript:",
            "vbscript:",
            "data:text/html",
        ]
        .iter()
        .find(|bad| lower.contains(*bad))
        .map(|bad| format!("{path} contains `{bad}`"))
    })
}
