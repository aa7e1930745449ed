//! The bill: what a mesh's surface costs in compute at a given price, on three bases that
//! are always labelled.
//!
//! * `requests`: what the scheduler reserves (what a cluster autoscaler buys), over the same
//!   containers as `totals` (control plane, gateways, waypoints, node agents, sidecars).
//! * `usage`: what the proxies were measured to use (`metrics.k8s.io`, live scans only),
//!   with how many pods the measure covers; null without a measure.
//! * `typical`: published per-instance measurements (catalog data, [`typical`]) scaled by
//!   a stated load, with the control plane at its requests; null, with the reason, for a
//!   mesh with a proxy type that has no published figure. Never a measurement of this cluster.
//!
//! hourly = cores × CPU price + GiB × memory price; monthly = hourly × 730. The price
//! comes from [`prices`]: nothing is fetched at run time.

pub mod delta;
pub mod prices;
pub mod typical;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use prices::{resolve, Price, DEFAULT_PRICES};
pub use typical::{Typical, TypicalSource};

use crate::surface::{MeasuredUsage, Proxy, Snapshot};

/// Hours in the month a monthly figure stands for (365 × 24 / 12).
pub const HOURS_PER_MONTH: f64 = 730.0;

const GIB: f64 = 1_073_741_824.0;

/// A price or a figure that cannot be used.
#[derive(Debug, Error)]
pub enum Error {
    #[error("{origin}: not a valid pricing file: {message}")]
    Prices { origin: String, message: String },
    #[error("{origin}: no preset `{name}` (presets: {known})")]
    UnknownPreset {
        origin: String,
        name: String,
        known: String,
    },
    #[error("--price {spec}: {message}")]
    PriceFlag { spec: String, message: String },
    #[error("cannot read the pricing file {path}: {source}")]
    Read {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the built-in typical figures: {0}")]
    Typical(String),
}

impl Error {
    pub fn class(&self) -> crate::exit::Class {
        match self {
            Error::Read { .. } => crate::exit::Class::Input,
            Error::Typical(_) => crate::exit::Class::Failure,
            _ => crate::exit::Class::Usage,
        }
    }
}

/// The compute bill of one mesh, or of the whole snapshot, at one price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Cost {
    /// The currency of every figure here (the pricing file's, or `--price`'s).
    pub currency: String,
    /// The price of one vCPU (core) for one hour.
    pub cpu_per_hour: f64,
    /// The price of one GiB of memory for one hour.
    #[serde(rename = "memoryGiBPerHour")]
    pub memory_gib_per_hour: f64,
    /// Where the price came from: `--price`, or the preset with its source and the day read.
    pub price: String,
    /// On requests: what the scheduler reserves, over the same containers as `totals`.
    pub requests: Bill,
    /// On measured usage of the proxies (`metrics.k8s.io`); null when nothing was measured.
    pub usage: Option<UsageBill>,
    /// On published per-instance figures (never measured here); null when a proxy type has
    /// none (see `typicalMissing`).
    pub typical: Option<TypicalBill>,
    /// Why `typical` is null.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typical_missing: Option<String>,
}

/// A bill on one basis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Bill {
    pub hourly: f64,
    /// hourly × 730.
    pub monthly: f64,
    /// monthly ÷ meshed application pods; null without meshed pods.
    pub per_meshed_pod_monthly: Option<f64>,
}

/// The bill on measured usage: the containers of `totals` that `metrics.k8s.io` measured
/// (the mesh's `usage`). A snapshot saved before meshes carried `usage` is billed on its
/// proxies' usage alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageBill {
    pub hourly: f64,
    pub monthly: f64,
    /// How many pods the measure covers.
    pub pods: u64,
    /// How many pods the bill covers (the measure is theirs alone when `pods` is fewer).
    pub instances: u64,
    /// monthly ÷ meshed pods, only when every pod of the bill was measured.
    pub per_meshed_pod_monthly: Option<f64>,
}

/// The bill on typical figures: every proxy at its published figure scaled to the load
/// assumption, the rest (control plane) at its requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TypicalBill {
    pub hourly: f64,
    pub monthly: f64,
    pub per_meshed_pod_monthly: Option<f64>,
    /// The published figures used, each with its source and the day it was read.
    pub sources: Vec<TypicalSource>,
}

/// Cores and bytes, summed.
#[derive(Debug, Clone, Copy, Default)]
struct Amount {
    cores: f64,
    bytes: f64,
}

impl Amount {
    fn hourly(self, p: &Price) -> f64 {
        self.cores * p.cpu_per_hour + self.bytes / GIB * p.memory_gib_per_hour
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "millicores and bytes of a cluster are far below 2^52"
)]
fn amount(millicores: i64, bytes: i64) -> Amount {
    Amount {
        cores: millicores as f64 / 1000.0,
        bytes: bytes as f64,
    }
}

/// Rounded to `places` decimals (money is shown to the cent, hourly to 1/10000).
fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

fn bill(hourly: f64, meshed_pods: u64) -> Bill {
    Bill {
        hourly: round(hourly, 6),
        monthly: round(hourly * HOURS_PER_MONTH, 2),
        per_meshed_pod_monthly: per_pod(hourly, meshed_pods),
    }
}

#[expect(clippy::cast_precision_loss, reason = "pod counts are far below 2^52")]
fn per_pod(hourly: f64, meshed_pods: u64) -> Option<f64> {
    (meshed_pods > 0).then(|| round(hourly * HOURS_PER_MONTH / meshed_pods as f64, 2))
}

/// The bill of the containers whose requests are `requests` and whose proxies are
/// `proxies`, serving `meshed_pods`.
fn cost_of(
    requests: Amount,
    measured: Option<MeasuredUsage>,
    proxies: &[&Proxy],
    meshed_pods: u64,
    price: &Price,
    typical: &Typical,
) -> Cost {
    let usage = match measured {
        Some(m) => (m.pods > 0).then(|| {
            (
                amount(m.cpu_usage_millicores, m.memory_usage_bytes),
                m.pods,
                m.of,
            )
        }),
        None => proxies_usage(proxies),
    }
    .map(|(used, pods, instances)| {
        let hourly = used.hourly(price);
        UsageBill {
            hourly: round(hourly, 6),
            monthly: round(hourly * HOURS_PER_MONTH, 2),
            pods,
            instances,
            per_meshed_pod_monthly: if pods >= instances {
                per_pod(hourly, meshed_pods)
            } else {
                None
            },
        }
    });
    let (typical, typical_missing) = match typical_of(requests, proxies, typical) {
        Ok((amount, sources)) => {
            let hourly = amount.hourly(price);
            let b = bill(hourly, meshed_pods);
            (
                Some(TypicalBill {
                    hourly: b.hourly,
                    monthly: b.monthly,
                    per_meshed_pod_monthly: b.per_meshed_pod_monthly,
                    sources,
                }),
                None,
            )
        }
        Err(why) => (None, Some(why)),
    };
    Cost {
        currency: price.currency.clone(),
        cpu_per_hour: price.cpu_per_hour,
        memory_gib_per_hour: price.memory_gib_per_hour,
        price: price.origin.clone(),
        requests: bill(requests.hourly(price), meshed_pods),
        usage,
        typical,
        typical_missing,
    }
}

/// The proxies' measured use, pods measured and instances: the usage of a snapshot saved
/// before meshes carried `usage`.
fn proxies_usage(proxies: &[&Proxy]) -> Option<(Amount, u64, u64)> {
    let measured: Vec<&&Proxy> = proxies
        .iter()
        .filter(|p| p.cpu_usage_millicores.is_some() || p.memory_usage_bytes.is_some())
        .collect();
    if measured.is_empty() {
        return None;
    }
    let used = measured.iter().fold(Amount::default(), |a, p| {
        let u = amount(
            p.cpu_usage_millicores.unwrap_or(0),
            p.memory_usage_bytes.unwrap_or(0),
        );
        Amount {
            cores: a.cores + u.cores,
            bytes: a.bytes + u.bytes,
        }
    });
    let pods = measured.iter().map(|p| p.usage_pods).sum();
    let instances = proxies.iter().map(|p| p.instances).sum();
    Some((used, pods, instances))
}

/// The typical amount: the requests of everything that is not a proxy, plus every proxy at
/// its published figure; or why there is none.
fn typical_of(
    requests: Amount,
    proxies: &[&Proxy],
    typical: &Typical,
) -> Result<(Amount, Vec<TypicalSource>), String> {
    if proxies.is_empty() {
        return Err(
            "no proxy instances: nothing a published per-instance figure applies to".to_owned(),
        );
    }
    let mut missing = Vec::new();
    let mut rest = requests;
    let mut total = Amount::default();
    let mut sources: Vec<TypicalSource> = Vec::new();
    for p in proxies {
        let own = amount(p.cpu_request_millicores, p.memory_request_bytes);
        rest.cores -= own.cores;
        rest.bytes -= own.bytes;
        if let Some((cores, bytes, source)) = typical.footprint(p) {
            total.cores += cores;
            total.bytes += bytes;
            if !sources.contains(&source) {
                sources.push(source);
            }
        } else {
            let name = format!("{} {} ({})", p.mesh, p.implementation, p.placement.as_str());
            if !missing.contains(&name) {
                missing.push(name);
            }
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "no published per-instance figure in the catalog for {}",
            missing.join(", ")
        ));
    }
    total.cores += rest.cores.max(0.0);
    total.bytes += rest.bytes.max(0.0);
    Ok((total, sources))
}

/// Fills in `cost` on every mesh and on the snapshot, at `price`.
pub fn apply(snap: &mut Snapshot, price: &Price, typical: &Typical) {
    let proxies = snap.proxies.clone();
    for m in &mut snap.meshes {
        let own: Vec<&Proxy> = proxies.iter().filter(|p| p.mesh == m.name).collect();
        let requests = amount(
            m.totals.cpu_request_millicores,
            m.totals.memory_request_bytes,
        );
        m.cost = Some(cost_of(
            requests,
            m.usage,
            &own,
            m.meshed_pods,
            price,
            typical,
        ));
    }
    let all: Vec<&Proxy> = proxies.iter().collect();
    let requests = amount(
        snap.totals.cpu_request_millicores,
        snap.totals.memory_request_bytes,
    );
    let measured = snap
        .meshes
        .iter()
        .filter_map(|m| m.usage)
        .reduce(|mut a, b| {
            a.add(b);
            a
        });
    let mut total = cost_of(
        requests,
        measured,
        &all,
        snap.scale.meshed_pods,
        price,
        typical,
    );
    // The whole snapshot has a typical bill only when every mesh has one.
    let missing: Vec<String> = snap
        .meshes
        .iter()
        .filter_map(|m| {
            m.cost
                .as_ref()
                .and_then(|c| c.typical_missing.as_ref())
                .map(|why| format!("{}: {why}", m.name))
        })
        .collect();
    if !missing.is_empty() {
        total.typical = None;
        total.typical_missing = Some(missing.join("; "));
    }
    snap.cost = Some(total);
}

#[cfg(test)]
mod tests;
