//! Building the graph from a snapshot: one node per aggregate, then the `runs` and
//! `serves-webhook` edges read off the snapshot, then the catalog's edge rules.

use crate::arith::SatSum;
use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use super::model::{Edge, Graph, Node, NodeKind, WorkloadRef};
use crate::catalog::{Catalog, ConfigFlow, EdgeType, Endpoint, MeshEntry};
use crate::surface::{Component, Role, ScalesWith, Snapshot};
use crate::surface::{ConfigFigures, SHARED};

/// Builds the dependency graph of a snapshot.
pub fn build(snap: &Snapshot, catalog: &Catalog) -> Graph {
    let mut b = Builder::default();
    for mesh in &snap.meshes {
        b.add_mesh_nodes(snap, &mesh.name);
    }
    b.add_crd_groups(snap, SHARED);
    for mesh in &snap.meshes {
        if let Some(entry) = catalog.mesh(&mesh.name) {
            b.add_runs_edges(snap, entry);
            b.add_webhook_edges(snap, entry);
            b.add_rule_edges(snap, entry);
        }
    }
    let mut graph = Graph { graph: b.g };
    super::marks::mark(&mut graph, snap);
    graph
}

/// The components of `entry`'s mesh behind the webhook Service `namespace`/`name`: in
/// that namespace, a workload of that name or one whose catalog rule lists the Service.
/// The link `serves-webhook` edges follow, shared with the hazards that judge it.
pub fn webhook_backends<'a>(
    snap: &'a Snapshot,
    entry: &'a MeshEntry,
    namespace: &'a str,
    name: &'a str,
) -> impl Iterator<Item = &'a Component> + 'a {
    snap.components.iter().filter(move |c| {
        c.mesh == entry.mesh
            && c.namespace == namespace
            && (c.name == name
                || entry
                    .component(&c.component)
                    .is_some_and(|r| r.services.iter().any(|s| s == name)))
    })
}

#[derive(Default)]
struct Builder {
    g: DiGraph<Node, Edge>,
    ids: BTreeMap<String, NodeIndex>,
    edges: BTreeSet<(NodeIndex, NodeIndex, EdgeType)>,
}

impl Builder {
    fn add(&mut self, id: String, mesh: &str, kind: NodeKind) -> NodeIndex {
        *self.ids.entry(id.clone()).or_insert_with(|| {
            self.g.add_node(Node {
                id,
                mesh: mesh.to_owned(),
                kind,
                hazards: Vec::new(),
            })
        })
    }

    fn edge(&mut self, from: NodeIndex, to: NodeIndex, r#type: EdgeType, reason: &str) {
        self.edge_with(from, to, r#type, reason, None);
    }

    fn edge_with(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        r#type: EdgeType,
        reason: &str,
        config: Option<ConfigFlow>,
    ) {
        if from != to && self.edges.insert((from, to, r#type)) {
            self.g.add_edge(
                from,
                to,
                Edge {
                    r#type,
                    reason: reason.to_owned(),
                    config,
                },
            );
        }
    }

    /// One node per API group of `mesh` (or `shared`): the groups of its CRDs, then the
    /// groups of configuration objects read without their CRD. Each carries the group's
    /// configuration objects: the sum of the known counts of its `config[]` kinds; null
    /// when none is known (not counted, or every list of the group was refused), and 0 for
    /// a group with no kind in `config[]` when the snapshot counted configuration.
    fn add_crd_groups(&mut self, snap: &Snapshot, mesh: &str) {
        let mut groups: BTreeMap<&str, u64> = BTreeMap::new();
        for c in snap.crds.iter().filter(|c| c.mesh == mesh) {
            *groups.entry(&c.group).or_default() += 1;
        }
        for c in snap.config.iter().filter(|c| c.mesh == mesh) {
            groups.entry(&c.group).or_default();
        }
        let counted = snap.totals.config_objects.is_some();
        for (group, crds) in groups {
            let mut kinds = snap
                .config
                .iter()
                .filter(|c| c.mesh == mesh && c.group == group)
                .peekable();
            let config_objects = if kinds.peek().is_none() {
                counted.then_some(0)
            } else {
                ConfigFigures::of(kinds).objects
            };
            self.add(
                format!("{mesh}/crds/{group}"),
                mesh,
                NodeKind::CrdGroup {
                    group: group.to_owned(),
                    crds,
                    config_objects,
                },
            );
        }
    }

    fn add_mesh_nodes(&mut self, snap: &Snapshot, mesh: &str) {
        for c in snap.components.iter().filter(|c| c.mesh == mesh) {
            let per_ns = c.scales_with == ScalesWith::Namespace;
            let id = if per_ns {
                format!("{mesh}/component/{}/{}", c.component, c.namespace)
            } else {
                format!("{mesh}/component/{}", c.component)
            };
            let i = self.add(
                id,
                mesh,
                NodeKind::Component {
                    component: c.component.clone(),
                    role: c.role,
                    scales_with: c.scales_with,
                    namespace: per_ns.then(|| c.namespace.clone()),
                    replicas: 0,
                    instances: 0,
                    workloads: Vec::new(),
                },
            );
            if let NodeKind::Component {
                replicas,
                instances,
                workloads,
                ..
            } = &mut self.g[i].kind
            {
                *replicas = replicas.saturating_add(c.replicas);
                *instances = instances.saturating_add(c.instances);
                workloads.push(WorkloadRef {
                    name: format!("{}/{}", c.namespace, c.name),
                    replicas: c.replicas,
                });
            }
        }
        for p in snap.proxies.iter().filter(|p| p.mesh == mesh) {
            let i = self.add(
                format!("{mesh}/proxy/{}/{}", p.implementation, p.placement),
                mesh,
                NodeKind::Proxy {
                    implementation: p.implementation.clone(),
                    placement: p.placement,
                    instances: 0,
                    versions: Vec::new(),
                },
            );
            if let NodeKind::Proxy {
                instances,
                versions,
                ..
            } = &mut self.g[i].kind
            {
                *instances = instances.saturating_add(p.instances);
                if let Some(v) = &p.version {
                    if !versions.contains(v) {
                        versions.push(v.clone());
                    }
                }
            }
        }
        for w in snap.webhooks.iter().filter(|w| w.mesh == mesh) {
            self.add(
                format!("{mesh}/webhook/{}/{}", w.kind, w.name),
                mesh,
                NodeKind::Webhook {
                    webhook_kind: w.kind.clone(),
                    name: w.name.clone(),
                    failure_policy: w.failure_policy.clone(),
                    backends: Vec::new(),
                    backend_replicas: 0,
                },
            );
        }
        self.add_crd_groups(snap, mesh);
        for n in snap.namespaces.iter().filter(|n| n.mesh == mesh) {
            self.add(
                format!("{mesh}/namespace/{}", n.namespace),
                mesh,
                NodeKind::Namespace {
                    namespace: n.namespace.clone(),
                    capture: n.capture.clone(),
                    workloads: n.workloads,
                    meshed_pods: n.meshed_pods,
                    proxies: n.proxies,
                },
            );
        }
    }

    fn mesh_nodes<'a>(&'a self, mesh: &'a str) -> impl Iterator<Item = (NodeIndex, &'a Node)> + 'a {
        self.g
            .node_indices()
            .map(move |i| (i, &self.g[i]))
            .filter(move |(_, n)| n.mesh == mesh)
    }

    /// A proxy component's node → the proxy type its pods are.
    fn add_runs_edges(&mut self, snap: &Snapshot, entry: &MeshEntry) {
        let mut edges = Vec::new();
        for (i, n) in self.mesh_nodes(&entry.mesh) {
            let NodeKind::Component {
                component,
                workloads,
                ..
            } = &n.kind
            else {
                continue;
            };
            let Some(proxy) = entry.component(component).and_then(|r| r.proxy.as_ref()) else {
                continue;
            };
            let mut placements = BTreeSet::new();
            for w in workloads {
                let (ns, name) = w.name.split_once('/').unwrap_or(("", &w.name));
                let bound = snap.namespaces.iter().any(|e| {
                    e.mesh == entry.mesh
                        && e.namespace == ns
                        && e.waypoints.iter().any(|x| x == name)
                });
                let placement = match (&proxy.namespace_label, &proxy.placement_otherwise) {
                    (Some(_), Some(otherwise)) if !bound => otherwise,
                    _ => &proxy.placement,
                };
                placements.insert(*placement);
            }
            for placement in placements {
                let id = format!("{}/proxy/{}/{placement}", entry.mesh, proxy.implementation);
                if let Some(&to) = self.ids.get(&id) {
                    edges.push((i, to));
                }
            }
        }
        for (from, to) in edges {
            self.edge(from, to, EdgeType::Runs, "its pods are these proxies");
        }
    }

    /// A webhook configuration → the components behind its Services.
    fn add_webhook_edges(&mut self, snap: &Snapshot, entry: &MeshEntry) {
        for w in snap.webhooks.iter().filter(|w| w.mesh == entry.mesh) {
            let Some(&hook) = self
                .ids
                .get(&format!("{}/webhook/{}/{}", entry.mesh, w.kind, w.name))
            else {
                continue;
            };
            let mut backends: Vec<(String, u64, String)> = Vec::new();
            for svc in w.webhooks.iter().filter_map(|h| h.service.as_deref()) {
                let Some((ns, name)) = svc.split_once('/') else {
                    continue;
                };
                for c in webhook_backends(snap, entry, ns, name) {
                    let workload = format!("{}/{}", c.namespace, c.name);
                    if !backends.iter().any(|(w, _, _)| *w == workload) {
                        backends.push((workload, c.replicas, svc.to_owned()));
                    }
                }
            }
            let mut targets = Vec::new();
            for (workload, _, svc) in &backends {
                let node = self
                    .mesh_nodes(&entry.mesh)
                    .find_map(|(i, n)| match &n.kind {
                        NodeKind::Component { workloads, .. }
                            if workloads.iter().any(|x| &x.name == workload) =>
                        {
                            Some(i)
                        }
                        _ => None,
                    });
                if let Some(i) = node {
                    targets.push((i, format!("Service {svc}")));
                }
            }
            if let NodeKind::Webhook {
                backends: b,
                backend_replicas,
                ..
            } = &mut self.g[hook].kind
            {
                *backend_replicas = backends.iter().map(|(_, r, _)| *r).sat_sum();
                *b = backends.into_iter().map(|(w, _, _)| w).collect();
            }
            for (to, reason) in targets {
                self.edge(hook, to, EdgeType::ServesWebhook, &reason);
            }
        }
    }

    /// The nodes of `mesh` an endpoint names (`BoundWaypoints` is resolved per source).
    fn resolve(&self, mesh: &str, e: &Endpoint) -> Vec<NodeIndex> {
        let shared = |n: &Node| n.mesh == SHARED;
        self.g
            .node_indices()
            .filter(|&i| {
                let n = &self.g[i];
                match (e, &n.kind) {
                    (Endpoint::Component(id), NodeKind::Component { component, .. }) => {
                        n.mesh == mesh && component == id
                    }
                    (
                        Endpoint::Proxy {
                            implementation,
                            placement,
                        },
                        NodeKind::Proxy {
                            implementation: i,
                            placement: p,
                            ..
                        },
                    ) => {
                        n.mesh == mesh
                            && i == implementation
                            && placement.as_ref().is_none_or(|want| want == p)
                    }
                    (Endpoint::Crds(want), NodeKind::CrdGroup { group, .. }) => {
                        (n.mesh == mesh || shared(n)) && group == want
                    }
                    (Endpoint::Namespaces(mode), NodeKind::Namespace { capture, .. }) => {
                        n.mesh == mesh
                            && match mode {
                                Some(m) => capture.split('+').any(|c| c == m.as_str()),
                                None => capture != crate::surface::Capture::None.as_str(),
                            }
                    }
                    _ => false,
                }
            })
            .collect()
    }

    /// Mutating webhook configurations served by one of `components`.
    fn injecting_webhooks(&self, components: &[NodeIndex]) -> Vec<NodeIndex> {
        let mut out = Vec::new();
        for e in self.g.edge_references() {
            let from = e.source();
            if e.weight().r#type == EdgeType::ServesWebhook
                && components.contains(&e.target())
                && matches!(&self.g[from].kind, NodeKind::Webhook { webhook_kind, .. } if webhook_kind == "mutating")
                && !out.contains(&from)
            {
                out.push(from);
            }
        }
        out
    }

    /// For each namespace node of `mesh`, the waypoint nodes bound to it (by the
    /// snapshot's `namespaces[].waypoints`, which names waypoints of that namespace).
    fn waypoint_index(&self, snap: &Snapshot, mesh: &str) -> BTreeMap<NodeIndex, Vec<NodeIndex>> {
        let mut by_workload: BTreeMap<&str, NodeIndex> = BTreeMap::new();
        for (i, n) in self.mesh_nodes(mesh) {
            if let NodeKind::Component {
                role: Role::Waypoint,
                workloads,
                ..
            } = &n.kind
            {
                for w in workloads {
                    by_workload.insert(&w.name, i);
                }
            }
        }
        let mut out: BTreeMap<NodeIndex, Vec<NodeIndex>> = BTreeMap::new();
        for e in snap.namespaces.iter().filter(|e| e.mesh == mesh) {
            let Some(&ns) = self.ids.get(&format!("{mesh}/namespace/{}", e.namespace)) else {
                continue;
            };
            for name in &e.waypoints {
                if let Some(&w) = by_workload.get(format!("{}/{name}", e.namespace).as_str()) {
                    let list = out.entry(ns).or_default();
                    if !list.contains(&w) {
                        list.push(w);
                    }
                }
            }
        }
        out
    }

    fn add_rule_edges(&mut self, snap: &Snapshot, entry: &MeshEntry) {
        let waypoints = self.waypoint_index(snap, &entry.mesh);
        for rule in &entry.edges {
            let mut from = self.resolve(&entry.mesh, &rule.from);
            if rule.r#type == EdgeType::Injects && matches!(rule.from, Endpoint::Component(_)) {
                // A component injects through the mutating webhooks it serves.
                from = self.injecting_webhooks(&from);
            }
            let fixed =
                (rule.to != Endpoint::BoundWaypoints).then(|| self.resolve(&entry.mesh, &rule.to));
            for f in from {
                let to = match &fixed {
                    Some(to) => to.clone(),
                    None => waypoints.get(&f).cloned().unwrap_or_default(),
                };
                for t in to {
                    self.edge_with(f, t, rule.r#type, &rule.reason, rule.config);
                }
            }
        }
    }
}
