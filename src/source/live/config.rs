//! The configuration round: after the CRDs are read, one metadata-only list per mesh
//! configuration kind (at its storage version), counting objects per namespace.
//!
//! A round of its own because which resources to list is only known from the CRDs the
//! first round read. Counts are kept, never objects, so 20,000 VirtualServices cost a few
//! map entries. A list the server refuses (403) makes that kind's count unknown and the
//! scan incomplete, never a silent zero.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde::Deserialize;

use super::fetch::Fault;
use super::lists::{Rounds, METADATA_ACCEPT};
use super::resources::Groups;
use crate::source::wire::GATEWAY_GROUP;
use crate::surface::{Warning, WarningCode};

/// One configuration kind to count.
#[derive(Debug, Clone)]
struct Job {
    group: String,
    version: String,
    plural: String,
    kind: String,
    namespaced: bool,
}

impl Job {
    /// `virtualservices.networking.istio.io`, as the API server names it in a 403.
    fn name(&self) -> String {
        format!("{}.{}", self.plural, self.group)
    }

    fn path(&self, namespace: Option<&str>) -> String {
        let base = format!("/apis/{}/{}", self.group, self.version);
        match namespace.filter(|_| self.namespaced) {
            Some(ns) => format!("{base}/namespaces/{ns}/{}", self.plural),
            None => format!("{base}/{}", self.plural),
        }
    }
}

#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    metadata: ItemMeta,
}

#[derive(Deserialize, Default)]
struct ItemMeta {
    #[serde(default)]
    namespace: Option<String>,
}

/// The kinds to count: every CRD the first round read whose group and kind are
/// configuration (the catalog's groups, not state kinds), served by the server. Gateways
/// are not listed again: the first round read them whole and counted them.
fn jobs(rounds: &Rounds, groups: &Groups) -> Vec<Job> {
    let keep = rounds.b.keeps();
    let mut jobs: Vec<Job> = rounds
        .b
        .crds()
        .iter()
        .filter(|c| !c.kind.is_empty() && !c.plural.is_empty())
        .filter(|c| keep.is_config(&c.group, &c.kind))
        .filter(|c| !(c.group == GATEWAY_GROUP && c.kind == "Gateway"))
        .filter_map(|c| {
            let served = groups.get(&c.group)?;
            let version = c
                .storage
                .clone()
                .filter(|v| c.versions.contains(v))
                .or_else(|| c.versions.first().cloned())
                .or_else(|| served.first().cloned())?;
            Some(Job {
                group: c.group.clone(),
                version,
                plural: c.plural.clone(),
                kind: c.kind.clone(),
                namespaced: c.namespaced,
            })
        })
        .collect();
    jobs.sort_by(|a, b| (&a.group, &a.kind).cmp(&(&b.group, &b.kind)));
    jobs.dedup_by(|a, b| a.group == b.group && a.kind == b.kind);
    jobs
}

/// Counts the configuration objects (in `namespace` only, for a namespaced scan: its
/// cluster-scoped kinds are not the namespace's and are not listed).
pub(super) async fn count(
    rounds: &mut Rounds,
    groups: &Groups,
    namespace: Option<&str>,
) -> Result<(), String> {
    // Without the CRDs, which configuration kinds exist is unknown: not counted (null),
    // rather than 0.
    if rounds.outcome.crds_unread {
        return Ok(());
    }
    let jobs: Vec<Job> = jobs(rounds, groups)
        .into_iter()
        .filter(|j| namespace.is_none() || j.namespaced)
        .collect();
    rounds.b.config_looked_for();
    let lister = rounds.lister.clone();
    lister
        .progress
        .total
        .fetch_add(jobs.len(), Ordering::Relaxed);
    let permits = Arc::new(tokio::sync::Semaphore::new(rounds.concurrency().max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, job) in jobs.into_iter().enumerate() {
        let (lister, permits) = (lister.clone(), permits.clone());
        let ns = namespace.map(str::to_owned);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let result = lister
                .pages(
                    &job.path(ns.as_deref()),
                    METADATA_ACCEPT,
                    BTreeMap::<String, u64>::new(),
                    BTreeMap::clear,
                    |counts, item| {
                        let it: Item = serde_json::from_slice(item)
                            .map_err(|e| format!("an object the server sent: {e}"))?;
                        let ns = it.metadata.namespace.unwrap_or_default();
                        let n = counts.entry(ns).or_default();
                        *n = n.saturating_add(1);
                        Ok(())
                    },
                )
                .await;
            lister.progress.done.fetch_add(1, Ordering::Relaxed);
            (i, job, result)
        });
    }
    let mut results = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        results.push(joined.map_err(|e| format!("a list task failed: {e}"))?);
    }
    // In a stable order, so the Inventory never depends on timing.
    results.sort_by_key(|(i, _, _)| *i);
    for (_, job, result) in results {
        match result {
            Ok(counts) => {
                for (ns, n) in counts {
                    rounds.b.count_config(&job.group, &job.kind, &ns, n);
                }
            }
            // A CRD that stopped being served between the rounds: nothing to count.
            Err(Fault::NotServed) => {}
            Err(fault) => {
                rounds.b.config_unread(&job.group, &job.kind);
                let (code, message) = match fault {
                    Fault::Forbidden(msg) => (
                        WarningCode::Forbidden,
                        format!(
                            "cannot list {}: {msg}: its configuration objects are not counted (see `kubectl meshsurface rbac`)",
                            job.name()
                        ),
                    ),
                    Fault::Timeout => (
                        WarningCode::Timeout,
                        format!("listing {} timed out (--request-timeout)", job.name()),
                    ),
                    Fault::Invalid(msg) => (
                        WarningCode::InvalidAnswer,
                        format!("cannot list {}: {msg}", job.name()),
                    ),
                    Fault::Failed(msg) => (
                        WarningCode::Unreachable,
                        format!("cannot list {}: {msg}", job.name()),
                    ),
                    Fault::NotServed => continue,
                };
                rounds.incomplete(Warning::new(code, message).on(job.name()));
            }
        }
    }
    Ok(())
}
