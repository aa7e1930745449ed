//! Before/after: what an operating surface gained and lost between two snapshots.
//!
//! A pure function of two [`Snapshot`]s (no cluster, no text: [`crate::render`] draws it),
//! so `diff` works the same on saved files and, later, on a live scan. Objects are matched
//! by identity, never by position: a component is the same when mesh, kind, namespace and
//! name match (a rename is a removal plus an addition), a proxy type when mesh,
//! implementation and placement match, a CRD by name, a webhook configuration by kind and
//! name, an upgrade step by title, a hazard by code and mesh. The diff of a snapshot with itself is empty.
//!
//! The matching of each section is here; `model` holds the JSON shape, `versions` the
//! version moves and skew, `causes` where the growth came from.

mod causes;
mod model;
mod versions;

pub use model::*;

pub use causes::{Attribution, Cause, ComponentKind, GrowthCauses};
pub use versions::skew_of;
pub use versions::{
    ComponentMove, ComponentSkew, ControlPlaneMove, ProxyMove, ProxySkew, Skew, Versions,
};

use crate::arith::SatSum;
use std::collections::{BTreeMap, BTreeSet};

use crate::surface::{
    as_i64, Component, CrdEntry, Placement, Proxy, Snapshot, Totals, UpgradeStep, WebhookEntry,
};

fn change<T: PartialEq + Clone>(before: &T, after: &T) -> Option<Change<T>> {
    (before != after).then(|| Change {
        before: before.clone(),
        after: after.clone(),
    })
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
    let mut totals = Figures::of(before.totals.figures(), after.totals.figures());
    if !(before.totals.config_known() && after.totals.config_known()) {
        // Configuration counted on one side only (or neither) cannot be compared: an
        // unknown count is not 0.
        totals
            .0
            .retain(|(name, _)| !Totals::CONFIG_OBJECT_FIELDS.contains(name));
    }
    let versions = versions::versions(before, after);
    let config = config(before, after);
    let hazards = HazardChanges::between(&before.hazards, &after.hazards);
    let changed = !(meshes.is_empty()
        && config.is_empty()
        && hazards.is_empty()
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
        config,
        hazards,
        cost: before
            .cost
            .as_ref()
            .zip(after.cost.as_ref())
            .and_then(|(b, a)| crate::cost::delta::between(b, a)),
    };
    d.growth = causes::growth(before, after, &d);
    d
}

/// Configuration kinds whose object count differs, when both snapshots counted
/// configuration (sorted as the snapshots list them: by mesh, group, kind).
fn config(before: &Snapshot, after: &Snapshot) -> Vec<ConfigChange> {
    if !(before.totals.config_known() && after.totals.config_known()) {
        return Vec::new();
    }
    let mut kinds: std::collections::BTreeMap<(&str, &str, &str), ConfigChange> =
        std::collections::BTreeMap::new();
    for (side, snap) in [(0, before), (1, after)] {
        for c in &snap.config {
            let e = kinds
                .entry((c.mesh.as_str(), c.group.as_str(), c.kind.as_str()))
                .or_insert_with(|| ConfigChange {
                    mesh: c.mesh.clone(),
                    group: c.group.clone(),
                    kind: c.kind.clone(),
                    fragile: c.fragile,
                    before: Some(0),
                    after: Some(0),
                });
            if side == 0 {
                e.before = c.objects;
            } else {
                e.after = c.objects;
            }
        }
    }
    kinds
        .into_values()
        .filter(|c| c.before != c.after)
        .collect()
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
