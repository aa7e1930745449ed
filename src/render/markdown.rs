//! The Markdown drawer: the same [`Section`]s as the table drawer, as GitHub pipe tables
//! (`scan`, `diff`, `plan` and `compare` `-o markdown`, for a pull request or a wiki).
//!
//! Cells are escaped (control characters made visible, `|` escaped) so no name can break
//! a row, and long lists are summarised (`-o json` keeps them whole). Nothing is fitted to
//! a width: Markdown is read rendered.

use std::fmt::Write as _;

use super::fit::{self, escape};
use super::section::Section;
use super::words::{NOT_SET, NOT_SET_NOTE};

/// The longest list a Markdown cell holds before it is summarised.
const LIST_CELL: usize = 120;

/// One cell: escaped, `|` escaped; a list column's cell summarised. Whether it was cut.
fn cell(s: &str, how: fit::Shrink) -> (String, bool) {
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
fn pipe_table(sec: &Section) -> (String, bool) {
    let headers: Vec<&str> = sec
        .headers
        .iter()
        .map(|h| if h.is_empty() { " " } else { h.as_str() })
        .collect();
    let mut out = format!("| {} |\n", headers.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(sec.headers.len()));
    let mut lost = false;
    for r in &sec.rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let (text, cut) = cell(c, sec.shrink_of(i));
                lost |= cut;
                text
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    (out, lost)
}

/// A note: one line as it is; the lines of a longer note kept apart by hard breaks.
fn note(text: &str) -> String {
    if text.lines().count() < 2 {
        return format!("{}\n", escape(text));
    }
    let mut out = String::new();
    for l in text.lines() {
        let _ = writeln!(out, "{}  ", escape(l));
    }
    out
}

/// `# title`, the header lines, then every section (a level-1 section is `##`, a level-2
/// one `###`) with its note, pipe table (or `(none)`) and footer; then the closing lines:
/// what `not set` means, and where the summarised lists are whole.
pub(super) fn page(title: &str, headline: &[String], sections: &[Section]) -> String {
    let mut out = format!("# {}\n\n", escape(title));
    for line in headline {
        out.push_str(&escape(line));
        out.push_str("  \n");
    }
    let (mut lost, mut not_set) = (false, false);
    for sec in sections {
        let hashes = if sec.level == 1 { "##" } else { "###" };
        let _ = write!(out, "\n{hashes} {}\n\n", escape(&sec.title));
        if let Some(text) = &sec.note {
            out.push_str(&note(text));
        }
        if sec.headers.is_empty() {
            continue;
        }
        if sec.rows.is_empty() {
            if sec.note.is_none() {
                out.push_str("(none)\n");
            }
            continue;
        }
        if sec.note.is_some() {
            out.push('\n');
        }
        let (table, cut) = pipe_table(sec);
        not_set |= table.contains(NOT_SET);
        lost |= cut;
        out.push_str(&table);
        if let Some(footer) = &sec.footer {
            let _ = write!(out, "\n{}\n", escape(footer));
        }
    }
    if not_set {
        let _ = write!(out, "\n{NOT_SET_NOTE}\n");
    }
    if lost {
        out.push_str("\nLong lists are summarised here: `-o json` shows everything.\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_a_row() {
        let mut sec = Section::new(2, "Webhooks", vec!["", "NAME", "SERVICES"])
            .shrink("SERVICES", fit::Shrink::List);
        let services: Vec<String> = (0..40).map(|i| format!("ns-{i}/svc")).collect();
        sec.rows = vec![vec!["+".into(), "a|b\nc".into(), services.join(", ")]];
        let md = page("t", &[], &[sec]);
        assert!(
            md.contains("|   | NAME | SERVICES |\n|---|---|---|\n"),
            "{md}"
        );
        assert!(md.contains("| + | a\\|b\\nc | ns-0/svc, "), "{md}");
        assert!(md.contains("… (+"), "{md}");
        assert!(md.ends_with("`-o json` shows everything.\n"), "{md}");
    }

    #[test]
    fn notes_headings_and_levels() {
        let mut growth = Section::new(1, "Growth", Vec::<String>::new());
        growth.note = Some("one\ntwo".into());
        let mut meshes = Section::new(1, "Meshes", vec!["MESH"]);
        meshes.note = Some("No service mesh found.".into());
        let md = page(
            "meshsurface scan",
            &["Scanned x".to_owned()],
            &[growth, meshes, Section::new(2, "CRDs", vec!["NAME"])],
        );
        assert_eq!(
            md,
            "# meshsurface scan\n\nScanned x  \n\n## Growth\n\none  \ntwo  \n\n\
             ## Meshes\n\nNo service mesh found.\n\n### CRDs\n\n(none)\n"
        );
    }
}
