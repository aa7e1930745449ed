//! Pod metrics (`metrics.k8s.io`): how much CPU and memory the proxies actually use.
//!
//! Kept apart from the lists because metrics are optional in a way the lists are not: a
//! cluster may not serve them, serve them empty, or refuse them, and none of that makes
//! the scan fail or incomplete; it only leaves usage unknown, with a warning saying why.
//! They are read before the pods, so each pod's usage is attached as the pod is recorded.

use std::sync::Arc;

use serde::Deserialize;

use super::fetch::Fault;
use super::lists::Lister;
use crate::inventory::{InventoryBuilder, Usage, UsageMap};
use crate::quantity;
use crate::surface::{Warning, WarningCode};

/// The metrics API group, read when the cluster serves it.
pub const METRICS_GROUP: &str = "metrics.k8s.io";

impl Lister {
    /// Reads pod metrics: (namespace, pod) → per-container usage.
    async fn metrics(&self, namespace: Option<&str>) -> Result<UsageMap, Fault> {
        let base = match namespace {
            Some(ns) => format!("/apis/{METRICS_GROUP}/v1beta1/namespaces/{ns}/pods"),
            None => format!("/apis/{METRICS_GROUP}/v1beta1/pods"),
        };
        self.pages(
            &base,
            "application/json",
            UsageMap::new(),
            UsageMap::clear,
            |map, item| {
                let m: PodMetrics = serde_json::from_slice(item)
                    .map_err(|e| format!("a PodMetrics object: {e}"))?;
                let usage = m
                    .containers
                    .into_iter()
                    .map(|c| {
                        let cpu = c
                            .usage
                            .cpu
                            .as_deref()
                            .and_then(|q| quantity::cpu_millicores(q).ok());
                        let mem = c
                            .usage
                            .memory
                            .as_deref()
                            .and_then(|q| quantity::bytes(q).ok());
                        (
                            c.name,
                            Usage {
                                cpu_millicores: cpu.unwrap_or(0),
                                memory_bytes: mem.unwrap_or(0),
                                pods: 1,
                            },
                        )
                    })
                    .collect();
                map.insert((m.metadata.namespace, m.metadata.name), usage);
                Ok(())
            },
        )
        .await
    }
}

#[derive(Debug, Deserialize)]
struct PodMetrics {
    metadata: PodMetricsMeta,
    #[serde(default)]
    containers: Vec<ContainerMetrics>,
}

#[derive(Debug, Deserialize)]
struct PodMetricsMeta {
    #[serde(default)]
    name: String,
    #[serde(default)]
    namespace: String,
}

#[derive(Debug, Deserialize)]
struct ContainerMetrics {
    #[serde(default)]
    name: String,
    #[serde(default)]
    usage: ContainerUsage,
}

#[derive(Debug, Default, Deserialize)]
struct ContainerUsage {
    cpu: Option<String>,
    memory: Option<String>,
}

/// Reads pod metrics into the lister (for the pods listed next), in each scope (`None`:
/// all namespaces). A scope that cannot be read, or metrics served with no data at all,
/// leave usage unknown and say so.
pub(super) async fn read_metrics(
    lister: &Lister,
    served: bool,
    scopes: &[Option<&str>],
    b: &mut InventoryBuilder,
) {
    if !served {
        b.warn(Warning::new(
            WarningCode::MetricsUnavailable,
            "metrics.k8s.io is not served: proxy CPU/memory usage is unknown (requests and limits are still reported)",
        ));
        return;
    }
    let mut all = UsageMap::new();
    let mut failed = false;
    for scope in scopes {
        match lister.metrics(*scope).await {
            Ok(map) => all.extend(map),
            Err(fault) => {
                failed = true;
                let why = match fault {
                    Fault::Forbidden(m) | Fault::Failed(m) | Fault::Invalid(m) => m,
                    Fault::Timeout => "timed out".to_owned(),
                    Fault::NotServed => "not served".to_owned(),
                };
                let (place, there) = match scope {
                    Some(ns) => (format!(" in {ns}"), " there"),
                    None => (String::new(), ""),
                };
                b.warn(Warning::new(
                    WarningCode::MetricsUnavailable,
                    format!(
                        "cannot read pod metrics{place} ({why}): proxy CPU/memory usage is unknown{there}"
                    ),
                ));
            }
        }
    }
    if all.is_empty() && !failed {
        b.warn(Warning::new(
            WarningCode::MetricsUnavailable,
            "metrics.k8s.io is served but returned no pod metrics (metrics-server starting, or not scraping): proxy CPU/memory usage is unknown",
        ));
    } else if !all.is_empty() {
        let _ = lister.usage.set(Arc::new(all));
    }
}
