//! The Surface: what a scan found, in the shape of the `meshsurface/v1` snapshot JSON.
//!
//! These structs *are* the machine contract (`docs/snapshot.md`, and the JSON Schema
//! `docs/schema/snapshot.schema.json` generated from them by [`crate::schema`]):
//! field names are camelCase and stable, new fields may be added, existing ones keep their
//! meaning. `scan -o json` prints a [`Snapshot`], `--save` writes one, and `--from` reads
//! one back without running detection again.
//!
//! The records are here; the closed vocabularies they use are in `vocabulary` and the
//! figures (scale, totals, requests and limits) in `figures`, all re-exported.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod certificate;
mod config;
mod figures;
mod hazard;
mod kubernetes;
#[cfg(test)]
mod tests;
mod vocabulary;

pub use certificate::CertificateEntry;
pub use config::{ConfigEntry, ConfigFigures, OverrideEntry};
pub use figures::{as_i64, Resources, Scale, Totals, TotalsDelta};
pub use hazard::{sort as sort_hazards, Hazard};
pub use kubernetes::{Kubernetes, KubernetesFrom};
pub use vocabulary::{
    Capture, HazardCode, Mode, Origin, Placement, Role, ScalesWith, Severity, WarningCode,
    WorkloadKind,
};

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
    /// What is about to break (most severe first), one entry per code and mesh.
    #[serde(default)]
    pub hazards: Vec<Hazard>,
    pub scale: Scale,
    /// The cluster's Kubernetes version, when the input tells it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes: Option<Kubernetes>,
    pub meshes: Vec<Mesh>,
    pub components: Vec<Component>,
    pub proxies: Vec<Proxy>,
    pub crds: Vec<CrdEntry>,
    pub webhooks: Vec<WebhookEntry>,
    /// Namespaces a mesh captures or serves, with their share of the data plane.
    #[serde(default)]
    pub namespaces: Vec<NamespaceEntry>,
    pub upgrade_steps: Vec<UpgradeStep>,
    /// Configuration kinds installed or in use, with their object counts.
    #[serde(default)]
    pub config: Vec<ConfigEntry>,
    /// Proxy-override annotations on workloads, per mesh and key.
    #[serde(default)]
    pub overrides: Vec<OverrideEntry>,
    /// Certificates of the meshes' trust anchors and webhook CAs, with their expiry.
    #[serde(default)]
    pub certificates: Vec<CertificateEntry>,
    pub totals: Totals,
    /// The compute bill of every mesh together, when a price was given (`docs/cost.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<crate::cost::Cost>,
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
            hazards: Vec::new(),
            scale: Scale::default(),
            kubernetes: None,
            meshes: Vec::new(),
            components: Vec::new(),
            proxies: Vec::new(),
            crds: Vec::new(),
            webhooks: Vec::new(),
            namespaces: Vec::new(),
            upgrade_steps: Vec::new(),
            config: Vec::new(),
            overrides: Vec::new(),
            certificates: Vec::new(),
            totals: Totals::default(),
            cost: None,
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
        // Counted: some kind's count is known, or the source looked and found none at all
        // (detection then leaves a 0 in the totals).
        let counted =
            self.config.iter().any(|c| c.objects.is_some()) || self.totals.config_objects.is_some();
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
                proxy_overrides: m.totals.proxy_overrides,
                ..Totals::default()
            };
            let t = t.with_config(
                ConfigFigures::of(self.config.iter().filter(|c| c.mesh == m.name)).or_zero(counted),
            );
            m.totals = t;
            total.add(&t);
        }
        total.upgrade_steps = self.upgrade_steps.len() as u64;
        // The cluster's configuration includes the shared kinds no mesh owns.
        total = total.with_config(ConfigFigures::of(self.config.iter()).or_zero(counted));
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
    /// `--as-of`: the day (YYYY-MM-DD) dated hazards were judged at, when not the day of
    /// `takenAt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// How long a live scan took, in seconds (absent for files and projections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<f64>,
}

impl Source {
    /// The day dated hazards are judged at: `asOf`, else the day of `takenAt`; `None` for
    /// a projection (no time).
    pub fn today(&self) -> Option<crate::date::Day> {
        match &self.as_of {
            Some(d) => crate::date::Day::parse(d).ok(),
            None => crate::date::Day::of_timestamp(&self.taken_at),
        }
    }
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
            as_of: None,
            duration_seconds: None,
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

    #[must_use]
    pub fn on(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    #[must_use]
    pub fn times(mut self, count: u64) -> Self {
        self.count = count;
        self
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
    /// Measured use (`metrics.k8s.io`, live scans) of the containers `totals` bills
    /// (components and the sidecars of application pods); absent when metrics were not
    /// read (offline, not served, projections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<MeasuredUsage>,
    /// The mesh's compute bill, when a price was given (`docs/cost.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<crate::cost::Cost>,
}

/// What `metrics.k8s.io` measured of some pods' billed containers, and how many of the
/// pods it covers: a partly measured set says so instead of passing for the whole.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeasuredUsage {
    /// Summed over the measured pods.
    pub cpu_usage_millicores: i64,
    pub memory_usage_bytes: i64,
    /// Pods measured: every billed container of the pod has a sample.
    pub pods: u64,
    /// Pods billed (observed ones; projected pods have no usage).
    pub of: u64,
}

impl MeasuredUsage {
    /// Adds another measure, saturating.
    pub fn add(&mut self, o: MeasuredUsage) {
        self.cpu_usage_millicores = self
            .cpu_usage_millicores
            .saturating_add(o.cpu_usage_millicores);
        self.memory_usage_bytes = self.memory_usage_bytes.saturating_add(o.memory_usage_bytes);
        self.pods = self.pods.saturating_add(o.pods);
        self.of = self.of.saturating_add(o.of);
    }

    /// Some when metrics were read for some billed pod (`of` > 0), even if none of
    /// them had a sample: "0 of 7 measured" is a finding, absent is "not read".
    #[must_use]
    pub fn read(self) -> Option<Self> {
        (self.of > 0).then_some(self)
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
    /// Measured use of its pods' containers (live scans); absent when metrics were not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<MeasuredUsage>,
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
