//! Mesh assembly: turns each mesh's accumulator into its [`Mesh`] entry (mode, version,
//! control-plane namespace, its own totals) and its sorted components, proxies and
//! namespace entries.
//!
//! Apart because it runs once, after every pod, CRD and webhook was attributed: the mode
//! is read from what was found (catalog mode rules), never guessed when pods or
//! workloads went unread, and the version is the newest control-plane version found.

use std::collections::BTreeSet;

use crate::arith::SatSum;

use crate::catalog::MeshEntry;
use crate::surface::{
    Capture, Component, HazardCode, Mesh, Mode, NamespaceEntry, Proxy, Role, Severity, Totals,
};

use super::proxies::{self, Gathered};
use super::Detector;

/// The per-mesh lists of a snapshot, in mesh order.
#[derive(Debug, Default)]
pub(super) struct Assembled {
    pub meshes: Vec<Mesh>,
    pub components: Vec<Component>,
    pub proxies: Vec<Proxy>,
    pub namespaces: Vec<NamespaceEntry>,
}

/// Assembles every mesh found (taking the accumulators out of `d`).
pub(super) fn assemble(d: &mut Detector<'_>) -> Assembled {
    let (inv, catalog) = (d.inv, d.catalog);
    let unread = !inv.unread.is_empty();
    let mut out = Assembled::default();
    for (name, acc) in std::mem::take(&mut d.meshes) {
        let Some(entry) = catalog.mesh(&name) else {
            continue;
        };
        let mut components = acc.components;
        components.sort_by(|a, b| {
            (a.role, &a.component, &a.namespace, &a.name).cmp(&(
                b.role,
                &b.component,
                &b.namespace,
                &b.name,
            ))
        });
        let gathered = Gathered {
            proxies: acc.proxies,
            measured_requests: acc.measured_requests,
            from: acc.proxy_from,
        };
        let proxies = proxies::finish(gathered, inv.metrics, &mut d.warnings);
        let mode = mode_of(entry, &components, &proxies, unread);
        let mut versions: Vec<String> = components
            .iter()
            .filter(|c| entry.version_from.contains(&c.component))
            .filter_map(|c| c.version.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        versions.sort_by(|a, b| version_cmp(a, b));
        let version = versions.last().cloned();
        let namespace = components
            .iter()
            .find(|c| c.role == Role::ControlPlane)
            .map(|c| c.namespace.clone());
        // With pods or workloads unread, a missing control plane is no finding: the
        // `forbidden`/`timeout` warnings already name what was not read.
        if !proxies.is_empty() && !unread && namespace.is_none() {
            // Its objects: the namespaces the proxies run in, resource first
            // (`Namespace/shop`, docs/hazards.md); the mesh itself when none holds them,
            // e.g. node proxies only.
            let mut by_ns: Vec<(String, u64)> = acc
                .namespaces
                .iter()
                .filter(|(_, n)| n.proxies > 0)
                .map(|(ns, n)| (format!("Namespace/{ns}"), n.proxies))
                .collect();
            if by_ns.is_empty() {
                by_ns.push((name.clone(), proxies.iter().map(|p| p.instances).sat_sum()));
            }
            for (object, count) in by_ns {
                d.hazards.add(
                    HazardCode::ControlPlaneNotFound,
                    &name,
                    Severity::Warning,
                    object,
                    count,
                );
            }
        }
        // Counts are filled by `Snapshot::recount` once every list is complete.
        let t = Totals {
            cpu_request_millicores: acc.cpu,
            memory_request_bytes: acc.memory,
            ..Totals::default()
        };
        out.meshes.push(Mesh {
            name: name.clone(),
            mode,
            version,
            versions: if versions.len() > 1 {
                versions
            } else {
                Vec::new()
            },
            namespace,
            meshed_pods: acc.meshed_pods,
            totals: t,
            usage: acc.usage.read(),
            cost: None,
        });
        out.components.extend(components);
        out.proxies.extend(proxies);
        out.namespaces.extend(
            acc.namespaces
                .into_iter()
                .map(|(namespace, n)| NamespaceEntry {
                    mesh: name.clone(),
                    namespace,
                    capture: Capture::join(&n.captures),
                    workloads: n.workloads.len() as u64,
                    meshed_pods: n.meshed_pods,
                    proxies: n.proxies,
                    cpu_request_millicores: n.cpu,
                    memory_request_bytes: n.memory,
                    waypoints: n.waypoints.into_iter().collect(),
                }),
        );
    }
    out
}

/// The mode the components and proxies show; with none showing one, the catalog's
/// default, or `unknown` when pods or workloads were left unread (no mode is guessed).
fn mode_of(entry: &MeshEntry, components: &[Component], proxies: &[Proxy], unread: bool) -> String {
    let modes: Vec<Mode> = entry
        .modes
        .rules
        .iter()
        .filter(|r| {
            r.when_placement
                .as_ref()
                .is_some_and(|p| proxies.iter().any(|x| x.placement == *p))
                || r.when_component
                    .as_ref()
                    .is_some_and(|id| components.iter().any(|c| &c.component == id))
        })
        .map(|r| r.mode)
        .collect();
    if modes.is_empty() && unread {
        Mode::Unknown.as_str().to_owned()
    } else if modes.is_empty() {
        entry.modes.default.as_str().to_owned()
    } else {
        Mode::join(&modes)
    }
}

/// Compares versions so that `1.26.3` > `1.25.10` > `1.9` (numbers compared as numbers).
pub(super) fn version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |s: &str| -> Vec<(u64, String)> {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .map(|p| (p.parse().unwrap_or(0), p.to_owned()))
            .collect()
    };
    key(a).cmp(&key(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::tests::{scan, ISTIOD};

    #[test]
    fn versions_compare_numerically() {
        let mut v = vec!["1.9.0", "1.26.3", "1.25.10"];
        v.sort_by(|a, b| version_cmp(a, b));
        assert_eq!(v, ["1.9.0", "1.25.10", "1.26.3"]);
    }

    const SIDECAR_POD: &str = "
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: a}
spec:
  containers:
  - {name: web, image: web:1}
  - {name: istio-proxy, image: docker.io/istio/proxyv2:1.26.0}
";

    const ZTUNNEL: &str = "
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ztunnel, namespace: istio-system}
spec:
  template:
    spec:
      containers: [{name: istio-proxy, image: docker.io/istio/ztunnel:1.26.0}]
status: {desiredNumberScheduled: 1}
";

    fn mode(yaml: &str) -> String {
        let s = scan(yaml);
        assert_eq!(s.meshes.len(), 1, "{:?}", s.meshes);
        s.meshes[0].mode.clone()
    }

    #[test]
    fn the_mode_is_what_the_catalog_rules_find_else_the_default() {
        assert_eq!(mode(ISTIOD), "sidecar", "the catalog's default");
        assert_eq!(mode(&[ISTIOD, SIDECAR_POD].concat()), "sidecar");
        assert_eq!(mode(&[ISTIOD, ZTUNNEL].concat()), "ambient");
        assert_eq!(
            mode(&[ISTIOD, SIDECAR_POD, ZTUNNEL].concat()),
            "sidecar+ambient"
        );
    }

    #[test]
    fn proxies_without_a_control_plane_are_a_hazard() {
        let s = scan(SIDECAR_POD);
        assert_eq!(s.meshes[0].namespace, None);
        let found: Vec<_> = s
            .hazards
            .iter()
            .filter(|h| h.code == HazardCode::ControlPlaneNotFound)
            .collect();
        assert_eq!(found.len(), 1, "{:?}", s.hazards);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].mesh, "istio");
        assert!(!found[0].why.is_empty() && !found[0].source.is_empty());
        let with = scan(&[ISTIOD, SIDECAR_POD].concat());
        assert_eq!(with.meshes[0].namespace.as_deref(), Some("istio-system"));
        assert!(
            with.hazards
                .iter()
                .all(|h| h.code != HazardCode::ControlPlaneNotFound),
            "{:?}",
            with.hazards
        );
    }
}
