//! From folded pods and workload objects to *units*: groups of identical pods with the
//! workload they belong to, observed or projected from a template.
//!
//! Pods are the truth; a workload's template times its replicas stands in only when the
//! input has the workload but none of its pods. A workload that owns pods but is absent
//! from the input is rebuilt from its pods, so pods alone are enough to find components.

use std::collections::BTreeMap;

use crate::inventory::{Inventory, Labels, OwnerRef, PodShape, Usage, WorkloadKind};

/// A workload as detection sees it (from the input, or rebuilt from its pods).
#[derive(Debug, Clone)]
pub struct WorkloadView<'a> {
    pub kind: WorkloadKind,
    pub namespace: &'a str,
    pub name: String,
    pub labels: &'a Labels,
    /// The template, or for a rebuilt workload the shape of its first pods.
    pub shape: &'a PodShape,
    pub replicas: u64,
    /// A DaemonSet whose pod count the input does not tell (no pods, no status, no
    /// Nodes): `replicas` is 0 and means "unknown".
    pub unknown: bool,
}

impl WorkloadView<'_> {
    /// `Kind/namespace/name`, the way warnings point at a workload.
    pub fn resource(&self) -> String {
        format!("{}/{}/{}", self.kind.as_str(), self.namespace, self.name)
    }
}

/// Identical pods: a count, a shape, and the workload they belong to.
#[derive(Debug, Clone)]
pub struct Unit<'a> {
    pub namespace: &'a str,
    pub shape: &'a PodShape,
    pub count: u64,
    pub from_template: bool,
    /// Index into the workload views.
    pub workload: Option<usize>,
    /// A pod name, for warnings about pods without a workload.
    pub example: &'a str,
    /// Measured usage per container (None for projected pods).
    pub usage: Option<&'a BTreeMap<String, Usage>>,
    /// Projected from a DaemonSet whose pod count is unknown (`count` is 0).
    pub unknown: bool,
}

/// The workload a pod's owner stands for: a DaemonSet, StatefulSet, ReplicationController
/// or bare ReplicaSet directly, a ReplicaSet's Deployment otherwise.
fn owner_workload(
    inv: &Inventory,
    bare: &std::collections::BTreeSet<(&str, &str)>,
    namespace: &str,
    owner: &OwnerRef,
    shape: &PodShape,
) -> Option<(WorkloadKind, String)> {
    match owner.kind.as_str() {
        "DaemonSet" => Some((WorkloadKind::DaemonSet, owner.name.clone())),
        "StatefulSet" => Some((WorkloadKind::StatefulSet, owner.name.clone())),
        "ReplicationController" => Some((WorkloadKind::ReplicationController, owner.name.clone())),
        "ReplicaSet" if bare.contains(&(namespace, owner.name.as_str())) => {
            Some((WorkloadKind::ReplicaSet, owner.name.clone()))
        }
        "ReplicaSet" => {
            if let Some(d) = inv
                .replica_sets
                .get(&(namespace.to_owned(), owner.name.clone()))
            {
                return Some((WorkloadKind::Deployment, d.clone()));
            }
            let stripped = match shape.labels.get("pod-template-hash") {
                Some(hash) => owner.name.strip_suffix(&format!("-{hash}")),
                None => owner.name.rsplit_once('-').map(|(d, _)| d),
            };
            stripped.map(|d| (WorkloadKind::Deployment, d.to_owned()))
        }
        _ => None,
    }
}

/// Builds the workload views and the units of the whole inventory.
pub fn units(inv: &Inventory) -> (Vec<WorkloadView<'_>>, Vec<Unit<'_>>) {
    let nodes = match inv.nodes.len() as u64 {
        0 => inv.assumed_nodes,
        n => Some(n),
    };
    let bare: std::collections::BTreeSet<(&str, &str)> = inv
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::ReplicaSet)
        .map(|w| (w.namespace.as_str(), w.name.as_str()))
        .collect();
    let mut views: Vec<WorkloadView<'_>> = inv
        .workloads
        .iter()
        .map(|w| {
            let desired = match w.kind {
                // Without Node objects a status of 0 is a rendered placeholder (goldens,
                // `helm template`), not a count: the node count decides, if known.
                WorkloadKind::DaemonSet => match (w.desired_scheduled, inv.nodes.is_empty()) {
                    (Some(0), true) | (None, _) => nodes,
                    (desired, _) => desired,
                },
                _ => Some(w.replicas.unwrap_or(1)),
            };
            WorkloadView {
                kind: w.kind,
                namespace: &w.namespace,
                name: w.name.clone(),
                labels: &w.labels,
                shape: &w.template,
                replicas: desired.unwrap_or(0),
                unknown: desired.is_none(),
            }
        })
        .collect();
    let mut index: BTreeMap<(WorkloadKind, &str, String), usize> = views
        .iter()
        .enumerate()
        .map(|(i, v)| ((v.kind, v.namespace, v.name.clone()), i))
        .collect();
    let mut observed = vec![false; views.len()];
    let mut units = Vec::new();
    for g in &inv.pod_groups {
        let resolved = g
            .owner
            .as_ref()
            .and_then(|o| owner_workload(inv, &bare, &g.namespace, o, &g.shape));
        let workload = resolved.map(|(kind, name)| {
            let key = (kind, g.namespace.as_str(), name.clone());
            if let Some(&i) = index.get(&key) {
                if i < observed.len() {
                    observed[i] = true;
                    views[i].unknown = false;
                } else {
                    views[i].replicas = views[i].replicas.saturating_add(g.count);
                }
                i
            } else {
                views.push(WorkloadView {
                    kind,
                    namespace: &g.namespace,
                    name,
                    labels: &g.shape.labels,
                    shape: &g.shape,
                    replicas: g.count,
                    unknown: false,
                });
                index.insert(key, views.len() - 1);
                views.len() - 1
            }
        });
        units.push(Unit {
            namespace: &g.namespace,
            shape: &g.shape,
            count: g.count,
            from_template: false,
            workload,
            example: &g.example,
            usage: Some(&g.usage),
            unknown: false,
        });
    }
    for (i, w) in inv.workloads.iter().enumerate() {
        if !observed[i] && (views[i].replicas > 0 || views[i].unknown) {
            units.push(Unit {
                namespace: &w.namespace,
                shape: &w.template,
                count: views[i].replicas,
                from_template: true,
                workload: Some(i),
                example: &w.name,
                usage: None,
                unknown: views[i].unknown,
            });
        }
    }
    (views, units)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{InventoryBuilder, KeepKeys, PodRecord, Workload};

    fn pod(ns: &str, owner: (&str, &str), hash: Option<&str>) -> PodRecord {
        let mut shape = PodShape::default();
        if let Some(h) = hash {
            shape.labels.insert("pod-template-hash".into(), h.into());
        }
        PodRecord {
            namespace: ns.into(),
            name: format!("{}-x", owner.1),
            owner: Some(OwnerRef {
                kind: owner.0.into(),
                name: owner.1.into(),
            }),
            shape,
            ..Default::default()
        }
    }

    #[test]
    fn replica_set_owner_resolves_to_deployment() {
        let mut b = InventoryBuilder::new(KeepKeys::default());
        b.add_pod(pod(
            "a",
            ("ReplicaSet", "web-7d9f8b6c5d"),
            Some("7d9f8b6c5d"),
        ));
        b.add_pod(pod("a", ("ReplicaSet", "api-server-5c4b"), None));
        b.add_pod(pod("a", ("Job", "backup-1"), None));
        let inv = b.finish();
        let (views, units) = units(&inv);
        let names: Vec<_> = views.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["web", "api-server"]);
        assert_eq!(units.len(), 3);
        assert_eq!(units[2].workload, None);
    }

    #[test]
    fn workloads_without_pods_are_projected() {
        let mut b = InventoryBuilder::new(KeepKeys::default());
        b.add_node("n1".into());
        b.add_node("n2".into());
        for (kind, name, replicas) in [
            (WorkloadKind::Deployment, "d", Some(3)),
            (WorkloadKind::DaemonSet, "ds", None),
            (WorkloadKind::Deployment, "zero", Some(0)),
        ] {
            b.add_workload(Workload {
                kind,
                namespace: "a".into(),
                name: name.into(),
                labels: Labels::new(),
                replicas,
                desired_scheduled: None,
                ready_replicas: None,
                template: PodShape::default(),
            });
        }
        let inv = b.finish();
        let (_, units) = units(&inv);
        let counts: Vec<_> = units.iter().map(|u| (u.count, u.from_template)).collect();
        assert_eq!(counts, [(3, true), (2, true)]);
    }
}
