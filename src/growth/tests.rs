//! Unit tests of the projection engine on synthetic scales (the honesty tests against
//! fixture pairs are in `tests/cli/growth.rs`).

use super::*;

fn growth(catalog: &Catalog) -> Growth<'_> {
    static PROFILES: std::sync::LazyLock<Vec<profiles::Profile>> =
        std::sync::LazyLock::new(|| profiles::load(&Catalog::load().unwrap()).unwrap());
    Growth::new(catalog, &PROFILES)
}

const SCALE: ProjectionScale = ProjectionScale {
    nodes: 40,
    namespaces: 120,
    pods: 3000,
    service_accounts: 300,
};

#[test]
fn ambient_l7_adds_a_waypoint_per_namespace_sidecar_adds_nothing() {
    let c = Catalog::load().unwrap();
    let g = growth(&c);
    let plan = g
        .compare(
            &["istio-sidecar".into(), "istio-ambient".into()],
            &["l7-policy".into()],
            &SCALE,
            NamespaceShare::All,
            None,
        )
        .unwrap();
    let sidecar = &plan.columns[0].steps;
    let ambient = &plan.columns[1].steps;
    // Sidecar baseline: istiod and a sidecar per pod.
    assert_eq!(sidecar[0].totals.components, 1);
    assert_eq!(sidecar[0].totals.proxy_instances, 3000);
    assert_eq!(sidecar[1].delta.components, 0);
    assert_eq!(sidecar[1].changes, ChangeKind::Configuration);
    // Ambient baseline: istiod, istio-cni and ztunnel per node; no sidecars.
    assert_eq!(ambient[0].totals.component_instances, 1 + 40 + 40);
    assert_eq!(ambient[0].totals.proxy_instances, 40);
    assert_eq!(
        ambient[1].delta.components, 120,
        "one waypoint per namespace"
    );
    assert_eq!(ambient[1].delta.proxy_types, 1);
    assert_eq!(ambient[1].changes, ChangeKind::Topology);
    assert_eq!(ambient[1].scales_with, ["namespace"]);
    assert_eq!(ambient[1].delta.cpu_request_millicores, 120 * 100);
}

#[test]
fn namespace_share_limits_waypoints() {
    let c = Catalog::load().unwrap();
    let g = growth(&c);
    for (share, expect) in [
        (NamespaceShare::Count(10), 10),
        (NamespaceShare::Fraction(0.25), 30),
    ] {
        let plan = g
            .compare(
                &["istio-ambient".into()],
                &["l7-policy".into()],
                &SCALE,
                share,
                None,
            )
            .unwrap();
        assert_eq!(plan.columns[0].steps[1].delta.components, expect);
    }
    assert_eq!(
        NamespaceShare::parse("0.5"),
        Ok(NamespaceShare::Fraction(0.5))
    );
    assert_eq!(NamespaceShare::parse("7"), Ok(NamespaceShare::Count(7)));
    assert!(NamespaceShare::parse("1.5").is_err());
}

#[test]
fn repeated_features_add_nothing_twice() {
    let c = Catalog::load().unwrap();
    let g = growth(&c);
    let plan = g
        .compare(
            &["istio-ambient".into()],
            &["l7-policy".into(), "l7-routing".into()],
            &SCALE,
            NamespaceShare::All,
            None,
        )
        .unwrap();
    assert_eq!(plan.columns[0].steps[2].delta, TotalsDelta::default());
}

#[test]
fn unknown_and_unoffered_features() {
    let c = Catalog::load().unwrap();
    let g = growth(&c);
    let e = g
        .compare(
            &["cilium".into()],
            &["teleport".into()],
            &SCALE,
            NamespaceShare::All,
            None,
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("known features are mtls, l7-policy"),
        "{e}"
    );
    let plan = g
        .compare(
            &["cilium".into()],
            &["tracing".into()],
            &SCALE,
            NamespaceShare::All,
            None,
        )
        .unwrap();
    assert_eq!(plan.columns[0].not_offered, ["tracing"]);
    let p = g.profile("cilium").unwrap();
    let e = g.features(p, &["tracing".into()]).unwrap_err();
    assert!(
        e.to_string()
            .contains("for cilium: known features are mtls, mutual-auth"),
        "{e}"
    );
}

#[test]
fn sweep_grows_with_the_axis() {
    let c = Catalog::load().unwrap();
    let g = growth(&c);
    let p = g.profile("istio-ambient").unwrap();
    let f = g.features(p, &["l7-policy".into()]).unwrap();
    let points = g.sweep(
        p,
        &f,
        &SCALE,
        Axis::Namespaces,
        &[10, 100, 1000],
        NamespaceShare::All,
    );
    let comps: Vec<u64> = points.iter().map(|p| p.totals.components).collect();
    assert_eq!(comps, [3 + 10, 3 + 100, 3 + 1000]);
}
