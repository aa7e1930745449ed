//! One module per subcommand. Each takes its parsed arguments and the standard streams,
//! and returns an exit code; shared loading lives in [`crate::app`].

pub mod diff;
pub mod graph;
pub mod headcount;
pub mod plan;
pub mod rbac;
pub mod scan;

use crate::app::{Error, Io};
use crate::surface::Snapshot;

/// Prints a snapshot's warnings on stderr, one line each (`warning: [code] resource: ...`).
pub(crate) fn print_warnings(snap: &Snapshot, io: &mut Io<'_>) -> Result<(), Error> {
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
        writeln!(
            io.stderr,
            "warning: [{}] {on}{}{count}",
            w.code.as_str(),
            w.message
        )
        .map_err(Error::Output)?;
    }
    Ok(())
}
