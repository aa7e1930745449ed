//! A namespaced scan (`-n NS`): which lists run where, in which order.
//!
//! Attribution needs more than NS (see `detect::scope`): the mesh's control plane and
//! node agents usually live elsewhere. So a namespaced scan reads in two rounds: first the
//! cluster-scoped objects and the workloads of every namespace, then the rest in NS and in
//! the namespaces that hold the mesh's shared components. A role that may not list
//! workloads across namespaces still gets a scan of NS, marked incomplete, with a warning
//! saying which reads were skipped.

use super::fetch::Fault;
use super::lists::Rounds;
use super::metrics::read_metrics;
use super::resources::ResourceSpec;
use super::MeshNamespaces;
use crate::source::wire::ObjectKind;
use crate::surface::{Warning, WarningCode};

/// Lists `plan` for a scan of `ns` into `rounds`; `Err` when a list task could not run.
pub(super) async fn scan(
    rounds: &mut Rounds,
    plan: Vec<ResourceSpec>,
    ns: &str,
    mesh_namespaces: MeshNamespaces<'_>,
    metrics_served: bool,
) -> Result<(), String> {
    let (first, rest): (Vec<ResourceSpec>, Vec<ResourceSpec>) = plan
        .into_iter()
        .partition(|r| !r.namespaced || matches!(r.kind, ObjectKind::Workload(_)));
    let results = rounds
        .run(first.into_iter().map(|r| (r, None)).collect())
        .await?;
    // Workloads the role may not list across namespaces are read in NS alone, and the
    // warning says which reads were skipped.
    let mut retry = Vec::new();
    let mut kept = Vec::new();
    for (r, scope, result) in results {
        match result {
            Err(Fault::Forbidden(msg)) if r.namespaced => {
                rounds.outcome.complete = false;
                rounds.outcome.reached = true;
                rounds.b.unread(r.name());
                rounds.b.warn(
                    Warning::new(
                        WarningCode::Forbidden,
                        format!(
                            "cannot list {} in all namespaces: {msg}; read in {ns} only, \
                             so mesh components in other namespaces (control plane, node \
                             agents) are not attributed (see `kubectl meshsurface rbac`)",
                            r.name()
                        ),
                    )
                    .on(r.name()),
                );
                retry.push((r, Some(ns.to_owned())));
            }
            other => kept.push((r, scope, other)),
        }
    }
    rounds.absorb(kept);
    rounds.list(retry).await?;

    let mut namespaces = vec![ns.to_owned()];
    namespaces.extend(mesh_namespaces(rounds.b.workloads(), ns));
    let scopes: Vec<Option<&str>> = namespaces.iter().map(|n| Some(n.as_str())).collect();
    read_metrics(&rounds.lister, metrics_served, &scopes, &mut rounds.b).await;
    let jobs = rest
        .iter()
        .flat_map(|r| namespaces.iter().map(|n| (r.clone(), Some(n.clone()))))
        .collect();
    rounds.list(jobs).await
}
