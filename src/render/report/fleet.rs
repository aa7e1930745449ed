//! A fleet's page (several snapshots, one per cluster): the clusters side by side first
//! (a chart of proxy instances and a table of every headline figure), then each
//! cluster's own report under its name. When several snapshots are of one cluster at
//! different times, their trends follow the table (`trend.rs`); the fleet's headcount
//! (figures summed, learnt-once terms counted once) is its own section.
//!
//! Each cluster's anchors and drawing ids are prefixed `cN-` (N from 1, in the order of
//! `--from`), and its incomplete banner is repeated at the top of the page, so a partial
//! cluster is seen before any figure is read.

use maud::{html, Markup, DOCTYPE};

use super::chart::{bars, Bar};
use super::{body, contents, footer, head, scorecard, Cluster};
use crate::headcount::Headcount;
use crate::render::words::plural;

/// The anchor prefix of the `i`-th cluster (from 0).
fn prefix(i: usize) -> String {
    format!("c{}-", i + 1)
}

/// The page of a fleet; `headcount` is the fleet's (every cluster's figures and the
/// fleet totals, learnt-once terms counted once).
pub fn page(clusters: &[Cluster<'_>], headcount: Option<&Headcount>) -> Markup {
    let title = format!("a fleet of {}", plural(clusters.len() as u64, "cluster"));
    let proxies: Vec<Bar> = clusters
        .iter()
        .map(|c| Bar::count(c.name, c.snap.totals.proxy_instances))
        .collect();
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(&title))
            body {
                header {
                    h1 { "Mesh surface report: " (title) }
                    @for c in clusters.iter().filter(|c| !c.snap.complete) {
                        p.muted { (c.name) ":" }
                        (scorecard::incomplete(c.snap))
                    }
                }
                main {
                    section id="fleet" class="first" {
                        h2 { "The fleet" }
                        (bars("Proxy instances per cluster", "Proxy instances", "", &proxies))
                        (table(clusters))
                        h3 { "Over time" }
                        (super::trend::trends(clusters))
                    }
                    @if let Some(h) = headcount {
                        section id="fleet-headcount" {
                            h2 { "The fleet's headcount" }
                            (super::headcount::section(h))
                        }
                    }
                    @for (i, c) in clusters.iter().enumerate() {
                        article id={ "c" (i + 1) } {
                            header.cluster {
                                h2 { (c.name) }
                                p.lede { (scorecard::subject(c.snap)) }
                                (scorecard::headline(c.snap))
                                (contents(c, &prefix(i)))
                            }
                            (body(c, &prefix(i), true))
                        }
                    }
                }
                (footer())
            }
        }
    }
}

/// One row per cluster: its meshes and headline figures, linking to its report.
fn table(clusters: &[Cluster<'_>]) -> Markup {
    html! {
        table.fleet {
            thead {
                tr {
                    th { "Cluster" } th { "Meshes" } th.n { "Components" } th.n { "Proxy types" }
                    th.n { "Proxy instances" } th.n { "CRDs" } th.n { "Webhooks" }
                    th.n { "Upgrade steps" } th.n { "Hazards" } th { "Complete" }
                }
            }
            tbody {
                @for (i, c) in clusters.iter().enumerate() {
                    @let t = &c.snap.totals;
                    tr {
                        td { a href={ "#c" (i + 1) } { (c.name) } }
                        td {
                            @if c.snap.meshes.is_empty() { "none" }
                            @for (j, m) in c.snap.meshes.iter().enumerate() {
                                @if j > 0 { ", " }
                                (m.name) " (" (m.mode) ")"
                            }
                        }
                        td.n { (t.components) } td.n { (t.proxy_types) }
                        td.n { (t.proxy_instances) } td.n { (t.crds) } td.n { (t.webhooks) }
                        td.n { (t.upgrade_steps) } td.n { (c.snap.hazards.len()) }
                        td { @if c.snap.complete { "yes" } @else { span.tag { "NO: incomplete" } } }
                    }
                }
            }
        }
    }
}
