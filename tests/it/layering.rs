//! The stage order is a fact: every `crate::` path in a module must name a module its
//! layer may use, as listed in `src/lib.rs`'s documentation; `git2` appears only in
//! `src/git/`, `clap` only in `src/cli.rs` and `src/main.rs`. A back edge fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The allowed matrix from `src/lib.rs`: lines `//! - \`module\`: a, b, c`.
fn allowed(lib: &str) -> BTreeMap<String, BTreeSet<String>> {
    lib.lines()
        .filter_map(|l| l.strip_prefix("//! - `"))
        .filter_map(|l| l.split_once("`:"))
        .map(|(m, rest)| {
            let deps = rest
                .split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string)
                .collect();
            (m.to_string(), deps)
        })
        .collect()
}

/// Every `.rs` file under `dir`, with its top-level module name.
fn sources(src: &Path) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(src)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let module = rel
                    .split('/')
                    .next()
                    .unwrap()
                    .trim_end_matches(".rs")
                    .to_string();
                out.push((module, rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out
}

/// The modules a source names through `crate::…` (in `use` lines and paths alike).
fn uses(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + 7..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if modules.contains(&name) {
            out.insert(name);
        }
        // `use crate::{a, b}`: every name in the braces.
        if rest.starts_with('{') {
            let inner = &rest[1..rest.find('}').unwrap_or(rest.len())];
            for part in inner.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if modules.contains(&name) {
                    out.insert(name);
                }
            }
        }
    }
    out
}

/// Every edge that the matrix does not allow: (file, module it uses).
fn back_edges(src: &Path) -> Vec<(String, String)> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let matrix = allowed(&lib);
    let modules: BTreeSet<String> = matrix.keys().cloned().collect();
    let mut bad = Vec::new();
    for (module, rel, text) in sources(src) {
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(ok) = matrix.get(&module) else {
            bad.push((rel, format!("module `{module}` is not in lib.rs's matrix")));
            continue;
        };
        for used in uses(&text, &modules) {
            if used != module && !ok.contains(&used) {
                bad.push((rel.clone(), used));
            }
        }
    }
    bad
}

#[test]
fn every_module_uses_only_the_stages_before_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = back_edges(&src);
    assert!(
        bad.is_empty(),
        "edges the matrix in src/lib.rs does not allow: {bad:#?}"
    );
}

#[test]
fn a_back_edge_is_caught() {
    // A copy of the sources with one back edge added: content reaching into render.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("src");
    for (_, rel, text) in sources(&src) {
        let to = copy.join(&rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        let text = if rel == "content/text.rs" {
            format!("{text}\nfn _back() {{ let _ = crate::render::markdown::excerpt; }}\n")
        } else {
            text
        };
        std::fs::write(to, text).unwrap();
    }
    let bad = back_edges(&copy);
    assert_eq!(bad, [("content/text.rs".to_string(), "render".to_string())]);
}

#[test]
fn git2_only_in_git_and_clap_only_in_the_cli() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (module, rel, text) in sources(&src) {
        if text.contains("git2::") {
            assert_eq!(module, "git", "{rel} uses git2");
        }
        if text.contains("clap::") || text.contains("use clap") {
            assert!(module == "cli" || module == "main", "{rel} uses clap");
        }
    }
}
