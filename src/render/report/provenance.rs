//! The provenance section: where the figures came from (source, context, time, how long
//! the scan took), what judged them (the tool's version, its built-in catalog, and the
//! date each mesh's release-support table is true as of: dated hazards age with it), and
//! how complete they are (`complete` and every warning).

use maud::{html, Markup};

use super::scorecard::{source_kind, warning_list};
use crate::catalog::Catalog;
use crate::render::words::origin;
use crate::surface::Snapshot;

/// Where the figures came from, and how complete they are.
pub fn provenance(snap: &Snapshot, catalog: &Catalog) -> Markup {
    let s = &snap.source;
    let (what, status) = origin(s, snap.complete);
    let version = env!("CARGO_PKG_VERSION");
    html! {
        dl.provenance {
            dt { "Source" } dd { (source_kind(snap)) ": " (what) }
            @if let Some(c) = &s.context { dt { "Context" } dd { (c) } }
            @if let Some(n) = &s.namespace { dt { "Namespace" } dd { (n) " only" } }
            dt { "Taken at" }
            dd { @if s.taken_at.is_empty() { "no time (a projection)" } @else { (s.taken_at) } }
            @if let Some(d) = s.duration_seconds {
                dt { "Scan duration" } dd data-figure="duration" { (format!("{d:.1}")) " s" }
            }
            dt { "Hazards judged as of" }
            dd {
                @match &s.as_of {
                    Some(d) => { (d) " (" code { "--as-of" } ")" }
                    None => { "the day of the snapshot's time" }
                }
            }
            dt { "Tool" } dd { "meshsurface " (version) }
            dt { "Catalog" }
            dd {
                "built into meshsurface " (version) ": "
                (catalog.meshes.iter().map(|m| m.mesh.as_str()).collect::<Vec<_>>().join(", "))
            }
            dt { "Release data" }
            dd {
                table.releases {
                    thead { tr { th { "Mesh" } th { "True as of" } th { "Checked" } th { "Source" } } }
                    tbody {
                        @for (mesh, t) in catalog.meshes.iter().filter_map(|m| Some((&m.mesh, m.releases.as_ref()?))) {
                            tr {
                                td { (mesh) }
                                td data-release-as-of=(mesh) { (t.as_of.to_string()) }
                                td { (t.checked.to_string()) }
                                td {
                                    @if let Some(u) = &t.source.url { a href=(u) { (u) } }
                                    @else if let Some(r) = &t.source.repo { code { (r) } }
                                    @else { "docs/releases.md" }
                                }
                            }
                        }
                    }
                }
            }
            dt { "Snapshot schema" } dd { (snap.schema_version) }
            dt { "Complete" }
            dd data-figure="complete" { (snap.complete) " (" (status) ")" }
            dt { "Warnings" }
            dd {
                @if snap.warnings.is_empty() { "none" } @else { (warning_list(&snap.warnings)) }
            }
        }
    }
}
