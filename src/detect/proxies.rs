//! Proxies: each container that is some mesh's proxy becomes instances of one proxy type
//! (implementation, placement, version) with its requests, limits and measured usage.
//!
//! Apart from matching, because the same proxy type is reached from component pods
//! (gateways, waypoints), application pods (sidecars) and projected templates, and all
//! three must add up the same way: observed and projected pods are one entry (`from`
//! says which), usage covers only measured pods, and a pod without metrics is a
//! `metrics-partial` warning, never a silent zero.

use std::collections::BTreeMap;

use crate::arith::SATURATED;
use crate::catalog::{image_version, Catalog, MeshEntry, SidecarRule};
use crate::inventory::{Container, PodShape};
use crate::quantity;
use crate::surface::{Origin, Placement, Proxy, Resources, WarningCode};

use super::pods::Unit;
use super::warnings::Warnings;
use super::{Detector, ProxyKey};

/// The requests and limits of `c`, warning (as `count` pods of `resource`) about bad or
/// missing ones. A malformed quantity counts as 0; an absurd one (see [`crate::arith`])
/// counts as saturated, so that every total it enters exceeds any budget instead of
/// passing it.
pub(super) fn resources(c: &Container, resource: &str, count: u64, w: &mut Warnings) -> Resources {
    let mut parse =
        |field: &str, q: &Option<String>, f: fn(&str) -> Result<i64, quantity::QuantityError>| {
            match q.as_deref().map(f) {
                None => 0,
                Some(Ok(v)) => v,
                Some(Err(e)) => {
                    let (value, counted) = if e.absurd {
                        (SATURATED, "totals saturate")
                    } else {
                        (0, "counted as 0")
                    };
                    w.add(
                        WarningCode::InvalidQuantity,
                        resource.to_owned(),
                        format!("container {}: {field}: {e}; {counted}", c.name),
                        count,
                    );
                    value
                }
            }
        };
    let f = Resources {
        cpu_request_millicores: parse(
            "resources.requests.cpu",
            &c.requests.cpu,
            quantity::cpu_millicores,
        ),
        memory_request_bytes: parse(
            "resources.requests.memory",
            &c.requests.memory,
            quantity::bytes,
        ),
        cpu_limit_millicores: parse(
            "resources.limits.cpu",
            &c.limits.cpu,
            quantity::cpu_millicores,
        ),
        memory_limit_bytes: parse("resources.limits.memory", &c.limits.memory, quantity::bytes),
    };
    let missing: Vec<&str> = [("cpu", &c.requests.cpu), ("memory", &c.requests.memory)]
        .into_iter()
        .filter(|(_, q)| q.is_none())
        .map(|(n, _)| n)
        .collect();
    if !missing.is_empty() && count > 0 {
        w.add(
            WarningCode::MissingRequests,
            resource.to_owned(),
            format!(
                "container {} has no {} request; counted as 0",
                c.name,
                missing.join("/")
            ),
            count,
        );
    }
    f
}

/// The containers of a pod that could be proxies: regular ones and native sidecars.
pub(super) fn sidecars<'c>(
    catalog: &'c Catalog,
    shape: &'c PodShape,
) -> impl Iterator<Item = (&'c MeshEntry, &'c SidecarRule, &'c Container)> {
    shape.running_containers().flat_map(move |c| {
        catalog.meshes.iter().filter_map(move |m| {
            m.sidecars
                .iter()
                .find(|s| s.applies(shape, c))
                .map(|s| (m, s, c))
        })
    })
}

/// A sidecar's version: the annotation the catalog names, else its image tag.
pub(super) fn sidecar_version(shape: &PodShape, s: &SidecarRule, c: &Container) -> Option<String> {
    s.version_annotation
        .as_ref()
        .and_then(|a| shape.annotations.get(a).cloned())
        .or_else(|| image_version(&c.image))
}

impl Detector<'_> {
    /// Counts the `unit`'s pods as instances of one proxy type of `mesh`.
    #[expect(
        clippy::too_many_arguments,
        reason = "one proxy type, described field by field"
    )]
    pub(super) fn add_proxy(
        &mut self,
        mesh: &str,
        implementation: &str,
        placement: Placement,
        version: Option<String>,
        unit: &Unit<'_>,
        container: &Container,
        f: Resources,
    ) {
        let (from_template, count) = (unit.from_template, unit.count);
        // Measured usage: only for observed pods, and only when metrics were read; it
        // covers the pods that had a sample, which may be fewer than `count`.
        let usage = (self.inv.metrics && !from_template)
            .then(|| unit.usage.and_then(|u| u.get(&container.name)).copied())
            .flatten()
            .filter(|u| u.pods > 0);
        let key = (implementation.to_owned(), placement, version.clone());
        let acc = self.acc(mesh);
        if let Some(u) = usage {
            let m = acc.measured_requests.entry(key.clone()).or_default();
            let measured = f.times(u.pods);
            m.0 = m.0.saturating_add(measured.cpu_request_millicores);
            m.1 = m.1.saturating_add(measured.memory_request_bytes);
        }
        let tally = acc.proxy_from.entry(key.clone()).or_default();
        if from_template {
            tally.0 = tally.0.saturating_add(count);
        } else {
            tally.1 = true;
        }
        let p = acc
            .proxies
            .entry(key)
            .or_insert_with(|| Proxy::empty(mesh, implementation, placement, version));
        p.instances_unknown |= unit.unknown;
        p.add(count, f);
        if let Some(u) = usage {
            let add = |sum: Option<i64>, v: i64| Some(sum.unwrap_or(0).saturating_add(v));
            p.cpu_usage_millicores = add(p.cpu_usage_millicores, u.cpu_millicores);
            p.memory_usage_bytes = add(p.memory_usage_bytes, u.memory_bytes);
            p.usage_pods = p.usage_pods.saturating_add(u.pods);
        }
    }
}

/// What [`Detector::add_proxy`] gathered for one mesh, per proxy type.
pub(super) struct Gathered {
    pub proxies: BTreeMap<ProxyKey, Proxy>,
    /// CPU and memory requests of the measured pods (for utilisation).
    pub measured_requests: BTreeMap<ProxyKey, (i64, i64)>,
    /// (projected instances, any observed unit).
    pub from: BTreeMap<ProxyKey, (u64, bool)>,
}

/// A mesh's proxy list: utilisation against the measured pods' requests, `from`
/// (`template` or `mixed`) and, with metrics read, the coverage warnings.
pub(super) fn finish(g: Gathered, metrics: bool, w: &mut Warnings) -> Vec<Proxy> {
    let Gathered {
        proxies,
        measured_requests: measured,
        mut from,
    } = g;
    let proxies: Vec<Proxy> = proxies
        .into_iter()
        .map(|(key, mut p)| {
            let (cpu, mem) = measured.get(&key).copied().unwrap_or_default();
            p.cpu_utilisation_percent = percent(p.cpu_usage_millicores, cpu);
            p.memory_utilisation_percent = percent(p.memory_usage_bytes, mem);
            let (projected, observed) = from.remove(&key).unwrap_or_default();
            match (observed, projected) {
                (true, 0) => {}
                (false, _) => p.from = Some(Origin::Template),
                (true, n) => {
                    p.from = Some(Origin::Mixed);
                    p.template_instances = Some(n);
                }
            }
            p
        })
        .collect();
    if metrics {
        // Projected instances are never measured: coverage is over the observed ones.
        for p in proxies.iter().filter(|p| p.from != Some(Origin::Template)) {
            let observed = p.instances - p.template_instances.unwrap_or(0);
            if let Some(message) = coverage_gap(p, observed) {
                w.add(
                    WarningCode::MetricsPartial,
                    format!("proxy:{}/{}", p.implementation, p.placement),
                    message,
                    observed.saturating_sub(p.usage_pods),
                );
            }
        }
    }
    proxies
}

/// `used` as a rounded percentage of `requested`; None without usage or requests.
fn percent(used: Option<i64>, requested: i64) -> Option<i64> {
    let used = used?;
    if requested <= 0 {
        return None;
    }
    let pct = (i128::from(used) * 100 + i128::from(requested) / 2) / i128::from(requested);
    Some(i64::try_from(pct).unwrap_or(i64::MAX))
}

/// The `metrics-partial` message for an observed proxy type whose pods were not all
/// measured (None when every pod was).
fn coverage_gap(p: &Proxy, observed: u64) -> Option<String> {
    if p.usage_pods >= observed {
        return None;
    }
    let what = format!(
        "{} {} ({}{})",
        p.mesh,
        p.implementation,
        p.placement,
        p.version
            .as_ref()
            .map(|v| format!(", {v}"))
            .unwrap_or_default()
    );
    Some(if p.usage_pods == 0 {
        format!("no pod of {what} has metrics (0 of {observed}): its usage is unknown")
    } else {
        format!(
            "metrics cover {} of {observed} pods of {what}: the usage shown is theirs alone",
            p.usage_pods
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::tests::scan;

    #[test]
    fn utilisation_rounds_and_needs_both_usage_and_requests() {
        assert_eq!(percent(Some(1), 3), Some(33));
        assert_eq!(percent(Some(2), 3), Some(67));
        assert_eq!(percent(None, 100), None);
        assert_eq!(percent(Some(50), 0), None);
    }

    #[test]
    fn sidecars_of_one_type_add_up_their_requests_per_pod() {
        let s = scan(
            "
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: a}
spec:
  containers:
  - {name: web, image: web:1}
  - name: istio-proxy
    image: docker.io/istio/proxyv2:1.26.0
    resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: '2'}}
---
apiVersion: v1
kind: Pod
metadata: {name: web-2, namespace: a}
spec:
  containers:
  - {name: web, image: web:1}
  - name: istio-proxy
    image: docker.io/istio/proxyv2:1.26.0
    resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: '2'}}
",
        );
        assert_eq!(s.proxies.len(), 1, "{:?}", s.proxies);
        let p = &s.proxies[0];
        assert_eq!(
            (p.placement.as_str(), p.version.as_deref(), p.instances),
            ("sidecar", Some("1.26.0"), 2)
        );
        assert_eq!(p.cpu_request_millicores, 200);
        assert_eq!(p.memory_request_bytes, 2 * 128 * 1024 * 1024);
        assert_eq!(p.cpu_limit_millicores, 4000);
        assert_eq!(p.from, None, "observed pods only");
    }

    #[test]
    fn an_unparsable_request_counts_as_zero_and_warns_per_pod() {
        let c = Container {
            name: "istio-proxy".to_owned(),
            requests: crate::inventory::Resources {
                cpu: Some("lots".to_owned()),
                memory: Some("1Gi".to_owned()),
            },
            ..Container::default()
        };
        let mut w = Warnings::default();
        let f = resources(&c, "Pod/a/web", 3, &mut w);
        assert_eq!(
            (f.cpu_request_millicores, f.memory_request_bytes),
            (0, 1 << 30)
        );
        let list = w.into_list(&[]);
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(
            (list[0].code, list[0].count),
            (WarningCode::InvalidQuantity, 3)
        );
    }
}
