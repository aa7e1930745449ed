//! Pod disruption budgets as `fail-closed-single-replica` reads them: the selector and the two
//! budgets, apart from the pod fields in [`super::fields`].

use serde::Deserialize;

use super::fields::{null_default, Meta, StrMap};
use super::FieldError;
use crate::inventory::{Budget, Requirement, Selector};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WirePdb {
    pub(super) metadata: Meta,
    #[serde(deserialize_with = "null_default")]
    pub(super) spec: WirePdbSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct WirePdbSpec {
    pub(super) selector: Option<WireSelector>,
    pub(super) min_available: Option<serde_json::Value>,
    pub(super) max_unavailable: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct WireSelector {
    pub(super) match_labels: StrMap,
    #[serde(deserialize_with = "null_default")]
    pub(super) match_expressions: Vec<WireRequirement>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireRequirement {
    #[serde(deserialize_with = "null_default")]
    pub(super) key: String,
    #[serde(deserialize_with = "null_default")]
    pub(super) operator: String,
    #[serde(deserialize_with = "null_default")]
    pub(super) values: Vec<String>,
}

/// `minAvailable`/`maxUnavailable` (an int-or-string): `2`, `"2"` or `"50%"`.
pub(super) fn budget(field: &str, v: serde_json::Value) -> Result<Option<Budget>, FieldError> {
    let bad = |what: &str| FieldError {
        path: format!("spec.{field}"),
        message: format!("{what}: want a number of pods or a percentage such as \"50%\""),
    };
    match v {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Number(n) => n
            .as_u64()
            .map(|n| Some(Budget::Count(n)))
            .ok_or_else(|| bad(&n.to_string())),
        serde_json::Value::String(s) => match s.strip_suffix('%') {
            Some(p) => p
                .trim()
                .parse()
                .map(|p| Some(Budget::Percent(p)))
                .map_err(|_| bad(&s)),
            None => s
                .trim()
                .parse()
                .map(|n| Some(Budget::Count(n)))
                .map_err(|_| bad(&s)),
        },
        other => Err(bad(&other.to_string())),
    }
}

pub(super) fn selector(s: WireSelector) -> Selector {
    Selector {
        labels: s.match_labels,
        expressions: s
            .match_expressions
            .into_iter()
            .map(|r| Requirement {
                key: r.key,
                operator: r.operator,
                values: r.values,
            })
            .collect(),
    }
}
