//! The shapes of `plan -o json` (`meshsurface/plan/v1`) and `compare -o json`
//! (`meshsurface/compare/v1`); their JSON Schemas are `docs/schema/{plan,compare}.schema.json`,
//! generated from these types ([`crate::schema`]).

use schemars::JsonSchema;
use serde::Serialize;

use crate::surface::{Mode, Placement, Snapshot, Totals, TotalsDelta};

/// Does a step add workloads or proxy types, or only configuration? Derived from what the
/// step added (profiles state what a feature adds, not which of the two it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Topology,
    Configuration,
}

/// The scale a projection is made at: the meshed part of a cluster's scale (every
/// namespace and pod of a projection is meshed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectionScale {
    pub nodes: u64,
    /// Meshed namespaces (per-namespace features multiply with these).
    pub namespaces: u64,
    /// Meshed pods (sidecars multiply with these).
    pub pods: u64,
    pub service_accounts: u64,
}

impl ProjectionScale {
    /// A scanned cluster's own scale.
    pub fn of(s: &Snapshot) -> Self {
        Self {
            nodes: s.scale.nodes,
            namespaces: s.scale.meshed_namespaces,
            pods: s.scale.meshed_pods,
            service_accounts: s.scale.service_accounts,
        }
    }
}

/// Components a step added, per catalog component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddedComponent {
    pub component: String,
    /// Workloads (one per namespace for per-namespace components).
    pub count: u64,
    pub instances: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddedProxy {
    pub implementation: String,
    pub placement: Placement,
    pub instances: u64,
}

/// What one step added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Added {
    pub components: Vec<AddedComponent>,
    pub proxies: Vec<AddedProxy>,
    pub crds: Vec<String>,
    pub webhooks: Vec<String>,
}

impl Added {
    pub(super) fn proxy(&mut self, implementation: &str, placement: Placement, n: u64) {
        match self
            .proxies
            .iter_mut()
            .find(|p| p.implementation == implementation && p.placement == placement)
        {
            Some(p) => p.instances = p.instances.saturating_add(n),
            None => self.proxies.push(AddedProxy {
                implementation: implementation.to_owned(),
                placement,
                instances: n,
            }),
        }
    }
}

/// A configuration kind a step asks engineers to learn and write, new to the cluster: no
/// earlier step asked for it and today's scan counted no object of it. Kinds only: a
/// projection never says how many objects engineers will write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LearnKind {
    pub group: String,
    pub kind: String,
    /// A kind tied to proxy internals that breaks across upgrades (the mesh catalog's list).
    pub fragile: bool,
}

/// One step: today (`feature: null`), or the surface after one more feature.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub feature: Option<String>,
    pub totals: Totals,
    pub delta: TotalsDelta,
    pub added: Added,
    /// `topology` when the step adds workloads or proxy types, else `configuration`.
    pub changes: ChangeKind,
    /// How the added workloads scale (`node`, `namespace`, `cluster`), for reading growth.
    pub scales_with: Vec<String>,
    /// Configuration kinds new to the cluster that this step asks engineers to learn and
    /// write (from the feature profiles; `compare`'s baseline lists the install's own).
    pub learn: Vec<LearnKind>,
    /// The surface after this step (kept for tests and the graph; not serialized).
    #[serde(skip)]
    pub snapshot: Snapshot,
    /// The bill after this step, when a price was given (`docs/cost.md`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<crate::cost::Cost>,
}

impl Step {
    pub(super) fn first(s: &Snapshot) -> Self {
        Self {
            feature: None,
            totals: s.totals,
            delta: TotalsDelta::default(),
            added: Added::default(),
            changes: ChangeKind::Configuration,
            scales_with: Vec::new(),
            learn: Vec::new(),
            snapshot: s.clone(),
            cost: None,
        }
    }

    pub(super) fn after(feature: String, before: Totals, s: &Snapshot, added: Added) -> Self {
        let delta = s.totals.delta(&before);
        let topology = delta.components > 0 || delta.proxy_types > 0;
        let mut scales: Vec<String> = added
            .components
            .iter()
            .filter_map(|a| s.components.iter().find(|c| c.component == a.component))
            .map(|c| c.scales_with.as_str().to_owned())
            .collect();
        scales.sort();
        scales.dedup();
        Self {
            feature: Some(feature),
            totals: s.totals,
            delta,
            added,
            changes: if topology {
                ChangeKind::Topology
            } else {
                ChangeKind::Configuration
            },
            scales_with: scales,
            learn: Vec::new(),
            snapshot: s.clone(),
            cost: None,
        }
    }
}

/// One point of a growth curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SweepPoint {
    pub scale: ProjectionScale,
    pub totals: Totals,
}

/// `plan -o json`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    #[schemars(extend("const" = "meshsurface/plan/v1"))]
    pub schema_version: &'static str,
    pub mesh: String,
    pub profile: String,
    pub scale: ProjectionScale,
    pub steps: Vec<Step>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sweep: Vec<SweepPoint>,
}

impl Plan {
    pub(super) fn new(
        mesh: String,
        profile: String,
        scale: ProjectionScale,
        steps: Vec<Step>,
    ) -> Self {
        Self {
            schema_version: "meshsurface/plan/v1",
            mesh,
            profile,
            scale,
            steps,
            sweep: Vec::new(),
        }
    }
}

/// One mesh/mode column of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Column {
    pub profile: String,
    pub mesh: String,
    pub mode: Mode,
    /// The baseline is the scanned cluster's own surface (`--from`), not the catalog's.
    pub calibrated: bool,
    /// Features asked for that this mesh does not offer.
    pub not_offered: Vec<String>,
    pub steps: Vec<Step>,
}

/// `compare -o json`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComparePlan {
    #[schemars(extend("const" = "meshsurface/compare/v1"))]
    pub schema_version: &'static str,
    pub scale: ProjectionScale,
    pub columns: Vec<Column>,
}

impl ComparePlan {
    pub(super) fn new(scale: ProjectionScale, columns: Vec<Column>) -> Self {
        Self {
            schema_version: "meshsurface/compare/v1",
            scale,
            columns,
        }
    }
}
