use super::*;
use crate::surface::{Mesh, Placement, Source, Totals};

fn price() -> Price {
    Price {
        currency: "USD".into(),
        cpu_per_hour: 0.031,
        memory_gib_per_hour: 0.0042,
        origin: "--price".into(),
    }
}

/// One mesh: a 1-core/1GiB control plane plus `n` sidecars of 100m/128Mi.
fn snapshot(mesh: &str, implementation: &str, n: u64) -> Snapshot {
    let mut s = Snapshot::empty(Source::projected());
    let mut p = Proxy::empty(mesh, implementation, Placement::Sidecar, None);
    p.add(
        n,
        crate::surface::Resources {
            cpu_request_millicores: 100,
            memory_request_bytes: 128 << 20,
            ..Default::default()
        },
    );
    let t = Totals {
        cpu_request_millicores: 1000 + p.cpu_request_millicores,
        memory_request_bytes: (1 << 30) + p.memory_request_bytes,
        ..Totals::default()
    };
    s.proxies.push(p);
    s.meshes.push(Mesh {
        name: mesh.into(),
        mode: "sidecar".into(),
        version: None,
        versions: Vec::new(),
        namespace: None,
        meshed_pods: n,
        totals: t,
        usage: None,
        cost: None,
    });
    s.totals = t;
    s.scale.meshed_pods = n;
    s
}

#[test]
fn requests_bill_is_cores_and_gib_at_the_price() {
    let mut s = snapshot("istio", "envoy", 8);
    apply(&mut s, &price(), &Typical::load().unwrap());
    let c = s.meshes[0].cost.as_ref().unwrap();
    // 1.8 cores × 0.031 + 2 GiB × 0.0042 = 0.0558 + 0.0084 = 0.0642/h; × 730 = 46.866.
    assert!((c.requests.hourly - 0.0642).abs() < 1e-9, "{c:?}");
    assert!((c.requests.monthly - 46.87).abs() < 1e-9);
    assert_eq!(c.requests.per_meshed_pod_monthly, Some(5.86));
    assert_eq!(s.cost.as_ref().unwrap().requests, c.requests);
    assert!(c.usage.is_none(), "nothing measured: no usage bill");
}

#[test]
fn typical_replaces_proxy_requests_with_the_published_figure() {
    let mut s = snapshot("istio", "envoy", 8);
    apply(&mut s, &price(), &Typical::load().unwrap());
    let t = s.meshes[0].cost.as_ref().unwrap().typical.clone().unwrap();
    // Control plane 1 core + 1 GiB; 8 Envoy sidecars × 0.20 core and 60 MB each at 1000
    // rps (Istio 1.24's figure).
    let hourly = (1.0 + 8.0 * 0.20) * 0.031 + (1.0 + 8.0 * 60e6 / GIB) * 0.0042;
    assert!((t.hourly - round(hourly, 6)).abs() < 1e-12, "{t:?}");
    assert_eq!(t.sources.len(), 1);
    assert!(t.sources[0].source.starts_with("https://"));
}

#[test]
fn typical_is_null_with_its_reason_for_a_proxy_without_a_published_figure() {
    let mut s = snapshot("linkerd", "linkerd2-proxy", 3);
    apply(&mut s, &price(), &Typical::load().unwrap());
    let c = s.meshes[0].cost.as_ref().unwrap();
    assert!(c.typical.is_none());
    assert!(c
        .typical_missing
        .as_deref()
        .unwrap()
        .contains("linkerd linkerd2-proxy"));
    let total = s.cost.as_ref().unwrap();
    assert!(total.typical.is_none() && total.typical_missing.is_some());
}

/// The mesh's own measure (a live scan of this version) is billed, not the proxies'.
#[test]
fn usage_bills_the_meshs_measure_and_reads_zero_coverage_as_no_bill() {
    let mut s = snapshot("istio", "envoy", 4);
    s.proxies[0].cpu_usage_millicores = Some(30);
    s.proxies[0].usage_pods = 3;
    s.meshes[0].usage = Some(crate::surface::MeasuredUsage {
        cpu_usage_millicores: 1000,
        memory_usage_bytes: 1 << 30,
        pods: 5,
        of: 5,
    });
    apply(&mut s, &price(), &Typical::load().unwrap());
    let u = s.meshes[0].cost.as_ref().unwrap().usage.clone().unwrap();
    assert!((u.hourly - (0.031 + 0.0042)).abs() < 1e-12, "{u:?}");
    assert_eq!((u.pods, u.instances), (5, 5));
    assert_eq!(u.per_meshed_pod_monthly, Some(6.42), "25.7 / 4 meshed pods");
    assert_eq!(s.cost.as_ref().unwrap().usage, Some(u));
    // Metrics read, no pod of the bill measured: no usage bill (never a 0).
    s.meshes[0].usage = Some(crate::surface::MeasuredUsage {
        of: 5,
        ..Default::default()
    });
    apply(&mut s, &price(), &Typical::load().unwrap());
    assert!(s.meshes[0].cost.as_ref().unwrap().usage.is_none());
}

/// A snapshot saved before meshes carried `usage`: billed on its proxies' usage.
#[test]
fn usage_bills_the_measured_proxies_and_says_its_coverage() {
    let mut s = snapshot("istio", "envoy", 4);
    s.proxies[0].cpu_usage_millicores = Some(30);
    s.proxies[0].memory_usage_bytes = Some(3 * (64 << 20));
    s.proxies[0].usage_pods = 3;
    apply(&mut s, &price(), &Typical::load().unwrap());
    let u = s.meshes[0].cost.as_ref().unwrap().usage.clone().unwrap();
    let hourly = 0.03 * 0.031 + 0.1875 * 0.0042;
    assert!((u.hourly - round(hourly, 6)).abs() < 1e-12, "{u:?}");
    assert_eq!((u.pods, u.instances), (3, 4));
    assert_eq!(
        u.per_meshed_pod_monthly, None,
        "3 of 4 measured: no per-pod figure"
    );
}
