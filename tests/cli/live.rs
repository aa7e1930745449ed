//! The live path against the project's own fake Kubernetes API server (crates/fakekube),
//! started in-process on 127.0.0.1 and serving the fixture folders over real HTTP.
//!
//! What these prove: a live scan equals the offline scan of the same objects (apart from
//! `source`, and the metrics warning only a live scan can give); small pages change
//! nothing; each fault gives the documented behaviour; `--context` picks the right
//! server; every request is allowed by the ClusterRole `rbac` prints, and none touches
//! Secrets.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use fakekube::{FakeKube, Fault, Running};
use serde_json::Value;

use crate::util::{cases, root, run, run_env, stderr, stdout};

/// A fake cluster serving one fixture, with a kubeconfig pointing at it.
pub struct Live {
    rt: tokio::runtime::Runtime,
    server: Option<Running>,
    pub dir: PathBuf,
    pub kubeconfig: String,
}

impl Live {
    pub fn start(case: &str, configure: impl FnOnce(FakeKube) -> FakeKube) -> Self {
        let fake = FakeKube::from_fixtures(&root().join("fixtures/clusters").join(case))
            .expect("fixture loads");
        Self::serve(case, configure(fake))
    }

    /// Serves `fake` under the context name `case`.
    pub fn serve(case: &str, fake: FakeKube) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let server = rt.block_on(fake.start()).expect("fake server starts");
        let dir = std::env::temp_dir().join(format!(
            "meshsurface-live-{case}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).expect("tmp");
        let kc = dir.join("kubeconfig");
        server.write_kubeconfig(&kc, case).expect("kubeconfig");
        Self {
            rt,
            server: Some(server),
            dir,
            kubeconfig: kc.to_string_lossy().into_owned(),
        }
    }

    pub fn server(&self) -> &Running {
        self.server.as_ref().expect("running")
    }

    pub fn scan(&self, extra: &[&str]) -> Output {
        self.scan_env(extra, &[])
    }

    /// [`Live::scan`] with extra environment variables.
    pub fn scan_env(&self, extra: &[&str], env: &[(&str, &str)]) -> Output {
        let mut args = vec!["scan", "-o", "json", "--kubeconfig", &self.kubeconfig];
        args.extend_from_slice(extra);
        run_env(&args, None, env)
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        if let Some(s) = self.server.take() {
            self.rt.block_on(s.shutdown());
        }
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

pub fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(o)))
}

/// A snapshot without `source`, without the warning only a live scan can give, and
/// without where the Kubernetes version was read (a live scan asks the API server, which
/// the fake answers with its Nodes' oldest kubelet; offline reads the kubelets).
fn comparable(mut v: Value) -> Value {
    v.as_object_mut().expect("object").remove("source");
    if let Some(k) = v.get_mut("kubernetes").and_then(Value::as_object_mut) {
        k.remove("from");
    }
    // `release-support` says where the Kubernetes version was read.
    if let Some(hazards) = v["hazards"].as_array_mut() {
        for h in hazards {
            if let Some(m) = h["message"].as_str() {
                h["message"] = m
                    .replace("the API server's ", "the oldest kubelet's ")
                    .into();
            }
        }
    }
    if let Some(w) = v["warnings"].as_array_mut() {
        w.retain(|w| w["code"] != "metrics-unavailable");
    }
    v
}

/// A live scan always looks for configuration objects; manifests without any say nothing
/// about them (null). Where the offline scan says null, the live one must have found
/// none at all (0 everywhere): then its figures are set to the offline nulls, so the rest
/// of the two snapshots can be compared.
fn config_as_offline(mut live: Value, offline: &Value) -> Value {
    if !offline["totals"]["configObjects"].is_null() {
        return live;
    }
    assert_eq!(live["totals"]["configObjects"], 0, "{}", live["config"]);
    live["config"] = offline["config"].clone();
    let fields = ["configObjects", "configKindsInUse", "fragileConfigObjects"];
    for f in fields {
        live["totals"][f] = Value::Null;
    }
    if let Some(meshes) = live["meshes"].as_array_mut() {
        for m in meshes {
            for f in fields {
                m["totals"][f] = Value::Null;
            }
        }
    }
    live
}

fn offline(case: &str) -> Value {
    let o = run(
        &[
            "scan",
            "-o",
            "json",
            "--quiet",
            "--from",
            &format!("fixtures/clusters/{case}"),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    json(&o)
}

#[test]
fn live_equals_offline_on_every_fixture() {
    for case in cases() {
        let live = Live::start(&case, |f| f);
        let o = live.scan(&["--quiet"]);
        assert_eq!(o.status.code(), Some(0), "{case}: {}", stderr(&o));
        let l = json(&o);
        assert_eq!(l["source"]["kind"], "live");
        assert_eq!(l["source"]["context"], case.as_str());
        let off = offline(&case);
        assert_eq!(
            comparable(config_as_offline(l, &off)),
            comparable(off),
            "{case}: live and offline scans differ"
        );
    }
}

#[test]
fn small_pages_give_the_same_surface() {
    let live = Live::start("linkerd", |f| f);
    let whole = comparable(json(&live.scan(&["--quiet"])));
    let paged = comparable(json(&live.scan(&[
        "--quiet",
        "--page-size",
        "2",
        "--concurrency",
        "1",
    ])));
    assert_eq!(whole, paged);
    let continued = live
        .server()
        .requests()
        .iter()
        .filter(|r| r.params.iter().any(|(k, _)| k == "continue"))
        .count();
    assert!(
        continued > 10,
        "page size 2 must page ({continued} continue requests)"
    );
}

/// The pod list parsed on one thread or dealt to several (each page folded on its own
/// thread, the pages merged in order): the same snapshot, byte for byte, with a
/// workload's pods spread over many small pages.
#[test]
fn parsing_threads_do_not_change_the_snapshot() {
    let base = fakekube::load_path(&root().join("fixtures/clusters/istio-sidecar"))
        .expect("fixture loads");
    let scale = fakekube::generate::Scale {
        nodes: 6,
        namespaces: 4,
        pods: 400,
        deployments: 3,
        config: 1,
    };
    let cluster = fakekube::Prepared::generate(base, &scale);
    let live = Live::serve("generated", FakeKube::prepared(&cluster));
    let scan = |threads: &str| {
        let o = live.scan_env(
            &["--quiet", "--page-size", "7"],
            &[("MESHSURFACE_PARSE_THREADS", threads)],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let mut v = json(&o);
        v["source"]["takenAt"] = Value::Null;
        v["source"]["durationSeconds"] = Value::Null;
        v
    };
    let one = scan("1");
    assert!(
        one["totals"]["proxyInstances"].as_u64() > Some(150),
        "the generated pods are scanned: {}",
        one["totals"]
    );
    for threads in ["2", "3"] {
        assert_eq!(scan(threads), one, "{threads} parsing threads");
    }
}

#[test]
fn forbidden_resource_makes_the_scan_incomplete_not_failed() {
    let live = Live::start("istio-sidecar", |f| f.with_fault("pods", Fault::Forbidden));
    let o = live.scan(&[]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let s = json(&o);
    assert_eq!(s["complete"], false);
    let forbidden: Vec<&Value> = s["warnings"]
        .as_array()
        .expect("w")
        .iter()
        .filter(|w| w["code"] == "forbidden")
        .collect();
    assert_eq!(forbidden.len(), 1);
    assert_eq!(forbidden[0]["resource"], "pods");
    assert!(
        stderr(&o).contains("warning: [forbidden] pods: cannot list pods"),
        "{}",
        stderr(&o)
    );
    // Results are still there (components from their Deployments, CRDs, webhooks).
    assert_eq!(s["totals"]["crds"], 15);
    let table = run(&["scan", "--kubeconfig", &live.kubeconfig], None);
    assert_eq!(table.status.code(), Some(3));
    assert!(stdout(&table).contains("INCOMPLETE"), "{}", stdout(&table));
}

#[test]
fn server_errors_and_throttling_are_retried() {
    let off = offline("istio-ambient");
    let want = comparable(off.clone());
    for fault in [Fault::ServerErrorTimes(2), Fault::TooManyRequests(3)] {
        let live = Live::start("istio-ambient", |f| {
            f.with_fault("deployments", fault.clone())
                .with_fault("pods", fault)
        });
        let o = live.scan(&["--quiet"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(comparable(config_as_offline(json(&o), &off)), want);
    }
}

#[test]
fn expired_continue_token_restarts_the_list() {
    let live = Live::start("istio-revisions", |f| {
        f.with_fault("pods", Fault::GoneOnContinue)
    });
    let o = live.scan(&["--quiet", "--page-size", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let off = offline("istio-revisions");
    assert_eq!(
        comparable(config_as_offline(json(&o), &off)),
        comparable(off)
    );
    let gone = live
        .server()
        .requests()
        .iter()
        .filter(|r| r.status == 410)
        .count();
    assert_eq!(gone, 1);
}

#[test]
fn a_slow_resource_times_out_by_name() {
    let live = Live::start("none", |f| {
        f.with_fault("services", Fault::Slow(Duration::from_secs(5)))
    });
    let o = live.scan(&["--request-timeout", "300ms"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let s = json(&o);
    let t: Vec<&Value> = s["warnings"]
        .as_array()
        .expect("w")
        .iter()
        .filter(|w| w["code"] == "timeout")
        .collect();
    assert_eq!(t.len(), 1, "{:?}", s["warnings"]);
    assert_eq!(t[0]["resource"], "services");
}

#[test]
fn context_switch_picks_the_right_server() {
    let a = Live::start("linkerd", |f| f);
    let b = Live::start("cilium", |f| f);
    let kc = a.dir.join("two-contexts");
    fakekube::write_kubeconfig(
        &kc,
        &[a.server().context("eu"), b.server().context("us")],
        "eu",
    )
    .expect("kubeconfig");
    let kc = kc.to_string_lossy().into_owned();
    let mesh = |args: &[&str]| {
        let mut full = vec!["scan", "-o", "json", "--quiet", "--kubeconfig", &kc];
        full.extend_from_slice(args);
        let o = run(&full, None);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let s = json(&o);
        (
            s["source"]["context"].as_str().unwrap_or("").to_owned(),
            s["meshes"][0]["name"].as_str().unwrap_or("").to_owned(),
        )
    };
    assert_eq!(
        mesh(&[]),
        ("eu".to_owned(), "linkerd".to_owned()),
        "the current context"
    );
    assert_eq!(
        mesh(&["--context", "us"]),
        ("us".to_owned(), "cilium".to_owned())
    );
    // KUBECONFIG with several files, as kubectl merges them.
    let o = run_env(
        &["scan", "-o", "json", "--quiet", "--context", "us"],
        None,
        &[("KUBECONFIG", &format!("/nonexistent:{kc}"))],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["meshes"][0]["name"], "cilium");
}

#[test]
fn every_request_is_allowed_by_the_printed_cluster_role() {
    let live = Live::start("cilium-istio-ambient", |f| {
        f.with_pod_metrics(vec![fakekube::pod_metrics(
            "istio-system",
            "nope",
            &[("x", "1m", "1Mi")],
        )])
    });
    let o = live.scan(&["--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let role = stdout(&run(&["rbac"], None));
    let rules = fakekube::rbac::Rules::from_text(&role).expect("the ClusterRole parses");
    let requests = live.server().requests();
    let denied = rules.denied(&requests);
    assert!(
        denied.is_empty(),
        "requests the ClusterRole does not allow: {denied:#?}"
    );
    assert!(requests.iter().all(|r| r.method == "GET"), "read-only");
    assert!(
        !requests.iter().any(|r| r.path.contains("secrets")),
        "never Secrets"
    );
    assert!(
        requests.iter().any(|r| r.path.contains("metrics.k8s.io")),
        "metrics were read when served"
    );
}

/// The ztunnel pods of the istio-ambient fixture (one per node).
pub fn ztunnel_pods() -> Vec<String> {
    let objects =
        fakekube::load_path(&root().join("fixtures/clusters/istio-ambient")).expect("fixture");
    let pods: Vec<String> = objects
        .iter()
        .filter(|o| o["kind"] == "Pod" && o["metadata"]["ownerReferences"][0]["name"] == "ztunnel")
        .filter_map(|o| o["metadata"]["name"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(pods.len(), 3, "the fixture names its three ztunnel pods");
    pods
}

fn proxy(s: &Value, implementation: &str) -> Value {
    s["proxies"]
        .as_array()
        .expect("p")
        .iter()
        .find(|p| p["implementation"] == implementation)
        .unwrap_or_else(|| panic!("no {implementation} proxy: {}", s["proxies"]))
        .clone()
}

/// The row of a proxy implementation in the table's Proxies section.
fn proxy_row<'a>(table: &'a str, implementation: &str) -> &'a str {
    table
        .lines()
        .skip_while(|l| *l != "Proxies")
        .find(|l| l.starts_with(implementation))
        .unwrap_or_else(|| panic!("a {implementation} proxy row:\n{table}"))
}

/// The hazards of one code in a snapshot.
fn hazards_of<'a>(s: &'a Value, code: &str) -> Vec<&'a Value> {
    s["hazards"]
        .as_array()
        .expect("hazards")
        .iter()
        .filter(|h| h["code"] == code)
        .collect()
}

fn warnings_of<'a>(s: &'a Value, code: &str) -> Vec<&'a Value> {
    s["warnings"]
        .as_array()
        .expect("w")
        .iter()
        .filter(|w| w["code"] == code)
        .collect()
}

#[test]
fn metrics_give_actual_proxy_usage() {
    let pods = ztunnel_pods();
    let metrics: Vec<Value> = pods
        .iter()
        .map(|p| fakekube::pod_metrics("istio-system", p, &[("istio-proxy", "15m", "40Mi")]))
        .collect();
    let live = Live::start("istio-ambient", |f| f.with_pod_metrics(metrics));
    let o = live.scan(&["--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = json(&o);
    let zt = proxy(&s, "ztunnel");
    assert_eq!(zt["cpuUsageMillicores"], 45);
    assert_eq!(zt["memoryUsageBytes"], 120 * 1_048_576);
    assert_eq!(zt["usagePods"], 3);
    assert_eq!(zt["instances"], 3);
    // Utilisation: 45m of 3 x 200m requested, 120Mi of 3 x 512Mi.
    assert_eq!(zt["cpuUtilisationPercent"], 8);
    assert_eq!(zt["memoryUtilisationPercent"], 8);
    assert!(warnings_of(&s, "metrics-unavailable").is_empty());
    assert!(warnings_of(&s, "metrics-partial").is_empty());
    // At 120 columns the utilisation column fits (at 80 it is the first to go).
    let table = stdout(&run_env(
        &["scan", "--quiet", "--kubeconfig", &live.kubeconfig],
        None,
        &[("COLUMNS", "120")],
    ));
    let row = proxy_row(&table, "ztunnel");
    assert!(table.contains("UTIL CPU/MEM"), "{table}");
    assert!(row.contains("45m") && row.contains("8%/8%"), "{row}");
    assert!(
        !row.contains("pods)"),
        "full coverage is not qualified: {row}"
    );
    // Without metrics.k8s.io: usage is null, and a warning says so once.
    let plain = Live::start("istio-ambient", |f| f);
    let s = json(&plain.scan(&["--quiet"]));
    assert_eq!(s["proxies"][0]["cpuUsageMillicores"], Value::Null);
    assert_eq!(s["proxies"][0]["usagePods"], 0);
    assert_eq!(s["proxies"][0]["cpuUtilisationPercent"], Value::Null);
    assert_eq!(warnings_of(&s, "metrics-unavailable").len(), 1);
}

#[test]
fn metrics_served_but_empty_leave_usage_null_and_say_so() {
    let live = Live::start("istio-ambient", |f| f.with_pod_metrics(Vec::new()));
    let o = live.scan(&["--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = json(&o);
    let zt = proxy(&s, "ztunnel");
    assert_eq!(zt["cpuUsageMillicores"], Value::Null, "not 0: {zt}");
    assert_eq!(zt["memoryUsageBytes"], Value::Null, "not 0: {zt}");
    assert_eq!(zt["usagePods"], 0);
    let w = warnings_of(&s, "metrics-unavailable");
    assert_eq!(w.len(), 1, "{}", s["warnings"]);
    assert!(
        w[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("returned no pod metrics"),
        "{}",
        w[0]
    );
    let table = stdout(&run(
        &["scan", "--quiet", "--kubeconfig", &live.kubeconfig],
        None,
    ));
    assert!(!table.contains("0m / 0"), "{table}");
}

#[test]
fn partial_metrics_carry_their_coverage() {
    let pods = ztunnel_pods();
    let metrics = vec![
        fakekube::pod_metrics("istio-system", &pods[0], &[("istio-proxy", "10m", "40Mi")]),
        fakekube::pod_metrics("istio-system", &pods[1], &[("istio-proxy", "11m", "40Mi")]),
    ];
    let live = Live::start("istio-ambient", |f| f.with_pod_metrics(metrics));
    let o = live.scan(&["--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = json(&o);
    let zt = proxy(&s, "ztunnel");
    assert_eq!(zt["cpuUsageMillicores"], 21);
    assert_eq!(zt["usagePods"], 2);
    assert_eq!(zt["instances"], 3);
    // Utilisation compares the two measured pods with their own requests (2 x 200m).
    assert_eq!(zt["cpuUtilisationPercent"], 5);
    let w = warnings_of(&s, "metrics-partial");
    assert_eq!(w.len(), 1, "{}", s["warnings"]);
    assert_eq!(w[0]["resource"], "proxy:ztunnel/node");
    assert_eq!(w[0]["count"], 1, "one pod unmeasured");
    let msg = w[0]["message"].as_str().unwrap_or("");
    assert!(msg.contains("ztunnel") && msg.contains("2 of 3"), "{msg}");
    let wide_terminal = run_env(
        &["scan", "--quiet", "--kubeconfig", &live.kubeconfig],
        None,
        &[("COLUMNS", "120")],
    );
    let wide_table = stdout(&wide_terminal);
    let row = proxy_row(&wide_table, "ztunnel");
    assert!(row.contains("21m (2/3 pods)"), "{row}");
    // At 80 columns the usage cells wrap after their figure: nothing is cut.
    let table = stdout(&run(
        &["scan", "--quiet", "--kubeconfig", &live.kubeconfig],
        None,
    ));
    for line in table.lines() {
        assert!(line.chars().count() <= 80, "wider than 80: {line:?}");
    }
    let row = proxy_row(&table, "ztunnel");
    assert!(row.contains("21m") && row.contains("600m"), "{table}");
    assert!(row.contains("21m (2/3"), "{table}");
}

#[test]
fn bearer_tokens_and_exec_plugins_authenticate() {
    let live = Live::start("none", |f| f.with_token("s3cret-token"));
    // The kubeconfig written by the fake carries the token.
    let o = live.scan(&["--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // An exec credential plugin (as cloud logins use) that prints the token.
    let kc = live.dir.join("exec");
    std::fs::write(
        &kc,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {{server: \"{}\"}}\nusers:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: sh\n      args: [\"-c\", \"echo '{{\\\"apiVersion\\\":\\\"client.authentication.k8s.io/v1\\\",\\\"kind\\\":\\\"ExecCredential\\\",\\\"status\\\":{{\\\"token\\\":\\\"s3cret-token\\\"}}}}'\"]\n      interactiveMode: Never\ncontexts:\n- name: x\n  context: {{cluster: c, user: u}}\ncurrent-context: x\n",
            live.server().url
        ),
    )
    .expect("kubeconfig");
    let o = run(
        &[
            "scan",
            "-o",
            "json",
            "--quiet",
            "--kubeconfig",
            &kc.to_string_lossy(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A wrong token is refused: the scan cannot read anything and says so.
    let bad = live.dir.join("bad");
    fakekube::write_kubeconfig(
        &bad,
        &[fakekube::KubeconfigContext {
            token: "wrong".into(),
            ..live.server().context("b")
        }],
        "b",
    )
    .expect("kc");
    let o = run(&["scan", "--kubeconfig", &bad.to_string_lossy()], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("context b"), "{}", stderr(&o));
}

fn offline_in(case: &str, namespace: &str) -> Value {
    let o = run(
        &[
            "scan",
            "-o",
            "json",
            "--quiet",
            "-n",
            namespace,
            "--from",
            &format!("fixtures/clusters/{case}"),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    json(&o)
}

/// `scan -n NS` reports the mesh as it is (mode, capture, control plane) for NS's
/// workloads: it reads the cluster-scoped objects and every namespace's workloads, then
/// pods and the rest in NS and in the namespaces of the mesh's shared components.
#[test]
fn namespaced_scan_reports_the_real_mesh_for_that_namespace() {
    for (case, ns, mode, capture, meshed) in [
        (
            "istio-ambient-waypoints",
            "storefront",
            "ambient",
            "ambient",
            4,
        ),
        ("istio-sidecar", "shop", "sidecar", "sidecar", 5),
    ] {
        let live = Live::start(case, |f| f);
        let o = live.scan(&["--quiet", "-n", ns]);
        assert_eq!(o.status.code(), Some(0), "{case}: {}", stderr(&o));
        let s = json(&o);
        assert_eq!(s["source"]["namespace"], ns);
        assert_eq!(s["complete"], true);
        assert_eq!(s["meshes"][0]["mode"], mode, "{case}");
        assert_eq!(s["meshes"][0]["namespace"], "istio-system", "{case}");
        assert_eq!(s["meshes"][0]["meshedPods"], meshed, "{case}");
        let namespaces: Vec<(&str, &str)> = s["namespaces"]
            .as_array()
            .expect("namespaces")
            .iter()
            .map(|n| {
                (
                    n["namespace"].as_str().unwrap_or(""),
                    n["capture"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(namespaces, [(ns, capture)], "{case}: only {ns}'s workloads");
        assert!(
            hazards_of(&s, "control-plane-not-found").is_empty(),
            "{case}: {}",
            s["hazards"]
        );
        assert!(
            s["components"]
                .as_array()
                .expect("c")
                .iter()
                .any(|c| c["component"] == "istiod"),
            "{case}: the control plane is attributed"
        );
        // The offline scan of the same files with -n gives the same snapshot.
        let off = offline_in(case, ns);
        assert_eq!(
            comparable(config_as_offline(s, &off)),
            comparable(off),
            "{case}: live and offline namespaced scans differ"
        );
        let paths: Vec<String> = live
            .server()
            .requests()
            .iter()
            .map(|r| r.path.clone())
            .collect();
        for want in [
            format!("/api/v1/namespaces/{ns}/pods"),
            "/api/v1/namespaces/istio-system/pods".to_owned(),
            "/apis/apps/v1/deployments".to_owned(),
            "/api/v1/namespaces".to_owned(),
            "/api/v1/nodes".to_owned(),
        ] {
            assert!(paths.contains(&want), "{case}: {want} not read: {paths:?}");
        }
        assert!(
            !paths.iter().any(|p| p == "/api/v1/pods"),
            "{case}: pods are not listed cluster-wide: {paths:?}"
        );
        assert!(
            !paths
                .iter()
                .any(|p| p.contains("/pods") && p.contains("/namespaces/kube-system/")),
            "{case}: no pods of unrelated namespaces: {paths:?}"
        );
    }
}

/// On every fixture, a namespaced live scan of each meshed namespace equals the offline
/// namespaced scan of the same files.
#[test]
fn namespaced_live_equals_namespaced_offline_on_every_fixture() {
    for case in cases() {
        let whole = offline(&case);
        let namespaces: BTreeSet<String> = whole["namespaces"]
            .as_array()
            .expect("namespaces")
            .iter()
            .filter_map(|n| n["namespace"].as_str().map(str::to_owned))
            .collect();
        // The first and the last meshed namespace: a budget in one namespace must not
        // judge a workload seen from the other (offline keeps every file's objects).
        let ends: BTreeSet<&String> = namespaces
            .first()
            .into_iter()
            .chain(namespaces.last())
            .collect();
        if ends.is_empty() {
            continue;
        }
        let live = Live::start(&case, |f| f);
        for ns in ends {
            let o = live.scan(&["--quiet", "-n", ns]);
            assert_eq!(o.status.code(), Some(0), "{case} -n {ns}: {}", stderr(&o));
            let l = json(&o);
            assert!(
                hazards_of(&l, "control-plane-not-found").len()
                    <= hazards_of(&whole, "control-plane-not-found").len(),
                "{case} -n {ns}: {}",
                l["hazards"]
            );
            let off = offline_in(&case, ns);
            assert_eq!(
                comparable(config_as_offline(l, &off)),
                comparable(off),
                "{case} -n {ns}: live and offline differ"
            );
        }
    }
}

/// Without the right to list workloads, a namespaced scan says which reads were
/// skipped, and leaves the mode unknown instead of guessing one.
#[test]
fn namespaced_scan_without_workload_reads_guesses_nothing() {
    let live = Live::start("istio-ambient-waypoints", |f| {
        f.with_fault("deployments", Fault::Forbidden)
            .with_fault("daemonsets", Fault::Forbidden)
    });
    let o = live.scan(&["--quiet", "-n", "storefront"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let s = json(&o);
    assert_eq!(s["complete"], false);
    assert_eq!(s["meshes"][0]["name"], "istio");
    assert_eq!(s["meshes"][0]["mode"], "unknown", "not an invented sidecar");
    assert!(hazards_of(&s, "control-plane-not-found").is_empty());
    let forbidden: Vec<&str> = warnings_of(&s, "forbidden")
        .iter()
        .filter_map(|w| w["message"].as_str())
        .collect();
    assert!(
        forbidden.iter().any(
            |m| m.contains("cannot list apps/deployments in all namespaces")
                && m.contains("read in storefront only")
        ),
        "{forbidden:?}"
    );
}

#[test]
fn namespace_flag_on_a_saved_snapshot_is_a_usage_error() {
    let dir = std::env::temp_dir().join(format!("meshsurface-ns-snap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let snap = dir.join("s.json");
    let snap = snap.to_string_lossy().into_owned();
    let o = run(
        &[
            "scan",
            "--quiet",
            "--from",
            "fixtures/clusters/istio-sidecar",
            "--save",
            &snap,
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["scan", "--from", &snap, "-n", "shop"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("saved snapshot"), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn plan_compare_and_diff_work_on_the_live_cluster() {
    let live = Live::start("istio-ambient", |f| f);
    let kc = live.kubeconfig.as_str();
    let o = run(
        &[
            "plan",
            "--kubeconfig",
            kc,
            "--enable",
            "l7-policy",
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let p = json(&o);
    assert_eq!(
        p["steps"][1]["delta"]["components"], 2,
        "a waypoint in each of the two ambient namespaces"
    );
    let o = run(
        &[
            "plan",
            "--kubeconfig",
            kc,
            "--enable",
            "l7-policy",
            "--sweep",
            "nodes=3,30",
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["sweep"].as_array().map(Vec::len), Some(2));
    let o = run(
        &[
            "compare",
            "--live",
            "--kubeconfig",
            kc,
            "--mesh",
            "istio-ambient,linkerd",
            "--features",
            "l7-policy",
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let c = json(&o);
    assert_eq!(c["columns"][0]["calibrated"], true);
    assert_eq!(c["scale"]["nodes"], 3);
    // diff BEFORE --live: the saved offline scan of the same objects has no changes.
    let before = live.dir.join("before.json");
    let b = before.to_string_lossy().into_owned();
    let o = run(
        &[
            "scan",
            "--quiet",
            "--from",
            "fixtures/clusters/istio-ambient",
            "--save",
            &b,
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    let o = run(
        &["diff", &b, "--live", "--kubeconfig", kc, "-o", "json"],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["changed"], false, "{}", stdout(&o));
}

/// Three fakes in one kubeconfig: `--all-contexts` scans and saves every one, in
/// kubeconfig order, each snapshot the same as scanning that context alone; a listed
/// subset scans only those; a forbidden resource in one cluster makes the fleet exit 3.
#[expect(
    clippy::too_many_lines,
    reason = "one scenario (scan, save, subset, forbidden) over the same three fakes"
)]
#[test]
fn fleet_scans_every_context_and_saves_one_snapshot_each() {
    let a = Live::start("linkerd", |f| f);
    let b = Live::start("cilium", |f| f);
    let c = Live::start("istio-ambient", |f| f.with_fault("pods", Fault::Forbidden));
    let kc = a.dir.join("three-contexts");
    fakekube::write_kubeconfig(
        &kc,
        &[
            a.server().context("eu"),
            b.server().context("us"),
            c.server().context("ap/south"),
        ],
        "eu",
    )
    .expect("kubeconfig");
    let kc = kc.to_string_lossy().into_owned();
    let save_dir = a.dir.join("fleet");
    let save = save_dir.to_string_lossy().into_owned();
    let o = run(
        &[
            "scan",
            "--all-contexts",
            "-o",
            "json",
            "--quiet",
            "--kubeconfig",
            &kc,
            "--save-dir",
            &save,
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(3),
        "one cluster is incomplete: {}",
        stderr(&o)
    );
    let all = json(&o);
    let snaps = all.as_array().expect("a JSON array of snapshots");
    let seen: Vec<(&str, &str, bool)> = snaps
        .iter()
        .map(|s| {
            (
                s["source"]["context"].as_str().unwrap_or(""),
                s["meshes"][0]["name"].as_str().unwrap_or(""),
                s["complete"].as_bool().unwrap_or(true),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("eu", "linkerd", true),
            ("us", "cilium", true),
            ("ap/south", "istio", false)
        ]
    );
    for (file, case) in [("eu.json", "linkerd"), ("us.json", "cilium")] {
        let text = std::fs::read_to_string(save_dir.join(file)).expect("saved snapshot");
        let saved: Value = serde_json::from_str(&text).unwrap();
        let off = offline(case);
        assert_eq!(
            comparable(config_as_offline(saved, &off)),
            comparable(off),
            "{file} is that cluster's scan"
        );
    }
    assert!(
        save_dir.join("ap_south.json").exists(),
        "context names become safe file names"
    );

    // A subset, as a table: one section per cluster, in the order given.
    let o = run(
        &[
            "scan",
            "--kubeconfig",
            &kc,
            "--context",
            "us",
            "--context",
            "eu",
            "--quiet",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let (us, eu) = (out.find("us").unwrap(), out.find("eu").unwrap());
    assert!(us < eu, "printed in the order given:\n{out}");
    assert!(out.contains("linkerd") && out.contains("cilium"), "{out}");
    assert!(!out.contains("ap/south"), "{out}");

    // One cluster at a time: the same snapshots, in the same order; 0 is a usage error.
    let one_at_a_time = run(
        &[
            "scan",
            "--all-contexts",
            "--clusters-at-once",
            "1",
            "-o",
            "json",
            "--quiet",
            "--kubeconfig",
            &kc,
        ],
        None,
    );
    assert_eq!(one_at_a_time.status.code(), Some(3), "{}", stderr(&o));
    let contexts: Vec<Value> = json(&one_at_a_time)
        .as_array()
        .expect("snapshots")
        .iter()
        .map(|s| s["source"]["context"].clone())
        .collect();
    assert_eq!(contexts, ["eu", "us", "ap/south"]);
    let zero = run(
        &[
            "scan",
            "--all-contexts",
            "--clusters-at-once",
            "0",
            "--kubeconfig",
            &kc,
        ],
        None,
    );
    assert_eq!(zero.status.code(), Some(2), "{}", stderr(&zero));
    assert!(
        stderr(&zero).contains("--clusters-at-once"),
        "{}",
        stderr(&zero)
    );

    // A context named twice is scanned and printed once.
    let o = run(
        &[
            "scan",
            "--kubeconfig",
            &kc,
            "--context",
            "us",
            "--context",
            "eu",
            "--context",
            "us",
            "-o",
            "json",
            "--quiet",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o).as_array().map(Vec::len), Some(2));

    // A budget over several clusters: each failure line names its cluster.
    let o = run(
        &[
            "scan",
            "--kubeconfig",
            &kc,
            "--context",
            "us",
            "--context",
            "eu",
            "--quiet",
            "--fail-on",
            "components>0",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let err = stderr(&o);
    for ctx in ["us", "eu"] {
        assert!(
            err.contains(&format!(
                "budget exceeded: context {ctx}: components>0: the value is"
            )),
            "{err}"
        );
    }

    // One unreachable context: the others are still printed, the exit code is 1.
    let dead = a.dir.join("dead");
    fakekube::write_kubeconfig(
        &dead,
        &[
            a.server().context("eu"),
            fakekube::KubeconfigContext {
                name: "gone".into(),
                server: "http://127.0.0.1:1".into(),
                token: "x".into(),
                namespace: None,
            },
        ],
        "eu",
    )
    .expect("kubeconfig");
    let dead = dead.to_string_lossy().into_owned();
    let o = run(
        &[
            "scan",
            "--all-contexts",
            "-o",
            "json",
            "--quiet",
            "--request-timeout",
            "2s",
            "--kubeconfig",
            &dead,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("context gone"), "{}", stderr(&o));
    assert_eq!(json(&o).as_array().map(Vec::len), Some(1));
}

/// A 403 on one configuration kind: that kind's count is unknown (null, not 0), the
/// warning names it as the server does, the scan is incomplete (exit 3); the other kinds
/// are still counted.
#[test]
fn forbidden_configuration_kind_is_unknown_and_named() {
    let live = Live::start("istio-sidecar", |f| {
        f.with_fault("virtualservices", Fault::Forbidden)
    });
    let o = live.scan(&[]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let s = json(&o);
    assert_eq!(s["complete"], false);
    let kind = |k: &str| {
        s["config"]
            .as_array()
            .expect("config")
            .iter()
            .find(|c| c["kind"] == k)
            .unwrap_or_else(|| panic!("{k} in {}", s["config"]))
            .clone()
    };
    assert_eq!(kind("VirtualService")["objects"], Value::Null);
    assert_eq!(kind("EnvoyFilter")["objects"], 2);
    let forbidden = warnings_of(&s, "forbidden");
    assert_eq!(forbidden.len(), 1, "{}", s["warnings"]);
    assert_eq!(
        forbidden[0]["resource"],
        "virtualservices.networking.istio.io"
    );
    // The 12 other objects of the fixture's 15 are counted; 3 VirtualServices are not.
    assert_eq!(s["totals"]["configObjects"], 12);
    assert!(
        stderr(&o).contains("warning: [forbidden] virtualservices.networking.istio.io: cannot list virtualservices.networking.istio.io"),
        "{}",
        stderr(&o)
    );
    let table = run(&["scan", "--kubeconfig", &live.kubeconfig], None);
    assert_eq!(table.status.code(), Some(3));
    assert!(stdout(&table).contains("INCOMPLETE"), "{}", stdout(&table));
}

/// A 403 on the CRD list: which configuration kinds exist is unknown, so configuration is
/// not counted (null), not 0, and the scan is incomplete.
#[test]
fn forbidden_crds_leave_configuration_uncounted() {
    let live = Live::start("istio-sidecar", |f| {
        f.with_fault("customresourcedefinitions", Fault::Forbidden)
    });
    let o = live.scan(&["--quiet"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let s = json(&o);
    assert_eq!(s["complete"], false);
    assert_eq!(s["totals"]["configObjects"], Value::Null, "{}", s["totals"]);
}
