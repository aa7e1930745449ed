//! The total cost of ownership beside the estimate (`headcount --price P --fte-cost A`):
//! people at a loaded cost per FTE that the user gives, plus the compute bill of
//! [`crate::cost`] over a year, per cluster and for the fleet. Each compute figure keeps its
//! basis and says where it comes from; a basis without a figure is null with the reason,
//! never 0. Pure: the snapshots are billed before they come here.

use schemars::JsonSchema;
use serde::Serialize;

use super::model::round2;
use super::{Estimate, Row};
use crate::cost::Cost;
use crate::surface::Snapshot;

/// The three bases, in the order shown.
const BASES: [&str; 3] = ["requests", "usage", "typical"];

/// People and compute per year, per cluster and for the fleet.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tco {
    /// The currency of every figure (the price's).
    pub currency: String,
    /// The loaded cost of one FTE for one year, as given (`--fte-cost`).
    pub fte_cost: f64,
    /// Where the compute price came from (`--price`, or a preset with its source).
    pub price: String,
    /// One entry per cluster: its per-cluster terms only (fleet terms are not split).
    pub clusters: Vec<TcoPart>,
    /// The fleet: every term (per-cluster and fleet), every cluster's compute.
    pub fleet: TcoPart,
    /// One entry per row of the estimate (cluster and mesh), in `rows` order: the row's
    /// people and the mesh's own compute (the spreadsheet's columns).
    pub rows: Vec<TcoRow>,
}

/// One row's people and its mesh's compute, per year.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TcoRow {
    pub cluster: String,
    pub mesh: String,
    /// The row's `hoursPerYear` ÷ `hours_per_fte` × `fteCost`, to the cent.
    pub people_per_year: f64,
    /// The mesh's bill × 12 on requests; null for a row without a mesh.
    pub requests_per_year: Option<f64>,
    /// On usage: null when nothing was measured.
    pub usage_per_year: Option<f64>,
    /// On typical: null when a proxy type has no published figure.
    pub typical_per_year: Option<f64>,
}

/// The cost of one cluster, or of the fleet, for a year.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TcoPart {
    /// The cluster's name; null for the fleet.
    pub cluster: Option<String>,
    /// The estimate's hours per year behind `people` (`rows[].hoursPerYear` summed over
    /// the cluster's rows; for the fleet, `estimate.hoursPerYear`).
    pub hours_per_year: f64,
    /// `hoursPerYear` ÷ the model's `hours_per_fte`, to two decimals.
    pub fte: f64,
    /// `hoursPerYear` ÷ `hours_per_fte` × `fteCost`, to the cent.
    pub people_per_year: f64,
    /// Compute on each basis (requests, usage, typical), in that order.
    pub compute: Vec<TcoCompute>,
}

/// Compute on one basis, and people plus compute.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TcoCompute {
    /// `requests`, `usage` or `typical` (docs/cost.md).
    pub basis: &'static str,
    /// The monthly bill on this basis; null without a figure.
    pub monthly: Option<f64>,
    /// monthly × 12.
    pub per_year: Option<f64>,
    /// peoplePerYear + perYear.
    pub total_per_year: Option<f64>,
    /// Where the figure comes from, or why there is none.
    pub source: String,
}

/// The TCO of a fleet whose snapshots are billed (`cost` set), at `fte_cost` per FTE-year.
pub fn tco(
    clusters: &[(String, Snapshot)],
    rows: &[Row],
    estimate: &Estimate,
    hours_per_fte: f64,
    fte_cost: f64,
) -> Option<Tco> {
    let first = clusters.iter().find_map(|(_, s)| s.cost.as_ref())?;
    let parts: Vec<TcoPart> = clusters
        .iter()
        .map(|(name, snap)| {
            let hours: f64 = rows
                .iter()
                .filter(|r| &r.cluster == name)
                .map(|r| r.hours_per_year)
                .sum();
            let compute = BASES.iter().map(|b| one(b, snap.cost.as_ref())).collect();
            part(Some(name.clone()), hours, hours_per_fte, fte_cost, compute)
        })
        .collect();
    let compute = BASES
        .iter()
        .enumerate()
        .map(|(i, b)| fleet_basis(b, clusters, &parts, i))
        .collect();
    let fleet = part(
        None,
        estimate.hours_per_year,
        hours_per_fte,
        fte_cost,
        compute,
    );
    let rows = rows
        .iter()
        .map(|r| {
            let bill = clusters
                .iter()
                .find(|(name, _)| name == &r.cluster)
                .and_then(|(_, s)| s.meshes.iter().find(|m| m.name == r.mesh))
                .and_then(|m| m.cost.as_ref());
            let year = |m: f64| round2(m * 12.0);
            TcoRow {
                cluster: r.cluster.clone(),
                mesh: r.mesh.clone(),
                people_per_year: if hours_per_fte > 0.0 {
                    round2(r.hours_per_year / hours_per_fte * fte_cost)
                } else {
                    0.0
                },
                requests_per_year: bill.map(|b| year(b.requests.monthly)),
                usage_per_year: bill.and_then(|b| b.usage.as_ref()).map(|u| year(u.monthly)),
                typical_per_year: bill
                    .and_then(|b| b.typical.as_ref())
                    .map(|t| year(t.monthly)),
            }
        })
        .collect();
    Some(Tco {
        currency: first.currency.clone(),
        fte_cost,
        price: first.price.clone(),
        clusters: parts,
        fleet,
        rows,
    })
}

fn part(
    cluster: Option<String>,
    hours: f64,
    hours_per_fte: f64,
    fte_cost: f64,
    mut compute: Vec<(Option<f64>, String)>,
) -> TcoPart {
    let fte = if hours_per_fte > 0.0 {
        hours / hours_per_fte
    } else {
        0.0
    };
    let people = round2(fte * fte_cost);
    TcoPart {
        cluster,
        hours_per_year: round2(hours),
        fte: round2(fte),
        people_per_year: people,
        compute: BASES
            .iter()
            .zip(compute.drain(..))
            .map(|(basis, (monthly, source))| {
                let per_year = monthly.map(|m| round2(m * 12.0));
                TcoCompute {
                    basis,
                    monthly,
                    per_year,
                    total_per_year: per_year.map(|y| round2(people + y)),
                    source,
                }
            })
            .collect(),
    }
}

/// One cluster's monthly bill on `basis`, with its source or why there is none.
fn one(basis: &str, cost: Option<&Cost>) -> (Option<f64>, String) {
    let Some(c) = cost else {
        return (None, "not billed".to_owned());
    };
    match basis {
        "requests" => (
            Some(c.requests.monthly),
            "requests: what the scheduler reserves (control plane, gateways, agents, proxies)"
                .to_owned(),
        ),
        "usage" => match &c.usage {
            Some(u) => (
                Some(u.monthly),
                format!(
                    "usage: measured by metrics.k8s.io, {} of {} pods of the bill",
                    u.pods, u.instances
                ),
            ),
            None => (
                None,
                "usage: not measured (metrics.k8s.io, live scans only)".to_owned(),
            ),
        },
        _ => match &c.typical {
            Some(t) => {
                let mut urls: Vec<&str> = t.sources.iter().map(|s| s.source.as_str()).collect();
                urls.dedup();
                (
                    Some(t.monthly),
                    format!(
                        "typical: published figures, not measured here: {}",
                        if urls.is_empty() {
                            "none needed (no proxies)".to_owned()
                        } else {
                            urls.join(", ")
                        }
                    ),
                )
            }
            None => (
                None,
                format!(
                    "typical: none: {}",
                    c.typical_missing
                        .as_deref()
                        .unwrap_or("no published figure")
                ),
            ),
        },
    }
}

/// The fleet's monthly bill on basis `i`: the clusters' sum when every cluster running a
/// mesh has a figure (a cluster without a mesh adds 0), else null naming those without.
fn fleet_basis(
    basis: &str,
    clusters: &[(String, Snapshot)],
    parts: &[TcoPart],
    i: usize,
) -> (Option<f64>, String) {
    let mut sum = 0.0;
    let mut missing = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    for ((name, snap), p) in clusters.iter().zip(parts) {
        let c = &p.compute[i];
        match c.monthly {
            Some(m) => {
                sum += m;
                if !sources.contains(&c.source) {
                    sources.push(c.source.clone());
                }
            }
            None if snap.meshes.is_empty() => {}
            None => missing.push(name.as_str()),
        }
    }
    if missing.is_empty() {
        (Some(round2(sum)), sources.join("; "))
    } else {
        (
            None,
            format!(
                "{basis}: no figure for {} (the fleet's would be partial)",
                missing.join(", ")
            ),
        )
    }
}
