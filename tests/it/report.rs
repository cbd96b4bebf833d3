//! Reports: `vitrine report` between revisions or dates, in every format, and the period
//! report pages of the site.

use serde_json::Value;

use crate::support::*;

/// A project with a known week: 2026-03-02 (Mon) to 2026-03-08 (Sun), Asia/Shanghai.
fn scripted() -> TestSite {
    let site = TestSite::new();
    site.write("vitrine.toml", "title = \"Portal\"\ntimezone = \"Asia/Shanghai\"\n[communication]\ncadence = \"weekly\"\n[metrics.coverage]\nlabel = \"Coverage\"\nunit = \"%\"\ntarget = 80\n");
    site.write(
        "notes/w1.md",
        &note(
            "title: Week 1\nhealth: on-track\nprogress: 20\ndate: 2026-02-23",
            "## Next steps\n\n- old step",
        ),
    );
    site.write(
        "issues/ISS-1.md",
        &note("title: Crash on login\ntype: defect\nseverity: major", ""),
    );
    site.write(
        "issues/ISS-2.md",
        &note(
            "title: Slow search\ntype: defect\nstatus: resolved\nseverity: minor",
            "",
        ),
    );
    site.write(
        "issues/ISS-3.md",
        &note("title: Vendor delay\ntype: risk\nseverity: minor", ""),
    );
    site.write(
        "milestones/M1.md",
        &note("title: Beta\ndue: 2026-03-05", "- [ ] a"),
    );
    site.write(
        "milestones/M2.md",
        &note("title: Launch\ndue: 2026-03-20", "- [ ] b"),
    );
    site.write("metrics/q.csv", "date,coverage\n2026-02-25,60\n");
    site.write(
        "issues/ISS-9.md",
        &note(
            "title: SECRET-REPORT-ISSUE\nvisibility: internal\nseverity: critical",
            "",
        ),
    );
    site.commit_at("start", "2026-02-25T10:00:00+08:00");
    site.tag("v0.1.0");
    // The week.
    site.write(
        "issues/ISS-1.md",
        &note(
            "title: Crash on login\ntype: defect\nseverity: critical\nstatus: resolved",
            "",
        ),
    );
    site.write(
        "issues/ISS-2.md",
        &note(
            "title: Slow search\ntype: defect\nstatus: open\nseverity: minor",
            "",
        ),
    );
    site.write(
        "issues/ISS-4.md",
        &note(
            "title: Typo on receipt\ntype: defect\nseverity: trivial",
            "",
        ),
    );
    site.write(
        "issues/ISS-3.md",
        &note("title: Vendor delay\ntype: risk\nseverity: major", ""),
    );
    site.write(
        "milestones/M1.md",
        &note(
            "title: Beta\ndue: 2026-03-05\nstatus: done\ncompleted: 2026-03-04",
            "- [x] a",
        ),
    );
    site.write(
        "milestones/M2.md",
        &note("title: Launch\ndue: 2026-03-27", "- [ ] b"),
    );
    site.write(
        "metrics/q.csv",
        "date,coverage\n2026-02-25,60\n2026-03-04,85\n",
    );
    site.write(
        "notes/w2.md",
        &note(
            "title: Week 2\nhealth: at-risk\nprogress: 45\ndate: 2026-03-06",
            "## Next steps\n\n- Fix the login crash\n- 准备验收",
        ),
    );
    site.write("notes/outage.md", &note("title: Payments down\nkind: incident\ndate: 2026-03-03T08:00:00+08:00\nresolved: 2026-03-03T10:30:00+08:00", ""));
    site.write(
        "notes/secret.md",
        &note(
            "title: SECRET-REPORT-NOTE\nvisibility: internal\ndate: 2026-03-04",
            "",
        ),
    );
    site.write(
        "feedback/f.md",
        &note(
            "date: 2026-03-03\nfrom: Dr. Chen\nstatus: addressed\nresponse: Fixed it.",
            "Too slow.",
        ),
    );
    site.write("src.txt", "x");
    site.commit_at("feat(login): week of work", "2026-03-05T10:00:00+08:00");
    site.tag("v0.2.0");
    site.write("notes/w3.md", &note("title: Week 3\ndate: 2026-03-20", ""));
    site.commit_at("later", "2026-03-20T10:00:00+08:00");
    site
}

fn json_report(site: &TestSite, args: &[&str]) -> Value {
    let mut all = vec!["report", "--format", "json"];
    all.extend_from_slice(args);
    let out = site.vitrine(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["id"]
                .as_str()
                .or(i["title"].as_str())
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn a_report_between_dates_has_every_section_right() {
    let site = scripted();
    let r = json_report(&site, &["--from", "2026-03-01", "--to", "2026-03-08"]);
    assert_eq!(r["from"]["time"].as_str().unwrap()[..10], *"2026-03-01");
    assert!(
        r["from"]["commit"].is_string() && r["to"]["commit"].is_string(),
        "both ends' commit ids"
    );
    assert_eq!(
        r["health"],
        serde_json::json!({"from": "on-track", "to": "at-risk"})
    );
    assert_eq!(r["progress"], serde_json::json!({"from": 20, "to": 45}));
    assert_eq!(r["next_milestone"]["id"], "M2");
    assert_eq!(ids(&r["milestones_reached"]), ["M1"]);
    assert_eq!(r["milestones_moved"][0]["from"], "2026-03-20");
    assert_eq!(r["milestones_moved"][0]["to"], "2026-03-27");
    assert_eq!(ids(&r["issues_opened"]), ["ISS-4"]);
    assert_eq!(ids(&r["issues_closed"]), ["ISS-1"]);
    // Re-rated and resolved: one entry, the re-rating carried along.
    assert_eq!(r["issues_closed"][0]["severity_was"], "major");
    assert_eq!(r["issues_closed"][0]["severity"], "critical");
    assert_eq!(ids(&r["issues_reopened"]), ["ISS-2"]);
    assert_eq!(r["severity_changed"][0]["issue"]["id"], "ISS-3");
    assert_eq!(r["severity_changed"][0]["to"], "major");
    assert_eq!(r["severity_changed"].as_array().unwrap().len(), 1);
    assert_eq!(
        ids(&r["risks"]),
        Vec::<String>::new(),
        "listed once, as re-rated"
    );
    let open: Vec<u64> = r["open_by_severity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .collect();
    assert_eq!(open, [0, 1, 1, 1], "critical, major, minor, trivial");
    assert_eq!(r["incidents"][0]["minutes"], 150);
    assert_eq!(ids(&r["notes"]), ["Week 2"]);
    assert_eq!(r["releases"][0]["tag"], "v0.2.0");
    // Without the scope (`feat(login): …`): a part of the code is no client word.
    assert_eq!(r["releases"][0]["changes"][0], "week of work");
    assert_eq!(r["metrics"][0]["from"], 60.0);
    assert_eq!(r["metrics"][0]["to"], 85.0);
    assert_eq!(r["metrics"][0]["met"], true);
    assert_eq!(r["feedback_received"][0]["from"], "Dr. Chen");
    assert_eq!(r["feedback_received"][0]["excerpt"], "Too slow.");
    assert_eq!(r["feedback_received"][0]["response"], "Fixed it.");
    assert_eq!(
        r["feedback_addressed"],
        serde_json::json!([]),
        "received and addressed in the period: listed once, as received"
    );
    assert_eq!(
        r["next_steps"],
        serde_json::json!(["Fix the login crash", "准备验收"])
    );
    assert_eq!(r["cadence"]["published"], 1);
    assert_eq!(r["empty"], false);
    let text = r.to_string();
    assert!(
        !text.contains("SECRET-REPORT"),
        "internal items never appear without --internal"
    );
    validate(&r, &schema(), &schema(), "$");
}

#[test]
fn revisions_give_the_same_report_as_the_dates_they_fall_on() {
    let site = scripted();
    let by_rev = json_report(&site, &["--from", "v0.1.0", "--to", "v0.2.0"]);
    assert_eq!(ids(&by_rev["issues_closed"]), ["ISS-1"]);
    assert_eq!(ids(&by_rev["issues_opened"]), ["ISS-4"]);
    assert_eq!(by_rev["from"]["spec"], "v0.1.0");
    assert!(by_rev["to"]["commit"].as_str().unwrap().len() == 40);
}

#[test]
fn every_format_carries_the_same_facts_and_internal_needs_the_flag() {
    let site = scripted();
    for format in ["md", "text", "html"] {
        let out = site.vitrine(&[
            "report",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-08",
            "--format",
            format,
        ]);
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        let text = without_tags(&String::from_utf8_lossy(&out.stdout));
        for fact in [
            "Crash on login",
            "Typo on receipt",
            "Beta",
            "from 20 Mar 2026 to 27 Mar 2026",
            "Fix the login crash",
            "Payments down",
            "v0.2.0",
            "Dr. Chen",
        ] {
            assert!(text.contains(fact), "{format} lacks `{fact}`:\n{text}");
        }
        assert!(!text.contains("SECRET-REPORT"), "{format} leaks");
    }
    let html = String::from_utf8(
        site.vitrine(&["report", "--from", "2026-03-01", "--format", "html"])
            .stdout,
    )
    .unwrap();
    assert!(
        html.starts_with("<!doctype html>") && html.contains("@page { size: A4"),
        "standalone and printable"
    );
    let internal = site.vitrine(&[
        "report",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-08",
        "--internal",
    ]);
    assert!(String::from_utf8_lossy(&internal.stdout).contains("SECRET-REPORT-NOTE"));
}

#[test]
fn an_empty_period_says_so_plainly() {
    let site = scripted();
    let r = json_report(&site, &["--from", "2026-03-10", "--to", "2026-03-15"]);
    assert_eq!(r["empty"], true);
    let md = String::from_utf8(
        site.vitrine(&["report", "--from", "2026-03-10", "--to", "2026-03-15"])
            .stdout,
    )
    .unwrap();
    assert!(md.contains("Nothing changed in this period."), "{md}");
}

#[test]
fn the_site_has_one_report_per_iso_week_linked_from_the_timeline_and_feed() {
    let site = scripted();
    site.build_ok(&[]);
    let index = site.page("reports/index.html");
    for week in ["2026-W09", "2026-W10", "2026-W11", "2026-W12"] {
        assert!(
            index.contains(&format!("reports/{week}.html")),
            "{week} missing: {index}"
        );
    }
    let w10 = site.page("reports/2026-W10.html");
    assert!(
        w10.contains("<h1>2–8 Mar 2026</h1>")
            && w10.contains("ISO week 10, 2026")
            && w10.contains("Crash on login")
            && w10.contains("Typo on receipt")
    );
    assert!(!w10.contains("SECRET-REPORT"));
    assert!(
        site.page("reports/2026-W11.html")
            .contains("Nothing changed in this period.")
    );
    assert!(
        site.page("timeline/index.html")
            .contains("reports/2026-W10.html")
    );
    assert!(site.page("feed.xml").contains("reports/2026-W10.html"));
}

/// The text of an HTML document without its tags (other formats pass through).
pub fn without_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn schema() -> Value {
    serde_json::from_str(include_str!("../../docs/report.schema.json")).unwrap()
}

/// Checks `v` against the subset of JSON Schema the report schema uses: `type`, `const`,
/// `enum`, `required`, `properties`, `additionalProperties: false`, `items`, `oneOf`,
/// `minimum`, `maximum` and local `$ref`s.
fn validate(v: &Value, s: &Value, root: &Value, at: &str) {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return validate(v, &root["$defs"][name], root, at);
    }
    if let Some(options) = s.get("oneOf").and_then(Value::as_array) {
        let ok = options
            .iter()
            .filter(|o| std::panic::catch_unwind(|| validate(v, o, root, at)).is_ok())
            .count();
        assert_eq!(ok, 1, "{at}: matches {ok} of oneOf");
        return;
    }
    if let Some(c) = s.get("const") {
        assert_eq!(v, c, "{at}");
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        assert!(e.contains(v), "{at}: {v} not in {e:?}");
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(x) => vec![x.as_str()],
            Value::Array(xs) => xs.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            _ => false,
        });
        assert!(ok, "{at}: {v} is not {types:?}");
    }
    if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64()) {
        assert!(n >= min, "{at}");
    }
    if let (Some(max), Some(n)) = (s.get("maximum").and_then(Value::as_f64), v.as_f64()) {
        assert!(n <= max, "{at}");
    }
    if let Some(obj) = v.as_object() {
        for r in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            assert!(
                obj.contains_key(r.as_str().unwrap()),
                "{at}: `{r}` is required"
            );
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, val) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => validate(val, ps, root, &format!("{at}.{k}")),
                None => assert!(
                    s.get("additionalProperties") != Some(&Value::Bool(false)),
                    "{at}: unexpected `{k}`"
                ),
            }
        }
    }
    if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            validate(x, items, root, &format!("{at}[{i}]"));
        }
    }
}
