//! Live input: read a running cluster the way kubectl does, read-only, and fast.
//!
//! Connection and authentication are kube-rs's (kubeconfig with several files,
//! `--context`, client certificates, tokens, exec credential plugins, in-cluster service
//! accounts). Listing is ours, because the Inventory needs only a few fields:
//!
//! * every list is paginated (`limit` + `continue`) and each page is reduced to records
//!   before the next is fetched: items stay raw JSON slices until `wire` parses the few
//!   fields it keeps;
//! * resources are listed concurrently with a bound, each into its own builder that is
//!   merged at the end, so a `410 Gone` (expired continue token) restarts only that list;
//! * lists whose records need only metadata ask for `PartialObjectMetadataList`;
//! * a `403` makes the scan incomplete, not failed; `429` and `5xx` are retried with
//!   backoff a bounded number of times; a timeout names the resource;
//! * a server that answers with something other than a list, a list that never ends or a
//!   page past `--max-page-size` makes the scan incomplete too ([`fetch`]).
//!
//! Submodules, one job each, in the order a scan uses them: [`connect`] (kubeconfig or
//! service account to client, the exec plugin bounded), [`discovery`] (which API groups
//! are served), [`resources`] (the table of what is read, shared with `rbac`),
//! [`metrics`] (pod usage, optional), [`lists`] (concurrent lists and how they end),
//! [`namespaced`] (the rounds of a `-n` scan), [`fetch`] (GET with retries, paging, the
//! bounds on both), [`transport`] (what a failed connection was, TLS named),
//! [`progress`] (the progress line, on the caller's writer), [`version`] (the API
//! server's Kubernetes version). This file
//! holds only the types callers see and [`scan`], the pipeline.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use thiserror::Error;

mod anchors;
mod config;
mod connect;
mod discovery;
mod fetch;
mod lists;
mod metrics;
mod namespaced;
mod progress;
mod resources;
mod transport;
mod version;

pub use connect::context_names;
pub use fetch::{ATTEMPTS, DEFAULT_MAX_PAGE_BYTES, MAX_LIST_OBJECTS};
pub use metrics::METRICS_GROUP;
pub use resources::{resources, ResourceSpec};

use lists::{Lister, Rounds};
use progress::{with_progress, Progress};

use crate::inventory::{Inventory, KeepKeys, Workload};

/// How to reach the cluster and how hard to pull.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    /// A namespaced scan: namespaced lists in this namespace and in the namespaces of the
    /// mesh's shared components (cluster-scoped lists, and workloads, everywhere).
    pub namespace: Option<String>,
    /// Per request; `None` waits as long as the server takes.
    pub request_timeout: Option<Duration>,
    /// How many resources are listed at once.
    pub concurrency: usize,
    pub page_size: u32,
    /// The largest answer read, in bytes (`--max-page-size`).
    pub max_page_bytes: u64,
}

/// Why the live scan could not run at all (partial failures are warnings instead).
#[derive(Debug, Error)]
pub enum Error {
    #[error("cannot load the kubeconfig: {0}")]
    Kubeconfig(#[from] super::kubeconfig::Error),
    #[error(
        "no kubeconfig found ({searched}) and not in a cluster ({source}); \
         to read files instead of a cluster, give --from PATH"
    )]
    NoCluster {
        searched: String,
        #[source]
        source: Box<kube::config::InClusterError>,
    },
    #[error("cannot reach the cluster (context {context}, server {server}): {cause}")]
    Unreachable {
        context: String,
        server: String,
        #[source]
        cause: Unreachable,
    },
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

impl Error {
    /// A kubeconfig that cannot be used is the input's fault; a cluster that cannot be
    /// reached is the cluster's.
    pub fn class(&self) -> crate::exit::Class {
        use crate::exit::Class;
        match self {
            Error::Kubeconfig(e) => e.class(),
            Error::NoCluster { .. } | Error::Unreachable { .. } => Class::Unreachable,
            Error::Runtime(_) => Class::Failure,
        }
    }
}

/// Why the cluster could not be reached.
#[derive(Debug, Error)]
pub enum Unreachable {
    /// kube-rs could not build a client for the context (TLS setup, a bad certificate).
    #[error("{0}")]
    Client(#[source] Box<kube::Error>),
    /// The user's exec credential plugin failed or hung.
    #[error("exec credential plugin `{command}` (user {user:?}): {problem}")]
    Plugin {
        command: String,
        user: String,
        #[source]
        problem: PluginProblem,
    },
    /// The server's answers (discovery, or every list): what each said.
    #[error("{0}")]
    Answers(String),
}

/// What went wrong with an exec credential plugin.
#[derive(Debug, Error)]
pub enum PluginProblem {
    #[error("cannot start a thread for it: {0}")]
    Thread(#[source] std::io::Error),
    #[error("did not finish within {0} (--request-timeout); is it waiting for a login?")]
    Timeout(String),
    #[error("{0}")]
    Client(#[source] Box<kube::Error>),
    #[error("it stopped without an answer")]
    Stopped,
}

/// For a namespaced scan: the namespaces besides NS to read, given every namespace's
/// workloads and NS.
pub type MeshNamespaces<'a> = &'a dyn Fn(&[Workload], &str) -> BTreeSet<String>;

/// The trust-anchor ConfigMaps to GET, `(namespace, name)`, given every workload read.
pub type AnchorPlaces<'a> = &'a dyn Fn(&[Workload]) -> Vec<(String, String)>;

/// What the scan asks the caller (detection knowledge the source has no copy of).
#[derive(Clone, Copy)]
pub struct Ask<'a> {
    /// For `opts.namespace`: the other namespaces to read.
    pub mesh_namespaces: MeshNamespaces<'a>,
    /// Where the trust-anchor ConfigMaps are looked for.
    pub anchor_places: AnchorPlaces<'a>,
}

/// What a live scan read.
#[derive(Debug)]
pub struct LiveInput {
    pub inventory: Inventory,
    /// False when some resource could not be read completely.
    pub complete: bool,
    pub context: String,
    pub server: String,
}

/// Scans the cluster. Partial failures (403, timeouts) become warnings and `complete: false`.
///
/// With `progress`, a one-line progress report is drawn on that writer (the caller's
/// stderr, only when it is a terminal) and erased when the scan ends. It is drawn from the
/// calling thread, by the same future that waits for the lists, never from a worker: the
/// caller may hold its stderr locked for the whole run (a worker writing to
/// `std::io::stderr()` then waits forever on that lock).
///
/// With `opts.namespace`, `ask.mesh_namespaces` names the other namespaces to read, given
/// the workloads of every namespace (`crate::detect::scope::mesh_namespaces`);
/// `ask.anchor_places` names the trust-anchor ConfigMaps to GET once the lists are read.
pub fn scan_live(
    opts: &LiveOptions,
    keep: KeepKeys,
    ask: Ask<'_>,
    progress: Option<&mut dyn Write>,
) -> Result<LiveInput, Error> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let state = Arc::new(Progress::default());
    rt.block_on(with_progress(
        scan(opts, keep, ask, state.clone()),
        progress,
        &state,
        progress::FIRST_DRAW,
    ))
}

/// The pipeline: connect, discover what the server serves, then list it (with pod metrics
/// first, so pods carry their usage) in one round, or in the rounds of a namespaced scan.
async fn scan(
    opts: &LiveOptions,
    keep: KeepKeys,
    ask: Ask<'_>,
    progress: Arc<Progress>,
) -> Result<LiveInput, Error> {
    let (client, context, server) = connect::connect(opts).await?;
    let unreachable = |message: String| Error::Unreachable {
        context: context.clone(),
        server: server.clone(),
        cause: Unreachable::Answers(message),
    };
    let lister = Arc::new(Lister::new(client, opts, keep.clone(), progress));

    let (groups, discovery_warning) = discovery::discover(&lister).await.map_err(unreachable)?;
    let plan = resources::served(&groups);
    let metrics_served = groups.contains_key(METRICS_GROUP);

    let kubernetes = version::api_server(&lister).await;
    let mut rounds = Rounds::new(lister, opts.concurrency, keep);
    if let Some(w) = discovery_warning {
        rounds.incomplete(w);
    }
    if let Some(v) = kubernetes {
        rounds.b.set_api_server_version(v);
    }
    match opts.namespace.as_deref() {
        None => {
            metrics::read_metrics(&rounds.lister, metrics_served, &[None], &mut rounds.b).await;
            let jobs = plan.into_iter().map(|r| (r, None)).collect();
            rounds.list(jobs).await.map_err(unreachable)?;
        }
        Some(ns) => namespaced::scan(&mut rounds, plan, ns, ask.mesh_namespaces, metrics_served)
            .await
            .map_err(unreachable)?,
    }
    config::count(&mut rounds, &groups, opts.namespace.as_deref())
        .await
        .map_err(unreachable)?;
    let places = (ask.anchor_places)(rounds.b.workloads());
    anchors::fetch(&mut rounds, places).await;
    let (inventory, complete) = rounds.finish().map_err(unreachable)?;
    Ok(LiveInput {
        inventory,
        complete,
        context,
        server,
    })
}
