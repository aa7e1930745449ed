//! `scan` output: a [`Snapshot`] laid out as [`Section`]s, drawn as tables or Markdown.
//!
//! [`sections`] is the one layout: the hazards (`hazards.rs`), an overview of the meshes, then per mesh its parts
//! (`mesh.rs`), then shared CRDs and warnings. [`table()`] and [`markdown()`] only choose the
//! drawer, so both always show the same figures. JSON and YAML are the snapshot itself.

mod config;
pub mod cost;
mod hazards;
mod mesh;

use super::fit;
use super::markdown;
use super::section::Section;
use super::table::page;
use super::words::{cpu, memory, opt, origin, plural, pods, request};
use crate::surface::{Snapshot, Totals, SHARED};

/// The snapshot as text tables; `wide` adds columns (and is never shortened); `color` makes
/// headings bold; `width` is the terminal's.
pub fn table(s: &Snapshot, wide: bool, color: bool, width: usize) -> String {
    let width = if wide { fit::UNLIMITED } else { width };
    page(
        &headline(s),
        &sections(s, wide),
        color,
        width,
        "-o wide or -o json",
    )
}

/// The snapshot as Markdown.
pub fn markdown(s: &Snapshot) -> String {
    markdown::page("meshsurface scan", &headline(s), &sections(s, false))
}

/// The header lines: what was scanned, whether it is complete, the cluster's scale.
pub fn headline(s: &Snapshot) -> Vec<String> {
    let (what, status) = origin(&s.source, s.complete);
    let sc = &s.scale;
    vec![
        format!("Scanned {what} at {} ({status})", s.source.taken_at),
        format!(
            "Cluster: {}, {}, {} ({} meshed, in {}), {}",
            plural(sc.nodes, "node"),
            plural(sc.namespaces, "namespace"),
            plural(sc.pods, "pod"),
            sc.meshed_pods,
            plural(sc.meshed_namespaces, "namespace"),
            plural(sc.service_accounts, "service account"),
        ),
    ]
}

/// Lays a snapshot out as sections; `wide` adds columns and per-CRD rows.
pub fn sections(s: &Snapshot, wide: bool) -> Vec<Section> {
    let mut out: Vec<Section> = hazards::section(s, wide).into_iter().collect();
    out.push(overview(s));
    out.extend(cost::section(s));
    for m in &s.meshes {
        out.extend(mesh::sections(s, m, wide));
    }
    if s.crds.iter().any(|c| c.mesh == SHARED) {
        let mut sec = mesh::crds(
            s,
            SHARED,
            "Shared CRDs (needed by a mesh, owned by none)",
            wide,
        );
        sec.level = 1;
        out.push(sec);
    }
    // Shared kinds not counted are said once, in each mesh's own section.
    if s.config
        .iter()
        .any(|c| c.mesh == SHARED && c.objects.is_some())
    {
        out.push(config::section(s, SHARED, wide));
    }
    if !s.warnings.is_empty() {
        out.push(warnings(s));
    }
    out
}

/// One row per mesh, and a total row when there are several.
fn overview(s: &Snapshot) -> Section {
    let mut sec = Section::new(
        1,
        "Meshes",
        vec![
            "MESH",
            "MODE",
            "VERSION",
            "NAMESPACE",
            "MESHED PODS",
            "COMPONENTS",
            "KINDS",
            "INSTANCES",
            "PROXY TYPES",
            "PROXIES",
            "CRDS",
            "WEBHOOKS",
            "CPU REQ",
            "MEM REQ",
        ],
    )
    .optional(&[
        "KINDS",
        "PROXY TYPES",
        "INSTANCES",
        "NAMESPACE",
        "WEBHOOKS",
        "CRDS",
        "COMPONENTS",
        "MESHED PODS",
    ])
    .shrink("VERSION", fit::Shrink::List);
    if s.meshes.is_empty() {
        sec.note = Some("No service mesh found.".to_owned());
    }
    for m in &s.meshes {
        let version = if m.versions.is_empty() {
            opt(m.version.as_ref())
        } else {
            m.versions.join(", ")
        };
        sec.rows.push(totals_row(
            vec![
                m.name.clone(),
                m.mode.clone(),
                version,
                opt(m.namespace.as_ref()),
                m.meshed_pods.to_string(),
            ],
            &m.totals,
        ));
    }
    if s.meshes.len() > 1 {
        sec.rows.push(totals_row(
            vec![
                "TOTAL".into(),
                String::new(),
                String::new(),
                String::new(),
                s.scale.meshed_pods.to_string(),
            ],
            &s.totals,
        ));
    }
    sec
}

fn totals_row(first: Vec<String>, t: &Totals) -> Vec<String> {
    let pods = pods(t);
    let mut row = first;
    row.extend([
        t.components.to_string(),
        t.component_kinds.to_string(),
        t.component_instances.to_string(),
        t.proxy_types.to_string(),
        t.proxy_instances.to_string(),
        t.crds.to_string(),
        t.webhooks.to_string(),
        request(t.cpu_request_millicores, pods, cpu),
        request(t.memory_request_bytes, pods, memory),
    ]);
    row
}

fn warnings(s: &Snapshot) -> Section {
    let mut sec = Section::new(1, "Warnings", vec!["CODE", "COUNT", "RESOURCE", "MESSAGE"])
        .shrink("RESOURCE", fit::Shrink::Text)
        .shrink("MESSAGE", fit::Shrink::Text);
    for w in &s.warnings {
        sec.rows.push(vec![
            w.code.as_str().to_owned(),
            w.count.to_string(),
            opt(w.resource.as_ref()),
            w.message.clone(),
        ]);
    }
    sec
}
