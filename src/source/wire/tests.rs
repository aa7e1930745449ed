//! Classification, the fields kept from a pod, and errors naming the field.

use super::*;
use crate::inventory::KeepKeys;

#[test]
fn classify_uses_group_and_kind() {
    assert_eq!(ObjectKind::classify("", "Pod"), Some(ObjectKind::Pod));
    assert_eq!(
        ObjectKind::classify("apps", "DaemonSet"),
        Some(ObjectKind::Workload(WorkloadKind::DaemonSet))
    );
    assert_eq!(ObjectKind::classify("networking.istio.io", "Gateway"), None);
    assert_eq!(
        ObjectKind::classify(GATEWAY_GROUP, "Gateway"),
        Some(ObjectKind::Gateway)
    );
    assert_eq!(ObjectKind::classify("extensions", "Deployment"), None);
}

#[test]
fn pod_keeps_only_needed_fields_and_tolerates_nulls() {
    let v = serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p", "namespace": "a", "labels": {"version": 2, "x": true},
                      "ownerReferences": [{"kind": "ReplicaSet", "name": "w-1", "controller": true}],
                      "managedFields": [{"huge": "ignored"}]},
        "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "i:1",
                  "resources": {"requests": {"cpu": "100m", "memory": 1024}}}],
                  "initContainers": null},
        "status": {"phase": "Running"}
    });
    let mut b = InventoryBuilder::new(KeepKeys::default());
    add_object(ObjectKind::Pod, v, &mut b).unwrap();
    let inv = b.finish();
    let g = &inv.pod_groups[0];
    assert_eq!(g.shape.labels.get("version").map(String::as_str), Some("2"));
    assert_eq!(
        g.shape.containers[0].requests.memory.as_deref(),
        Some("1024")
    );
    assert_eq!(g.owner.as_ref().map(|o| o.name.as_str()), Some("w-1"));
}

#[test]
fn wrong_field_type_names_the_field() {
    let v = serde_json::json!({"metadata": {"name": "p"}, "spec": {"containers": "oops"}});
    let mut b = InventoryBuilder::new(KeepKeys::default());
    let e = add_object(ObjectKind::Pod, v, &mut b).unwrap_err();
    assert_eq!(e.path, "spec.containers");
}

#[test]
fn a_pod_disruption_budget_keeps_its_selector_and_budgets() {
    assert_eq!(
        ObjectKind::classify("policy", "PodDisruptionBudget"),
        Some(ObjectKind::PodDisruptionBudget)
    );
    let pdb = serde_json::json!({
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": "istiod", "namespace": "istio-system"},
        "spec": {"minAvailable": "50%", "selector": {"matchLabels": {"app": "istiod"},
                 "matchExpressions": [{"key": "istio", "operator": "In", "values": ["pilot"]}]}},
        "status": {"disruptionsAllowed": 0}
    });
    let mut b = InventoryBuilder::new(KeepKeys::default());
    add_object(ObjectKind::PodDisruptionBudget, pdb, &mut b).unwrap();
    let inv = b.finish();
    assert!(inv.pdbs_read);
    let kept = &inv.pdbs[&("istio-system".to_owned(), "istiod".to_owned())];
    assert_eq!(
        kept.min_available,
        Some(crate::inventory::Budget::Percent(50))
    );
    assert_eq!(kept.max_unavailable, None);
    let selector = kept.selector.as_ref().unwrap();
    assert_eq!(
        selector.labels.get("app").map(String::as_str),
        Some("istiod")
    );
    assert_eq!(selector.expressions[0].values, ["pilot"]);

    let bad = serde_json::json!({"metadata": {"name": "x"}, "spec": {"maxUnavailable": "half"}});
    let mut b = InventoryBuilder::new(KeepKeys::default());
    let e = add_object(ObjectKind::PodDisruptionBudget, bad, &mut b).unwrap_err();
    assert_eq!(e.path, "spec.maxUnavailable");
    assert!(e.message.contains("half"), "{}", e.message);
}

#[test]
fn ready_replicas_are_read_and_an_omitted_zero_is_zero() {
    let ready = |status: serde_json::Value| {
        let v = serde_json::json!({"metadata": {"name": "d", "namespace": "a"},
            "spec": {"replicas": 2}, "status": status});
        let mut b = InventoryBuilder::new(KeepKeys::default());
        add_object(ObjectKind::Workload(WorkloadKind::Deployment), v, &mut b).unwrap();
        b.finish().workloads[0].ready_replicas
    };
    assert_eq!(
        ready(serde_json::json!({"replicas": 2, "readyReplicas": 1})),
        Some(1)
    );
    assert_eq!(
        ready(serde_json::json!({"replicas": 2, "observedGeneration": 3})),
        Some(0)
    );
    assert_eq!(ready(serde_json::json!({})), None, "no status: unknown");
    assert_eq!(ready(serde_json::Value::Null), None);
}

/// The live scan's fast parse of a pod: the same record as the tracked one, and on bad
/// input the same error naming the field; only the catalog's environment variables kept.
#[test]
fn a_pods_json_parses_like_the_tracked_parse_and_names_the_field_when_bad() {
    let env: std::collections::BTreeSet<String> = ["KEPT".to_owned()].into();
    let good = r#"{"metadata":{"name":"p","namespace":"a","labels":{"app":"w"}},
        "spec":{"nodeName":"n1","containers":[{"name":"c","image":"i:1",
          "env":[{"name":"KEPT","value":"anchor"},{"name":"OTHER","value":"x"}]}]},
        "status":{"phase":"Running"}}"#;
    let fast = pod_record_json(good.as_bytes(), &env).unwrap();
    let tracked = pod_record(&mut serde_json::Deserializer::from_str(good), &env).unwrap();
    assert_eq!(format!("{fast:?}"), format!("{tracked:?}"));
    let c = &fast.shape.containers[0];
    assert_eq!(c.env.keys().collect::<Vec<_>>(), ["KEPT"]);
    assert_eq!(c.env["KEPT"], crate::certs::text_fingerprint("anchor"));
    let bad = r#"{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":7}]}}"#;
    let e = pod_record_json(bad.as_bytes(), &env).unwrap_err();
    assert_eq!(e.path, "spec.containers[0].image", "{e}");
}

/// An environment value with escapes (a PEM's newlines) is read whole, not borrowed, and
/// fingerprinted as the text it stands for.
#[test]
fn an_escaped_environment_value_is_fingerprinted_as_its_text() {
    let env: std::collections::BTreeSet<String> = ["ANCHORS".to_owned()].into();
    let pod = r#"{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i",
        "env":[{"name":"ANCHORS","value":"-----BEGIN-----\nabc\n-----END-----\n"},
               {"name":"OTHER","value":null},{"value":"no name"}]}]}}"#;
    let rec = pod_record_json(pod.as_bytes(), &env).unwrap();
    let c = &rec.shape.containers[0];
    assert_eq!(c.env.len(), 1);
    assert_eq!(
        c.env["ANCHORS"],
        crate::certs::text_fingerprint("-----BEGIN-----\nabc\n-----END-----\n")
    );
}
