//! Markdown output: the same sections as the table, as GitHub pipe tables.

use super::{headline, sections, Section};
use crate::surface::Snapshot;

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The snapshot as Markdown.
pub fn markdown(s: &Snapshot) -> String {
    write_all("meshsurface scan", &headline(s), sections(s, false))
}

/// A title, header lines, then every section as a pipe table.
pub(super) fn write_all(title: &str, headline: &[String], sections: Vec<Section>) -> String {
    let mut out = format!("# {title}\n\n");
    for line in headline {
        out.push_str(line);
        out.push_str("  \n");
    }
    for sec in sections {
        let hashes = if sec.level == 1 { "##" } else { "###" };
        out.push_str(&format!("\n{hashes} {}\n\n", sec.title));
        if sec.headers.is_empty() {
            continue;
        }
        if let Some(note) = &sec.note {
            out.push_str(note);
            out.push('\n');
            continue;
        }
        if sec.rows.is_empty() {
            out.push_str("(none)\n");
            continue;
        }
        out.push_str(&format!("| {} |\n", sec.headers.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(sec.headers.len())));
        for r in &sec.rows {
            let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
    }
    out
}
