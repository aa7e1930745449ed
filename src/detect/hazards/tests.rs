//! Tests of hazard folding and of the hazards judged from detection alone.
use super::*;
use crate::detect::tests::scan;
use crate::detect::tests::ISTIOD;
use crate::surface::{Snapshot, WarningCode};

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
    let fragile: Vec<_> = s
        .hazards
        .iter()
        .filter(|h| h.code == HazardCode::FragileConfig)
        .collect();
    assert_eq!(fragile.len(), 1, "{:?}", s.hazards);
    let h = fragile[0];
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
    assert!(
        s.hazards
            .iter()
            .all(|h| h.code != HazardCode::FragileConfig),
        "{:?}",
        s.hazards
    );
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

// --- certificates (trust-anchor-expiry, webhook-ca-expiry, stale-trust-anchor-in-pods) ---

/// `scan`'s day: its `takenAt`, 2026-01-01.
const NOW: i64 = 1_767_225_600;
const DAY: i64 = 86_400;

/// A self-signed CA named `cn`, valid until `days` days after [`NOW`], in PEM.
fn ca(cn: &str, days: i64) -> String {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, cn);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let at = |unix: i64| {
        rcgen::date_time_ymd(1970, 1, 1)
            + std::time::Duration::from_secs(u64::try_from(unix).unwrap())
    };
    params.not_before = at(NOW - DAY);
    params.not_after = at(NOW + days * DAY);
    params
        .self_signed(&KeyPair::generate().unwrap())
        .unwrap()
        .pem()
}

/// `v` as one line of JSON with every non-ASCII or DEL character escaped, so that any
/// text survives the YAML reader as a JSON string.
fn ascii_json(v: &serde_json::Value) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for c in v.to_string().chars() {
        if c.is_ascii() && c != '\u{7f}' {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        }
    }
    out
}

/// A ConfigMap as JSON (one line, so any text survives as a JSON string).
fn config_map(ns: &str, name: &str, key: &str, text: &str) -> String {
    let v = serde_json::json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": ns},
        "data": {key: text},
    });
    format!("\n---\n{}\n", ascii_json(&v))
}

fn hazard(s: &Snapshot, code: HazardCode) -> Option<&Hazard> {
    s.hazards.iter().find(|h| h.code == code)
}

#[test]
fn istio_root_expiring_in_10_days_is_critical_and_named_resource_first() {
    let pem = ca("root.istio", 10);
    let yaml = [
        ISTIOD,
        &config_map("istio-system", "istio-ca-root-cert", "root-cert.pem", &pem),
        // The copy istiod writes in every namespace is not judged again.
        &config_map("shop", "istio-ca-root-cert", "root-cert.pem", &pem),
        // Another ConfigMap is not kept at all.
        &config_map("istio-system", "istio", "mesh", "not: pem"),
    ]
    .concat();
    let s = scan(&yaml);
    let h = hazard(&s, HazardCode::TrustAnchorExpiry).expect("hazard");
    assert_eq!((h.severity, h.count), (Severity::Critical, 1));
    assert_eq!(h.objects, ["ConfigMap/istio-system/istio-ca-root-cert"]);
    assert_eq!(
        h.message,
        "ConfigMap/istio-system/istio-ca-root-cert root-cert.pem: CN=root.istio expires 2026-01-11 (10 days)"
    );
    assert!(h.source.contains("istio-ca-root-cert"), "{}", h.source);
    assert!(
        h.source.contains("expirationWarningThresholdInDays"),
        "{}",
        h.source
    );
    assert_eq!(s.certificates.len(), 1, "{:?}", s.certificates);
    let c = &s.certificates[0];
    assert_eq!(
        (
            c.object.as_str(),
            c.key.as_str(),
            c.not_after.as_str(),
            c.days_left
        ),
        (
            "ConfigMap/istio-system/istio-ca-root-cert",
            "root-cert.pem",
            "2026-01-11T00:00:00Z",
            Some(10)
        )
    );
}

#[test]
fn root_with_45_days_is_a_warning_and_with_400_none() {
    let warn = scan(
        &[
            ISTIOD,
            &config_map(
                "istio-system",
                "istio-ca-root-cert",
                "root-cert.pem",
                &ca("r", 45),
            ),
        ]
        .concat(),
    );
    let h = hazard(&warn, HazardCode::TrustAnchorExpiry).expect("hazard");
    assert_eq!(h.severity, Severity::Warning);
    let fine = scan(
        &[
            ISTIOD,
            &config_map(
                "istio-system",
                "istio-ca-root-cert",
                "root-cert.pem",
                &ca("r", 400),
            ),
        ]
        .concat(),
    );
    assert!(
        hazard(&fine, HazardCode::TrustAnchorExpiry).is_none(),
        "{:?}",
        fine.hazards
    );
    assert_eq!(fine.certificates[0].days_left, Some(400));
}

#[test]
fn control_plane_without_its_anchor_config_map_is_info_not_visible_without_secrets() {
    // Only the copy in an application namespace: not beside istiod.
    let s = scan(
        &[
            ISTIOD,
            &config_map("shop", "istio-ca-root-cert", "root-cert.pem", &ca("r", 5)),
        ]
        .concat(),
    );
    let h = hazard(&s, HazardCode::TrustAnchorExpiry).expect("info");
    assert_eq!((h.severity, h.count), (Severity::Info, 1));
    assert!(
        h.message.contains("not visible without Secrets"),
        "{}",
        h.message
    );
    assert_eq!(h.objects, ["ConfigMap/istio-system/istio-ca-root-cert"]);
    assert!(s.certificates.is_empty());
    // No control plane, no judgement.
    let none = scan(&config_map(
        "istio-system",
        "istio-ca-root-cert",
        "root-cert.pem",
        &ca("r", 5),
    ));
    assert!(none.hazards.is_empty(), "{:?}", none.hazards);
}

#[test]
fn unparseable_anchor_is_a_warning_naming_config_map_and_key_not_a_hazard() {
    let s = scan(
        &[
            ISTIOD,
            &config_map(
                "istio-system",
                "istio-ca-root-cert",
                "root-cert.pem",
                "-----BEGIN CERTIFICATE-----\nAAAA\n",
            ),
        ]
        .concat(),
    );
    let w = s
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::InvalidCertificate)
        .expect("warning");
    assert_eq!(
        w.resource.as_deref(),
        Some("ConfigMap/istio-system/istio-ca-root-cert")
    );
    assert!(
        w.message.starts_with("root-cert.pem: PEM block 0"),
        "{}",
        w.message
    );
    // No certificate hazard is guessed from what did not parse.
    assert!(
        s.hazards
            .iter()
            .all(|h| h.code != HazardCode::TrustAnchorExpiry),
        "{:?}",
        s.hazards
    );
}

const LINKERD_IDENTITY: &str = "
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: linkerd-identity, namespace: linkerd}
spec:
  template:
    metadata:
      labels: {linkerd.io/control-plane-component: identity}
    spec:
      containers: [{name: identity, image: cr.l5d.io/linkerd/controller:edge-25.4.4}]
";

/// A meshed pod of Deployment `app` whose proxy holds `anchors` inline.
fn linkerd_pod(name: &str, anchors: &str) -> String {
    let v = serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "shop",
            "ownerReferences": [{"kind": "ReplicaSet", "name": "app-1", "controller": true}]},
        "spec": {"containers": [
            {"name": "app", "image": "app:1"},
            {"name": "linkerd-proxy", "image": "cr.l5d.io/linkerd/proxy:edge-25.4.4",
             "env": [{"name": "LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS", "value": anchors},
                     {"name": "OTHER", "value": name}]}]},
        "status": {"phase": "Running"},
    });
    format!("\n---\n{}\n", ascii_json(&v))
}

#[test]
fn linkerd_pods_with_other_anchors_must_be_restarted() {
    let current = ca("root.linkerd.cluster.local", 300);
    let old = ca("root.linkerd.cluster.local", 200);
    let yaml = [
        LINKERD_IDENTITY,
        &config_map(
            "linkerd",
            "linkerd-identity-trust-roots",
            "ca-bundle.crt",
            &current,
        ),
        // Same text with other surrounding white space: current (linkerd check trims).
        &linkerd_pod("a", &format!("\n{current}\n\n")),
        &linkerd_pod("b", &old),
        &linkerd_pod("c", &old),
    ]
    .concat();
    let s = scan(&yaml);
    let h = hazard(&s, HazardCode::StaleTrustAnchorInPods).expect("stale");
    assert_eq!((h.severity, h.count), (Severity::Warning, 2));
    assert_eq!(h.objects, ["ReplicaSet/shop/app-1"]);
    assert!(
        h.message.ends_with("they must be restarted"),
        "{}",
        h.message
    );
    assert!(h.source.contains("healthcheck.go"), "{}", h.source);
    // Only the kept variable shapes the pods: `OTHER` differs per pod but is dropped, so
    // the fresh pod and the two stale ones are two groups, not three.
    let fresh = scan(
        &[
            LINKERD_IDENTITY,
            &config_map(
                "linkerd",
                "linkerd-identity-trust-roots",
                "ca-bundle.crt",
                &current,
            ),
            &linkerd_pod("a", &current),
        ]
        .concat(),
    );
    assert!(hazard(&fresh, HazardCode::StaleTrustAnchorInPods).is_none());
    // Without the ConfigMap there is nothing to compare with: not judged.
    let unknown = scan(&[LINKERD_IDENTITY, &linkerd_pod("b", &old)].concat());
    assert!(hazard(&unknown, HazardCode::StaleTrustAnchorInPods).is_none());
}

#[test]
fn linkerd_config_values_field_is_read_as_yaml() {
    let pem = ca("root.linkerd.cluster.local", 20);
    let values = format!(
        "identityTrustDomain: cluster.local\nidentityTrustAnchorsPEM: |\n{}",
        pem.lines()
            .fold(String::new(), |acc, l| acc + "  " + l + "\n")
    );
    let s = scan(
        &[
            LINKERD_IDENTITY,
            &config_map("linkerd", "linkerd-config", "values", &values),
        ]
        .concat(),
    );
    let h = hazard(&s, HazardCode::TrustAnchorExpiry).expect("hazard");
    assert_eq!(h.severity, Severity::Critical);
    assert_eq!(
        h.message,
        "ConfigMap/linkerd/linkerd-config values.identityTrustAnchorsPEM: CN=root.linkerd.cluster.local expires 2026-01-21 (20 days)"
    );
}

#[test]
fn webhook_ca_bundle_expiring_is_judged_once_per_configuration() {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(ca("istiod-ca", -3));
    let yaml = format!(
        "
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {{name: istio-sidecar-injector}}
webhooks:
- {{name: a.sidecar-injector.istio.io, clientConfig: {{caBundle: {b64}}}}}
- {{name: b.sidecar-injector.istio.io, clientConfig: {{caBundle: {b64}}}}}
- {{name: c.sidecar-injector.istio.io, clientConfig: {{caBundle: 'bm90IGEgY2VydA=='}}}}
"
    );
    let s = scan(&yaml);
    let h = hazard(&s, HazardCode::WebhookCaExpiry).expect("hazard");
    assert_eq!((h.severity, h.count), (Severity::Critical, 1));
    assert_eq!(
        h.message,
        "MutatingWebhookConfiguration/istio-sidecar-injector webhooks[a.sidecar-injector.istio.io].clientConfig.caBundle: CN=istiod-ca expired 2025-12-29 (3 days ago)"
    );
    let w: Vec<_> = s
        .warnings
        .iter()
        .filter(|w| w.code == WarningCode::InvalidCertificate)
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].message
            .starts_with("webhooks[c.sidecar-injector.istio.io]"),
        "{}",
        w[0].message
    );
}

proptest::proptest! {
    /// Any bytes in a trust-anchor ConfigMap key, a linkerd-config `values`, or a webhook
    /// caBundle go through reading and detection without a panic.
    #[test]
    fn arbitrary_anchor_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let yaml = [
            ISTIOD,
            LINKERD_IDENTITY,
            &config_map("istio-system", "istio-ca-root-cert", "root-cert.pem", &text),
            &config_map("linkerd", "linkerd-config", "values", &text),
            &config_map("linkerd", "linkerd-identity-trust-roots", "ca-bundle.crt", &format!("-----BEGIN CERTIFICATE-----\n{text}\n-----END CERTIFICATE-----\n")),
            &linkerd_pod("p", &text),
        ]
        .concat();
        let s = scan(&yaml);
        proptest::prop_assert!(s.hazards.iter().all(|h| h.code != HazardCode::WebhookCaExpiry));
        let webhook = serde_json::json!({
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
            "metadata": {"name": "x"},
            "webhooks": [{"name": "a.istio.io", "clientConfig": {"caBundle": text}}],
        });
        let s = scan(&ascii_json(&webhook));
        proptest::prop_assert!(s.hazards.iter().all(|h| h.code != HazardCode::WebhookCaExpiry));
    }
}
