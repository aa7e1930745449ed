//! The objects of a diff that came (`+`), went (`-`) or changed (`~`): meshes, components,
//! proxy types, CRDs, webhook configurations, upgrade steps and hazards. Each section lists the
//! added, then the removed, then the changed objects.

use crate::diff::{Change, Diff};
use crate::render::fit::Shrink;
use crate::render::section::Section;
use crate::render::words::{opt, ARROW};

use super::versions::version_list;

/// The added objects marked `+`, then the removed ones marked `-`.
fn added_removed<'a, T>(added: &'a [T], removed: &'a [T]) -> impl Iterator<Item = (String, &'a T)> {
    added
        .iter()
        .map(|x| ("+".to_owned(), x))
        .chain(removed.iter().map(|x| ("-".to_owned(), x)))
}

/// A value that changed, `before → after`; nothing when it did not.
fn moved<T: ToString>(c: Option<&Change<T>>) -> String {
    c.map(|c| format!("{}{ARROW}{}", c.before.to_string(), c.after.to_string()))
        .unwrap_or_default()
}

pub(super) fn meshes(d: &Diff) -> Option<Section> {
    if d.meshes.is_empty() {
        return None;
    }
    let mut sec = Section::new(1, "Meshes", vec!["", "MESH", "MODE", "VERSIONS"])
        .signed()
        .shrink("VERSIONS", Shrink::List);
    for (s, m) in added_removed(&d.meshes.added, &d.meshes.removed) {
        sec.rows.push(vec![
            s,
            m.name.clone(),
            m.mode.clone(),
            m.versions.join(", "),
        ]);
    }
    for m in &d.meshes.changed {
        sec.rows.push(vec![
            "~".to_owned(),
            m.name.clone(),
            moved(Some(&m.mode)),
            String::new(),
        ]);
    }
    Some(sec)
}

pub(super) fn components(d: &Diff) -> Option<Section> {
    if d.components.is_empty() {
        return None;
    }
    let mut sec = Section::new(
        1,
        "Components",
        vec![
            "",
            "MESH",
            "COMPONENT",
            "KIND",
            "NAMESPACE",
            "NAME",
            "REPLICAS",
            "PODS",
            "VERSION",
        ],
    )
    .signed()
    .optional(&["KIND", "MESH", "REPLICAS"]);
    for (s, c) in added_removed(&d.components.added, &d.components.removed) {
        sec.rows.push(vec![
            s,
            c.mesh.clone(),
            c.component.clone(),
            c.kind.as_str().to_owned(),
            c.namespace.clone(),
            c.name.clone(),
            c.replicas.to_string(),
            c.instances.to_string(),
            opt(c.version.as_ref()),
        ]);
    }
    for c in &d.components.changed {
        let version = c.version.as_ref().map(|v| Change {
            before: opt(v.before.as_ref()),
            after: opt(v.after.as_ref()),
        });
        sec.rows.push(vec![
            "~".to_owned(),
            c.mesh.clone(),
            c.component.clone(),
            c.kind.as_str().to_owned(),
            c.namespace.clone(),
            c.name.clone(),
            moved(c.replicas.as_ref()),
            moved(c.instances.as_ref()),
            moved(version.as_ref()),
        ]);
    }
    Some(sec)
}

pub(super) fn proxy_types(d: &Diff) -> Option<Section> {
    if d.proxy_types.is_empty() {
        return None;
    }
    let mut sec = Section::new(
        1,
        "Proxy types",
        vec![
            "",
            "MESH",
            "IMPLEMENTATION",
            "PLACEMENT",
            "INSTANCES",
            "VERSIONS",
        ],
    )
    .signed()
    .optional(&["MESH", "PLACEMENT"])
    .shrink("VERSIONS", Shrink::List);
    for (s, p) in added_removed(&d.proxy_types.added, &d.proxy_types.removed) {
        sec.rows.push(vec![
            s,
            p.mesh.clone(),
            p.implementation.clone(),
            p.placement.to_string(),
            p.instances.to_string(),
            version_list(&p.versions),
        ]);
    }
    for p in &d.proxy_types.changed {
        let versions = p
            .versions
            .iter()
            .map(|v| {
                format!(
                    "{}: {}{ARROW}{}",
                    opt(v.version.as_ref()),
                    v.before,
                    v.after
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        sec.rows.push(vec![
            "~".to_owned(),
            p.mesh.clone(),
            p.implementation.clone(),
            p.placement.to_string(),
            moved(Some(&p.instances)),
            versions,
        ]);
    }
    Some(sec)
}

pub(super) fn crds(d: &Diff) -> Option<Section> {
    if d.crds.is_empty() {
        return None;
    }
    let mut sec = Section::new(1, "CRDs", vec!["", "MESH", "NAME", "GROUP", "VERSIONS"])
        .signed()
        .optional(&["MESH", "GROUP"])
        .shrink("VERSIONS", Shrink::List);
    for (s, c) in added_removed(&d.crds.added, &d.crds.removed) {
        sec.rows.push(vec![
            s,
            c.mesh.clone(),
            c.name.clone(),
            c.group.clone(),
            c.versions.join(", "),
        ]);
    }
    for c in &d.crds.changed {
        let versions: Vec<String> = c
            .versions_added
            .iter()
            .map(|v| format!("+{v}"))
            .chain(c.versions_removed.iter().map(|v| format!("-{v}")))
            .collect();
        sec.rows.push(vec![
            "~".to_owned(),
            c.mesh.clone(),
            c.name.clone(),
            c.group.clone(),
            versions.join(", "),
        ]);
    }
    Some(sec)
}

pub(super) fn webhooks(d: &Diff) -> Option<Section> {
    if d.webhooks.is_empty() {
        return None;
    }
    let mut sec = Section::new(
        1,
        "Webhooks",
        vec!["", "MESH", "KIND", "NAME", "FAILURE POLICY", "WEBHOOKS"],
    )
    .signed()
    .optional(&["MESH"]);
    for (s, w) in added_removed(&d.webhooks.added, &d.webhooks.removed) {
        sec.rows.push(vec![
            s,
            w.mesh.clone(),
            w.kind.clone(),
            w.name.clone(),
            w.failure_policy.clone(),
            w.webhooks.to_string(),
        ]);
    }
    for w in &d.webhooks.changed {
        sec.rows.push(vec![
            "~".to_owned(),
            w.mesh.clone(),
            w.kind.clone(),
            w.name.clone(),
            moved(w.failure_policy.as_ref()),
            moved(w.webhooks.as_ref()),
        ]);
    }
    Some(sec)
}

/// Runbook steps that came, went or changed; a changed step shows the targets that came
/// and went (`+a, -b`), not both whole lists.
pub(super) fn upgrade_steps(d: &Diff) -> Option<Section> {
    if d.upgrade_steps.is_empty() {
        return None;
    }
    let mut sec = Section::new(
        1,
        "Upgrade steps",
        vec!["", "STEP", "TITLE", "TARGETS", "RESTARTS"],
    )
    .signed()
    .shrink("TITLE", Shrink::Text)
    .shrink("TARGETS", Shrink::List);
    for (s, u) in added_removed(&d.upgrade_steps.added, &d.upgrade_steps.removed) {
        sec.rows.push(vec![
            s,
            u.step.to_string(),
            u.title.clone(),
            u.targets.join(", "),
            u.restarts.to_string(),
        ]);
    }
    for u in &d.upgrade_steps.changed {
        let targets = u.targets.as_ref().map_or_else(String::new, |t| {
            t.after
                .iter()
                .filter(|x| !t.before.contains(x))
                .map(|x| format!("+{x}"))
                .chain(
                    t.before
                        .iter()
                        .filter(|x| !t.after.contains(x))
                        .map(|x| format!("-{x}")),
                )
                .collect::<Vec<_>>()
                .join(", ")
        });
        sec.rows.push(vec![
            "~".to_owned(),
            u.step
                .as_ref()
                .map_or_else(|| u.at.to_string(), |c| moved(Some(c))),
            u.title.clone(),
            targets,
            u.restarts
                .as_ref()
                .map_or_else(|| u.restarts_now.to_string(), |c| moved(Some(c))),
        ]);
    }
    Some(sec)
}

/// Configuration objects gained or lost per kind (`+` a kind now in use, `-` a kind no
/// longer in use, `~` a count that moved).
pub(super) fn config(d: &Diff) -> Option<Section> {
    if d.config.is_empty() {
        return None;
    }
    let mut sec = Section::new(
        1,
        "Configuration",
        vec![
            "", "MESH", "KIND", "GROUP", "BEFORE", "AFTER", "CHANGE", "FRAGILE",
        ],
    )
    .signed()
    .optional(&["GROUP", "MESH"]);
    let count = |n: Option<u64>| n.map_or_else(|| "unknown".to_owned(), |n| n.to_string());
    for c in &d.config {
        let sign = match (c.before, c.after) {
            (Some(0), _) => "+",
            (_, Some(0)) => "-",
            _ => "~",
        };
        let change = match (c.before, c.after) {
            (Some(b), Some(a)) => crate::render::words::signed(
                crate::surface::as_i64(a).saturating_sub(crate::surface::as_i64(b)),
                |n| n.to_string(),
            ),
            _ => "unknown".to_owned(),
        };
        sec.rows.push(vec![
            sign.to_owned(),
            c.mesh.clone(),
            c.kind.clone(),
            c.group.clone(),
            count(c.before),
            count(c.after),
            change,
            if c.fragile {
                "fragile".to_owned()
            } else {
                String::new()
            },
        ]);
    }
    Some(sec)
}

/// Hazards introduced (`+`) and resolved (`-`), matched by code and mesh.
pub(super) fn hazards(d: &Diff) -> Option<Section> {
    if d.hazards.is_empty() {
        return None;
    }
    let mut sec = Section::new(
        1,
        "Hazards",
        vec!["", "SEVERITY", "CODE", "MESH", "COUNT", "MESSAGE"],
    )
    .signed()
    .optional(&["MESH"])
    .shrink("MESSAGE", Shrink::Text);
    for (s, h) in added_removed(&d.hazards.added, &d.hazards.removed) {
        sec.rows.push(vec![
            s,
            h.severity.as_str().to_owned(),
            h.code.as_str().to_owned(),
            h.mesh.clone(),
            h.count.to_string(),
            h.message.clone(),
        ]);
    }
    Some(sec)
}
