//! One convention across commands (issue 12, items 6 and 7): kubeconfig errors that say
//! what is wrong, `--context` refused where it would be ignored, `-q` and `-o yaml`
//! wherever they make sense, usage errors that list the choices; and the exec credential
//! plugin bounded by the request timeout (issue 13).

use std::path::PathBuf;

use fakekube::FakeKube;
use serde_json::Value;

use crate::util::{root, run, run_env, stderr, stdout};

/// A scratch folder of this test's own.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("meshsurface-conv-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    dir
}

/// A kubeconfig with contexts `a` (user `u`, a token) and `b` (user `ghost`, not defined),
/// pointing at a port where nothing listens.
const TWO_CONTEXTS: &str = "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"http://127.0.0.1:9\"}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\n- name: b\n  context: {cluster: c, user: ghost}\ncurrent-context: a\n";

#[test]
fn a_malformed_kubeconfig_in_the_environment_is_named_with_its_line() {
    let dir = scratch("badkc");
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"http://127.0.0.1:9\"\ncontexts: []\n",
    )
    .expect("write");
    let bad_s = bad.to_string_lossy().into_owned();
    for env in [bad_s.clone(), format!("/nonexistent:{bad_s}")] {
        let o = run_env(&["scan"], None, &[("KUBECONFIG", &env)]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(&format!("error loading config file \"{bad_s}\"")),
            "{err}"
        );
        assert!(err.contains("line 6"), "where in the file: {err}");
        assert!(!err.contains("no kubeconfig found"), "{err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_unknown_context_lists_the_contexts_there_are() {
    let dir = scratch("ctx");
    let kc = dir.join("config");
    std::fs::write(&kc, TWO_CONTEXTS).expect("write");
    let kc_s = kc.to_string_lossy().into_owned();
    let o = run_env(
        &["scan", "--context", "nope"],
        None,
        &[("KUBECONFIG", &kc_s)],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "context \"nope\" is not in the kubeconfig ({kc_s}); its contexts: a, b"
        )),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_context_naming_a_missing_user_is_refused() {
    let dir = scratch("user");
    let kc = dir.join("config");
    std::fs::write(&kc, TWO_CONTEXTS).expect("write");
    let kc_s = kc.to_string_lossy().into_owned();
    let o = run(
        &[
            "scan",
            "--kubeconfig",
            &kc_s,
            "--context",
            "b",
            "--request-timeout",
            "2s",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("user \"ghost\" was not found for context \"b\""),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_hanging_exec_plugin_is_bounded_by_the_request_timeout_and_named() {
    let dir = scratch("exec");
    let plugin = dir.join("login-plugin.sh");
    // Waits as a plugin waiting for a browser login would; long enough that a scan
    // that waits for it fails this test's expectations instead of passing.
    std::fs::write(&plugin, "#!/bin/sh\nexec sleep 120\n").expect("plugin");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let kc = dir.join("config");
    std::fs::write(
        &kc,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {{server: \"http://127.0.0.1:9\"}}\nusers:\n- name: sso\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {}\n      args: [--cluster, prod]\n      interactiveMode: Never\ncontexts:\n- name: prod\n  context: {{cluster: c, user: sso}}\ncurrent-context: prod\n",
            plugin.display()
        ),
    )
    .expect("kubeconfig");
    let o = run(
        &[
            "scan",
            "--kubeconfig",
            &kc.to_string_lossy(),
            "--request-timeout",
            "1s",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "exec credential plugin `{} --cluster prod` (user \"sso\"): did not finish within 1s",
            plugin.display()
        )),
        "{err}"
    );
    assert!(err.contains("context prod"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn context_with_from_is_a_usage_error() {
    let from = ["--from", "fixtures/clusters/linkerd"];
    for cmd in [
        vec!["scan"],
        vec!["graph"],
        vec!["plan", "--enable", "mtls"],
        vec!["headcount"],
        vec!["compare"],
        vec!["report"],
    ] {
        let mut args = cmd.clone();
        args.extend_from_slice(&from);
        args.extend_from_slice(&["--context", "prod"]);
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("--context prod picks a live cluster"),
            "{cmd:?}: {}",
            stderr(&o)
        );
    }
    // Where no cluster is read at all, --context would be ignored just the same.
    let snap = "fixtures/clusters/linkerd";
    let o = run(&["compare", "--context", "prod"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let saved = scratch("diffctx").join("s.json");
    let o = run(
        &[
            "scan",
            "--from",
            snap,
            "--save",
            &saved.to_string_lossy(),
            "-q",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = saved.to_string_lossy().into_owned();
    let o = run(&["diff", &s, &s, "--context", "prod"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    std::fs::remove_dir_all(saved.parent().unwrap()).ok();
}

#[test]
fn quiet_is_accepted_everywhere_and_silences_diff() {
    let dir = scratch("quiet");
    let path = dir.join("before.json");
    let o = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/linkerd",
            "-o",
            "json",
            "-q",
        ],
        None,
    );
    let mut snap: Value = serde_json::from_slice(&o.stdout).expect("json");
    snap["complete"] = Value::Bool(false);
    std::fs::write(&path, serde_json::to_string(&snap).unwrap()).expect("write");
    let p = path.to_string_lossy().into_owned();
    let loud = run(&["diff", &p, &p], None);
    assert_eq!(loud.status.code(), Some(3), "{}", stderr(&loud));
    assert!(stderr(&loud).contains("incomplete"), "{}", stderr(&loud));
    let quiet = run(&["diff", &p, &p, "-q"], None);
    assert_eq!(quiet.status.code(), Some(3), "{}", stderr(&quiet));
    assert_eq!(stderr(&quiet), "", "-q silences the warnings");
    assert_eq!(stdout(&quiet), stdout(&loud), "not the output");
    let o = run(&["compare", "-q"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).ok();
}

/// `-o yaml` is the `-o json` document, as YAML, on every command that has `-o json`.
#[test]
fn yaml_is_offered_wherever_json_is() {
    let dir = scratch("yaml");
    let before = dir.join("before.json");
    let o = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/istio-sidecar",
            "--save",
            &before.to_string_lossy(),
            "-q",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let b = before.to_string_lossy().into_owned();
    let from = "fixtures/clusters/istio-sidecar";
    let commands: Vec<Vec<&str>> = vec![
        vec!["scan", "--from", from],
        vec!["diff", &b, &b],
        vec!["plan", "--from", from, "--enable", "mtls,l7-policy"],
        vec!["compare"],
        vec!["graph", "--from", from],
        vec!["headcount", "--from", from],
    ];
    for cmd in commands {
        let doc = |format: &str| {
            let mut args = cmd.clone();
            args.extend_from_slice(&["-q", "-o", format]);
            let o = run(&args, None);
            assert_eq!(
                o.status.code(),
                Some(0),
                "{cmd:?} -o {format}: {}",
                stderr(&o)
            );
            stdout(&o)
        };
        let json: Value = serde_json::from_str(&doc("json")).expect("json");
        let yaml: Value = serde_saphyr::from_str(&doc("yaml"))
            .unwrap_or_else(|e| panic!("{cmd:?} -o yaml is not YAML: {e}"));
        assert_eq!(yaml, json, "{cmd:?}: -o yaml is the JSON document");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn context_help_speaks_for_its_own_command() {
    for cmd in ["plan", "graph", "diff", "headcount", "compare", "report"] {
        let o = run(&[cmd, "--help"], None);
        let help = stdout(&o);
        let line = help
            .lines()
            .skip_while(|l| !l.contains("--context"))
            .take(3)
            .collect::<String>();
        assert!(!line.contains("scan"), "{cmd}: {line}");
        assert!(!line.contains("several"), "{cmd}: {line}");
    }
    let o = run(&["scan", "--help"], None);
    let help = stdout(&o).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("Repeat it to scan several clusters"),
        "{help}"
    );
}

/// Warnings of a multi-context scan say which cluster they are about.
#[test]
fn fleet_warnings_name_their_context() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let fixtures = root().join("fixtures/clusters");
    let a = rt
        .block_on(
            FakeKube::from_fixtures(&fixtures.join("linkerd"))
                .expect("fixture")
                .start(),
        )
        .expect("start");
    let b = rt
        .block_on(
            FakeKube::from_fixtures(&fixtures.join("cilium"))
                .expect("fixture")
                .start(),
        )
        .expect("start");
    let dir = scratch("fleetwarn");
    let kc = dir.join("config");
    fakekube::write_kubeconfig(&kc, &[a.context("eu"), b.context("us")], "eu").expect("kc");
    let o = run(
        &[
            "scan",
            "--kubeconfig",
            &kc.to_string_lossy(),
            "--all-contexts",
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    // The fake serves no metrics API: each cluster warns about it, by name.
    for ctx in ["eu", "us"] {
        assert!(
            err.lines()
                .any(|l| l.starts_with(&format!("warning: context {ctx}: [metrics-unavailable]"))),
            "{err}"
        );
    }
    assert!(
        err.lines().all(|l| l.starts_with("warning: context ")),
        "{err}"
    );
    rt.block_on(a.shutdown());
    rt.block_on(b.shutdown());
    std::fs::remove_dir_all(&dir).ok();
}
