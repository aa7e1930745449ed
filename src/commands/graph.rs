//! `graph`: the dependency graph of one cluster, its blast radius, single points of failure
//! and upgrade runbook, as a table, Graphviz DOT, Mermaid or JSON.

use crate::cli::{GraphArgs, GraphOutput};
use crate::error::Error;
use crate::exit;
use crate::io::Io;
use crate::pipeline::Knowledge;
use crate::{graph, render};

/// `graph`: build the graph of one snapshot and print it.
pub fn run(args: &GraphArgs, io: &mut Io<'_>, k: &Knowledge) -> Result<u8, Error> {
    let snap = super::input::one(&args.input, None, args.quiet, io, k)?;
    let g = graph::build(&snap, &k.catalog);
    let analysis = graph::analyse(&snap, &g, &k.catalog);
    let text = match args.output {
        GraphOutput::Table => render::graph::table(&snap, &g, &analysis, io.color, io.width),
        GraphOutput::Dot => render::graph::dot(&snap, &g),
        GraphOutput::Mermaid => render::graph::mermaid(&snap, &g),
        GraphOutput::Json => render::json(&graph::document(&snap, &g, &analysis))?,
        GraphOutput::Yaml => render::yaml(&graph::document(&snap, &g, &analysis))?,
    };
    io.stdout
        .write_all(text.as_bytes())
        .map_err(Error::Output)?;
    if !args.quiet {
        super::print_warnings(&snap, io)?;
    }
    Ok(if snap.complete {
        exit::OK
    } else {
        exit::INCOMPLETE
    })
}
