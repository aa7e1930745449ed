//! `fragile-config`: objects of the configuration kinds the catalog marks `fragile` (tied
//! to proxy internals), one hazard per mesh whose `why` and `source` are the catalog's.

use std::collections::BTreeMap;

use crate::catalog::Catalog;
use crate::surface::{ConfigEntry, Hazard, HazardCode, Severity};

/// One `fragile-config` warning per mesh with objects of a fragile kind: its objects are
/// the kinds with their counts, its `why` and `source` the catalog's for those kinds.
pub(super) fn fragile(catalog: &Catalog, config: &[ConfigEntry]) -> Vec<Hazard> {
    let mut by_mesh: BTreeMap<&str, Vec<(&ConfigEntry, u64)>> = BTreeMap::new();
    for c in config.iter().filter(|c| c.fragile) {
        if let Some(n) = c.objects.filter(|n| *n > 0) {
            by_mesh.entry(c.mesh.as_str()).or_default().push((c, n));
        }
    }
    by_mesh
        .into_iter()
        .map(|(mesh, kinds)| {
            let count = kinds.iter().fold(0u64, |n, (_, c)| n.saturating_add(*c));
            let entry = catalog.meshes.iter().find(|m| m.mesh == mesh);
            let rules: Vec<_> = entry
                .iter()
                .flat_map(|m| m.configuration.fragile.iter())
                .filter(|r| kinds.iter().any(|(c, _)| c.kind == r.kind))
                .collect();
            let mut why: Vec<&str> = rules.iter().map(|r| r.why.as_str()).collect();
            why.dedup();
            let named: Vec<String> = kinds
                .iter()
                .map(|(c, n)| {
                    format!(
                        "{n} {}",
                        if *n == 1 {
                            c.kind.clone()
                        } else {
                            format!("{}s", c.kind)
                        }
                    )
                })
                .collect();
            Hazard {
                code: HazardCode::FragileConfig,
                severity: Severity::Warning,
                mesh: mesh.to_owned(),
                count,
                objects: kinds
                    .iter()
                    .map(|(c, n)| format!("{}.{} ({n})", c.kind, c.group))
                    .collect(),
                message: format!(
                    "{}: tied to the proxy's internals, check {} before each upgrade",
                    named.join(", "),
                    if count == 1 { "it" } else { "them" }
                ),
                why: why.join(" "),
                source: rules
                    .iter()
                    .map(|r| r.source.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            }
        })
        .collect()
}
