//! Version moves in a diff (control planes, components and proxies that changed version)
//! and the version skew behind each control plane, before and after.

use std::collections::BTreeSet;

use crate::diff::{Diff, Skew, VersionCount};
use crate::render::fit::Shrink;
use crate::render::section::Section;
use crate::render::words::{opt, ARROW};

/// Versions with their instances: `1.25.4 ×5, 1.26.3 ×5`.
pub(super) fn version_list(vs: &[VersionCount]) -> String {
    vs.iter()
        .map(|v| format!("{} ×{}", opt(v.version.as_ref()), v.instances))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A change of control-plane versions in words: `1.24.2 → 1.26.3` for a move, `1.23.4
/// added beside 1.24.2` when a revision came up, `1.23.4 removed, 1.24.2 stays` when one went.
fn control_plane_change(before: &[String], after: &[String]) -> String {
    let added: Vec<&str> = after
        .iter()
        .filter(|v| !before.contains(v))
        .map(String::as_str)
        .collect();
    let removed: Vec<&str> = before
        .iter()
        .filter(|v| !after.contains(v))
        .map(String::as_str)
        .collect();
    let kept: Vec<&str> = before
        .iter()
        .filter(|v| after.contains(v))
        .map(String::as_str)
        .collect();
    let list = |v: &[&str]| v.join(", ");
    let mut parts = Vec::new();
    if kept.is_empty() {
        parts.push(format!("{}{ARROW}{}", list(&removed), list(&added)));
    } else {
        if !added.is_empty() {
            parts.push(format!("{} added beside {}", list(&added), list(&kept)));
        }
        if !removed.is_empty() {
            parts.push(format!("{} removed, {} stays", list(&removed), list(&kept)));
        }
    }
    parts.join("; ")
}

/// Control planes, components and proxies whose version moved.
pub(super) fn moves(d: &Diff) -> Option<Section> {
    let v = &d.versions;
    if v.control_planes.is_empty() && v.components.is_empty() && v.proxies.is_empty() {
        return None;
    }
    let mut sec = Section::new(
        1,
        "Version moves",
        vec!["", "MESH", "WHAT", "NAME", "BEFORE", "AFTER"],
    )
    .signed()
    .optional(&["MESH"])
    .shrink("BEFORE", Shrink::List)
    .shrink("AFTER", Shrink::Text);
    for m in &v.control_planes {
        sec.rows.push(vec![
            "~".to_owned(),
            m.mesh.clone(),
            "control plane".to_owned(),
            String::new(),
            m.before.join(", "),
            control_plane_change(&m.before, &m.after),
        ]);
    }
    for m in &v.components {
        sec.rows.push(vec![
            "~".to_owned(),
            m.mesh.clone(),
            format!("component {}", m.component),
            format!("{}/{}", m.namespace, m.name),
            opt(m.before.as_ref()),
            opt(m.after.as_ref()),
        ]);
    }
    for m in &v.proxies {
        sec.rows.push(vec![
            "~".to_owned(),
            m.mesh.clone(),
            "proxy".to_owned(),
            format!("{}/{}", m.implementation, m.placement),
            version_list(&m.before),
            version_list(&m.after),
        ]);
    }
    Some(sec)
}

/// What runs behind its control plane's version, when that changed: `+` new in after, `-`
/// gone since before, blank where it remains.
pub(super) fn skew(d: &Diff) -> Option<Section> {
    let v = &d.versions;
    if v.skew_before == v.skew_after {
        return None;
    }
    let mut sec = Section::new(
        1,
        "Version skew (behind the control plane)",
        vec![
            "",
            "MESH",
            "CONTROL PLANE",
            "WHAT",
            "NAME",
            "VERSION",
            "INSTANCES",
        ],
    )
    .signed()
    .optional(&["MESH", "CONTROL PLANE"]);
    let (before, after) = (skew_rows(&v.skew_before), skew_rows(&v.skew_after));
    // Same object behind on the same version: remains (the instance count may differ).
    let key = |r: &Vec<String>| (r[0].clone(), r[2].clone(), r[3].clone(), r[4].clone());
    let kb: BTreeSet<_> = before.iter().map(key).collect();
    let ka: BTreeSet<_> = after.iter().map(key).collect();
    for r in &after {
        let s = if kb.contains(&key(r)) { "" } else { "+" };
        let mut row = vec![s.to_owned()];
        row.extend(r.iter().cloned());
        sec.rows.push(row);
    }
    for r in before.iter().filter(|r| !ka.contains(&key(r))) {
        let mut row = vec!["-".to_owned()];
        row.extend(r.iter().cloned());
        sec.rows.push(row);
    }
    if sec.rows.is_empty() {
        sec.note = Some("None.".to_owned());
    }
    Some(sec)
}

/// One skew's rows, without the sign column.
fn skew_rows(s: &Skew) -> Vec<Vec<String>> {
    s.components
        .iter()
        .map(|c| {
            vec![
                c.mesh.clone(),
                c.control_plane_version.clone(),
                format!("component {}", c.component),
                format!("{}/{}", c.namespace, c.name),
                c.version.clone(),
                c.instances.to_string(),
            ]
        })
        .chain(s.proxies.iter().map(|p| {
            vec![
                p.mesh.clone(),
                p.control_plane_version.clone(),
                "proxy".to_owned(),
                format!("{}/{}", p.implementation, p.placement),
                p.version.clone(),
                p.instances.to_string(),
            ]
        }))
        .collect()
}
