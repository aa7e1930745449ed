//! The configuration surface of every fixture (cluster and upstream) against the figures
//! worked out by hand in the `config` fenced block of its EXPECTED.md: totals, per mesh, every
//! kind in use and every override key (the lists must match exactly, not just contain).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::util::{block_pairs, cases, expected_block, root, scan_json};

/// The `key = value` lines of the `config` fenced block of `<folder>/<case>/EXPECTED.md`.
fn expected(folder: &str, case: &str) -> BTreeMap<String, String> {
    let dir = root().join(folder).join(case);
    let block = expected_block(&dir, "config")
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("{}: no ```config block", dir.display()));
    block_pairs(&block, " = ")
}

fn figure(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

/// The same keys, read off a snapshot.
fn actual(s: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for k in [
        "configObjects",
        "configKindsInUse",
        "fragileConfigObjects",
        "proxyOverrides",
    ] {
        out.insert(format!("totals.{k}"), figure(&s["totals"][k]));
    }
    for m in s["meshes"].as_array().expect("meshes") {
        let name = m["name"].as_str().unwrap_or("");
        for k in ["configObjects", "proxyOverrides"] {
            out.insert(format!("mesh.{name}.{k}"), figure(&m["totals"][k]));
        }
    }
    for c in s["config"].as_array().expect("config") {
        if c["objects"].as_u64().unwrap_or(0) == 0 {
            continue;
        }
        out.insert(
            format!(
                "config.{}.{}/{}",
                c["mesh"].as_str().unwrap_or(""),
                c["group"].as_str().unwrap_or(""),
                c["kind"].as_str().unwrap_or("")
            ),
            format!("{}/{}", c["objects"], c["namespaces"]),
        );
    }
    for o in s["overrides"].as_array().expect("overrides") {
        out.insert(
            format!(
                "override.{}.{}",
                o["mesh"].as_str().unwrap_or(""),
                o["annotation"].as_str().unwrap_or("")
            ),
            format!("{}/{}", o["workloads"], o["pods"]),
        );
    }
    out
}

fn check(folder: &str, case: &str) -> Vec<String> {
    let want = expected(folder, case);
    let got = actual(&scan_json(&["--from", &format!("{folder}/{case}")]));
    let mut wrong = Vec::new();
    for k in want
        .keys()
        .chain(got.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (w, g) = (want.get(k), got.get(k));
        if w != g {
            wrong.push(format!(
                "  {case}: {k}: EXPECTED.md says {}, scan says {}",
                w.map_or("<absent>", String::as_str),
                g.map_or("<absent>", String::as_str)
            ));
        }
    }
    wrong
}

fn upstream_cases() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("fixtures/upstream"))
        .expect("fixtures/upstream exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn every_fixture_matches_its_hand_worked_configuration() {
    let mut wrong = Vec::new();
    for case in cases() {
        wrong.extend(check("fixtures/clusters", &case));
    }
    for case in upstream_cases() {
        wrong.extend(check("fixtures/upstream", &case));
    }
    assert!(
        wrong.is_empty(),
        "configuration figures disagree:\n{}",
        wrong.join("\n")
    );
}
