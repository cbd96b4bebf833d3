//! Generates a large, realistic repository for benchmarks: a site root `status/` with N
//! notes and M issues, issues changing status over time, and code commits outside the site
//! root, C commits in all, with fixed dates. Also writes the same Markdown as a Hugo site,
//! so both tools render the same text in the same run.
//!
//! cargo run --release --example genrepo -- DIR [--notes 2000] [--issues 500] [--commits 10000] [--days 365]
//!
//! The repository is written with `git fast-import` (the git CLI is needed for benchmarks
//! only, never for vitrine itself).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Args {
    dir: PathBuf,
    notes: usize,
    issues: usize,
    commits: usize,
    days: usize,
}

fn args() -> Args {
    let mut a = Args {
        dir: PathBuf::from("bench-out/repo"),
        notes: 2000,
        issues: 500,
        commits: 10_000,
        days: 365,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut num = || it.next().and_then(|v| v.parse().ok()).expect("a number");
        match arg.as_str() {
            "--notes" => a.notes = num(),
            "--issues" => a.issues = num(),
            "--commits" => a.commits = num(),
            "--days" => a.days = num(),
            _ => a.dir = PathBuf::from(arg),
        }
    }
    a
}

#[path = "common/text.rs"]
mod text;
use text::{Rng, note_body, sentence};

const STATUSES: &[&str] = &["open", "in-progress", "blocked", "resolved", "closed"];
const SEVERITIES: &[&str] = &["critical", "major", "minor", "trivial"];
const TYPES: &[&str] = &["defect", "defect", "risk", "change", "question", "task"];

fn issue_text(r: &mut Rng, id: usize, version: usize) -> String {
    let status = STATUSES[version.min(STATUSES.len() - 1)];
    let mut seed = Rng(id as u64 * 7919 + 1);
    format!(
        "---\ntitle: \"{}\"\ntype: {}\nstatus: {status}\nseverity: {}\nowner: Owner {}\n---\n{}\n\n{}\n",
        sentence(&mut seed, 6).trim_end_matches('.'),
        seed.pick(TYPES),
        seed.pick(SEVERITIES),
        id % 7,
        sentence(r, 40),
        sentence(r, 25)
    )
}

fn main() {
    let a = args();
    std::fs::create_dir_all(&a.dir).unwrap();
    let repo = a.dir.join("repo");
    let hugo = a.dir.join("hugo");
    let _ = std::fs::remove_dir_all(&repo);
    let _ = std::fs::remove_dir_all(&hugo);
    std::fs::create_dir_all(&repo).unwrap();
    run(Command::new("git")
        .args(["init", "-q", "-b", "main"])
        .current_dir(&repo));
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(&repo)
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    let mut w = std::io::BufWriter::new(child.stdin.take().unwrap());
    let mut r = Rng(0x9e3779b97f4a7c15);
    let start: i64 = 1_735_689_600; // 2025-01-01T00:00:00Z
    let step = (a.days * 86_400 / a.commits.max(1)) as i64;
    let (mut notes, mut issues) = (0usize, 0usize);
    let mut versions = vec![0usize; a.issues];
    let mut hugo_files: Vec<(String, String)> = Vec::new();
    for c in 0..a.commits {
        let remaining = a.commits - c;
        let left_to_add = (a.notes - notes) + (a.issues - issues);
        let roll = r.next() % 100;
        let mut files: Vec<(String, String)> = Vec::new();
        let msg;
        if c == 0 {
            files.push((
                "status/vitrine.toml".into(),
                "title = \"Benchmark project\"\ntimezone = \"Asia/Shanghai\"\n".into(),
            ));
            msg = "docs: set up the status site".to_string();
        } else if left_to_add > 0 && (left_to_add >= remaining || roll < 30) {
            if notes < a.notes
                && (issues >= a.issues || r.next() % (a.notes + a.issues) as u64 >= a.issues as u64)
            {
                notes += 1;
                let title = sentence(&mut r, 6);
                let body = note_body(&mut r, notes);
                let front = format!(
                    "title: \"{}\"\nhealth: {}\nprogress: {}",
                    title.trim_end_matches('.'),
                    r.pick(&["on-track", "at-risk"]),
                    (notes * 100 / a.notes).min(100)
                );
                files.push((
                    format!("status/notes/{notes:05}.md"),
                    format!("---\n{front}\n---\n{body}"),
                ));
                hugo_files.push((
                    format!("content/notes/{notes:05}.md"),
                    format!(
                        "---\n{front}\ndate: {}\n---\n{body}",
                        iso(start + c as i64 * step)
                    ),
                ));
                msg = format!("docs: status note {notes}");
            } else {
                issues += 1;
                let text = issue_text(&mut r, issues, 0);
                files.push((format!("status/issues/ISS-{issues}.md"), text));
                msg = format!("docs: report ISS-{issues}");
            }
        } else if issues > 0 && roll < 55 {
            let id = 1 + (r.next() % issues as u64) as usize;
            versions[id - 1] += 1;
            files.push((
                format!("status/issues/ISS-{id}.md"),
                issue_text(&mut r, id, versions[id - 1]),
            ));
            msg = format!("docs: update ISS-{id}");
        } else {
            let n = r.next() % 200;
            files.push((
                format!("src/module{n}.rs"),
                format!("// {}\nfn f{c}() {{}}\n", sentence(&mut r, 12)),
            ));
            msg = format!("feat(module{n}): {}", sentence(&mut r, 5).to_lowercase());
        }
        let t = start + c as i64 * step;
        writeln!(w, "commit refs/heads/main\nmark :{}", c + 1).unwrap();
        let who = [
            "Li Wei <li@example.com>",
            "Tom Okafor <tom@example.com>",
            "Maria Santos <maria@example.com>",
        ][c % 3];
        writeln!(w, "author {who} {t} +0800\ncommitter {who} {t} +0800").unwrap();
        writeln!(w, "data {}\n{msg}", msg.len()).unwrap();
        if c > 0 {
            writeln!(w, "from :{c}").unwrap();
        }
        for (path, text) in files {
            writeln!(w, "M 100644 inline {path}\ndata {}\n{text}", text.len()).unwrap();
        }
        if c % 1000 == 999 {
            writeln!(w, "reset refs/tags/v{}.0.0\nfrom :{}\n", c / 1000, c + 1).unwrap();
        }
    }
    drop(w);
    assert!(child.wait().unwrap().success(), "git fast-import failed");
    run(Command::new("git")
        .args(["checkout", "-q", "main"])
        .current_dir(&repo));
    // Issues as they are at the end, for Hugo.
    for (i, v) in versions.iter().enumerate().take(issues) {
        let mut r2 = Rng(i as u64 + 11);
        let text = issue_text(&mut r2, i + 1, *v).replacen(
            "---\n",
            &format!("---\ndate: {}\n", iso(start)),
            1,
        );
        hugo_files.push((format!("content/issues/ISS-{}.md", i + 1), text));
    }
    write_hugo(&hugo, &hugo_files);
    println!(
        "{} commits, {notes} notes, {issues} issues in {}; Hugo site in {}",
        a.commits,
        repo.display(),
        hugo.display()
    );
}

fn iso(t: i64) -> String {
    jiff::Timestamp::from_second(t).unwrap().to_string()
}

fn run(cmd: &mut Command) {
    assert!(cmd.status().unwrap().success(), "{cmd:?} failed");
}

/// A minimal Hugo site over the same Markdown: one list and one single template.
fn write_hugo(dir: &Path, files: &[(String, String)]) {
    let put = |p: &str, t: &str| {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    };
    put(
        "hugo.toml",
        "baseURL = \"https://example.org/\"\ntitle = \"Benchmark\"\ndisableKinds = [\"taxonomy\", \"term\"]\n",
    );
    put(
        "layouts/_default/baseof.html",
        "<!doctype html><html><head><title>{{ .Title }}</title></head><body><nav><a href=\"/\">Home</a></nav>{{ block \"main\" . }}{{ end }}</body></html>\n",
    );
    put(
        "layouts/_default/single.html",
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><time>{{ .Date }}</time>{{ .Content }}{{ end }}\n",
    );
    put(
        "layouts/_default/list.html",
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}\n",
    );
    put(
        "layouts/index.html",
        "{{ define \"main\" }}<ul>{{ range first 5 .Site.RegularPages }}<li>{{ .Title }}</li>{{ end }}</ul>{{ end }}\n",
    );
    for (p, t) in files {
        put(p, t);
    }
}
