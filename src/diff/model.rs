//! The shape of `diff -o json` (`meshsurface/diff/v1`; its JSON Schema is
//! `docs/schema/diff.schema.json`, generated from these types): apart from the matching
//! in the parent so that the contract can be read in one place.

use schemars::JsonSchema;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{GrowthCauses, Versions};
use crate::surface::{
    as_i64, sort_hazards, Component, CrdEntry, Hazard, Placement, Source, UpgradeStep, WorkloadKind,
};
/// The schema version of `diff -o json`.
pub const DIFF_SCHEMA_VERSION: &str = "meshsurface/diff/v1";

/// Everything that differs between two snapshots (the `meshsurface/diff/v1` JSON).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Diff {
    #[schemars(extend("const" = DIFF_SCHEMA_VERSION))]
    pub schema_version: &'static str,
    pub before: Side,
    pub after: Side,
    /// Both snapshots complete: when false, the figures are lower bounds and budgets judged
    /// on them are not trusted.
    pub complete: bool,
    /// False when the two surfaces are the same (whatever their sources and times).
    pub changed: bool,
    /// The cluster's size, before and after: growth from more pods or nodes shows here.
    pub scale: Figures,
    /// Every headline figure, before and after.
    pub totals: Figures,
    /// Whether the growth came from scale (more of what was there) or from features.
    pub growth: GrowthCauses,
    pub meshes: Changes<MeshRef, MeshChange>,
    pub components: Changes<Component, ComponentChange>,
    pub proxy_types: Changes<ProxyType, ProxyTypeChange>,
    /// Requests and limits per proxy type that changed (added and removed types included).
    pub footprint: Vec<FootprintChange>,
    pub versions: Versions,
    pub crds: Changes<CrdEntry, CrdChange>,
    pub webhooks: Changes<WebhookRef, WebhookChange>,
    pub upgrade_steps: Changes<UpgradeStep, UpgradeStepChange>,
    /// Configuration objects gained or lost per kind (only when both snapshots counted
    /// them: an unknown count is not 0).
    #[serde(default)]
    pub config: Vec<ConfigChange>,
    /// Hazards introduced (`added`) and resolved (`removed`), matched by code and mesh.
    pub hazards: HazardChanges,
    /// The monthly bill before and after, when both were billed at the same price
    /// (`--price`; docs/cost.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<crate::cost::delta::CostChange>,
}

/// Hazards only after and only before (a hazard on both sides, whatever its count, is not
/// listed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HazardChanges {
    pub added: Vec<Hazard>,
    pub removed: Vec<Hazard>,
}

impl HazardChanges {
    /// The hazards only in `after` and only in `before`, by (code, mesh), most severe first.
    pub fn between(before: &[Hazard], after: &[Hazard]) -> Self {
        let only = |a: &[Hazard], b: &[Hazard]| {
            let mut v: Vec<Hazard> = a
                .iter()
                .filter(|h| !b.iter().any(|x| (x.code, &x.mesh) == (h.code, &h.mesh)))
                .cloned()
                .collect();
            sort_hazards(&mut v);
            v
        };
        Self {
            added: only(after, before),
            removed: only(before, after),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// One configuration kind whose object count differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigChange {
    pub mesh: String,
    pub group: String,
    pub kind: String,
    pub fragile: bool,
    /// Objects before and after (null: that side could not count this kind).
    pub before: Option<u64>,
    pub after: Option<u64>,
}

/// One input of the diff.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Side {
    pub source: Source,
    pub complete: bool,
}

/// Objects found only after, only before, and in both but different.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Changes<A, C> {
    pub added: Vec<A>,
    pub removed: Vec<A>,
    pub changed: Vec<C>,
}

impl<A, C> Changes<A, C> {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// A value before and after (present only where it differs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Change<T> {
    pub before: T,
    pub after: T,
}

/// A figure before and after, with the difference and the relative change.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, JsonSchema)]
pub struct Figure {
    pub before: i64,
    pub after: i64,
    pub delta: i64,
    /// `delta` as a percentage of `before`, to one decimal; null when `before` is 0.
    pub percent: Option<f64>,
}

impl Figure {
    pub fn new(before: i64, after: i64) -> Self {
        let delta = after.saturating_sub(before);
        #[expect(clippy::cast_precision_loss, reason = "a percentage to one decimal")]
        let percent = (before != 0).then(|| (delta as f64 * 1000.0 / before as f64).round() / 10.0);
        Self {
            before,
            after,
            delta,
            percent,
        }
    }

    pub fn counts(before: u64, after: u64) -> Self {
        Self::new(as_i64(before), as_i64(after))
    }
}

/// Named figures in a fixed order; serialized as one JSON object (`{"pods": {...}}`).
#[derive(Debug, Clone, PartialEq)]
pub struct Figures(pub Vec<(&'static str, Figure)>);

impl Figures {
    pub(super) fn of<const N: usize>(
        before: [(&'static str, i64); N],
        after: [(&'static str, i64); N],
    ) -> Self {
        Self(
            before
                .into_iter()
                .zip(after)
                .map(|((name, b), (_, a))| (name, Figure::new(b, a)))
                .collect(),
        )
    }

    /// One figure by its JSON name.
    pub fn get(&self, name: &str) -> Option<Figure> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }

    pub fn unchanged(&self) -> bool {
        self.0.iter().all(|(_, f)| f.delta == 0)
    }
}

impl Serialize for Figures {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, figure) in &self.0 {
            map.serialize_entry(name, figure)?;
        }
        map.end()
    }
}

/// The schema of [`Figures`]: an object of [`Figure`]s by name (`pods`, `proxyInstances`, ...).
impl JsonSchema for Figures {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Figures".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Named figures, each before and after: an object of Figure by name.",
            "type": "object",
            "additionalProperties": generator.subschema_for::<Figure>(),
        })
    }
}

/// A mesh that appeared or went away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeshRef {
    pub name: String,
    pub mode: String,
    /// Every control-plane version (one unless several revisions run).
    pub versions: Vec<String>,
}

/// A mesh found in both whose data-plane mode changed (version moves are in `versions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeshChange {
    pub name: String,
    pub mode: Change<String>,
}

/// A component (same mesh, kind, namespace and name) whose figures or version changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComponentChange {
    pub mesh: String,
    pub component: String,
    pub kind: WorkloadKind,
    pub namespace: String,
    pub name: String,
    pub replicas: Option<Change<u64>>,
    pub instances: Option<Change<u64>>,
    pub version: Option<Change<Option<String>>>,
}

/// A proxy type (mesh, implementation, placement) that appeared or went away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProxyType {
    pub mesh: String,
    pub implementation: String,
    pub placement: Placement,
    pub instances: u64,
    pub versions: Vec<VersionCount>,
    pub cpu_request_millicores: i64,
    pub memory_request_bytes: i64,
}

/// Instances of one proxy type at one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionCount {
    pub version: Option<String>,
    pub instances: u64,
}

/// A proxy type found in both whose instances changed, per version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProxyTypeChange {
    pub mesh: String,
    pub implementation: String,
    pub placement: Placement,
    pub instances: Change<u64>,
    /// Only the versions whose instance count changed (0 where a version is absent).
    pub versions: Vec<VersionInstances>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionInstances {
    pub version: Option<String>,
    pub before: u64,
    pub after: u64,
}

/// The footprint of one proxy type, before and after (0 where the type is absent).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FootprintChange {
    pub mesh: String,
    pub implementation: String,
    pub placement: Placement,
    pub instances: Figure,
    pub cpu_request_millicores: Figure,
    pub memory_request_bytes: Figure,
    pub cpu_limit_millicores: Figure,
    pub memory_limit_bytes: Figure,
}

/// A CRD found in both whose served versions changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CrdChange {
    pub mesh: String,
    pub name: String,
    pub group: String,
    pub versions_added: Vec<String>,
    pub versions_removed: Vec<String>,
}

/// A webhook configuration that appeared or went away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookRef {
    pub mesh: String,
    pub kind: String,
    pub name: String,
    pub failure_policy: String,
    pub webhooks: u64,
}

/// A webhook configuration found in both whose failure policy or webhook count changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookChange {
    pub mesh: String,
    pub kind: String,
    pub name: String,
    pub failure_policy: Option<Change<String>>,
    pub webhooks: Option<Change<u64>>,
}

/// An upgrade step (matched by title) whose place, targets or restarts changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeStepChange {
    pub title: String,
    pub step: Option<Change<u64>>,
    pub targets: Option<Change<Vec<String>>>,
    pub restarts: Option<Change<u64>>,
    /// The step's number after (for people, when `step` did not change; not in JSON).
    #[serde(skip)]
    pub at: u64,
    /// Its restarts after (likewise).
    #[serde(skip)]
    pub restarts_now: u64,
}
