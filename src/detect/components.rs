//! Components: which workloads are a mesh's own, in which role and version, and what
//! their pods count for (the mesh's bill, and proxies when the component is one).
//!
//! Apart from the walk over pods because a component is a workload, not a pod: matching
//! is by catalog rule first, then by a mesh's ownership labels (an `unknown` component,
//! with a warning), and a component's version comes from its own container, never from
//! an injected sidecar or a `pause` container.

use std::collections::BTreeSet;

use crate::catalog::{
    image_matches, image_version, Catalog, ComponentRule, MeshEntry, GATEWAY_NAME_LABEL,
};
use crate::inventory::{Container, Inventory, PodShape, WorkloadKind};
use crate::surface::{Component, Origin, Placement, Resources, Role, ScalesWith, WarningCode};

use super::inject::Matched;
use super::pods::{Unit, WorkloadView};
use super::proxies::{resources, sidecar_version, sidecars};
use super::warnings::Warnings;
use super::Detector;

/// Each workload's catalog rule (first match), with the version its template shows.
pub(super) fn match_catalog<'c>(
    inv: &Inventory,
    catalog: &'c Catalog,
    views: &[WorkloadView<'_>],
) -> Vec<Matched<'c>> {
    let rules = catalog.component_rules();
    views
        .iter()
        .map(|v| {
            let class = gateway_class(inv, v);
            rules.iter().find_map(|(m, r)| {
                r.r#match.iter().find_map(|mt| {
                    mt.matches(v.kind, v.namespace, v.labels, v.shape, class)
                        .map(|c| (*m, *r, component_version(catalog, r, v.shape, c)))
                })
            })
        })
        .collect()
}

/// Workloads the catalog does not name but a mesh's ownership labels claim, each with
/// the rule standing in for it (the caller keeps them while `matched` borrows them).
pub(super) fn unknown_rules<'c>(
    catalog: &'c Catalog,
    views: &[WorkloadView<'_>],
    matched: &[Matched<'_>],
) -> Vec<Option<(&'c MeshEntry, ComponentRule)>> {
    views
        .iter()
        .zip(matched)
        .map(|(v, m)| match m {
            Some(_) => None,
            None => catalog
                .meshes
                .iter()
                .find(|e| e.owns(v.labels, &v.shape.labels))
                .map(|e| (e, unknown_rule(v))),
        })
        .collect()
}

/// Counts the `unknown` workloads as components, each with an `unknown-component` warning.
pub(super) fn claim_unknown<'c>(
    catalog: &Catalog,
    views: &[WorkloadView<'_>],
    unknown: &'c [Option<(&'c MeshEntry, ComponentRule)>],
    matched: &mut [Matched<'c>],
    w: &mut Warnings,
) {
    for (i, u) in unknown.iter().enumerate() {
        if let Some((m, r)) = u {
            let v = &views[i];
            matched[i] = Some((m, r, component_version(catalog, r, v.shape, None)));
            w.add(
                WarningCode::UnknownComponent,
                v.resource(),
                format!(
                    "labelled as {}'s own but not in the catalog: counted as component {} with role unknown",
                    m.mesh, r.id
                ),
                1,
            );
        }
    }
}

/// The (mesh, component id) pairs in the input (ambient capture needs its node agent).
pub(super) fn present(matched: &[Matched<'_>]) -> BTreeSet<(String, String)> {
    matched
        .iter()
        .flatten()
        .map(|(m, r, _)| (m.mesh.clone(), r.id.clone()))
        .collect()
}

/// The class of the Gateway API Gateway a workload's gateway-name label names (same namespace).
pub(super) fn gateway_class<'i>(inv: &'i Inventory, v: &WorkloadView<'_>) -> Option<&'i str> {
    let name = v
        .labels
        .get(GATEWAY_NAME_LABEL)
        .or_else(|| v.shape.labels.get(GATEWAY_NAME_LABEL))?;
    inv.gateways
        .iter()
        .find(|g| g.namespace == v.namespace && &g.name == name)
        .map(|g| g.class.as_str())
}

/// The rule standing in for a workload a mesh owns but the catalog does not name: its
/// own kind (the workload's name), role `unknown`.
fn unknown_rule(v: &WorkloadView<'_>) -> ComponentRule {
    ComponentRule {
        id: v.name.clone(),
        role: Role::Unknown,
        scales_with: match v.kind {
            WorkloadKind::DaemonSet => ScalesWith::Node,
            _ => ScalesWith::Cluster,
        },
        feature: "unknown".to_owned(),
        priority: 0,
        r#match: Vec::new(),
        proxy: None,
        containers: Vec::new(),
        services: Vec::new(),
    }
}

/// Is this container some mesh's sidecar proxy (injected into a component's pod)?
fn is_sidecar(catalog: &Catalog, shape: &PodShape, c: &Container) -> bool {
    catalog
        .meshes
        .iter()
        .any(|m| m.sidecars.iter().any(|s| s.applies(shape, c)))
}

/// A component's version. A proxy component's is its proxy image's tag, or unknown (a
/// Linkerd gateway's first container is `pause`); any other component's is the tag of the
/// container the catalog names as its own, else of the matched container, never of an
/// injected sidecar (Linkerd's HA control plane runs `linkerd-proxy` first).
fn component_version(
    catalog: &Catalog,
    rule: &ComponentRule,
    shape: &PodShape,
    matched: Option<&Container>,
) -> Option<String> {
    let c = match &rule.proxy {
        Some(p) => shape
            .running_containers()
            .find(|c| image_matches(&c.image, &p.image)),
        None => shape
            .running_containers()
            .find(|c| rule.containers.contains(&c.name))
            .or(matched.filter(|c| !is_sidecar(catalog, shape, c)))
            .or_else(|| {
                shape
                    .containers
                    .iter()
                    .map(|c| &**c)
                    .find(|c| !is_sidecar(catalog, shape, c))
            }),
    };
    c.and_then(|c| image_version(&c.image))
}

/// What a component workload's pods add up to.
#[derive(Debug, Default, Clone)]
pub(super) struct Tally {
    pub instances: u64,
    /// Some of its pods are projected from its template.
    pub from_template: bool,
    /// The version of its proxy as its pods run it (pods are the truth: an injected
    /// proxy is in the pods, not in the template).
    pub pod_version: Option<String>,
    /// Measured use of its pods' containers.
    pub usage: crate::surface::MeasuredUsage,
}

impl Tally {
    pub(super) fn count(&mut self, unit: &Unit<'_>, rule: &ComponentRule) {
        self.instances = self.instances.saturating_add(unit.count);
        self.from_template |= unit.from_template;
        if let (Some(p), None) = (&rule.proxy, &self.pod_version) {
            self.pod_version = unit
                .shape
                .running_containers()
                .find(|c| image_matches(&c.image, &p.image))
                .and_then(|c| image_version(&c.image));
        }
    }
}

impl Detector<'_> {
    /// A pod of a mesh component: its containers are the mesh's bill; proxy components
    /// are proxies; sidecars inside it (Linkerd's control plane) are proxies too.
    pub(super) fn component_unit(
        &mut self,
        unit: &Unit<'_>,
        view: &WorkloadView<'_>,
        mesh: &MeshEntry,
        rule: &ComponentRule,
        tally: &mut Tally,
    ) {
        let resource = view.resource();
        for c in unit.shape.running_containers() {
            let f = resources(c, &resource, unit.count, &mut self.warnings);
            self.bill(&mesh.mesh, f, unit.count);
        }
        if let Some(m) = self.measure(&mesh.mesh, unit, unit.shape.running_containers()) {
            tally.usage.add(m);
        }
        if let Some(p) = &rule.proxy {
            let container = unit
                .shape
                .running_containers()
                .find(|c| image_matches(&c.image, &p.image))
                .or_else(|| unit.shape.containers.first().map(|c| &**c));
            let mut placement = p.placement;
            if let (Some(label), Some(otherwise)) = (&p.namespace_label, p.placement_otherwise) {
                let bound_name = p
                    .name_label
                    .as_ref()
                    .and_then(|l| unit.shape.labels.get(l))
                    .unwrap_or(&view.name);
                let bound = self
                    .inv
                    .namespaces
                    .get(unit.namespace)
                    .and_then(|ns| ns.labels.get(label))
                    == Some(bound_name);
                if !bound {
                    placement = otherwise;
                }
            }
            let (version, f) = match container {
                // Only the proxy's own image tells its version (never a `pause` tag).
                Some(c) => (
                    image_matches(&c.image, &p.image)
                        .then(|| image_version(&c.image))
                        .flatten(),
                    resources(c, &resource, 0, &mut Warnings::default()),
                ),
                None => (None, Resources::default()),
            };
            let empty = Container::default();
            let proxy_container = container.unwrap_or(&empty);
            self.saw_proxies(mesh, &resource, version.as_ref(), unit);
            if placement == p.placement && p.namespace_label.is_some() {
                let ns = self.ns(&mesh.mesh, unit.namespace);
                ns.waypoints.insert(view.name.clone());
                ns.add_proxies(f, unit.count);
            }
            self.add_proxy(
                &mesh.mesh,
                &p.implementation,
                placement,
                version,
                unit,
                proxy_container,
                f,
            );
        } else {
            let found: Vec<_> = sidecars(self.catalog, unit.shape).collect();
            for (m, s, c) in found {
                let f = resources(c, &resource, 0, &mut Warnings::default());
                let version = sidecar_version(unit.shape, s, c);
                self.saw_proxies(m, &resource, version.as_ref(), unit);
                self.add_proxy(
                    &m.mesh,
                    &s.implementation,
                    Placement::Sidecar,
                    version,
                    unit,
                    c,
                    f,
                );
            }
        }
    }

    /// Adds each matched workload as a component of its mesh, with what its pods counted.
    pub(super) fn add_components(
        &mut self,
        views: &[WorkloadView<'_>],
        matched: &[Matched<'_>],
        tallies: &[Tally],
    ) {
        for ((v, m), t) in views.iter().zip(matched).zip(tallies) {
            let Some((mesh, rule, version)) = m else {
                continue;
            };
            let c = Component {
                mesh: mesh.mesh.clone(),
                component: rule.id.clone(),
                role: rule.role,
                kind: v.kind,
                namespace: v.namespace.to_owned(),
                name: v.name.clone(),
                replicas: v.replicas,
                instances: t.instances,
                scales_with: rule.scales_with,
                feature: rule.feature.clone(),
                version: t.pod_version.clone().or_else(|| version.clone()),
                from: t.from_template.then_some(Origin::Template),
                instances_unknown: v.unknown,
                usage: t.usage.read(),
            };
            self.acc(&mesh.mesh).components.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::tests::scan;
    use crate::surface::{Role, WarningCode};

    #[test]
    fn a_catalog_rule_names_the_component_its_role_and_version() {
        let s = scan(
            "
apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod, namespace: istio-system}
spec:
  replicas: 2
  template:
    spec:
      containers: [{name: discovery, image: docker.io/istio/pilot:1.26.0}]
",
        );
        assert_eq!(s.components.len(), 1, "{:?}", s.components);
        let c = &s.components[0];
        assert_eq!(
            (c.mesh.as_str(), c.component.as_str(), c.role),
            ("istio", "istiod", Role::ControlPlane)
        );
        assert_eq!((c.version.as_deref(), c.instances), (Some("1.26.0"), 2));
        assert_eq!(c.from, Some(crate::surface::Origin::Template));
    }

    #[test]
    fn a_workload_nobody_claims_is_no_component() {
        let s = scan(
            "
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  template:
    spec:
      containers: [{name: web, image: web:1}]
",
        );
        assert!(s.components.is_empty(), "{:?}", s.components);
        assert!(!s
            .warnings
            .iter()
            .any(|w| w.code == WarningCode::UnknownComponent));
    }
}
