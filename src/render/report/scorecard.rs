//! The top of the page and its end: what the report is of, the red banner of an incomplete
//! scan, the headline figures, the scorecard per mesh, and the provenance.
//!
//! Zeros are explained where they would mislead: a request of 0 is "not set", a
//! configuration count that is unknown is "not counted", never 0; usage is "not measured"
//! where no metrics were read.

use maud::{html, Markup};

use crate::growth::{Plan, Step};
use crate::render::words::{cpu, memory, origin, plural, request};
use crate::surface::{Mesh, Severity, Snapshot, SourceKind, Totals, Warning};

/// What the snapshot is of: `context prod-eu, taken 2026-11-23T00:00:00Z`.
pub fn subject(snap: &Snapshot) -> String {
    let (what, _) = origin(&snap.source, snap.complete);
    if snap.source.taken_at.is_empty() {
        return what;
    }
    format!("{what}, taken {}", snap.source.taken_at)
}

/// `live` or `offline`.
pub fn source_kind(snap: &Snapshot) -> &'static str {
    match snap.source.kind {
        SourceKind::Live => "live",
        SourceKind::Offline => "offline",
    }
}

/// The red banner of an incomplete scan, with what was skipped (its warnings); nothing for
/// a complete one.
pub fn incomplete(snap: &Snapshot) -> Markup {
    if snap.complete {
        return html! {};
    }
    html! {
        div.incomplete role="alert" {
            strong { "Incomplete scan: the figures below are a lower bound." }
            p { "Some resources could not be read. What was skipped:" }
            (warning_list(&snap.warnings))
        }
    }
}

/// The headline figures, each with a stable `data-figure` name (the browser test reads
/// them back).
/// The snapshot's warnings as a list: code, object, message, count (the incomplete banner
/// and the provenance section show the same list).
pub fn warning_list(warnings: &[Warning]) -> Markup {
    html! {
        ul {
            @for w in warnings {
                li {
                    code { (w.code.as_str()) } " "
                    @if let Some(r) = &w.resource { (r) ": " }
                    (w.message)
                    @if w.count > 1 { " (×" (w.count) ")" }
                }
            }
        }
    }
}

pub fn headline(snap: &Snapshot) -> Markup {
    let t = &snap.totals;
    let figures: [(&str, &str, String); 7] = [
        ("meshes", "Meshes", snap.meshes.len().to_string()),
        ("components", "Components", t.components.to_string()),
        ("proxies", "Proxy instances", t.proxy_instances.to_string()),
        ("proxyTypes", "Proxy types", t.proxy_types.to_string()),
        ("crds", "CRDs", t.crds.to_string()),
        ("webhooks", "Webhooks", t.webhooks.to_string()),
        ("hazards", "Hazards", snap.hazards.len().to_string()),
    ];
    html! {
        dl.headline {
            @for (key, name, value) in &figures {
                div { dt { (name) } dd data-figure=(key) { (value) } }
            }
        }
    }
}

/// One row of the scorecard: its name and each column's cell.
struct Row {
    name: &'static str,
    cells: Vec<String>,
}

/// One column of the scorecard: a mesh today, the planned mesh after the plan
/// (`projected`), or the cluster today (`mesh: None`).
struct Column<'a> {
    totals: &'a Totals,
    mesh: Option<&'a Mesh>,
    projected: bool,
}

/// The scorecard: one column per mesh and one for the cluster; with a growth plan
/// (`--enable`), the planned mesh's column after the plan's last step beside its column
/// of today.
pub fn scorecard(snap: &Snapshot, plan: Option<&Plan>) -> Markup {
    if snap.meshes.is_empty() {
        return html! { p { "No service mesh was found in this cluster: nothing to operate yet." } };
    }
    let after = plan.and_then(|p| Some((p, p.steps.last()?)));
    let mut columns = Vec::new();
    for m in &snap.meshes {
        columns.push(Column {
            totals: &m.totals,
            mesh: Some(m),
            projected: false,
        });
        if let Some((_, last)) = after.filter(|(p, _)| p.mesh == m.name) {
            columns.push(Column {
                totals: &last.totals,
                mesh: Some(m),
                projected: true,
            });
        }
    }
    columns.push(Column {
        totals: &snap.totals,
        mesh: None,
        projected: false,
    });
    let row = |name: &'static str, f: &dyn Fn(&Totals, Option<&Mesh>) -> String| Row {
        name,
        cells: columns.iter().map(|c| f(c.totals, c.mesh)).collect(),
    };
    // Measured, not projected: the plan's column says so instead of repeating today's.
    let measured = |name: &'static str, f: &dyn Fn(Option<&Mesh>) -> String| Row {
        name,
        cells: columns
            .iter()
            .map(|c| {
                if c.projected {
                    "not projected".to_owned()
                } else {
                    f(c.mesh)
                }
            })
            .collect(),
    };
    let rows = [
        row("Components (kinds)", &|t, _| {
            format!("{} ({})", t.components, plural(t.component_kinds, "kind"))
        }),
        row("Component pods", &|t, _| t.component_instances.to_string()),
        row("Proxy types", &|t, _| t.proxy_types.to_string()),
        row("Proxy instances", &|t, _| t.proxy_instances.to_string()),
        row("CRDs", &|t, _| t.crds.to_string()),
        row("Configuration kinds in use", &|t, _| {
            counted(t.config_kinds_in_use)
        }),
        row("Configuration objects (fragile)", &|t, _| match (
            t.config_objects,
            t.fragile_config_objects,
        ) {
            (Some(n), Some(f)) => format!("{n} ({f} fragile)"),
            (n, _) => counted(n),
        }),
        row("Webhooks", &|t, _| t.webhooks.to_string()),
        row("Upgrade steps", &|t, _| t.upgrade_steps.to_string()),
        row("CPU requests", &|t, _| {
            request(t.cpu_request_millicores, pods(t), cpu)
        }),
        row("Memory requests", &|t, _| {
            request(t.memory_request_bytes, pods(t), memory)
        }),
        measured("Proxy CPU / memory used", &|m| {
            usage(snap, m.map(|m| m.name.as_str()))
        }),
        measured("Hazards", &|m| hazards(snap, m.map(|m| m.name.as_str()))),
    ];
    html! {
        table.scorecard {
            (header(&columns, after))
            tbody {
                @for r in &rows {
                    tr {
                        th scope="row" { (r.name) }
                        @for (c, col) in r.cells.iter().zip(&columns) { td.n.projected[col.projected] { (c) } }
                    }
                }
            }
        }
        @if let Some((p, _)) = after {
            p.muted {
                "“after … (projected)”: the growth plan's last step for " (p.mesh)
                " (the Growth plan section below), from the catalog's feature profiles at this "
                "cluster's scale: a projection, not a measurement. Other meshes are not planned. "
            }
        }
        p.muted {
            "“not set”: these pods request no CPU or memory (counted as 0; they still use some). "
            "“not counted”: the input did not hold these objects, so the figure is unknown, not 0. "
            "“not measured”: no metrics were read (an offline input, or no metrics-server)."
        }
    }
}

/// The scorecard's header: each mesh's name, mode and versions; the planned mesh's
/// projected column says after which features.
fn header(columns: &[Column<'_>], after: Option<(&Plan, &Step)>) -> Markup {
    html! {
            thead {
                tr {
                    th { "Per mesh" }
                    @for c in columns {
                        @match (c.mesh, after) {
                            (Some(m), Some((p, _))) if c.projected => {
                                th.projected data-column="after" {
                                    (m.name) " after " (p.steps.iter().filter_map(|s| s.feature.as_deref()).collect::<Vec<_>>().join(", "))
                                    " (projected)"
                                }
                            }
                            (Some(m), _) => {
                                th {
                                    (m.name) " (" (m.mode)
                                    @if m.versions.len() > 1 { ", " (m.versions.join(" + ")) }
                                    @else if let Some(v) = &m.version { ", " (v) }
                                    ")"
                                    @if after.is_some_and(|(p, _)| p.mesh == m.name) { " today" }
                                }
                            }
                            (None, _) => { th { "Cluster" @if after.is_some() { " today" } } }
                        }
                    }
                }
            }
    }
}

/// The pods whose requests a set of totals sums.
fn pods(t: &Totals) -> u64 {
    crate::render::words::pods(t)
}

/// A configuration figure: the count, or `not counted`.
fn counted(n: Option<u64>) -> String {
    n.map_or_else(|| "not counted".to_owned(), |n| n.to_string())
}

/// Measured proxy usage of a mesh (all meshes with `None`), or `not measured`.
fn usage(snap: &Snapshot, mesh: Option<&str>) -> String {
    let mut cpu_used: Option<i64> = None;
    let mut mem_used: Option<i64> = None;
    let mut measured = 0u64;
    for p in snap
        .proxies
        .iter()
        .filter(|p| mesh.is_none_or(|m| p.mesh == m))
    {
        if let Some(c) = p.cpu_usage_millicores {
            cpu_used = Some(cpu_used.unwrap_or(0).saturating_add(c));
        }
        if let Some(b) = p.memory_usage_bytes {
            mem_used = Some(mem_used.unwrap_or(0).saturating_add(b));
        }
        measured = measured.saturating_add(p.usage_pods);
    }
    match (cpu_used, mem_used) {
        (None, None) => "not measured".to_owned(),
        (c, m) => format!(
            "{} / {} (over {})",
            c.map_or_else(|| "not measured".to_owned(), cpu),
            m.map_or_else(|| "not measured".to_owned(), memory),
            plural(measured, "pod")
        ),
    }
}

/// Hazards of a mesh (all with `None`) by severity, as words: `1 critical, 2 warning`.
fn hazards(snap: &Snapshot, mesh: Option<&str>) -> String {
    let of = |s: Severity| {
        snap.hazards
            .iter()
            .filter(|h| h.severity == s && mesh.is_none_or(|m| h.mesh == m))
            .count()
    };
    let parts: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|&s| match of(s) {
            0 => None,
            n => Some(format!("{n} {}", s.as_str())),
        })
        .collect();
    if parts.is_empty() {
        "none found".to_owned()
    } else {
        parts.join(", ")
    }
}
