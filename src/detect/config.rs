//! Configuration: the custom resources of each mesh's API groups (and the shared Gateway
//! API's) counted per kind and namespace, and the proxy-override annotations on workloads.
//!
//! Every kind whose CRD is installed is listed, in use or not ("uses 6 of 15 kinds": the
//! unused ones are still CRDs the upgrade carries); kinds the catalog calls state (what a
//! controller writes, such as `CiliumEndpoint`) are not configuration and are left out.

use std::collections::BTreeMap;

use super::pods::{Unit, WorkloadView};
use crate::catalog::Catalog;
use crate::inventory::Inventory;
use crate::surface::{ConfigEntry, OverrideEntry};

/// The configuration kinds of the meshes in `present` (and the shared ones they need).
pub(super) fn entries(inv: &Inventory, catalog: &Catalog, present: &[&str]) -> Vec<ConfigEntry> {
    let config = &inv.config;
    let mut out: BTreeMap<(String, String), ConfigEntry> = BTreeMap::new();
    let unknown = |group: &str, kind: &str| {
        !config.read || config.unread.contains(&(group.to_owned(), kind.to_owned()))
    };
    for crd in &inv.crds {
        if crd.kind.is_empty() {
            continue;
        }
        let Some(mesh) = catalog.config_owner(&crd.group, &crd.kind, present) else {
            continue;
        };
        out.insert(
            (crd.group.clone(), crd.kind.clone()),
            ConfigEntry {
                mesh: mesh.to_owned(),
                group: crd.group.clone(),
                kind: crd.kind.clone(),
                resource: crd.plural.clone(),
                objects: (!unknown(&crd.group, &crd.kind)).then_some(0),
                namespaces: 0,
                by_namespace: BTreeMap::new(),
                fragile: is_fragile(catalog, mesh, &crd.group, &crd.kind),
                installed: true,
            },
        );
    }
    for ((group, kind), per_ns) in &config.counts {
        let Some(mesh) = catalog.config_owner(group, kind, present) else {
            continue;
        };
        let e = out
            .entry((group.clone(), kind.clone()))
            .or_insert_with(|| ConfigEntry {
                mesh: mesh.to_owned(),
                group: group.clone(),
                kind: kind.clone(),
                resource: guess_plural(kind),
                objects: Some(0),
                namespaces: 0,
                by_namespace: BTreeMap::new(),
                fragile: is_fragile(catalog, mesh, group, kind),
                installed: false,
            });
        let total = per_ns.values().fold(0u64, |a, n| a.saturating_add(*n));
        e.objects = Some(e.objects.unwrap_or(0).saturating_add(total));
        e.namespaces = per_ns.keys().filter(|ns| !ns.is_empty()).count() as u64;
        e.by_namespace.clone_from(per_ns);
    }
    let mut list: Vec<ConfigEntry> = out.into_values().collect();
    let order = |mesh: &str| {
        catalog
            .meshes
            .iter()
            .position(|m| m.mesh == mesh)
            .unwrap_or(usize::MAX)
    };
    list.sort_by(|a, b| {
        (order(&a.mesh), &a.mesh, &a.group, &a.kind).cmp(&(
            order(&b.mesh),
            &b.mesh,
            &b.group,
            &b.kind,
        ))
    });
    list
}

fn is_fragile(catalog: &Catalog, mesh: &str, group: &str, kind: &str) -> bool {
    catalog
        .mesh(mesh)
        .is_some_and(|m| m.is_fragile(group, kind))
}

/// A resource name for a kind read without its CRD: the lower-cased English plural
/// (`VirtualService` → `virtualservices`, `AuthorizationPolicy` → `authorizationpolicies`,
/// `Gateway` → `gateways`), as Kubernetes guesses it (k8s.io/apimachinery
/// `pkg/api/meta/restmapper.go` `UnsafeGuessKindToResource`), but keeping a `y` after a
/// vowel.
fn guess_plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if lower.ends_with('s') {
        format!("{lower}es")
    } else if let Some(stem) = lower.strip_suffix('y') {
        if stem.ends_with(['a', 'e', 'i', 'o', 'u']) {
            format!("{lower}s")
        } else {
            format!("{stem}ies")
        }
    } else {
        format!("{lower}s")
    }
}

/// Per-workload proxy overrides of the meshes in `present`: per (mesh, annotation key), the
/// workloads whose template carries it and the pods that carry it; and per mesh, the
/// workloads with at least one.
pub(super) fn overrides(
    catalog: &Catalog,
    present: &[&str],
    views: &[WorkloadView<'_>],
    units: &[Unit<'_>],
) -> (Vec<OverrideEntry>, BTreeMap<String, u64>) {
    let rules: Vec<_> = catalog
        .meshes
        .iter()
        .filter(|m| present.contains(&m.mesh.as_str()))
        .map(|m| (m.mesh.as_str(), &m.configuration.overrides))
        .collect();
    let mesh_of = |key: &str| rules.iter().find(|(_, r)| r.counts(key)).map(|(m, _)| *m);
    let mut keys: BTreeMap<(&str, String), (u64, u64)> = BTreeMap::new();
    let mut per_mesh: BTreeMap<String, u64> = BTreeMap::new();
    let mut count_workload = |annotations: &crate::inventory::Labels, n: u64| {
        let mut meshes = Vec::new();
        for key in annotations.keys() {
            if let Some(mesh) = mesh_of(key) {
                let e = keys.entry((mesh, key.clone())).or_default();
                e.0 = e.0.saturating_add(n);
                if !meshes.contains(&mesh) {
                    meshes.push(mesh);
                }
            }
        }
        for mesh in meshes {
            let e = per_mesh.entry(mesh.to_owned()).or_default();
            *e = e.saturating_add(n);
        }
    };
    for v in views {
        count_workload(&v.shape.annotations, 1);
    }
    // A pod without a workload is its own workload.
    for u in units.iter().filter(|u| u.workload.is_none()) {
        count_workload(&u.shape.annotations, u.count);
    }
    for u in units {
        for key in u.shape.annotations.keys() {
            if let Some(mesh) = mesh_of(key) {
                let e = keys.entry((mesh, key.clone())).or_default();
                e.1 = e.1.saturating_add(u.count);
            }
        }
    }
    let order = |mesh: &str| rules.iter().position(|(m, _)| *m == mesh);
    let mut list: Vec<OverrideEntry> = keys
        .into_iter()
        .map(|((mesh, annotation), (workloads, pods))| OverrideEntry {
            mesh: mesh.to_owned(),
            annotation,
            workloads,
            pods,
        })
        .collect();
    list.sort_by(|a, b| (order(&a.mesh), &a.annotation).cmp(&(order(&b.mesh), &b.annotation)));
    (list, per_mesh)
}

#[cfg(test)]
mod tests {
    use super::guess_plural;
    use crate::detect::tests::scan;
    use crate::detect::tests::ISTIOD;

    #[test]
    fn plurals_follow_the_api_servers_guess() {
        assert_eq!(guess_plural("VirtualService"), "virtualservices");
        assert_eq!(guess_plural("AuthorizationPolicy"), "authorizationpolicies");
        assert_eq!(guess_plural("Gateway"), "gateways");
        assert_eq!(
            guess_plural("MeshTLSAuthentication"),
            "meshtlsauthentications"
        );
        assert_eq!(guess_plural("Ingress"), "ingresses");
    }

    #[test]
    fn manifests_without_configuration_say_null_not_zero() {
        let s = scan(ISTIOD);
        assert_eq!(s.totals.config_objects, None);
        assert_eq!(s.meshes[0].totals.config_objects, None);
    }

    #[test]
    fn objects_count_once_per_identity_and_by_namespace() {
        let yaml = format!(
            "{ISTIOD}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: a, namespace: shop}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: a, namespace: shop}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: b, namespace: pay}}
---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {{name: f, namespace: istio-system}}
---
apiVersion: cilium.io/v2
kind: CiliumEndpoint
metadata: {{name: p, namespace: shop}}
"
        );
        let s = scan(&yaml);
        let vs = s
            .config
            .iter()
            .find(|c| c.kind == "VirtualService")
            .expect("VirtualService");
        assert_eq!(
            (vs.objects, vs.namespaces, vs.installed),
            (Some(2), 2, false)
        );
        assert_eq!(vs.resource, "virtualservices");
        assert_eq!(s.totals.config_objects, Some(3));
        assert_eq!(s.totals.fragile_config_objects, Some(1));
        assert_eq!(s.totals.config_kinds_in_use, Some(2));
        assert!(s
            .warnings
            .iter()
            .any(|w| w.code == crate::surface::WarningCode::DuplicateObject));
        // Cilium is not in the input, and its endpoints are state, not configuration.
        assert!(s.config.iter().all(|c| c.kind != "CiliumEndpoint"));
    }

    #[test]
    fn override_annotations_count_per_key_but_not_the_injection_switch() {
        let yaml = format!(
            "{ISTIOD}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  replicas: 2
  template:
    metadata:
      annotations: {{sidecar.istio.io/proxyCPU: 200m, sidecar.istio.io/inject: 'true'}}
    spec:
      containers: [{{name: web, image: web:1}}]
"
        );
        let s = scan(&yaml);
        let keys: Vec<(&str, u64, u64)> = s
            .overrides
            .iter()
            .map(|o| (o.annotation.as_str(), o.workloads, o.pods))
            .collect();
        assert_eq!(keys, [("sidecar.istio.io/proxyCPU", 1, 2)]);
        assert_eq!(s.totals.proxy_overrides, 1);
    }
}
