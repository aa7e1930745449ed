//! Matching a workload to a component rule, and reading images: the conditions a
//! workload must meet (kinds, images, labels, namespaces, arguments, Gateway class) and
//! the image-name helpers every rule uses. Apart from the rule types because this is the
//! code detection runs per workload, with its own tests of image suffixes.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::inventory::{Container, Labels, PodShape, WorkloadKind};

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
            return Some(shape.containers.first().map(|c| &**c));
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
