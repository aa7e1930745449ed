//! Listing resources: one list into its own builder, many lists at once, and how the
//! rounds of a scan end.
//!
//! * [`Lister`] is the handle every request of a scan goes through (client, bounds,
//!   progress counters, the pod metrics read so far); [`Lister::list`] reads one resource
//!   completely into a fresh builder, so a `410 Gone` restarts only that list;
//! * [`Rounds::run`] lists a batch concurrently, with a bound, and returns the results in
//!   the table's order, so the Inventory never depends on timing;
//! * [`Outcome`] folds the results in: a list that failed becomes a warning naming it,
//!   and decides whether the scan is complete, partial, or never reached the server.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::fetch::{Fault, Parsed};
use super::progress::Progress;
use super::resources::{resources, ResourceSpec};
use super::LiveOptions;
use crate::inventory::{Inventory, InventoryBuilder, KeepKeys, UsageMap};
use crate::source::wire::{add_object, pod_record_json, pod_records_array, ObjectKind};
use crate::surface::{Warning, WarningCode};

pub(super) const METADATA_ACCEPT: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

/// The handle every request of one scan goes through.
pub(super) struct Lister {
    pub(super) client: kube::Client,
    pub(super) timeout: Option<Duration>,
    pub(super) page_size: u32,
    pub(super) max_page_bytes: u64,
    pub(super) keep: KeepKeys,
    pub(super) progress: Arc<Progress>,
    /// Pod metrics, read before the pods when the cluster serves them.
    pub(super) usage: OnceLock<Arc<UsageMap>>,
}

impl Lister {
    pub(super) fn new(
        client: kube::Client,
        opts: &LiveOptions,
        mut keep: KeepKeys,
        progress: Arc<Progress>,
    ) -> Self {
        // For the benchmark's comparison (docs/performance.md): every label kept.
        if std::env::var_os("MESHSURFACE_KEEP_ALL_LABELS").is_some_and(|v| v == "1") {
            keep.labels = None;
        }
        Self {
            client,
            timeout: opts.request_timeout,
            page_size: opts.page_size.max(1),
            max_page_bytes: opts.max_page_bytes,
            keep,
            progress,
            usage: OnceLock::new(),
        }
    }

    /// Lists one resource completely into a fresh builder.
    pub(super) async fn list(
        &self,
        spec: &ResourceSpec,
        namespace: Option<&str>,
    ) -> Result<InventoryBuilder, Fault> {
        let accept = if spec.metadata_only {
            METADATA_ACCEPT
        } else {
            "application/json"
        };
        let (keep, usage, kind) = (self.keep.clone(), self.usage.get().cloned(), spec.kind);
        let fresh = move || {
            let b = InventoryBuilder::new(keep.clone());
            match (kind, &usage) {
                (ObjectKind::Pod, Some(u)) => b.with_usage(u.clone()),
                _ => b,
            }
        };
        if kind == ObjectKind::Pod {
            // The big list: parsed on several threads, added in page order.
            let env = self.keep.env.clone();
            return self
                .pages_dealt(
                    &spec.path(namespace),
                    accept,
                    fresh,
                    move |b, page| pods(b, page, &env),
                    InventoryBuilder::merge,
                )
                .await;
        }
        self.pages(
            &spec.path(namespace),
            accept,
            fresh(),
            move |b| *b = fresh(),
            move |b, item| {
                let mut de = serde_json::Deserializer::from_slice(item);
                add_object(kind, &mut de, b).map_err(|e| format!("an object the server sent: {e}"))
            },
        )
        .await
    }
}

/// Folds one page of pods into `b`: read in one pass when it was read head first, else
/// item by item. When the one pass fails, the page is read item by item for an error that
/// names the item and field; when only what follows the items is odd (a server that
/// writes `items` before other members), the whole page is read to check it.
fn pods(b: &mut InventoryBuilder, page: &Parsed, env: &BTreeSet<String>) -> Result<u64, String> {
    let sent = |e: &dyn std::fmt::Display| format!("an object the server sent: {e}");
    let one = |item: &[u8]| pod_record_json(item, env).map_err(|e| sent(&e));
    let Some(array) = page.array() else {
        return page.each(|item| {
            b.add_pod(one(item)?);
            Ok(())
        });
    };
    let mut folded = 0u64;
    let e = match pod_records_array(array, env, &mut |pod| {
        folded += 1;
        b.add_pod(pod);
    }) {
        Ok(n) => return Ok(n),
        Err(e) => e,
    };
    let split = page.split()?;
    if split.len() as u64 == folded {
        // Every item was read; only the rest of the page was not what was expected.
        return Ok(folded);
    }
    for r in split {
        one(&page.body[r])?;
    }
    Err(format!("the answer is not a list: {e}"))
}

/// One list to run: a resource, in one namespace or (None) in all.
pub(super) type Job = (ResourceSpec, Option<String>);

/// One list that ran: the job, and what it read or why it could not.
pub(super) type Listed = (
    ResourceSpec,
    Option<String>,
    Result<InventoryBuilder, Fault>,
);

/// The rounds of lists of one scan, folded into one builder.
pub(super) struct Rounds {
    pub(super) lister: Arc<Lister>,
    concurrency: usize,
    pub(super) b: InventoryBuilder,
    pub(super) outcome: Outcome,
}

impl Rounds {
    pub(super) fn new(lister: Arc<Lister>, concurrency: usize, keep: KeepKeys) -> Self {
        Self {
            lister,
            concurrency,
            b: InventoryBuilder::new(keep),
            outcome: Outcome::default(),
        }
    }

    /// The bound on concurrent lists.
    pub(super) fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// Something the scan could not read: incomplete, and why.
    pub(super) fn incomplete(&mut self, warning: Warning) {
        self.outcome.complete = false;
        self.b.warn(warning);
    }

    /// Lists `jobs` concurrently (bounded), returning them in the table's order (then by
    /// namespace), so that the Inventory does not depend on timing.
    pub(super) async fn run(&self, jobs: Vec<Job>) -> Result<Vec<Listed>, String> {
        let progress = &self.lister.progress;
        progress.total.fetch_add(jobs.len(), Ordering::Relaxed);
        let permits = Arc::new(tokio::sync::Semaphore::new(self.concurrency.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        for (r, namespace) in jobs {
            let (lister, permits) = (self.lister.clone(), permits.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let result = lister.list(&r, namespace.as_deref()).await;
                lister.progress.done.fetch_add(1, Ordering::Relaxed);
                (r, namespace, result)
            });
        }
        let mut results = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(r) => results.push(r),
                Err(e) => return Err(format!("a list task failed: {e}")),
            }
        }
        let order = resources();
        results.sort_by_key(|(r, ns, _)| {
            (
                order
                    .iter()
                    .position(|o| o.plural == r.plural && o.group == r.group),
                ns.clone(),
            )
        });
        Ok(results)
    }

    /// Merges what was listed (see [`Outcome::absorb`]).
    pub(super) fn absorb(&mut self, results: Vec<Listed>) {
        self.outcome.absorb(&mut self.b, results);
    }

    /// [`Rounds::run`], then [`Rounds::absorb`].
    pub(super) async fn list(&mut self, jobs: Vec<Job>) -> Result<(), String> {
        let results = self.run(jobs).await?;
        self.absorb(results);
        Ok(())
    }

    /// The Inventory and whether it is complete; an error when no list reached the server
    /// and some failed (the cluster is unreachable, not partly readable).
    pub(super) fn finish(self) -> Result<(Inventory, bool), String> {
        let outcome = self.outcome;
        if !outcome.reached && !outcome.failures.is_empty() {
            return Err(outcome.failures.join("; "));
        }
        Ok((self.b.finish(), outcome.complete))
    }
}

/// How the lists ended, over every round of a scan.
#[derive(Debug)]
pub(super) struct Outcome {
    pub(super) complete: bool,
    /// Did any request get an answer from the server?
    pub(super) reached: bool,
    /// The CRD list failed: which configuration kinds exist is unknown.
    pub(super) crds_unread: bool,
    failures: Vec<String>,
}

impl Default for Outcome {
    fn default() -> Self {
        Self {
            complete: true,
            reached: false,
            crds_unread: false,
            failures: Vec::new(),
        }
    }
}

impl Outcome {
    /// Merges what was listed; a list that failed becomes a warning naming it (and its
    /// namespace), and lists of pods or workloads that failed are marked unread.
    fn absorb(&mut self, b: &mut InventoryBuilder, results: Vec<Listed>) {
        for (r, namespace, result) in results {
            let what = match &namespace {
                Some(ns) => format!("{} in {ns}", r.name()),
                None => r.name(),
            };
            if result
                .as_ref()
                .is_err_and(|f| !matches!(f, Fault::NotServed))
                && matches!(r.kind, ObjectKind::Pod | ObjectKind::Workload(_))
            {
                b.unread(what.clone());
            }
            if r.kind == ObjectKind::Crd
                && result
                    .as_ref()
                    .is_err_and(|f| !matches!(f, Fault::NotServed))
            {
                self.crds_unread = true;
            }
            match result {
                Ok(part) => {
                    self.reached = true;
                    b.merge(part);
                }
                Err(Fault::NotServed) => self.reached = true,
                Err(Fault::Forbidden(msg)) => {
                    self.reached = true;
                    self.complete = false;
                    b.warn(
                        Warning::new(
                            WarningCode::Forbidden,
                            format!("cannot list {what}: {msg} (see `kubectl meshsurface rbac`)"),
                        )
                        .on(r.name()),
                    );
                }
                Err(Fault::Timeout) => {
                    self.complete = false;
                    b.warn(
                        Warning::new(
                            WarningCode::Timeout,
                            format!("listing {what} timed out (--request-timeout)"),
                        )
                        .on(r.name()),
                    );
                }
                Err(Fault::Invalid(msg)) => {
                    self.complete = false;
                    self.failures.push(format!("{what}: {msg}"));
                    b.warn(
                        Warning::new(
                            WarningCode::InvalidAnswer,
                            format!("cannot list {what}: {msg}"),
                        )
                        .on(r.name()),
                    );
                }
                Err(Fault::Failed(msg)) => {
                    self.complete = false;
                    self.failures.push(format!("{what}: {msg}"));
                    b.warn(
                        Warning::new(
                            WarningCode::Unreachable,
                            format!("cannot list {what}: {msg}"),
                        )
                        .on(r.name()),
                    );
                }
            }
        }
    }
}
