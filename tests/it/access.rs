//! Passphrase-protected sites (`[access]`, issue 19): nothing readable without the
//! passphrase, no build without one, nothing published that cannot be encrypted.

use std::path::Path;
use std::process::Output;

use crate::support::*;

const PASSPHRASE: &str = "harbour clinic secret";
const ACCESS: &str = "\n[access]\nmode = \"passphrase\"\n";

/// `vitrine -C ROOT ARGS` with `VITRINE_PASSPHRASE` set to `passphrase` (or unset).
fn vitrine_with(root: &Path, args: &[&str], passphrase: Option<&str>) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("vitrine").unwrap();
    cmd.arg("-C")
        .arg(root)
        .args(args)
        .current_dir(root)
        .env("HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("TZ", "UTC")
        .env_remove("VITRINE_PASSPHRASE");
    if let Some(p) = passphrase {
        cmd.env("VITRINE_PASSPHRASE", p);
    }
    cmd.output().unwrap()
}

fn protected_site(extra_config: &str) -> TestSite {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        &format!(
            "title = \"Test project\"\nclient = \"ACME\"\nbase_url = \"https://acme.example/portal/\"\n{ACCESS}{extra_config}"
        ),
    )
    .write(
        "notes/2026-01-05-kickoff.md",
        &note(
            "title: Reception workflow agreed\nhealth: at-risk\nprogress: 40",
            "The receptionists prefer a single screen for bookings.",
        ),
    )
    .write(
        "milestones/M1.md",
        &note("title: Pilot clinic live\ndue: 2026-02-01", "- [ ] pilot"),
    );
    site.commit_at("site", "2026-01-05T10:00:00+08:00");
    site
}

#[test]
fn a_passphrase_build_fails_without_the_variable_and_with_a_short_passphrase() {
    let site = protected_site("");
    let out = vitrine_with(&site.root, &["build"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("VITRINE_PASSPHRASE"),
        "{}",
        stderr(&out)
    );
    let out = vitrine_with(&site.root, &["build"], Some("too short"));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("at least 12"), "{}", stderr(&out));
    assert!(stderr(&out).contains("hint:"), "{}", stderr(&out));
    assert!(!site.out().exists(), "nothing was written");
}

#[test]
fn outputs_that_cannot_be_encrypted_are_left_out_unless_named_public() {
    let site = protected_site("public = [\"badge.svg\"]\n");
    let out = vitrine_with(&site.root, &["build"], Some(PASSPHRASE));
    assert!(out.status.success(), "{}", stderr(&out));
    for gone in [
        "feed.xml",
        "incidents.xml",
        "calendar.ics",
        "status.json",
        "sitemap.xml",
    ] {
        assert!(!site.out().join(gone).exists(), "{gone} was published");
        assert!(stderr(&out).contains(gone), "the warning names {gone}");
    }
    assert!(site.out().join("badge.svg").is_file(), "named public");
    for (path, text) in all_files(&site.out()) {
        if path.ends_with(".html") {
            assert!(
                text.contains(r#"<meta name="robots" content="noindex">"#),
                "{path} lacks noindex"
            );
            assert!(
                text.contains("id=\"vitrine-sealed\""),
                "{path} is not sealed"
            );
        }
    }
}

#[test]
fn a_public_entry_that_is_not_such_an_output_is_refused() {
    let site = protected_site("public = [\"index.html\"]\n");
    let out = vitrine_with(&site.root, &["build"], Some(PASSPHRASE));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("`index.html`"), "{}", stderr(&out));
}

#[test]
fn two_builds_of_one_commit_are_byte_identical_and_another_passphrase_changes_every_page() {
    let site = protected_site("");
    let build = |dir: &str, p: &str| {
        let out = site.root.join(dir);
        let o = vitrine_with(&site.root, &["build", "-o", out.to_str().unwrap()], Some(p));
        assert!(o.status.success(), "{}", stderr(&o));
        all_files(&out)
    };
    let a = build("out-a", PASSPHRASE);
    assert_eq!(a, build("out-b", PASSPHRASE));
    let c = build("out-c", "another long passphrase");
    let page = |files: &[(String, String)]| {
        files
            .iter()
            .find(|(p, _)| p == "index.html")
            .unwrap()
            .1
            .clone()
    };
    assert_ne!(page(&a), page(&c));
}

#[test]
fn a_static_file_that_repeats_content_fails_the_passphrase_build() {
    let site = protected_site("");
    site.write("static/handout.txt", "Agenda: Reception workflow agreed\n");
    site.commit_at("handout", "2026-01-06T10:00:00+08:00");
    let out = vitrine_with(&site.root, &["build"], Some(PASSPHRASE));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("handout.txt"), "{}", stderr(&out));
    assert!(stderr(&out).contains("leak guard"), "{}", stderr(&out));
}

/// Phrases of the example's content: note and issue titles, glossary definitions and
/// feedback quotes, as their files say them (prose lines, cut to 40 characters).
fn content_phrases(example: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for folder in ["notes", "issues", "glossary", "feedback", "milestones"] {
        for e in std::fs::read_dir(example.join("site").join(folder)).unwrap() {
            let text = read(&e.unwrap().path());
            let mut parts = text.splitn(3, "---\n");
            let (front, body) = (parts.nth(1).unwrap_or(""), parts.next().unwrap_or(""));
            for line in front.lines() {
                if let Some(v) = ["title:", "summary:", "response:"]
                    .iter()
                    .find_map(|k| line.strip_prefix(k))
                {
                    out.push(v.trim().trim_matches('"').to_string());
                }
            }
            for line in body.lines().map(str::trim) {
                let prose = !line.contains(['<', '>', '[', ']', '*', '`', '|', '#', '&', '_']);
                if prose && line.chars().count() >= 30 {
                    out.push(line.trim_start_matches("- ").chars().take(40).collect());
                }
            }
        }
    }
    out.retain(|p| p.chars().count() >= 8);
    out
}

#[test]
fn no_content_of_the_example_site_is_readable_in_a_passphrase_build() {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let demo = dir.path().join("d");
    let out = run(
        &[
            "demo",
            demo.to_str().unwrap(),
            "--example",
            example.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let root = demo.join("status");
    let config = read(&root.join("vitrine.toml"));
    std::fs::write(root.join("vitrine.toml"), format!("{config}{ACCESS}")).unwrap();
    let repo = git2::Repository::open(&demo).unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new("status/vitrine.toml")).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig =
        git2::Signature::new("T", "t@example.com", &git2::Time::new(1_795_000_000, 0)).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "access", &tree, &[&head])
        .unwrap();

    let sealed = dir.path().join("sealed");
    let o = vitrine_with(
        &root,
        &["build", "-o", sealed.to_str().unwrap()],
        Some(PASSPHRASE),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let phrases = content_phrases(&example);
    assert!(phrases.len() > 100, "{} phrases", phrases.len());
    // The control: the plain build of the same content shows those phrases.
    let plain: String = all_files(&root.join("public"))
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    let shown = phrases
        .iter()
        .filter(|p| plain.contains(p.as_str()))
        .count();
    assert!(shown > 50, "only {shown} phrases found in the plain build");
    let files = all_files(&sealed);
    assert!(files.iter().any(|(p, _)| p == "notes/index.html"));
    for (path, text) in &files {
        for phrase in &phrases {
            assert!(
                !text.contains(phrase.as_str()),
                "{path} shows `{phrase}` in plain text"
            );
        }
    }
    let index = &files.iter().find(|(p, _)| p == "index.html").unwrap().1;
    assert!(
        index.contains("Harbour Clinic · Online Booking"),
        "the shell's title"
    );
}
