//! `plan` output: this cluster's surface after each feature step, what each step adds,
//! and the growth curve of a sweep.
//!
//! A step's figures (its value and change, `cells`), the feature-change words
//! (`changes`) and the scale line are shared with `compare` ([`super::compare`]), which
//! shows the same steps side by side for several meshes.

use super::fit::Shrink;
use super::markdown;
use super::section::Section;
use super::table::page;
use super::words::{cpu, memory, plain, plural, pods, request, signed};
use crate::growth::ChangeKind as Changes;
use crate::growth::{Plan, ProjectionScale as Scale, Step, SweepPoint};

/// The plan as text tables fitted to `width`.
pub fn table(p: &Plan, color: bool, width: usize) -> String {
    let (head, secs) = sections(p);
    page(&head, &secs, color, width, "-o json")
}

/// The plan as Markdown.
pub fn markdown(p: &Plan) -> String {
    let (head, secs) = sections(p);
    markdown::page("meshsurface plan", &head, &secs)
}

/// A figure's change in brackets after its value: ` (+2)`; nothing when unchanged.
fn change(d: i64, unit: fn(i64) -> String) -> String {
    if d == 0 {
        String::new()
    } else {
        format!(" ({})", signed(d, unit))
    }
}

/// The figures of a step (in [`FIGURES`] order), each with its change: `5 (+2)`.
pub(super) fn cells(s: &Step) -> [String; 10] {
    let (t, d) = (&s.totals, &s.delta);
    [
        format!("{}{}", t.components, change(d.components, plain)),
        format!("{}{}", t.component_kinds, change(d.component_kinds, plain)),
        format!(
            "{}{}",
            t.component_instances,
            change(d.component_instances, plain)
        ),
        format!("{}{}", t.proxy_types, change(d.proxy_types, plain)),
        format!("{}{}", t.proxy_instances, change(d.proxy_instances, plain)),
        format!("{}{}", t.crds, change(d.crds, plain)),
        format!("{}{}", t.webhooks, change(d.webhooks, plain)),
        format!("{}{}", t.upgrade_steps, change(d.upgrade_steps, plain)),
        format!(
            "{}{}",
            request(t.cpu_request_millicores, pods(t), cpu),
            change(d.cpu_request_millicores, cpu)
        ),
        format!(
            "{}{}",
            request(t.memory_request_bytes, pods(t), memory),
            change(d.memory_request_bytes, memory)
        ),
    ]
}

/// A step's monthly bill on requests and on typical figures, each with its change from
/// `before` (the previous step): `1234.56 (+120.00)`; `-` without a bill on that basis.
pub(super) fn cost_cells(s: &Step, before: Option<&Step>) -> [String; 2] {
    let Some(c) = &s.cost else {
        return ["-".to_owned(), "-".to_owned()];
    };
    let prev = before.and_then(|b| b.cost.as_ref());
    let cell = |now: Option<f64>, was: Option<f64>| match (now, was) {
        (None, _) => "-".to_owned(),
        (Some(n), Some(w)) if (n - w).abs() >= 0.005 => format!("{n:.2} ({:+.2})", n - w),
        (Some(n), _) => format!("{n:.2}"),
    };
    [
        cell(Some(c.requests.monthly), prev.map(|p| p.requests.monthly)),
        cell(
            c.typical.as_ref().map(|t| t.monthly),
            prev.and_then(|p| p.typical.as_ref()).map(|t| t.monthly),
        ),
    ]
}

/// The rows of [`cost_cells`], and the currency line above them.
pub(super) const COST_FIGURES: [&str; 2] = ["REQUESTS/MO", "TYPICAL/MO"];

/// The figure columns of a step, in [`cells`] order.
pub(super) const FIGURES: [&str; 10] = [
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

/// What a feature step changes: `configuration`, `topology (per node)`; `-` for today.
pub(super) fn changes(s: &Step) -> String {
    match (s.feature.is_some(), s.changes) {
        (false, _) => "-".to_owned(),
        (true, Changes::Configuration) => "configuration".to_owned(),
        (true, Changes::Topology) if s.scales_with.is_empty() => "topology".to_owned(),
        (true, Changes::Topology) => format!("topology (per {})", s.scales_with.join(", per ")),
    }
}

/// The configuration kinds new to the cluster a step asks engineers to learn:
/// `AuthorizationPolicy, EnvoyFilter (fragile)`; `-` when none. Kinds only, never counts.
pub(super) fn learn(s: &Step) -> String {
    if s.learn.is_empty() {
        return "-".to_owned();
    }
    s.learn
        .iter()
        .map(|k| {
            if k.fragile {
                format!("{} (fragile)", k.kind)
            } else {
                k.kind.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn added(s: &Step) -> String {
    let mut parts: Vec<String> = s
        .added
        .components
        .iter()
        .map(|c| {
            let pods = plural(c.instances, "pod");
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

/// `WHAT at 3 nodes, 2 meshed namespaces, ...`: the scale a projection is made at.
pub(super) fn scale_line(what: &str, s: &Scale) -> String {
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

/// The plan as its head lines and sections (the table, Markdown and `report` draw them).
pub(crate) fn sections(p: &Plan) -> (Vec<String>, Vec<Section>) {
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
    let mut adds = Section::new(
        1,
        "Added by each step",
        vec!["FEATURE", "ADDED", "NEW KINDS TO LEARN"],
    )
    .shrink("ADDED", Shrink::Text)
    .shrink("NEW KINDS TO LEARN", Shrink::List);
    for (i, s) in p.steps.iter().enumerate() {
        let mut row = vec![
            i.to_string(),
            s.feature.clone().unwrap_or_else(|| "(today)".into()),
            changes(s),
        ];
        row.extend(cells(s));
        steps.rows.push(row);
        if let Some(f) = &s.feature {
            adds.rows.push(vec![f.clone(), added(s), learn(s)]);
        }
    }
    let mut out = vec![steps];
    if let Some(sec) = cost_section(p) {
        out.push(sec);
    }
    if !adds.rows.is_empty() {
        out.push(adds);
    }
    if !p.sweep.is_empty() {
        out.push(sweep_section(&p.sweep));
    }
    (head, out)
}

/// The bill after each step, when a price was given.
fn cost_section(p: &Plan) -> Option<Section> {
    let first = p.steps.iter().find_map(|s| s.cost.as_ref())?;
    let mut headers = vec!["STEP", "FEATURE"];
    headers.extend(COST_FIGURES);
    let mut sec = Section::new(
        1,
        "Cost after each step (monthly, change in brackets)",
        headers,
    );
    sec.note = Some(super::scan::cost::price_line(first));
    for (i, s) in p.steps.iter().enumerate() {
        let mut row = vec![
            i.to_string(),
            s.feature.clone().unwrap_or_else(|| "(today)".into()),
        ];
        row.extend(cost_cells(s, i.checked_sub(1).and_then(|j| p.steps.get(j))));
        sec.rows.push(row);
    }
    sec.footer = Some(
        "typical: published per-instance figures, not measured here; \"-\": no published figure for a proxy type (-o json says which)".to_owned(),
    );
    Some(sec)
}
