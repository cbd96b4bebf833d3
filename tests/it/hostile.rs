//! Hostile input and awkward repository states: each gives a clear diagnostic or safe
//! output, never a panic, a hang, a write outside the output folder or script in the site.

use crate::support::*;

fn build_err(site: &TestSite) -> String {
    let out = site.vitrine(&["build"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected a content error:\n{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    stderr(&out)
}

#[test]
fn yaml_bombs_deep_nesting_duplicate_keys_and_wrong_types_are_diagnostics() {
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "notes/laughs.md",
            "---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ntitle: x\n---\n".to_string(),
            "notes/laughs.md",
        ),
        (
            "notes/deep.md",
            format!(
                "---\ntitle: x\nextra: {}{}\n---\n",
                "[".repeat(5000),
                "]".repeat(5000)
            ),
            "notes/deep.md",
        ),
        (
            "notes/dup.md",
            "---\ntitle: A\ntitle: B\n---\n".to_string(),
            "notes/dup.md:",
        ),
        (
            "notes/types.md",
            "---\ntitle: [1, 2]\nprogress: lots\n---\n".to_string(),
            "`title` must be text",
        ),
        (
            "notes/far.md",
            "---\ntitle: x\ndate: 99999-01-01\n---\n".to_string(),
            "is not a date",
        ),
    ];
    for (path, text, expect) in cases {
        let site = TestSite::new();
        site.write(path, &text);
        site.commit_at("x", "2026-01-05T10:00:00+08:00");
        let err = build_err(&site);
        assert!(err.contains(expect), "{path}: {err}");
    }
}

#[test]
fn huge_bodies_and_files_named_with_spaces_and_chinese_build() {
    let site = TestSite::new();
    let body = "Lorem ipsum dolor sit amet. ".repeat(40_000);
    site.write("notes/big note.md", &note("title: Big", &body));
    site.write("notes/第八周 进展.md", &note("title: 第八周", "进展顺利"));
    site.commit_at("x", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    assert!(site.out().join("notes/big-note.html").is_file());
    assert!(site.out().join("notes/第八周-进展.html").is_file());
}

#[test]
fn path_like_ids_and_slugs_never_leave_the_output_folder() {
    let site = TestSite::new();
    site.write("issues/a.md", &note("title: A\nid: ../../../escaped", ""));
    site.write("issues/b.md", &note("title: B\nid: /etc/passwd", ""));
    site.write(
        "milestones/c.md",
        &note("title: C\nid: ..\\\\..\\\\win\ndue: 2026-02-01", ""),
    );
    site.write("notes/index.md", &note("title: A note called index", ""));
    site.write("notes/CON.md", &note("title: A reserved name", ""));
    site.commit_at("x", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    assert!(site.out().join("issues/escaped.html").is_file());
    assert!(site.out().join("issues/etc-passwd.html").is_file());
    assert!(!site.root.parent().unwrap().join("escaped.html").exists());
    assert!(
        site.page("notes/index.html")
            .contains("A note called index"),
        "the list page survives: {}",
        site.page("notes/index.html")
    );
    assert!(
        site.page("notes/index-item.html")
            .contains("A note called index")
    );
    assert!(site.out().join("notes/con-item.html").is_file());
    for entry in walkdir::WalkDir::new(site.dir.path()) {
        let p = entry.unwrap().into_path();
        if p.extension().is_some_and(|e| e == "html") {
            assert!(
                p.starts_with(site.out()),
                "{} was written outside the output",
                p.display()
            );
        }
    }
}

#[test]
fn html_and_script_in_titles_and_bodies_never_run_and_template_syntax_stays_text() {
    let site = TestSite::new();
    site.write(
        "notes/x.md",
        &note(
            "title: \"<script>alert('t')</script> {{ site.title }}\"\nsummary: \"<img src=x onerror=alert(1)>\"",
            "<script>alert(1)</script>\n\n<a href=\"javascript:alert(2)\" onclick=\"alert(3)\">x</a>\n\n[y](javascript:alert(4))\n\n<div onmouseover=\"alert(5)\">z</div>\n\n{% for x in site %}{{ x }}{% endfor %}",
        ),
    );
    site.write(
        "issues/ISS-1.md",
        &note("title: \"\\\"><svg onload=alert(6)>\"", ""),
    );
    site.commit_at("x", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    for (path, html) in all_files(&site.out())
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
    {
        // Only markup can run: look inside tags (escaped text such as `&lt;img onerror=` is inert).
        for tag in html
            .split('<')
            .skip(1)
            .map(|t| &t[..t.find('>').unwrap_or(t.len())])
        {
            let tag = tag.to_ascii_lowercase();
            for bad in ["onerror", "onclick", "onmouseover", "onload", "javascript:"] {
                assert!(!tag.contains(bad), "{path} has a tag with `{bad}`: <{tag}>");
            }
            assert!(
                !tag.starts_with("script>alert") && !tag.starts_with("svg"),
                "{path}: <{tag}>"
            );
        }
    }
    let page = site.page("notes/x.html");
    assert!(
        page.contains("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; {{ site.title }}"),
        "titles are text"
    );
    assert!(
        page.contains("{% for x in site %}{{ x }}{% endfor %}"),
        "template syntax in content is never run"
    );
}

#[test]
fn crlf_bom_and_lfs_pointer_files() {
    let site = TestSite::new();
    site.write_bytes(
        "notes/crlf.md",
        b"\xef\xbb\xbf---\r\ntitle: Windows note\r\nhealth: on-track\r\n---\r\nLine one\r\n",
    );
    site.write("notes/lfs.md", "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n");
    site.commit_at("x", "2026-01-05T10:00:00+08:00");
    let out = site.build_ok(&[]);
    assert!(site.page("notes/crlf.html").contains("Windows note"));
    assert!(
        stderr(&out).contains("notes/lfs.md: warning: skipped: a Git LFS pointer"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_linked_worktree_builds_its_own_checkout() {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: Main note", ""));
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    let wt_dir = tempfile::tempdir().unwrap();
    let path = wt_dir.path().join("wt");
    site.repo.worktree("wt", &path, None).unwrap();
    let out = run(&["build"], &path);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(path.join("public/notes/a.html"))
            .unwrap()
            .contains("Main note")
    );
}

#[test]
fn killing_a_build_leaves_the_previous_output_intact() {
    let site = TestSite::new();
    for i in 0..300 {
        site.write(
            &format!("notes/n{i}.md"),
            &note(&format!("title: Note {i}"), &"Some text. ".repeat(200)),
        );
    }
    site.commit_at("many", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    let before = site.page("index.html");
    site.write("notes/extra.md", &note("title: Extra", ""));
    site.commit_at("more", "2026-01-06T10:00:00+08:00");
    for (delay, signal) in [
        (5u64, "KILL"),
        (20, "INT"),
        (40, "KILL"),
        (80, "INT"),
        (120, "TERM"),
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("vitrine"))
            .args(["-C", site.root.to_str().unwrap(), "build"])
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status();
        let _ = child.wait();
        let now = site.page("index.html");
        let complete = site.out().join(".vitrine-output").is_file()
            && site.out().join("notes/n299.html").is_file();
        assert!(
            complete,
            "after a kill at {delay} ms the output is a whole site"
        );
        assert!(
            now == before
                || now.contains("Extra")
                || site.page("notes/index.html").contains("Extra"),
            "old or new, never half"
        );
    }
}

#[test]
fn a_hundred_thousand_files_outside_the_site_root_are_never_read() {
    let site = TestSite::in_subdir("status");
    site.write("notes/a.md", &note("title: A", ""));
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    // A vendored folder of 100,000 entries (one blob, many names), committed beside the site.
    let blob = site.repo.blob(b"x").unwrap();
    let mut tb = site.repo.treebuilder(None).unwrap();
    for i in 0..100_000 {
        tb.insert(format!("f{i:06}.txt"), blob, 0o100644).unwrap();
    }
    let vendor = tb.write().unwrap();
    let head = site.repo.head().unwrap().peel_to_commit().unwrap();
    let mut root = site.repo.treebuilder(Some(&head.tree().unwrap())).unwrap();
    root.insert("vendor", vendor, 0o040000).unwrap();
    let tree = site.repo.find_tree(root.write().unwrap()).unwrap();
    let sig =
        git2::Signature::new("T", "t@example.com", &git2::Time::new(1_767_700_000, 0)).unwrap();
    site.repo
        .commit(Some("HEAD"), &sig, &sig, "vendor", &tree, &[&head])
        .unwrap();
    let out = site.build_ok(&[]);
    assert!(stderr(&out).contains("built"));
    assert!(
        site.page("notes/a.html")
            .contains("datetime=\"2026-01-05T10:00:00+08:00\"")
    );
}

/// Removes a loose object, as a partial (blob-filtered) clone leaves it missing.
fn drop_object(site: &TestSite, id: git2::Oid) {
    let hex = id.to_string();
    let path = site
        .repo
        .path()
        .join("objects")
        .join(&hex[..2])
        .join(&hex[2..]);
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

#[test]
fn a_partial_clone_without_blobs_outside_the_site_root_builds_and_a_missing_content_blob_is_named()
{
    let site = TestSite::in_subdir("status");
    site.write_repo("assets/video.bin", "a large file the clone filtered out");
    site.write("notes/a.md", &note("title: A", ""));
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    let video = site
        .repo
        .blob(b"a large file the clone filtered out")
        .unwrap();
    drop_object(&site, video);
    site.build_ok(&[]);

    // An old version of an issue is missing: its history is shorter, the build goes on.
    site.write("issues/ISS-1.md", &note("title: Bug\nstatus: open", ""));
    site.commit_at("report", "2026-01-06T10:00:00+08:00");
    let old = site
        .repo
        .blob(note("title: Bug\nstatus: open", "").as_bytes())
        .unwrap();
    site.write("issues/ISS-1.md", &note("title: Bug\nstatus: resolved", ""));
    site.commit_at("fix", "2026-01-07T10:00:00+08:00");
    drop_object(&site, old);
    site.build_ok(&[]);

    // The current version of a content file is missing: a clear error naming it.
    let current = site
        .repo
        .blob(note("title: Bug\nstatus: resolved", "").as_bytes())
        .unwrap();
    drop_object(&site, current);
    let out = site.vitrine(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot read issues/ISS-1.md"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_bare_repository_builds_from_its_commits() {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: From a bare clone", ""));
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("project.git");
    git2::build::RepoBuilder::new()
        .bare(true)
        .clone(site.dir.path().to_str().unwrap(), &bare)
        .unwrap();
    let out_dir = dir.path().join("site");
    let out = run(
        &[
            "-C",
            bare.to_str().unwrap(),
            "build",
            "-o",
            out_dir.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(out_dir.join("notes/a.html"))
            .unwrap()
            .contains("From a bare clone")
    );
    assert!(
        std::fs::read_to_string(out_dir.join("notes/a.html"))
            .unwrap()
            .contains("datetime=\"2026-01-05T10:00:00+08:00\"")
    );
    let no_out = run(&["-C", bare.to_str().unwrap(), "build"], dir.path());
    assert_eq!(no_out.status.code(), Some(2));
    assert!(stderr(&no_out).contains("bare repository"));
}
