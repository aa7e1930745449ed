//! Which nodes carry a hazard: every hazard whose `objects[]` entry names a node's
//! resource marks that node with its code and severity.
//!
//! The convention (docs/hazards.md, "Objects name the resource first"): an object entry
//! starts with `Kind/namespace/name` (`Kind/name` for cluster-scoped objects), then either
//! ends or goes on after a space (`Deployment/istio-system/istiod (1 replica)`). A node
//! names its resources the same way: a component node each of its workloads, a webhook
//! node its configuration, a namespace node its Namespace, and a CRD group node every
//! `CustomResourceDefinition/<plural>.<group>` of its group. Apart from building, because
//! every hazard rule (and every rule to come) meets the graph only here.

use super::model::{Graph, NodeHazard, NodeKind};
use crate::surface::Snapshot;

/// The resource an object entry names: up to its first space.
fn resource(object: &str) -> &str {
    object.split_once(' ').map_or(object, |(r, _)| r)
}

/// The resources a node stands for (CRD groups: `CustomResourceDefinition/*.<group>`,
/// matched by suffix).
fn names(snap: &Snapshot, mesh: &str, kind: &NodeKind) -> Vec<String> {
    match kind {
        NodeKind::Component { workloads, .. } => workloads
            .iter()
            .filter_map(|w| {
                let (ns, name) = w.name.split_once('/')?;
                let c = snap
                    .components
                    .iter()
                    .find(|c| c.mesh == mesh && c.namespace == ns && c.name == name)?;
                Some(format!("{}/{ns}/{name}", c.kind.as_str()))
            })
            .collect(),
        NodeKind::Webhook {
            webhook_kind, name, ..
        } => {
            let kind = if webhook_kind == "mutating" {
                "MutatingWebhookConfiguration"
            } else {
                "ValidatingWebhookConfiguration"
            };
            vec![format!("{kind}/{name}")]
        }
        NodeKind::Namespace { namespace, .. } => vec![format!("Namespace/{namespace}")],
        NodeKind::CrdGroup { group, .. } => vec![format!("CustomResourceDefinition/*.{group}")],
        NodeKind::Proxy { .. } => Vec::new(),
    }
}

/// Does `name` (as [`names`] gives it) name the resource `r`?
fn matches(name: &str, r: &str) -> bool {
    match name.split_once("/*") {
        // `<plural>.<group>`: the group is everything after the first dot.
        Some((kind, group)) => r
            .strip_prefix(kind)
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|crd| crd.split_once('.'))
            .is_some_and(|(_, g)| Some(g) == group.strip_prefix('.')),
        None => name == r,
    }
}

/// Marks every node of `graph` with the hazards of `snap` that name it (one mark per
/// code, the most severe; most severe first).
pub(super) fn mark(graph: &mut Graph, snap: &Snapshot) {
    if snap.hazards.is_empty() {
        return;
    }
    for i in graph.graph.node_indices() {
        let n = &graph.graph[i];
        let own = names(snap, &n.mesh, &n.kind);
        let mut marks: Vec<NodeHazard> = Vec::new();
        for h in &snap.hazards {
            let hit = h
                .objects
                .iter()
                .any(|o| own.iter().any(|name| matches(name, resource(o))));
            if !hit {
                continue;
            }
            match marks.iter_mut().find(|m| m.code == h.code) {
                Some(m) => m.severity = m.severity.min(h.severity),
                None => marks.push(NodeHazard {
                    severity: h.severity,
                    code: h.code,
                }),
            }
        }
        marks.sort();
        graph.graph[i].hazards = marks;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_names_a_resource_up_to_its_first_space() {
        assert_eq!(
            resource("Deployment/istio-system/istiod (1 replica)"),
            "Deployment/istio-system/istiod"
        );
        assert_eq!(resource("Namespace/shop"), "Namespace/shop");
        assert!(matches(
            "Deployment/istio-system/istiod",
            "Deployment/istio-system/istiod"
        ));
        assert!(!matches(
            "Deployment/istio-system/istiod",
            "Deployment/istio-system/istiod-1-25"
        ));
        assert!(!matches(
            "Deployment/istio-system/istiod",
            "StatefulSet/istio-system/istiod"
        ));
        let group = "CustomResourceDefinition/*.networking.istio.io";
        assert!(matches(
            group,
            "CustomResourceDefinition/virtualservices.networking.istio.io"
        ));
        assert!(!matches(
            group,
            "CustomResourceDefinition/virtualservices.networking.istio.io.evil"
        ));
        assert!(!matches(
            group,
            "Deployment/virtualservices.networking.istio.io"
        ));
        assert!(
            !matches(
                group,
                "CustomResourceDefinition/x.security.networking.istio.io"
            ),
            "a subgroup is another group"
        );
    }
}
