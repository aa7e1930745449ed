//! Runs a parsed command line: source → inventory → detect → render, composed in one place.
//!
//! Returns the process exit code of the design's contract: 0 success, 1 error, 2 usage,
//! 3 scan incomplete (results still printed), 4 a budget was exceeded.

use std::io::{Read, Write};
use std::path::PathBuf;

use thiserror::Error;

use crate::catalog::Catalog;
use crate::cli::{Cli, ClusterArgs, Command, InputArgs};
use crate::inventory::{Inventory, KeepKeys};
use crate::render;
use crate::source::live::{scan_live, LiveOptions};
use crate::source::{self, read_offline};
use crate::surface::{Snapshot, Source, SourceKind};

/// Exit codes.
pub mod exit {
    pub const OK: u8 = 0;
    pub const ERROR: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INCOMPLETE: u8 = 3;
    pub const BUDGET: u8 = 4;

    /// The code when several apply: the lowest non-zero wins. So an incomplete scan (3)
    /// beats an exceeded budget (4), as the design asks: a budget judged on partial data
    /// is not trusted.
    pub fn combine(codes: impl IntoIterator<Item = u8>) -> u8 {
        let mut nonzero: Vec<u8> = codes.into_iter().filter(|c| *c != OK).collect();
        nonzero.sort_unstable();
        nonzero.first().copied().unwrap_or(OK)
    }
}

/// A command that could not run.
#[derive(Debug, Error)]
pub enum Error {
    #[error(transparent)]
    Source(#[from] source::Error),
    #[error("the built-in catalog is broken: {0}")]
    Catalog(#[from] crate::catalog::Error),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
    #[error("{0}")]
    Render(#[from] render::Error),
    /// The command line is well-formed but asks for something impossible.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Live(#[from] source::live::Error),
    #[error("{0}")]
    Budget(#[from] crate::budget::Error),
    #[error(transparent)]
    Growth(#[from] crate::growth::Error),
    #[error(transparent)]
    Headcount(#[from] crate::headcount::Error),
    /// Input that was read but cannot be used (e.g. snapshots of another schema version).
    #[error("{0}")]
    Input(String),
}

impl Error {
    /// The exit code this error maps to.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Budget(_) => exit::USAGE,
            Error::Growth(
                crate::growth::Error::UnknownFeature { .. }
                | crate::growth::Error::UnknownProfile(..)
                | crate::growth::Error::ChooseMesh(..)
                | crate::growth::Error::TooLarge { .. },
            ) => exit::USAGE,
            // A bad model file or feature list is a usage error: the command line asked for
            // an estimate the model cannot make.
            Error::Headcount(crate::headcount::Error::Model(e))
                if !matches!(e, crate::headcount::model::Error::Read { .. }) =>
            {
                exit::USAGE
            }
            Error::Headcount(crate::headcount::Error::UnknownFeature { .. }) => exit::USAGE,
            Error::Headcount(crate::headcount::Error::Growth(
                crate::growth::Error::UnknownFeature { .. }
                | crate::growth::Error::UnknownProfile(..),
            )) => exit::USAGE,
            _ => exit::ERROR,
        }
    }
}

/// Standard streams, passed in so that tests can run commands in-process.
pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Whether stdout is a terminal that may be coloured (and `NO_COLOR` is unset).
    pub color: bool,
    /// Whether stderr is a terminal (progress is drawn only there).
    pub stderr_terminal: bool,
    /// The width human tables are fitted to (`COLUMNS`, else the terminal's, else 80).
    pub width: usize,
}

/// The width to fit tables to: `COLUMNS` when it is a positive number, else the terminal's
/// (`terminal`: the size of stdout when it is a terminal), else
/// [`crate::render::fit::DEFAULT_WIDTH`].
pub fn terminal_width(columns: Option<&str>, terminal: Option<usize>) -> usize {
    columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .or(terminal)
        .filter(|w| *w > 0)
        .unwrap_or(crate::render::fit::DEFAULT_WIDTH)
}

/// Runs one command; returns the exit code.
pub fn run(cli: Cli, io: &mut Io<'_>) -> Result<u8, Error> {
    match cli.command {
        Command::Scan(args) => crate::commands::scan::run(&args, io),
        Command::Diff(args) => crate::commands::diff::run(&args, io),
        Command::Plan(args) => crate::commands::plan::run(&args, io),
        Command::Compare(args) => crate::commands::plan::compare(&args, io),
        Command::Rbac => crate::commands::rbac::run(io),
        Command::Graph(args) => crate::commands::graph::run(&args, io),
        Command::Headcount(args) => crate::commands::headcount::run(&args, io),
        Command::Completion(args) => crate::commands::complete::script(&args, io),
        Command::Man(args) => crate::commands::complete::man(&args),
        Command::Schema(args) => crate::commands::schema::run(&args),
    }
}

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
    fn exit_code_precedence() {
        use exit::*;
        assert_eq!(combine([]), OK);
        assert_eq!(combine([OK, OK]), OK);
        assert_eq!(combine([BUDGET, OK]), BUDGET);
        assert_eq!(combine([BUDGET, INCOMPLETE]), INCOMPLETE, "3 beats 4");
        assert_eq!(combine([INCOMPLETE, USAGE, BUDGET]), USAGE);
        assert_eq!(combine([BUDGET, ERROR]), ERROR);
    }

    #[test]
    fn timestamp_shape() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_435_200), "2026-11-23T12:00:00Z");
    }
}
