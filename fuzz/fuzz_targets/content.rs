//! Loading one content file of any kind, from any bytes, into the typed project.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vitrine::content::{self, Dating, LoadOptions};
use vitrine::dates::When;
use vitrine::git::SourceFile;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else { return };
    let folder = ["notes", "issues", "milestones", "glossary", "feedback", "pages", "metrics"][kind as usize % 7];
    let path = if folder == "metrics" { "metrics/q.csv".to_string() } else { format!("{folder}/x.md") };
    let config = vitrine::config::Config::parse("title = \"t\"\ntimezone = \"Asia/Shanghai\"", std::path::Path::new("v")).unwrap();
    let now = When::from_commit(jiff::Timestamp::UNIX_EPOCH, &config.tz());
    let opts = LoadOptions { config: &config, internal: kind & 8 != 0, dating: Dating { history: None, fallback: now }, cache: None, salt: 0 };
    let _ = content::load(vec![SourceFile { path, bytes: bytes.to_vec() }], &opts);
});
