//! The figures of the contract: the cluster's scale, the headline totals and their
//! changes, and requests and limits. Apart from the records because every command adds,
//! multiplies and compares these the same way (saturating, see [`crate::arith`]), and
//! budgets and diffs read them by their JSON names.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The cluster's own size: what the surface scales with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Scale {
    pub nodes: u64,
    pub namespaces: u64,
    pub pods: u64,
    pub meshed_pods: u64,
    pub service_accounts: u64,
    pub meshed_namespaces: u64,
}

impl Scale {
    /// Every figure with its JSON name, in the order of the contract.
    pub fn figures(&self) -> [(&'static str, i64); 6] {
        [
            ("nodes", as_i64(self.nodes)),
            ("namespaces", as_i64(self.namespaces)),
            ("pods", as_i64(self.pods)),
            ("meshedPods", as_i64(self.meshed_pods)),
            ("serviceAccounts", as_i64(self.service_accounts)),
            ("meshedNamespaces", as_i64(self.meshed_namespaces)),
        ]
    }
}

/// Requests and limits of one container (or one pod, or a sum of them): CPU in
/// millicores, memory in bytes. Sums and products saturate ([`crate::arith`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resources {
    pub cpu_request_millicores: i64,
    pub memory_request_bytes: i64,
    pub cpu_limit_millicores: i64,
    pub memory_limit_bytes: i64,
}

impl Resources {
    /// Each figure times `count`, saturating.
    #[must_use]
    pub fn times(self, count: u64) -> Self {
        use crate::arith::times;
        Self {
            cpu_request_millicores: times(self.cpu_request_millicores, count),
            memory_request_bytes: times(self.memory_request_bytes, count),
            cpu_limit_millicores: times(self.cpu_limit_millicores, count),
            memory_limit_bytes: times(self.memory_limit_bytes, count),
        }
    }
}

/// The headline figures (per mesh, and for the whole cluster).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub components: u64,
    pub component_kinds: u64,
    pub component_instances: u64,
    pub proxy_types: u64,
    pub proxy_implementations: u64,
    pub proxy_instances: u64,
    pub crds: u64,
    pub webhooks: u64,
    pub upgrade_steps: u64,
    pub cpu_request_millicores: i64,
    pub memory_request_bytes: i64,
    /// Configuration objects (custom resources of the mesh's groups; the cluster's total
    /// includes shared kinds). Null: not in the input.
    #[serde(default)]
    pub config_objects: Option<u64>,
    /// Configuration kinds with at least one object.
    #[serde(default)]
    pub config_kinds_in_use: Option<u64>,
    /// Objects of fragile kinds (EnvoyFilter, CiliumEnvoyConfig).
    #[serde(default)]
    pub fragile_config_objects: Option<u64>,
    /// Workloads with at least one proxy-override annotation.
    #[serde(default)]
    pub proxy_overrides: u64,
}

impl Totals {
    /// These totals with the configuration figures set.
    #[must_use]
    pub fn with_config(mut self, c: super::ConfigFigures) -> Self {
        self.config_objects = c.objects;
        self.config_kinds_in_use = c.kinds_in_use;
        self.fragile_config_objects = c.fragile_objects;
        self
    }

    /// Adds another set of totals to this one, saturating (upgrade steps are not added:
    /// they are counted from the runbook).
    pub fn add(&mut self, t: &Totals) {
        let sum = |a: &mut u64, b: u64| *a = a.saturating_add(b);
        sum(&mut self.components, t.components);
        sum(&mut self.component_kinds, t.component_kinds);
        sum(&mut self.component_instances, t.component_instances);
        sum(&mut self.proxy_types, t.proxy_types);
        sum(&mut self.proxy_implementations, t.proxy_implementations);
        sum(&mut self.proxy_instances, t.proxy_instances);
        sum(&mut self.crds, t.crds);
        sum(&mut self.webhooks, t.webhooks);
        sum(&mut self.proxy_overrides, t.proxy_overrides);
        self.cpu_request_millicores = self
            .cpu_request_millicores
            .saturating_add(t.cpu_request_millicores);
        self.memory_request_bytes = self
            .memory_request_bytes
            .saturating_add(t.memory_request_bytes);
    }

    /// The JSON names of the figures, in the order of the contract (budgets use them).
    pub const FIELDS: [&'static str; 15] = [
        "components",
        "componentKinds",
        "componentInstances",
        "proxyTypes",
        "proxyImplementations",
        "proxyInstances",
        "crds",
        "webhooks",
        "upgradeSteps",
        "cpuRequestMillicores",
        "memoryRequestBytes",
        "configObjects",
        "configKindsInUse",
        "fragileConfigObjects",
        "proxyOverrides",
    ];

    /// Every figure with its JSON name, in the order of [`Totals::FIELDS`]; an unknown
    /// configuration figure (null) counts 0 here (see [`Totals::config_known`]).
    pub fn figures(&self) -> [(&'static str, i64); 15] {
        let values = [
            as_i64(self.components),
            as_i64(self.component_kinds),
            as_i64(self.component_instances),
            as_i64(self.proxy_types),
            as_i64(self.proxy_implementations),
            as_i64(self.proxy_instances),
            as_i64(self.crds),
            as_i64(self.webhooks),
            as_i64(self.upgrade_steps),
            self.cpu_request_millicores,
            self.memory_request_bytes,
            as_i64(self.config_objects.unwrap_or(0)),
            as_i64(self.config_kinds_in_use.unwrap_or(0)),
            as_i64(self.fragile_config_objects.unwrap_or(0)),
            as_i64(self.proxy_overrides),
        ];
        let mut out = [("", 0); 15];
        for (i, (name, value)) in Self::FIELDS.iter().zip(values).enumerate() {
            out[i] = (name, value);
        }
        out
    }

    /// Every figure minus `before`'s (counts as signed figures), saturating.
    pub fn delta(&self, before: &Totals) -> TotalsDelta {
        let (a, b) = (self.figures(), before.figures());
        let v = |i: usize| a[i].1.saturating_sub(b[i].1);
        TotalsDelta {
            components: v(0),
            component_kinds: v(1),
            component_instances: v(2),
            proxy_types: v(3),
            proxy_implementations: v(4),
            proxy_instances: v(5),
            crds: v(6),
            webhooks: v(7),
            upgrade_steps: v(8),
            cpu_request_millicores: v(9),
            memory_request_bytes: v(10),
            config_objects: v(11),
            config_kinds_in_use: v(12),
            fragile_config_objects: v(13),
            proxy_overrides: v(14),
        }
    }

    /// The figures that are null when configuration objects were not counted.
    pub const CONFIG_OBJECT_FIELDS: [&'static str; 3] =
        ["configObjects", "configKindsInUse", "fragileConfigObjects"];

    /// Were the configuration objects counted (not null)?
    pub fn config_known(&self) -> bool {
        self.config_objects.is_some()
    }

    /// One figure by its JSON name.
    pub fn get(&self, field: &str) -> Option<i64> {
        self.figures()
            .into_iter()
            .find(|(name, _)| *name == field)
            .map(|(_, v)| v)
    }
}

/// Every figure of the totals minus an earlier one's: the same names, signed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TotalsDelta {
    pub components: i64,
    pub component_kinds: i64,
    pub component_instances: i64,
    pub proxy_types: i64,
    pub proxy_implementations: i64,
    pub proxy_instances: i64,
    pub crds: i64,
    pub webhooks: i64,
    pub upgrade_steps: i64,
    pub cpu_request_millicores: i64,
    pub memory_request_bytes: i64,
    pub config_objects: i64,
    pub config_kinds_in_use: i64,
    pub fragile_config_objects: i64,
    pub proxy_overrides: i64,
}

/// A count as a signed figure (counts never come near `i64::MAX`; saturate if they did).
pub fn as_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
