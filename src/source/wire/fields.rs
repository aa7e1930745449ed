//! The fields detection reads, declared for serde (everything else is skipped while
//! parsing), and their conversion into Inventory records. Apart from [`super::add_object`],
//! which dispatches an object by kind, so that what is read and how it is routed can be
//! changed one at a time.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

use serde::{Deserialize, Deserializer};

use crate::inventory::{Container, Labels, OwnerRef, PodShape, Resources};

/// A string map that also takes numbers and booleans (`version: 2` in hand-written YAML).
pub(super) type StrMap = Labels;

pub(super) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Meta {
    #[serde(deserialize_with = "null_default")]
    pub(super) name: String,
    pub(super) namespace: Option<String>,
    pub(super) labels: StrMap,
    pub(super) annotations: StrMap,
    #[serde(deserialize_with = "null_default")]
    pub(super) owner_references: Vec<WireOwner>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireOwner {
    pub(super) kind: String,
    pub(super) name: String,
    pub(super) controller: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct WireContainer<'a> {
    #[serde(deserialize_with = "null_default")]
    pub(super) name: String,
    #[serde(deserialize_with = "null_default")]
    pub(super) image: String,
    pub(super) restart_policy: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub(super) resources: WireResources,
    #[serde(deserialize_with = "null_default")]
    pub(super) args: Vec<String>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub(super) env: Vec<WireEnv<'a>>,
}

/// One environment variable: only an inline `value` is read (`valueFrom` is a reference).
/// Borrowed from the input where it can be: most variables are dropped (only the catalog's
/// are kept, as fingerprints), and a pod has dozens of them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireEnv<'a> {
    #[serde(borrow)]
    pub(super) name: Option<Text<'a>>,
    #[serde(borrow)]
    pub(super) value: Option<Text<'a>>,
}

/// A string borrowed from the input when it has no escapes, owned otherwise.
#[derive(Debug, Default)]
pub(super) struct Text<'a>(pub(super) Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }
        d.deserialize_str(V).map(Text)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireResources {
    pub(super) requests: StrMap,
    pub(super) limits: StrMap,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct WirePodSpec<'a> {
    #[serde(borrow, deserialize_with = "null_default")]
    pub(super) containers: Vec<WireContainer<'a>>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub(super) init_containers: Vec<WireContainer<'a>>,
    pub(super) service_account_name: Option<String>,
    /// Deprecated alias of `serviceAccountName`, still printed by old clusters.
    pub(super) service_account: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WirePhase {
    pub(super) phase: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WirePod<'a> {
    pub(super) metadata: Meta,
    #[serde(borrow, deserialize_with = "null_default")]
    pub(super) spec: WirePodSpec<'a>,
    #[serde(deserialize_with = "null_default")]
    pub(super) status: WirePhase,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireTemplate<'a> {
    pub(super) metadata: Meta,
    #[serde(borrow, deserialize_with = "null_default")]
    pub(super) spec: WirePodSpec<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireWorkloadSpec<'a> {
    pub(super) replicas: Option<u64>,
    #[serde(borrow, deserialize_with = "null_default")]
    pub(super) template: WireTemplate<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct WireWorkloadStatus {
    pub(super) desired_number_scheduled: Option<u64>,
    pub(super) ready_replicas: Option<u64>,
    /// DaemonSet.
    pub(super) number_ready: Option<u64>,
    /// Set on every status a controller wrote: `readyReplicas` absent beside it is 0.
    pub(super) observed_generation: Option<u64>,
    pub(super) replicas: Option<u64>,
}

impl WireWorkloadStatus {
    /// Ready pods (see [`crate::inventory::Workload::ready_replicas`]).
    pub(super) fn ready(&self) -> Option<u64> {
        self.ready_replicas.or(self.number_ready).or_else(|| {
            (self.observed_generation.is_some() || self.replicas.is_some()).then_some(0)
        })
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireWorkload<'a> {
    pub(super) metadata: Meta,
    #[serde(borrow, deserialize_with = "null_default")]
    pub(super) spec: WireWorkloadSpec<'a>,
    #[serde(deserialize_with = "null_default")]
    pub(super) status: WireWorkloadStatus,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireMetaOnly {
    pub(super) metadata: Meta,
}

/// A Node: its name and, when the input has its status (offline; a live Node list is
/// metadata only), the kubelet's version.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireNode {
    pub(super) metadata: Meta,
    #[serde(deserialize_with = "null_default")]
    pub(super) status: WireNodeStatus,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct WireNodeStatus {
    #[serde(deserialize_with = "null_default")]
    pub(super) node_info: WireNodeInfo,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct WireNodeInfo {
    pub(super) kubelet_version: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireCrd {
    pub(super) metadata: Meta,
    #[serde(deserialize_with = "null_default")]
    pub(super) spec: WireCrdSpec,
    /// Absent from manifests (offline input without status): then nothing is stored yet.
    #[serde(deserialize_with = "null_default")]
    pub(super) status: WireCrdStatus,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct WireCrdStatus {
    #[serde(deserialize_with = "null_default")]
    pub(super) stored_versions: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireCrdSpec {
    #[serde(deserialize_with = "null_default")]
    pub(super) group: String,
    #[serde(deserialize_with = "null_default")]
    pub(super) names: WireCrdNames,
    #[serde(deserialize_with = "null_default")]
    pub(super) scope: String,
    #[serde(deserialize_with = "null_default")]
    pub(super) versions: Vec<WireCrdVersion>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireCrdNames {
    #[serde(deserialize_with = "null_default")]
    pub(super) kind: String,
    #[serde(deserialize_with = "null_default")]
    pub(super) plural: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct WireCrdVersion {
    pub(super) name: String,
    #[serde(default = "yes")]
    pub(super) served: bool,
    #[serde(default)]
    pub(super) storage: bool,
    /// `deprecated: true`: the API server warns on each request at this version.
    #[serde(default)]
    pub(super) deprecated: bool,
}

pub(super) fn yes() -> bool {
    true
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireWebhookConfig {
    pub(super) metadata: Meta,
    #[serde(deserialize_with = "null_default")]
    pub(super) webhooks: Vec<WireWebhook>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct WireWebhook {
    #[serde(deserialize_with = "null_default")]
    pub(super) name: String,
    pub(super) failure_policy: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub(super) client_config: WireClientConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireClientConfig {
    pub(super) service: Option<WireServiceRef>,
    pub(super) ca_bundle: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireConfigMap {
    pub(super) metadata: Meta,
    /// Only the catalog's keys of the catalog's ConfigMaps are kept (the builder decides).
    pub(super) data: StrMap,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireServiceRef {
    pub(super) namespace: String,
    pub(super) name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireGateway {
    pub(super) metadata: Meta,
    #[serde(deserialize_with = "null_default")]
    pub(super) spec: WireGatewaySpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct WireGatewaySpec {
    #[serde(deserialize_with = "null_default")]
    pub(super) gateway_class_name: String,
}

pub(super) fn resources(mut m: StrMap) -> Resources {
    Resources {
        cpu: m.remove("cpu"),
        memory: m.remove("memory"),
    }
}

pub(super) fn container(c: WireContainer<'_>, env: &BTreeSet<String>) -> Container {
    Container {
        name: c.name,
        image: c.image,
        restart_always: c.restart_policy.as_deref() == Some("Always"),
        args: c.args,
        requests: resources(c.resources.requests),
        limits: resources(c.resources.limits),
        // Fingerprints of the variables the catalog reads, and nothing of the others.
        env: c
            .env
            .into_iter()
            .filter_map(|e| {
                let name = e.name?.0;
                env.contains(name.as_ref()).then_some(())?;
                Some((
                    name.into_owned(),
                    crate::certs::text_fingerprint(&e.value?.0),
                ))
            })
            .collect(),
    }
}

/// The containers of a shape, in a vector of their own size: `collect` would reuse the
/// wire vector's allocation (25 times the size) in place and keep it for the life of the
/// Inventory.
fn containers(wire: Vec<WireContainer<'_>>, env: &BTreeSet<String>) -> Vec<Arc<Container>> {
    let mut out = Vec::with_capacity(wire.len());
    out.extend(wire.into_iter().map(|c| Arc::new(container(c, env))));
    out
}

/// `env`: the environment variables kept (as fingerprints), `KeepKeys::env`.
pub(super) fn shape(
    labels: StrMap,
    annotations: StrMap,
    spec: WirePodSpec<'_>,
    env: &BTreeSet<String>,
) -> PodShape {
    PodShape {
        labels,
        annotations,
        service_account: spec
            .service_account_name
            .or(spec.service_account)
            .unwrap_or_else(|| "default".to_owned()),
        containers: containers(spec.containers, env),
        init_containers: containers(spec.init_containers, env),
    }
}

pub(super) fn controller(owners: Vec<WireOwner>) -> Option<OwnerRef> {
    let pick = owners
        .iter()
        .position(|o| o.controller == Some(true))
        .unwrap_or(0);
    owners.into_iter().nth(pick).map(|o| OwnerRef {
        kind: o.kind,
        name: o.name,
    })
}

pub(super) fn namespace(meta: &Meta) -> String {
    meta.namespace
        .clone()
        .unwrap_or_else(|| "default".to_owned())
}
