//! `headcount`: a fleet of saved fixture snapshots as CSV (golden), the model's error
//! cases, the `--enable` delta, and the input forms (raw manifests are one cluster).

use std::path::{Path, PathBuf};

use crate::util::{run, stderr, stdout};

const FLEET: [&str; 4] = [
    "istio-sidecar",
    "istio-ambient",
    "linkerd",
    "cilium-istio-ambient",
];

/// A fresh temp dir for one test.
fn temp(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "meshsurface-headcount-{test}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Saves `scan --from fixtures/clusters/CASE --save DIR/CASE.json` for each case.
fn save_fleet(dir: &Path, cases: &[&str]) {
    for case in cases {
        let fixture = format!("fixtures/clusters/{case}");
        let file = dir.join(format!("{case}.json"));
        let o = run(
            &[
                "scan",
                "--from",
                &fixture,
                "--save",
                file.to_str().expect("utf-8 path"),
                "-q",
                "-o",
                "json",
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
}

fn write_model(dir: &Path, text: &str) -> String {
    let p = dir.join("model.toml");
    std::fs::write(&p, text).expect("model written");
    p.to_str().expect("utf-8 path").to_owned()
}

fn default_model() -> String {
    let o = run(&["headcount", "--print-model"], None);
    assert_eq!(o.status.code(), Some(0));
    stdout(&o)
}

#[test]
fn headcount_fleet_csv_golden() {
    let dir = temp("csv");
    save_fleet(&dir, &FLEET);
    let o = run(
        &[
            "headcount",
            "--from",
            dir.to_str().unwrap(),
            "-o",
            "csv",
            "-q",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = stdout(&o);
    // One header, one row per cluster and mesh (cilium-istio-ambient runs two), one total.
    assert_eq!(csv.lines().count(), 1 + 5 + 1);
    assert!(csv.lines().last().unwrap().starts_with("TOTAL,"));
    insta::assert_snapshot!("headcount_fleet_csv", csv);
    // The same fleet given as files instead of a folder.
    let files: Vec<String> = FLEET
        .iter()
        .map(|c| dir.join(format!("{c}.json")).to_str().unwrap().to_owned())
        .collect();
    let mut args = vec!["headcount", "-o", "csv", "-q"];
    for f in &files {
        args.extend(["--from", f.as_str()]);
    }
    let o = run(&args, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut by_files: Vec<String> = stdout(&o).lines().map(str::to_owned).collect();
    let mut by_dir: Vec<String> = csv.lines().map(str::to_owned).collect();
    by_files.sort();
    by_dir.sort();
    assert_eq!(by_files, by_dir);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn headcount_table_explains_every_term() {
    let dir = temp("table");
    save_fleet(&dir, &FLEET[..2]);
    let o = run(&["headcount", "--from", dir.to_str().unwrap(), "-q"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("headcount_table_two_clusters", stdout(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn headcount_json_and_raw_manifests_are_one_cluster() {
    let o = run(
        &[
            "headcount",
            "--from",
            "fixtures/clusters/istio-sidecar",
            "-o",
            "json",
            "-q",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schemaVersion"], "meshsurface/headcount/v1");
    assert_eq!(v["totals"]["clusters"], 1);
    assert_eq!(v["rows"][0]["mesh"], "istio");
    // Every term carries its formula and its contribution; they add up to the total.
    let terms: Vec<&serde_json::Value> = v["estimate"]["clusterTerms"]
        .as_array()
        .unwrap()
        .iter()
        .chain(v["estimate"]["fleetTerms"].as_array().unwrap())
        .collect();
    let sum: f64 = terms
        .iter()
        .map(|t| t["hoursPerYear"].as_f64().unwrap())
        .sum();
    assert!((sum - v["estimate"]["hoursPerYear"].as_f64().unwrap()).abs() < 0.05);
    assert!(terms
        .iter()
        .all(|t| t["formula"].as_str().unwrap().contains(" = ")));
}

#[test]
fn headcount_enable_l7_policy_on_ambient_costs_more() {
    let o = run(
        &[
            "headcount",
            "--from",
            "fixtures/clusters/istio-ambient",
            "--enable",
            "l7-policy",
            "-o",
            "json",
            "-q",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &v["projection"];
    assert!(p["delta"]["hoursPerYear"].as_f64().unwrap() > 0.0, "{p}");
    assert!(p["delta"]["fte"].as_f64().unwrap() >= 0.0);
    // Waypoints: one more component kind, one more proxy type.
    assert_eq!(
        p["totals"]["componentKinds"].as_u64().unwrap(),
        v["totals"]["componentKinds"].as_u64().unwrap() + 1
    );
    let o = run(
        &[
            "headcount",
            "--from",
            "fixtures/clusters/istio-ambient",
            "--enable",
            "teleport",
            "-q",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("teleport"), "{}", stderr(&o));
}

#[test]
fn headcount_print_model_round_trips() {
    let dir = temp("roundtrip");
    let model = write_model(&dir, &default_model());
    let a = run(
        &[
            "headcount",
            "--from",
            "fixtures/clusters/linkerd",
            "-o",
            "csv",
            "-q",
        ],
        None,
    );
    let b = run(
        &[
            "headcount",
            "--from",
            "fixtures/clusters/linkerd",
            "-o",
            "csv",
            "-q",
            "--model",
            &model,
        ],
        None,
    );
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    assert_eq!(stdout(&a), stdout(&b));
    // A team's own coefficient changes the estimate: twice the engineers, more learning.
    let doubled = default_model().replace(
        "[coefficients.engineers]\nvalue = 4.0",
        "[coefficients.engineers]\nvalue = 8.0",
    );
    let model = write_model(&dir, &doubled);
    let c = run(
        &[
            "headcount",
            "--from",
            "fixtures/clusters/linkerd",
            "-o",
            "json",
            "-q",
            "--model",
            &model,
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&c.stdout).unwrap();
    assert!(v["estimate"]["fleetTerms"][1]["formula"]
        .as_str()
        .unwrap()
        .contains("× 8 engineers ×"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn headcount_bad_models_name_the_key() {
    let dir = temp("badmodel");
    let base = default_model();
    let cases = [
        (
            format!("{base}\n[coefficients.coffee_breaks]\nvalue = 1.0\nunit = \"hours\"\n"),
            "unknown coefficient `coffee_breaks`",
        ),
        (
            base.replace(
                "[coefficients.incident_hours]\nvalue = 6.0\nunit = \"hours/incident\"\n",
                "",
            ),
            "coefficient `incident_hours` is missing",
        ),
        (
            base.replace(
                "[coefficients.webhook_hours]\nvalue = 2.0",
                "[coefficients.webhook_hours]\nvalue = -2.0",
            ),
            "coefficient `webhook_hours` is -2",
        ),
        (
            base.replace("unit = \"hours/incident\"", "unit = \"minutes/incident\""),
            "coefficient `incident_hours` has unit \"minutes/incident\", expected \"hours/incident\"",
        ),
        (
            base.replace("unit = \"hours/incident\"", "unit = \"hours/incident\"\nnote = \"x\""),
            "note",
        ),
    ];
    for (text, expected) in cases {
        assert_ne!(text, base, "the case must change the model: {expected}");
        let model = write_model(&dir, &text);
        let o = run(
            &[
                "headcount",
                "--from",
                "fixtures/clusters/linkerd",
                "--model",
                &model,
                "-q",
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(2), "{expected}: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{expected}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
    let o = run(&["headcount", "--model", "no/such/model.toml"], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("no/such/model.toml"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn headcount_refuses_mixed_schema_versions() {
    let dir = temp("schema");
    save_fleet(&dir, &FLEET[..2]);
    let p = dir.join("istio-ambient.json");
    let text = std::fs::read_to_string(&p).unwrap().replacen(
        "\"schemaVersion\": \"meshsurface/v1\"",
        "\"schemaVersion\": \"meshsurface/v2\"",
        1,
    );
    assert!(text.contains("meshsurface/v2"));
    std::fs::write(&p, text).unwrap();
    let o = run(&["headcount", "--from", dir.to_str().unwrap(), "-q"], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("istio-ambient.json"), "{err}");
    assert!(err.contains("\"meshsurface/v2\""), "{err}");
    assert!(err.contains("same schema version"), "{err}");
    assert!(stdout(&o).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
