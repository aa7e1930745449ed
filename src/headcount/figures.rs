//! The measured inputs of a headcount estimate: one [`Row`] per cluster and mesh, and the
//! fleet's sums and distinct sets. Pure functions of snapshots.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::Serialize;

use crate::surface::{Severity, Snapshot};

/// One cluster's figures for one mesh (or `none` for a cluster that runs no mesh, so the
/// cluster still counts).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub cluster: String,
    pub mesh: String,
    pub mode: String,
    /// Distinct versions of the mesh (its control planes), sorted.
    pub versions: Vec<String>,
    /// Components and proxy entries running a control-plane version that is not the
    /// current one (the rule of `diff`'s skew, within one snapshot).
    pub version_skew: u64,
    pub component_kinds: u64,
    pub components: u64,
    pub component_instances: u64,
    pub proxy_types: u64,
    pub proxy_instances: u64,
    pub crds: u64,
    pub webhooks: u64,
    pub upgrade_steps: u64,
    /// Namespaces the mesh runs components in or captures.
    pub namespaces: u64,
    /// The cluster's nodes.
    pub nodes: u64,
    /// Nodes running one of the mesh's node agents (its largest DaemonSet); 0 when it runs
    /// none. Snapshots do not say which nodes sidecar pods run on.
    pub nodes_with_agent: u64,
    pub cpu_request_millicores: i64,
    pub memory_request_bytes: i64,
    /// The mesh's configuration objects (its own API groups; shared Gateway API kinds are
    /// in no mesh's row). Null: not counted (not in the input), never 0.
    pub config_objects: Option<u64>,
    /// Those of fragile kinds (EnvoyFilter, CiliumEnvoyConfig, ...). Null: not counted.
    pub fragile_config_objects: Option<u64>,
    /// The mesh's hazards (entries of the snapshot's `hazards[]`) by severity.
    pub hazards_critical: u64,
    pub hazards_warning: u64,
    pub hazards_info: u64,
    /// This row's per-cluster terms (fleet terms are not split over rows).
    pub hours_per_year: f64,
    pub fte: f64,
}

impl Row {
    /// The figures of `mesh` in `snap` (`None`: the mesh-less row of a cluster).
    pub fn of(cluster: &str, snap: &Snapshot, mesh: Option<&str>) -> Self {
        let Some(name) = mesh else {
            return Self::empty(cluster, snap);
        };
        let m = snap.meshes.iter().find(|m| m.name == name);
        let comps: Vec<_> = snap.components.iter().filter(|c| c.mesh == name).collect();
        // The mesh's own versions (its control planes), not the image tags of what it
        // bundles (Prometheus in linkerd-viz, cilium-envoy): those are versioned apart.
        let mut versions: BTreeSet<String> = BTreeSet::new();
        if let Some(m) = m {
            versions.extend(m.version.iter().cloned());
            versions.extend(m.versions.iter().cloned());
        }
        if versions.is_empty() {
            versions.extend(
                comps
                    .iter()
                    .filter(|c| c.role == crate::surface::Role::ControlPlane)
                    .filter_map(|c| c.version.clone()),
            );
        }
        let skew = crate::diff::skew_of(snap);
        let version_skew = skew.components.iter().filter(|c| c.mesh == name).count()
            + skew.proxies.iter().filter(|p| p.mesh == name).count();
        let mut namespaces: BTreeSet<&str> = comps.iter().map(|c| c.namespace.as_str()).collect();
        namespaces.extend(
            snap.namespaces
                .iter()
                .filter(|n| n.mesh == name)
                .map(|n| n.namespace.as_str()),
        );
        let t = m.map(|m| m.totals).unwrap_or_default();
        Self {
            cluster: cluster.to_owned(),
            mesh: name.to_owned(),
            mode: m.map(|m| m.mode.clone()).unwrap_or_default(),
            versions: versions.into_iter().collect(),
            version_skew: version_skew as u64,
            component_kinds: t.component_kinds,
            components: t.components,
            component_instances: t.component_instances,
            proxy_types: t.proxy_types,
            proxy_instances: t.proxy_instances,
            crds: t.crds,
            webhooks: t.webhooks,
            upgrade_steps: snap.upgrade_steps.iter().filter(|s| s.mesh == name).count() as u64,
            namespaces: namespaces.len() as u64,
            nodes: snap.scale.nodes,
            nodes_with_agent: comps
                .iter()
                .filter(|c| c.kind == crate::surface::WorkloadKind::DaemonSet)
                .map(|c| c.replicas)
                .max()
                .unwrap_or(0),
            cpu_request_millicores: t.cpu_request_millicores,
            memory_request_bytes: t.memory_request_bytes,
            config_objects: t.config_objects,
            fragile_config_objects: t.fragile_config_objects,
            hazards_critical: hazards(snap, name, Severity::Critical),
            hazards_warning: hazards(snap, name, Severity::Warning),
            hazards_info: hazards(snap, name, Severity::Info),
            hours_per_year: 0.0,
            fte: 0.0,
        }
    }

    fn empty(cluster: &str, snap: &Snapshot) -> Self {
        Self {
            cluster: cluster.to_owned(),
            mesh: "none".to_owned(),
            mode: String::new(),
            versions: Vec::new(),
            version_skew: 0,
            component_kinds: 0,
            components: 0,
            component_instances: 0,
            proxy_types: 0,
            proxy_instances: 0,
            crds: 0,
            webhooks: 0,
            upgrade_steps: 0,
            namespaces: 0,
            nodes: snap.scale.nodes,
            nodes_with_agent: 0,
            cpu_request_millicores: 0,
            memory_request_bytes: 0,
            // No mesh, no mesh configuration: 0 when the input was counted.
            config_objects: snap.totals.config_objects.map(|_| 0),
            fragile_config_objects: snap.totals.fragile_config_objects.map(|_| 0),
            hazards_critical: 0,
            hazards_warning: 0,
            hazards_info: 0,
            hours_per_year: 0.0,
            fte: 0.0,
        }
    }
}

/// The hazards of `mesh` in `snap` of one severity.
fn hazards(snap: &Snapshot, mesh: &str, severity: Severity) -> u64 {
    snap.hazards
        .iter()
        .filter(|h| h.mesh == mesh && h.severity == severity)
        .count() as u64
}

/// The fleet's figures: sums over rows, and the distinct things fleet terms read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FleetTotals {
    pub clusters: u64,
    /// Clusters running at least one mesh.
    pub meshed_clusters: u64,
    /// Distinct meshes (by name) across the fleet.
    pub meshes: Vec<String>,
    /// Distinct `mesh version` pairs running anywhere.
    pub versions: Vec<String>,
    pub version_skew: u64,
    pub component_kinds: u64,
    pub components: u64,
    pub component_instances: u64,
    pub proxy_types: u64,
    pub proxy_instances: u64,
    pub crds: u64,
    pub webhooks: u64,
    pub upgrade_steps: u64,
    pub namespaces: u64,
    pub nodes: u64,
    pub nodes_with_agent: u64,
    pub cpu_request_millicores: i64,
    pub memory_request_bytes: i64,
    /// Owned CRDs by (mesh, name), counted once however many clusters serve them.
    pub distinct_crds: u64,
    /// Proxy types by (mesh, implementation, placement), counted once.
    pub distinct_proxy_types: u64,
    /// Configuration objects of the rows that counted them; null when no row did.
    pub config_objects: Option<u64>,
    /// Fragile ones, likewise.
    pub fragile_config_objects: Option<u64>,
    /// Mesh rows whose configuration was not counted: left out of the sums above, not 0.
    pub config_not_counted: u64,
    /// Hazards by severity, summed over rows.
    pub hazards_critical: u64,
    pub hazards_warning: u64,
    pub hazards_info: u64,
}

/// Collects rows and distinct sets cluster by cluster.
#[derive(Debug, Default)]
pub struct FleetBuilder {
    pub rows: Vec<Row>,
    clusters: u64,
    meshed_clusters: u64,
    nodes: u64,
    meshes: BTreeSet<String>,
    versions: BTreeSet<String>,
    crds: BTreeSet<(String, String)>,
    proxy_types: BTreeSet<(String, String, crate::surface::Placement)>,
}

impl FleetBuilder {
    /// Adds one cluster: `per_mesh` gives, for each of its meshes, the snapshot to read
    /// that mesh's figures from (the scan itself, or its projection).
    pub fn cluster<'s>(
        &mut self,
        name: &str,
        snap: &Snapshot,
        per_mesh: impl IntoIterator<Item = (&'s str, &'s Snapshot)>,
    ) {
        self.clusters += 1;
        self.nodes = self.nodes.saturating_add(snap.scale.nodes);
        let mut any = false;
        for (mesh, s) in per_mesh {
            any = true;
            let row = Row::of(name, s, Some(mesh));
            self.meshes.insert(mesh.to_owned());
            self.versions
                .extend(row.versions.iter().map(|v| format!("{mesh} {v}")));
            self.crds.extend(
                s.crds
                    .iter()
                    .filter(|c| c.mesh == mesh)
                    .map(|c| (c.mesh.clone(), c.name.clone())),
            );
            self.proxy_types.extend(
                s.proxies
                    .iter()
                    .filter(|p| p.mesh == mesh)
                    .map(|p| (p.mesh.clone(), p.implementation.clone(), p.placement)),
            );
            self.rows.push(row);
        }
        if any {
            self.meshed_clusters += 1;
        } else {
            self.rows.push(Row::of(name, snap, None));
        }
    }

    /// The sums and distinct counts.
    pub fn totals(&self) -> FleetTotals {
        let mut t = FleetTotals {
            clusters: self.clusters,
            meshed_clusters: self.meshed_clusters,
            meshes: self.meshes.iter().cloned().collect(),
            versions: self.versions.iter().cloned().collect(),
            nodes: self.nodes,
            distinct_crds: self.crds.len() as u64,
            distinct_proxy_types: self.proxy_types.len() as u64,
            ..FleetTotals::default()
        };
        let sum = |a: &mut u64, b: u64| *a = a.saturating_add(b);
        for r in &self.rows {
            sum(&mut t.version_skew, r.version_skew);
            sum(&mut t.component_kinds, r.component_kinds);
            sum(&mut t.components, r.components);
            sum(&mut t.component_instances, r.component_instances);
            sum(&mut t.proxy_types, r.proxy_types);
            sum(&mut t.proxy_instances, r.proxy_instances);
            sum(&mut t.crds, r.crds);
            sum(&mut t.webhooks, r.webhooks);
            sum(&mut t.upgrade_steps, r.upgrade_steps);
            sum(&mut t.namespaces, r.namespaces);
            sum(&mut t.nodes_with_agent, r.nodes_with_agent);
            sum(&mut t.hazards_critical, r.hazards_critical);
            sum(&mut t.hazards_warning, r.hazards_warning);
            sum(&mut t.hazards_info, r.hazards_info);
            t.cpu_request_millicores = t
                .cpu_request_millicores
                .saturating_add(r.cpu_request_millicores);
            t.memory_request_bytes = t
                .memory_request_bytes
                .saturating_add(r.memory_request_bytes);
            let add = |a: &mut Option<u64>, b: Option<u64>| {
                if let Some(b) = b {
                    *a = Some(a.unwrap_or(0).saturating_add(b));
                }
            };
            add(&mut t.config_objects, r.config_objects);
            add(&mut t.fragile_config_objects, r.fragile_config_objects);
            if r.mesh != "none" && r.config_objects.is_none() {
                t.config_not_counted += 1;
            }
        }
        t
    }
}
