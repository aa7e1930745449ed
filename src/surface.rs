//! The Surface: what a scan found, in the shape of the `meshsurface/v1` snapshot JSON.
//!
//! These structs *are* the machine contract (`docs/snapshot.md`, and the JSON Schema
//! `docs/schema/snapshot.schema.json` generated from them by [`crate::schema`]):
//! field names are camelCase and stable, new fields may be added, existing ones keep their
//! meaning. `scan -o json` prints a [`Snapshot`], `--save` writes one, and `--from` reads
//! one back without running detection again.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::inventory::WorkloadKind;

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: &str = "meshsurface/v1";

/// The `mesh` of a CRD that meshes need but none owns (e.g. Gateway API): part of the
/// contract, so graph and render read it from here rather than from detection.
pub const SHARED: &str = "shared";

/// One cluster's operational surface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    #[schemars(extend("const" = SCHEMA_VERSION))]
    pub schema_version: String,
    pub source: Source,
    /// False when some resources could not be read: the figures are then a lower bound.
    pub complete: bool,
    pub warnings: Vec<Warning>,
    pub scale: Scale,
    pub meshes: Vec<Mesh>,
    pub components: Vec<Component>,
    pub proxies: Vec<Proxy>,
    pub crds: Vec<CrdEntry>,
    pub webhooks: Vec<WebhookEntry>,
    /// Namespaces a mesh captures or serves, with their share of the data plane.
    #[serde(default)]
    pub namespaces: Vec<NamespaceEntry>,
    pub upgrade_steps: Vec<UpgradeStep>,
    pub totals: Totals,
}

impl Snapshot {
    /// A complete snapshot of nothing yet, from this source: detection and projections
    /// fill it in.
    pub fn empty(source: Source) -> Self {
        Self {
            schema_version: SCHEMA_VERSION.to_owned(),
            source,
            complete: true,
            warnings: Vec::new(),
            scale: Scale::default(),
            meshes: Vec::new(),
            components: Vec::new(),
            proxies: Vec::new(),
            crds: Vec::new(),
            webhooks: Vec::new(),
            namespaces: Vec::new(),
            upgrade_steps: Vec::new(),
            totals: Totals::default(),
        }
    }

    /// Recomputes every count of each mesh's totals and of the cluster's from the lists
    /// (components, proxies, CRDs, webhooks, upgrade steps). The CPU and memory bills are
    /// kept as they are per mesh (they are sums over containers the lists do not hold) and
    /// added up for the cluster.
    pub fn recount(&mut self) {
        use crate::arith::SatSum;
        use std::collections::BTreeSet;
        let mut total = Totals::default();
        for m in &mut self.meshes {
            let comps: Vec<&Component> = self
                .components
                .iter()
                .filter(|c| c.mesh == m.name)
                .collect();
            let proxies: Vec<&Proxy> = self.proxies.iter().filter(|p| p.mesh == m.name).collect();
            let t = Totals {
                components: comps.len() as u64,
                component_kinds: comps
                    .iter()
                    .map(|c| &c.component)
                    .collect::<BTreeSet<_>>()
                    .len() as u64,
                component_instances: comps.iter().map(|c| c.instances).sat_sum(),
                proxy_types: proxies
                    .iter()
                    .map(|p| (&p.implementation, &p.placement))
                    .collect::<BTreeSet<_>>()
                    .len() as u64,
                proxy_implementations: proxies
                    .iter()
                    .map(|p| &p.implementation)
                    .collect::<BTreeSet<_>>()
                    .len() as u64,
                proxy_instances: proxies.iter().map(|p| p.instances).sat_sum(),
                crds: self.crds.iter().filter(|c| c.mesh == m.name).count() as u64,
                webhooks: self.webhooks.iter().filter(|w| w.mesh == m.name).count() as u64,
                upgrade_steps: m.totals.upgrade_steps,
                cpu_request_millicores: m.totals.cpu_request_millicores,
                memory_request_bytes: m.totals.memory_request_bytes,
            };
            m.totals = t;
            total.add(&t);
        }
        total.upgrade_steps = self.upgrade_steps.len() as u64;
        self.totals = total;
    }
}

/// Where the objects came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    pub kind: SourceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// The namespace a namespaced scan (`-n`) was limited to (absent: all namespaces).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// RFC 3339, UTC.
    pub taken_at: String,
}

impl Source {
    /// An offline source with no files and no time: a projection's starting point.
    pub fn projected() -> Self {
        Self {
            kind: SourceKind::Offline,
            context: None,
            paths: Vec::new(),
            namespace: None,
            taken_at: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Live,
    Offline,
}

/// Something the user should know about the figures.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    pub code: WarningCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// How many objects (pods, documents) this one warning stands for.
    pub count: u64,
}

impl Warning {
    pub fn new(code: WarningCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            resource: None,
            count: 1,
        }
    }

    pub fn on(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    pub fn times(mut self, count: u64) -> Self {
        self.count = count;
        self
    }
}

/// The warning codes of the contract.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum WarningCode {
    Forbidden,
    Unreachable,
    Timeout,
    MetricsUnavailable,
    MetricsPartial,
    MissingRequests,
    InvalidQuantity,
    AbsurdReplicas,
    UnknownDocument,
    OrphanedWebhook,
    ControlPlaneNotFound,
    InvalidAnswer,
    /// An input (file or stdin) held no document: often a failed command before a pipe.
    EmptyInput,
    /// A symlink in a `--from` folder that was not followed (a loop, or already read).
    SkippedLink,
    /// A path in a `--from` folder that was not read (not a regular file, or read twice).
    SkippedFile,
    DuplicateObject,
    NodesUnknown,
    UnknownComponent,
}

impl WarningCode {
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::Forbidden => "forbidden",
            WarningCode::Unreachable => "unreachable",
            WarningCode::Timeout => "timeout",
            WarningCode::MetricsUnavailable => "metrics-unavailable",
            WarningCode::MetricsPartial => "metrics-partial",
            WarningCode::MissingRequests => "missing-requests",
            WarningCode::InvalidQuantity => "invalid-quantity",
            WarningCode::AbsurdReplicas => "absurd-replicas",
            WarningCode::UnknownDocument => "unknown-document",
            WarningCode::OrphanedWebhook => "orphaned-webhook",
            WarningCode::ControlPlaneNotFound => "control-plane-not-found",
            WarningCode::InvalidAnswer => "invalid-answer",
            WarningCode::EmptyInput => "empty-input",
            WarningCode::SkippedLink => "skipped-link",
            WarningCode::SkippedFile => "skipped-file",
            WarningCode::DuplicateObject => "duplicate-object",
            WarningCode::NodesUnknown => "nodes-unknown",
            WarningCode::UnknownComponent => "unknown-component",
        }
    }
}

/// The cluster's own size: what the surface scales with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Scale {
    pub nodes: u64,
    pub namespaces: u64,
    pub pods: u64,
    pub meshed_pods: u64,
    pub service_accounts: u64,
    pub meshed_namespaces: u64,
}

impl Scale {
    /// Every figure with its JSON name, in the order of the contract.
    pub fn figures(&self) -> [(&'static str, i64); 6] {
        [
            ("nodes", as_i64(self.nodes)),
            ("namespaces", as_i64(self.namespaces)),
            ("pods", as_i64(self.pods)),
            ("meshedPods", as_i64(self.meshed_pods)),
            ("serviceAccounts", as_i64(self.service_accounts)),
            ("meshedNamespaces", as_i64(self.meshed_namespaces)),
        ]
    }
}

/// One mesh found in the cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Mesh {
    pub name: String,
    pub mode: String,
    /// The control plane's version (the newest when several revisions run).
    pub version: Option<String>,
    /// Every control-plane version, when more than one runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    pub namespace: Option<String>,
    pub meshed_pods: u64,
    pub totals: Totals,
}

/// What a component does for its mesh.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    ControlPlane,
    NodeAgent,
    Gateway,
    Waypoint,
    Cni,
    Addon,
    /// A workload the mesh's ownership labels claim but the catalog does not name.
    Unknown,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ControlPlane => "control-plane",
            Role::NodeAgent => "node-agent",
            Role::Gateway => "gateway",
            Role::Waypoint => "waypoint",
            Role::Cni => "cni",
            Role::Addon => "addon",
            Role::Unknown => "unknown",
        }
    }
}

/// What a component multiplies with.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ScalesWith {
    Cluster,
    Node,
    Namespace,
    ServiceAccount,
    Pod,
}

impl ScalesWith {
    pub fn as_str(self) -> &'static str {
        match self {
            ScalesWith::Cluster => "cluster",
            ScalesWith::Node => "node",
            ScalesWith::Namespace => "namespace",
            ScalesWith::ServiceAccount => "service-account",
            ScalesWith::Pod => "pod",
        }
    }
}

/// Implements `Display` as `as_str` for a vocabulary enum.
macro_rules! display_as_str {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

display_as_str!(
    Role,
    ScalesWith,
    Placement,
    Origin,
    Mode,
    Capture,
    WorkloadKind
);

/// Where a proxy runs: the contract's closed vocabulary (catalog data names these values;
/// a typo there fails at load). Declared in alphabetical order, so that sorting by
/// placement sorts as the names do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// A gateway's own pods (ingress, egress, east-west).
    Gateway,
    /// A waypoint bound to a namespace.
    Namespace,
    /// One per node (ztunnel, cilium-envoy).
    Node,
    /// A waypoint no namespace is bound to (serves services).
    Service,
    /// Injected into every meshed application pod.
    Sidecar,
}

impl Placement {
    pub const ALL: [Placement; 5] = [
        Placement::Gateway,
        Placement::Namespace,
        Placement::Node,
        Placement::Service,
        Placement::Sidecar,
    ];

    /// The placement of this name (`sidecar`), if it is one.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Placement::Gateway => "gateway",
            Placement::Namespace => "namespace",
            Placement::Node => "node",
            Placement::Service => "service",
            Placement::Sidecar => "sidecar",
        }
    }
}

/// Where counted instances come from when they are not (all) observed pods.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Observed and projected instances together (proxies only).
    Mixed,
    /// Added by a growth projection (`plan`, `compare`).
    Projected,
    /// Projected from a pod template with no pods in the input.
    Template,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Mixed => "mixed",
            Origin::Projected => "projected",
            Origin::Template => "template",
        }
    }
}

/// A mesh's data-plane mode, as the catalog's mode rules and the feature profiles name it.
/// A mesh running several at once is written joined with `+`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A proxy injected into each application pod.
    Sidecar,
    /// Pods captured by a node proxy and waypoints (Istio ambient).
    Ambient,
    /// Traffic handled per node; pods are not captured one by one (Cilium).
    Node,
    /// Pods or workloads were left unread: no mode is guessed.
    Unknown,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Sidecar => "sidecar",
            Mode::Ambient => "ambient",
            Mode::Node => "node",
            Mode::Unknown => "unknown",
        }
    }

    /// Modes that apply together, in the order given: `sidecar+ambient`.
    pub fn join(modes: &[Mode]) -> String {
        modes
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// How a namespace's application pods are captured. Declared sidecar first: a set of them
/// joins as mesh modes are written.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Capture {
    Sidecar,
    Ambient,
    /// Not captured (a namespace that only hosts a waypoint; a node-mode mesh's pods).
    None,
}

impl Capture {
    pub const ALL: [Capture; 3] = [Capture::Sidecar, Capture::Ambient, Capture::None];

    /// The capture mode of this name (`ambient`), if it is one.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Capture::Sidecar => "sidecar",
            Capture::Ambient => "ambient",
            Capture::None => "none",
        }
    }

    /// `sidecar`, `ambient`, `sidecar+ambient`; `none` for an empty set.
    pub fn join(captures: &std::collections::BTreeSet<Capture>) -> String {
        let parts: Vec<&str> = captures
            .iter()
            .filter(|c| **c != Capture::None)
            .map(|c| c.as_str())
            .collect();
        if parts.is_empty() {
            Capture::None.as_str().to_owned()
        } else {
            parts.join("+")
        }
    }
}

/// A workload the team runs for a mesh.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Component {
    pub mesh: String,
    pub component: String,
    pub role: Role,
    pub kind: WorkloadKind,
    pub namespace: String,
    pub name: String,
    /// Desired replicas (DaemonSet: desired scheduled, or the node count offline).
    pub replicas: u64,
    /// Pods counted (observed, or projected from the template).
    pub instances: u64,
    pub scales_with: ScalesWith,
    pub feature: String,
    pub version: Option<String>,
    /// `template` (projected from a pod template) or `projected` (by a growth projection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Origin>,
    /// True when the pod count is unknown (a DaemonSet with no pods, no status and no
    /// Nodes in the input): `instances` is then 0 and stands for "unknown".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub instances_unknown: bool,
}

/// One data-plane proxy type at one version, with its instances and footprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Proxy {
    pub mesh: String,
    pub implementation: String,
    pub placement: Placement,
    pub version: Option<String>,
    pub instances: u64,
    pub cpu_request_millicores: i64,
    pub memory_request_bytes: i64,
    pub cpu_limit_millicores: i64,
    pub memory_limit_bytes: i64,
    /// From `metrics.k8s.io`: the sum over the `usagePods` measured pods; null when no pod
    /// of this type has metrics (not served, none returned, offline, or projected).
    pub cpu_usage_millicores: Option<i64>,
    pub memory_usage_bytes: Option<i64>,
    /// How many of the `instances` the usage covers (0 when usage is null).
    #[serde(default)]
    pub usage_pods: u64,
    /// Usage as a percentage of the requests of the same measured pods (rounded); null
    /// without usage or without requests.
    #[serde(default)]
    pub cpu_utilisation_percent: Option<i64>,
    #[serde(default)]
    pub memory_utilisation_percent: Option<i64>,
    /// `template` when every instance is projected from a pod template; `mixed` when the
    /// entry holds observed and projected instances (see `templateInstances`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Origin>,
    /// With `from: mixed`: how many of `instances` are projected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_instances: Option<u64>,
    /// True when some instances could not be counted (a DaemonSet without Nodes in the
    /// input): `instances` is then a lower bound.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub instances_unknown: bool,
}

impl Proxy {
    /// A proxy type with no instances yet: detection and projections add to it.
    pub fn empty(
        mesh: &str,
        implementation: &str,
        placement: Placement,
        version: Option<String>,
    ) -> Self {
        Self {
            mesh: mesh.to_owned(),
            implementation: implementation.to_owned(),
            placement,
            version,
            instances: 0,
            cpu_request_millicores: 0,
            memory_request_bytes: 0,
            cpu_limit_millicores: 0,
            memory_limit_bytes: 0,
            cpu_usage_millicores: None,
            memory_usage_bytes: None,
            usage_pods: 0,
            cpu_utilisation_percent: None,
            memory_utilisation_percent: None,
            from: None,
            template_instances: None,
            instances_unknown: false,
        }
    }
}

/// Requests and limits of one container (or one pod, or a sum of them): CPU in
/// millicores, memory in bytes. Sums and products saturate ([`crate::arith`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resources {
    pub cpu_request_millicores: i64,
    pub memory_request_bytes: i64,
    pub cpu_limit_millicores: i64,
    pub memory_limit_bytes: i64,
}

impl Resources {
    /// Each figure times `count`, saturating.
    pub fn times(self, count: u64) -> Self {
        use crate::arith::times;
        Self {
            cpu_request_millicores: times(self.cpu_request_millicores, count),
            memory_request_bytes: times(self.memory_request_bytes, count),
            cpu_limit_millicores: times(self.cpu_limit_millicores, count),
            memory_limit_bytes: times(self.memory_limit_bytes, count),
        }
    }
}

impl Proxy {
    /// Adds `count` instances of `each` requests and limits, saturating.
    pub fn add(&mut self, count: u64, each: Resources) {
        let r = each.times(count);
        self.instances = self.instances.saturating_add(count);
        self.cpu_request_millicores = self
            .cpu_request_millicores
            .saturating_add(r.cpu_request_millicores);
        self.memory_request_bytes = self
            .memory_request_bytes
            .saturating_add(r.memory_request_bytes);
        self.cpu_limit_millicores = self
            .cpu_limit_millicores
            .saturating_add(r.cpu_limit_millicores);
        self.memory_limit_bytes = self.memory_limit_bytes.saturating_add(r.memory_limit_bytes);
    }
}

/// A CustomResourceDefinition owned (or needed) by a mesh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CrdEntry {
    pub mesh: String,
    pub name: String,
    pub group: String,
    pub versions: Vec<String>,
}

/// A webhook configuration object of a mesh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEntry {
    pub mesh: String,
    pub kind: String,
    pub name: String,
    pub failure_policy: String,
    pub webhooks: Vec<WebhookItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookItem {
    pub name: String,
    pub failure_policy: String,
    /// `namespace/name` of the backing Service, null for a URL webhook.
    pub service: Option<String>,
}

/// One namespace's share of a mesh's data plane: how its pods are captured, how many
/// workloads and proxies it holds, and the waypoints bound to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceEntry {
    pub mesh: String,
    pub namespace: String,
    /// `sidecar`, `ambient`, `sidecar+ambient`, or `none` (a namespace that only hosts a
    /// waypoint).
    pub capture: String,
    /// Distinct application workloads with meshed pods.
    pub workloads: u64,
    pub meshed_pods: u64,
    /// Proxy instances running in the namespace (sidecars, and waypoints placed here).
    pub proxies: u64,
    pub cpu_request_millicores: i64,
    pub memory_request_bytes: i64,
    /// Waypoints (by name) that serve this namespace.
    pub waypoints: Vec<String>,
}

/// One step of the upgrade runbook (filled by the dependency graph).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeStep {
    /// 1, 2, ... across the whole snapshot (meshes in `meshes[]` order).
    pub step: u64,
    /// The mesh this step upgrades.
    #[serde(default)]
    pub mesh: String,
    /// `crds`, `control-plane`, `node-agents`, `gateways-and-waypoints`, `add-ons`,
    /// `workload-restarts`.
    #[serde(default)]
    pub kind: String,
    pub title: String,
    /// Workloads (`namespace/name`), CRD groups, or (for restarts) namespaces.
    pub targets: Vec<String>,
    /// Workloads to restart so that their sidecars are re-injected.
    pub restarts: u64,
}

/// The headline figures (per mesh, and for the whole cluster).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub components: u64,
    pub component_kinds: u64,
    pub component_instances: u64,
    pub proxy_types: u64,
    pub proxy_implementations: u64,
    pub proxy_instances: u64,
    pub crds: u64,
    pub webhooks: u64,
    pub upgrade_steps: u64,
    pub cpu_request_millicores: i64,
    pub memory_request_bytes: i64,
}

impl Totals {
    /// Adds another set of totals to this one, saturating (upgrade steps are not added:
    /// they are counted from the runbook).
    pub fn add(&mut self, t: &Totals) {
        let sum = |a: &mut u64, b: u64| *a = a.saturating_add(b);
        sum(&mut self.components, t.components);
        sum(&mut self.component_kinds, t.component_kinds);
        sum(&mut self.component_instances, t.component_instances);
        sum(&mut self.proxy_types, t.proxy_types);
        sum(&mut self.proxy_implementations, t.proxy_implementations);
        sum(&mut self.proxy_instances, t.proxy_instances);
        sum(&mut self.crds, t.crds);
        sum(&mut self.webhooks, t.webhooks);
        self.cpu_request_millicores = self
            .cpu_request_millicores
            .saturating_add(t.cpu_request_millicores);
        self.memory_request_bytes = self
            .memory_request_bytes
            .saturating_add(t.memory_request_bytes);
    }

    /// The JSON names of the figures, in the order of the contract (budgets use them).
    pub const FIELDS: [&'static str; 11] = [
        "components",
        "componentKinds",
        "componentInstances",
        "proxyTypes",
        "proxyImplementations",
        "proxyInstances",
        "crds",
        "webhooks",
        "upgradeSteps",
        "cpuRequestMillicores",
        "memoryRequestBytes",
    ];

    /// Every figure with its JSON name, in the order of [`Totals::FIELDS`].
    pub fn figures(&self) -> [(&'static str, i64); 11] {
        let values = [
            as_i64(self.components),
            as_i64(self.component_kinds),
            as_i64(self.component_instances),
            as_i64(self.proxy_types),
            as_i64(self.proxy_implementations),
            as_i64(self.proxy_instances),
            as_i64(self.crds),
            as_i64(self.webhooks),
            as_i64(self.upgrade_steps),
            self.cpu_request_millicores,
            self.memory_request_bytes,
        ];
        let mut out = [("", 0); 11];
        for (i, (name, value)) in Self::FIELDS.iter().zip(values).enumerate() {
            out[i] = (name, value);
        }
        out
    }

    /// Every figure minus `before`'s (counts as signed figures), saturating.
    pub fn delta(&self, before: &Totals) -> TotalsDelta {
        let (a, b) = (self.figures(), before.figures());
        let v = |i: usize| a[i].1.saturating_sub(b[i].1);
        TotalsDelta {
            components: v(0),
            component_kinds: v(1),
            component_instances: v(2),
            proxy_types: v(3),
            proxy_implementations: v(4),
            proxy_instances: v(5),
            crds: v(6),
            webhooks: v(7),
            upgrade_steps: v(8),
            cpu_request_millicores: v(9),
            memory_request_bytes: v(10),
        }
    }

    /// One figure by its JSON name.
    pub fn get(&self, field: &str) -> Option<i64> {
        self.figures()
            .into_iter()
            .find(|(name, _)| *name == field)
            .map(|(_, v)| v)
    }
}

/// Every figure of the totals minus an earlier one's: the same names, signed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TotalsDelta {
    pub components: i64,
    pub component_kinds: i64,
    pub component_instances: i64,
    pub proxy_types: i64,
    pub proxy_implementations: i64,
    pub proxy_instances: i64,
    pub crds: i64,
    pub webhooks: i64,
    pub upgrade_steps: i64,
    pub cpu_request_millicores: i64,
    pub memory_request_bytes: i64,
}

/// A count as a signed figure (counts never come near `i64::MAX`; saturate if they did).
pub fn as_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_names_are_the_json_names() {
        let t = Totals {
            components: 1,
            component_kinds: 2,
            component_instances: 3,
            proxy_types: 4,
            proxy_implementations: 5,
            proxy_instances: 6,
            crds: 7,
            webhooks: 8,
            upgrade_steps: 9,
            cpu_request_millicores: 10,
            memory_request_bytes: 11,
        };
        let json = serde_json::to_value(t).unwrap();
        let obj = json.as_object().unwrap();
        assert_eq!(obj.len(), Totals::FIELDS.len());
        for (name, value) in t.figures() {
            assert_eq!(obj[name], serde_json::json!(value), "{name}");
        }
        let scale = Scale {
            nodes: 1,
            namespaces: 2,
            pods: 3,
            meshed_pods: 4,
            service_accounts: 5,
            meshed_namespaces: 6,
        };
        let json = serde_json::to_value(scale).unwrap();
        assert_eq!(json.as_object().unwrap().len(), 6);
        for (name, value) in scale.figures() {
            assert_eq!(json[name], serde_json::json!(value), "{name}");
        }
        assert_eq!(t.get("crds"), Some(7));
        assert_eq!(t.get("nope"), None);
        // The delta has the same names, each the difference.
        let d = t.delta(&Totals::default());
        let json = serde_json::to_value(d).unwrap();
        assert_eq!(json.as_object().unwrap().len(), Totals::FIELDS.len());
        for (name, value) in t.figures() {
            assert_eq!(json[name], serde_json::json!(value), "{name}");
        }
        assert_eq!(Totals::default().delta(&t).crds, -7);
    }

    #[test]
    fn vocabularies_serialize_as_their_names_and_sort_by_them() {
        for p in Placement::ALL {
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
            assert_eq!(Placement::parse(p.as_str()), Some(p));
        }
        // Proxy types are keyed by placement: the enum must order as the names did.
        let mut by_enum = Placement::ALL.to_vec();
        by_enum.sort();
        let mut by_name = Placement::ALL.to_vec();
        by_name.sort_by_key(|p| p.as_str());
        assert_eq!(by_enum, by_name);
        for c in Capture::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        for o in [Origin::Mixed, Origin::Projected, Origin::Template] {
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
        for m in [Mode::Sidecar, Mode::Ambient, Mode::Node, Mode::Unknown] {
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
        assert_eq!(
            Mode::join(&[Mode::Sidecar, Mode::Ambient]),
            "sidecar+ambient"
        );
    }
}
