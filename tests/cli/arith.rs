//! Figures from hostile input: absurd quantities and replicas are flagged, sums saturate
//! instead of wrapping negative (which passed any `--fail-on` budget), projections at
//! absurd scale stay non-negative, and the headcount model refuses non-finite results.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::util::{run, stderr, stdout};

/// A fresh directory for one test's manifests (removed first if a run left it behind).
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("meshsurface-arith-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("manifest written");
    p.to_string_lossy().into_owned()
}

/// An application pod with an Istio sidecar requesting `memory`.
fn meshed_pod(name: &str, memory: &str) -> String {
    format!(
        r"apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: shop
  labels: {{app: {name}}}
spec:
  containers:
  - name: app
    image: nginx:1
    resources:
      requests: {{cpu: 10m, memory: 10Mi}}
  - name: istio-proxy
    image: docker.io/istio/proxyv2:1.22.0
    resources:
      requests: {{cpu: 100m, memory: {memory}}}
"
    )
}

/// Every number under every `key` object of a JSON value (recursively).
fn numbers_under(v: &serde_json::Value, key: &str, out: &mut Vec<(String, i128)>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if k == key {
                    collect_numbers(x, k, out);
                } else {
                    numbers_under(x, key, out);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| numbers_under(x, key, out)),
        _ => {}
    }
}

fn collect_numbers(v: &serde_json::Value, path: &str, out: &mut Vec<(String, i128)>) {
    match v {
        serde_json::Value::Number(n) => {
            let x = n
                .as_i64()
                .map(i128::from)
                .or_else(|| n.as_u64().map(i128::from))
                .unwrap_or(-1);
            out.push((path.to_owned(), x));
        }
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                collect_numbers(x, &format!("{path}.{k}"), out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_numbers(x, path, out)),
        _ => {}
    }
}

fn assert_no_negative(v: &serde_json::Value, key: &str) {
    let mut nums = Vec::new();
    numbers_under(v, key, &mut nums);
    assert!(!nums.is_empty(), "no {key} in the output");
    let negative: Vec<_> = nums.iter().filter(|(_, x)| *x < 0).collect();
    assert!(negative.is_empty(), "negative figures: {negative:?}");
}

fn codes(snap: &serde_json::Value) -> Vec<String> {
    snap["warnings"]
        .as_array()
        .expect("warnings[]")
        .iter()
        .map(|w| w["code"].as_str().expect("a code").to_owned())
        .collect()
}

#[test]
fn two_sidecars_of_5e_saturate_and_fail_the_budget() {
    let dir = temp_dir("5e");
    let path = write(
        &dir,
        "pods.yaml",
        &format!("{}---\n{}", meshed_pod("a", "5E"), meshed_pod("b", "5E")),
    );
    let o = run(&["scan", "--from", &path, "-o", "json", "--quiet"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let snap: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        snap["totals"]["memoryRequestBytes"],
        serde_json::json!(i64::MAX),
        "an absurd request saturates the total instead of wrapping"
    );
    assert_no_negative(&snap, "totals");
    assert_no_negative(&snap, "proxies");
    assert_no_negative(&snap, "namespaces");
    assert!(codes(&snap).contains(&"invalid-quantity".to_owned()));
    let warning = snap["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "invalid-quantity")
        .unwrap();
    let message = warning["message"].as_str().unwrap();
    assert!(message.contains("\"5E\": absurd"), "{message}");

    let o = run(
        &[
            "scan",
            "--from",
            &path,
            "--quiet",
            "--fail-on",
            "memoryRequestBytes>1073741824",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("memoryRequestBytes>1073741824"),
        "{}",
        stderr(&o)
    );

    // Saved and compared with a sane cluster, the saturated total still fails a budget.
    let saved = write(
        &dir,
        "after.json",
        &stdout(&run(&["scan", "--from", &path, "-o", "json", "-q"], None)),
    );
    let sane = write(
        &dir,
        "sane.yaml",
        &format!(
            "{}---\n{}",
            meshed_pod("a", "128Mi"),
            meshed_pod("b", "128Mi")
        ),
    );
    let before = write(
        &dir,
        "before.json",
        &stdout(&run(&["scan", "--from", &sane, "-o", "json", "-q"], None)),
    );
    let o = run(
        &[
            "diff",
            &before,
            &saved,
            "--fail-on",
            "memoryRequestBytes>+1073741824",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn absurd_replicas_warn_and_never_go_negative() {
    let dir = temp_dir("replicas");
    let path = write(
        &dir,
        "deploy.yaml",
        r"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 9223372036854775807
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx:1
      - name: istio-proxy
        image: docker.io/istio/proxyv2:1.22.0
        resources:
          requests: {cpu: 100m, memory: 128Mi}
",
    );
    let o = run(&["scan", "--from", &path, "-o", "json", "--quiet"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let snap: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_no_negative(&snap, "totals");
    assert_no_negative(&snap, "proxies");
    assert_no_negative(&snap, "namespaces");
    assert_eq!(
        snap["totals"]["cpuRequestMillicores"],
        serde_json::json!(i64::MAX)
    );
    let w = snap["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "absurd-replicas")
        .expect("an absurd-replicas warning");
    assert_eq!(w["resource"], "Deployment/shop/web");
    assert!(w["message"]
        .as_str()
        .unwrap()
        .contains("spec.replicas 9223372036854775807"));

    // `plan` on that scale, and a sweep to the largest pod count, stay non-negative.
    let o = run(
        &[
            "plan",
            "--from",
            &path,
            "--enable",
            "mtls,l7-policy",
            "--sweep",
            "pods=10,18446744073709551615",
            "-o",
            "json",
            "-q",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_no_negative(&plan, "totals");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn compare_at_absurd_scale_saturates_and_refuses_absurd_namespaces() {
    let max = u64::MAX.to_string();
    let o = run(
        &[
            "compare",
            "--nodes",
            &max,
            "--pods",
            &max,
            "--namespaces",
            "5",
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_no_negative(&plan, "totals");
    let mut cpu = Vec::new();
    numbers_under(&plan, "totals", &mut cpu);
    assert!(
        cpu.iter()
            .any(|(k, v)| k.ends_with("cpuRequestMillicores") && *v == i128::from(i64::MAX)),
        "the sidecar bill saturates"
    );

    // One entry per namespace: an absurd count is a usage error, not an exhausted memory.
    let o = run(&["compare", "--namespaces", &max], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--namespaces"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("projections are refused"),
        "{}",
        stderr(&o)
    );
}

/// The default model with one coefficient's value replaced.
fn model_with(dir: &std::path::Path, key: &str, value: &str) -> String {
    let default = stdout(&run(&["headcount", "--print-model"], None));
    let mut out = String::new();
    let mut inside = false;
    for line in default.lines() {
        if line.starts_with("[coefficients.") {
            inside = line == format!("[coefficients.{key}]");
        }
        if inside && line.starts_with("value = ") {
            let _ = writeln!(out, "value = {value}");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(
        out.contains(&format!("value = {value}\n")),
        "{key} replaced"
    );
    write(dir, &format!("{key}.toml"), &out)
}

#[test]
fn headcount_refuses_non_finite_terms_by_name() {
    let dir = temp_dir("headcount");
    let fixture = "fixtures/clusters/istio-sidecar";
    for (key, value, term) in [
        ("upgrade_hours_per_component", "1e308", "component upgrades"),
        ("hours_per_fte", "1e-320", "component upgrades"),
        ("learning_amortization_years", "1e-320", "learning CRDs"),
    ] {
        let model = model_with(&dir, key, value);
        for output in ["table", "json"] {
            let o = run(
                &[
                    "headcount",
                    "--from",
                    fixture,
                    "--model",
                    &model,
                    "-q",
                    "-o",
                    output,
                ],
                None,
            );
            assert_eq!(o.status.code(), Some(2), "{key}: {}", stderr(&o));
            assert!(o.stdout.is_empty(), "{key}: nothing printed");
            let err = stderr(&o);
            assert!(err.contains(&format!("term `{term}`")), "{key}: {err}");
            assert!(err.contains("not a finite number"), "{key}: {err}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn headcount_prints_minus_zero_as_zero() {
    let dir = temp_dir("minus-zero");
    let model = model_with(&dir, "incident_hours", "-0.0");
    let fixture = "fixtures/clusters/istio-sidecar";
    let o = run(
        &[
            "headcount",
            "--from",
            fixture,
            "--model",
            &model,
            "-q",
            "--enable",
            "l7-policy",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(table.contains("proxy incidents"), "{table}");
    let minus_zero = table
        .split(|c: char| c.is_whitespace() || c == '×' || c == '=')
        .any(|w| w == "-0" || w == "-0.0");
    assert!(!minus_zero, "{table}");
    let o = run(
        &[
            "headcount",
            "--from",
            fixture,
            "--model",
            &model,
            "-q",
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stdout(&o).contains("-0.0"), "{}", stdout(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
