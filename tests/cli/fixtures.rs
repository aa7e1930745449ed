//! Every fixture's `scan -o json` against the totals worked out by hand in its EXPECTED.md.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::util::{block_pairs, cases, expected_block, root, scan_json};

/// The `key = value` lines of the `expected` fenced block of `<folder>/<case>/EXPECTED.md`.
fn expected_in(folder: &str, case: &str) -> Result<BTreeMap<String, String>, String> {
    let dir = root().join(folder).join(case);
    let block = expected_block(&dir, "expected")?
        .ok_or_else(|| format!("{}: no `expected` fenced block", dir.display()))?;
    Ok(block_pairs(&block, "="))
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

/// Scans `<folder>/<case>` and compares it with that case's EXPECTED.md: `Err` names the
/// case and every key where they differ (or why the case could not be checked).
fn differences(folder: &str, case: &str) -> Result<(), String> {
    let want = expected_in(folder, case)?;
    if want.len() < 19 {
        return Err(format!("{case}: EXPECTED.md has only {} keys", want.len()));
    }
    let s = std::panic::catch_unwind(|| scan_json(&["--from", &format!("{folder}/{case}")]))
        .map_err(|p| {
            let why = p
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| p.downcast_ref::<&str>().copied())
                .unwrap_or("panicked");
            format!("{case}: {why}")
        })?;
    let got = actual(&s);
    let mut wrong = Vec::new();
    for (k, v) in &want {
        let g = got.get(k).map_or("<missing>", String::as_str);
        if normalize(g) != normalize(v) {
            wrong.push(format!("  {k}: expected {v}, scan says {g}"));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{case}: scan disagrees with EXPECTED.md:\n{}",
            wrong.join("\n")
        ))
    }
}

/// Scans `<folder>/<case>` and compares it with that case's EXPECTED.md.
pub fn check_in(folder: &str, case: &str) {
    if let Err(e) = differences(folder, case) {
        panic!("{e}");
    }
}

/// Every folder under `fixtures/clusters` is checked, listed nowhere: adding a fixture (a
/// new mesh's, say) is adding its folder with an EXPECTED.md. Every failing case is named.
#[test]
fn every_fixture_agrees_with_its_expected_md() {
    let cases = cases();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| differences("fixtures/clusters", case).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures disagree with their EXPECTED.md:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The core fixtures the other tests lean on are there.
#[test]
fn the_core_fixtures_exist() {
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
}
