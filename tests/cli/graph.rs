//! `graph`: golden DOT, Mermaid and table output; DOT checked by Graphviz itself; the JSON
//! document; and the upgrade runbooks users execute, step by step.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::util::{cases, run, scan_json, stderr, stdout};

fn graph(case: &str, output: &str) -> String {
    let o = run(
        &[
            "graph",
            "--from",
            &format!("fixtures/clusters/{case}"),
            "-o",
            output,
            "--quiet",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{case}: {}", stderr(&o));
    stdout(&o)
}

#[test]
fn golden_dot_and_mermaid() {
    for case in ["istio-ambient-waypoints", "linkerd"] {
        insta::assert_snapshot!(format!("graph-dot-{case}"), graph(case, "dot"));
        insta::assert_snapshot!(format!("graph-mermaid-{case}"), graph(case, "mermaid"));
    }
}

#[test]
fn golden_table() {
    insta::assert_snapshot!(
        "graph-table-istio-ambient-waypoints",
        graph("istio-ambient-waypoints", "table")
    );
}

/// Blast radius says what configuration stops reaching the proxies, only when counted.
#[test]
fn blast_radius_names_the_configuration_it_stops() {
    let t = graph("istio-sidecar", "table");
    assert!(
        t.contains("istiod down: 15 configuration objects stop being pushed"),
        "{t}"
    );
    assert!(graph("cilium", "table")
        .contains("cilium-agent down: 5 configuration objects stop being applied"));
    // Not counted: no line, never "0 configuration objects".
    let t = graph("istio-ambient", "table");
    assert!(!t.contains("configuration object"), "{t}");
    let j: Value = serde_json::from_str(&graph("istio-ambient", "json")).unwrap();
    let istiod = &j["blastRadius"][0];
    assert_eq!(istiod["component"], "istiod");
    assert!(istiod.get("configObjects").is_none(), "{istiod}");
    assert_eq!(istiod["config"][0]["objects"], Value::Null);
}

/// Graphviz must accept the DOT of every fixture. CI installs Graphviz (`.ci/run`); a
/// machine without it skips this test with a note, CI fails instead.
#[test]
#[expect(
    clippy::print_stderr,
    reason = "a test skipped for a missing tool says so (shown with --nocapture)"
)]
fn graphviz_accepts_the_dot_of_every_fixture() {
    let present = Command::new("dot")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Graphviz (`dot`): .ci/run installs it"
        );
        eprintln!("note: Graphviz `dot` is not installed: DOT output not checked by Graphviz");
        return;
    }
    for case in cases() {
        let text = graph(&case, "dot");
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dot starts");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("DOT written");
        let o = child.wait_with_output().expect("dot finishes");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{case}: dot rejects the output: {err}");
        assert!(err.trim().is_empty(), "{case}: dot warns: {err}");
        let svg = String::from_utf8_lossy(&o.stdout);
        assert!(svg.contains("<svg"), "{case}: no SVG");
        // Every node and every mesh cluster is drawn.
        let nodes = text
            .lines()
            .filter(|l| l.contains("[label=") && !l.contains("->"))
            .count();
        assert_eq!(svg.matches("class=\"node\"").count(), nodes, "{case}");
        let clusters = text.matches("subgraph cluster_").count();
        assert_eq!(svg.matches("class=\"cluster\"").count(), clusters, "{case}");
    }
}

/// Checks one Mermaid node line: `nN` + a shape around a quoted, escaped label.
fn mermaid_node_ok(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('n') else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let shape = &rest[digits..];
    if digits == 0 {
        return false;
    }
    ["[\"", "([\"", "[(\"", "{{\"", "[/\""]
        .iter()
        .zip(["\"]", "\"])", "\")]", "\"}}", "\"/]"])
        .any(|(open, close)| {
            shape
                .strip_prefix(open)
                .and_then(|s| s.strip_suffix(close))
                .is_some_and(|label| !label.contains('"') && !label.is_empty())
        })
}

#[test]
fn mermaid_is_a_well_formed_flowchart() {
    for case in cases() {
        let text = graph(&case, "mermaid");
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("flowchart LR"), "{case}");
        let mut depth = 0;
        let mut ids = BTreeSet::new();
        for line in lines {
            let l = line.trim();
            if l.starts_with("subgraph mesh") {
                depth += 1;
                assert!(l.ends_with("\"]") && l.contains("[\""), "{case}: {l}");
            } else if l == "end" {
                depth -= 1;
            } else if let Some((from, rest)) = l.split_once(" -->|") {
                let (t, to) = rest.split_once("| ").expect("edge label");
                assert!(ids.contains(from) && ids.contains(to), "{case}: {l}");
                assert!(
                    t.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                    "{case}: {l}"
                );
            } else if let Some(def) = l.strip_prefix("classDef hazard") {
                assert!(def.contains(" stroke:"), "{case}: {l}");
            } else if let Some(rest) = l.strip_prefix("class ") {
                let (id, class) = rest.split_once(' ').expect("class line");
                assert!(
                    ids.contains(id) && class.starts_with("hazard"),
                    "{case}: {l}"
                );
            } else {
                assert!(mermaid_node_ok(l), "{case}: bad node line {l}");
                ids.insert(l.split(['[', '(', '{']).next().unwrap_or("").to_owned());
            }
            assert!(depth <= 1, "{case}: nested subgraph");
        }
        assert_eq!(depth, 0, "{case}: unbalanced subgraph");
    }
}

#[test]
fn json_document_has_typed_nodes_and_edges() {
    let kinds = ["component", "proxy", "crd-group", "webhook", "namespace"];
    let types = [
        "configures",
        "issues-identity",
        "injects",
        "serves-webhook",
        "reconciles",
        "redirects-traffic",
        "routes-through",
        "depends-on",
        "runs",
    ];
    for case in cases() {
        let doc: Value = serde_json::from_str(&graph(&case, "json")).expect("JSON");
        assert_eq!(doc["schemaVersion"], "meshsurface/graph/v1", "{case}");
        let nodes = doc["nodes"].as_array().expect("nodes");
        let ids: BTreeSet<&str> = nodes.iter().filter_map(|n| n["id"].as_str()).collect();
        assert_eq!(ids.len(), nodes.len(), "{case}: node ids are unique");
        for n in nodes {
            assert!(
                kinds.contains(&n["kind"].as_str().unwrap_or("")),
                "{case}: {n}"
            );
        }
        for e in doc["edges"].as_array().expect("edges") {
            assert!(
                ids.contains(e["from"].as_str().unwrap_or("")),
                "{case}: {e}"
            );
            assert!(ids.contains(e["to"].as_str().unwrap_or("")), "{case}: {e}");
            assert!(
                types.contains(&e["type"].as_str().unwrap_or("")),
                "{case}: {e}"
            );
            assert!(
                !e["reason"].as_str().unwrap_or("").is_empty(),
                "{case}: {e}"
            );
        }
        // The runbook is the snapshot's, and every blast-radius row is a component node.
        let snap = scan_json(&["--from", &format!("fixtures/clusters/{case}")]);
        assert_eq!(doc["upgradeSteps"], snap["upgradeSteps"], "{case}");
        for b in doc["blastRadius"].as_array().expect("blastRadius") {
            assert!(ids.contains(b["id"].as_str().unwrap_or("")), "{case}: {b}");
        }
        assert!(doc["singlePointsOfFailure"].is_array(), "{case}");
    }
}

/// (kind, title, targets, restarts) of a fixture's runbook, from `scan -o json`.
fn runbook(case: &str) -> Vec<(String, String, Vec<String>, u64)> {
    let snap = scan_json(&["--from", &format!("fixtures/clusters/{case}")]);
    let steps = snap["upgradeSteps"].as_array().expect("upgradeSteps");
    assert_eq!(snap["totals"]["upgradeSteps"], steps.len(), "{case}");
    steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            assert_eq!(s["step"], i + 1, "{case}");
            let targets = s["targets"]
                .as_array()
                .expect("targets")
                .iter()
                .map(|t| t.as_str().unwrap_or("").to_owned())
                .collect();
            (
                s["kind"].as_str().unwrap_or("").to_owned(),
                s["title"].as_str().unwrap_or("").to_owned(),
                targets,
                s["restarts"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn step(
    kind: &str,
    title: &str,
    targets: &[&str],
    restarts: u64,
) -> (String, String, Vec<String>, u64) {
    (
        kind.to_owned(),
        title.to_owned(),
        targets.iter().map(|t| (*t).to_owned()).collect(),
        restarts,
    )
}

const ISTIO_CRDS: &str = "Upgrade the CRDs first: the istio base chart (Istio CRDs), and the Gateway API CRDs to the version the new Istio supports";
const ISTIOD: &str = "Upgrade istiod: install the new version as a canary revision (istiod-<rev>) beside the old one, then move namespaces to it with istio.io/rev";

#[test]
fn istio_sidecar_runbook() {
    assert_eq!(
        runbook("istio-sidecar"),
        [
            step(
                "crds",
                ISTIO_CRDS,
                &["networking.istio.io", "security.istio.io", "telemetry.istio.io", "extensions.istio.io"],
                0
            ),
            step("control-plane", ISTIOD, &["istio-system/istiod"], 0),
            step(
                "gateways-and-waypoints",
                "Upgrade gateways and waypoints (gateway Deployments in place or by revision; waypoints follow their istiod revision)",
                &["istio-system/istio-ingressgateway"],
                0
            ),
            // payments (2 workloads) + shop (3): every sidecar workload is restarted.
            step(
                "workload-restarts",
                "Restart the workloads with sidecars (kubectl rollout restart) so they are re-injected with the new istio-proxy",
                &["payments", "shop"],
                5
            ),
        ]
    );
}

#[test]
fn istio_ambient_runbook() {
    assert_eq!(
        runbook("istio-ambient"),
        [
            step(
                "crds",
                ISTIO_CRDS,
                &[
                    "networking.istio.io",
                    "security.istio.io",
                    "telemetry.istio.io",
                    "extensions.istio.io",
                    "gateway.networking.k8s.io"
                ],
                0
            ),
            step("control-plane", ISTIOD, &["istio-system/istiod"], 0),
            step(
                "node-agents",
                "Upgrade the istio-cni node agent (DaemonSet, node by node)",
                &["istio-system/istio-cni-node"],
                0
            ),
            step(
                "node-agents",
                "Upgrade ztunnel (DaemonSet, node by node: ambient pods on a node lose connections while its ztunnel restarts)",
                &["istio-system/ztunnel"],
                0
            ),
        ]
    );
    // With waypoints, they come last; ambient pods need no restart.
    let with = runbook("istio-ambient-waypoints");
    assert_eq!(with.len(), 5);
    assert_eq!(with[4].0, "gateways-and-waypoints");
    assert_eq!(with[4].2, ["orders/waypoint", "storefront/waypoint"]);
}

#[test]
fn linkerd_runbook() {
    assert_eq!(
        runbook("linkerd"),
        [
            step(
                "crds",
                "Upgrade the CRDs first: the linkerd-crds chart (or linkerd upgrade --crds | kubectl apply -f -); the Gateway API CRDs too if Linkerd installed them",
                &["policy.linkerd.io", "linkerd.io", "workload.linkerd.io", "gateway.networking.k8s.io"],
                0
            ),
            step(
                "control-plane",
                "Upgrade the control plane: the linkerd-control-plane chart (or linkerd upgrade | kubectl apply -f -); its own pods restart with the new proxy",
                &["linkerd/linkerd-identity", "linkerd/linkerd-destination", "linkerd/linkerd-proxy-injector"],
                0
            ),
            step(
                "add-ons",
                "Upgrade the extensions (linkerd viz / multicluster / jaeger install | kubectl apply -f -, or their charts)",
                &[
                    "linkerd-viz/metrics-api",
                    "linkerd-viz/prometheus",
                    "linkerd-viz/tap",
                    "linkerd-viz/tap-injector",
                    "linkerd-viz/web"
                ],
                0
            ),
            // emojivoto: web, emoji, voting (vote-bot opted out).
            step(
                "workload-restarts",
                "Roll out the meshed workloads (kubectl rollout restart) so they pick up the new linkerd2-proxy",
                &["emojivoto"],
                3
            ),
        ]
    );
}

#[test]
fn cilium_runbook_has_no_crd_step_before_the_operator() {
    assert_eq!(
        runbook("cilium"),
        [
            step(
                "control-plane",
                "Run the pre-flight check (cilium-preflight pre-pulls the new image), then helm upgrade the cilium chart: cilium-operator rolls and registers the new cilium.io CRDs itself",
                &["kube-system/cilium-operator", "cilium.io"],
                0
            ),
            step(
                "node-agents",
                "The same helm upgrade rolls the node agents node by node: the cilium agent, then cilium-envoy (check with cilium status)",
                &["kube-system/cilium", "kube-system/cilium-envoy"],
                0
            ),
            step(
                "add-ons",
                "Hubble relay and UI roll with the chart once the agents run the new version",
                &["kube-system/hubble-relay", "kube-system/hubble-ui"],
                0
            ),
        ]
    );
}

#[test]
fn graph_of_a_saved_snapshot_is_the_graph_of_its_cluster() {
    let dir = std::env::temp_dir().join(format!("meshsurface-graph-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let save = dir.join("snap.json");
    let save_s = save.to_string_lossy().into_owned();
    let o = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/linkerd",
            "-q",
            "--save",
            &save_s,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fresh: Value = serde_json::from_str(&graph("linkerd", "json")).expect("JSON");
    let o = run(&["graph", "--from", &save_s, "-o", "json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let saved: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    for key in [
        "nodes",
        "edges",
        "blastRadius",
        "singlePointsOfFailure",
        "upgradeSteps",
    ] {
        assert_eq!(fresh[key], saved[key], "{key}");
    }
    let o = run(&["graph", "--from", &save_s, "-o", "mermaid"], None);
    assert_eq!(stdout(&o), graph("linkerd", "mermaid"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn graph_usage() {
    let o = run(
        &["graph", "--from", "fixtures/clusters/linkerd", "-o", "svg"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["graph"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--from"), "{}", stderr(&o));
    // Warnings go to stderr, never into DOT or Mermaid.
    let o = run(
        &["graph", "--from", "fixtures/clusters/linkerd", "-o", "dot"],
        None,
    );
    assert!(stderr(&o).contains("warning: [missing-requests]"));
    assert!(!stdout(&o).contains("warning: ["), "{}", stdout(&o));
    assert!(!stdout(&o).contains("missing-requests"), "{}", stdout(&o));
}
