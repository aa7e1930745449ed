//! The report's sections, each with its figure first (a chart, a count, a picture) and
//! the detail below. Long lists (objects, namespaces, targets) show a few and collapse the
//! rest in `<details>`, so a 50,000-pod cluster still reads as a page.

use maud::{html, Markup, PreEscaped};
use petgraph::visit::EdgeRef;

use super::chart::{bars, Bar};
use crate::graph::{Analysis, Graph, Spof};
use crate::render::graph::spof_why;
use crate::render::words::{cpu, memory, plural, request};
use crate::surface::{Severity, Snapshot};

/// Items of a list shown before the rest collapse.
pub(super) const SHOWN: usize = 5;

/// A list: the first [`SHOWN`] items, the rest in a `<details>` that says how many.
pub(super) fn list(items: &[String]) -> Markup {
    let (head, rest) = items.split_at(items.len().min(SHOWN));
    html! {
        (head.join(", "))
        @if !rest.is_empty() {
            details {
                summary { "and " (rest.len()) " more" }
                (rest.join(", "))
            }
        }
    }
}

/// A severity as a badge that says its word (colour is never the only signal).
fn severity(s: Severity) -> Markup {
    html! { span class={ "sev sev-" (s.as_str()) } { (s.as_str()) } }
}

/// Hazards: how many per severity (chart), then each with why and where the rule is from.
pub fn hazards(snap: &Snapshot) -> Markup {
    if snap.hazards.is_empty() {
        return html! { p { "No hazard found by the rules of this version (docs/hazards.md lists them)." } };
    }
    let per: Vec<Bar> = Severity::ALL
        .iter()
        .map(|&s| {
            Bar::count(
                s.as_str(),
                snap.hazards.iter().filter(|h| h.severity == s).count() as u64,
            )
        })
        .collect();
    html! {
        (bars("Hazards per severity (entries)", "Hazards", "", &per))
        table {
            thead { tr { th { "Severity" } th { "Hazard" } th { "Mesh" } th.n { "Objects" } th { "What and why" } th { "Source" } } }
            tbody {
                @for h in &snap.hazards {
                    tr {
                        td { (severity(h.severity)) }
                        td { code { (h.code.as_str()) } }
                        td { (h.mesh) }
                        td.n { (h.count) }
                        td {
                            p { (h.message) }
                            p.muted { "Why: " (h.why) }
                            @if !h.objects.is_empty() { p { "Objects: " (list(&h.objects)) } }
                        }
                        td.source {
                            @if h.source.starts_with("https://") { (source_links(&h.source)) }
                            @else { code { (h.source) } }
                        }
                    }
                }
            }
        }
    }
}

/// Proxy footprint: instances per type (chart), then requests, limits and usage per type.
pub fn proxies(snap: &Snapshot) -> Markup {
    if snap.proxies.is_empty() {
        return html! { p { "No data-plane proxy was found." } };
    }
    let kind =
        |p: &crate::surface::Proxy| format!("{} {} ({})", p.mesh, p.implementation, p.placement);
    // Charts name the version too: one type at two versions is two bars.
    let name = |p: &crate::surface::Proxy| {
        format!(
            "{} {}",
            kind(p),
            p.version.as_deref().unwrap_or("version unknown")
        )
    };
    let per: Vec<Bar> = snap
        .proxies
        .iter()
        .map(|p| Bar::count(name(p), p.instances))
        .collect();
    let mem: Vec<Bar> = snap
        .proxies
        .iter()
        .map(|p| Bar {
            shown: request(p.memory_request_bytes, p.instances, memory),
            ..Bar::count(name(p), u64::try_from(p.memory_request_bytes).unwrap_or(0))
        })
        .collect();
    html! {
        (bars("Proxy instances per type", "Instances", "", &per))
        (bars("Memory requested per proxy type (all instances)", "Memory requests", "", &mem))
        table {
            thead { tr { th { "Proxy type" } th { "Version" } th.n { "Instances" } th.n { "CPU requests" } th.n { "Memory requests" } th.n { "CPU limits" } th.n { "Memory limits" } th.n { "CPU / memory used" } } }
            tbody {
                @for p in &snap.proxies {
                    tr {
                        td { (kind(p)) }
                        td { (p.version.as_deref().unwrap_or("unknown")) }
                        td.n { (p.instances) @if p.instances_unknown { " or more" } }
                        td.n { (request(p.cpu_request_millicores, p.instances, cpu)) }
                        td.n { (request(p.memory_request_bytes, p.instances, memory)) }
                        td.n { (request(p.cpu_limit_millicores, p.instances, cpu)) }
                        td.n { (request(p.memory_limit_bytes, p.instances, memory)) }
                        td.n {
                            @match (p.cpu_usage_millicores, p.memory_usage_bytes) {
                                (Some(c), Some(m)) => { (cpu(c)) " / " (memory(m)) " (" (plural(p.usage_pods, "pod")) ")" }
                                _ => { "not measured" }
                            }
                        }
                    }
                }
            }
        }
        p.muted { "“not set”: these pods request (or are limited to) nothing: counted as 0, they still use some." }
    }
}

/// Configuration: objects per kind in use (chart, fragile kinds marked), then every kind.
pub fn configuration(snap: &Snapshot) -> Markup {
    if snap.config.is_empty() {
        return html! { p { "No configuration kind of a mesh is installed or in use." } };
    }
    let per: Vec<Bar> = snap
        .config
        .iter()
        .filter(|c| c.objects.is_some_and(|n| n > 0))
        .map(|c| Bar {
            marked: c.fragile,
            ..Bar::count(format!("{} {}", c.mesh, c.kind), c.objects.unwrap_or(0))
        })
        .collect();
    html! {
        @if per.is_empty() {
            p { "No configuration object was found (the kinds below are installed, with none in use)." }
        } @else {
            (bars("Configuration objects per kind in use", "Objects", "fragile", &per))
        }
        table {
            thead { tr { th { "Mesh" } th { "Kind" } th { "Group" } th.n { "Objects" } th.n { "Namespaces" } th { "Note" } } }
            tbody {
                @for c in &snap.config {
                    tr {
                        td { (c.mesh) } td { (c.kind) } td { (c.group) }
                        td.n { @match c.objects { Some(n) => { (n) }, None => { "not counted" } } }
                        td.n { (c.namespaces) }
                        td {
                            @if c.fragile { span.tag { "fragile" } " tied to proxy internals: breaks across upgrades. " }
                            @if !c.installed { "Objects read without their CRD." }
                        }
                    }
                }
            }
        }
    }
}

/// The dependency graph drawn, then single points of failure and blast radius as text.
/// `prefix` keeps the drawing's element ids unique on a fleet's page.
pub fn graph(g: &Graph, a: &Analysis, prefix: &str) -> Markup {
    let Some((svg, folded)) = super::graph::svg(g, a, prefix) else {
        return html! { p { "Nothing to draw: no mesh was found." } };
    };
    let gr = &g.graph;
    let edges: Vec<String> = gr
        .edge_references()
        .map(|e| {
            format!(
                "{} {} {}",
                gr[e.source()].id,
                e.weight().r#type.as_str(),
                gr[e.target()].id
            )
        })
        .collect();
    let hit: Vec<_> = a
        .blast_radius
        .iter()
        .filter(|b| b.proxies > 0 || b.meshed_pods > 0 || b.fail_closed_webhooks > 0)
        .collect();
    html! {
        p.muted {
            "Boxes with a dashed red border and the words “SINGLE POINT OF FAILURE” run one replica "
            "that others need; tinted boxes say what stops when they are down. "
            "Arrows point from a part to what it acts on or needs."
        }
        @if folded > 0 {
            p.muted {
                "More than " (super::boxes::FOLD_OVER) " namespaces (or waypoints) of one kind are drawn as one box that says how many; "
                "the graph as text below names every one (" (plural(folded as u64, "node")) " folded)."
            }
        }
        div.graph role="img" aria-label={ "Dependency graph of " (plural(g.graph.node_count() as u64, "node")) } {
            (PreEscaped(svg))
        }
        details {
            summary { "The graph as text (" (plural(edges.len() as u64, "edge")) ")" }
            ul { @for e in &edges { li { code { (e) } } } }
        }
        h3 { "Single points of failure" }
        @if a.single_points_of_failure.is_empty() {
            p { "None: every part that others need runs more than one replica." }
        } @else {
            ul {
                @for s in &a.single_points_of_failure {
                    @let (what, name, replicas) = match s {
                        Spof::Component { workload, replicas, .. } => ("workload", workload, plural(*replicas, "replica")),
                        Spof::Webhook { name, backend_replicas, .. } => ("webhook", name, plural(*backend_replicas, "backend replica")),
                    };
                    li {
                        (what) " " strong { (name) } " (" (replicas) "): " (spof_why(s))
                    }
                }
            }
        }
        h3 { "Blast radius (while every replica of a component is down)" }
        @if hit.is_empty() {
            p { "No component outage reaches proxies or workloads in this input." }
        } @else {
            table {
                thead { tr { th { "Mesh" } th { "Component" } th.n { "Replicas" } th.n { "Proxies" } th.n { "Namespaces" } th.n { "Meshed pods" } th.n { "Fail-closed webhooks" } } }
                tbody {
                    @for b in &hit {
                        tr {
                            td { (b.mesh) }
                            td { (b.component) @if let Some(ns) = &b.namespace { " (" (ns) ")" } }
                            td.n { (b.replicas) } td.n { (b.proxies) } td.n { (b.namespaces) }
                            td.n { (b.meshed_pods) } td.n { (b.fail_closed_webhooks) }
                        }
                    }
                }
            }
        }
    }
}

/// The upgrade runbook: one numbered step per catalog step the cluster has something for.
pub fn runbook(snap: &Snapshot) -> Markup {
    if snap.upgrade_steps.is_empty() {
        return html! { p { "No upgrade step: no mesh was found." } };
    }
    html! {
        p { (plural(snap.upgrade_steps.len() as u64, "step")) ", in this order:" }
        ol.runbook {
            @for s in &snap.upgrade_steps {
                li {
                    strong { (s.title) } " "
                    span.muted { "(" (s.mesh) ", " (s.kind) ")" }
                    br;
                    (list(&s.targets))
                    @if s.restarts > 0 { br; "Restart " (plural(s.restarts, "workload")) " so their proxies are injected again." }
                }
            }
        }
    }
}

/// A hazard's source: each `https://` word a link (without the `;` or `,` that separates
/// several), every other word as text.
fn source_links(source: &str) -> Markup {
    html! {
        @for (i, word) in source.split(' ').enumerate() {
            @if i > 0 { " " }
            @let url = word.trim_end_matches([';', ',']);
            @if url.starts_with("https://") {
                a href=(url) { (url) } (&word[url.len()..])
            } @else { (word) }
        }
    }
}
