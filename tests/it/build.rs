//! The core pipeline: dates from git, revisions, the work tree, output safety, links.

use crate::support::*;

#[test]
fn dates_fall_back_to_the_adding_commit_and_updated_to_the_last_change() {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: First week", "Hello."));
    site.commit_at("add note", "2026-01-05T10:00:00+08:00");
    site.write("notes/a.md", &note("title: First week", "Hello again."));
    site.commit_at("edit note", "2026-02-01T09:30:00+01:00");
    site.build_ok(&[]);
    let page = site.page("notes/a.html");
    assert!(
        page.contains(r#"<time datetime="2026-01-05T10:00:00+08:00">5 Jan 2026 10:00</time>"#),
        "{page}"
    );
    // Updated comes from the last commit, shown in the site's time zone (Asia/Shanghai).
    assert!(
        page.contains(r#"<time datetime="2026-02-01T16:30:00+08:00">"#),
        "{page}"
    );
}

#[test]
fn front_matter_dates_win_over_commit_dates_and_carry_the_site_time_zone() {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: Dated\ndate: 2025-12-24", ""));
    site.write(
        "issues/ISS-1.md",
        &note("title: Bug\nopened: 2025-12-20T08:00:00Z", ""),
    );
    site.commit_at("add", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    assert!(
        site.page("notes/a.html")
            .contains(r#"<time datetime="2025-12-24">24 Dec 2025</time>"#)
    );
    assert!(
        site.page("issues/iss-1.html")
            .contains(r#"<time datetime="2025-12-20T16:00:00+08:00">"#)
    );
}

#[test]
fn authors_come_from_commits_through_the_mailmap() {
    let site = TestSite::new();
    site.write_repo(".mailmap", "Li Wei <li@example.com> <old@example.com>\n");
    site.write("notes/a.md", &note("title: Mapped", "x"));
    site.commit_as(
        "add",
        "2026-01-05T10:00:00+08:00",
        "liwei-laptop <old@example.com>",
    );
    site.build_ok(&[]);
    let page = site.page("notes/a.html");
    assert!(page.contains("Li Wei"), "{page}");
    assert!(!page.contains("liwei-laptop"));
}

#[test]
fn rev_builds_the_state_at_that_revision() {
    let site = TestSite::new();
    site.write("notes/alpha.md", &note("title: Alpha note", "a"));
    let first = site.commit_at("alpha", "2026-01-05T10:00:00+08:00");
    site.tag("v1.0.0");
    site.write("notes/beta.md", &note("title: Beta note", "b"));
    site.commit_at("beta", "2026-01-06T10:00:00+08:00");

    site.build_ok(&["--rev", &first]);
    assert!(site.out().join("notes/alpha.html").exists());
    assert!(!site.out().join("notes/beta.html").exists());
    assert!(!site.page("notes/index.html").contains("Beta note"));

    site.build_ok(&["--rev", "v1.0.0"]);
    assert!(!site.out().join("notes/beta.html").exists());

    site.build_ok(&[]);
    assert!(site.page("notes/index.html").contains("Beta note"));
}

#[test]
fn worktree_includes_uncommitted_files_and_a_head_build_does_not() {
    let site = TestSite::new();
    site.write("notes/alpha.md", &note("title: Committed note", "a"));
    site.commit_at("alpha", "2026-01-05T10:00:00+08:00");
    site.write("notes/draft.md", &note("title: Uncommitted note", "b"));

    site.build_ok(&[]);
    assert!(!site.out().join("notes/draft.html").exists());
    assert!(!site.page("notes/index.html").contains("Uncommitted note"));

    site.build_ok(&["--worktree"]);
    assert!(site.page("notes/draft.html").contains("Uncommitted note"));
    assert!(
        site.page("index.html")
            .contains("Preview of uncommitted changes")
    );
}

#[test]
fn a_site_root_in_a_subfolder_is_read_from_the_tree_and_dated_by_its_own_history() {
    let site = TestSite::in_subdir("status");
    site.write_repo("src/main.c", "int main() {}\n");
    site.commit_at("code", "2026-01-01T10:00:00+08:00");
    site.write("notes/a.md", &note("title: Sub note", ""));
    site.commit_at("note", "2026-01-03T10:00:00+08:00");
    site.write_repo("src/main.c", "int main() { return 0; }\n");
    site.commit_at("code again", "2026-01-04T10:00:00+08:00");
    site.build_ok(&[]);
    let page = site.page("notes/a.html");
    assert!(
        page.contains(r#"datetime="2026-01-03T10:00:00+08:00""#),
        "{page}"
    );
}

#[test]
fn broken_front_matter_fails_naming_file_and_line_and_keeps_the_previous_output() {
    let site = TestSite::new();
    site.write("notes/good.md", &note("title: Good", "fine"));
    site.commit_at("good", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    let before = site.page("index.html");

    site.write(
        "notes/bad.md",
        "---\ntitle: Bad\nhealth: great\n---\nbody\n",
    );
    site.write("issues/ISS-1.md", "---\ntitle: [unclosed\n---\n");
    site.commit_at("bad", "2026-01-06T10:00:00+08:00");
    let out = site.vitrine(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "notes/bad.md:3:1: error: `health` must be one of on-track, at-risk, off-track"
        ),
        "{err}"
    );
    assert!(
        err.contains("issues/ISS-1.md:2:"),
        "every error is reported at once: {err}"
    );
    assert_eq!(
        site.page("index.html"),
        before,
        "the previous output must be untouched"
    );
}

#[test]
fn unknown_config_keys_are_errors_with_their_line() {
    let site = TestSite::new();
    site.write("vitrine.toml", "title = \"T\"\ntimezon = \"UTC\"\n");
    site.commit_at("cfg", "2026-01-05T10:00:00+08:00");
    let out = site.vitrine(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("vitrine.toml:2:1: error:") && err.contains("timezon"),
        "{err}"
    );
}

#[test]
fn a_sub_path_base_url_yields_no_link_outside_the_sub_path() {
    let site = TestSite::new();
    site.write(
        "notes/a.md",
        &note("title: A", "[home](https://example.org/)"),
    );
    site.write("issues/ISS-1.md", &note("title: Bug\nmilestone: M1", ""));
    site.write(
        "milestones/M1.md",
        &note("title: M\ndue: 2026-02-01", "- [ ] x"),
    );
    site.write("glossary/t.md", &note("term: Term", "def"));
    site.write(
        "feedback/f.md",
        &note("date: 2026-01-01\nfrom: Client", "hi"),
    );
    site.write("pages/p.md", &note("title: Page", "p"));
    site.write("metrics/q.csv", "date,cov\n2026-01-01,50\n");
    site.commit_at("all", "2026-01-05T10:00:00+08:00");
    site.build_ok(&["--base-url", "https://acme.github.io/portal/"]);
    let base = "https://acme.github.io/portal/";
    for (path, text) in all_files(&site.out()) {
        if !path.ends_with(".html") {
            continue;
        }
        for url in attr_values(&text, &["href", "src", "action"]) {
            if url.starts_with('#') || url.starts_with("mailto:") || url == "https://example.org/" {
                continue;
            }
            if url.contains("://") || url.starts_with("//") {
                assert!(url.starts_with(base), "{path}: {url} leaves {base}");
                continue;
            }
            assert!(
                !url.starts_with('/'),
                "{path}: root-absolute {url} breaks under a sub-path"
            );
            let resolved = resolve(&path, &url);
            assert!(
                resolved.is_some(),
                "{path}: {url} climbs above the site root"
            );
            let target = resolved.unwrap();
            let file = target.split('#').next().unwrap();
            assert!(
                site.out().join(file).is_file(),
                "{path}: {url} points to a missing file {file}"
            );
        }
    }
    assert!(
        site.page("sitemap.xml")
            .contains("<loc>https://acme.github.io/portal/notes/a.html</loc>")
    );
    assert!(
        site.page("404.html")
            .contains(r#"href="https://acme.github.io/portal/assets/style.css""#)
    );
}

#[test]
fn no_page_loads_anything_from_a_third_party() {
    let site = TestSite::new();
    site.write(
        "notes/a.md",
        &note(
            "title: A",
            "![chart](https://cdn.example.com/x.png)\n\n<img src=\"http://tracker.example/p.gif\">",
        ),
    );
    site.commit_at("all", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    let page = site.page("notes/a.html");
    assert!(
        page.contains(r#"<a href="https://cdn.example.com/x.png">chart</a>"#),
        "a remote image becomes a link: {page}"
    );
    for (path, text) in all_files(&site.out()) {
        for url in attr_values(&text, &["src"])
            .into_iter()
            .chain(link_hrefs(&text))
            .chain(css_urls(&text))
        {
            assert!(
                !url.contains("://") && !url.starts_with("//"),
                "{path} loads {url}"
            );
        }
        assert!(!text.contains("@import"), "{path} imports a stylesheet");
    }
}

#[test]
fn output_refuses_to_replace_the_site_root_or_a_folder_it_did_not_write() {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: A", ""));
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    let root = site.root.to_str().unwrap().to_string();
    let out = site.vitrine(&["build", "-o", &root]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("refusing"));

    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("precious.txt"), "keep me").unwrap();
    let out = site.vitrine(&["build", "-o", other.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(other.path().join("precious.txt")).unwrap(),
        "keep me"
    );

    // Its own earlier output is replaced, with nothing stale left behind.
    site.write("notes/b.md", &note("title: B", ""));
    site.commit_at("b", "2026-01-06T10:00:00+08:00");
    site.build_ok(&[]);
    assert!(site.out().join("notes/b.html").exists());
    site.remove("notes/b.md");
    site.commit_at("no b", "2026-01-07T10:00:00+08:00");
    site.build_ok(&[]);
    assert!(!site.out().join("notes/b.html").exists());
}

#[test]
fn symlinks_submodule_binaries_and_non_utf8_files_are_skipped_with_a_warning() {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: Fine", ""));
    site.write_bytes("notes/latin1.md", b"---\ntitle: caf\xe9\n---\n");
    site.write_bytes("notes/bin.md", b"\x00\x01\x02");
    std::os::unix::fs::symlink("/etc/passwd", site.root.join("notes/link.md")).unwrap();
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    let out = site.build_ok(&[]);
    let err = stderr(&out);
    assert!(
        err.contains("notes/latin1.md:2:11:") && err.contains("not UTF-8"),
        "{err}"
    );
    assert!(
        err.contains("notes/bin.md: warning: skipped: a binary file"),
        "{err}"
    );
    assert!(
        err.contains("notes/link.md: warning: skipped: a symbolic link"),
        "{err}"
    );
    assert!(
        !all_files(&site.out())
            .iter()
            .any(|(_, t)| t.contains("root:x:0"))
    );
}

#[test]
fn a_site_theme_file_overrides_the_embedded_one() {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: A", ""));
    site.write(
        "theme/templates/partials/footer.html",
        "<footer>Custom footer by ACME</footer>\n",
    );
    site.write("theme/static/extra.css", "body{}");
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    assert!(site.page("notes/a.html").contains("Custom footer by ACME"));
    assert!(site.out().join("assets/extra.css").exists());
    assert!(
        site.out().join("assets/style.css").exists(),
        "the other embedded files remain"
    );
}

#[test]
fn a_repository_without_commits_explains_itself() {
    let site = TestSite::new();
    let out = site.vitrine(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no commits yet"), "{}", stderr(&out));
    site.build_ok(&["--worktree"]);
}

/// Values of the given attributes (`href="…"`) in HTML.
fn attr_values(html: &str, names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for name in names {
        let pat = format!(" {name}=\"");
        let mut rest = html;
        while let Some(i) = rest.find(&pat) {
            rest = &rest[i + pat.len()..];
            let end = rest.find('"').unwrap();
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// `href` of `<link>` elements (stylesheets, feeds, icons).
fn link_hrefs(html: &str) -> Vec<String> {
    html.split("<link")
        .skip(1)
        .flat_map(|s| attr_values(&s[..s.find('>').unwrap_or(s.len())], &["href"]))
        .collect()
}

fn css_urls(text: &str) -> Vec<String> {
    text.split("url(")
        .skip(1)
        .map(|s| {
            s[..s.find(')').unwrap_or(0)]
                .trim_matches(['"', '\''])
                .to_string()
        })
        .collect()
}

/// Resolves a relative URL against a page path; `None` if it climbs above the root.
fn resolve(page: &str, url: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in url.split('/') {
        match seg {
            ".." => {
                parts.pop()?;
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[test]
fn a_file_deleted_and_added_again_is_dated_by_its_new_life() {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: Again", ""));
    site.commit_at("add", "2026-01-01T10:00:00+08:00");
    site.remove("notes/a.md");
    site.commit_at("delete", "2026-01-02T10:00:00+08:00");
    site.write("notes/a.md", &note("title: Again", ""));
    site.commit_at("re-add", "2026-01-03T10:00:00+08:00");
    site.build_ok(&[]);
    assert!(
        site.page("notes/a.html")
            .contains(r#"datetime="2026-01-03T10:00:00+08:00""#)
    );
}

#[test]
fn a_submodule_in_the_site_root_is_skipped_with_a_warning() {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: Fine", ""));
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    // Record a gitlink (mode 160000) the way `git submodule add` does.
    let mut index = site.repo.index().unwrap();
    let head = site.repo.head().unwrap().peel_to_commit().unwrap();
    let entry = git2::IndexEntry {
        ctime: git2::IndexTime::new(0, 0),
        mtime: git2::IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o160000,
        uid: 0,
        gid: 0,
        file_size: 0,
        id: head.id(),
        flags: 0,
        flags_extended: 0,
        path: b"notes/vendor-docs".to_vec(),
    };
    index.add(&entry).unwrap();
    let tree = site.repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig =
        git2::Signature::new("T", "t@example.com", &git2::Time::new(1_767_600_000, 0)).unwrap();
    site.repo
        .commit(Some("HEAD"), &sig, &sig, "submodule", &tree, &[&head])
        .unwrap();
    let out = site.build_ok(&[]);
    assert!(
        stderr(&out).contains("notes/vendor-docs: warning: skipped: a submodule"),
        "{}",
        stderr(&out)
    );
}
