//! `headcount`: the figures of a cluster or a fleet and the model's estimate over them.

use crate::cli::{HeadcountArgs, HeadcountOutput};
use crate::error::Error;
use crate::exit;
use crate::headcount::{headcount, Model, DEFAULT_MODEL};
use crate::io::Io;
use crate::pipeline::Knowledge;
use crate::render;

/// `headcount [--from SNAPSHOTS...] [--model FILE] [--enable F1,F2]`.
pub fn run(args: &HeadcountArgs, io: &mut Io<'_>, k: &Knowledge) -> Result<u8, Error> {
    if args.print_model {
        io.stdout
            .write_all(DEFAULT_MODEL.as_bytes())
            .map_err(Error::Output)?;
        return Ok(exit::OK);
    }
    if super::cost::print(&args.cost, io)? {
        return Ok(exit::OK);
    }
    // A bad price, or one flag of the pair alone, is a usage error before anything is read.
    let pricing = super::cost::pricing(&args.cost)?;
    match (&pricing, args.fte_cost) {
        (Some(_), None) => {
            return Err(Error::Usage(
                "--price/--prices in headcount is for the cost of ownership: give --fte-cost AMOUNT too"
                    .to_owned(),
            ))
        }
        (None, Some(_)) => {
            return Err(Error::Usage(
                "--fte-cost needs a compute price beside it: give --price or --prices".to_owned(),
            ))
        }
        _ => {}
    }
    // The model first: a bad model file is reported before any cluster is read.
    let read;
    let model = match &args.model {
        Some(path) => {
            read = Model::read(path).map_err(|e| Error::Headcount(e.into()))?;
            &read
        }
        None => &k.model,
    };
    let mut fleet = super::input::fleet(&args.input, args.quiet, io, k)?;
    if !args.quiet {
        for (name, snap) in &fleet {
            if fleet.len() > 1 && !snap.warnings.is_empty() {
                writeln!(io.stderr, "{}:", render::fit::escape(name)).map_err(Error::Output)?;
            }
            super::print_warnings(snap, io)?;
        }
    }
    let growth = k.growth();
    let mut h = headcount(&fleet, model, &args.enable, &growth)?;
    if let (Some(p), Some(fte_cost)) = (&pricing, args.fte_cost) {
        for (_, snap) in &mut fleet {
            p.bill(snap);
        }
        h = h.with_tco(&fleet, fte_cost);
    }
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
