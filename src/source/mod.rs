//! Sources: where Kubernetes objects come from. Only this module knows transports and
//! file formats; it hands every object to an [`InventoryBuilder`](crate::inventory::InventoryBuilder).

pub mod kubeconfig;
pub mod live;
pub mod offline;
pub mod wire;

pub use offline::{read_offline, Limits, OfflineInput};

use std::path::PathBuf;

use thiserror::Error;

/// Why a source could not be read. Every variant names the file (and document) at fault.
#[derive(Debug, Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: document {doc} (line {line}) is not valid YAML: {message}")]
    Yaml {
        path: String,
        doc: usize,
        line: usize,
        message: String,
    },
    #[error("{path}: not valid JSON: {source}")]
    Json {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: document {doc}: {kind} {name}: {source}")]
    Object {
        path: String,
        doc: String,
        kind: String,
        name: String,
        #[source]
        source: Box<wire::FieldError>,
    },
    #[error(
        "{path}: snapshot schemaVersion {found} is not supported (this build reads {expected:?})"
    )]
    SchemaVersion {
        path: String,
        /// The value found, as written (`"meshsurface/v9"`, `1`).
        found: String,
        expected: &'static str,
    },
    #[error("{path}: not a valid meshsurface snapshot: {source}")]
    Snapshot {
        path: String,
        #[source]
        source: Box<wire::FieldError>,
    },
    #[error(
        "{path}: {what} is larger than {limit} (the {flag} cap): \
         raise the cap if the input is real"
    )]
    TooLarge {
        path: String,
        what: &'static str,
        limit: String,
        flag: &'static str,
    },
    #[error("{path}: no YAML or JSON files found")]
    Empty { path: PathBuf },
}

impl Error {
    /// Every source error is about the input given.
    pub fn class(&self) -> crate::exit::Class {
        crate::exit::Class::Input
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
