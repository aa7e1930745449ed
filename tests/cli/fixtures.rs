//! Every fixture's `scan -o json` against the totals worked out by hand in its EXPECTED.md.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::util::{cases, root, scan_json};

/// The `key = value` lines of the ```expected block of `fixtures/clusters/<case>`.
fn expected(case: &str) -> BTreeMap<String, String> {
    expected_in("fixtures/clusters", case)
}

/// The `key = value` lines of the ```expected block of `<folder>/<case>/EXPECTED.md`.
fn expected_in(folder: &str, case: &str) -> BTreeMap<String, String> {
    let path = root().join(folder).join(case).join("EXPECTED.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let block = text
        .split("```expected")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_else(|| panic!("{}: no ```expected block", path.display()));
    block
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// The same keys, read off a snapshot.
fn actual(s: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for part in ["scale", "totals"] {
        for (k, v) in s[part].as_object().expect("object") {
            out.insert(format!("{part}.{k}"), v.to_string());
        }
    }
    let meshes: Vec<String> = s["meshes"]
        .as_array()
        .expect("meshes")
        .iter()
        .map(|m| {
            format!(
                "{}:{}:{}",
                m["name"].as_str().unwrap_or(""),
                m["mode"].as_str().unwrap_or(""),
                m["version"].as_str().unwrap_or("")
            )
        })
        .collect();
    out.insert("meshes".into(), meshes.join(", "));
    let shared = s["crds"]
        .as_array()
        .expect("crds")
        .iter()
        .filter(|c| c["mesh"] == "shared")
        .count();
    out.insert("sharedCrds".into(), shared.to_string());
    let codes: BTreeSet<&str> = s["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    out.insert(
        "warnings".into(),
        codes.into_iter().collect::<Vec<_>>().join(", "),
    );
    out
}

fn normalize(v: &str) -> String {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn check(case: &str) {
    check_in("fixtures/clusters", case);
}

/// Scans `<folder>/<case>` and compares it with that case's EXPECTED.md.
pub fn check_in(folder: &str, case: &str) {
    let want = expected_in(folder, case);
    assert!(
        want.len() >= 19,
        "{case}: EXPECTED.md has only {} keys",
        want.len()
    );
    let s = scan_json(&["--from", &format!("{folder}/{case}")]);
    let got = actual(&s);
    let mut wrong = Vec::new();
    for (k, v) in &want {
        let g = got.get(k).map_or("<missing>", String::as_str);
        if normalize(g) != normalize(v) {
            wrong.push(format!("  {k}: expected {v}, scan says {g}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{case}: scan disagrees with EXPECTED.md:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_case_has_expectations() {
    let cases = cases();
    for required in [
        "none",
        "istio-sidecar",
        "istio-ambient",
        "istio-ambient-waypoints",
        "istio-revisions",
        "linkerd",
        "cilium",
        "cilium-istio-ambient",
    ] {
        assert!(
            cases.iter().any(|c| c == required),
            "fixture {required} is missing"
        );
    }
    for c in &cases {
        assert!(!expected(c).is_empty(), "{c}: empty expectations");
    }
}

macro_rules! cases {
    ($($name:ident => $dir:literal),* $(,)?) => {
        $(#[test] fn $name() { check($dir); })*
    };
}

cases! {
    none => "none",
    istio_sidecar => "istio-sidecar",
    istio_ambient => "istio-ambient",
    istio_ambient_waypoints => "istio-ambient-waypoints",
    istio_revisions => "istio-revisions",
    linkerd => "linkerd",
    cilium => "cilium",
    cilium_istio_ambient => "cilium-istio-ambient",
    linkerd_base => "linkerd-base",
    linkerd_multicluster => "linkerd-multicluster",
    cilium_base => "cilium-base",
    istio_sidecar_base => "istio-sidecar-base",
}

#[test]
fn every_case_folder_has_a_test_above() {
    let listed = include_str!("fixtures.rs");
    for case in cases() {
        assert!(
            listed.contains(&format!("=> \"{case}\"")),
            "add {case} to the cases! list"
        );
    }
}
