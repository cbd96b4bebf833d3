//! Build script: `include_dir!` embeds the theme and the example project but cannot tell
//! cargo about files added later, so name the folders here and a new file rebuilds.

fn main() {
    println!("cargo::rerun-if-changed=theme");
    println!("cargo::rerun-if-changed=example-site/replay.toml");
    println!("cargo::rerun-if-changed=example-site/site");
    println!("cargo::rerun-if-changed=example-site/history");
}
