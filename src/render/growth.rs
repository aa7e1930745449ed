//! `plan` and `compare` output: step tables, and meshes side by side, feature by feature.

use super::fit::Shrink;
use super::markdown::write_all;
use super::table::draw_all;
use super::{cpu, memory, plural, request, Section};
use crate::growth::ChangeKind;
use crate::growth::{ComparePlan, Plan, ProjectionScale, Step, SweepPoint};

fn signed(d: i64, f: fn(i64) -> String) -> String {
    match d {
        0 => String::new(),
        d if d > 0 => format!(" (+{})", f(d)),
        d => format!(" (-{})", f(-d)),
    }
}

fn count(n: i64) -> String {
    n.to_string()
}

/// One figure of a step with its change: `5 (+2)`.
fn cells(s: &Step) -> [String; 10] {
    let (t, d) = (&s.totals, &s.delta);
    [
        format!("{}{}", t.components, signed(d.components, count)),
        format!("{}{}", t.component_kinds, signed(d.component_kinds, count)),
        format!(
            "{}{}",
            t.component_instances,
            signed(d.component_instances, count)
        ),
        format!("{}{}", t.proxy_types, signed(d.proxy_types, count)),
        format!("{}{}", t.proxy_instances, signed(d.proxy_instances, count)),
        format!("{}{}", t.crds, signed(d.crds, count)),
        format!("{}{}", t.webhooks, signed(d.webhooks, count)),
        format!("{}{}", t.upgrade_steps, signed(d.upgrade_steps, count)),
        format!(
            "{}{}",
            request(t.cpu_request_millicores, pods(t), cpu),
            signed(d.cpu_request_millicores, cpu)
        ),
        format!(
            "{}{}",
            request(t.memory_request_bytes, pods(t), memory),
            signed(d.memory_request_bytes, memory)
        ),
    ]
}

fn pods(t: &crate::surface::Totals) -> u64 {
    t.component_instances.saturating_add(t.proxy_instances)
}

const FIGURES: [&str; 10] = [
    "COMPONENTS",
    "KINDS",
    "INSTANCES",
    "PROXY TYPES",
    "PROXIES",
    "CRDS",
    "WEBHOOKS",
    "UPGRADE STEPS",
    "CPU REQ",
    "MEM REQ",
];

fn changes(s: &Step) -> String {
    match (s.feature.is_some(), s.changes) {
        (false, _) => "-".to_owned(),
        (true, ChangeKind::Configuration) => "configuration".to_owned(),
        (true, ChangeKind::Topology) if s.scales_with.is_empty() => "topology".to_owned(),
        (true, ChangeKind::Topology) => format!("topology (per {})", s.scales_with.join(", per ")),
    }
}

fn added(s: &Step) -> String {
    let mut parts: Vec<String> = s
        .added
        .components
        .iter()
        .map(|c| {
            let pods = super::plural(c.instances, "pod");
            if c.count == 1 {
                format!("{} ({pods})", c.component)
            } else {
                format!("{} x{} ({pods})", c.component, c.count)
            }
        })
        .collect();
    parts.extend(s.added.proxies.iter().map(|p| {
        format!(
            "+{} {}/{} {}",
            p.instances,
            p.implementation,
            p.placement,
            if p.instances == 1 { "proxy" } else { "proxies" }
        )
    }));
    if !s.added.crds.is_empty() {
        parts.push(format!("+{} CRDs", s.added.crds.len()));
    }
    parts.extend(s.added.webhooks.iter().map(|w| format!("webhook {w}")));
    if parts.is_empty() {
        "-".to_owned()
    } else {
        parts.join("; ")
    }
}

fn scale_line(what: &str, s: &ProjectionScale) -> String {
    format!(
        "{what} at {}, {}, {}, {}",
        plural(s.nodes, "node"),
        plural(s.namespaces, "meshed namespace"),
        plural(s.pods, "meshed pod"),
        plural(s.service_accounts, "service account")
    )
}

fn sweep_section(points: &[SweepPoint]) -> Section {
    let mut sec = Section::new(
        1,
        "Growth curve (every feature enabled, at each scale)",
        vec![
            "NODES",
            "NAMESPACES",
            "PODS",
            "COMPONENTS",
            "INSTANCES",
            "PROXY TYPES",
            "PROXIES",
            "CPU REQ",
            "MEM REQ",
        ],
    )
    .optional(&["PROXY TYPES", "INSTANCES", "COMPONENTS"]);
    for p in points {
        sec.rows.push(vec![
            p.scale.nodes.to_string(),
            p.scale.namespaces.to_string(),
            p.scale.pods.to_string(),
            p.totals.components.to_string(),
            p.totals.component_instances.to_string(),
            p.totals.proxy_types.to_string(),
            p.totals.proxy_instances.to_string(),
            request(p.totals.cpu_request_millicores, pods(&p.totals), cpu),
            request(p.totals.memory_request_bytes, pods(&p.totals), memory),
        ]);
    }
    sec
}

fn plan_sections(p: &Plan) -> (Vec<String>, Vec<Section>) {
    let head = vec![scale_line(
        &format!("Plan for {} ({})", p.mesh, p.profile),
        &p.scale,
    )];
    let mut headers = vec!["STEP", "FEATURE", "CHANGES"];
    headers.extend(FIGURES);
    let mut steps = Section::new(1, "Surface after each step", headers)
        .optional(&[
            "KINDS",
            "UPGRADE STEPS",
            "PROXY TYPES",
            "WEBHOOKS",
            "INSTANCES",
            "CRDS",
            "COMPONENTS",
        ])
        .shrink("CHANGES", Shrink::Text);
    // Figures are never cut: a column too many is dropped instead.
    for fig in FIGURES {
        steps = steps.shrink(fig, Shrink::Keep);
    }
    let mut adds = Section::new(1, "Added by each step", vec!["FEATURE", "ADDED"])
        .shrink("ADDED", Shrink::Text);
    for (i, s) in p.steps.iter().enumerate() {
        let mut row = vec![
            i.to_string(),
            s.feature.clone().unwrap_or_else(|| "(today)".into()),
            changes(s),
        ];
        row.extend(cells(s));
        steps.rows.push(row);
        if let Some(f) = &s.feature {
            adds.rows.push(vec![f.clone(), added(s)]);
        }
    }
    let mut out = vec![steps];
    if !adds.rows.is_empty() {
        out.push(adds);
    }
    if !p.sweep.is_empty() {
        out.push(sweep_section(&p.sweep));
    }
    (head, out)
}

pub fn plan_table(p: &Plan, color: bool, width: usize) -> String {
    let (head, secs) = plan_sections(p);
    draw_all(&head, secs, color, width, "-o json")
}

pub fn plan_markdown(p: &Plan) -> String {
    let (head, secs) = plan_sections(p);
    write_all("meshsurface plan", &head, secs)
}

fn compare_sections(c: &ComparePlan) -> (Vec<String>, Vec<Section>) {
    let mut head = vec![
        scale_line("Compare", &c.scale),
        "CPU/memory are upstream default requests: Linkerd's proxy and Cilium's workloads set none \
         (\"not set\" here, not free); --from calibrates with a real scan."
            .to_owned(),
    ];
    for col in c.columns.iter().filter(|col| col.calibrated) {
        head.push(format!(
            "{}: baseline calibrated by the scanned cluster",
            col.profile
        ));
    }
    let mut headers = vec!["STEP", "FIGURE"];
    let names: Vec<&'static str> = c
        .columns
        .iter()
        .map(|col| -> &'static str {
            match col.profile.as_str() {
                "istio-sidecar" => "ISTIO-SIDECAR",
                "istio-ambient" => "ISTIO-AMBIENT",
                "linkerd" => "LINKERD",
                "cilium" => "CILIUM",
                _ => "MESH",
            }
        })
        .collect();
    headers.extend(names.iter().copied());
    let mut sec = Section::new(
        1,
        "Surface by feature (value, and its change in brackets)",
        headers,
    );
    for name in names {
        sec = sec.shrink(name, Shrink::Text);
    }
    // Step labels: the baseline, then every feature asked for, in order.
    let mut labels: Vec<Option<String>> = vec![None];
    for col in &c.columns {
        for s in col.steps.iter().skip(1) {
            if !labels.contains(&s.feature) {
                labels.push(s.feature.clone());
            }
        }
        for f in &col.not_offered {
            if !labels.contains(&Some(f.clone())) {
                labels.push(Some(f.clone()));
            }
        }
    }
    for label in &labels {
        let steps: Vec<Option<&Step>> = c
            .columns
            .iter()
            .map(|col| col.steps.iter().find(|s| &s.feature == label))
            .collect();
        let name = label
            .clone()
            .map_or_else(|| "baseline".to_owned(), |f| format!("+ {f}"));
        let mut row = vec![name, "changes".to_owned()];
        row.extend(steps.iter().map(|s| {
            s.map_or_else(
                || "not offered".to_owned(),
                |s| {
                    if s.feature.is_none() {
                        "install".to_owned()
                    } else {
                        changes(s)
                    }
                },
            )
        }));
        sec.rows.push(row);
        for (k, fig) in FIGURES.iter().enumerate() {
            let mut row = vec![String::new(), fig.to_lowercase()];
            row.extend(
                steps
                    .iter()
                    .map(|s| s.map_or_else(|| "-".to_owned(), |s| cells(s)[k].clone())),
            );
            sec.rows.push(row);
        }
    }
    // What keeps growing: the workloads that multiply with nodes or namespaces.
    let mut grows = Section::new(
        1,
        "Workloads that grow with the cluster",
        vec!["MESH", "PER NODE", "PER NAMESPACE", "PER POD (SIDECARS)"],
    )
    .shrink("PER NODE", Shrink::List)
    .shrink("PER NAMESPACE", Shrink::List);
    for col in &c.columns {
        let Some(last) = col.steps.last() else {
            continue;
        };
        let per = |unit: &str| {
            let v: Vec<String> = last
                .snapshot
                .components
                .iter()
                .filter(|x| x.scales_with.as_str() == unit)
                .map(|x| x.component.clone())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            if v.is_empty() {
                "-".to_owned()
            } else {
                v.join(", ")
            }
        };
        let sidecars: u64 = last
            .snapshot
            .proxies
            .iter()
            .filter(|p| p.placement == crate::surface::Placement::Sidecar)
            .map(|p| p.instances)
            .fold(0u64, u64::saturating_add);
        grows.rows.push(vec![
            col.profile.clone(),
            per("node"),
            per("namespace"),
            if sidecars > 0 {
                format!("{sidecars} sidecars")
            } else {
                "-".to_owned()
            },
        ]);
    }
    (head, vec![sec, grows])
}

pub fn compare_table(c: &ComparePlan, color: bool, width: usize) -> String {
    let (head, secs) = compare_sections(c);
    draw_all(&head, secs, color, width, "-o json")
}

pub fn compare_markdown(c: &ComparePlan) -> String {
    let (head, secs) = compare_sections(c);
    write_all("meshsurface compare", &head, secs)
}
