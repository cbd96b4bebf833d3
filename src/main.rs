//! The `vitrine` binary: parse arguments, run, exit with the command's status.

use clap::Parser;

fn main() {
    let cli = vitrine::cli::Cli::parse();
    std::process::exit(vitrine::cli::run(cli));
}
