//! CRDs: a CRD belongs to the mesh that owns its API group; a CRD no mesh owns is
//! `shared` when a mesh in the input needs its group (Gateway API), and is left out
//! otherwise.
//!
//! Two steps apart, because "a mesh in the input" is only known once components, owned
//! CRDs and webhooks have each had their say: [`owned`] runs first, [`shared`] last.

use crate::catalog::Catalog;
use crate::inventory::Crd;
use crate::surface::{CrdEntry, HazardCode, Severity, SHARED};

use super::hazards::Hazards;
use super::Detector;

fn entry(mesh: &str, crd: &Crd) -> CrdEntry {
    CrdEntry {
        mesh: mesh.to_owned(),
        name: crd.name.clone(),
        group: crd.group.clone(),
        versions: crd.versions.clone(),
    }
}

/// The stored versions of `crd` an upgrade can trip on, as a hazard object
/// (`CustomResourceDefinition/name (stored: v1alpha3)`): critical when one is no longer served (or not listed at
/// all), warning when all are served but one is deprecated; `None` when every stored
/// version is served and current, or the input has no status (manifests).
fn stale_stored(crd: &Crd) -> Option<(Severity, String)> {
    let unserved = |v: &&String| !crd.versions.contains(v);
    let stale: Vec<&str> = crd
        .stored_versions
        .iter()
        .filter(|v| unserved(v) || crd.deprecated.contains(v))
        .map(String::as_str)
        .collect();
    if stale.is_empty() {
        return None;
    }
    let severity = if crd.stored_versions.iter().any(|v| unserved(&v)) {
        Severity::Critical
    } else {
        Severity::Warning
    };
    Some((
        severity,
        format!(
            "CustomResourceDefinition/{} (stored: {})",
            crd.name,
            stale.join(", ")
        ),
    ))
}

/// Records the `deprecated-crd-version` hazard of `crd`, if it has one.
fn judge(hazards: &mut Hazards, mesh: &str, crd: &Crd) {
    if let Some((severity, object)) = stale_stored(crd) {
        hazards.add(HazardCode::DeprecatedCrdVersion, mesh, severity, object, 1);
    }
}

/// The CRDs each mesh owns (which makes the mesh present); returns them and the CRDs
/// no mesh owns, for [`shared`].
pub(super) fn owned<'i>(d: &mut Detector<'i>) -> (Vec<CrdEntry>, Vec<&'i Crd>) {
    let (inv, catalog) = (d.inv, d.catalog);
    let mut crds = Vec::new();
    let mut unowned = Vec::new();
    for crd in &inv.crds {
        match catalog.owner_of_group(&crd.group) {
            Some(m) => {
                d.acc(&m.mesh);
                judge(&mut d.hazards, &m.mesh, crd);
                crds.push(entry(&m.mesh, crd));
            }
            None => unowned.push(crd),
        }
    }
    (crds, unowned)
}

/// The unowned CRDs that some mesh present in `meshes` needs, as `shared` (their
/// stored-version hazards too).
pub(super) fn shared<'m>(
    catalog: &Catalog,
    meshes: impl Iterator<Item = &'m String>,
    unowned: &[&Crd],
    hazards: &mut Hazards,
) -> Vec<CrdEntry> {
    let present: Vec<_> = meshes.filter_map(|m| catalog.mesh(m)).collect();
    unowned
        .iter()
        .filter(|crd| present.iter().any(|m| m.needs_group(&crd.group)))
        .map(|&crd| {
            judge(hazards, SHARED, crd);
            entry(SHARED, crd)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::detect::tests::scan;
    use crate::surface::SHARED;

    fn crd(group: &str, plural: &str) -> String {
        format!(
            "
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {{name: {plural}.{group}}}
spec:
  group: {group}
  names: {{plural: {plural}, kind: X}}
  scope: Namespaced
  versions: [{{name: v1, served: true, storage: true}}]
"
        )
    }

    fn owners(s: &crate::surface::Snapshot) -> Vec<(&str, &str)> {
        s.crds
            .iter()
            .map(|c| (c.mesh.as_str(), c.name.as_str()))
            .collect()
    }

    #[test]
    fn a_crd_belongs_to_the_mesh_owning_its_group_and_makes_it_present() {
        let s = scan(
            &[
                crd("networking.istio.io", "virtualservices"),
                crd("policy.linkerd.io", "servers"),
                crd("example.com", "widgets"),
            ]
            .concat(),
        );
        assert_eq!(
            owners(&s),
            [
                ("istio", "virtualservices.networking.istio.io"),
                ("linkerd", "servers.policy.linkerd.io"),
            ]
        );
        let meshes: Vec<&str> = s.meshes.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(meshes, ["istio", "linkerd"]);
    }

    #[test]
    fn gateway_api_crds_are_shared_only_when_a_present_mesh_needs_them() {
        let gateways = crd("gateway.networking.k8s.io", "gateways");
        assert!(scan(&gateways).crds.is_empty());
        let s = scan(&[crd("linkerd.io", "serviceprofiles"), gateways].concat());
        assert_eq!(
            owners(&s),
            [
                ("linkerd", "serviceprofiles.linkerd.io"),
                (SHARED, "gateways.gateway.networking.k8s.io"),
            ]
        );
    }
}
