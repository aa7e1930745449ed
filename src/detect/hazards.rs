//! Hazards of detection: folded by (code, mesh) while detection runs, so that a mesh with
//! ten orphaned webhooks has one `orphaned-webhook` hazard naming the ten; then worded
//! (message, why, source) once per entry by [`Hazards::into_list`].
//!
//! The rules that need only what detection already read live beside the objects they
//! judge (webhooks in `webhooks.rs`, control planes in `meshes.rs`); the configuration
//! hazard is judged here, from the counted configuration and the catalog's `fragile`
//! entries (what breaks and its source are catalog data).

use std::collections::BTreeMap;

use crate::catalog::Catalog;
use crate::surface::{sort_hazards, ConfigEntry, Hazard, HazardCode, Severity};

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
#[derive(Debug, Default)]
pub(super) struct Hazards(BTreeMap<(HazardCode, String), Objects>);

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
            .0
            .entry((code, mesh.to_owned()))
            .or_default()
            .entry(object)
            .or_insert((severity, 0));
        e.0 = e.0.min(severity);
        e.1 = e.1.saturating_add(count);
    }

    /// The snapshot's hazards: these, worded, then the `fragile-config` ones of `config`;
    /// most severe first.
    pub(super) fn into_list(self, catalog: &Catalog, config: &[ConfigEntry]) -> Vec<Hazard> {
        let mut out: Vec<Hazard> = self
            .0
            .into_iter()
            .map(|((code, mesh), objects)| worded(code, mesh, &objects))
            .collect();
        out.extend(fragile(catalog, config));
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
        // Worded by `fragile`, never folded.
        HazardCode::FragileConfig => (String::new(), String::new(), String::new()),
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

/// One `fragile-config` warning per mesh with objects of a fragile kind: its objects are
/// the kinds with their counts, its `why` and `source` the catalog's for those kinds.
fn fragile(catalog: &Catalog, config: &[ConfigEntry]) -> Vec<Hazard> {
    let mut by_mesh: BTreeMap<&str, Vec<(&ConfigEntry, u64)>> = BTreeMap::new();
    for c in config.iter().filter(|c| c.fragile) {
        if let Some(n) = c.objects.filter(|n| *n > 0) {
            by_mesh.entry(c.mesh.as_str()).or_default().push((c, n));
        }
    }
    by_mesh
        .into_iter()
        .map(|(mesh, kinds)| {
            let count = kinds.iter().fold(0u64, |n, (_, c)| n.saturating_add(*c));
            let entry = catalog.meshes.iter().find(|m| m.mesh == mesh);
            let rules: Vec<_> = entry
                .iter()
                .flat_map(|m| m.configuration.fragile.iter())
                .filter(|r| kinds.iter().any(|(c, _)| c.kind == r.kind))
                .collect();
            let mut why: Vec<&str> = rules.iter().map(|r| r.why.as_str()).collect();
            why.dedup();
            let named: Vec<String> = kinds
                .iter()
                .map(|(c, n)| {
                    format!(
                        "{n} {}",
                        if *n == 1 {
                            c.kind.clone()
                        } else {
                            format!("{}s", c.kind)
                        }
                    )
                })
                .collect();
            Hazard {
                code: HazardCode::FragileConfig,
                severity: Severity::Warning,
                mesh: mesh.to_owned(),
                count,
                objects: kinds
                    .iter()
                    .map(|(c, n)| format!("{}.{} ({n})", c.kind, c.group))
                    .collect(),
                message: format!(
                    "{}: tied to the proxy's internals, check {} before each upgrade",
                    named.join(", "),
                    if count == 1 { "it" } else { "them" }
                ),
                why: why.join(" "),
                source: rules
                    .iter()
                    .map(|r| r.source.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            }
        })
        .collect()
}

fn plural(n: u64, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("1 {word}"),
        (_, "proxy") => format!("{n} proxies"),
        _ => format!("{n} {word}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::tests::scan;
    use crate::detect::tests::ISTIOD;

    fn object(kind: &str, name: &str) -> String {
        format!(
            "
---
apiVersion: networking.istio.io/v1alpha3
kind: {kind}
metadata: {{name: {name}, namespace: shop}}
"
        )
    }

    #[test]
    fn fragile_kinds_in_use_are_one_warning_per_mesh_with_the_catalog_reasons() {
        let yaml = [
            ISTIOD,
            &object("EnvoyFilter", "a"),
            &object("EnvoyFilter", "b"),
            &object("VirtualService", "c"),
        ]
        .concat();
        let s = scan(&yaml);
        assert_eq!(s.hazards.len(), 1, "{:?}", s.hazards);
        let h = &s.hazards[0];
        assert_eq!(
            (h.code, h.severity, h.mesh.as_str(), h.count),
            (HazardCode::FragileConfig, Severity::Warning, "istio", 2)
        );
        assert_eq!(h.objects, ["EnvoyFilter.networking.istio.io (2)"]);
        assert_eq!(
            h.message,
            "2 EnvoyFilters: tied to the proxy's internals, check them before each upgrade"
        );
        assert!(h.why.starts_with("An EnvoyFilter patches"), "{}", h.why);
        assert!(h.source.contains("envoy-filter"), "{}", h.source);
    }

    #[test]
    fn no_fragile_objects_no_hazard() {
        let s = scan(&[ISTIOD, &object("VirtualService", "c")].concat());
        assert!(s.hazards.is_empty(), "{:?}", s.hazards);
    }

    #[test]
    fn every_fragile_kind_of_the_catalog_says_what_breaks_and_cites_it() {
        let catalog = Catalog::load().unwrap();
        for m in &catalog.meshes {
            for k in &m.configuration.fragile {
                assert!(!k.why.is_empty(), "{}: {} has no why", m.mesh, k.kind);
                assert!(!k.source.is_empty(), "{}: {} has no source", m.mesh, k.kind);
            }
        }
    }

    /// A VirtualService CRD serving v1 (storage) and v1alpha3 (`old`, a YAML map of its
    /// extra fields), with `status` as given (`""` for none, as in manifests).
    fn vs_crd(old: &str, status: &str) -> String {
        format!(
            "
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {{name: virtualservices.networking.istio.io}}
spec:
  group: networking.istio.io
  names: {{plural: virtualservices, kind: VirtualService}}
  scope: Namespaced
  versions:
  - {{name: v1, served: true, storage: true}}
  - {{name: v1alpha3, storage: false, {old}}}
{status}
"
        )
    }

    const OLD_AND_NEW: &str = "status: {storedVersions: [v1alpha3, v1]}";

    fn crd_hazards(s: &crate::surface::Snapshot) -> Vec<(Severity, &str, &[String])> {
        s.hazards
            .iter()
            .filter(|h| h.code == HazardCode::DeprecatedCrdVersion)
            .map(|h| (h.severity, h.mesh.as_str(), h.objects.as_slice()))
            .collect()
    }

    #[test]
    fn a_stored_version_served_but_deprecated_is_a_warning() {
        let s = scan(&vs_crd("served: true, deprecated: true", OLD_AND_NEW));
        let objects = ["virtualservices.networking.istio.io (stored: v1alpha3)".to_owned()];
        assert_eq!(
            crd_hazards(&s),
            [(Severity::Warning, "istio", objects.as_slice())]
        );
        let h = &s.hazards[0];
        assert_eq!(h.count, 1);
        assert!(
            h.message.starts_with("1 CRD of istio still stores objects"),
            "{}",
            h.message
        );
        assert!(h.message.contains("(0 no longer served)"), "{}", h.message);
        assert!(h.why.starts_with("A deprecated version"), "{}", h.why);
        assert_eq!(h.source, STORED_VERSION_DOC);
    }

    #[test]
    fn a_stored_version_no_longer_served_is_critical() {
        let s = scan(&vs_crd("served: false", OLD_AND_NEW));
        let objects = ["virtualservices.networking.istio.io (stored: v1alpha3)".to_owned()];
        assert_eq!(
            crd_hazards(&s),
            [(Severity::Critical, "istio", objects.as_slice())]
        );
        assert!(s.hazards[0].why.contains("no longer serves"));
        // A stored version the CRD does not list at all is not served either.
        let gone = vs_crd("served: true", "status: {storedVersions: [v1beta1, v1]}");
        let objects = ["virtualservices.networking.istio.io (stored: v1beta1)".to_owned()];
        assert_eq!(
            crd_hazards(&scan(&gone)),
            [(Severity::Critical, "istio", objects.as_slice())]
        );
    }

    #[test]
    fn current_stored_versions_or_no_status_raise_nothing() {
        // Stored at v1 only: the deprecated v1alpha3 holds no objects.
        let current = vs_crd(
            "served: true, deprecated: true",
            "status: {storedVersions: [v1]}",
        );
        // Stored at both, neither deprecated nor unserved: nothing to migrate yet.
        let served = vs_crd("served: true", OLD_AND_NEW);
        // A manifest (offline input) has no status: nothing is known to be stored.
        let manifest = vs_crd("served: false, deprecated: true", "");
        for yaml in [current, served, manifest] {
            let s = scan(&yaml);
            assert!(crd_hazards(&s).is_empty(), "{yaml}: {:?}", s.hazards);
            assert_eq!(s.crds.len(), 1);
        }
    }

    #[test]
    fn a_shared_crd_with_a_stale_stored_version_is_a_shared_hazard() {
        let yaml = format!(
            "{ISTIOD}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {{name: gateways.gateway.networking.k8s.io}}
spec:
  group: gateway.networking.k8s.io
  names: {{plural: gateways, kind: Gateway}}
  scope: Namespaced
  versions:
  - {{name: v1, served: true, storage: true}}
  - {{name: v1beta1, served: true, storage: false, deprecated: true}}
status: {{storedVersions: [v1beta1, v1]}}
"
        );
        let s = scan(&yaml);
        let objects = ["gateways.gateway.networking.k8s.io (stored: v1beta1)".to_owned()];
        assert_eq!(
            crd_hazards(&s),
            [(
                Severity::Warning,
                crate::surface::SHARED,
                objects.as_slice()
            )]
        );
    }

    #[test]
    fn hazards_sort_most_severe_first_and_objects_keep_the_worst() {
        let mut h = Hazards::default();
        h.add(
            HazardCode::ControlPlaneNotFound,
            "a",
            Severity::Warning,
            "x".into(),
            2,
        );
        h.add(
            HazardCode::OrphanedWebhook,
            "b",
            Severity::Warning,
            "w1".into(),
            1,
        );
        h.add(
            HazardCode::OrphanedWebhook,
            "b",
            Severity::Critical,
            "w2".into(),
            1,
        );
        let list = h.into_list(&Catalog::load().unwrap(), &[]);
        let got: Vec<_> = list.iter().map(|h| (h.code, h.severity, h.count)).collect();
        assert_eq!(
            got,
            [
                (HazardCode::OrphanedWebhook, Severity::Critical, 2),
                (HazardCode::ControlPlaneNotFound, Severity::Warning, 2),
            ]
        );
        assert!(
            list[0].message.contains("(1 fails closed)"),
            "{}",
            list[0].message
        );
    }
}
