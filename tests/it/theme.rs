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

/// German language data; every word key gets a numbered marker, so that any English left on a page
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
    for (i, (k, _)) in en.iter().enumerate() {
        let data = ["date.", "duration.", "number.", "plural."];
        if !data.iter().any(|p| k.starts_with(p)) && !k.starts_with("dash.open_issues") {
            // A numbered marker, not the key: keys are English words themselves.
            out.push_str(&format!("\"{k}\" = \"‹de{i}›\"\n"));
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

/// A German site with every kind of page: notes, an incident, issues, milestones (one
/// moved), glossary, feedback, metrics, a release tag (changelog) and two weeks of reports.
fn german_site(en: &toml::Table) -> TestSite {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"Portal\"\nlanguage = \"de\"\ntimezone = \"Europe/Berlin\"\n\
         [feedback]\nemail = \"rueckmeldung@beispiel.test\"\n\
         [metrics.abdeckung]\nlabel = \"Testabdeckung\"\nunit = \"%\"\ntarget = 80\nbetter = \"higher\"\n",
    );
    site.write("theme/i18n/de.toml", &german(en));
    let anfang = "title: Anfang\ndate: 2026-01-05\nhealth: on-track\nprogress: 40";
    site.write("notes/a.md", &note(anfang, "Los."));
    site.write(
        "issues/ISS-1.md",
        &note("title: Anmeldung\nseverity: minor", "Kaputt."),
    );
    let m1 = "title: Abnahme\ndue: 2026-02-01\nstatus: in-progress";
    site.write(
        "milestones/m1.md",
        &note(m1, "- [x] Schulung\n- [ ] Freigabe\n"),
    );
    site.write(
        "glossary/abnahme.md",
        &note("term: Abnahmetest", "Die Prüfung durch die Praxis."),
    );
    site.write(
        "feedback/2026-01-06-praxis.md",
        &note(
            "date: 2026-01-06\nfrom: Frau Weber\nrating: 4\nstatus: addressed\nresponse: Erledigt.",
            "Bitte früher melden.",
        ),
    );
    site.write(
        "metrics/qualitaet.csv",
        "date,abdeckung\n2026-01-05,61.5\n2026-01-12,72.25\n",
    );
    site.commit_at("feat: Anmeldung", "2026-01-05T10:00:00+01:00");
    site.tag("v1.0.0");
    site.write(
        "notes/ausfall.md",
        &note(
            "title: Ausfall der Anmeldung\nkind: incident\ndate: 2026-01-07T08:40:00+01:00\n\
             resolved: 2026-01-07T13:15:00+01:00\nsummary: Die Anmeldung ging nicht.",
            "Behoben.",
        ),
    );
    site.write(
        "milestones/m1.md",
        &note(
            &m1.replace("02-01", "02-15"),
            "- [x] Schulung\n- [ ] Freigabe\n",
        ),
    );
    site.write(
        "issues/ISS-2.md",
        &note("title: Langsam\nseverity: major\ndue: 2026-01-20", "Zäh."),
    );
    site.commit_at("Verschoben", "2026-01-08T10:00:00+01:00");
    let weiter = "title: Weiter\ndate: 2026-01-13\nhealth: at-risk\nprogress: 60";
    site.write("notes/b.md", &note(weiter, "Weiter so."));
    site.commit_at("Zweite Woche", "2026-01-13T10:00:00+01:00");
    site
}

/// The text a reader sees: no `<script>`/`<style>` blocks, no tags, entities decoded.
fn visible_text(html: &str) -> String {
    let mut rest = html.to_string();
    for tag in ["script", "style"] {
        while let Some(a) = rest.find(&format!("<{tag}")) {
            let end = format!("</{tag}>");
            let b = rest[a..]
                .find(&end)
                .map_or(rest.len(), |b| a + b + end.len());
            rest.replace_range(a..b, " ");
        }
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in rest.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    [
        ("&#x27;", "'"),
        ("&#39;", "'"),
        ("&quot;", "\""),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(out, |t, (e, c)| t.replace(e, c))
}

/// The English UI text that must not be left: each string's literal parts between its
/// `{placeholders}` that hold a word (longer than four characters), and English dates.
fn english_words(en: &toml::Table) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in en {
        let v = v.as_str().unwrap();
        let literal = v.split(['{', '}']).step_by(2);
        for part in literal.map(str::trim) {
            if part.chars().count() > 4 && part.chars().filter(|c| c.is_alphabetic()).count() > 3 {
                out.push((k.clone(), part.to_string()));
            }
        }
    }
    for m in ["Jan 2026", "January", "Week "] {
        out.push(("(date)".into(), m.into()));
    }
    out
}

fn assert_no_english(what: &str, text: &str, words: &[(String, String)]) {
    for (k, w) in words {
        let at = text.find(w.as_str()).map(|i| {
            let a = text.floor_char_boundary(i.saturating_sub(120));
            let b = text.ceil_char_boundary((i + w.len() + 60).min(text.len()));
            text[a..b].to_string()
        });
        assert!(
            at.is_none(),
            "{what}: English `{k}` = {w:?} is left in …{}…",
            at.unwrap_or_default()
        );
    }
}

#[test]
fn a_site_added_german_file_yields_german_dates_plurals_and_no_english_word() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("theme/i18n");
    let en: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("en.toml")).unwrap()).unwrap();
    let site = german_site(&en);
    site.build_ok(&[]);
    let dash = site.page("index.html");
    assert!(dash.contains("2 offene Themen insgesamt"), "other: {dash}");
    assert!(site.page("notes/a.html").contains(">5. Januar 2026</time>"));
    assert!(
        site.page("timeline/index.html")
            .contains(">Januar 2026</h2>")
    );
    assert!(site.page("notes/ausfall.html").contains("4 Std. 35 Min."));
    assert!(site.page("milestones/m1.html").contains("15. Februar 2026"));
    let words = english_words(&en);
    let pages: Vec<(String, String)> = all_files(&site.out())
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .collect();
    for kind in [
        "milestones/",
        "glossary/",
        "feedback/",
        "changelog/",
        "reports/",
        "metrics/",
    ] {
        assert!(
            pages.iter().any(|(p, _)| p.starts_with(kind)),
            "no {kind} page"
        );
    }
    assert!(
        pages
            .iter()
            .any(|(p, h)| p.starts_with("reports/") && h.contains("KW 2/2026"))
    );
    for (p, html) in &pages {
        assert_no_english(p, &visible_text(html), &words);
    }
    let out = site.vitrine(&["report", "--from", "2026-01-01", "--format", "text"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("4 Std. 35 Min.") && text.contains("72,25%"),
        "{text}"
    );
    assert_no_english("vitrine report --format text", &text, &words);
}
