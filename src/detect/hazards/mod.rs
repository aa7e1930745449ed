//! Hazards of detection: folded by (code, mesh) while detection runs, so that a mesh with
//! ten orphaned webhooks has one `orphaned-webhook` hazard naming the ten; then worded
//! (message, why, source) once per entry by [`Hazards::into_list`].
//!
//! The rules that need only what detection already read live beside the objects they
//! judge (webhooks in `webhooks.rs`, control planes in `meshes.rs`); the configuration
//! hazard is judged here, from the counted configuration and the catalog's `fragile`
//! entries (what breaks and its source are catalog data); `fail-closed-single-replica`
//! (`replicas.rs`) on the assembled snapshot, whose graph links webhooks to workloads.

use std::collections::BTreeMap;

use crate::catalog::Catalog;

use crate::surface::{sort_hazards, ConfigEntry, Hazard, HazardCode, Severity};
pub(super) use replicas::fail_closed;

/// The Kubernetes rule behind `orphaned-webhook`: what `failurePolicy` does when the
/// webhook cannot be called.
pub(super) const FAILURE_POLICY_DOC: &str = "https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy";

/// The Kubernetes rule behind `deprecated-crd-version`: objects stay stored at the version
/// they were written at until rewritten, and a version cannot leave `spec.versions` while
/// `status.storedVersions` lists it.
pub(super) const STORED_VERSION_DOC: &str = "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definition-versioning/#upgrade-existing-objects-to-a-new-stored-version";

/// One object behind a hazard: its severity, and how many it stands for.
type Objects = BTreeMap<String, (Severity, u64)>;

/// Hazards folded by (code, mesh), each with its objects.
mod certs;
mod fragile;
mod replicas;
pub(super) mod skew;
pub(super) mod support;

pub(super) use certs::{judge as certificates, Judge};
#[cfg(test)]
mod tests;

#[derive(Debug, Default)]
pub(super) struct Hazards {
    folded: BTreeMap<(HazardCode, String), Objects>,
    /// Entries a rule words itself (one per code and mesh, already folded).
    worded: Vec<Hazard>,
}

impl Hazards {
    /// Records `count` of `object` behind the `code` hazard of `mesh`.
    pub(super) fn add(
        &mut self,
        code: HazardCode,
        mesh: &str,
        severity: Severity,
        object: String,
        count: u64,
    ) {
        let e = self
            .folded
            .entry((code, mesh.to_owned()))
            .or_default()
            .entry(object)
            .or_insert((severity, 0));
        e.0 = e.0.min(severity);
        e.1 = e.1.saturating_add(count);
    }

    /// Records an entry its rule has folded and worded itself: a rule whose message needs
    /// more than its objects (dates, versions), kept beside the data it judges.
    pub(super) fn push(&mut self, hazard: Hazard) {
        self.worded.push(hazard);
    }

    /// The snapshot's hazards: these, worded, then the `fragile-config` ones of `config`;
    /// most severe first.
    pub(super) fn into_list(mut self, catalog: &Catalog, config: &[ConfigEntry]) -> Vec<Hazard> {
        for h in fragile::fragile(catalog, config) {
            self.push(h);
        }
        let mut out: Vec<Hazard> = self
            .folded
            .into_iter()
            .map(|((code, mesh), objects)| worded(code, mesh, &objects))
            .collect();
        out.extend(self.worded);
        sort_hazards(&mut out);
        out
    }
}

/// The hazard entry of `objects`, with the words of its code.
fn worded(code: HazardCode, mesh: String, objects: &Objects) -> Hazard {
    let severity = objects
        .values()
        .map(|(s, _)| *s)
        .min()
        .unwrap_or(Severity::Warning);
    let count = objects
        .values()
        .fold(0u64, |n, (_, c)| n.saturating_add(*c));
    let (message, why, source) = match code {
        HazardCode::OrphanedWebhook => {
            let closed = objects
                .values()
                .filter(|(s, _)| *s == Severity::Critical)
                .fold(0u64, |n, (_, c)| n.saturating_add(*c));
            let message = format!(
                "{} of {mesh} call{} a Service that is not in the input ({closed} fail{} closed)",
                plural(count, "webhook"),
                if count == 1 { "s" } else { "" },
                if closed == 1 { "s" } else { "" },
            );
            let why = if closed > 0 {
                "With failurePolicy Fail the API server rejects every request the webhook matches while its Service is unreachable: pod creation in the namespaces it serves stops."
            } else {
                "With failurePolicy Ignore the API server admits requests without the webhook while its Service is unreachable: pods start without what it adds (an injector's sidecar) and invalid configuration is not rejected."
            };
            (message, why.to_owned(), FAILURE_POLICY_DOC.to_owned())
        }
        HazardCode::ControlPlaneNotFound => (
            format!("{} of {mesh} run but no {mesh} control plane is in the input (managed control plane, or another cluster?)", plural(count, "proxy")),
            "Proxies take their configuration and certificates from their control plane: without a reachable one, configuration changes stop reaching them, new pods get no identity and mTLS fails as certificates expire.".to_owned(),
            "docs/surface-model.md (a mesh's proxies are served by its control-plane components, catalog role control-plane)".to_owned(),
        ),
        HazardCode::DeprecatedCrdVersion => {
            let unserved = objects
                .values()
                .filter(|(s, _)| *s == Severity::Critical)
                .fold(0u64, |n, (_, c)| n.saturating_add(*c));
            let message = format!(
                "{} of {mesh} still store{} objects at a deprecated or unserved version ({unserved} no longer served)",
                plural(count, "CRD"),
                if count == 1 { "s" } else { "" },
            );
            let why = if unserved > 0 {
                "Objects stay stored at a version the CRD no longer serves until each is rewritten, and the API server refuses to drop a version from spec.versions while status.storedVersions lists it, so the upgrade that removes it fails."
            } else {
                "A deprecated version is due for removal, and the API server refuses to drop a version from spec.versions while status.storedVersions lists it, so the upgrade that removes it fails until every object is rewritten at the storage version."
            };
            (message, why.to_owned(), STORED_VERSION_DOC.to_owned())
        }
        // Worded by their rules and pushed whole, never folded.
        HazardCode::FragileConfig
        | HazardCode::ReleaseSupport
        | HazardCode::VersionSkew
        | HazardCode::FailClosedSingleReplica
        | HazardCode::TrustAnchorExpiry
        | HazardCode::WebhookCaExpiry
        | HazardCode::StaleTrustAnchorInPods => (String::new(), String::new(), String::new()),
    };
    Hazard {
        code,
        severity,
        mesh,
        count,
        objects: objects.keys().cloned().collect(),
        message,
        why,
        source,
    }
}

fn plural(n: u64, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("1 {word}"),
        (_, "proxy") => format!("{n} proxies"),
        _ => format!("{n} {word}s"),
    }
}
