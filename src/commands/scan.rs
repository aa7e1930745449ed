//! `scan`: load one cluster (offline or live), print its surface, save a snapshot; or
//! several live clusters at once (`--context a --context b`, `--all-contexts`), each its
//! own snapshot, scanned concurrently.

use std::path::Path;
use std::sync::Mutex;

use crate::budget::Budget;
use crate::cli::{Output, ScanArgs};
use crate::error::Error;
use crate::exit;
use crate::io::Io;
use crate::pipeline::{self, Knowledge};
use crate::push::Gateway;
use crate::render;
use crate::source::live::context_names;
use crate::surface::Snapshot;

/// How many clusters are scanned at once by default (`--clusters-at-once`). Remote
/// clusters keep a scan mostly waiting on the network, so the bound is set by memory (one
/// scan's peak each, 30 MiB at 5,000 pods, 64 MiB at 50,000), not by the cores.
pub const FLEET_CONCURRENCY: u16 = 16;

/// `scan`: inventory the surface and print it.
pub fn run(args: &ScanArgs, io: &mut Io<'_>, k: &Knowledge) -> Result<u8, Error> {
    // A bad budget is a usage error before anything is read; one snapshot has no before,
    // so only absolute terms apply.
    if super::cost::print(&args.cost, io)? {
        return Ok(exit::OK);
    }
    let pricing = super::cost::pricing(&args.cost)?;
    let budget = args.fail_on.as_deref().map(Budget::parse).transpose()?;
    if let Some(b) = &budget {
        b.require_absolute()?;
        if b.needs_cost() && pricing.is_none() {
            return Err(Error::Usage(
                "--fail-on costMonthly needs a price: give --price or --prices".to_owned(),
            ));
        }
    }
    let gateway = args.push.as_deref().map(Gateway::parse).transpose()?;
    let fleet = args.all_contexts || args.input.cluster.context.len() > 1;
    if fleet && args.cluster_name.is_some() {
        return Err(Error::Usage(
            "--cluster-name names one cluster: a scan of several contexts names each by its context"
                .to_owned(),
        ));
    }
    if fleet || args.save_dir.is_some() {
        if !args.input.from.is_empty() {
            return Err(Error::Usage(
                "--from reads one cluster: several contexts and --save-dir are for live scans"
                    .to_owned(),
            ));
        }
        return run_fleet(
            args,
            budget.as_ref(),
            gateway.as_ref(),
            pricing.as_ref(),
            io,
            k,
        );
    }
    let mut snap = super::input::one(&args.input, args.nodes, args.quiet, io, k)?;
    if let Some(p) = &pricing {
        p.bill(&mut snap);
    }
    if let Some(path) = &args.save {
        save(&snap, path)?;
    }
    let name = args
        .cluster_name
        .as_deref()
        .or(snap.source.context.as_deref());
    if gateway.is_some() && name.is_none() {
        return Err(Error::Usage(
            "--push needs the cluster's name for its grouping key: give --cluster-name NAME \
             (files carry no context)"
                .to_owned(),
        ));
    }
    let text = match args.output {
        Output::Table => render::scan::table(&snap, false, io.color, io.width),
        Output::Wide => render::scan::table(&snap, true, io.color, io.width),
        Output::Json => render::json(&snap)?,
        Output::Yaml => render::yaml(&snap)?,
        Output::Markdown => render::scan::markdown(&snap),
        Output::Openmetrics => {
            render::openmetrics::of_snapshots(&[(args.cluster_name.as_deref(), &snap)])
                .openmetrics()
        }
    };
    io.stdout
        .write_all(text.as_bytes())
        .map_err(Error::Output)?;
    let code = finish(&snap, None, args, budget.as_ref(), io)?;
    if let (Some(g), Some(name)) = (&gateway, name) {
        push(g, name, &snap, args, io)?;
    }
    Ok(code)
}

/// Pushes one cluster's metrics, unless its scan is incomplete: a partial scan would
/// replace the gateway's last complete figures with lower ones, so it is not pushed (and
/// the exit code already says 3).
fn push(
    gateway: &Gateway,
    cluster: &str,
    snap: &Snapshot,
    args: &ScanArgs,
    io: &mut Io<'_>,
) -> Result<(), Error> {
    if !snap.complete {
        writeln!(
            io.stderr,
            "warning: cluster {}: the scan is incomplete, not pushed (the gateway keeps the last complete figures)",
            render::fit::escape(cluster)
        )
        .map_err(Error::Output)?;
        return Ok(());
    }
    let body = render::openmetrics::of_snapshots(&[(None, snap)]).prometheus_text();
    gateway.put(cluster, &body, args.input.cluster.request_timeout)?;
    Ok(())
}

fn save(snap: &Snapshot, path: &Path) -> Result<(), Error> {
    let text = render::json(snap)?;
    std::fs::write(path, text).map_err(|source| Error::Write {
        path: path.to_owned(),
        source,
    })
}

/// Warnings and budget of one printed snapshot (its warnings naming `context` when several
/// clusters are printed); its exit code.
fn finish(
    snap: &Snapshot,
    context: Option<&str>,
    args: &ScanArgs,
    budget: Option<&Budget>,
    io: &mut Io<'_>,
) -> Result<u8, Error> {
    let machine = matches!(
        args.output,
        Output::Json | Output::Yaml | Output::Openmetrics
    );
    if machine && !args.quiet {
        super::print_warnings_in(snap, context, io)?;
    }
    let failures = budget.map(|b| b.check_scan(snap)).unwrap_or_default();
    super::verdict(snap.complete, &failures, context, io)
}

/// Several clusters: each scanned on its own thread (at most `--clusters-at-once` at
/// once), printed in the order given (kubeconfig order for `--all-contexts`). A cluster
/// that cannot be scanned is reported on stderr and the others are still printed; the
/// exit code is the worst over the clusters (`exit::combine`).
fn run_fleet(
    args: &ScanArgs,
    budget: Option<&Budget>,
    gateway: Option<&Gateway>,
    pricing: Option<&super::cost::Pricing>,
    io: &mut Io<'_>,
    k: &Knowledge,
) -> Result<u8, Error> {
    let cluster = &args.input.cluster;
    let contexts = if args.all_contexts {
        let mut all = context_names(cluster.kubeconfig.as_deref())?;
        all.dedup();
        if all.is_empty() {
            return Err(Error::Usage("the kubeconfig has no contexts".to_owned()));
        }
        all
    } else if cluster.context.is_empty() {
        return Err(Error::Usage(
            "--save-dir needs --context NAME (repeatable) or --all-contexts".to_owned(),
        ));
    } else {
        // A context named twice is one cluster: scanned, printed and counted once.
        let mut seen = std::collections::BTreeSet::new();
        cluster
            .context
            .iter()
            .filter(|c| seen.insert(c.as_str()))
            .cloned()
            .collect()
    };
    if let Some(dir) = &args.save_dir {
        std::fs::create_dir_all(dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
    }
    let next = Mutex::new(0usize);
    let results: Vec<Mutex<Option<Result<Snapshot, Error>>>> =
        contexts.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..usize::from(args.clusters_at_once).min(contexts.len()) {
            s.spawn(|| loop {
                let i = {
                    let mut n = next
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    let i = *n;
                    *n += 1;
                    i
                };
                let Some(ctx) = contexts.get(i) else { break };
                let opts = super::input::live_options(cluster, Some(ctx.clone()));
                let r = pipeline::live(&opts, k, None).map_err(Error::from);
                *results[i]
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(r);
            });
        }
    });
    let mut codes = Vec::new();
    let mut snaps = Vec::new();
    for (ctx, r) in contexts.iter().zip(results) {
        match r
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            Some(Ok(mut snap)) => {
                if let Some(p) = pricing {
                    p.bill(&mut snap);
                }
                if let Some(dir) = &args.save_dir {
                    save(&snap, &dir.join(format!("{}.json", file_name(ctx))))?;
                }
                snaps.push(snap);
            }
            Some(Err(e)) => {
                codes.push(e.exit_code());
                writeln!(
                    io.stderr,
                    "error: context {}: {}",
                    render::fit::escape(ctx),
                    render::fit::escape(&e.to_string())
                )
                .map_err(Error::Output)?;
            }
            None => codes.push(exit::ERROR),
        }
    }
    let text = fleet_text(&snaps, args, io)?;
    io.stdout
        .write_all(text.as_bytes())
        .map_err(Error::Output)?;
    for snap in &snaps {
        codes.push(finish(
            snap,
            snap.source.context.as_deref(),
            args,
            budget,
            io,
        )?);
    }
    if let Some(g) = gateway {
        codes.extend(push_each(g, &snaps, args, io)?);
    }
    Ok(exit::combine(codes))
}

/// A fleet's output: a JSON/YAML array, one OpenMetrics exposition labelled by context, or
/// one table (Markdown) section per cluster.
fn fleet_text(snaps: &[Snapshot], args: &ScanArgs, io: &Io<'_>) -> Result<String, Error> {
    Ok(match args.output {
        Output::Json => render::json(&snaps)?,
        Output::Yaml => render::yaml(&snaps)?,
        Output::Openmetrics => {
            let named: Vec<_> = snaps
                .iter()
                .map(|s| (s.source.context.as_deref(), s))
                .collect();
            render::openmetrics::of_snapshots(&named).openmetrics()
        }
        Output::Table | Output::Wide | Output::Markdown => snaps
            .iter()
            .map(|snap| match args.output {
                Output::Wide => render::scan::table(snap, true, io.color, io.width),
                Output::Markdown => render::scan::markdown(snap),
                _ => render::scan::table(snap, false, io.color, io.width),
            })
            .collect::<Vec<_>>()
            .join("\n"),
    })
}

/// Pushes each cluster of a fleet under its context, even when another's push fails;
/// each failure is reported on stderr and gives its exit code.
fn push_each(
    gateway: &Gateway,
    snaps: &[Snapshot],
    args: &ScanArgs,
    io: &mut Io<'_>,
) -> Result<Vec<u8>, Error> {
    let mut codes = Vec::new();
    for snap in snaps {
        let Some(ctx) = &snap.source.context else {
            continue;
        };
        if let Err(e) = push(gateway, ctx, snap, args, io) {
            codes.push(e.exit_code());
            writeln!(io.stderr, "error: {}", render::fit::escape(&e.to_string()))
                .map_err(Error::Output)?;
        }
    }
    Ok(codes)
}

/// A context name as a file name: path separators and other awkward bytes become `_`.
fn file_name(context: &str) -> String {
    let s: String = context
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match s.as_str() {
        "" | "." | ".." => format!("context{s}"),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_file_names_are_safe() {
        assert_eq!(file_name("prod-eu"), "prod-eu");
        assert_eq!(
            file_name("arn:aws:eks:eu-west-1:1:cluster/prod"),
            "arn_aws_eks_eu-west-1_1_cluster_prod"
        );
        assert_eq!(file_name(".."), "context..");
    }
}
