//! Shell habits: completion scripts and man pages, both generated from the one clap
//! definition of the command line (`cli::Cli`), so they cannot drift from it.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;

use crate::cli::Cli;

/// Prints the completion script for `shell` on stdout. Returns the exit status.
pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "vitrine", &mut script);
    print(&script)
}

/// Prints `vitrine.1` on stdout, or with `out` writes `vitrine.1` and one
/// `vitrine-COMMAND.1` per command into that folder. Returns the exit status.
pub fn man(out: Option<&Path>) -> i32 {
    let cmd = Cli::command();
    let Some(dir) = out else {
        let mut page = Vec::new();
        return match clap_mangen::Man::new(cmd).render(&mut page) {
            Ok(()) => print(&page),
            Err(e) => fail(&format!("cannot render the man page: {e}")),
        };
    };
    match std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cmd, dir)) {
        Ok(()) => {
            let _ = writeln!(std::io::stderr(), "wrote man pages into {}", dir.display());
            0
        }
        Err(e) => fail(&format!(
            "cannot write man pages into {}: {e}",
            dir.display()
        )),
    }
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn print(bytes: &[u8]) -> i32 {
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            fail(&format!("cannot write to stdout: {e}"))
        }
        _ => 0,
    }
}

fn fail(message: &str) -> i32 {
    let _ = writeln!(std::io::stderr(), "error: {message}");
    1
}
