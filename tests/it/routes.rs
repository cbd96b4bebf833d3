//! The route table is the one list of pages: `check` accepts a link exactly when a build
//! writes the page it leads to.

use crate::support::*;

fn site_with_every_kind() -> TestSite {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"T\"\n[changelog]\nreleases_per_page = 1\n[metrics.coverage]\nlabel = \"Coverage\"\n",
    );
    site.write("notes/a.md", &note("title: A\nhealth: on-track", "x"));
    site.write("issues/ISS-1.md", &note("title: I", "x"));
    site.write(
        "milestones/m1.md",
        &note("title: M\ndue: 2026-03-01", "- [ ] c"),
    );
    site.write(
        "glossary/uat.md",
        &note("term: UAT", "Testing by the client."),
    );
    site.write(
        "feedback/f.md",
        &note("date: 2026-01-04\nfrom: Client", "Nice."),
    );
    site.write("pages/team.md", &note("title: Team", "We."));
    site.write("metrics/quality.csv", "date,coverage\n2026-01-01,80\n");
    site.commit_at("feat: one", "2026-01-05T10:00:00+08:00");
    site.tag("v0.1.0");
    site.write("notes/b.md", &note("title: B", "x"));
    site.commit_at("feat: two", "2026-01-06T10:00:00+08:00");
    site.tag("v0.2.0");
    site
}

#[test]
fn check_accepts_a_link_to_every_page_a_build_writes_and_no_other() {
    let site = site_with_every_kind();
    site.build_ok(&[]);
    let pages: Vec<String> = all_files(&site.out())
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p.ends_with(".html"))
        .collect();
    assert!(
        pages
            .iter()
            .any(|p| p.starts_with("changelog/") && p != "changelog/index.html")
            && pages.iter().any(|p| p.starts_with("reports/"))
            && pages.contains(&"how-we-work/index.html".to_string())
            && pages.contains(&"search/index.html".to_string()),
        "{pages:?}"
    );
    let links: String = pages.iter().map(|p| format!("- [x](../{p})\n")).collect();
    site.write(
        "notes/b.md",
        &note(
            "title: B",
            &format!("{links}- [gone](../notes/nowhere.html)\n"),
        ),
    );
    site.commit_at("docs: links", "2026-01-06T11:00:00+08:00");
    let out = site.vitrine(&["check"]);
    let err = stderr(&out);
    let dead: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("leads to no page"))
        .collect();
    assert_eq!(dead.len(), 1, "{err}");
    assert!(dead[0].contains("nowhere.html"), "{err}");
}
