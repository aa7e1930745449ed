//! The error a command returns, and its class (so its exit code: [`Class::code`]).
//!
//! Below `commands` (which return it) and above the library stages whose errors it wraps.
//! Each stage's error says its own class (`fn class`); this one only delegates, so that no
//! match here reaches into another stage's variants.

use std::path::PathBuf;

use thiserror::Error;

use crate::exit::Class;
use crate::render;

/// A command that could not run.
#[derive(Debug, Error)]
pub enum Error {
    /// Loading the cluster (files or live) or the built-in knowledge failed.
    #[error(transparent)]
    Pipeline(#[from] crate::pipeline::Error),
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
    /// The command line is well-formed but its flags contradict each other.
    #[error("{0}")]
    Usage(String),
    /// Reading the kubeconfig's contexts (`scan --all-contexts`).
    #[error(transparent)]
    Live(#[from] crate::source::live::Error),
    #[error("{0}")]
    Budget(#[from] crate::budget::Error),
    #[error(transparent)]
    Growth(#[from] crate::growth::Error),
    #[error(transparent)]
    Headcount(#[from] crate::headcount::Error),
    /// `scan --push`: the Pushgateway could not take the metrics.
    #[error(transparent)]
    Push(#[from] crate::push::Error),

    /// `serve` could not listen or start.
    #[error(transparent)]
    Serve(#[from] crate::serve::Error),

    /// `--price`/`--prices`: a price that cannot be used.
    #[error(transparent)]
    Cost(#[from] crate::cost::Error),
}

impl Error {
    /// What kind of failure this is.
    pub fn class(&self) -> Class {
        match self {
            Error::Pipeline(e) => e.class(),
            Error::Write { .. } | Error::Output(_) | Error::Render(_) | Error::Serve(_) => {
                Class::Failure
            }
            Error::Usage(_) => Class::Usage,
            Error::Live(e) => e.class(),
            Error::Budget(e) => e.class(),
            Error::Growth(e) => e.class(),
            Error::Headcount(e) => e.class(),
            Error::Push(e) => e.class(),
            Error::Cost(e) => e.class(),
        }
    }

    /// The exit code this error maps to.
    pub fn exit_code(&self) -> u8 {
        self.class().code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit;

    #[test]
    fn each_stage_says_its_class() {
        let nomesh = Error::Growth(crate::growth::Error::NoMesh("none".into()));
        assert_eq!(
            nomesh.exit_code(),
            exit::ERROR,
            "nothing to project is the input's"
        );
        let choose = Error::Growth(crate::growth::Error::ChooseMesh("two".into()));
        assert_eq!(choose.exit_code(), exit::USAGE);
        let read = crate::headcount::model::Error::Read {
            path: "m.toml".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert_eq!(Error::Headcount(read.into()).exit_code(), exit::ERROR);
        let parse = crate::headcount::model::Error::Parse {
            origin: "m.toml".into(),
            message: "bad".into(),
        };
        assert_eq!(Error::Headcount(parse.into()).exit_code(), exit::USAGE);
        let mixed = Error::from(crate::pipeline::Error::Mixed { fleet: true });
        assert_eq!(mixed.exit_code(), exit::USAGE);
        assert_eq!(Error::Usage("x".into()).class(), Class::Usage);
    }
}
