//! `fail-closed-single-replica`: a mesh webhook with `failurePolicy: Fail` in front of a
//! control-plane workload that one restart, eviction or node drain can take down.
//!
//! Judged on the assembled snapshot, because the link from a webhook's Service to the
//! workloads behind it, and the namespaces a mutating webhook injects into, are the
//! graph's ([`graph::webhook_backends`], `injects` edges): one rule for both, so `graph`
//! and the hazard never disagree about what backs what. Readiness and `PodDisruptionBudgets`
//! come from the inventory (they are not snapshot figures).
//!
//! Severity: **critical** when a backend has fewer than 2 ready replicas (spec replicas,
//! lowered to `status.readyReplicas` when the input has a status): one pod going away
//! stops admission. **warning** when it has 2 or more but no `PodDisruptionBudget` of its
//! namespace selects its pods and allows a disruption: nothing paces a node drain across
//! the replicas (or, with a budget that allows none, the drain blocks). The budget half is
//! judged only when the input holds at least one budget (live and offline alike), as
//! `orphaned-webhook` is judged only when it holds Services.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::visit::EdgeRef;
use petgraph::Direction;

use super::{plural, FAILURE_POLICY_DOC};
use crate::catalog::{Catalog, EdgeType};
use crate::graph::{self, Graph, NodeKind};
use crate::inventory::Inventory;
use crate::surface::{Component, Hazard, HazardCode, Severity, Snapshot};

/// Kubernetes on `PodDisruptionBudgets`: what a budget allows during voluntary disruptions.
const PDB_DOC: &str =
    "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-budgets";

/// Namespaces named in a message before the rest is summed up as `…`.
const NAMED: usize = 3;

/// What one mesh's fail-closed webhooks stand in front of.
#[derive(Debug, Default)]
struct Finding {
    /// `Kind/namespace/name (detail)` → severity.
    objects: BTreeMap<String, Severity>,
    /// The workloads' names (for the message).
    names: BTreeSet<String>,
    webhooks: u64,
    /// A fail-closed validating webhook is among them: configuration changes stop.
    validating: bool,
    /// A fail-closed mutating webhook is among them: pod creation stops.
    mutating: bool,
    /// The meshed namespaces those mutating webhooks inject into.
    namespaces: BTreeSet<String>,
}

/// One `fail-closed-single-replica` hazard per mesh whose fail-closed webhooks have a
/// backend that can go down with nothing to take over.
pub(in crate::detect) fn fail_closed(
    snap: &Snapshot,
    inv: &Inventory,
    catalog: &Catalog,
) -> Vec<Hazard> {
    let fail_closed = |h: &crate::surface::WebhookItem| h.failure_policy == "Fail";
    if !snap.webhooks.iter().any(|w| {
        w.webhooks
            .iter()
            .any(|h| fail_closed(h) && h.service.is_some())
    }) {
        return Vec::new();
    }
    let g = graph::build(snap, catalog);
    let mut by_mesh: BTreeMap<&str, Finding> = BTreeMap::new();
    for w in &snap.webhooks {
        let Some(entry) = catalog.mesh(&w.mesh) else {
            continue;
        };
        let mut judged = Vec::new();
        for h in w.webhooks.iter().filter(|h| fail_closed(h)) {
            let Some((ns, name)) = h.service.as_deref().and_then(|s| s.split_once('/')) else {
                continue;
            };
            judged.extend(
                graph::webhook_backends(snap, entry, ns, name)
                    .filter_map(|c| judge(c, inv).map(|(s, o)| (c.name.clone(), s, o))),
            );
        }
        if judged.is_empty() {
            continue;
        }
        let f = by_mesh.entry(&w.mesh).or_default();
        for (name, severity, object) in judged {
            let s = f.objects.entry(object).or_insert(severity);
            *s = (*s).min(severity);
            f.names.insert(name);
        }
        f.webhooks += 1;
        if w.kind == "mutating" {
            f.mutating = true;
            f.namespaces.extend(injected(&g, &w.mesh, &w.kind, &w.name));
        } else {
            f.validating = true;
        }
    }
    by_mesh
        .into_iter()
        .map(|(mesh, f)| worded(mesh, f))
        .collect()
}

/// The severity and the object line of one backend, or `None` when it is safe: 2 or more
/// ready replicas and (when budgets were read) a budget that allows a disruption.
fn judge(c: &Component, inv: &Inventory) -> Option<(Severity, String)> {
    let workload = inv
        .workloads
        .iter()
        .find(|w| w.kind == c.kind && w.namespace == c.namespace && w.name == c.name);
    let replicas = c.replicas;
    let ready = workload
        .and_then(|w| w.ready_replicas)
        .map_or(replicas, |r| r.min(replicas));
    // Judged when budgets were read and the pods' labels are known (the template's).
    let no_budget = match workload {
        Some(w) if inv.pdbs_read => !inv.pdbs.iter().any(|((ns, _), p)| {
            *ns == c.namespace && p.selects(&w.template.labels) && p.allows_disruption(replicas)
        }),
        _ => false,
    };
    let severity = if ready < 2 {
        Severity::Critical
    } else if no_budget {
        Severity::Warning
    } else {
        return None;
    };
    let mut detail = plural(replicas, "replica");
    if ready < replicas {
        detail = format!("{detail}, {ready} ready");
    }
    if no_budget {
        detail.push_str(", no PodDisruptionBudget allows a disruption");
    }
    Some((
        severity,
        format!("{}/{}/{} ({detail})", c.kind.as_str(), c.namespace, c.name),
    ))
}

/// The meshed namespaces the webhook node `mesh/webhook/kind/name` injects into.
fn injected(g: &Graph, mesh: &str, kind: &str, name: &str) -> Vec<String> {
    let id = format!("{mesh}/webhook/{kind}/{name}");
    let Some((i, _)) = g.nodes().find(|(_, n)| n.id == id) else {
        return Vec::new();
    };
    g.graph
        .edges_directed(i, Direction::Outgoing)
        .filter(|e| e.weight().r#type == EdgeType::Injects)
        .filter_map(|e| match &g.graph[e.target()].kind {
            NodeKind::Namespace { namespace, .. } => Some(namespace.clone()),
            _ => None,
        })
        .collect()
}

fn worded(mesh: &str, f: Finding) -> Hazard {
    let severity = f
        .objects
        .values()
        .copied()
        .min()
        .unwrap_or(Severity::Warning);
    let names: Vec<&str> = f.names.iter().map(String::as_str).collect();
    let one = names.len() == 1;
    let subject = match (one, f.objects.keys().next()) {
        // One workload: its detail, as in its object line.
        (true, Some(o)) => format!(
            "{} ({}",
            names[0],
            o.split_once(" (").map_or("", |(_, d)| d)
        ),
        _ => names.join(", "),
    };
    let mut effects = Vec::new();
    if f.validating {
        effects.push(format!("changes to {mesh} configuration are rejected"));
    }
    if f.mutating {
        let n = f.namespaces.len() as u64;
        effects.push(if n == 0 {
            "pod creation stops in the namespaces its namespaceSelector matches (none injected in the input)".to_owned()
        } else {
            let mut named: Vec<&str> = f.namespaces.iter().take(NAMED).map(String::as_str).collect();
            if f.namespaces.len() > NAMED {
                named.push("…");
            }
            format!(
                "pod creation stops in {} {}: {}",
                n,
                if n == 1 { "meshed namespace" } else { "meshed namespaces" },
                named.join(", ")
            )
        });
    }
    let message = format!(
        "{subject} back{} {} with failurePolicy Fail: while {} down, {}",
        if one { "s" } else { "" },
        plural(f.webhooks, "webhook configuration"),
        if one { "it is" } else { "they are" },
        effects.join(", and ")
    );
    let why = if severity == Severity::Critical {
        "With failurePolicy Fail the API server rejects every request a webhook matches while no replica behind its Service answers, and with fewer than 2 ready replicas one restart, eviction or node drain is enough."
    } else {
        "With failurePolicy Fail the API server rejects every request a webhook matches while no replica behind its Service answers, and without a PodDisruptionBudget that allows one disruption at a time nothing paces a node drain across the replicas (with none a drain may evict them all at once; with one that allows none the drain blocks)."
    };
    Hazard {
        code: HazardCode::FailClosedSingleReplica,
        severity,
        mesh: mesh.to_owned(),
        count: f.objects.len() as u64,
        objects: f.objects.into_keys().collect(),
        message,
        why: why.to_owned(),
        source: format!("{FAILURE_POLICY_DOC}; {PDB_DOC}"),
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::tests::scan;
    use crate::surface::{Hazard, HazardCode, Severity};

    /// istiod with `replicas` (and `ready`, when given, in a status), its injector webhook
    /// with `policy`, one injected namespace, and `extra` documents.
    fn cluster(replicas: u64, ready: Option<u64>, policy: &str, extra: &str) -> Vec<Hazard> {
        let status = ready.map_or(String::new(), |r| {
            format!("status: {{replicas: {replicas}, readyReplicas: {r}}}")
        });
        let yaml = format!(
            "
apiVersion: apps/v1
kind: Deployment
metadata: {{name: istiod, namespace: istio-system}}
spec:
  replicas: {replicas}
  template:
    metadata: {{labels: {{app: istiod, istio: pilot}}}}
    spec:
      containers: [{{name: discovery, image: docker.io/istio/pilot:1.26.0}}]
{status}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {{name: istio-sidecar-injector}}
webhooks:
- name: namespace.sidecar-injector.istio.io
  failurePolicy: {policy}
  clientConfig: {{service: {{name: istiod, namespace: istio-system}}}}
---
apiVersion: v1
kind: Namespace
metadata: {{name: shop, labels: {{istio-injection: enabled}}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  replicas: 1
  template:
    spec:
      containers: [{{name: web, image: web:1}}]
{extra}"
        );
        scan(&yaml)
            .hazards
            .into_iter()
            .filter(|h| h.code == HazardCode::FailClosedSingleReplica)
            .collect()
    }

    fn pdb(ns: &str, spec: &str) -> String {
        format!(
            "---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: budget, namespace: {ns}}}
spec: {spec}
"
        )
    }

    #[test]
    fn one_replica_behind_a_fail_webhook_is_critical_and_names_the_namespaces() {
        let h = cluster(1, None, "Fail", "");
        assert_eq!(h.len(), 1, "{h:?}");
        assert_eq!(h[0].severity, Severity::Critical);
        assert_eq!(h[0].objects, ["Deployment/istio-system/istiod (1 replica)"]);
        assert_eq!(
            h[0].message,
            "istiod (1 replica) backs 1 webhook configuration with failurePolicy Fail: while it is down, pod creation stops in 1 meshed namespace: shop"
        );
        assert!(cluster(1, None, "Ignore", "").is_empty(), "fails open");
    }

    #[test]
    fn ready_replicas_count_not_desired_ones() {
        let h = cluster(3, Some(1), "Fail", "");
        assert_eq!(h[0].severity, Severity::Critical);
        assert_eq!(
            h[0].objects,
            ["Deployment/istio-system/istiod (3 replicas, 1 ready)"]
        );
        assert!(
            cluster(3, Some(3), "Fail", "").is_empty(),
            "no budgets read"
        );
    }

    #[test]
    fn two_replicas_need_a_budget_that_allows_a_disruption_once_budgets_are_read() {
        let allowing = pdb(
            "istio-system",
            "{minAvailable: 1, selector: {matchLabels: {app: istiod}}}",
        );
        assert!(
            cluster(2, Some(2), "Fail", &allowing).is_empty(),
            "2 replicas and a budget allowing one eviction"
        );
        let percent = pdb(
            "istio-system",
            "{maxUnavailable: 50%, selector: {matchLabels: {app: istiod}}}",
        );
        assert!(cluster(2, Some(2), "Fail", &percent).is_empty());
        for (what, extra) in [
            (
                "a budget elsewhere only",
                pdb("shop", "{minAvailable: 1, selector: {}}"),
            ),
            (
                "a budget allowing none",
                pdb(
                    "istio-system",
                    "{minAvailable: 100%, selector: {matchLabels: {app: istiod}}}",
                ),
            ),
            (
                "a budget of other pods",
                pdb(
                    "istio-system",
                    "{minAvailable: 1, selector: {matchLabels: {app: other}}}",
                ),
            ),
        ] {
            let h = cluster(2, Some(2), "Fail", &extra);
            assert_eq!(h.len(), 1, "{what}");
            assert_eq!(h[0].severity, Severity::Warning, "{what}");
            assert_eq!(
                h[0].objects,
                ["Deployment/istio-system/istiod (2 replicas, no PodDisruptionBudget allows a disruption)"],
                "{what}"
            );
        }
        // One replica: critical whatever the budget says.
        let h = cluster(1, Some(1), "Fail", &allowing);
        assert_eq!(h[0].severity, Severity::Critical);
        assert_eq!(h[0].objects, ["Deployment/istio-system/istiod (1 replica, no PodDisruptionBudget allows a disruption)"]);
    }
}
