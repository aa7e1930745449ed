//! The fixtures built from upstream's own rendered output (`fixtures/upstream/<case>`), checked
//! against their hand-worked EXPECTED.md with the same checker as `fixtures/clusters`.
//! The expectations are those of issue 14; `fixtures/upstream/GAPS.md` lists where the scan
//! differed before it. A case that still needs an unimplemented item stays ignored.

use crate::fixtures::check_in;
use crate::util::root;

const FOLDER: &str = "fixtures/upstream";

/// Every case folder under fixtures/upstream, sorted.
fn cases() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join(FOLDER))
        .expect("fixtures/upstream exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Runs now: each case has its README (upstream repo, commit, path) and an expected block.
#[test]
fn every_upstream_case_cites_its_source_and_has_expectations() {
    let cases = cases();
    assert!(cases.len() >= 5, "only {} upstream cases", cases.len());
    for c in &cases {
        let dir = root().join(FOLDER).join(c);
        let readme = std::fs::read_to_string(dir.join("README.md")).expect("README.md");
        assert!(readme.contains("commit"), "{c}: README.md cites no commit");
        let expected = std::fs::read_to_string(dir.join("EXPECTED.md")).expect("EXPECTED.md");
        assert!(expected.contains("```expected"), "{c}: no expected block");
    }
}

macro_rules! upstream_cases {
    ($($name:ident => $dir:literal),* $(,)?) => {
        $(#[test] fn $name() { check_in(FOLDER, $dir); })*
    };
}

upstream_cases! {
    istio_inject_goldens => "istio-inject-goldens",
    istio_ambient_1_2x_waypoints => "istio-ambient-1.2x-waypoints",
    cilium_helm_hubble_envoy => "cilium-helm-hubble-envoy",
    mix_istio_1_28_eastwest_linkerd_2_10 => "mix-istio-1.28-eastwest-linkerd-2.10",
    istio_1_5_mixer_citadel => "istio-1.5-mixer-citadel",
}

/// Issue 14 item 9: the viz, jaeger and gateway templates get the injector's proxy.
#[test]
fn linkerd_ha_extensions() {
    check_in(FOLDER, "linkerd-ha-extensions");
}

#[test]
fn every_upstream_case_folder_has_a_test_above() {
    let listed = include_str!("upstream.rs");
    for case in cases() {
        assert!(
            listed.contains(&format!("=> \"{case}\""))
                || listed.contains(&format!("FOLDER, \"{case}\"")),
            "add {case} to the upstream_cases! list"
        );
    }
}

/// Issue 14 item 8: `--nodes N` gives rendered DaemonSets their instances.
#[test]
fn nodes_flag_projects_rendered_daemonsets() {
    let s = crate::util::scan_json(&["--from", "fixtures/upstream/cilium-helm-hubble-envoy"]);
    let envoy = |s: &serde_json::Value| s["proxies"][0].clone();
    assert_eq!(envoy(&s)["instances"], 0);
    assert_eq!(envoy(&s)["instancesUnknown"], true);
    let s = crate::util::scan_json(&[
        "--from",
        "fixtures/upstream/cilium-helm-hubble-envoy",
        "--nodes",
        "3",
    ]);
    assert_eq!(envoy(&s)["instances"], 3);
    assert!(envoy(&s).get("instancesUnknown").is_none());
    assert_eq!(s["totals"]["componentInstances"], 4 + 3 + 3);
    let codes: Vec<&str> = s["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    assert!(!codes.contains(&"nodes-unknown"), "{codes:?}");
}
