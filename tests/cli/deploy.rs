//! `deploy/`: the ClusterRole is exactly what `rbac` prints; the manifests are read by the
//! project's own offline reader and (when kubectl is installed) by `kubectl apply
//! --dry-run=client` against the fake API server; the workloads run hardened; every
//! `PromQL` expression of the Grafana dashboard names metrics a scan's exposition has.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

use crate::live::Live;
use crate::util::{root, run, stderr, stdout};

/// The manifests (the dashboard under `deploy/grafana/` is not one).
fn manifests() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("deploy"))
        .expect("deploy/ is readable")
        .map(|e| e.expect("deploy/ is readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn documents() -> Vec<Value> {
    manifests()
        .iter()
        .flat_map(|p| {
            let text = std::fs::read_to_string(p).expect("a manifest is readable");
            serde_saphyr::from_multiple::<Value>(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect()
}

#[test]
fn the_cluster_role_is_what_rbac_prints() {
    let printed = stdout(&run(&["rbac"], None));
    let file = std::fs::read_to_string(root().join("deploy/clusterrole.yaml")).unwrap();
    assert!(
        file == printed,
        "deploy/clusterrole.yaml differs from `kubectl-meshsurface rbac`: regenerate it with \
         `target/debug/kubectl-meshsurface rbac > deploy/clusterrole.yaml`"
    );
}

#[test]
fn the_offline_reader_reads_the_manifests_without_a_warning() {
    let mut args = vec!["scan".to_owned(), "-o".to_owned(), "json".to_owned()];
    for p in manifests() {
        args.push("--from".to_owned());
        args.push(p.to_string_lossy().into_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run(&args, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "no warning");
    let snap: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(snap["complete"], true);
    assert_eq!(snap["warnings"], Value::Array(Vec::new()));
}

#[test]
fn the_workloads_run_hardened() {
    let docs = documents();
    let kinds: BTreeSet<&str> = docs.iter().filter_map(|d| d["kind"].as_str()).collect();
    for k in [
        "Namespace",
        "ServiceAccount",
        "ClusterRole",
        "ClusterRoleBinding",
        "Deployment",
        "Service",
        "ServiceMonitor",
        "CronJob",
    ] {
        assert!(kinds.contains(k), "deploy/ lacks a {k}");
    }
    let pods = docs.iter().filter_map(|d| match d["kind"].as_str() {
        Some("Deployment") => Some(&d["spec"]["template"]["spec"]),
        Some("CronJob") => Some(&d["spec"]["jobTemplate"]["spec"]["template"]["spec"]),
        _ => None,
    });
    let mut n = 0;
    for pod in pods {
        n += 1;
        assert_eq!(pod["serviceAccountName"], "meshsurface");
        assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
        assert_eq!(
            pod["securityContext"]["seccompProfile"]["type"],
            "RuntimeDefault"
        );
        for c in pod["containers"].as_array().unwrap() {
            let sc = &c["securityContext"];
            assert_eq!(sc["allowPrivilegeEscalation"], false, "{c}");
            assert_eq!(sc["readOnlyRootFilesystem"], true, "{c}");
            assert_eq!(
                sc["capabilities"]["drop"],
                serde_json::json!(["ALL"]),
                "{c}"
            );
            assert!(c["resources"]["requests"]["memory"].is_string(), "{c}");
        }
    }
    assert_eq!(n, 2, "the Deployment and the CronJob");
}

fn kubectl() -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("kubectl"))
            .find(|p| p.is_file())
    })
}

#[test]
#[expect(
    clippy::print_stderr,
    reason = "a test skipped for a missing tool says so"
)]
fn kubectl_dry_run_accepts_the_manifests() {
    let Some(kubectl) = kubectl() else {
        // .ci/run does not install kubectl: CI skips this too (the offline reader and
        // the structural checks above still run).
        eprintln!("SKIPPED: kubectl is not installed");
        return;
    };
    // kubectl maps kinds to resources through discovery: a fake API server that also
    // serves the Prometheus Operator's ServiceMonitor CRD.
    let live = Live::start("none", |f| f);
    let mut objects = fakekube::load_path(&root().join("fixtures/clusters/none")).unwrap();
    objects.push(serde_json::json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "servicemonitors.monitoring.coreos.com"},
        "spec": {"group": "monitoring.coreos.com", "scope": "Namespaced",
            "names": {"plural": "servicemonitors", "kind": "ServiceMonitor"},
            "versions": [{"name": "v1", "served": true, "storage": true}]}
    }));
    live.server().set_objects(objects);
    let o = std::process::Command::new(kubectl)
        .args(["--kubeconfig", &live.kubeconfig, "--cache-dir"])
        .arg(live.dir.join("kube-cache"))
        .args([
            "apply",
            "--dry-run=client",
            "--validate=false",
            "-o",
            "name",
            "-f",
        ])
        .arg(root().join("deploy"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for name in [
        "namespace/meshsurface",
        "serviceaccount/meshsurface",
        "clusterrole.rbac.authorization.k8s.io/meshsurface-reader",
        "clusterrolebinding.rbac.authorization.k8s.io/meshsurface-reader",
        "deployment.apps/meshsurface",
        "service/meshsurface",
        "servicemonitor.monitoring.coreos.com/meshsurface",
        "cronjob.batch/meshsurface-scan",
        "persistentvolumeclaim/meshsurface-snapshots",
    ] {
        assert!(out.lines().any(|l| l == name), "{name} not in:\n{out}");
    }
}

/// Metric names in a `PromQL` expression: identifiers starting `meshsurface_`.
fn metric_names(expr: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = expr;
    while let Some(i) = rest.find("meshsurface_") {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(tail.len());
        names.push(tail[..end].to_owned());
        rest = &tail[end..];
    }
    names
}

#[test]
fn every_dashboard_query_names_metrics_the_exposition_has() {
    let path = root().join("deploy/grafana/meshsurface-dashboard.json");
    let dashboard: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // What a served scan exposes: a fixture's families (certificates included), and
    // serve's own (in the text format, as a scrape without OpenMetrics reads them).
    let mut exposed = BTreeSet::new();
    for case in ["istio-sidecar", "linkerd", "cilium-istio-ambient"] {
        let from = format!("fixtures/clusters/{case}");
        let o = run(&["scan", "--from", &from, "-o", "openmetrics", "-q"], None);
        for line in stdout(&o).lines().filter(|l| !l.starts_with('#')) {
            let name = line.split(['{', ' ']).next().unwrap();
            exposed.insert(name.to_owned());
        }
    }
    let mut state = meshsurface::serve::State::default();
    let snap = meshsurface::surface::Snapshot::empty(meshsurface::surface::Source::projected());
    state.record(&snap, 1.0).unwrap();
    for line in state.exposition().prometheus_text().lines() {
        if !line.starts_with('#') {
            exposed.insert(line.split(['{', ' ']).next().unwrap().to_owned());
        }
    }
    let mut exprs: Vec<String> = dashboard["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["targets"].as_array().unwrap().iter())
        .map(|t| t["expr"].as_str().unwrap().to_owned())
        .collect();
    exprs.extend(
        dashboard["templating"]["list"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v["definition"].as_str().map(str::to_owned)),
    );
    assert!(exprs.len() > 10, "{exprs:?}");
    let mut checked = 0;
    for e in &exprs {
        for name in metric_names(e) {
            checked += 1;
            assert!(
                exposed.contains(&name),
                "{name} (in `{e}`) is not exposed: {exposed:?}"
            );
        }
    }
    assert!(checked >= exprs.len());
    // Serve's own families are exposed after a scan: the failed/incomplete counter is
    // always there, the last success once a scan landed.
    assert!(exposed.contains("meshsurface_scan_errors_total"));
}
