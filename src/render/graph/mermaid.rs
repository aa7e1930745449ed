//! `graph -o mermaid`: a Mermaid `flowchart LR`, one subgraph per mesh (as DOT draws
//! clusters), marked nodes given a class. Apart from the tables and DOT for length only.

use std::fmt::Write as _;

use petgraph::visit::EdgeRef;

use super::{clusters, label, marks, mesh_title};
use crate::graph::{Graph, Node, NodeKind};
use crate::surface::Snapshot;

/// Text inside a quoted Mermaid label: quotes and angle brackets as entity codes.
fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn mermaid_node(i: usize, n: &Node) -> String {
    let text = label(n)
        .iter()
        .map(|l| mermaid_escape(l))
        .collect::<Vec<_>>()
        .join("<br/>");
    let (open, close) = match n.kind {
        NodeKind::Component { .. } => ("[\"", "\"]"),
        NodeKind::Proxy { .. } => ("([\"", "\"])"),
        NodeKind::CrdGroup { .. } => ("[(\"", "\")]"),
        NodeKind::Webhook { .. } => ("{{\"", "\"}}"),
        NodeKind::Namespace { .. } => ("[/\"", "\"/]"),
    };
    format!("n{i}{open}{text}{close}")
}

/// A Mermaid `flowchart LR`, for a GitHub issue or wiki page.
pub fn mermaid(s: &Snapshot, g: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    for (k, (mesh, nodes)) in clusters(g).iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph mesh{k}[\"{}\"]",
            mermaid_escape(&mesh_title(s, mesh))
        );
        for &i in nodes {
            let n = &g.graph[petgraph::graph::NodeIndex::new(i)];
            let _ = writeln!(out, "    {}", mermaid_node(i, n));
        }
        out.push_str("  end\n");
    }
    for e in g.graph.edge_references() {
        let _ = writeln!(
            out,
            "  n{} -->|{}| n{}",
            e.source().index(),
            e.weight().r#type.as_str(),
            e.target().index()
        );
    }
    out.push_str(&marks::mermaid_classes(g));
    out
}
