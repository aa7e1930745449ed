//! The one pipeline every command runs: read a cluster (raw manifests, saved snapshots or
//! a live cluster) → [`Inventory`] → [`detect`](crate::detect) → upgrade steps, and the
//! one [`Knowledge`] (catalog, feature profiles, headcount model) it runs with.
//!
//! Written once so that a reader follows one straight line from input to snapshot, and so
//! that tests load fixtures exactly as the binary does. It knows nothing of the command
//! line: `commands` turns flags into these calls and decides what to print.
//!
//! * [`Knowledge::load`]: the built-in data, parsed once per run and borrowed by every
//!   command;
//! * [`snapshot`]: an inventory to a snapshot (namespace cut, detection, upgrade steps);
//! * [`live`]: a live cluster to a snapshot;
//! * [`offline`], [`fleet`], [`saved`] ([`files`]): `--from` files to one cluster, to a
//!   fleet, or to one saved snapshot.

mod clock;
mod files;

pub use clock::now_rfc3339;
pub use files::{fleet, offline, saved, Files, Scope};

use std::io::Write;

use thiserror::Error;

use crate::catalog::profiles::{self, Profile};
use crate::catalog::{self, Catalog};
use crate::exit::Class;
use crate::headcount::{model, Model};
use crate::inventory::{Inventory, KeepKeys};
use crate::source;
use crate::source::live::{scan_live, LiveOptions};
use crate::surface::{Snapshot, Source, SourceKind};

/// What the tool knows before it reads any cluster: the mesh catalog, the feature
/// profiles and the default headcount model, all built in. Loaded once per run
/// (`commands::run`) and borrowed by every command.
#[derive(Debug)]
pub struct Knowledge {
    pub catalog: Catalog,
    pub profiles: Vec<Profile>,
    /// The headcount model used without `--model`.
    pub model: Model,
    /// `--as-of`: the day dated hazards are judged at, instead of the scan's own day.
    pub as_of: Option<crate::date::Day>,
}

impl Knowledge {
    /// Parses the built-in catalog, profiles and model.
    pub fn load() -> Result<Self, Error> {
        let catalog = Catalog::load()?;
        let profiles = profiles::load(&catalog)?;
        let model = Model::default_model().map_err(Error::Model)?;
        Ok(Self {
            catalog,
            profiles,
            model,
            as_of: None,
        })
    }

    /// The projection engine over this knowledge (`plan`, `compare`, `headcount --enable`).
    pub fn growth(&self) -> crate::growth::Growth<'_> {
        crate::growth::Growth::new(&self.catalog, &self.profiles)
    }

    /// What the sources keep of each object besides the fields detection always reads.
    fn keep(&self) -> KeepKeys {
        self.catalog.keep_keys()
    }
}

/// Why a cluster could not be loaded.
#[derive(Debug, Error)]
pub enum Error {
    #[error("the built-in catalog is broken: {0}")]
    Catalog(#[from] catalog::Error),
    #[error("the built-in headcount model is broken: {0}")]
    Model(#[source] model::Error),
    #[error(transparent)]
    Source(#[from] source::Error),
    #[error(transparent)]
    Live(#[from] source::live::Error),
    /// A fleet is compared figure by figure: every snapshot must be of this build's schema.
    #[error(
        "{path}: snapshot schemaVersion {found}, but this build and a fleet read only \
         {expected:?}: every snapshot of a fleet must have the same schema version; \
         re-save this one with `scan --save` from this build"
    )]
    FleetSchemaVersion {
        path: String,
        found: String,
        expected: &'static str,
    },
    /// `--from` gave saved snapshots and raw manifests together.
    #[error("{}", if *fleet {
        "--from mixes meshsurface snapshots with raw manifests: give snapshots (a fleet) \
         or manifests (one cluster)"
    } else {
        "--from mixes a meshsurface snapshot with raw manifests: give one or the other"
    })]
    Mixed {
        /// Whether a fleet was asked for (the advice differs).
        fleet: bool,
    },
    #[error(
        "this command takes one cluster, but --from gave {} snapshots ({})",
        paths.len(),
        paths.join(", ")
    )]
    SeveralSnapshots { paths: Vec<String> },
    /// A saved snapshot was scanned already: `-n` cannot limit it after the fact.
    #[error(
        "-n {namespace} limits a scan of a live cluster or of raw manifests, but {path} is a \
         saved snapshot (already scanned): drop -n, or scan the manifests again with -n"
    )]
    NamespaceOnSnapshot { namespace: String, path: String },
    #[error(
        "{path} is not a meshsurface snapshot (it holds Kubernetes manifests, or nothing): \
         diff compares snapshots written by `scan --save`; save one first with \
         `scan --from {path} --save FILE`"
    )]
    NotASnapshot { path: String },
    #[error("{path} holds {count} snapshots: give one snapshot file on each side")]
    SnapshotCount { path: String, count: usize },
}

impl Error {
    /// What kind of failure this is (its exit code is [`Class::code`]).
    pub fn class(&self) -> Class {
        match self {
            Error::Catalog(_) | Error::Model(_) => Class::Failure,
            Error::Source(e) => e.class(),
            Error::Live(e) => e.class(),
            Error::FleetSchemaVersion { .. } => Class::Input,
            Error::Mixed { .. }
            | Error::SeveralSnapshots { .. }
            | Error::NamespaceOnSnapshot { .. }
            | Error::NotASnapshot { .. }
            | Error::SnapshotCount { .. } => Class::Usage,
        }
    }
}

/// An inventory to a snapshot: the `-n` cut of `source.namespace` ([`crate::detect::scope`],
/// the same for a live cluster and for raw manifests), detection, then the upgrade steps.
pub fn snapshot(inventory: Inventory, k: &Knowledge, mut source: Source) -> Snapshot {
    let catalog = &k.catalog;
    source.as_of = k.as_of.map(|d| d.to_string());
    let inventory = match &source.namespace {
        Some(ns) => crate::detect::scope::limit_to_namespace(inventory, catalog, ns),
        None => inventory,
    };
    let mut snap = crate::detect::detect(&inventory, catalog, source);
    crate::graph::fill_upgrade_steps(&mut snap, catalog);
    snap
}

/// Scans one live cluster (`opts.context`, else the kubeconfig's current one). With
/// `progress`, the progress line is drawn there (the caller's stderr, on a terminal).
pub fn live(
    opts: &LiveOptions,
    k: &Knowledge,
    progress: Option<&mut dyn Write>,
) -> Result<Snapshot, Error> {
    let namespaces = |w: &[crate::inventory::Workload], ns: &str| {
        crate::detect::scope::mesh_namespaces(&k.catalog, w, ns)
    };
    let started = std::time::Instant::now();
    let anchors =
        |w: &[crate::inventory::Workload]| crate::detect::scope::anchor_places(&k.catalog, w);
    let ask = crate::source::live::Ask {
        mesh_namespaces: &namespaces,
        anchor_places: &anchors,
    };
    let read = scan_live(opts, k.keep(), ask, progress)?;
    let source = Source {
        kind: SourceKind::Live,
        context: Some(read.context),
        paths: Vec::new(),
        namespace: opts.namespace.clone(),
        taken_at: now_rfc3339(),
        as_of: None,
        duration_seconds: None,
    };
    let mut snap = snapshot(read.inventory, k, source);
    snap.source.duration_seconds = Some(started.elapsed().as_secs_f64());
    snap.complete = read.complete;
    Ok(snap)
}
