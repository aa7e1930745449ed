//! The catalog's graph data: which parts of a mesh depend on which (edge rules), and the
//! upgrade runbook's steps with their "must be upgraded before" relation.
//!
//! Like the rest of the catalog this is data, read from the mesh's YAML file, so that the
//! dependency graph (`crate::graph`) has no mesh names in it. Edge endpoints are short
//! strings (`istiod`, `proxy:envoy`, `crds:security.istio.io`, `namespaces:ambient`, ...), parsed
//! here and checked against the mesh's own component ids, proxy implementations, API
//! groups and capture modes when the catalog loads.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};

use super::{group_matches, MeshEntry};
use crate::surface::{Capture, Placement};

/// What an edge of the dependency graph means. The direction is always "A does this to B".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeType {
    /// A control plane pushes configuration to proxies.
    Configures,
    /// A certificate authority signs the proxies' workload certificates.
    IssuesIdentity,
    /// A mutating webhook adds proxies to the pods of these namespaces.
    Injects,
    /// A webhook configuration is served by this component (its Service's pods).
    ServesWebhook,
    /// A controller watches (or registers) this API group.
    Reconciles,
    /// A node agent sets up traffic redirection for the pods of these namespaces.
    RedirectsTraffic,
    /// The traffic of these namespaces passes through this proxy or waypoint.
    RoutesThrough,
    /// An add-on needs this other component to work.
    DependsOn,
    /// The component's pods are these proxies (derived from the catalog's `proxy` rules).
    Runs,
}

impl EdgeType {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeType::Configures => "configures",
            EdgeType::IssuesIdentity => "issues-identity",
            EdgeType::Injects => "injects",
            EdgeType::ServesWebhook => "serves-webhook",
            EdgeType::Reconciles => "reconciles",
            EdgeType::RedirectsTraffic => "redirects-traffic",
            EdgeType::RoutesThrough => "routes-through",
            EdgeType::DependsOn => "depends-on",
            EdgeType::Runs => "runs",
        }
    }
}

/// What happens to a group's configuration objects through a `reconciles` edge: the
/// controller turns them into proxy config it pushes (`pushed`), or enforces them itself
/// (`applied`). Only such edges count configuration objects in a blast radius: a
/// controller that merely registers or garbage-collects a group's objects carries none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfigFlow {
    Pushed,
    Applied,
}

impl ConfigFlow {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigFlow::Pushed => "pushed",
            ConfigFlow::Applied => "applied",
        }
    }
}

/// One end of an edge rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Endpoint {
    /// `istiod` (or `component:istiod`): every component node with this catalog id.
    Component(String),
    /// `proxy:envoy` or `proxy:envoy/sidecar`: proxy types of this implementation.
    Proxy {
        implementation: String,
        placement: Option<Placement>,
    },
    /// `crds:networking.istio.io`: the CRD group with exactly this name.
    Crds(String),
    /// `namespaces` (any capture) or `namespaces:ambient` (that capture mode).
    Namespaces(Option<Capture>),
    /// `bound-waypoints`: for each namespace, the waypoints bound to it (a target only).
    BoundWaypoints,
}

impl TryFrom<String> for Endpoint {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        let nonempty = |v: &str, what: &str| {
            if v.is_empty() {
                Err(format!("endpoint {s:?}: empty {what}"))
            } else {
                Ok(v.to_owned())
            }
        };
        match s.split_once(':') {
            None if s == "namespaces" => Ok(Endpoint::Namespaces(None)),
            None if s == "bound-waypoints" => Ok(Endpoint::BoundWaypoints),
            None => Ok(Endpoint::Component(nonempty(&s, "component id")?)),
            Some(("component", id)) => Ok(Endpoint::Component(nonempty(id, "component id")?)),
            Some(("proxy", rest)) => {
                let (implementation, placement) =
                    match rest.split_once('/') {
                        Some((i, p)) => (
                            i,
                            Some(Placement::parse(p).ok_or_else(|| {
                                format!("endpoint {s:?}: unknown placement {p:?}")
                            })?),
                        ),
                        None => (rest, None),
                    };
                Ok(Endpoint::Proxy {
                    implementation: nonempty(implementation, "implementation")?,
                    placement,
                })
            }
            Some(("crds", group)) => Ok(Endpoint::Crds(nonempty(group, "API group")?)),
            Some(("namespaces", capture)) => Ok(Endpoint::Namespaces(Some(
                Capture::parse(capture)
                    .ok_or_else(|| format!("endpoint {s:?}: unknown capture mode {capture:?}"))?,
            ))),
            Some((prefix, _)) => Err(format!(
                "endpoint {s:?}: unknown prefix {prefix:?} (component:, proxy:, crds:, namespaces:)"
            )),
        }
    }
}

/// `{from, to, type, reason}`: an edge the graph draws between every node `from` names and
/// every node `to` names, when both are in the snapshot.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EdgeRule {
    pub from: Endpoint,
    pub to: Endpoint,
    pub r#type: EdgeType,
    /// Why the edge exists, in a few words (shown in JSON output).
    pub reason: String,
    /// On `reconciles` edges: the group's configuration objects stop being pushed or
    /// applied while the controller is down.
    #[serde(default)]
    pub config: Option<ConfigFlow>,
}

/// The kind of an upgrade step: the runbook orders steps by the relation first, then by
/// this (so that, among steps that may run, CRDs come before control planes, and so on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpgradeKind {
    Crds,
    ControlPlane,
    NodeAgents,
    GatewaysAndWaypoints,
    AddOns,
    WorkloadRestarts,
}

impl UpgradeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UpgradeKind::Crds => "crds",
            UpgradeKind::ControlPlane => "control-plane",
            UpgradeKind::NodeAgents => "node-agents",
            UpgradeKind::GatewaysAndWaypoints => "gateways-and-waypoints",
            UpgradeKind::AddOns => "add-ons",
            UpgradeKind::WorkloadRestarts => "workload-restarts",
        }
    }
}

/// One step of a mesh's upgrade runbook. It appears in a snapshot's runbook when one of
/// its targets is present.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpgradeRule {
    /// Names the step in `after` lists.
    pub id: String,
    pub kind: UpgradeKind,
    /// What to do, in the words of the mesh's own upgrade guide.
    pub title: String,
    /// Component ids upgraded in this step (their workloads are the targets).
    #[serde(default)]
    pub components: Vec<String>,
    /// API groups (owned or shared, exact names) whose CRDs are upgraded in this step.
    #[serde(default)]
    pub crd_groups: Vec<String>,
    /// Restart the workloads of the namespaces with this capture mode (`sidecar`).
    #[serde(default)]
    pub restart: Option<Capture>,
    /// Steps that must be done before this one ("must be upgraded before").
    #[serde(default)]
    pub after: Vec<String>,
}

impl MeshEntry {
    /// Proxy implementations this mesh runs, with their possible placements.
    pub fn proxy_placements(&self) -> Vec<(&str, Placement)> {
        let mut out: Vec<(&str, Placement)> = self
            .sidecars
            .iter()
            .map(|s| (s.implementation.as_str(), Placement::Sidecar))
            .collect();
        for c in &self.components {
            if let Some(p) = &c.proxy {
                out.push((p.implementation.as_str(), p.placement));
                if let Some(o) = p.placement_otherwise {
                    out.push((p.implementation.as_str(), o));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Capture modes of this mesh's namespaces (`sidecar`, and each capture rule's value).
    pub fn capture_modes(&self) -> BTreeSet<Capture> {
        let mut out: BTreeSet<Capture> = self.capture.iter().map(|c| c.capture).collect();
        if !self.sidecars.is_empty() {
            out.insert(Capture::Sidecar);
        }
        out
    }

    fn check_group(&self, group: &str) -> Result<(), String> {
        let known = self
            .crd_groups
            .iter()
            .chain(&self.shared_crd_groups)
            .any(|g| group_matches(group, g));
        if known {
            Ok(())
        } else {
            Err(format!(
                "API group {group} is neither owned (crdGroups) nor needed (sharedCrdGroups)"
            ))
        }
    }

    fn check_endpoint(&self, e: &Endpoint, ids: &BTreeSet<&str>) -> Result<(), String> {
        match e {
            Endpoint::Component(id) if !ids.contains(id.as_str()) => {
                Err(format!("unknown component {id}"))
            }
            Endpoint::Proxy {
                implementation,
                placement,
            } => {
                let known = self.proxy_placements();
                let ok = known
                    .iter()
                    .any(|(i, p)| i == implementation && placement.is_none_or(|want| want == *p));
                if ok {
                    Ok(())
                } else {
                    Err(format!(
                        "unknown proxy {implementation}{} (this mesh runs: {})",
                        placement
                            .as_ref()
                            .map(|p| format!("/{p}"))
                            .unwrap_or_default(),
                        known
                            .iter()
                            .map(|(i, p)| format!("{i}/{p}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                }
            }
            Endpoint::Crds(group) => self.check_group(group),
            Endpoint::Namespaces(Some(mode)) if !self.capture_modes().contains(mode) => {
                Err(format!("unknown capture mode {mode}"))
            }
            _ => Ok(()),
        }
    }

    /// Checks the edge and upgrade rules; returns the problem, if any.
    pub(super) fn validate_graph(&self) -> Result<(), String> {
        let ids: BTreeSet<&str> = self.components.iter().map(|c| c.id.as_str()).collect();
        for (i, e) in self.edges.iter().enumerate() {
            let at = format!("edge {} ({} {:?})", i + 1, e.r#type.as_str(), e.reason);
            if e.reason.trim().is_empty() {
                return Err(format!("{at}: no reason"));
            }
            if e.r#type == EdgeType::Runs || e.r#type == EdgeType::ServesWebhook {
                return Err(format!(
                    "{at}: {} edges are derived from the snapshot, not listed",
                    e.r#type.as_str()
                ));
            }
            match &e.from {
                Endpoint::Component(_) | Endpoint::Namespaces(_) => {}
                other => return Err(format!("{at}: cannot start at {other:?}")),
            }
            if e.config.is_some()
                && !(e.r#type == EdgeType::Reconciles && matches!(e.to, Endpoint::Crds(_)))
            {
                return Err(format!(
                    "{at}: config is only for reconciles edges to an API group"
                ));
            }
            if e.to == Endpoint::BoundWaypoints && !matches!(e.from, Endpoint::Namespaces(_)) {
                return Err(format!(
                    "{at}: bound-waypoints needs namespaces as the source"
                ));
            }
            self.check_endpoint(&e.from, &ids)
                .and_then(|()| self.check_endpoint(&e.to, &ids))
                .map_err(|p| format!("{at}: {p}"))?;
        }

        let mut steps = BTreeSet::new();
        let mut placed = BTreeSet::new();
        for u in &self.upgrade {
            let at = format!("upgrade step {}", u.id);
            if !steps.insert(u.id.as_str()) {
                return Err(format!("{at} is listed twice"));
            }
            if u.title.trim().is_empty() {
                return Err(format!("{at}: no title"));
            }
            if u.components.is_empty() && u.crd_groups.is_empty() && u.restart.is_none() {
                return Err(format!("{at}: no targets"));
            }
            for id in &u.components {
                if !ids.contains(id.as_str()) {
                    return Err(format!("{at}: unknown component {id}"));
                }
                if !placed.insert(id.as_str()) {
                    return Err(format!(
                        "{at}: component {id} is already in an earlier step"
                    ));
                }
            }
            for g in &u.crd_groups {
                self.check_group(g).map_err(|p| format!("{at}: {p}"))?;
            }
            if let Some(mode) = &u.restart {
                if !self.capture_modes().contains(mode) {
                    return Err(format!("{at}: unknown capture mode {mode}"));
                }
            }
        }
        for u in &self.upgrade {
            for a in &u.after {
                if !steps.contains(a.as_str()) {
                    return Err(format!(
                        "upgrade step {}: after names unknown step {a}",
                        u.id
                    ));
                }
            }
        }
        if !self.upgrade.is_empty() {
            if let Some(missing) = ids.difference(&placed).next() {
                return Err(format!("component {missing} is in no upgrade step"));
            }
        }
        self.upgrade_order().map(|_| ())
    }

    /// The "must be upgraded before" relation of the upgrade steps: an edge `a -> b` says
    /// step `a` comes before step `b`. Node weights index [`MeshEntry::upgrade`].
    pub fn upgrade_relation(&self) -> DiGraph<usize, ()> {
        let mut g = DiGraph::new();
        let nodes: Vec<NodeIndex> = (0..self.upgrade.len()).map(|i| g.add_node(i)).collect();
        for (i, u) in self.upgrade.iter().enumerate() {
            for a in &u.after {
                if let Some(j) = self.upgrade.iter().position(|x| &x.id == a) {
                    g.add_edge(nodes[j], nodes[i], ());
                }
            }
        }
        g
    }

    /// The upgrade steps in runbook order (indexes into [`MeshEntry::upgrade`]): a
    /// topological order of the relation; among steps whose predecessors are all done, the
    /// one of the earliest [`UpgradeKind`] comes first, then file order. Fails on a cycle.
    pub fn upgrade_order(&self) -> Result<Vec<usize>, String> {
        let g = self.upgrade_relation();
        if let Err(cycle) = petgraph::algo::toposort(&g, None) {
            let id = g
                .node_weight(cycle.node_id())
                .and_then(|&i| self.upgrade.get(i))
                .map_or("?", |u| u.id.as_str());
            return Err(format!("the upgrade steps form a cycle through {id}"));
        }
        // Kahn's algorithm with a priority, so the order reads like an upgrade guide
        // (petgraph's toposort is a valid order too, but not a chosen one).
        let mut indegree: Vec<usize> = g
            .node_indices()
            .map(|n| {
                g.neighbors_directed(n, petgraph::Direction::Incoming)
                    .count()
            })
            .collect();
        let key = |n: NodeIndex| {
            let i = g[n];
            Reverse((self.upgrade[i].kind, i, n.index()))
        };
        let mut ready: BinaryHeap<_> = g
            .node_indices()
            .filter(|n| indegree[n.index()] == 0)
            .map(key)
            .collect();
        let mut order = Vec::with_capacity(self.upgrade.len());
        while let Some(Reverse((_, i, n))) = ready.pop() {
            order.push(i);
            for m in g.neighbors_directed(NodeIndex::new(n), petgraph::Direction::Outgoing) {
                indegree[m.index()] -= 1;
                if indegree[m.index()] == 0 {
                    ready.push(key(m));
                }
            }
        }
        Ok(order)
    }
}

#[cfg(test)]
mod tests;
