//! Input forms (folders, stdin, `kind: List`, snapshots) and what bad input gets.

use crate::util::{run, scan_json, stderr, stdout};

/// Every YAML file of a fixture, concatenated as one multi-document stream.
fn fixture_stream(case: &str) -> Vec<u8> {
    let dir = crate::util::root().join("fixtures/clusters").join(case);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|x| x == "yaml"))
    {
        out.extend_from_slice(b"---\n");
        out.extend(std::fs::read(f).expect("read"));
        out.push(b'\n');
    }
    out
}

#[test]
fn stdin_gives_the_same_surface_as_the_folder() {
    let from_dir = scan_json(&["--from", "fixtures/clusters/istio-sidecar"]);
    let o = run(
        &["scan", "--from", "-", "-o", "json"],
        Some(&fixture_stream("istio-sidecar")),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let from_stdin: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    for part in [
        "scale",
        "totals",
        "meshes",
        "components",
        "proxies",
        "crds",
        "webhooks",
    ] {
        assert_eq!(from_dir[part], from_stdin[part], "{part} differs");
    }
    assert_eq!(from_stdin["source"]["paths"], serde_json::json!(["-"]));
}

const LIST: &str = r"
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: istiod, namespace: istio-system}
  spec:
    replicas: 2
    template:
      metadata: {labels: {app: istiod}}
      spec:
        containers:
        - name: discovery
          image: docker.io/istio/pilot:1.26.3
          resources: {requests: {cpu: 500m, memory: 2Gi}}
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-1
    namespace: shop
    ownerReferences: [{kind: ReplicaSet, name: web-5f7, controller: true}]
  spec:
    initContainers:
    - name: istio-proxy
      image: docker.io/istio/proxyv2:1.26.3
      restartPolicy: Always
      resources: {requests: {cpu: 100m, memory: 128Mi}}
    containers:
    - {name: web, image: nginx:1.27}
  status: {phase: Running}
";

#[test]
fn kind_list_on_stdin() {
    let o = run(
        &["scan", "--from", "-", "-o", "json"],
        Some(LIST.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(s["components"][0]["component"], "istiod");
    assert_eq!(
        s["components"][0]["from"], "template",
        "istiod had no pods: projected"
    );
    assert_eq!(s["components"][0]["instances"], 2);
    assert_eq!(s["proxies"][0]["placement"], "sidecar");
    assert_eq!(s["scale"]["meshedPods"], 1);
    // 2 × 500m istiod + 100m sidecar; the app container is not the mesh's bill.
    assert_eq!(s["totals"]["cpuRequestMillicores"], 1100);
    assert_eq!(
        s["totals"]["memoryRequestBytes"],
        2 * 2_147_483_648_i64 + 134_217_728
    );
}

#[test]
fn snapshot_round_trip() {
    let dir = std::env::temp_dir().join(format!("meshsurface-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let save = dir.join("snap.json");
    let save_s = save.to_string_lossy().into_owned();
    let first = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/linkerd",
            "-o",
            "json",
            "--save",
            &save_s,
        ],
        None,
    );
    assert_eq!(first.status.code(), Some(0));
    let again = run(&["scan", "--from", &save_s, "-o", "json"], None);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(
        stdout(&first),
        stdout(&again),
        "a snapshot reads back as itself"
    );
    let mixed = run(
        &[
            "scan",
            "--from",
            &save_s,
            "--from",
            "fixtures/clusters/none",
        ],
        None,
    );
    assert_eq!(
        mixed.status.code(),
        Some(2),
        "mixing a snapshot with manifests is a usage error"
    );
    assert!(stderr(&mixed).contains("mixes a meshsurface snapshot with raw manifests"));
    std::fs::remove_dir_all(&dir).ok();
}

fn fails(args: &[&str], stdin: &str, code: i32, message: &str) {
    let o = run(args, Some(stdin.as_bytes()));
    assert_eq!(o.status.code(), Some(code), "stderr: {}", stderr(&o));
    assert!(
        stderr(&o).contains(message),
        "expected {message:?} in stderr: {}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn malformed_yaml_names_file_and_document() {
    fails(
        &["scan", "--from", "-"],
        "apiVersion: v1\nkind: Node\nmetadata: {name: a}\n---\nmetadata: {name: [b\n",
        1,
        "<stdin>: document 2 (line 4) is not valid YAML",
    );
}

#[test]
fn malformed_json_and_missing_paths() {
    fails(
        &["scan", "--from", "-"],
        "{\"apiVersion\": ",
        1,
        "<stdin>: not valid JSON",
    );
    fails(
        &["scan", "--from", "fixtures/clusters/nope"],
        "",
        1,
        "cannot read fixtures/clusters/nope",
    );
}

#[test]
fn wrong_field_type_names_the_field() {
    fails(
        &["scan", "--from", "-"],
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: a}\nspec: {replicas: many}\n",
        1,
        "Deployment web: field spec.replicas",
    );
}

#[test]
fn future_snapshot_schema_is_refused() {
    fails(
        &["scan", "--from", "-"],
        r#"{"schemaVersion": "meshsurface/v2"}"#,
        1,
        "schemaVersion \"meshsurface/v2\" is not supported",
    );
    fails(
        &["scan", "--from", "-"],
        r#"{"schemaVersion": "meshsurface/v1", "source": {}}"#,
        1,
        "field source: missing field `kind`",
    );
}

#[test]
fn rbac_prints_a_read_only_cluster_role() {
    let o = run(&["rbac"], None);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("rbac", stdout(&o));
}

#[test]
fn odd_input_becomes_warnings_not_crashes() {
    let yaml = r"
just: a config file
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: shop}
---
apiVersion: v1
kind: Service
metadata: {name: other, namespace: shop}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: istio-sidecar-injector}
webhooks:
- name: namespace.sidecar-injector.istio.io
  clientConfig: {service: {name: istiod, namespace: istio-system}}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: shop}
spec:
  containers:
  - {name: web, image: nginx}
  - name: istio-proxy
    image: registry.corp.example/istio/proxyv2:1.26.3
    resources: {requests: {cpu: lots, memory: 128Mi}}
";
    let o = run(
        &["scan", "--from", "-", "-o", "json"],
        Some(yaml.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let codes: Vec<&str> = s["warnings"]
        .as_array()
        .expect("w")
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    for code in ["unknown-document", "invalid-quantity"] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    // Hazards since issue 17, no longer warnings.
    let hazards: Vec<&str> = s["hazards"]
        .as_array()
        .expect("hazards")
        .iter()
        .filter_map(|h| h["code"].as_str())
        .collect();
    for code in ["orphaned-webhook", "control-plane-not-found"] {
        assert!(hazards.contains(&code), "{code} missing from {hazards:?}");
        assert!(!codes.contains(&code), "{code} still a warning: {codes:?}");
    }
    let unknown = &s["warnings"]
        .as_array()
        .expect("w")
        .iter()
        .find(|w| w["code"] == "unknown-document")
        .expect("w")["message"];
    assert!(
        unknown
            .as_str()
            .unwrap_or("")
            .contains("<stdin>: document 1"),
        "{unknown}"
    );
    assert_eq!(s["scale"]["meshedPods"], 1);
    assert!(
        stderr(&o).contains("warning: [invalid-quantity] Pod/shop/web-1: container istio-proxy"),
        "{}",
        stderr(&o)
    );
}
