//! Rendering: the only place that formats text.
//!
//! Each command's data is laid out as [`Section`]s (a title, headers, rows, fitting rules)
//! by its own module, named after the command: [`scan`], [`diff`], [`graph`], [`plan`],
//! [`compare`], [`headcount`]. Each has the same public names for the same formats:
//! `table(.., color, width)`, `markdown(..)` and, where a command has more, `dot`,
//! `mermaid`, `csv`. Sections are drawn by one table drawer (`table.rs`) and one
//! Markdown drawer (`markdown.rs`), so every output fits, escapes and closes the same way;
//! figures are written by [`words`]. JSON and YAML ([`json`], [`yaml`]) are the data itself.

pub mod budget;
pub mod compare;
pub mod diff;
pub mod fit;
pub mod graph;
pub mod headcount;
mod markdown;
pub mod openmetrics;
pub mod plan;
pub mod rbac;
pub mod report;
pub mod scan;
mod section;
mod table;
pub mod words;

pub use section::Section;

use thiserror::Error;

/// A value that could not be serialized.
#[derive(Debug, Error)]
pub enum Error {
    #[error("cannot encode JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot encode YAML: {0}")]
    Yaml(#[from] serde_saphyr::ser_error::Error),
}

/// `value` as pretty JSON, with a trailing newline.
pub fn json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    Ok(s)
}

/// `value` as YAML.
pub fn yaml<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    Ok(serde_saphyr::to_string(value)?)
}
