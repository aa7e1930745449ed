//! Loading the cluster(s) a command works on: source → inventory → detect, composed in one
//! place (live with `--context`, offline with `--from`, saved snapshots for `diff`).
//!
//! Below `commands` (which call it) and never importing them back: it returns a
//! [`Snapshot`] or an [`Error`], and the command decides what to print and which exit code.

use std::io::Write;

use crate::catalog::Catalog;
use crate::cli::{ClusterArgs, InputArgs};
use crate::error::Error;
use crate::inventory::{Inventory, KeepKeys};
use crate::io::Io;
use crate::source::live::{scan_live, LiveOptions};
use crate::source::{self, read_offline};
use crate::surface::{Snapshot, Source, SourceKind};

/// The current time as RFC 3339 UTC (no time crate needed for one timestamp).
/// `SOURCE_DATE_EPOCH` (the reproducible-builds convention) pins it, for golden output.
pub fn now_rfc3339() -> String {
    let pinned = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    let secs = pinned.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    });
    rfc3339(secs)
}

fn rfc3339(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Scans one live cluster (`context`, else the kubeconfig's current one) into a snapshot.
pub fn live_snapshot(
    c: &ClusterArgs,
    context: Option<String>,
    progress: Option<&mut dyn Write>,
    catalog: &Catalog,
) -> Result<Snapshot, Error> {
    let opts = LiveOptions {
        kubeconfig: c.kubeconfig.clone(),
        context,
        namespace: c.namespace.clone(),
        request_timeout: Some(c.request_timeout).filter(|d| !d.is_zero()),
        concurrency: usize::from(c.concurrency),
        page_size: c.page_size,
        max_page_bytes: c.max_page_size,
    };
    let keep = KeepKeys {
        annotations: catalog.annotation_keys(),
    };
    let namespaces = |w: &[crate::inventory::Workload], ns: &str| {
        crate::detect::scope::mesh_namespaces(catalog, w, ns)
    };
    let live = scan_live(&opts, keep, &namespaces, progress)?;
    let src = Source {
        kind: SourceKind::Live,
        context: Some(live.context),
        paths: Vec::new(),
        namespace: c.namespace.clone(),
        taken_at: now_rfc3339(),
    };
    let inv = scoped(live.inventory, c, catalog);
    let mut snap = crate::detect::detect(&inv, catalog, src);
    crate::graph::fill_upgrade_steps(&mut snap, catalog);
    snap.complete = live.complete;
    Ok(snap)
}

/// `--context` picks a live cluster: with `--from` it would be silently ignored, so the
/// two together are a usage error.
fn refuse_context_offline(input: &InputArgs) -> Result<(), Error> {
    if input.from.is_empty() || input.cluster.context.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "--context {} picks a live cluster, but --from reads files instead: give one or the other",
        input.cluster.context.join(" --context ")
    )))
}

/// Loads the one cluster a command works on: offline with `--from`, else live.
/// `quiet` suppresses the progress line.
pub fn load_snapshot(input: &InputArgs, quiet: bool, io: &mut Io<'_>) -> Result<Snapshot, Error> {
    load_snapshot_nodes(input, None, quiet, io)
}

/// [`load_snapshot`], with `scan --nodes N`: the node count DaemonSets project to when raw
/// manifests hold no Node objects.
pub fn load_snapshot_nodes(
    input: &InputArgs,
    nodes: Option<u64>,
    quiet: bool,
    io: &mut Io<'_>,
) -> Result<Snapshot, Error> {
    refuse_context_offline(input)?;
    let catalog = Catalog::load()?;
    if input.from.is_empty() {
        let context = match input.cluster.context.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            _ => {
                return Err(Error::Usage(
                    "only `scan` takes several --context flags (one snapshot per cluster)"
                        .to_owned(),
                ))
            }
        };
        // Progress goes through the command's own stderr handle, only on a terminal.
        let progress: Option<&mut dyn Write> = if io.stderr_terminal && !quiet {
            Some(&mut *io.stderr)
        } else {
            None
        };
        return live_snapshot(&input.cluster, context, progress, &catalog);
    }
    let from = &input.from;
    let cluster = &input.cluster;
    let keep = KeepKeys {
        annotations: catalog.annotation_keys(),
    };
    let input = read_offline(from, io.stdin, keep, input.limits.limits())?;
    refuse_namespace_on_snapshots(cluster, &input.snapshots)?;
    match (input.inventory, input.snapshots.len()) {
        (None, 1) => {
            let mut snap = input
                .snapshots
                .into_iter()
                .map(|(_, s)| s)
                .next()
                .ok_or_else(|| Error::Usage("no snapshot was read".to_owned()))?;
            snap.warnings.extend(input.warnings);
            Ok(snap)
        }
        (Some(_), n) if n > 0 => Err(Error::Usage(
            "--from mixes a meshsurface snapshot with raw manifests: give one or the other"
                .to_owned(),
        )),
        (None, n) => Err(Error::Usage(format!(
            "this command takes one cluster, but --from gave {n} snapshots ({})",
            input
                .snapshots
                .iter()
                .map(|(p, _)| p.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        (Some(mut inv), _) => {
            inv.assumed_nodes = nodes;
            let src = Source {
                kind: SourceKind::Offline,
                context: None,
                paths: input.paths,
                namespace: cluster.namespace.clone(),
                taken_at: now_rfc3339(),
            };
            let inv = scoped(inv, cluster, &catalog);
            let mut snap = crate::detect::detect(&inv, &catalog, src);
            crate::graph::fill_upgrade_steps(&mut snap, &catalog);
            Ok(snap)
        }
    }
}

/// Loads a fleet: every snapshot `--from` names is one cluster (named after its file);
/// raw manifests are one cluster; without `--from`, the live cluster. Snapshots of another
/// schema version are refused, naming the file.
pub fn load_fleet(
    input: &InputArgs,
    quiet: bool,
    io: &mut Io<'_>,
) -> Result<Vec<(String, Snapshot)>, Error> {
    if input.from.is_empty() {
        let snap = load_snapshot(input, quiet, io)?;
        let name = snap
            .source
            .context
            .clone()
            .unwrap_or_else(|| "(current context)".to_owned());
        return Ok(vec![(name, snap)]);
    }
    refuse_context_offline(input)?;
    let catalog = Catalog::load()?;
    let keep = KeepKeys {
        annotations: catalog.annotation_keys(),
    };
    let read =
        read_offline(&input.from, io.stdin, keep, input.limits.limits()).map_err(|e| match e {
            source::Error::SchemaVersion {
                path,
                found,
                expected,
            } => Error::Input(format!(
                "{path}: snapshot schemaVersion {found}, but this build and a fleet read only \
             {expected:?}: every snapshot of a fleet must have the same schema version; \
             re-save this one with `scan --save` from this build"
            )),
            e => Error::Source(e),
        })?;
    refuse_namespace_on_snapshots(&input.cluster, &read.snapshots)?;
    match (read.inventory, read.snapshots.is_empty()) {
        (Some(_), false) => Err(Error::Usage(
            "--from mixes meshsurface snapshots with raw manifests: give snapshots (a fleet) \
             or manifests (one cluster)"
                .to_owned(),
        )),
        (Some(inv), true) => {
            let src = Source {
                kind: SourceKind::Offline,
                context: None,
                paths: read.paths.clone(),
                namespace: input.cluster.namespace.clone(),
                taken_at: now_rfc3339(),
            };
            let inv = scoped(inv, &input.cluster, &catalog);
            let mut snap = crate::detect::detect(&inv, &catalog, src);
            crate::graph::fill_upgrade_steps(&mut snap, &catalog);
            Ok(vec![(read.paths.join(","), snap)])
        }
        (None, _) => Ok(read
            .snapshots
            .into_iter()
            .enumerate()
            // What reading found (skipped links, empty inputs) goes with the first cluster.
            .map(|(i, (path, mut s))| {
                if i == 0 {
                    s.warnings.extend(read.warnings.iter().cloned());
                }
                (path, s)
            })
            .map(|(path, s)| {
                let name = std::path::Path::new(&path)
                    .file_stem()
                    .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
                (name, s)
            })
            .collect()),
    }
}

/// `-n NS`: the cut a namespaced scan makes (`detect::scope`), the same for a live cluster
/// and for raw manifests.
fn scoped(inv: Inventory, c: &ClusterArgs, catalog: &Catalog) -> Inventory {
    match &c.namespace {
        Some(ns) => crate::detect::scope::limit_to_namespace(inv, catalog, ns),
        None => inv,
    }
}

/// A saved snapshot was scanned already: `-n` cannot limit it after the fact.
fn refuse_namespace_on_snapshots(
    c: &ClusterArgs,
    snapshots: &[(String, Snapshot)],
) -> Result<(), Error> {
    match (&c.namespace, snapshots.first()) {
        (Some(ns), Some((path, _))) => Err(Error::Usage(format!(
            "-n {ns} limits a scan of a live cluster or of raw manifests, but {path} is a saved \
             snapshot (already scanned): drop -n, or scan the manifests again with -n"
        ))),
        _ => Ok(()),
    }
}

/// Reads one saved snapshot (JSON or YAML, `-` for stdin), refusing anything else: for
/// commands that compare snapshots, where raw manifests would be a different question.
pub fn load_saved_snapshot(
    path: &str,
    limits: source::Limits,
    io: &mut Io<'_>,
) -> Result<Snapshot, Error> {
    let input = read_offline(&[path.to_owned()], io.stdin, KeepKeys::default(), limits)?;
    if input.inventory.is_some() {
        return Err(Error::Usage(format!(
            "{path} is not a meshsurface snapshot (it holds Kubernetes manifests, or nothing): \
             diff compares snapshots written by `scan --save`; save one first with \
             `scan --from {path} --save FILE`"
        )));
    }
    let mut snaps = input.snapshots;
    if let Some((_, first)) = snaps.first_mut() {
        first.warnings.extend(input.warnings);
    }
    if snaps.len() != 1 {
        return Err(Error::Usage(format!(
            "{path} holds {} snapshots: give one snapshot file on each side",
            snaps.len()
        )));
    }
    Ok(snaps.remove(0).1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_shape() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_435_200), "2026-11-23T12:00:00Z");
    }
}
