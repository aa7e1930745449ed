//! Markdown output: the same sections as the table, as GitHub pipe tables.

use super::{headline, sections};
use crate::surface::Snapshot;

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The snapshot as Markdown.
pub fn markdown(s: &Snapshot) -> String {
    let mut out = String::from("# meshsurface scan\n\n");
    for line in headline(s) {
        out.push_str(&line);
        out.push_str("  \n");
    }
    for sec in sections(s, false) {
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
