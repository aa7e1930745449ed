//! Markdown output: the same sections as the table, as GitHub pipe tables. Cells are
//! escaped (control characters made visible, `|` escaped) so no name can break a row, and
//! long lists are summarised (`-o json` keeps them whole).

use super::fit::{self, escape};
use super::table::shows_not_set;
use super::{headline, sections, Section, NOT_SET_NOTE};
use crate::surface::Snapshot;

/// The longest list a Markdown cell holds before it is summarised.
const LIST_CELL: usize = 120;

/// One cell: escaped, `|` escaped; a list column's cell summarised. Whether it was cut.
pub(super) fn cell(s: &str, how: fit::Shrink) -> (String, bool) {
    let full = escape(s).into_owned();
    let short = if how == fit::Shrink::List {
        fit::summarise(&full, LIST_CELL)
    } else {
        full.clone()
    };
    let cut = short != full;
    (short.replace('|', "\\|"), cut)
}

/// A section's header and rows as a pipe table; whether a list was summarised.
pub(super) fn pipe_table(sec: &Section) -> (String, bool) {
    let headers: Vec<&str> = sec
        .headers
        .iter()
        .map(|h| if h.is_empty() { " " } else { h })
        .collect();
    let mut out = format!("| {} |\n", headers.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(sec.headers.len())));
    let mut lost = false;
    for r in &sec.rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let how = sec.fits.get(i).map(|f| f.shrink).unwrap_or_default();
                let (text, cut) = cell(c, how);
                lost |= cut;
                text
            })
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    (out, lost)
}

/// The snapshot as Markdown.
pub fn markdown(s: &Snapshot) -> String {
    write_all("meshsurface scan", &headline(s), sections(s, false))
}

/// The closing lines: what `not set` means, and where the summarised lists are whole.
pub(super) fn closing(not_set: bool, lost: bool) -> String {
    let mut out = String::new();
    if not_set {
        out.push_str(&format!("\n{NOT_SET_NOTE}\n"));
    }
    if lost {
        out.push_str("\nLong lists are summarised here: `-o json` shows everything.\n");
    }
    out
}

/// A title, header lines, then every section as a pipe table.
pub(super) fn write_all(title: &str, headline: &[String], sections: Vec<Section>) -> String {
    let mut out = format!("# {}\n\n", escape(title));
    for line in headline {
        out.push_str(&escape(line));
        out.push_str("  \n");
    }
    let (mut lost, mut not_set) = (false, false);
    for sec in sections {
        let hashes = if sec.level == 1 { "##" } else { "###" };
        out.push_str(&format!("\n{hashes} {}\n\n", escape(&sec.title)));
        if sec.headers.is_empty() {
            continue;
        }
        if let Some(note) = &sec.note {
            out.push_str(&escape(note));
            out.push('\n');
            continue;
        }
        if sec.rows.is_empty() {
            out.push_str("(none)\n");
            continue;
        }
        let (table, cut) = pipe_table(&sec);
        not_set |= shows_not_set(&table);
        lost |= cut;
        out.push_str(&table);
        if let Some(footer) = &sec.footer {
            out.push_str(&format!("\n{}\n", escape(footer)));
        }
    }
    out.push_str(&closing(not_set, lost));
    out
}
