//! The changelog on histories shaped like real ones: SemVer precedence, prefixed tags,
//! pre-releases, skip lists, footers, reverts, forge links, issue tracing and the
//! `vitrine changelog` options.

use crate::support::*;

/// A site whose commits each touch their own file, one day apart from 2026-01-01.
struct History {
    site: TestSite,
    n: std::cell::Cell<u32>,
}

impl History {
    fn new(config: &str) -> History {
        let site = TestSite::new();
        site.write(
            "vitrine.toml",
            &format!("title = \"Test project\"\ntimezone = \"UTC\"\n{config}"),
        );
        History {
            site,
            n: std::cell::Cell::new(0),
        }
    }

    fn commit(&self, msg: &str) -> String {
        let n = self.n.get() + 1;
        self.n.set(n);
        self.site.write(&format!("src/{n}.txt"), msg);
        let date = format!("2026-01-{:02}T{:02}:00:00Z", 1 + n / 20, n % 20);
        self.site.commit_at(msg, &date)
    }

    fn tag(&self, name: &str) {
        self.site.tag(name);
    }

    /// `vitrine changelog ARGS`, asserted to succeed.
    fn changelog(&self, args: &[&str]) -> String {
        let mut all = vec!["changelog"];
        all.extend_from_slice(args);
        let out = self.site.vitrine(&all);
        assert!(out.status.success(), "changelog failed: {}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    }
}

/// The text of one release's section (`## NAME` up to the next `## `).
fn section<'a>(md: &'a str, name: &str) -> &'a str {
    let start = md
        .find(&format!("## {name}"))
        .unwrap_or_else(|| panic!("no release {name} in\n{md}"));
    let rest = &md[start + 3..];
    &md[start..start + 3 + rest.find("\n## ").map_or(rest.len(), |i| i + 1)]
}

#[test]
fn pre_releases_compare_numerically_so_rc_10_follows_rc_2() {
    let h = History::new("[changelog]\nprereleases = \"show\"\n");
    h.commit("feat: beta feature");
    h.tag("v2.0.0-beta.11");
    h.commit("feat: second candidate");
    h.tag("v2.0.0-rc.2");
    h.commit("feat: tenth candidate");
    h.tag("v2.0.0-rc.10");
    let md = h.changelog(&[]);
    let at = |s: &str| md.find(s).unwrap_or_else(|| panic!("{s} missing in\n{md}"));
    assert!(at("## v2.0.0-rc.10") < at("## v2.0.0-rc.2"));
    assert!(at("## v2.0.0-rc.2") < at("## v2.0.0-beta.11"));
    assert!(section(&md, "v2.0.0-rc.10").contains("tenth candidate"));
    assert!(!section(&md, "v2.0.0-rc.10").contains("second candidate"));
    assert!(section(&md, "v2.0.0-rc.2").contains("second candidate"));
    assert!(section(&md, "v2.0.0-beta.11").contains("beta feature"));
}

#[test]
fn prefixed_tags_of_two_packages_are_releases_of_the_package_the_pattern_names() {
    let h = History::new("[changelog]\ntag_pattern = '^mytool-(v\\d.*)$'\n");
    h.commit("feat: tool learns a trick");
    h.tag("mytool-v0.3.159");
    h.tag("mytool_core-v0.37.0");
    h.commit("fix: core off by one");
    h.tag("mytool_core-v0.37.1");
    h.commit("fix: tool prints twice");
    h.tag("mytool-v0.3.160");
    let md = h.changelog(&[]);
    assert!(!md.contains("mytool_core"), "{md}");
    let latest = section(&md, "mytool-v0.3.160");
    assert!(latest.contains("tool prints twice") && latest.contains("core off by one"));
    assert!(section(&md, "mytool-v0.3.159").contains("tool learns a trick"));
}

#[test]
fn the_default_pattern_reads_v_and_bare_versions_but_not_prefixed_tags() {
    let h = History::new("");
    h.commit("feat: one");
    h.tag("1.0.0");
    h.commit("feat: two");
    h.tag("v1.1.0");
    h.commit("feat: three");
    h.tag("mytool-v1.2.0");
    let md = h.changelog(&[]);
    assert!(md.contains("## 1.0.0") && md.contains("## v1.1.0"));
    assert!(section(&md, "Not released yet").contains("three"));
}

#[test]
fn pre_releases_fold_into_the_final_release_that_follows_them() {
    let h = History::new("");
    h.commit("feat: in 2.9");
    h.tag("v2.9.0");
    h.commit("feat: first candidate work");
    h.tag("v2.10.0-rc.0");
    h.commit("fix: candidate fix");
    h.tag("v2.10.0-rc.1");
    h.commit("chore: release 2.10.0");
    h.tag("v2.10.0");
    h.commit("feat: next big thing");
    h.tag("v3.0.0-rc.1");
    let md = h.changelog(&[]);
    assert!(!md.contains("2.10.0-rc"), "{md}");
    let v210 = section(&md, "v2.10.0");
    assert!(v210.contains("first candidate work") && v210.contains("candidate fix"));
    assert!(
        section(&md, "v3.0.0-rc.1").contains("next big thing"),
        "a pre-release with no final release yet stays"
    );
    let hidden = History::new("[changelog]\nprereleases = \"hide\"\n");
    hidden.commit("feat: x");
    hidden.tag("v1.0.0-rc.1");
    let md = hidden.changelog(&[]);
    assert!(!md.contains("rc.1") && section(&md, "Not released yet").contains("x"));
}

#[test]
fn a_release_with_nothing_to_show_says_so_once_with_its_maintenance_count_or_folds() {
    let h = History::new("");
    h.commit("feat: real work");
    h.tag("v1.0.0");
    h.commit("chore: bump deps");
    h.commit("ci: cache");
    h.tag("v1.0.1");
    h.commit("fix: a bug");
    h.tag("v1.0.2");
    let md = h.changelog(&[]);
    assert_eq!(
        section(&md, "v1.0.1")
            .matches("No client-facing changes (2 maintenance commits).")
            .count(),
        1,
        "{md}"
    );
    let folded = History::new("[changelog]\nempty_releases = \"fold\"\n");
    folded.commit("feat: real work");
    folded.tag("v1.0.0");
    folded.commit("chore: bump deps");
    folded.tag("v1.0.1");
    folded.commit("fix: a bug");
    folded.tag("v1.0.2");
    let md = folded.changelog(&[]);
    assert!(
        !md.contains("v1.0.1") && !md.contains("No client-facing"),
        "{md}"
    );
    assert!(section(&md, "v1.0.2").contains("a bug"));
}

#[test]
fn skip_ids_skip_messages_and_a_cliffignore_leave_commits_out() {
    let h = History::new("");
    let by_config = h.commit("feat: skipped by id");
    let by_file = h.commit("feat: skipped by cliffignore");
    h.commit("chore(release): prepare v3.5.41");
    h.commit("release: v3.5.41");
    h.commit("feat: kept");
    h.site.write(
        "vitrine.toml",
        &format!(
            "title = \"T\"\n[changelog]\nskip = [\"{}\"]\nskip_messages = ['^release: v', '^chore\\(release\\)']\norder = [\"feat\", \"chore\", \"release\"]\nhide = [\"ci\"]\n",
            &by_config[..10]
        ),
    );
    h.site.write(
        ".cliffignore",
        &format!("# commits git-cliff skips\n{by_file}  # noisy\n"),
    );
    h.site.commit_at("ci: config", "2026-02-01T00:00:00Z");
    let md = h.changelog(&[]);
    assert!(md.contains("kept"), "{md}");
    for gone in ["skipped by id", "skipped by cliffignore", "3.5.41"] {
        assert!(!md.contains(gone), "`{gone}` listed in\n{md}");
    }
}

#[test]
fn a_skip_message_that_is_not_a_regex_fails_with_the_line() {
    let h = History::new("[changelog]\nskip_messages = ['^chore(']\n");
    h.commit("feat: x");
    let out = h.site.vitrine(&["changelog"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("skip_messages"), "{}", stderr(&out));
}

#[test]
fn a_breaking_footer_is_shown_as_the_migration_note_and_a_wrapped_subject_is_whole() {
    let h = History::new("");
    h.commit(
        "feat(api): tokens expire\n\nLong body.\n\nBREAKING CHANGE: sign in again after\nupgrading; old tokens are refused.\nRefs: #12",
    );
    h.commit("fix: a subject long enough that it was\nwrapped onto a second line\n\nbody");
    let md = h.changelog(&[]);
    assert!(
        md.contains("What to do: sign in again after upgrading; old tokens are refused."),
        "{md}"
    );
    assert!(!md.contains("Refs"));
    assert!(md.contains("a subject long enough that it was wrapped onto a second line"));
}

#[test]
fn a_revert_is_shown_as_the_revert_of_an_earlier_entry_and_cancels_one_of_its_release() {
    let h = History::new("");
    let shipped = h.commit("feat: dark mode");
    h.tag("v1.0.0");
    let tried = h.commit("feat: experimental export");
    h.commit(&format!(
        "Revert \"feat: experimental export\"\n\nThis reverts commit {tried}."
    ));
    h.commit(&format!(
        "Revert \"feat: dark mode\"\n\nThis reverts commit {shipped}."
    ));
    h.commit("feat: kept");
    h.tag("v1.1.0");
    let md = h.changelog(&[]);
    let v11 = section(&md, "v1.1.0");
    assert!(!v11.contains("experimental export"), "{v11}");
    assert!(
        v11.contains(&format!("Reverts {}: dark mode", &shipped[..7])),
        "{v11}"
    );
    assert!(v11.contains("Withdrawn") && v11.contains("kept"));
    assert!(section(&md, "v1.0.0").contains("dark mode"));
}

#[test]
fn the_revert_of_an_internal_commit_is_never_listed() {
    let h = History::new("");
    let secret = h.commit("feat: secret pilot\n\nVisibility: internal");
    h.tag("v1.0.0");
    h.commit(&format!(
        "Revert \"feat: secret pilot\"\n\nThis reverts commit {secret}."
    ));
    h.commit("fix: visible");
    let md = h.changelog(&[]);
    assert!(!md.contains("secret"), "{md}");
}

#[test]
fn changelog_latest_unreleased_and_range_print_only_what_they_name() {
    let h = History::new("");
    h.commit("feat: first");
    h.tag("v1.0.0");
    h.commit("feat: second");
    h.tag("v1.1.0");
    h.commit("feat: third");
    h.tag("v1.2.0");
    h.commit("fix: pending");
    let latest = h.changelog(&["--latest"]);
    assert!(latest.contains("## v1.2.0") && latest.contains("third"));
    assert!(
        !latest.contains("pending") && !latest.contains("v1.1.0"),
        "{latest}"
    );
    let unreleased = h.changelog(&["--unreleased"]);
    assert!(
        unreleased.contains("pending") && !unreleased.contains("## v1"),
        "{unreleased}"
    );
    let range = h.changelog(&["--range", "v1.0.0..v1.2.0"]);
    assert!(
        range.contains("second") && range.contains("third"),
        "{range}"
    );
    assert!(
        !range.contains("first") && !range.contains("pending"),
        "{range}"
    );
}

#[test]
fn bump_prints_the_next_version_the_commits_call_for_in_the_tags_own_form() {
    let h = History::new("[changelog]\ntag_pattern = '^mytool-(v.+)$'\n");
    h.commit("feat: first");
    h.tag("mytool-v0.3.1");
    let bump = |h: &History| h.changelog(&["--bump"]).trim().to_string();
    assert_eq!(bump(&h), "mytool-v0.3.1", "nothing new: the version stays");
    h.commit("fix: small");
    assert_eq!(bump(&h), "mytool-v0.3.2");
    h.commit("feat: new");
    assert_eq!(
        bump(&h),
        "mytool-v0.3.2",
        "before 1.0 a feature bumps the patch"
    );
    h.commit("feat!: breaks");
    assert_eq!(
        bump(&h),
        "mytool-v0.4.0",
        "before 1.0 a break bumps the minor"
    );
    let one = History::new("");
    one.commit("feat: a");
    one.tag("v1.4.2");
    one.commit("chore: deps");
    assert_eq!(bump(&one), "v1.4.3");
    one.commit("feat: b");
    assert_eq!(bump(&one), "v1.5.0");
    one.commit("fix!: c");
    assert_eq!(bump(&one), "v2.0.0");
}

#[test]
fn with_a_repository_every_commit_reference_and_release_links_to_the_forge() {
    let h = History::new("repository = \"https://gitlab.com/acme/portal.git\"\n");
    let first = h.commit("feat: sign in with SSO (#12)");
    h.tag("v1.0.0");
    let second = h.commit("fix: slow export, see #34");
    h.tag("v1.1.0");
    h.site.build_ok(&[]);
    let page = h.site.page("changelog/index.html");
    let base = "https://gitlab.com/acme/portal";
    for link in [
        format!("href=\"{base}/-/commit/{first}\""),
        format!("href=\"{base}/-/commit/{second}\""),
        format!("<a href=\"{base}/-/issues/12\">#12</a>"),
        format!("<a href=\"{base}/-/issues/34\">#34</a>"),
        format!("href=\"{base}/-/compare/v1.0.0...v1.1.0\""),
    ] {
        assert!(page.contains(&link), "{link} missing in {page}");
    }
    assert!(
        page.contains(&format!("href=\"{base}/-/commit/")) && page.contains("built"),
        "the footer's commit links too"
    );
    let md = h.changelog(&[]);
    assert!(md.contains(&format!("([{}]({base}/-/commit/{second}))", &second[..7])));
}

#[test]
fn without_a_repository_commit_ids_stay_plain_text() {
    let h = History::new("");
    h.commit("feat: sign in with SSO (#12)");
    h.tag("v1.0.0");
    h.site.build_ok(&[]);
    let page = h.site.page("changelog/index.html");
    assert!(page.contains("sign in with SSO (#12)"), "{page}");
    assert!(!page.contains("class=\"commit") && !page.contains("/commit/"));
}

#[test]
fn an_unknown_forge_is_a_config_error_naming_the_hosts() {
    let h = History::new("repository = \"https://example.com/acme/portal\"\n");
    h.commit("feat: x");
    let out = h.site.vitrine(&["build"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("GitHub, GitLab, Gitea/Codeberg or Bitbucket"));
}

#[test]
fn an_issue_shows_the_work_done_on_it_and_the_release_that_shipped_its_fix() {
    let h = History::new("repository = \"https://github.com/acme/portal\"\n");
    let site = &h.site;
    site.write(
        "issues/ISS-7.md",
        &note("title: Export fails\nstatus: resolved", "Big files."),
    );
    site.write(
        "issues/ISS-9.md",
        &note("title: Pilot secret\nvisibility: internal", "x"),
    );
    site.commit_at("docs: issues", "2026-01-05T09:00:00Z");
    site.write("src/a.txt", "1");
    let refs = site.commit_at(
        "feat: stream exports\n\nRefs: ISS-7",
        "2026-01-10T09:00:00Z",
    );
    site.tag("v0.1.0");
    site.write("src/a.txt", "2");
    let fixes = site.commit_at(
        "fix: export of large files\n\nFixes: ISS-7",
        "2026-01-20T09:00:00Z",
    );
    site.write("src/a.txt", "3");
    site.commit_at(
        "fix: hotfix for ISS-7 from the pilot\n\nVisibility: internal",
        "2026-01-21T09:00:00Z",
    );
    site.write("src/a.txt", "4");
    site.commit_at("fix: tune ISS-9 limits", "2026-01-22T09:00:00Z");
    site.build_ok(&[]);
    let page = site.page("issues/iss-7.html");
    assert!(page.contains("Work done"), "{page}");
    // Commit messages are developer text: the changelog shows them, the issue page says
    // when, who, whether it was the fix and which release shipped it.
    assert!(!page.contains("stream exports") && !page.contains("export of large files"));
    let work = &page[page.find("h-work").unwrap()..];
    let work = &work[..work.find("</section>").unwrap()];
    assert!(
        work.find("The fix") < work.find("Work on it"),
        "newest first: {work}"
    );
    assert!(
        work.contains("shipped in <a href=\"../changelog/index.html#v0-1-0\">v0.1.0</a>")
            && work.contains("not released yet"),
        "{work}"
    );
    assert!(page.contains(&format!("https://github.com/acme/portal/commit/{fixes}")));
    assert!(page.contains(&format!("https://github.com/acme/portal/commit/{refs}")));
    assert!(!page.contains("Fixed in"), "the fix is not released yet");
    assert!(
        !page.contains("pilot"),
        "an internal commit is never traced"
    );

    site.write("src/a.txt", "5");
    site.commit_at("chore: release", "2026-01-30T09:00:00Z");
    site.tag("v0.2.0");
    site.build_ok(&[]);
    let page = site.page("issues/iss-7.html");
    assert!(
        page.contains("Fixed in <a href=\"../changelog/index.html#v0-2-0\">v0.2.0</a></strong>, released <time datetime=\"2026-01-30"),
        "{page}"
    );

    // Re-opened: the fix did not hold, so the page no longer says it is fixed.
    site.write(
        "issues/ISS-7.md",
        &note("title: Export fails\nstatus: open", "Big files fail again."),
    );
    site.commit_at("docs: reopen ISS-7", "2026-02-02T09:00:00Z");
    site.build_ok(&[]);
    let page = site.page("issues/iss-7.html");
    assert!(!page.contains("Fixed in"), "{page}");
    assert!(page.contains("shipped in <a href=\"../changelog/index.html#v0-2-0\">v0.2.0</a>"));
    // The commit that reopened it edited the issue's own file: its history shows that, and
    // it is not work on the issue.
    let work = &page[page.find("h-work").unwrap()..];
    let work = &work[..work.find("</section>").unwrap()];
    assert_eq!(work.matches("<li>").count(), 2, "{work}");
    let changelog = site.page("changelog/index.html");
    let entry = &changelog[changelog.find("export of large files").unwrap()..];
    assert!(
        entry[..entry.find("</li>").unwrap()].contains("href=\"../issues/iss-7.html\">ISS-7</a>")
    );
    assert!(!changelog.contains("iss-9.html") && !changelog.contains("Pilot secret"));
    assert!(!changelog.contains("hotfix"));
}

#[test]
fn a_period_report_says_which_resolved_issues_shipped_in_which_release() {
    let h = History::new("");
    let site = &h.site;
    site.write(
        "issues/ISS-7.md",
        &note("title: Export fails\nstatus: resolved", "x"),
    );
    site.write("issues/ISS-8.md", &note("title: Slow login", "x"));
    site.commit_at("docs: issues", "2026-01-05T09:00:00Z");
    site.write("src/a.txt", "1");
    site.commit_at(
        "fix: large exports\n\nCloses: ISS-7\nRefs: ISS-8",
        "2026-01-06T09:00:00Z",
    );
    site.tag("v0.2.0");
    let out = site.vitrine(&["report", "--from", "2026-01-01", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = String::from_utf8(out.stdout).unwrap();
    let rel = &md[md.find("v0.2.0").unwrap_or_else(|| panic!("{md}"))..];
    assert!(rel.contains("Fixed: ISS-7 Export fails"), "{md}");
    assert!(!md.contains("Fixed: ISS-8"), "a reference is not a fix");
    let json = site.vitrine(&["report", "--from", "2026-01-01", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["releases"][0]["fixed"][0]["id"], "ISS-7");
}

#[test]
fn the_changelog_lists_releases_with_permalinks_and_moves_older_ones_to_their_own_pages() {
    let h = History::new("[changelog]\nreleases_per_page = 2\n");
    for minor in 0..4 {
        h.commit(&format!("feat: feature of 1.{minor}"));
        h.tag(&format!("v1.{minor}.0"));
    }
    h.commit("fix: not yet released");
    h.site.build_ok(&[]);
    let index = h.site.page("changelog/index.html");
    let nav = &index[index
        .find("class=\"release-index\"")
        .expect("a list of releases")..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    for link in [
        "href=\"#unreleased\"",
        "href=\"#v1-3-0\"",
        "href=\"#v1-2-0\"",
    ] {
        assert!(nav.contains(link), "{link} missing in {nav}");
    }
    assert!(
        nav.contains("href=\"../changelog/archive.html\">2 older releases"),
        "{nav}"
    );
    assert!(index.contains("class=\"permalink\" href=\"../changelog/index.html#v1-3-0\""));
    assert!(!index.contains("feature of 1.1") && !index.contains("feature of 1.0"));
    let archive = h.site.page("changelog/archive.html");
    assert!(
        archive.contains("href=\"../changelog/v1-1-0.html\">v1.1.0</a>"),
        "{archive}"
    );
    assert!(archive.contains("href=\"../changelog/v1-0-0.html\">v1.0.0</a>"));
    let old = h.site.page("changelog/v1-0-0.html");
    assert!(
        old.contains("feature of 1.0") && !old.contains("feature of 1.1"),
        "{old}"
    );
    assert!(old.contains("class=\"permalink\" href=\"../changelog/v1-0-0.html\""));
    let timeline = h.site.page("timeline/index.html");
    assert!(
        timeline.contains("changelog/v1-0-0.html")
            && timeline.contains("changelog/index.html#v1-3-0"),
        "the timeline links each release to its permalink"
    );
}
