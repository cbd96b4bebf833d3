//! Operational safety: what a build may replace, how a crash mid-swap is repaired, what
//! `publish` may move and what `serve` answers. Each claim is a defect of issue #12.

use std::path::Path;

use crate::support::*;

fn site_with_a_secret() -> TestSite {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: Weekly", "Fine."));
    site.write(
        "notes/s.md",
        &note("title: SECRET-ACQUISITION\nvisibility: internal", "x"),
    );
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    site
}

fn holds_secret(dir: &Path) -> bool {
    all_files(dir)
        .iter()
        .any(|(_, t)| t.contains("SECRET-ACQUISITION"))
}

#[test]
fn an_internal_build_goes_to_public_internal_and_never_into_the_client_folder() {
    let site = site_with_a_secret();
    site.build_ok(&[]);
    let before = site.page("index.html");
    site.build_ok(&["--internal"]);
    let internal = site.root.join("public-internal");
    assert!(
        holds_secret(&internal),
        "the team view is in public-internal/"
    );
    assert!(!holds_secret(&site.out()), "public/ holds no team view");
    assert_eq!(site.page("index.html"), before, "public/ is untouched");

    // Asked for by name, each audience's folder still refuses the other audience.
    let public = site.out();
    let out = site.vitrine(&["build", "--internal", "-o", public.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("it holds the client site and this build is the team's internal view"),
        "{}",
        stderr(&out)
    );
    assert!(
        !holds_secret(&site.out()),
        "the client folder never holds the team view"
    );
    let out = site.vitrine(&["build", "-o", internal.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("it holds the team's internal view and this build is the client site"),
        "{}",
        stderr(&out)
    );
    assert!(holds_secret(&internal), "the team view was not replaced");
}

#[test]
fn a_build_never_deletes_a_git_repository_in_the_output_folder() {
    let site = site_with_a_secret();
    site.build_ok(&[]);
    let repo = git2::Repository::init(site.out()).unwrap();
    let sig =
        git2::Signature::new("T", "t@example.com", &git2::Time::new(1_767_700_000, 0)).unwrap();
    let tree = repo
        .find_tree(repo.index().unwrap().write_tree().unwrap())
        .unwrap();
    let commit = repo
        .commit(Some("HEAD"), &sig, &sig, "deploy history", &tree, &[])
        .unwrap();
    let out = site.vitrine(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("it holds a git repository (`.git`)"),
        "{}",
        stderr(&out)
    );
    let kept = git2::Repository::open(site.out()).unwrap();
    assert_eq!(kept.head().unwrap().target(), Some(commit), "history kept");
}

#[test]
fn a_build_refuses_to_replace_an_output_folder_holding_a_file_it_did_not_write() {
    let site = site_with_a_secret();
    site.build_ok(&[]);
    std::fs::write(site.out().join("notes/minutes.txt"), "keep me").unwrap();
    let out = site.vitrine(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`notes/minutes.txt` was not written by vitrine"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&site.out().join("notes/minutes.txt")), "keep me");
    std::fs::remove_file(site.out().join("notes/minutes.txt")).unwrap();
    site.build_ok(&[]);
}

/// `.public.vitrine-*` folders next to the output.
fn leftovers(site: &TestSite) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(&site.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public.vitrine-"))
        .collect();
    names.sort();
    names
}

#[test]
fn a_build_killed_between_the_two_renames_is_repaired_by_the_next_build() {
    let site = site_with_a_secret();
    site.build_ok(&[]);
    let before = site.page("index.html");
    site.write("notes/b.md", &note("title: Second week", ""));
    site.commit_at("b", "2026-01-06T10:00:00+08:00");
    let crashed = assert_cmd::Command::cargo_bin("vitrine")
        .unwrap()
        .args(["-C", site.root.to_str().unwrap(), "build"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("VITRINE_TEST_CRASH_BETWEEN_RENAMES", "1")
        .output()
        .unwrap();
    assert!(!crashed.status.success(), "the build was killed mid-swap");
    assert!(!site.out().exists(), "the crash left no public/");
    let left = leftovers(&site);
    assert_eq!(left.len(), 2, "the old site and the staged one: {left:?}");

    // The next build restores the old site first: even when it fails, public/ is back.
    site.write("notes/bad.md", "---\ntitle: [broken\n---\n");
    site.commit_at("bad", "2026-01-07T10:00:00+08:00");
    let out = site.vitrine(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(site.page("index.html"), before, "the old site is restored");
    assert!(leftovers(&site).is_empty(), "{:?}", leftovers(&site));

    site.remove("notes/bad.md");
    site.commit_at("fix", "2026-01-08T10:00:00+08:00");
    site.build_ok(&[]);
    assert!(site.page("notes/index.html").contains("Second week"));
    assert!(leftovers(&site).is_empty());
}

#[test]
fn staging_folders_of_dead_builds_are_removed_and_a_live_ones_kept() {
    let site = site_with_a_secret();
    let dead = site.root.join(".public.vitrine-new-4000000");
    std::fs::create_dir_all(dead.join("notes")).unwrap();
    std::fs::write(dead.join("notes/half.html"), "half written").unwrap();
    // A build still running (this test's own process stands in for it).
    let live = site
        .root
        .join(format!(".public.vitrine-new-{}", std::process::id()));
    std::fs::create_dir_all(&live).unwrap();
    let out = site.build_ok(&[]);
    assert!(!dead.exists(), "{}", stderr(&out));
    assert!(stderr(&out).contains("left behind by an interrupted build"));
    assert!(
        live.exists(),
        "a running build's staging folder is not touched"
    );
}

fn published_site() -> TestSite {
    let site = TestSite::new();
    site.write("notes/a.md", &note("title: First", ""));
    site.write(".gitignore", "public/\n");
    site.commit_at("first", "2026-01-05T10:00:00+08:00");
    site
}

#[test]
fn publish_never_moves_a_branch_checked_out_in_a_linked_worktree() {
    let site = published_site();
    let head = site.repo.head().unwrap().peel_to_commit().unwrap();
    let branch = site.repo.branch("gh-pages", &head, false).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pages");
    let mut opts = git2::WorktreeAddOptions::new();
    opts.reference(Some(branch.get()));
    site.repo.worktree("pages", &path, Some(&opts)).unwrap();

    let out = site.vitrine(&["publish"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("refusing to publish onto `gh-pages`: it is checked out in")
            && stderr(&out).contains("pages"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        site.repo.refname_to_id("refs/heads/gh-pages").unwrap(),
        head.id(),
        "the branch did not move"
    );
    let linked = git2::Repository::open(&path).unwrap();
    assert!(
        linked.statuses(None).unwrap().is_empty(),
        "the linked work tree shows no changes"
    );
}

#[test]
fn publish_never_moves_the_branch_checked_out_in_the_main_worktree() {
    let site = published_site();
    let before = site.repo.refname_to_id("refs/heads/master").unwrap();
    let out = site.vitrine(&["publish", "--branch", "master"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`master`: it is checked out in"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        site.repo.refname_to_id("refs/heads/master").unwrap(),
        before
    );
}

#[test]
fn publish_refuses_branch_and_remote_names_git_would_reject_or_read_as_options() {
    let site = published_site();
    for args in [
        ["publish", "--branch", "HEAD"],
        ["publish", "--branch=-x", ""],
        ["publish", "--branch", "a..b"],
        ["publish", "--branch", "x.lock"],
        ["publish", "--remote=-x", ""],
        ["publish", "--remote=--upload-pack=touch pwned", ""],
    ] {
        let args: Vec<&str> = args.into_iter().filter(|a| !a.is_empty()).collect();
        let out = site.vitrine(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("is not a branch name git accepts")
                || stderr(&out).contains("is not a remote name git accepts"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let heads: Vec<String> = site
        .repo
        .references_glob("refs/heads/*")
        .unwrap()
        .map(|r| r.unwrap().name().unwrap().to_string())
        .collect();
    assert_eq!(heads, ["refs/heads/master"], "no branch was created");
}

/// A server process, stopped when the test ends (even by a failed assertion).
pub(crate) struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `vitrine serve` (see `authoring::start_server_with`).
pub(crate) fn serve(site: &TestSite, args: &[&str], env: &[(&str, &str)]) -> (Running, String) {
    let (child, url) = crate::authoring::start_server_with(site, args, env);
    (Running(child), url)
}

/// `http://HOST:PORT/` as an address to connect to (an unspecified bind via loopback).
fn socket_addr(url: &str) -> String {
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    addr.replace("0.0.0.0", "127.0.0.1")
}

/// The status of `GET /` sent with this `Host` header (or none).
fn status_with_host(url: &str, host: Option<&str>) -> u16 {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(socket_addr(url)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    write!(s, "GET / HTTP/1.1\r\n{host}Connection: close\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    text.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

fn port_of(url: &str) -> String {
    url.trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn serve_answers_only_requests_addressed_to_this_machine() {
    let site = published_site();
    let (child, url) = serve(&site, &[], &[]);
    let port = port_of(&url);
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "LocalHost".to_string(),
    ] {
        assert_eq!(status_with_host(&url, Some(&host)), 200, "{host}");
    }
    for host in [
        format!("attacker.example:{port}"),
        "attacker.example".to_string(),
        format!("localhost.attacker.example:{port}"),
        format!("192.168.1.20:{port}"),
    ] {
        assert_eq!(
            status_with_host(&url, Some(&host)),
            403,
            "a rebinding page at {host} is refused"
        );
    }
    assert_ne!(status_with_host(&url, None), 200, "no Host, no answer");
    drop(child);

    // Bound to every address: any IP literal names this machine, a DNS name still does not.
    let (child, url) = serve(&site, &["--bind", "0.0.0.0"], &[]);
    let port = port_of(&url);
    assert_eq!(
        status_with_host(&url, Some(&format!("192.0.2.7:{port}"))),
        200
    );
    assert_eq!(status_with_host(&url, Some("attacker.example")), 403);
    drop(child);
}

#[test]
fn serve_survives_a_panicking_rebuild_and_shows_the_panic() {
    let site = published_site();
    let (child, url) = serve(&site, &[], &[("VITRINE_TEST_PANIC_IF", "boom")]);
    let page = format!("{url}notes/index.html");
    site.write("boom", "");
    let shown = crate::authoring::wait_for(&page, |b| b.contains("vitrine-errors"));
    assert!(
        shown.contains("vitrine panicked while rebuilding: a test asked for a panic")
            && shown.contains("First"),
        "the panic is shown over the last good site: {shown}"
    );
    site.remove("boom");
    site.write("notes/c.md", &note("title: Written after the panic", ""));
    crate::authoring::wait_for(&page, |b| {
        b.contains("Written after the panic") && !b.contains("vitrine-errors")
    });
    drop(child);
}

/// The number of threads of a process.
#[cfg(target_os = "linux")]
fn threads(pid: u32) -> usize {
    let status = read(Path::new(&format!("/proc/{pid}/status")));
    let line = status.lines().find(|l| l.starts_with("Threads:")).unwrap();
    line[8..].trim().parse().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn serve_answers_long_polls_beyond_a_few_at_once_and_keeps_its_threads_bounded() {
    use std::io::{Read, Write};
    let site = published_site();
    let (child, url) = serve(&site, &[], &[]);
    let (_, index) = crate::authoring::get(&url);
    let generation = index
        .split("var g=")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    let polls: Vec<std::net::TcpStream> = (0..100)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(socket_addr(&url)).unwrap();
            write!(
                s,
                "GET /__vitrine/poll?gen={generation} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            s
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_secs(2));
    let mut answered = 0;
    for mut s in &polls {
        s.set_read_timeout(Some(std::time::Duration::from_millis(100)))
            .unwrap();
        let mut buf = [0u8; 64];
        if s.read(&mut buf).is_ok_and(|n| n > 0) {
            assert!(String::from_utf8_lossy(&buf).contains(" 429 "));
            answered += 1;
        }
    }
    assert!(
        answered >= 92,
        "only a few polls wait; the rest are told to come back ({answered} answered)"
    );
    let (status, _) = crate::authoring::get(&format!("{url}notes/index.html"));
    assert_eq!(status, 200, "pages are served while polls wait");
    let bounded = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        threads(child.0.id()) < 50
    });
    assert!(bounded, "{} threads for 100 polls", threads(child.0.id()));
    drop(polls);
    drop(child);
}
