//! Shell completion scripts, kubectl's plugin completion hook
//! (`kubectl_complete-meshsurface`), and the man pages in docs/man kept equal to what the
//! command line generates.

use std::path::Path;
use std::process::{Command, Output};

use crate::util::{root, run, stderr, stdout};

/// Runs `kubectl_complete-meshsurface ARGS` with extra environment variables.
fn complete(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubectl_complete-meshsurface"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .output()
        .expect("completion binary runs")
}

/// Runs the generated bash script in bash, as a shell does on <TAB>: `words` are the
/// command line up to the cursor (the last one the word being completed).
fn bash_complete(words: &[&str]) -> Vec<String> {
    let script = stdout(&run(&["completion", "bash"], None));
    let dir = std::env::temp_dir().join(format!("meshsurface-bash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let file = dir.join(format!("{}.bash", words.join("_").replace(['/', ' '], "_")));
    std::fs::write(&file, script).expect("script written");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let prev = if cword > 0 { words[cword - 1] } else { "" };
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; \
         _kubectl__meshsurface kubectl-meshsurface '{}' '{prev}'; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display(),
        quoted.join(" "),
        words[cword],
    );
    let o = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash runs");
    std::fs::remove_file(&file).ok();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
#[expect(
    clippy::print_stderr,
    reason = "a test skipped for a missing tool says so (shown with --nocapture)"
)]
fn the_bash_script_completes_subcommands_and_their_options_in_bash() {
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("bash is not installed: skipped");
        return;
    }
    let subs = bash_complete(&["kubectl-meshsurface", "sc"]);
    assert_eq!(subs, ["scan"], "subcommands complete");
    let opts = bash_complete(&["kubectl-meshsurface", "scan", "--out"]);
    assert_eq!(opts, ["--output"], "a subcommand's options complete");
    let values = bash_complete(&["kubectl-meshsurface", "scan", "-o", "ya"]);
    assert_eq!(values, ["yaml"], "an option's values complete");
    let diff = bash_complete(&["kubectl-meshsurface", "diff", "--fail"]);
    assert_eq!(diff, ["--fail-on"], "every subcommand's options complete");
    // The hidden subcommands (how docs/ is made) are not offered.
    let m = bash_complete(&["kubectl-meshsurface", "m"]);
    assert!(!m.iter().any(|w| w == "man"), "hidden `man` offered: {m:?}");
    let j = bash_complete(&["kubectl-meshsurface", "j"]);
    assert!(
        !j.iter().any(|w| w == "json-schema"),
        "hidden `json-schema` offered: {j:?}"
    );
}

#[test]
fn completion_scripts_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = run(&["completion", shell], None);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        for sub in [
            "scan",
            "plan",
            "compare",
            "diff",
            "graph",
            "headcount",
            "serve",
            "rbac",
        ] {
            assert!(script.contains(sub), "{shell} script lacks {sub}");
        }
        assert!(script.contains("kubectl-meshsurface"), "{shell}");
        assert!(
            !script.contains("json-schema"),
            "{shell} script offers the hidden json-schema"
        );
    }
    let o = run(&["completion", "bash"], None);
    assert!(
        stdout(&o).contains("complete -F _kubectl__meshsurface"),
        "a bash completion function is registered"
    );
}

#[test]
fn the_kubectl_plugin_hook_completes_subcommands() {
    let o = complete(&["sc"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "scan\n:4\n",
        "one candidate, then the directive"
    );
    let o = complete(&["scan", "-o", ""], &[]);
    assert_eq!(
        stdout(&o),
        "table\nwide\njson\nyaml\nmarkdown\nopenmetrics\n:4\n"
    );
    // A file argument is left to the shell (directive 0, the default).
    let o = complete(&["scan", "--from", ""], &[]);
    assert_eq!(stdout(&o), ":0\n");
}

#[test]
fn the_kubectl_plugin_hook_completes_contexts_from_the_kubeconfig() {
    let dir = std::env::temp_dir().join(format!("meshsurface-complete-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let kc = dir.join("config");
    fakekube::write_kubeconfig(
        &kc,
        &[
            fakekube::KubeconfigContext {
                name: "prod-eu".into(),
                server: "http://127.0.0.1:9".into(),
                token: "t".into(),
                namespace: None,
            },
            fakekube::KubeconfigContext {
                name: "staging".into(),
                server: "http://127.0.0.1:9".into(),
                token: "t".into(),
                namespace: None,
            },
        ],
        "prod-eu",
    )
    .expect("kubeconfig");
    let kc_s = kc.to_string_lossy().into_owned();
    let o = complete(&["scan", "--context", ""], &[("KUBECONFIG", &kc_s)]);
    assert_eq!(stdout(&o), "prod-eu\nstaging\n:4\n", "{}", stderr(&o));
    let o = complete(&["graph", "--context", "st"], &[("KUBECONFIG", &kc_s)]);
    assert_eq!(stdout(&o), "staging\n:4\n");
    // `--kubeconfig` on the line wins over the environment.
    let o = complete(
        &["plan", "--kubeconfig", &kc_s, "--context", ""],
        &[("KUBECONFIG", "/nonexistent")],
    );
    assert_eq!(stdout(&o), "prod-eu\nstaging\n:4\n");
    std::fs::remove_dir_all(&dir).ok();
}

/// docs/man is what `kubectl-meshsurface man --dir docs/man` writes; when the command line
/// changes, run that and commit the result.
#[test]
fn committed_man_pages_match_the_command_line() {
    let dir = std::env::temp_dir().join(format!("meshsurface-man-{}", std::process::id()));
    let o = run(&["man", "--dir", &dir.to_string_lossy()], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let names = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let committed = root().join("docs/man");
    let generated = names(&dir);
    assert!(generated.contains(&"kubectl-meshsurface-scan.1".to_owned()));
    assert_eq!(
        names(&committed),
        generated,
        "docs/man is stale: run `cargo run -- man --dir docs/man`"
    );
    for name in &generated {
        assert_eq!(
            std::fs::read_to_string(committed.join(name)).expect("committed page"),
            std::fs::read_to_string(dir.join(name)).expect("generated page"),
            "docs/man/{name} is stale: run `cargo run -- man --dir docs/man`"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// kubectl itself (≥ 1.26) runs the hook for `kubectl meshsurface <TAB>`: its hidden
/// `__complete` command is what the shell scripts of kubectl call. Skipped without kubectl.
#[test]
#[expect(clippy::print_stderr, reason = "says why the test checked nothing")]
fn kubectl_completes_the_plugin_through_the_hook() {
    let hook = std::path::PathBuf::from(env!("CARGO_BIN_EXE_kubectl_complete-meshsurface"));
    let bin_dir = hook.parent().expect("the binaries' folder").to_owned();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let Ok(o) = Command::new("kubectl")
        .args(["__complete", "meshsurface", "sc"])
        .env("PATH", &path)
        .output()
    else {
        eprintln!("kubectl is not installed: skipped");
        return;
    };
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(out.lines().collect::<Vec<_>>(), ["scan", ":4"], "{out}");
}
