//! `graph` output: the dependency graph as tables (blast radius, single points of failure,
//! then the upgrade runbook as a list), Graphviz DOT, and a Mermaid flowchart.
//!
//! DOT and Mermaid draw one cluster (subgraph) per mesh, and one for shared CRD groups.
//! Node ids in both are `n0`, `n1`, ... (the graph's node indexes), so no mesh or object
//! name can break the syntax; names appear only inside quoted, escaped labels.

use std::fmt::Write as _;

mod marks;
mod mermaid;

pub use mermaid::mermaid;

use petgraph::visit::EdgeRef;

use super::fit::{self, escape, Shrink};
use super::scan::headline;
use super::section::Section;
use super::table::Page;
use super::words::plural;
use crate::graph::{Analysis, BlastRadius, Graph, Node, NodeKind, Spof};
use crate::surface::Snapshot;

/// The heading of a mesh: `istio (ambient, 1.26.3)`.
pub(crate) fn mesh_title(s: &Snapshot, mesh: &str) -> String {
    match s.meshes.iter().find(|m| m.name == mesh) {
        Some(m) => format!(
            "{} ({}{})",
            m.name,
            m.mode,
            m.version
                .as_ref()
                .map(|v| format!(", {v}"))
                .unwrap_or_default()
        ),
        None => format!("{mesh} CRDs (needed by a mesh, owned by none)"),
    }
}

/// A node's label lines (a marked node's hazards last).
pub(crate) fn label(n: &Node) -> Vec<String> {
    let mut lines = kind_label(n);
    lines.extend(marks::label_line(n));
    lines
}

fn kind_label(n: &Node) -> Vec<String> {
    match &n.kind {
        NodeKind::Component {
            component,
            role,
            namespace,
            instances,
            workloads,
            ..
        } => {
            let name = match namespace {
                Some(ns) => format!("{component} ({ns})"),
                None => component.clone(),
            };
            let mut second = format!("{}, {}", role.as_str(), plural(*instances, "pod"));
            if workloads.len() > 1 {
                let _ = write!(second, " in {} workloads", workloads.len());
            }
            vec![name, second]
        }
        NodeKind::Proxy {
            implementation,
            placement,
            instances,
            ..
        } => vec![
            format!("{implementation} ({placement})"),
            plural(*instances, "proxy instance"),
        ],
        NodeKind::CrdGroup {
            group,
            crds,
            config_objects,
        } => {
            let mut second = plural(*crds, "CRD");
            if let Some(n) = config_objects {
                let _ = write!(second, ", {}", plural(*n, "config object"));
            }
            vec![group.clone(), second]
        }
        NodeKind::Webhook {
            webhook_kind,
            name,
            failure_policy,
            ..
        } => vec![
            name.clone(),
            format!("{webhook_kind} webhook, failurePolicy {failure_policy}"),
        ],
        NodeKind::Namespace {
            namespace,
            capture,
            workloads,
            meshed_pods,
            ..
        } => vec![
            format!("namespace {namespace}"),
            format!(
                "{capture}: {}, {}",
                plural(*workloads, "workload"),
                plural(*meshed_pods, "pod")
            ),
        ],
    }
}

/// Meshes in node order, each with its node indexes; `shared` last.
fn clusters(g: &Graph) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, n) in g.nodes() {
        match out.iter_mut().find(|(m, _)| *m == n.mesh) {
            Some((_, v)) => v.push(i.index()),
            None => out.push((n.mesh.clone(), vec![i.index()])),
        }
    }
    out
}

fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn dot_shape(k: &NodeKind) -> &'static str {
    match k {
        NodeKind::Component { .. } => "box",
        NodeKind::Proxy { .. } => "ellipse",
        NodeKind::CrdGroup { .. } => "note",
        NodeKind::Webhook { .. } => "hexagon",
        NodeKind::Namespace { .. } => "folder",
    }
}

/// Graphviz DOT: `dot -Tsvg` draws it.
pub fn dot(s: &Snapshot, g: &Graph) -> String {
    let mut out = String::from(
        "digraph meshsurface {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    for (k, (mesh, nodes)) in clusters(g).iter().enumerate() {
        let mut node_lines = String::new();
        for &i in nodes {
            let n = &g.graph[petgraph::graph::NodeIndex::new(i)];
            let text = label(n)
                .iter()
                .map(|l| dot_escape(l))
                .collect::<Vec<_>>()
                .join("\\n");
            let _ = writeln!(
                node_lines,
                "    n{i} [label=\"{text}\", shape={}{}];",
                dot_shape(&n.kind),
                marks::dot_attrs(n)
            );
        }
        let _ = write!(
            out,
            "  subgraph cluster_{k} {{\n    label=\"{}\";\n{node_lines}  }}\n",
            dot_escape(&mesh_title(s, mesh))
        );
    }
    for e in g.graph.edge_references() {
        let _ = writeln!(
            out,
            "  n{} -> n{} [label=\"{}\"];",
            e.source().index(),
            e.target().index(),
            e.weight().r#type.as_str()
        );
    }
    out.push_str("}\n");
    out
}

fn blast_section(a: &Analysis, g: &Graph) -> Section {
    let marked = a
        .blast_radius
        .iter()
        .any(|b| !g.graph[b.node].hazards.is_empty());
    let mut headers = vec![
        "MESH",
        "COMPONENT",
        "REPLICAS",
        "PROXIES",
        "NAMESPACES",
        "WORKLOADS",
        "MESHED PODS",
        "FAIL-CLOSED WEBHOOKS",
    ];
    if marked {
        // Only when a component carries a hazard (docs/hazards.md: objects name it).
        headers.push("HAZARDS");
    }
    let mut sec = Section::new(
        1,
        "Blast radius (what is affected while the component is down)",
        headers,
    )
    .optional(&["MESH", "WORKLOADS", "NAMESPACES", "REPLICAS"])
    .shrink("HAZARDS", Shrink::Text);
    for b in &a.blast_radius {
        let mut row = vec![
            b.mesh.clone(),
            match &b.namespace {
                Some(ns) => format!("{} ({ns})", b.component),
                None => b.component.clone(),
            },
            b.replicas.to_string(),
            b.proxies.to_string(),
            b.namespaces.to_string(),
            b.workloads.to_string(),
            b.meshed_pods.to_string(),
            b.fail_closed_webhooks.to_string(),
        ];
        if marked {
            row.push(marks::words(&g.graph[b.node]).unwrap_or_default());
        }
        sec.rows.push(row);
    }
    let lines: Vec<String> = a.blast_radius.iter().filter_map(config_line).collect();
    if !lines.is_empty() {
        sec.footer = Some(lines.join("\n"));
    }
    sec
}

/// `istiod down: 15 configuration objects stop being pushed (networking.istio.io 9, ...)`,
/// for a component whose groups hold counted objects (none when not counted, or 0).
fn config_line(b: &BlastRadius) -> Option<String> {
    let n = b.config_objects.filter(|&n| n > 0)?;
    let name = match &b.namespace {
        Some(ns) => format!("{} ({ns})", b.component),
        None => b.component.clone(),
    };
    let groups: Vec<String> = b
        .config
        .iter()
        .filter_map(|c| match c.objects {
            Some(0) => None,
            Some(n) => Some(format!("{} {n}", c.group)),
            None => Some(format!("{} not counted", c.group)),
        })
        .collect();
    Some(format!(
        "{name} down: {}{} stop being {} ({})",
        if b.config_partial() { "at least " } else { "" },
        plural(n, "configuration object"),
        b.config_verb(),
        groups.join(", ")
    ))
}

pub(crate) fn spof_why(s: &Spof) -> String {
    match s {
        Spof::Component {
            component,
            proxies,
            namespaces,
            serves_webhooks,
            depended_on_by,
            reconciles,
            ..
        } => {
            let mut why = Vec::new();
            if *proxies > 0 || *namespaces > 0 {
                why.push(format!(
                    "{component} affects {} in {}",
                    plural(*proxies, "proxy instance"),
                    plural(*namespaces, "namespace")
                ));
            }
            if !serves_webhooks.is_empty() {
                why.push(format!("serves {}", serves_webhooks.join(", ")));
            }
            if !depended_on_by.is_empty() {
                why.push(format!("needed by {}", depended_on_by.join(", ")));
            }
            if !reconciles.is_empty() {
                why.push(format!(
                    "reconciles {}",
                    plural(reconciles.len() as u64, "API group")
                ));
            }
            why.join("; ")
        }
        Spof::Webhook {
            webhook_kind,
            backends,
            ..
        } => {
            if backends.is_empty() {
                format!("{webhook_kind}, failurePolicy Fail, and no backend in the input")
            } else {
                format!(
                    "{webhook_kind}, failurePolicy Fail, served only by {}",
                    backends.join(", ")
                )
            }
        }
    }
}

fn spof_section(a: &Analysis) -> Section {
    let mut sec = Section::new(
        1,
        "Single points of failure",
        vec!["MESH", "WHAT", "NAME", "REPLICAS", "WHY"],
    )
    .optional(&["MESH", "WHAT"])
    .shrink("WHY", Shrink::Text);
    for s in &a.single_points_of_failure {
        let (mesh, what, name, replicas) = match s {
            Spof::Component {
                mesh,
                workload,
                replicas,
                ..
            } => (mesh, "workload", workload, replicas),
            Spof::Webhook {
                mesh,
                name,
                backend_replicas,
                ..
            } => (mesh, "webhook", name, backend_replicas),
        };
        sec.rows.push(vec![
            mesh.clone(),
            what.to_owned(),
            name.clone(),
            replicas.to_string(),
            spof_why(s),
        ]);
    }
    sec
}

/// The default `graph` output: blast radius, single points of failure, upgrade order,
/// fitted to `width`.
pub fn table(s: &Snapshot, g: &Graph, a: &Analysis, color: bool, width: usize) -> String {
    let mut head = headline(s);
    head.push(format!(
        "Dependency graph: {}, {} (-o dot, -o mermaid or -o json draws it)",
        plural(g.graph.node_count() as u64, "node"),
        plural(g.graph.edge_count() as u64, "edge")
    ));
    let mut page = Page::new(&head, color, width);
    if s.meshes.is_empty() {
        page.paragraph("No service mesh found.");
        return page.finish("-o json");
    }
    page.section(&blast_section(a, g));
    page.section(&spof_section(a));
    upgrade_order(&mut page, a);
    page.finish("-o json")
}

/// The runbook as a numbered list: each step's title, then what it restarts or targets
/// (summarised to the width; `-o json` lists every target).
fn upgrade_order(page: &mut Page, a: &Analysis) {
    let width = page.width();
    page.title("Upgrade order");
    if a.upgrade_steps.is_empty() {
        page.line("(none)");
    }
    for step in &a.upgrade_steps {
        let title = format!(
            "{:>2}. [{}, {}] {}",
            step.step, step.mesh, step.kind, step.title
        );
        page.line(&fit::wrap(&escape(&title), width, 4).join("\n"));
        let lead = if step.restarts > 0 {
            format!(
                "    restart {} in {}: ",
                plural(step.restarts, "workload"),
                plural(step.targets.len() as u64, "namespace")
            )
        } else {
            "    targets: ".to_owned()
        };
        let all = escape(&step.targets.join(", ")).into_owned();
        let room = width.saturating_sub(lead.chars().count()).max(20);
        let shown = fit::summarise(&all, room);
        if shown != all {
            page.lost();
        }
        page.line(&format!("{lead}{shown}"));
    }
}
