//! Growth: the honesty tests (a projection must agree with reality) and the CLI surface of
//! `plan` and `compare`.
//!
//! For pairs of fixtures that differ by exactly one feature, `plan --enable F` on the first
//! must equal the scan of the second on components, proxy types, CRDs and webhooks, and
//! must not claim more CPU or memory than the second really requests (the catalog's
//! defaults are upstream's; where upstream sets none, the projection counts none).

use std::collections::BTreeSet;

use meshsurface::growth::NamespaceShare;
use meshsurface::pipeline::{self, Files, Knowledge, Scope};
use meshsurface::source::Limits;
use meshsurface::surface::Snapshot;

use crate::util::{run, stderr, stdout};

/// A fixture scanned through the library's pipeline, as `scan --from` scans it.
fn scan(case: &str, k: &Knowledge) -> Snapshot {
    let files = Files {
        paths: &[format!(
            "{}/fixtures/clusters/{case}",
            env!("CARGO_MANIFEST_DIR")
        )],
        stdin: &mut std::io::empty(),
        limits: Limits::default(),
    };
    pipeline::offline(files, &Scope::default(), k).expect("fixture scans")
}

type Shape = (
    BTreeSet<String>,
    BTreeSet<String>,
    BTreeSet<String>,
    BTreeSet<String>,
);

fn shape(s: &Snapshot, mesh: &str) -> Shape {
    (
        s.components
            .iter()
            .filter(|c| c.mesh == mesh)
            .map(|c| format!("{} {} {}/{}", c.component, c.kind, c.namespace, c.name))
            .collect(),
        s.proxies
            .iter()
            .filter(|p| p.mesh == mesh)
            .map(|p| format!("{}/{}", p.implementation, p.placement))
            .collect(),
        s.crds
            .iter()
            .filter(|c| c.mesh == mesh)
            .map(|c| c.name.clone())
            .collect(),
        s.webhooks
            .iter()
            .filter(|w| w.mesh == mesh)
            .map(|w| w.name.clone())
            .collect(),
    )
}

fn honest(before: &str, feature: &str, after: &str) {
    let k = Knowledge::load().expect("built-in knowledge");
    let g = k.growth();
    let today = scan(before, &k);
    let real = scan(after, &k);
    let mesh = today.meshes[0].name.clone();
    let plan = g
        .plan(
            &today,
            Some(&mesh),
            &[feature.to_owned()],
            NamespaceShare::All,
        )
        .expect("plan");
    let projected = &plan.steps.last().expect("a step").snapshot;
    let (pc, pp, pr, pw) = shape(projected, &mesh);
    let (rc, rp, rr, rw) = shape(&real, &mesh);
    assert_eq!(
        pc, rc,
        "{before} + {feature}: components differ from {after}"
    );
    assert_eq!(
        pp, rp,
        "{before} + {feature}: proxy types differ from {after}"
    );
    assert_eq!(pr, rr, "{before} + {feature}: CRDs differ from {after}");
    assert_eq!(pw, rw, "{before} + {feature}: webhooks differ from {after}");
    let (p, r) = (
        projected.totals,
        real.meshes
            .iter()
            .find(|m| m.name == mesh)
            .expect("mesh")
            .totals,
    );
    for (what, pv, rv) in [
        ("components", p.components, r.components),
        ("componentKinds", p.component_kinds, r.component_kinds),
        ("proxyTypes", p.proxy_types, r.proxy_types),
        ("crds", p.crds, r.crds),
        ("webhooks", p.webhooks, r.webhooks),
    ] {
        assert_eq!(pv, rv, "{before} + {feature}: {what}");
    }
    let t0 = today.meshes[0].totals;
    let (dp_cpu, dr_cpu) = (
        p.cpu_request_millicores - t0.cpu_request_millicores,
        r.cpu_request_millicores - t0.cpu_request_millicores,
    );
    let (dp_mem, dr_mem) = (
        p.memory_request_bytes - t0.memory_request_bytes,
        r.memory_request_bytes - t0.memory_request_bytes,
    );
    assert!(
        (0..=dr_cpu).contains(&dp_cpu),
        "{before} + {feature}: projected +{dp_cpu}m CPU, the cluster shows +{dr_cpu}m"
    );
    assert!(
        (0..=dr_mem).contains(&dp_mem),
        "{before} + {feature}: projected +{dp_mem} B, the cluster shows +{dr_mem} B"
    );
}

#[test]
fn istio_ambient_l7_policy_adds_the_waypoints_the_cluster_has() {
    honest("istio-ambient", "l7-policy", "istio-ambient-waypoints");
}

#[test]
fn istio_sidecar_ingress() {
    honest("istio-sidecar-base", "ingress", "istio-sidecar");
}

#[test]
fn linkerd_observability_is_viz() {
    honest("linkerd-base", "observability", "linkerd");
}

#[test]
fn linkerd_multicluster() {
    honest("linkerd", "multicluster", "linkerd-multicluster");
}

#[test]
fn cilium_observability_is_hubble() {
    honest("cilium-base", "observability", "cilium");
}

#[test]
fn plan_table_and_json() {
    let o = run(
        &[
            "plan",
            "--from",
            "fixtures/clusters/istio-ambient",
            "--enable",
            "l7-policy,ingress,multicluster",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("plan-istio-ambient", stdout(&o));
    let o = run(
        &[
            "plan",
            "--from",
            "fixtures/clusters/linkerd-base",
            "--enable",
            "l7-policy,observability,egress",
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["schemaVersion"], "meshsurface/plan/v1");
    assert_eq!(v["steps"][0]["feature"], serde_json::Value::Null);
    assert_eq!(
        v["steps"][1]["changes"], "configuration",
        "Linkerd L7 policy is configuration"
    );
    assert_eq!(v["steps"][2]["changes"], "topology");
    assert_eq!(v["steps"][2]["delta"]["components"], 5);
    assert_eq!(
        v["steps"][2]["added"]["webhooks"][0],
        "linkerd-tap-injector-webhook-config"
    );
    // The fixture already writes L7 policy's kinds (Server, HTTPRoute, AuthorizationPolicy,
    // MeshTLSAuthentication): nothing new; egress asks for EgressNetwork, which it does not use.
    let kinds = |i: usize| -> Vec<String> {
        v["steps"][i]["learn"]
            .as_array()
            .expect("learn")
            .iter()
            .map(|k| {
                format!(
                    "{}/{}",
                    k["group"].as_str().unwrap_or(""),
                    k["kind"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    assert!(kinds(0).is_empty(), "today has nothing to learn");
    assert!(kinds(1).is_empty(), "the cluster already writes them");
    assert!(kinds(2).is_empty(), "viz asks for no configuration kind");
    assert_eq!(kinds(3), ["policy.linkerd.io/EgressNetwork"]);
    assert_eq!(
        v["steps"][3]["totals"]["configObjects"], 10,
        "never invented"
    );
}

#[test]
fn plan_sweep_is_a_growth_curve() {
    let o = run(
        &[
            "plan",
            "--from",
            "fixtures/clusters/istio-ambient",
            "--enable",
            "l7-policy",
            "--sweep",
            "namespaces=10,100,1000",
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let comps: Vec<u64> = v["sweep"]
        .as_array()
        .expect("sweep")
        .iter()
        .map(|p| p["totals"]["components"].as_u64().unwrap_or(0))
        .collect();
    // istiod, istio-cni, ztunnel, then one waypoint per namespace.
    assert_eq!(comps, [13, 103, 1003]);
}

#[test]
fn compare_four_meshes() {
    let o = run(
        &[
            "compare",
            "--mesh",
            "istio-sidecar,istio-ambient,linkerd,cilium",
            "--features",
            "mtls,l7-policy,ingress,observability,multicluster",
            "--nodes",
            "40",
            "--namespaces",
            "120",
            "--pods",
            "3000",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("compare-four-meshes", stdout(&o));
}

#[test]
fn compare_calibrated_by_a_scan() {
    let o = run(
        &[
            "compare",
            "--from",
            "fixtures/clusters/linkerd",
            "--mesh",
            "linkerd,istio-ambient",
            "--features",
            "l7-policy,egress",
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["schemaVersion"], "meshsurface/compare/v1");
    assert_eq!(v["columns"][0]["calibrated"], true);
    assert_eq!(
        v["columns"][0]["steps"][0]["totals"]["components"], 8,
        "the scanned linkerd, viz included"
    );
    assert_eq!(v["columns"][1]["calibrated"], false);
    assert_eq!(v["scale"]["nodes"], 3, "scale from the scan");
    // The scanned cluster already writes Servers, HTTPRoutes, AuthorizationPolicies and
    // MeshTLSAuthentications: L7 policy asks for nothing new; egress's EgressNetwork is new.
    // No step invents configuration objects: the scan's count stays as it is.
    let linkerd = &v["columns"][0]["steps"];
    assert_eq!(linkerd[1]["learn"], serde_json::json!([]));
    assert_eq!(
        linkerd[2]["learn"],
        serde_json::json!([{"group": "policy.linkerd.io", "kind": "EgressNetwork", "fragile": false}])
    );
    for s in linkerd.as_array().expect("steps") {
        assert_eq!(s["totals"]["configObjects"], 10);
        assert_eq!(s["delta"]["configObjects"], 0);
    }
    let ambient = &v["columns"][1]["steps"];
    assert_eq!(ambient[1]["learn"][0]["kind"], "Gateway");
    assert_eq!(
        ambient[1]["totals"]["configObjects"],
        serde_json::Value::Null
    );
}

#[test]
fn feature_errors_are_usage_errors() {
    let o = run(
        &[
            "plan",
            "--from",
            "fixtures/clusters/cilium",
            "--enable",
            "tracing",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown feature \"tracing\" for cilium: known features are"),
        "{}",
        stderr(&o)
    );
    let o = run(&["compare", "--features", "warp-drive"], None);
    assert_eq!(o.status.code(), Some(2));
    let o = run(
        &[
            "plan",
            "--from",
            "fixtures/clusters/none",
            "--enable",
            "mtls",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("runs no mesh to plan for"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &[
            "plan",
            "--from",
            "fixtures/clusters/cilium-istio-ambient",
            "--enable",
            "l7-policy",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "a usage error");
    assert!(
        stderr(&o).contains("several meshes (cilium, istio): choose one with --mesh"),
        "{}",
        stderr(&o)
    );
}

/// `plan` and `compare` calibrated on a scan print its warnings on stderr, as `scan` and
/// `graph` do (`-q` silences them), and stdout stays the projection alone.
#[test]
fn plan_and_compare_print_the_scans_warnings() {
    let from = "fixtures/clusters/linkerd";
    for args in [
        vec!["plan", "--from", from, "--enable", "l7-policy"],
        vec!["compare", "--from", from],
    ] {
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("warning: [missing-requests] Deployment/linkerd-viz/web"),
            "{args:?}: {err}"
        );
        assert!(!stdout(&o).contains("warning:"), "{args:?}");
        let mut quiet = args.clone();
        quiet.push("-q");
        let o = run(&quiet, None);
        assert_eq!(stderr(&o), "", "{quiet:?}");
    }
}

/// A comparison calibrated on an incomplete scan is incomplete too (exit 3), like `plan`.
#[test]
fn compare_on_an_incomplete_snapshot_exits_3() {
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
    let mut snap: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    snap["complete"] = serde_json::Value::Bool(false);
    let dir = std::env::temp_dir().join(format!("meshsurface-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let path = dir.join("partial.json");
    std::fs::write(&path, snap.to_string()).expect("written");
    let path = path.to_string_lossy().into_owned();
    for args in [
        vec!["compare", "--from", &path, "-q"],
        vec!["plan", "--from", &path, "--enable", "mtls", "-q"],
    ] {
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(3), "{args:?}: {}", stderr(&o));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
