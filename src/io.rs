//! The standard streams and the terminal facts a command writes with.
//!
//! Passed in rather than taken from the process, so that tests run commands in-process; a
//! module of its own so that `main`, the commands and the loading below them share it without
//! importing each other.

use std::io::{Read, Write};

/// Standard streams, passed in so that tests can run commands in-process.
pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Whether stdout is a terminal that may be coloured (and `NO_COLOR` is unset).
    pub color: bool,
    /// Whether stdout is a terminal (`report` refuses to print HTML there).
    pub stdout_terminal: bool,
    /// Whether stderr is a terminal (progress is drawn only there).
    pub stderr_terminal: bool,
    /// The width human tables are fitted to (`COLUMNS`, else the terminal's, else 80).
    pub width: usize,
}

/// The width to fit tables to: `COLUMNS` when it is a positive number, else the terminal's
/// (`terminal`: the size of stdout when it is a terminal), else
/// [`crate::render::fit::DEFAULT_WIDTH`].
pub fn terminal_width(columns: Option<&str>, terminal: Option<usize>) -> usize {
    columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .or(terminal)
        .filter(|w| *w > 0)
        .unwrap_or(crate::render::fit::DEFAULT_WIDTH)
}
