//! What the site tells a client must be true and never contradict itself (#17): incident
//! durations at the precision their dates allow, staleness, incidents and next steps on the
//! dashboard, a navigation that fits, and Chinese that reads as written by a native editor.

use crate::support::*;

/// A weekly site with one note and one incident whose front matter is given.
fn incident_site(incident_front: &str) -> TestSite {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"Test project\"\nclient = \"ACME\"\ntimezone = \"Asia/Shanghai\"\n[communication]\ncadence = \"weekly\"\n",
    );
    site.write(
        "notes/week-1.md",
        &note(
            "title: Week 1\ndate: 2026-01-19\nhealth: on-track",
            "## Next steps\n\n- Ship the login page\n",
        ),
    );
    site.write(
        "notes/outage.md",
        &note(
            &format!("title: Booking slow\nkind: incident\nhealth: off-track\n{incident_front}"),
            "The booking page was slow for 40 minutes.",
        ),
    );
    site.commit_at("notes", "2026-01-25T09:00:00+08:00");
    site
}

#[test]
fn a_date_only_resolution_never_produces_an_hour_precise_duration() {
    let site = incident_site("date: 2026-01-23T10:00:00+08:00\nresolved: 2026-01-24");
    site.build_ok(&[]);
    let page = site.page("notes/outage.html");
    assert!(
        !page.contains("14 h"),
        "hour-precise duration from a date: {page}"
    );
    assert!(!page.contains("840"), "{page}");
    for report in ["reports/2026-W04.html", "reports/2026-01.html"] {
        if site.out().join(report).exists() {
            let r = site.page(report);
            assert!(!r.contains("840") && !r.contains("14 h"), "{report}: {r}");
        }
    }
}

#[test]
fn date_time_ends_give_minutes_and_started_is_a_known_key() {
    let site = incident_site(
        "date: 2026-01-23T12:00:00+08:00\nstarted: 2026-01-23T10:00:00+08:00\nresolved: 2026-01-23T10:40:00+08:00",
    );
    let out = site.build_ok(&[]);
    assert!(
        !stderr(&out).contains("unknown key `started`"),
        "{}",
        stderr(&out)
    );
    let page = site.page("notes/outage.html");
    assert!(page.contains("40 min"), "{page}");
    assert!(
        page.contains("2026-01-23T10:00:00+08:00"),
        "started is shown: {page}"
    );
}

#[test]
fn date_only_ends_days_apart_give_whole_days() {
    let site = incident_site("date: 2026-01-20\nresolved: 2026-01-23");
    site.build_ok(&[]);
    let page = site.page("notes/outage.html");
    assert!(page.contains(">3 d<"), "{page}");
}

#[test]
fn a_resolved_incident_never_reads_off_track() {
    let site =
        incident_site("date: 2026-01-23T10:00:00+08:00\nresolved: 2026-01-23T10:40:00+08:00");
    site.build_ok(&[]);
    let page = site.page("notes/outage.html");
    assert!(page.contains("Resolved"), "{page}");
    assert!(!page.contains("health-off-track"), "{page}");
}
