//! `completion SHELL` (a completion script from clap's definition of the command line) and
//! the hidden `man --dir DIR` (one man page per command; `docs/man` is made with it and a
//! test keeps it current).

use crate::cli::{command, CompletionArgs, ManArgs};
use crate::error::Error;
use crate::exit;
use crate::io::Io;

/// The name the scripts complete: the binary as installed (`kubectl meshsurface <TAB>` is
/// answered by `kubectl_complete-meshsurface`, see [`crate::completion`]).
pub const BIN: &str = "kubectl-meshsurface";

/// `completion SHELL`: prints the script on stdout.
pub fn script(args: &CompletionArgs, io: &mut Io<'_>) -> Result<u8, Error> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut visible(&command()), BIN, &mut out);
    if args.shell == clap_complete::Shell::Bash {
        out = bash_fix(&out);
    }
    io.stdout.write_all(&out).map_err(Error::Output)?;
    Ok(exit::OK)
}

/// The command line as people complete it: the hidden subcommands (`man`, `json-schema`,
/// how `docs/` is made) left out. `clap_complete` 4 offers hidden subcommands in every
/// shell's script, and clap has no way to remove a subcommand, so the top level is rebuilt
/// around the visible ones.
fn visible(cmd: &clap::Command) -> clap::Command {
    let mut out = clap::Command::new(BIN)
        .about(cmd.get_about().cloned().unwrap_or_default())
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(cmd.is_subcommand_required_set());
    for arg in cmd.get_arguments() {
        out = out.arg(arg.clone());
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        out = out.subcommand(sub.clone());
    }
    out
}

/// `clap_complete` 4's bash script names a subcommand's state two ways when the binary's
/// name has a `-`: the word loop sets `cmd="kubectl__meshsurface__subcmd__scan"` but the
/// options are listed under `kubectl__subcmd__meshsurface__subcmd__scan)`, so no option of
/// any subcommand completes (`scan --out<TAB>` offered file names). One spelling fixes it;
/// `tests/cli/completion.rs` runs the script in bash to keep it so.
fn bash_fix(script: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(script)
        .replace("kubectl__subcmd__meshsurface", "kubectl__meshsurface")
        .into_bytes()
}

/// `man --dir DIR`: writes `kubectl-meshsurface.1` and `kubectl-meshsurface-<command>.1`.
pub fn man(args: &ManArgs) -> Result<u8, Error> {
    let write = |source| Error::Write {
        path: args.dir.clone(),
        source,
    };
    std::fs::create_dir_all(&args.dir).map_err(write)?;
    clap_mangen::generate_to(command(), &args.dir).map_err(write)?;
    Ok(exit::OK)
}
