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

#[test]
fn every_mesh_has_a_release_table_whose_entries_cite_a_source() {
    let c = Catalog::load().unwrap();
    assert_eq!(RELEASE_FILES.len(), c.meshes.len());
    for m in &c.meshes {
        let t = m.releases.as_ref().unwrap_or_else(|| panic!("{}", m.mesh));
        assert!(!t.releases.is_empty(), "{}", m.mesh);
        assert!(t.as_of <= t.checked, "{}", m.mesh);
        for r in &t.releases {
            assert!(!r.source.trim().is_empty(), "{} {}", m.mesh, r.version);
            // Dates are parsed at load; a release ends after it began.
            if let (Some(a), Some(b)) = (r.released, r.end_of_life) {
                assert!(a < b, "{} {}", m.mesh, r.version);
            }
        }
        assert!(!t.skew.quote.is_empty() && !t.skew.source.is_empty());
        assert!(!t.policy.source.is_empty());
        // Newest first.
        let lines: Vec<_> = t
            .releases
            .iter()
            .map(|r| crate::version::Version::parse(&r.version).unwrap())
            .collect();
        assert!(lines.windows(2).all(|w| w[0] > w[1]), "{}", m.mesh);
    }
}

#[test]
fn release_dates_load_as_days() {
    let c = Catalog::load().unwrap();
    let istio = c.mesh("istio").unwrap().releases.as_ref().unwrap();
    assert_eq!(istio.as_of.to_string(), "2026-09-09");
    let line = crate::version::Version::parse("1.26").unwrap();
    let r = istio.release(line).unwrap();
    assert_eq!(r.end_of_life.unwrap().to_string(), "2025-12-22");
    assert_eq!(r.kubernetes_range(), "1.29–1.33");
}

#[test]
fn versions_are_placed_on_release_lines_or_not_at_all() {
    let c = Catalog::load().unwrap();
    let table = |m: &str| c.mesh(m).unwrap().releases.clone().unwrap();
    let line = |m: &str, raw: &str| table(m).resolve(raw).map(|r| r.line.minor_key());
    assert_eq!(line("istio", "1.26.3-distroless").as_deref(), Some("1.26"));
    assert_eq!(line("cilium", "v1.17.4").as_deref(), Some("1.17"));
    assert_eq!(line("linkerd", "stable-2.14.10").as_deref(), Some("2.14"));
    assert_eq!(
        line("linkerd", "enterprise-2.17.1").as_deref(),
        Some("2.17")
    );
    // Edges: from a version's edge up to the next one's.
    assert_eq!(line("linkerd", "edge-25.4.4").as_deref(), Some("2.18"));
    assert_eq!(line("linkerd", "edge-25.9.1").as_deref(), Some("2.18"));
    assert_eq!(line("linkerd", "edge-25.10.7").as_deref(), Some("2.19"));
    assert_eq!(line("linkerd", "edge-26.8.1").as_deref(), Some("2.20"));
    // Later than the table's asOf month (2026-08): maybe a line it does not know.
    assert_eq!(line("linkerd", "edge-26.9.1"), None);
    // Before the first edge the table names.
    assert_eq!(line("linkerd", "edge-23.1.1"), None);
    assert_eq!(line("istio", "latest"), None);
    assert_eq!(line("linkerd", "install-control-plane-version"), None);
}

#[test]
fn kubernetes_support_is_judged_only_where_the_table_says() {
    let c = Catalog::load().unwrap();
    let v = |s: &str| crate::version::Version::parse(s).unwrap();
    let istio = c.mesh("istio").unwrap().releases.clone().unwrap();
    let r = istio.release(v("1.26")).unwrap();
    assert_eq!(r.supports_kubernetes(v("1.33")), Some(true));
    assert_eq!(r.supports_kubernetes(v("1.34")), Some(false));
    let cilium = c.mesh("cilium").unwrap().releases.clone().unwrap();
    let r = cilium.release(v("1.17")).unwrap();
    assert_eq!(r.supports_kubernetes(v("1.35")), None, "only a floor");
    assert_eq!(r.supports_kubernetes(v("1.20")), Some(false));
    let r = cilium.release(v("1.8")).unwrap();
    assert_eq!(r.supports_kubernetes(v("1.10")), None, "nothing known");
}
