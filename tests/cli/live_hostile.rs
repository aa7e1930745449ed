//! A hostile or broken API server (issue 13): every misbehaviour of the fake ends the
//! scan, incomplete (exit 3), with a warning naming what could not be read, or, when the
//! cluster cannot be read at all, with exit 1 and a message naming the problem.

use std::io::Write;
use std::net::TcpListener;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use fakekube::{Fault, Target};
use serde_json::Value;

use crate::live::{json, Live};
use crate::util::{run, stderr};

/// The warnings with this code.
fn warnings(s: &Value, code: &str) -> Vec<Value> {
    s["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter(|w| w["code"] == code)
        .cloned()
        .collect()
}

/// An incomplete scan (exit 3, `complete: false`) with exactly one `code` warning, on
/// `resource`; returns that warning's message.
fn incomplete(o: &Output, code: &str, resource: &str) -> String {
    assert_eq!(o.status.code(), Some(3), "{}", stderr(o));
    let s = json(o);
    assert_eq!(s["complete"], false);
    let w = warnings(&s, code);
    assert_eq!(w.len(), 1, "{code}: {:#?}", s["warnings"]);
    assert_eq!(w[0]["resource"], resource, "{:#?}", w[0]);
    w[0]["message"].as_str().unwrap_or_default().to_owned()
}

/// How many requests the fake got for the core-group pods.
fn pod_requests(live: &Live) -> usize {
    live.server()
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/pods")
        .count()
}

#[test]
fn a_list_whose_continue_token_never_ends_is_stopped() {
    // The same token on every page: stopped at the second page.
    let live = Live::start("istio-sidecar", |f| {
        f.with_fault(Target::group_resource("", "pods"), Fault::RepeatingContinue)
    });
    let o = live.scan(&["--quiet"]);
    let m = incomplete(&o, "invalid-answer", "pods");
    assert!(m.contains("never ends") && m.contains("repeats"), "{m}");
    assert_eq!(pod_requests(&live), 2);
    // A new token every time (always the same pods): stopped by the page bound, far below
    // the objects the server announced (remainingItemCount) would need.
    let live = Live::start("istio-sidecar", |f| {
        f.with_fault(Target::group_resource("", "pods"), Fault::ChangingContinue)
    });
    let o = live.scan(&["--quiet"]);
    let m = incomplete(&o, "invalid-answer", "pods");
    assert!(
        m.contains("never ends") && m.contains("remainingItemCount"),
        "{m}"
    );
    let n = pod_requests(&live);
    assert!((3..=30).contains(&n), "{n} pages");
    // The rest of the cluster is still read.
    assert_eq!(json(&o)["totals"]["crds"], 15);
}

#[test]
fn a_200_status_instead_of_a_list_is_not_an_empty_list() {
    let live = Live::start("istio-sidecar", |f| {
        f.with_fault(Target::group_resource("", "pods"), Fault::OkStatus)
    });
    let o = live.scan(&["--quiet"]);
    let m = incomplete(&o, "invalid-answer", "pods");
    assert!(m.contains("not a list") && m.contains("Status"), "{m}");
}

#[test]
fn a_200_status_instead_of_discovery_reads_the_builtin_groups() {
    let live = Live::start("istio-sidecar", |f| {
        f.with_fault(Target::discovery(), Fault::OkStatus)
    });
    let o = live.scan(&["--quiet"]);
    let m = incomplete(&o, "invalid-answer", "/apis");
    assert!(m.contains("not an APIGroupList"), "{m}");
    // CRDs, webhooks and Deployments are in built-in groups: still counted.
    let s = json(&o);
    assert_eq!(s["totals"]["crds"], 15);
    assert!(
        s["totals"]["webhooks"].as_u64().unwrap_or(0) > 0,
        "{}",
        s["totals"]
    );
}

#[test]
fn forbidden_discovery_is_incomplete_not_failed() {
    let live = Live::start("istio-sidecar", |f| {
        f.with_fault(Target::discovery(), Fault::Forbidden)
    });
    let o = live.scan(&["--quiet"]);
    let m = incomplete(&o, "forbidden", "/apis");
    assert!(m.contains("cannot get path"), "{m}");
    assert_eq!(json(&o)["totals"]["crds"], 15);
}

#[test]
fn an_endless_body_is_cut_at_the_page_size_cap() {
    let live = Live::start("istio-sidecar", |f| {
        f.with_fault(Target::group_resource("", "pods"), Fault::EndlessBody)
    });
    // Without the cap this would read until --request-timeout, growing without bound.
    let o = live.scan(&[
        "--quiet",
        "--max-page-size",
        "1Mi",
        "--request-timeout",
        "10m",
    ]);
    let m = incomplete(&o, "invalid-answer", "pods");
    assert!(m.contains("--max-page-size (1048576 bytes)"), "{m}");
    // The cap does not get in the way of a normal scan.
    let o = live.scan(&["--quiet", "--max-page-size", "1Mi"]);
    assert_eq!(json(&o)["totals"]["crds"], 15);
}

#[test]
fn a_stalled_body_times_out_by_name() {
    let live = Live::start("istio-sidecar", |f| {
        f.with_fault(
            Target::group_resource("apps", "deployments"),
            Fault::StallBody,
        )
    });
    let o = live.scan(&["--quiet", "--request-timeout", "500ms"]);
    incomplete(&o, "timeout", "apps/deployments");
}

#[test]
fn unavailable_forever_gives_up_after_the_documented_attempts() {
    for (fault, code, timeout) in [
        (Fault::Unavailable, "HTTP 503", "30s"),
        (Fault::TooManyRequestsForever, "HTTP 429", "30s"),
        // `0` waits forever for one answer, yet the attempts are still counted.
        (Fault::Unavailable, "HTTP 503", "0"),
    ] {
        let live = Live::start("istio-sidecar", |f| {
            f.with_fault(Target::group_resource("", "pods"), fault)
        });
        let o = live.scan(&["--quiet", "--request-timeout", timeout]);
        let m = incomplete(&o, "unreachable", "pods");
        assert!(
            m.contains("gave up after 5 attempts") && m.contains(code),
            "{m}"
        );
        assert!(warnings(&json(&o), "timeout").is_empty());
        assert_eq!(
            pod_requests(&live),
            5,
            "{code} with --request-timeout {timeout}"
        );
    }
}

/// A port that accepts TCP connections, counts them, and answers each with plain HTTP.
fn plain_http_port() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            seen.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut s) = stream {
                let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            }
        }
    });
    (port, count)
}

#[test]
fn a_tls_failure_is_named_and_not_retried() {
    let (port, connections) = plain_http_port();
    let dir = std::env::temp_dir().join(format!("meshsurface-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let kc = dir.join("kubeconfig");
    fakekube::write_kubeconfig(
        &kc,
        &[fakekube::KubeconfigContext {
            name: "tls".into(),
            server: format!("https://127.0.0.1:{port}"),
            token: "x".into(),
            namespace: None,
        }],
        "tls",
    )
    .expect("kubeconfig");
    let o = run(
        &["scan", "--quiet", "--kubeconfig", &kc.to_string_lossy()],
        None,
    );
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("TLS handshake failed"), "{err}");
    assert!(err.contains("not retried"), "{err}");
    assert_eq!(connections.load(Ordering::SeqCst), 1, "{err}");
}

/// A pod sent with a field of the wrong type, on a page the scan reads in one pass: the
/// pods are unread (the scan incomplete) and the warning names the pod's field, as when
/// each item is read on its own; with two parsing threads too.
#[test]
fn a_malformed_pod_is_named_by_its_field() {
    let mut objects =
        fakekube::load_path(&crate::util::root().join("fixtures/clusters/istio-sidecar"))
            .expect("fixture loads");
    objects.push(serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "zz-bad", "namespace": "default"},
        "spec": {"containers": [{"name": "c", "image": 7}]}
    }));
    let live = Live::serve("bad-pod", fakekube::FakeKube::new(objects));
    for threads in ["1", "2"] {
        let o = live.scan_env(&["--quiet"], &[("MESHSURFACE_PARSE_THREADS", threads)]);
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
        let s = json(&o);
        let all = s["warnings"].to_string();
        assert!(
            all.contains("spec.containers[0].image") && all.contains("invalid type: integer `7`"),
            "{threads} threads: {all}"
        );
    }
}
