//! Front matter: fences, YAML and TOML parsing of arbitrary bytes never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = vitrine::content::front_matter_of(data, "notes/fuzz.md");
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = vitrine::content::split(text);
        let _ = vitrine::content::visibility::strip(text, vitrine::content::visibility::Keep::No);
    }
});
