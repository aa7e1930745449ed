//! The spreadsheet view of `headcount` (CSV): stable column names, one row per cluster and
//! mesh, then one total row. Its own file because the column list is a contract of its own.

use crate::headcount::model::num;
use crate::headcount::{FleetTotals, Headcount, Row};

/// The CSV columns, in order. Their names are stable: new columns are added at the end.
pub const CSV_COLUMNS: [&str; 38] = [
    "cluster",
    "mesh",
    "mode",
    "clusters",
    "versions",
    "versionSkew",
    "componentKinds",
    "components",
    "componentInstances",
    "proxyTypes",
    "proxyInstances",
    "crds",
    "webhooks",
    "upgradeSteps",
    "namespaces",
    "nodes",
    "nodesWithAgent",
    "cpuRequestMillicores",
    "memoryRequestBytes",
    "clusterHoursPerYear",
    "fleetHoursPerYear",
    "hoursPerYear",
    "fte",
    "enabled",
    "projectedHoursPerYear",
    "deltaHoursPerYear",
    "deltaFte",
    "configObjects",
    "fragileConfigObjects",
    "configNotCounted",
    "hazardsCritical",
    "hazardsWarning",
    "hazardsInfo",
    "currency",
    "peoplePerYear",
    "computeRequestsPerYear",
    "computeUsagePerYear",
    "computeTypicalPerYear",
];

/// The cost-of-ownership cells (`--price` with `--fte-cost`); blank without them, and a
/// basis without a figure blank (never 0).
fn tco_cells(
    currency: Option<&str>,
    people: Option<f64>,
    compute: [Option<f64>; 3],
) -> [String; 5] {
    let opt = |v: Option<f64>| v.map(num).unwrap_or_default();
    [
        currency.unwrap_or_default().to_owned(),
        opt(people),
        opt(compute[0]),
        opt(compute[1]),
        opt(compute[2]),
    ]
}

/// A count that may be unknown: empty in CSV (a blank cell, never 0).
fn csv_count(n: Option<u64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn figures(r: &Row) -> Vec<String> {
    vec![
        r.version_skew.to_string(),
        r.component_kinds.to_string(),
        r.components.to_string(),
        r.component_instances.to_string(),
        r.proxy_types.to_string(),
        r.proxy_instances.to_string(),
        r.crds.to_string(),
        r.webhooks.to_string(),
        r.upgrade_steps.to_string(),
        r.namespaces.to_string(),
        r.nodes.to_string(),
        r.nodes_with_agent.to_string(),
        r.cpu_request_millicores.to_string(),
        r.memory_request_bytes.to_string(),
    ]
}

fn total_figures(t: &FleetTotals) -> Vec<String> {
    vec![
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
        t.nodes_with_agent.to_string(),
        t.cpu_request_millicores.to_string(),
        t.memory_request_bytes.to_string(),
    ]
}

/// The spreadsheet view.
pub fn csv(h: &Headcount) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push('\n');
    let enabled = h
        .projection
        .as_ref()
        .map(|p| p.enabled.join(";"))
        .unwrap_or_default();
    for (i, r) in h.rows.iter().enumerate() {
        let mut cells = vec![
            r.cluster.clone(),
            r.mesh.clone(),
            r.mode.clone(),
            String::new(),
            r.versions.join(";"),
        ];
        cells.extend(figures(r));
        cells.extend([
            num(r.hours_per_year),
            String::new(),
            num(r.hours_per_year),
            num(r.fte),
            enabled.clone(),
        ]);
        match h.projection.as_ref().and_then(|p| p.rows.get(i)) {
            Some(after) => cells.extend([
                num(after.hours_per_year),
                num(after.hours_per_year - r.hours_per_year),
                num(after.fte - r.fte),
            ]),
            None => cells.extend([String::new(), String::new(), String::new()]),
        }
        cells.extend([
            csv_count(r.config_objects),
            csv_count(r.fragile_config_objects),
            String::new(),
            r.hazards_critical.to_string(),
            r.hazards_warning.to_string(),
            r.hazards_info.to_string(),
        ]);
        let row = h.tco.as_ref().and_then(|t| t.rows.get(i));
        cells.extend(tco_cells(
            h.tco.as_ref().map(|t| t.currency.as_str()),
            row.map(|r| r.people_per_year),
            row.map_or([None; 3], |r| {
                [r.requests_per_year, r.usage_per_year, r.typical_per_year]
            }),
        ));
        push_row(&mut out, &cells);
    }
    let t = &h.totals;
    let e = &h.estimate;
    let mut cells = vec![
        "TOTAL".to_owned(),
        t.meshes.join(";"),
        String::new(),
        t.clusters.to_string(),
        t.versions.join(";"),
    ];
    cells.extend(total_figures(t));
    cells.extend([
        num(e.cluster_hours_per_year),
        num(e.fleet_hours_per_year),
        num(e.hours_per_year),
        num(e.fte),
        enabled,
    ]);
    match &h.projection {
        Some(p) => cells.extend([
            num(p.estimate.hours_per_year),
            num(p.delta.hours_per_year),
            num(p.delta.fte),
        ]),
        None => cells.extend([String::new(), String::new(), String::new()]),
    }
    cells.extend([
        csv_count(t.config_objects),
        csv_count(t.fragile_config_objects),
        t.config_not_counted.to_string(),
        t.hazards_critical.to_string(),
        t.hazards_warning.to_string(),
        t.hazards_info.to_string(),
    ]);
    let fleet = h.tco.as_ref().map(|t| &t.fleet);
    cells.extend(tco_cells(
        h.tco.as_ref().map(|t| t.currency.as_str()),
        fleet.map(|f| f.people_per_year),
        fleet.map_or([None; 3], |f| {
            let at = |i: usize| f.compute.get(i).and_then(|c| c.per_year);
            [at(0), at(1), at(2)]
        }),
    ));
    push_row(&mut out, &cells);
    out
}

fn push_row(out: &mut String, cells: &[String]) {
    let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
    out.push_str(&line.join(","));
    out.push('\n');
}
