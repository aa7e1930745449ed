//! The Inventory: the minimal, normalized records that detection needs, and nothing more.
//!
//! Live and offline sources both fill an [`InventoryBuilder`], one object at a time, so
//! everything downstream is the same whichever way the objects arrived. Pods are folded
//! while they are read: pods of one workload that look alike (same containers, images,
//! resources and mesh-relevant labels) become one [`PodGroup`] with a count, so memory
//! follows the number of workloads, not the number of pods.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::surface::{Warning, WarningCode};

/// The Gateway API group (Gateways are identified by it).
const GATEWAY_GROUP: &str = "gateway.networking.k8s.io";

/// Labels or annotations, sorted so that folding and output are deterministic.
pub type Labels = BTreeMap<String, String>;

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
}

/// What a pod looks like, as far as detection cares: the key pods are folded on.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PodShape {
    pub labels: Labels,
    /// Only the annotations the catalog looks at (others are dropped while reading).
    pub annotations: Labels,
    pub service_account: String,
    pub containers: Vec<Container>,
    pub init_containers: Vec<Container>,
}

impl PodShape {
    /// Containers that hold resources while the pod runs: regular containers and native
    /// sidecars (run-to-completion init containers are left out).
    pub fn running_containers(&self) -> impl Iterator<Item = &Container> {
        self.containers
            .iter()
            .chain(self.init_containers.iter().filter(|c| c.restart_always))
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
    /// Pods per node (a pod not yet scheduled is under the empty name).
    pub nodes: BTreeMap<String, u64>,
    /// One pod's name, so that warnings can point at a real object.
    pub example: String,
    /// Measured usage per container name (empty without metrics).
    pub usage: BTreeMap<String, Usage>,
}

/// Workload kinds that run pods from a template (and can be mesh components).
/// ReplicaSets count only when no Deployment owns them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
pub enum WorkloadKind {
    Deployment,
    DaemonSet,
    StatefulSet,
    ReplicaSet,
    ReplicationController,
}

impl WorkloadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::ReplicationController => "ReplicationController",
        }
    }

    pub fn from_kind(kind: &str) -> Option<Self> {
        match kind {
            "Deployment" => Some(WorkloadKind::Deployment),
            "DaemonSet" => Some(WorkloadKind::DaemonSet),
            "StatefulSet" => Some(WorkloadKind::StatefulSet),
            "ReplicaSet" => Some(WorkloadKind::ReplicaSet),
            "ReplicationController" => Some(WorkloadKind::ReplicationController),
            _ => None,
        }
    }
}

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
    pub template: PodShape,
}

/// A Namespace object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Namespace {
    pub labels: Labels,
    pub annotations: Labels,
}

/// A CustomResourceDefinition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crd {
    pub name: String,
    pub group: String,
    /// Served versions, in the order the CRD lists them.
    pub versions: Vec<String>,
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
    /// Did the input hold any Service at all? (Orphaned webhooks are judged only then.)
    pub saw_services: bool,
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
}

/// Annotation keys kept on pods: everything else is dropped while reading.
#[derive(Debug, Clone, Default)]
pub struct KeepKeys {
    pub annotations: BTreeSet<String>,
}

/// Label keys that differ from pod to pod of one workload and mean nothing to detection.
const PER_POD_LABELS: &[&str] = &[
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
];

/// An object's identity: (API group, kind, namespace, name).
type ObjectKey = (&'static str, &'static str, String, String);

/// Where an object already read went, so that a later copy can replace it.
#[derive(Debug, Clone)]
enum Slot {
    /// Pod group index and node: the copy is taken out of the group.
    Pod(usize, String),
    Workload(usize),
    Crd(usize),
    Webhook(usize),
    Gateway(usize),
    /// Kept in a map or set, or not kept at all: a later copy simply overwrites it.
    Keyed,
}

/// Fills an [`Inventory`], folding pods as they arrive.
#[derive(Debug, Default)]
pub struct InventoryBuilder {
    inv: Inventory,
    keep: KeepKeys,
    groups: BTreeMap<(String, Option<OwnerRef>, PodShape), usize>,
    namespaces_seen: BTreeSet<String>,
    usage: Option<Arc<UsageMap>>,
    /// Where the objects being added come from (`file document n`), for duplicates.
    origin: Option<String>,
    seen: BTreeMap<ObjectKey, (String, Slot)>,
}

/// One pod as a source read it, before folding.
#[derive(Debug, Clone, Default)]
pub struct PodRecord {
    pub namespace: String,
    pub name: String,
    pub node: Option<String>,
    pub owner: Option<OwnerRef>,
    pub phase: Option<String>,
    pub shape: PodShape,
}

impl InventoryBuilder {
    pub fn new(keep: KeepKeys) -> Self {
        Self {
            keep,
            ..Self::default()
        }
    }

    /// Pods added from now on get their measured usage from these samples.
    pub fn with_usage(mut self, usage: Arc<UsageMap>) -> Self {
        self.usage = Some(usage);
        self.inv.metrics = true;
        self
    }

    /// The place (file and document) the next objects come from.
    pub fn set_origin(&mut self, place: impl Into<String>) {
        self.origin = Some(place.into());
    }

    /// Records an object read from a file by identity (API group, kind, namespace, name),
    /// once [`Self::set_origin`] was called. A second object
    /// with the same identity replaces the first: returns the first one's slot, after a
    /// `duplicate-object` warning naming both places.
    fn identify(
        &mut self,
        (group, kind): (&'static str, &'static str),
        namespace: &str,
        name: &str,
        slot: Slot,
    ) -> Option<Slot> {
        // A live API server holds each object once: only offline input is checked.
        let place = self.origin.clone()?;
        let key = (group, kind, namespace.to_owned(), name.to_owned());
        let (first, old) = self.seen.insert(key.clone(), (place.clone(), slot))?;
        if !matches!(old, Slot::Pod(..) | Slot::Keyed) {
            // The later copy takes the first one's place in its list.
            self.seen.insert(key, (place.clone(), old.clone()));
        }
        let what = if namespace.is_empty() {
            format!("{kind}/{name}")
        } else {
            format!("{kind}/{namespace}/{name}")
        };
        self.inv.warnings.push(
            Warning::new(
                WarningCode::DuplicateObject,
                format!("{what} is given twice ({first}; {place}): the last one is kept"),
            )
            .on(what),
        );
        Some(old)
    }

    fn saw_namespace(&mut self, ns: &str) {
        if !ns.is_empty() && !self.namespaces_seen.contains(ns) {
            self.namespaces_seen.insert(ns.to_owned());
        }
    }

    /// Drops the labels and annotations that would split identical pods apart.
    pub fn trim_shape(&self, shape: &mut PodShape) {
        shape
            .annotations
            .retain(|k, _| self.keep.annotations.contains(k));
        for k in PER_POD_LABELS {
            shape.labels.remove(*k);
        }
    }

    pub fn add_pod(&mut self, mut pod: PodRecord) {
        let node = pod.node.clone().unwrap_or_default();
        let (ns, name) = (pod.namespace.clone(), pod.name.clone());
        if let Some(Slot::Pod(i, old_node)) = self.identify(("", "Pod"), &ns, &name, Slot::Keyed) {
            let g = &mut self.inv.pod_groups[i];
            g.count = g.count.saturating_sub(1);
            if let Some(n) = g.nodes.get_mut(&old_node) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    g.nodes.remove(&old_node);
                }
            }
        }
        if matches!(pod.phase.as_deref(), Some("Succeeded" | "Failed")) {
            return;
        }
        self.saw_namespace(&pod.namespace);
        self.trim_shape(&mut pod.shape);
        let samples = self
            .usage
            .as_ref()
            .and_then(|u| u.get(&(pod.namespace.clone(), pod.name.clone())).cloned());
        let key = (pod.namespace, pod.owner, pod.shape);
        let i = if let Some(&i) = self.groups.get(&key) {
            let g = &mut self.inv.pod_groups[i];
            g.count = g.count.saturating_add(1);
            let on_node = g.nodes.entry(node.clone()).or_default();
            *on_node = on_node.saturating_add(1);
            i
        } else {
            let (namespace, owner, shape) = key.clone();
            self.inv.pod_groups.push(PodGroup {
                namespace,
                owner,
                shape,
                count: 1,
                nodes: BTreeMap::from([(node.clone(), 1)]),
                example: pod.name,
                usage: BTreeMap::new(),
            });
            self.groups.insert(key, self.inv.pod_groups.len() - 1);
            self.inv.pod_groups.len() - 1
        };
        if let Some(entry) = self.seen.get_mut(&("", "Pod", ns, name)) {
            entry.1 = Slot::Pod(i, node);
        }
        for (container, u) in samples.unwrap_or_default() {
            self.inv.pod_groups[i]
                .usage
                .entry(container)
                .or_default()
                .add(u);
        }
    }

    pub fn add_workload(&mut self, mut w: Workload) {
        self.saw_namespace(&w.namespace);
        let mut template = std::mem::take(&mut w.template);
        self.trim_shape(&mut template);
        w.template = template;
        let group = match w.kind {
            WorkloadKind::ReplicationController => "",
            _ => "apps",
        };
        let slot = Slot::Workload(self.inv.workloads.len());
        let (ns, name) = (w.namespace.clone(), w.name.clone());
        match self.identify((group, w.kind.as_str()), &ns, &name, slot) {
            Some(Slot::Workload(i)) => self.inv.workloads[i] = w,
            _ => self.inv.workloads.push(w),
        }
    }

    pub fn add_replica_set(&mut self, namespace: String, name: String, deployment: String) {
        self.saw_namespace(&namespace);
        self.inv.replica_sets.insert((namespace, name), deployment);
    }

    pub fn add_node(&mut self, name: String) {
        self.identify(("", "Node"), "", &name, Slot::Keyed);
        self.inv.nodes.insert(name);
    }

    pub fn add_namespace(&mut self, name: String, ns: Namespace) {
        self.identify(("", "Namespace"), "", &name, Slot::Keyed);
        self.namespaces_seen.insert(name.clone());
        self.inv.namespaces.insert(name, ns);
    }

    pub fn add_service(&mut self, namespace: String, name: String) {
        self.saw_namespace(&namespace);
        self.inv.saw_services = true;
        self.inv.services.insert((namespace, name));
    }

    pub fn add_service_account(&mut self, namespace: String, name: String) {
        self.saw_namespace(&namespace);
        self.inv.service_accounts.insert((namespace, name));
    }

    pub fn add_crd(&mut self, crd: Crd) {
        let slot = Slot::Crd(self.inv.crds.len());
        let id = ("apiextensions.k8s.io", "CustomResourceDefinition");
        match self.identify(id, "", &crd.name.clone(), slot) {
            Some(Slot::Crd(i)) => self.inv.crds[i] = crd,
            _ => self.inv.crds.push(crd),
        }
    }

    pub fn add_webhook_config(&mut self, w: WebhookConfig) {
        let slot = Slot::Webhook(self.inv.webhooks.len());
        let kind = match w.kind {
            WebhookKind::Mutating => "MutatingWebhookConfiguration",
            WebhookKind::Validating => "ValidatingWebhookConfiguration",
        };
        let id = ("admissionregistration.k8s.io", kind);
        match self.identify(id, "", &w.name.clone(), slot) {
            Some(Slot::Webhook(i)) => self.inv.webhooks[i] = w,
            _ => self.inv.webhooks.push(w),
        }
    }

    pub fn add_gateway(&mut self, g: Gateway) {
        self.saw_namespace(&g.namespace);
        let slot = Slot::Gateway(self.inv.gateways.len());
        let id = (GATEWAY_GROUP, "Gateway");
        match self.identify(id, &g.namespace.clone(), &g.name.clone(), slot) {
            Some(Slot::Gateway(i)) => self.inv.gateways[i] = g,
            _ => self.inv.gateways.push(g),
        }
    }

    /// Marks that the object's namespace exists (for kinds that are otherwise ignored).
    pub fn add_other(&mut self, namespace: Option<&str>) {
        if let Some(ns) = namespace {
            self.saw_namespace(ns);
        }
    }

    pub fn warn(&mut self, w: Warning) {
        self.inv.warnings.push(w);
    }

    /// Marks a list of pods or workloads that could not be read.
    pub fn unread(&mut self, what: String) {
        self.inv.unread.push(what);
    }

    /// The workload objects read so far.
    pub fn workloads(&self) -> &[Workload] {
        &self.inv.workloads
    }

    /// Adds everything another builder read (a resource listed on its own) to this one.
    pub fn merge(&mut self, other: InventoryBuilder) {
        let o = other.inv;
        self.inv.nodes.extend(o.nodes);
        for (name, ns) in o.namespaces {
            self.inv.namespaces.insert(name, ns);
        }
        self.inv.workloads.extend(o.workloads);
        self.inv.replica_sets.extend(o.replica_sets);
        for g in o.pod_groups {
            let key = (g.namespace.clone(), g.owner.clone(), g.shape.clone());
            if let Some(&i) = self.groups.get(&key) {
                let mine = &mut self.inv.pod_groups[i];
                mine.count = mine.count.saturating_add(g.count);
                for (node, n) in g.nodes {
                    let on_node = mine.nodes.entry(node).or_default();
                    *on_node = on_node.saturating_add(n);
                }
                for (c, u) in g.usage {
                    mine.usage.entry(c).or_default().add(u);
                }
            } else {
                self.inv.pod_groups.push(g);
                self.groups.insert(key, self.inv.pod_groups.len() - 1);
            }
        }
        self.inv.services.extend(o.services);
        self.inv.service_accounts.extend(o.service_accounts);
        self.inv.crds.extend(o.crds);
        self.inv.webhooks.extend(o.webhooks);
        self.inv.gateways.extend(o.gateways);
        self.inv.saw_services |= o.saw_services;
        self.inv.metrics |= o.metrics;
        self.inv.warnings.extend(o.warnings);
        self.inv.unread.extend(o.unread);
        self.namespaces_seen.extend(other.namespaces_seen);
    }

    /// Finishes reading: namespaces that objects live in but that were not given as
    /// Namespace objects are added with no labels.
    pub fn finish(mut self) -> Inventory {
        // Pods replaced by a later copy of themselves may leave empty groups.
        self.inv.pod_groups.retain(|g| g.count > 0);
        for ns in std::mem::take(&mut self.namespaces_seen) {
            self.inv.namespaces.entry(ns).or_default();
        }
        self.inv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, node: &str, extra_label: Option<(&str, &str)>) -> PodRecord {
        let mut shape = PodShape {
            service_account: "default".into(),
            containers: vec![Container {
                name: "app".into(),
                image: "nginx:1".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        shape
            .annotations
            .insert("ignored/annotation".into(), name.into());
        if let Some((k, v)) = extra_label {
            shape.labels.insert(k.into(), v.into());
        }
        PodRecord {
            namespace: "shop".into(),
            name: name.into(),
            node: Some(node.into()),
            owner: Some(OwnerRef {
                kind: "ReplicaSet".into(),
                name: "web-abc".into(),
            }),
            phase: Some("Running".into()),
            shape,
        }
    }

    #[test]
    fn alike_pods_fold_into_one_group() {
        let mut b = InventoryBuilder::new(KeepKeys::default());
        b.add_pod(pod("web-abc-1", "n1", None));
        b.add_pod(pod(
            "web-abc-2",
            "n2",
            Some(("statefulset.kubernetes.io/pod-name", "x")),
        ));
        b.add_pod(pod("web-abc-3", "n2", None));
        let mut done = pod("web-abc-4", "n2", None);
        done.phase = Some("Succeeded".into());
        b.add_pod(done);
        let inv = b.finish();
        assert_eq!(inv.pod_groups.len(), 1);
        let g = &inv.pod_groups[0];
        assert_eq!(g.count, 3);
        assert_eq!(g.nodes.get("n2"), Some(&2));
        assert_eq!(g.example, "web-abc-1");
        assert!(inv.namespaces.contains_key("shop"));
    }

    #[test]
    fn merged_builders_fold_like_one() {
        let mut a = InventoryBuilder::new(KeepKeys::default());
        a.add_pod(pod("web-abc-1", "n1", None));
        let mut b = InventoryBuilder::new(KeepKeys::default());
        b.add_pod(pod("web-abc-2", "n2", None));
        b.add_node("n2".into());
        b.add_service("shop".into(), "web".into());
        a.merge(b);
        let inv = a.finish();
        assert_eq!(inv.pod_groups.len(), 1);
        assert_eq!(inv.pod_groups[0].count, 2);
        assert!(inv.saw_services && inv.nodes.contains("n2"));
    }

    #[test]
    fn counts_and_usage_saturate_when_merged() {
        let mut a = InventoryBuilder::new(KeepKeys::default());
        a.add_pod(pod("web-abc-1", "n1", None));
        let mut b = InventoryBuilder::new(KeepKeys::default());
        b.add_pod(pod("web-abc-2", "n1", None));
        b.inv.pod_groups[0].count = u64::MAX;
        b.inv.pod_groups[0].usage.insert(
            "app".into(),
            Usage {
                cpu_millicores: i64::MAX,
                memory_bytes: i64::MAX,
                pods: 1,
            },
        );
        a.inv.pod_groups[0].usage.insert(
            "app".into(),
            Usage {
                cpu_millicores: 1,
                memory_bytes: 1,
                pods: 1,
            },
        );
        a.merge(b);
        let g = &a.finish().pod_groups[0];
        assert_eq!(g.count, u64::MAX);
        assert_eq!(g.usage["app"].cpu_millicores, i64::MAX);
        assert_eq!(g.usage["app"].memory_bytes, i64::MAX);
    }

    #[test]
    fn different_shapes_stay_apart() {
        let mut b = InventoryBuilder::new(KeepKeys::default());
        b.add_pod(pod("a", "n1", None));
        b.add_pod(pod("b", "n1", Some(("version", "v2"))));
        assert_eq!(b.finish().pod_groups.len(), 2);
    }
}
