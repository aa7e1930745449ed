//! The error a command returns, and the exit code each kind maps to.
//!
//! Below `commands` and `load` (both return it) and above the library modules whose errors it
//! wraps, so that neither of its users has to import it from the other.

use std::path::PathBuf;

use thiserror::Error;

use crate::exit;
use crate::render;
use crate::source;

/// A command that could not run.
#[derive(Debug, Error)]
pub enum Error {
    #[error(transparent)]
    Source(#[from] source::Error),
    #[error("the built-in catalog is broken: {0}")]
    Catalog(#[from] crate::catalog::Error),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
    #[error("{0}")]
    Render(#[from] render::Error),
    /// The command line is well-formed but asks for something impossible.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Live(#[from] source::live::Error),
    #[error("{0}")]
    Budget(#[from] crate::budget::Error),
    #[error(transparent)]
    Growth(#[from] crate::growth::Error),
    #[error(transparent)]
    Headcount(#[from] crate::headcount::Error),
    /// Input that was read but cannot be used (e.g. snapshots of another schema version).
    #[error("{0}")]
    Input(String),
}

impl Error {
    /// The exit code this error maps to.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Budget(_) => exit::USAGE,
            Error::Growth(
                crate::growth::Error::UnknownFeature { .. }
                | crate::growth::Error::UnknownProfile(..)
                | crate::growth::Error::ChooseMesh(..)
                | crate::growth::Error::TooLarge { .. },
            ) => exit::USAGE,
            // A bad model file or feature list is a usage error: the command line asked for
            // an estimate the model cannot make.
            Error::Headcount(crate::headcount::Error::Model(e))
                if !matches!(e, crate::headcount::model::Error::Read { .. }) =>
            {
                exit::USAGE
            }
            Error::Headcount(crate::headcount::Error::UnknownFeature { .. }) => exit::USAGE,
            Error::Headcount(crate::headcount::Error::Growth(
                crate::growth::Error::UnknownFeature { .. }
                | crate::growth::Error::UnknownProfile(..),
            )) => exit::USAGE,
            _ => exit::ERROR,
        }
    }
}
