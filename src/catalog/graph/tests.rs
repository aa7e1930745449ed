//! Graph and runbook rules: endpoints parse, rules that name unknown things fail, the shipped catalog's runbooks are complete and acyclic.

use super::*;
use crate::catalog::Catalog;

fn endpoint(s: &str) -> Result<Endpoint, String> {
    Endpoint::try_from(s.to_owned())
}

#[test]
fn endpoints_parse() {
    assert_eq!(endpoint("istiod"), Ok(Endpoint::Component("istiod".into())));
    assert_eq!(
        endpoint("component:istiod"),
        Ok(Endpoint::Component("istiod".into()))
    );
    assert_eq!(
        endpoint("proxy:envoy/sidecar"),
        Ok(Endpoint::Proxy {
            implementation: "envoy".into(),
            placement: Some(Placement::Sidecar)
        })
    );
    assert_eq!(endpoint("crds:x.io"), Ok(Endpoint::Crds("x.io".into())));
    assert_eq!(endpoint("namespaces"), Ok(Endpoint::Namespaces(None)));
    assert_eq!(
        endpoint("namespaces:ambient"),
        Ok(Endpoint::Namespaces(Some(Capture::Ambient)))
    );
    assert_eq!(endpoint("bound-waypoints"), Ok(Endpoint::BoundWaypoints));
    assert!(endpoint("pods:x").is_err());
    assert!(endpoint("proxy:").is_err());
    assert!(endpoint("proxy:envoy/").is_err());
}

/// A small mesh whose rules the tests below break one at a time.
fn mesh(extra: &str) -> Result<(), String> {
    let text = format!(
        r"
mesh: m
order: 1
crdGroups: [m.io]
modes: {{default: sidecar}}
sidecars:
  - {{container: p, image: p, implementation: px}}
components:
  - id: ctl
    role: control-plane
    scalesWith: cluster
    feature: mtls
    match: [{{kinds: [Deployment], images: [ctl]}}]
  - id: gw
    role: gateway
    scalesWith: cluster
    feature: ingress
    match: [{{kinds: [Deployment], images: [gw]}}]
    proxy: {{implementation: px, image: gw, placement: gateway}}
{extra}"
    );
    let entry: MeshEntry = serde_saphyr::from_str(&text).map_err(|e| e.to_string())?;
    entry.validate_graph()
}

const GOOD_UPGRADE: &str = r"
upgrade:
  - {id: crds, kind: crds, title: CRDs, crdGroups: [m.io]}
  - {id: cp, kind: control-plane, title: CP, components: [ctl], after: [crds]}
  - {id: gw, kind: gateways-and-waypoints, title: GW, components: [gw], after: [cp]}
  - {id: restart, kind: workload-restarts, title: R, restart: sidecar, after: [gw]}
";

#[test]
fn a_good_mesh_validates() {
    let edges = "edges:\n  - {from: ctl, to: 'proxy:px', type: configures, reason: xds}\n  - {from: 'namespaces:sidecar', to: 'proxy:px/sidecar', type: routes-through, reason: r}\n  - {from: ctl, to: 'crds:sub.m.io', type: reconciles, reason: r, config: pushed}\n";
    assert_eq!(mesh(&format!("{edges}{GOOD_UPGRADE}")), Ok(()));
}

#[test]
fn edge_rules_must_name_known_things() {
    for (edge, problem) in [
        (
            "{from: nope, to: 'proxy:px', type: configures, reason: r}",
            "unknown component nope",
        ),
        (
            "{from: ctl, to: 'proxy:envoy', type: configures, reason: r}",
            "unknown proxy envoy",
        ),
        (
            "{from: ctl, to: 'proxy:px/node', type: configures, reason: r}",
            "unknown proxy px/node",
        ),
        (
            "{from: ctl, to: 'crds:other.io', type: reconciles, reason: r}",
            "API group other.io",
        ),
        (
            "{from: ctl, to: 'namespaces:ambient', type: injects, reason: r}",
            "unknown capture mode ambient",
        ),
        (
            "{from: ctl, to: 'proxy:px', type: configures, reason: ' '}",
            "no reason",
        ),
        (
            "{from: ctl, to: gw, type: runs, reason: r}",
            "derived from the snapshot",
        ),
        (
            "{from: 'proxy:px', to: ctl, type: depends-on, reason: r}",
            "cannot start at",
        ),
        (
            "{from: ctl, to: bound-waypoints, type: routes-through, reason: r}",
            "needs namespaces",
        ),
        (
            "{from: ctl, to: 'proxy:px', type: configures, reason: r, config: pushed}",
            "config is only for reconciles edges",
        ),
        (
            "{from: ctl, to: gw, type: reconciles, reason: r, config: applied}",
            "config is only for reconciles edges",
        ),
    ] {
        let got = mesh(&format!("edges:\n  - {edge}\n{GOOD_UPGRADE}"));
        assert!(
            got.as_ref().is_err_and(|e| e.contains(problem)),
            "{edge}: expected {problem:?}, got {got:?}"
        );
    }
}

#[test]
fn unknown_edge_fields_and_types_are_rejected() {
    assert!(
        mesh("edges:\n  - {from: ctl, to: gw, type: configures, reason: r, note: x}\n").is_err()
    );
    assert!(mesh("edges:\n  - {from: ctl, to: gw, type: pushes, reason: r}\n").is_err());
    assert!(mesh(
        "edges:\n  - {from: ctl, to: 'crds:m.io', type: reconciles, reason: r, config: sent}\n"
    )
    .is_err());
}

#[test]
fn upgrade_rules_must_be_complete_and_acyclic() {
    for (upgrade, problem) in [
            (
                "  - {id: a, kind: crds, title: A, crdGroups: [m.io], after: [b]}\n  - {id: b, kind: control-plane, title: B, components: [ctl, gw], after: [a]}\n",
                "cycle",
            ),
            ("  - {id: a, kind: control-plane, title: A, components: [ctl, gw], after: [zz]}\n", "unknown step zz"),
            ("  - {id: a, kind: control-plane, title: A, components: [ctl]}\n", "component gw is in no upgrade step"),
            ("  - {id: a, kind: control-plane, title: A, components: [ctl, gw, nope]}\n", "unknown component nope"),
            ("  - {id: a, kind: control-plane, title: A, components: [ctl, gw]}\n  - {id: b, kind: add-ons, title: B, components: [gw]}\n", "already in an earlier step"),
            ("  - {id: a, kind: control-plane, title: A, components: [ctl, gw]}\n  - {id: b, kind: workload-restarts, title: B, restart: ambient}\n", "unknown capture mode"),
            ("  - {id: a, kind: control-plane, title: A, components: [ctl, gw]}\n  - {id: b, kind: add-ons, title: B}\n", "no targets"),
            ("  - {id: a, kind: control-plane, title: A, components: [ctl, gw]}\n  - {id: a, kind: add-ons, title: B, crdGroups: [m.io]}\n", "listed twice"),
        ] {
            let got = mesh(&format!("upgrade:\n{upgrade}"));
            assert!(
                got.as_ref().is_err_and(|e| e.contains(problem)),
                "expected {problem:?}, got {got:?}"
            );
        }
}

#[test]
fn order_prefers_earlier_kinds_among_ready_steps() {
    let text = r"
mesh: m
order: 1
modes: {default: node}
components:
  - {id: a, role: control-plane, scalesWith: cluster, feature: f, match: [{kinds: [Deployment]}]}
  - {id: b, role: node-agent, scalesWith: node, feature: f, match: [{kinds: [DaemonSet]}]}
  - {id: c, role: gateway, scalesWith: cluster, feature: f, match: [{kinds: [StatefulSet]}]}
upgrade:
  - {id: gw, kind: gateways-and-waypoints, title: G, components: [c], after: [cp]}
  - {id: agents, kind: node-agents, title: N, components: [b], after: [cp]}
  - {id: cp, kind: control-plane, title: C, components: [a]}
";
    let entry: MeshEntry = serde_saphyr::from_str(text).unwrap();
    let ids: Vec<&str> = entry
        .upgrade_order()
        .unwrap()
        .into_iter()
        .map(|i| entry.upgrade[i].id.as_str())
        .collect();
    assert_eq!(ids, ["cp", "agents", "gw"]);
}

#[test]
fn shipped_relations_are_acyclic_and_cover_every_component() {
    let c = Catalog::load().unwrap();
    for m in &c.meshes {
        assert!(
            !petgraph::algo::is_cyclic_directed(&m.upgrade_relation()),
            "{}",
            m.mesh
        );
        let order = m.upgrade_order().unwrap();
        assert_eq!(order.len(), m.upgrade.len(), "{}", m.mesh);
        let placed: BTreeSet<&str> = m
            .upgrade
            .iter()
            .flat_map(|u| u.components.iter().map(String::as_str))
            .collect();
        for comp in &m.components {
            assert!(
                placed.contains(comp.id.as_str()),
                "{}: {} has no step",
                m.mesh,
                comp.id
            );
        }
    }
}

#[test]
fn every_shipped_proxy_is_configured_by_a_rule() {
    let c = Catalog::load().unwrap();
    for m in &c.meshes {
        for (implementation, _) in m.proxy_placements() {
            let configured = m.edges.iter().any(|e| {
                    e.r#type == EdgeType::Configures
                        && matches!(&e.to, Endpoint::Proxy { implementation: i, .. } if i == implementation)
                        && matches!(&e.from, Endpoint::Component(id)
                            if m.component(id).is_some_and(|r| matches!(r.role, crate::surface::Role::ControlPlane | crate::surface::Role::NodeAgent)))
                });
            assert!(
                configured,
                "{}: nothing configures {implementation}",
                m.mesh
            );
        }
    }
}
