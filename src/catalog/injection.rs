//! Injection at admission, as data: which templates a mesh's injector would inject, and
//! what it adds (see `docs/surface-model.md`, "Injection at admission"). Apart from the
//! component rules because detection reads it in its own pass over pod templates.

use serde::Deserialize;

/// A sidecar injector: which templates it injects and what it adds (see
/// `docs/surface-model.md`, "Injection at admission").
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Injection {
    /// Components whose presence in the input means an injector runs.
    pub injectors: Vec<String>,
    /// The container it adds, and its image repository suffix.
    pub container: String,
    pub image: String,
    /// The injector's own injected proxy (image, version, requests, limits) is the model
    /// of the projected one; otherwise the injector's version and the defaults below.
    #[serde(default)]
    pub model_from_injector_proxy: bool,
    /// The label by which an injector names its revision; a selector with `revision`
    /// picks the injector whose label holds the matched value (else `default`).
    #[serde(default)]
    pub revision_label: Option<String>,
    /// The pod annotation in which the injector records the revision that injected it
    /// (the pod's own revision label, when present, is read if this is absent).
    #[serde(default)]
    pub revision_annotation: Option<String>,
    /// Tried in order; the first that matches decides. None matching: no injection.
    pub selectors: Vec<InjectSelector>,
    /// The injector's default requests and limits (its chart's values).
    #[serde(default)]
    pub requests: crate::inventory::Resources,
    #[serde(default)]
    pub limits: crate::inventory::Resources,
    /// Per-workload annotations that override them.
    #[serde(default)]
    pub overrides: InjectOverrides,
    /// Any override annotation replaces the defaults as a whole (Istio's template).
    #[serde(default)]
    pub overrides_replace_defaults: bool,
    /// Override annotations on the namespace apply too (the pod's win).
    #[serde(default)]
    pub overrides_from_namespace: bool,
}

/// Where a selector looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SelectorOn {
    NamespaceLabel,
    NamespaceAnnotation,
    PodLabel,
    PodAnnotation,
}

/// One injection selector: this key (with one of these values, or any value when none
/// are listed) turns injection on or off.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InjectSelector {
    pub on: SelectorOn,
    pub key: String,
    #[serde(default)]
    pub values: Vec<String>,
    pub inject: bool,
    /// The matched value names the injector's revision.
    #[serde(default)]
    pub revision: bool,
}

/// Annotation keys that override the injected proxy's resources and version.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InjectOverrides {
    #[serde(default)]
    pub cpu_request: Option<String>,
    #[serde(default)]
    pub memory_request: Option<String>,
    #[serde(default)]
    pub cpu_limit: Option<String>,
    #[serde(default)]
    pub memory_limit: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}

impl InjectOverrides {
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        [
            &self.cpu_request,
            &self.memory_request,
            &self.cpu_limit,
            &self.memory_limit,
            &self.version,
        ]
        .into_iter()
        .flatten()
    }
}
