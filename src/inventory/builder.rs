//! The [`InventoryBuilder`]: objects in, one at a time, from either source; pods folded
//! into groups as they arrive; a later copy of an object replaces the earlier one (with a
//! warning). Apart from the records it fills, which downstream code reads without it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use super::{
    Container, Crd, Gateway, Inventory, KeepKeys, Namespace, OwnerRef, PodGroup, PodShape,
    UsageMap, WebhookConfig, WebhookKind, Workload, WorkloadKind, GATEWAY_GROUP,
};
use crate::surface::{Warning, WarningCode};

mod config;
mod merge;

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
    /// Pod group index: the copy is taken out of the group.
    Pod(usize),
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
    pub(super) inv: Inventory,
    keep: KeepKeys,
    /// Pod groups by a hash of (namespace, owner, shape): the key is the group itself,
    /// compared on a hit, so the shape is held once (in the group), not cloned as a key.
    groups: HashMap<u64, Vec<usize>>,
    namespaces_seen: BTreeSet<String>,
    usage: Option<Arc<UsageMap>>,
    /// Where the objects being added come from (`file document n`), for duplicates.
    origin: Option<String>,
    seen: BTreeMap<ObjectKey, (String, Slot)>,
    /// Configuration objects read from files, by (group, kind, namespace, name): a second
    /// copy is counted once. (Live lists hold each object once and are not kept.)
    config_seen: BTreeMap<(String, String, String, String), String>,
    /// One copy of each distinct container the kept shapes hold (see [`PodShape`]).
    containers: HashSet<Arc<Container>>,
}

/// One pod as a source read it, before folding.
#[derive(Debug, Clone, Default)]
pub struct PodRecord {
    pub namespace: String,
    pub name: String,
    pub owner: Option<OwnerRef>,
    pub phase: Option<String>,
    pub shape: PodShape,
}

/// The folding hash of a pod group's key.
fn fold_hash(namespace: &str, owner: Option<&OwnerRef>, shape: &PodShape) -> u64 {
    let mut h = DefaultHasher::new();
    (namespace, owner, shape).hash(&mut h);
    h.finish()
}

impl InventoryBuilder {
    /// The group with this key, if one was folded already.
    fn group_of(
        &self,
        hash: u64,
        namespace: &str,
        owner: Option<&OwnerRef>,
        shape: &PodShape,
    ) -> Option<usize> {
        self.groups.get(&hash)?.iter().copied().find(|&i| {
            let g = &self.inv.pod_groups[i];
            g.namespace == namespace && g.owner.as_ref() == owner && g.shape == *shape
        })
    }

    pub fn new(keep: KeepKeys) -> Self {
        Self {
            keep,
            ..Self::default()
        }
    }

    /// The CRDs read so far (the configuration round lists their objects).
    pub fn crds(&self) -> &[Crd] {
        &self.inv.crds
    }

    /// What this builder keeps (the reader asks it which objects are configuration).
    pub fn keeps(&self) -> &KeepKeys {
        &self.keep
    }

    /// Pods added from now on get their measured usage from these samples.
    #[must_use]
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
        self.duplicate(
            kind,
            namespace,
            name,
            (&first, &place),
            "the last one is kept",
        );
        Some(old)
    }

    /// The `duplicate-object` warning: an object given twice, where, and what was done.
    fn duplicate(
        &mut self,
        kind: &str,
        namespace: &str,
        name: &str,
        (first, place): (&str, &str),
        outcome: &str,
    ) {
        let what = if namespace.is_empty() {
            format!("{kind}/{name}")
        } else {
            format!("{kind}/{namespace}/{name}")
        };
        self.inv.warnings.push(
            Warning::new(
                WarningCode::DuplicateObject,
                format!("{what} is given twice ({first}; {place}): {outcome}"),
            )
            .on(what),
        );
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
            .retain(|k, _| self.keep.keeps_annotation(k));
        for k in PER_POD_LABELS {
            shape.labels.remove(k);
        }
        for c in shape
            .containers
            .iter_mut()
            .chain(&mut shape.init_containers)
        {
            if c.env.keys().any(|k| !self.keep.env.contains(k)) {
                Arc::make_mut(c)
                    .env
                    .retain(|k, _| self.keep.env.contains(k));
            }
        }
    }

    /// Replaces the shape's containers with the copies already kept, and keeps its new
    /// ones (a shape kept in a group or a workload, not one folded into a group).
    fn intern(&mut self, shape: &mut PodShape) {
        shape.labels.shrink_to_fit();
        shape.annotations.shrink_to_fit();
        for c in shape
            .containers
            .iter_mut()
            .chain(&mut shape.init_containers)
        {
            match self.containers.get(c) {
                Some(kept) => *c = kept.clone(),
                None => {
                    self.containers.insert(c.clone());
                }
            }
        }
    }

    pub fn add_pod(&mut self, mut pod: PodRecord) {
        // Only offline input is checked for duplicates (see `identify`): a live list
        // does not pay for the key.
        let key = self
            .origin
            .is_some()
            .then(|| (pod.namespace.clone(), pod.name.clone()));
        if let Some((ns, name)) = &key {
            if let Some(Slot::Pod(i)) = self.identify(("", "Pod"), ns, name, Slot::Keyed) {
                let g = &mut self.inv.pod_groups[i];
                g.count = g.count.saturating_sub(1);
            }
        }
        if matches!(pod.phase.as_deref(), Some("Succeeded" | "Failed")) {
            return;
        }
        self.saw_namespace(&pod.namespace);
        self.trim_shape(&mut pod.shape);
        self.keep.trim_labels(&mut pod.shape.labels);
        let samples = self
            .usage
            .as_ref()
            .and_then(|u| u.get(&(pod.namespace.clone(), pod.name.clone())).cloned());
        let hash = fold_hash(&pod.namespace, pod.owner.as_ref(), &pod.shape);
        let i = if let Some(i) = self.group_of(hash, &pod.namespace, pod.owner.as_ref(), &pod.shape)
        {
            let g = &mut self.inv.pod_groups[i];
            g.count = g.count.saturating_add(1);
            i
        } else {
            self.intern(&mut pod.shape);
            self.inv.pod_groups.push(PodGroup {
                namespace: pod.namespace,
                owner: pod.owner,
                shape: pod.shape,
                count: 1,
                example: pod.name,
                usage: BTreeMap::new(),
            });
            let i = self.inv.pod_groups.len() - 1;
            self.groups.entry(hash).or_default().push(i);
            i
        };
        if let Some((ns, name)) = key {
            if let Some(entry) = self.seen.get_mut(&("", "Pod", ns, name)) {
                entry.1 = Slot::Pod(i);
            }
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
        self.intern(&mut template);
        w.template = template;
        self.keep.trim_labels(&mut w.labels);
        w.labels.shrink_to_fit();
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

    pub fn add_namespace(&mut self, name: String, mut ns: Namespace) {
        self.keep.trim_labels(&mut ns.labels);
        ns.labels.shrink_to_fit();
        self.identify(("", "Namespace"), "", &name, Slot::Keyed);
        self.namespaces_seen.insert(name.clone());
        self.inv.namespaces.insert(name, ns);
    }

    pub fn add_service(&mut self, namespace: String, name: String) {
        self.saw_namespace(&namespace);
        self.inv.saw_services = true;
        self.inv.services.insert((namespace, name));
    }

    pub fn add_pdb(&mut self, namespace: String, name: String, pdb: super::Pdb) {
        self.saw_namespace(&namespace);
        self.inv.pdbs_read = true;
        self.inv.pdbs.insert((namespace, name), pdb);
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
        // A Gateway (a waypoint's too) is configuration someone wrote: counted once, even
        // when given twice (the copy replaces the first below).
        if self.keep.is_config(GATEWAY_GROUP, "Gateway") {
            let (ns, name) = (g.namespace.clone(), g.name.clone());
            // `identify` below warns about a second copy.
            self.config_once(GATEWAY_GROUP, "Gateway", &ns, &name, false);
        }
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

    /// What this builder keeps of each object.
    pub fn keep(&self) -> &KeepKeys {
        &self.keep
    }

    /// The workload objects read so far.
    pub fn workloads(&self) -> &[Workload] {
        &self.inv.workloads
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
