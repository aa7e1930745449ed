//! [`Section`]: one block of human output (a title, column names, rows, and how the
//! columns may be fitted), the one shape every table and Markdown page is made of.
//!
//! Each command lays its data out as sections (`scan`, `diff`, `plan`, ...); the table
//! drawer ([`super::table`]) and the Markdown drawer ([`super::markdown`]) draw any section
//! the same way, so the two outputs always show the same figures under the same rules.

use super::fit;

/// One block of output: a heading, column names and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Heading level: 1 for a mesh (or a part of a page), 2 for a part of a mesh. Only
    /// Markdown shows it (`##`, `###`).
    pub level: u8,
    pub title: String,
    /// No columns and no note: the section is only a heading (a mesh's name). Owned, so
    /// that columns named after data (compare's one column per profile) need no list here.
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// A line of text printed before the table (or instead of it, with no rows).
    pub note: Option<String>,
    /// How each column may be shortened or dropped to fit the terminal (by header index).
    pub fits: Vec<fit::ColFit>,
    /// A line printed after the table (e.g. how many rows were left out).
    pub footer: Option<String>,
    /// The first column is a sign (`+` added, `-` removed, `~` changed): on a terminal,
    /// rows are coloured by it.
    pub signs: bool,
}

impl Section {
    pub(crate) fn new<H: Into<String>>(
        level: u8,
        title: impl Into<String>,
        headers: Vec<H>,
    ) -> Self {
        Self {
            level,
            title: title.into(),
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            note: None,
            fits: Vec::new(),
            footer: None,
            signs: false,
        }
    }

    /// A heading with nothing under it (a mesh, whose parts follow).
    pub(crate) fn heading(title: impl Into<String>) -> Self {
        Self::new(1, title, Vec::<String>::new())
    }

    /// Whether this is only a heading (see [`Section::heading`]).
    pub(crate) fn is_heading(&self) -> bool {
        self.headers.is_empty() && self.note.is_none()
    }

    /// Marks the first column as a sign column (see [`Section::signs`]).
    pub(crate) fn signed(mut self) -> Self {
        self.signs = true;
        self
    }

    /// Columns that may be dropped when the table does not fit, the first named first.
    /// A column this table does not have is ignored.
    pub(crate) fn optional(mut self, columns: &[&str]) -> Self {
        for (k, col) in columns.iter().enumerate() {
            let drop = u8::try_from(columns.len() - k).unwrap_or(u8::MAX);
            if let Some(f) = self.col_fit(col) {
                f.drop = drop;
            }
        }
        self
    }

    /// How a column's cells are shortened (see [`fit::Shrink`]); a column this table does
    /// not have is ignored.
    pub(crate) fn shrink(mut self, column: &str, how: fit::Shrink) -> Self {
        if let Some(f) = self.col_fit(column) {
            f.shrink = how;
        }
        self
    }

    /// Figures are never cut: a cut number reads as another number.
    pub(crate) fn keep(self, columns: &[&str]) -> Self {
        columns
            .iter()
            .fold(self, |sec, col| sec.shrink(col, fit::Shrink::Keep))
    }

    /// How column `i` is shortened.
    pub(crate) fn shrink_of(&self, i: usize) -> fit::Shrink {
        self.fits.get(i).map(|f| f.shrink).unwrap_or_default()
    }

    fn col_fit(&mut self, column: &str) -> Option<&mut fit::ColFit> {
        let i = self.headers.iter().position(|h| *h == column)?;
        if self.fits.len() < self.headers.len() {
            self.fits.resize(self.headers.len(), fit::ColFit::default());
        }
        self.fits.get_mut(i)
    }
}
