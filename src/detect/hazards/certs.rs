//! The certificate hazards: `trust-anchor-expiry` (the catalog's trust-anchor ConfigMaps,
//! next to the components the catalog names), `webhook-ca-expiry` (each mesh webhook's
//! `caBundle`) and `stale-trust-anchor-in-pods` (proxies injected with other anchors than
//! the current ones). Every certificate seen is also listed for `certificates[]`.
//!
//! Judged at the detector's day; without one (a projection) nothing is dated. A bundle
//! that does not parse is an `invalid-certificate` warning naming the object and key.

use std::collections::{BTreeMap, BTreeSet};

use super::Hazards;
use crate::catalog::{Catalog, MeshEntry};
use crate::certs::{expiry_severity, Certificate, CRITICAL_DAYS, WARNING_DAYS};
use crate::date::Day;
use crate::inventory::{Inventory, PodGroup, WebhookKind};
use crate::surface::{CertificateEntry, Component, Hazard, HazardCode, Severity, WarningCode};

use super::super::warnings::Warnings;

/// Where the 60-day warning and the 30-day critical steps come from.
const THRESHOLDS: &str = "thresholds: linkerd/linkerd2 edge-26.8.3 (19a0d90d5a4a) pkg/issuercerts/issuercerts.go expirationWarningThresholdInDays = 60 (\"trust anchors are valid for at least 60 days\", a warning); under 30 days or expired is critical (issue 17)";

/// What the rules read besides the catalog and the inventory.
pub(in crate::detect) struct Judge<'a> {
    pub catalog: &'a Catalog,
    pub inv: &'a Inventory,
    pub components: &'a [Component],
    pub today: Option<Day>,
}

/// One certificate close to expiry: its severity, object and the phrase naming it.
struct Finding {
    severity: Severity,
    object: String,
    phrase: String,
}

/// Runs the three rules; returns `certificates[]`.
pub(in crate::detect) fn judge(
    j: &Judge<'_>,
    hazards: &mut Hazards,
    warnings: &mut Warnings,
) -> Vec<CertificateEntry> {
    let mut entries = Vec::new();
    for m in &j.catalog.meshes {
        anchors(j, m, hazards, warnings, &mut entries);
        stale(j, m, hazards);
    }
    webhook_cas(j, hazards, warnings, &mut entries);
    entries.sort_by(|a, b| {
        (&a.mesh, &a.object, &a.key, &a.not_after).cmp(&(&b.mesh, &b.object, &b.key, &b.not_after))
    });
    entries.dedup();
    entries
}

/// (component id, namespace) of the mesh's components found.
fn placed<'a>(j: &'a Judge<'_>, mesh: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + Clone {
    j.components
        .iter()
        .filter(move |c| c.mesh == mesh)
        .map(|c| (c.component.as_str(), c.namespace.as_str()))
}

/// `trust-anchor-expiry` for one mesh: its anchors' certificates, or `info` when its
/// control plane runs but no (non-optional) anchor ConfigMap is beside it.
fn anchors(
    j: &Judge<'_>,
    m: &MeshEntry,
    hazards: &mut Hazards,
    warnings: &mut Warnings,
    entries: &mut Vec<CertificateEntry>,
) {
    let ta = &m.trust_anchors;
    let (mut expected, mut found, mut unread) = (Vec::new(), false, false);
    let mut findings = Vec::new();
    for cm in &ta.config_maps {
        for ns in MeshEntry::anchor_namespaces(cm, placed(j, &m.mesh)) {
            let object = format!("ConfigMap/{ns}/{}", cm.name);
            if !cm.optional {
                expected.push(object.clone());
            }
            unread |= j
                .inv
                .anchors_unread
                .contains(&(ns.clone(), cm.name.clone()));
            let place = cm.place();
            for b in j
                .inv
                .anchors
                .iter()
                .filter(|b| b.namespace == ns && b.name == cm.name && b.place == place)
            {
                found |= !cm.optional;
                match &b.certificates {
                    Err(e) => invalid(warnings, &object, &place, e),
                    Ok(certs) => {
                        for c in certs {
                            let (entry, finding) = judged(j.today, &m.mesh, &object, &place, c);
                            entries.push(entry);
                            findings.extend(finding);
                        }
                    }
                }
            }
        }
    }
    if !findings.is_empty() {
        hazards.push(worded(
            HazardCode::TrustAnchorExpiry,
            &m.mesh,
            &findings,
            "When the trust anchor expires, proxies can no longer validate each other's certificates: mTLS between meshed workloads fails mesh-wide until the anchor is rotated and every proxy restarted.",
            format!("{}; {THRESHOLDS}", ta.source),
        ));
    } else if !expected.is_empty() && !found && !unread {
        let why = ta.secret_only.as_deref().unwrap_or("kept in a Secret?");
        hazards.push(Hazard {
            code: HazardCode::TrustAnchorExpiry,
            severity: Severity::Info,
            mesh: m.mesh.clone(),
            count: 1,
            message: format!(
                "{} not found: the {} trust anchors are not visible without Secrets ({why})",
                expected.join(", "),
                m.mesh
            ),
            objects: expected,
            why: "An anchor kept only in a Secret cannot be judged without reading Secrets, which meshsurface never does: its expiry must be watched another way.".to_owned(),
            source: ta.source.clone(),
        });
    }
}

/// `webhook-ca-expiry`: the `caBundle` of each webhook of a mesh's configurations (a
/// certificate repeated over the webhooks of one configuration counts once).
fn webhook_cas(
    j: &Judge<'_>,
    hazards: &mut Hazards,
    warnings: &mut Warnings,
    entries: &mut Vec<CertificateEntry>,
) {
    let mut by_mesh: BTreeMap<&str, Vec<Finding>> = BTreeMap::new();
    for w in &j.inv.webhooks {
        let owner = j.catalog.meshes.iter().find(|m| {
            w.webhooks.iter().any(|h| {
                m.webhook_suffixes
                    .iter()
                    .any(|s| h.name.ends_with(s.as_str()))
            })
        });
        let Some(m) = owner else { continue };
        let kind = match w.kind {
            WebhookKind::Mutating => "MutatingWebhookConfiguration",
            WebhookKind::Validating => "ValidatingWebhookConfiguration",
        };
        let object = format!("{kind}/{}", w.name);
        let mut seen = BTreeSet::new();
        // One warning per configuration and error, however many webhooks repeat it.
        let mut broken: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for h in &w.webhooks {
            let key = format!("webhooks[{}].clientConfig.caBundle", h.name);
            match &h.ca_bundle {
                None => {}
                Some(Err(e)) => broken.entry(e).or_default().push(&h.name),
                Some(Ok(certs)) => {
                    for c in certs.iter().filter(|c| seen.insert(c.sha256.clone())) {
                        let (entry, finding) = judged(j.today, &m.mesh, &object, &key, c);
                        entries.push(entry);
                        by_mesh.entry(&m.mesh).or_default().extend(finding);
                    }
                }
            }
        }
        for (e, names) in broken {
            let key = match names.as_slice() {
                [one] => format!("webhooks[{one}].clientConfig.caBundle"),
                _ => format!("clientConfig.caBundle of webhooks {}", names.join(", ")),
            };
            invalid(warnings, &object, &key, e);
        }
    }
    for (mesh, findings) in by_mesh.into_iter().filter(|(_, f)| !f.is_empty()) {
        hazards.push(worded(
            HazardCode::WebhookCaExpiry,
            mesh,
            &findings,
            "When a webhook's CA expires, the API server can no longer verify the webhook's serving certificate and every call fails: with failurePolicy Fail the requests it matches (pod creation, for an injector) are rejected, with Ignore they pass unchecked or uninjected.",
            format!("Kubernetes, Dynamic Admission Control: clientConfig.caBundle (https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#contacting-the-webhook); {THRESHOLDS}"),
        ));
    }
}

/// `stale-trust-anchor-in-pods`: observed pods outside the control-plane namespaces whose
/// proxy was injected with other anchors than the current ConfigMap's.
fn stale(j: &Judge<'_>, m: &MeshEntry, hazards: &mut Hazards) {
    let Some(env) = &m.trust_anchors.pod_env else {
        return;
    };
    let Some(cm) = m
        .trust_anchors
        .config_maps
        .iter()
        .find(|c| c.name == env.matches)
    else {
        return;
    };
    let namespaces = MeshEntry::anchor_namespaces(cm, placed(j, &m.mesh));
    let place = cm.place();
    let current: Vec<_> = j
        .inv
        .anchors
        .iter()
        .filter(|b| namespaces.contains(&b.namespace) && b.name == cm.name && b.place == place)
        .filter(|b| !b.fingerprint.is_empty())
        .collect();
    if current.is_empty() {
        return;
    }
    let mut pods: BTreeMap<String, u64> = BTreeMap::new();
    for g in j
        .inv
        .pod_groups
        .iter()
        .filter(|g| !namespaces.contains(&g.namespace))
    {
        let outdated = g
            .shape
            .containers
            .iter()
            .chain(&g.shape.init_containers)
            .filter(|c| c.name == env.container)
            .filter_map(|c| c.env.get(&env.name))
            .any(|fp| !current.iter().any(|b| &b.fingerprint == fp));
        if outdated {
            let n = pods.entry(resource(j.inv, g)).or_default();
            *n = n.saturating_add(g.count);
        }
    }
    if pods.is_empty() {
        return;
    }
    let count = pods.values().fold(0u64, |n, c| n.saturating_add(*c));
    let against: Vec<String> = current
        .iter()
        .map(|b| format!("ConfigMap/{}/{} {}", b.namespace, b.name, b.place))
        .collect();
    hazards.push(Hazard {
        code: HazardCode::StaleTrustAnchorInPods,
        severity: Severity::Warning,
        mesh: m.mesh.clone(),
        count,
        message: format!(
            "{count} pod{} of {} workload{} run a {} whose {} differs from {}: {} must be restarted",
            if count == 1 { "" } else { "s" },
            pods.len(),
            if pods.len() == 1 { "" } else { "s" },
            env.container,
            env.name,
            against.join(", "),
            if count == 1 { "it" } else { "they" },
        ),
        objects: pods.into_keys().collect(),
        why: "A proxy keeps the trust anchors it was injected with: once the old anchor is retired, it can no longer validate its peers' certificates and its connections fail; restarting the pod injects the current anchors.".to_owned(),
        source: env.source.clone(),
    });
}

/// The workload a pod group belongs to (`Deployment/ns/name`), else the pod.
fn resource(inv: &Inventory, g: &PodGroup) -> String {
    match &g.owner {
        Some(o) if o.kind == "ReplicaSet" => {
            match inv.replica_sets.get(&(g.namespace.clone(), o.name.clone())) {
                Some(d) => format!("Deployment/{}/{d}", g.namespace),
                None => format!("ReplicaSet/{}/{}", g.namespace, o.name),
            }
        }
        Some(o) => format!("{}/{}/{}", o.kind, g.namespace, o.name),
        None => format!("Pod/{}/{}", g.namespace, g.example),
    }
}

/// The `invalid-certificate` warning of a bundle that does not parse.
fn invalid(warnings: &mut Warnings, object: &str, key: &str, why: &str) {
    warnings.add(
        WarningCode::InvalidCertificate,
        object.to_owned(),
        format!("{key}: {why}: its certificates are not judged"),
        1,
    );
}

/// A certificate's `certificates[]` entry and, when it expires soon, its finding.
fn judged(
    today: Option<Day>,
    mesh: &str,
    object: &str,
    key: &str,
    c: &Certificate,
) -> (CertificateEntry, Option<Finding>) {
    let days = today.map(|d| c.days_left(d.unix_seconds()));
    let entry = CertificateEntry {
        mesh: mesh.to_owned(),
        object: object.to_owned(),
        key: key.to_owned(),
        subject: c.subject.clone(),
        not_after: rfc3339(c.not_after),
        days_left: days,
    };
    let finding = days.and_then(|d| {
        let severity = expiry_severity(d)?;
        let date = Day::from_unix(c.not_after);
        let when = match d {
            d if d < 0 => format!("expired {date} ({} days ago)", -d),
            1 => format!("expires {date} (1 day)"),
            d => format!("expires {date} ({d} days)"),
        };
        Some(Finding {
            severity,
            object: object.to_owned(),
            phrase: format!("{object} {key}: {} {when}", c.subject),
        })
    });
    (entry, finding)
}

/// One entry of `findings` (not empty): the most severe, its objects, the phrases joined.
fn worded(code: HazardCode, mesh: &str, findings: &[Finding], why: &str, source: String) -> Hazard {
    let severity = findings
        .iter()
        .map(|f| f.severity)
        .min()
        .unwrap_or(Severity::Warning);
    let objects: BTreeSet<&str> = findings.iter().map(|f| f.object.as_str()).collect();
    let phrases: Vec<&str> = findings.iter().map(|f| f.phrase.as_str()).collect();
    Hazard {
        code,
        severity,
        mesh: mesh.to_owned(),
        count: findings.len() as u64,
        objects: objects.into_iter().map(str::to_owned).collect(),
        message: phrases.join("; "),
        why: format!("{why} (critical under {CRITICAL_DAYS} days, warning under {WARNING_DAYS})"),
        source,
    }
}

/// `secs` since the epoch as RFC 3339 in UTC.
fn rfc3339(secs: i64) -> String {
    let (y, mo, d) = Day::from_unix(secs).civil();
    let t = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}
