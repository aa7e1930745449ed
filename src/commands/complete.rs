//! `completion SHELL` (a completion script from clap's definition of the command line) and
//! the hidden `man --dir DIR` (one man page per command; `docs/man` is made with it and a
//! test keeps it current).

use clap::CommandFactory;

use crate::app::{exit, Error, Io};
use crate::cli::{Cli, CompletionArgs, ManArgs};

/// The name the scripts complete: the binary as installed (`kubectl meshsurface <TAB>` is
/// answered by `kubectl_complete-meshsurface`, see [`crate::completion`]).
pub const BIN: &str = "kubectl-meshsurface";

/// `completion SHELL`: prints the script on stdout.
pub fn script(args: &CompletionArgs, io: &mut Io<'_>) -> Result<u8, Error> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), BIN, &mut out);
    io.stdout.write_all(&out).map_err(Error::Output)?;
    Ok(exit::OK)
}

/// `man --dir DIR`: writes `kubectl-meshsurface.1` and `kubectl-meshsurface-<command>.1`.
pub fn man(args: &ManArgs) -> Result<u8, Error> {
    let write = |source| Error::Write {
        path: args.dir.clone(),
        source,
    };
    std::fs::create_dir_all(&args.dir).map_err(write)?;
    clap_mangen::generate_to(Cli::command(), &args.dir).map_err(write)?;
    Ok(exit::OK)
}
