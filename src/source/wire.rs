//! Kubernetes objects as they arrive on the wire, reduced to Inventory records.
//!
//! Only the fields detection reads are declared; serde skips everything else while
//! parsing, so a 30 KiB pod costs only its few kept fields. The same functions serve the
//! offline reader and the live client: they turn one object (JSON value) into records.
//!
//! This file routes an object by kind ([`ObjectKind`], [`add_object`]); `fields` declares
//! what is read of each kind and converts it.

use k8s_openapi::api::admissionregistration::v1 as admission;
use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::policy::v1 as policy;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
use k8s_openapi::Resource;
use std::collections::BTreeSet;

use serde::{Deserialize, Deserializer};

mod fields;
mod pdb;
#[cfg(test)]
mod tests;

use fields::{
    controller, namespace, shape, WireConfigMap, WireCrd, WireGateway, WireMetaOnly, WireNode,
    WirePod, WireWebhookConfig, WireWorkload,
};
use pdb::{budget, selector, WirePdb};

use crate::inventory::{
    Crd, Gateway, InventoryBuilder, Namespace, Pdb, PodRecord, Webhook, WebhookConfig, WebhookKind,
    Workload, WorkloadKind,
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
    /// Kept only when the catalog names it (trust anchors), and then only its keys.
    ConfigMap,
    Workload(WorkloadKind),
    ReplicaSet,
    Crd,
    Webhook(WebhookKind),
    Gateway,
    PodDisruptionBudget,
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
            () if is::<core::ConfigMap>(group, kind) => Self::ConfigMap,
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
            () if is::<policy::PodDisruptionBudget>(group, kind) => Self::PodDisruptionBudget,
            () if group == GATEWAY_GROUP && kind == "Gateway" => Self::Gateway,
            () => return None,
        })
    }
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

/// One Pod as its record, apart from adding it: the live scan parses pods on several
/// threads and adds the records in order (`source::live`).
/// `env`: the environment variables kept (`KeepKeys::env`).
pub fn pod_record<'de, D>(object: D, env: &BTreeSet<String>) -> Result<PodRecord, FieldError>
where
    D: Deserializer<'de>,
    D::Error: std::fmt::Display,
{
    let p: WirePod = parse(object)?;
    Ok(record(p, env))
}

/// [`pod_record`] of one Pod's JSON text: parsed without tracking the field path (about a
/// tenth of the parse), and again with it only when that fails, to name the field.
pub fn pod_record_json(item: &[u8], env: &BTreeSet<String>) -> Result<PodRecord, FieldError> {
    let mut fast = serde_json::Deserializer::from_slice(item);
    match WirePod::deserialize(&mut fast) {
        Ok(p) => Ok(record(p, env)),
        Err(_) => pod_record(&mut serde_json::Deserializer::from_slice(item), env),
    }
}

/// The pods of a JSON array (or `null`) that is all of `items` but whitespace, in one
/// pass, each handed to `each` as it is read; how many. An error does not name the item
/// (the caller reads the page item by item with [`pod_record_json`] for that).
pub fn pod_records_array(
    items: &[u8],
    env: &BTreeSet<String>,
    each: &mut dyn FnMut(PodRecord),
) -> Result<u64, serde_json::Error> {
    struct Pods<'e, 'f> {
        env: &'e BTreeSet<String>,
        each: &'f mut dyn FnMut(PodRecord),
    }
    impl<'de> serde::de::Visitor<'de> for Pods<'_, '_> {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of pods")
        }
        fn visit_unit<E>(self) -> Result<u64, E> {
            Ok(0)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
            let mut n = 0u64;
            while let Some(p) = seq.next_element::<WirePod<'de>>()? {
                (self.each)(record(p, self.env));
                n += 1;
            }
            Ok(n)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(items);
    let n = serde::Deserializer::deserialize_any(&mut de, Pods { env, each })?;
    de.end()?;
    Ok(n)
}

fn record(p: WirePod<'_>, env: &BTreeSet<String>) -> PodRecord {
    PodRecord {
        namespace: namespace(&p.metadata),
        name: p.metadata.name,
        owner: controller(p.metadata.owner_references),
        phase: p.status.phase,
        shape: shape(p.metadata.labels, p.metadata.annotations, p.spec, env),
    }
}

/// Adds one object of a kept kind to the builder.
#[allow(
    clippy::too_many_lines,
    reason = "one match arm per kept kind: each arm is a short, separate parse"
)]
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
            let pod = pod_record(object, &b.keep().env)?;
            b.add_pod(pod);
        }
        ObjectKind::Workload(wk) => {
            let w: WireWorkload = parse(object)?;
            let ns = namespace(&w.metadata);
            let t = w.spec.template;
            b.add_workload(Workload {
                kind: wk,
                namespace: ns,
                name: w.metadata.name,
                labels: w.metadata.labels,
                replicas: w.spec.replicas,
                desired_scheduled: w.status.desired_number_scheduled,
                ready_replicas: w.status.ready(),
                template: shape(
                    t.metadata.labels,
                    t.metadata.annotations,
                    t.spec,
                    &b.keep().env,
                ),
            });
        }
        ObjectKind::ReplicaSet => {
            let r: WireWorkload = parse(object)?;
            let ns = namespace(&r.metadata);
            match controller(r.metadata.owner_references) {
                Some(o) if o.kind == "Deployment" => {
                    b.add_replica_set(ns, r.metadata.name, o.name);
                }
                // A bare ReplicaSet runs its pods like a Deployment would (a live scan
                // lists ReplicaSets without their spec: its pods stand in for it).
                None if !r.spec.template.spec.containers.is_empty() => {
                    let t = r.spec.template;
                    b.add_workload(Workload {
                        kind: WorkloadKind::ReplicaSet,
                        namespace: ns,
                        name: r.metadata.name,
                        labels: r.metadata.labels,
                        replicas: r.spec.replicas,
                        desired_scheduled: None,
                        ready_replicas: r.status.ready(),
                        template: shape(
                            t.metadata.labels,
                            t.metadata.annotations,
                            t.spec,
                            &b.keep().env,
                        ),
                    });
                }
                Some(_) | None => {}
            }
        }
        ObjectKind::Node => {
            let n: WireNode = parse(object)?;
            if let Some(v) = n.status.node_info.kubelet_version {
                b.add_kubelet_version(&n.metadata.name, v);
            }
            b.add_node(n.metadata.name);
        }
        ObjectKind::Namespace => {
            let n: WireMetaOnly = parse(object)?;
            b.add_namespace(
                n.metadata.name,
                Namespace {
                    labels: n.metadata.labels,
                    annotations: n.metadata.annotations,
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
        ObjectKind::ConfigMap => {
            let c: WireConfigMap = parse(object)?;
            b.add_config_map(&namespace(&c.metadata), &c.metadata.name, &c.data);
        }
        ObjectKind::Crd => {
            let c: WireCrd = parse(object)?;
            let storage = c
                .spec
                .versions
                .iter()
                .find(|v| v.storage)
                .map(|v| v.name.clone());
            let deprecated = c
                .spec
                .versions
                .iter()
                .filter(|v| v.served && v.deprecated)
                .map(|v| v.name.clone())
                .collect();
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
                kind: c.spec.names.kind,
                plural: c.spec.names.plural,
                namespaced: c.spec.scope != "Cluster",
                storage,
                stored_versions: c.status.stored_versions,
                deprecated,
            });
        }
        ObjectKind::Webhook(kind) => {
            let w: WireWebhookConfig = parse(object)?;
            b.add_webhook_config(WebhookConfig {
                kind,
                name: w.metadata.name,
                labels: w.metadata.labels,
                webhooks: w
                    .webhooks
                    .into_iter()
                    .map(|h| Webhook {
                        name: h.name,
                        failure_policy: h.failure_policy.unwrap_or_else(|| "Fail".to_owned()),
                        service: h.client_config.service.map(|s| (s.namespace, s.name)),
                        ca_bundle: h
                            .client_config
                            .ca_bundle
                            .filter(|b| !b.trim().is_empty())
                            .map(|b| {
                                crate::certs::parse_ca_bundle_field(&b).map_err(|e| e.to_string())
                            }),
                    })
                    .collect(),
            });
        }
        ObjectKind::PodDisruptionBudget => {
            let p: WirePdb = parse(object)?;
            let spec = p.spec;
            b.add_pdb(
                namespace(&p.metadata),
                p.metadata.name,
                Pdb {
                    selector: spec.selector.map(selector),
                    min_available: budget("minAvailable", spec.min_available.unwrap_or_default())?,
                    max_unavailable: budget(
                        "maxUnavailable",
                        spec.max_unavailable.unwrap_or_default(),
                    )?,
                },
            );
        }
        ObjectKind::Gateway => {
            let g: WireGateway = parse(object)?;
            b.add_gateway(Gateway {
                namespace: namespace(&g.metadata),
                name: g.metadata.name,
                class: g.spec.gateway_class_name,
                labels: g.metadata.labels,
            });
        }
    }
    Ok(())
}
