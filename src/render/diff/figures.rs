//! The figures of a diff: totals and scale (before, after, delta, change), what the growth
//! came from, and the requests and limits of each proxy type that changed.

use crate::diff::{Attribution, Diff, Figure, Figures};
use crate::render::section::Section;
use crate::render::words::{cpu, memory, plain, request, signed, ARROW};

/// How a figure is written: CPU and memory in Kubernetes units, counts as numbers.
fn unit_of(field: &str) -> fn(i64) -> String {
    match field {
        "cpuRequestMillicores" | "cpuLimitMillicores" => cpu,
        "memoryRequestBytes" | "memoryLimitBytes" => memory,
        _ => plain,
    }
}

/// The relative change: `+14.3%`, `new` from 0, nothing when unchanged.
fn percent(f: &Figure) -> String {
    if f.delta == 0 {
        return String::new();
    }
    match f.percent {
        Some(p) if f.delta > 0 => format!("+{p:.1}%"),
        Some(p) => format!("{p:.1}%"),
        None if f.after != 0 => "new".to_owned(),
        None => "-".to_owned(),
    }
}

/// The sign column of a figure: `+` grew, `-` shrank, blank unchanged.
fn sign(delta: i64) -> String {
    match delta.signum() {
        1 => "+",
        -1 => "-",
        _ => "",
    }
    .to_owned()
}

/// One figure after the `first` cells; `pods` (before, after) makes a zero request read
/// `not set`.
fn figure_row(mut first: Vec<String>, name: &str, f: &Figure, pods: (u64, u64)) -> Vec<String> {
    let unit = unit_of(name);
    let value = |v: i64, n: u64| {
        if name.ends_with("RequestMillicores") || name.ends_with("RequestBytes") {
            request(v, n, unit)
        } else {
            unit(v)
        }
    };
    first.extend([
        name.to_owned(),
        value(f.before, pods.0),
        value(f.after, pods.1),
        signed(f.delta, unit),
        percent(f),
    ]);
    first
}

fn figures(title: &str, figures: &Figures) -> Section {
    let mut sec = Section::new(
        1,
        title,
        vec!["", "FIGURE", "BEFORE", "AFTER", "DELTA", "CHANGE"],
    )
    .signed();
    let count = |side: fn(&Figure) -> i64| {
        ["componentInstances", "proxyInstances"]
            .iter()
            .filter_map(|k| figures.get(k))
            .map(|f| u64::try_from(side(&f)).unwrap_or(0))
            .sum::<u64>()
    };
    let pods = (count(|f| f.before), count(|f| f.after));
    for (name, f) in &figures.0 {
        sec.rows
            .push(figure_row(vec![sign(f.delta)], name, f, pods));
    }
    sec
}

/// Every headline figure.
pub(super) fn totals(d: &Diff) -> Section {
    figures("Totals", &d.totals)
}

/// The cluster's size.
pub(super) fn scale(d: &Diff) -> Section {
    figures("Scale", &d.scale)
}

fn attribution_line(what: &str, a: &Attribution, unit: fn(i64) -> String) -> String {
    format!(
        "{what} {}: {} from proxy types already there, {} from new proxy types, {} from removed proxy types, {} from control planes and other components.",
        signed(a.delta, unit),
        signed(a.existing_proxy_types, unit),
        signed(a.added_proxy_types, unit),
        signed(a.removed_proxy_types, unit),
        signed(a.other, unit),
    )
}

/// Where the growth came from, in sentences: new and gone component kinds, application
/// pods, and the requests by origin.
pub(super) fn growth(d: &Diff) -> Section {
    let g = &d.growth;
    let mut sec = Section::new(1, "Growth", Vec::<String>::new());
    let mut notes = Vec::new();
    let kinds = |ks: &[crate::diff::ComponentKind]| {
        ks.iter()
            .map(|k| format!("{}/{}", k.mesh, k.component))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !g.added_component_kinds.is_empty() {
        notes.push(format!(
            "New component kinds: {}.",
            kinds(&g.added_component_kinds)
        ));
    }
    if !g.removed_component_kinds.is_empty() {
        notes.push(format!(
            "Component kinds gone: {}.",
            kinds(&g.removed_component_kinds)
        ));
    }
    let w = &g.workload_pods;
    notes.push(format!(
        "Application pods (not the mesh's own): {}{ARROW}{} ({}).",
        w.before,
        w.after,
        signed(w.delta, plain)
    ));
    notes.push(attribution_line(
        "CPU requests",
        &g.cpu_request_millicores,
        cpu,
    ));
    notes.push(attribution_line(
        "Memory requests",
        &g.memory_request_bytes,
        memory,
    ));
    sec.note = Some(notes.join("\n"));
    sec
}

/// The figures of each proxy type that changed, one row per figure that moved.
pub(super) fn footprint(d: &Diff) -> Option<Section> {
    if d.footprint.is_empty() {
        return None;
    }
    let mut sec = Section::new(
        1,
        "Proxy footprint",
        vec![
            "", "MESH", "PROXY", "FIGURE", "BEFORE", "AFTER", "DELTA", "CHANGE",
        ],
    )
    .signed()
    .optional(&["MESH", "CHANGE"]);
    for f in &d.footprint {
        let pods = (
            u64::try_from(f.instances.before).unwrap_or(0),
            u64::try_from(f.instances.after).unwrap_or(0),
        );
        for (name, fig) in [
            ("instances", &f.instances),
            ("cpuRequestMillicores", &f.cpu_request_millicores),
            ("memoryRequestBytes", &f.memory_request_bytes),
            ("cpuLimitMillicores", &f.cpu_limit_millicores),
            ("memoryLimitBytes", &f.memory_limit_bytes),
        ] {
            if fig.delta != 0 {
                sec.rows.push(figure_row(
                    vec![
                        sign(fig.delta),
                        f.mesh.clone(),
                        format!("{}/{}", f.implementation, f.placement),
                    ],
                    name,
                    fig,
                    pods,
                ));
            }
        }
    }
    Some(sec)
}
