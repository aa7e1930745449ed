//! The configuration surface: the mesh objects engineers write (custom resources of the
//! meshes' API groups) and the per-workload proxy overrides in pod annotations.
//!
//! Counts only: a snapshot says how many VirtualServices there are and where, never what
//! they say. `objects: null` means the count is unknown (not in the input, or its list
//! was refused), never 0.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One configuration kind: installed (its CRD is in the cluster), in use, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigEntry {
    /// The mesh whose API group it is, or `shared` (Gateway API).
    pub mesh: String,
    pub group: String,
    pub kind: String,
    /// The resource it is listed as (the CRD's plural; guessed from the kind when the
    /// input holds objects without their CRD).
    pub resource: String,
    /// Objects of this kind (null: unknown, not 0).
    pub objects: Option<u64>,
    /// Namespaces holding them (cluster-scoped objects hold none).
    pub namespaces: u64,
    /// Objects per namespace (`""`: cluster-scoped).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_namespace: BTreeMap<String, u64>,
    /// A kind tied to proxy internals that breaks across upgrades (cited in the catalog).
    pub fragile: bool,
    /// Is a CRD of it installed? (False: objects were read without their CRD.)
    pub installed: bool,
}

/// One proxy-override annotation key, and who carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OverrideEntry {
    pub mesh: String,
    pub annotation: String,
    /// Workloads whose pod template carries it (a pod without a workload is its own).
    pub workloads: u64,
    /// Pods carrying it (running, or projected from a template without pods).
    pub pods: u64,
}

/// The configuration figures of a set of entries (a mesh's, or all of them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConfigFigures {
    pub objects: Option<u64>,
    pub kinds_in_use: Option<u64>,
    pub fragile_objects: Option<u64>,
}

impl ConfigFigures {
    /// Sums entries; the figures are null when no entry's count is known.
    pub fn of<'a>(entries: impl Iterator<Item = &'a ConfigEntry>) -> Self {
        let mut f = ConfigFigures::default();
        for e in entries {
            let Some(n) = e.objects else { continue };
            let add = |a: &mut Option<u64>, b: u64| *a = Some(a.unwrap_or(0).saturating_add(b));
            add(&mut f.objects, n);
            add(&mut f.kinds_in_use, u64::from(n > 0));
            add(&mut f.fragile_objects, if e.fragile { n } else { 0 });
        }
        f
    }

    /// Zeros for unknown figures when the configuration was counted elsewhere in the
    /// snapshot (a mesh with none of its own kinds in an input that holds others).
    #[must_use]
    pub fn or_zero(self, counted: bool) -> Self {
        if !counted {
            return self;
        }
        let z = |v: Option<u64>| Some(v.unwrap_or(0));
        Self {
            objects: z(self.objects),
            kinds_in_use: z(self.kinds_in_use),
            fragile_objects: z(self.fragile_objects),
        }
    }
}
