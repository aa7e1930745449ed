//! The table drawer: kubectl-like blank-bordered columns, one block per [`Section`],
//! fitted to the terminal's width (see [`super::fit`]).
//!
//! Every table output (`scan`, `diff`, `graph`, `plan`, `compare`, `headcount`) is a
//! [`Page`]: header lines, then sections, then the closing lines (what `not set` means;
//! where the shortened cells are whole). One drawer, so a section looks and fits the same
//! whichever command printed it.

use tabled::builder::Builder;
use tabled::settings::object::Segment;
use tabled::settings::{Padding, Style};

use super::fit::{self, prose};
use super::section::Section;
use super::words::{NOT_SET, NOT_SET_NOTE};

/// `s` in bold when `color`.
fn bold(s: &str, color: bool) -> String {
    if color {
        format!("\x1b[1m{s}\x1b[0m")
    } else {
        s.to_owned()
    }
}

/// A row of a sign column in its colour: `+` green, `-` red, `~` yellow.
fn paint(line: &str, color: bool) -> String {
    let code = match line.as_bytes().first() {
        Some(b'+') => "32",
        Some(b'-') => "31",
        Some(b'~') => "33",
        _ => return line.to_owned(),
    };
    if color {
        format!("\x1b[{code}m{line}\x1b[0m")
    } else {
        line.to_owned()
    }
}

/// A section's table fitted to `width`; whether something was left out or cut.
fn draw(sec: &Section, width: usize) -> (String, bool) {
    let headers: Vec<&str> = sec.headers.iter().map(String::as_str).collect();
    let f = fit::fit(&headers, &sec.fits, &sec.rows, width);
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

/// A page of tables being drawn: `color` makes headings bold (and sign rows coloured),
/// `width` is the terminal's.
pub(super) struct Page {
    out: String,
    color: bool,
    width: usize,
    /// Something was left out or cut: the page ends with a hint.
    lost: bool,
    /// A drawn table shows [`NOT_SET`]: the page ends with what it means.
    not_set: bool,
}

impl Page {
    /// A page starting with `headline`, wrapped to `width`.
    pub(super) fn new(headline: &[String], color: bool, width: usize) -> Self {
        let mut out = prose(&headline.join("\n"), width);
        out.push('\n');
        Self {
            out,
            color,
            width,
            lost: false,
            not_set: false,
        }
    }

    pub(super) fn width(&self) -> usize {
        self.width
    }

    /// A blank line, then `text` as prose.
    pub(super) fn paragraph(&mut self, text: &str) {
        self.out.push('\n');
        self.out.push_str(&prose(text, self.width));
        self.out.push('\n');
    }

    /// A blank line, then a bold title.
    pub(super) fn title(&mut self, title: &str) {
        self.out.push('\n');
        self.out
            .push_str(&bold(&prose(title, self.width), self.color));
        self.out.push('\n');
    }

    /// One line the caller has fitted already.
    pub(super) fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Something was shortened outside a section (see [`Page::finish`]).
    pub(super) fn lost(&mut self) {
        self.lost = true;
    }

    /// A section: its title, note, table (or `(none)`) and footer. A heading-only section
    /// is drawn as `== title ==`.
    pub(super) fn section(&mut self, sec: &Section) {
        if sec.is_heading() {
            self.title(&format!("== {} ==", sec.title));
            return;
        }
        self.title(&sec.title);
        if let Some(note) = &sec.note {
            self.out.push_str(&prose(note, self.width));
            self.out.push('\n');
        }
        if sec.rows.is_empty() {
            if sec.note.is_none() {
                self.out.push_str("(none)\n");
            }
            return;
        }
        let (text, cut) = draw(sec, self.width);
        self.not_set |= text.contains(NOT_SET);
        self.lost |= cut;
        for line in text.lines() {
            if sec.signs {
                self.line(&paint(line, self.color));
            } else {
                self.line(line);
            }
        }
        if let Some(footer) = &sec.footer {
            self.out.push_str(&prose(footer, self.width));
            self.out.push('\n');
        }
    }

    /// The page with its closing lines: what `not set` means, and, when something was
    /// shortened, that `full` (`-o wide`, `-o json`, ...) shows everything.
    pub(super) fn finish(mut self, full: &str) -> String {
        if self.not_set {
            self.paragraph(NOT_SET_NOTE);
        }
        if self.lost {
            self.out.push('\n');
            self.out.push_str(&fit::hint(self.width, full));
            self.out.push('\n');
        }
        self.out
    }
}

/// Header lines, then every section as a titled table, fitted to `width`; when something
/// was shortened, a last line says that `full` shows everything.
pub(super) fn page(
    headline: &[String],
    sections: &[Section],
    color: bool,
    width: usize,
    full: &str,
) -> String {
    let mut page = Page::new(headline, color, width);
    for sec in sections {
        page.section(sec);
    }
    page.finish(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed_section() -> Section {
        let mut sec = Section::new(1, "Totals", vec!["", "FIGURE"]).signed();
        sec.rows = vec![
            vec!["+".into(), "grew".into()],
            vec!["-".into(), "shrank".into()],
            vec![String::new(), "same".into()],
        ];
        sec
    }

    #[test]
    fn sign_rows_are_coloured_only_when_asked() {
        let plain = page(&[], &[signed_section()], false, 80, "-o json");
        assert!(!plain.contains('\x1b'), "{plain}");
        let coloured = page(&[], &[signed_section()], true, 80, "-o json");
        assert!(coloured.contains("\x1b[1mTotals\x1b[0m"), "{coloured}");
        assert!(coloured.contains("\x1b[32m+   grew\x1b[0m"), "{coloured}");
        assert!(coloured.contains("\x1b[31m-   shrank\x1b[0m"), "{coloured}");
        assert!(coloured.contains("\n    same\n"), "{coloured}");
        // A section without a sign column is never painted, whatever its rows start with.
        let mut unsigned = signed_section();
        unsigned.signs = false;
        let text = page(&[], &[unsigned], true, 80, "-o json");
        assert!(!text.contains("\x1b[32m"), "{text}");
    }

    #[test]
    fn headings_notes_and_empty_sections() {
        let mut note = Section::new(2, "Meshes", vec!["MESH"]);
        note.note = Some("No service mesh found.".into());
        let empty = Section::new(2, "CRDs", vec!["NAME"]);
        let text = page(
            &["Scanned x".to_owned()],
            &[Section::heading("istio"), note, empty],
            false,
            80,
            "-o json",
        );
        assert_eq!(
            text,
            "Scanned x\n\n== istio ==\n\nMeshes\nNo service mesh found.\n\nCRDs\n(none)\n"
        );
    }

    #[test]
    fn a_shortened_page_says_what_keeps_everything() {
        let mut sec = Section::new(1, "Wide", vec!["A", "B"]);
        sec.rows = vec![vec!["x".repeat(50), "y".repeat(50)]];
        let text = page(&[], &[sec], false, 60, "-o wide");
        assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
        assert!(text.ends_with("-o wide shows everything.)\n"), "{text}");
    }
}
