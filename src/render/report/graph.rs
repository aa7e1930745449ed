//! The dependency graph drawn as SVG, laid out in-process by `layout-rs` (a pure-Rust
//! Sugiyama-style layout: layers, crossing reduction, Brandes-Köpf placement), so a report
//! needs no Graphviz binary.
//!
//! Single points of failure and components whose outage reaches workloads are marked
//! twice: a CSS class (a dashed red border, a tinted fill) and a line of text in the box,
//! so the picture reads without colour. The same facts are listed as text below it.
//! What is drawn (one box per node, many per-namespace nodes folded into one) is decided
//! in `boxes.rs`; this module only lays it out and writes the SVG.

use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

use super::boxes::{self, Mark};
use crate::graph::{Analysis, Graph};

/// Font size of the boxes, and the width layout-rs is told a character takes.
const FONT: usize = 13;
const CHAR_W: f64 = 7.4;

/// The graph as an inline `<svg>` element, with how many nodes were folded into another's
/// box (see [`super::boxes`]); `None` when it has no node. Its element ids (arrow heads,
/// edge paths) start with `prefix`, so that several graphs on one page keep them unique.
pub fn svg(g: &Graph, a: &Analysis, prefix: &str) -> Option<(String, usize)> {
    if g.graph.node_count() == 0 {
        return None;
    }
    let drawing = boxes::drawing(g, a);
    let mut vg = VisualGraph::new(Orientation::LeftToRight);
    let mut handles = Vec::with_capacity(drawing.boxes.len());
    for b in &drawing.boxes {
        let text = b.lines.join("\n");
        let widest = b.lines.iter().map(|l| l.chars().count()).max().unwrap_or(1);
        #[expect(clippy::cast_precision_loss, reason = "a box size in pixels")]
        let size = Point::new(
            widest as f64 * CHAR_W + 24.0,
            b.lines.len() as f64 * (FONT as f64 + 5.0) + 18.0,
        );
        let class = match b.mark {
            Mark::Spof => "class=\"node spof\"",
            Mark::Blast => "class=\"node blast\"",
            Mark::None => "class=\"node\"",
        };
        let el = Element::create_with_properties(
            ShapeKind::new_box(&text),
            look(),
            Orientation::LeftToRight,
            size,
            class,
        );
        handles.push(vg.add_node(el));
    }
    for &(from, to) in &drawing.arrows {
        let (Some(&from), Some(&to)) = (handles.get(from), handles.get(to)) else {
            continue;
        };
        // The arrows' text style is the boxes' one: the writer emits one CSS class per font
        // size from a HashMap, so a second size would make the page's bytes vary.
        let arrow = Arrow::new(
            LineEndKind::None,
            LineEndKind::Arrow,
            LineStyleKind::Normal,
            "",
            &look(),
            &None,
            &None,
        );
        vg.add_edge(arrow, from, to);
    }
    let mut w = SVGWriter::new();
    vg.do_it(false, false, false, &mut w);
    // The writer sizes its canvas from guessed text extents, far past the drawing: the
    // canvas is set from the laid-out boxes instead (arrows run between them).
    let (mut width, mut height) = (0.0f64, 0.0f64);
    for h in vg.iter_nodes() {
        let (_, bottom_right) = vg.pos(h).bbox(true);
        width = width.max(bottom_right.x);
        height = height.max(bottom_right.y);
    }
    let out = w.finalize();
    // An inline <svg> takes no XML declaration: keep the drawing after the writer's own
    // `<svg ...>` line, under one sized to the boxes.
    let body = out
        .find("<svg")
        .and_then(|i| out[i..].find('\n').map(|j| i + j))?;
    let (width, height) = (width.ceil() + 10.0, height.ceil() + 10.0);
    let mut svg_body = out[body..].to_owned();
    if !prefix.is_empty() {
        for id in ["startarrow", "endarrow", "arrow"] {
            svg_body = svg_body
                .replace(&format!("id=\"{id}"), &format!("id=\"{prefix}{id}"))
                .replace(&format!("#{id}"), &format!("#{prefix}{id}"));
        }
    }
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\">{svg_body}"
    );
    Some((svg, drawing.folded))
}

/// The one style of boxes and arrows: thin black lines, white boxes, [`FONT`].
fn look() -> StyleAttr {
    StyleAttr::new(Color::fast("black"), 1, Some(Color::fast("white")), 4, FONT)
}
