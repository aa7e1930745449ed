//! The sections of one mesh in `scan` output: its heading, components, proxies,
//! namespaces, CRDs and webhooks. Each section is one function, so a column is added in
//! one place and the table and Markdown follow.

use std::collections::BTreeSet;

use crate::render::fit::Shrink;
use crate::render::section::Section;
use crate::render::words::{cpu, memory, opt, plural, request};
use crate::surface::{Mesh, Proxy, Snapshot};

/// Namespaces shown in the default table before the rest is summarised (`-o wide`: all).
const NAMESPACES_SHOWN: usize = 10;

/// The heading of mesh `m`, then its parts.
pub(super) fn sections(s: &Snapshot, m: &Mesh, wide: bool) -> Vec<Section> {
    let title = format!(
        "{} ({}{}{})",
        m.name,
        m.mode,
        m.version
            .as_ref()
            .map(|v| format!(", {v}"))
            .unwrap_or_default(),
        data_plane_mix(s, &m.name)
    );
    let mut out = vec![
        Section::heading(title),
        components(s, &m.name, wide),
        proxies(s, &m.name, wide),
        namespaces(s, &m.name, wide),
        crds(s, &m.name, "CRDs", wide),
        webhooks(s, &m.name, wide),
        super::config::section(s, &m.name, wide),
    ];
    out.extend(super::config::overrides(s, &m.name));
    out
}

/// `; data plane on 2 versions: 1.25.4 ×5, 1.26.3 ×5` when a mesh's proxies run more than
/// one version (the counts `diff` computes), else nothing.
fn data_plane_mix(s: &Snapshot, mesh: &str) -> String {
    let mine: Vec<&Proxy> = s.proxies.iter().filter(|p| p.mesh == mesh).collect();
    let counts = crate::diff::version_counts(&mine);
    if counts.len() < 2 {
        return String::new();
    }
    let list: Vec<String> = counts
        .iter()
        .map(|v| {
            format!(
                "{} ×{}",
                v.version.as_deref().unwrap_or("unknown"),
                v.instances
            )
        })
        .collect();
    format!(
        "; data plane on {}: {}",
        plural(counts.len() as u64, "version"),
        list.join(", ")
    )
}

fn components(s: &Snapshot, mesh: &str, wide: bool) -> Section {
    let mut headers = vec![
        "COMPONENT",
        "ROLE",
        "KIND",
        "NAMESPACE",
        "NAME",
        "REPLICAS",
        "PODS",
        "SCALES WITH",
        "VERSION",
    ];
    if wide {
        headers.extend(["FEATURE", "FROM"]);
    }
    let mut sec = Section::new(2, "Components", headers).optional(&[
        "SCALES WITH",
        "KIND",
        "ROLE",
        "REPLICAS",
        "NAMESPACE",
    ]);
    for c in s.components.iter().filter(|c| c.mesh == mesh) {
        let mut row = vec![
            c.component.clone(),
            c.role.as_str().to_owned(),
            c.kind.as_str().to_owned(),
            c.namespace.clone(),
            c.name.clone(),
            c.replicas.to_string(),
            c.instances.to_string(),
            c.scales_with.as_str().to_owned(),
            opt(c.version.as_ref()),
        ];
        if wide {
            row.extend([
                c.feature.clone(),
                c.from.map_or_else(|| "pods".into(), |f| f.to_string()),
            ]);
        }
        sec.rows.push(row);
    }
    sec
}

#[allow(
    clippy::too_many_lines,
    reason = "the proxies table column by column, in the order it prints"
)]
fn proxies(s: &Snapshot, mesh: &str, wide: bool) -> Section {
    let mut headers = vec![
        "IMPLEMENTATION",
        "PLACEMENT",
        "VERSION",
        "INSTANCES",
        "CPU REQ",
        "MEM REQ",
    ];
    // Measured usage (live scans where metrics.k8s.io is served) sits beside the requests.
    let measured = s.proxies.iter().any(|p| p.cpu_usage_millicores.is_some());
    if measured {
        headers.extend(["CPU USED", "MEM USED", "UTIL CPU/MEM"]);
    }
    if wide {
        headers.extend(["CPU LIM", "MEM LIM", "FROM"]);
    }
    let mut sec = Section::new(2, "Proxies", headers)
        .optional(&["UTIL CPU/MEM", "PLACEMENT"])
        .keep(&["INSTANCES", "CPU REQ", "MEM REQ", "UTIL CPU/MEM"])
        // `21m (2/3 pods)` wraps after its figure rather than being cut.
        .shrink("CPU USED", Shrink::Text)
        .shrink("MEM USED", Shrink::Text);
    let mine: Vec<&Proxy> = s.proxies.iter().filter(|p| p.mesh == mesh).collect();
    let row = |label: [String; 3],
               instances: u64,
               figures: [i64; 4],
               usage: [String; 3],
               from: String| {
        let mut row = label.to_vec();
        row.extend([
            instances.to_string(),
            request(figures[0], instances, cpu),
            request(figures[1], instances, memory),
        ]);
        if measured {
            row.extend(usage);
        }
        if wide {
            row.extend([cpu(figures[2]), memory(figures[3]), from]);
        }
        row
    };
    for p in &mine {
        sec.rows.push(row(
            [
                p.implementation.clone(),
                p.placement.to_string(),
                opt(p.version.as_ref()),
            ],
            p.instances,
            [
                p.cpu_request_millicores,
                p.memory_request_bytes,
                p.cpu_limit_millicores,
                p.memory_limit_bytes,
            ],
            [
                usage_cell(p.cpu_usage_millicores, cpu, p.usage_pods, p.instances),
                usage_cell(p.memory_usage_bytes, memory, p.usage_pods, p.instances),
                utilisation_cell(p.cpu_utilisation_percent, p.memory_utilisation_percent),
            ],
            p.from.map_or_else(|| "pods".into(), |f| f.to_string()),
        ));
    }
    if mine.len() > 1 {
        let sum = |f: fn(&Proxy) -> i64| mine.iter().map(|p| f(p)).fold(0, i64::saturating_add);
        // Usage adds up over the proxy types that have it; null when none has.
        let sum_opt = |f: fn(&Proxy) -> Option<i64>| {
            mine.iter()
                .filter_map(|p| f(p))
                .fold(None, |acc: Option<i64>, v| {
                    Some(acc.unwrap_or(0).saturating_add(v))
                })
        };
        let instances: u64 = mine
            .iter()
            .map(|p| p.instances)
            .fold(0, u64::saturating_add);
        let usage_pods: u64 = mine
            .iter()
            .map(|p| p.usage_pods)
            .fold(0, u64::saturating_add);
        sec.rows.push(row(
            ["TOTAL".to_owned(), String::new(), String::new()],
            instances,
            [
                sum(|p| p.cpu_request_millicores),
                sum(|p| p.memory_request_bytes),
                sum(|p| p.cpu_limit_millicores),
                sum(|p| p.memory_limit_bytes),
            ],
            [
                usage_cell(
                    sum_opt(|p| p.cpu_usage_millicores),
                    cpu,
                    usage_pods,
                    instances,
                ),
                usage_cell(
                    sum_opt(|p| p.memory_usage_bytes),
                    memory,
                    usage_pods,
                    instances,
                ),
                String::new(),
            ],
            String::new(),
        ));
    }
    sec
}

/// Measured usage: `21m`, or `21m (2/3 pods)` when only some pods had metrics; `-` when
/// none had.
fn usage_cell(v: Option<i64>, unit: fn(i64) -> String, pods: u64, instances: u64) -> String {
    match v {
        None => "-".to_owned(),
        Some(v) if pods < instances => format!("{} ({pods}/{instances} pods)", unit(v)),
        Some(v) => unit(v),
    }
}

/// Usage over requests: `35%/60%`, `-` where either is unknown.
fn utilisation_cell(cpu: Option<i64>, memory: Option<i64>) -> String {
    let pct = |v: Option<i64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v}%"));
    if cpu.is_none() && memory.is_none() {
        return "-".to_owned();
    }
    format!("{}/{}", pct(cpu), pct(memory))
}

fn namespaces(s: &Snapshot, mesh: &str, wide: bool) -> Section {
    let mut sec = Section::new(
        2,
        "Namespaces",
        vec![
            "NAMESPACE",
            "CAPTURE",
            "WORKLOADS",
            "MESHED PODS",
            "PROXIES",
            "CPU REQ",
            "MEM REQ",
            "WAYPOINTS",
        ],
    )
    .optional(&["WORKLOADS", "CAPTURE"])
    .shrink("WAYPOINTS", Shrink::List);
    // Ambient namespaces have no proxies of their own: the node's proxy serves them.
    let node_proxy: Option<&str> = s
        .proxies
        .iter()
        .find(|p| p.mesh == mesh && p.placement == crate::surface::Placement::Node)
        .map(|p| p.implementation.as_str());
    let mut entries: Vec<_> = s.namespaces.iter().filter(|n| n.mesh == mesh).collect();
    // Biggest first: the namespaces that cost the most are the ones to look at.
    entries.sort_by(|a, b| {
        b.proxies
            .cmp(&a.proxies)
            .then(b.meshed_pods.cmp(&a.meshed_pods))
            .then(a.namespace.cmp(&b.namespace))
    });
    let total = entries.len();
    if !wide && total > NAMESPACES_SHOWN {
        entries.truncate(NAMESPACES_SHOWN);
    }
    for n in &entries {
        let (proxies, cpu_req, mem_req) = match node_proxy {
            Some(p) if n.proxies == 0 && n.meshed_pods > 0 => {
                (format!("node {p}"), "-".to_owned(), "-".to_owned())
            }
            _ => (
                n.proxies.to_string(),
                request(n.cpu_request_millicores, n.proxies, cpu),
                request(n.memory_request_bytes, n.proxies, memory),
            ),
        };
        sec.rows.push(vec![
            n.namespace.clone(),
            n.capture.clone(),
            n.workloads.to_string(),
            n.meshed_pods.to_string(),
            proxies,
            cpu_req,
            mem_req,
            if n.waypoints.is_empty() {
                "-".to_owned()
            } else {
                n.waypoints.join(", ")
            },
        ]);
    }
    if entries.len() < total {
        sec.footer = Some(format!(
            "... {} more (-o wide lists all)",
            total - entries.len()
        ));
    }
    sec
}

/// The CRDs of `mesh` (or of `shared`): per API group, or (`wide`) one row per CRD.
pub(super) fn crds(s: &Snapshot, mesh: &str, title: &str, wide: bool) -> Section {
    let crds: Vec<_> = s.crds.iter().filter(|c| c.mesh == mesh).collect();
    if wide {
        let mut sec = Section::new(2, title, vec!["NAME", "GROUP", "SERVED VERSIONS"])
            .shrink("SERVED VERSIONS", Shrink::List);
        for c in crds {
            sec.rows
                .push(vec![c.name.clone(), c.group.clone(), c.versions.join(", ")]);
        }
        return sec;
    }
    let mut sec = Section::new(2, title, vec!["GROUP", "CRDS", "SERVED VERSIONS"])
        .shrink("SERVED VERSIONS", Shrink::List);
    let groups: BTreeSet<&str> = crds.iter().map(|c| c.group.as_str()).collect();
    for g in groups {
        let in_group: Vec<_> = crds.iter().filter(|c| c.group == g).collect();
        let versions: BTreeSet<&str> = in_group
            .iter()
            .flat_map(|c| c.versions.iter().map(String::as_str))
            .collect();
        sec.rows.push(vec![
            g.to_owned(),
            in_group.len().to_string(),
            versions.into_iter().collect::<Vec<_>>().join(", "),
        ]);
    }
    sec
}

fn webhooks(s: &Snapshot, mesh: &str, wide: bool) -> Section {
    let mut headers = vec!["KIND", "NAME", "FAILURE POLICY", "WEBHOOKS"];
    if wide {
        headers.push("SERVICES");
    }
    let mut sec = Section::new(2, "Webhooks", headers).shrink("SERVICES", Shrink::List);
    for w in s.webhooks.iter().filter(|w| w.mesh == mesh) {
        let mut row = vec![
            w.kind.clone(),
            w.name.clone(),
            w.failure_policy.clone(),
            w.webhooks.len().to_string(),
        ];
        if wide {
            let services: BTreeSet<&str> = w
                .webhooks
                .iter()
                .filter_map(|h| h.service.as_deref())
                .collect();
            row.push(services.into_iter().collect::<Vec<_>>().join(", "));
        }
        sec.rows.push(row);
    }
    sec
}
