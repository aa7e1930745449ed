//! What breaks when a part is down: blast radius per component, and the single points of
//! failure (one replica with dependents; fail-closed webhooks with one backend replica).
//!
//! Impact follows edges in the direction harm travels: a component that `configures`,
//! `issues-identity` to, `redirects-traffic` for or `runs` something harms it when down;
//! a namespace that `routes-through` a proxy or waypoint is harmed when that is down.
//! `injects`, `serves-webhook`, `reconciles` and `depends-on` are not followed: a webhook's
//! harm is counted separately (fail-closed webhooks), and add-ons carry no traffic.
//!
//! Configuration: a component's `reconciles` edges marked `config` (pushed or applied, in
//! the catalog) name the API groups whose objects stop reaching the data plane while it is
//! down; the blast radius adds up those groups' configuration objects, when counted.

use std::collections::{BTreeSet, VecDeque};

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;

use super::model::{Graph, NodeKind};
use crate::catalog::{ConfigFlow, EdgeType};
use crate::surface::ScalesWith;

/// What is affected when every replica of one component node is down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlastRadius {
    /// The component node's id.
    pub id: String,
    pub mesh: String,
    pub component: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub replicas: u64,
    /// Proxy instances that lose config, identity, or run in it.
    pub proxies: u64,
    /// Meshed namespaces whose traffic is affected, with their workloads and pods.
    pub namespaces: u64,
    pub workloads: u64,
    pub meshed_pods: u64,
    /// Webhook configurations with `failurePolicy: Fail` it serves (admission blocked).
    pub fail_closed_webhooks: u64,
    /// The API groups whose configuration it pushes or applies (catalog `config` edges).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub config: Vec<ConfigReach>,
    /// Configuration objects of those groups that stop being pushed or applied: the sum of
    /// the known counts (absent when no group's count is known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_objects: Option<u64>,
    #[serde(skip)]
    pub node: NodeIndex,
}

/// One API group whose configuration a component pushes or applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigReach {
    /// The group's node id.
    pub id: String,
    pub group: String,
    pub flow: ConfigFlow,
    /// Its configuration objects (null: not counted).
    pub objects: Option<u64>,
}

impl BlastRadius {
    /// `pushed`, `applied`, or `pushed or applied` when its groups differ.
    pub fn config_verb(&self) -> &'static str {
        let pushed = self.config.iter().any(|c| c.flow == ConfigFlow::Pushed);
        let applied = self.config.iter().any(|c| c.flow == ConfigFlow::Applied);
        match (pushed, applied) {
            (true, true) => "pushed or applied",
            (false, true) => ConfigFlow::Applied.as_str(),
            _ => ConfigFlow::Pushed.as_str(),
        }
    }

    /// Some group's count is unknown while another's is known: the sum is a lower bound.
    pub fn config_partial(&self) -> bool {
        self.config_objects.is_some() && self.config.iter().any(|c| c.objects.is_none())
    }
}

impl BlastRadius {
    fn is_empty(&self) -> bool {
        self.proxies == 0 && self.namespaces == 0 && self.fail_closed_webhooks == 0
    }
}

/// Blast radius of every component node, biggest first (application pods affected, then
/// proxies, then fail-closed webhooks, then namespaces).
pub fn blast_radius(graph: &Graph) -> Vec<BlastRadius> {
    let g = &graph.graph;
    let mut out: Vec<BlastRadius> = graph
        .nodes()
        .filter_map(|(i, n)| match &n.kind {
            NodeKind::Component {
                component,
                namespace,
                replicas,
                instances,
                ..
            } => {
                let mut b = BlastRadius {
                    id: n.id.clone(),
                    mesh: n.mesh.clone(),
                    component: component.clone(),
                    namespace: namespace.clone(),
                    replicas: *replicas,
                    proxies: 0,
                    namespaces: 0,
                    workloads: 0,
                    meshed_pods: 0,
                    fail_closed_webhooks: 0,
                    config: config_reach(graph, i),
                    config_objects: None,
                    node: i,
                };
                b.config_objects = b.config.iter().fold(None, |sum, c| match c.objects {
                    Some(n) => Some(sum.unwrap_or(0u64).saturating_add(n)),
                    None => sum,
                });
                reach(graph, i, *instances, &mut b);
                b.fail_closed_webhooks = g
                    .edges_directed(i, Direction::Incoming)
                    .filter(|e| e.weight().r#type == EdgeType::ServesWebhook)
                    .filter(|e| {
                        matches!(&g[e.source()].kind, NodeKind::Webhook { failure_policy, .. } if failure_policy == "Fail")
                    })
                    .count() as u64;
                Some(b)
            }
            _ => None,
        })
        .collect();
    out.sort_by(|a, b| {
        (
            b.meshed_pods,
            b.proxies,
            b.fail_closed_webhooks,
            b.namespaces,
        )
            .cmp(&(
                a.meshed_pods,
                a.proxies,
                a.fail_closed_webhooks,
                a.namespaces,
            ))
            .then(a.node.cmp(&b.node))
    });
    out
}

/// The API groups `start` reconciles with a `config` flow, in edge order.
fn config_reach(graph: &Graph, start: NodeIndex) -> Vec<ConfigReach> {
    let g = &graph.graph;
    let mut edges: Vec<_> = g
        .edges_directed(start, Direction::Outgoing)
        .filter(|e| e.weight().r#type == EdgeType::Reconciles)
        .collect();
    edges.sort_by_key(petgraph::visit::EdgeRef::id);
    edges
        .into_iter()
        .filter_map(|e| {
            let flow = e.weight().config?;
            let n = &g[e.target()];
            match &n.kind {
                NodeKind::CrdGroup {
                    group,
                    config_objects,
                    ..
                } => Some(ConfigReach {
                    id: n.id.clone(),
                    group: group.clone(),
                    flow,
                    objects: *config_objects,
                }),
                _ => None,
            }
        })
        .collect()
}

/// Walks the impact edges from `start` and adds up what it reaches.
fn reach(graph: &Graph, start: NodeIndex, own_instances: u64, b: &mut BlastRadius) {
    let g = &graph.graph;
    let mut seen = BTreeSet::from([start]);
    // Proxy types reached other than through `start`'s own `runs` edge: all their
    // instances are affected, not just the ones `start` runs.
    let mut whole = BTreeSet::new();
    let mut queue = VecDeque::from([start]);
    while let Some(x) = queue.pop_front() {
        let forward = g.edges_directed(x, Direction::Outgoing).filter_map(|e| {
            matches!(
                e.weight().r#type,
                EdgeType::Configures
                    | EdgeType::IssuesIdentity
                    | EdgeType::RedirectsTraffic
                    | EdgeType::Runs
            )
            .then_some((e.target(), e.weight().r#type))
        });
        let backward = g
            .edges_directed(x, Direction::Incoming)
            .filter(|e| e.weight().r#type == EdgeType::RoutesThrough)
            .map(|e| (e.source(), EdgeType::RoutesThrough));
        for (y, t) in forward.chain(backward).collect::<Vec<_>>() {
            if !(t == EdgeType::Runs && x == start) {
                whole.insert(y);
            }
            if seen.insert(y) {
                queue.push_back(y);
            }
        }
    }
    for i in seen {
        match &g[i].kind {
            NodeKind::Proxy { instances, .. } => {
                b.proxies = b.proxies.saturating_add(if whole.contains(&i) {
                    *instances
                } else {
                    own_instances.min(*instances)
                });
            }
            NodeKind::Namespace {
                workloads,
                meshed_pods,
                ..
            } => {
                b.namespaces += 1;
                b.workloads = b.workloads.saturating_add(*workloads);
                b.meshed_pods = b.meshed_pods.saturating_add(*meshed_pods);
            }
            _ => {}
        }
    }
}

/// A part whose single failure has dependents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Spof {
    /// A workload with one replica whose component has dependents.
    Component {
        mesh: String,
        component: String,
        /// `namespace/name`.
        workload: String,
        replicas: u64,
        /// Proxy instances and namespaces its component affects (all of its workloads).
        proxies: u64,
        namespaces: u64,
        /// Webhook configurations this workload serves.
        serves_webhooks: Vec<String>,
        /// Components that depend on it (`depends-on`).
        depended_on_by: Vec<String>,
        /// API groups it reconciles.
        reconciles: Vec<String>,
    },
    /// A fail-closed webhook configuration whose backends have one replica in all (or none).
    Webhook {
        mesh: String,
        name: String,
        webhook_kind: String,
        backends: Vec<String>,
        backend_replicas: u64,
    },
}

/// Single points of failure: workloads with `replicas: 1` whose component has dependents
/// (DaemonSets are left out: one pod per node is their design, not a choice), then
/// `failurePolicy: Fail` webhooks whose backends run one replica or none.
pub fn single_points_of_failure(graph: &Graph, blast: &[BlastRadius]) -> Vec<Spof> {
    let g = &graph.graph;
    let mut out = Vec::new();
    for b in blast {
        let NodeKind::Component {
            scales_with,
            workloads,
            ..
        } = &g[b.node].kind
        else {
            continue;
        };
        if *scales_with == ScalesWith::Node {
            continue;
        }
        // petgraph lists a node's edges newest first: sort them back into insertion order.
        let mut incoming: Vec<_> = g.edges_directed(b.node, Direction::Incoming).collect();
        incoming.sort_by_key(petgraph::visit::EdgeRef::id);
        let mut outgoing: Vec<_> = g.edges_directed(b.node, Direction::Outgoing).collect();
        outgoing.sort_by_key(petgraph::visit::EdgeRef::id);
        let webhooks: Vec<(&str, &[String])> = incoming
            .iter()
            .filter(|e| e.weight().r#type == EdgeType::ServesWebhook)
            .filter_map(|e| match &g[e.source()].kind {
                NodeKind::Webhook { name, backends, .. } => {
                    Some((name.as_str(), backends.as_slice()))
                }
                _ => None,
            })
            .collect();
        let depended_on_by: Vec<String> = incoming
            .iter()
            .filter(|e| e.weight().r#type == EdgeType::DependsOn)
            .filter_map(|e| match &g[e.source()].kind {
                NodeKind::Component { component, .. } => Some(component.clone()),
                _ => None,
            })
            .collect();
        let reconciles: Vec<String> = outgoing
            .iter()
            .filter(|e| e.weight().r#type == EdgeType::Reconciles)
            .filter_map(|e| match &g[e.target()].kind {
                NodeKind::CrdGroup { group, .. } => Some(group.clone()),
                _ => None,
            })
            .collect();
        if b.is_empty() && webhooks.is_empty() && depended_on_by.is_empty() && reconciles.is_empty()
        {
            continue;
        }
        for w in workloads.iter().filter(|w| w.replicas == 1) {
            out.push(Spof::Component {
                mesh: b.mesh.clone(),
                component: b.component.clone(),
                workload: w.name.clone(),
                replicas: w.replicas,
                proxies: b.proxies,
                namespaces: b.namespaces,
                serves_webhooks: webhooks
                    .iter()
                    .filter(|(_, backends)| backends.contains(&w.name))
                    .map(|(name, _)| (*name).to_owned())
                    .collect(),
                depended_on_by: depended_on_by.clone(),
                reconciles: reconciles.clone(),
            });
        }
    }
    for (_, n) in graph.nodes() {
        if let NodeKind::Webhook {
            webhook_kind,
            name,
            failure_policy,
            backends,
            backend_replicas,
        } = &n.kind
        {
            if failure_policy == "Fail" && *backend_replicas <= 1 {
                out.push(Spof::Webhook {
                    mesh: n.mesh.clone(),
                    name: name.clone(),
                    webhook_kind: webhook_kind.clone(),
                    backends: backends.clone(),
                    backend_replicas: *backend_replicas,
                });
            }
        }
    }
    out
}
