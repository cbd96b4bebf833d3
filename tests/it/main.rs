//! One integration-test binary (links once). Every file in this folder must be a module
//! here; `all_test_files_are_wired_in` fails otherwise.

mod support;

mod access;
mod authoring;
mod bounded;
mod build;
mod changelog;
mod cli;
mod confidential;
mod content;
mod experience;
mod glossary;
mod history;
mod hostile;
mod incremental;
mod install;
mod layering;
mod markers;
mod report;
mod routes;
mod safety;
mod theme;
mod truth;
mod visibility;
mod walk;

#[test]
fn all_test_files_are_wired_in() {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it");
    let main = std::fs::read_to_string(here.join("main.rs")).unwrap();
    for entry in std::fs::read_dir(&here).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if let Some(stem) = name.strip_suffix(".rs").filter(|s| *s != "main") {
            assert!(
                main.contains(&format!("mod {stem};")),
                "tests/it/{name} is not declared in main.rs"
            );
        }
    }
}
