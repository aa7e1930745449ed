//! `kubectl-meshsurface`: parse the command line, run it, map the outcome to an exit code.

use std::io::IsTerminal;
use std::process::ExitCode;

use meshsurface::error::Error;
use meshsurface::exit;
use meshsurface::io::{terminal_width, Io};

#[expect(
    clippy::print_stderr,
    reason = "the entry point reports the final error; everything else writes through `io::Io`"
)]
fn main() -> ExitCode {
    let cli = match meshsurface::cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let stdout = std::io::stdout();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut io = Io {
        stdin: &mut std::io::stdin().lock(),
        stdout: &mut stdout.lock(),
        stderr: &mut std::io::stderr().lock(),
        color,
        stdout_terminal: stdout.is_terminal(),
        stderr_terminal: std::io::stderr().is_terminal(),
        width: terminal_width(
            std::env::var("COLUMNS").ok().as_deref(),
            terminal_size::terminal_size_of(&stdout).map(|(w, _)| usize::from(w.0)),
        ),
    };
    match meshsurface::commands::run(cli, &mut io) {
        Ok(code) => ExitCode::from(code),
        Err(Error::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let code = e.exit_code();
            // Every error message already carries its cause: print it once.
            eprintln!("error: {e}");
            ExitCode::from(code)
        }
    }
}
