//! Growth: how the surface grows as features are enabled, at a cluster's own scale.
//!
//! A projection starts from a [`Snapshot`] (a real scan for `plan`, or a profile's
//! baseline on an empty cluster for `compare`) and applies the feature profiles of
//! `src/catalog/profiles/*.yaml` one at a time. Each step is itself a snapshot, counted by
//! the same [`Snapshot::recount`] as a scan, so a projection and a scan of the cluster
//! after the change can be compared figure by figure (the honesty tests do exactly that).
//! Pure functions: no cluster, no formatting.

mod model;

pub use model::{
    Added, AddedComponent, AddedProxy, ChangeKind, ComparePlan, Plan, ProjectionScale, Step,
    SweepPoint,
};

use std::collections::BTreeSet;

use thiserror::Error;

use crate::arith::{is_saturated, SatSum, SATURATED};
use crate::catalog::profiles::{self, ComponentSpec, CrdGroupSpec, Per, Profile, WebhookSpec};
use crate::catalog::{Catalog, MeshEntry};
#[cfg(test)]
use crate::surface::TotalsDelta;
use crate::surface::{
    Capture, Component, CrdEntry, Mesh, NamespaceEntry, Origin, Placement, Proxy, Resources,
    Snapshot, Source, Totals, WebhookEntry, WebhookItem,
};

/// A projection that cannot be made.
#[derive(Debug, Error)]
pub enum Error {
    #[error("unknown feature {feature:?} for {profile}: known features are {known}")]
    UnknownFeature {
        feature: String,
        profile: String,
        known: String,
    },
    #[error("unknown mesh/mode {0:?}: known are {1}")]
    UnknownProfile(String, String),
    #[error("{0}")]
    NoMesh(String),
    /// The cluster runs several meshes and `--mesh` did not pick one of them.
    #[error("{0}")]
    ChooseMesh(String),
    /// A scale a projection cannot hold: one entry per namespace would exhaust memory.
    #[error(
        "{origin} is {value}: projections are refused above {max} meshed namespaces \
         (ten times the 10,000 Kubernetes is tested to)"
    )]
    TooLarge {
        /// The flag or snapshot field the number came from.
        origin: String,
        value: u64,
        max: u64,
    },
}

/// The most meshed namespaces a projection materialises (it holds one entry for each).
pub const MAX_NAMESPACES: u64 = crate::arith::MAX_PROJECTED_NAMESPACES;

/// Refuses a namespace count no projection can hold; `origin` names the flag or field.
pub fn check_namespaces(value: u64, origin: impl FnOnce() -> String) -> Result<(), Error> {
    if value > MAX_NAMESPACES {
        return Err(Error::TooLarge {
            origin: origin(),
            value,
            max: MAX_NAMESPACES,
        });
    }
    Ok(())
}

/// Which namespaces per-namespace features (waypoints) apply to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NamespaceShare {
    /// Every meshed namespace (the default).
    All,
    /// The N biggest meshed namespaces.
    Count(u64),
    /// This fraction of the meshed namespaces, rounded up.
    Fraction(f64),
}

impl NamespaceShare {
    /// `all`, a count (`12`) or a fraction (`0.25`).
    pub fn parse(s: &str) -> Result<Self, String> {
        if s == "all" {
            return Ok(Self::All);
        }
        if let Ok(n) = s.parse::<u64>() {
            return Ok(Self::Count(n));
        }
        match s.parse::<f64>() {
            Ok(f) if f > 0.0 && f <= 1.0 => Ok(Self::Fraction(f)),
            _ => Err(format!(
                "{s:?} is not `all`, a namespace count, or a fraction in (0, 1]"
            )),
        }
    }

    fn pick(self, available: usize) -> usize {
        match self {
            Self::All => available,
            Self::Count(n) => available.min(usize::try_from(n).unwrap_or(usize::MAX)),
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss
            )]
            Self::Fraction(f) => ((available as f64) * f).ceil() as usize,
        }
    }
}

/// The scale figure a growth curve (`plan --sweep AXIS=...`) varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Nodes,
    /// More namespaces of the same kind: pods per namespace stay as they are.
    Namespaces,
    Pods,
}

impl Axis {
    /// `nodes`, `namespaces` or `pods`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "nodes" => Some(Self::Nodes),
            "namespaces" => Some(Self::Namespaces),
            "pods" => Some(Self::Pods),
            _ => None,
        }
    }
}

/// The loaded feature catalog.
pub struct Growth<'c> {
    pub catalog: &'c Catalog,
    pub profiles: Vec<Profile>,
}

impl<'c> Growth<'c> {
    pub fn new(catalog: &'c Catalog) -> crate::catalog::Result<Self> {
        Ok(Self {
            catalog,
            profiles: profiles::load(catalog)?,
        })
    }

    /// A profile by name (`istio-ambient`), or the error that lists the known ones.
    pub fn profile(&self, name: &str) -> Result<&Profile, Error> {
        self.profiles
            .iter()
            .find(|p| p.profile == name)
            .ok_or_else(|| {
                Error::UnknownProfile(
                    name.to_owned(),
                    self.profiles
                        .iter()
                        .map(|p| p.profile.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
    }

    /// The profile that matches a scanned mesh (`istio` in `ambient` mode → `istio-ambient`).
    pub fn profile_of(&self, mesh: &Mesh) -> Result<&Profile, Error> {
        // A cluster running sidecars and ambient side by side grows like ambient.
        let mode = mesh.mode.rsplit('+').next().unwrap_or(&mesh.mode);
        self.profiles
            .iter()
            .find(|p| p.mesh == mesh.name && p.mode.as_str() == mode)
            .ok_or_else(|| {
                Error::NoMesh(format!(
                    "no feature profile for {} in {} mode",
                    mesh.name, mesh.mode
                ))
            })
    }

    /// Checks feature names for a profile, in the order given.
    pub fn features<'p>(
        &self,
        profile: &'p Profile,
        names: &[String],
    ) -> Result<Vec<&'p profiles::Feature>, Error> {
        names
            .iter()
            .map(|n| {
                profile.feature(n).ok_or_else(|| Error::UnknownFeature {
                    feature: n.clone(),
                    profile: profile.profile.clone(),
                    known: profile.feature_names().join(", "),
                })
            })
            .collect()
    }

    fn mesh_entry(&self, profile: &Profile) -> Option<&'c MeshEntry> {
        self.catalog.mesh(&profile.mesh)
    }

    /// A profile's baseline installed on an empty cluster of this scale, every pod and
    /// namespace meshed (what `compare` starts from).
    pub fn baseline(&self, profile: &Profile, scale: &ProjectionScale) -> Snapshot {
        let mut snap = Snapshot {
            scale: crate::surface::Scale {
                nodes: scale.nodes,
                namespaces: scale.namespaces,
                pods: scale.pods,
                meshed_pods: scale.pods,
                service_accounts: scale.service_accounts,
                meshed_namespaces: scale.namespaces,
            },
            meshes: vec![Mesh {
                name: profile.mesh.clone(),
                mode: profile.mode.as_str().to_owned(),
                version: None,
                versions: Vec::new(),
                namespace: None,
                meshed_pods: scale.pods,
                totals: Totals::default(),
            }],
            ..Snapshot::empty(Source::projected())
        };
        // Pods spread evenly over the namespaces (the remainder in the first ones).
        let n = scale.namespaces.max(1);
        if profile.capture != Capture::None {
            for i in 0..scale.namespaces {
                let pods = scale.pods / n + u64::from(i < scale.pods % n);
                snap.namespaces.push(NamespaceEntry {
                    mesh: profile.mesh.clone(),
                    namespace: format!("ns-{:04}", i + 1),
                    capture: profile.capture.as_str().to_owned(),
                    workloads: 0,
                    meshed_pods: pods,
                    proxies: 0,
                    cpu_request_millicores: 0,
                    memory_request_bytes: 0,
                    waypoints: Vec::new(),
                });
            }
        } else {
            snap.meshes[0].meshed_pods = 0;
            snap.scale.meshed_pods = 0;
            snap.scale.meshed_namespaces = 0;
        }
        if let Some(sc) = &profile.baseline.sidecar {
            let f = sc.resources;
            add_proxy(
                &mut snap,
                &profile.mesh,
                &sc.implementation,
                Placement::Sidecar,
                scale.pods,
                f,
            );
            bill(&mut snap, &profile.mesh, f, scale.pods);
            for ns in &mut snap.namespaces {
                let sidecars = f.times(ns.meshed_pods);
                ns.proxies = ns.meshed_pods;
                ns.cpu_request_millicores = sidecars.cpu_request_millicores;
                ns.memory_request_bytes = sidecars.memory_request_bytes;
            }
        }
        let base = &profile.baseline;
        self.add(
            &mut snap,
            profile,
            "baseline",
            &base.components,
            &base.crds,
            &base.webhooks,
            scale,
            NamespaceShare::All,
        );
        snap.meshes[0].namespace = snap.components.first().and_then(|_| {
            snap.components
                .iter()
                .find(|c| c.role == crate::surface::Role::ControlPlane)
                .map(|c| c.namespace.clone())
        });
        snap.recount();
        crate::graph::fill_upgrade_steps(&mut snap, self.catalog);
        snap
    }

    /// Applies one feature to a snapshot; returns what it added.
    pub fn apply(
        &self,
        snap: &mut Snapshot,
        profile: &Profile,
        feature: &profiles::Feature,
        scale: &ProjectionScale,
        share: NamespaceShare,
    ) -> Added {
        let added = self.add(
            snap,
            profile,
            &feature.feature,
            &feature.components,
            &feature.crds,
            &feature.webhooks,
            scale,
            share,
        );
        snap.recount();
        crate::graph::fill_upgrade_steps(snap, self.catalog);
        added
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &self,
        snap: &mut Snapshot,
        profile: &Profile,
        feature: &str,
        components: &[ComponentSpec],
        crds: &[CrdGroupSpec],
        webhooks: &[WebhookSpec],
        scale: &ProjectionScale,
        share: NamespaceShare,
    ) -> Added {
        let mut added = Added::default();
        let mesh = profile.mesh.as_str();
        let Some(entry) = self.mesh_entry(profile) else {
            return added;
        };
        let version = snap
            .meshes
            .iter()
            .find(|m| m.name == mesh)
            .and_then(|m| m.version.clone());
        let sidecar = sidecar_resources(snap, profile);
        for spec in components {
            let Some(rule) = entry.component(&spec.component) else {
                continue;
            };
            // Checked when the profile loaded.
            let own = spec.own_requests().unwrap_or_default();
            // Where and how many: one entry per namespace for per-namespace components.
            let places: Vec<(String, u64)> = match spec.per {
                Per::Cluster => vec![(spec.namespace.clone().unwrap_or_default(), spec.replicas)],
                Per::Node => vec![(spec.namespace.clone().unwrap_or_default(), scale.nodes)],
                Per::Namespace => {
                    let mut targets: Vec<&NamespaceEntry> = snap
                        .namespaces
                        .iter()
                        .filter(|n| n.mesh == mesh && n.meshed_pods > 0)
                        .collect();
                    targets.sort_by(|a, b| {
                        b.meshed_pods
                            .cmp(&a.meshed_pods)
                            .then(a.namespace.cmp(&b.namespace))
                    });
                    let k = share.pick(targets.len());
                    targets
                        .into_iter()
                        .take(k)
                        .map(|n| (n.namespace.clone(), spec.replicas))
                        .collect()
                }
            };
            let mut count = 0u64;
            let mut instances = 0u64;
            for (namespace, n) in places {
                let exists = snap.components.iter().any(|c| {
                    c.mesh == mesh
                        && c.component == spec.component
                        && (spec.per != Per::Namespace || c.namespace == namespace)
                });
                if exists || n == 0 && spec.per != Per::Node {
                    continue;
                }
                count += 1;
                instances = u64::saturating_add(instances, n);
                snap.components.push(Component {
                    mesh: mesh.to_owned(),
                    component: spec.component.clone(),
                    role: rule.role,
                    kind: spec.kind,
                    namespace: namespace.clone(),
                    name: spec.name.clone(),
                    replicas: n,
                    instances: n,
                    scales_with: rule.scales_with,
                    feature: feature.to_owned(),
                    version: version.clone(),
                    from: Some(Origin::Projected),
                    instances_unknown: false,
                });
                bill(snap, mesh, own, n);
                if spec.sidecar {
                    if let Some((implementation, f)) = &sidecar {
                        add_proxy(snap, mesh, implementation, Placement::Sidecar, n, *f);
                        bill(snap, mesh, *f, n);
                        added.proxy(implementation, Placement::Sidecar, n);
                    }
                }
                if let (Some(f), Some(p)) = (spec.proxy, &rule.proxy) {
                    add_proxy(snap, mesh, &p.implementation, p.placement, n, f);
                    // The proxy container is the pod's container: billed once, unless the
                    // spec also names other containers' requests.
                    if spec.cpu.is_none() && spec.memory.is_none() {
                        bill(snap, mesh, f, n);
                    }
                    added.proxy(&p.implementation, p.placement, n);
                    if spec.per == Per::Namespace {
                        if let Some(ns) = snap
                            .namespaces
                            .iter_mut()
                            .find(|x| x.mesh == mesh && x.namespace == namespace)
                        {
                            let all = f.times(n);
                            ns.waypoints.push(spec.name.clone());
                            ns.proxies = ns.proxies.saturating_add(n);
                            ns.cpu_request_millicores = ns
                                .cpu_request_millicores
                                .saturating_add(all.cpu_request_millicores);
                            ns.memory_request_bytes = ns
                                .memory_request_bytes
                                .saturating_add(all.memory_request_bytes);
                        }
                    }
                }
            }
            if count > 0 {
                added.components.push(AddedComponent {
                    component: spec.component.clone(),
                    count,
                    instances,
                });
            }
        }
        let existing: BTreeSet<String> = snap.crds.iter().map(|c| c.name.clone()).collect();
        for g in crds {
            for n in &g.names {
                let name = format!("{n}.{}", g.group);
                if !existing.contains(&name) {
                    added.crds.push(name.clone());
                    snap.crds.push(CrdEntry {
                        mesh: mesh.to_owned(),
                        name,
                        group: g.group.clone(),
                        versions: Vec::new(),
                    });
                }
            }
        }
        for w in webhooks {
            if !snap.webhooks.iter().any(|x| x.name == w.name) {
                added.webhooks.push(w.name.clone());
                snap.webhooks.push(WebhookEntry {
                    mesh: mesh.to_owned(),
                    kind: w.kind.clone(),
                    name: w.name.clone(),
                    failure_policy: w.failure_policy.clone(),
                    webhooks: (1..=w.webhooks)
                        .map(|i| WebhookItem {
                            name: format!("{}#{i}", w.name),
                            failure_policy: w.failure_policy.clone(),
                            service: None,
                        })
                        .collect(),
                });
            }
        }
        added
    }

    /// `plan`: the scanned surface, then each feature in turn, at the cluster's own scale.
    pub fn plan(
        &self,
        today: &Snapshot,
        mesh: Option<&str>,
        features: &[String],
        share: NamespaceShare,
    ) -> Result<Plan, Error> {
        let m = match mesh {
            Some(name) => today.meshes.iter().find(|m| m.name == name).ok_or_else(|| {
                Error::ChooseMesh(format!(
                    "--mesh {name}: the cluster runs {}",
                    list_or_none(today.meshes.iter().map(|m| m.name.as_str()))
                ))
            })?,
            None => match today.meshes.as_slice() {
                [one] => one,
                [] => {
                    return Err(Error::NoMesh(
                        "the cluster runs no mesh to plan for: use `compare` to project one before installing it".to_owned(),
                    ))
                }
                many => {
                    return Err(Error::ChooseMesh(format!(
                        "the cluster runs several meshes ({}): choose one with --mesh",
                        list_or_none(many.iter().map(|m| m.name.as_str()))
                    )))
                }
            },
        };
        let profile = self.profile_of(m)?;
        let feats = self.features(profile, features)?;
        let scale = ProjectionScale::of(today);
        let mut snap = today.clone();
        // The plan follows the one mesh; other meshes in the cluster are left out of the figures.
        keep_mesh(&mut snap, &m.name);
        let steps = self.steps(snap, profile, &feats, &scale, share);
        Ok(Plan::new(
            m.name.clone(),
            profile.profile.clone(),
            scale,
            steps,
        ))
    }

    /// The steps of a projection, starting from `snap` (step 0).
    pub fn steps(
        &self,
        mut snap: Snapshot,
        profile: &Profile,
        features: &[&profiles::Feature],
        scale: &ProjectionScale,
        share: NamespaceShare,
    ) -> Vec<Step> {
        let mut steps = vec![Step::first(&snap)];
        for f in features {
            let before = snap.totals;
            let added = self.apply(&mut snap, profile, f, scale, share);
            steps.push(Step::after(f.feature.clone(), before, &snap, added));
        }
        steps
    }

    /// `compare`: each profile's baseline at this scale, then the features in turn.
    pub fn compare(
        &self,
        names: &[String],
        features: &[String],
        scale: &ProjectionScale,
        share: NamespaceShare,
        calibrate: Option<&Snapshot>,
    ) -> Result<ComparePlan, Error> {
        let mut columns = Vec::new();
        for name in names {
            let profile = self.profile(name)?;
            // Features a mesh does not offer are shown as such, not as an error: only names
            // outside the shared vocabulary are errors.
            for f in features {
                if !profiles::FEATURES.contains(&f.as_str()) {
                    return Err(Error::UnknownFeature {
                        feature: f.clone(),
                        profile: "any mesh".to_owned(),
                        known: profiles::FEATURES.join(", "),
                    });
                }
            }
            let offered: Vec<&profiles::Feature> =
                features.iter().filter_map(|f| profile.feature(f)).collect();
            let missing: Vec<String> = features
                .iter()
                .filter(|f| profile.feature(f).is_none())
                .cloned()
                .collect();
            let start = match calibrate.filter(|s| {
                self.installed_profile(s)
                    .is_some_and(|p| p.profile == profile.profile)
            }) {
                Some(scan) => {
                    let mut s = scan.clone();
                    keep_mesh(&mut s, &profile.mesh);
                    s
                }
                None => self.baseline(profile, scale),
            };
            let steps = self.steps(start, profile, &offered, scale, share);
            columns.push(model::Column {
                profile: profile.profile.clone(),
                mesh: profile.mesh.clone(),
                mode: profile.mode,
                calibrated: calibrate.is_some_and(|s| {
                    self.installed_profile(s)
                        .is_some_and(|p| p.profile == profile.profile)
                }),
                not_offered: missing,
                steps,
            });
        }
        Ok(ComparePlan::new(*scale, columns))
    }

    fn installed_profile(&self, scan: &Snapshot) -> Option<&Profile> {
        scan.meshes.first().and_then(|m| self.profile_of(m).ok())
    }

    /// The growth curve: the full feature list projected from the baseline at each point.
    pub fn sweep(
        &self,
        profile: &Profile,
        features: &[&profiles::Feature],
        base: &ProjectionScale,
        axis: Axis,
        values: &[u64],
        share: NamespaceShare,
    ) -> Vec<SweepPoint> {
        values
            .iter()
            .map(|&v| {
                let mut scale = *base;
                match axis {
                    Axis::Nodes => scale.nodes = v,
                    Axis::Namespaces => {
                        let per_ns = base.pods.div_ceil(base.namespaces.max(1)).max(1);
                        scale.namespaces = v;
                        scale.pods = v.saturating_mul(per_ns);
                    }
                    Axis::Pods => scale.pods = v,
                }
                let mut snap = self.baseline(profile, &scale);
                for f in features {
                    self.apply(&mut snap, profile, f, &scale, share);
                }
                SweepPoint {
                    scale,
                    totals: snap.totals,
                }
            })
            .collect()
    }
}

fn list_or_none<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = names.collect();
    if v.is_empty() {
        "no mesh".to_owned()
    } else {
        v.join(", ")
    }
}

/// Drops every other mesh from a snapshot (a plan follows one mesh).
fn keep_mesh(snap: &mut Snapshot, mesh: &str) {
    snap.meshes.retain(|m| m.name == mesh);
    snap.components.retain(|c| c.mesh == mesh);
    snap.proxies.retain(|p| p.mesh == mesh);
    snap.crds.retain(|c| c.mesh == mesh);
    snap.webhooks.retain(|w| w.mesh == mesh);
    snap.namespaces.retain(|n| n.mesh == mesh);
    snap.upgrade_steps.retain(|s| s.mesh == mesh);
    snap.recount();
}

/// The sidecar a new meshed component gets: calibrated from the cluster's own sidecars
/// (their average request) when it has some, else the profile's default.
fn sidecar_resources(snap: &Snapshot, profile: &Profile) -> Option<(String, Resources)> {
    let spec = profile.baseline.sidecar.as_ref()?;
    let existing: Vec<&Proxy> = snap
        .proxies
        .iter()
        .filter(|p| {
            p.mesh == profile.mesh
                && p.placement == Placement::Sidecar
                && p.implementation == spec.implementation
        })
        .collect();
    let n: u64 = existing.iter().map(|p| p.instances).sat_sum();
    if n == 0 {
        return Some((spec.implementation.clone(), spec.resources));
    }
    // The exact sum (an i128 holds any sum of i64s here), so a big cluster averages right.
    let avg = |f: fn(&Proxy) -> i64| {
        if existing.iter().any(|p| is_saturated(f(p))) {
            return SATURATED;
        }
        let sum: i128 = existing.iter().map(|p| i128::from(f(p))).sum();
        i64::try_from(sum / i128::from(n)).unwrap_or(if sum < 0 { i64::MIN } else { i64::MAX })
    };
    Some((
        spec.implementation.clone(),
        Resources {
            cpu_request_millicores: avg(|p| p.cpu_request_millicores),
            memory_request_bytes: avg(|p| p.memory_request_bytes),
            cpu_limit_millicores: avg(|p| p.cpu_limit_millicores),
            memory_limit_bytes: avg(|p| p.memory_limit_bytes),
        },
    ))
}

fn add_proxy(
    snap: &mut Snapshot,
    mesh: &str,
    implementation: &str,
    placement: Placement,
    n: u64,
    each: Resources,
) {
    let version = snap
        .meshes
        .iter()
        .find(|m| m.name == mesh)
        .and_then(|m| m.version.clone());
    let i = snap
        .proxies
        .iter()
        .position(|p| {
            p.mesh == mesh
                && p.implementation == implementation
                && p.placement == placement
                && p.version == version
        })
        .unwrap_or_else(|| {
            snap.proxies.push(Proxy {
                from: Some(Origin::Projected),
                ..Proxy::empty(mesh, implementation, placement, version.clone())
            });
            snap.proxies.len() - 1
        });
    snap.proxies[i].add(n, each);
}

/// Adds `n` pods of `each` requests to the mesh's bill.
fn bill(snap: &mut Snapshot, mesh: &str, each: Resources, n: u64) {
    if let Some(m) = snap.meshes.iter_mut().find(|m| m.name == mesh) {
        let all = each.times(n);
        let t = &mut m.totals;
        t.cpu_request_millicores = t
            .cpu_request_millicores
            .saturating_add(all.cpu_request_millicores);
        t.memory_request_bytes = t
            .memory_request_bytes
            .saturating_add(all.memory_request_bytes);
    }
}

#[cfg(test)]
mod tests;
