//! The version hazards on a live scan: the Kubernetes version comes from `GET /version`
//! (a live Node list is metadata only), read with the same read-only access as the rest
//! (`/version` is public: the ClusterRole of `rbac` need not grant it), and
//! `release-support` and `version-skew` are raised as offline.

use serde_json::Value;

use crate::live::{json, Live};
use crate::util::{run, stderr, stdout};

fn hazard<'a>(s: &'a Value, code: &str, mesh: &str) -> &'a Value {
    s["hazards"]
        .as_array()
        .expect("hazards[]")
        .iter()
        .find(|h| h["code"] == code && h["mesh"] == mesh)
        .unwrap_or_else(|| panic!("no {code} hazard of {mesh}: {}", s["hazards"]))
}

#[test]
fn a_live_scan_reads_the_api_servers_version_and_raises_release_support() {
    // Istio 1.26 supports Kubernetes 1.29–1.33; the API server says 1.36.
    let live = Live::start("istio-sidecar", |f| f.with_kubernetes_version("v1.36.0"));
    let o = live.scan(&["--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = json(&o);
    assert_eq!(
        s["kubernetes"],
        serde_json::json!({"version": "v1.36.0", "from": "apiServer"})
    );
    let h = hazard(&s, "release-support", "istio");
    assert_eq!(h["severity"], "critical", "{h}");
    let message = h["message"].as_str().expect("message");
    for part in [
        "1.26 (1.26.3) is past its end of life: no security fixes since 2025-12-22",
        "1.26 does not support Kubernetes 1.36 (the API server's v1.36.0; supported: 1.29–1.33)",
        "(as of the release table of 2026-09-09)",
    ] {
        assert!(message.contains(part), "{message}");
    }
    let requests = live.server().requests();
    assert!(
        requests
            .iter()
            .any(|r| r.path == "/version" && r.status == 200),
        "the scan asks the API server for its version"
    );
    assert!(requests.iter().all(|r| r.method == "GET"), "read-only");
    assert!(
        !requests.iter().any(|r| r.path.contains("secrets")),
        "never Secrets"
    );
    let role = stdout(&run(&["rbac"], None));
    let rules = fakekube::rbac::Rules::from_text(&role).expect("the ClusterRole parses");
    assert!(rules.denied(&requests).is_empty());
}

#[test]
fn a_live_scan_finds_proxies_two_minors_behind() {
    let live = Live::start("istio-skew", |f| f);
    let o = live.scan(&["--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = json(&o);
    // The fake answers /version with its Nodes' kubelet version.
    assert_eq!(s["kubernetes"]["version"], "v1.33.5");
    let h = hazard(&s, "version-skew", "istio");
    assert_eq!(
        (&h["severity"], &h["count"]),
        (&"warning".into(), &3.into())
    );
    assert_eq!(
        h["objects"],
        serde_json::json!([
            "Deployment/shop/cart (proxy 1.28.4, control plane 1.30.2)",
            "Deployment/shop/web (proxy 1.29.3, control plane 1.30.2)"
        ])
    );
}
