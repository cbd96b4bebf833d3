//! The theme on Tera 2: strict about undefined values and missing translations, every
//! built-in reachable under `vitrine/`, text outputs through templates, languages as data.

use crate::support::*;

fn site_with_note() -> TestSite {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: A\nhealth: on-track", "Body."));
    site
}

/// `vitrine ARGS` fails with status 1 and a diagnostic at `path:line:col`.
fn fails_at(site: &TestSite, args: &[&str], at: &str) -> String {
    let out = site.vitrine(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    assert!(err.contains(at), "{args:?} should name {at}:\n{err}");
    assert!(err.contains("hint:"), "{args:?}: {err}");
    err
}

#[test]
fn an_undefined_variable_in_an_override_fails_build_and_check_at_its_line() {
    let site = site_with_note();
    site.write(
        "theme/templates/partials/footer.html",
        "<footer>\n  {{ site.title }} {{ site.titel }}\n</footer>\n",
    );
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    let at = "theme/templates/partials/footer.html:2:";
    let err = fails_at(&site, &["build"], at);
    assert!(err.contains("titel"), "{err}");
    assert!(
        !err.contains("(built-in) theme/templates/partials/footer"),
        "{err}"
    );
    fails_at(&site, &["check"], at);
    assert!(
        !site.out().join("index.html").exists(),
        "nothing is written"
    );
}

#[test]
fn a_missing_translation_key_fails_build_and_check_at_its_line() {
    let site = site_with_note();
    site.write(
        "theme/templates/partials/footer.html",
        "<footer>{{ t(key=\"site.generator\") }}\n{{ t(key=\"no.such.key\") }}</footer>\n",
    );
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    let at = "theme/templates/partials/footer.html:2:4";
    let err = fails_at(&site, &["build"], at);
    assert!(err.contains("no translation `no.such.key`"), "{err}");
    fails_at(&site, &["check"], at);
}

#[test]
fn a_syntax_error_in_an_override_is_a_diagnostic_at_its_line() {
    let site = site_with_note();
    site.write(
        "theme/templates/partials/header.html",
        "<header>\n{% if site.title %}\n</header>\n",
    );
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    fails_at(&site, &["build"], "theme/templates/partials/header.html:");
    fails_at(&site, &["check"], "theme/templates/partials/header.html:");
}

#[test]
fn an_override_extending_the_built_in_base_changes_one_block_and_keeps_the_rest() {
    let site = site_with_note();
    site.write(
        "theme/templates/base.html",
        "{% extends \"vitrine/base.html\" %}\n{% block head %}<meta name=\"x-acme\" content=\"1\">{% endblock head %}\n",
    );
    site.write(
        "theme/templates/partials/footer.html",
        "{% include \"vitrine/partials/footer.html\" %}<p>ACME footnote</p>\n",
    );
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    for page in ["index.html", "notes/a.html", "issues/index.html"] {
        let html = site.page(page);
        assert!(
            html.contains("<meta name=\"x-acme\" content=\"1\">"),
            "{page}"
        );
        assert!(
            html.contains("class=\"site-header\""),
            "{page}: header kept"
        );
        assert!(
            html.contains("Made with vitrine"),
            "{page}: built-in footer kept"
        );
        assert!(html.contains("ACME footnote"), "{page}");
    }
    assert!(
        site.page("notes/a.html").contains("<h1>A</h1>"),
        "content kept"
    );
}

#[test]
fn overriding_the_changelog_template_changes_vitrine_changelog() {
    let site = site_with_note();
    site.write("src/x.txt", "x");
    site.commit_at("feat: search box", "2026-01-05T10:00:00+08:00");
    site.tag("v1.0.0");
    let out = site.vitrine(&["changelog"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let default = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(default.contains("## v1.0.0"), "{default}");
    site.write(
        "theme/templates/changelog.md",
        "{% for r in releases %}RELEASE {{ r.tag }}{% for g in r.groups %}{% for e in g.entries %} * {{ e.description }}{% endfor %}{% endfor %}\n{% endfor %}",
    );
    site.commit_at("chore: theme", "2026-01-06T10:00:00+08:00");
    let out = site.vitrine(&["changelog", "--latest"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("RELEASE v1.0.0 * search box"), "{text}");
    assert!(!text.contains("## v1.0.0"), "{text}");
}

/// German language data; every word key gets a marker, so that any English left on a page
/// shows up against the English file's strings.
fn german(en: &toml::Table) -> String {
    let months = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ];
    let mut out = String::new();
    for (k, _) in en {
        let data = ["date.", "duration.", "number.", "plural."];
        if !data.iter().any(|p| k.starts_with(p)) {
            out.push_str(&format!("\"{k}\" = \"‹{k}›\"\n"));
        }
    }
    for (i, m) in months.iter().enumerate() {
        out.push_str(&format!("\"date.month.{}\" = \"{m}\"\n", i + 1));
        out.push_str(&format!("\"date.mon.{}\" = \"{}.\"\n", i + 1, &m[..3]));
    }
    for (i, d) in [
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ]
    .iter()
    .enumerate()
    {
        out.push_str(&format!("\"date.weekday.{}\" = \"{d}\"\n", i + 1));
    }
    out.push_str(
        "\"date.day\" = \"{d}. {month} {y}\"\n\"date.time\" = \"{day}, {hh}.{mi} Uhr\"\n\
         \"date.month_heading\" = \"{month} {y}\"\n\"date.week\" = \"KW {w}/{y} ({from} – {to})\"\n\
         \"duration.d\" = \"{n} T.\"\n\"duration.h\" = \"{n} Std.\"\n\"duration.min\" = \"{n} Min.\"\n\
         \"duration.two\" = \"{d} {h}\"\n\"number.decimal\" = \",\"\n\"number.group\" = \".\"\n\
         \"plural.rule\" = \"one-other\"\n\
         \"dash.open_issues.one\" = \"{n} offenes Thema insgesamt\"\n\
         \"dash.open_issues.other\" = \"{n} offene Themen insgesamt\"\n",
    );
    out
}

#[test]
fn a_site_added_german_file_yields_german_dates_plurals_and_no_english_word() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("theme/i18n");
    let en: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("en.toml")).unwrap()).unwrap();
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"Portal\"\nlanguage = \"de\"\ntimezone = \"Europe/Berlin\"\n",
    );
    site.write("theme/i18n/de.toml", &german(&en));
    site.write(
        "notes/a.md",
        &note(
            "title: Anfang\ndate: 2026-01-05\nhealth: on-track\nprogress: 40",
            "Los.",
        ),
    );
    site.write(
        "issues/ISS-1.md",
        &note("title: Login\nseverity: minor", "Kaputt."),
    );
    site.commit_at("a", "2026-01-05T10:00:00+01:00");
    site.build_ok(&[]);
    let dash = site.page("index.html");
    assert!(dash.contains("1 offenes Thema insgesamt"), "one: {dash}");
    assert!(site.page("notes/a.html").contains(">5. Januar 2026</time>"));
    assert!(
        site.page("timeline/index.html")
            .contains(">Januar 2026</h2>")
    );
    let pages = [
        "index.html",
        "notes/index.html",
        "notes/a.html",
        "issues/index.html",
        "issues/iss-1.html",
        // Not yet: the timeline names report periods with labels the insight stage writes
        // ("Week 2, 2026 (5 Jan 2026 – …)"); they need the language data passed to it.
        // (search/index.html calls the script function `vitrineSearch`, not a UI word)
    ];
    for p in pages {
        let html = site.page(p);
        for (k, v) in &en {
            let v = v.as_str().unwrap();
            let word = v.len() > 4 && !v.contains('{') && v.chars().any(char::is_alphabetic);
            assert!(
                !(word && html.contains(v)),
                "{p}: English `{k}` = {v:?} is left"
            );
        }
        for m in ["Jan 2026", "January"] {
            let at = html.find(m).map_or(String::new(), |i| {
                html[i.saturating_sub(200)..i + 20].to_string()
            });
            assert!(!html.contains(m), "{p}: {m} in {at}");
        }
    }
}
