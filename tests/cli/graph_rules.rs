//! The graph of every bundled fixture against what docs/sources.md says about each mesh, and the
//! analyses on hand-checked cases: the library's graph over fixtures loaded by its pipeline
//! (here, outside the crate, so that `graph` need not import the `pipeline` that imports it).

use std::collections::BTreeSet;

use petgraph::visit::EdgeRef;
use petgraph::Direction;

use meshsurface::catalog::{Catalog, EdgeType};
use meshsurface::graph::*;
use meshsurface::pipeline::{self, Files, Knowledge, Scope};
use meshsurface::surface::*;

fn fixtures() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clusters");
    let mut v: Vec<String> = std::fs::read_dir(&root)
        .expect("fixtures/clusters exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.path().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A fixture scanned through the pipeline, as `scan --from PATH` scans it.
fn load(path: &str) -> Snapshot {
    let files = Files {
        paths: &[path.to_owned()],
        stdin: &mut std::io::empty(),
        limits: meshsurface::source::Limits::default(),
    };
    let k = Knowledge::load().expect("built-in knowledge");
    pipeline::offline(files, &Scope::default(), &k).expect("fixture scans")
}

fn fixture(case: &str) -> Snapshot {
    load(&format!(
        "{}/fixtures/clusters/{case}",
        env!("CARGO_MANIFEST_DIR")
    ))
}

fn catalog() -> Catalog {
    Catalog::load().expect("catalog")
}

/// `(from id, type, to id)` of every edge.
fn edges(g: &Graph) -> BTreeSet<(String, &'static str, String)> {
    g.graph
        .edge_references()
        .map(|e| {
            (
                g.graph[e.source()].id.clone(),
                e.weight().r#type.as_str(),
                g.graph[e.target()].id.clone(),
            )
        })
        .collect()
}

fn has(g: &Graph, from: &str, t: &str, to: &str) -> bool {
    edges(g).contains(&(from.to_owned(), t, to.to_owned()))
}

#[test]
fn every_fixture_upgrade_relation_is_acyclic_and_respected() {
    let c = catalog();
    for path in fixtures() {
        let snap = load(&path);
        for mesh in &snap.meshes {
            let entry = c.mesh(&mesh.name).unwrap();
            let rel = entry.upgrade_relation();
            assert!(petgraph::algo::toposort(&rel, None).is_ok(), "{path}");
            // Every step that must come before another (transitively) does, when both run.
            let titles: Vec<&str> = snap
                .upgrade_steps
                .iter()
                .filter(|s| s.mesh == mesh.name)
                .map(|s| s.title.as_str())
                .collect();
            for (later, rule) in entry.upgrade.iter().enumerate() {
                let Some(pos) = titles.iter().position(|t| *t == rule.title) else {
                    continue;
                };
                let start = rel.node_indices().find(|&n| rel[n] == later).unwrap();
                let mut dfs = petgraph::visit::Dfs::new(petgraph::visit::Reversed(&rel), start);
                while let Some(n) = dfs.next(petgraph::visit::Reversed(&rel)) {
                    let before = &entry.upgrade[rel[n]].title;
                    if let Some(p) = titles.iter().position(|t| t == before) {
                        assert!(
                            p <= pos,
                            "{path}: {before:?} must come before {:?}",
                            rule.title
                        );
                    }
                }
            }
        }
        let numbers: Vec<u64> = snap.upgrade_steps.iter().map(|s| s.step).collect();
        assert_eq!(
            numbers,
            (1..=numbers.len() as u64).collect::<Vec<_>>(),
            "{path}"
        );
    }
}

fn has_hazard(snap: &Snapshot, code: HazardCode, mesh: &str) -> bool {
    snap.hazards
        .iter()
        .any(|h| h.code == code && h.mesh == mesh)
}

#[test]
fn every_fixture_proxy_is_configured_by_its_mesh() {
    let c = catalog();
    for path in fixtures() {
        let snap = load(&path);
        let g = build(&snap, &c);
        for (i, n) in g.nodes() {
            let NodeKind::Proxy { implementation, .. } = &n.kind else {
                continue;
            };
            let configurers: Vec<&str> = g
                .graph
                .edges_directed(i, Direction::Incoming)
                .filter(|e| e.weight().r#type == EdgeType::Configures)
                .filter_map(|e| {
                    let from = &g.graph[e.source()];
                    match &from.kind {
                        NodeKind::Component {
                            component,
                            role: Role::ControlPlane | Role::NodeAgent,
                            ..
                        } if from.mesh == n.mesh => Some(component.as_str()),
                        _ => None,
                    }
                })
                .collect();
            // docs/sources.md: istiod pushes xDS to every Istio proxy; linkerd-destination serves
            // linkerd2-proxy; the cilium agent configures cilium-envoy (and its ztunnel).
            let want = match (n.mesh.as_str(), implementation.as_str()) {
                ("istio", _) => "istiod",
                ("linkerd", _) => "linkerd-destination",
                ("cilium", _) => "cilium-agent",
                (m, _) => panic!("{path}: unexpected mesh {m}"),
            };
            // Proxies whose control plane is not in the input (the `control-plane-not-found`
            // hazard) are configured by nothing the graph holds.
            if has_hazard(&snap, HazardCode::ControlPlaneNotFound, &n.mesh) {
                assert!(configurers.is_empty(), "{path}: {}", n.id);
                continue;
            }
            assert_eq!(configurers, [want], "{path}: {}", n.id);
        }
    }
}

#[test]
fn every_fixture_webhook_leads_to_a_backend() {
    let c = catalog();
    for path in fixtures() {
        let snap = load(&path);
        let g = build(&snap, &c);
        for (i, n) in g.nodes() {
            let NodeKind::Webhook { backends, .. } = &n.kind else {
                continue;
            };
            let served: Vec<&Node> = g
                .graph
                .edges_directed(i, Direction::Outgoing)
                .filter(|e| e.weight().r#type == EdgeType::ServesWebhook)
                .map(|e| &g.graph[e.target()])
                .collect();
            // A webhook whose Service is missing (`orphaned-webhook`) leads nowhere.
            if has_hazard(&snap, HazardCode::OrphanedWebhook, &n.mesh) {
                continue;
            }
            assert!(!served.is_empty(), "{path}: {} has no backend", n.id);
            assert!(!backends.is_empty(), "{path}: {}", n.id);
            assert!(served
                .iter()
                .all(|b| matches!(b.kind, NodeKind::Component { .. }) && b.mesh == n.mesh));
        }
    }
}

#[test]
fn every_fixture_namespace_routes_through_a_proxy_and_crds_are_upgraded() {
    let c = catalog();
    for path in fixtures() {
        let snap = load(&path);
        let g = build(&snap, &c);
        for (i, n) in g.nodes() {
            match &n.kind {
                NodeKind::Namespace { capture, .. } if capture != "none" => {
                    let through = g
                        .graph
                        .edges_directed(i, Direction::Outgoing)
                        .any(|e| e.weight().r#type == EdgeType::RoutesThrough);
                    assert!(through, "{path}: {} routes through nothing", n.id);
                }
                NodeKind::CrdGroup { group, .. } => {
                    let upgraded = snap.upgrade_steps.iter().any(|s| s.targets.contains(group));
                    assert!(upgraded, "{path}: CRD group {group} is in no upgrade step");
                }
                _ => {}
            }
        }
    }
}

#[test]
fn ambient_with_waypoints_matches_the_architecture() {
    let g = build(&fixture("istio-ambient-waypoints"), &catalog());
    for (from, t, to) in [
        (
            "istio/component/istiod",
            "configures",
            "istio/proxy/ztunnel/node",
        ),
        (
            "istio/component/istiod",
            "configures",
            "istio/proxy/envoy/namespace",
        ),
        (
            "istio/component/istiod",
            "issues-identity",
            "istio/proxy/ztunnel/node",
        ),
        (
            "istio/component/ztunnel",
            "runs",
            "istio/proxy/ztunnel/node",
        ),
        (
            "istio/component/waypoint/orders",
            "runs",
            "istio/proxy/envoy/namespace",
        ),
        (
            "istio/namespace/orders",
            "routes-through",
            "istio/proxy/ztunnel/node",
        ),
        (
            "istio/namespace/orders",
            "routes-through",
            "istio/component/waypoint/orders",
        ),
        (
            "istio/namespace/storefront",
            "routes-through",
            "istio/component/waypoint/storefront",
        ),
        (
            "istio/component/istio-cni",
            "redirects-traffic",
            "istio/namespace/orders",
        ),
        (
            "istio/webhook/mutating/istio-sidecar-injector",
            "serves-webhook",
            "istio/component/istiod",
        ),
        (
            "istio/component/istiod",
            "reconciles",
            "shared/crds/gateway.networking.k8s.io",
        ),
    ] {
        assert!(has(&g, from, t, to), "missing {from} -{t}-> {to}");
    }
    // No sidecar namespace: the injector injects nowhere; orders is not bound to storefront's waypoint.
    assert!(!edges(&g).iter().any(|(_, t, _)| *t == "injects"));
    assert!(!has(
        &g,
        "istio/namespace/orders",
        "routes-through",
        "istio/component/waypoint/storefront"
    ));
    // Aggregated: 5 components, 2 proxy types, 2 webhooks, 5 CRD groups, 2 namespaces.
    assert_eq!(g.graph.node_count(), 16);
}

#[test]
fn linkerd_webhooks_reach_the_destination_through_its_services() {
    let g = build(&fixture("linkerd"), &catalog());
    for (hook, backend) in [
        (
            "mutating/linkerd-proxy-injector-webhook-config",
            "linkerd-proxy-injector",
        ),
        (
            "validating/linkerd-sp-validator-webhook-config",
            "linkerd-destination",
        ),
        (
            "validating/linkerd-policy-validator-webhook-config",
            "linkerd-destination",
        ),
        (
            "mutating/linkerd-tap-injector-webhook-config",
            "linkerd-viz-tap-injector",
        ),
    ] {
        assert!(
            has(
                &g,
                &format!("linkerd/webhook/{hook}"),
                "serves-webhook",
                &format!("linkerd/component/{backend}")
            ),
            "{hook}"
        );
    }
    assert!(has(
        &g,
        "linkerd/component/linkerd-identity",
        "issues-identity",
        "linkerd/proxy/linkerd2-proxy/sidecar"
    ));
    assert!(has(
        &g,
        "linkerd/webhook/mutating/linkerd-proxy-injector-webhook-config",
        "injects",
        "linkerd/namespace/emojivoto"
    ));
    assert!(has(
        &g,
        "linkerd/component/linkerd-viz-web",
        "depends-on",
        "linkerd/component/linkerd-viz-metrics-api"
    ));
}

#[test]
fn blast_radius_counts_what_depends_on_a_component() {
    let g = build(&fixture("istio-ambient-waypoints"), &catalog());
    let b = blast_radius(&g);
    let row = |id: &str| b.iter().find(|x| x.id == id).unwrap();
    let figures = |x: &BlastRadius| {
        (
            x.proxies,
            x.namespaces,
            x.workloads,
            x.meshed_pods,
            x.fail_closed_webhooks,
        )
    };
    // istiod: 3 waypoint Envoys + 3 ztunnels; both namespaces through ztunnel; 2 Fail webhooks.
    assert_eq!(figures(row("istio/component/istiod")), (6, 2, 4, 7, 2));
    assert_eq!(figures(row("istio/component/ztunnel")), (3, 2, 4, 7, 0));
    // A waypoint affects its own instances and the namespace bound to it, not its neighbour's.
    assert_eq!(
        figures(row("istio/component/waypoint/orders")),
        (1, 1, 2, 3, 0)
    );
    assert_eq!(
        figures(row("istio/component/waypoint/storefront")),
        (2, 1, 2, 4, 0)
    );
    assert_eq!(figures(row("istio/component/istio-cni")), (0, 2, 4, 7, 0));
    assert_eq!(b[0].id, "istio/component/istiod");
}

#[test]
fn single_points_of_failure_name_one_replica_workloads_and_webhooks() {
    let g = build(&fixture("istio-revisions"), &catalog());
    let spofs = single_points_of_failure(&g, &blast_radius(&g));
    let names: Vec<String> = spofs
        .iter()
        .map(|s| match s {
            Spof::Component {
                workload,
                serves_webhooks,
                ..
            } => {
                format!("{workload} {}", serves_webhooks.join(","))
            }
            Spof::Webhook { name, backends, .. } => format!("{name} {}", backends.join(",")),
        })
        .collect();
    // istiod-1-26 runs 2 replicas; its webhooks are safe. The 1-25 revision is not.
    assert_eq!(
        names,
        [
            "istio-system/istiod-1-25 istio-sidecar-injector-1-25",
            "istio-sidecar-injector-1-25 istio-system/istiod-1-25"
        ]
    );

    // HA Linkerd: only viz runs one replica; web has no dependents.
    let g = build(&fixture("linkerd"), &catalog());
    let spofs = single_points_of_failure(&g, &blast_radius(&g));
    let workloads: Vec<&str> = spofs
        .iter()
        .filter_map(|s| match s {
            Spof::Component { workload, .. } => Some(workload.as_str()),
            Spof::Webhook { .. } => None,
        })
        .collect();
    assert_eq!(
        workloads,
        [
            "linkerd-viz/metrics-api",
            "linkerd-viz/prometheus",
            "linkerd-viz/tap-injector"
        ]
    );
}

#[test]
fn a_fail_closed_webhook_without_backend_is_a_single_point_of_failure() {
    let mut snap = fixture("istio-sidecar");
    snap.components.retain(|c| c.component != "istiod");
    let g = build(&snap, &catalog());
    let spofs = single_points_of_failure(&g, &blast_radius(&g));
    let orphans: Vec<&str> = spofs
        .iter()
        .filter_map(|s| match s {
            Spof::Webhook {
                name,
                backends,
                backend_replicas: 0,
                ..
            } if backends.is_empty() => Some(name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        orphans,
        ["istio-sidecar-injector", "istio-validator-istio-system"]
    );
}

#[test]
fn upgrade_totals_are_filled_per_mesh() {
    let snap = fixture("cilium-istio-ambient");
    let per_mesh: Vec<(&str, u64)> = snap
        .meshes
        .iter()
        .map(|m| (m.name.as_str(), m.totals.upgrade_steps))
        .collect();
    assert_eq!(per_mesh, [("cilium", 2), ("istio", 4)]);
    assert_eq!(snap.totals.upgrade_steps, 6);
    assert_eq!(upgrade_steps(&snap, &catalog()), snap.upgrade_steps);
}

#[test]
fn a_saved_snapshot_gives_the_same_graph() {
    let snap = fixture("linkerd");
    let text = serde_json::to_string(&snap).unwrap();
    let back: Snapshot = serde_json::from_str(&text).unwrap();
    let c = catalog();
    assert_eq!(edges(&build(&snap, &c)), edges(&build(&back, &c)));
}

#[test]
fn no_mesh_no_graph() {
    let g = build(&fixture("none"), &catalog());
    assert_eq!(g.graph.node_count(), 0);
    assert!(fixture("none").upgrade_steps.is_empty());
}

#[test]
fn fifty_thousand_pods_stay_one_node_per_namespace() {
    let mut snap = fixture("istio-sidecar");
    let template = snap.namespaces[0].clone();
    snap.namespaces = (0..500)
        .map(|i| NamespaceEntry {
            namespace: format!("team-{i:03}"),
            workloads: 10,
            meshed_pods: 100,
            proxies: 100,
            ..template.clone()
        })
        .collect();
    for p in snap
        .proxies
        .iter_mut()
        .filter(|p| p.placement == meshsurface::surface::Placement::Sidecar)
    {
        p.instances = 50_000;
    }
    let g = build(&snap, &catalog());
    // 2 components, 2 proxy types, 2 webhooks, 4 CRD groups, 500 namespaces: no pod nodes.
    assert_eq!(g.graph.node_count(), 2 + 2 + 2 + 4 + 500);
    let b = blast_radius(&g);
    let istiod = b.iter().find(|x| x.component == "istiod").unwrap();
    assert_eq!(
        (
            istiod.proxies,
            istiod.namespaces,
            istiod.workloads,
            istiod.meshed_pods
        ),
        (50_002, 500, 5000, 50_000)
    );
    let steps = upgrade_steps(&snap, &catalog());
    let restart = steps.last().unwrap();
    assert_eq!(
        (
            restart.kind.as_str(),
            restart.restarts,
            restart.targets.len()
        ),
        ("workload-restarts", 5000, 500)
    );
}

/// `(crds, configObjects)` of a CRD-group node.
fn group_figures(g: &Graph, id: &str) -> (u64, Option<u64>) {
    let n = g
        .nodes()
        .find(|(_, n)| n.id == id)
        .unwrap_or_else(|| panic!("no node {id}"))
        .1;
    match &n.kind {
        NodeKind::CrdGroup {
            crds,
            config_objects,
            ..
        } => (*crds, *config_objects),
        other => panic!("{id} is {other:?}"),
    }
}

#[test]
fn crd_group_nodes_carry_their_configuration_objects() {
    // EXPECTED.md: networking.istio.io 3+3+1+2 = 9, security.istio.io 2+4 = 6.
    let g = build(&fixture("istio-sidecar"), &catalog());
    assert_eq!(
        group_figures(&g, "istio/crds/networking.istio.io").1,
        Some(9)
    );
    assert_eq!(group_figures(&g, "istio/crds/security.istio.io").1, Some(6));
    assert_eq!(
        group_figures(&g, "istio/crds/telemetry.istio.io").1,
        Some(0)
    );
    // Shared groups too: 2 Gateways and 2 HTTPRoutes.
    let g = build(&fixture("istio-ambient-waypoints"), &catalog());
    assert_eq!(
        group_figures(&g, "shared/crds/gateway.networking.k8s.io").1,
        Some(4)
    );
    // Not counted (no custom resource in the input): null, never 0.
    let g = build(&fixture("istio-ambient"), &catalog());
    assert_eq!(
        group_figures(&g, "istio/crds/networking.istio.io"),
        (9, None)
    );
}

#[test]
fn crd_group_sums_are_null_aware() {
    let mut snap = fixture("istio-sidecar");
    // A refused list: the group's sum is the known counts; a group whose every kind is
    // unknown is null.
    for c in &mut snap.config {
        if c.kind == "EnvoyFilter" || c.group == "security.istio.io" {
            c.objects = None;
        }
    }
    // Objects read without their CRD still make a group node (0 CRDs).
    let mut extra = snap.config[0].clone();
    extra.group = "install.istio.io".to_owned();
    extra.kind = "IstioOperator".to_owned();
    extra.resource = "istiooperators".to_owned();
    extra.objects = Some(1);
    extra.installed = false;
    snap.config.push(extra);
    snap.recount();
    let g = build(&snap, &catalog());
    assert_eq!(
        group_figures(&g, "istio/crds/networking.istio.io").1,
        Some(7)
    );
    assert_eq!(group_figures(&g, "istio/crds/security.istio.io").1, None);
    assert_eq!(
        group_figures(&g, "istio/crds/install.istio.io"),
        (0, Some(1))
    );
    // istiod pushes networking.istio.io (7 known) and security.istio.io (unknown): at least 7.
    let b = blast_radius(&g);
    let istiod = b.iter().find(|x| x.id == "istio/component/istiod").unwrap();
    assert_eq!(istiod.config_objects, Some(7));
    assert!(istiod.config_partial());
}

#[test]
fn blast_radius_counts_the_configuration_a_component_pushes_or_applies() {
    let row = |case: &str, id: &str| {
        let g = build(&fixture(case), &catalog());
        let b = blast_radius(&g);
        let r = b.iter().find(|x| x.id == id).unwrap().clone();
        let groups: Vec<String> = r.config.iter().map(|c| c.group.clone()).collect();
        (r.config_objects, r.config_verb(), groups)
    };
    // EXPECTED.md: 15 Istio objects, all in groups istiod pushes.
    let (n, verb, groups) = row("istio-sidecar", "istio/component/istiod");
    assert_eq!((n, verb), (Some(15), "pushed"));
    assert!(groups.contains(&"networking.istio.io".to_owned()));
    // Linkerd: 9 of its own plus the shared HTTPRoute the policy controller reads.
    assert_eq!(
        row("linkerd", "linkerd/component/linkerd-destination").0,
        Some(10)
    );
    // Cilium: the agent enforces cilium.io; the operator registers it but enforces nothing.
    let (n, verb, _) = row("cilium", "cilium/component/cilium-agent");
    assert_eq!((n, verb), (Some(5), "applied"));
    let (n, _, groups) = row("cilium", "cilium/component/cilium-operator");
    assert_eq!((n, groups.len()), (None, 0));
    // Not counted: the groups are listed, the figure is absent (no line in the table).
    let (n, _, groups) = row("istio-ambient", "istio/component/istiod");
    assert_eq!(n, None);
    assert!(!groups.is_empty());
}
