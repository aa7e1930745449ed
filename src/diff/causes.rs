//! Where growth came from: scale (more pods, nodes, namespaces) told apart from features
//! (new things to operate), upgrades and configuration. Apart from version moves because
//! it reads the whole diff (sections and versions) after they are matched.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::Serialize;

use super::{Diff, Figure, FootprintChange, ProxyType};
use crate::arith::SatSum;
use crate::surface::Snapshot;

/// Why the surface changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    /// The cluster or the mesh's reach grew or shrank: nodes, application pods (not the
    /// mesh's own), meshed pods or meshed namespaces.
    Scale,
    /// Something new to operate, or something gone: a mesh, component kind, proxy type,
    /// CRD (or served version) or webhook configuration.
    Features,
    /// Components, proxies or control planes moved to other versions.
    Upgrade,
    /// What remains: replicas, more or fewer workloads of a kind already there, failure
    /// policies, proxy instances while the cluster's scale stayed the same; hazards that
    /// came or went when nothing else explains them.
    Configuration,
    /// One mesh went and another came (Linkerd before, Istio after): every other change
    /// of the mesh's surface follows from that, so it is the cause named.
    MeshReplaced,
}

impl Cause {
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Scale => "scale",
            Cause::Features => "features",
            Cause::Upgrade => "upgrade",
            Cause::Configuration => "configuration",
            Cause::MeshReplaced => "mesh-replaced",
        }
    }
}

/// A catalog component (all its workloads together: every waypoint is one kind).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComponentKind {
    pub mesh: String,
    pub component: String,
}

/// Where a footprint change came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Attribution {
    /// The change of the whole bill (the `totals` figure).
    pub delta: i64,
    /// From proxy types present in both: they grow with pods, nodes or namespaces.
    pub existing_proxy_types: i64,
    /// From proxy types that appeared: a feature.
    pub added_proxy_types: i64,
    /// From proxy types that went away (negative).
    pub removed_proxy_types: i64,
    /// The rest: control planes and components that are not proxies.
    pub other: i64,
}

/// What grew, and why: scale (more pods) told apart from features (new things to run).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GrowthCauses {
    /// Empty when nothing changed.
    pub causes: Vec<Cause>,
    /// Pods that are not a mesh's own components (`scale.pods - totals.componentInstances`):
    /// the application side of the cluster, which new mesh components do not move.
    pub workload_pods: Figure,
    pub added_component_kinds: Vec<ComponentKind>,
    pub removed_component_kinds: Vec<ComponentKind>,
    pub cpu_request_millicores: Attribution,
    pub memory_request_bytes: Attribution,
}

impl GrowthCauses {
    /// A placeholder until [`growth`] has read the rest of the diff.
    pub(super) fn empty() -> Self {
        Self {
            causes: Vec::new(),
            workload_pods: Figure::new(0, 0),
            added_component_kinds: Vec::new(),
            removed_component_kinds: Vec::new(),
            cpu_request_millicores: Attribution::default(),
            memory_request_bytes: Attribution::default(),
        }
    }
}

fn kinds(s: &Snapshot) -> BTreeSet<ComponentKind> {
    s.components
        .iter()
        .map(|c| ComponentKind {
            mesh: c.mesh.clone(),
            component: c.component.clone(),
        })
        .collect()
}

fn attribution(
    d: &Diff,
    total: &str,
    footprint: fn(&FootprintChange) -> i64,
    proxy_type: fn(&ProxyType) -> i64,
) -> Attribution {
    let delta = d.totals.get(total).map_or(0, |f| f.delta);
    let is_new_or_gone = |f: &FootprintChange| {
        d.proxy_types
            .added
            .iter()
            .chain(&d.proxy_types.removed)
            .any(|t| {
                t.mesh == f.mesh
                    && t.implementation == f.implementation
                    && t.placement == f.placement
            })
    };
    let existing = d
        .footprint
        .iter()
        .filter(|f| !is_new_or_gone(f))
        .map(footprint)
        .sat_sum();
    let added: i64 = d.proxy_types.added.iter().map(proxy_type).sat_sum();
    let removed: i64 =
        SatSum::<i64>::sat_sum(d.proxy_types.removed.iter().map(proxy_type)).saturating_neg();
    Attribution {
        delta,
        existing_proxy_types: existing,
        added_proxy_types: added,
        removed_proxy_types: removed,
        other: delta
            .saturating_sub(existing)
            .saturating_sub(added)
            .saturating_sub(removed),
    }
}

pub(super) fn growth(before: &Snapshot, after: &Snapshot, d: &Diff) -> GrowthCauses {
    let (kb, ka) = (kinds(before), kinds(after));
    let added_component_kinds: Vec<_> = ka.difference(&kb).cloned().collect();
    let removed_component_kinds: Vec<_> = kb.difference(&ka).cloned().collect();

    let workload = |s: &Snapshot| s.scale.pods.saturating_sub(s.totals.component_instances);
    let workload_pods = Figure::counts(workload(before), workload(after));
    // Scale is the cluster and the mesh's reach: nodes, application pods, what is meshed.
    // Not namespaces, pods or service accounts as such: a mesh's own components add those.
    let scale = workload_pods.delta != 0
        || ["nodes", "meshedPods", "meshedNamespaces"]
            .iter()
            .any(|f| d.scale.get(f).is_some_and(|f| f.delta != 0));
    let features = !d.meshes.is_empty()
        || !added_component_kinds.is_empty()
        || !removed_component_kinds.is_empty()
        || !d.proxy_types.added.is_empty()
        || !d.proxy_types.removed.is_empty()
        || !d.crds.is_empty()
        || !d.webhooks.added.is_empty()
        || !d.webhooks.removed.is_empty();
    let upgrade = !d.versions.control_planes.is_empty()
        || !d.versions.components.is_empty()
        || !d.versions.proxies.is_empty();
    // Workloads added or removed of a kind that exists on both sides, or changed in place.
    let same_kind = |c: &crate::surface::Component| {
        let k = ComponentKind {
            mesh: c.mesh.clone(),
            component: c.component.clone(),
        };
        kb.contains(&k) && ka.contains(&k)
    };
    let configuration = d
        .components
        .changed
        .iter()
        .any(|c| c.replicas.is_some() || c.instances.is_some())
        || d.components.added.iter().any(same_kind)
        || d.components.removed.iter().any(same_kind)
        || !d.webhooks.changed.is_empty()
        || (!scale && !d.proxy_types.changed.is_empty())
        // The runbook follows from the rest: it is a cause only when nothing else explains it.
        || (!d.upgrade_steps.is_empty() && !scale && !features && !upgrade)
        // So are hazards (a webhook's Service removed changes nothing else).
        || (!d.hazards.is_empty() && !scale && !features && !upgrade);
    // A mesh replaced by another explains its new components, versions and footprint; only
    // the cluster's own growth (nodes, application pods) is still named beside it.
    let replaced = !d.meshes.added.is_empty() && !d.meshes.removed.is_empty();
    let app_scale = workload_pods.delta != 0 || d.scale.get("nodes").is_some_and(|f| f.delta != 0);
    let (scale, features, upgrade, configuration) = if replaced {
        (app_scale, false, false, false)
    } else {
        (scale, features, upgrade, configuration)
    };
    let causes = [
        (replaced, Cause::MeshReplaced),
        (scale, Cause::Scale),
        (features, Cause::Features),
        (upgrade, Cause::Upgrade),
        (configuration, Cause::Configuration),
    ]
    .into_iter()
    .filter_map(|(on, c)| on.then_some(c))
    .collect();
    GrowthCauses {
        causes,
        workload_pods,
        added_component_kinds,
        removed_component_kinds,
        cpu_request_millicores: attribution(
            d,
            "cpuRequestMillicores",
            |f| f.cpu_request_millicores.delta,
            |t| t.cpu_request_millicores,
        ),
        memory_request_bytes: attribution(
            d,
            "memoryRequestBytes",
            |f| f.memory_request_bytes.delta,
            |t| t.memory_request_bytes,
        ),
    }
}
