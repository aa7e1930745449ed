//! fakekube: a fake, read-only Kubernetes API server over real HTTP on 127.0.0.1.
//!
//! meshsurface's live scan is tested against it (no real cluster exists in CI), and the
//! scale benchmark points both meshsurface and real `kubectl` at it. The contract is the
//! Kubernetes HTTP API itself: discovery (`/version`, `/api`, `/apis`, group and
//! resource lists, legacy and aggregated (`apidiscovery.k8s.io/v2`), with every group
//! that a CustomResourceDefinition among the objects declares), lists and gets of built-in
//! and custom resources with `limit`/`continue`, label and field selectors, metadata-only
//! lists (`PartialObjectMetadataList`), `Status` error bodies, bearer tokens, and
//! injectable [`Fault`]s. Every request is logged with what it resolved to, so a test can
//! check what a scan asked for ([`Running::requests`], [`rbac::Rules::allows`]).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use fakekube::{Fault, FakeKube};
//! let objects = fakekube::load_path("fixtures/clusters/istio-ambient".as_ref()).unwrap();
//! let running = FakeKube::new(objects)
//!     .with_token("secret")
//!     .with_fault("secrets", Fault::Forbidden)
//!     .start()
//!     .await?;
//! running.write_kubeconfig("kubeconfig".as_ref(), "fake")?;
//! // ... run the client ...
//! assert!(running.requests().iter().all(|r| r.status != 500));
//! running.shutdown().await;
//! # Ok(()) }
//! ```

mod fault;
pub mod generate;
mod kubeconfig;
mod load;
mod prepared;
pub mod rbac;
mod request;
mod selector;
mod server;
mod store;
mod token;

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

pub use fault::{Fault, Target};
pub use kubeconfig::{kubeconfig_text, write_kubeconfig, KubeconfigContext};
pub use load::{flatten, load_path, parse_text, LoadError};
pub use prepared::Prepared;
pub use request::{RequestRecord, ResourceAttributes};
pub use selector::{LabelSelector, Op, Requirement};

use fault::FaultState;
use server::{lock, Shared};
use store::Store;

/// The token written into kubeconfigs when the fake does not require one.
pub const DEFAULT_TOKEN: &str = "fakekube-token";

/// A fake API server, configured but not yet listening.
#[derive(Debug, Default)]
pub struct FakeKube {
    objects: Vec<Value>,
    faults: Vec<(Target, Fault)>,
    token: Option<String>,
    metrics: bool,
    port: u16,
    /// Serve these instead of `objects` (see [`FakeKube::prepared`]).
    prepared: Option<Prepared>,
    legacy_discovery_only: bool,
    bare_list_items: bool,
    kubernetes_version: Option<String>,
}

impl FakeKube {
    /// A fake serving these objects (lists are flattened). Objects without `apiVersion`,
    /// `kind` or `metadata.name` are not served. Kinds that no built-in type or CRD
    /// declares are served anyway, under a guessed plural.
    pub fn new(objects: Vec<Value>) -> Self {
        let mut flat = Vec::with_capacity(objects.len());
        for o in objects {
            flatten(o, &mut flat);
        }
        Self {
            objects: flat,
            ..Self::default()
        }
    }

    /// A fake serving objects built beforehand (a generated cluster too big to keep as
    /// `Value`s; one build shared by several fakes). It serves those objects only:
    /// [`FakeKube::with_pod_metrics`] adds none to them.
    pub fn prepared(objects: &Prepared) -> Self {
        Self {
            prepared: Some(objects.clone()),
            ..Self::default()
        }
    }

    /// A fake serving every YAML/JSON file under `path` (see [`load_path`]).
    pub fn from_fixtures(path: &Path) -> Result<Self, LoadError> {
        Ok(Self::new(load_path(path)?))
    }

    /// Injects a fault for a resource (`"pods"`, `"deployments.apps"`, a [`Target`]).
    #[must_use]
    pub fn with_fault(mut self, target: impl Into<Target>, fault: Fault) -> Self {
        self.faults.push((target.into(), fault));
        self
    }

    /// Requires `Authorization: Bearer <token>` on every request (401 otherwise).
    #[must_use]
    pub fn with_token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    /// Serves `metrics.k8s.io` with these PodMetrics (see [`pod_metrics`]); an empty
    /// list serves the group with no data. Without this (and without `PodMetrics` or
    /// `NodeMetrics` among the objects) the group is absent from discovery.
    #[must_use]
    pub fn with_pod_metrics(mut self, metrics: Vec<Value>) -> Self {
        self.metrics = true;
        for m in metrics {
            flatten(m, &mut self.objects);
        }
        self
    }

    /// Answers `/api` and `/apis` only with the legacy documents (`APIVersions`,
    /// `APIGroupList`), as a server before Kubernetes 1.26 did, even when the client asks
    /// for aggregated discovery (`apidiscovery.k8s.io/v2`), which is served by default.
    #[must_use]
    pub fn without_aggregated_discovery(mut self) -> Self {
        self.legacy_discovery_only = true;
        self
    }

    /// Leaves `apiVersion` and `kind` off the items of built-in lists (`PodList`,
    /// `DeploymentList`, ...), exactly as the real API server's JSON does. By default
    /// every item carries them, as `kubectl get -o json` prints them; use this to check
    /// that a client does not depend on them. Custom resources always carry them.
    #[must_use]
    pub fn with_bare_list_items(mut self) -> Self {
        self.bare_list_items = true;
        self
    }

    /// Answers `GET /version` with this `gitVersion` (`v1.36.0`). By default the fake
    /// reports the oldest `status.nodeInfo.kubeletVersion` of the Nodes it serves (the
    /// version a cluster of those Nodes would run), or `v1.34.1-fakekube` without any.
    #[must_use]
    pub fn with_kubernetes_version(mut self, git_version: &str) -> Self {
        self.kubernetes_version = Some(git_version.to_owned());
        self
    }

    /// Listens on this port instead of a free one.
    #[must_use]
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Builds the store and starts serving on 127.0.0.1.
    pub async fn start(self) -> io::Result<Running> {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await?;
        let addr = listener.local_addr()?;
        let (store, kubelet) = if let Some(p) = self.prepared {
            (p.store, p.kubelet)
        } else {
            let kubelet = oldest_kubelet(&self.objects);
            (Arc::new(Store::build(self.objects, self.metrics)), kubelet)
        };
        let git_version = self
            .kubernetes_version
            .clone()
            .or(kubelet)
            .unwrap_or_else(|| "v1.34.1-fakekube".to_owned());
        let shared = Arc::new(Shared {
            store: RwLock::new(store),
            metrics: self.metrics,
            faults: Mutex::new(
                self.faults
                    .into_iter()
                    .map(|(t, f)| FaultState::new(t, f))
                    .collect(),
            ),
            log: Mutex::new(Vec::new()),
            token: self.token,
            addr,
            aggregated_discovery: !self.legacy_discovery_only,
            bare_list_items: self.bare_list_items,
            git_version,
        });
        let (stop_tx, mut stop_rx) = oneshot::channel::<()>();
        let accept_shared = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            let mut conns = JoinSet::new();
            loop {
                tokio::select! {
                    _ = &mut stop_rx => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let _ = stream.set_nodelay(true);
                        let s = Arc::clone(&accept_shared);
                        conns.spawn(async move {
                            let svc = service_fn(move |req| server::handle(Arc::clone(&s), req));
                            let _ = http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), svc)
                                .await;
                        });
                    }
                    Some(_) = conns.join_next(), if !conns.is_empty() => {}
                }
            }
            conns.abort_all();
        });
        Ok(Running {
            url: format!("http://{addr}"),
            addr,
            shared,
            stop: Some(stop_tx),
            task: Some(task),
        })
    }
}

/// A listening fake. Dropping it stops the server.
pub struct Running {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Running {
    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.shared.log).clone()
    }

    /// Forgets the requests so far.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Adds a fault while running.
    pub fn add_fault(&self, target: impl Into<Target>, fault: Fault) {
        lock(&self.shared.faults).push(FaultState::new(target.into(), fault));
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Serves these objects instead (lists are flattened, as by [`FakeKube::new`]) from
    /// the next request on: a cluster that changed between two scans. Faults, the token
    /// and the reported Kubernetes version stay; a list being written finishes from the
    /// objects it started with.
    pub fn set_objects(&self, objects: Vec<Value>) {
        let mut flat = Vec::with_capacity(objects.len());
        for o in objects {
            flatten(o, &mut flat);
        }
        self.shared
            .replace_store(Store::build(flat, self.shared.metrics));
    }

    /// The bearer token clients should send.
    pub fn token(&self) -> &str {
        self.shared.token.as_deref().unwrap_or(DEFAULT_TOKEN)
    }

    /// Number of objects served (after list flattening and de-duplication).
    pub fn object_count(&self) -> usize {
        self.shared.store().object_count()
    }

    /// Objects given but not served (no `apiVersion`, `kind` or `metadata.name`).
    pub fn skipped_count(&self) -> usize {
        self.shared.store().skipped
    }

    /// Names of the API groups served (discovery order, core group not included).
    pub fn groups(&self) -> Vec<String> {
        self.shared
            .store()
            .groups
            .iter()
            .map(|g| g.name.clone())
            .collect()
    }

    /// A kubeconfig context named `name` for this fake.
    pub fn context(&self, name: &str) -> KubeconfigContext {
        KubeconfigContext {
            name: name.to_owned(),
            server: self.url.clone(),
            token: self.token().to_owned(),
            namespace: None,
        }
    }

    /// Writes a kubeconfig whose only (and current) context `context` points here.
    pub fn write_kubeconfig(&self, path: &Path, context: &str) -> io::Result<()> {
        write_kubeconfig(path, &[self.context(context)], context)
    }

    /// Stops listening and closes open connections.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A `metrics.k8s.io/v1beta1` PodMetrics object: `containers` are
/// (name, cpu, memory) quantities such as `("istio-proxy", "12m", "48Mi")`.
pub fn pod_metrics(namespace: &str, name: &str, containers: &[(&str, &str, &str)]) -> Value {
    json!({
        "apiVersion": "metrics.k8s.io/v1beta1",
        "kind": "PodMetrics",
        "metadata": {"name": name, "namespace": namespace},
        "timestamp": "2025-09-09T00:00:00Z",
        "window": "30s",
        "containers": containers
            .iter()
            .map(|(n, cpu, mem)| json!({"name": n, "usage": {"cpu": cpu, "memory": mem}}))
            .collect::<Vec<_>>(),
    })
}

/// The oldest `status.nodeInfo.kubeletVersion` (by its numbers) of the Nodes among
/// `objects`.
fn oldest_kubelet(objects: &[Value]) -> Option<String> {
    let numbers = |v: &str| -> Option<(u64, u64, u64)> {
        let mut it = v
            .trim_start_matches('v')
            .split(|c: char| !c.is_ascii_digit());
        Some((
            it.next()?.parse().ok()?,
            it.next()?.parse().ok()?,
            it.next()?.parse().ok()?,
        ))
    };
    objects
        .iter()
        .filter(|o| o["kind"] == "Node")
        .filter_map(|o| o["status"]["nodeInfo"]["kubeletVersion"].as_str())
        .filter_map(|v| numbers(v).map(|n| (n, v.to_owned())))
        .min()
        .map(|(_, v)| v)
}
