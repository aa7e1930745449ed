//! Trust anchors and webhook CAs (issue 17): the fixtures' `certificates` blocks, the
//! generator of the fixtures' certificates, and the live scan's reads (ConfigMaps by name,
//! never a list, never a Secret).
//!
//! The fixtures' certificates are static files made by
//! `cargo test --test cli write_trust_anchor_fixtures -- --ignored` (below): rerunning it
//! gives new keys, the same subjects and dates.

use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};

use crate::live::{json, Live};
use crate::util::{block_lines, expected_block, root, scan_json, stderr};

/// The sorted lines of the `certificates` block of a fixture's EXPECTED.md (None: no block).
fn expected(case: &str) -> Option<Vec<String>> {
    let dir = root().join("fixtures/clusters").join(case);
    let block = expected_block(&dir, "certificates").expect("EXPECTED.md")?;
    Some(block_lines(&block))
}

/// `mesh object key notAfter daysLeft subject` per entry of `certificates[]`.
fn actual(s: &serde_json::Value) -> Vec<String> {
    let mut lines: Vec<String> = s["certificates"]
        .as_array()
        .expect("certificates[]")
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {} {} {}",
                c["mesh"].as_str().unwrap_or("?"),
                c["object"].as_str().unwrap_or("?"),
                c["key"].as_str().unwrap_or("?"),
                c["notAfter"].as_str().unwrap_or("?"),
                c["daysLeft"],
                c["subject"].as_str().unwrap_or("?"),
            )
        })
        .collect();
    lines.sort();
    lines
}

/// Every fixture's `certificates[]` against its EXPECTED.md `certificates` block; a fixture
/// without the block must list none.
#[test]
fn every_fixture_lists_exactly_the_certificates_its_expected_md_lists() {
    let mut with_block = 0;
    for case in crate::util::cases() {
        let s = scan_json(&["--from", &format!("fixtures/clusters/{case}")]);
        let got = actual(&s);
        match expected(&case) {
            Some(want) => {
                with_block += 1;
                assert_eq!(got, want, "{case}: certificates[] vs EXPECTED.md");
            }
            None => assert!(got.is_empty(), "{case}: certificates {got:#?} but no block"),
        }
    }
    assert!(
        with_block >= 2,
        "the linkerd and istio-sidecar fixtures carry anchors"
    );
}

/// The project's pinned day, 2026-11-23, in Unix seconds.
const TODAY: u64 = 1_795_435_200;
const DAY: u64 = 86_400;

/// A self-signed CA, valid from `from` to `to` (Unix seconds), in PEM.
fn ca(dn: &[(DnType, &str)], from: u64, to: u64) -> String {
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    for (t, v) in dn {
        params.distinguished_name.push(t.clone(), *v);
    }
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let epoch = rcgen::date_time_ymd(1970, 1, 1);
    params.not_before = epoch + Duration::from_secs(from);
    params.not_after = epoch + Duration::from_secs(to);
    let key = KeyPair::generate().expect("key");
    params.self_signed(&key).expect("certificate").pem()
}

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.trim_end()
        .lines()
        .fold(String::new(), |acc, l| acc + &pad + l + "\n")
}

/// 2026-01-01T00:00:00Z and 2036-01-01T00:00:00Z: the long validity of the fixtures' webhook
/// CAs (no hazard).
const LONG: (u64, u64) = (1_767_225_600, 2_082_758_400);

/// The host a Linkerd webhook configuration's self-signed CA names, as the charts do
/// (`genSelfSignedCert "linkerd-proxy-injector.linkerd.svc" ... 365`).
fn linkerd_host(config: &str) -> String {
    let base = config.trim_end_matches("-webhook-config");
    match base.strip_prefix("linkerd-tap-injector") {
        Some(_) => "tap-injector.linkerd-viz.svc".to_owned(),
        None => format!("{base}.linkerd.svc"),
    }
}

/// Rewrites every `caBundle:` value of a fixture's `webhooks.yaml` with the base64 PEM that
/// `bundle` gives for the webhook configuration it sits in (named by the last
/// `name: ...-webhook-config` or `name: istio-...` line above it; "" before any).
fn write_ca_bundles(case: &str, mut bundle: impl FnMut(&str) -> String) {
    use base64::Engine as _;
    let path = root()
        .join("fixtures/clusters")
        .join(case)
        .join("webhooks.yaml");
    let text = std::fs::read_to_string(&path).expect("webhooks.yaml");
    let mut config = String::new();
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(name) = t.strip_prefix("name: ") {
            if name.ends_with("-webhook-config") || name.starts_with("istio-") {
                name.clone_into(&mut config);
            }
        }
        if let Some((pad, _)) = line.split_once("caBundle: ") {
            let pem = bundle(&config);
            let b64 = base64::engine::general_purpose::STANDARD.encode(pem.trim_end());
            out.push_str(pad);
            out.push_str("caBundle: ");
            out.push_str(&b64);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    std::fs::write(&path, out).expect("write");
}

/// The webhook CAs of the fixtures (see each EXPECTED.md): Istio's webhooks carry istiod's
/// self-signed root (`O=cluster.local`); Linkerd's, one self-signed CA per configuration
/// named after its Service host. All valid 2026-01-01 to 2036-01-01 except in `linkerd`,
/// where they live 365 days as Linkerd's do: the control plane's were made 160 days before
/// the pinned day, the viz tap-injector's expires 45 days after it (a warning).
fn write_webhook_fixtures(istio_sidecar_root: &str) {
    let (from, to) = LONG;
    let istio = || ca(&[(DnType::OrganizationName, "cluster.local")], from, to);
    for case in [
        "istio-sidecar-base",
        "istio-revisions",
        "istio-ambient",
        "istio-ambient-waypoints",
        "cilium-istio-ambient",
        "istio-single-replica-no-pdb",
    ] {
        let root = istio();
        write_ca_bundles(case, |_| root.clone());
    }
    write_ca_bundles("istio-sidecar", |_| istio_sidecar_root.to_owned());
    for case in ["linkerd-base", "linkerd-multicluster"] {
        write_ca_bundles(case, |c| {
            ca(&[(DnType::CommonName, &linkerd_host(c))], from, to)
        });
    }
    write_ca_bundles("linkerd", |c| {
        let (from, to) = if c == "linkerd-tap-injector-webhook-config" {
            (TODAY + 45 * DAY - 365 * DAY, TODAY + 45 * DAY)
        } else {
            (TODAY - 160 * DAY, TODAY + 205 * DAY)
        };
        ca(&[(DnType::CommonName, &linkerd_host(c))], from, to)
    });
}

/// Writes the fixtures' trust-anchor ConfigMaps (Linkerd's anchor expires on 2026-12-13,
/// 20 days after the pinned day; Istio's root on 2036-01-01) and the `caBundle`s of their
/// mesh webhook configurations (`write_webhook_fixtures`).
#[test]
#[ignore = "writes fixture files; run by hand to regenerate them"]
fn write_trust_anchor_fixtures() {
    let linkerd = ca(
        &[(DnType::CommonName, "root.linkerd.cluster.local")],
        TODAY - 345 * DAY,
        TODAY + 20 * DAY,
    );
    let header = "# Made by `cargo test --test cli write_trust_anchor_fixtures -- --ignored`\n# (tests/cli/certificates.rs); see EXPECTED.md \"Trust anchors\".\n";
    let text = format!(
        "{header}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: linkerd-identity-trust-roots\n  namespace: linkerd\n  labels:\n    linkerd.io/control-plane-component: identity\ndata:\n  ca-bundle.crt: |-\n{}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: linkerd-config\n  namespace: linkerd\ndata:\n  values: |\n    identityTrustDomain: cluster.local\n    identityTrustAnchorsPEM: |\n{}",
        indent(&linkerd, 4),
        indent(&linkerd, 6),
    );
    std::fs::write(
        root().join("fixtures/clusters/linkerd/trust-anchors.yaml"),
        text,
    )
    .expect("write");
    let istio = ca(
        &[(DnType::OrganizationName, "cluster.local")],
        1_767_225_600 - 365 * DAY,
        2_082_758_400,
    );
    let text = format!(
        "{header}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio-ca-root-cert\n  namespace: istio-system\ndata:\n  root-cert.pem: |\n{}",
        indent(&istio, 4)
    );
    std::fs::write(
        root().join("fixtures/clusters/istio-sidecar/trust-anchors.yaml"),
        text,
    )
    .expect("write");
    write_webhook_fixtures(&istio);
}

/// A live scan GETs the trust-anchor ConfigMaps by name (no ConfigMap list, no Secret) and
/// finds the same certificate hazards as the offline scan.
#[test]
fn live_scan_gets_anchor_config_maps_by_name_and_finds_the_hazards() {
    let live = Live::start("linkerd", |f| f);
    let o = live.scan(&["--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = json(&o);
    let requests = live.server().requests();
    let gets: Vec<&str> = requests
        .iter()
        .map(|r| r.path.as_str())
        .filter(|p| p.contains("configmaps"))
        .collect();
    assert_eq!(
        gets,
        [
            "/api/v1/namespaces/linkerd/configmaps/linkerd-config",
            "/api/v1/namespaces/linkerd/configmaps/linkerd-identity-trust-roots",
        ],
        "ConfigMaps are read by name only"
    );
    assert!(requests.iter().all(|r| r.method == "GET"), "read-only");
    assert!(
        !requests.iter().any(|r| r.path.contains("secrets")),
        "never Secrets"
    );
    let codes: Vec<String> = s["hazards"]
        .as_array()
        .expect("hazards")
        .iter()
        .map(|h| {
            format!(
                "{} {}",
                h["code"].as_str().unwrap_or(""),
                h["severity"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(
        codes.contains(&"trust-anchor-expiry critical".to_owned()),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"stale-trust-anchor-in-pods warning".to_owned()),
        "{codes:?}"
    );
    let offline = scan_json(&["--from", "fixtures/clusters/linkerd"]);
    assert_eq!(s["certificates"], offline["certificates"]);
}

/// A 403 on the anchor ConfigMaps makes the scan incomplete with a `forbidden` warning per
/// ConfigMap, and their anchors unknown: no hazard is guessed (not even "not visible"); the
/// webhook CAs, read from the webhook configurations, are still judged.
#[test]
fn forbidden_anchor_config_maps_are_a_warning_and_partial_not_a_guess() {
    let live = Live::start("linkerd", |f| {
        f.with_fault("configmaps", fakekube::Fault::Forbidden)
    });
    let o = live.scan(&[]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let s = json(&o);
    assert_eq!(s["complete"], false);
    let forbidden: Vec<&str> = s["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter(|w| w["code"] == "forbidden")
        .filter_map(|w| w["resource"].as_str())
        .collect();
    assert_eq!(
        forbidden,
        [
            "ConfigMap/linkerd/linkerd-config",
            "ConfigMap/linkerd/linkerd-identity-trust-roots"
        ]
    );
    let codes: Vec<&str> = s["hazards"]
        .as_array()
        .expect("hazards")
        .iter()
        .filter_map(|h| h["code"].as_str())
        .collect();
    assert!(!codes.contains(&"trust-anchor-expiry"), "{codes:?}");
    assert!(!codes.contains(&"stale-trust-anchor-in-pods"), "{codes:?}");
    let objects: Vec<&str> = s["certificates"]
        .as_array()
        .expect("certificates[]")
        .iter()
        .filter_map(|c| c["object"].as_str())
        .collect();
    assert!(
        objects.iter().all(|o| o.ends_with("-webhook-config")),
        "no anchor is listed, only the webhook CAs (read from the webhooks): {objects:?}"
    );
    assert_eq!(objects.len(), 4, "{objects:?}");
    assert!(codes.contains(&"webhook-ca-expiry"), "{codes:?}");
}
