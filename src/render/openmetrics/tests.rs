use super::*;
use crate::surface::{Mesh, Proxy, Source, Totals};

fn weird_snapshot() -> Snapshot {
    let mut s = Snapshot::empty(Source::projected());
    s.meshes.push(Mesh {
        name: "istio".into(),
        mode: "sidecar".into(),
        version: Some("1.2\"3\\4\nx".into()),
        versions: Vec::new(),
        namespace: Some("ns\"q\\b\nn".into()),
        meshed_pods: 3,
        totals: Totals::default(),
        usage: None,
        cost: None,
    });
    s
}

#[test]
fn label_values_are_escaped() {
    let text = of_snapshots(&[(None, &weird_snapshot())]).openmetrics();
    assert!(
        text.contains(
            r#"meshsurface_mesh_info{mesh="istio",mode="sidecar",version="1.2\"3\\4\nx",namespace="ns\"q\\b\nn"} 1"#
        ),
        "{text}"
    );
    // Every line is one line: the newline in the values is escaped.
    assert!(text
        .lines()
        .all(|l| l.starts_with('#') || l.starts_with("meshsurface_")));
}

#[test]
fn openmetrics_has_units_and_eof_and_text_format_has_neither() {
    let mut s = weird_snapshot();
    s.source.duration_seconds = Some(1.5);
    let mut p = Proxy::empty("istio", "envoy", crate::surface::Placement::Sidecar, None);
    p.instances = 2;
    p.cpu_request_millicores = 250;
    s.proxies.push(p);
    let e = of_snapshots(&[(Some("prod"), &s)]);
    let om = e.openmetrics();
    assert!(om.ends_with("# EOF\n"), "{om}");
    assert!(om.contains("# UNIT meshsurface_proxy_cpu_request_cores cores\n"));
    assert!(om.contains(
        "meshsurface_proxy_cpu_request_cores{cluster=\"prod\",mesh=\"istio\",implementation=\"envoy\",placement=\"sidecar\",version=\"\"} 0.25\n"
    ));
    assert!(om.contains("meshsurface_scan_duration_seconds{cluster=\"prod\"} 1.5\n"));
    // No timestamp could be parsed from a projection's empty takenAt: no series.
    assert!(!om.contains("meshsurface_scan_timestamp_seconds"));
    let text = e.prometheus_text();
    assert!(
        !text.contains("# UNIT") && !text.contains("# EOF"),
        "{text}"
    );
    assert!(text.contains("# TYPE meshsurface_proxy_cpu_request_cores gauge\n"));
}

#[test]
fn counters_are_total_in_both_formats() {
    let mut e = Exposition::default();
    e.counter("meshsurface_scan_errors", "Scans that failed.")
        .add(Vec::new(), 3.0);
    let om = e.openmetrics();
    assert!(
        om.contains("# TYPE meshsurface_scan_errors counter\n"),
        "{om}"
    );
    assert!(om.contains("\nmeshsurface_scan_errors_total 3\n"), "{om}");
    let text = e.prometheus_text();
    assert!(
        text.contains("# TYPE meshsurface_scan_errors_total counter\n"),
        "{text}"
    );
    assert!(
        text.contains("\nmeshsurface_scan_errors_total 3\n"),
        "{text}"
    );
}

#[test]
fn a_series_set_twice_is_one_series() {
    let mut e = Exposition::default();
    let g = e.gauge("meshsurface_x", "X.", None);
    g.add(vec![("a", "1".into())], 1.0);
    g.add(vec![("a", "1".into())], 2.0);
    assert_eq!(e.families()[0].samples().count(), 1);
    assert!(e.openmetrics().contains("meshsurface_x{a=\"1\"} 3\n"));
}

#[test]
fn help_and_values() {
    assert_eq!(escape("a\\b\n\"c\"", true), "a\\\\b\\n\\\"c\\\"");
    assert_eq!(escape("a\\b\n\"c\"", false), "a\\\\b\\n\"c\"");
    assert_eq!(number(2.0), "2");
    assert_eq!(number(0.1), "0.1");
    assert_eq!(number(f64::NAN), "NaN");
    assert_eq!(number(f64::NEG_INFINITY), "-Inf");
    assert_eq!(
        surface::unix_seconds("2026-11-23T12:00:00Z"),
        Some(1_795_435_200)
    );
    assert_eq!(surface::unix_seconds(""), None);
}

#[test]
fn certificate_expiry_is_a_timestamp_per_certificate_and_the_sooner_of_twins() {
    use crate::surface::CertificateEntry;
    let cert = |subject: &str, not_after: &str| CertificateEntry {
        mesh: "linkerd".into(),
        object: "ConfigMap/linkerd/linkerd-identity-trust-roots".into(),
        key: "ca-bundle.crt".into(),
        subject: subject.into(),
        not_after: not_after.into(),
        days_left: Some(1),
    };
    let mut s = weird_snapshot();
    s.certificates = vec![
        cert("CN=root.linkerd.cluster.local", "2026-12-13T00:00:00Z"),
        // The same root re-issued under the same name: the sooner expiry is kept.
        cert("CN=root.linkerd.cluster.local", "2026-12-01T00:00:00Z"),
        cert("CN=new \"root\"", "2027-01-01T00:00:01Z"),
        cert("CN=unreadable date", "soon"),
    ];
    let om = of_snapshots(&[(None, &s)]).openmetrics();
    let series: Vec<&str> = om
        .lines()
        .filter(|l| l.starts_with("meshsurface_certificate_expiry_timestamp_seconds{"))
        .collect();
    assert_eq!(
        series,
        [
            r#"meshsurface_certificate_expiry_timestamp_seconds{mesh="linkerd",object="ConfigMap/linkerd/linkerd-identity-trust-roots",key="ca-bundle.crt",subject="CN=new \"root\""} 1798761601"#,
            r#"meshsurface_certificate_expiry_timestamp_seconds{mesh="linkerd",object="ConfigMap/linkerd/linkerd-identity-trust-roots",key="ca-bundle.crt",subject="CN=root.linkerd.cluster.local"} 1796083200"#,
        ],
        "{om}"
    );
    assert!(om.contains("# UNIT meshsurface_certificate_expiry_timestamp_seconds seconds\n"));
}
