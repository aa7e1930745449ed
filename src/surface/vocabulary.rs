//! The closed vocabularies of the snapshot contract: warning and hazard codes, hazard
//! severities, component roles and scaling, proxy placements, origins, data-plane modes and capture modes. Apart from the
//! records that use them because each is a list of allowed values with one spelling
//! (serde and JSON Schema list them); catalog data names them and fails to load on a typo.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The warning codes of the contract.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum WarningCode {
    Forbidden,
    Unreachable,
    Timeout,
    MetricsUnavailable,
    MetricsPartial,
    MissingRequests,
    InvalidQuantity,
    AbsurdReplicas,
    UnknownDocument,
    /// No longer raised: a hazard since issue 17 ([`HazardCode::OrphanedWebhook`]); kept so
    /// that older snapshots still load.
    OrphanedWebhook,
    /// No longer raised: a hazard since issue 17 ([`HazardCode::ControlPlaneNotFound`]);
    /// kept so that older snapshots still load.
    ControlPlaneNotFound,
    InvalidAnswer,
    /// An input (file or stdin) held no document: often a failed command before a pipe.
    EmptyInput,
    /// A symlink in a `--from` folder that was not followed (a loop, or already read).
    SkippedLink,
    /// A path in a `--from` folder that was not read (not a regular file, or read twice).
    SkippedFile,
    DuplicateObject,
    NodesUnknown,
    UnknownComponent,
    /// A trust bundle or webhook `caBundle` that does not parse as PEM certificates.
    InvalidCertificate,
}

impl WarningCode {
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::Forbidden => "forbidden",
            WarningCode::Unreachable => "unreachable",
            WarningCode::Timeout => "timeout",
            WarningCode::MetricsUnavailable => "metrics-unavailable",
            WarningCode::MetricsPartial => "metrics-partial",
            WarningCode::MissingRequests => "missing-requests",
            WarningCode::InvalidQuantity => "invalid-quantity",
            WarningCode::AbsurdReplicas => "absurd-replicas",
            WarningCode::UnknownDocument => "unknown-document",
            WarningCode::OrphanedWebhook => "orphaned-webhook",
            WarningCode::ControlPlaneNotFound => "control-plane-not-found",
            WarningCode::InvalidAnswer => "invalid-answer",
            WarningCode::EmptyInput => "empty-input",
            WarningCode::SkippedLink => "skipped-link",
            WarningCode::SkippedFile => "skipped-file",
            WarningCode::DuplicateObject => "duplicate-object",
            WarningCode::NodesUnknown => "nodes-unknown",
            WarningCode::UnknownComponent => "unknown-component",
            WarningCode::InvalidCertificate => "invalid-certificate",
        }
    }
}

/// How bad a hazard is. Variants are declared most severe first, so sorting puts critical
/// hazards at the top. Serialized in lowercase (`critical`, `warning`, `info`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Breaks soon or has broken: act now.
    Critical,
    /// Will break if nobody acts: plan it.
    Warning,
    /// Worth knowing; nothing breaks (e.g. "not visible without Secrets").
    Info,
}

/// The hazard codes of the contract: each names one way a mesh breaks on day 2
/// (`docs/hazards.md` says what breaks and cites the rule).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum HazardCode {
    /// A mesh webhook whose Service is not in the input (an input that lists Services).
    OrphanedWebhook,
    /// A mesh's proxies run but none of its control-plane components is in the input.
    ControlPlaneNotFound,
    /// Objects of a configuration kind tied to proxy internals (catalog `fragile`).
    FragileConfig,
    /// A mesh CRD whose `status.storedVersions` holds a deprecated or unserved version.
    DeprecatedCrdVersion,
    /// A mesh's control-plane release past (or near) its end of life, or not supporting
    /// the cluster's Kubernetes version (the catalog's release tables).
    ReleaseSupport,
    /// Data-plane proxies at another version than the control plane that serves them.
    VersionSkew,
    /// A `failurePolicy: Fail` mesh webhook whose backing workload has fewer than 2 ready
    /// replicas or no `PodDisruptionBudget` allowing a disruption.
    FailClosedSingleReplica,
    /// A trust anchor published in a ConfigMap expires soon (or is not visible).
    TrustAnchorExpiry,
    /// A mesh webhook configuration's `caBundle` expires soon.
    WebhookCaExpiry,
    /// Pods whose proxy holds other trust anchors than the current ones.
    StaleTrustAnchorInPods,
}

impl HazardCode {
    /// Every code, in declaration order.
    pub const ALL: [HazardCode; 10] = [
        HazardCode::OrphanedWebhook,
        HazardCode::ControlPlaneNotFound,
        HazardCode::FragileConfig,
        HazardCode::DeprecatedCrdVersion,
        HazardCode::ReleaseSupport,
        HazardCode::VersionSkew,
        HazardCode::FailClosedSingleReplica,
        HazardCode::TrustAnchorExpiry,
        HazardCode::WebhookCaExpiry,
        HazardCode::StaleTrustAnchorInPods,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HazardCode::OrphanedWebhook => "orphaned-webhook",
            HazardCode::ControlPlaneNotFound => "control-plane-not-found",
            HazardCode::FragileConfig => "fragile-config",
            HazardCode::DeprecatedCrdVersion => "deprecated-crd-version",
            HazardCode::ReleaseSupport => "release-support",
            HazardCode::VersionSkew => "version-skew",
            HazardCode::FailClosedSingleReplica => "fail-closed-single-replica",
            HazardCode::TrustAnchorExpiry => "trust-anchor-expiry",
            HazardCode::WebhookCaExpiry => "webhook-ca-expiry",
            HazardCode::StaleTrustAnchorInPods => "stale-trust-anchor-in-pods",
        }
    }
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 3] = [Severity::Critical, Severity::Warning, Severity::Info];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a component does for its mesh.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    ControlPlane,
    NodeAgent,
    Gateway,
    Waypoint,
    Cni,
    Addon,
    /// A workload the mesh's ownership labels claim but the catalog does not name.
    Unknown,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ControlPlane => "control-plane",
            Role::NodeAgent => "node-agent",
            Role::Gateway => "gateway",
            Role::Waypoint => "waypoint",
            Role::Cni => "cni",
            Role::Addon => "addon",
            Role::Unknown => "unknown",
        }
    }
}

/// What a component multiplies with.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ScalesWith {
    Cluster,
    Node,
    Namespace,
    ServiceAccount,
    Pod,
}

impl ScalesWith {
    pub fn as_str(self) -> &'static str {
        match self {
            ScalesWith::Cluster => "cluster",
            ScalesWith::Node => "node",
            ScalesWith::Namespace => "namespace",
            ScalesWith::ServiceAccount => "service-account",
            ScalesWith::Pod => "pod",
        }
    }
}

/// Implements `Display` as `as_str` for a vocabulary enum.
macro_rules! display_as_str {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

display_as_str!(
    HazardCode,
    Severity,
    Role,
    ScalesWith,
    Placement,
    Origin,
    Mode,
    Capture,
    WorkloadKind
);

/// Where a proxy runs: the contract's closed vocabulary (catalog data names these values;
/// a typo there fails at load). Declared in alphabetical order, so that sorting by
/// placement sorts as the names do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// A gateway's own pods (ingress, egress, east-west).
    Gateway,
    /// A waypoint bound to a namespace.
    Namespace,
    /// One per node (ztunnel, cilium-envoy).
    Node,
    /// A waypoint no namespace is bound to (serves services).
    Service,
    /// Injected into every meshed application pod.
    Sidecar,
}

impl Placement {
    pub const ALL: [Placement; 5] = [
        Placement::Gateway,
        Placement::Namespace,
        Placement::Node,
        Placement::Service,
        Placement::Sidecar,
    ];

    /// The placement of this name (`sidecar`), if it is one.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Placement::Gateway => "gateway",
            Placement::Namespace => "namespace",
            Placement::Node => "node",
            Placement::Service => "service",
            Placement::Sidecar => "sidecar",
        }
    }
}

/// Where counted instances come from when they are not (all) observed pods.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Observed and projected instances together (proxies only).
    Mixed,
    /// Added by a growth projection (`plan`, `compare`).
    Projected,
    /// Projected from a pod template with no pods in the input.
    Template,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Mixed => "mixed",
            Origin::Projected => "projected",
            Origin::Template => "template",
        }
    }
}

/// A mesh's data-plane mode, as the catalog's mode rules and the feature profiles name it.
/// A mesh running several at once is written joined with `+`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A proxy injected into each application pod.
    Sidecar,
    /// Pods captured by a node proxy and waypoints (Istio ambient).
    Ambient,
    /// Traffic handled per node; pods are not captured one by one (Cilium).
    Node,
    /// Pods or workloads were left unread: no mode is guessed.
    Unknown,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Sidecar => "sidecar",
            Mode::Ambient => "ambient",
            Mode::Node => "node",
            Mode::Unknown => "unknown",
        }
    }

    /// Modes that apply together, in the order given: `sidecar+ambient`.
    pub fn join(modes: &[Mode]) -> String {
        modes
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// How a namespace's application pods are captured. Declared sidecar first: a set of them
/// joins as mesh modes are written.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Capture {
    Sidecar,
    Ambient,
    /// Not captured (a namespace that only hosts a waypoint; a node-mode mesh's pods).
    None,
}

impl Capture {
    pub const ALL: [Capture; 3] = [Capture::Sidecar, Capture::Ambient, Capture::None];

    /// The capture mode of this name (`ambient`), if it is one.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Capture::Sidecar => "sidecar",
            Capture::Ambient => "ambient",
            Capture::None => "none",
        }
    }

    /// `sidecar`, `ambient`, `sidecar+ambient`; `none` for an empty set.
    pub fn join(captures: &std::collections::BTreeSet<Capture>) -> String {
        let parts: Vec<&str> = captures
            .iter()
            .filter(|c| **c != Capture::None)
            .map(|c| c.as_str())
            .collect();
        if parts.is_empty() {
            Capture::None.as_str().to_owned()
        } else {
            parts.join("+")
        }
    }
}

/// Workload kinds that run pods from a template (and can be mesh components).
/// ReplicaSets count only when no Deployment owns them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum WorkloadKind {
    Deployment,
    DaemonSet,
    StatefulSet,
    ReplicaSet,
    ReplicationController,
}

impl WorkloadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::ReplicationController => "ReplicationController",
        }
    }

    pub fn from_kind(kind: &str) -> Option<Self> {
        match kind {
            "Deployment" => Some(WorkloadKind::Deployment),
            "DaemonSet" => Some(WorkloadKind::DaemonSet),
            "StatefulSet" => Some(WorkloadKind::StatefulSet),
            "ReplicaSet" => Some(WorkloadKind::ReplicaSet),
            "ReplicationController" => Some(WorkloadKind::ReplicationController),
            _ => None,
        }
    }
}
