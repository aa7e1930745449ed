//! What the catalog says about a mesh's configuration: the objects its engineers write
//! (custom resources of its API groups), which of those kinds are fragile across upgrades,
//! which kinds are state a controller writes (never counted), and which pod annotations are
//! per-workload proxy overrides.
//!
//! Data, not code: adding a mesh's configuration rules is an edit to its catalog file.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::{group_matches, Catalog, MeshEntry, SelectorOn, GATEWAY_NAME_LABEL};
use crate::inventory::KeepKeys;

/// A mesh's `configuration:` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigRules {
    /// Pod-template annotations that override the mesh's proxy for one workload.
    pub overrides: OverrideKeys,
    /// Kinds that tie configuration to proxy internals and break across upgrades.
    pub fragile: Vec<KindRef>,
    /// Kinds of the mesh's groups that a controller writes (state, not configuration).
    pub state: Vec<KindRef>,
    /// API groups the mesh's configuration lives in, spelled out (RBAC cannot match a
    /// group by suffix): what `rbac` grants `get`/`list` on.
    pub groups: Vec<String>,
}

/// Which annotation keys are proxy overrides.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct OverrideKeys {
    /// Keys starting with one of these count...
    pub prefixes: Vec<String>,
    /// ...and these exact keys...
    pub keys: Vec<String>,
    /// ...but never these (on/off switches, keys the injector writes itself).
    pub except: Vec<String>,
}

/// One kind, with the source that says why it is listed.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KindRef {
    pub group: String,
    pub kind: String,
    #[serde(default)]
    pub source: String,
    /// For a fragile kind: what breaks, in one sentence (the `fragile-config` hazard's `why`).
    #[serde(default)]
    pub why: String,
}

impl OverrideKeys {
    /// Is this annotation key a proxy override?
    pub fn counts(&self, key: &str) -> bool {
        !self.except.iter().any(|e| e == key)
            && (self.keys.iter().any(|k| k == key)
                || self.prefixes.iter().any(|p| key.starts_with(p.as_str())))
    }
}

impl MeshEntry {
    /// Is this (group, kind) one of the mesh's fragile configuration kinds?
    pub fn is_fragile(&self, group: &str, kind: &str) -> bool {
        self.configuration
            .fragile
            .iter()
            .any(|k| k.kind == kind && group_matches(group, &k.group))
    }
}

impl Catalog {
    /// What sources keep of each object besides the fields detection always reads: the
    /// annotation keys detection reads, the proxy-override annotations, and which custom
    /// resources are configuration to count.
    pub fn keep_keys(&self) -> KeepKeys {
        let mut annotation_prefixes: Vec<String> = Vec::new();
        let mut annotations = self.annotation_keys();
        let mut config_groups: Vec<String> = Vec::new();
        let mut state_kinds = BTreeSet::new();
        for m in &self.meshes {
            let c = &m.configuration;
            annotation_prefixes.extend(c.overrides.prefixes.iter().cloned());
            annotations.extend(c.overrides.keys.iter().cloned());
            config_groups.extend(m.crd_groups.iter().cloned());
            config_groups.extend(m.shared_crd_groups.iter().cloned());
            state_kinds.extend(c.state.iter().map(|k| k.kind.clone()));
        }
        annotation_prefixes.sort();
        annotation_prefixes.dedup();
        config_groups.sort();
        config_groups.dedup();
        KeepKeys {
            annotations,
            annotation_prefixes,
            labels: Some(self.label_keys()),
            config_groups,
            state_kinds,
            anchor_config_maps: self
                .meshes
                .iter()
                .flat_map(|m| m.trust_anchors.config_maps.iter().cloned())
                .collect(),
            env: self
                .meshes
                .iter()
                .filter_map(|m| m.trust_anchors.pod_env.as_ref())
                .map(|e| e.name.clone())
                .collect(),
        }
    }

    /// Every label key detection reads by name, on workloads, pods and namespaces:
    /// component matchers, ownership, capture, a proxy's placement labels, injection's
    /// revision label and label selectors, a gateway's Gateway name and the
    /// `pod-template-hash` that names a Deployment whose ReplicaSet was not read.
    /// (Disruption budgets' selectors read any key: template labels stay whole.)
    pub fn label_keys(&self) -> BTreeSet<String> {
        let mut keys: BTreeSet<String> = [GATEWAY_NAME_LABEL, "pod-template-hash"]
            .into_iter()
            .map(str::to_owned)
            .collect();
        for m in &self.meshes {
            for c in &m.components {
                keys.extend(c.r#match.iter().flat_map(|m| m.labels.keys().cloned()));
                if let Some(p) = &c.proxy {
                    keys.extend(p.namespace_label.iter().chain(&p.name_label).cloned());
                }
            }
            keys.extend(m.ownership.iter().map(|o| o.label.clone()));
            keys.extend(m.capture.iter().map(|c| c.label.clone()));
            if let Some(i) = &m.injection {
                keys.extend(i.revision_label.iter().cloned());
                keys.extend(
                    i.selectors
                        .iter()
                        .filter(|s| {
                            matches!(s.on, SelectorOn::NamespaceLabel | SelectorOn::PodLabel)
                        })
                        .map(|s| s.key.clone()),
                );
            }
        }
        keys
    }

    /// The mesh a configuration kind belongs to: its owner, else `shared` when a mesh in
    /// `present` needs the group; None when it is no mesh's configuration.
    pub fn config_owner<'a>(
        &'a self,
        group: &str,
        kind: &str,
        present: &[&str],
    ) -> Option<&'a str> {
        if self.meshes.iter().any(|m| {
            m.configuration
                .state
                .iter()
                .any(|k| k.kind == kind && group_matches(group, &k.group))
        }) {
            return None;
        }
        if let Some(m) = self.owner_of_group(group) {
            return Some(m.mesh.as_str());
        }
        self.meshes
            .iter()
            .filter(|m| present.contains(&m.mesh.as_str()))
            .any(|m| m.needs_group(group))
            .then_some(crate::surface::SHARED)
    }

    /// The API groups whose objects are configuration, spelled out (for `rbac`).
    pub fn config_groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> = self
            .meshes
            .iter()
            .flat_map(|m| m.configuration.groups.iter().map(String::as_str))
            .collect();
        groups.sort_unstable();
        groups.dedup();
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_keys_follow_prefixes_keys_and_exceptions() {
        let k = OverrideKeys {
            prefixes: vec!["sidecar.istio.io/".into()],
            keys: vec!["inject.istio.io/templates".into()],
            except: vec!["sidecar.istio.io/inject".into()],
        };
        assert!(k.counts("sidecar.istio.io/proxyCPU"));
        assert!(k.counts("inject.istio.io/templates"));
        assert!(!k.counts("sidecar.istio.io/inject"));
        assert!(!k.counts("istio.io/rev"));
    }

    #[test]
    fn the_catalog_keeps_override_annotations_and_config_groups() {
        let c = Catalog::load().expect("catalog");
        let keep = c.keep_keys();
        assert!(keep.keeps_annotation("config.linkerd.io/proxy-cpu-request"));
        assert!(keep.keeps_annotation("sidecar.istio.io/proxyCPU"));
        assert!(keep.is_config("networking.istio.io", "VirtualService"));
        assert!(keep.is_config("gateway.networking.k8s.io", "HTTPRoute"));
        assert!(keep.is_config("cilium.io", "CiliumNetworkPolicy"));
        assert!(!keep.is_config("cilium.io", "CiliumEndpoint"));
        assert!(!keep.is_config("apps", "Deployment"));
        let istio = c.mesh("istio").expect("istio");
        assert!(istio.is_fragile("networking.istio.io", "EnvoyFilter"));
        assert!(!istio.is_fragile("networking.istio.io", "VirtualService"));
        assert_eq!(
            c.config_owner("gateway.networking.k8s.io", "HTTPRoute", &["istio"]),
            Some("shared")
        );
        assert_eq!(
            c.config_owner("gateway.networking.k8s.io", "HTTPRoute", &[]),
            None
        );
        assert_eq!(
            c.config_owner("cilium.io", "CiliumIdentity", &["cilium"]),
            None
        );
        assert!(c.config_groups().contains(&"policy.linkerd.io"));
    }
}
