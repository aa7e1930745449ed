//! `headcount` output: the figures per cluster and mesh and the estimate term by term, as
//! tables; the spreadsheet view (CSV) is `csv`.

mod csv;
mod tco;

pub use csv::{csv, CSV_COLUMNS};

use super::fit::Shrink;
use super::section::Section;
use super::table::page;
use super::words::{cpu, memory, plural, request};
use crate::headcount::model::num;
use crate::headcount::{Estimate, FleetTotals, Headcount, Row};

/// A count that may be unknown, for people: `unknown`, never 0.
fn shown_count(n: Option<u64>) -> String {
    n.map_or_else(|| "unknown".to_owned(), |n| n.to_string())
}

#[expect(
    clippy::too_many_lines,
    reason = "the figures table row by row, in the order it prints"
)]
fn figures_section(title: String, rows: &[Row], t: &FleetTotals) -> Section {
    let mut sec = Section::new(
        1,
        title,
        vec![
            "CLUSTER",
            "MESH",
            "MODE",
            "VERSIONS",
            "SKEW",
            "KINDS",
            "COMPONENTS",
            "PODS",
            "PROXY TYPES",
            "PROXIES",
            "CRDS",
            "WEBHOOKS",
            "STEPS",
            "NAMESPACES",
            "NODES",
            "CONFIG",
            "FRAGILE",
            "HAZARDS C/W/I",
            "CPU REQ",
            "MEM REQ",
            "HOURS/YR",
            "FTE",
        ],
    )
    .optional(&[
        "HAZARDS C/W/I",
        "FRAGILE",
        "CONFIG",
        "NODES",
        "NAMESPACES",
        "STEPS",
        "KINDS",
        "PROXY TYPES",
        "WEBHOOKS",
        "PODS",
        "MODE",
        "MEM REQ",
        "CPU REQ",
        "SKEW",
        "COMPONENTS",
        "CRDS",
        "PROXIES",
    ])
    .shrink("CLUSTER", Shrink::CutStart)
    .shrink("VERSIONS", Shrink::List)
    .shrink("MESH", Shrink::List);
    let row = |first: [String; 4],
               f: [u64; 11],
               config: [Option<u64>; 2],
               hazards: [u64; 3],
               c: i64,
               m: i64,
               hours: f64,
               fte: f64| {
        // f[3]: component pods, f[5]: proxies.
        let pods = f[3].saturating_add(f[5]);
        let mut v: Vec<String> = first.to_vec();
        v.extend(f.iter().map(u64::to_string));
        v.extend(config.map(shown_count));
        v.push(hazards.map(|n| n.to_string()).join("/"));
        v.extend([
            request(c, pods, cpu),
            request(m, pods, memory),
            num(hours),
            num(fte),
        ]);
        v
    };
    for r in rows {
        sec.rows.push(row(
            [
                r.cluster.clone(),
                r.mesh.clone(),
                if r.mode.is_empty() {
                    "-".to_owned()
                } else {
                    r.mode.clone()
                },
                if r.versions.is_empty() {
                    "-".to_owned()
                } else {
                    r.versions.join(", ")
                },
            ],
            [
                r.version_skew,
                r.component_kinds,
                r.components,
                r.component_instances,
                r.proxy_types,
                r.proxy_instances,
                r.crds,
                r.webhooks,
                r.upgrade_steps,
                r.namespaces,
                r.nodes,
            ],
            [r.config_objects, r.fragile_config_objects],
            [r.hazards_critical, r.hazards_warning, r.hazards_info],
            r.cpu_request_millicores,
            r.memory_request_bytes,
            r.hours_per_year,
            r.fte,
        ));
    }
    sec.rows.push(vec![
        format!("TOTAL ({})", plural(t.clusters, "cluster")),
        t.meshes.join(", "),
        "-".to_owned(),
        format!("{} distinct", t.versions.len()),
        t.version_skew.to_string(),
        t.component_kinds.to_string(),
        t.components.to_string(),
        t.component_instances.to_string(),
        t.proxy_types.to_string(),
        t.proxy_instances.to_string(),
        t.crds.to_string(),
        t.webhooks.to_string(),
        t.upgrade_steps.to_string(),
        t.namespaces.to_string(),
        t.nodes.to_string(),
        total_count(t.config_objects, t.config_not_counted),
        total_count(t.fragile_config_objects, t.config_not_counted),
        format!(
            "{}/{}/{}",
            t.hazards_critical, t.hazards_warning, t.hazards_info
        ),
        request(
            t.cpu_request_millicores,
            t.component_instances.saturating_add(t.proxy_instances),
            cpu,
        ),
        request(
            t.memory_request_bytes,
            t.component_instances.saturating_add(t.proxy_instances),
            memory,
        ),
        "(below)".to_owned(),
        String::new(),
    ]);
    sec
}

/// A fleet sum that may leave rows out: `12`, `12+?` when some rows were not counted,
/// `unknown` when none was.
fn total_count(n: Option<u64>, not_counted: u64) -> String {
    match n {
        Some(n) if not_counted > 0 => format!("{n}+?"),
        other => shown_count(other),
    }
}

fn estimate_sections(prefix: &str, e: &Estimate, t: &FleetTotals) -> Vec<Section> {
    let terms = |title: String, list: &[crate::headcount::Term]| {
        let mut sec = Section::new(2, title, vec!["TERM", "FORMULA", "HOURS/YR", "FTE"])
            .shrink("TERM", Shrink::Text)
            .shrink("FORMULA", Shrink::Text);
        let mut notes = Vec::new();
        for term in list {
            sec.rows.push(vec![
                term.name.clone(),
                term.formula.clone(),
                num(term.hours_per_year),
                num(term.fte),
            ]);
            if let Some(note) = &term.note {
                notes.push(format!("{}: {note}", term.name));
            }
        }
        if !notes.is_empty() {
            sec.footer = Some(notes.join("\n"));
        }
        sec
    };
    let mut sum = Section::new(2, format!("{prefix}Estimate"), vec!["", "HOURS/YR", "FTE"]);
    let per_fte = if e.fte > 0.0 {
        e.hours_per_year / e.fte
    } else {
        0.0
    };
    let fte = |h: f64| {
        if per_fte > 0.0 {
            num(h / per_fte)
        } else {
            "0".to_owned()
        }
    };
    sum.rows = vec![
        vec![
            "per-cluster terms".to_owned(),
            num(e.cluster_hours_per_year),
            fte(e.cluster_hours_per_year),
        ],
        vec![
            "fleet terms".to_owned(),
            num(e.fleet_hours_per_year),
            fte(e.fleet_hours_per_year),
        ],
        vec!["total".to_owned(), num(e.hours_per_year), num(e.fte)],
    ];
    vec![
        terms(
            format!(
                "{prefix}Per-cluster terms (executed in each of {})",
                plural(t.meshed_clusters, "meshed cluster")
            ),
            &e.cluster_terms,
        ),
        terms(
            format!(
                "{prefix}Fleet terms (learnt once: {}, {}, {})",
                plural(t.distinct_crds, "distinct CRD"),
                plural(t.distinct_proxy_types, "distinct proxy type"),
                plural(t.meshes.len() as u64, "mesh")
            ),
            &e.fleet_terms,
        ),
        sum,
    ]
}

/// The figures and the estimate, for people, fitted to `width`.
pub fn table(h: &Headcount, color: bool, width: usize) -> String {
    let (headline, sections) = sections(h);
    page(&headline, &sections, color, width, "-o csv or -o json")
}

/// The headline lines and the sections of the table (the report draws them as HTML).
pub fn sections(h: &Headcount) -> (Vec<String>, Vec<Section>) {
    let headline = vec![
        format!(
            "{}, {} with a mesh; model: {} ({})",
            plural(h.totals.clusters, "cluster"),
            h.totals.meshed_clusters,
            h.model.name,
            h.model.origin
        ),
        "An estimate from the coefficients below, not a measurement: calibrate them (docs/headcount.md).".to_owned(),
    ];
    let mut sections = vec![figures_section("Figures".to_owned(), &h.rows, &h.totals)];
    sections.extend(estimate_sections("", &h.estimate, &h.totals));
    if let Some(p) = &h.projection {
        let on = p.enabled.join(", ");
        sections.push(figures_section(
            format!("After enabling {on}"),
            &p.rows,
            &p.totals,
        ));
        sections.extend(estimate_sections("After: ", &p.estimate, &p.totals));
        let mut d = Section::new(
            2,
            format!("What enabling {on} costs"),
            vec!["", "HOURS/YR", "FTE"],
        )
        .shrink("", Shrink::Text);
        d.rows = vec![
            vec![
                "today".to_owned(),
                num(h.estimate.hours_per_year),
                num(h.estimate.fte),
            ],
            vec![
                "after".to_owned(),
                num(p.estimate.hours_per_year),
                num(p.estimate.fte),
            ],
            vec![
                "delta".to_owned(),
                signed_num(p.delta.hours_per_year),
                signed_num(p.delta.fte),
            ],
        ];
        if !p.not_offered.is_empty() {
            d.rows.push(vec![
                format!("left out: {}", p.not_offered.join("; ")),
                String::new(),
                String::new(),
            ]);
        }
        sections.push(d);
    }
    if let Some(t) = &h.tco {
        sections.push(tco::section(t, h.model.value("hours_per_fte")));
    }
    (headline, sections)
}

/// An estimate's change with its sign: `+120`, `-0.5`, `0` (hours and FTE are not
/// integers, so not [`super::words::signed`]).
fn signed_num(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", num(x))
    } else {
        num(x)
    }
}
