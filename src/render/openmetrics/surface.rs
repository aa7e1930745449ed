//! Which metric families a snapshot gives: one per figure, labelled by the bounded
//! vocabulary the catalog and Kubernetes give (mesh, component, implementation, placement,
//! version, kind, code, severity); never a pod or workload name. Namespaces label only
//! the `meshsurface_namespace_*` families (one series per meshed namespace) and
//! `meshsurface_mesh_info` (the control plane's). `docs/metrics.md` documents each.

use super::{Exposition, Label, Labels};
use crate::arith::SatSum;
use crate::surface::Snapshot;

const CORES: Option<&str> = Some("cores");
const BYTES: Option<&str> = Some("bytes");
const SECONDS: Option<&str> = Some("seconds");

/// `meshsurface_build_info{version}`: the build that wrote the exposition.
pub fn build_info(e: &mut Exposition) {
    e.gauge(
        "meshsurface_build_info",
        "The meshsurface build that wrote these metrics (always 1).",
        None,
    )
    .add(vec![("version", env!("CARGO_PKG_VERSION").to_owned())], 1.0);
}

/// Adds one snapshot's families to `e`; with `cluster`, every series carries
/// `cluster="NAME"` first.
pub fn snapshot_families(e: &mut Exposition, s: &Snapshot, cluster: Option<&str>) {
    let l = |pairs: &[(&'static str, &str)]| -> Labels {
        let mut v: Labels = cluster
            .map(|c| ("cluster", c.to_owned()))
            .into_iter()
            .collect();
        v.extend(pairs.iter().map(|(k, val)| (*k, (*val).to_owned())));
        v
    };
    scan(e, s, &l);
    meshes(e, s, &l);
    proxies(e, s, &l);
    objects(e, s, &l);
    namespaces(e, s, &l);
    certificates(e, s, &l);
    super::cost::families(e, s, &l);
}

#[expect(
    clippy::cast_precision_loss,
    reason = "figures are counts far below 2^53; a float is what the formats carry"
)]
fn f(v: u64) -> f64 {
    v as f64
}

#[expect(
    clippy::cast_precision_loss,
    reason = "millicores and bytes far below 2^53; a float is what the formats carry"
)]
fn fi(v: i64) -> f64 {
    v as f64
}

/// Millicores as cores.
fn cores(m: i64) -> f64 {
    fi(m) / 1000.0
}

/// The scan itself: when, whether complete, how long, what it warned about, the scale.
fn scan(e: &mut Exposition, s: &Snapshot, l: &Label<'_>) {
    e.gauge(
        "meshsurface_scan_complete",
        "1 when every resource was read; 0 when the figures are a lower bound.",
        None,
    )
    .add(l(&[]), if s.complete { 1.0 } else { 0.0 });
    if let Some(t) = unix_seconds(&s.source.taken_at) {
        e.gauge(
            "meshsurface_scan_timestamp_seconds",
            "When the snapshot was taken (source.takenAt), in seconds since the Unix epoch.",
            SECONDS,
        )
        .add(l(&[]), fi(t));
    }
    if let Some(d) = s.source.duration_seconds {
        e.gauge(
            "meshsurface_scan_duration_seconds",
            "How long the live scan took (source.durationSeconds).",
            SECONDS,
        )
        .add(l(&[]), d);
    }
    let warnings = e.gauge(
        "meshsurface_scan_warnings",
        "Objects each kind of scan warning stands for (the figures they concern may be low).",
        None,
    );
    for w in &s.warnings {
        warnings.add(l(&[("code", w.code.as_str())]), f(w.count));
    }
    let sc = &s.scale;
    for (name, help, value) in [
        ("nodes", "Nodes in the cluster.", sc.nodes),
        ("namespaces", "Namespaces in the cluster.", sc.namespaces),
        ("pods", "Pods in the cluster.", sc.pods),
        ("meshed_pods", "Pods captured by a mesh.", sc.meshed_pods),
        (
            "service_accounts",
            "Service accounts in the cluster.",
            sc.service_accounts,
        ),
        (
            "meshed_namespaces",
            "Namespaces with pods captured by a mesh.",
            sc.meshed_namespaces,
        ),
    ] {
        e.gauge(&format!("meshsurface_cluster_{name}"), help, None)
            .add(l(&[]), f(value));
    }
}

/// Per mesh: its facts, control plane components, bill, hazards and runbook.
fn meshes(e: &mut Exposition, s: &Snapshot, l: &Label<'_>) {
    for m in &s.meshes {
        e.gauge(
            "meshsurface_mesh_info",
            "A mesh found in the cluster: its mode, control-plane version and namespace (always 1).",
            None,
        )
        .add(
            l(&[
                ("mesh", &m.name),
                ("mode", &m.mode),
                ("version", m.version.as_deref().unwrap_or("")),
                ("namespace", m.namespace.as_deref().unwrap_or("")),
            ]),
            1.0,
        );
        e.gauge(
            "meshsurface_mesh_meshed_pods",
            "Pods the mesh captures.",
            None,
        )
        .add(l(&[("mesh", &m.name)]), f(m.meshed_pods));
        e.gauge(
            "meshsurface_mesh_cpu_request_cores",
            "CPU requested by the mesh: its components and proxies.",
            CORES,
        )
        .add(
            l(&[("mesh", &m.name)]),
            cores(m.totals.cpu_request_millicores),
        );
        e.gauge(
            "meshsurface_mesh_memory_request_bytes",
            "Memory requested by the mesh: its components and proxies.",
            BYTES,
        )
        .add(l(&[("mesh", &m.name)]), fi(m.totals.memory_request_bytes));
        let steps: Vec<_> = s
            .upgrade_steps
            .iter()
            .filter(|u| u.mesh == m.name)
            .collect();
        e.gauge(
            "meshsurface_upgrade_steps",
            "Steps of the mesh's upgrade runbook.",
            None,
        )
        .add(l(&[("mesh", &m.name)]), f(steps.len() as u64));
        e.gauge(
            "meshsurface_upgrade_workload_restarts",
            "Workloads to restart during the mesh's upgrade, so their sidecars are re-injected.",
            None,
        )
        .add(
            l(&[("mesh", &m.name)]),
            f(steps.iter().map(|u| u.restarts).sat_sum()),
        );
    }
    for c in &s.components {
        let labels = l(&[
            ("mesh", &c.mesh),
            ("component", &c.component),
            ("role", c.role.as_str()),
            ("kind", c.kind.as_str()),
        ]);
        e.gauge(
            "meshsurface_components",
            "Workloads the team runs for a mesh, per component and workload kind.",
            None,
        )
        .add(labels.clone(), 1.0);
        e.gauge(
            "meshsurface_component_instances",
            "Pods of those workloads (observed, or projected from their template).",
            None,
        )
        .add(labels, f(c.instances));
    }
    for h in &s.hazards {
        e.gauge(
            "meshsurface_hazards",
            "Objects behind each hazard (docs/hazards.md lists the codes).",
            None,
        )
        .add(
            l(&[
                ("mesh", &h.mesh),
                ("code", h.code.as_str()),
                ("severity", h.severity.as_str()),
            ]),
            f(h.count),
        );
    }
}

/// Data-plane proxies per (mesh, implementation, placement, version).
fn proxies(e: &mut Exposition, s: &Snapshot, l: &Label<'_>) {
    for p in &s.proxies {
        let labels = l(&[
            ("mesh", &p.mesh),
            ("implementation", &p.implementation),
            ("placement", p.placement.as_str()),
            ("version", p.version.as_deref().unwrap_or("")),
        ]);
        let mut g = |name: &str, help: &'static str, unit, value: f64| {
            e.gauge(name, help, unit).add(labels.clone(), value);
        };
        g(
            "meshsurface_proxy_instances",
            "Proxy instances (sidecars, node proxies, gateways, waypoints).",
            None,
            f(p.instances),
        );
        g(
            "meshsurface_proxy_cpu_request_cores",
            "CPU requested by the proxies' containers.",
            CORES,
            cores(p.cpu_request_millicores),
        );
        g(
            "meshsurface_proxy_cpu_limit_cores",
            "CPU limit of the proxies' containers (0: none set).",
            CORES,
            cores(p.cpu_limit_millicores),
        );
        g(
            "meshsurface_proxy_memory_request_bytes",
            "Memory requested by the proxies' containers.",
            BYTES,
            fi(p.memory_request_bytes),
        );
        g(
            "meshsurface_proxy_memory_limit_bytes",
            "Memory limit of the proxies' containers (0: none set).",
            BYTES,
            fi(p.memory_limit_bytes),
        );
        if let Some(cpu) = p.cpu_usage_millicores {
            g(
                "meshsurface_proxy_cpu_usage_cores",
                "CPU used by the measured proxies (metrics.k8s.io).",
                CORES,
                cores(cpu),
            );
        }
        if let Some(mem) = p.memory_usage_bytes {
            g(
                "meshsurface_proxy_memory_usage_bytes",
                "Memory used by the measured proxies (metrics.k8s.io).",
                BYTES,
                fi(mem),
            );
        }
        if p.cpu_usage_millicores.is_some() || p.memory_usage_bytes.is_some() {
            g(
                "meshsurface_proxy_measured_instances",
                "Proxy instances the usage figures cover.",
                None,
                f(p.usage_pods),
            );
        }
    }
}

/// CRDs, configuration objects, webhooks and proxy overrides.
fn objects(e: &mut Exposition, s: &Snapshot, l: &Label<'_>) {
    for c in &s.crds {
        e.gauge(
            "meshsurface_crds",
            "CustomResourceDefinitions a mesh owns or needs, per API group.",
            None,
        )
        .add(l(&[("mesh", &c.mesh), ("group", &c.group)]), 1.0);
    }
    for c in &s.config {
        let Some(n) = c.objects else { continue };
        e.gauge(
            "meshsurface_config_objects",
            "Configuration objects (custom resources of the mesh's API groups) per kind; a kind whose count is unknown has no series.",
            None,
        )
        .add(
            l(&[("mesh", &c.mesh), ("group", &c.group), ("kind", &c.kind)]),
            f(n),
        );
    }
    for w in &s.webhooks {
        e.gauge(
            "meshsurface_webhook_configurations",
            "Webhook configuration objects of a mesh.",
            None,
        )
        .add(l(&[("mesh", &w.mesh), ("kind", &w.kind)]), 1.0);
        for item in &w.webhooks {
            e.gauge(
                "meshsurface_webhooks",
                "Webhooks in those configurations, per failure policy (Fail blocks the API call when the webhook is down).",
                None,
            )
            .add(
                l(&[
                    ("mesh", &w.mesh),
                    ("kind", &w.kind),
                    ("failure_policy", &item.failure_policy),
                ]),
                1.0,
            );
        }
    }
    for o in &s.overrides {
        e.gauge(
            "meshsurface_proxy_override_workloads",
            "Workloads whose pod template carries a proxy-override annotation, per key.",
            None,
        )
        .add(
            l(&[("mesh", &o.mesh), ("annotation", &o.annotation)]),
            f(o.workloads),
        );
    }
}

/// Per meshed namespace: how its pods are captured and its share of the data plane.
fn namespaces(e: &mut Exposition, s: &Snapshot, l: &Label<'_>) {
    for n in &s.namespaces {
        let labels = l(&[
            ("mesh", &n.mesh),
            ("namespace", &n.namespace),
            ("capture", &n.capture),
        ]);
        e.gauge(
            "meshsurface_namespace_meshed_pods",
            "Meshed pods in a namespace, with how the namespace is captured.",
            None,
        )
        .add(labels.clone(), f(n.meshed_pods));
        e.gauge(
            "meshsurface_namespace_proxies",
            "Proxy instances running in a namespace (sidecars, and waypoints placed there).",
            None,
        )
        .add(labels, f(n.proxies));
    }
}

/// When each certificate of the trust anchors and webhook CAs expires. `subject` is a
/// label because a bundle may hold several roots (a rotation's old and new one); the
/// objects are the catalog's ConfigMaps and the meshes' webhook configurations, so the
/// set stays small. Two certificates alike in all four labels (a root re-issued under the
/// same name) are one series: the sooner expiry, the one an alert must see.
fn certificates(e: &mut Exposition, s: &Snapshot, l: &Label<'_>) {
    let mut soonest = std::collections::BTreeMap::new();
    for c in &s.certificates {
        let Some(t) = unix_seconds(&c.not_after) else {
            continue;
        };
        let labels = l(&[
            ("mesh", &c.mesh),
            ("object", &c.object),
            ("key", &c.key),
            ("subject", &c.subject),
        ]);
        soonest
            .entry(labels)
            .and_modify(|v: &mut i64| *v = (*v).min(t))
            .or_insert(t);
    }
    for (labels, t) in soonest {
        e.gauge(
            "meshsurface_certificate_expiry_timestamp_seconds",
            "When a certificate of a trust anchor or webhook CA bundle expires (notAfter), in seconds since the Unix epoch.",
            SECONDS,
        )
        .add(labels, fi(t));
    }
}

/// An RFC 3339 UTC timestamp (`2026-11-23T12:00:00Z`, fractions ignored) in seconds
/// since the Unix epoch.
pub(super) fn unix_seconds(ts: &str) -> Option<i64> {
    let day = crate::date::Day::of_timestamp(ts)?;
    let time = ts.get(11..19)?;
    let mut parts = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, sec) = (parts.next()??, parts.next()??, parts.next()??);
    Some(day.unix_seconds() + h * 3600 + m * 60 + sec)
}
