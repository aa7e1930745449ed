//! Version moves and skew: the part of a diff that reads versions across sections rather
//! than matching one list against another (where growth came from is [`super::causes`]).
//!
//! Skew is judged without the catalog (the diff is a function of two snapshots only): an
//! object is *behind* when it runs a version that the mesh's control plane ran in either
//! snapshot but that is not the control plane's current (newest) version. Images that are
//! versioned on their own (cilium-envoy, Prometheus, Hubble UI) never run a control-plane
//! version, so they are never reported as skew.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::Serialize;

use super::{by_type, component_key, cp_versions, version_counts, VersionCount};
use crate::surface::{Placement, Snapshot, WorkloadKind};

/// What moved from which version to which, and the skew before and after.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Versions {
    pub control_planes: Vec<ControlPlaneMove>,
    pub components: Vec<ComponentMove>,
    pub proxies: Vec<ProxyMove>,
    pub skew_before: Skew,
    pub skew_after: Skew,
}

impl Versions {
    /// No version moved and the skew is what it was.
    pub fn is_empty(&self) -> bool {
        self.control_planes.is_empty()
            && self.components.is_empty()
            && self.proxies.is_empty()
            && self.skew_before == self.skew_after
    }
}

/// A mesh whose control-plane versions changed (e.g. a second revision came up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ControlPlaneMove {
    pub mesh: String,
    pub before: Vec<String>,
    pub after: Vec<String>,
}

/// A component (same identity in both) that runs another version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComponentMove {
    pub mesh: String,
    pub component: String,
    pub kind: WorkloadKind,
    pub namespace: String,
    pub name: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A proxy type whose instances run another set of versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProxyMove {
    pub mesh: String,
    pub implementation: String,
    pub placement: Placement,
    pub before: Vec<VersionCount>,
    pub after: Vec<VersionCount>,
}

/// Objects of one snapshot running behind their control plane.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Skew {
    pub components: Vec<ComponentSkew>,
    pub proxies: Vec<ProxySkew>,
}

impl Skew {
    pub fn is_empty(&self) -> bool {
        self.components.is_empty() && self.proxies.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComponentSkew {
    pub mesh: String,
    /// The control plane's current version, which this component is not on.
    pub control_plane_version: String,
    pub component: String,
    pub kind: WorkloadKind,
    pub namespace: String,
    pub name: String,
    pub version: String,
    pub instances: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProxySkew {
    pub mesh: String,
    pub control_plane_version: String,
    pub implementation: String,
    pub placement: Placement,
    pub version: String,
    pub instances: u64,
}

pub(super) fn versions(before: &Snapshot, after: &Snapshot) -> Versions {
    let mut out = Versions::default();

    let cp = |s: &Snapshot| -> BTreeMap<String, Vec<String>> {
        s.meshes
            .iter()
            .map(|m| (m.name.clone(), cp_versions(m)))
            .collect()
    };
    let (cb, ca) = (cp(before), cp(after));
    for (mesh, vb) in &cb {
        if let Some(va) = ca.get(mesh) {
            if vb != va {
                out.control_planes.push(ControlPlaneMove {
                    mesh: mesh.clone(),
                    before: vb.clone(),
                    after: va.clone(),
                });
            }
        }
    }

    let b: BTreeMap<_, _> = before
        .components
        .iter()
        .map(|c| (component_key(c), c))
        .collect();
    for a in &after.components {
        if let Some(b) = b.get(&component_key(a)) {
            if b.version != a.version {
                out.components.push(ComponentMove {
                    mesh: a.mesh.clone(),
                    component: a.component.clone(),
                    kind: a.kind,
                    namespace: a.namespace.clone(),
                    name: a.name.clone(),
                    before: b.version.clone(),
                    after: a.version.clone(),
                });
            }
        }
    }
    out.components
        .sort_by_key(|m| (m.mesh.clone(), m.namespace.clone(), m.name.clone()));

    let (pb, pa) = (by_type(&before.proxies), by_type(&after.proxies));
    for (k, ps) in &pa {
        let Some(old) = pb.get(k) else { continue };
        let set = |list: &[VersionCount]| -> BTreeSet<Option<String>> {
            list.iter()
                .filter(|c| c.instances > 0)
                .map(|c| c.version.clone())
                .collect()
        };
        let (vb, va) = (version_counts(old), version_counts(ps));
        if set(&vb) != set(&va) {
            out.proxies.push(ProxyMove {
                mesh: k.0.clone(),
                implementation: k.1.clone(),
                placement: k.2,
                before: vb,
                after: va,
            });
        }
    }

    // Every version a mesh's control plane ran, in either snapshot.
    let mut known: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (mesh, vs) in cb.iter().chain(&ca) {
        known
            .entry(mesh.clone())
            .or_default()
            .extend(vs.iter().cloned());
    }
    out.skew_before = skew(before, &known);
    out.skew_after = skew(after, &known);
    out
}

/// The skew inside one snapshot: objects running a version its mesh's control plane runs
/// (another revision) but not the current one. The same rule as a diff's, with only this
/// snapshot's control-plane versions known.
pub fn skew_of(s: &Snapshot) -> Skew {
    let known: BTreeMap<String, BTreeSet<String>> = s
        .meshes
        .iter()
        .map(|m| (m.name.clone(), cp_versions(m).into_iter().collect()))
        .collect();
    skew(s, &known)
}

fn skew(s: &Snapshot, known: &BTreeMap<String, BTreeSet<String>>) -> Skew {
    let mut out = Skew::default();
    for m in &s.meshes {
        let Some(current) = &m.version else { continue };
        let Some(cp) = known.get(&m.name) else {
            continue;
        };
        let behind = |v: &Option<String>| -> Option<String> {
            v.as_ref()
                .filter(|v| *v != current && cp.contains(*v))
                .cloned()
        };
        for c in s.components.iter().filter(|c| c.mesh == m.name) {
            if let Some(version) = behind(&c.version) {
                out.components.push(ComponentSkew {
                    mesh: m.name.clone(),
                    control_plane_version: current.clone(),
                    component: c.component.clone(),
                    kind: c.kind,
                    namespace: c.namespace.clone(),
                    name: c.name.clone(),
                    version,
                    instances: c.instances,
                });
            }
        }
        for p in s.proxies.iter().filter(|p| p.mesh == m.name) {
            if let Some(version) = behind(&p.version) {
                out.proxies.push(ProxySkew {
                    mesh: m.name.clone(),
                    control_plane_version: current.clone(),
                    implementation: p.implementation.clone(),
                    placement: p.placement,
                    version,
                    instances: p.instances,
                });
            }
        }
    }
    out
}
