//! The table of what the scan reads, and nothing else.
//!
//! It is its own module because two callers must agree on it: the scan lists exactly
//! these resources, and `rbac` prints the ClusterRole granting exactly these reads, so
//! the role a user applies can never lag behind what the scan asks for. The table never
//! holds Secrets.

use std::borrow::Cow;

use k8s_openapi::api::admissionregistration::v1 as admission;
use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::policy::v1 as policy;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
use k8s_openapi::Resource;

/// API group → its versions, the preferred one first (what discovery found served).
pub(super) type Groups = std::collections::BTreeMap<String, Vec<String>>;
use crate::inventory::{WebhookKind, WorkloadKind};
use crate::source::wire::{ObjectKind, GATEWAY_GROUP};

/// One resource the scan lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSpec {
    pub group: &'static str,
    pub version: Cow<'static, str>,
    pub plural: &'static str,
    pub kind: ObjectKind,
    pub namespaced: bool,
    /// Ask for `PartialObjectMetadataList`: the records need only metadata.
    pub metadata_only: bool,
}

fn spec<R: Resource>(kind: ObjectKind, namespaced: bool, metadata_only: bool) -> ResourceSpec {
    ResourceSpec {
        group: R::GROUP,
        version: Cow::Borrowed(R::VERSION),
        plural: R::URL_PATH_SEGMENT,
        kind,
        namespaced,
        metadata_only,
    }
}

/// Every resource the scan may list (Gateways only where the API group is served).
pub fn resources() -> Vec<ResourceSpec> {
    vec![
        spec::<core::Node>(ObjectKind::Node, false, true),
        spec::<core::Namespace>(ObjectKind::Namespace, false, true),
        spec::<apiext::CustomResourceDefinition>(ObjectKind::Crd, false, false),
        spec::<admission::MutatingWebhookConfiguration>(
            ObjectKind::Webhook(WebhookKind::Mutating),
            false,
            false,
        ),
        spec::<admission::ValidatingWebhookConfiguration>(
            ObjectKind::Webhook(WebhookKind::Validating),
            false,
            false,
        ),
        spec::<core::Pod>(ObjectKind::Pod, true, false),
        spec::<apps::Deployment>(ObjectKind::Workload(WorkloadKind::Deployment), true, false),
        spec::<apps::DaemonSet>(ObjectKind::Workload(WorkloadKind::DaemonSet), true, false),
        spec::<apps::StatefulSet>(ObjectKind::Workload(WorkloadKind::StatefulSet), true, false),
        spec::<apps::ReplicaSet>(ObjectKind::ReplicaSet, true, true),
        spec::<core::Service>(ObjectKind::Service, true, true),
        spec::<core::ServiceAccount>(ObjectKind::ServiceAccount, true, true),
        // Selector and budgets only (`fail-closed-single-replica`); the spec is needed.
        spec::<policy::PodDisruptionBudget>(ObjectKind::PodDisruptionBudget, true, false),
        ResourceSpec {
            group: GATEWAY_GROUP,
            version: Cow::Borrowed("v1"),
            plural: "gateways",
            kind: ObjectKind::Gateway,
            namespaced: true,
            metadata_only: false,
        },
    ]
}

/// The part of the table this server serves, given its API groups (from discovery): the
/// core group always, a named group only when served, and the Gateway API in the server's
/// preferred version.
pub(super) fn served(groups: &Groups) -> Vec<ResourceSpec> {
    let mut plan = Vec::new();
    for mut r in resources() {
        if r.group.is_empty() {
            plan.push(r);
            continue;
        }
        match groups.get(r.group) {
            None => {} // a group this cluster does not serve: nothing to read
            Some(versions) => {
                if r.kind == ObjectKind::Gateway {
                    // Use the server's preferred version of the Gateway API.
                    if let Some(v) = versions.first() {
                        r.version = Cow::Owned(v.clone());
                    }
                }
                plan.push(r);
            }
        }
    }
    plan
}

impl ResourceSpec {
    /// `pods`, `apps/deployments`: how warnings and RBAC name it.
    pub fn name(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_owned()
        } else {
            format!("{}/{}", self.group, self.plural)
        }
    }

    pub(super) fn path(&self, namespace: Option<&str>) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        match namespace.filter(|_| self.namespaced) {
            Some(ns) => format!("{base}/namespaces/{ns}/{}", self.plural),
            None => format!("{base}/{}", self.plural),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_api_layout() {
        let r = resources();
        let pods = r.iter().find(|s| s.plural == "pods").unwrap();
        assert_eq!(pods.path(None), "/api/v1/pods");
        assert_eq!(pods.path(Some("shop")), "/api/v1/namespaces/shop/pods");
        let nodes = r.iter().find(|s| s.plural == "nodes").unwrap();
        assert_eq!(
            nodes.path(Some("shop")),
            "/api/v1/nodes",
            "cluster-scoped ignores -n"
        );
        let deploy = r.iter().find(|s| s.plural == "deployments").unwrap();
        assert_eq!(deploy.path(None), "/apis/apps/v1/deployments");
        assert_eq!(deploy.name(), "apps/deployments");
        assert!(
            !r.iter().any(|s| s.plural == "secrets"),
            "the scan never lists Secrets"
        );
    }
}
