//! Hostile and broken offline input (issue 13): symlink loops, FIFOs, a 50,000-pod List,
//! alias bombs, empty and endless input, absurd projection sizes. Every case that used to
//! hang runs the binary under a deadline, so a regression fails instead of stalling CI.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::util::{root, run, scan_json, stderr, stdout};

/// Long enough for a debug build on a busy machine; only a hang ever reaches it.
const DEADLINE: Duration = Duration::from_secs(180);

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kubectl-meshsurface")
}

/// A fresh temporary folder for one test.
fn tmp(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("meshsurface-{test}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).expect("tmp");
    dir
}

/// A copy of a fixture's manifests.
fn fixture_copy(case: &str, dir: &Path) {
    for e in std::fs::read_dir(root().join("fixtures/clusters").join(case)).expect("fixture") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "yaml") {
            std::fs::copy(&p, dir.join(p.file_name().expect("name"))).expect("copy");
        }
    }
}

/// Runs the binary with `stdin`; kills it (and fails) if it outlives the deadline.
fn run_with_deadline(cmd: &mut Command) -> Output {
    let mut child = cmd
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "1795435200")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > DEADLINE {
            child.kill().ok();
            let out = child.wait_with_output().expect("output");
            panic!(
                "still running after {DEADLINE:?} (a hang); stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs the binary on `input` as stdin, which it may stop reading early (a cap).
fn run_stdin(args: &[&str], input: Vec<u8>) -> Output {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        // A broken pipe is the point when a cap stops the reader.
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("output");
    writer.join().expect("writer");
    out
}

fn scan_dir(dir: &Path) -> serde_json::Value {
    let o = run_with_deadline(
        Command::new(bin())
            .args(["scan", "-o", "json", "--quiet", "--from"])
            .arg(dir)
            .stdin(Stdio::null()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("json")
}

fn warnings(s: &serde_json::Value, code: &str) -> Vec<String> {
    s["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter(|w| w["code"] == code)
        .map(|w| w["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_skipped_and_named() {
    let dir = tmp("loops");
    fixture_copy("istio-sidecar", &dir);
    let plain = scan_dir(&dir);
    assert_eq!(plain["scale"]["pods"], 19);

    std::fs::create_dir(dir.join("sub")).expect("sub");
    std::os::unix::fs::symlink("..", dir.join("sub/up")).expect("link");
    let one = scan_dir(&dir);
    for part in ["scale", "totals", "components", "proxies"] {
        assert_eq!(one[part], plain[part], "{part} with one loop");
    }
    assert_eq!(one["complete"], true);
    let skipped = warnings(&one, "skipped-link");
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(skipped[0].contains("sub/up -> .."), "{skipped:?}");

    // Two loops used to read without end.
    std::fs::create_dir(dir.join("other")).expect("other");
    std::os::unix::fs::symlink("../sub", dir.join("other/back")).expect("link");
    let two = scan_dir(&dir);
    for part in ["scale", "totals", "components", "proxies"] {
        assert_eq!(two[part], plain[part], "{part} with two loops");
    }
    let skipped = warnings(&two, "skipped-link");
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped.iter().any(|w| w.contains("other/back -> ../sub")),
        "{skipped:?}"
    );
    assert!(skipped.iter().any(|w| w.contains("sub/up -> ..")));
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_folder_is_skipped_not_read() {
    let dir = tmp("fifo");
    fixture_copy("linkerd", &dir);
    let plain = scan_dir(&dir);
    let made = Command::new("mkfifo")
        .arg(dir.join("x.yaml"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let s = scan_dir(&dir);
    assert_eq!(s["scale"], plain["scale"]);
    let skipped = warnings(&s, "skipped-file");
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(
        skipped[0].contains("x.yaml is not a regular file"),
        "{skipped:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `kubectl get pods -A -o yaml` of 50,000 pods, compact: far past the YAML parser's
/// default budget of 250,000 nodes (it used to fail above ~560 objects).
fn big_list(pods: usize) -> String {
    let mut s = String::from("apiVersion: v1\nitems:\n");
    for i in 0..pods {
        let _ = write!(
            s,
            "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web-{i}\n    namespace: ns-{}\n  spec:\n    nodeName: node-{}\n  status:\n    phase: Running\n",
            i % 20,
            i % 100
        );
    }
    s.push_str("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    s
}

#[test]
fn a_50000_pod_kubectl_list_reads_from_stdin() {
    let o = run(
        &["scan", "--from", "-", "-o", "json", "--quiet"],
        Some(big_list(50_000).as_bytes()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(s["scale"]["pods"], 50_000);
    assert_eq!(
        s["scale"]["nodes"], 0,
        "pods name nodes, but no Node objects"
    );
    assert_eq!(s["scale"]["namespaces"], 20);
    assert_eq!(s["complete"], true);
}

#[test]
fn an_alias_bomb_is_still_refused() {
    let mut bomb = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol, namespace: a}\ndata:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..10 {
        let p = i - 1;
        let _ = writeln!(
            bomb,
            "  l{i}: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]"
        );
    }
    let dir = tmp("bomb");
    let file = dir.join("lol.yaml");
    std::fs::write(&file, bomb).expect("write");
    let o = run_with_deadline(
        Command::new(bin())
            .args(["scan", "--from"])
            .arg(&file)
            .stdin(Stdio::null()),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("lol.yaml: document 1 (line 1) is not valid YAML")
            && err.contains("YAML aliases"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn empty_input_is_a_warning_not_a_clean_cluster() {
    let o = run(&["scan", "--from", "-", "-o", "json"], Some(b""));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let w = warnings(&s, "empty-input");
    assert_eq!(w.len(), 1, "{}", stdout(&o));
    assert!(w[0].starts_with("<stdin> is empty"), "{w:?}");

    let dir = tmp("empty");
    std::fs::write(dir.join("empty.yaml"), "").expect("write");
    std::fs::write(dir.join("comments.yaml"), "# nothing here\n---\n").expect("write");
    let s = scan_dir(&dir);
    let w = warnings(&s, "empty-input");
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w.iter().any(|m| m.contains("empty.yaml is empty")));
    assert!(w.iter().any(|m| m.contains("comments.yaml is empty")));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn upper_case_extensions_are_read() {
    let dir = tmp("case");
    let nodes = std::fs::read(root().join("fixtures/clusters/linkerd/nodes.yaml")).expect("nodes");
    std::fs::write(dir.join("NODES.YAML"), &nodes).expect("write");
    std::fs::write(
        dir.join("more.Yml"),
        "apiVersion: v1\nkind: Node\nmetadata: {name: extra}\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("ns.JSON"),
        r#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "upper"}}"#,
    )
    .expect("write");
    let s = scan_dir(&dir);
    let from_fixture = scan_json(&["--from", "fixtures/clusters/linkerd/nodes.yaml"]);
    assert_eq!(
        s["scale"]["nodes"],
        from_fixture["scale"]["nodes"].as_u64().expect("n") + 1
    );
    assert_eq!(s["scale"]["namespaces"], 1);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_numeric_schema_version_is_reported_as_found() {
    let o = run(&["scan", "--from", "-"], Some(b"schemaVersion: 1\n"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("<stdin>: snapshot schemaVersion 1 is not supported"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn absurd_projection_sizes_are_usage_errors() {
    let o = run(&["compare", "--namespaces", "10000000"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--namespaces is 10000000"),
        "{}",
        stderr(&o)
    );

    let o = run(
        &[
            "plan",
            "--from",
            "fixtures/clusters/istio-ambient",
            "--enable",
            "l7-policy",
            "--sweep",
            "namespaces=10,100000000",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--sweep namespaces is 100000000"));

    // A snapshot that claims 10^8 meshed namespaces.
    let mut snap = scan_json(&["--from", "fixtures/clusters/istio-ambient"]);
    snap["scale"]["meshedNamespaces"] = serde_json::json!(100_000_000_u64);
    let text = serde_json::to_vec(&snap).expect("json");
    let o = run(&["compare", "--from", "-"], Some(&text));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("(snapshot field scale.meshedNamespaces) is 100000000"),
        "{}",
        stderr(&o)
    );
}

/// Runs `sh -c SCRIPT` (the binary as `$BIN`) under a deadline.
#[cfg(unix)]
fn sh(script: &str) -> Output {
    run_with_deadline(
        Command::new("sh")
            .arg("-c")
            .arg(script)
            .env("BIN", bin())
            .stdin(Stdio::null()),
    )
}

/// Endless stdin under a 1 GB address-space limit: a clear error naming the cap, never the
/// kernel's kill (it used to grow to 24 GB).
#[cfg(unix)]
#[test]
fn endless_stdin_ends_in_a_clear_error_within_a_memory_limit() {
    let limit = "ulimit -v 1000000";
    // Not text at all.
    let o = sh(&format!("{limit}; exec \"$BIN\" scan --from - < /dev/zero"));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("<stdin>: document 1 (line 1) is not valid YAML"));
    // One endless scalar: the object cap.
    let o = sh(&format!("{limit}; yes a | \"$BIN\" scan --from -"));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("larger than 64Mi (the --max-object-size cap)"),
        "{}",
        stderr(&o)
    );
    // Endless small documents: the input cap.
    let o = sh(&format!(
        "{limit}; yes -- '- a' | \"$BIN\" scan --from - --max-input-size 20Mi"
    ));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("<stdin>: the input is larger than 20Mi (the --max-input-size cap)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn size_flags_are_checked() {
    let o = run(
        &["scan", "--from", "-", "--max-input-size", "lots"],
        Some(b""),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is not a size like 64Mi"),
        "{}",
        stderr(&o)
    );
    // The object cap is per object: a List far over it reads, one object over it does not.
    let list = big_list(20_000);
    assert!(list.len() > 2 << 20);
    let o = run_stdin(
        &[
            "scan",
            "--from",
            "-",
            "--max-object-size",
            "1Mi",
            "-o",
            "json",
        ],
        list.clone().into_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fat = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: fat\n  annotations:\n    a: {}\n",
        "x".repeat(2 << 20)
    );
    let o = run_stdin(
        &["scan", "--from", "-", "--max-object-size", "1Mi"],
        format!("{list}---\n{fat}").into_bytes(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("one object (a document, or one item of a List) is larger than 1Mi"),
        "{}",
        stderr(&o)
    );
    let o = run_stdin(
        &["scan", "--from", "-", "--max-input-size", "1Mi"],
        list.into_bytes(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("<stdin>: the input is larger than 1Mi"));
}
