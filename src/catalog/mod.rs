//! The mesh catalog: everything meshsurface knows about Istio, Linkerd and Cilium, as data.
//!
//! Each mesh is one YAML file in this folder, embedded in the binary. Detection code reads
//! these entries and has no mesh names in it: adding a mesh (Kuma, Consul) means adding a
//! file here and fixtures, not editing `detect`. Every entry cites where its facts come
//! from (upstream files by short name, resolved to repository, commit and path in
//! `docs/sources.md`) in a comment next to it. The tests at the bottom keep
//! the data honest: ids unique, references resolvable, every file parses.

mod graph;

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use thiserror::Error;

pub mod profiles;

use crate::inventory::{Container, Labels, PodShape, WorkloadKind};
use crate::surface::{Capture, Mode, Placement, Role, ScalesWith};

pub use graph::{EdgeRule, EdgeType, Endpoint, UpgradeKind, UpgradeRule};

// The embedded catalog and profile files (`CATALOG_FILES`, `PROFILE_FILES`), listed by
// `build.rs` from this folder: adding a mesh adds files, not code.
include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));

/// A catalog file that does not load.
#[derive(Debug, Error)]
pub enum Error {
    #[error("catalog file {file}: {source}")]
    Parse {
        file: &'static str,
        #[source]
        source: Box<serde_saphyr::Error>,
    },
    #[error("catalog file {file}: {problem}")]
    Invalid { file: &'static str, problem: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// All meshes meshsurface knows.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub meshes: Vec<MeshEntry>,
}

/// One mesh's signatures.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MeshEntry {
    /// `istio`, `linkerd`, `cilium`.
    pub mesh: String,
    /// Meshes are tried (and listed) by this number: component rules of equal priority,
    /// sidecar rules.
    pub order: u32,
    /// API groups the mesh owns: a CRD's group matches when it equals one of these or ends
    /// with `.` + one of these.
    #[serde(default)]
    pub crd_groups: Vec<String>,
    /// API groups the mesh needs but does not own (listed as `mesh: shared`).
    #[serde(default)]
    pub shared_crd_groups: Vec<String>,
    /// A webhook configuration is the mesh's when one of its webhooks' names ends so.
    #[serde(default)]
    pub webhook_suffixes: Vec<String>,
    /// Components whose version is the mesh's version.
    #[serde(default)]
    pub version_from: Vec<String>,
    pub modes: Modes,
    #[serde(default)]
    pub sidecars: Vec<SidecarRule>,
    #[serde(default)]
    pub capture: Vec<CaptureRule>,
    pub components: Vec<ComponentRule>,
    /// Labels by which the mesh marks its own workloads: a workload no component rule
    /// matches but one of these does is the mesh's, as a component of role `unknown`.
    #[serde(default)]
    pub ownership: Vec<OwnershipLabel>,
    /// Dependency-graph edges between this mesh's parts (see [`graph`]).
    #[serde(default)]
    pub edges: Vec<EdgeRule>,
    /// The upgrade runbook: steps and their "must be upgraded before" relation.
    #[serde(default)]
    pub upgrade: Vec<UpgradeRule>,
    /// What the mesh's injector adds at admission, projected onto templates without pods.
    #[serde(default)]
    pub injection: Option<Injection>,
    /// [`MeshEntry::upgrade`] in runbook order (indexes), computed once at load.
    #[serde(skip)]
    pub runbook: Vec<usize>,
}

/// One ownership label: present (any value), or with this value.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OwnershipLabel {
    pub label: String,
    #[serde(default)]
    pub value: Option<String>,
}

impl MeshEntry {
    /// Do these labels (workload or template) say the workload is this mesh's own?
    pub fn owns(&self, labels: &Labels, template: &Labels) -> bool {
        self.ownership.iter().any(|o| {
            [labels, template]
                .iter()
                .any(|l| match (l.get(&o.label), &o.value) {
                    (Some(_), None) => true,
                    (Some(v), Some(want)) => v == want,
                    (None, _) => false,
                })
        })
    }
}

/// How a mesh's mode is told.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Modes {
    /// The mode when no rule applies.
    pub default: Mode,
    /// Modes that apply together are joined with `+` in this order.
    #[serde(default)]
    pub rules: Vec<ModeRule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ModeRule {
    pub mode: Mode,
    /// Applies when the mesh has a proxy with this placement.
    #[serde(default)]
    pub when_placement: Option<Placement>,
    /// Applies when the mesh runs this component.
    #[serde(default)]
    pub when_component: Option<String>,
}

/// A proxy container injected into application pods.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SidecarRule {
    pub container: String,
    /// Image repository suffix (path segments), never the registry host.
    pub image: String,
    pub implementation: String,
    /// A pod annotation that states the proxy version (wins over the image tag).
    #[serde(default)]
    pub version_annotation: Option<String>,
    /// The rule applies only to pods carrying all these annotations (an injection
    /// template that runs something else in the same container). Rules are tried in
    /// file order; the first that applies to a container wins.
    #[serde(default)]
    pub when_annotations: BTreeMap<String, String>,
}

impl SidecarRule {
    /// Is this container, in a pod of this shape, this rule's proxy?
    pub fn applies(&self, shape: &PodShape, c: &Container) -> bool {
        self.container == c.name
            && image_matches(&c.image, &self.image)
            && self
                .when_annotations
                .iter()
                .all(|(k, v)| shape.annotations.get(k) == Some(v))
    }
}

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

/// Capture without a sidecar (ambient): a label on the namespace or the pod.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CaptureRule {
    pub label: String,
    pub value: String,
    /// The same label with this value on a pod opts it out.
    #[serde(default)]
    pub opt_out_value: Option<String>,
    /// Capture happens only when the mesh runs this component.
    pub requires_component: String,
    /// The capture mode an enrolled pod is counted under.
    pub capture: Capture,
}

/// How to recognise one component, and what it is.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ComponentRule {
    pub id: String,
    pub role: Role,
    pub scales_with: ScalesWith,
    /// The feature that brings it (vocabulary shared with growth).
    pub feature: String,
    /// Rules with a higher priority are tried first (default 0; ties: file order).
    #[serde(default)]
    pub priority: i32,
    /// Any of these matches.
    pub r#match: Vec<Match>,
    /// Set when every pod of this component is a proxy.
    #[serde(default)]
    pub proxy: Option<ProxyRule>,
    /// The component's own containers (by name), whose image tag is its version: a
    /// control-plane pod may carry an injected proxy as its first container.
    #[serde(default)]
    pub containers: Vec<String>,
    /// Services in front of this component's pods besides one named like its workload:
    /// a webhook whose `service` is one of these (in the component's namespace) is served
    /// by it.
    #[serde(default)]
    pub services: Vec<String>,
}

/// Conditions that must all hold.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Match {
    #[serde(default)]
    pub kinds: Vec<WorkloadKind>,
    /// One regular container's image repository ends with one of these.
    #[serde(default)]
    pub images: Vec<String>,
    /// Every label must be present with this value (workload or pod template labels).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub namespaces: Vec<String>,
    /// The image-matched container is the pod's only regular container.
    #[serde(default)]
    pub sole_container: bool,
    /// One regular container's `args` begin with these (`[proxy, waypoint]`).
    #[serde(default)]
    pub args: Vec<String>,
    /// The workload's `gateway.networking.k8s.io/gateway-name` label names a Gateway
    /// (same namespace) of one of these classes.
    #[serde(default)]
    pub gateway_classes: Vec<String>,
}

/// The label by which a deployed gateway names its Gateway API Gateway.
pub const GATEWAY_NAME_LABEL: &str = "gateway.networking.k8s.io/gateway-name";

/// A component whose pods are proxies.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProxyRule {
    pub implementation: String,
    /// The proxy container's image repository suffix.
    pub image: String,
    pub placement: Placement,
    /// Placement when the pod's namespace names this workload in that label
    /// (`istio.io/use-waypoint`); otherwise `placement_otherwise`.
    #[serde(default)]
    pub namespace_label: Option<String>,
    /// The pod label that holds the name the namespace label gives (a waypoint's Gateway
    /// name); absent, or not on the pod: the workload's own name.
    #[serde(default)]
    pub name_label: Option<String>,
    #[serde(default)]
    pub placement_otherwise: Option<Placement>,
}

/// Splits `registry/org/repo:tag@sha256:...` into (repository path, tag).
pub fn split_image(image: &str) -> (&str, Option<&str>) {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    match no_digest[last_slash..].rfind(':') {
        Some(i) => (
            &no_digest[..last_slash + i],
            Some(&no_digest[last_slash + i + 1..]).filter(|t| !t.is_empty()),
        ),
        None => (no_digest, None),
    }
}

/// Does the image's repository end with these path segments (`linkerd/proxy`, `pilot`)?
pub fn image_matches(image: &str, suffix: &str) -> bool {
    let (repo, _) = split_image(image);
    let repo = repo.trim_end_matches('/');
    repo == suffix
        || (repo.ends_with(suffix)
            && repo.as_bytes().get(repo.len() - suffix.len() - 1) == Some(&b'/'))
}

/// The version an image states: its tag.
pub fn image_version(image: &str) -> Option<String> {
    split_image(image).1.map(str::to_owned)
}

impl Match {
    /// Does a workload (kind, namespace, labels, pod shape, class of the Gateway its
    /// gateway-name label joins) meet every condition? Returns the image-matched
    /// container, or the first container when no image was asked for.
    pub fn matches<'a>(
        &self,
        kind: WorkloadKind,
        namespace: &str,
        labels: &Labels,
        shape: &'a PodShape,
        gateway_class: Option<&str>,
    ) -> Option<Option<&'a Container>> {
        if !self.kinds.is_empty() && !self.kinds.contains(&kind) {
            return None;
        }
        if !self.namespaces.is_empty() && !self.namespaces.iter().any(|n| n == namespace) {
            return None;
        }
        let has_label =
            |k: &String, v: &String| labels.get(k) == Some(v) || shape.labels.get(k) == Some(v);
        if !self.labels.iter().all(|(k, v)| has_label(k, v)) {
            return None;
        }
        if !self.gateway_classes.is_empty()
            && !gateway_class.is_some_and(|g| self.gateway_classes.iter().any(|c| c == g))
        {
            return None;
        }
        if !self.args.is_empty()
            && !shape
                .containers
                .iter()
                .any(|c| c.args.starts_with(&self.args))
        {
            return None;
        }
        if self.images.is_empty() {
            return Some(shape.containers.first());
        }
        let hit = shape
            .containers
            .iter()
            .find(|c| self.images.iter().any(|i| image_matches(&c.image, i)))?;
        if self.sole_container && shape.containers.len() != 1 {
            return None;
        }
        Some(Some(hit))
    }
}

impl Catalog {
    /// Loads and checks the embedded catalog.
    pub fn load() -> Result<Self> {
        let mut meshes = Vec::new();
        let mut orders = BTreeMap::new();
        for (file, text) in CATALOG_FILES {
            let mut entry: MeshEntry = serde_saphyr::from_str(text).map_err(|e| Error::Parse {
                file,
                source: Box::new(e),
            })?;
            entry.validate(file)?;
            claim_order(&mut orders, entry.order, file)?;
            entry.runbook = entry
                .upgrade_order()
                .map_err(|problem| Error::Invalid { file, problem })?;
            meshes.push(entry);
        }
        meshes.sort_by_key(|m| m.order);
        Ok(Self { meshes })
    }

    pub fn mesh(&self, name: &str) -> Option<&MeshEntry> {
        self.meshes.iter().find(|m| m.mesh == name)
    }

    /// Component rules of every mesh, in the order they are tried.
    pub fn component_rules(&self) -> Vec<(&MeshEntry, &ComponentRule)> {
        let mut rules: Vec<_> = self
            .meshes
            .iter()
            .flat_map(|m| m.components.iter().map(move |c| (m, c)))
            .collect();
        rules.sort_by_key(|(_, c)| std::cmp::Reverse(c.priority));
        rules
    }

    /// The pod annotations detection reads (all others are dropped while reading pods).
    pub fn annotation_keys(&self) -> BTreeSet<String> {
        let sidecars = self
            .meshes
            .iter()
            .flat_map(|m| m.sidecars.iter())
            .flat_map(|s| s.version_annotation.iter().chain(s.when_annotations.keys()));
        let injection = self
            .meshes
            .iter()
            .filter_map(|m| m.injection.as_ref())
            .flat_map(|i| {
                i.selectors
                    .iter()
                    .filter(|s| s.on == SelectorOn::PodAnnotation)
                    .map(|s| &s.key)
                    .chain(i.overrides.keys())
            });
        sidecars.chain(injection).cloned().collect()
    }

    /// The mesh that owns an API group, if any.
    pub fn owner_of_group(&self, group: &str) -> Option<&MeshEntry> {
        self.meshes
            .iter()
            .find(|m| m.crd_groups.iter().any(|g| group_matches(group, g)))
    }
}

/// Two files with the same `order` would be used in an order no file states.
pub(crate) fn claim_order(
    orders: &mut BTreeMap<u32, &'static str>,
    order: u32,
    file: &'static str,
) -> Result<()> {
    match orders.insert(order, file) {
        Some(other) => Err(Error::Invalid {
            file,
            problem: format!("order {order} is also {other}'s"),
        }),
        None => Ok(()),
    }
}

pub(crate) fn group_matches(group: &str, pattern: &str) -> bool {
    group == pattern
        || group
            .strip_suffix(pattern)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

impl MeshEntry {
    pub fn component(&self, id: &str) -> Option<&ComponentRule> {
        self.components.iter().find(|c| c.id == id)
    }

    pub fn needs_group(&self, group: &str) -> bool {
        self.shared_crd_groups
            .iter()
            .any(|g| group_matches(group, g))
    }

    fn validate(&self, file: &'static str) -> Result<()> {
        let bad = |problem: String| Err(Error::Invalid { file, problem });
        let mut ids = BTreeSet::new();
        for c in &self.components {
            if !ids.insert(c.id.as_str()) {
                return bad(format!("component id {} is listed twice", c.id));
            }
            if c.r#match.is_empty() {
                return bad(format!("component {} has no match rule", c.id));
            }
            for m in &c.r#match {
                if m.kinds.is_empty()
                    && m.images.is_empty()
                    && m.labels.is_empty()
                    && m.args.is_empty()
                    && m.gateway_classes.is_empty()
                {
                    return bad(format!(
                        "component {} has a match rule that matches anything",
                        c.id
                    ));
                }
            }
        }
        for id in &self.version_from {
            if !ids.contains(id.as_str()) {
                return bad(format!("versionFrom names unknown component {id}"));
            }
        }
        for r in &self.modes.rules {
            if let Some(id) = &r.when_component {
                if !ids.contains(id.as_str()) {
                    return bad(format!("mode {} names unknown component {id}", r.mode));
                }
            }
        }
        for id in self.injection.iter().flat_map(|i| &i.injectors) {
            if !ids.contains(id.as_str()) {
                return bad(format!("injection names unknown injector {id}"));
            }
        }
        for r in &self.capture {
            if !ids.contains(r.requires_component.as_str()) {
                return bad(format!(
                    "capture names unknown component {}",
                    r.requires_component
                ));
            }
        }
        self.validate_graph()
            .map_err(|problem| Error::Invalid { file, problem })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_loads_and_validates() {
        let c = Catalog::load().unwrap();
        assert_eq!(c.meshes.len(), CATALOG_FILES.len(), "one mesh per file");
        let names: Vec<&str> = c.meshes.iter().map(|m| m.mesh.as_str()).collect();
        let at = |m: &str| names.iter().position(|n| *n == m).unwrap();
        // Tried in `order`, not by file name: istio's rules before cilium's.
        assert!(at("istio") < at("linkerd") && at("linkerd") < at("cilium"));
        assert!(c.meshes.windows(2).all(|w| w[0].order < w[1].order));
    }

    #[test]
    fn component_ids_unique_across_meshes() {
        let c = Catalog::load().unwrap();
        let mut seen = BTreeSet::new();
        for m in &c.meshes {
            for comp in &m.components {
                assert!(seen.insert(comp.id.clone()), "duplicate id {}", comp.id);
            }
        }
    }

    #[test]
    fn image_suffixes_ignore_registry_and_tag() {
        assert!(image_matches("docker.io/istio/proxyv2:1.26.3", "proxyv2"));
        assert!(image_matches(
            "registry.corp.example/mirror/istio/proxyv2:1.26.3",
            "proxyv2"
        ));
        assert!(image_matches("proxyv2", "proxyv2"));
        assert!(image_matches(
            "cr.l5d.io/linkerd/proxy:edge-25.4.4",
            "linkerd/proxy"
        ));
        assert!(!image_matches("docker.io/acme/myproxyv2:1", "proxyv2"));
        assert!(!image_matches(
            "cr.l5d.io/linkerd/proxy-init:v2",
            "linkerd/proxy"
        ));
        assert!(
            image_matches("localhost:5000/pilot", "pilot"),
            "registry port is not a tag"
        );
        assert_eq!(
            split_image("localhost:5000/pilot"),
            ("localhost:5000/pilot", None)
        );
        assert_eq!(
            split_image("quay.io/cilium/cilium:v1.17.4@sha256:abc"),
            ("quay.io/cilium/cilium", Some("v1.17.4"))
        );
        assert_eq!(image_version("quay.io/cilium/cilium@sha256:abc"), None);
    }

    #[test]
    fn group_ownership() {
        let c = Catalog::load().unwrap();
        let owner = |g| c.owner_of_group(g).map(|m| m.mesh.as_str());
        assert_eq!(owner("networking.istio.io"), Some("istio"));
        assert_eq!(owner("policy.linkerd.io"), Some("linkerd"));
        assert_eq!(owner("linkerd.io"), Some("linkerd"));
        assert_eq!(owner("cilium.io"), Some("cilium"));
        assert_eq!(owner("notistio.io"), None);
        assert_eq!(owner("gateway.networking.k8s.io"), None);
    }
}
