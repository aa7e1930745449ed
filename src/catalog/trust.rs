//! Where each mesh publishes its trust anchors without a Secret: ConfigMaps (by name and
//! key, in the namespaces of named components) and a proxy environment variable.
//!
//! Apart because these are the only objects read by name: a live scan GETs exactly these
//! ConfigMaps (never a ConfigMap list), and `rbac` grants `get` on exactly these names.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::{Catalog, MeshEntry};

/// A mesh's trust-anchor publications (catalog `trustAnchors`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrustAnchors {
    /// ConfigMaps that publish the anchors, in the order they are judged.
    #[serde(default)]
    pub config_maps: Vec<AnchorConfigMap>,
    /// A proxy environment variable holding the anchors the proxy started with.
    #[serde(default)]
    pub pod_env: Option<AnchorEnv>,
    /// When none of the (non-optional) ConfigMaps is found next to their components, the
    /// anchors live only in a Secret: the likely reason, in a few words ("external CA?").
    #[serde(default)]
    pub secret_only: Option<String>,
    /// Where the facts come from (repository, commit, path).
    pub source: String,
}

/// One ConfigMap key holding PEM certificates.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnchorConfigMap {
    pub name: String,
    pub key: String,
    /// The key holds YAML; the PEM is this top-level field of it.
    #[serde(default)]
    pub field: Option<String>,
    /// Looked for in the namespaces where these components (catalog ids) run.
    pub components: Vec<String>,
    /// Published only when an optional feature is installed: its absence says nothing.
    #[serde(default)]
    pub optional: bool,
}

impl AnchorConfigMap {
    /// `ca-bundle.crt`, or `values.identityTrustAnchorsPEM` for a field inside a key.
    pub fn place(&self) -> String {
        match &self.field {
            Some(f) => format!("{}.{f}", self.key),
            None => self.key.clone(),
        }
    }
}

/// The proxy environment variable that holds the trust anchors.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnchorEnv {
    pub container: String,
    pub name: String,
    /// The ConfigMap (one of `configMaps`, by name) whose text it must equal.
    pub matches: String,
    /// The upstream check this mirrors.
    pub source: String,
}

impl MeshEntry {
    /// The namespaces, among `(component id, namespace)` pairs, where `cm` is looked for.
    pub fn anchor_namespaces<'a>(
        cm: &AnchorConfigMap,
        components: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> BTreeSet<String> {
        components
            .filter(|(id, _)| cm.components.iter().any(|c| c == id))
            .map(|(_, ns)| ns.to_owned())
            .collect()
    }
}

impl Catalog {
    /// Every trust-anchor ConfigMap name, sorted: what `rbac` grants `get` on.
    pub fn anchor_config_map_names(&self) -> Vec<String> {
        let names: BTreeSet<String> = self
            .meshes
            .iter()
            .flat_map(|m| m.trust_anchors.config_maps.iter().map(|c| c.name.clone()))
            .collect();
        names.into_iter().collect()
    }
}
