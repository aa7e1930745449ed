//! How a node carrying a hazard is drawn: a label line with the severity word (never
//! colour alone), a coloured border in DOT, a class in Mermaid, and a `HAZARDS` column in
//! the blast-radius table. Apart so every output marks nodes the same way.

use std::fmt::Write as _;

use crate::graph::{Graph, Node};
use crate::surface::Severity;

/// `critical fail-closed-single-replica` (one per code, most severe first).
pub(super) fn words(n: &Node) -> Option<String> {
    (!n.hazards.is_empty()).then(|| {
        n.hazards
            .iter()
            .map(|h| format!("{} {}", h.severity.as_str(), h.code.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// The label line of a marked node: `hazard: critical fail-closed-single-replica`.
pub(super) fn label_line(n: &Node) -> Option<String> {
    words(n).map(|w| format!("hazard: {w}"))
}

/// The most severe hazard of a node, if any.
fn worst(n: &Node) -> Option<Severity> {
    n.hazards.iter().map(|h| h.severity).min()
}

fn colour(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "red",
        Severity::Warning => "orange",
        Severity::Info => "blue",
    }
}

/// Extra DOT attributes of a node: a thick border in its worst severity's colour.
pub(super) fn dot_attrs(n: &Node) -> String {
    worst(n).map_or(String::new(), |s| {
        format!(", color={}, penwidth=2", colour(s))
    })
}

fn class(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "hazardCritical",
        Severity::Warning => "hazardWarning",
        Severity::Info => "hazardInfo",
    }
}

/// Mermaid `classDef`s and `class` lines for the marked nodes (empty when none is).
pub(super) fn mermaid_classes(g: &Graph) -> String {
    let mut out = String::new();
    let mut used = Vec::new();
    for (i, n) in g.nodes() {
        if let Some(s) = worst(n) {
            let _ = writeln!(out, "  class n{} {}", i.index(), class(s));
            if !used.contains(&s) {
                used.push(s);
            }
        }
    }
    used.sort();
    let mut defs = String::new();
    for s in used {
        let _ = writeln!(
            defs,
            "  classDef {} stroke:{},stroke-width:3px",
            class(s),
            colour(s)
        );
    }
    defs + &out
}
