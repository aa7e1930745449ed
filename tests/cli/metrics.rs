//! `scan -o openmetrics` and `scan --push`: the exposition of every fixture read by a
//! structural checker written here (the OpenMetrics rules this tool promises) and by
//! Prometheus' own `promtool check metrics`; the push received by an in-process
//! 127.0.0.1 server that records the request; a fleet's one exposition against the fake
//! API server.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};

use crate::util::{cases, run, scan_json, stderr, stdout};

/// One parsed sample: name, labels, value.
pub type Sample = (String, BTreeMap<String, String>, f64);

fn is_name(s: &str, colon: bool) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || (colon && c == ':'))
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (colon && c == ':'))
}

/// Reads `name{a="b",...} value`, unescaping label values (`\\`, `\"`, `\n` only).
fn sample(line: &str) -> Result<Sample, String> {
    let end = line.find(['{', ' ']).ok_or("no value")?;
    let name = &line[..end];
    let mut labels = BTreeMap::new();
    let mut rest = &line[end..];
    if let Some(mut r) = rest.strip_prefix('{') {
        while !r.starts_with('}') {
            let eq = r.find('=').ok_or("label without =")?;
            let lname = &r[..eq];
            if !is_name(lname, false) {
                return Err(format!("bad label name {lname:?}"));
            }
            r = r[eq + 1..]
                .strip_prefix('"')
                .ok_or("unquoted label value")?;
            let mut value = String::new();
            let mut chars = r.char_indices();
            let close = loop {
                let (i, c) = chars.next().ok_or("unterminated label value")?;
                match c {
                    '"' => break i,
                    '\\' => {
                        let (_, e) = chars.next().ok_or("dangling backslash")?;
                        value.push(match e {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            other => return Err(format!("bad escape {other:?}")),
                        });
                    }
                    c => value.push(c),
                }
            };
            if labels.insert(lname.to_owned(), value).is_some() {
                return Err(format!("label {lname} twice"));
            }
            r = &r[close + 1..];
            if let Some(next) = r.strip_prefix(',') {
                r = next;
            } else if !r.starts_with('}') {
                return Err("expected , or }".into());
            }
        }
        rest = &r[1..];
    }
    let value = rest.strip_prefix(' ').ok_or("no space before the value")?;
    Ok((name.to_owned(), labels, parse_value(value)?))
}

fn parse_value(v: &str) -> Result<f64, String> {
    if v.contains(' ') {
        return Err(format!("a timestamp or extra field after the value: {v:?}"));
    }
    match v {
        "NaN" => Ok(f64::NAN),
        "+Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        _ => v.parse().map_err(|_| format!("bad value {v:?}")),
    }
}

/// The rules this tool promises of its OpenMetrics output (docs/metrics.md): every
/// family has TYPE and HELP before its samples and is written in one block; names are
/// valid; a family with a UNIT ends with `_UNIT`, and one named `_seconds`, `_bytes` or
/// `_cores` has that UNIT; gauges never end in `_total`; no series twice; `# EOF` last.
/// Returns the samples.
pub fn check_openmetrics(text: &str) -> Vec<Sample> {
    let body = text
        .strip_suffix("# EOF\n")
        .unwrap_or_else(|| panic!("does not end with # EOF:\n{text}"));
    assert!(!body.contains("# EOF"), "one # EOF, last");
    let mut seen_families = BTreeSet::new();
    let mut family: Option<String> = None;
    let mut meta: BTreeMap<&str, &str> = BTreeMap::new();
    let mut series = BTreeSet::new();
    let mut samples = Vec::new();
    for line in body.lines() {
        if let Some(m) = line.strip_prefix("# ") {
            let mut parts = m.splitn(3, ' ');
            let (kw, name, rest) = (
                parts.next().expect("a keyword"),
                parts.next().expect("a name"),
                parts.next().unwrap_or(""),
            );
            assert!(is_name(name, true), "bad metric name {name:?}");
            if family.as_deref() != Some(name) {
                assert!(
                    seen_families.insert(name.to_owned()),
                    "family {name} written in two blocks"
                );
                family = Some(name.to_owned());
                meta.clear();
            }
            assert!(
                matches!(kw, "TYPE" | "HELP" | "UNIT"),
                "unknown metadata {line}"
            );
            assert!(meta.insert(kw, rest).is_none(), "{kw} twice for {name}");
            if kw == "TYPE" {
                assert!(matches!(rest, "gauge" | "counter"), "{line}");
                if rest == "gauge" {
                    assert!(!name.ends_with("_total"), "gauge named _total: {name}");
                }
            }
            if kw == "UNIT" {
                assert!(name.ends_with(&format!("_{rest}")), "{name} lacks _{rest}");
            }
            if kw == "HELP" {
                assert!(!rest.is_empty(), "empty HELP for {name}");
            }
            continue;
        }
        assert!(!line.starts_with('#'), "stray comment {line}");
        let (name, labels, value) = sample(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let fam = family.as_deref().expect("a sample before any TYPE");
        let kind = meta.get("TYPE").copied();
        assert!(kind.is_some(), "{fam}: no TYPE");
        assert!(meta.contains_key("HELP"), "{fam}: no HELP");
        let want = if kind == Some("counter") {
            format!("{fam}_total")
        } else {
            fam.to_owned()
        };
        assert_eq!(name, want, "sample outside its family");
        for unit in ["seconds", "bytes", "cores"] {
            if fam.ends_with(&format!("_{unit}")) {
                assert_eq!(meta.get("UNIT").copied(), Some(unit), "{fam}: no UNIT");
            }
        }
        assert!(
            series.insert((name.clone(), labels.clone())),
            "series twice: {line}"
        );
        samples.push((name, labels, value));
    }
    samples
}

#[expect(clippy::print_stderr, reason = "says why the test checked less")]
/// `promtool check metrics` on `text`: `None` when promtool is not installed (then the
/// test says so; under `CI=true` a missing promtool fails: `.ci/run` installs it).
pub fn promtool(text: &str) -> Option<Result<(), String>> {
    let child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "promtool is not installed, and CI must check the metrics with it \
                 (`.ci/run` installs Debian's prometheus package)"
            );
            eprintln!("SKIPPED: promtool is not installed (apt-get install prometheus)");
            return None;
        }
        Err(e) => panic!("promtool: {e}"),
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("promtool reads");
    let o = child.wait_with_output().expect("promtool finishes");
    Some(if o.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ))
    })
}

fn openmetrics(args: &[&str]) -> String {
    let mut full = vec!["scan", "-o", "openmetrics", "--quiet"];
    full.extend_from_slice(args);
    let o = run(&full, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}

pub fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|(n, l, _)| {
            n == name
                && labels
                    .iter()
                    .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.2)
}

#[test]
fn every_fixture_passes_the_checker_and_promtool() {
    for case in cases() {
        let text = openmetrics(&["--from", &format!("fixtures/clusters/{case}")]);
        let samples = check_openmetrics(&text);
        let snap = scan_json(&["--from", &format!("fixtures/clusters/{case}")]);
        // The figures are the snapshot's.
        let proxies: u64 = snap["proxies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["instances"].as_u64().unwrap())
            .sum();
        let exposed: f64 = samples
            .iter()
            .filter(|s| s.0 == "meshsurface_proxy_instances")
            .map(|s| s.2)
            .sum();
        #[expect(clippy::cast_precision_loss, reason = "small counts")]
        let proxies = proxies as f64;
        assert!((exposed - proxies).abs() < 0.5, "{case}");
        assert_eq!(
            value(&samples, "meshsurface_cluster_pods", &[]),
            snap["scale"]["pods"].as_f64(),
            "{case}"
        );
        for m in snap["meshes"].as_array().unwrap() {
            let name = m["name"].as_str().unwrap();
            assert_eq!(
                value(&samples, "meshsurface_mesh_info", &[("mesh", name)]),
                Some(1.0),
                "{case}"
            );
        }
        assert!(
            samples.iter().all(|(_, l, _)| !l.contains_key("pod")),
            "no pod label"
        );
        // No price, no bill: the cost families are absent, not 0.
        assert!(
            !text.contains("cost_per_hour"),
            "{case}: a cost family without a price"
        );
        if let Some(Err(e)) = promtool(&text) {
            panic!("{case}: promtool check metrics failed:\n{e}\n{text}");
        }
    }
}

/// With a price, every fixture's exposition carries the bill per mesh and for the cluster,
/// per basis that has a figure, equal to `-o json`'s hourly figures, and passes promtool.
#[test]
fn with_a_price_the_cost_families_equal_the_snapshot_bill() {
    let price = "cpu=0.031/h,memory=0.0042/GiB-h,currency=EUR";
    for case in cases() {
        let dir = format!("fixtures/clusters/{case}");
        let text = openmetrics(&["--from", &dir, "--price", price]);
        let samples = check_openmetrics(&text);
        let snap = scan_json(&["--from", &dir, "--price", price]);
        let hourly = |c: &serde_json::Value, basis: &str| c[basis]["hourly"].as_f64();
        for m in snap["meshes"].as_array().unwrap() {
            let mesh = m["name"].as_str().unwrap();
            for basis in ["requests", "usage", "typical"] {
                assert_eq!(
                    value(
                        &samples,
                        "meshsurface_cost_per_hour",
                        &[("mesh", mesh), ("basis", basis), ("currency", "EUR")]
                    ),
                    hourly(&m["cost"], basis),
                    "{case} {mesh} {basis}"
                );
            }
        }
        for basis in ["requests", "usage", "typical"] {
            assert_eq!(
                value(
                    &samples,
                    "meshsurface_cluster_cost_per_hour",
                    &[("basis", basis), ("currency", "EUR")]
                ),
                hourly(&snap["cost"], basis),
                "{case} {basis}"
            );
        }
        assert!(
            samples
                .iter()
                .filter(|s| s.0 == "meshsurface_cluster_cost_per_hour")
                .all(|s| !s.1.contains_key("mesh")),
            "{case}: the cluster total has no mesh label"
        );
        if let Some(Err(e)) = promtool(&text) {
            panic!("{case}: promtool check metrics failed:\n{e}\n{text}");
        }
    }
    // A fixture with a mesh: the family is there (the loop above would pass on nothing).
    let text = openmetrics(&[
        "--from",
        "fixtures/clusters/istio-sidecar",
        "--price",
        price,
    ]);
    let samples = check_openmetrics(&text);
    assert_eq!(
        value(
            &samples,
            "meshsurface_cost_per_hour",
            &[("mesh", "istio"), ("basis", "requests")]
        ),
        Some(0.087_675)
    );
}

/// A saved snapshot whose namespace and versions hold `"`, `\` and a newline: escaped
/// in the exposition, read back to the same values, accepted by promtool.
#[test]
fn label_values_with_quotes_backslashes_and_newlines_are_escaped() {
    let mut snap = scan_json(&["--from", "fixtures/clusters/istio-sidecar"]);
    let weird = "we\"ird\\ns\nx";
    snap["meshes"][0]["namespace"] = weird.into();
    snap["meshes"][0]["version"] = "1.26\\3\"\n".into();
    snap["namespaces"][0]["namespace"] = weird.into();
    let dir = std::env::temp_dir().join(format!("meshsurface-metrics-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("weird.json");
    std::fs::write(&file, serde_json::to_string(&snap).unwrap()).unwrap();
    let text = openmetrics(&["--from", file.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        text.contains(r#"namespace="we\"ird\\ns\nx""#),
        "escaped as OpenMetrics says:\n{text}"
    );
    let samples = check_openmetrics(&text);
    assert_eq!(
        value(
            &samples,
            "meshsurface_mesh_info",
            &[("namespace", weird), ("version", "1.26\\3\"\n")]
        ),
        Some(1.0)
    );
    assert!(value(
        &samples,
        "meshsurface_namespace_proxies",
        &[("namespace", weird)]
    )
    .is_some());
    if let Some(Err(e)) = promtool(&text) {
        panic!("promtool check metrics failed:\n{e}\n{text}");
    }
}

#[test]
fn checker_rejects_what_it_should() {
    let ok = "# TYPE a_seconds gauge\n# UNIT a_seconds seconds\n# HELP a_seconds A.\na_seconds 1\n# EOF\n";
    assert_eq!(check_openmetrics(ok).len(), 1);
    let bad = [
        "# TYPE a gauge\n# HELP a A.\na 1\n",
        "# TYPE a_seconds gauge\n# HELP a_seconds A.\na_seconds 1\n# EOF\n",
        "# TYPE a_total gauge\n# HELP a_total A.\na_total 1\n# EOF\n",
        "# TYPE a gauge\na 1\n# EOF\n",
        "# TYPE a gauge\n# HELP a A.\na{x=\"1\"} 1\na{x=\"1\"} 2\n# EOF\n",
        "# TYPE a gauge\n# HELP a A.\na{x=\"1\\q\"} 1\n# EOF\n",
        "# TYPE a gauge\n# HELP a A.\na 1\n# TYPE b gauge\n# HELP b B.\nb 1\n# TYPE a gauge\n# EOF\n",
        "# TYPE 1a gauge\n# HELP 1a A.\n1a 1\n# EOF\n",
    ];
    for b in bad {
        let r = std::panic::catch_unwind(|| check_openmetrics(b));
        assert!(r.is_err(), "accepted:\n{b}");
    }
}

#[test]
fn golden_openmetrics() {
    insta::assert_snapshot!(
        "openmetrics-istio-sidecar",
        openmetrics(&["--from", "fixtures/clusters/istio-sidecar"])
    );
}

#[test]
fn cluster_name_labels_every_series() {
    let text = openmetrics(&[
        "--from",
        "fixtures/clusters/linkerd",
        "--cluster-name",
        "prod-eu",
    ]);
    let samples = check_openmetrics(&text);
    for (name, labels, _) in &samples {
        let want = (name != "meshsurface_build_info").then_some("prod-eu");
        assert_eq!(labels.get("cluster").map(String::as_str), want, "{name}");
    }
}

/// An HTTP server on 127.0.0.1 for `n` requests: answers each with `status` and hands
/// back what it got (request line and headers, body), in order.
fn gateway(
    status: &'static str,
    n: usize,
) -> (String, std::thread::JoinHandle<Vec<(String, String)>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let url = format!("http://{}", listener.local_addr().expect("its address"));
    let handle = std::thread::spawn(move || {
        (0..n)
            .map(|_| {
                let (mut s, _) = listener.accept().expect("a connection");
                let got = read_request(&mut s);
                let answer = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: 19\r\nConnection: close\r\n\r\nsomething is wrong\n"
                );
                s.write_all(answer.as_bytes()).expect("answer written");
                got
            })
            .collect()
    });
    (url, handle)
}

fn read_request(s: &mut std::net::TcpStream) -> (String, String) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head, body_start) = loop {
        let n = s.read(&mut chunk).expect("request read");
        assert!(n > 0, "request ended early");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break (String::from_utf8_lossy(&buf[..p]).into_owned(), p + 4);
        }
    };
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().expect("a length"))
        })
        .expect("content-length");
    while buf.len() < body_start + len {
        let n = s.read(&mut chunk).expect("body read");
        assert!(n > 0, "body ended early");
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8(buf[body_start..body_start + len].to_vec()).expect("a UTF-8 body");
    (head, body)
}

#[test]
fn push_puts_the_text_format_under_job_and_cluster() {
    let (url, server) = gateway("200 OK", 1);
    let o = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/istio-sidecar",
            "--push",
            &url,
            "--cluster-name",
            "arn:aws:eks:eu-west-1:1:cluster/prod",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("istio"), "the table is still printed");
    let (head, body) = server.join().unwrap().remove(0);
    let mut lines = head.lines();
    assert_eq!(
        lines.next(),
        Some(
            "PUT /metrics/job/meshsurface/cluster@base64/YXJuOmF3czpla3M6ZXUtd2VzdC0xOjE6Y2x1c3Rlci9wcm9k HTTP/1.1"
        )
    );
    assert!(
        head.contains("Content-Type: text/plain; version=0.0.4"),
        "{head}"
    );
    assert!(
        !body.contains("# EOF") && !body.contains("# UNIT"),
        "{body}"
    );
    assert!(
        !body.contains("cluster="),
        "the grouping key holds the cluster"
    );
    assert!(body.contains("meshsurface_proxy_instances{mesh=\"istio\""));
    // The text format: the OpenMetrics exposition less UNIT and EOF, same samples.
    let om = openmetrics(&["--from", "fixtures/clusters/istio-sidecar"]);
    let strip = |t: &str| -> Vec<String> {
        let mut v: Vec<String> = t
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::to_owned)
            .collect();
        v.sort();
        v
    };
    assert_eq!(strip(&body), strip(&om));
    if let Some(Err(e)) = promtool(&body) {
        panic!("promtool check metrics failed on the pushed body:\n{e}");
    }
}

#[test]
fn push_refused_or_unreachable_is_an_error_after_the_output() {
    let (url, server) = gateway("400 Bad Request", 1);
    let o = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/linkerd",
            "-o",
            "openmetrics",
            "--push",
            &url,
            "--cluster-name",
            "kind",
        ],
        None,
    );
    let (head, _) = server.join().unwrap().remove(0);
    assert!(head.starts_with("PUT /metrics/job/meshsurface/cluster/kind HTTP/1.1"));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).ends_with("# EOF\n"), "output printed first");
    assert!(
        stderr(&o).contains("refused the push of cluster kind: HTTP 400: something is wrong"),
        "{}",
        stderr(&o)
    );

    // Nothing listens: a port just released.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let o = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/linkerd",
            "--push",
            &url,
            "--cluster-name",
            "kind",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("linkerd"));
    assert!(
        stderr(&o).contains(&format!("cannot push to the Pushgateway at {url}")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn push_usage_errors() {
    let o = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/linkerd",
            "--push",
            "http://127.0.0.1:9",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "no name for files");
    assert!(stderr(&o).contains("--cluster-name"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "refused before printing");
    let o = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/linkerd",
            "--push",
            "https://gw",
            "--cluster-name",
            "x",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("https is not supported"),
        "{}",
        stderr(&o)
    );
}

/// Several contexts: one exposition, every snapshot's series labelled with its context;
/// with `--push`, one PUT per cluster.
#[test]
fn fleet_is_one_exposition_with_a_cluster_label() {
    use crate::live::Live;
    let a = Live::start("linkerd", |f| f);
    let b = Live::start("cilium", |f| f);
    let kc = a.dir.join("two-contexts");
    fakekube::write_kubeconfig(
        &kc,
        &[a.server().context("eu"), b.server().context("us/west")],
        "eu",
    )
    .unwrap();
    let kc = kc.to_string_lossy().into_owned();
    let text = openmetrics(&[
        "--kubeconfig",
        &kc,
        "--context",
        "eu",
        "--context",
        "us/west",
    ]);
    let samples = check_openmetrics(&text);
    let mesh_of = |cluster: &str| {
        samples
            .iter()
            .find(|s| s.0 == "meshsurface_mesh_info" && s.1["cluster"] == cluster)
            .map(|s| s.1["mesh"].clone())
    };
    assert_eq!(mesh_of("eu").as_deref(), Some("linkerd"));
    assert_eq!(mesh_of("us/west").as_deref(), Some("cilium"));
    assert!(
        value(
            &samples,
            "meshsurface_scan_duration_seconds",
            &[("cluster", "eu")]
        )
        .is_some_and(|d| d >= 0.0),
        "a live scan says how long it took"
    );
    if let Some(Err(e)) = promtool(&text) {
        panic!("promtool check metrics failed:\n{e}\n{text}");
    }

    // Pushed: one PUT per cluster, each under its own grouping key.
    let (url, server) = gateway("200 OK", 2);
    let o = run(
        &[
            "scan",
            "--kubeconfig",
            &kc,
            "--context",
            "eu",
            "--context",
            "us/west",
            "--push",
            &url,
            "-q",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let got = server.join().unwrap();
    assert!(
        got[0]
            .0
            .starts_with("PUT /metrics/job/meshsurface/cluster/eu HTTP/1.1"),
        "the context names the cluster: {}",
        got[0].0
    );
    assert!(got[0].1.contains("mesh=\"linkerd\""));
    assert!(
        got[1]
            .0
            .starts_with("PUT /metrics/job/meshsurface/cluster@base64/dXMvd2VzdA HTTP/1.1"),
        "{}",
        got[1].0
    );
    assert!(got[1].1.contains("mesh=\"cilium\""));
}

/// An incomplete scan is not pushed (it would replace complete figures with lower ones):
/// no request is made (nothing listens: a push would fail with exit 1), exit 3.
#[test]
fn an_incomplete_scan_is_not_pushed() {
    let mut snap = scan_json(&["--from", "fixtures/clusters/linkerd"]);
    snap["complete"] = false.into();
    let dir = std::env::temp_dir().join(format!("meshsurface-partial-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("partial.json");
    std::fs::write(&file, serde_json::to_string(&snap).unwrap()).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let o = run(
        &[
            "scan",
            "--from",
            file.to_str().unwrap(),
            "--push",
            &url,
            "--cluster-name",
            "kind",
        ],
        None,
    );
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cluster kind: the scan is incomplete, not pushed"),
        "{}",
        stderr(&o)
    );
}
