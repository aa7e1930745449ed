//! One module per subcommand. Each takes its parsed arguments and the standard streams,
//! and returns an exit code; shared loading lives in [`crate::app`].

pub mod complete;
pub mod diff;
pub mod graph;
pub mod headcount;
pub mod plan;
pub mod rbac;
pub mod scan;
pub mod schema;

use crate::app::{Error, Io};
use crate::surface::Snapshot;

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

/// Prints the budget terms that failed, then judges the run: incomplete input (3) beats an
/// exceeded budget (4), as the design's exit codes say.
pub(crate) fn verdict(
    complete: bool,
    failures: &[crate::budget::Failure],
    io: &mut Io<'_>,
) -> Result<u8, Error> {
    use crate::app::exit;
    io.stderr
        .write_all(crate::render::budget_failures(failures).as_bytes())
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
