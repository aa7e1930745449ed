//! The exit codes of the design's contract, one test each, through the binary: 0 ok,
//! 1 error (input that cannot be read, a cluster that cannot be reached), 2 usage,
//! 3 incomplete, 4 budget exceeded. Each error code is shown for errors of several
//! stages, since each stage says its own class (`exit::Class`).

use std::process::Output;

use fakekube::Fault;

use crate::live::Live;
use crate::util::{run, run_env, stderr, stdout};

/// Asserts the exit code and a piece of the message; never a panic.
fn exits(o: &Output, code: i32, message: &str) {
    assert_eq!(o.status.code(), Some(code), "stderr: {}", stderr(o));
    assert!(
        stderr(o).contains(message),
        "expected {message:?} in stderr: {}",
        stderr(o)
    );
    assert!(!stderr(o).contains("panicked"), "{}", stderr(o));
}

#[test]
fn exit_0_when_all_is_read_and_no_budget_fails() {
    let o = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/istio-sidecar",
            "--fail-on",
            "components>2",
        ],
        None,
    );
    exits(&o, 0, "");
    assert!(stdout(&o).contains("istio"), "{}", stdout(&o));
    // No cluster read at all.
    exits(&run(&["compare", "--mesh", "linkerd"], None), 0, "");
}

#[test]
fn exit_1_for_input_that_cannot_be_read() {
    exits(
        &run(&["scan", "--from", "fixtures/clusters/nope"], None),
        1,
        "cannot read fixtures/clusters/nope",
    );
    exits(
        &run(&["scan", "--from", "-"], Some(b"kind: Pod\nmetadata: [\n")),
        1,
        "<stdin>: document 1",
    );
    exits(
        &run(
            &[
                "headcount",
                "--from",
                "fixtures/clusters/linkerd",
                "--model",
                "fixtures/no-such-model.toml",
            ],
            None,
        ),
        1,
        "cannot read the model fixtures/no-such-model.toml",
    );
}

#[test]
fn exit_1_for_a_cluster_that_cannot_be_reached_or_a_kubeconfig_that_cannot_be_used() {
    let dir = std::env::temp_dir().join(format!("meshsurface-kc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let kc = dir.join("config");
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    std::fs::write(
        &kc,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: dead\n  cluster: {server: \"http://127.0.0.1:9\"}\n\
         users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: prod-eu\n  context: {cluster: dead, user: u}\n\
         current-context: prod-eu\n",
    )
    .expect("kubeconfig");
    let kc_s = kc.to_string_lossy().into_owned();
    let o = run_env(
        &["scan", "--request-timeout", "2s"],
        None,
        &[("KUBECONFIG", &kc_s)],
    );
    exits(
        &o,
        1,
        "cannot reach the cluster (context prod-eu, server http://127.0.0.1:9/)",
    );
    let o = run_env(
        &["scan", "--context", "nope"],
        None,
        &[("KUBECONFIG", &kc_s)],
    );
    exits(&o, 1, "cannot load the kubeconfig");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn exit_2_for_a_command_line_that_asks_the_impossible() {
    // clap's own parsing.
    exits(
        &run(&["scan", "--frm", "x"], None),
        2,
        "unexpected argument",
    );
    exits(
        &run(&["scan", "-o", "xml", "--from", "x"], None),
        2,
        "invalid value 'xml'",
    );
    // A budget that does not parse, before anything is read.
    exits(
        &run(&["scan", "--from", "nope", "--fail-on", "bogus"], None),
        2,
        "--fail-on term \"bogus\"",
    );
    // A projection that cannot be made.
    exits(
        &run(
            &[
                "plan",
                "--from",
                "fixtures/clusters/cilium-istio-ambient",
                "--enable",
                "l7-policy",
            ],
            None,
        ),
        2,
        "choose one with --mesh",
    );
    // Files of the wrong kind for the command.
    exits(
        &run(
            &["diff", "fixtures/clusters/none", "fixtures/clusters/none"],
            None,
        ),
        2,
        "is not a meshsurface snapshot",
    );
}

#[test]
fn exit_3_for_an_incomplete_scan_even_over_budget() {
    let live = Live::start("istio-sidecar", |f| f.with_fault("pods", Fault::Forbidden));
    let o = live.scan(&["--quiet"]);
    exits(&o, 3, "");
    // A budget judged on partial data is not trusted: 3 beats 4.
    let o = live.scan(&["--quiet", "--fail-on", "components>0"]);
    exits(&o, 3, "budget exceeded: components>0");
}

#[test]
fn exit_4_when_a_budget_is_exceeded() {
    let o = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/istio-sidecar",
            "--fail-on",
            "components>1",
        ],
        None,
    );
    exits(&o, 4, "budget exceeded: components>1: the value is 2");
}
