//! The components section: pods per component workload (chart), then each workload, then
//! the meshed namespaces.
//!
//! A mesh that deploys one workload per namespace (Istio's waypoints) has as many
//! workloads as namespaces: more than [`SHOWN`] workloads of one component are one bar
//! and one row that say how many, with every workload listed in `<details>`; the meshed
//! namespaces are likewise counted per mesh and capture mode, the names collapsed. A
//! 500-namespace cluster stays a page, and nothing is left out.

use std::collections::BTreeMap;

use maud::{html, Markup};

use super::chart::{bars, Bar};
use super::sections::{list, SHOWN};
use crate::render::words::plural;
use crate::surface::{Component, Snapshot};

/// The workloads of one component of one mesh, in snapshot order.
struct Group<'s> {
    key: (&'s str, &'s str),
    members: Vec<&'s Component>,
}

/// Components grouped by (mesh, component), in order of first appearance.
fn groups(snap: &Snapshot) -> Vec<Group<'_>> {
    let mut all: Vec<Group<'_>> = Vec::new();
    for c in &snap.components {
        let key = (c.mesh.as_str(), c.component.as_str());
        match all.iter_mut().find(|g| g.key == key) {
            Some(g) => g.members.push(c),
            None => all.push(Group {
                key,
                members: vec![c],
            }),
        }
    }
    all
}

/// Components: pods per component (chart), then each workload, then the namespaces.
pub fn components(snap: &Snapshot) -> Markup {
    if snap.components.is_empty() {
        return html! { p { "No mesh component was found." } };
    }
    let groups = groups(snap);
    let mut per: Vec<Bar> = Vec::new();
    for g in &groups {
        if g.members.len() > SHOWN {
            let pods = g.members.iter().map(|c| c.instances).sum();
            per.push(Bar::count(
                format!(
                    "{} {} ×{}",
                    g.key.0,
                    g.key.1,
                    plural(g.members.len() as u64, "workload")
                ),
                pods,
            ));
        } else {
            per.extend(
                g.members
                    .iter()
                    .map(|c| Bar::count(format!("{}/{}", c.namespace, c.name), c.instances)),
            );
        }
    }
    html! {
        (bars("Pods per component workload (namespace/name)", "Pods", "", &per))
        table {
            thead { tr { th { "Mesh" } th { "Component" } th { "Role" } th { "Workload" } th.n { "Replicas" } th.n { "Pods" } th { "Scales with" } th { "Version" } } }
            tbody {
                @for g in &groups {
                    @if g.members.len() > SHOWN {
                        (folded(g))
                    } @else {
                        @for c in &g.members { (row(c)) }
                    }
                }
            }
        }
        (namespaces(snap))
    }
}

/// One workload's row.
fn row(c: &Component) -> Markup {
    html! {
        tr {
            td { (c.mesh) } td { (c.component) } td { (c.role) }
            td { (c.kind.as_str()) " " (c.namespace) "/" (c.name) }
            td.n { (c.replicas) }
            td.n { @if c.instances_unknown { "unknown (no nodes in the input)" } @else { (c.instances) } }
            td { (c.scales_with) } td { (c.version.as_deref().unwrap_or("unknown")) }
        }
    }
}

/// Many workloads of one component as one row: how many, their sums, every one listed.
fn folded(g: &Group<'_>) -> Markup {
    let first = g.members[0];
    let names: Vec<String> = g
        .members
        .iter()
        .map(|c| format!("{} {}/{}", c.kind.as_str(), c.namespace, c.name))
        .collect();
    let mut versions: Vec<&str> = g
        .members
        .iter()
        .map(|c| c.version.as_deref().unwrap_or("unknown"))
        .collect();
    versions.sort_unstable();
    versions.dedup();
    html! {
        tr.folded {
            td { (first.mesh) } td { (first.component) } td { (first.role) }
            td { strong { (plural(g.members.len() as u64, "workload")) } ": " (list(&names)) }
            td.n { (g.members.iter().map(|c| c.replicas).sum::<u64>()) }
            td.n {
                (g.members.iter().map(|c| c.instances).sum::<u64>())
                @if g.members.iter().any(|c| c.instances_unknown) { " or more" }
            }
            td { (first.scales_with) } td { (versions.join(", ")) }
        }
    }
}

/// The meshed namespaces per mesh and capture mode: how many, how many with a waypoint,
/// and their names (a few shown, the rest collapsed).
fn namespaces(snap: &Snapshot) -> Markup {
    let mut per: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
    let mut waypoints: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for n in &snap.namespaces {
        let key = (n.mesh.as_str(), n.capture.as_str());
        per.entry(key).or_default().push(n.namespace.clone());
        if !n.waypoints.is_empty() {
            *waypoints.entry(key).or_default() += 1;
        }
    }
    if per.is_empty() {
        return html! {};
    }
    html! {
        h3 { "Meshed namespaces (" (snap.namespaces.len()) ")" }
        table.namespaces {
            thead { tr { th { "Mesh" } th { "Capture" } th.n { "Namespaces" } th.n { "With a waypoint" } th { "Names" } } }
            tbody {
                @for ((mesh, capture), names) in &per {
                    tr {
                        td { (mesh) } td { (capture) } td.n { (names.len()) }
                        td.n { (waypoints.get(&(*mesh, *capture)).copied().unwrap_or(0)) }
                        td { (list(names)) }
                    }
                }
            }
        }
    }
}
