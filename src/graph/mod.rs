//! The dependency graph of one cluster's meshes: what configures, identifies, injects,
//! serves, redirects and carries what.
//!
//! [`build()`] is a pure function of a [`Snapshot`] and the [`Catalog`]: it works on a fresh
//! scan and on a saved snapshot alike, and never talks to a cluster. Nodes are aggregates
//! so the graph stays readable at 50k pods: one per catalog component (waypoints: one per
//! namespace), per proxy type, per CRD group, per webhook configuration, and per meshed
//! namespace. Edges come from the catalog's edge rules (`edges:` in each mesh's YAML),
//! plus two kinds read straight off the snapshot: `runs` (a proxy component's pods are
//! proxies) and `serves-webhook` (a webhook's Service → the component behind it).
//! [`analysis`] derives blast radius and single points of failure; [`upgrade`] the runbook.
//!
//! One file per job: the types in `model.rs`, building in `build.rs`, the analyses
//! beside them; this module only runs them and shapes `graph -o json`.

mod analysis;
mod build;
mod marks;
mod model;
mod upgrade;

use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::catalog::{Catalog, EdgeType};
use crate::surface::{Snapshot, Source, UpgradeStep};

pub use analysis::{blast_radius, single_points_of_failure, BlastRadius, ConfigReach, Spof};
pub use build::{build, webhook_backends};
pub use model::{Edge, Graph, Node, NodeHazard, NodeKind, WorkloadRef};
pub use upgrade::{fill_upgrade_steps, upgrade_steps};

/// The schema version of `graph -o json`.
pub const SCHEMA_VERSION: &str = "meshsurface/graph/v1";

/// The analyses a `graph` command shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Analysis {
    pub blast_radius: Vec<BlastRadius>,
    pub single_points_of_failure: Vec<Spof>,
    pub upgrade_steps: Vec<UpgradeStep>,
}

/// Runs every analysis on a graph built from `snap`.
pub fn analyse(snap: &Snapshot, graph: &Graph, catalog: &Catalog) -> Analysis {
    let blast = blast_radius(graph);
    Analysis {
        single_points_of_failure: single_points_of_failure(graph, &blast),
        blast_radius: blast,
        upgrade_steps: upgrade_steps(snap, catalog),
    }
}

/// `graph -o json`: nodes, edges and the analyses.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document<'a> {
    pub schema_version: &'static str,
    pub source: &'a Source,
    pub complete: bool,
    pub nodes: Vec<&'a Node>,
    pub edges: Vec<EdgeOut<'a>>,
    #[serde(flatten)]
    pub analysis: &'a Analysis,
}

/// An edge by node ids.
#[derive(Debug, Clone, Serialize)]
pub struct EdgeOut<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub r#type: EdgeType,
    pub reason: &'a str,
}

/// The JSON document of a graph.
pub fn document<'a>(snap: &'a Snapshot, graph: &'a Graph, analysis: &'a Analysis) -> Document<'a> {
    let g = &graph.graph;
    Document {
        schema_version: SCHEMA_VERSION,
        source: &snap.source,
        complete: snap.complete,
        nodes: g.node_weights().collect(),
        edges: g
            .edge_references()
            .map(|e| EdgeOut {
                from: &g[e.source()].id,
                to: &g[e.target()].id,
                r#type: e.weight().r#type,
                reason: &e.weight().reason,
            })
            .collect(),
        analysis,
    }
}
