//! How a bill changed between two snapshots (`diff`), per basis, monthly.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Cost;

/// The monthly bill before and after, per basis; a basis missing on either side is null.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CostChange {
    pub currency: String,
    pub requests: Change,
    pub usage: Option<Change>,
    pub typical: Option<Change>,
}

/// One monthly figure, before and after.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub before: f64,
    pub after: f64,
    /// after − before, to the cent.
    pub delta: f64,
}

fn change(before: f64, after: f64) -> Change {
    Change {
        before,
        after,
        delta: super::round(after - before, 2),
    }
}

/// The change between two bills at the same price; None when they were billed at
/// different prices (a change of price is not a change of surface).
pub fn between(before: &Cost, after: &Cost) -> Option<CostChange> {
    let same = before.currency == after.currency
        && before.cpu_per_hour.to_bits() == after.cpu_per_hour.to_bits()
        && before.memory_gib_per_hour.to_bits() == after.memory_gib_per_hour.to_bits();
    same.then(|| CostChange {
        currency: after.currency.clone(),
        requests: change(before.requests.monthly, after.requests.monthly),
        usage: before
            .usage
            .as_ref()
            .zip(after.usage.as_ref())
            .map(|(b, a)| change(b.monthly, a.monthly)),
        typical: before
            .typical
            .as_ref()
            .zip(after.typical.as_ref())
            .map(|(b, a)| change(b.monthly, a.monthly)),
    })
}
