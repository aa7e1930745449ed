//! `report`: one self-contained HTML page of one cluster or a fleet, for people who would rather look
//! than read tables (a scorecard, hazards, footprint charts, the dependency graph drawn,
//! the upgrade runbook, where the figures came from).
//!
//! HTML is not for a terminal: without `-o FILE`, stdout must be a file or a pipe, and a
//! terminal is refused before anything is read.

use crate::cli::ReportArgs;
use crate::error::Error;
use crate::exit;
use crate::headcount::{headcount, Headcount, Model};
use crate::io::Io;
use crate::pipeline::{self, Knowledge};
use crate::{graph, render};

/// `report [-o FILE]`: scan (or read) one cluster, or read several snapshots (a fleet), and
/// write the page.
pub fn run(args: &ReportArgs, io: &mut Io<'_>, k: &Knowledge) -> Result<u8, Error> {
    if super::cost::print(&args.cost, io)? {
        return Ok(exit::OK);
    }
    if args.output.is_none() && io.stdout_terminal {
        return Err(Error::Usage(
            "the report is an HTML page, not for a terminal: write it to a file with \
             `-o report.html` (or redirect stdout)"
                .to_owned(),
        ));
    }
    // The price first: a bad one is a usage error before anything is read.
    let pricing = super::cost::pricing(&args.cost)?;
    // The old snapshot first: a bad file is reported before the cluster is read.
    let before = before(args, io, pricing.as_ref())?;
    // The model too: a bad model file is reported before the cluster is read.
    let read_model = args
        .model
        .as_deref()
        .map(Model::read)
        .transpose()
        .map_err(|e| Error::Headcount(e.into()))?;
    let fleet = read(args, io, k, pricing.as_ref())?;
    let plan = match (args.enable.is_empty(), fleet.as_slice()) {
        (true, _) => None,
        (false, [(_, today)]) => Some(k.growth().plan(
            today,
            args.mesh.as_deref(),
            &args.enable,
            crate::growth::NamespaceShare::All,
        )?),
        (false, _) => {
            return Err(Error::Usage(
                "--enable plans one cluster: give one --from (or none)".to_owned(),
            ))
        }
    };
    let comparison = match (args.compare, fleet.as_slice()) {
        (false, _) => None,
        (true, [(_, today)]) => Some(compare(args, today, k)?),
        (true, _) => {
            return Err(Error::Usage(
                "--compare takes one cluster's scale: give one --from (or none)".to_owned(),
            ))
        }
    };
    let changes =
        match (&before, fleet.as_slice()) {
            (None, _) => None,
            (Some(old), [(_, now)]) => Some(crate::diff::diff(old, now)),
            (Some(_), _) => return Err(Error::Usage(
                "--before compares one cluster with its old snapshot: give one --from (or none)"
                    .to_owned(),
            )),
        };
    let (headcounts, fleet_headcount) = headcounts(
        &fleet,
        read_model.as_ref().unwrap_or(&k.model),
        &args.enable,
        k,
    )?;
    let built: Vec<_> = fleet
        .iter()
        .map(|(_, snap)| {
            let g = graph::build(snap, &k.catalog);
            let analysis = graph::analyse(snap, &g, &k.catalog);
            (g, analysis)
        })
        .collect();
    let clusters: Vec<render::report::Cluster<'_>> = fleet
        .iter()
        .zip(&built)
        .zip(&headcounts)
        .map(
            |(((name, snap), (g, analysis)), h)| render::report::Cluster {
                name,
                snap,
                graph: g,
                analysis,
                changes: changes.as_ref(),
                plan: plan.as_ref(),
                comparison: comparison.as_ref(),
                headcount: Some(h),
                catalog: &k.catalog,
            },
        )
        .collect();
    let page = render::report::html(&clusters, fleet_headcount.as_ref());
    write(args, io, &page)?;
    if !args.quiet {
        for (name, snap) in &fleet {
            if fleet.len() > 1 && !snap.warnings.is_empty() {
                writeln!(io.stderr, "{}:", render::fit::escape(name)).map_err(Error::Output)?;
            }
            super::print_warnings(snap, io)?;
        }
    }
    Ok(if fleet.iter().all(|(_, s)| s.complete) {
        exit::OK
    } else {
        exit::INCOMPLETE
    })
}

/// The cluster, or the fleet, billed when a price was given.
fn read(
    args: &ReportArgs,
    io: &mut Io<'_>,
    k: &Knowledge,
    pricing: Option<&super::cost::Pricing>,
) -> Result<Vec<(String, crate::surface::Snapshot)>, Error> {
    let mut fleet = super::input::fleet(&args.input, args.quiet, io, k)?;
    for (_, snap) in &mut fleet {
        if let Some(p) = pricing {
            p.bill(snap);
        }
    }
    Ok(fleet)
}

/// `--before`'s snapshot, billed at the one price given, as `diff` does (a change of price
/// is not a change of surface).
fn before(
    args: &ReportArgs,
    io: &mut Io<'_>,
    pricing: Option<&super::cost::Pricing>,
) -> Result<Option<crate::surface::Snapshot>, Error> {
    let Some(path) = args.before.as_deref() else {
        return Ok(None);
    };
    let mut old = pipeline::saved(path, io.stdin, args.input.limits.limits())?;
    if let Some(p) = pricing {
        p.bill(&mut old);
    }
    Ok(Some(old))
}

/// The page to `-o FILE`, or stdout.
fn write(args: &ReportArgs, io: &mut Io<'_>, page: &str) -> Result<(), Error> {
    match &args.output {
        Some(path) => std::fs::write(path, page.as_bytes()).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?,
        None => io
            .stdout
            .write_all(page.as_bytes())
            .map_err(Error::Output)?,
    }
    Ok(())
}

/// Each cluster's own headcount (with `--enable` for one cluster), and the fleet's when
/// there are several (its learnt-once terms count each CRD and proxy type once).
fn headcounts(
    fleet: &[(String, crate::surface::Snapshot)],
    model: &Model,
    enable: &[String],
    k: &Knowledge,
) -> Result<(Vec<Headcount>, Option<Headcount>), Error> {
    let growth = k.growth();
    let enable: &[String] = if fleet.len() == 1 { enable } else { &[] };
    let own = fleet
        .iter()
        .map(|one| headcount(std::slice::from_ref(one), model, enable, &growth))
        .collect::<Result<Vec<_>, _>>()?;
    let all = if fleet.len() > 1 {
        Some(headcount(fleet, model, &[], &growth)?)
    } else {
        None
    };
    Ok((own, all))
}

/// `--compare`: every feature profile at this cluster's scale, calibrated by its scan.
fn compare(
    args: &ReportArgs,
    today: &crate::surface::Snapshot,
    k: &Knowledge,
) -> Result<crate::growth::ComparePlan, Error> {
    let scale = crate::growth::ProjectionScale::of(today);
    crate::growth::check_namespaces(scale.namespaces, || {
        "the scanned cluster's meshed namespaces (snapshot field scale.meshedNamespaces)".to_owned()
    })?;
    let meshes: Vec<String> = k.profiles.iter().map(|p| p.profile.clone()).collect();
    let features: Vec<String> = if args.enable.is_empty() {
        COMPARE_FEATURES.iter().map(|&f| f.to_owned()).collect()
    } else {
        args.enable.clone()
    };
    Ok(k.growth().compare(
        &meshes,
        &features,
        &scale,
        crate::growth::NamespaceShare::All,
        Some(today),
    )?)
}

/// The features `--compare` adopts without `--enable`: `compare`'s default.
const COMPARE_FEATURES: [&str; 5] = [
    "mtls",
    "l7-policy",
    "ingress",
    "observability",
    "multicluster",
];
