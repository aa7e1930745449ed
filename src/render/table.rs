//! The table output: kubectl-like blank-bordered columns, one block per section, fitted to
//! the terminal's width (see [`super::fit`]).

use tabled::builder::Builder;
use tabled::settings::object::Segment;
use tabled::settings::{Padding, Style};

use super::fit::{self, prose};
use super::{headline, sections, Section, NOT_SET, NOT_SET_NOTE};
use crate::surface::Snapshot;

pub(super) fn bold(s: &str, color: bool) -> String {
    if color {
        format!("\x1b[1m{s}\x1b[0m")
    } else {
        s.to_owned()
    }
}

/// A section's table fitted to `width`; whether something was left out or cut.
pub(super) fn draw(sec: &Section, width: usize) -> (String, bool) {
    let f = fit::fit(&sec.headers, &sec.fits, &sec.rows, width);
    let lost = f.lost;
    let mut b = Builder::default();
    b.push_record(f.headers);
    for r in f.rows {
        b.push_record(r);
    }
    let mut t = b.build();
    t.with(Style::blank());
    t.modify(Segment::all(), Padding::new(0, 2, 0, 0));
    // tabled pads the last column too; kubectl does not.
    let text = t
        .to_string()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    (text, lost)
}

/// Whether a drawn table shows [`NOT_SET`] somewhere.
pub(super) fn shows_not_set(table: &str) -> bool {
    table.contains(NOT_SET)
}

/// The snapshot as text tables; `wide` adds columns (and is never shortened); `color` makes
/// headings bold; `width` is the terminal's.
pub fn table(s: &Snapshot, wide: bool, color: bool, width: usize) -> String {
    let width = if wide { fit::UNLIMITED } else { width };
    draw_all(
        &headline(s),
        sections(s, wide),
        color,
        width,
        "-o wide or -o json",
    )
}

/// Header lines, then every section as a titled table, fitted to `width`; when something
/// was shortened, a last line says that `full` shows everything.
pub(super) fn draw_all(
    headline: &[String],
    sections: Vec<Section>,
    color: bool,
    width: usize,
    full: &str,
) -> String {
    let mut out = prose(&headline.join("\n"), width);
    out.push('\n');
    let mut lost = false;
    let mut not_set = false;
    for sec in sections {
        out.push('\n');
        if sec.headers.is_empty() {
            out.push_str(&bold(&prose(&format!("== {} ==", sec.title), width), color));
            out.push('\n');
            continue;
        }
        out.push_str(&bold(&prose(&sec.title, width), color));
        out.push('\n');
        if let Some(note) = &sec.note {
            out.push_str(&prose(note, width));
            out.push('\n');
            continue;
        }
        if sec.rows.is_empty() {
            out.push_str("(none)\n");
            continue;
        }
        let (text, cut) = draw(&sec, width);
        not_set |= shows_not_set(&text);
        lost |= cut;
        out.push_str(&text);
        out.push('\n');
        if let Some(footer) = &sec.footer {
            out.push_str(&prose(footer, width));
            out.push('\n');
        }
    }
    if not_set {
        out.push('\n');
        out.push_str(&prose(NOT_SET_NOTE, width));
        out.push('\n');
    }
    if lost {
        out.push('\n');
        out.push_str(&fit::hint(width, full));
        out.push('\n');
    }
    out
}
