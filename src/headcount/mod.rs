//! Headcount: the measured inputs of a team-size estimate and a transparent model over them.
//!
//! meshsurface does not know how many engineers a mesh costs; it knows what a mesh makes a
//! team operate. This module lays those figures out per cluster and mesh ([`figures`]),
//! sums them over a fleet (each snapshot is one cluster), and evaluates an explicit model of
//! named coefficients ([`model`]) into hours per year and FTE, term by term, so that every
//! number of the estimate can be traced to a figure and a coefficient. Terms executed in
//! every cluster (upgrades, on-call) are kept apart from terms learnt once per fleet (CRDs,
//! proxy types, preparing an upgrade). With features to enable, the same model runs on each
//! cluster's projected surface ([`crate::growth`]) and the delta is what the features cost.
//! Pure functions: no cluster, no formatting.

pub mod figures;
pub mod model;
pub mod tco;

pub use figures::{FleetBuilder, FleetTotals, Row};
pub use model::{Estimate, Model, Term, DEFAULT_MODEL};

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;
use thiserror::Error;

use crate::growth::{Growth, NamespaceShare};
use crate::surface::Snapshot;
use model::{round2, ClusterFigures, FleetFigures};

/// The schema version of `headcount -o json`.
pub const HEADCOUNT_SCHEMA_VERSION: &str = "meshsurface/headcount/v1";

/// An estimate that cannot be made.
#[derive(Debug, Error)]
pub enum Error {
    #[error(transparent)]
    Model(#[from] model::Error),
    #[error(transparent)]
    Growth(#[from] crate::growth::Error),
    #[error("--enable {feature}: no mesh in the fleet offers it (they offer: {known})")]
    UnknownFeature { feature: String, known: String },
}

impl Error {
    /// What kind of failure this is (the model's and the projection's own classes).
    pub fn class(&self) -> crate::exit::Class {
        match self {
            Error::Model(e) => e.class(),
            Error::Growth(e) => e.class(),
            Error::UnknownFeature { .. } => crate::exit::Class::Usage,
        }
    }
}

/// One fleet's figures and estimate (`meshsurface/headcount/v1`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Headcount {
    #[schemars(extend("const" = HEADCOUNT_SCHEMA_VERSION))]
    pub schema_version: &'static str,
    pub model: Model,
    pub rows: Vec<Row>,
    pub totals: FleetTotals,
    pub estimate: Estimate,
    /// The same after enabling features (`--enable`), with the delta.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projection: Option<Projection>,
    /// People and compute per year (`--price` with `--fte-cost`), for today's surface.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tco: Option<tco::Tco>,
}

impl Headcount {
    /// Adds the total cost of ownership at `fte_cost` per FTE-year, over `clusters` (the
    /// same ones, billed: `cost` set); nothing when none is billed.
    #[must_use]
    pub fn with_tco(mut self, clusters: &[(String, Snapshot)], fte_cost: f64) -> Self {
        self.tco = tco::tco(
            clusters,
            &self.rows,
            &self.estimate,
            self.model.value("hours_per_fte"),
            fte_cost,
        );
        self
    }
}

/// The fleet after enabling features.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Projection {
    pub enabled: Vec<String>,
    /// Features a mesh of the fleet does not offer (`cilium: l7-policy`), left out for it.
    pub not_offered: Vec<String>,
    pub rows: Vec<Row>,
    pub totals: FleetTotals,
    pub estimate: Estimate,
    pub delta: Delta,
}

/// What the features cost: projected minus today.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Delta {
    pub hours_per_year: f64,
    pub fte: f64,
}

/// Figures and estimate for a fleet of `(cluster name, snapshot)`; with `enable`, also
/// for each cluster's surface after enabling those features.
pub fn headcount(
    clusters: &[(String, Snapshot)],
    model: &Model,
    enable: &[String],
    growth: &Growth<'_>,
) -> Result<Headcount, Error> {
    let mut today = FleetBuilder::default();
    for (name, snap) in clusters {
        today.cluster(
            name,
            snap,
            snap.meshes.iter().map(|m| (m.name.as_str(), snap)),
        );
    }
    let (rows, totals, estimate) = evaluate(today, model)?;
    let projection = if enable.is_empty() {
        None
    } else {
        Some(project(clusters, model, enable, growth, &estimate)?)
    };
    Ok(Headcount {
        schema_version: HEADCOUNT_SCHEMA_VERSION,
        model: model.clone(),
        rows,
        totals,
        estimate,
        projection,
        tco: None,
    })
}

fn project(
    clusters: &[(String, Snapshot)],
    model: &Model,
    enable: &[String],
    growth: &Growth<'_>,
    today: &Estimate,
) -> Result<Projection, Error> {
    let mut offered_anywhere: BTreeMap<&str, bool> =
        enable.iter().map(|f| (f.as_str(), false)).collect();
    let mut known: Vec<String> = Vec::new();
    let mut not_offered: Vec<String> = Vec::new();
    let mut projected: Vec<Vec<(String, Snapshot)>> = Vec::new();
    for (cluster, snap) in clusters {
        let mut per_mesh = Vec::new();
        for m in &snap.meshes {
            let profile = growth.profile_of(m)?;
            known.extend(profile.feature_names().iter().map(|s| (*s).to_owned()));
            let offered: Vec<String> = enable
                .iter()
                .filter(|f| {
                    let ok = profile.feature(f).is_some();
                    if ok {
                        offered_anywhere.insert(f.as_str(), true);
                    } else {
                        not_offered.push(format!("{cluster}: {} does not offer {f}", m.name));
                    }
                    ok
                })
                .cloned()
                .collect();
            let after = if offered.is_empty() {
                snap.clone()
            } else {
                let plan = growth.plan(snap, Some(&m.name), &offered, NamespaceShare::All)?;
                plan.steps
                    .last()
                    .map_or_else(|| snap.clone(), |s| s.snapshot.clone())
            };
            per_mesh.push((m.name.clone(), after));
        }
        projected.push(per_mesh);
    }
    if let Some((feature, _)) = offered_anywhere.iter().find(|(_, ok)| !**ok) {
        if !known.is_empty() {
            known.sort();
            known.dedup();
            return Err(Error::UnknownFeature {
                feature: (*feature).to_owned(),
                known: known.join(", "),
            });
        }
    }
    let mut after = FleetBuilder::default();
    for ((name, snap), per_mesh) in clusters.iter().zip(&projected) {
        after.cluster(name, snap, per_mesh.iter().map(|(m, s)| (m.as_str(), s)));
    }
    let (rows, totals, estimate) = evaluate(after, model)?;
    let delta = Delta {
        hours_per_year: round2(estimate.hours_per_year - today.hours_per_year),
        fte: round2(estimate.fte - today.fte),
    };
    Ok(Projection {
        enabled: enable.to_vec(),
        not_offered,
        rows,
        totals,
        estimate,
        delta,
    })
}

/// Per-row hours (per-cluster terms only; a cluster's on-call is split evenly over its
/// mesh rows), the fleet totals, and the estimate.
fn evaluate(
    b: FleetBuilder,
    model: &Model,
) -> Result<(Vec<Row>, FleetTotals, Estimate), model::Error> {
    let totals = b.totals();
    let mut meshes_in: BTreeMap<String, f64> = BTreeMap::new();
    for r in b.rows.iter().filter(|r| r.mesh != "none") {
        *meshes_in.entry(r.cluster.clone()).or_default() += 1.0;
    }
    let per_fte = model.value("hours_per_fte");
    let rows = b
        .rows
        .into_iter()
        .map(|mut r| {
            let share = if r.mesh == "none" {
                0.0
            } else {
                1.0 / meshes_in.get(&r.cluster).copied().unwrap_or(1.0)
            };
            let row = format!(" (cluster {}, mesh {})", r.cluster, r.mesh);
            let h = model.cluster_hours(&cluster_figures(&r, share), &row)?;
            r.hours_per_year = round2(h);
            r.fte = round2(h / per_fte);
            Ok(r)
        })
        .collect::<Result<Vec<_>, model::Error>>()?;
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let f = |n: u64| n as f64;
    let cluster = ClusterFigures {
        component_kinds: f(totals.component_kinds),
        upgrade_steps: f(totals.upgrade_steps),
        proxy_types: f(totals.proxy_types),
        webhooks: f(totals.webhooks),
        version_skew: f(totals.version_skew),
        meshed_clusters: f(totals.meshed_clusters),
        config_objects: totals.config_objects.map(f),
        fragile_config_objects: totals.fragile_config_objects.map(f),
        config_not_counted: totals.config_not_counted,
    };
    let fleet = FleetFigures {
        meshes: f(totals.meshes.len() as u64),
        distinct_crds: f(totals.distinct_crds),
        distinct_proxy_types: f(totals.distinct_proxy_types),
    };
    let estimate = model.checked_estimate(&cluster, &fleet)?;
    Ok((rows, totals, estimate))
}

#[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
fn cluster_figures(r: &Row, meshed_share: f64) -> ClusterFigures {
    ClusterFigures {
        component_kinds: r.component_kinds as f64,
        upgrade_steps: r.upgrade_steps as f64,
        proxy_types: r.proxy_types as f64,
        webhooks: r.webhooks as f64,
        version_skew: r.version_skew as f64,
        meshed_clusters: meshed_share,
        config_objects: r.config_objects.map(|n| n as f64),
        fragile_config_objects: r.fragile_config_objects.map(|n| n as f64),
        config_not_counted: 0,
    }
}

#[cfg(test)]
mod tests;
