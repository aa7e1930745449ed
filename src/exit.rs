//! The process exit codes of the design's contract, and how several combine.
//!
//! A module of its own, below everything that returns a code (`commands`, `error`), so that
//! the codes have one definition and no module has to import them from the one that calls it.

pub const OK: u8 = 0;
pub const ERROR: u8 = 1;
pub const USAGE: u8 = 2;
pub const INCOMPLETE: u8 = 3;
pub const BUDGET: u8 = 4;

/// What kind of failure an error is: each stage's error says its class (`fn class`), and
/// [`Class::code`] is the one place a class becomes an exit code.
///
/// An incomplete scan (3) and an exceeded budget (4) are not errors: they are results,
/// judged by the command ([`combine`]), so they have no class here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// The command line asks for something impossible or malformed (a bad `--fail-on`,
    /// an unknown feature, flags that contradict each other).
    Usage,
    /// The input could not be read or cannot be used (a missing or malformed file, a
    /// kubeconfig that does not parse, a snapshot of another schema version).
    Input,
    /// The cluster could not be reached or answered nothing usable.
    Unreachable,
    /// Anything else that stops the run: the built-in data, the runtime, writing output.
    Failure,
}

impl Class {
    /// The exit code of the design's contract for this class.
    pub fn code(self) -> u8 {
        match self {
            Class::Usage => USAGE,
            Class::Input | Class::Unreachable | Class::Failure => ERROR,
        }
    }
}

/// The code when several apply: the lowest non-zero wins. So an incomplete scan (3)
/// beats an exceeded budget (4), as the design asks: a budget judged on partial data
/// is not trusted.
pub fn combine(codes: impl IntoIterator<Item = u8>) -> u8 {
    let mut nonzero: Vec<u8> = codes.into_iter().filter(|c| *c != OK).collect();
    nonzero.sort_unstable();
    nonzero.first().copied().unwrap_or(OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_code_precedence() {
        assert_eq!(combine([]), OK);
        assert_eq!(combine([OK, OK]), OK);
        assert_eq!(combine([BUDGET, OK]), BUDGET);
        assert_eq!(combine([BUDGET, INCOMPLETE]), INCOMPLETE, "3 beats 4");
        assert_eq!(combine([INCOMPLETE, USAGE, BUDGET]), USAGE);
        assert_eq!(combine([BUDGET, ERROR]), ERROR);
    }
}
