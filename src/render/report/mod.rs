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

mod boxes;
mod changes;
mod chart;
mod components;
mod cost;
mod fleet;
mod graph;
mod headcount;
mod provenance;
mod scorecard;
mod sections;
mod trend;

use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::graph::{Analysis, Graph};
use crate::surface::Snapshot;

/// The page's Content-Security-Policy: nothing may be loaded; inline styles only, and
/// `data:` images (none today) for a future logo.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE: &str = include_str!("style.css");

/// One cluster of the page: its name (the snapshot's file, or the context), its snapshot,
/// graph and the graph's analyses.
pub struct Cluster<'a> {
    pub name: &'a str,
    pub snap: &'a Snapshot,
    pub graph: &'a Graph,
    pub analysis: &'a Analysis,
    /// What changed since an older snapshot (`--before`).
    pub changes: Option<&'a crate::diff::Diff>,
    /// The growth plan (`--enable`).
    pub plan: Option<&'a crate::growth::Plan>,
    /// Every mesh at this cluster's scale (`--compare`).
    pub comparison: Option<&'a crate::growth::ComparePlan>,
    /// This cluster's headcount figures and the model's estimate.
    pub headcount: Option<&'a crate::headcount::Headcount>,
    /// The catalog that judged it (its release tables' dates go in the provenance).
    pub catalog: &'a crate::catalog::Catalog,
}

/// One section: its anchor, its heading, and its body.
struct Part {
    id: &'static str,
    title: &'static str,
    body: Markup,
}

/// The sections of one cluster, in page order.
fn parts(c: &Cluster<'_>, prefix: &str) -> Vec<Part> {
    let snap = c.snap;
    let mut parts = vec![Part {
        id: "scorecard",
        title: "Scorecard",
        body: scorecard::scorecard(snap, c.plan),
    }];
    if let Some(p) = c.plan {
        parts.push(Part {
            id: "growth",
            title: "Growth plan",
            body: changes::growth(p),
        });
    }
    if let Some(cmp) = c.comparison {
        parts.push(Part {
            id: "compare",
            title: "Every mesh at this scale",
            body: changes::comparison(cmp),
        });
    }
    if let Some(d) = c.changes {
        parts.push(Part {
            id: "changes",
            title: "Before and after",
            body: changes::changes(d),
        });
    }
    parts.extend([
        Part {
            id: "hazards",
            title: "Hazards",
            body: sections::hazards(snap),
        },
        Part {
            id: "components",
            title: "Components",
            body: components::components(snap),
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
            body: sections::graph(c.graph, c.analysis, prefix),
        },
        Part {
            id: "runbook",
            title: "Upgrade runbook",
            body: sections::runbook(snap),
        },
    ]);
    if let Some(body) = cost::section(snap) {
        parts.push(Part {
            id: "cost",
            title: "Cost",
            body,
        });
    }
    if let Some(h) = c.headcount {
        parts.push(Part {
            id: "headcount",
            title: "Headcount",
            body: headcount::section(h),
        });
    }
    parts.push(Part {
        id: "provenance",
        title: "Provenance",
        body: provenance::provenance(snap, c.catalog),
    });
    parts
}

/// The page: one cluster's report, or a fleet's (a table of every cluster, its trends and
/// the fleet's headcount, then each cluster's report under its name, anchors prefixed
/// `cN-` so they stay unique).
pub fn html(clusters: &[Cluster<'_>], fleet: Option<&crate::headcount::Headcount>) -> String {
    let page = match clusters {
        [one] => single(one),
        _ => fleet::page(clusters, fleet),
    };
    let mut s = page.into_string();
    s.push('\n');
    s
}

/// The page's `<head>`, titled.
fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta http-equiv="Content-Security-Policy" content=(CSP);
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="generator" content={ "meshsurface " (env!("CARGO_PKG_VERSION")) };
            title { "Mesh surface report: " (title) }
            style { (PreEscaped(STYLE)) }
        }
    }
}

/// The page's footer.
fn footer() -> Markup {
    html! {
        footer {
            "Written by meshsurface " (env!("CARGO_PKG_VERSION"))
            "; every figure is also in " code { "scan -o json" } "."
        }
    }
}

/// A cluster's sections; `named` puts the cluster's name in each heading (a fleet's page,
/// where a printed page must say which cluster it is about).
fn body(c: &Cluster<'_>, prefix: &str, named: bool) -> Markup {
    html! {
        @for (i, p) in parts(c, prefix).iter().enumerate() {
            section id={ (prefix) (p.id) } class=[(i == 0 && !named).then_some("first")] {
                h2 { @if named { (c.name) ": " } (p.title) }
                (p.body)
            }
        }
    }
}

/// The table of contents of one cluster's sections.
fn contents(c: &Cluster<'_>, prefix: &str) -> Markup {
    html! {
        nav aria-label="Sections" {
            ol {
                @for p in &parts(c, prefix) {
                    li { a href={ "#" (prefix) (p.id) } { (p.title) } }
                }
            }
        }
    }
}

/// The page of one cluster.
fn single(c: &Cluster<'_>) -> Markup {
    let subject = scorecard::subject(c.snap);
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(&subject))
            body {
                header {
                    h1 { "Mesh surface report" }
                    p.lede { (subject) }
                    (scorecard::incomplete(c.snap))
                    (scorecard::headline(c.snap))
                    (contents(c, ""))
                }
                main { (body(c, "", false)) }
                (footer())
            }
        }
    }
}
