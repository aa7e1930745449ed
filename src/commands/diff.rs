//! `diff`: compare two saved snapshots (or one with the live cluster), print what grew and
//! shrank, and judge `--fail-on` budgets for CI.

use crate::budget::Budget;
use crate::cli::{DiffArgs, DiffOutput, InputArgs};
use crate::error::Error;
use crate::io::Io;
use crate::pipeline::{self, Knowledge};
use crate::render;

/// `diff BEFORE AFTER` or `diff BEFORE --live`.
pub fn run(args: &DiffArgs, io: &mut Io<'_>, k: &Knowledge) -> Result<u8, Error> {
    if super::cost::print(&args.cost, io)? {
        return Ok(crate::exit::OK);
    }
    // A bad budget or price is a usage error before any file is read.
    let budget = args.fail_on.as_deref().map(Budget::parse).transpose()?;
    let pricing = super::cost::pricing(&args.cost)?;
    if pricing.is_none() && budget.as_ref().is_some_and(Budget::needs_cost) {
        return Err(Error::Usage(
            "--fail-on costMonthly needs a price: give --price or --prices".to_owned(),
        ));
    }
    if !args.live && !args.cluster.context.is_empty() {
        return Err(Error::Usage(
            "--context picks the live cluster of `diff BEFORE --live`; \
             with two snapshot files it would be ignored"
                .to_owned(),
        ));
    }
    let mut before = pipeline::saved(&args.before, io.stdin, args.limits.limits())?;
    let mut after = match (&args.after, args.live) {
        (Some(path), false) => pipeline::saved(path, io.stdin, args.limits.limits())?,
        (None, true) => {
            let live = InputArgs {
                from: Vec::new(),
                limits: args.limits,
                cluster: args.cluster.clone(),
                judge: args.judge,
            };
            super::input::one(&live, None, args.quiet, io, k)?
        }
        _ => {
            return Err(Error::Usage(
                "diff takes BEFORE and either AFTER or --live".to_owned(),
            ))
        }
    };
    // Both sides at the same price: the change is the surface's, not the rate card's.
    if let Some(p) = &pricing {
        p.bill(&mut before);
        p.bill(&mut after);
    }
    let d = crate::diff::diff(&before, &after);
    let text = match args.output {
        DiffOutput::Table => render::diff::table(&d, io.color, io.width),
        DiffOutput::Json => render::json(&d)?,
        DiffOutput::Yaml => render::yaml(&d)?,
        DiffOutput::Markdown => render::diff::markdown(&d),
    };
    io.stdout
        .write_all(text.as_bytes())
        .map_err(Error::Output)?;

    for (label, snap) in [("before", &before), ("after", &after)] {
        if !snap.complete && !args.quiet {
            writeln!(
                io.stderr,
                "warning: the {label} snapshot is incomplete (complete: false): its figures are lower bounds"
            )
            .map_err(Error::Output)?;
        }
    }
    let failures = budget
        .map(|b| b.check_diff(&before, &after))
        .unwrap_or_default();
    super::verdict(d.complete, &failures, None, io)
}
