//! Applying a profile to a snapshot: a baseline on an empty cluster, and each feature's
//! components, proxies, CRDs and webhooks added at a scale. Apart from the projection's
//! flow (`plan`, `compare`, `sweep` in the parent) because this is where the profile data
//! becomes snapshot entries, counted and billed as detection counts them.

use std::collections::BTreeSet;

use super::{Added, AddedComponent, Growth, NamespaceShare, ProjectionScale};
use crate::arith::{is_saturated, SatSum, SATURATED};
use crate::catalog::profiles::{self, ComponentSpec, CrdGroupSpec, Per, Profile, WebhookSpec};
use crate::surface::{
    Capture, Component, CrdEntry, Mesh, NamespaceEntry, Origin, Placement, Proxy, Resources,
    Snapshot, Source, Totals, WebhookEntry, WebhookItem,
};

impl Growth<'_> {
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
                usage: None,
                cost: None,
            }],
            ..Snapshot::empty(Source::projected())
        };
        // Pods spread evenly over the namespaces (the remainder in the first ones).
        let n = scale.namespaces.max(1);
        if profile.capture == Capture::None {
            snap.meshes[0].meshed_pods = 0;
            snap.scale.meshed_pods = 0;
            snap.scale.meshed_namespaces = 0;
        } else {
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

    #[expect(
        clippy::too_many_lines,
        reason = "one set of additions (components, proxies, CRDs, webhooks), read top to bottom"
    )]
    #[expect(
        clippy::too_many_arguments,
        reason = "a feature's or the baseline's parts, passed apart as both call it"
    )]
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
                    usage: None,
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
