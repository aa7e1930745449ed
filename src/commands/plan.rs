//! `plan` and `compare`: growth projections from the feature profiles, on this cluster's
//! own surface and scale (`plan`) or on an empty cluster of a given size (`compare`).

use crate::cli::{CompareArgs, InputArgs, PlanArgs, ReportOutput};
use crate::error::Error;
use crate::exit;
use crate::growth::{check_namespaces, ProjectionScale};
use crate::io::Io;
use crate::pipeline::Knowledge;
use crate::render;

/// `plan --enable F1,F2`.
pub fn run(args: &PlanArgs, io: &mut Io<'_>, k: &Knowledge) -> Result<u8, Error> {
    if super::cost::print(&args.cost, io)? {
        return Ok(exit::OK);
    }
    let pricing = super::cost::pricing(&args.cost)?;
    let today = super::input::one(&args.input, None, args.quiet, io, k)?;
    let g = k.growth();
    let mut plan = g.plan(&today, args.mesh.as_deref(), &args.enable, args.l7)?;
    if let Some(sw) = &args.sweep {
        if sw.axis == crate::growth::Axis::Namespaces {
            for &v in &sw.values {
                check_namespaces(v, || "--sweep namespaces".to_owned())?;
            }
        } else {
            check_namespaces(plan.scale.namespaces, || {
                "the scanned cluster's meshed namespaces (snapshot field scale.meshedNamespaces)"
                    .to_owned()
            })?;
        }
        let profile = g.profile(&plan.profile)?;
        let features = g.features(profile, &args.enable)?;
        plan.sweep = g.sweep(
            profile,
            &features,
            &plan.scale,
            sw.axis,
            &sw.values,
            args.l7,
        );
    }
    if let Some(p) = &pricing {
        bill(p, &mut plan.steps);
    }
    let text = match args.output {
        ReportOutput::Table => render::plan::table(&plan, io.color, io.width),
        ReportOutput::Json => render::json(&plan)?,
        ReportOutput::Yaml => render::yaml(&plan)?,
        ReportOutput::Markdown => render::plan::markdown(&plan),
    };
    io.stdout
        .write_all(text.as_bytes())
        .map_err(Error::Output)?;
    if !args.quiet {
        super::print_warnings(&today, io)?;
    }
    Ok(if today.complete {
        exit::OK
    } else {
        exit::INCOMPLETE
    })
}

/// `compare --mesh ... --features ...`.
pub fn compare(args: &CompareArgs, io: &mut Io<'_>, k: &Knowledge) -> Result<u8, Error> {
    if super::cost::print(&args.cost, io)? {
        return Ok(exit::OK);
    }
    let pricing = super::cost::pricing(&args.cost)?;
    // Without --from or --live the comparison is the catalog's alone: no cluster is read.
    let scan = if args.from.is_empty() && !args.live {
        if !args.cluster.context.is_empty() {
            return Err(Error::Usage(
                "--context picks the cluster of `compare --live`; without --live no cluster is read"
                    .to_owned(),
            ));
        }
        None
    } else {
        let input = InputArgs {
            from: args.from.clone(),
            limits: args.limits,
            cluster: args.cluster.clone(),
            judge: crate::cli::JudgeArgs::default(),
        };
        Some(super::input::one(&input, None, args.quiet, io, k)?)
    };
    let base = scan.as_ref().map(ProjectionScale::of);
    let namespaces = args.namespaces.or(base.map(|b| b.namespaces)).unwrap_or(20);
    check_namespaces(namespaces, || {
        if args.namespaces.is_some() {
            "--namespaces".to_owned()
        } else {
            "the scanned cluster's meshed namespaces (snapshot field scale.meshedNamespaces)"
                .to_owned()
        }
    })?;
    let scale = ProjectionScale {
        nodes: args.nodes.or(base.map(|b| b.nodes)).unwrap_or(10),
        namespaces,
        pods: args.pods.or(base.map(|b| b.pods)).unwrap_or(500),
        service_accounts: args
            .service_accounts
            .or(base.map(|b| b.service_accounts))
            .unwrap_or(namespaces.saturating_mul(3)),
    };
    let g = k.growth();
    let mut plan = g.compare(&args.mesh, &args.features, &scale, args.l7, scan.as_ref())?;
    if let Some(p) = &pricing {
        for col in &mut plan.columns {
            bill(p, &mut col.steps);
        }
    }
    let text = match args.output {
        ReportOutput::Table => render::compare::table(&plan, io.color, io.width),
        ReportOutput::Json => render::json(&plan)?,
        ReportOutput::Yaml => render::yaml(&plan)?,
        ReportOutput::Markdown => render::compare::markdown(&plan),
    };
    io.stdout
        .write_all(text.as_bytes())
        .map_err(Error::Output)?;
    match &scan {
        Some(snap) => {
            if !args.quiet {
                super::print_warnings(snap, io)?;
            }
            Ok(if snap.complete {
                exit::OK
            } else {
                exit::INCOMPLETE
            })
        }
        None => Ok(exit::OK),
    }
}

/// Bills every step's surface at the price.
fn bill(p: &super::cost::Pricing, steps: &mut [crate::growth::Step]) {
    for step in steps {
        p.bill(&mut step.snapshot);
        step.cost.clone_from(&step.snapshot.cost);
    }
}
