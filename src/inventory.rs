//! The Inventory: the minimal, normalized records that detection needs, and nothing more.
//!
//! Live and offline sources both fill an [`InventoryBuilder`], one object at a time, so
//! everything downstream is the same whichever way the objects arrived. Pods are folded
//! while they are read: pods of one workload that look alike (same containers, images,
//! resources and mesh-relevant labels) become one [`PodGroup`] with a count, so memory
//! follows the number of workloads, not the number of pods.
//!
//! This file holds the records, which detection reads; `builder` fills them (folding,
//! replacing duplicates, merging the builders of concurrent lists).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::surface::Warning;

mod anchors;
mod builder;
mod kubernetes;
mod labels;
mod pdb;
#[cfg(test)]
mod tests;

pub use anchors::AnchorBundle;
pub use builder::{InventoryBuilder, PodRecord};
pub use kubernetes::KubernetesVersions;
/// Labels or annotations, sorted so that folding and output are deterministic.
pub use labels::Labels;
pub use pdb::{Budget, Pdb, Requirement, Selector};

/// The Gateway API group (Gateways are identified by it).
const GATEWAY_GROUP: &str = "gateway.networking.k8s.io";

/// Resource requests or limits of one container, as the raw quantity strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Resources {
    pub cpu: Option<String>,
    pub memory: Option<String>,
}

/// One container of a pod or pod template.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Container {
    pub name: String,
    pub image: String,
    /// An init container with `restartPolicy: Always` (a native sidecar).
    pub restart_always: bool,
    /// `args` (how Istio tells a waypoint from a gateway: `proxy waypoint`).
    pub args: Vec<String>,
    pub requests: Resources,
    pub limits: Resources,
    /// Environment variables the catalog keeps (`KeepKeys::env`), by name: a fingerprint
    /// of the value ([`crate::certs::text_fingerprint`]), never the value itself.
    pub env: Labels,
}

/// What a pod looks like, as far as detection cares: the key pods are folded on.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PodShape {
    pub labels: Labels,
    /// Only the annotations the catalog looks at (others are dropped while reading).
    pub annotations: Labels,
    pub service_account: String,
    /// Shared: the pod groups and templates of a cluster hold a few distinct containers
    /// (the same sidecar everywhere), so the builder keeps one copy of each
    /// ([`InventoryBuilder`] interns them).
    pub containers: Vec<Arc<Container>>,
    pub init_containers: Vec<Arc<Container>>,
}

impl PodShape {
    /// Containers that hold resources while the pod runs: regular containers and native
    /// sidecars (run-to-completion init containers are left out).
    pub fn running_containers(&self) -> impl Iterator<Item = &Container> {
        self.containers
            .iter()
            .chain(self.init_containers.iter().filter(|c| c.restart_always))
            .map(|c| &**c)
    }
}

/// A pod's controller, as written in its `ownerReferences`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OwnerRef {
    pub kind: String,
    pub name: String,
}

/// Measured usage of one container, summed over the pods of a group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub cpu_millicores: i64,
    pub memory_bytes: i64,
    /// How many pods' samples the sum holds (1 for one pod's sample): a group whose pods
    /// were only partly measured says so, instead of passing the sum off as the whole.
    pub pods: u64,
}

impl Usage {
    /// Adds another sample, saturating (a hostile metrics server cannot wrap the sum).
    pub fn add(&mut self, u: Usage) {
        self.cpu_millicores = self.cpu_millicores.saturating_add(u.cpu_millicores);
        self.memory_bytes = self.memory_bytes.saturating_add(u.memory_bytes);
        self.pods = self.pods.saturating_add(u.pods);
    }
}

/// `metrics.k8s.io` samples: (namespace, pod) → (container, usage).
pub type UsageMap = BTreeMap<(String, String), Vec<(String, Usage)>>;

/// Pods of one owner and one shape, folded into a count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodGroup {
    pub namespace: String,
    pub owner: Option<OwnerRef>,
    pub shape: PodShape,
    pub count: u64,
    /// One pod's name, so that warnings can point at a real object.
    pub example: String,
    /// Measured usage per container name (empty without metrics).
    pub usage: BTreeMap<String, Usage>,
}

pub use crate::surface::WorkloadKind;

/// A Deployment, DaemonSet or StatefulSet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    pub kind: WorkloadKind,
    pub namespace: String,
    pub name: String,
    pub labels: Labels,
    /// `spec.replicas` (Deployment, StatefulSet, ReplicaSet, ReplicationController).
    pub replicas: Option<u64>,
    /// `status.desiredNumberScheduled` (DaemonSet).
    pub desired_scheduled: Option<u64>,
    /// Ready pods: `status.readyReplicas` (0 when the status is there without it, as
    /// the API server omits a 0), `status.numberReady` for a DaemonSet; `None` without a
    /// status (manifests).
    pub ready_replicas: Option<u64>,
    pub template: PodShape,
}

/// A Namespace object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Namespace {
    pub labels: Labels,
    pub annotations: Labels,
}

/// A CustomResourceDefinition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Crd {
    pub name: String,
    pub group: String,
    /// Served versions, in the order the CRD lists them.
    pub versions: Vec<String>,
    /// `spec.names.kind`: what its objects say they are.
    pub kind: String,
    /// `spec.names.plural`: the resource its objects are listed as.
    pub plural: String,
    /// `spec.scope: Namespaced`.
    pub namespaced: bool,
    /// The version objects are stored in (listed at it, so nothing is converted).
    pub storage: Option<String>,
    /// `status.storedVersions`: every version objects were ever stored at and not yet
    /// migrated from (empty when the input has no status, as manifests do).
    pub stored_versions: Vec<String>,
    /// Served versions marked `deprecated: true`.
    pub deprecated: Vec<String>,
}

/// Custom resources of the meshes' API groups (their configuration), counted while
/// reading: counts, never the objects, so 20,000 VirtualServices cost a map entry each
/// per namespace, not 20,000 records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigObjects {
    /// (API group, kind) → namespace (`""` for cluster-scoped objects) → objects.
    pub counts: BTreeMap<(String, String), BTreeMap<String, u64>>,
    /// Were the meshes' custom resources looked for? Live: their lists ran. Offline: the
    /// input held at least one (manifests without any say nothing about configuration).
    pub read: bool,
    /// (API group, kind) whose list could not be read: its count is unknown, not 0.
    pub unread: BTreeSet<(String, String)>,
}

/// Mutating or validating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookKind {
    Mutating,
    Validating,
}

/// One webhook inside a configuration object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub name: String,
    /// `Fail` or `Ignore` (absent means `Fail`, the API default).
    pub failure_policy: String,
    /// `namespace/name` of the Service behind it, if it is served in-cluster.
    pub service: Option<(String, String)>,
    /// `clientConfig.caBundle`, parsed while reading (None: absent or empty; Err: why it
    /// does not parse).
    pub ca_bundle: Option<Result<Vec<crate::certs::Certificate>, String>>,
}

/// A Mutating- or ValidatingWebhookConfiguration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookConfig {
    pub kind: WebhookKind,
    pub name: String,
    pub labels: Labels,
    pub webhooks: Vec<Webhook>,
}

/// A Gateway API Gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    pub namespace: String,
    pub name: String,
    pub class: String,
    pub labels: Labels,
}

/// Everything detection needs, gathered from one cluster.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub nodes: BTreeSet<String>,
    /// The Kubernetes version the API server or the kubelets report.
    pub kubernetes: KubernetesVersions,
    pub namespaces: BTreeMap<String, Namespace>,
    pub workloads: Vec<Workload>,
    /// ReplicaSet (namespace, name) → owning Deployment name.
    pub replica_sets: BTreeMap<(String, String), String>,
    pub pod_groups: Vec<PodGroup>,
    pub services: BTreeSet<(String, String)>,
    pub service_accounts: BTreeSet<(String, String)>,
    pub crds: Vec<Crd>,
    pub webhooks: Vec<WebhookConfig>,
    pub gateways: Vec<Gateway>,
    /// The meshes' custom resources in use (configuration objects).
    pub config: ConfigObjects,
    /// Did the input hold any Service at all? (Orphaned webhooks are judged only then.)
    pub saw_services: bool,
    /// `PodDisruptionBudgets` by (namespace, name).
    pub pdbs: BTreeMap<(String, String), Pdb>,
    /// Did the input hold any `PodDisruptionBudget` (live or offline alike, so that a live
    /// scan and a dump of the same objects agree)? Only then is "no budget allows a
    /// disruption" judged: an input without any may simply not include them.
    pub pdbs_read: bool,
    /// Were pod metrics read? (Usage is then reported, else null.)
    pub metrics: bool,
    /// Lists of pods or workloads that could not be read (`pods in shop`): what they would
    /// show (a mesh's mode, its control plane) is then unknown, not guessed.
    pub unread: Vec<String>,
    /// `--nodes N` for offline input without Node objects: what a DaemonSet without
    /// status projects to (None: its instances are unknown).
    pub assumed_nodes: Option<u64>,
    /// Warnings raised while reading (documents that are not objects, ...).
    pub warnings: Vec<Warning>,
    /// The trust-anchor ConfigMap keys of the catalog found in the input.
    pub anchors: Vec<AnchorBundle>,
    /// Trust-anchor ConfigMaps (namespace, name) that could not be read (403): absent is
    /// then unknown, not "only in a Secret".
    pub anchors_unread: BTreeSet<(String, String)>,
}

/// What the catalog asks the reader to keep: everything else is dropped while reading.
#[derive(Debug, Clone, Default)]
pub struct KeepKeys {
    /// Annotation keys kept on pods and templates.
    pub annotations: BTreeSet<String>,
    /// Annotation key prefixes kept too (proxy-override annotations, `config.linkerd.io/`).
    pub annotation_prefixes: Vec<String>,
    /// Label keys kept on pods, on workloads (not their templates, whose labels budgets'
    /// selectors read, whatever the key) and on namespaces; `None` keeps every label.
    pub labels: Option<BTreeSet<String>>,
    /// API group patterns whose objects are configuration (counted): a pattern matches
    /// itself and its subgroups (`istio.io` matches `networking.istio.io`).
    pub config_groups: Vec<String>,
    /// Kinds of those groups that are state a controller writes, not configuration
    /// (`CiliumEndpoint`): never counted.
    pub state_kinds: BTreeSet<String>,
    /// The ConfigMap keys that publish trust anchors (catalog `trustAnchors`): the only
    /// ConfigMaps kept.
    pub anchor_config_maps: Vec<crate::catalog::AnchorConfigMap>,
    /// Container environment variables kept (as fingerprints) on pods and templates.
    pub env: BTreeSet<String>,
}

impl KeepKeys {
    /// Is this annotation key kept?
    pub fn keeps_annotation(&self, key: &str) -> bool {
        self.annotations.contains(key)
            || self
                .annotation_prefixes
                .iter()
                .any(|p| key.starts_with(p.as_str()))
    }

    /// Drops the labels detection never reads (see [`KeepKeys::labels`]).
    pub fn trim_labels(&self, labels: &mut Labels) {
        if let Some(keep) = &self.labels {
            labels.retain(|k, _| keep.contains(k));
        }
    }

    /// Is an object of this group and kind configuration to count?
    pub fn is_config(&self, group: &str, kind: &str) -> bool {
        !self.state_kinds.contains(kind)
            && self
                .config_groups
                .iter()
                .any(|g| crate::apigroup::within(group, g))
    }
}
