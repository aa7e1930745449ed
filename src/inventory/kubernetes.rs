//! The cluster's Kubernetes version, as the input tells it: live, the API server's own
//! (`GET /version`, readable by every user); offline, the kubelets' (`status.nodeInfo.
//! kubeletVersion` of the Node objects given), of which the oldest minor counts, because
//! a mesh must work on every node. Apart from the builder because it is one small job.

use std::collections::BTreeMap;

use super::InventoryBuilder;
use crate::surface::{Kubernetes, KubernetesFrom};
use crate::version::Version;

/// What the input said about the Kubernetes version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KubernetesVersions {
    /// `gitVersion` of `GET /version` (live).
    pub api_server: Option<String>,
    /// Node name → `status.nodeInfo.kubeletVersion`.
    pub kubelets: BTreeMap<String, String>,
}

impl KubernetesVersions {
    pub fn merge(&mut self, other: KubernetesVersions) {
        self.api_server = self.api_server.take().or(other.api_server);
        self.kubelets.extend(other.kubelets);
    }

    /// The version hazards judge against: the API server's, else the oldest kubelet's
    /// (versions that do not parse are left out; none: `None`).
    pub fn cluster(&self) -> Option<Kubernetes> {
        if let Some(v) = &self.api_server {
            return Some(Kubernetes {
                version: v.clone(),
                from: KubernetesFrom::ApiServer,
            });
        }
        self.kubelets
            .values()
            .filter_map(|raw| Version::parse(raw).map(|v| (v, raw)))
            .min()
            .map(|(_, raw)| Kubernetes {
                version: raw.clone(),
                from: KubernetesFrom::Nodes,
            })
    }
}

impl InventoryBuilder {
    /// A Node's `kubeletVersion` (a later copy of the Node replaces it).
    pub fn add_kubelet_version(&mut self, node: &str, version: String) {
        self.inv
            .kubernetes
            .kubelets
            .insert(node.to_owned(), version);
    }

    /// The API server's `gitVersion`.
    pub fn set_api_server_version(&mut self, version: String) {
        self.inv.kubernetes.api_server = Some(version);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_server_wins_else_the_oldest_kubelet() {
        let mut k = KubernetesVersions::default();
        assert_eq!(k.cluster(), None);
        for (n, v) in [("a", "v1.33.2"), ("b", "v1.32.9-eks-1"), ("c", "garbage")] {
            k.kubelets.insert(n.into(), v.into());
        }
        let c = k.cluster().unwrap();
        assert_eq!(
            (c.version.as_str(), c.from),
            ("v1.32.9-eks-1", KubernetesFrom::Nodes)
        );
        k.merge(KubernetesVersions {
            api_server: Some("v1.34.1".into()),
            kubelets: BTreeMap::new(),
        });
        let c = k.cluster().unwrap();
        assert_eq!(
            (c.version.as_str(), c.from),
            ("v1.34.1", KubernetesFrom::ApiServer)
        );
    }
}
