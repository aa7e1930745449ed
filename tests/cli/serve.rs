//! `serve`: the binary as a child process, on a free port of 127.0.0.1, scanning the
//! in-process fake API server (crates/fakekube) every second. Scraped across a cluster
//! that changes (`Running::set_objects`) and across a scan made partial (a 403 fault);
//! ready only after a first complete scan (a slow fake); ended by SIGTERM with exit 0;
//! its `/metrics` read by the structural checker (OpenMetrics) and by promtool (the text
//! format 0.0.4, the one promtool parses).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fakekube::{Fault, Target};

use crate::live::Live;
use crate::metrics::{check_openmetrics, promtool, value, Sample};
use crate::util::{root, run, stderr};

const OPENMETRICS: &str =
    "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";
/// How long a condition may take to come true before the test gives up (a safety net
/// against hanging, not a measured figure).
const PATIENCE: Duration = Duration::from_secs(120);

/// A running `serve` and the log lines it has written so far.
struct Served {
    child: Child,
    addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Served {
    fn start(live: &Live, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-meshsurface"))
            .args([
                "serve",
                "--kubeconfig",
                &live.kubeconfig,
                "--listen",
                "127.0.0.1:0",
                "--interval",
                "1s",
            ])
            .args(extra)
            .current_dir(root())
            .env("SOURCE_DATE_EPOCH", "1795435200")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        let lines = BufReader::new(child.stderr.take().expect("stderr"));
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.lines().map_while(Result::ok) {
                sink.lock().expect("log lock").push(line);
            }
        });
        let mut served = Self {
            child,
            addr: String::new(),
            log,
        };
        let line = served.wait_log("listening");
        let addr = if line.starts_with('{') {
            let v: serde_json::Value = serde_json::from_str(&line).expect("a JSON log line");
            v["addr"].as_str().expect("addr").to_owned()
        } else {
            line.split_whitespace()
                .find_map(|f| f.strip_prefix("addr="))
                .unwrap_or_else(|| panic!("no addr in {line}"))
                .to_owned()
        };
        served.addr = addr;
        served
    }

    /// The first log line holding `event=NAME` (or `"event":"NAME"`), waiting for it.
    fn wait_log(&self, event: &str) -> String {
        let (text, json) = (format!("event={event} "), format!("\"event\":\"{event}\""));
        wait(&format!("a log line of event {event}"), || {
            self.log
                .lock()
                .expect("log lock")
                .iter()
                .find(|l| l.contains(&text) || l.contains(&json))
                .cloned()
        })
    }

    fn get(&self, path: &str, accept: Option<&str>) -> (u16, String, String) {
        let mut s = TcpStream::connect(&self.addr).expect("connects");
        let accept = accept
            .map(|a| format!("Accept: {a}\r\n"))
            .unwrap_or_default();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {}\r\n{accept}Connection: close\r\n\r\n",
            self.addr
        )
        .expect("request written");
        let mut answer = String::new();
        s.read_to_string(&mut answer).expect("answer read");
        let (head, body) = answer.split_once("\r\n\r\n").expect("a head");
        let status = head[9..12].parse().expect("a status");
        let content_type = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-type: ")
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        (status, content_type, body.to_owned())
    }

    /// `/metrics` in OpenMetrics, checked by the structural checker; its samples.
    fn scrape(&self) -> (String, Vec<Sample>) {
        let (status, content_type, body) = self.get("/metrics", Some(OPENMETRICS));
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            content_type,
            "application/openmetrics-text; version=1.0.0; charset=utf-8"
        );
        let samples = check_openmetrics(&body);
        (body, samples)
    }

    /// Sends SIGTERM; the exit code and the whole log.
    fn terminate(mut self) -> (Option<i32>, String) {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(killed.is_ok_and(|s| s.success()), "kill -TERM {pid}");
        let status = self.child.wait().expect("serve ends");
        // The reader thread has the last lines once the pipe closes.
        let log = wait("the log to end with the shutdown", || {
            let l = self.log.lock().expect("log lock");
            l.iter()
                .any(|x| x.contains("shutdown"))
                .then(|| l.join("\n"))
        });
        (status.code(), log)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `f` until it gives a value (every 50 ms, at most [`PATIENCE`]).
fn wait<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < PATIENCE, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `meshsurface_scan_errors_total{reason}`, a count.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a counter of a few scans"
)]
fn errors(samples: &[Sample], reason: &str) -> u64 {
    value(
        samples,
        "meshsurface_scan_errors_total",
        &[("reason", reason)],
    )
    .expect("the error counter is always there") as u64
}

#[test]
fn scrapes_see_the_cluster_change_and_pass_promtool_and_sigterm_exits_0() {
    let live = Live::start("istio-sidecar", |f| f);
    let served = Served::start(&live, &[]);
    let (status, ..) = served.get("/healthz", None);
    assert_eq!(status, 200);
    wait("ready", || {
        (served.get("/readyz", None).0 == 200).then_some(())
    });
    let (_, samples) = served.scrape();
    assert_eq!(
        value(&samples, "meshsurface_mesh_info", &[("mesh", "istio")]),
        Some(1.0)
    );
    assert!(value(&samples, "meshsurface_mesh_info", &[("mesh", "linkerd")]).is_none());
    let pods_before = value(&samples, "meshsurface_cluster_pods", &[]).expect("pods");
    assert!(value(&samples, "meshsurface_last_success_timestamp_seconds", &[]).is_some());

    // The cluster changes: it now runs Linkerd.
    let linkerd = fakekube::load_path(&root().join("fixtures/clusters/linkerd")).unwrap();
    live.server().set_objects(linkerd);
    let (_, samples) = wait("a scrape of the changed cluster", || {
        let (text, samples) = served.scrape();
        value(&samples, "meshsurface_mesh_info", &[("mesh", "linkerd")]).map(|_| (text, samples))
    });
    assert!(value(&samples, "meshsurface_mesh_info", &[("mesh", "istio")]).is_none());
    assert_ne!(
        value(&samples, "meshsurface_cluster_pods", &[]),
        Some(pods_before)
    );
    assert_eq!(
        errors(&samples, "failed") + errors(&samples, "incomplete"),
        0
    );
    assert!(value(&samples, "meshsurface_scans_total", &[]).unwrap() >= 2.0);
    // The text format 0.0.4 for a scraper that does not ask for OpenMetrics: what
    // promtool reads (it has no OpenMetrics parser: it would take the OpenMetrics counter
    // family `meshsurface_scans` for a family without help).
    let (status, content_type, text) = served.get("/metrics", None);
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    assert!(!text.contains("# EOF") && text.contains("meshsurface_scans_total "));
    if let Some(Err(e)) = promtool(&text) {
        panic!("promtool check metrics failed:\n{e}\n{text}");
    }
    let (status, content_type, snapshot) = served.get("/snapshot", None);
    assert_eq!((status, content_type.as_str()), (200, "application/json"));
    let snapshot: serde_json::Value = serde_json::from_str(&snapshot).unwrap();
    assert_eq!(snapshot["schemaVersion"], "meshsurface/v1");

    let (code, log) = served.terminate();
    assert_eq!(code, Some(0), "{log}");
    assert!(
        log.contains("event=shutdown msg=\"SIGTERM: stopped\" signal=SIGTERM"),
        "{log}"
    );
    assert!(
        log.contains("level=info event=scan msg=\"scan complete\""),
        "{log}"
    );
}

/// `serve --price`: each scan is billed, so `/metrics` carries the cost families (live,
/// without served usage: requests and typical); a bad price is a usage error up front.
#[test]
fn serve_with_a_price_exposes_the_bill() {
    let live = Live::start("istio-sidecar", |f| f);
    let served = Served::start(&live, &["--price", "cpu=0.031/h,memory=0.0042/GiB-h"]);
    wait("ready", || {
        (served.get("/readyz", None).0 == 200).then_some(())
    });
    let (_, samples) = served.scrape();
    assert_eq!(
        value(
            &samples,
            "meshsurface_cost_per_hour",
            &[
                ("mesh", "istio"),
                ("basis", "requests"),
                ("currency", "USD")
            ]
        ),
        Some(0.087_675)
    );
    assert!(value(
        &samples,
        "meshsurface_cluster_cost_per_hour",
        &[("basis", "typical")]
    )
    .is_some());
    let (code, log) = served.terminate();
    assert_eq!(code, Some(0), "{log}");
    let o = run(
        &["serve", "--price", "cpu=abc", "--listen", "127.0.0.1:0"],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_partial_scan_keeps_the_last_good_figures_and_counts_an_error() {
    let live = Live::start("istio-sidecar", |f| f);
    let served = Served::start(&live, &["--log-format", "json"]);
    wait("ready", || {
        (served.get("/readyz", None).0 == 200).then_some(())
    });
    let (_, good) = served.scrape();
    assert_eq!(errors(&good, "incomplete"), 0);
    let pods = value(&good, "meshsurface_cluster_pods", &[]).expect("pods");
    let proxies = value(&good, "meshsurface_proxy_instances", &[("mesh", "istio")]);
    assert!(proxies.is_some_and(|p| p > 0.0));

    // Pods cannot be read any more: the next scans are incomplete.
    live.server().add_fault("pods", Fault::Forbidden);
    let (text, partial) = wait("an incomplete scan counted", || {
        let (text, samples) = served.scrape();
        (errors(&samples, "incomplete") >= 1).then_some((text, samples))
    });
    assert_eq!(
        value(&partial, "meshsurface_cluster_pods", &[]),
        Some(pods),
        "{text}"
    );
    assert_eq!(
        value(
            &partial,
            "meshsurface_proxy_instances",
            &[("mesh", "istio")]
        ),
        proxies
    );
    assert_eq!(value(&partial, "meshsurface_scan_complete", &[]), Some(1.0));
    assert_eq!(served.get("/readyz", None).0, 200, "still ready");
    let warned = served.wait_log("scan-incomplete");
    let event: serde_json::Value = serde_json::from_str(&warned).expect("a JSON log line");
    assert_eq!(event["level"], "warn");
    assert!(
        event["warning_codes"]
            .as_str()
            .unwrap()
            .contains("forbidden"),
        "{event}"
    );

    let (code, log) = served.terminate();
    assert_eq!(code, Some(0), "{log}");
    for line in log.lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("not one JSON object ({e}): {line}"));
    }
}

#[test]
fn not_ready_before_the_first_complete_scan() {
    // Discovery takes 5 s: the first scan cannot have finished when serve starts listening.
    let live = Live::start("istio-ambient", |f| {
        f.with_fault(Target::discovery(), Fault::Slow(Duration::from_secs(5)))
    });
    let served = Served::start(&live, &[]);
    let (status, _, body) = served.get("/readyz", None);
    assert_eq!(status, 503, "{body}");
    assert_eq!(served.get("/snapshot", None).0, 503);
    assert_eq!(served.get("/healthz", None).0, 200);
    let (_, samples) = served.scrape();
    assert_eq!(value(&samples, "meshsurface_scans_total", &[]), Some(0.0));
    assert!(value(&samples, "meshsurface_cluster_pods", &[]).is_none());
    wait("ready", || {
        (served.get("/readyz", None).0 == 200).then_some(())
    });
    let (_, samples) = served.scrape();
    assert!(value(&samples, "meshsurface_cluster_pods", &[]).is_some());
    let (code, log) = served.terminate();
    assert_eq!(code, Some(0), "{log}");
}

#[test]
fn usage_errors_before_serving() {
    let o = run(&["serve", "--from", "-", "--listen", "127.0.0.1:0"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("stdin"), "{}", stderr(&o));
    let o = run(
        &["serve", "--interval", "500ms", "--listen", "127.0.0.1:0"],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(
        &[
            "serve",
            "--context",
            "a",
            "--context",
            "b",
            "--listen",
            "127.0.0.1:0",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_port_in_use_is_an_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let o = run(
        &[
            "serve",
            "--from",
            "fixtures/clusters/none",
            "--listen",
            &addr,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("cannot listen on {addr}")),
        "{}",
        stderr(&o)
    );
}
