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
use kube::config::{KubeConfigOptions, Kubeconfig};
use serde::Deserialize;
use thiserror::Error;

mod discovery;
mod fetch;

use fetch::Fault;
pub use fetch::{ATTEMPTS, DEFAULT_MAX_PAGE_BYTES, MAX_LIST_OBJECTS};

use super::wire::{add_object, ObjectKind, GATEWAY_GROUP};
use crate::inventory::{
    Inventory, InventoryBuilder, KeepKeys, Usage, UsageMap, WebhookKind, WorkloadKind,
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
    /// Limit namespaced lists to this namespace (cluster-scoped ones are still read).
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
    Kubeconfig(String),
    #[error("cannot reach the cluster (context {context}, server {server}): {message}")]
    Unreachable {
        context: String,
        server: String,
        message: String,
    },
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
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

/// `$KUBECONFIG` (several files, merged in order; missing files skipped, as kubectl does),
/// else `~/.kube/config`.
fn read_kubeconfig_env() -> Result<Kubeconfig, String> {
    if let Some(list) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        let mut merged: Option<Kubeconfig> = None;
        for path in std::env::split_paths(&list).filter(|p| p.exists()) {
            let next =
                Kubeconfig::read_from(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            merged = Some(match merged {
                None => next,
                Some(m) => m.merge(next).map_err(|e| e.to_string())?,
            });
        }
        return merged.ok_or_else(|| "no file named in KUBECONFIG exists".to_owned());
    }
    Kubeconfig::read().map_err(|e| e.to_string())
}

/// The names of every context in the kubeconfig (`--kubeconfig`, else `$KUBECONFIG` or
/// `~/.kube/config`), in file order.
pub fn context_names(kubeconfig: Option<&std::path::Path>) -> Result<Vec<String>, Error> {
    let kc = match kubeconfig {
        Some(path) => Kubeconfig::read_from(path)
            .map_err(|e| Error::Kubeconfig(format!("{}: {e}", path.display())))?,
        None => read_kubeconfig_env().map_err(Error::Kubeconfig)?,
    };
    Ok(kc.contexts.into_iter().map(|c| c.name).collect())
}

async fn connect(opts: &LiveOptions) -> Result<(kube::Client, String, String), Error> {
    let kopts = KubeConfigOptions {
        context: opts.context.clone(),
        ..Default::default()
    };
    let kubeconfig_err = |e: &dyn std::fmt::Display| Error::Kubeconfig(e.to_string());
    // --kubeconfig, else $KUBECONFIG or ~/.kube/config, else the in-cluster service account.
    let kubeconfig = match &opts.kubeconfig {
        Some(path) => Some(
            Kubeconfig::read_from(path)
                .map_err(|e| Error::Kubeconfig(format!("{}: {e}", path.display())))?,
        ),
        None => match read_kubeconfig_env() {
            Ok(kc) => Some(kc),
            Err(_) if opts.context.is_none() => None,
            Err(e) => return Err(kubeconfig_err(&e)),
        },
    };
    let (config, context) = match kubeconfig {
        Some(kc) => {
            let name = opts
                .context
                .clone()
                .or_else(|| kc.current_context.clone())
                .unwrap_or_default();
            let config = kube::Config::from_custom_kubeconfig(kc, &kopts)
                .await
                .map_err(|e| kubeconfig_err(&e))?;
            (config, name)
        }
        None => {
            // No kubeconfig: running in a pod (a Job) with a service account.
            let config = kube::Config::incluster().map_err(|e| {
                Error::Kubeconfig(format!(
                    "no kubeconfig found (KUBECONFIG, ~/.kube/config) and not in a cluster ({e}); \
                     to read files instead of a cluster, give --from PATH"
                ))
            })?;
            (config, "in-cluster".to_owned())
        }
    };
    let server = config.cluster_url.to_string();
    let client = fetch::client(config).map_err(|e| Error::Unreachable {
        context: context.clone(),
        server: server.clone(),
        message: e.to_string(),
    })?;
    Ok((client, context, server))
}

/// Scans the cluster. Partial failures (403, timeouts) become warnings and `complete: false`.
///
/// With `progress`, a one-line progress report is drawn on that writer (the caller's
/// stderr, only when it is a terminal) and erased when the scan ends. It is drawn from the
/// calling thread, by the same future that waits for the lists, never from a worker: the
/// caller may hold its stderr locked for the whole run (a worker writing to
/// `std::io::stderr()` then waits forever on that lock).
pub fn scan_live(
    opts: &LiveOptions,
    keep: KeepKeys,
    progress: Option<&mut dyn Write>,
) -> Result<LiveInput, Error> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let state = Arc::new(Progress::default());
    rt.block_on(with_progress(
        scan(opts, keep, state.clone()),
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
    let mut complete = true;
    if let Some(w) = discovery_warning {
        complete = false;
        b.warn(w);
    }
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
    if groups.contains_key(METRICS_GROUP) {
        match lister.metrics(opts.namespace.as_deref()).await {
            Ok(map) => {
                let _ = lister.usage.set(Arc::new(map));
            }
            Err(fault) => {
                let why = match fault {
                    Fault::Forbidden(m) | Fault::Failed(m) | Fault::Invalid(m) => m,
                    Fault::Timeout => "timed out".to_owned(),
                    Fault::NotServed => "not served".to_owned(),
                };
                b.warn(Warning::new(
                    WarningCode::MetricsUnavailable,
                    format!("cannot read pod metrics ({why}): proxy CPU/memory usage is unknown"),
                ));
            }
        }
    } else {
        b.warn(Warning::new(
            WarningCode::MetricsUnavailable,
            "metrics.k8s.io is not served: proxy CPU/memory usage is unknown (requests and limits are still reported)",
        ));
    }

    progress.total.store(plan.len(), Ordering::Relaxed);

    let permits = Arc::new(tokio::sync::Semaphore::new(opts.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for r in plan {
        let (lister, permits, progress) = (lister.clone(), permits.clone(), progress.clone());
        let r = r.clone();
        let namespace = opts.namespace.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let result = lister.list(&r, namespace.as_deref()).await;
            progress.done.fetch_add(1, Ordering::Relaxed);
            (r, result)
        });
    }
    let mut results = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(r) => results.push(r),
            Err(e) => return Err(unreachable(format!("a list task failed: {e}"))),
        }
    }
    // Merge in the table's order so that the Inventory does not depend on timing.
    let order = resources();
    results.sort_by_key(|(r, _)| {
        order
            .iter()
            .position(|o| o.plural == r.plural && o.group == r.group)
    });
    let mut reached = false;
    let mut failures = Vec::new();
    for (r, result) in results {
        match result {
            Ok(part) => {
                reached = true;
                b.merge(part);
            }
            Err(Fault::NotServed) => reached = true,
            Err(Fault::Forbidden(msg)) => {
                reached = true;
                complete = false;
                b.warn(
                    Warning::new(
                        WarningCode::Forbidden,
                        format!(
                            "cannot list {}: {msg} (see `kubectl meshsurface rbac`)",
                            r.name()
                        ),
                    )
                    .on(r.name()),
                );
            }
            Err(Fault::Timeout) => {
                complete = false;
                b.warn(
                    Warning::new(
                        WarningCode::Timeout,
                        format!("listing {} timed out (--request-timeout)", r.name()),
                    )
                    .on(r.name()),
                );
            }
            Err(Fault::Invalid(msg)) => {
                complete = false;
                failures.push(format!("{}: {msg}", r.name()));
                b.warn(
                    Warning::new(
                        WarningCode::InvalidAnswer,
                        format!("cannot list {}: {msg}", r.name()),
                    )
                    .on(r.name()),
                );
            }
            Err(Fault::Failed(msg)) => {
                complete = false;
                failures.push(format!("{}: {msg}", r.name()));
                b.warn(
                    Warning::new(
                        WarningCode::Unreachable,
                        format!("cannot list {}: {msg}", r.name()),
                    )
                    .on(r.name()),
                );
            }
        }
    }
    if !reached && !failures.is_empty() {
        return Err(unreachable(failures.join("; ")));
    }
    Ok(LiveInput {
        inventory: b.finish(),
        complete,
        context,
        server,
    })
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
