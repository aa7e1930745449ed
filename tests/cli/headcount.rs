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

/// `headcount` of istio-sidecar with a price and a loaded FTE cost.
const TCO_ARGS: [&str; 8] = [
    "headcount",
    "--from",
    "fixtures/clusters/istio-sidecar",
    "--price",
    "cpu=0.031/h,memory=0.0042/GiB-h",
    "--fte-cost",
    "150000",
    "-q",
];

/// `headcount --price --fte-cost` on istio-sidecar, worked by hand:
/// * people, the cluster: its row's per-cluster terms, 103.75 hours/year (the fleet table in
///   docs/headcount.md) ÷ 1600 hours/FTE × 150000 = 9726.5625 → 9726.56 (0.06 FTE);
/// * people, the fleet of that one cluster: + the fleet terms (upgrade preparation
///   4 × 8 × 1 mesh = 32, learning CRDs 2 × 4 × 15 ÷ 2 = 60, learning proxy types
///   8 × 4 × 2 ÷ 2 = 32: 124) = 227.75 hours ÷ 1600 × 150000 = 21351.5625 → 21351.56;
/// * compute on requests: 64.00/month (its EXPECTED.md) × 12 = 768.00; on typical 88.54 ×
///   12 = 1062.48; no usage offline (null, with why);
/// * totals: 9726.56 + 768 = 10494.56 and 9726.56 + 1062.48 = 10789.04; for the fleet
///   21351.56 + 768 = 22119.56 and 21351.56 + 1062.48 = 22414.04.
#[test]
fn headcount_tco_people_and_compute_by_hand() {
    let args = TCO_ARGS;
    let mut json_args = args.to_vec();
    json_args.extend(["-o", "json"]);
    let out = run(&json_args, None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let hc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tco = &hc["tco"];
    assert_eq!(tco["currency"], "USD");
    assert_eq!(tco["fteCost"], 150_000.0);
    let cluster = &tco["clusters"][0];
    assert_eq!(cluster["hoursPerYear"], 103.75);
    assert_eq!(cluster["fte"], 0.06);
    assert_eq!(cluster["peoplePerYear"], 9726.56);
    let fleet = &tco["fleet"];
    assert!(fleet["cluster"].is_null());
    assert_eq!(fleet["hoursPerYear"], 227.75);
    assert_eq!(fleet["peoplePerYear"], 21351.56);
    let basis = |p: &serde_json::Value, i: usize, field: &str| p["compute"][i][field].clone();
    for (p, totals) in [
        (cluster, [10494.56, 10789.04]),
        (fleet, [22119.56, 22414.04]),
    ] {
        assert_eq!(basis(p, 0, "basis"), "requests");
        assert_eq!(basis(p, 0, "monthly"), 64.0);
        assert_eq!(basis(p, 0, "perYear"), 768.0);
        assert_eq!(basis(p, 0, "totalPerYear"), totals[0]);
        assert_eq!(basis(p, 1, "basis"), "usage");
        assert!(basis(p, 1, "perYear").is_null());
        assert!(basis(p, 1, "source").as_str().unwrap().contains("usage"));
        assert_eq!(basis(p, 2, "basis"), "typical");
        assert_eq!(basis(p, 2, "perYear"), 1062.48);
        assert_eq!(basis(p, 2, "totalPerYear"), totals[1]);
        assert!(basis(p, 2, "source")
            .as_str()
            .unwrap()
            .contains("https://istio.io/v1.13/docs/ops/deployment/performance-and-scalability/"));
    }
    // The table fits 80 columns and shows the same figures with their sources.
    let o = crate::util::run_env(&args, None, &[("COLUMNS", "80")]);
    let table = stdout(&o);
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    let sec = table
        .split("Cost of ownership")
        .nth(1)
        .unwrap_or_else(|| panic!("no TCO section:\n{table}"));
    for figure in [
        "9726.56",
        "768.00",
        "10494.56",
        "1062.48",
        "22414.04",
        "typical: published",
    ] {
        assert!(sec.contains(figure), "{figure}:\n{sec}");
    }
    // Without a price, no TCO section; one flag of the pair alone, or a bad amount, is a
    // usage error.
    let o = run(
        &[
            "headcount",
            "--from",
            "fixtures/clusters/istio-sidecar",
            "-q",
            "-o",
            "json",
        ],
        None,
    );
    let h: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(h.get("tco").is_none());
    for bad in [
        &args[..5],
        &[
            "headcount",
            "--from",
            "fixtures/clusters/istio-sidecar",
            "--fte-cost",
            "1",
        ][..],
        &[
            "headcount",
            "--from",
            "x",
            "--price",
            "cpu=1/h,memory=1/GiB-h",
            "--fte-cost=-5",
        ][..],
    ] {
        let o = run(bad, None);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {}", stderr(&o));
    }
}

/// `headcount -o csv --price --fte-cost`: the last five columns carry the row's people and
/// the mesh's compute per year, then the fleet's on the TOTAL row (figures of
/// `headcount_tco_people_and_compute_by_hand`); usage blank (no figure offline), never 0.
#[test]
fn headcount_csv_carries_the_cost_of_ownership() {
    let mut args = TCO_ARGS.to_vec();
    args.extend(["-o", "csv"]);
    let csv = stdout(&run(&args, None));
    let lines: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let tail = |l: &[&str]| l[l.len() - 5..].join(",");
    assert_eq!(
        tail(&lines[0]),
        "currency,peoplePerYear,computeRequestsPerYear,computeUsagePerYear,computeTypicalPerYear"
    );
    assert_eq!(tail(&lines[1]), "USD,9726.56,768,,1062.48", "{csv}");
    assert_eq!(lines[2][0], "TOTAL");
    assert_eq!(tail(&lines[2]), "USD,21351.56,768,,1062.48", "{csv}");
    // Without the flags the five cells are blank.
    let plain = stdout(&run(&[args[0], args[1], args[2], "-q", "-o", "csv"], None));
    for line in plain.lines().skip(1) {
        assert!(line.ends_with(",,,,,"), "{line}");
    }
}
