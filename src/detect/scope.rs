//! A namespaced scan (`-n NS`): the mesh as it is, limited to one namespace's workloads.
//!
//! Limiting every list to NS would hide what attribution needs: the control plane and the
//! node agents live in other namespaces, so a namespaced scan would report an ambient
//! namespace as unmeshed and invent a mode. Instead, a namespaced scan keeps
//!
//! * every cluster-scoped object (nodes, namespaces with their labels, CRDs, webhooks);
//! * the mesh's shared components wherever they run (control plane, node agents, CNI,
//!   gateways, add-ons: every component whose catalog rule does not scale with a
//!   namespace), their pods, and the ReplicaSets, Services and Gateways of their namespaces;
//! * everything namespaced in NS.
//!
//! Application workloads of other namespaces, and per-namespace components there
//! (waypoints), are left out. The live scan reads just that ([`mesh_namespaces`] tells it
//! which namespaces to read besides NS); offline input is read whole and cut down by
//! [`limit_to_namespace`], so both give the same snapshot.

use std::collections::BTreeSet;

use crate::catalog::{Catalog, ComponentRule, MeshEntry};
use crate::inventory::{Inventory, Labels, PodShape, Workload, WorkloadKind};
use crate::surface::ScalesWith;

use super::pods::units;

/// The first catalog rule (in priority order) a workload matches.
fn rule_of<'c>(
    rules: &[(&'c MeshEntry, &'c ComponentRule)],
    kind: WorkloadKind,
    namespace: &str,
    labels: &Labels,
    shape: &PodShape,
    gateway_class: Option<&str>,
) -> Option<&'c ComponentRule> {
    rules.iter().find_map(|(_, r)| {
        r.r#match
            .iter()
            .any(|m| {
                m.matches(kind, namespace, labels, shape, gateway_class)
                    .is_some()
            })
            .then_some(*r)
    })
}

/// Is a component kept in a scan of `namespace`? Shared ones always; per-namespace ones
/// (waypoints) only in the namespace itself.
fn kept(rule: &ComponentRule, at: &str, namespace: &str) -> bool {
    rule.scales_with != ScalesWith::Namespace || at == namespace
}

/// The namespaces besides `namespace` that hold the mesh's shared components, judged
/// from the cluster's workload objects: what a namespaced live scan lists pods in too.
pub fn mesh_namespaces(
    catalog: &Catalog,
    workloads: &[Workload],
    namespace: &str,
) -> BTreeSet<String> {
    let rules = catalog.component_rules();
    workloads
        .iter()
        .filter(|w| w.namespace != namespace)
        .filter(|w| {
            // Gateways are not read yet: a gateway's class is judged from its labels alone.
            rule_of(&rules, w.kind, &w.namespace, &w.labels, &w.template, None)
                .is_some_and(|r| kept(r, &w.namespace, namespace))
        })
        .map(|w| w.namespace.clone())
        .collect()
}

/// The trust-anchor ConfigMaps to look for, `(namespace, name)`: each catalog ConfigMap
/// in the namespaces of the workloads matching its components (what a live scan GETs; the
/// same places detection judges).
pub fn anchor_places(catalog: &Catalog, workloads: &[Workload]) -> Vec<(String, String)> {
    let rules = catalog.component_rules();
    let mut places = BTreeSet::new();
    for w in workloads {
        let found = rules.iter().find(|(_, r)| {
            r.r#match.iter().any(|m| {
                m.matches(w.kind, &w.namespace, &w.labels, &w.template, None)
                    .is_some()
            })
        });
        let Some((mesh, rule)) = found else { continue };
        for cm in &mesh.trust_anchors.config_maps {
            if cm.components.contains(&rule.id) {
                places.insert((w.namespace.clone(), cm.name.clone()));
            }
        }
    }
    places.into_iter().collect()
}

/// Cuts a whole inventory down to what a scan of `namespace` reports (see the module doc).
pub fn limit_to_namespace(inv: Inventory, catalog: &Catalog, namespace: &str) -> Inventory {
    let rules = catalog.component_rules();
    let (keep_workload, keep_group, reach) = {
        let (views, units) = units(&inv);
        let component: Vec<bool> = views
            .iter()
            .map(|v| {
                let class = super::components::gateway_class(&inv, v);
                rule_of(&rules, v.kind, v.namespace, v.labels, v.shape, class)
                    .is_some_and(|r| kept(r, v.namespace, namespace))
            })
            .collect();
        let mut reach: BTreeSet<String> = views
            .iter()
            .zip(&component)
            .filter(|(_, &c)| c)
            .map(|(v, _)| v.namespace.to_owned())
            .collect();
        reach.insert(namespace.to_owned());
        // Views start with the workload objects, in order; units with the pod groups.
        let keep_workload: Vec<bool> = inv
            .workloads
            .iter()
            .enumerate()
            .map(|(i, w)| w.namespace == namespace || component[i])
            .collect();
        let keep_group: Vec<bool> = units
            .iter()
            .take(inv.pod_groups.len())
            .map(|u| u.namespace == namespace || u.workload.is_some_and(|i| component[i]))
            .collect();
        (keep_workload, keep_group, reach)
    };
    let mut inv = inv;
    let mut flags = keep_workload.into_iter();
    inv.workloads.retain(|_| flags.next().unwrap_or(false));
    let mut flags = keep_group.into_iter();
    inv.pod_groups.retain(|_| flags.next().unwrap_or(false));
    inv.replica_sets.retain(|(ns, _), _| reach.contains(ns));
    inv.services.retain(|(ns, _)| reach.contains(ns));
    inv.gateways.retain(|g| reach.contains(&g.namespace));
    // Budgets as a namespaced live scan reads them: in the namespaces it reaches, "any
    // budget at all" judged among those.
    inv.pdbs.retain(|(ns, _), _| reach.contains(ns));
    inv.pdbs_read = !inv.pdbs.is_empty();
    inv.service_accounts.retain(|(ns, _)| ns == namespace);
    // Configuration: the namespace's own objects. Cluster-scoped kinds are no namespace's:
    // not counted (unknown), rather than 0.
    for per_ns in inv.config.counts.values_mut() {
        per_ns.retain(|ns, _| ns == namespace);
    }
    inv.config.counts.retain(|_, per_ns| !per_ns.is_empty());
    for c in inv.crds.iter().filter(|c| !c.namespaced) {
        inv.config.unread.insert((c.group.clone(), c.kind.clone()));
    }
    inv
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{Container, InventoryBuilder, KeepKeys, OwnerRef, PodRecord};

    fn shape(image: &str, labels: &[(&str, &str)]) -> PodShape {
        PodShape {
            labels: labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            containers: vec![std::sync::Arc::new(Container {
                name: "c".into(),
                image: image.into(),
                ..Default::default()
            })],
            ..Default::default()
        }
    }

    fn workload(kind: WorkloadKind, ns: &str, name: &str, template: PodShape) -> Workload {
        Workload {
            kind,
            namespace: ns.into(),
            name: name.into(),
            labels: template.labels.clone(),
            replicas: Some(1),
            desired_scheduled: Some(1),
            ready_replicas: Some(1),
            template,
        }
    }

    fn pod(ns: &str, name: &str, owner: (&str, &str), s: PodShape) -> PodRecord {
        PodRecord {
            namespace: ns.into(),
            name: name.into(),
            owner: Some(OwnerRef {
                kind: owner.0.into(),
                name: owner.1.into(),
            }),
            shape: s,
            ..Default::default()
        }
    }

    fn cluster() -> Inventory {
        let istiod = shape("docker.io/istio/pilot:1.26.3", &[]);
        let ztunnel = shape("docker.io/istio/ztunnel:1.26.3", &[]);
        let waypoint = shape(
            "docker.io/istio/proxyv2:1.26.3",
            &[(
                "gateway.networking.k8s.io/gateway-class-name",
                "istio-waypoint",
            )],
        );
        let app = shape("nginx:1", &[]);
        let mut b = InventoryBuilder::new(KeepKeys::default());
        for (kind, ns, name, s) in [
            (WorkloadKind::Deployment, "istio-system", "istiod", &istiod),
            (WorkloadKind::Deployment, "istio-system", "kiali", &app),
            (WorkloadKind::DaemonSet, "istio-system", "ztunnel", &ztunnel),
            (WorkloadKind::Deployment, "shop", "web", &app),
            (WorkloadKind::Deployment, "shop", "waypoint", &waypoint),
            (WorkloadKind::Deployment, "other", "api", &app),
            (WorkloadKind::Deployment, "other", "waypoint", &waypoint),
        ] {
            b.add_workload(workload(kind, ns, name, s.clone()));
        }
        b.add_pod(pod(
            "istio-system",
            "ztunnel-a",
            ("DaemonSet", "ztunnel"),
            ztunnel,
        ));
        b.add_pod(pod(
            "istio-system",
            "kiali-1-a",
            ("ReplicaSet", "kiali-1"),
            app.clone(),
        ));
        b.add_pod(pod("shop", "web-1-a", ("ReplicaSet", "web-1"), app.clone()));
        b.add_pod(pod("other", "api-1-a", ("ReplicaSet", "api-1"), app));
        for ns in ["istio-system", "shop", "other"] {
            b.add_service(ns.into(), "svc".into());
            b.add_service_account(ns.into(), "sa".into());
        }
        b.finish()
    }

    #[test]
    fn shared_components_are_kept_wherever_they_run() {
        let catalog = Catalog::load().unwrap();
        let inv = cluster();
        assert_eq!(
            mesh_namespaces(&catalog, &inv.workloads, "shop"),
            BTreeSet::from(["istio-system".to_owned()]),
            "the other namespace's waypoint is not a reason to read it"
        );
        let inv = limit_to_namespace(inv, &catalog, "shop");
        let workloads: Vec<&str> = inv.workloads.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(workloads, ["istiod", "ztunnel", "web", "waypoint"]);
        let pods: Vec<&str> = inv.pod_groups.iter().map(|g| g.example.as_str()).collect();
        assert_eq!(pods, ["ztunnel-a", "web-1-a"]);
        let services: Vec<&str> = inv.services.iter().map(|(ns, _)| ns.as_str()).collect();
        assert_eq!(services, ["istio-system", "shop"]);
        assert_eq!(inv.service_accounts.len(), 1);
        assert_eq!(inv.namespaces.len(), 3, "cluster-scoped objects stay");
    }
}
