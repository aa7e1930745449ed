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
