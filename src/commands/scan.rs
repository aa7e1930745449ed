//! `scan`: load one cluster (offline now, live later), print its surface, save a snapshot.

use crate::app::{exit, load_snapshot, Error, Io};
use crate::cli::{Output, ScanArgs};
use crate::diff::budget::Budget;
use crate::render;

/// `scan`: inventory the surface and print it.
pub fn run(args: &ScanArgs, io: &mut Io<'_>) -> Result<u8, Error> {
    // A bad budget is a usage error before anything is read; one snapshot has no before,
    // so only absolute terms apply.
    let budget = args.fail_on.as_deref().map(Budget::parse).transpose()?;
    if let Some(b) = &budget {
        b.require_absolute()?;
    }
    let snap = load_snapshot(&args.input, args.quiet, io)?;
    if let Some(path) = &args.save {
        let text = render::json(&snap)?;
        std::fs::write(path, text).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    }
    let text = match args.output {
        Output::Table => render::table(&snap, false, io.color),
        Output::Wide => render::table(&snap, true, io.color),
        Output::Json => render::json(&snap)?,
        Output::Yaml => render::yaml(&snap)?,
        Output::Markdown => render::markdown(&snap),
    };
    io.stdout
        .write_all(text.as_bytes())
        .map_err(Error::Output)?;
    let machine = matches!(args.output, Output::Json | Output::Yaml);
    if machine && !args.quiet {
        super::print_warnings(&snap, io)?;
    }
    let failures = budget
        .map(|b| b.check_scan(&snap.totals))
        .unwrap_or_default();
    io.stderr
        .write_all(render::budget_failures(&failures).as_bytes())
        .map_err(Error::Output)?;
    Ok(exit::combine([
        if snap.complete {
            exit::OK
        } else {
            exit::INCOMPLETE
        },
        if failures.is_empty() {
            exit::OK
        } else {
            exit::BUDGET
        },
    ]))
}
