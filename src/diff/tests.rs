//! Unit tests of the diff: fixtures scanned in-process, and hand-edited copies of them for
//! the cases no fixture pair shows (a version move in place, scale growth, policy changes).

use super::*;
use crate::pipeline::{self, Files, Knowledge, Scope};

/// A fixture scanned through the pipeline, as `scan --from` scans it.
fn scan(case: &str) -> Snapshot {
    let files = Files {
        paths: &[format!(
            "{}/fixtures/clusters/{case}",
            env!("CARGO_MANIFEST_DIR")
        )],
        stdin: &mut std::io::empty(),
        limits: crate::source::Limits::default(),
    };
    pipeline::offline(files, &Scope::default(), &Knowledge::load().unwrap()).unwrap()
}

fn cases() -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(format!("{}/fixtures/clusters", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
    v.sort();
    v
}

#[test]
fn a_snapshot_against_itself_is_empty() {
    for case in cases() {
        let s = scan(&case);
        let d = diff(&s, &s);
        assert!(!d.changed, "{case}");
        assert!(
            d.components.is_empty() && d.proxy_types.is_empty(),
            "{case}"
        );
        assert!(d.crds.is_empty() && d.webhooks.is_empty() && d.meshes.is_empty());
        assert!(d.footprint.is_empty() && d.versions.is_empty(), "{case}");
        assert!(d.hazards.is_empty(), "{case}");
        assert!(d.growth.causes.is_empty(), "{case}");
        assert!(d.totals.0.iter().all(|(_, f)| f.delta == 0));
        let fields = crate::surface::Totals::FIELDS.len();
        let unknown = if s.totals.config_known() { 0 } else { 3 };
        assert_eq!(
            d.totals.0.len(),
            fields - unknown,
            "every totals field is there"
        );
        assert_eq!(d.scale.0.len(), 6);
    }
}

#[test]
fn waypoints_add_two_components_and_one_proxy_type() {
    let d = diff(&scan("istio-ambient"), &scan("istio-ambient-waypoints"));
    let added: Vec<_> = d
        .components
        .added
        .iter()
        .map(|c| (c.component.as_str(), c.namespace.as_str(), c.replicas))
        .collect();
    assert_eq!(
        added,
        vec![("waypoint", "orders", 1), ("waypoint", "storefront", 2)]
    );
    assert!(d.components.removed.is_empty() && d.components.changed.is_empty());
    assert_eq!(d.proxy_types.added.len(), 1);
    let t = &d.proxy_types.added[0];
    assert_eq!(
        (t.implementation.as_str(), t.placement.as_str(), t.instances),
        ("envoy", "namespace", 3)
    );
    assert_eq!(t.cpu_request_millicores, 300);
    let cpu = d.totals.get("cpuRequestMillicores").unwrap();
    assert_eq!((cpu.before, cpu.after, cpu.delta), (1400, 1700, 300));
    assert_eq!(cpu.percent, Some(21.4));
    assert_eq!(d.totals.get("components").unwrap().delta, 2);
    assert_eq!(d.totals.get("proxyTypes").unwrap().delta, 1);
    // Growth from a feature, not from more application pods.
    assert_eq!(d.growth.causes, vec![Cause::Features]);
    assert_eq!(d.growth.workload_pods.delta, 0);
    assert_eq!(
        d.growth.added_component_kinds,
        vec![ComponentKind {
            mesh: "istio".into(),
            component: "waypoint".into()
        }]
    );
    let a = d.growth.cpu_request_millicores;
    assert_eq!(
        (
            a.delta,
            a.added_proxy_types,
            a.existing_proxy_types,
            a.other
        ),
        (300, 300, 0, 0)
    );
    assert!(d.crds.is_empty() && d.webhooks.is_empty() && d.versions.is_empty());
}

#[test]
fn no_mesh_to_ambient_adds_a_mesh() {
    let d = diff(&scan("none"), &scan("istio-ambient"));
    assert_eq!(d.meshes.added.len(), 1);
    assert_eq!(d.meshes.added[0].mode, "ambient");
    assert_eq!(d.components.added.len(), 3);
    assert_eq!(
        d.crds.added.len(),
        20,
        "15 Istio CRDs and 5 shared Gateway API CRDs"
    );
    assert_eq!(d.webhooks.added.len(), 2);
    assert!(d.growth.causes.contains(&Cause::Features));
    // Nothing was on a version before, so nothing moved.
    assert!(d.versions.components.is_empty() && d.versions.control_planes.is_empty());
    let r = diff(&scan("istio-ambient"), &scan("none"));
    assert_eq!(r.meshes.removed.len(), 1);
    assert_eq!(r.components.removed.len(), 3);
    assert_eq!(r.totals.get("crds").unwrap().after, 0);
}

#[test]
fn a_canary_upgrade_shows_moves_and_skew() {
    let d = diff(&scan("istio-sidecar"), &scan("istio-revisions"));
    // istiod became two revisions: a removal and two additions (renames are not guessed).
    let names = |v: &[Component]| v.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&d.components.added), ["istiod-1-25", "istiod-1-26"]);
    assert_eq!(names(&d.components.removed), ["istiod"]);
    assert_eq!(
        d.versions.control_planes,
        vec![ControlPlaneMove {
            mesh: "istio".into(),
            before: vec!["1.26.3".into()],
            after: vec!["1.25.4".into(), "1.26.3".into()],
        }]
    );
    assert_eq!(d.versions.proxies.len(), 1);
    assert_eq!(
        d.versions.proxies[0].placement,
        crate::surface::Placement::Sidecar
    );
    let sidecars = &d.proxy_types.changed[0];
    assert_eq!(
        sidecars.versions,
        vec![
            VersionInstances {
                version: Some("1.25.4".into()),
                before: 0,
                after: 5
            },
            VersionInstances {
                version: Some("1.26.3".into()),
                before: 8,
                after: 3
            },
        ]
    );
    assert!(d.versions.skew_before.is_empty());
    let skew = &d.versions.skew_after;
    assert_eq!(skew.components.len(), 1);
    assert_eq!(skew.components[0].name, "istiod-1-25");
    assert_eq!(skew.proxies.len(), 1);
    assert_eq!(
        (skew.proxies[0].version.as_str(), skew.proxies[0].instances),
        ("1.25.4", 5)
    );
    assert_eq!(skew.proxies[0].control_plane_version, "1.26.3");
    assert!(d.growth.causes.contains(&Cause::Upgrade));
}

#[test]
fn an_in_place_upgrade_leaves_sidecars_behind() {
    let before = scan("istio-sidecar");
    let mut after = before.clone();
    for c in &mut after.components {
        if c.component == "istiod" {
            c.version = Some("1.27.0".into());
        }
    }
    after.meshes[0].version = Some("1.27.0".into());
    let d = diff(&before, &after);
    assert!(d.changed);
    assert_eq!(d.versions.components.len(), 1);
    let m = &d.versions.components[0];
    assert_eq!(
        (m.name.as_str(), m.before.as_deref(), m.after.as_deref()),
        ("istiod", Some("1.26.3"), Some("1.27.0"))
    );
    assert_eq!(d.components.changed.len(), 1);
    assert!(d.components.changed[0].replicas.is_none());
    // The gateway and every sidecar are still on 1.26.3, the old control-plane version.
    let skew = &d.versions.skew_after;
    assert_eq!(skew.components.len(), 1, "{skew:?}");
    assert_eq!(skew.components[0].component, "istio-ingressgateway");
    assert_eq!(skew.proxies.len(), 2);
    assert!(skew.proxies.iter().all(|p| p.version == "1.26.3"));
    assert!(d.versions.skew_before.is_empty());
    assert_eq!(d.growth.causes, vec![Cause::Upgrade]);
}

#[test]
fn independently_versioned_images_are_not_skew() {
    // cilium-envoy and hubble-ui never run the agent's version: not "behind".
    let s = scan("cilium");
    let mut after = s.clone();
    after.components[0].replicas += 1;
    let d = diff(&s, &after);
    assert!(d.versions.skew_after.is_empty() && d.versions.skew_before.is_empty());
}

#[test]
fn more_pods_is_scale_not_a_feature() {
    let before = scan("istio-sidecar");
    let mut after = before.clone();
    let sidecar = after
        .proxies
        .iter_mut()
        .find(|p| p.placement == crate::surface::Placement::Sidecar)
        .unwrap();
    sidecar.instances += 4;
    sidecar.cpu_request_millicores += 400;
    after.scale.pods += 4;
    after.scale.meshed_pods += 4;
    after.totals.proxy_instances += 4;
    after.totals.cpu_request_millicores += 400;
    let d = diff(&before, &after);
    assert_eq!(d.growth.causes, vec![Cause::Scale]);
    let a = d.growth.cpu_request_millicores;
    assert_eq!(
        (a.existing_proxy_types, a.added_proxy_types, a.other),
        (400, 0, 0)
    );
    assert_eq!(d.growth.workload_pods.delta, 4);
    assert_eq!(d.footprint.len(), 1);
    assert_eq!(d.footprint[0].cpu_request_millicores.delta, 400);
    assert!(d.proxy_types.added.is_empty());
    assert_eq!(d.proxy_types.changed.len(), 1);
}

#[test]
fn crd_versions_webhook_policy_and_renames() {
    let before = scan("istio-sidecar");
    let mut after = before.clone();
    after.crds[0].versions = vec!["v2".into()];
    after.webhooks[0].failure_policy = "Ignore".into();
    after.webhooks[0].webhooks.pop();
    after.components[0].name = "istiod-renamed".into();
    let d = diff(&before, &after);
    let crd = &d.crds.changed[0];
    assert_eq!(crd.versions_added, ["v2"]);
    assert!(!crd.versions_removed.is_empty());
    let w = &d.webhooks.changed[0];
    assert_eq!(
        w.failure_policy,
        Some(Change {
            before: "Fail".to_owned(),
            after: "Ignore".to_owned()
        })
    );
    assert_eq!(
        w.webhooks.as_ref().map(|c| c.after + 1),
        Some(w.webhooks.as_ref().unwrap().before)
    );
    assert_eq!(d.components.added.len(), 1);
    assert_eq!(d.components.removed.len(), 1);
    assert!(
        d.growth.causes.contains(&Cause::Features),
        "a served version changed"
    );
    assert!(d.growth.causes.contains(&Cause::Configuration));
}

#[test]
fn upgrade_steps_are_matched_by_title() {
    let step = |n, title: &str, restarts| UpgradeStep {
        step: n,
        mesh: "istio".into(),
        kind: String::new(),
        title: title.into(),
        targets: vec!["istiod".into()],
        restarts,
    };
    let mut before = scan("istio-sidecar");
    before.upgrade_steps = vec![step(1, "CRDs", 0), step(2, "Control plane", 0)];
    let mut after = before.clone();
    after.upgrade_steps = vec![
        step(1, "CRDs", 0),
        step(2, "Control plane", 0),
        step(3, "Restart sidecars", 8),
    ];
    after.upgrade_steps[1].targets.push("istiod-1-26".into());
    let d = diff(&before, &after);
    assert_eq!(d.upgrade_steps.added.len(), 1);
    assert_eq!(d.upgrade_steps.added[0].restarts, 8);
    assert_eq!(d.upgrade_steps.changed.len(), 1);
    assert_eq!(d.upgrade_steps.changed[0].title, "Control plane");
    assert!(d.upgrade_steps.changed[0].restarts.is_none());
    assert!(diff(&after, &after).upgrade_steps.is_empty());
}

#[test]
fn figures_and_percentages() {
    let f = Figure::new(3, 5);
    assert_eq!((f.delta, f.percent), (2, Some(66.7)));
    assert_eq!(Figure::new(0, 5).percent, None);
    assert_eq!(Figure::new(8, 6).percent, Some(-25.0));
    let json = serde_json::to_value(diff(&scan("none"), &scan("none"))).unwrap();
    assert_eq!(json["schemaVersion"], DIFF_SCHEMA_VERSION);
    assert_eq!(json["totals"]["proxyTypes"]["delta"], 0);
    assert_eq!(json["scale"]["meshedPods"]["before"], 0);
    assert_eq!(json["changed"], false);
}

#[test]
fn hazards_introduced_and_resolved_are_matched_by_code_and_mesh() {
    use crate::surface::{HazardCode, Severity};
    let before = scan("istio-sidecar");
    let fragile = before
        .hazards
        .iter()
        .position(|h| h.code == HazardCode::FragileConfig)
        .expect("fragile-config");
    let mut after = before.clone();
    // The fragile-config hazard stays (its count moves: not listed); an orphaned webhook
    // comes, with nothing else changed.
    after.hazards[fragile].count += 3;
    let orphan = crate::surface::Hazard {
        code: HazardCode::OrphanedWebhook,
        severity: Severity::Critical,
        mesh: "istio".into(),
        count: 1,
        objects: vec!["MutatingWebhookConfiguration/x".into()],
        message: "m".into(),
        why: "w".into(),
        source: "s".into(),
    };
    after.hazards.insert(0, orphan.clone());
    let d = diff(&before, &after);
    assert!(d.changed);
    assert_eq!(d.hazards.added, [orphan]);
    assert!(d.hazards.removed.is_empty());
    assert_eq!(d.growth.causes, [Cause::Configuration]);
    let back = diff(&after, &before);
    assert_eq!(back.hazards.removed.len(), 1);
    assert!(back.hazards.added.is_empty());
}
