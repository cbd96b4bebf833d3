//! The `vitrine` binary: parse arguments, run, exit with the command's status.

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = vitrine::cli::Cli::parse();
    std::process::exit(vitrine::cli::run(cli));
}
