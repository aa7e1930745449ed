//! Kubernetes objects as they arrive on the wire, reduced to Inventory records.
//!
//! Only the fields detection reads are declared; serde skips everything else while
//! parsing, so a 30 KiB pod costs only its few kept fields. The same functions serve the
//! offline reader and the live client: they turn one object (JSON value) into records.

use std::collections::BTreeMap;

use k8s_openapi::api::admissionregistration::v1 as admission;
use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
use k8s_openapi::Resource;
use serde::{Deserialize, Deserializer};

use crate::inventory::{
    Container, Crd, Gateway, InventoryBuilder, Namespace, OwnerRef, PodRecord, PodShape, Resources,
    Webhook, WebhookConfig, WebhookKind, Workload, WorkloadKind,
};

/// The Gateway API group, whose Gateways mark waypoints and gateways.
pub const GATEWAY_GROUP: &str = "gateway.networking.k8s.io";

/// The kinds the Inventory keeps, identified by (API group, kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Pod,
    Node,
    Namespace,
    Service,
    ServiceAccount,
    Secret,
    Workload(WorkloadKind),
    ReplicaSet,
    Crd,
    Webhook(WebhookKind),
    Gateway,
}

fn is<R: Resource>(group: &str, kind: &str) -> bool {
    R::GROUP == group && R::KIND == kind
}

impl ObjectKind {
    /// What an object of this API group and kind is to the Inventory (None: not kept).
    pub fn classify(group: &str, kind: &str) -> Option<Self> {
        Some(match () {
            () if is::<core::Pod>(group, kind) => Self::Pod,
            () if is::<core::Node>(group, kind) => Self::Node,
            () if is::<core::Namespace>(group, kind) => Self::Namespace,
            () if is::<core::Service>(group, kind) => Self::Service,
            () if is::<core::ServiceAccount>(group, kind) => Self::ServiceAccount,
            () if is::<core::Secret>(group, kind) => Self::Secret,
            () if is::<apps::Deployment>(group, kind) => Self::Workload(WorkloadKind::Deployment),
            () if is::<apps::DaemonSet>(group, kind) => Self::Workload(WorkloadKind::DaemonSet),
            () if is::<apps::StatefulSet>(group, kind) => Self::Workload(WorkloadKind::StatefulSet),
            () if is::<apps::ReplicaSet>(group, kind) => Self::ReplicaSet,
            () if is::<core::ReplicationController>(group, kind) => {
                Self::Workload(WorkloadKind::ReplicationController)
            }
            () if is::<apiext::CustomResourceDefinition>(group, kind) => Self::Crd,
            () if is::<admission::MutatingWebhookConfiguration>(group, kind) => {
                Self::Webhook(WebhookKind::Mutating)
            }
            () if is::<admission::ValidatingWebhookConfiguration>(group, kind) => {
                Self::Webhook(WebhookKind::Validating)
            }
            () if group == GATEWAY_GROUP && kind == "Gateway" => Self::Gateway,
            () => return None,
        })
    }
}

/// A string map that also takes numbers and booleans (`version: 2` in hand-written YAML).
#[derive(Debug, Default)]
struct StrMap(BTreeMap<String, String>);

impl<'de> Deserialize<'de> for StrMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw: Option<BTreeMap<String, serde_json::Value>> = Option::deserialize(d)?;
        Ok(StrMap(
            raw.unwrap_or_default()
                .into_iter()
                .filter_map(|(k, v)| scalar_string(v).map(|s| (k, s)))
                .collect(),
        ))
    }
}

fn scalar_string(v: serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Meta {
    #[serde(deserialize_with = "null_default")]
    name: String,
    namespace: Option<String>,
    labels: StrMap,
    annotations: StrMap,
    #[serde(deserialize_with = "null_default")]
    owner_references: Vec<WireOwner>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireOwner {
    kind: String,
    name: String,
    controller: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct WireContainer {
    #[serde(deserialize_with = "null_default")]
    name: String,
    #[serde(deserialize_with = "null_default")]
    image: String,
    restart_policy: Option<String>,
    #[serde(deserialize_with = "null_default")]
    resources: WireResources,
    #[serde(deserialize_with = "null_default")]
    args: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireResources {
    requests: StrMap,
    limits: StrMap,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct WirePodSpec {
    #[serde(deserialize_with = "null_default")]
    containers: Vec<WireContainer>,
    #[serde(deserialize_with = "null_default")]
    init_containers: Vec<WireContainer>,
    node_name: Option<String>,
    service_account_name: Option<String>,
    /// Deprecated alias of `serviceAccountName`, still printed by old clusters.
    service_account: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WirePhase {
    phase: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WirePod {
    metadata: Meta,
    #[serde(deserialize_with = "null_default")]
    spec: WirePodSpec,
    #[serde(deserialize_with = "null_default")]
    status: WirePhase,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireTemplate {
    metadata: Meta,
    #[serde(deserialize_with = "null_default")]
    spec: WirePodSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireWorkloadSpec {
    replicas: Option<u64>,
    #[serde(deserialize_with = "null_default")]
    template: WireTemplate,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct WireWorkloadStatus {
    desired_number_scheduled: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireWorkload {
    metadata: Meta,
    #[serde(deserialize_with = "null_default")]
    spec: WireWorkloadSpec,
    #[serde(deserialize_with = "null_default")]
    status: WireWorkloadStatus,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireMetaOnly {
    metadata: Meta,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireCrd {
    metadata: Meta,
    #[serde(deserialize_with = "null_default")]
    spec: WireCrdSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireCrdSpec {
    #[serde(deserialize_with = "null_default")]
    group: String,
    #[serde(deserialize_with = "null_default")]
    versions: Vec<WireCrdVersion>,
}

#[derive(Debug, Deserialize)]
struct WireCrdVersion {
    name: String,
    #[serde(default = "yes")]
    served: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireWebhookConfig {
    metadata: Meta,
    #[serde(deserialize_with = "null_default")]
    webhooks: Vec<WireWebhook>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct WireWebhook {
    #[serde(deserialize_with = "null_default")]
    name: String,
    failure_policy: Option<String>,
    #[serde(deserialize_with = "null_default")]
    client_config: WireClientConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireClientConfig {
    service: Option<WireServiceRef>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireServiceRef {
    namespace: String,
    name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireGateway {
    metadata: Meta,
    #[serde(deserialize_with = "null_default")]
    spec: WireGatewaySpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct WireGatewaySpec {
    #[serde(deserialize_with = "null_default")]
    gateway_class_name: String,
}

fn resources(map: StrMap) -> Resources {
    let mut m = map.0;
    Resources {
        cpu: m.remove("cpu"),
        memory: m.remove("memory"),
    }
}

fn container(c: WireContainer) -> Container {
    Container {
        name: c.name,
        image: c.image,
        restart_always: c.restart_policy.as_deref() == Some("Always"),
        args: c.args,
        requests: resources(c.resources.requests),
        limits: resources(c.resources.limits),
    }
}

fn shape(labels: StrMap, annotations: StrMap, spec: WirePodSpec) -> PodShape {
    PodShape {
        labels: labels.0,
        annotations: annotations.0,
        service_account: spec
            .service_account_name
            .or(spec.service_account)
            .unwrap_or_else(|| "default".to_owned()),
        containers: spec.containers.into_iter().map(container).collect(),
        init_containers: spec.init_containers.into_iter().map(container).collect(),
    }
}

fn controller(owners: Vec<WireOwner>) -> Option<OwnerRef> {
    let pick = owners
        .iter()
        .position(|o| o.controller == Some(true))
        .unwrap_or(0);
    owners.into_iter().nth(pick).map(|o| OwnerRef {
        kind: o.kind,
        name: o.name,
    })
}

fn namespace(meta: &Meta) -> String {
    meta.namespace
        .clone()
        .unwrap_or_else(|| "default".to_owned())
}

/// Why one object could not be turned into records: the field path and what was wrong.
#[derive(Debug, thiserror::Error)]
#[error("field {path}: {message}")]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

fn parse<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<T, FieldError>
where
    D::Error: std::fmt::Display,
{
    serde_path_to_error::deserialize(d).map_err(|e| FieldError {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

/// Adds one object of a kept kind to the builder.
pub fn add_object<'de, D>(
    kind: ObjectKind,
    object: D,
    b: &mut InventoryBuilder,
) -> Result<(), FieldError>
where
    D: Deserializer<'de>,
    D::Error: std::fmt::Display,
{
    match kind {
        ObjectKind::Pod => {
            let p: WirePod = parse(object)?;
            let ns = namespace(&p.metadata);
            b.add_pod(PodRecord {
                namespace: ns,
                name: p.metadata.name,
                node: p.spec.node_name.clone(),
                owner: controller(p.metadata.owner_references),
                phase: p.status.phase,
                shape: shape(p.metadata.labels, p.metadata.annotations, p.spec),
            });
        }
        ObjectKind::Workload(wk) => {
            let w: WireWorkload = parse(object)?;
            let ns = namespace(&w.metadata);
            let t = w.spec.template;
            b.add_workload(Workload {
                kind: wk,
                namespace: ns,
                name: w.metadata.name,
                labels: w.metadata.labels.0,
                replicas: w.spec.replicas,
                desired_scheduled: w.status.desired_number_scheduled,
                template: shape(t.metadata.labels, t.metadata.annotations, t.spec),
            });
        }
        ObjectKind::ReplicaSet => {
            let r: WireWorkload = parse(object)?;
            let ns = namespace(&r.metadata);
            match controller(r.metadata.owner_references) {
                Some(o) if o.kind == "Deployment" => {
                    b.add_replica_set(ns, r.metadata.name, o.name);
                }
                Some(_) => {}
                // A bare ReplicaSet runs its pods like a Deployment would (a live scan
                // lists ReplicaSets without their spec: its pods stand in for it).
                None if !r.spec.template.spec.containers.is_empty() => {
                    let t = r.spec.template;
                    b.add_workload(Workload {
                        kind: WorkloadKind::ReplicaSet,
                        namespace: ns,
                        name: r.metadata.name,
                        labels: r.metadata.labels.0,
                        replicas: r.spec.replicas,
                        desired_scheduled: None,
                        template: shape(t.metadata.labels, t.metadata.annotations, t.spec),
                    });
                }
                None => {}
            }
        }
        ObjectKind::Node => {
            let n: WireMetaOnly = parse(object)?;
            b.add_node(n.metadata.name);
        }
        ObjectKind::Namespace => {
            let n: WireMetaOnly = parse(object)?;
            b.add_namespace(
                n.metadata.name,
                Namespace {
                    labels: n.metadata.labels.0,
                    annotations: n.metadata.annotations.0,
                },
            );
        }
        ObjectKind::Service => {
            let s: WireMetaOnly = parse(object)?;
            b.add_service(namespace(&s.metadata), s.metadata.name);
        }
        ObjectKind::ServiceAccount => {
            let s: WireMetaOnly = parse(object)?;
            b.add_service_account(namespace(&s.metadata), s.metadata.name);
        }
        // Never read Secret data: only note that its namespace exists.
        ObjectKind::Secret => {}
        ObjectKind::Crd => {
            let c: WireCrd = parse(object)?;
            b.add_crd(Crd {
                name: c.metadata.name,
                group: c.spec.group,
                versions: c
                    .spec
                    .versions
                    .into_iter()
                    .filter(|v| v.served)
                    .map(|v| v.name)
                    .collect(),
            });
        }
        ObjectKind::Webhook(kind) => {
            let w: WireWebhookConfig = parse(object)?;
            b.add_webhook_config(WebhookConfig {
                kind,
                name: w.metadata.name,
                labels: w.metadata.labels.0,
                webhooks: w
                    .webhooks
                    .into_iter()
                    .map(|h| Webhook {
                        name: h.name,
                        failure_policy: h.failure_policy.unwrap_or_else(|| "Fail".to_owned()),
                        service: h.client_config.service.map(|s| (s.namespace, s.name)),
                    })
                    .collect(),
            });
        }
        ObjectKind::Gateway => {
            let g: WireGateway = parse(object)?;
            b.add_gateway(Gateway {
                namespace: namespace(&g.metadata),
                name: g.metadata.name,
                class: g.spec.gateway_class_name,
                labels: g.metadata.labels.0,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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
}
