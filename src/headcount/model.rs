//! The headcount model: named coefficients with units, read from TOML, and their
//! evaluation into hours per year and FTE, one [`Term`] per line of the estimate.
//!
//! The model is deliberately small and linear, so that every term can be written out with
//! its numbers and checked by hand. The coefficients are not knowledge the tool has: the
//! defaults are starting points whose basis `docs/headcount.md` states, and a team replaces
//! them with its own (`--model`). A model file is strict: an unknown, missing or negative
//! coefficient, or a unit other than the one expected, is an error naming the key, because a
//! silently ignored typo would be a silently wrong estimate.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The default model, embedded; `headcount --print-model` prints it.
pub const DEFAULT_MODEL: &str = include_str!("default-model.toml");

/// Every coefficient the model has, with the unit it must be written in.
pub const COEFFICIENTS: [(&str, &str); 14] = [
    ("engineers", "engineers"),
    ("hours_per_fte", "hours/FTE/year"),
    ("upgrades_per_year", "upgrades/year"),
    ("upgrade_hours_per_component", "hours/component/upgrade"),
    ("upgrade_hours_per_step", "hours/step/upgrade"),
    ("incidents_per_proxy_type", "incidents/proxy-type/year"),
    ("incident_hours", "hours/incident"),
    ("webhook_hours", "hours/webhook/year"),
    ("skew_hours", "hours/skewed-object/year"),
    ("oncall_share_per_cluster", "FTE/cluster"),
    ("upgrade_preparation_hours", "hours/mesh/upgrade"),
    ("learning_hours_per_crd", "hours/CRD/engineer"),
    ("learning_hours_per_proxy_type", "hours/proxy-type/engineer"),
    ("learning_amortization_years", "years"),
];

/// A model file that cannot be used.
#[derive(Debug, Error)]
pub enum Error {
    #[error("cannot read the model {path}: {source}")]
    Read {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{origin}: not a valid model file: {message}")]
    Parse { origin: String, message: String },
    #[error("{origin}: unknown coefficient `{key}` (known: {known})")]
    Unknown {
        origin: String,
        key: String,
        known: String,
    },
    #[error("{origin}: coefficient `{key}` is missing (add [coefficients.{key}] with value and unit = \"{unit}\")")]
    Missing {
        origin: String,
        key: &'static str,
        unit: &'static str,
    },
    #[error("{origin}: coefficient `{key}` is {value}: coefficients must be zero or more")]
    Negative {
        origin: String,
        key: String,
        value: f64,
    },
    #[error("{origin}: coefficient `{key}` has unit \"{found}\", expected \"{expected}\"")]
    WrongUnit {
        origin: String,
        key: String,
        found: String,
        expected: &'static str,
    },
    #[error("{origin}: coefficient `{key}` must be above zero (it divides)")]
    Zero { origin: String, key: &'static str },
    #[error("{origin}: the term `{term}`{row} comes to {value} hours/year or FTE, which is not a finite number: a coefficient is too large, or a divisor (hours_per_fte, learning_amortization_years) too small")]
    NonFinite {
        origin: String,
        term: String,
        /// ` (cluster c, mesh m)` for a row's term, empty for the fleet's.
        row: String,
        value: f64,
    },
}

impl Error {
    /// A model file that cannot be read is the input's fault; one that is read but cannot
    /// be used is a usage error: the command line asked for an estimate it cannot make.
    pub fn class(&self) -> crate::exit::Class {
        match self {
            Error::Read { .. } => crate::exit::Class::Input,
            _ => crate::exit::Class::Usage,
        }
    }
}

/// One coefficient as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Coefficient {
    pub value: f64,
    pub unit: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    name: Option<String>,
    coefficients: BTreeMap<String, Coefficient>,
}

/// A checked model: every coefficient known, present, non-negative, in its unit.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Model {
    pub name: String,
    /// `built-in` or the file it was read from.
    pub origin: String,
    pub coefficients: BTreeMap<String, Coefficient>,
}

impl Model {
    /// The embedded default model.
    pub fn default_model() -> Result<Self, Error> {
        Self::parse(DEFAULT_MODEL, "built-in")
    }

    /// Reads a model file.
    pub fn read(path: &std::path::Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses and checks a model; `origin` names it in errors (a path, or `built-in`).
    pub fn parse(text: &str, origin: &str) -> Result<Self, Error> {
        let raw: RawModel = toml::from_str(text).map_err(|e| Error::Parse {
            origin: origin.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        for (key, c) in &raw.coefficients {
            let Some((_, unit)) = COEFFICIENTS.iter().find(|(k, _)| k == key) else {
                return Err(Error::Unknown {
                    origin: origin.to_owned(),
                    key: key.clone(),
                    known: COEFFICIENTS
                        .iter()
                        .map(|(k, _)| *k)
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            };
            if c.unit != *unit {
                return Err(Error::WrongUnit {
                    origin: origin.to_owned(),
                    key: key.clone(),
                    found: c.unit.clone(),
                    expected: unit,
                });
            }
            if !c.value.is_finite() || c.value < 0.0 {
                return Err(Error::Negative {
                    origin: origin.to_owned(),
                    key: key.clone(),
                    value: c.value,
                });
            }
        }
        for (key, unit) in COEFFICIENTS {
            if !raw.coefficients.contains_key(key) {
                return Err(Error::Missing {
                    origin: origin.to_owned(),
                    key,
                    unit,
                });
            }
        }
        for key in ["hours_per_fte", "learning_amortization_years"] {
            if raw.coefficients.get(key).is_some_and(|c| c.value == 0.0) {
                return Err(Error::Zero {
                    origin: origin.to_owned(),
                    key,
                });
            }
        }
        let mut coefficients = raw.coefficients;
        for c in coefficients.values_mut() {
            // `-0.0` is zero: keep it from printing as "-0".
            c.value = c.value.abs();
        }
        Ok(Self {
            name: raw.name.unwrap_or_else(|| origin.to_owned()),
            origin: origin.to_owned(),
            coefficients,
        })
    }

    /// A coefficient's value (every known key is present once parsed).
    pub fn value(&self, key: &str) -> f64 {
        self.coefficients.get(key).map_or(0.0, |c| c.value)
    }

    fn unit(&self, key: &str) -> String {
        self.coefficients
            .get(key)
            .map_or_else(String::new, |c| c.unit.clone())
    }

    fn input(&self, key: &str) -> Input {
        Input {
            name: key.to_owned(),
            value: self.value(key),
            unit: self.unit(key),
        }
    }

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
fn unit_of_one(value: f64, unit: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_of_a_unit_is_singular() {
        assert_eq!(unit_of_one(1.0, "clusters"), "cluster");
        assert_eq!(
            unit_of_one(1.0, "hours/skewed-object/year"),
            "hour/skewed-object/year"
        );
        assert_eq!(unit_of_one(1.0, "component kinds"), "component kind");
        assert_eq!(unit_of_one(1.0, "meshes"), "mesh");
        assert_eq!(unit_of_one(1.0, "FTE/cluster"), "FTE/cluster");
        assert_eq!(unit_of_one(2.0, "clusters"), "clusters");
        assert_eq!(unit_of_one(0.0, "skewed objects"), "skewed objects");
    }

    fn with(key: &str, line: &str) -> String {
        // Replace one coefficient's block in the default model.
        let mut out = String::new();
        let mut skip = false;
        for l in DEFAULT_MODEL.lines() {
            if l.starts_with("[coefficients.") {
                skip = l == format!("[coefficients.{key}]");
                if skip {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            if !skip {
                out.push_str(l);
                out.push('\n');
            }
        }
        out
    }

    #[test]
    fn the_default_model_parses_and_has_every_coefficient() {
        let m = Model::default_model().unwrap();
        assert_eq!(m.coefficients.len(), COEFFICIENTS.len());
        assert_eq!(m.value("upgrades_per_year"), 4.0);
    }

    #[test]
    fn hand_checked_cluster_terms() {
        // Defaults: 4 upgrades/year, 2 h/component/upgrade, 0.5 h/step/upgrade,
        // 2 incidents/proxy-type/year × 6 h/incident, 2 h/webhook/year, 1 h/skewed object,
        // 0.02 FTE/cluster × 1600 h/FTE.
        let m = Model::default_model().unwrap();
        let f = ClusterFigures {
            component_kinds: 3.0,
            upgrade_steps: 5.0,
            proxy_types: 2.0,
            webhooks: 2.0,
            version_skew: 1.0,
            meshed_clusters: 1.0,
        };
        let t = m.cluster_terms(&f);
        // 4 × 2 × 3 = 24
        assert_eq!(t[0].hours_per_year, 24.0);
        assert_eq!(
            t[0].formula,
            "4 upgrades/year × 2 hours/component/upgrade × 3 component kinds = 24 hours/year"
        );
        // 4 × 0.5 × 5 = 10
        assert_eq!(t[1].hours_per_year, 10.0);
        // 2 × 6 × 2 = 24
        assert_eq!(t[2].hours_per_year, 24.0);
        // 2 × 2 = 4
        assert_eq!(t[3].hours_per_year, 4.0);
        // 1 × 1 = 1
        assert_eq!(t[4].hours_per_year, 1.0);
        // 0.02 × 1600 × 1 = 32
        assert_eq!(t[5].hours_per_year, 32.0);
        // 24 + 10 + 24 + 4 + 1 + 32 = 95 hours = 95 / 1600 = 0.059... FTE
        assert_eq!(m.cluster_hours(&f, "").unwrap(), 95.0);
        assert_eq!(t[5].fte, 0.02);
    }

    #[test]
    fn hand_checked_fleet_terms_and_estimate() {
        let m = Model::default_model().unwrap();
        let fleet = FleetFigures {
            meshes: 2.0,
            distinct_crds: 10.0,
            distinct_proxy_types: 3.0,
        };
        let t = m.fleet_terms(&fleet);
        // upgrade preparation: 4 upgrades/year × 8 h/mesh/upgrade × 2 meshes = 64
        assert_eq!(t[0].hours_per_year, 64.0);
        // CRDs: 2 h/CRD/engineer × 4 engineers × 10 CRDs ÷ 2 years = 40
        assert_eq!(t[1].hours_per_year, 40.0);
        assert_eq!(
            t[1].formula,
            "2 hours/CRD/engineer × 4 engineers × 10 CRDs ÷ 2 years = 40 hours/year"
        );
        // proxy types: 8 × 4 × 3 ÷ 2 = 48
        assert_eq!(t[2].hours_per_year, 48.0);
        let cluster = ClusterFigures {
            component_kinds: 3.0,
            upgrade_steps: 5.0,
            proxy_types: 2.0,
            webhooks: 2.0,
            version_skew: 1.0,
            meshed_clusters: 1.0,
        };
        let e = m.estimate(&cluster, &fleet);
        // 95 (cluster, as above) + 152 (fleet: 64 + 40 + 48) = 247 hours = 0.154... FTE
        assert_eq!(e.cluster_hours_per_year, 95.0);
        assert_eq!(e.fleet_hours_per_year, 152.0);
        assert_eq!(e.hours_per_year, 247.0);
        assert_eq!(e.fte, 0.15);
    }

    #[test]
    fn a_team_model_changes_the_arithmetic() {
        // 10 engineers, 3 upgrades a year at 5 h per component kind.
        let text = with(
            "engineers",
            "[coefficients.engineers]\nvalue = 10\nunit = \"engineers\"",
        );
        let text = text.replace(
            "[coefficients.upgrades_per_year]\nvalue = 4.0",
            "[coefficients.upgrades_per_year]\nvalue = 3.0",
        );
        let m = Model::parse(&text, "team.toml").unwrap();
        assert_eq!(m.value("engineers"), 10.0);
        let t = m.fleet_terms(&FleetFigures {
            meshes: 1.0,
            distinct_crds: 1.0,
            distinct_proxy_types: 0.0,
        });
        // 3 × 8 × 1 = 24; 2 × 10 × 1 ÷ 2 = 10; 0
        assert_eq!(t[0].hours_per_year, 24.0);
        assert_eq!(t[1].hours_per_year, 10.0);
        assert_eq!(t[2].hours_per_year, 0.0);
    }

    #[test]
    fn bad_models_name_the_key() {
        let unknown = format!(
            "{DEFAULT_MODEL}\n[coefficients.coffee_breaks]\nvalue = 1.0\nunit = \"hours\"\n"
        );
        let e = Model::parse(&unknown, "m.toml").unwrap_err();
        assert!(
            matches!(e, Error::Unknown { ref key, .. } if key == "coffee_breaks"),
            "{e}"
        );
        assert!(e.to_string().contains("coffee_breaks"));

        let missing = with("incident_hours", "");
        let e = Model::parse(&missing, "m.toml").unwrap_err();
        assert!(
            matches!(
                e,
                Error::Missing {
                    key: "incident_hours",
                    ..
                }
            ),
            "{e}"
        );

        let negative = with(
            "webhook_hours",
            "[coefficients.webhook_hours]\nvalue = -1.0\nunit = \"hours/webhook/year\"",
        );
        let e = Model::parse(&negative, "m.toml").unwrap_err();
        assert!(e.to_string().contains("`webhook_hours` is -1"), "{e}");

        let unit = with(
            "incident_hours",
            "[coefficients.incident_hours]\nvalue = 6.0\nunit = \"minutes/incident\"",
        );
        let e = Model::parse(&unit, "m.toml").unwrap_err();
        assert!(
            e.to_string()
                .contains("`incident_hours` has unit \"minutes/incident\""),
            "{e}"
        );

        let field = with(
            "incident_hours",
            "[coefficients.incident_hours]\nvalue = 6.0\nunit = \"hours/incident\"\nsource = \"x\"",
        );
        let e = Model::parse(&field, "m.toml").unwrap_err();
        assert!(e.to_string().contains("source"), "{e}");

        let zero = with(
            "hours_per_fte",
            "[coefficients.hours_per_fte]\nvalue = 0\nunit = \"hours/FTE/year\"",
        );
        let e = Model::parse(&zero, "m.toml").unwrap_err();
        assert!(e.to_string().contains("hours_per_fte"), "{e}");
    }

    #[test]
    fn numbers_read_like_people_write_them() {
        assert_eq!(num(4.0), "4");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(0.125), "0.13");
        assert_eq!(num(1600.0), "1600");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(-0.001), "0", "a tiny negative delta is 0, not -0");
        assert_eq!(num(-0.5), "-0.5");
        assert_eq!(num(1e300), "1e300");
        assert!(round2(-0.0).is_sign_positive());
        assert_eq!(round2(1e307), 1e307, "no overflow while rounding");
    }

    #[test]
    fn non_finite_terms_are_refused_by_name() {
        let figures = ClusterFigures {
            component_kinds: 3.0,
            meshed_clusters: 1.0,
            ..ClusterFigures::default()
        };
        let fleet = FleetFigures {
            distinct_crds: 2.0,
            ..FleetFigures::default()
        };
        let big = with(
            "upgrade_hours_per_component",
            "[coefficients.upgrade_hours_per_component]\nvalue = 1e308\nunit = \"hours/component/upgrade\"",
        );
        let m = Model::parse(&big, "big.toml").unwrap();
        let e = m.checked_estimate(&figures, &fleet).unwrap_err();
        assert!(
            matches!(&e, Error::NonFinite { term, .. } if term == "component upgrades"),
            "{e}"
        );
        let e = m
            .cluster_hours(&figures, " (cluster a, mesh istio)")
            .unwrap_err();
        assert!(
            e.to_string().starts_with(
                "big.toml: the term `component upgrades` (cluster a, mesh istio) comes to inf"
            ),
            "{e}"
        );

        let tiny = with(
            "learning_amortization_years",
            "[coefficients.learning_amortization_years]\nvalue = 1e-320\nunit = \"years\"",
        );
        let m = Model::parse(&tiny, "tiny.toml").unwrap();
        assert!(
            m.cluster_hours(&figures, "").is_ok(),
            "cluster terms do not divide by it"
        );
        let e = m.checked_estimate(&figures, &fleet).unwrap_err();
        assert!(
            matches!(&e, Error::NonFinite { term, .. } if term == "learning CRDs"),
            "{e}"
        );

        // Finite terms whose sum overflows: the total is refused.
        let sum = with(
            "upgrades_per_year",
            "[coefficients.upgrades_per_year]\nvalue = 8e307\nunit = \"upgrades/year\"",
        );
        let m = Model::parse(&sum, "sum.toml").unwrap();
        // 8e307 × 2 × 1 and 8e307 × 0.5 × 1: two finite terms, an infinite sum.
        let two = ClusterFigures {
            component_kinds: 1.0,
            upgrade_steps: 1.0,
            ..ClusterFigures::default()
        };
        assert!(m
            .cluster_terms(&two)
            .iter()
            .all(|t| t.hours_per_year.is_finite()));
        let e = m.cluster_hours(&two, "").unwrap_err();
        assert!(
            matches!(&e, Error::NonFinite { term, .. } if term == "per-cluster total"),
            "{e}"
        );
    }

    #[test]
    fn minus_zero_coefficients_read_as_zero() {
        let neg = with(
            "incident_hours",
            "[coefficients.incident_hours]\nvalue = -0.0\nunit = \"hours/incident\"",
        );
        let m = Model::parse(&neg, "m.toml").unwrap();
        assert!(m.value("incident_hours").is_sign_positive());
        let t = m.cluster_terms(&ClusterFigures {
            proxy_types: 1.0,
            ..ClusterFigures::default()
        });
        assert!(!t[2].formula.contains("-0"), "{}", t[2].formula);
    }
}
