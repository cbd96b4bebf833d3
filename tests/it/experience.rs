//! What the client gets besides pages: charts, search index, feeds, calendar, status.json,
//! badge, the How we work page, both languages complete.

use std::collections::BTreeSet;

use crate::support::*;

fn project() -> TestSite {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"Portal\"\nclient = \"ACME\"\nbase_url = \"https://acme.github.io/portal/\"\ntimezone = \"Asia/Shanghai\"\nbrand_color = \"#7a1fa2\"\nlogo = \"static/logo.svg\"\n[communication]\ncadence = \"weekly\"\nchannels = [\"Weekly call\"]\nescalation = [\"Ana, delivery lead\"]\n[communication.owners]\nnotes = \"Ana\"\n[metrics.coverage]\nlabel = \"Coverage\"\nunit = \"%\"\ntarget = 80\n",
    );
    site.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.write(
        "notes/a.md",
        &note(
            "title: Kick-off\nprogress: 10\nhealth: on-track\ndate: 2026-01-05",
            "预约系统 booking kickoff.",
        ),
    );
    site.write(
        "notes/b.md",
        &note(
            "title: Week 2\nprogress: 30\nhealth: at-risk\ndate: 2026-01-12",
            "Slower than planned.",
        ),
    );
    site.write(
        "issues/ISS-1.md",
        &note("title: Login crash\nseverity: critical", "Crash on 登录."),
    );
    site.write(
        "issues/ISS-2.md",
        &note(
            "title: SECRET-EXP-ISSUE\nvisibility: internal",
            "SECRET-EXP-BODY",
        ),
    );
    site.write(
        "milestones/M1.md",
        &note(
            "title: Beta, first cut\ndue: 2026-02-01",
            "- [ ] Reception can book",
        ),
    );
    site.write("notes/outage.md", &note("title: Payments down\nkind: incident\ndate: 2026-01-10T08:00:00+08:00\nresolved: 2026-01-10T09:30:00+08:00", ""));
    site.write(
        "metrics/q.csv",
        "date,coverage\n2026-01-05,40\n2026-01-12,55\n",
    );
    site.commit_at("all", "2026-01-13T10:00:00+08:00");
    site.build_ok(&[]);
    site
}

#[test]
fn charts_are_well_formed_svg_with_the_expected_points_and_a_text_alternative() {
    let site = project();
    let dash = site.page("index.html");
    let svg = &dash[dash.find("<svg class=\"chart\"").expect("a progress chart")..];
    let svg = &svg[..svg.find("</svg>").unwrap() + 6];
    assert_balanced(svg);
    assert!(
        svg.contains("<title id=") && svg.contains("<desc id=") && svg.contains("role=\"img\"")
    );
    assert!(
        svg.contains("Overall progress went from 10% on 5 Jan 2026 to 30% on 12 Jan 2026."),
        "{svg}"
    );
    assert_eq!(svg.matches("<circle class=\"dot s-progress\"").count(), 2);
    // The first point is at the left of the plot, the last at the right (x 8 … 632).
    assert!(
        svg.contains("cx=\"8.0\"") && svg.contains("cx=\"632.0\""),
        "{svg}"
    );
    let metrics = site.page("metrics/index.html");
    assert!(
        metrics.contains("<line class=\"target\""),
        "the metric chart has its target line"
    );
    assert!(metrics.contains("Coverage went from 40% to 55%; the target is 80%."));
    assert!(
        site.page("milestones/index.html")
            .contains("class=\"chart milestones-chart\"")
    );
}

#[test]
fn the_search_index_holds_client_content_only() {
    let site = project();
    let js = site.page("assets/search-index.js");
    let json = js
        .strip_prefix("window.VITRINE_SEARCH = ")
        .unwrap()
        .trim_end()
        .trim_end_matches(';');
    let docs: serde_json::Value = serde_json::from_str(json).unwrap();
    let titles: Vec<&str> = docs
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["t"].as_str().unwrap())
        .collect();
    for t in ["Kick-off", "Login crash", "Beta, first cut"] {
        assert!(titles.contains(&t), "{t} not indexed: {titles:?}");
    }
    assert!(
        js.contains("预约系统") && js.contains("登录"),
        "Chinese text is indexed"
    );
    assert!(
        !js.contains("SECRET-EXP"),
        "internal content is never in the index"
    );
    assert!(
        site.page("search/index.html")
            .contains("assets/search-index.js")
    );
}

#[test]
fn feeds_calendar_status_and_badge_are_valid() {
    let site = project();
    for feed in ["feed.xml", "incidents.xml"] {
        let xml = site.page(feed);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\""));
        assert_balanced(&xml[xml.find("<feed").unwrap()..]);
        for tag in ["<title>", "<id>", "<updated>"] {
            assert!(xml.contains(tag), "{feed} lacks {tag}");
        }
        assert!(xml.contains("<link rel=\"self\" href=\"https://acme.github.io/portal/"));
    }
    assert!(site.page("incidents.xml").contains("Payments down"));
    let ics = site.page("calendar.ics");
    assert!(
        ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") && ics.ends_with("END:VCALENDAR\r\n")
    );
    assert_eq!(
        ics.matches("BEGIN:VEVENT").count(),
        ics.matches("END:VEVENT").count()
    );
    assert!(
        ics.contains("DTSTART;VALUE=DATE:20260201")
            && ics.contains("SUMMARY:Beta\\, first cut (planned)"),
        "{ics}"
    );
    assert!(
        ics.contains("DTSTART:20260110T000000Z\r\nDTEND:20260110T013000Z"),
        "incidents in UTC: {ics}"
    );
    assert!(ics.split("\r\n").all(|l| l.len() <= 75));
    let status: serde_json::Value = serde_json::from_str(&site.page("status.json")).unwrap();
    assert_eq!(status["health"], "at-risk");
    assert_eq!(status["progress"], 30);
    assert_eq!(status["open_issues"]["critical"], 1);
    assert_eq!(status["open_issues"]["major"], 0);
    assert_eq!(status["last_update"], "2026-01-12T00:00:00+08:00");
    assert_eq!(status["source_commit"].as_str().unwrap().len(), 40);
    let badge = site.page("badge.svg");
    assert_balanced(&badge);
    assert!(badge.contains("aria-label=\"Project health: At risk\""));
}

#[test]
fn how_we_work_brand_and_next_update_come_from_the_config() {
    let site = project();
    let how = site.page("how-we-work/index.html");
    for s in [
        "Weekly call",
        "Ana, delivery lead",
        "notes: <strong>Ana</strong>",
        "Coverage: Target <strong>80%</strong>",
        "Reception can book",
    ] {
        assert!(how.contains(s), "`{s}` missing");
    }
    let dash = site.page("index.html");
    assert!(
        dash.contains("--brand: #7a1fa2")
            && dash.contains("<img class=\"logo\" src=\"logo.svg\" alt=\"ACME\">")
    );
    assert!(
        dash.contains("Next update due by <time datetime=\"2026-01-19\">19 Jan 2026</time>"),
        "{dash}"
    );
}

#[test]
fn every_ui_string_exists_in_both_languages_and_every_key_used_exists() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("theme");
    let keys = |lang: &str| -> BTreeSet<String> {
        let text = std::fs::read_to_string(root.join(format!("i18n/{lang}.toml"))).unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        table
            .into_iter()
            .map(|(k, v)| {
                assert!(
                    !v.as_str().unwrap().trim().is_empty(),
                    "{lang}: `{k}` is empty"
                );
                k
            })
            .collect()
    };
    let (en, zh) = (keys("en"), keys("zh-CN"));
    assert_eq!(
        en.symmetric_difference(&zh).collect::<Vec<_>>(),
        Vec::<&String>::new()
    );
    for entry in walkdir::WalkDir::new(root.join("templates")) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for part in text.split("t(key=\"").skip(1) {
            let key = &part[..part.find('"').unwrap()];
            let dynamic = part[key.len() + 1..].trim_start().starts_with('~');
            if !dynamic {
                assert!(
                    en.contains(key),
                    "{} uses the unknown key `{key}`",
                    entry.path().display()
                );
            }
        }
    }
}

#[test]
fn a_site_can_add_its_own_language() {
    let site = TestSite::new();
    site.write("vitrine.toml", "title = \"Portal\"\nlanguage = \"de\"\n");
    site.write(
        "theme/i18n/de.toml",
        "\"nav.dashboard\" = \"Übersicht\"\n\"nav.notes\" = \"Statusberichte\"\n",
    );
    site.write("notes/a.md", &note("title: A", ""));
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    let page = site.page("index.html");
    assert!(
        page.contains("<html lang=\"de\">")
            && page.contains("Übersicht")
            && page.contains("Statusberichte")
    );
    site.write("vitrine.toml", "title = \"Portal\"\nlanguage = \"fr\"\n");
    site.commit_at("b", "2026-01-06T10:00:00+08:00");
    let out = site.vitrine(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no UI strings for language `fr`"),
        "{}",
        stderr(&out)
    );
}

/// Tags open and close in order (a small well-formedness check for SVG and XML).
fn assert_balanced(xml: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("an unclosed tag");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') || tag.ends_with('/') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        if tag.starts_with('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.as_str()),
                "mismatched </{name}>"
            );
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn theme_colours_meet_wcag_aa_contrast_in_light_and_dark_mode() {
    let css = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("theme/static/style.css"),
    )
    .unwrap();
    // The first `:root` block is the light scheme, the one inside the dark media query the dark.
    let block = |from: usize| {
        let start = css[from..].find(":root {").unwrap() + from;
        &css[start..start + css[start..].find('}').unwrap()]
    };
    let light = block(0);
    let dark = block(css.find("prefers-color-scheme: dark").unwrap());
    let var = |b: &str, name: &str| -> String {
        let i = b
            .find(&format!("--{name}:"))
            .unwrap_or_else(|| panic!("--{name}"));
        b[i..]
            .split(':')
            .nth(1)
            .unwrap()
            .trim()
            .split([';', ' '])
            .next()
            .unwrap()
            .to_string()
    };
    let lum = |hex: &str| {
        let c: Vec<f64> = (0..3)
            .map(|i| u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap() as f64 / 255.0)
            .collect();
        let f = |c: f64| {
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2])
    };
    let ratio = |a: &str, b: &str| {
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    };
    for (scheme, b) in [("light", light), ("dark", dark)] {
        for (fg, bg) in [
            ("fg", "bg"),
            ("muted", "bg"),
            ("muted", "card"),
            ("link", "bg"),
            ("ok", "bg"),
            ("warn", "bg"),
            ("bad", "bg"),
            ("warn", "warn-bg"),
            ("bad", "bad-bg"),
            ("ok", "ok-bg"),
            ("internal", "internal-bg"),
            ("brand-fg", "brand"),
            ("info", "info-bg"),
        ] {
            let r = ratio(&var(b, fg), &var(b, bg));
            assert!(
                r >= 4.5,
                "{scheme}: --{fg} on --{bg} has contrast {r:.2}, below WCAG AA 4.5"
            );
        }
    }
}
