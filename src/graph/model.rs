//! The graph's data: [`Node`]s (aggregates of the snapshot) joined by typed [`Edge`]s.
//! Kept apart from how it is built (`build.rs`) and what is derived from it
//! ([`super::analysis`]), which both read these types.

use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use crate::catalog::{ConfigFlow, EdgeType};
use crate::surface::{Role, ScalesWith};

/// One node: an aggregate of the snapshot, identified by a stable id
/// (`istio/component/istiod`, `istio/proxy/envoy/sidecar`, `shared/crds/<group>`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    pub id: String,
    /// The mesh, or `shared` for a CRD group several meshes need.
    pub mesh: String,
    #[serde(flatten)]
    pub kind: NodeKind,
    /// The hazards whose objects name this node's resource (absent when none): see
    /// `marks.rs`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hazards: Vec<NodeHazard>,
}

/// A hazard carried by a node: its code and severity (the snapshot's `hazards[]` has the
/// rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct NodeHazard {
    pub severity: crate::surface::Severity,
    pub code: crate::surface::HazardCode,
}

/// What a node stands for, with its figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum NodeKind {
    /// The workloads of one catalog component (of one namespace, for per-namespace ones).
    Component {
        component: String,
        role: Role,
        scales_with: ScalesWith,
        /// Set for components that scale per namespace (waypoints).
        #[serde(skip_serializing_if = "Option::is_none")]
        namespace: Option<String>,
        replicas: u64,
        instances: u64,
        workloads: Vec<WorkloadRef>,
    },
    /// One proxy type (implementation, placement), all versions together.
    Proxy {
        implementation: String,
        placement: crate::surface::Placement,
        instances: u64,
        versions: Vec<String>,
    },
    CrdGroup {
        group: String,
        /// CRDs of the group in the input (0: its objects were read without their CRDs).
        crds: u64,
        /// Configuration objects of the group (`config[]`); null: not counted.
        config_objects: Option<u64>,
    },
    Webhook {
        /// `mutating` or `validating`.
        webhook_kind: String,
        name: String,
        failure_policy: String,
        /// The component workloads (`namespace/name`) behind its Services.
        backends: Vec<String>,
        backend_replicas: u64,
    },
    /// The meshed workloads of one namespace.
    Namespace {
        namespace: String,
        capture: String,
        workloads: u64,
        meshed_pods: u64,
        proxies: u64,
    },
}

/// One workload of a component node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkloadRef {
    /// `namespace/name`.
    pub name: String,
    pub replicas: u64,
}

/// A typed edge with the reason it exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub r#type: EdgeType,
    pub reason: String,
    /// On `reconciles` edges: the group's configuration is pushed or applied by the source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigFlow>,
}

/// The dependency graph.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub graph: DiGraph<Node, Edge>,
}

impl Graph {
    /// Nodes in insertion order (meshes as in the snapshot, then shared CRD groups).
    pub fn nodes(&self) -> impl Iterator<Item = (NodeIndex, &Node)> {
        self.graph.node_indices().map(move |i| (i, &self.graph[i]))
    }
}
