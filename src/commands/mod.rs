//! One module per subcommand, and [`run`], which dispatches a parsed command line to them.
//! Each takes its parsed arguments and the standard streams, and returns an exit code.
//!
//! Commands sit at the top: they call downward into [`crate::pipeline`] (the one way a
//! cluster is loaded, through `input` for the flags), [`crate::io`], [`crate::exit`] and
//! [`crate::error`], none of which imports them back.

pub mod complete;
mod cost;
pub mod diff;
pub mod graph;
pub mod headcount;
mod input;
pub mod plan;
pub mod rbac;
pub mod report;
pub mod scan;
pub mod schema;
pub mod serve;

use crate::cli::{Cli, Command};
use crate::error::Error;
use crate::exit;
use crate::io::Io;
use crate::pipeline::Knowledge;
use crate::surface::Snapshot;

/// Runs one command; returns the exit code. The built-in [`Knowledge`] is loaded here,
/// once, and lent to the commands that read clusters or project them.
pub fn run(cli: Cli, io: &mut Io<'_>) -> Result<u8, Error> {
    let mut k = Knowledge::load()?;
    k.as_of = cli.command.as_of();
    match cli.command {
        Command::Scan(args) => scan::run(&args, io, &k),
        Command::Diff(args) => diff::run(&args, io, &k),
        Command::Plan(args) => plan::run(&args, io, &k),
        Command::Compare(args) => plan::compare(&args, io, &k),
        Command::Serve(args) => serve::run(&args, io, k),
        Command::Rbac => rbac::run(io, &k),
        Command::Graph(args) => graph::run(&args, io, &k),
        Command::Headcount(args) => headcount::run(&args, io, &k),
        Command::Report(args) => report::run(&args, io, &k),
        Command::Completion(args) => complete::script(&args, io),
        Command::Man(args) => complete::man(&args),
        Command::Schema(args) => schema::run(&args),
    }
}

/// Prints a snapshot's warnings on stderr, one line each (`warning: [code] resource: ...`).
pub(crate) fn print_warnings(snap: &Snapshot, io: &mut Io<'_>) -> Result<(), Error> {
    print_warnings_in(snap, None, io)
}

/// The same, each line naming the cluster's context when several are printed together
/// (`warning: context eu: [code] ...`).
pub(crate) fn print_warnings_in(
    snap: &Snapshot,
    context: Option<&str>,
    io: &mut Io<'_>,
) -> Result<(), Error> {
    let from = context
        .map(|c| format!("context {c}: "))
        .unwrap_or_default();
    for w in &snap.warnings {
        let count = if w.count > 1 {
            format!(" (x{})", w.count)
        } else {
            String::new()
        };
        let on = w
            .resource
            .as_ref()
            .map(|r| format!("{r}: "))
            .unwrap_or_default();
        // Names come from the cluster: no control character reaches the terminal.
        let line = format!(
            "warning: {from}[{}] {on}{}{count}",
            w.code.as_str(),
            w.message
        );
        writeln!(io.stderr, "{}", crate::render::fit::escape(&line)).map_err(Error::Output)?;
    }
    Ok(())
}

/// Prints the budget terms that failed (naming `context` when several clusters are
/// judged), then judges the run: incomplete input (3) beats an
/// exceeded budget (4), as the design's exit codes say.
pub(crate) fn verdict(
    complete: bool,
    failures: &[crate::budget::Failure],
    context: Option<&str>,
    io: &mut Io<'_>,
) -> Result<u8, Error> {
    io.stderr
        .write_all(crate::render::budget::failures(failures, context).as_bytes())
        .map_err(Error::Output)?;
    Ok(exit::combine([
        if complete { exit::OK } else { exit::INCOMPLETE },
        if failures.is_empty() {
            exit::OK
        } else {
            exit::BUDGET
        },
    ]))
}
