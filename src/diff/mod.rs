//! Before/after: what an operating surface gained and lost between two snapshots.
//!
//! A pure function of two [`Snapshot`]s (no cluster, no text: [`crate::render`] draws it),
//! so `diff` works the same on saved files and, later, on a live scan. Objects are matched
//! by identity, never by position: a component is the same when mesh, kind, namespace and
//! name match (a rename is a removal plus an addition), a proxy type when mesh,
//! implementation and placement match, a CRD by name, a webhook configuration by kind and
//! name, an upgrade step by title. The diff of a snapshot with itself is empty.

mod versions;

pub use versions::skew_of;
pub use versions::{
    Attribution, Cause, ComponentKind, ComponentMove, ComponentSkew, ControlPlaneMove,
    GrowthCauses, ProxyMove, ProxySkew, Skew, Versions,
};

use crate::arith::SatSum;
use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::surface::{
    as_i64, Component, CrdEntry, Placement, Proxy, Snapshot, Source, UpgradeStep, WebhookEntry,
    WorkloadKind,
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

fn change<T: PartialEq + Clone>(before: &T, after: &T) -> Option<Change<T>> {
    (before != after).then(|| Change {
        before: before.clone(),
        after: after.clone(),
    })
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
        #[allow(clippy::cast_precision_loss)] // a percentage to one decimal
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
    fn of<const N: usize>(
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

/// Matches two lists by key: (only before, in both, only after), each in key order.
fn pair<'a, T, K: Ord>(
    before: &'a [T],
    after: &'a [T],
    key: impl Fn(&T) -> K,
) -> (Vec<&'a T>, Vec<(&'a T, &'a T)>, Vec<&'a T>) {
    let b: BTreeMap<K, &T> = before.iter().map(|x| (key(x), x)).collect();
    let a: BTreeMap<K, &T> = after.iter().map(|x| (key(x), x)).collect();
    let removed = b
        .iter()
        .filter(|(k, _)| !a.contains_key(k))
        .map(|(_, x)| *x)
        .collect();
    let both = b
        .iter()
        .filter_map(|(k, x)| a.get(k).map(|y| (*x, *y)))
        .collect();
    let added = a
        .iter()
        .filter(|(k, _)| !b.contains_key(k))
        .map(|(_, x)| *x)
        .collect();
    (removed, both, added)
}

fn cloned<T: Clone>(v: Vec<&T>) -> Vec<T> {
    v.into_iter().cloned().collect()
}

/// The diff of two snapshots.
pub fn diff(before: &Snapshot, after: &Snapshot) -> Diff {
    let meshes = meshes(before, after);
    let components = components(&before.components, &after.components);
    let proxy_types = proxy_types(&before.proxies, &after.proxies);
    let footprint = footprint(&before.proxies, &after.proxies);
    let crds = crds(&before.crds, &after.crds);
    let webhooks = webhooks(&before.webhooks, &after.webhooks);
    let upgrade_steps = upgrade_steps(&before.upgrade_steps, &after.upgrade_steps);
    let scale = Figures::of(before.scale.figures(), after.scale.figures());
    let totals = Figures::of(before.totals.figures(), after.totals.figures());
    let versions = versions::versions(before, after);
    let changed = !(meshes.is_empty()
        && components.is_empty()
        && proxy_types.is_empty()
        && footprint.is_empty()
        && crds.is_empty()
        && webhooks.is_empty()
        && upgrade_steps.is_empty()
        && scale.unchanged()
        && totals.unchanged()
        && versions.is_empty());
    let mut d = Diff {
        schema_version: DIFF_SCHEMA_VERSION,
        before: Side {
            source: before.source.clone(),
            complete: before.complete,
        },
        after: Side {
            source: after.source.clone(),
            complete: after.complete,
        },
        complete: before.complete && after.complete,
        changed,
        scale,
        totals,
        growth: GrowthCauses::empty(),
        meshes,
        components,
        proxy_types,
        footprint,
        versions,
        crds,
        webhooks,
        upgrade_steps,
    };
    d.growth = versions::growth(before, after, &d);
    d
}

/// A mesh's control-plane versions: `versions[]` when several revisions run, else `version`.
pub(crate) fn cp_versions(m: &crate::surface::Mesh) -> Vec<String> {
    if m.versions.is_empty() {
        m.version.iter().cloned().collect()
    } else {
        m.versions.clone()
    }
}

fn meshes(before: &Snapshot, after: &Snapshot) -> Changes<MeshRef, MeshChange> {
    let r = |m: &crate::surface::Mesh| MeshRef {
        name: m.name.clone(),
        mode: m.mode.clone(),
        versions: cp_versions(m),
    };
    let (removed, both, added) = pair(&before.meshes, &after.meshes, |m| m.name.clone());
    Changes {
        added: added.into_iter().map(r).collect(),
        removed: removed.into_iter().map(r).collect(),
        changed: both
            .into_iter()
            .filter_map(|(b, a)| {
                change(&b.mode, &a.mode).map(|mode| MeshChange {
                    name: a.name.clone(),
                    mode,
                })
            })
            .collect(),
    }
}

pub(crate) fn component_key(c: &Component) -> (String, String, String, String) {
    (
        c.mesh.clone(),
        c.kind.as_str().to_owned(),
        c.namespace.clone(),
        c.name.clone(),
    )
}

fn components(before: &[Component], after: &[Component]) -> Changes<Component, ComponentChange> {
    let (removed, both, added) = pair(before, after, component_key);
    let changed = both
        .into_iter()
        .filter_map(|(b, a)| {
            let c = ComponentChange {
                mesh: a.mesh.clone(),
                component: a.component.clone(),
                kind: a.kind,
                namespace: a.namespace.clone(),
                name: a.name.clone(),
                replicas: change(&b.replicas, &a.replicas),
                instances: change(&b.instances, &a.instances),
                version: change(&b.version, &a.version),
            };
            (c.replicas.is_some() || c.instances.is_some() || c.version.is_some()).then_some(c)
        })
        .collect();
    Changes {
        added: cloned(added),
        removed: cloned(removed),
        changed,
    }
}

type TypeKey = (String, String, Placement);

/// Proxies grouped per type (mesh, implementation, placement), each with its versions.
pub(crate) fn by_type(proxies: &[Proxy]) -> BTreeMap<TypeKey, Vec<&Proxy>> {
    let mut m: BTreeMap<TypeKey, Vec<&Proxy>> = BTreeMap::new();
    for p in proxies {
        m.entry((p.mesh.clone(), p.implementation.clone(), p.placement))
            .or_default()
            .push(p);
    }
    m
}

fn instances_of(ps: &[&Proxy]) -> u64 {
    ps.iter().map(|p| p.instances).sat_sum()
}

fn proxy_type(key: &TypeKey, ps: &[&Proxy]) -> ProxyType {
    ProxyType {
        mesh: key.0.clone(),
        implementation: key.1.clone(),
        placement: key.2,
        instances: instances_of(ps),
        versions: version_counts(ps),
        cpu_request_millicores: ps.iter().map(|p| p.cpu_request_millicores).sat_sum(),
        memory_request_bytes: ps.iter().map(|p| p.memory_request_bytes).sat_sum(),
    }
}

pub(crate) fn version_counts(ps: &[&Proxy]) -> Vec<VersionCount> {
    let mut m: BTreeMap<Option<String>, u64> = BTreeMap::new();
    for p in ps {
        let n = m.entry(p.version.clone()).or_default();
        *n = n.saturating_add(p.instances);
    }
    m.into_iter()
        .map(|(version, instances)| VersionCount { version, instances })
        .collect()
}

fn proxy_types(before: &[Proxy], after: &[Proxy]) -> Changes<ProxyType, ProxyTypeChange> {
    let b = by_type(before);
    let a = by_type(after);
    let mut out = Changes {
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
    };
    for (k, ps) in &b {
        if !a.contains_key(k) {
            out.removed.push(proxy_type(k, ps));
        }
    }
    for (k, ps) in &a {
        let Some(old) = b.get(k) else {
            out.added.push(proxy_type(k, ps));
            continue;
        };
        let count = |list: &[VersionCount], v: &Option<String>| {
            list.iter()
                .find(|c| &c.version == v)
                .map_or(0, |c| c.instances)
        };
        let (vb, va) = (version_counts(old), version_counts(ps));
        let all: BTreeSet<Option<String>> =
            vb.iter().chain(&va).map(|c| c.version.clone()).collect();
        let versions: Vec<VersionInstances> = all
            .into_iter()
            .map(|v| VersionInstances {
                before: count(&vb, &v),
                after: count(&va, &v),
                version: v,
            })
            .filter(|v| v.before != v.after)
            .collect();
        if !versions.is_empty() {
            out.changed.push(ProxyTypeChange {
                mesh: k.0.clone(),
                implementation: k.1.clone(),
                placement: k.2,
                instances: Change {
                    before: instances_of(old),
                    after: instances_of(ps),
                },
                versions,
            });
        }
    }
    out
}

fn footprint(before: &[Proxy], after: &[Proxy]) -> Vec<FootprintChange> {
    let b = by_type(before);
    let a = by_type(after);
    let keys: BTreeSet<&TypeKey> = b.keys().chain(a.keys()).collect();
    let sum = |ps: Option<&Vec<&Proxy>>, f: fn(&Proxy) -> i64| -> i64 {
        ps.map_or(0, |ps| ps.iter().map(|p| f(p)).sat_sum())
    };
    let fig = |k: &TypeKey, f: fn(&Proxy) -> i64| Figure::new(sum(b.get(k), f), sum(a.get(k), f));
    keys.into_iter()
        .map(|k| FootprintChange {
            mesh: k.0.clone(),
            implementation: k.1.clone(),
            placement: k.2,
            instances: fig(k, |p| as_i64(p.instances)),
            cpu_request_millicores: fig(k, |p| p.cpu_request_millicores),
            memory_request_bytes: fig(k, |p| p.memory_request_bytes),
            cpu_limit_millicores: fig(k, |p| p.cpu_limit_millicores),
            memory_limit_bytes: fig(k, |p| p.memory_limit_bytes),
        })
        .filter(|f| {
            [
                f.instances,
                f.cpu_request_millicores,
                f.memory_request_bytes,
                f.cpu_limit_millicores,
                f.memory_limit_bytes,
            ]
            .iter()
            .any(|x| x.delta != 0)
        })
        .collect()
}

fn crds(before: &[CrdEntry], after: &[CrdEntry]) -> Changes<CrdEntry, CrdChange> {
    let (removed, both, added) = pair(before, after, |c| c.name.clone());
    let changed = both
        .into_iter()
        .filter_map(|(b, a)| {
            let vb: BTreeSet<&String> = b.versions.iter().collect();
            let va: BTreeSet<&String> = a.versions.iter().collect();
            (vb != va).then(|| CrdChange {
                mesh: a.mesh.clone(),
                name: a.name.clone(),
                group: a.group.clone(),
                versions_added: va.difference(&vb).map(|s| (*s).clone()).collect(),
                versions_removed: vb.difference(&va).map(|s| (*s).clone()).collect(),
            })
        })
        .collect();
    let order = |c: &CrdEntry| (c.mesh.clone(), c.group.clone(), c.name.clone());
    let mut added = cloned(added);
    let mut removed = cloned(removed);
    added.sort_by_key(order);
    removed.sort_by_key(order);
    Changes {
        added,
        removed,
        changed,
    }
}

fn webhook_ref(w: &WebhookEntry) -> WebhookRef {
    WebhookRef {
        mesh: w.mesh.clone(),
        kind: w.kind.clone(),
        name: w.name.clone(),
        failure_policy: w.failure_policy.clone(),
        webhooks: w.webhooks.len() as u64,
    }
}

fn webhooks(before: &[WebhookEntry], after: &[WebhookEntry]) -> Changes<WebhookRef, WebhookChange> {
    let (removed, both, added) = pair(before, after, |w| (w.kind.clone(), w.name.clone()));
    let changed = both
        .into_iter()
        .filter_map(|(b, a)| {
            let c = WebhookChange {
                mesh: a.mesh.clone(),
                kind: a.kind.clone(),
                name: a.name.clone(),
                failure_policy: change(&b.failure_policy, &a.failure_policy),
                webhooks: change(&(b.webhooks.len() as u64), &(a.webhooks.len() as u64)),
            };
            (c.failure_policy.is_some() || c.webhooks.is_some()).then_some(c)
        })
        .collect();
    Changes {
        added: added.into_iter().map(webhook_ref).collect(),
        removed: removed.into_iter().map(webhook_ref).collect(),
        changed,
    }
}

fn upgrade_steps(
    before: &[UpgradeStep],
    after: &[UpgradeStep],
) -> Changes<UpgradeStep, UpgradeStepChange> {
    let (removed, both, added) = pair(before, after, |s| s.title.clone());
    let changed = both
        .into_iter()
        .filter_map(|(b, a)| {
            let c = UpgradeStepChange {
                title: a.title.clone(),
                step: change(&b.step, &a.step),
                targets: change(&b.targets, &a.targets),
                restarts: change(&b.restarts, &a.restarts),
                at: a.step,
                restarts_now: a.restarts,
            };
            (c.step.is_some() || c.targets.is_some() || c.restarts.is_some()).then_some(c)
        })
        .collect();
    let mut added = cloned(added);
    let mut removed = cloned(removed);
    added.sort_by_key(|s| s.step);
    removed.sort_by_key(|s| s.step);
    Changes {
        added,
        removed,
        changed,
    }
}

#[cfg(test)]
mod tests;
