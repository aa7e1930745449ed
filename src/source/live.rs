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
//! Submodules, one job each: [`fetch`] (GET with retries, paging, the bounds on both),
//! [`discovery`] (which API groups are served).
//!
//! The table [`resources`] is the single list of what the scan reads; `rbac` prints the
//! ClusterRole from the same table, so the two cannot drift apart.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use k8s_openapi::api::admissionregistration::v1 as admission;
use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
use k8s_openapi::Resource;
use kube::config::KubeConfigOptions;
use serde::Deserialize;
use thiserror::Error;

mod discovery;
mod fetch;

use fetch::Fault;
pub use fetch::{ATTEMPTS, DEFAULT_MAX_PAGE_BYTES, MAX_LIST_OBJECTS};

use super::wire::{add_object, ObjectKind, GATEWAY_GROUP};
use crate::inventory::{
    Inventory, InventoryBuilder, KeepKeys, Usage, UsageMap, WebhookKind, Workload, WorkloadKind,
};
use crate::quantity;
use crate::surface::{Warning, WarningCode};

/// The metrics API group, read when the cluster serves it.
pub const METRICS_GROUP: &str = "metrics.k8s.io";

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
        "no kubeconfig found ({searched}) and not in a cluster ({message}); \
         to read files instead of a cluster, give --from PATH"
    )]
    NoCluster { searched: String, message: String },
    #[error("cannot reach the cluster (context {context}, server {server}): {message}")]
    Unreachable {
        context: String,
        server: String,
        message: String,
    },
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

/// For a namespaced scan: the namespaces besides NS to read, given every namespace's
/// workloads and NS.
pub type MeshNamespaces<'a> = &'a dyn Fn(&[Workload], &str) -> BTreeSet<String>;

/// What a live scan read.
#[derive(Debug)]
pub struct LiveInput {
    pub inventory: Inventory,
    /// False when some resource could not be read completely.
    pub complete: bool,
    pub context: String,
    pub server: String,
}

/// One resource the scan lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSpec {
    pub group: &'static str,
    pub version: Cow<'static, str>,
    pub plural: &'static str,
    pub kind: ObjectKind,
    pub namespaced: bool,
    /// Ask for `PartialObjectMetadataList`: the records need only metadata.
    pub metadata_only: bool,
}

fn spec<R: Resource>(kind: ObjectKind, namespaced: bool, metadata_only: bool) -> ResourceSpec {
    ResourceSpec {
        group: R::GROUP,
        version: Cow::Borrowed(R::VERSION),
        plural: R::URL_PATH_SEGMENT,
        kind,
        namespaced,
        metadata_only,
    }
}

/// Every resource the scan may list (Gateways only where the API group is served).
pub fn resources() -> Vec<ResourceSpec> {
    vec![
        spec::<core::Node>(ObjectKind::Node, false, true),
        spec::<core::Namespace>(ObjectKind::Namespace, false, true),
        spec::<apiext::CustomResourceDefinition>(ObjectKind::Crd, false, false),
        spec::<admission::MutatingWebhookConfiguration>(
            ObjectKind::Webhook(WebhookKind::Mutating),
            false,
            false,
        ),
        spec::<admission::ValidatingWebhookConfiguration>(
            ObjectKind::Webhook(WebhookKind::Validating),
            false,
            false,
        ),
        spec::<core::Pod>(ObjectKind::Pod, true, false),
        spec::<apps::Deployment>(ObjectKind::Workload(WorkloadKind::Deployment), true, false),
        spec::<apps::DaemonSet>(ObjectKind::Workload(WorkloadKind::DaemonSet), true, false),
        spec::<apps::StatefulSet>(ObjectKind::Workload(WorkloadKind::StatefulSet), true, false),
        spec::<apps::ReplicaSet>(ObjectKind::ReplicaSet, true, true),
        spec::<core::Service>(ObjectKind::Service, true, true),
        spec::<core::ServiceAccount>(ObjectKind::ServiceAccount, true, true),
        ResourceSpec {
            group: GATEWAY_GROUP,
            version: Cow::Borrowed("v1"),
            plural: "gateways",
            kind: ObjectKind::Gateway,
            namespaced: true,
            metadata_only: false,
        },
    ]
}

impl ResourceSpec {
    /// `pods`, `apps/deployments`: how warnings and RBAC name it.
    pub fn name(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_owned()
        } else {
            format!("{}/{}", self.group, self.plural)
        }
    }

    fn path(&self, namespace: Option<&str>) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        match namespace.filter(|_| self.namespaced) {
            Some(ns) => format!("{base}/namespaces/{ns}/{}", self.plural),
            None => format!("{base}/{}", self.plural),
        }
    }
}

const METADATA_ACCEPT: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

struct Lister {
    client: kube::Client,
    timeout: Option<Duration>,
    page_size: u32,
    max_page_bytes: u64,
    keep: KeepKeys,
    progress: Arc<Progress>,
    /// Pod metrics, read before the pods when the cluster serves them.
    usage: OnceLock<Arc<UsageMap>>,
}

impl Lister {
    /// Lists one resource completely into a fresh builder.
    async fn list(
        &self,
        spec: &ResourceSpec,
        namespace: Option<&str>,
    ) -> Result<InventoryBuilder, Fault> {
        let accept = if spec.metadata_only {
            METADATA_ACCEPT
        } else {
            "application/json"
        };
        let fresh = || {
            let b = InventoryBuilder::new(self.keep.clone());
            match (spec.kind, self.usage.get()) {
                (ObjectKind::Pod, Some(u)) => b.with_usage(u.clone()),
                _ => b,
            }
        };
        // Both callbacks touch the builder; a Mutex (never contended) keeps the future Send.
        let b = Mutex::new(fresh());
        self.pages(
            &spec.path(namespace),
            accept,
            || *lock(&b) = fresh(),
            |item| {
                let mut de = serde_json::Deserializer::from_str(item);
                add_object(spec.kind, &mut de, &mut lock(&b))
                    .map_err(|e| format!("an object the server sent: {e}"))
            },
        )
        .await?;
        Ok(b.into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Reads pod metrics: (namespace, pod) → per-container usage.
    async fn metrics(&self, namespace: Option<&str>) -> Result<UsageMap, Fault> {
        let base = match namespace {
            Some(ns) => format!("/apis/{METRICS_GROUP}/v1beta1/namespaces/{ns}/pods"),
            None => format!("/apis/{METRICS_GROUP}/v1beta1/pods"),
        };
        let map = Mutex::new(UsageMap::new());
        self.pages(
            &base,
            "application/json",
            || lock(&map).clear(),
            |item| {
                let m: PodMetrics =
                    serde_json::from_str(item).map_err(|e| format!("a PodMetrics object: {e}"))?;
                let usage = m
                    .containers
                    .into_iter()
                    .map(|c| {
                        let cpu = c
                            .usage
                            .cpu
                            .as_deref()
                            .and_then(|q| quantity::cpu_millicores(q).ok());
                        let mem = c
                            .usage
                            .memory
                            .as_deref()
                            .and_then(|q| quantity::bytes(q).ok());
                        (
                            c.name,
                            Usage {
                                cpu_millicores: cpu.unwrap_or(0),
                                memory_bytes: mem.unwrap_or(0),
                                pods: 1,
                            },
                        )
                    })
                    .collect();
                lock(&map).insert((m.metadata.namespace, m.metadata.name), usage);
                Ok(())
            },
        )
        .await?;
        Ok(map
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

#[derive(Debug, Deserialize)]
struct PodMetrics {
    metadata: PodMetricsMeta,
    #[serde(default)]
    containers: Vec<ContainerMetrics>,
}

#[derive(Debug, Deserialize)]
struct PodMetricsMeta {
    #[serde(default)]
    name: String,
    #[serde(default)]
    namespace: String,
}

#[derive(Debug, Deserialize)]
struct ContainerMetrics {
    #[serde(default)]
    name: String,
    #[serde(default)]
    usage: ContainerUsage,
}

#[derive(Debug, Default, Deserialize)]
struct ContainerUsage {
    cpu: Option<String>,
    memory: Option<String>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The names of every context in the kubeconfig (`--kubeconfig`, else `$KUBECONFIG` or
/// `~/.kube/config`), in file order.
pub fn context_names(kubeconfig: Option<&std::path::Path>) -> Result<Vec<String>, Error> {
    Ok(super::kubeconfig::context_names(kubeconfig)?)
}

async fn connect(opts: &LiveOptions) -> Result<(kube::Client, String, String), Error> {
    use super::kubeconfig::{self, Error as KcError};
    // --kubeconfig, else $KUBECONFIG or ~/.kube/config, else the in-cluster service account.
    // A kubeconfig that exists but cannot be parsed is an error naming the file, never a
    // reason to try the in-cluster account.
    let (config, context, plugin) = match kubeconfig::load(opts.kubeconfig.as_deref())? {
        Ok(kc) => {
            let name = kc.select(opts.context.as_deref())?;
            let plugin = kc.exec_plugin(&name);
            let kopts = KubeConfigOptions {
                context: Some(name.clone()),
                ..Default::default()
            };
            let files = kc.files_text();
            let config = kube::Config::from_custom_kubeconfig(kc.config, &kopts)
                .await
                .map_err(|e| {
                    Error::Kubeconfig(KcError::Context {
                        context: name.clone(),
                        files,
                        message: e.to_string(),
                    })
                })?;
            (config, name, plugin)
        }
        Err(searched) => {
            if let Some(context) = &opts.context {
                return Err(KcError::Missing {
                    context: context.clone(),
                    searched,
                }
                .into());
            }
            // No kubeconfig: running in a pod (a Job) with a service account.
            let config = kube::Config::incluster().map_err(|e| Error::NoCluster {
                searched,
                message: e.to_string(),
            })?;
            (config, "in-cluster".to_owned(), None)
        }
    };
    let server = config.cluster_url.to_string();
    let client = build_client(config, plugin, opts.request_timeout)
        .await
        .map_err(|message| Error::Unreachable {
            context: context.clone(),
            server: server.clone(),
            message,
        })?;
    Ok((client, context, server))
}

/// Builds the client. kube-rs runs the user's exec credential plugin here, synchronously
/// and without a time limit (`kube-client` 5.0.0, `client/auth/mod.rs`, `auth_exec`:
/// `Command::output()`), and offers no way to bound it. So with a plugin the client is
/// built on a thread of its own, and the request timeout bounds the wait, as it bounds
/// every request: a plugin that hangs fails the scan naming the plugin, instead of hanging
/// it. The plugin process itself is not ours to kill (kube-rs holds it); it is left to end
/// on its own.
async fn build_client(
    config: kube::Config,
    plugin: Option<super::kubeconfig::ExecPlugin>,
    timeout: Option<Duration>,
) -> Result<kube::Client, String> {
    let Some(plugin) = plugin else {
        return fetch::client(config).map_err(|e| e.to_string());
    };
    let named = |what: String| {
        format!(
            "exec credential plugin `{}` (user {:?}): {what}",
            plugin.command, plugin.user
        )
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    let runtime = tokio::runtime::Handle::current();
    std::thread::Builder::new()
        .name("exec-credential".to_owned())
        .spawn(move || {
            // The client spawns its connection worker on the scan's runtime.
            let _entered = runtime.enter();
            let _ = tx.send(fetch::client(config));
        })
        .map_err(|e| named(format!("cannot start a thread for it: {e}")))?;
    let built = match timeout {
        Some(limit) => tokio::time::timeout(limit, rx).await.map_err(|_| {
            named(format!(
                "did not finish within {} (--request-timeout); is it waiting for a login?",
                humane(limit)
            ))
        })?,
        None => rx.await,
    };
    match built {
        Ok(Ok(client)) => Ok(client),
        Ok(Err(e)) => Err(named(e.to_string())),
        Err(_) => Err(named("it stopped without an answer".to_owned())),
    }
}

/// A duration as the user wrote it (`2s`, `500ms`, `1m`).
fn humane(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// Scans the cluster. Partial failures (403, timeouts) become warnings and `complete: false`.
///
/// With `progress`, a one-line progress report is drawn on that writer (the caller's
/// stderr, only when it is a terminal) and erased when the scan ends. It is drawn from the
/// calling thread, by the same future that waits for the lists, never from a worker: the
/// caller may hold its stderr locked for the whole run (a worker writing to
/// `std::io::stderr()` then waits forever on that lock).
///
/// With `opts.namespace`, `mesh_namespaces` names the other namespaces to read, given the
/// workloads of every namespace (`crate::detect::scope::mesh_namespaces`).
pub fn scan_live(
    opts: &LiveOptions,
    keep: KeepKeys,
    mesh_namespaces: MeshNamespaces<'_>,
    progress: Option<&mut dyn Write>,
) -> Result<LiveInput, Error> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let state = Arc::new(Progress::default());
    rt.block_on(with_progress(
        scan(opts, keep, mesh_namespaces, state.clone()),
        progress,
        &state,
    ))
}

/// What the progress line reports, updated by the list tasks.
#[derive(Debug, Default)]
struct Progress {
    /// Resources to list; 0 until discovery has answered.
    total: AtomicUsize,
    done: AtomicUsize,
    objects: AtomicU64,
}

impl Progress {
    fn line(&self) -> String {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            return "meshsurface: connecting and discovering API groups".to_owned();
        }
        format!(
            "meshsurface: listed {}/{total} resources, {} objects",
            self.done.load(Ordering::Relaxed),
            self.objects.load(Ordering::Relaxed)
        )
    }
}

/// Runs `fut`, redrawing the progress line on `out` every 150 ms until it ends, then
/// erases the line. Without a writer it only runs `fut`.
async fn with_progress<T>(
    fut: impl std::future::Future<Output = T>,
    out: Option<&mut dyn Write>,
    state: &Progress,
) -> T {
    let Some(out) = out else { return fut.await };
    tokio::pin!(fut);
    let mut tick = tokio::time::interval(Duration::from_millis(150));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let result = loop {
        tokio::select! {
            biased;
            result = &mut fut => break result,
            _ = tick.tick() => {
                // A progress line that cannot be written is not worth failing the scan.
                let _ = write!(out, "\r\x1b[K{}", state.line());
                let _ = out.flush();
            }
        }
    };
    let _ = write!(out, "\r\x1b[K");
    let _ = out.flush();
    result
}

async fn scan(
    opts: &LiveOptions,
    keep: KeepKeys,
    mesh_namespaces: MeshNamespaces<'_>,
    progress: Arc<Progress>,
) -> Result<LiveInput, Error> {
    let (client, context, server) = connect(opts).await?;
    let lister = Arc::new(Lister {
        client,
        timeout: opts.request_timeout,
        page_size: opts.page_size.max(1),
        max_page_bytes: opts.max_page_bytes,
        keep: keep.clone(),
        progress: progress.clone(),
        usage: OnceLock::new(),
    });
    let unreachable = |message: String| Error::Unreachable {
        context: context.clone(),
        server: server.clone(),
        message,
    };

    // Discovery: which API groups does this server serve?
    let (groups, discovery_warning) = discovery::discover(&lister).await.map_err(unreachable)?;

    let mut b = InventoryBuilder::new(keep);
    let mut plan = Vec::new();
    for mut r in resources() {
        if r.group.is_empty() {
            plan.push(r);
            continue;
        }
        match groups.get(r.group) {
            None => {} // a group this cluster does not serve: nothing to read
            Some(versions) => {
                if r.kind == ObjectKind::Gateway {
                    // Use the server's preferred version of the Gateway API.
                    if let Some(v) = versions.first() {
                        r.version = Cow::Owned(v.clone());
                    }
                }
                plan.push(r);
            }
        }
    }
    let metrics_served = groups.contains_key(METRICS_GROUP);
    let mut outcome = Outcome::default();
    if let Some(w) = discovery_warning {
        outcome.complete = false;
        b.warn(w);
    }
    match opts.namespace.as_deref() {
        None => {
            read_metrics(&lister, metrics_served, &[None], &mut b).await;
            progress.total.store(plan.len(), Ordering::Relaxed);
            let jobs = plan.into_iter().map(|r| (r, None)).collect();
            let results = run_lists(&lister, jobs, opts.concurrency, &progress)
                .await
                .map_err(unreachable)?;
            outcome.absorb(&mut b, results);
        }
        Some(ns) => {
            // A namespaced scan still reads what attribution needs (see detect::scope):
            // first the cluster-scoped objects and the workloads of every namespace, then
            // the rest in NS and in the namespaces that hold the mesh's shared components.
            let (first, rest): (Vec<ResourceSpec>, Vec<ResourceSpec>) = plan
                .into_iter()
                .partition(|r| !r.namespaced || matches!(r.kind, ObjectKind::Workload(_)));
            progress.total.store(first.len(), Ordering::Relaxed);
            let jobs = first.into_iter().map(|r| (r, None)).collect();
            let results = run_lists(&lister, jobs, opts.concurrency, &progress)
                .await
                .map_err(unreachable)?;
            // Workloads the role may not list across namespaces are read in NS alone, and
            // the warning says which reads were skipped.
            let mut retry = Vec::new();
            let mut kept = Vec::new();
            for (r, scope, result) in results {
                match result {
                    Err(Fault::Forbidden(msg)) if r.namespaced => {
                        outcome.complete = false;
                        outcome.reached = true;
                        b.unread(r.name());
                        b.warn(
                            Warning::new(
                                WarningCode::Forbidden,
                                format!(
                                    "cannot list {} in all namespaces: {msg}; read in {ns} only, \
                                     so mesh components in other namespaces (control plane, node \
                                     agents) are not attributed (see `kubectl meshsurface rbac`)",
                                    r.name()
                                ),
                            )
                            .on(r.name()),
                        );
                        retry.push((r, Some(ns.to_owned())));
                    }
                    other => kept.push((r, scope, other)),
                }
            }
            outcome.absorb(&mut b, kept);
            progress.total.fetch_add(retry.len(), Ordering::Relaxed);
            let results = run_lists(&lister, retry, opts.concurrency, &progress)
                .await
                .map_err(unreachable)?;
            outcome.absorb(&mut b, results);

            let mut namespaces = vec![ns.to_owned()];
            namespaces.extend(mesh_namespaces(b.workloads(), ns));
            let scopes: Vec<Option<&str>> = namespaces.iter().map(|n| Some(n.as_str())).collect();
            read_metrics(&lister, metrics_served, &scopes, &mut b).await;
            let jobs: Vec<(ResourceSpec, Option<String>)> = rest
                .iter()
                .flat_map(|r| namespaces.iter().map(|n| (r.clone(), Some(n.clone()))))
                .collect();
            progress.total.fetch_add(jobs.len(), Ordering::Relaxed);
            let results = run_lists(&lister, jobs, opts.concurrency, &progress)
                .await
                .map_err(unreachable)?;
            outcome.absorb(&mut b, results);
        }
    }
    if !outcome.reached && !outcome.failures.is_empty() {
        return Err(unreachable(outcome.failures.join("; ")));
    }
    let complete = outcome.complete;
    Ok(LiveInput {
        inventory: b.finish(),
        complete,
        context,
        server,
    })
}

/// Reads pod metrics into the lister (for the pods listed next), in each scope (`None`:
/// all namespaces). A scope that cannot be read, or metrics served with no data at all,
/// leave usage unknown and say so.
async fn read_metrics(
    lister: &Lister,
    served: bool,
    scopes: &[Option<&str>],
    b: &mut InventoryBuilder,
) {
    if !served {
        b.warn(Warning::new(
            WarningCode::MetricsUnavailable,
            "metrics.k8s.io is not served: proxy CPU/memory usage is unknown (requests and limits are still reported)",
        ));
        return;
    }
    let mut all = UsageMap::new();
    let mut failed = false;
    for scope in scopes {
        match lister.metrics(*scope).await {
            Ok(map) => all.extend(map),
            Err(fault) => {
                failed = true;
                let why = match fault {
                    Fault::Forbidden(m) | Fault::Failed(m) | Fault::Invalid(m) => m,
                    Fault::Timeout => "timed out".to_owned(),
                    Fault::NotServed => "not served".to_owned(),
                };
                let (place, there) = match scope {
                    Some(ns) => (format!(" in {ns}"), " there"),
                    None => (String::new(), ""),
                };
                b.warn(Warning::new(
                    WarningCode::MetricsUnavailable,
                    format!(
                        "cannot read pod metrics{place} ({why}): proxy CPU/memory usage is unknown{there}"
                    ),
                ));
            }
        }
    }
    if all.is_empty() && !failed {
        b.warn(Warning::new(
            WarningCode::MetricsUnavailable,
            "metrics.k8s.io is served but returned no pod metrics (metrics-server starting, or not scraping): proxy CPU/memory usage is unknown",
        ));
    } else if !all.is_empty() {
        let _ = lister.usage.set(Arc::new(all));
    }
}

/// One list to run: a resource, in one namespace or (None) in all.
type Job = (ResourceSpec, Option<String>);

/// Lists resources concurrently (bounded), returning them in the table's order (then by
/// namespace), so that the Inventory does not depend on timing.
async fn run_lists(
    lister: &Arc<Lister>,
    jobs: Vec<Job>,
    concurrency: usize,
    progress: &Arc<Progress>,
) -> Result<
    Vec<(
        ResourceSpec,
        Option<String>,
        Result<InventoryBuilder, Fault>,
    )>,
    String,
> {
    let permits = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (r, namespace) in jobs {
        let (lister, permits, progress) = (lister.clone(), permits.clone(), progress.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let result = lister.list(&r, namespace.as_deref()).await;
            progress.done.fetch_add(1, Ordering::Relaxed);
            (r, namespace, result)
        });
    }
    let mut results = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(r) => results.push(r),
            Err(e) => return Err(format!("a list task failed: {e}")),
        }
    }
    let order = resources();
    results.sort_by_key(|(r, ns, _)| {
        (
            order
                .iter()
                .position(|o| o.plural == r.plural && o.group == r.group),
            ns.clone(),
        )
    });
    Ok(results)
}

/// How the lists ended, over every round of a scan.
#[derive(Debug)]
struct Outcome {
    complete: bool,
    /// Did any request get an answer from the server?
    reached: bool,
    failures: Vec<String>,
}

impl Default for Outcome {
    fn default() -> Self {
        Self {
            complete: true,
            reached: false,
            failures: Vec::new(),
        }
    }
}

impl Outcome {
    /// Merges what was listed; a list that failed becomes a warning naming it (and its
    /// namespace), and lists of pods or workloads that failed are marked unread.
    fn absorb(
        &mut self,
        b: &mut InventoryBuilder,
        results: Vec<(
            ResourceSpec,
            Option<String>,
            Result<InventoryBuilder, Fault>,
        )>,
    ) {
        for (r, namespace, result) in results {
            let what = match &namespace {
                Some(ns) => format!("{} in {ns}", r.name()),
                None => r.name(),
            };
            if result
                .as_ref()
                .is_err_and(|f| !matches!(f, Fault::NotServed))
                && matches!(r.kind, ObjectKind::Pod | ObjectKind::Workload(_))
            {
                b.unread(what.clone());
            }
            match result {
                Ok(part) => {
                    self.reached = true;
                    b.merge(part);
                }
                Err(Fault::NotServed) => self.reached = true,
                Err(Fault::Forbidden(msg)) => {
                    self.reached = true;
                    self.complete = false;
                    b.warn(
                        Warning::new(
                            WarningCode::Forbidden,
                            format!("cannot list {what}: {msg} (see `kubectl meshsurface rbac`)"),
                        )
                        .on(r.name()),
                    );
                }
                Err(Fault::Timeout) => {
                    self.complete = false;
                    b.warn(
                        Warning::new(
                            WarningCode::Timeout,
                            format!("listing {what} timed out (--request-timeout)"),
                        )
                        .on(r.name()),
                    );
                }
                Err(Fault::Invalid(msg)) => {
                    self.complete = false;
                    self.failures.push(format!("{what}: {msg}"));
                    b.warn(
                        Warning::new(
                            WarningCode::InvalidAnswer,
                            format!("cannot list {what}: {msg}"),
                        )
                        .on(r.name()),
                    );
                }
                Err(Fault::Failed(msg)) => {
                    self.complete = false;
                    self.failures.push(format!("{what}: {msg}"));
                    b.warn(
                        Warning::new(
                            WarningCode::Unreachable,
                            format!("cannot list {what}: {msg}"),
                        )
                        .on(r.name()),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_api_layout() {
        let r = resources();
        let pods = r.iter().find(|s| s.plural == "pods").unwrap();
        assert_eq!(pods.path(None), "/api/v1/pods");
        assert_eq!(pods.path(Some("shop")), "/api/v1/namespaces/shop/pods");
        let nodes = r.iter().find(|s| s.plural == "nodes").unwrap();
        assert_eq!(
            nodes.path(Some("shop")),
            "/api/v1/nodes",
            "cluster-scoped ignores -n"
        );
        let deploy = r.iter().find(|s| s.plural == "deployments").unwrap();
        assert_eq!(deploy.path(None), "/apis/apps/v1/deployments");
        assert_eq!(deploy.name(), "apps/deployments");
        assert!(
            !r.iter().any(|s| s.plural == "secrets"),
            "the scan never lists Secrets"
        );
    }
}
