//! Rendering: the only place that formats text.
//!
//! A snapshot is first laid out as [`Section`]s (a title, headers, rows) by
//! [`sections`]; the table and Markdown renderers only differ in how they draw a section,
//! so both always show the same figures. JSON and YAML are the snapshot itself. A
//! [`crate::diff::Diff`] is laid out the same way by [`diff_sections`];
//! [`graph_table`], [`dot`] and [`mermaid`] draw the dependency graph (`graph` command).

mod diff;
pub mod fit;
mod graph;
pub mod growth;
pub mod headcount;
mod markdown;
pub mod rbac;
mod table;

pub use diff::{budget_failures, diff_markdown, diff_sections, diff_table};
pub use graph::{dot, graph_table, mermaid};
pub use markdown::markdown;
pub use table::table;

use std::collections::BTreeSet;

use thiserror::Error;

use crate::surface::{Proxy, Snapshot, SourceKind, Totals};

/// A snapshot that could not be serialized.
#[derive(Debug, Error)]
pub enum Error {
    #[error("cannot encode JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot encode YAML: {0}")]
    Yaml(#[from] serde_saphyr::ser_error::Error),
}

/// The snapshot as pretty JSON, with a trailing newline.
pub fn json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    Ok(s)
}

/// The snapshot as YAML.
pub fn yaml<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    Ok(serde_saphyr::to_string(value)?)
}

/// One block of output: a heading, column names and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Heading level: 1 for a mesh, 2 for a part of it.
    pub level: u8,
    pub title: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// A line of text printed instead of (or before) the table.
    pub note: Option<String>,
    /// How each column may be shortened or dropped to fit the terminal (by header index).
    pub fits: Vec<fit::ColFit>,
    /// A line printed after the table (e.g. how many rows were left out).
    pub footer: Option<String>,
}

impl Section {
    pub(crate) fn new(level: u8, title: impl Into<String>, headers: Vec<&'static str>) -> Self {
        Self {
            level,
            title: title.into(),
            headers,
            rows: Vec::new(),
            note: None,
            fits: Vec::new(),
            footer: None,
        }
    }

    /// Columns that may be dropped when the table does not fit, the first named first.
    /// A column this table does not have is ignored.
    pub(crate) fn optional(mut self, columns: &[&str]) -> Self {
        for (k, col) in columns.iter().enumerate() {
            let drop = u8::try_from(columns.len() - k).unwrap_or(u8::MAX);
            if let Some(f) = self.col_fit(col) {
                f.drop = drop;
            }
        }
        self
    }

    /// How a column's cells are shortened (see [`fit::Shrink`]); a column this table does
    /// not have is ignored.
    pub(crate) fn shrink(mut self, column: &str, how: fit::Shrink) -> Self {
        if let Some(f) = self.col_fit(column) {
            f.shrink = how;
        }
        self
    }

    /// Figures are never cut: a cut number reads as another number.
    pub(crate) fn keep(self, columns: &[&str]) -> Self {
        columns
            .iter()
            .fold(self, |sec, col| sec.shrink(col, fit::Shrink::Keep))
    }

    fn col_fit(&mut self, column: &str) -> Option<&mut fit::ColFit> {
        let i = self.headers.iter().position(|h| *h == column)?;
        if self.fits.len() < self.headers.len() {
            self.fits.resize(self.headers.len(), fit::ColFit::default());
        }
        self.fits.get_mut(i)
    }
}

/// Written where a CPU or memory request is 0 although pods are there: nothing was requested.
pub(crate) const NOT_SET: &str = "not set";

/// The line explaining [`NOT_SET`], printed once under output that shows it.
pub(crate) const NOT_SET_NOTE: &str =
    "not set: these pods request no CPU/memory (counted as 0 in the totals; they still use some).";

/// A request for people: [`NOT_SET`] when `instances` pods request nothing.
pub(crate) fn request(value: i64, instances: u64, unit: fn(i64) -> String) -> String {
    if value == 0 && instances > 0 {
        NOT_SET.to_owned()
    } else {
        unit(value)
    }
}

/// CPU for people: millicores up to 10 cores (`1100m`, `2000m`), cores above
/// (`300.5 cores`), so that big figures stay readable. JSON keeps millicores.
pub fn cpu(millicores: i64) -> String {
    if millicores.unsigned_abs() < 10_000 {
        return format!("{millicores}m");
    }
    let tenths = (millicores + millicores.signum() * 50) / 100;
    if tenths % 10 == 0 {
        format!("{} cores", tenths / 10)
    } else {
        format!("{}.{} cores", tenths / 10, (tenths % 10).abs())
    }
}

/// Memory in binary units, rounded for reading (`128Mi`, `2.63Gi`).
pub fn memory(bytes: i64) -> String {
    const MI: i64 = 1 << 20;
    const GI: i64 = 1 << 30;
    #[allow(clippy::cast_precision_loss)] // display only
    let f = |b: i64, unit: i64| b as f64 / unit as f64;
    if bytes >= GI {
        if bytes % GI == 0 {
            format!("{}Gi", bytes / GI)
        } else {
            format!("{:.2}Gi", f(bytes, GI))
        }
    } else if bytes >= MI {
        if bytes % MI == 0 {
            format!("{}Mi", bytes / MI)
        } else {
            format!("{:.1}Mi", f(bytes, MI))
        }
    } else {
        bytes.to_string()
    }
}

/// `1 node`, `2 nodes`, `2 meshes`, `2 proxies`: the count and its noun, singular for one.
pub(crate) fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        return format!("1 {what}");
    }
    let y_to_ies = what
        .strip_suffix('y')
        .filter(|stem| !stem.ends_with(['a', 'e', 'o', 'u']));
    match y_to_ies {
        Some(stem) => format!("{n} {stem}ies"),
        None if what.ends_with("sh") || what.ends_with("ch") || what.ends_with('s') => {
            format!("{n} {what}es")
        }
        None => format!("{n} {what}s"),
    }
}

fn opt(s: Option<&String>) -> String {
    s.cloned().unwrap_or_else(|| "-".to_owned())
}

fn totals_row(first: Vec<String>, t: &Totals) -> Vec<String> {
    let mut row = first;
    row.extend([
        t.components.to_string(),
        t.component_kinds.to_string(),
        t.component_instances.to_string(),
        t.proxy_types.to_string(),
        t.proxy_instances.to_string(),
        t.crds.to_string(),
        t.webhooks.to_string(),
        request(t.cpu_request_millicores, instances(t), cpu),
        request(t.memory_request_bytes, instances(t), memory),
    ]);
    row
}

fn instances(t: &Totals) -> u64 {
    t.component_instances.saturating_add(t.proxy_instances)
}

/// What a snapshot was taken of (`context prod-eu`, or its paths) and whether it is complete.
pub(crate) fn origin(source: &crate::surface::Source, complete: bool) -> (String, &'static str) {
    let what = match source.kind {
        SourceKind::Live => format!(
            "context {}",
            source.context.as_deref().unwrap_or("(current)")
        ),
        SourceKind::Offline => source.paths.join(", "),
    };
    let status = if complete {
        "complete"
    } else {
        "INCOMPLETE: some resources could not be read"
    };
    (what, status)
}

/// The header lines: what was scanned, whether it is complete, the cluster's scale.
pub fn headline(s: &Snapshot) -> Vec<String> {
    let (what, status) = origin(&s.source, s.complete);
    let sc = &s.scale;
    vec![
        format!("Scanned {what} at {} ({status})", s.source.taken_at),
        format!(
            "Cluster: {}, {}, {} ({} meshed, in {}), {}",
            plural(sc.nodes, "node"),
            plural(sc.namespaces, "namespace"),
            plural(sc.pods, "pod"),
            sc.meshed_pods,
            plural(sc.meshed_namespaces, "namespace"),
            plural(sc.service_accounts, "service account"),
        ),
    ]
}

/// Lays a snapshot out as sections; `wide` adds columns and per-CRD rows.
pub fn sections(s: &Snapshot, wide: bool) -> Vec<Section> {
    let mut out = Vec::new();
    let mut overview = Section::new(
        1,
        "Meshes",
        vec![
            "MESH",
            "MODE",
            "VERSION",
            "NAMESPACE",
            "MESHED PODS",
            "COMPONENTS",
            "KINDS",
            "INSTANCES",
            "PROXY TYPES",
            "PROXIES",
            "CRDS",
            "WEBHOOKS",
            "CPU REQ",
            "MEM REQ",
        ],
    )
    .optional(&[
        "KINDS",
        "PROXY TYPES",
        "INSTANCES",
        "NAMESPACE",
        "WEBHOOKS",
        "CRDS",
        "COMPONENTS",
        "MESHED PODS",
    ])
    .shrink("VERSION", fit::Shrink::List);
    if s.meshes.is_empty() {
        overview.note = Some("No service mesh found.".to_owned());
    }
    for m in &s.meshes {
        let version = if m.versions.is_empty() {
            opt(m.version.as_ref())
        } else {
            m.versions.join(", ")
        };
        overview.rows.push(totals_row(
            vec![
                m.name.clone(),
                m.mode.clone(),
                version,
                opt(m.namespace.as_ref()),
                m.meshed_pods.to_string(),
            ],
            &m.totals,
        ));
    }
    if s.meshes.len() > 1 {
        overview.rows.push(totals_row(
            vec![
                "TOTAL".into(),
                String::new(),
                String::new(),
                String::new(),
                s.scale.meshed_pods.to_string(),
            ],
            &s.totals,
        ));
    }
    out.push(overview);

    for m in &s.meshes {
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
        out.push(Section::new(1, title, Vec::new()));

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
        for c in s.components.iter().filter(|c| c.mesh == m.name) {
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
        out.push(sec);

        out.push(proxy_section(s, &m.name, wide));

        out.push(namespace_section(s, &m.name, wide));

        out.push(crd_section(s, &m.name, "CRDs", wide));

        let mut headers = vec!["KIND", "NAME", "FAILURE POLICY", "WEBHOOKS"];
        if wide {
            headers.push("SERVICES");
        }
        let mut sec = Section::new(2, "Webhooks", headers).shrink("SERVICES", fit::Shrink::List);
        for w in s.webhooks.iter().filter(|w| w.mesh == m.name) {
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
        out.push(sec);
    }

    if s.crds.iter().any(|c| c.mesh == crate::surface::SHARED) {
        let mut sec = crd_section(
            s,
            crate::surface::SHARED,
            "Shared CRDs (needed by a mesh, owned by none)",
            wide,
        );
        sec.level = 1;
        out.push(sec);
    }

    if !s.warnings.is_empty() {
        let mut sec = Section::new(1, "Warnings", vec!["CODE", "COUNT", "RESOURCE", "MESSAGE"])
            .shrink("RESOURCE", fit::Shrink::Text)
            .shrink("MESSAGE", fit::Shrink::Text);
        for w in &s.warnings {
            sec.rows.push(vec![
                w.code.as_str().to_owned(),
                w.count.to_string(),
                opt(w.resource.as_ref()),
                w.message.clone(),
            ]);
        }
        out.push(sec);
    }
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

fn proxy_section(s: &Snapshot, mesh: &str, wide: bool) -> Section {
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
        .shrink("CPU USED", fit::Shrink::Text)
        .shrink("MEM USED", fit::Shrink::Text);
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

/// Namespaces shown in the default table before the rest is summarised (`-o wide`: all).
const NAMESPACES_SHOWN: usize = 10;

fn namespace_section(s: &Snapshot, mesh: &str, wide: bool) -> Section {
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
    .shrink("WAYPOINTS", fit::Shrink::List);
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

fn crd_section(s: &Snapshot, mesh: &str, title: &str, wide: bool) -> Section {
    let crds: Vec<_> = s.crds.iter().filter(|c| c.mesh == mesh).collect();
    if wide {
        let mut sec = Section::new(2, title, vec!["NAME", "GROUP", "SERVED VERSIONS"])
            .shrink("SERVED VERSIONS", fit::Shrink::List);
        for c in crds {
            sec.rows
                .push(vec![c.name.clone(), c.group.clone(), c.versions.join(", ")]);
        }
        return sec;
    }
    let mut sec = Section::new(2, title, vec!["GROUP", "CRDS", "SERVED VERSIONS"])
        .shrink("SERVED VERSIONS", fit::Shrink::List);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_read_well() {
        assert_eq!(cpu(1100), "1100m");
        assert_eq!(cpu(2000), "2000m");
        assert_eq!(cpu(0), "0m");
        assert_eq!(cpu(9999), "9999m");
        assert_eq!(cpu(300_500), "300.5 cores");
        assert_eq!(cpu(50_500), "50.5 cores");
        assert_eq!(cpu(12_000), "12 cores");
        assert_eq!(cpu(-12_340), "-12.3 cores");
        assert_eq!(memory(134_217_728), "128Mi");
        assert_eq!(memory(2_818_572_288), "2.62Gi"); // 2.625: ties round to even
        assert_eq!(memory(2 << 30), "2Gi");
        assert_eq!(memory(20_971_520 + 1), "20.0Mi");
        assert_eq!(memory(512), "512");
        assert_eq!(plural(1, "mesh"), "1 mesh");
        assert_eq!(plural(2, "mesh"), "2 meshes");
        assert_eq!(plural(0, "proxy"), "0 proxies");
        assert_eq!(plural(3, "proxy instance"), "3 proxy instances");
        assert_eq!(plural(1, "meshed cluster"), "1 meshed cluster");
    }
}
