//! The cluster's Kubernetes version in the snapshot: what `release-support` judges a mesh
//! release's supported Kubernetes versions against.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The Kubernetes version, and where it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Kubernetes {
    /// As given (`v1.32.4`, `v1.33.2-eks-4f1b2c3`).
    pub version: String,
    pub from: KubernetesFrom,
}

/// Where the Kubernetes version was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum KubernetesFrom {
    /// Live: `gitVersion` of `GET /version`.
    ApiServer,
    /// Offline: the oldest `status.nodeInfo.kubeletVersion` of the Nodes given.
    Nodes,
}
