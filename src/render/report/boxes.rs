//! What the drawn graph shows: one box per graph node, except where one kind of node
//! repeats per namespace (meshed namespaces, waypoints) more than [`FOLD_OVER`] times:
//! those are drawn as one box per mesh and capture mode (or component) that says how many
//! it stands for. A 500-namespace cluster then draws as a page, not a wall, and the layout
//! stays fast; the full list of edges is printed as text beside the drawing.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::arith::SatSum;
use crate::graph::{Analysis, Graph, Node, NodeKind, Spof};
use crate::render::graph::label;
use crate::render::words::plural;

/// More per-namespace nodes of one kind than this are folded into one box.
pub const FOLD_OVER: usize = 8;

/// How a box is marked: a single point of failure, or a part whose outage reaches pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Spof,
    Blast,
    None,
}

/// One box of the drawing: its lines of text and its mark.
pub struct Shape {
    pub lines: Vec<String>,
    pub mark: Mark,
}

/// The boxes, and the arrows between them (by box index, deduplicated, in graph order).
pub struct Drawing {
    pub boxes: Vec<Shape>,
    pub arrows: Vec<(usize, usize)>,
    /// Nodes drawn folded into another's box.
    pub folded: usize,
}

/// The key of a node that repeats per namespace.
fn fold_key(n: &Node) -> Option<String> {
    match &n.kind {
        NodeKind::Namespace { capture, .. } => Some(format!("{}/namespaces/{capture}", n.mesh)),
        NodeKind::Component {
            component,
            namespace: Some(_),
            ..
        } => Some(format!("{}/component/{component}", n.mesh)),
        _ => None,
    }
}

/// The boxes of a graph.
pub fn drawing(g: &Graph, a: &Analysis) -> Drawing {
    let mut groups: BTreeMap<String, Vec<NodeIndex>> = BTreeMap::new();
    for (i, n) in g.nodes() {
        if let Some(k) = fold_key(n) {
            groups.entry(k).or_default().push(i);
        }
    }
    groups.retain(|_, members| members.len() > FOLD_OVER);
    let mut boxes = Vec::new();
    let mut box_of = vec![0usize; g.graph.node_count()];
    let mut placed: BTreeMap<String, usize> = BTreeMap::new();
    let mut folded = 0;
    for (i, n) in g.nodes() {
        let group = fold_key(n).filter(|k| groups.contains_key(k));
        if let Some(k) = group {
            if let Some(&b) = placed.get(&k) {
                box_of[i.index()] = b;
                folded += 1;
                continue;
            }
            placed.insert(k.clone(), boxes.len());
            box_of[i.index()] = boxes.len();
            boxes.push(folded_box(
                g,
                a,
                groups.get(&k).map_or(&[][..], Vec::as_slice),
            ));
        } else {
            box_of[i.index()] = boxes.len();
            boxes.push(one_box(n, i, a));
        }
    }
    let mut seen = BTreeSet::new();
    let mut arrows = Vec::new();
    for e in g.graph.edge_references() {
        let pair = (box_of[e.source().index()], box_of[e.target().index()]);
        if pair.0 != pair.1 && seen.insert(pair) {
            arrows.push(pair);
        }
    }
    Drawing {
        boxes,
        arrows,
        folded,
    }
}

/// The blast radius of a node, when it reaches proxies or pods.
fn blast(a: &Analysis, i: NodeIndex) -> Option<&crate::graph::BlastRadius> {
    a.blast_radius
        .iter()
        .find(|b| b.node == i)
        .filter(|b| b.meshed_pods > 0 || b.proxies > 0)
}

fn one_box(n: &Node, i: NodeIndex, a: &Analysis) -> Shape {
    let mut lines = label(n);
    let spof = is_spof(n, a);
    let b = blast(a, i);
    if let Some(b) = b {
        lines.push(format!(
            "down: {}, {}",
            plural(b.proxies, "proxy"),
            plural(b.meshed_pods, "pod")
        ));
    }
    if spof {
        lines.push("SINGLE POINT OF FAILURE".to_owned());
    }
    Shape {
        lines,
        mark: mark(spof, b.is_some()),
    }
}

fn mark(spof: bool, blast: bool) -> Mark {
    match (spof, blast) {
        (true, _) => Mark::Spof,
        (false, true) => Mark::Blast,
        (false, false) => Mark::None,
    }
}

/// One box for many per-namespace nodes of one kind.
fn folded_box(g: &Graph, a: &Analysis, members: &[NodeIndex]) -> Shape {
    let nodes: Vec<&Node> = members.iter().map(|&i| &g.graph[i]).collect();
    let count = nodes.len() as u64;
    let mut lines = match nodes.first().map(|n| &n.kind) {
        Some(NodeKind::Namespace { capture, .. }) => {
            let (mut workloads, mut pods) = (0u64, 0u64);
            for n in &nodes {
                if let NodeKind::Namespace {
                    workloads: w,
                    meshed_pods: p,
                    ..
                } = &n.kind
                {
                    workloads = workloads.saturating_add(*w);
                    pods = pods.saturating_add(*p);
                }
            }
            vec![
                format!("{} ({capture})", plural(count, "namespace")),
                format!("{}, {}", plural(workloads, "workload"), plural(pods, "pod")),
            ]
        }
        Some(NodeKind::Component { component, .. }) => {
            let pods: u64 = nodes
                .iter()
                .map(|n| match &n.kind {
                    NodeKind::Component { instances, .. } => *instances,
                    _ => 0,
                })
                .sat_sum();
            vec![
                format!("{component} ×{count}, one per namespace"),
                plural(pods, "pod"),
            ]
        }
        _ => Vec::new(),
    };
    let worst = members
        .iter()
        .filter_map(|&i| blast(a, i))
        .max_by_key(|b| (b.meshed_pods, b.proxies));
    if let Some(b) = worst {
        lines.push(format!(
            "one down: up to {}, {}",
            plural(b.proxies, "proxy"),
            plural(b.meshed_pods, "pod")
        ));
    }
    let spofs = nodes.iter().filter(|n| is_spof(n, a)).count() as u64;
    if spofs > 0 {
        lines.push(format!(
            "{} SINGLE POINT{} OF FAILURE",
            spofs,
            if spofs == 1 { "" } else { "S" }
        ));
    }
    Shape {
        lines,
        mark: mark(spofs > 0, worst.is_some()),
    }
}

/// Is this node named by a single point of failure?
fn is_spof(n: &Node, a: &Analysis) -> bool {
    a.single_points_of_failure
        .iter()
        .any(|s| match (s, &n.kind) {
            (
                Spof::Component {
                    mesh,
                    component,
                    workload,
                    ..
                },
                NodeKind::Component {
                    component: c,
                    workloads,
                    ..
                },
            ) => *mesh == n.mesh && component == c && workloads.iter().any(|w| w.name == *workload),
            (Spof::Webhook { mesh, name, .. }, NodeKind::Webhook { name: w, .. }) => {
                *mesh == n.mesh && name == w
            }
            _ => false,
        })
}
