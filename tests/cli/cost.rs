//! The bill (issue 21): hand-worked costs in the fixtures' EXPECTED.md (`cost` fenced blocks),
//! `typical` never without its source, usage from served metrics, and a change of price
//! changing every output the same way.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::live::{json as live_json, ztunnel_pods, Live};
use crate::util::{block_pairs, cases, expected_block, root, run, stderr, stdout};

const PRICE: &str = "cpu=0.031/h,memory=0.0042/GiB-h";
const DOUBLE: &str = "cpu=0.062/h,memory=0.0084/GiB-h";

fn json_of(args: &[&str]) -> Value {
    let o = run(args, None);
    assert!(
        matches!(o.status.code(), Some(0 | 3)),
        "{args:?}: {}",
        stderr(&o)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn scan(case: &str, price: &str) -> Value {
    let dir = format!("fixtures/clusters/{case}");
    json_of(&[
        "scan", "--from", &dir, "--price", price, "-o", "json", "--quiet",
    ])
}

/// The `key = value` lines of the fixture's `cost` fenced block, if it has one.
fn expected(case: &str) -> Option<BTreeMap<String, String>> {
    let dir = root().join("fixtures/clusters").join(case);
    let block = expected_block(&dir, "cost").unwrap_or_else(|e| panic!("{e}"))?;
    Some(block_pairs(&block, " = "))
}

/// The value at a dotted path (`typical.sources` lists each source's URL).
fn at(cost: &Value, key: &str) -> String {
    if key == "typical.sources" {
        return cost["typical"]["sources"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s["source"].as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
    }
    let v = key.split('.').fold(cost, |v, k| &v[k]);
    match v {
        Value::Null => "null".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn agrees(want: &str, got: &str) -> bool {
    match (want.parse::<f64>(), got.parse::<f64>()) {
        (Ok(w), Ok(g)) => (w - g).abs() < 1e-9,
        _ => want == got,
    }
}

#[test]
fn every_fixture_with_a_cost_block_agrees_with_its_hand_worked_bill() {
    let mut checked = Vec::new();
    for case in cases() {
        let Some(want) = expected(&case) else {
            continue;
        };
        let s = scan(&case, PRICE);
        // Every fixture with a block has one mesh: its bill is the snapshot's.
        assert_eq!(s["meshes"].as_array().map(Vec::len), Some(1), "{case}");
        for cost in [&s["cost"], &s["meshes"][0]["cost"]] {
            for (k, w) in &want {
                let g = at(cost, k);
                assert!(agrees(w, &g), "{case}: {k} = {g}, EXPECTED.md says {w}");
            }
        }
        checked.push(case);
    }
    assert!(
        checked.len() >= 3,
        "three fixtures are hand-worked: {checked:?}"
    );
}

/// Every cost object in a document (snapshot, plan, compare, diff).
fn costs(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(m) => {
            if let Some(c) = m.get("cost").filter(|c| c.is_object()) {
                out.push(c.clone());
            }
            m.values().for_each(|x| costs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| costs(x, out)),
        _ => {}
    }
}

#[test]
fn typical_never_appears_without_its_source() {
    let mut docs: Vec<Value> = cases().iter().map(|c| scan(c, PRICE)).collect();
    docs.push(json_of(&[
        "compare",
        "--price",
        PRICE,
        "-o",
        "json",
        "--nodes",
        "40",
        "--namespaces",
        "120",
        "--pods",
        "3000",
    ]));
    let mut all = Vec::new();
    for d in &docs {
        costs(d, &mut all);
    }
    assert!(
        all.iter().any(|c| c["typical"].is_object()),
        "some typical bill is shown"
    );
    for c in &all {
        if c["typical"].is_null() {
            let why = c["typicalMissing"].as_str().unwrap_or("");
            assert!(!why.is_empty(), "a null typical says why: {c}");
            continue;
        }
        let sources = c["typical"]["sources"].as_array().expect("sources");
        assert!(!sources.is_empty(), "typical without sources: {c}");
        for s in sources {
            assert!(
                s["source"].as_str().unwrap_or("").starts_with("https://"),
                "{s}"
            );
            assert!(s["read"].as_str().is_some_and(|d| d.len() == 10), "{s}");
            assert!(!s["published"].as_str().unwrap_or("").is_empty(), "{s}");
        }
    }
    // The table marks typical as published, never measured, and names the source.
    let table = stdout(&run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/istio-sidecar",
            "--price",
            PRICE,
        ],
        None,
    ));
    assert!(
        table.contains("published figures, not measured here"),
        "{table}"
    );
    assert!(table.contains("https://istio.io/"), "{table}");
}

/// 15m and 40Mi for each of istio-ambient's three ztunnel pods.
fn ztunnel_metrics() -> Vec<Value> {
    ztunnel_pods()
        .iter()
        .map(|p| fakekube::pod_metrics("istio-system", p, &[("istio-proxy", "15m", "40Mi")]))
        .collect()
}

/// A live priced scan of istio-ambient whose metrics server serves `metrics`.
fn scan_ambient_with(metrics: Vec<Value>) -> Value {
    let live = Live::start("istio-ambient", |f| f.with_pod_metrics(metrics));
    let o = live.scan(&["--quiet", "--price", PRICE]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    live_json(&o)
}

#[test]
fn cost_usage_bills_the_measured_pods_with_their_coverage() {
    // Only the ztunnel pods measured: 3 of the 7 pods the bill covers (istiod, 3 istio-cni,
    // 3 ztunnel), so no per-pod figure.
    let s = scan_ambient_with(ztunnel_metrics());
    // Hand-worked in fixtures/clusters/istio-ambient/EXPECTED.md: 45m and 120Mi.
    let u = &s["cost"]["usage"];
    assert_eq!(u["hourly"], 0.001_887, "{u}");
    assert_eq!(u["monthly"], 1.38, "{u}");
    assert_eq!(
        (u["pods"].as_u64(), u["instances"].as_u64()),
        (Some(3), Some(7))
    );
    assert!(u["perMeshedPodMonthly"].is_null(), "{u}");
    assert_eq!(s["meshes"][0]["cost"]["usage"], *u);
    let m = &s["meshes"][0]["usage"];
    assert_eq!(
        (
            m["cpuUsageMillicores"].as_i64(),
            m["pods"].as_u64(),
            m["of"].as_u64()
        ),
        (Some(45), Some(3), Some(7)),
        "{m}"
    );
    let comp = |name: &str| {
        s["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["component"] == name)
            .unwrap_or_else(|| panic!("{name}"))["usage"]
            .clone()
    };
    assert_eq!(comp("ztunnel")["memoryUsageBytes"], 120 * 1024 * 1024);
    assert_eq!(comp("istiod")["pods"], 0, "read, not measured");

    // Every pod measured: istiod 20m/100Mi, each istio-cni 5m/30Mi, each ztunnel 15m/40Mi:
    // 80m and 310Mi, 7 of 7, so a per-pod figure (EXPECTED.md).
    let mut metrics = ztunnel_metrics();
    metrics.push(fakekube::pod_metrics(
        "istio-system",
        "istiod-2rxlxz779-mmgpn",
        &[("discovery", "20m", "100Mi")],
    ));
    for p in [
        "istio-cni-node-6pd6l",
        "istio-cni-node-sjp85",
        "istio-cni-node-bxkl2",
    ] {
        metrics.push(fakekube::pod_metrics(
            "istio-system",
            p,
            &[("install-cni", "5m", "30Mi")],
        ));
    }
    let s = scan_ambient_with(metrics);
    let u = &s["cost"]["usage"];
    assert_eq!(u["hourly"], 0.003_751, "{u}");
    assert_eq!(u["monthly"], 2.74, "{u}");
    assert_eq!(
        (u["pods"].as_u64(), u["instances"].as_u64()),
        (Some(7), Some(7))
    );
    assert_eq!(u["perMeshedPodMonthly"], 0.39, "{u}");
}

/// Every monthly figure of every cost object, in document order.
fn monthly(v: &Value) -> Vec<f64> {
    let mut all = Vec::new();
    costs(v, &mut all);
    let mut out = Vec::new();
    for c in &all {
        for basis in ["requests", "usage", "typical", "before", "after"] {
            if let Some(m) = c[basis]["monthly"].as_f64() {
                out.push(m);
            }
        }
        if let Some(d) = c["requests"]["delta"].as_f64() {
            out.push(d);
        }
    }
    out
}

#[test]
fn changing_the_price_changes_every_output_consistently() {
    let dir = std::env::temp_dir().join(format!("meshsurface-cost-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (b, a) = (dir.join("b.json"), dir.join("a.json"));
    for (case, path) in [("istio-sidecar-base", &b), ("istio-sidecar", &a)] {
        let o = run(
            &[
                "scan",
                "--from",
                &format!("fixtures/clusters/{case}"),
                "--save",
                path.to_str().unwrap(),
                "--quiet",
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let (bs, as_) = (b.to_str().unwrap(), a.to_str().unwrap());
    let outputs = |price: &str| -> Vec<Vec<f64>> {
        vec![
            monthly(&scan("istio-sidecar", price)),
            monthly(&json_of(&["diff", bs, as_, "--price", price, "-o", "json"])),
            monthly(&json_of(&[
                "plan",
                "--from",
                "fixtures/clusters/istio-sidecar",
                "--enable",
                "l7-policy",
                "--price",
                price,
                "-o",
                "json",
                "--quiet",
            ])),
            monthly(&json_of(&["compare", "--price", price, "-o", "json"])),
        ]
    };
    let (one, two) = (outputs(PRICE), outputs(DOUBLE));
    for (i, (x, y)) in one.iter().zip(&two).enumerate() {
        assert!(!x.is_empty(), "output {i} carries a bill");
        assert_eq!(x.len(), y.len(), "output {i}");
        for (p, q) in x.iter().zip(y) {
            // Both prices doubled: every bill doubles (to the cent, each rounded once).
            assert!(
                (q - 2.0 * p).abs() <= 0.011,
                "output {i}: {p} at one price, {q} at twice it"
            );
        }
    }
    headcount_and_report_follow_the_price(as_);
    // The tables show the figures of the JSON.
    let table = stdout(&run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/istio-sidecar",
            "--price",
            DOUBLE,
        ],
        None,
    ));
    assert!(
        table.contains("128.01"),
        "requests at twice the price: {table}"
    );
    for (price, figure) in [(PRICE, "64.00 USD/month"), (DOUBLE, "128.01 USD/month")] {
        let page = stdout(&run(
            &["report", "--from", as_, "--price", price, "-q"],
            None,
        ));
        assert!(page.contains(figure), "report at {price}: {figure}");
    }
    let diff = stdout(&run(&["diff", bs, as_, "--price", DOUBLE], None));
    assert!(diff.contains("Cost (USD per month)"), "{diff}");
    // A budget on the bill: grew by more than 4 (whole currency units) exits 4.
    let o = run(
        &[
            "diff",
            bs,
            as_,
            "--price",
            PRICE,
            "--fail-on",
            "costMonthly>+4",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let o = run(&["diff", bs, as_, "--fail-on", "costMonthly>+4"], None);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a cost budget without a price is a usage error"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// headcount's cost of ownership and the report at two prices, over the saved snapshot
/// `snap`.
fn headcount_and_report_follow_the_price(as_: &str) {
    // headcount's cost of ownership: compute doubles, people (the FTE cost) do not.
    let tco = |price: &str| -> (Vec<f64>, Vec<f64>) {
        let h = json_of(&[
            "headcount",
            "--from",
            as_,
            "--price",
            price,
            "--fte-cost",
            "100000",
            "-o",
            "json",
        ]);
        let parts: Vec<&Value> = h["tco"]["clusters"]
            .as_array()
            .expect("tco.clusters")
            .iter()
            .chain([&h["tco"]["fleet"]])
            .collect();
        (
            parts
                .iter()
                .flat_map(|p| p["compute"].as_array().expect("compute"))
                .filter_map(|c| c["monthly"].as_f64())
                .collect(),
            parts
                .iter()
                .map(|p| p["peoplePerYear"].as_f64().expect("peoplePerYear"))
                .collect(),
        )
    };
    let ((c1, p1), (c2, p2)) = (tco(PRICE), tco(DOUBLE));
    assert!(!c1.is_empty() && c1.len() == c2.len());
    for (p, q) in c1.iter().zip(&c2) {
        assert!((q - 2.0 * p).abs() <= 0.011, "headcount: {p} then {q}");
    }
    assert_eq!(p1, p2, "people do not depend on the compute price");
}

/// `compare --price`: the Cost section shows each mesh's monthly bill after each step on
/// requests and typical, the same figures as `-o json`, with "unset" where the charts
/// reserve nothing and `-` where no figure is published; fitted to 80 columns too.
#[test]
fn compare_cost_section_shows_every_mesh_and_step_from_the_json() {
    let args = [
        "compare",
        "--nodes",
        "40",
        "--namespaces",
        "120",
        "--pods",
        "3000",
        "--price",
        PRICE,
    ];
    let mut json_args = args.to_vec();
    json_args.extend(["-o", "json"]);
    let plan = json_of(&json_args);
    let title = "Cost after each step (USD per month, change in brackets)";
    let table = stdout(&crate::util::run_env(&args, None, &[("COLUMNS", "200")]));
    let sec: Vec<&str> = table
        .split(title)
        .nth(1)
        .unwrap_or_else(|| panic!("no cost section:\n{table}"))
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .collect();
    let columns = plan["columns"].as_array().expect("columns");
    assert_eq!(columns.len(), 4);
    // Rows: a requests and a typical row per step label, then two per-pod rows.
    let rows: Vec<Vec<&str>> = sec
        .iter()
        .skip_while(|l| !l.starts_with("STEP"))
        .skip(1)
        .take_while(|l| !l.starts_with("requests:"))
        .map(|l| {
            l.split("   ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    let steps = columns[0]["steps"].as_array().unwrap().len();
    assert_eq!(rows.len(), 2 * steps + 2, "{sec:#?}");
    for (m, col) in columns.iter().enumerate() {
        for (i, step) in col["steps"].as_array().unwrap().iter().enumerate() {
            let cost = &step["cost"];
            let req = &rows[2 * i];
            let typ = &rows[2 * i + 1];
            let want = format!("{:.2}", cost["requests"]["monthly"].as_f64().unwrap());
            let cell = req[req.len() - 4 + m];
            assert!(
                cell.starts_with(&want),
                "{}: {cell} vs {want}",
                col["profile"]
            );
            if cost["requests"]["monthly"] == 0.0 {
                assert!(cell.ends_with("(unset)"), "{cell}");
            }
            let cell = typ[typ.len() - 4 + m];
            if let Some(t) = cost["typical"]["monthly"].as_f64() {
                assert!(cell.starts_with(&format!("{t:.2}")), "{cell} vs {t}");
            } else {
                assert_eq!(cell, "-");
                assert!(cost["typicalMissing"]
                    .as_str()
                    .is_some_and(|w| !w.is_empty()));
            }
        }
    }
    // Linkerd and Cilium reserve nothing; Istio's columns have a typical bill.
    assert!(rows[0].iter().filter(|c| c.ends_with("(unset)")).count() == 2);
    assert!(rows[1][rows[1].len() - 4] != "-" && rows[1][rows[1].len() - 3] != "-");
    let narrow = stdout(&crate::util::run_env(&args, None, &[("COLUMNS", "80")]));
    assert!(narrow.contains(title), "{narrow}");
    assert!(narrow.lines().all(|l| l.chars().count() <= 80), "{narrow}");
}
