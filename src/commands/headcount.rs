//! `headcount`: the figures of a cluster or a fleet and the model's estimate over them.

use crate::catalog::Catalog;
use crate::cli::{HeadcountArgs, HeadcountOutput};
use crate::error::Error;
use crate::exit;
use crate::growth::Growth;
use crate::headcount::{headcount, Model, DEFAULT_MODEL};
use crate::io::Io;
use crate::load::load_fleet;
use crate::render;

/// `headcount [--from SNAPSHOTS...] [--model FILE] [--enable F1,F2]`.
pub fn run(args: &HeadcountArgs, io: &mut Io<'_>) -> Result<u8, Error> {
    if args.print_model {
        io.stdout
            .write_all(DEFAULT_MODEL.as_bytes())
            .map_err(Error::Output)?;
        return Ok(exit::OK);
    }
    // The model first: a bad model file is reported before any cluster is read.
    let model = match &args.model {
        Some(path) => Model::read(path),
        None => Model::default_model(),
    }
    .map_err(|e| Error::Headcount(e.into()))?;
    let fleet = load_fleet(&args.input, args.quiet, io)?;
    if !args.quiet {
        for (name, snap) in &fleet {
            if fleet.len() > 1 && !snap.warnings.is_empty() {
                writeln!(io.stderr, "{}:", render::fit::escape(name)).map_err(Error::Output)?;
            }
            super::print_warnings(snap, io)?;
        }
    }
    let catalog = Catalog::load()?;
    let growth = Growth::new(&catalog)?;
    let h = headcount(&fleet, &model, &args.enable, &growth)?;
    let text = match args.output {
        HeadcountOutput::Table => render::headcount::table(&h, io.color, io.width),
        HeadcountOutput::Csv => render::headcount::csv(&h),
        HeadcountOutput::Json => render::json(&h)?,
        HeadcountOutput::Yaml => render::yaml(&h)?,
    };
    io.stdout
        .write_all(text.as_bytes())
        .map_err(Error::Output)?;
    Ok(if fleet.iter().all(|(_, s)| s.complete) {
        exit::OK
    } else {
        exit::INCOMPLETE
    })
}
