//! The estimate: a model's coefficients applied to the figures, term by term, and the
//! shapes it is reported in. Apart from reading the model (the parent) because this is the
//! arithmetic a reader checks by hand against `docs/headcount.md`.

use schemars::JsonSchema;
use serde::Serialize;

use super::{Error, Model};

impl Model {
    /// Per-cluster terms: work executed in each cluster, so linear in the clusters' figures.
    /// Evaluated on one row's figures, or on the fleet's sums (the same terms, summed).
    pub fn cluster_terms(&self, f: &ClusterFigures) -> Vec<Term> {
        let fig = |name: &str, value: f64, unit: &str| Input {
            name: name.to_owned(),
            value,
            unit: unit.to_owned(),
        };
        vec![
            self.term(
                "component upgrades",
                Scope::Cluster,
                vec![
                    self.input("upgrades_per_year"),
                    self.input("upgrade_hours_per_component"),
                    fig("componentKinds", f.component_kinds, "component kinds"),
                ],
            ),
            self.term(
                "upgrade runbook steps",
                Scope::Cluster,
                vec![
                    self.input("upgrades_per_year"),
                    self.input("upgrade_hours_per_step"),
                    fig("upgradeSteps", f.upgrade_steps, "steps"),
                ],
            ),
            self.term(
                "proxy incidents",
                Scope::Cluster,
                vec![
                    self.input("incidents_per_proxy_type"),
                    self.input("incident_hours"),
                    fig("proxyTypes", f.proxy_types, "proxy types"),
                ],
            ),
            self.term(
                "webhook care",
                Scope::Cluster,
                vec![
                    self.input("webhook_hours"),
                    fig("webhooks", f.webhooks, "webhooks"),
                ],
            ),
            self.term(
                "version skew",
                Scope::Cluster,
                vec![
                    self.input("skew_hours"),
                    fig("versionSkew", f.version_skew, "skewed objects"),
                ],
            ),
            self.term(
                "on-call",
                Scope::Cluster,
                vec![
                    self.input("oncall_share_per_cluster"),
                    self.input("hours_per_fte"),
                    fig("meshedClusters", f.meshed_clusters, "clusters"),
                ],
            ),
            self.config_term(
                "configuration review",
                vec![self.input("config_hours_per_object")],
                ("configObjects", "config objects"),
                f.config_objects,
                f.config_not_counted,
            ),
            self.config_term(
                "fragile configuration",
                vec![
                    self.input("upgrades_per_year"),
                    self.input("fragile_config_hours_per_upgrade"),
                ],
                ("fragileConfigObjects", "fragile objects"),
                f.fragile_config_objects,
                f.config_not_counted,
            ),
        ]
    }

    /// Fleet terms: learnt or prepared once for the whole fleet, so they depend on the
    /// *distinct* things the fleet runs, not on how many clusters run them.
    pub fn fleet_terms(&self, f: &FleetFigures) -> Vec<Term> {
        let fig = |name: &str, value: f64, unit: &str| Input {
            name: name.to_owned(),
            value,
            unit: unit.to_owned(),
        };
        let per_year = |mut t: Term, years: Input| {
            let y = years.value;
            t.hours_per_year /= y;
            t.formula = format!(
                "{} ÷ {} {}",
                t.formula.split(" = ").next().unwrap_or_default(),
                num(y),
                years.unit
            );
            t.inputs.push(years);
            t.finish(self.value("hours_per_fte"));
            t
        };
        vec![
            self.term(
                "upgrade preparation",
                Scope::Fleet,
                vec![
                    self.input("upgrades_per_year"),
                    self.input("upgrade_preparation_hours"),
                    fig("meshes", f.meshes, "meshes"),
                ],
            ),
            per_year(
                self.term(
                    "learning CRDs",
                    Scope::Fleet,
                    vec![
                        self.input("learning_hours_per_crd"),
                        self.input("engineers"),
                        fig("distinctCrds", f.distinct_crds, "CRDs"),
                    ],
                ),
                self.input("learning_amortization_years"),
            ),
            per_year(
                self.term(
                    "learning proxy types",
                    Scope::Fleet,
                    vec![
                        self.input("learning_hours_per_proxy_type"),
                        self.input("engineers"),
                        fig("distinctProxyTypes", f.distinct_proxy_types, "proxy types"),
                    ],
                ),
                self.input("learning_amortization_years"),
            ),
        ]
    }

    /// A term over a configuration figure, which may be unknown. Unknown: the term adds
    /// nothing and its formula and note say the figure was not counted (not that it is
    /// 0). Known but missing from some rows: the note says how many were left out.
    fn config_term(
        &self,
        name: &str,
        mut inputs: Vec<Input>,
        (figure, unit): (&str, &str),
        value: Option<f64>,
        not_counted: u64,
    ) -> Term {
        let Some(value) = value else {
            let formula = inputs
                .iter()
                .map(|i| format!("{} {}", num(i.value), unit_of_one(i.value, &i.unit)))
                .chain([format!("{figure} not counted")])
                .collect::<Vec<_>>()
                .join(" × ");
            return Term {
                name: name.to_owned(),
                scope: Scope::Cluster,
                formula: format!("{formula} = not counted"),
                inputs,
                hours_per_year: 0.0,
                fte: 0.0,
                note: Some(format!(
                    "{figure} was not counted (not in the input): this term is left out, not 0"
                )),
            };
        };
        inputs.push(Input {
            name: figure.to_owned(),
            value,
            unit: unit.to_owned(),
        });
        let mut t = self.term(name, Scope::Cluster, inputs);
        if not_counted > 0 {
            t.note = Some(format!(
                "{figure} not counted in {not_counted} mesh row{}: left out of this term",
                if not_counted == 1 { "" } else { "s" }
            ));
        }
        t
    }

    /// A product of inputs.
    fn term(&self, name: &str, scope: Scope, inputs: Vec<Input>) -> Term {
        let hours: f64 = inputs.iter().map(|i| i.value).product();
        let formula = inputs
            .iter()
            .map(|i| format!("{} {}", num(i.value), unit_of_one(i.value, &i.unit)))
            .collect::<Vec<_>>()
            .join(" × ");
        let mut t = Term {
            name: name.to_owned(),
            scope,
            formula,
            inputs,
            hours_per_year: hours,
            fte: 0.0,
            note: None,
        };
        t.finish(self.value("hours_per_fte"));
        t
    }

    /// Sums terms into an estimate.
    pub fn estimate(&self, cluster: &ClusterFigures, fleet: &FleetFigures) -> Estimate {
        let cluster_terms = self.cluster_terms(cluster);
        let fleet_terms = self.fleet_terms(fleet);
        let ch: f64 = cluster_terms.iter().map(|t| t.hours_per_year).sum();
        let fh: f64 = fleet_terms.iter().map(|t| t.hours_per_year).sum();
        let per_fte = self.value("hours_per_fte");
        Estimate {
            cluster_terms,
            fleet_terms,
            cluster_hours_per_year: round2(ch),
            fleet_hours_per_year: round2(fh),
            hours_per_year: round2(ch + fh),
            fte: round2((ch + fh) / per_fte),
        }
    }

    /// Hours per year of the per-cluster terms alone (one row's share); `row` (such as
    /// ` (cluster a, mesh istio)`) names the row in the error when a term is not finite.
    pub fn cluster_hours(&self, f: &ClusterFigures, row: &str) -> Result<f64, Error> {
        let terms = self.cluster_terms(f);
        self.finite(&terms, row)?;
        let h: f64 = terms.iter().map(|t| t.hours_per_year).sum();
        self.finite_value("per-cluster total", row, h)?;
        self.finite_value("per-cluster total", row, h / self.value("hours_per_fte"))?;
        Ok(h)
    }

    /// Refuses terms whose hours or FTE overflowed (a coefficient of 1e308, a divisor of
    /// 1e-320): an estimate of `inf` is not an estimate. Names the first such term.
    fn finite(&self, terms: &[Term], row: &str) -> Result<(), Error> {
        for t in terms {
            self.finite_value(&t.name, row, t.hours_per_year)?;
            self.finite_value(&t.name, row, t.fte)?;
        }
        Ok(())
    }

    fn finite_value(&self, term: &str, row: &str, value: f64) -> Result<(), Error> {
        if value.is_finite() {
            return Ok(());
        }
        Err(Error::NonFinite {
            origin: self.origin.clone(),
            term: term.to_owned(),
            row: row.to_owned(),
            value,
        })
    }

    /// [`Self::estimate`], refused when any of its figures is not a finite number.
    pub fn checked_estimate(
        &self,
        cluster: &ClusterFigures,
        fleet: &FleetFigures,
    ) -> Result<Estimate, Error> {
        let e = self.estimate(cluster, fleet);
        self.finite(&e.cluster_terms, "")?;
        self.finite(&e.fleet_terms, "")?;
        for (name, v) in [
            ("per-cluster total", e.cluster_hours_per_year),
            ("fleet total", e.fleet_hours_per_year),
            ("total", e.hours_per_year),
            ("total", e.fte),
        ] {
            self.finite_value(name, "", v)?;
        }
        Ok(e)
    }
}

/// The figures per-cluster terms read (one row's, or the fleet's sums).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ClusterFigures {
    pub component_kinds: f64,
    pub upgrade_steps: f64,
    pub proxy_types: f64,
    pub webhooks: f64,
    pub version_skew: f64,
    /// Clusters running a mesh; a row of a cluster with two meshes counts 1/2.
    pub meshed_clusters: f64,
    /// Configuration objects (None: not counted anywhere).
    pub config_objects: Option<f64>,
    pub fragile_config_objects: Option<f64>,
    /// Mesh rows whose configuration was not counted (fleet sums leave them out).
    pub config_not_counted: u64,
}

/// The distinct things a fleet runs, which fleet terms read.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FleetFigures {
    pub meshes: f64,
    pub distinct_crds: f64,
    pub distinct_proxy_types: f64,
}

/// Whether a term is executed per cluster or learnt once per fleet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Cluster,
    Fleet,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Cluster => "cluster",
            Scope::Fleet => "fleet",
        }
    }
}

/// One named number a term multiplies.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Input {
    pub name: String,
    pub value: f64,
    pub unit: String,
}

/// One line of the estimate: its formula written out with the numbers, and what it adds.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Term {
    pub name: String,
    pub scope: Scope,
    pub formula: String,
    pub inputs: Vec<Input>,
    pub hours_per_year: f64,
    pub fte: f64,
    /// What the reader must know about the figure (not counted, partly counted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Term {
    fn finish(&mut self, hours_per_fte: f64) {
        let base = self
            .formula
            .split(" = ")
            .next()
            .unwrap_or_default()
            .to_owned();
        self.formula = format!("{base} = {} hours/year", num(self.hours_per_year));
        self.fte = round2(self.hours_per_year / hours_per_fte);
        self.hours_per_year = round2(self.hours_per_year);
    }
}

/// The model evaluated: per-cluster terms, fleet terms, and the sums.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    pub cluster_terms: Vec<Term>,
    pub fleet_terms: Vec<Term>,
    pub cluster_hours_per_year: f64,
    pub fleet_hours_per_year: f64,
    pub hours_per_year: f64,
    pub fte: f64,
}

/// Numbers this large have no decimals left to round (and × 100 could overflow).
const NO_DECIMALS: f64 = 1e15;

/// Rounded to two decimals (hours and FTE are estimates; more digits would be noise).
/// A result of zero is `0`, never `-0` (a tiny negative delta rounds to plain 0).
pub fn round2(x: f64) -> f64 {
    if !x.is_finite() || x.abs() >= NO_DECIMALS {
        return x;
    }
    let r = (x * 100.0).round() / 100.0;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// A number as people write it: `4`, `0.5`, `1.25` (at most two decimals); a huge one
/// in scientific notation (`1e300`) rather than 300 digits.
pub fn num(x: f64) -> String {
    let x = round2(x);
    if x.abs() >= NO_DECIMALS {
        return format!("{x:e}");
    }
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A unit read after `value`: singular for exactly one (`1 cluster`, `1 hour/step/upgrade`,
/// `1 component kind`), as written otherwise.
pub(super) fn unit_of_one(value: f64, unit: &str) -> String {
    if (value - 1.0).abs() > f64::EPSILON {
        return unit.to_owned();
    }
    // The counted noun is the last word before the first `/`.
    let end = unit.find('/').unwrap_or(unit.len());
    let (noun, rest) = unit.split_at(end);
    let one = if let Some(stem) = noun.strip_suffix("shes") {
        format!("{stem}sh")
    } else if let Some(stem) = noun.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = noun.strip_suffix('s') {
        stem.to_owned()
    } else {
        noun.to_owned()
    };
    format!("{one}{rest}")
}
