//! The Configuration and Proxy overrides sections of `scan` output: the kinds a mesh's
//! engineers write (in use against installed, fragile ones marked) and the per-workload
//! proxy overrides. One place, so the table and Markdown show the same figures.

use std::fmt::Write as _;

use crate::render::fit::Shrink;
use crate::render::section::Section;
use crate::render::words::plural;
use crate::surface::{ConfigEntry, Snapshot, SHARED};

/// The mark a fragile kind carries in the FRAGILE column.
const FRAGILE: &str = "fragile";

/// The configuration of `mesh` (or of `shared`, the Gateway API kinds): the kinds in
/// use, and the installed kinds nobody uses as a note. `wide` adds objects per namespace.
pub(super) fn section(s: &Snapshot, mesh: &str, wide: bool) -> Section {
    let entries: Vec<&ConfigEntry> = s.config.iter().filter(|c| c.mesh == mesh).collect();
    let level = if mesh == SHARED { 1 } else { 2 };
    let name = if mesh == SHARED {
        "Shared configuration (Gateway API)"
    } else {
        "Configuration"
    };
    let known = entries.iter().any(|c| c.objects.is_some());
    if !known {
        let mut sec = Section::new(level, name, Vec::<String>::new());
        sec.note = Some(
            if entries.iter().any(|c| c.installed) && s.totals.config_known() {
                "Not counted: its lists could not be read (see the warnings).".to_owned()
            } else {
                "Not counted: the input holds no configuration objects (custom resources of the \
             mesh's API groups). A live scan counts them; offline, add them to the input \
             (kubectl get <kind> -A -o yaml)."
                    .to_owned()
            },
        );
        return sec;
    }
    let installed = entries.iter().filter(|c| c.installed).count();
    let in_use: Vec<&&ConfigEntry> = entries.iter().filter(|c| c.objects != Some(0)).collect();
    let objects: u64 = in_use
        .iter()
        .filter_map(|c| c.objects)
        .fold(0, u64::saturating_add);
    let fragile: u64 = in_use
        .iter()
        .filter(|c| c.fragile)
        .filter_map(|c| c.objects)
        .fold(0, u64::saturating_add);
    let used = in_use.iter().filter(|c| c.objects.is_some()).count();
    let mut title = format!(
        "{name}: {}; {used} of {} in use",
        plural(objects, "object"),
        plural(installed as u64, "kind")
    );
    if fragile > 0 {
        let _ = write!(title, "; {fragile} fragile");
    }
    let mut headers = vec!["KIND", "GROUP", "OBJECTS", "NAMESPACES", "FRAGILE"];
    if wide {
        headers.push("BY NAMESPACE");
    }
    let mut sec = Section::new(level, title, headers)
        .shrink("BY NAMESPACE", Shrink::List)
        .optional(&["GROUP"]);
    for c in &in_use {
        let mut row = vec![
            c.kind.clone(),
            c.group.clone(),
            c.objects
                .map_or_else(|| "unknown".to_owned(), |n| n.to_string()),
            c.namespaces.to_string(),
            if c.fragile {
                FRAGILE.to_owned()
            } else {
                String::new()
            },
        ];
        if wide {
            row.push(
                c.by_namespace
                    .iter()
                    .map(|(ns, n)| {
                        let ns = if ns.is_empty() {
                            "(cluster)"
                        } else {
                            ns.as_str()
                        };
                        format!("{ns} {n}")
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        sec.rows.push(row);
    }
    let unused: Vec<&str> = entries
        .iter()
        .filter(|c| c.objects == Some(0))
        .map(|c| c.kind.as_str())
        .collect();
    if !unused.is_empty() {
        sec.footer = Some(format!(
            "Installed, not in use (still upgraded with their CRDs): {}",
            unused.join(", ")
        ));
    }
    sec
}

/// The proxy-override annotations of `mesh`, when any workload carries one.
pub(super) fn overrides(s: &Snapshot, mesh: &str) -> Option<Section> {
    let mine: Vec<_> = s.overrides.iter().filter(|o| o.mesh == mesh).collect();
    if mine.is_empty() {
        return None;
    }
    let workloads = s
        .meshes
        .iter()
        .find(|m| m.name == mesh)
        .map_or(0, |m| m.totals.proxy_overrides);
    let mut sec = Section::new(
        2,
        format!(
            "Proxy overrides: {} with per-workload proxy settings",
            plural(workloads, "workload")
        ),
        vec!["ANNOTATION", "WORKLOADS", "PODS"],
    );
    for o in mine {
        sec.rows.push(vec![
            o.annotation.clone(),
            o.workloads.to_string(),
            o.pods.to_string(),
        ]);
    }
    Some(sec)
}
