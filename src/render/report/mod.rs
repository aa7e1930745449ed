//! `report`: one self-contained HTML page of one cluster.
//!
//! Self-contained and quiet: inline CSS, inline SVG, no script, and a Content-Security-Policy
//! that forbids every load (`default-src 'none'`), so the page reads the same offline, from
//! an e-mail attachment, or printed. Written with `maud`, whose templates are checked at
//! compile time and escape every interpolated value: object names come from the cluster,
//! and one named `<script>` must read as text.
//!
//! Deterministic: the page holds no clock reading of its own (the time is the snapshot's),
//! so the same snapshot gives the same bytes. Sections are in `sections.rs` and
//! `scorecard.rs`, each with its figure first and the detail below; the bar chart is one
//! component (`chart.rs`), the dependency graph another (`graph.rs`).

mod chart;
mod graph;
mod scorecard;
mod sections;

use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::graph::{Analysis, Graph};
use crate::surface::Snapshot;

/// The page's Content-Security-Policy: nothing may be loaded; inline styles only, and
/// `data:` images (none today) for a future logo.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE: &str = include_str!("style.css");

/// One section: its anchor, its heading, and its body.
struct Part {
    id: &'static str,
    title: &'static str,
    body: Markup,
}

/// The report of one snapshot, its graph and the graph's analyses.
pub fn html(snap: &Snapshot, g: &Graph, a: &Analysis) -> String {
    let parts = [
        Part {
            id: "scorecard",
            title: "Scorecard",
            body: scorecard::scorecard(snap),
        },
        Part {
            id: "hazards",
            title: "Hazards",
            body: sections::hazards(snap),
        },
        Part {
            id: "components",
            title: "Components",
            body: sections::components(snap),
        },
        Part {
            id: "proxies",
            title: "Proxy footprint",
            body: sections::proxies(snap),
        },
        Part {
            id: "configuration",
            title: "Configuration in use",
            body: sections::configuration(snap),
        },
        Part {
            id: "graph",
            title: "Dependency graph",
            body: sections::graph(g, a),
        },
        Part {
            id: "runbook",
            title: "Upgrade runbook",
            body: sections::runbook(snap),
        },
        Part {
            id: "provenance",
            title: "Provenance",
            body: scorecard::provenance(snap),
        },
    ];
    let subject = scorecard::subject(snap);
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CSP);
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content={ "meshsurface " (env!("CARGO_PKG_VERSION")) };
                title { "Mesh surface report: " (subject) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Mesh surface report" }
                    p.lede { (subject) }
                    (scorecard::incomplete(snap))
                    (scorecard::headline(snap))
                    nav aria-label="Sections" {
                        ol {
                            @for p in &parts {
                                li { a href={ "#" (p.id) } { (p.title) } }
                            }
                        }
                    }
                }
                main {
                    @for (i, p) in parts.iter().enumerate() {
                        section id=(p.id) class=[(i == 0).then_some("first")] {
                            h2 { (p.title) }
                            (p.body)
                        }
                    }
                }
                footer {
                    "Written by meshsurface " (env!("CARGO_PKG_VERSION"))
                    " (" (scorecard::source_kind(snap)) " input); "
                    "every figure is also in " code { "scan -o json" } "."
                }
            }
        }
    };
    let mut s = page.into_string();
    s.push('\n');
    s
}
