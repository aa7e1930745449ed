//! Hazards: what is about to break or page someone on day 2, found with `get`/`list` only
//! (never a Secret, never `exec`). Apart from warnings because a warning is about the
//! figures (something could not be read or counted) while a hazard is about the cluster.
//!
//! One entry per (code, mesh): `count` objects stand behind it, all listed in `objects`
//! (tables show the first few). `why` is one sentence on what breaks and `source` cites
//! the rule (`docs/hazards.md` lists them all).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::vocabulary::{HazardCode, Severity};

/// One hazard of one mesh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Hazard {
    pub code: HazardCode,
    /// The most severe of its objects'.
    pub severity: Severity,
    pub mesh: String,
    /// How many objects (webhooks, proxies, configuration objects) it stands for.
    pub count: u64,
    /// The objects concerned (`Kind/namespace/name`, namespaces, or kinds with counts).
    pub objects: Vec<String>,
    pub message: String,
    /// What breaks, in one sentence.
    pub why: String,
    /// Where the rule comes from: an upstream document (URL) or repository path.
    pub source: String,
}

/// Sorts hazards most severe first, then by code and mesh: the order of every output.
pub fn sort(hazards: &mut [Hazard]) {
    hazards.sort_by(|a, b| (a.severity, a.code, &a.mesh).cmp(&(b.severity, b.code, &b.mesh)));
}
