//! The table output: kubectl-like blank-bordered columns, one block per section.

use tabled::builder::Builder;
use tabled::settings::object::Segment;
use tabled::settings::{Padding, Style};

use super::{headline, sections, Section};
use crate::surface::Snapshot;

pub(super) fn bold(s: &str, color: bool) -> String {
    if color {
        format!("\x1b[1m{s}\x1b[0m")
    } else {
        s.to_owned()
    }
}

pub(super) fn draw(sec: &Section) -> String {
    let mut b = Builder::default();
    b.push_record(sec.headers.iter().map(|h| (*h).to_owned()));
    for r in &sec.rows {
        b.push_record(r.clone());
    }
    let mut t = b.build();
    t.with(Style::blank());
    t.modify(Segment::all(), Padding::new(0, 2, 0, 0));
    // tabled pads the last column too; kubectl does not.
    t.to_string()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The snapshot as text tables; `wide` adds columns; `color` makes headings bold.
pub fn table(s: &Snapshot, wide: bool, color: bool) -> String {
    draw_all(&headline(s), sections(s, wide), color)
}

/// Header lines, then every section as a titled table.
pub(super) fn draw_all(headline: &[String], sections: Vec<Section>, color: bool) -> String {
    let mut out = headline.join("\n");
    out.push('\n');
    for sec in sections {
        out.push('\n');
        if sec.headers.is_empty() {
            out.push_str(&bold(&format!("== {} ==", sec.title), color));
            out.push('\n');
            continue;
        }
        out.push_str(&bold(&sec.title, color));
        out.push('\n');
        if let Some(note) = &sec.note {
            out.push_str(note);
            out.push('\n');
            continue;
        }
        if sec.rows.is_empty() {
            out.push_str("(none)\n");
            continue;
        }
        out.push_str(&draw(&sec));
        out.push('\n');
    }
    out
}
