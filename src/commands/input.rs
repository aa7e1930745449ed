//! The command line's input flags (`--from`, `--context`, `-n`, the caps) turned into
//! [`pipeline`] calls: the one place a command's flags choose between files and a live
//! cluster, so that every command refuses the same contradictions the same way.

use std::io::Write;

use crate::cli::{ClusterArgs, InputArgs};
use crate::error::Error;
use crate::io::Io;
use crate::pipeline::{self, Files, Knowledge, Scope};
use crate::source::live::LiveOptions;
use crate::surface::Snapshot;

/// How to reach the cluster of `context` (else the kubeconfig's current one).
pub(crate) fn live_options(c: &ClusterArgs, context: Option<String>) -> LiveOptions {
    LiveOptions {
        kubeconfig: c.kubeconfig.clone(),
        context,
        namespace: c.namespace.clone(),
        request_timeout: Some(c.request_timeout).filter(|d| !d.is_zero()),
        concurrency: usize::from(c.concurrency),
        page_size: c.page_size,
        max_page_bytes: c.max_page_size,
    }
}

/// The one cluster a command works on: offline with `--from`, else live. `nodes` is
/// `scan --nodes`; `quiet` suppresses the progress line.
pub(crate) fn one(
    input: &InputArgs,
    nodes: Option<u64>,
    quiet: bool,
    io: &mut Io<'_>,
    k: &Knowledge,
) -> Result<Snapshot, Error> {
    refuse_context_offline(input)?;
    if !input.from.is_empty() {
        let scope = Scope {
            namespace: input.cluster.namespace.clone(),
            nodes,
        };
        return Ok(pipeline::offline(files(input, io), &scope, k)?);
    }
    let context = match input.cluster.context.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        _ => {
            return Err(Error::Usage(
                "only `scan` takes several --context flags (one snapshot per cluster)".to_owned(),
            ))
        }
    };
    // Progress goes through the command's own stderr handle, only on a terminal.
    let progress: Option<&mut dyn Write> = if io.stderr_terminal && !quiet {
        Some(&mut *io.stderr)
    } else {
        None
    };
    Ok(pipeline::live(
        &live_options(&input.cluster, context),
        k,
        progress,
    )?)
}

/// A fleet: every snapshot `--from` names is one cluster; raw manifests are one cluster;
/// without `--from`, the live cluster (named after its context).
pub(crate) fn fleet(
    input: &InputArgs,
    quiet: bool,
    io: &mut Io<'_>,
    k: &Knowledge,
) -> Result<Vec<(String, Snapshot)>, Error> {
    if input.from.is_empty() {
        let snap = one(input, None, quiet, io, k)?;
        let name = snap
            .source
            .context
            .clone()
            .unwrap_or_else(|| "(current context)".to_owned());
        return Ok(vec![(name, snap)]);
    }
    refuse_context_offline(input)?;
    Ok(pipeline::fleet(
        files(input, io),
        input.cluster.namespace.as_deref(),
        k,
    )?)
}

fn files<'a>(input: &'a InputArgs, io: &'a mut Io<'_>) -> Files<'a> {
    Files {
        paths: &input.from,
        stdin: &mut *io.stdin,
        limits: input.limits.limits(),
    }
}

/// `--context` picks a live cluster: with `--from` it would be silently ignored, so the
/// two together are a usage error.
pub(crate) fn refuse_context_offline(input: &InputArgs) -> Result<(), Error> {
    if input.from.is_empty() || input.cluster.context.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "--context {} picks a live cluster, but --from reads files instead: give one or the other",
        input.cluster.context.join(" --context ")
    )))
}
