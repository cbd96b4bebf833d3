//! History from git: issue and milestone transitions, renames, broken old versions,
//! shallow clones, merges, the cache, incidents, the timeline, the changelog and feeds.

use crate::support::*;

fn issue(front: &str) -> String {
    note(
        &format!("title: Login fails on Safari\ntype: defect\n{front}"),
        "Steps to reproduce.",
    )
}

#[test]
fn issue_history_shows_each_status_severity_owner_and_due_change_with_date_and_commit() {
    let site = TestSite::new();
    site.write(
        "issues/ISS-1.md",
        &issue("severity: minor\ndue: 2026-01-10"),
    );
    let c1 = site.commit_at("report", "2026-01-02T09:00:00+08:00");
    site.write(
        "issues/ISS-1.md",
        &issue("status: in-progress\nseverity: critical\nowner: Ana\ndue: 2026-01-17"),
    );
    let c2 = site.commit_at("triage", "2026-01-03T10:00:00+08:00");
    site.write(
        "issues/ISS-1.md",
        &issue("status: in-progress\nseverity: critical\nowner: Ana\ndue: 2026-01-24"),
    );
    site.commit_at("slip", "2026-01-15T10:00:00+08:00");
    site.write(
        "issues/ISS-1.md",
        &issue("status: resolved\nseverity: critical\nowner: Ana\ndue: 2026-01-24"),
    );
    let c4 = site.commit_at("fixed", "2026-01-22T18:30:00+08:00");
    site.build_ok(&[]);
    let page = site.page("issues/iss-1.html");
    let history = &page[page.find("id=\"h-history\"").expect("a history section")..];
    assert!(
        history.contains(&format!("<code title=\"{c1}\">{}</code>", &c1[..7])),
        "{history}"
    );
    assert!(history.contains(&c2[..7]) && history.contains(&c4[..7]));
    assert!(history.contains(r#"<time datetime="2026-01-03T10:00:00+08:00">"#));
    assert!(
        history.contains("Status</span>: <del>Open</del> → <ins>In progress</ins>"),
        "{history}"
    );
    assert!(history.contains("Severity</span>: <del>Minor</del> → <ins>Critical</ins>"));
    assert!(history.contains("Owner</span>: <span class=\"muted\">none</span> → <ins>Ana</ins>"));
    assert!(history.contains("Due</span>: <del>10 Jan 2026</del> → <ins>17 Jan 2026</ins>"));
    assert!(history.contains("<del>In progress</del> → <ins>Resolved</ins>"));
    assert!(
        history.contains("Due date moved 2 times") && history.contains("14 days in all"),
        "{history}"
    );
    assert!(
        history.contains("Resolved 20 days after it was reported"),
        "{history}"
    );
    // Newest first.
    assert!(history.find(&c4[..7]).unwrap() < history.find(&c1[..7]).unwrap());
}

#[test]
fn milestone_history_shows_due_slips_and_planned_against_actual() {
    let site = TestSite::new();
    site.write(
        "milestones/m1.md",
        &note("title: Beta\ndue: 2026-02-01", "- [ ] a"),
    );
    site.commit_at("plan", "2026-01-02T09:00:00+08:00");
    site.write(
        "milestones/m1.md",
        &note(
            "title: Beta\ndue: 2026-02-15\nstatus: in-progress",
            "- [ ] a",
        ),
    );
    site.commit_at("slip", "2026-01-20T09:00:00+08:00");
    site.write(
        "milestones/m1.md",
        &note(
            "title: Beta\ndue: 2026-02-15\nstatus: done\ncompleted: 2026-02-18",
            "- [x] a",
        ),
    );
    site.commit_at("done", "2026-02-18T09:00:00+08:00");
    site.build_ok(&[]);
    let page = site.page("milestones/m1.html");
    assert!(
        page.contains("Originally planned")
            && page.contains(r#"<time datetime="2026-02-01">1 Feb 2026</time>"#),
        "{page}"
    );
    assert!(page.contains("Due date moved once") && page.contains("14 days in all"));
    assert!(
        page.contains("<del>In progress</del> → <ins>Done</ins>"),
        "{page}"
    );
    assert!(
        page.contains("Later than planned"),
        "done after its due date"
    );
    let timeline = site.page("timeline/index.html");
    assert!(timeline.contains("Milestone moved") && timeline.contains("Milestone reached"));
}

#[test]
fn a_renamed_issue_file_keeps_its_history() {
    let site = TestSite::new();
    site.write("issues/ISS-1.md", &issue("status: open"));
    let first = site.commit_at("report", "2026-01-02T09:00:00+08:00");
    site.remove("issues/ISS-1.md");
    site.write("issues/done/ISS-1.md", &issue("status: resolved"));
    site.commit_at("move to done", "2026-01-05T09:00:00+08:00");
    site.build_ok(&[]);
    let page = site.page("issues/iss-1.html");
    assert!(
        page.contains(&first[..7]),
        "the history reaches back through the rename: {page}"
    );
    assert!(
        page.contains(r#"<time datetime="2026-01-02T09:00:00+08:00">"#),
        "opened is the first commit"
    );
    assert!(page.contains("<del>Open</del> → <ins>Resolved</ins>"));
}

#[test]
fn an_old_broken_version_is_skipped_with_a_warning() {
    let site = TestSite::new();
    site.write("issues/ISS-1.md", &issue("status: open"));
    site.commit_at("report", "2026-01-02T09:00:00+08:00");
    site.write("issues/ISS-1.md", "---\ntitle: [oops\n---\n");
    let broken = site.commit_at("broken", "2026-01-03T09:00:00+08:00");
    site.write("issues/ISS-1.md", &issue("status: resolved"));
    site.commit_at("fixed", "2026-01-04T09:00:00+08:00");
    let out = site.build_ok(&[]);
    let err = stderr(&out);
    assert!(
        err.contains("issues/ISS-1.md: warning: history: the version of commit")
            && err.contains(&broken[..7]),
        "{err}"
    );
    assert!(
        site.page("issues/iss-1.html")
            .contains("<del>Open</del> → <ins>Resolved</ins>")
    );
}

#[test]
fn a_deepened_or_remapped_history_is_rebuilt_though_the_commit_is_the_same() {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: Old note", ""));
    site.commit_at("old", "2026-01-01T09:00:00+08:00");
    site.write("notes/b.md", &note("title: New note", ""));
    let boundary = site.commit_at("new", "2026-01-05T09:00:00+08:00");
    let shallow = site.repo.path().join("shallow");
    std::fs::write(&shallow, format!("{boundary}\n")).unwrap();
    site.build_ok(&[]);
    assert!(
        site.page("notes/a.html")
            .contains("datetime=\"2026-01-05T09:00:00+08:00\"")
    );
    // `git fetch --unshallow`: the same commit, its whole history now.
    std::fs::remove_file(&shallow).unwrap();
    let out = site.build_ok(&[]);
    assert!(!stderr(&out).contains("shallow clone"), "{}", stderr(&out));
    assert!(
        site.page("notes/a.html")
            .contains("datetime=\"2026-01-01T09:00:00+08:00\""),
        "dated by the commit that added it"
    );
    // A mailmap in the work tree names the author differently.
    let before = site.page("notes/a.html");
    std::fs::write(
        site.dir.path().join(".mailmap"),
        "Renamed Person <author@example.com> <author@example.com>\n",
    )
    .unwrap();
    site.build_ok(&[]);
    let after = site.page("notes/a.html");
    assert_ne!(before, after);
    assert!(after.contains("Renamed Person"), "{after}");
}

#[test]
fn a_shallow_clone_builds_and_warns_that_history_is_cut_short() {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: Old note", ""));
    site.commit_at("old", "2026-01-01T09:00:00+08:00");
    site.write("notes/b.md", &note("title: New note", ""));
    let boundary = site.commit_at("new", "2026-01-05T09:00:00+08:00");
    // What `git clone --depth 1` leaves: the boundary commit is grafted, its parents gone.
    std::fs::write(site.repo.path().join("shallow"), format!("{boundary}\n")).unwrap();
    let out = site.build_ok(&[]);
    assert!(stderr(&out).contains("shallow clone"), "{}", stderr(&out));
    assert!(
        site.page("notes/a.html")
            .contains("datetime=\"2026-01-05T09:00:00+08:00\""),
        "dated by the boundary commit"
    );
}

#[test]
fn a_file_added_on_a_merged_branch_is_dated_by_the_branch_commit() {
    let site = TestSite::new();
    site.write("notes/main.md", &note("title: Main", ""));
    let base = site.commit_at("base", "2026-01-01T09:00:00+08:00");
    site.write("notes/branch.md", &note("title: Branch", ""));
    let branch = site.commit_at("on branch", "2026-01-02T09:00:00+08:00");
    // Back to base on main, commit something else, then merge the branch.
    let base_commit = site
        .repo
        .find_commit(git2::Oid::from_str(&base).unwrap())
        .unwrap();
    site.repo
        .reference(
            "refs/heads/side",
            git2::Oid::from_str(&branch).unwrap(),
            true,
            "side",
        )
        .unwrap();
    site.repo.set_head_detached(base_commit.id()).unwrap();
    site.repo
        .checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();
    site.write("notes/other.md", &note("title: Other", ""));
    let other = site.commit_at("other on main", "2026-01-03T09:00:00+08:00");
    let ours = site
        .repo
        .find_commit(git2::Oid::from_str(&other).unwrap())
        .unwrap();
    let theirs = site
        .repo
        .find_commit(git2::Oid::from_str(&branch).unwrap())
        .unwrap();
    let mut index = site.repo.merge_commits(&ours, &theirs, None).unwrap();
    let tree = site
        .repo
        .find_tree(index.write_tree_to(&site.repo).unwrap())
        .unwrap();
    let sig =
        git2::Signature::new("M", "m@example.com", &git2::Time::new(1_767_600_000, 480)).unwrap();
    site.repo
        .commit(
            Some("HEAD"),
            &sig,
            &sig,
            "Merge side",
            &tree,
            &[&ours, &theirs],
        )
        .unwrap();
    site.repo
        .checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();
    site.build_ok(&[]);
    assert!(
        site.page("notes/branch.html")
            .contains("datetime=\"2026-01-02T09:00:00+08:00\""),
        "not the merge's date"
    );
}

#[test]
fn the_cache_gives_the_same_site_as_a_cold_walk_and_a_corrupt_cache_is_rebuilt() {
    let site = TestSite::new();
    site.write("issues/ISS-1.md", &issue("status: open"));
    site.commit_at("one", "2026-01-02T09:00:00+08:00");
    site.build_ok(&[]);
    let cache_dir = site.repo.path().join("vitrine");
    // The history cache (the folder also holds the build cache and its companions).
    let cache = std::fs::read_dir(&cache_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("history-"))
        })
        .expect("a history cache");
    assert!(cache.is_file());

    // A new commit: the warm build extends the cache with the new commit only.
    site.write("issues/ISS-1.md", &issue("status: resolved"));
    site.commit_at("two", "2026-01-03T09:00:00+08:00");
    site.build_ok(&[]);
    let warm = all_files(&site.out());

    std::fs::remove_dir_all(&cache_dir).unwrap();
    site.build_ok(&[]);
    assert_eq!(
        all_files(&site.out()),
        warm,
        "a cold walk gives the same site"
    );

    for damage in [b"garbage".to_vec(), {
        let mut b = std::fs::read(&cache).unwrap();
        let n = b.len();
        b[n - 10] ^= 0x55;
        b
    }] {
        std::fs::write(&cache, &damage).unwrap();
        // With nothing changed the build cache would answer without reading history at
        // all (the damage would wait for the next commit): leave it out here.
        for e in std::fs::read_dir(&cache_dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("build-")
            {
                std::fs::remove_file(p).unwrap();
            }
        }
        site.build_ok(&[]);
        assert_eq!(
            all_files(&site.out()),
            warm,
            "a damaged cache is not trusted"
        );
        let repaired = std::fs::read(&cache).unwrap();
        assert_ne!(repaired, damage, "and it is rebuilt");
    }
}

#[test]
fn incidents_show_their_updates_and_duration_and_an_open_one_raises_a_banner_everywhere() {
    let site = TestSite::new();
    site.write(
        "notes/outage.md",
        &note(
            "title: Payments down\nkind: incident\ndate: 2026-01-05T08:00:00+08:00",
            "Investigating.",
        ),
    );
    site.write("notes/weekly.md", &note("title: Weekly", ""));
    site.commit_at("incident opened", "2026-01-05T08:10:00+08:00");
    site.write(
        "notes/outage.md",
        &note(
            "title: Payments down\nkind: incident\ndate: 2026-01-05T08:00:00+08:00",
            "Cause found.",
        ),
    );
    site.commit_at("cause found", "2026-01-05T09:00:00+08:00");
    site.build_ok(&[]);
    for (path, text) in all_files(&site.out())
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
    {
        assert!(
            text.contains("banner-incident") && text.contains("Payments down"),
            "{path} lacks the incident banner"
        );
    }
    site.write("notes/outage.md", &note("title: Payments down\nkind: incident\ndate: 2026-01-05T08:00:00+08:00\nresolved: 2026-01-05T12:35:00+08:00", "Fixed."));
    site.commit_at("resolved", "2026-01-05T12:40:00+08:00");
    site.build_ok(&[]);
    let page = site.page("notes/outage.html");
    assert!(!page.contains("banner-incident"));
    assert!(
        page.contains("Duration") && page.contains("4 h 35 min"),
        "{page}"
    );
    // The update log is what the note's text gained, never the commit subjects.
    let log = &page[page.find("h-updates").expect("update log")..];
    for text in ["Cause found.", "Fixed."] {
        assert!(log.contains(text), "update `{text}` missing: {log}");
    }
    for msg in ["incident opened", "cause found"] {
        assert!(!page.contains(msg), "commit subject `{msg}` shown");
    }
    assert!(
        site.page("incidents.xml")
            .contains("Incident resolved: Payments down")
    );
}

#[test]
fn the_timeline_groups_by_month_newest_first_and_works_without_javascript() {
    let site = TestSite::new();
    site.write("notes/jan.md", &note("title: January note", ""));
    site.commit_at("jan", "2026-01-05T09:00:00+08:00");
    site.write("notes/feb.md", &note("title: February note", ""));
    site.write("issues/ISS-1.md", &issue("status: open"));
    site.commit_at("feb", "2026-02-05T09:00:00+08:00");
    site.tag("v1.0.0");
    site.build_ok(&[]);
    let page = site.page("timeline/index.html");
    let (feb, jan) = (
        page.find("February 2026").unwrap(),
        page.find("January 2026").unwrap(),
    );
    assert!(feb < jan);
    assert!(page.contains(r#"data-group="issues""#) && page.contains(r#"data-group="releases""#));
    assert!(
        page.contains(r#"class="filters" role="group""#) && page.contains(" hidden>"),
        "filters stay hidden without JS"
    );
    assert!(
        !page.contains("class=\"event") || !page.contains("event\" hidden"),
        "no event is hidden in the HTML"
    );
    let feed = site.page("feed.xml");
    assert!(
        feed.starts_with("<?xml") && feed.contains("<entry>") && feed.contains("February note")
    );
    assert!(
        site.page("index.html")
            .contains(r#"<link rel="alternate" type="application/atom+xml" href="feed.xml""#)
    );
}

#[test]
fn the_changelog_groups_orders_hides_and_flags_commits_by_release() {
    let site = TestSite::new();
    let mut n = 0;
    let mut commit = |msg: &str, date: &str| {
        n += 1;
        site.write(&format!("src-{n}.txt"), msg);
        site.commit_at(msg, date)
    };
    commit("feat(booking): book a slot", "2026-01-01T09:00:00Z");
    commit("chore: bump deps", "2026-01-01T10:00:00Z");
    commit("Merge whatever", "2026-01-01T11:00:00Z");
    site.tag("v1.2.0");
    commit(
        "fix: double bookings\n\nVisibility: internal",
        "2026-01-02T09:00:00Z",
    );
    commit("perf: faster calendar", "2026-01-02T10:00:00Z");
    commit("fix(sms): reminders sent twice", "2026-01-02T11:00:00Z");
    commit("feat!: new login", "2026-01-02T12:00:00Z");
    site.tag("v1.10.0");
    site.tag("not-a-version");
    commit("feat: family bookings", "2026-01-03T09:00:00Z");
    site.write(
        "notes/rel.md",
        &note(
            "title: Release v1.10.0\nkind: release\nsummary: The new login is here.",
            "",
        ),
    );
    site.commit_at("docs: release note", "2026-01-03T10:00:00Z");
    site.build_ok(&[]);
    let full = site.page("changelog/index.html");
    // The release sections, after the list of releases at the top.
    let page = &full[full.find("<section class=\"release\"").unwrap()..];
    let at = |s: &str| {
        page.find(s)
            .unwrap_or_else(|| panic!("`{s}` missing in {page}"))
    };
    assert!(
        at("Not released yet") < at(">v1.10.0") && at(">v1.10.0") < at(">v1.2.0"),
        "newest first, sorted as versions"
    );
    assert!(at("family bookings") < at(">v1.10.0"));
    // v1.10.0: breaking first, then fixes, then performance.
    let v110 = &page[at(">v1.10.0")..at(">v1.2.0")];
    let p = |s: &str| {
        v110.find(s)
            .unwrap_or_else(|| panic!("`{s}` missing in {v110}"))
    };
    assert!(p("Changes that affect how you work") < p("Fixes") && p("Fixes") < p("Faster"));
    assert!(p("new login") < p("Fixes") && v110.contains("changes how things work"));
    assert!(v110.contains("<strong>sms:</strong> reminders sent twice"));
    assert!(
        v110.contains("The new login is here."),
        "the release note's summary"
    );
    assert!(
        !page.contains("double bookings"),
        "an internal commit never appears"
    );
    assert!(
        !page.contains("bump deps")
            && !page.contains("Merge whatever")
            && !page.contains("not-a-version")
    );
    assert!(page[at(">v1.2.0")..].contains("<strong>booking:</strong> book a slot"));
}

#[test]
fn a_detached_head_and_a_non_utf8_commit_message_build() {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: A", ""));
    let first = site.commit_at("feat: first", "2026-01-01T09:00:00+08:00");
    // A commit whose message is Latin-1, written as raw bytes the way old tools did.
    site.write("notes/b.md", &note("title: B", ""));
    let mut index = site.repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    let tree = site.repo.find_tree(index.write_tree().unwrap()).unwrap();
    let parent = site
        .repo
        .find_commit(git2::Oid::from_str(&first).unwrap())
        .unwrap();
    let sig =
        git2::Signature::new("T", "t@example.com", &git2::Time::new(1_767_300_000, 0)).unwrap();
    let buf = site
        .repo
        .commit_create_buffer(&sig, &sig, "fix: caf\u{e9} MARKER", &tree, &[&parent])
        .unwrap();
    let raw: Vec<u8> = buf
        .as_str()
        .unwrap()
        .replace("caf\u{e9}", "caf\u{1}")
        .into_bytes();
    let raw: Vec<u8> = raw
        .into_iter()
        .map(|b| if b == 1 { 0xe9 } else { b })
        .collect();
    let id = site
        .repo
        .odb()
        .unwrap()
        .write(git2::ObjectType::Commit, &raw)
        .unwrap();
    site.repo.set_head_detached(id).unwrap();
    let out = site.build_ok(&[]);
    assert!(stderr(&out).contains("built"), "{}", stderr(&out));
    assert!(
        site.page("changelog/index.html")
            .contains("caf\u{fffd} MARKER"),
        "shown lossily, never a crash"
    );
    assert!(site.out().join("notes/b.html").exists());
}
