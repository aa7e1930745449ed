//! Tests of hazard folding and of the hazards judged from detection alone.
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
    // ISTIOD's 1.26 is past its end of life at the tests' day: `release-support`'s own tests.
    let hazards = not_release_support(&s);
    assert_eq!(hazards.len(), 1, "{hazards:?}");
    let h = hazards[0];
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
    assert!(not_release_support(&s).is_empty(), "{:?}", s.hazards);
}

fn not_release_support(s: &crate::surface::Snapshot) -> Vec<&Hazard> {
    s.hazards
        .iter()
        .filter(|h| h.code != HazardCode::ReleaseSupport)
        .collect()
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
    let objects = [
        "CustomResourceDefinition/virtualservices.networking.istio.io (stored: v1alpha3)"
            .to_owned(),
    ];
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
    let objects = [
        "CustomResourceDefinition/virtualservices.networking.istio.io (stored: v1alpha3)"
            .to_owned(),
    ];
    assert_eq!(
        crd_hazards(&s),
        [(Severity::Critical, "istio", objects.as_slice())]
    );
    assert!(s.hazards[0].why.contains("no longer serves"));
    // A stored version the CRD does not list at all is not served either.
    let gone = vs_crd("served: true", "status: {storedVersions: [v1beta1, v1]}");
    let objects = [
        "CustomResourceDefinition/virtualservices.networking.istio.io (stored: v1beta1)".to_owned(),
    ];
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
    let objects = [
        "CustomResourceDefinition/gateways.gateway.networking.k8s.io (stored: v1beta1)".to_owned(),
    ];
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
