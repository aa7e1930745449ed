//! One module per subcommand. Each takes its parsed arguments and the standard streams,
//! and returns an exit code; shared loading lives in [`crate::app`].

pub mod diff;
pub mod plan;
pub mod rbac;
pub mod scan;
