//! Completion for `kubectl meshsurface <TAB>`: kubectl's plugin completion protocol,
//! answered from clap's own definition of the command line, so that every subcommand,
//! flag and value list completes without a hand-kept copy.
//!
//! The protocol (kubectl ≥ 1.26; kubernetes/kubectl `pkg/cmd/plugin_completion.go`,
//! `pluginCompletion` and `getPluginCompletions`): for `kubectl meshsurface ARGS<TAB>`
//! kubectl runs the executable `kubectl_complete-meshsurface` found on `PATH` with ARGS,
//! the last one being the word under completion (`""` when a new word is started). It
//! prints one candidate per line, then optionally a last line `:<n>`, `n` a cobra
//! `ShellCompDirective` bit set (spf13/cobra `completions.go`: 1 error, 2 no space,
//! 4 no file completion, 8 filter file extensions, 16 filter directories, 32 keep order;
//! 0 the default, which lets the shell complete file names when no candidate fits).
//!
//! Context names after `--context` come from the kubeconfig (`--kubeconfig` when it is
//! on the line, else `$KUBECONFIG` or `~/.kube/config`), as kubectl completes its own.

use std::fmt::Write as _;

use std::path::PathBuf;

use clap::{Arg, Command};

/// cobra's `ShellCompDirective` values used here.
pub mod directive {
    /// Let the shell complete file names when no candidate fits.
    pub const DEFAULT: u32 = 0;
    /// Do not offer file names: the candidates are all there is.
    pub const NO_FILE_COMP: u32 = 4;
}

/// What to print: the candidates, then `:<directive>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub candidates: Vec<String>,
    pub directive: u32,
}

impl Answer {
    /// The protocol's output: one candidate per line, then the directive line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for c in &self.candidates {
            out.push_str(c);
            out.push('\n');
        }
        let _ = writeln!(out, ":{}", self.directive);
        out
    }
}

/// Where the cursor is, once the words before it are read.
enum Expect<'a> {
    /// A flag or a subcommand/positional word.
    Word,
    /// The value of this option.
    Value(&'a Arg),
}

/// Completes the last of `words` (the words after `kubectl meshsurface`), reading context
/// names with `contexts` (given the `--kubeconfig` on the line, if any).
pub fn complete(
    words: &[String],
    contexts: impl Fn(Option<&std::path::Path>) -> Vec<String>,
) -> Answer {
    let mut root = crate::cli::command();
    root.build();
    let (done, current) = match words.split_last() {
        Some((last, before)) => (before, last.as_str()),
        None => (&[][..], ""),
    };
    let mut cmd = &root;
    let mut expect = Expect::Word;
    let mut kubeconfig: Option<PathBuf> = None;
    let mut positionals = 0usize;
    let mut only_positionals = false;
    for word in done {
        if let Expect::Value(arg) = expect {
            if arg.get_id() == "kubeconfig" {
                kubeconfig = Some(PathBuf::from(word));
            }
            expect = Expect::Word;
            continue;
        }
        if only_positionals || word == "-" || !word.starts_with('-') {
            match subcommand(cmd, word) {
                Some(sub) if positionals == 0 => cmd = sub,
                _ => positionals += 1,
            }
            continue;
        }
        if word == "--" {
            only_positionals = true;
        } else if let Some(long) = word.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            if let Some(arg) = cmd.get_arguments().find(|a| a.get_long() == Some(name)) {
                match value {
                    Some(v) if arg.get_id() == "kubeconfig" => kubeconfig = Some(PathBuf::from(v)),
                    None if takes_value(arg) => expect = Expect::Value(arg),
                    Some(_) | None => {}
                }
            }
        } else {
            // A cluster of short flags (`-qA`), the last of which may take the next word,
            // or its value glued on (`-ojson`).
            let shorts: Vec<char> = word.chars().skip(1).collect();
            for (i, c) in shorts.iter().enumerate() {
                let Some(arg) = cmd.get_arguments().find(|a| a.get_short() == Some(*c)) else {
                    break;
                };
                if takes_value(arg) {
                    if i + 1 == shorts.len() {
                        expect = Expect::Value(arg);
                    }
                    break;
                }
            }
        }
    }
    if let Expect::Value(arg) = expect {
        return values(arg, current, "", kubeconfig.as_deref(), &contexts);
    }
    if let Some(long) = current.strip_prefix("--") {
        if let Some((name, value)) = long.split_once('=') {
            return match cmd.get_arguments().find(|a| a.get_long() == Some(name)) {
                Some(arg) => values(
                    arg,
                    value,
                    &format!("--{name}="),
                    kubeconfig.as_deref(),
                    &contexts,
                ),
                None => no_files(Vec::new()),
            };
        }
    }
    if current.starts_with('-') && !only_positionals {
        let mut flags: Vec<String> = cmd
            .get_arguments()
            .filter(|a| !a.is_hide_set() && !a.is_positional())
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .filter(|f| f.starts_with(current))
            .collect();
        flags.sort();
        return no_files(flags);
    }
    if positionals == 0 && cmd.has_subcommands() {
        let subs = cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| s.get_name().to_owned())
            .filter(|n| n.starts_with(current))
            .collect();
        return no_files(subs);
    }
    // A positional argument: its values when clap lists them (`completion SHELL`), else
    // files (`diff BEFORE AFTER`); nothing where the command takes none.
    let answer = match cmd.get_positionals().nth(positionals) {
        Some(arg) => values(arg, current, "", kubeconfig.as_deref(), &contexts),
        None => no_files(Vec::new()),
    };
    answer
}

fn no_files(candidates: Vec<String>) -> Answer {
    Answer {
        candidates,
        directive: directive::NO_FILE_COMP,
    }
}

fn subcommand<'a>(cmd: &'a Command, word: &str) -> Option<&'a Command> {
    cmd.get_subcommands()
        .find(|s| s.get_name() == word || s.get_all_aliases().any(|a| a == word))
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_action().takes_values()
}

/// The values an option can take that start with `current`, each behind `prefix`.
fn values(
    arg: &Arg,
    current: &str,
    prefix: &str,
    kubeconfig: Option<&std::path::Path>,
    contexts: &impl Fn(Option<&std::path::Path>) -> Vec<String>,
) -> Answer {
    let all: Vec<String> = if arg.get_id() == "context" {
        contexts(kubeconfig)
    } else {
        let listed: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_owned())
            .collect();
        if listed.is_empty() {
            // A file, a duration, a number: the shell's own completion is the best guess.
            return Answer {
                candidates: Vec::new(),
                directive: directive::DEFAULT,
            };
        }
        listed
    };
    no_files(
        all.into_iter()
            .filter(|v| v.starts_with(current))
            .map(|v| format!("{prefix}{v}"))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &[&str]) -> Vec<String> {
        s.iter().map(|w| (*w).to_owned()).collect()
    }

    fn ask(s: &[&str]) -> Answer {
        complete(&words(s), |kc| match kc {
            Some(p) => vec![format!("from-{}", p.display())],
            None => vec!["eu".into(), "us".into()],
        })
    }

    #[test]
    fn subcommands_complete_from_the_clap_definition() {
        let a = ask(&["sc"]);
        assert_eq!(a.candidates, ["scan"]);
        assert_eq!(a.directive, directive::NO_FILE_COMP);
        let all = ask(&[""]).candidates;
        for sub in [
            "scan",
            "plan",
            "compare",
            "diff",
            "graph",
            "headcount",
            "serve",
            "completion",
        ] {
            assert!(all.iter().any(|c| c == sub), "{sub} in {all:?}");
        }
        assert!(
            !all.iter().any(|c| c == "man"),
            "hidden commands are not offered"
        );
    }

    #[test]
    fn flags_and_their_values_complete() {
        assert!(ask(&["scan", "--all"])
            .candidates
            .contains(&"--all-contexts".to_owned()));
        assert_eq!(ask(&["scan", "-o", "ya"]).candidates, ["yaml"]);
        assert_eq!(ask(&["scan", "--output=js"]).candidates, ["--output=json"]);
        assert_eq!(ask(&["completion", "fi"]).candidates, ["fish"]);
    }

    #[test]
    fn contexts_come_from_the_kubeconfig_on_the_line() {
        assert_eq!(ask(&["scan", "--context", ""]).candidates, ["eu", "us"]);
        assert_eq!(
            ask(&["graph", "--kubeconfig", "kc", "--context", ""]).candidates,
            ["from-kc"]
        );
        assert_eq!(ask(&["scan", "--context=u"]).candidates, ["--context=us"]);
    }

    #[test]
    fn files_are_left_to_the_shell() {
        assert_eq!(ask(&["scan", "--from", ""]).directive, directive::DEFAULT);
        assert_eq!(ask(&["diff", ""]).directive, directive::DEFAULT);
        assert_eq!(ask(&["scan", ""]).directive, directive::NO_FILE_COMP);
    }

    #[test]
    fn the_protocol_ends_with_the_directive_line() {
        assert_eq!(ask(&["sc"]).render(), "scan\n:4\n");
    }
}
