//! Real kubectl against the fake through a kubeconfig (skipped when kubectl is absent),
//! and the standalone binary.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use fakekube::FakeKube;
use serde_json::Value;

use crate::util::fixture;

fn kubectl() -> Option<PathBuf> {
    let candidates = [
        PathBuf::from("/usr/bin/kubectl"),
        PathBuf::from("/usr/local/bin/kubectl"),
    ];
    candidates.into_iter().find(|p| p.exists())
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("fakekube-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs kubectl with a private cache dir; returns (status ok, stdout, stderr).
async fn run_kubectl(kubectl: &Path, kubeconfig: &Path, args: &[&str]) -> (bool, String, String) {
    let kubectl = kubectl.to_owned();
    let kubeconfig = kubeconfig.to_owned();
    let cache = kubeconfig.with_extension("cache");
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let out = Command::new(kubectl)
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .arg("--cache-dir")
            .arg(&cache)
            .args(&args)
            .env_remove("KUBECONFIG")
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

#[expect(
    clippy::print_stderr,
    reason = "a test skipped for a missing tool says so (shown with --nocapture)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_get_pods_through_a_kubeconfig() {
    let Some(kubectl) = kubectl() else {
        eprintln!("kubectl not installed: skipping");
        return;
    };
    let objects = fixture("istio-ambient");
    let pod_count = objects.iter().filter(|o| o["kind"] == "Pod").count();
    // No token: client-go sends credentials only over TLS, never to an http:// server.
    let fake = FakeKube::new(objects).start().await.unwrap();
    let dir = temp_dir("kubectl");
    let kc = dir.join("kubeconfig");
    fake.write_kubeconfig(&kc, "fake").unwrap();

    // kubectl pages with --chunk-size; make it page several times.
    let (ok, out, err) = run_kubectl(
        &kubectl,
        &kc,
        &["get", "pods", "-A", "-o", "json", "--chunk-size=5"],
    )
    .await;
    assert!(ok, "{err}");
    let list: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), pod_count);
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["kind"] == "Pod"));
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.param("continue").is_some()),
        "kubectl paged"
    );

    let (ok, out, err) = run_kubectl(&kubectl, &kc, &["get", "pods", "-A"]).await;
    assert!(ok, "{err}");
    let lines: Vec<_> = out.lines().collect();
    assert!(lines[0].contains("NAME"), "{out}");
    assert_eq!(lines.len(), pod_count + 1, "{out}");

    // A resource from a CRD, by kubectl's short resource.group form.
    let (ok, out, err) = run_kubectl(&kubectl, &kc, &["get", "crd", "-o", "name"]).await;
    assert!(ok, "{err}");
    assert!(
        out.contains(
            "customresourcedefinition.apiextensions.k8s.io/virtualservices.networking.istio.io"
        ),
        "{out}"
    );

    // Nothing touched secrets.
    assert!(!fake
        .requests()
        .iter()
        .any(|r| r.resource.as_ref().is_some_and(|a| a.resource == "secrets")));
    std::fs::remove_dir_all(&dir).ok();
}

#[expect(
    clippy::print_stderr,
    reason = "a test skipped for a missing tool says so (shown with --nocapture)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_lists_generated_custom_resources() {
    let Some(kubectl) = kubectl() else {
        eprintln!("kubectl not installed: skipping");
        return;
    };
    let scale = fakekube::generate::Scale {
        pods: 60,
        nodes: 3,
        namespaces: 3,
        deployments: 2,
        config: 20,
    };
    let objects = fakekube::generate::generate(fixture("istio-sidecar"), &scale);
    let vs_count = objects
        .iter()
        .filter(|o| o["kind"] == "VirtualService")
        .count();
    assert!(vs_count > 0);
    let fake = FakeKube::new(objects).start().await.unwrap();
    let dir = temp_dir("kubectl-crs");
    let kc = dir.join("kubeconfig");
    fake.write_kubeconfig(&kc, "fake").unwrap();

    // Discovery from the CRDs: kubectl resolves the short name and the group.
    let (ok, out, err) = run_kubectl(
        &kubectl,
        &kc,
        &[
            "api-resources",
            "--api-group=networking.istio.io",
            "-o",
            "name",
        ],
    )
    .await;
    assert!(ok, "{err}");
    assert!(
        out.lines()
            .any(|l| l == "virtualservices.networking.istio.io"),
        "{out}"
    );
    // Paged through every namespace, as JSON and as kubectl's table.
    let (ok, out, err) = run_kubectl(
        &kubectl,
        &kc,
        &["get", "vs", "-A", "-o", "json", "--chunk-size=2"],
    )
    .await;
    assert!(ok, "{err}");
    let list: Value = serde_json::from_str(&out).unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), vs_count);
    assert!(items.iter().all(|i| i["kind"] == "VirtualService"));
    let (ok, out, err) = run_kubectl(
        &kubectl,
        &kc,
        &[
            "get",
            "virtualservices.networking.istio.io",
            "-A",
            "--no-headers",
        ],
    )
    .await;
    assert!(ok, "{err}");
    assert_eq!(out.lines().count(), vs_count, "{out}");
    assert!(fake.requests().iter().any(|r| r.param("continue").is_some()
        && r.path == "/apis/networking.istio.io/v1/virtualservices"));
    std::fs::remove_dir_all(&dir).ok();
}

#[expect(
    clippy::print_stderr,
    reason = "a test skipped for a missing tool says so (shown with --nocapture)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubeconfig_context_switch_picks_the_right_server() {
    let a = FakeKube::new(fixture("linkerd")).start().await.unwrap();
    let b = FakeKube::new(fixture("cilium")).start().await.unwrap();
    let dir = temp_dir("contexts");
    let kc = dir.join("kubeconfig");
    fakekube::write_kubeconfig(
        &kc,
        &[a.context("prod-eu"), b.context("staging")],
        "prod-eu",
    )
    .unwrap();
    let text = std::fs::read_to_string(&kc).unwrap();
    assert!(text.contains(&a.url) && text.contains(&b.url));

    let Some(kubectl) = kubectl() else {
        eprintln!("kubectl not installed: skipping the kubectl half");
        return;
    };
    let (ok, _, err) = run_kubectl(&kubectl, &kc, &["get", "namespaces", "-o", "name"]).await;
    assert!(ok, "{err}");
    let (ok, _, err) = run_kubectl(
        &kubectl,
        &kc,
        &["--context", "staging", "get", "namespaces", "-o", "name"],
    )
    .await;
    assert!(ok, "{err}");
    let hit = |r: &fakekube::Running| r.requests().iter().any(|q| q.path == "/api/v1/namespaces");
    assert!(hit(&a) && hit(&b));
    assert_eq!(
        a.requests()
            .iter()
            .filter(|q| q.path == "/api/v1/namespaces")
            .count(),
        1
    );
    assert_eq!(
        b.requests()
            .iter()
            .filter(|q| q.path == "/api/v1/namespaces")
            .count(),
        1
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn standalone_binary_serves_a_fixture_and_writes_a_kubeconfig() {
    use std::io::{Read, Write};

    let dir = temp_dir("binary");
    let kc = dir.join("kubeconfig");
    let mut child = Command::new(env!("CARGO_BIN_EXE_fakekube"))
        .arg("--fixtures")
        .arg(crate::util::fixtures_dir().join("istio-sidecar"))
        .arg("--kubeconfig-out")
        .arg(&kc)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_owned();
    let result = std::panic::catch_unwind(|| {
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let kubeconfig = std::fs::read_to_string(&kc).unwrap();
        assert!(kubeconfig.contains(&url));
        // A raw HTTP/1.1 GET, no client library.
        let mut s = std::net::TcpStream::connect(url.trim_start_matches("http://")).unwrap();
        write!(
            s,
            "GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
        assert!(resp.contains("\"kind\":\"NamespaceList\""));
    });
    child.kill().ok();
    child.wait().ok();
    std::fs::remove_dir_all(&dir).ok();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

#[test]
fn standalone_binary_rejects_bad_arguments() {
    let out = Command::new(env!("CARGO_BIN_EXE_fakekube"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--fixtures DIR is required"));
    let out = Command::new(env!("CARGO_BIN_EXE_fakekube"))
        .args(["--fixtures", "/nonexistent-fakekube-dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent-fakekube-dir"));
    let out = Command::new(env!("CARGO_BIN_EXE_fakekube"))
        .args(["--fixtures", "/tmp", "--generate", "config=some"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--generate: \"config=some\""));
}
