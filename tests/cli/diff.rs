//! `diff` and `--fail-on`: fixture pairs scanned into snapshot files inside each test, golden
//! Markdown and table output, every budget operator, exit codes and schema errors.

use std::path::PathBuf;

use crate::util::{run, stderr, stdout};

/// A scratch folder for one test (removed when dropped).
struct Tmp(PathBuf);

impl Tmp {
    fn new(test: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("meshsurface-diff-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }

    /// `scan --from fixtures/clusters/CASE --save DIR/CASE.json`; returns the file.
    fn save(&self, case: &str) -> String {
        let file = self.path(&format!("{case}.json"));
        let o = run(
            &[
                "scan",
                "--from",
                &format!("fixtures/clusters/{case}"),
                "--save",
                &file,
                "-o",
                "json",
                "-q",
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        file
    }

    /// Saves CASE, then rewrites the snapshot JSON with `edit`.
    fn save_edited(
        &self,
        case: &str,
        name: &str,
        edit: impl FnOnce(&mut serde_json::Value),
    ) -> String {
        let saved = self.save(case);
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(saved).expect("saved")).expect("JSON");
        edit(&mut v);
        let file = self.path(name);
        std::fs::write(&file, serde_json::to_string_pretty(&v).expect("JSON")).expect("written");
        file
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// Runs `diff BEFORE AFTER EXTRA...`; checks the exit code; returns stdout and stderr.
fn diff(before: &str, after: &str, extra: &[&str], code: i32) -> (String, String) {
    let mut args = vec!["diff", before, after];
    args.extend_from_slice(extra);
    let o = run(&args, None);
    assert_eq!(o.status.code(), Some(code), "stderr: {}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
    (stdout(&o), stderr(&o))
}

fn diff_json(before: &str, after: &str) -> serde_json::Value {
    let (out, _) = diff(before, after, &["-o", "json"], 0);
    serde_json::from_str(&out).expect("diff -o json prints JSON")
}

#[test]
fn no_mesh_to_ambient() {
    let t = Tmp::new("none-ambient");
    let (none, ambient) = (t.save("none"), t.save("istio-ambient"));
    let (md, _) = diff(&none, &ambient, &["-o", "markdown"], 0);
    insta::assert_snapshot!("diff-markdown-none-to-istio-ambient", md);
    let j = diff_json(&none, &ambient);
    assert_eq!(j["meshes"]["added"][0]["name"], "istio");
    assert_eq!(j["components"]["added"].as_array().unwrap().len(), 3);
    assert_eq!(j["totals"]["crds"]["after"], 15);
    assert_eq!(
        j["growth"]["causes"],
        serde_json::json!(["scale", "features"])
    );
}

#[test]
fn ambient_to_waypoints() {
    let t = Tmp::new("ambient-waypoints");
    let (ambient, waypoints) = (t.save("istio-ambient"), t.save("istio-ambient-waypoints"));
    let (md, _) = diff(&ambient, &waypoints, &["-o", "markdown"], 0);
    insta::assert_snapshot!("diff-markdown-istio-ambient-to-waypoints", md);
    let (table, _) = diff(&ambient, &waypoints, &[], 0);
    insta::assert_snapshot!("diff-table-istio-ambient-to-waypoints", table);
    assert!(!table.contains('\x1b'), "no colour when not a terminal");

    let j = diff_json(&ambient, &waypoints);
    assert_eq!(j["schemaVersion"], "meshsurface/diff/v1");
    let added = j["components"]["added"].as_array().unwrap();
    assert_eq!(added.len(), 2, "+2 waypoint components");
    assert!(added.iter().all(|c| c["component"] == "waypoint"));
    assert_eq!(j["totals"]["components"]["delta"], 2);
    let types = j["proxyTypes"]["added"].as_array().unwrap();
    assert_eq!(types.len(), 1, "+1 proxy type");
    assert_eq!(types[0]["implementation"], "envoy");
    assert_eq!(types[0]["placement"], "namespace");
    assert_eq!(j["totals"]["proxyTypes"]["delta"], 1);
    assert_eq!(
        j["totals"]["cpuRequestMillicores"]["delta"], 300,
        "+300m CPU"
    );
    assert_eq!(j["totals"]["cpuRequestMillicores"]["percent"], 21.4);
    assert_eq!(j["growth"]["causes"], serde_json::json!(["features"]));
    assert_eq!(j["growth"]["cpuRequestMillicores"]["addedProxyTypes"], 300);
    assert_eq!(j["growth"]["workloadPods"]["delta"], 0);
    // Every totals field, before/after/delta; the configuration-object figures only when
    // both sides counted configuration (the ambient fixture holds none: null, not 0).
    let totals = j["totals"].as_object().unwrap();
    assert_eq!(totals.len(), 12);
    assert!(totals.contains_key("proxyOverrides") && !totals.contains_key("configObjects"));
    for f in totals.values() {
        assert_eq!(
            f["after"].as_i64().unwrap() - f["before"].as_i64().unwrap(),
            f["delta"].as_i64().unwrap()
        );
    }
}

#[test]
fn sidecar_to_revisions_is_a_mid_upgrade() {
    let t = Tmp::new("sidecar-revisions");
    let (sidecar, revisions) = (t.save("istio-sidecar"), t.save("istio-revisions"));
    let (md, _) = diff(&sidecar, &revisions, &["-o", "markdown"], 0);
    insta::assert_snapshot!("diff-markdown-istio-sidecar-to-revisions", md);
    let j = diff_json(&sidecar, &revisions);
    let cp = &j["versions"]["controlPlanes"][0];
    assert_eq!(cp["before"], serde_json::json!(["1.26.3"]));
    assert_eq!(cp["after"], serde_json::json!(["1.25.4", "1.26.3"]));
    let moved = &j["versions"]["proxies"][0];
    assert_eq!(moved["placement"], "sidecar");
    assert_eq!(
        moved["after"],
        serde_json::json!([{"version": "1.25.4", "instances": 5}, {"version": "1.26.3", "instances": 3}])
    );
    let skew = &j["versions"]["skewAfter"];
    assert_eq!(skew["proxies"][0]["version"], "1.25.4");
    assert_eq!(skew["proxies"][0]["instances"], 5);
    assert_eq!(skew["proxies"][0]["controlPlaneVersion"], "1.26.3");
    assert_eq!(skew["components"][0]["name"], "istiod-1-25");
    assert_eq!(
        j["versions"]["skewBefore"],
        serde_json::json!({"components": [], "proxies": []})
    );
}

#[test]
fn a_snapshot_against_itself_is_empty() {
    let t = Tmp::new("self");
    let s = t.save("istio-revisions");
    let (out, err) = diff(&s, &s, &[], 0);
    assert!(out.contains("No changes."), "{out}");
    assert!(!out.contains("Totals"), "{out}");
    assert_eq!(err, "");
    let j = diff_json(&s, &s);
    assert_eq!(j["changed"], false);
    assert_eq!(
        j["components"],
        serde_json::json!({"added": [], "removed": [], "changed": []})
    );
    // Even the strictest relative budget passes on no change.
    diff(
        &s,
        &s,
        &["--fail-on", "components>+0,memoryRequestBytes>+0%"],
        0,
    );
}

#[test]
fn a_yaml_snapshot_reads_like_the_json_one() {
    let t = Tmp::new("yaml");
    let json = t.save("linkerd");
    let o = run(&["scan", "--from", &json, "-o", "yaml"], None);
    assert_eq!(o.status.code(), Some(0));
    let yaml = t.path("linkerd.yaml");
    std::fs::write(&yaml, &o.stdout).unwrap();
    let (out, _) = diff(&json, &yaml, &[], 0);
    assert!(out.contains("No changes."), "{out}");
}

#[test]
fn growth_budget_terms() {
    let t = Tmp::new("budget-relative");
    let (a, w) = (t.save("istio-ambient"), t.save("istio-ambient-waypoints"));
    // >+N: components grew by 2.
    let (_, err) = diff(&a, &w, &["--fail-on", "components>+2"], 0);
    assert_eq!(err, "");
    let (_, err) = diff(&a, &w, &["--fail-on", "components>+1"], 4);
    assert_eq!(err, "budget exceeded: components>+1: 3 → 5 (+2, +66.7%)\n");
    // >+N%: memory requests grew by 9.9%.
    diff(&a, &w, &["--fail-on", "memoryRequestBytes>+10%"], 0);
    let (_, err) = diff(&a, &w, &["--fail-on", "memoryRequestBytes>+9.5%"], 4);
    assert_eq!(
        err,
        "budget exceeded: memoryRequestBytes>+9.5%: 4072669184 → 4475322368 (+402653184, +9.9%)\n"
    );
    // A shrinking figure never exceeds a growth budget.
    diff(&w, &a, &["--fail-on", "components>+0,proxyTypes>+0%"], 0);
}

#[test]
fn absolute_budget_terms() {
    let t = Tmp::new("budget-absolute");
    let (a, w) = (t.save("istio-ambient"), t.save("istio-ambient-waypoints"));
    // >N on diff judges the after value (2 proxy types).
    diff(&a, &w, &["--fail-on", "proxyTypes>2"], 0);
    let (_, err) = diff(&a, &w, &["--fail-on", "proxyTypes>1"], 4);
    assert!(
        err.contains("budget exceeded: proxyTypes>1: 1 → 2"),
        "{err}"
    );
    // On scan, >N judges the value.
    let scan = |budget: &str| {
        run(
            &[
                "scan",
                "--from",
                "fixtures/clusters/istio-ambient-waypoints",
                "--fail-on",
                budget,
            ],
            None,
        )
    };
    let o = scan("proxyTypes>2");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = scan("proxyTypes>1,crds>15,components>4");
    assert_eq!(o.status.code(), Some(4));
    assert_eq!(
        stderr(&o),
        "budget exceeded: proxyTypes>1: the value is 2\nbudget exceeded: components>4: the value is 5\n"
    );
    assert!(stdout(&o).contains("Proxies"), "the scan is still printed");
}

#[test]
fn every_failing_term_is_named() {
    let t = Tmp::new("budget-several");
    let (a, w) = (t.save("istio-ambient"), t.save("istio-ambient-waypoints"));
    let (out, err) = diff(
        &a,
        &w,
        &[
            "--fail-on",
            "components>+2, proxyTypes>+0, memoryRequestBytes>+20%, cpuRequestMillicores>+10%",
            "-o",
            "json",
        ],
        4,
    );
    assert_eq!(
        err,
        "budget exceeded: proxyTypes>+0: 1 → 2 (+1, +100.0%)\n\
         budget exceeded: cpuRequestMillicores>+10%: 1400 → 1700 (+300, +21.4%)\n"
    );
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        j["changed"], true,
        "the diff is printed even when a budget fails"
    );
}

#[test]
fn bad_budgets_are_usage_errors() {
    let t = Tmp::new("budget-bad");
    let s = t.save("none");
    let bad = |budget: &str, message: &str| {
        let (_, err) = diff(&s, &s, &["--fail-on", budget], 2);
        assert!(err.contains(message), "{budget}: {err}");
    };
    bad(
        "pods>+2",
        "--fail-on term \"pods>+2\": unknown field \"pods\"; valid fields: components, componentKinds, componentInstances, proxyTypes, proxyImplementations, proxyInstances, crds, webhooks, upgradeSteps, cpuRequestMillicores, memoryRequestBytes",
    );
    bad("components>+two", "\"two\" is not a whole number");
    bad("memoryRequestBytes>+many%", "\"many%\" is not a percentage");
    bad(
        "components<2",
        "operator \"<\" is not supported; use >N, >+N or >+N%",
    );
    bad("components>=2", "operator \">=\" is not supported");
    bad(
        "components>20%",
        "a percentage limit must be relative: use >+N%",
    );
    bad("", "--fail-on is empty");
    // A bad budget is refused before any input is read.
    let o = run(
        &[
            "diff",
            "missing-a.json",
            "missing-b.json",
            "--fail-on",
            "nope>1",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    // scan has no before: relative terms are a usage error there.
    let o = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/none",
            "--fail-on",
            "proxyTypes>+0",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "`scan` has no before to grow from; use an absolute term such as proxyTypes>N"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn incomplete_beats_an_exceeded_budget() {
    let t = Tmp::new("incomplete");
    let before = t.save("istio-ambient");
    let after = t.save_edited("istio-ambient-waypoints", "partial.json", |v| {
        v["complete"] = serde_json::json!(false);
    });
    let (out, err) = diff(&before, &after, &["--fail-on", "components>+0"], 3);
    assert!(err.contains("budget exceeded: components>+0"), "{err}");
    assert!(
        err.contains("warning: the after snapshot is incomplete (complete: false)"),
        "{err}"
    );
    assert!(out.contains("INCOMPLETE"), "{out}");
    // Incomplete alone is 3 too; complete with no budget failure is 0.
    diff(&before, &after, &[], 3);
    diff(&after, &before, &["--fail-on", "components>+5"], 3);
    let j: serde_json::Value =
        serde_json::from_str(&diff(&before, &after, &["-o", "json"], 3).0).unwrap();
    assert_eq!(j["complete"], false);
    assert_eq!(j["after"]["complete"], false);
}

#[test]
fn schema_errors_through_diff() {
    let t = Tmp::new("schema");
    let good = t.save("none");
    let future = t.save_edited("none", "future.json", |v| {
        v["schemaVersion"] = serde_json::json!("meshsurface/v2");
    });
    let (_, err) = diff(&good, &future, &[], 1);
    assert!(
        err.contains("future.json: snapshot schemaVersion \"meshsurface/v2\" is not supported (this build reads \"meshsurface/v1\")"),
        "{err}"
    );
    let missing = t.save_edited("none", "missing.json", |v| {
        v["scale"].as_object_mut().unwrap().remove("meshedPods");
    });
    let (_, err) = diff(&missing, &good, &[], 1);
    assert!(
        err.contains("missing.json: not a valid meshsurface snapshot: field scale: missing field `meshedPods`"),
        "{err}"
    );
    let no_totals = t.save_edited("none", "no-totals.json", |v| {
        v.as_object_mut().unwrap().remove("totals");
    });
    let (_, err) = diff(&good, &no_totals, &[], 1);
    assert!(err.contains("missing field `totals`"), "{err}");
    let truncated = t.path("truncated.json");
    let text = std::fs::read_to_string(&good).unwrap();
    std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    let (_, err) = diff(&good, &truncated, &[], 1);
    assert!(err.contains("truncated.json: not valid JSON"), "{err}");
}

#[test]
fn diff_takes_snapshots_only() {
    let t = Tmp::new("inputs");
    let s = t.save("none");
    let (_, err) = diff(&s, "fixtures/clusters/none", &[], 2);
    assert!(
        err.contains("fixtures/clusters/none is not a meshsurface snapshot (it holds Kubernetes manifests, or nothing)"),
        "{err}"
    );
    assert!(
        err.contains("scan --from fixtures/clusters/none --save FILE"),
        "{err}"
    );
    let o = run(&["diff", &s], None);
    assert_eq!(o.status.code(), Some(2), "AFTER or --live is required");
    let o = run(&["diff", &s, &s, "--live"], None);
    assert_eq!(o.status.code(), Some(2), "AFTER and --live conflict");
    let o = run(&["diff", &s, &s, "-o", "wide"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn live_diff_names_the_cluster_it_cannot_reach() {
    let t = Tmp::new("live");
    let s = t.save("none");
    let kc = t.path("kubeconfig");
    std::fs::write(
        &kc,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: dead\n  cluster: {server: \"http://127.0.0.1:9\"}\n\
         users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: prod-eu\n  context: {cluster: dead, user: u}\n\
         current-context: prod-eu\n",
    )
    .unwrap();
    let o = run(
        &[
            "diff",
            &s,
            "--live",
            "--kubeconfig",
            &kc,
            "--request-timeout",
            "2s",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot reach the cluster (context prod-eu"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
}

/// Budgets gate on configuration: the totals' figures and one kind by its resource name,
/// on `scan` (absolute) and `diff` (growth); a kind nobody uses holds 0; a snapshot that
/// did not count configuration is not judged on it (unknown is not 0).
#[test]
fn budgets_gate_on_configuration() {
    let t = Tmp::new("config-budgets");
    let (base, sidecar) = (t.save("istio-sidecar-base"), t.save("istio-sidecar"));
    let scan = |budget: &str| {
        run(
            &[
                "scan",
                "--from",
                "fixtures/clusters/istio-sidecar",
                "-q",
                "-o",
                "json",
                "--fail-on",
                budget,
            ],
            None,
        )
    };
    let o = scan("config.envoyfilters>1,fragileConfigObjects>5");
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "budget exceeded: config.envoyfilters>1: the value is 2\n"
    );
    assert_eq!(
        scan("config.EnvoyFilter>2,config.sidecars>0,configObjects>15")
            .status
            .code(),
        Some(0)
    );
    let o = run(
        &[
            "diff",
            &base,
            &sidecar,
            "-q",
            "--fail-on",
            "config.envoyfilters>+0,configKindsInUse>+0,proxyOverrides>+0",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "budget exceeded: config.envoyfilters>+0: 1 → 2 (+1, +100.0%)\n\
         budget exceeded: configKindsInUse>+0: 5 → 6 (+1, +20.0%)\n"
    );
    // istio-ambient holds no configuration objects: its figures are null and not judged.
    let o = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/istio-ambient",
            "-q",
            "-o",
            "json",
            "--fail-on",
            "config.envoyfilters>-1,fragileConfigObjects>-1",
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "a negative limit is a usage error: {}",
        stderr(&o)
    );
    let o = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/istio-ambient",
            "-q",
            "-o",
            "json",
            "--fail-on",
            "config.envoyfilters>0",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/istio-sidecar",
            "--fail-on",
            "config.>1",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("config.<resource>"), "{}", stderr(&o));
}

/// A snapshot written before hazards existed (no `hazards`, the moved codes still among
/// its warnings) loads, and `diff` names the hazards the new one introduced.
#[test]
fn hazards_introduced_since_an_older_snapshot_show_and_gate() {
    let t = Tmp::new("hazards");
    let old = t.save_edited("istio-sidecar", "old.json", |v| {
        let o = v.as_object_mut().expect("object");
        o.remove("hazards");
        o["warnings"] = serde_json::json!([
            {"code": "orphaned-webhook", "message": "m", "resource": "ValidatingWebhookConfiguration/x", "count": 1},
            {"code": "control-plane-not-found", "message": "m", "resource": "istio", "count": 1}
        ]);
    });
    let new = t.save("istio-sidecar");
    let d = diff_json(&old, &new);
    let codes = |side: &str| -> Vec<String> {
        d["hazards"][side]
            .as_array()
            .expect("hazards")
            .iter()
            .map(|h| {
                format!(
                    "{} {}",
                    h["code"].as_str().unwrap(),
                    h["mesh"].as_str().unwrap()
                )
            })
            .collect()
    };
    // Istio 1.26 is past its end of life at the tests' day: release-support comes too.
    assert_eq!(
        codes("added"),
        ["release-support istio", "fragile-config istio"]
    );
    assert!(codes("removed").is_empty());
    assert_eq!(d["changed"], true);
    let (table, _) = diff(&old, &new, &[], 0);
    assert!(table.contains("Hazards\n"), "{table}");
    assert!(table.contains("+   warning    fragile-config"), "{table}");
    // Resolved the other way round.
    let back = diff_json(&new, &old);
    assert_eq!(back["hazards"]["removed"][1]["code"], "fragile-config");
    // Hazards exit 0 unless a budget says otherwise.
    diff(&old, &new, &["--fail-on", "hazards.orphaned-webhook>0"], 0);
    let (_, err) = diff(&old, &new, &["--fail-on", "hazards>+0"], 4);
    assert!(err.contains("budget exceeded: hazards>+0: 0 → 2"), "{err}");
}
