//! Folding: alike pods become one group, merged builders fold like one, counts saturate.

use super::*;

fn pod(name: &str, extra_label: Option<(&str, &str)>) -> PodRecord {
    let mut shape = PodShape {
        service_account: "default".into(),
        containers: vec![std::sync::Arc::new(Container {
            name: "app".into(),
            image: "nginx:1".into(),
            ..Default::default()
        })],
        ..Default::default()
    };
    shape
        .annotations
        .insert("ignored/annotation".into(), name.into());
    if let Some((k, v)) = extra_label {
        shape.labels.insert(k.into(), v.into());
    }
    PodRecord {
        namespace: "shop".into(),
        name: name.into(),
        owner: Some(OwnerRef {
            kind: "ReplicaSet".into(),
            name: "web-abc".into(),
        }),
        phase: Some("Running".into()),
        shape,
    }
}

#[test]
fn alike_pods_fold_into_one_group() {
    let mut b = InventoryBuilder::new(KeepKeys::default());
    b.add_pod(pod("web-abc-1", None));
    b.add_pod(pod(
        "web-abc-2",
        Some(("statefulset.kubernetes.io/pod-name", "x")),
    ));
    b.add_pod(pod("web-abc-3", None));
    let mut done = pod("web-abc-4", None);
    done.phase = Some("Succeeded".into());
    b.add_pod(done);
    let inv = b.finish();
    assert_eq!(inv.pod_groups.len(), 1);
    let g = &inv.pod_groups[0];
    assert_eq!(g.count, 3);
    assert_eq!(g.example, "web-abc-1");
    assert!(inv.namespaces.contains_key("shop"));
}

#[test]
fn merged_builders_fold_like_one() {
    let mut a = InventoryBuilder::new(KeepKeys::default());
    a.add_pod(pod("web-abc-1", None));
    let mut b = InventoryBuilder::new(KeepKeys::default());
    b.add_pod(pod("web-abc-2", None));
    b.add_node("n2".into());
    b.add_service("shop".into(), "web".into());
    a.merge(b);
    let inv = a.finish();
    assert_eq!(inv.pod_groups.len(), 1);
    assert_eq!(inv.pod_groups[0].count, 2);
    assert!(inv.saw_services && inv.nodes.contains("n2"));
}

#[test]
fn counts_and_usage_saturate_when_merged() {
    let mut a = InventoryBuilder::new(KeepKeys::default());
    a.add_pod(pod("web-abc-1", None));
    let mut b = InventoryBuilder::new(KeepKeys::default());
    b.add_pod(pod("web-abc-2", None));
    b.inv.pod_groups[0].count = u64::MAX;
    b.inv.pod_groups[0].usage.insert(
        "app".into(),
        Usage {
            cpu_millicores: i64::MAX,
            memory_bytes: i64::MAX,
            pods: 1,
        },
    );
    a.inv.pod_groups[0].usage.insert(
        "app".into(),
        Usage {
            cpu_millicores: 1,
            memory_bytes: 1,
            pods: 1,
        },
    );
    a.merge(b);
    let g = &a.finish().pod_groups[0];
    assert_eq!(g.count, u64::MAX);
    assert_eq!(g.usage["app"].cpu_millicores, i64::MAX);
    assert_eq!(g.usage["app"].memory_bytes, i64::MAX);
}

#[test]
fn different_shapes_stay_apart() {
    let mut b = InventoryBuilder::new(KeepKeys::default());
    b.add_pod(pod("a", None));
    b.add_pod(pod("b", Some(("version", "v2"))));
    assert_eq!(b.finish().pod_groups.len(), 2);
}

#[test]
fn labels_no_rule_reads_are_dropped_and_the_read_ones_kept() {
    let keep = crate::catalog::Catalog::load().unwrap().keep_keys();
    let labels = Labels::from_pairs;
    let mut b = InventoryBuilder::new(keep);
    // Namespace labels: injection's selector and ambient capture are read; `team` is not.
    let ns = labels(&[
        ("istio-injection", "enabled"),
        ("istio.io/dataplane-mode", "ambient"),
        ("team", "payments"),
    ]);
    b.add_namespace(
        "shop".into(),
        Namespace {
            labels: ns.clone(),
            annotations: Labels::new(),
        },
    );
    // Pod labels: the revision label and the template hash are read; `build-id` by no rule.
    let mut p = pod("web-1", None);
    p.shape.labels = labels(&[
        ("istio.io/rev", "canary"),
        ("pod-template-hash", "abc"),
        ("build-id", "1234"),
    ]);
    b.add_pod(p);
    let template = labels(&[("app", "web"), ("build-id", "1234")]);
    b.add_workload(Workload {
        kind: WorkloadKind::Deployment,
        namespace: "shop".into(),
        name: "web".into(),
        labels: labels(&[
            ("linkerd.io/control-plane-component", "destination"),
            ("build-id", "1"),
        ]),
        replicas: Some(1),
        desired_scheduled: None,
        ready_replicas: None,
        template: PodShape {
            labels: template.clone(),
            ..PodShape::default()
        },
    });
    let inv = b.finish();
    assert_eq!(
        inv.namespaces["shop"].labels,
        labels(&[
            ("istio-injection", "enabled"),
            ("istio.io/dataplane-mode", "ambient")
        ])
    );
    assert_eq!(
        inv.pod_groups[0].shape.labels,
        labels(&[("istio.io/rev", "canary"), ("pod-template-hash", "abc")])
    );
    assert_eq!(
        inv.workloads[0].labels,
        labels(&[("linkerd.io/control-plane-component", "destination")])
    );
    // Budgets' selectors may read any key of a template: its labels stay whole.
    assert_eq!(inv.workloads[0].template.labels, template);
}
