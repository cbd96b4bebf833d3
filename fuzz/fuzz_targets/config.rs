//! `vitrine.toml` parsing and validation of arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = vitrine::config::Config::parse(text, std::path::Path::new("vitrine.toml"));
    }
});
