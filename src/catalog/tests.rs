//! The catalog data stays honest: every file loads, ids are unique, images and API groups match as documented.

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
