//! Detection: attributes every workload, pod, CRD and webhook of an [`Inventory`] to a
//! mesh and a role using the [`Catalog`], and adds up the [`Snapshot`] figures.
//!
//! There are no mesh names in this module: what a component, a sidecar, an ambient label
//! or an owned API group looks like is all catalog data. The counting rules are written
//! out in `docs/surface-model.md`; keep the two in step.
//!
//! [`detect`] is a pipeline, one submodule per job: [`components`] matches workloads to
//! catalog rules, the walk over pod units (here) hands each to a component or, as an
//! application pod, to [`capture`], both counting [`proxies`]; then [`crds`] and
//! [`webhooks`] attribute the cluster-wide objects, [`meshes`] assembles each mesh, and
//! [`warnings`] and [`hazards`] fold what was found along the way.

mod capture;
mod components;
mod config;
mod crds;
mod hazards;
mod inject;
mod meshes;
mod pods;
mod proxies;
pub mod scope;
#[cfg(test)]
mod tests;
mod warnings;
mod webhooks;

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::Catalog;
use crate::inventory::Inventory;
use crate::surface::{Component, Proxy, Resources, Scale, Snapshot, Source};

use components::Tally;
use hazards::Hazards;
use inject::Matched;
use pods::{units, Unit, WorkloadView};
use warnings::Warnings;

#[derive(Debug, Default)]
struct NsAcc {
    workloads: BTreeSet<String>,
    meshed_pods: u64,
    proxies: u64,
    cpu: i64,
    memory: i64,
    captures: BTreeSet<crate::surface::Capture>,
    waypoints: BTreeSet<String>,
}

impl NsAcc {
    /// Counts `count` proxies of one container's figures.
    fn add_proxies(&mut self, f: Resources, count: u64) {
        let all = f.times(count);
        self.proxies = self.proxies.saturating_add(count);
        self.cpu = self.cpu.saturating_add(all.cpu_request_millicores);
        self.memory = self.memory.saturating_add(all.memory_request_bytes);
    }
}

#[derive(Debug, Default)]
struct MeshAcc {
    components: Vec<Component>,
    namespaces: BTreeMap<String, NsAcc>,
    /// One entry per (implementation, placement, version), whatever the pods' origin.
    proxies: BTreeMap<ProxyKey, Proxy>,
    /// CPU and memory requests of the measured pods of each proxy type (for utilisation).
    measured_requests: BTreeMap<ProxyKey, (i64, i64)>,
    /// Per proxy key: (projected instances, any observed unit).
    proxy_from: BTreeMap<ProxyKey, (u64, bool)>,
    meshed_pods: u64,
    cpu: i64,
    memory: i64,
    /// Measured use of the containers billed into `cpu` and `memory`.
    usage: crate::surface::MeasuredUsage,
}

impl MeshAcc {
    fn add_meshed_pods(&mut self, count: u64) {
        self.meshed_pods = self.meshed_pods.saturating_add(count);
    }
}

/// (implementation, placement, version): one proxy type.
type ProxyKey = (String, crate::surface::Placement, Option<String>);

/// What detection has found so far: the accumulators of each mesh and the warnings.
struct Detector<'a> {
    catalog: &'a Catalog,
    inv: &'a Inventory,
    meshes: BTreeMap<String, MeshAcc>,
    warnings: Warnings,
    hazards: Hazards,
    /// The day dated hazards are judged at (`None` for a projection: no dated hazards).
    today: Option<crate::date::Day>,
    /// Every unit's proxies with their versions and revisions (for `version-skew`).
    data_plane: Vec<hazards::skew::Sighting>,
}

impl Detector<'_> {
    fn acc(&mut self, mesh: &str) -> &mut MeshAcc {
        self.meshes.entry(mesh.to_owned()).or_default()
    }

    fn ns(&mut self, mesh: &str, namespace: &str) -> &mut NsAcc {
        self.acc(mesh)
            .namespaces
            .entry(namespace.to_owned())
            .or_default()
    }

    fn bill(&mut self, mesh: &str, f: Resources, count: u64) {
        let all = f.times(count);
        let acc = self.acc(mesh);
        acc.cpu = acc.cpu.saturating_add(all.cpu_request_millicores);
        acc.memory = acc.memory.saturating_add(all.memory_request_bytes);
    }

    /// The measured use of `containers` (the ones billed) over `unit`'s pods, added to the
    /// mesh's measure; returned for the component that owns the pods. None when metrics
    /// were not read or the pods are projected.
    fn measure<'c>(
        &mut self,
        mesh: &str,
        unit: &Unit<'_>,
        containers: impl IntoIterator<Item = &'c crate::inventory::Container>,
    ) -> Option<crate::surface::MeasuredUsage> {
        if !self.inv.metrics || unit.from_template {
            return None;
        }
        let by_container = unit.usage?;
        let mut m = crate::surface::MeasuredUsage {
            of: unit.count,
            pods: unit.count,
            ..Default::default()
        };
        for c in containers {
            match by_container.get(&c.name) {
                Some(u) => {
                    m.cpu_usage_millicores =
                        m.cpu_usage_millicores.saturating_add(u.cpu_millicores);
                    m.memory_usage_bytes = m.memory_usage_bytes.saturating_add(u.memory_bytes);
                    m.pods = m.pods.min(u.pods);
                }
                None => m.pods = 0,
            }
        }
        self.acc(mesh).usage.add(m);
        Some(m)
    }

    /// Walks every pod unit once: a component's pods go to its [`Tally`], any other pod
    /// is an application pod. Returns the tallies (one per view) and the cluster scale.
    fn walk(
        &mut self,
        views: &[WorkloadView<'_>],
        units: &[Unit<'_>],
        matched: &[Matched<'_>],
    ) -> (Vec<Tally>, Scale) {
        let present = components::present(matched);
        let mut tallies = vec![Tally::default(); views.len()];
        let mut pods = 0u64;
        let mut meshed_pods = 0u64;
        let mut meshed_ns = BTreeSet::new();
        let mut service_accounts = self.inv.service_accounts.clone();
        let mut unknown_daemonsets = BTreeSet::new();
        for unit in units {
            pods = u64::saturating_add(pods, unit.count);
            if unit.count > 0 {
                service_accounts.insert((
                    unit.namespace.to_owned(),
                    unit.shape.service_account.clone(),
                ));
            }
            if let (true, Some(i)) = (unit.unknown, unit.workload) {
                unknown_daemonsets.insert(views[i].resource());
            }
            let component = unit
                .workload
                .and_then(|i| matched[i].as_ref().map(|m| (i, m)));
            if let Some((i, (mesh, rule, _))) = component {
                tallies[i].count(unit, rule);
                self.component_unit(unit, &views[i], mesh, rule, &mut tallies[i]);
            } else {
                // A workload is (kind, namespace, name): Deployment and StatefulSet `web` are two.
                let (workload, resource) = match unit.workload {
                    Some(i) => (
                        format!("{}/{}", views[i].kind.as_str(), views[i].name),
                        views[i].resource(),
                    ),
                    None => (
                        format!("pod/{}", unit.example),
                        format!("Pod/{}/{}", unit.namespace, unit.example),
                    ),
                };
                let meshed =
                    self.application_unit(unit, &workload, &resource, &present, &mut meshed_ns);
                meshed_pods = u64::saturating_add(meshed_pods, meshed);
            }
        }
        warnings::nodes_unknown(unknown_daemonsets, &mut self.warnings);
        let scale = Scale {
            nodes: self.inv.nodes.len() as u64,
            namespaces: self.inv.namespaces.len() as u64,
            pods,
            meshed_pods,
            service_accounts: service_accounts.len() as u64,
            meshed_namespaces: meshed_ns.len() as u64,
        };
        (tallies, scale)
    }
}

/// Runs detection over an inventory.
pub fn detect(inv: &Inventory, catalog: &Catalog, source: Source) -> Snapshot {
    let mut d = Detector {
        catalog,
        inv,
        meshes: BTreeMap::new(),
        warnings: Warnings::default(),
        hazards: Hazards::default(),
        today: source.today(),
        data_plane: Vec::new(),
    };
    warnings::absurd_replicas(inv, &mut d.warnings);

    let (views, units) = units(inv);
    let mut matched = components::match_catalog(inv, catalog, &views);
    let unknown = components::unknown_rules(catalog, &views, &matched);
    components::claim_unknown(catalog, &views, &unknown, &mut matched, &mut d.warnings);
    // Templates an injector present in the input would inject get its sidecar.
    let injected = inject::project(inv, catalog, &views, &units, &matched);
    let units = inject::apply(units, &injected);

    let (tallies, scale) = d.walk(&views, &units, &matched);
    d.add_components(&views, &matched, &tallies);
    let (mut crds, unowned) = crds::owned(&mut d);
    let mut webhooks = webhooks::webhooks(&mut d);
    crds.extend(crds::shared(
        catalog,
        d.meshes.keys(),
        &unowned,
        &mut d.hazards,
    ));
    let assembled = meshes::assemble(&mut d);
    let kubernetes = inv.kubernetes.cluster();
    hazards::support::release_support(
        catalog,
        &assembled.components,
        kubernetes.as_ref(),
        d.today,
        &mut d.hazards,
    );
    let sightings = std::mem::take(&mut d.data_plane);
    let comps = &assembled.components;
    hazards::skew::skew(catalog, &views, &matched, comps, &sightings, &mut d.hazards);
    let present: Vec<&str> = assembled.meshes.iter().map(|m| m.name.as_str()).collect();
    let config_entries = config::entries(inv, catalog, &present);
    let (overrides, overridden) = config::overrides(catalog, &present, &views, &units);

    crds.sort_by(|a, b| (&a.mesh, &a.group, &a.name).cmp(&(&b.mesh, &b.group, &b.name)));
    webhooks.sort_by(|a, b| (&a.mesh, &a.kind, &a.name).cmp(&(&b.mesh, &b.kind, &b.name)));
    let judge = hazards::Judge {
        catalog,
        inv,
        components: &assembled.components,
        today: d.today,
    };
    let certificates = hazards::certificates(&judge, &mut d.hazards, &mut d.warnings);
    let hazards = d.hazards.into_list(catalog, &config_entries);
    let mut snap = Snapshot {
        warnings: d.warnings.into_list(&inv.warnings),
        hazards,
        scale,
        kubernetes,
        meshes: assembled.meshes,
        components: assembled.components,
        proxies: assembled.proxies,
        crds,
        webhooks,
        namespaces: assembled.namespaces,
        config: config_entries,
        overrides,
        certificates,
        ..Snapshot::empty(source)
    };
    for m in &mut snap.meshes {
        m.totals.proxy_overrides = overridden.get(&m.name).copied().unwrap_or(0);
    }
    // Judged on the assembled snapshot: its graph links webhooks to their workloads.
    snap.hazards
        .extend(hazards::fail_closed(&snap, inv, catalog));
    crate::surface::sort_hazards(&mut snap.hazards);
    if inv.config.read {
        // Looked for and found none of any mesh's kinds: 0, not "not in the input".
        snap.totals.config_objects = Some(0);
    }
    snap.recount();
    snap
}
