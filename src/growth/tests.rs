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

/// A kind the cluster already has objects of is not new to learn; a kind is learnt once;
/// object counts are never projected (issue 16 item 7).
#[test]
fn kinds_in_use_today_are_not_new_and_counts_are_not_invented() {
    let c = Catalog::load().unwrap();
    let g = growth(&c);
    let profile = g.profile("istio-sidecar").unwrap();
    let mut today = g.baseline(profile, &SCALE);
    today.config.push(crate::surface::ConfigEntry {
        mesh: "istio".into(),
        group: "security.istio.io".into(),
        kind: "AuthorizationPolicy".into(),
        resource: "authorizationpolicies".into(),
        objects: Some(3),
        namespaces: 1,
        by_namespace: std::collections::BTreeMap::new(),
        fragile: false,
        installed: true,
    });
    today.recount();
    let feats = g
        .features(
            profile,
            &[
                "mtls".into(),
                "l7-policy".into(),
                "mutual-auth".into(),
                "ingress".into(),
            ],
        )
        .unwrap();
    let steps = g.steps(today, profile, &feats, &SCALE, NamespaceShare::All, false);
    let kinds =
        |i: usize| -> Vec<&str> { steps[i].learn.iter().map(|k| k.kind.as_str()).collect() };
    assert!(kinds(0).is_empty(), "today has nothing to learn");
    assert_eq!(kinds(1), ["PeerAuthentication"]);
    assert!(kinds(2).is_empty(), "AuthorizationPolicy is in use today");
    assert!(kinds(3).is_empty(), "PeerAuthentication was learnt at mtls");
    assert_eq!(kinds(4), ["Gateway", "VirtualService"]);
    for s in &steps {
        assert_eq!(s.totals.config_objects, Some(3), "{:?}", s.feature);
        assert_eq!(s.delta.config_objects, 0);
    }
}

/// Without a counted configuration every kind a step names is new; a kind of the mesh's
/// fragile list is marked fragile.
#[test]
fn learn_marks_fragile_kinds_and_knows_nothing_uncounted() {
    let c = Catalog::load().unwrap();
    let g = growth(&c);
    let profile: profiles::Profile = serde_saphyr::from_str(
        "{profile: p, order: 9, mesh: istio, mode: sidecar, capture: sidecar, \
         baseline: {sidecar: {implementation: envoy}}, features: [{feature: l7-routing, learn: [\
         {group: networking.istio.io, kind: EnvoyFilter, source: s}, \
         {group: networking.istio.io, kind: VirtualService, source: s}]}]}",
    )
    .unwrap();
    let today = g.baseline(&profile, &SCALE);
    assert_eq!(today.totals.config_objects, None);
    let steps = g.steps(
        today,
        &profile,
        &[&profile.features[0]],
        &SCALE,
        NamespaceShare::All,
        true,
    );
    let learn: Vec<(&str, bool)> = steps[1]
        .learn
        .iter()
        .map(|k| (k.kind.as_str(), k.fragile))
        .collect();
    assert_eq!(learn, [("EnvoyFilter", true), ("VirtualService", false)]);
    assert_eq!(steps[1].totals.config_objects, None, "never invented");
}

/// `compare` lists each mesh's kinds per step, once each (ambient's l7-routing reuses the
/// waypoint Gateway l7-policy already asked for).
#[test]
fn compare_lists_new_kinds_per_step() {
    let c = Catalog::load().unwrap();
    let g = growth(&c);
    let plan = g
        .compare(
            &["istio-ambient".into(), "linkerd".into()],
            &["l7-policy".into(), "l7-routing".into()],
            &SCALE,
            NamespaceShare::All,
            None,
        )
        .unwrap();
    let kinds = |col: usize, step: usize| -> Vec<String> {
        plan.columns[col].steps[step]
            .learn
            .iter()
            .map(|k| format!("{}/{}", k.group, k.kind))
            .collect()
    };
    assert!(kinds(0, 0).is_empty());
    assert_eq!(
        kinds(0, 1),
        [
            "gateway.networking.k8s.io/Gateway",
            "security.istio.io/AuthorizationPolicy"
        ]
    );
    assert_eq!(kinds(0, 2), ["gateway.networking.k8s.io/HTTPRoute"]);
    assert_eq!(kinds(1, 1).len(), 4);
    assert!(
        kinds(1, 2).is_empty(),
        "Linkerd's HTTPRoute came with l7-policy"
    );
}
