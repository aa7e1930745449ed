//! The mesh catalog: everything meshsurface knows about Istio, Linkerd and Cilium, as data.
//!
//! Each mesh is one YAML file in this folder, embedded in the binary. Detection code reads
//! these entries and has no mesh names in it: adding a mesh (Kuma, Consul) means adding a
//! file here and fixtures, not editing `detect`. Every entry cites where its facts come
//! from (upstream files by short name, resolved to repository, commit and path in
//! `docs/sources.md`) in a comment next to it. The tests (`tests.rs`) keep the data
//! honest: ids unique, references resolvable, every file parses.
//!
//! The rule types are here; `matching` holds the per-workload match and image helpers,
//! `injection` the injector data, `graph` the dependency-graph and runbook rules, and
//! `profiles` the feature profiles.

mod config;
pub use config::{ConfigRules, KindRef, OverrideKeys};
mod graph;
mod injection;
mod matching;
mod releases;
pub use releases::{Release, ReleaseTable, Resolved, Skew};
mod trust;
pub use trust::{AnchorConfigMap, AnchorEnv, TrustAnchors};

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use thiserror::Error;

pub mod profiles;

use crate::inventory::{Container, Labels, PodShape};
use crate::surface::{Capture, Mode, Placement, Role, ScalesWith};

pub use graph::{ConfigFlow, EdgeRule, EdgeType, Endpoint, UpgradeKind, UpgradeRule};
pub use injection::{InjectOverrides, InjectSelector, Injection, SelectorOn};
pub use matching::{image_matches, image_version, split_image, Match, GATEWAY_NAME_LABEL};

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
    /// The configuration engineers write for the mesh (see [`config`]).
    #[serde(default)]
    pub configuration: ConfigRules,
    /// Where the mesh publishes its trust anchors without a Secret (see [`trust`]).
    #[serde(default)]
    pub trust_anchors: TrustAnchors,
    /// [`MeshEntry::upgrade`] in runbook order (indexes), computed once at load.
    #[serde(skip)]
    pub runbook: Vec<usize>,
    /// The mesh's release-support table (`releases/<mesh>.yaml`), attached at load.
    #[serde(skip)]
    pub releases: Option<ReleaseTable>,
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
        for (file, text) in RELEASE_FILES {
            let table: ReleaseTable = serde_saphyr::from_str(text).map_err(|e| Error::Parse {
                file,
                source: Box::new(e),
            })?;
            let bad = |problem: String| Error::Invalid { file, problem };
            let Some(m) = meshes.iter_mut().find(|m| m.mesh == table.mesh) else {
                return Err(bad(format!("names unknown mesh {}", table.mesh)));
            };
            if m.releases.is_some() {
                return Err(bad(format!("{} has another release table", table.mesh)));
            }
            m.validate_releases(&table).map_err(bad)?;
            m.releases = Some(table);
        }
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
                    .chain(&i.revision_annotation)
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

pub(crate) use crate::apigroup::within as group_matches;

impl MeshEntry {
    pub fn component(&self, id: &str) -> Option<&ComponentRule> {
        self.components.iter().find(|c| c.id == id)
    }

    pub fn needs_group(&self, group: &str) -> bool {
        self.shared_crd_groups
            .iter()
            .any(|g| group_matches(group, g))
    }

    /// A release table's versions parse and its skew names this mesh's components.
    fn validate_releases(&self, t: &ReleaseTable) -> std::result::Result<(), String> {
        for r in &t.releases {
            if crate::version::Version::parse(&r.version).is_none() {
                return Err(format!("release {:?} is not MAJOR.MINOR", r.version));
            }
            let kube = r.kubernetes.iter().chain(&r.kubernetes_minimum);
            if let Some(k) = kube
                .into_iter()
                .find(|k| crate::version::Version::parse(k).is_none())
            {
                return Err(format!(
                    "release {}: Kubernetes {k:?} is not MAJOR.MINOR",
                    r.version
                ));
            }
        }
        for id in t.skew.control_plane.iter().chain(&t.skew.data_plane) {
            if self.component(id).is_none() {
                return Err(format!("skew names unknown component {id}"));
            }
        }
        Ok(())
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
mod tests;
