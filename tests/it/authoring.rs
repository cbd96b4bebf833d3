//! The authoring loop: init, new, check, serve, publish.

use std::io::{BufRead, Read, Write};

use crate::support::*;

#[test]
fn init_creates_a_site_that_builds_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    git2::Repository::init(dir.path()).unwrap();
    std::fs::create_dir_all(dir.path().join("status/notes")).unwrap();
    std::fs::write(
        dir.path().join("status/notes/welcome.md"),
        "---\ntitle: Mine\n---\n",
    )
    .unwrap();
    let out = run(&["init", "status", "--github-actions"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("kept    status/notes/welcome.md (it exists)"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("status/notes/welcome.md")).unwrap(),
        "---\ntitle: Mine\n---\n"
    );
    for f in [
        "vitrine.toml",
        "issues/ISS-1.md",
        "milestones/M1.md",
        "glossary/uat.md",
        "feedback/first-feedback.md",
        "pages/how-we-work.md",
        "metrics/quality.csv",
    ] {
        assert!(dir.path().join("status").join(f).is_file(), "{f}");
    }
    let config = std::fs::read_to_string(dir.path().join("status/vitrine.toml")).unwrap();
    assert!(config.contains("# vitrine site configuration"), "commented");
    let wf = std::fs::read_to_string(dir.path().join(".github/workflows/vitrine.yml")).unwrap();
    assert!(
        wf.contains("fetch-depth: 0")
            && wf.contains("actions/deploy-pages")
            && wf.contains("actions/upload-pages-artifact")
    );
    assert!(
        wf.contains("vitrine -C status build --base-url \"${{ steps.pages.outputs.base_url }}/\"")
            && wf.contains("path: status/public"),
        "{wf}"
    );
    // Running it again changes nothing.
    let again = run(&["init", "status"], dir.path());
    assert!(!stderr(&again).contains("created"), "{}", stderr(&again));
    let out = run(&["-C", "status", "build", "--worktree"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn new_fills_in_front_matter_with_the_next_id_the_site_date_and_a_readable_slug() {
    let site = TestSite::new();
    site.write("issues/ISS-7.md", &note("title: x", ""));
    site.write("issues/done/ISS-12.md", &note("title: y", ""));
    let out = site.vitrine(&["new", "issue", "Login: fails on Safari"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(path.ends_with("issues/ISS-13.md"), "{path}");
    let text = std::fs::read_to_string(site.root.join("issues/ISS-13.md")).unwrap();
    assert!(
        text.contains("title: \"Login: fails on Safari\"") && text.contains("status: open"),
        "{text}"
    );

    let out = site.vitrine(&["new", "note", "第八周进展"]);
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date();
    assert!(
        path.ends_with(&format!("notes/{today}-第八周进展.md")),
        "{path}"
    );
    for (kind, title, file) in [
        ("milestone", "Launch", "milestones/M1.md"),
        ("term", "Go-live", "glossary/go-live.md"),
        (
            "feedback",
            "Dr. Chen",
            &format!("feedback/{today}-dr-chen.md"),
        ),
    ] {
        let out = site.vitrine(&["new", kind, title]);
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
        assert!(site.root.join(file).is_file(), "{file}");
    }
    // Every new file is valid content.
    site.commit_at("all", "2026-01-05T10:00:00+08:00");
    let out = site.vitrine(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Never overwrites.
    let again = site.vitrine(&["new", "term", "Go-live"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"));
}

#[test]
fn check_reports_broken_links_and_unknown_references() {
    let site = TestSite::new();
    site.write("issues/ISS-1.md", &note("title: A\nmilestone: M9", "See [the plan](../pages/plan.html) and [ISS-2](ISS-2.md) and [ok](../issues/iss-1.html)."));
    site.write(
        "feedback/f.md",
        &note("date: 2026-01-01\nfrom: C\nissues: [ISS-5]", ""),
    );
    site.commit_at("all", "2026-01-05T10:00:00+08:00");
    let out = site.vitrine(&["check", "--format", "json"]);
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<String> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["path"].as_str().unwrap(),
                d["line"],
                d["message"]
            )
        })
        .collect();
    let has = |s: &str| messages.iter().any(|m| m.contains(s));
    assert!(
        has("issues/ISS-1.md:5 \"the link `../pages/plan.html` leads to no page"),
        "{messages:#?}"
    );
    assert!(has("`ISS-2.md` points to a source file"), "{messages:#?}");
    assert!(!has("iss-1.html"), "a good link is fine");
    assert!(has("`milestone: M9` names an unknown milestone"));
    assert!(has("names an unknown issue `ISS-5`"));
}

#[test]
fn publish_commits_the_site_onto_gh_pages_keeping_its_history_and_pushes() {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"T\"\ncname = \"status.example.com\"\n",
    );
    site.write("notes/a.md", &note("title: First", ""));
    site.write(".gitignore", "public/\n");
    let source = site.commit_at("first", "2026-01-05T10:00:00+08:00");
    let bare = tempfile::tempdir().unwrap();
    git2::Repository::init_bare(bare.path()).unwrap();
    site.repo
        .remote("origin", bare.path().to_str().unwrap())
        .unwrap();

    let out = site.vitrine(&["publish"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tip = site
        .repo
        .find_reference("refs/heads/gh-pages")
        .unwrap()
        .peel_to_commit()
        .unwrap();
    assert!(
        tip.message()
            .unwrap()
            .contains(&format!("Source-Commit: {source}"))
    );
    let tree = tip.tree().unwrap();
    for f in [
        "index.html",
        "notes/a.html",
        ".nojekyll",
        "CNAME",
        "assets/style.css",
    ] {
        assert!(
            tree.get_path(std::path::Path::new(f)).is_ok(),
            "{f} missing on gh-pages"
        );
    }
    assert_eq!(
        site.repo.head().unwrap().shorthand().unwrap(),
        "master",
        "the checked-out branch is untouched"
    );

    site.write("notes/b.md", &note("title: Second", ""));
    site.commit_at("second", "2026-01-06T10:00:00+08:00");
    let out = site.vitrine(&["publish", "--push"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tip2 = site
        .repo
        .find_reference("refs/heads/gh-pages")
        .unwrap()
        .peel_to_commit()
        .unwrap();
    assert_eq!(
        tip2.parent_id(0).unwrap(),
        tip.id(),
        "the branch's history is kept"
    );
    let remote = git2::Repository::open_bare(bare.path()).unwrap();
    assert_eq!(
        remote.refname_to_id("refs/heads/gh-pages").unwrap(),
        tip2.id(),
        "pushed"
    );

    let out = site.vitrine(&["publish"]);
    assert!(
        stderr(&out).contains("nothing to commit"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn publish_refuses_uncommitted_changes_a_diverged_branch_and_worktree_or_internal_builds() {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: First", ""));
    site.commit_at("first", "2026-01-05T10:00:00+08:00");
    for flag in ["--worktree", "--internal"] {
        let out = site.vitrine(&["publish", flag]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("publish refuses"), "{}", stderr(&out));
    }
    site.write("notes/draft.md", &note("title: Draft", ""));
    let out = site.vitrine(&["publish"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("uncommitted changes"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(site.root.join("notes/draft.md")).unwrap();

    // Someone else published: origin/gh-pages is not an ancestor of the local gh-pages.
    assert!(site.vitrine(&["publish"]).status.success());
    let local = site.repo.refname_to_id("refs/heads/gh-pages").unwrap();
    let head = site.repo.head().unwrap().peel_to_commit().unwrap();
    let sig =
        git2::Signature::new("O", "o@example.com", &git2::Time::new(1_767_700_000, 0)).unwrap();
    let other = site
        .repo
        .commit(
            None,
            &sig,
            &sig,
            "other publish",
            &head.tree().unwrap(),
            &[],
        )
        .unwrap();
    site.repo
        .reference("refs/remotes/origin/gh-pages", other, true, "test")
        .unwrap();
    site.write("notes/b.md", &note("title: Second", ""));
    site.commit_at("second", "2026-01-06T10:00:00+08:00");
    let out = site.vitrine(&["publish"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("has commits that the local `gh-pages` lacks"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        site.repo.refname_to_id("refs/heads/gh-pages").unwrap(),
        local,
        "nothing was rewritten"
    );
}

/// Starts `vitrine serve` on a free port and returns the process and its base URL.
fn start_server(site: &TestSite) -> (std::process::Child, String) {
    start_server_with(site, &[], &[])
}

/// Starts `vitrine serve --port 0 ARGS` with extra environment variables.
pub(crate) fn start_server_with(
    site: &TestSite,
    args: &[&str],
    env: &[(&str, &str)],
) -> (std::process::Child, String) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("vitrine"))
        .args(["-C", site.root.to_str().unwrap(), "serve", "--port", "0"])
        .args(args)
        .envs(env.iter().copied())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("the server said where it listens")
            .unwrap();
        if let Some(rest) = line.split(" at ").nth(1) {
            break rest.split(' ').next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

pub(crate) fn get(url: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h, format!("/{p}")))
        .unwrap_or((rest, "/".into()));
    let mut s = std::net::TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    let status = buf
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (
        status,
        buf.split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default(),
    )
}

/// Polls `url` until `pred` holds (at most 10 s).
pub(crate) fn wait_for(url: &str, pred: impl Fn(&str) -> bool) -> String {
    for _ in 0..100 {
        let (_, body) = get(url);
        if pred(&body) {
            return body;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("{url} never matched");
}

#[test]
fn serve_previews_the_work_tree_rebuilds_on_change_and_keeps_the_last_good_site_on_errors() {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: Committed", ""));
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    site.write("notes/b.md", &note("title: Uncommitted draft", ""));
    let (mut child, url) = start_server(&site);
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "loopback only by default: {url}"
    );
    let (status, index) = get(&format!("{url}notes/index.html"));
    assert_eq!(status, 200);
    assert!(
        index.contains("Uncommitted draft") && index.contains("Preview of uncommitted changes")
    );
    assert!(
        index.contains("/__vitrine/poll?gen="),
        "the reload script is injected"
    );
    assert_eq!(get(&format!("{url}nope.html")).0, 404);

    site.write("notes/c.md", &note("title: Written while serving", ""));
    wait_for(&format!("{url}notes/index.html"), |b| {
        b.contains("Written while serving")
    });

    site.write("notes/bad.md", "---\ntitle: [broken\n---\n");
    let page = wait_for(&format!("{url}notes/index.html"), |b| {
        b.contains("vitrine-errors")
    });
    assert!(
        page.contains("notes/bad.md:2:") && page.contains("Written while serving"),
        "errors shown over the last good site"
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// `serve` converts an item's page on its own (a save reloads one page) and the rest of the
/// site at once: either way, every page is the one `build --worktree` writes.
#[test]
fn serve_answers_every_page_with_the_bytes_a_build_of_the_work_tree_writes() {
    let site = TestSite::new();
    site.write(
        "notes/a.md",
        &note("title: Week one\ndate: 2026-01-05", "Work on ISS-1."),
    );
    site.write(
        "notes/b.md",
        &note("title: Week two\ndate: 2026-01-12", "More."),
    );
    site.write(
        "issues/ISS-1.md",
        &note("title: Login fails\nstatus: open", "Steps."),
    );
    site.write(
        "milestones/beta.md",
        &note("title: Beta\ndue: 2026-03-01", "Criteria."),
    );
    site.write("pages/about.md", &note("title: About", "Who we are."));
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    site.write(
        "notes/c.md",
        &note("title: Later\ndate: 2026-01-19", "Committed later."),
    );
    site.commit_at("c", "2026-01-19T10:00:00+08:00");
    site.build_ok(&["--worktree"]);
    let (_server, url) = crate::safety::serve(&site, &[], &[]);
    let built = all_files(&site.out());
    let pages: Vec<&(String, String)> =
        built.iter().filter(|(p, _)| p.ends_with(".html")).collect();
    for kind in ["notes/", "issues/", "milestones/", "pages/", "reports/"] {
        assert!(
            pages
                .iter()
                .any(|(p, _)| p.starts_with(kind) && !p.ends_with("index.html")),
            "the site has an item page under {kind}"
        );
    }
    // Cut out: the reload script `serve` injects, and the footer's time, which is the
    // moment each of the two built the work tree (to the second).
    let cut = |b: &str, from: &str, to: &str| match b.find(from) {
        Some(i) => format!(
            "{}{}",
            &b[..i],
            &b[i + b[i..].find(to).unwrap() + to.len()..]
        ),
        None => b.to_string(),
    };
    let comparable = |b: &str| {
        let b = cut(b, "<script>(function(){var g=", "</script>");
        cut(&b, "<p class=\"built\">", "</p>")
    };
    for (path, text) in pages {
        let (status, body) = get(&format!("{url}{path}"));
        assert_eq!(status, 200, "{path}");
        assert_eq!(comparable(&body), comparable(text), "{path} as served");
    }
}
