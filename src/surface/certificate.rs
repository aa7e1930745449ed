//! `certificates[]`: every certificate of the meshes' trust-anchor ConfigMaps and webhook
//! `caBundle`s, with its expiry. Apart from hazards because it lists them all, expiring
//! or not: the figures a monitoring export (`_timestamp_seconds`) is made from.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One certificate of one published bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateEntry {
    pub mesh: String,
    /// The object that publishes it: `ConfigMap/linkerd/linkerd-identity-trust-roots`,
    /// `MutatingWebhookConfiguration/linkerd-proxy-injector-webhook-config`.
    pub object: String,
    /// Where in the object: a ConfigMap key (`ca-bundle.crt`; `values.identityTrustAnchorsPEM`
    /// for a YAML field inside a key) or `webhooks[NAME].clientConfig.caBundle`.
    pub key: String,
    /// Subject distinguished name (`CN=root.linkerd.cluster.local`).
    pub subject: String,
    /// End of validity, RFC 3339 in UTC (`2026-12-13T00:00:00Z`).
    pub not_after: String,
    /// Whole days from the scan's day (`source.asOf`, else the day of `takenAt`) to
    /// `notAfter`, negative once expired; null when the scan has no day.
    pub days_left: Option<i64>,
}
