//! The headcount model: named coefficients with units, read from TOML, and their
//! evaluation into hours per year and FTE, one [`Term`] per line of the estimate.
//!
//! The model is deliberately small and linear, so that every term can be written out with
//! its numbers and checked by hand. The coefficients are not knowledge the tool has: the
//! defaults are starting points whose basis `docs/headcount.md` states, and a team replaces
//! them with its own (`--model`). A model file is strict: an unknown, missing or negative
//! coefficient, or a unit other than the one expected, is an error naming the key, because a
//! silently ignored typo would be a silently wrong estimate.
//!
//! Reading and checking the model is here; `terms` evaluates it into the estimate.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The default model, embedded; `headcount --print-model` prints it.
pub const DEFAULT_MODEL: &str = include_str!("default-model.toml");

/// Every coefficient the model has, with the unit it must be written in.
pub const COEFFICIENTS: [(&str, &str); 16] = [
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
    ("config_hours_per_object", "hours/config-object/year"),
    (
        "fragile_config_hours_per_upgrade",
        "hours/fragile-object/upgrade",
    ),
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
}

mod terms;

pub use terms::{num, round2, ClusterFigures, Estimate, FleetFigures, Input, Scope, Term};

#[cfg(test)]
mod tests;
