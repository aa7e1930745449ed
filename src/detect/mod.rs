//! Detection: attributes every workload, pod, CRD and webhook of an [`Inventory`] to a
//! mesh and a role using the [`Catalog`], and adds up the [`Snapshot`] figures.
//!
//! There are no mesh names in this module: what a component, a sidecar, an ambient label
//! or an owned API group looks like is all catalog data. The counting rules are written
//! out in `docs/surface-model.md`; keep the two in step.

mod inject;
mod pods;
pub mod scope;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use crate::arith::{times, MAX_REPLICAS, SATURATED};
use crate::catalog::{
    image_matches, image_version, Catalog, ComponentRule, MeshEntry, GATEWAY_NAME_LABEL,
};
use crate::inventory::{Container, Inventory, PodShape};
use crate::quantity;
use crate::surface::{
    Component, CrdEntry, Mesh, NamespaceEntry, Proxy, Role, Scale, Snapshot, Source, Totals,
    Warning, WarningCode, WebhookEntry, WebhookItem, SCHEMA_VERSION, SHARED,
};

use pods::{units, Unit, WorkloadView};

#[derive(Debug, Default)]
struct NsAcc {
    workloads: BTreeSet<String>,
    meshed_pods: u64,
    proxies: u64,
    cpu: i64,
    memory: i64,
    captures: BTreeSet<String>,
    waypoints: BTreeSet<String>,
}

impl NsAcc {
    /// Counts `count` proxies of one container's figures.
    fn add_proxies(&mut self, f: Figures, count: u64) {
        self.proxies = self.proxies.saturating_add(count);
        self.cpu = self.cpu.saturating_add(times(f.cpu_req, count));
        self.memory = self.memory.saturating_add(times(f.mem_req, count));
    }
}

#[derive(Debug, Default)]
struct MeshAcc {
    components: Vec<Component>,
    namespaces: BTreeMap<String, NsAcc>,
    /// One entry per (implementation, placement, version), whatever the pods' origin.
    proxies: BTreeMap<ProxyKey, Proxy>,
    /// CPU and memory requests of the measured pods of each proxy type (for utilisation).
    measured_requests: BTreeMap<ProxyKey, (i64, i64)>,
    /// Per proxy key: (projected instances, any observed unit).
    proxy_from: BTreeMap<ProxyKey, (u64, bool)>,
    meshed_pods: u64,
    cpu: i64,
    memory: i64,
}

impl MeshAcc {
    fn add_meshed_pods(&mut self, count: u64) {
        self.meshed_pods = self.meshed_pods.saturating_add(count);
    }
}

/// (implementation, placement, version): one proxy type.
type ProxyKey = (String, String, Option<String>);

/// Warnings folded by (code, resource, message), counting what they stand for.
#[derive(Debug, Default)]
struct Warnings(BTreeMap<(WarningCode, String, String), u64>);

impl Warnings {
    fn add(&mut self, code: WarningCode, resource: String, message: String, count: u64) {
        let n = self.0.entry((code, resource, message)).or_default();
        *n = n.saturating_add(count);
    }
}

/// Requests and limits of one container, parsed; bad quantities become warnings. A
/// malformed quantity counts as 0; an absurd one (see [`crate::arith`]) counts as
/// saturated, so that every total it enters exceeds any budget instead of passing it.
#[derive(Debug, Default, Clone, Copy)]
struct Figures {
    cpu_req: i64,
    mem_req: i64,
    cpu_lim: i64,
    mem_lim: i64,
}

fn figures(c: &Container, resource: &str, count: u64, w: &mut Warnings) -> Figures {
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
    let f = Figures {
        cpu_req: parse(
            "resources.requests.cpu",
            &c.requests.cpu,
            quantity::cpu_millicores,
        ),
        mem_req: parse(
            "resources.requests.memory",
            &c.requests.memory,
            quantity::bytes,
        ),
        cpu_lim: parse(
            "resources.limits.cpu",
            &c.limits.cpu,
            quantity::cpu_millicores,
        ),
        mem_lim: parse("resources.limits.memory", &c.limits.memory, quantity::bytes),
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
fn sidecars<'c>(
    catalog: &'c Catalog,
    shape: &'c PodShape,
) -> impl Iterator<
    Item = (
        &'c MeshEntry,
        &'c crate::catalog::SidecarRule,
        &'c Container,
    ),
> {
    shape.running_containers().flat_map(move |c| {
        catalog.meshes.iter().filter_map(move |m| {
            m.sidecars
                .iter()
                .find(|s| s.applies(shape, c))
                .map(|s| (m, s, c))
        })
    })
}

/// Compares versions so that `1.26.3` > `1.25.10` > `1.9` (numbers compared as numbers).
fn version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |s: &str| -> Vec<(u64, String)> {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .map(|p| (p.parse().unwrap_or(0), p.to_owned()))
            .collect()
    };
    key(a).cmp(&key(b))
}

struct Detector<'a> {
    catalog: &'a Catalog,
    inv: &'a Inventory,
    meshes: BTreeMap<String, MeshAcc>,
    warnings: Warnings,
}

impl<'a> Detector<'a> {
    fn acc(&mut self, mesh: &str) -> &mut MeshAcc {
        self.meshes.entry(mesh.to_owned()).or_default()
    }

    #[allow(clippy::too_many_arguments)]
    fn add_proxy(
        &mut self,
        mesh: &str,
        implementation: &str,
        placement: &str,
        version: Option<String>,
        unit: &Unit<'_>,
        container: &Container,
        f: Figures,
    ) {
        let (from_template, count) = (unit.from_template, unit.count);
        // Measured usage: only for observed pods, and only when metrics were read; it
        // covers the pods that had a sample, which may be fewer than `count`.
        let usage = (self.inv.metrics && !from_template)
            .then(|| unit.usage.and_then(|u| u.get(&container.name)).copied())
            .flatten()
            .filter(|u| u.pods > 0);
        let key = (
            implementation.to_owned(),
            placement.to_owned(),
            version.clone(),
        );
        let acc = self.acc(mesh);
        if let Some(u) = usage {
            let m = acc.measured_requests.entry(key.clone()).or_default();
            m.0 = m.0.saturating_add(times(f.cpu_req, u.pods));
            m.1 = m.1.saturating_add(times(f.mem_req, u.pods));
        }
        let tally = acc.proxy_from.entry(key.clone()).or_default();
        if from_template {
            tally.0 = tally.0.saturating_add(count);
        } else {
            tally.1 = true;
        }
        let p = acc.proxies.entry(key).or_insert_with(|| Proxy {
            mesh: mesh.to_owned(),
            implementation: implementation.to_owned(),
            placement: placement.to_owned(),
            version,
            instances: 0,
            cpu_request_millicores: 0,
            memory_request_bytes: 0,
            cpu_limit_millicores: 0,
            memory_limit_bytes: 0,
            cpu_usage_millicores: None,
            memory_usage_bytes: None,
            usage_pods: 0,
            cpu_utilisation_percent: None,
            memory_utilisation_percent: None,
            from: None,
            template_instances: None,
            instances_unknown: false,
        });
        p.instances_unknown |= unit.unknown;
        p.instances = p.instances.saturating_add(count);
        p.cpu_request_millicores = p
            .cpu_request_millicores
            .saturating_add(times(f.cpu_req, count));
        p.memory_request_bytes = p
            .memory_request_bytes
            .saturating_add(times(f.mem_req, count));
        p.cpu_limit_millicores = p
            .cpu_limit_millicores
            .saturating_add(times(f.cpu_lim, count));
        p.memory_limit_bytes = p.memory_limit_bytes.saturating_add(times(f.mem_lim, count));
        if let Some(u) = usage {
            let add = |sum: Option<i64>, v: i64| Some(sum.unwrap_or(0).saturating_add(v));
            p.cpu_usage_millicores = add(p.cpu_usage_millicores, u.cpu_millicores);
            p.memory_usage_bytes = add(p.memory_usage_bytes, u.memory_bytes);
            p.usage_pods = p.usage_pods.saturating_add(u.pods);
        }
    }

    fn ns(&mut self, mesh: &str, namespace: &str) -> &mut NsAcc {
        self.acc(mesh)
            .namespaces
            .entry(namespace.to_owned())
            .or_default()
    }

    fn bill(&mut self, mesh: &str, f: Figures, count: u64) {
        let acc = self.acc(mesh);
        acc.cpu = acc.cpu.saturating_add(times(f.cpu_req, count));
        acc.memory = acc.memory.saturating_add(times(f.mem_req, count));
    }

    /// A pod of a mesh component: its containers are the mesh's bill; proxy components
    /// are proxies; sidecars inside it (Linkerd's control plane) are proxies too.
    fn component_unit(
        &mut self,
        unit: &Unit<'_>,
        view: &WorkloadView<'_>,
        mesh: &MeshEntry,
        rule: &ComponentRule,
    ) {
        let resource = view.resource();
        for c in unit.shape.running_containers() {
            let f = figures(c, &resource, unit.count, &mut self.warnings);
            self.bill(&mesh.mesh, f, unit.count);
        }
        if let Some(p) = &rule.proxy {
            let container = unit
                .shape
                .running_containers()
                .find(|c| image_matches(&c.image, &p.image))
                .or_else(|| unit.shape.containers.first());
            let mut placement = p.placement.as_str();
            if let (Some(label), Some(otherwise)) = (&p.namespace_label, &p.placement_otherwise) {
                let gateway_name = unit
                    .shape
                    .labels
                    .get("gateway.networking.k8s.io/gateway-name")
                    .unwrap_or(&view.name);
                let bound = self
                    .inv
                    .namespaces
                    .get(unit.namespace)
                    .and_then(|ns| ns.labels.get(label))
                    == Some(gateway_name);
                if !bound {
                    placement = otherwise;
                }
            }
            let (version, f) = match container {
                // Only the proxy's own image tells its version (never a `pause` tag).
                Some(c) => (
                    image_matches(&c.image, &p.image)
                        .then(|| image_version(&c.image))
                        .flatten(),
                    figures(c, &resource, 0, &mut Warnings::default()),
                ),
                None => (None, Figures::default()),
            };
            let empty = Container::default();
            let proxy_container = container.unwrap_or(&empty);
            let placement = placement.to_owned();
            if placement == p.placement && p.namespace_label.is_some() {
                let ns = self.ns(&mesh.mesh, unit.namespace);
                ns.waypoints.insert(view.name.clone());
                ns.add_proxies(f, unit.count);
            }
            self.add_proxy(
                &mesh.mesh,
                &p.implementation,
                &placement,
                version,
                unit,
                proxy_container,
                f,
            );
        } else {
            let found: Vec<_> = sidecars(self.catalog, unit.shape).collect();
            for (m, s, c) in found {
                let f = figures(c, &resource, 0, &mut Warnings::default());
                let version = self.sidecar_version(unit.shape, s, c);
                self.add_proxy(&m.mesh, &s.implementation, "sidecar", version, unit, c, f);
            }
        }
    }

    fn sidecar_version(
        &self,
        shape: &PodShape,
        s: &crate::catalog::SidecarRule,
        c: &Container,
    ) -> Option<String> {
        s.version_annotation
            .as_ref()
            .and_then(|a| shape.annotations.get(a).cloned())
            .or_else(|| image_version(&c.image))
    }

    /// An application pod: meshed by a sidecar, or captured by an ambient label.
    fn application_unit(
        &mut self,
        unit: &Unit<'_>,
        workload: &str,
        resource: String,
        present: &BTreeSet<(String, String)>,
        meshed_ns: &mut BTreeSet<String>,
    ) -> u64 {
        let found: Vec<_> = sidecars(self.catalog, unit.shape).collect();
        if let Some((m, _, _)) = found.first() {
            let first_mesh = m.mesh.clone();
            for (m, s, c) in found {
                let f = figures(c, &resource, unit.count, &mut self.warnings);
                let version = self.sidecar_version(unit.shape, s, c);
                self.add_proxy(&m.mesh, &s.implementation, "sidecar", version, unit, c, f);
                self.bill(&m.mesh, f, unit.count);
                self.ns(&m.mesh, unit.namespace).add_proxies(f, unit.count);
            }
            self.acc(&first_mesh).add_meshed_pods(unit.count);
            let ns = self.ns(&first_mesh, unit.namespace);
            ns.meshed_pods = ns.meshed_pods.saturating_add(unit.count);
            ns.workloads.insert(workload.to_owned());
            ns.captures.insert("sidecar".to_owned());
            if unit.count > 0 {
                meshed_ns.insert(unit.namespace.to_owned());
            }
            return unit.count;
        }
        let ns_labels = self.inv.namespaces.get(unit.namespace).map(|n| &n.labels);
        for m in &self.catalog.meshes {
            for r in &m.capture {
                if !present.contains(&(m.mesh.clone(), r.requires_component.clone())) {
                    continue;
                }
                let pod_value = unit.shape.labels.get(&r.label);
                if r.opt_out_value.is_some() && pod_value == r.opt_out_value.as_ref() {
                    continue;
                }
                let enrolled = pod_value == Some(&r.value)
                    || ns_labels.and_then(|l| l.get(&r.label)) == Some(&r.value);
                if enrolled {
                    let mesh = m.mesh.clone();
                    let capture = r.value.clone();
                    self.acc(&mesh).add_meshed_pods(unit.count);
                    let ns = self.ns(&mesh, unit.namespace);
                    ns.meshed_pods = ns.meshed_pods.saturating_add(unit.count);
                    ns.workloads.insert(workload.to_owned());
                    ns.captures.insert(capture);
                    meshed_ns.insert(unit.namespace.to_owned());
                    return unit.count;
                }
            }
        }
        0
    }
}

/// Runs detection over an inventory.
pub fn detect(inv: &Inventory, catalog: &Catalog, source: Source) -> Snapshot {
    let (views, units) = units(inv);
    let rules = catalog.component_rules();
    let mut matched: Vec<Option<(&MeshEntry, &ComponentRule, Option<String>)>> = views
        .iter()
        .map(|v| {
            let class = gateway_class(inv, v);
            rules.iter().find_map(|(m, r)| {
                r.r#match.iter().find_map(|mt| {
                    mt.matches(v.kind, v.namespace, v.labels, v.shape, class)
                        .map(|c| (*m, *r, component_version(catalog, r, v.shape, c)))
                })
            })
        })
        .collect();
    // Workloads the catalog does not name but a mesh's ownership labels claim.
    let unknown: Vec<Option<(&MeshEntry, ComponentRule)>> = views
        .iter()
        .zip(&matched)
        .map(|(v, m)| match m {
            Some(_) => None,
            None => catalog
                .meshes
                .iter()
                .find(|e| e.owns(v.labels, &v.shape.labels))
                .map(|e| (e, unknown_rule(v))),
        })
        .collect();
    let mut unknown_warnings = Vec::new();
    for (i, u) in unknown.iter().enumerate() {
        if let Some((m, r)) = u {
            let v = &views[i];
            matched[i] = Some((m, r, component_version(catalog, r, v.shape, None)));
            unknown_warnings.push((
                v.resource(),
                format!(
                    "labelled as {}'s own but not in the catalog: counted as component {} with role unknown",
                    m.mesh, r.id
                ),
            ));
        }
    }
    let present: BTreeSet<(String, String)> = matched
        .iter()
        .flatten()
        .map(|(m, r, _)| (m.mesh.clone(), r.id.clone()))
        .collect();
    // Templates an injector present in the input would inject get its sidecar.
    let injected = inject::project(inv, catalog, &views, &units, &matched);
    let units: Vec<Unit<'_>> = units
        .into_iter()
        .map(|mut u| {
            if let (true, Some(shape)) =
                (u.from_template, u.workload.and_then(|i| injected.get(&i)))
            {
                u.shape = shape;
            }
            u
        })
        .collect();

    let mut d = Detector {
        catalog,
        inv,
        meshes: BTreeMap::new(),
        warnings: Warnings::default(),
    };
    absurd_replicas(inv, &mut d.warnings);
    for (resource, message) in unknown_warnings {
        d.warnings
            .add(WarningCode::UnknownComponent, resource, message, 1);
    }
    let mut instances = vec![0u64; views.len()];
    let mut from_template = vec![false; views.len()];
    let mut pod_versions: Vec<Option<String>> = vec![None; views.len()];
    let mut pods = 0u64;
    let mut meshed_pods = 0u64;
    let mut meshed_ns = BTreeSet::new();
    let mut service_accounts = inv.service_accounts.clone();
    let mut unknown_daemonsets = BTreeSet::new();
    for unit in &units {
        pods = u64::saturating_add(pods, unit.count);
        if unit.count > 0 {
            service_accounts.insert((
                unit.namespace.to_owned(),
                unit.shape.service_account.clone(),
            ));
        }
        if let (true, Some(i)) = (unit.unknown, unit.workload) {
            unknown_daemonsets.insert(views[i].resource());
        }
        let component = unit
            .workload
            .and_then(|i| matched[i].as_ref().map(|m| (i, m)));
        if let Some((i, (mesh, rule, _))) = component {
            instances[i] = instances[i].saturating_add(unit.count);
            from_template[i] |= unit.from_template;
            // Pods are the truth: an injected proxy is in the pods, not in the template.
            if let (Some(p), None) = (&rule.proxy, &pod_versions[i]) {
                pod_versions[i] = unit
                    .shape
                    .running_containers()
                    .find(|c| image_matches(&c.image, &p.image))
                    .and_then(|c| image_version(&c.image));
            }
            d.component_unit(unit, &views[i], mesh, rule);
        } else {
            // A workload is (kind, namespace, name): Deployment and StatefulSet `web` are two.
            let (workload, resource) = match unit.workload {
                Some(i) => (
                    format!("{}/{}", views[i].kind.as_str(), views[i].name),
                    views[i].resource(),
                ),
                None => (
                    format!("pod/{}", unit.example),
                    format!("Pod/{}/{}", unit.namespace, unit.example),
                ),
            };
            let meshed = d.application_unit(unit, &workload, resource, &present, &mut meshed_ns);
            meshed_pods = u64::saturating_add(meshed_pods, meshed);
        }
    }
    for (i, v) in views.iter().enumerate() {
        if let Some((mesh, rule, version)) = &matched[i] {
            let c = Component {
                mesh: mesh.mesh.clone(),
                component: rule.id.clone(),
                role: rule.role,
                kind: v.kind.as_str().to_owned(),
                namespace: v.namespace.to_owned(),
                name: v.name.clone(),
                replicas: v.replicas,
                instances: instances[i],
                scales_with: rule.scales_with,
                feature: rule.feature.clone(),
                version: pod_versions[i].clone().or_else(|| version.clone()),
                from: from_template[i].then(|| "template".to_owned()),
                instances_unknown: v.unknown,
            };
            d.acc(&mesh.mesh).components.push(c);
        }
    }

    // CRDs: owned by a mesh, or needed by a mesh that is present.
    let mut crds: Vec<CrdEntry> = Vec::new();
    let mut shared_candidates = Vec::new();
    for crd in &inv.crds {
        match catalog.owner_of_group(&crd.group) {
            Some(m) => {
                d.acc(&m.mesh);
                crds.push(CrdEntry {
                    mesh: m.mesh.clone(),
                    name: crd.name.clone(),
                    group: crd.group.clone(),
                    versions: crd.versions.clone(),
                });
            }
            None => shared_candidates.push(crd),
        }
    }

    // Webhooks: a configuration is a mesh's when one of its webhooks carries its suffix.
    let mut webhooks = Vec::new();
    for w in &inv.webhooks {
        let owner = catalog.meshes.iter().find(|m| {
            w.webhooks.iter().any(|h| {
                m.webhook_suffixes
                    .iter()
                    .any(|s| h.name.ends_with(s.as_str()))
            })
        });
        let Some(m) = owner else { continue };
        d.acc(&m.mesh);
        let policy = if w.webhooks.iter().any(|h| h.failure_policy == "Fail") {
            "Fail"
        } else {
            "Ignore"
        };
        for h in &w.webhooks {
            if let (Some(svc), true) = (&h.service, h.failure_policy == "Fail" && inv.saw_services)
            {
                if !inv.services.contains(svc) {
                    d.warnings.add(
                        WarningCode::OrphanedWebhook,
                        format!("{}WebhookConfiguration/{}", capitalize(kind_str(w.kind)), w.name),
                        format!(
                            "webhook {} fails closed (failurePolicy Fail) but its Service {}/{} is not in the input: pod admission may be blocked",
                            h.name, svc.0, svc.1
                        ),
                        1,
                    );
                }
            }
        }
        webhooks.push(WebhookEntry {
            mesh: m.mesh.clone(),
            kind: kind_str(w.kind).to_owned(),
            name: w.name.clone(),
            failure_policy: policy.to_owned(),
            webhooks: w
                .webhooks
                .iter()
                .map(|h| WebhookItem {
                    name: h.name.clone(),
                    failure_policy: h.failure_policy.clone(),
                    service: h.service.as_ref().map(|(ns, n)| format!("{ns}/{n}")),
                })
                .collect(),
        });
    }
    for crd in shared_candidates {
        let needed = d
            .meshes
            .keys()
            .filter_map(|m| catalog.mesh(m))
            .any(|m| m.needs_group(&crd.group));
        if needed {
            crds.push(CrdEntry {
                mesh: SHARED.to_owned(),
                name: crd.name.clone(),
                group: crd.group.clone(),
                versions: crd.versions.clone(),
            });
        }
    }

    // Meshes, their modes, versions and totals.
    let mut meshes = Vec::new();
    let mut all_components = Vec::new();
    let mut all_proxies = Vec::new();
    let mut all_namespaces = Vec::new();
    for (name, acc) in std::mem::take(&mut d.meshes) {
        let Some(entry) = catalog.mesh(&name) else {
            continue;
        };
        let mut components = acc.components;
        components.sort_by(|a, b| {
            (a.role, &a.component, &a.namespace, &a.name).cmp(&(
                b.role,
                &b.component,
                &b.namespace,
                &b.name,
            ))
        });
        let measured = acc.measured_requests;
        let mut from = acc.proxy_from;
        let proxies: Vec<Proxy> = acc
            .proxies
            .into_iter()
            .map(|(key, mut p)| {
                let (cpu, mem) = measured.get(&key).copied().unwrap_or_default();
                p.cpu_utilisation_percent = percent(p.cpu_usage_millicores, cpu);
                p.memory_utilisation_percent = percent(p.memory_usage_bytes, mem);
                let (projected, observed) = from.remove(&key).unwrap_or_default();
                match (observed, projected) {
                    (true, 0) => {}
                    (false, _) => p.from = Some("template".to_owned()),
                    (true, n) => {
                        p.from = Some("mixed".to_owned());
                        p.template_instances = Some(n);
                    }
                }
                p
            })
            .collect();
        if inv.metrics {
            // Projected instances are never measured: coverage is over the observed ones.
            for p in proxies
                .iter()
                .filter(|p| p.from.as_deref() != Some("template"))
            {
                let observed = p.instances - p.template_instances.unwrap_or(0);
                if let Some(message) = coverage_gap(p, observed) {
                    d.warnings.add(
                        WarningCode::MetricsPartial,
                        format!("proxy:{}/{}", p.implementation, p.placement),
                        message,
                        observed.saturating_sub(p.usage_pods),
                    );
                }
            }
        }
        let mode = mode_of(entry, &components, &proxies, !inv.unread.is_empty());
        let mut versions: Vec<String> = components
            .iter()
            .filter(|c| entry.version_from.contains(&c.component))
            .filter_map(|c| c.version.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        versions.sort_by(|a, b| version_cmp(a, b));
        let version = versions.last().cloned();
        let namespace = components
            .iter()
            .find(|c| c.role == Role::ControlPlane)
            .map(|c| c.namespace.clone());
        // With pods or workloads unread, a missing control plane is no finding: the
        // `forbidden`/`timeout` warnings already name what was not read.
        if !proxies.is_empty()
            && inv.unread.is_empty()
            && !components.iter().any(|c| c.role == Role::ControlPlane)
        {
            d.warnings.add(
                WarningCode::ControlPlaneNotFound,
                name.clone(),
                format!("{name} proxies run but no {name} control plane is in the input (managed control plane, or another cluster?)"),
                1,
            );
        }
        // Counts are filled by `Snapshot::recount` once every list is complete.
        let t = Totals {
            cpu_request_millicores: acc.cpu,
            memory_request_bytes: acc.memory,
            ..Totals::default()
        };
        meshes.push(Mesh {
            name: name.clone(),
            mode,
            version,
            versions: if versions.len() > 1 {
                versions
            } else {
                Vec::new()
            },
            namespace,
            meshed_pods: acc.meshed_pods,
            totals: t,
        });
        all_components.extend(components);
        all_proxies.extend(proxies);
        all_namespaces.extend(
            acc.namespaces
                .into_iter()
                .map(|(namespace, n)| NamespaceEntry {
                    mesh: name.clone(),
                    namespace,
                    capture: capture_label(&n.captures),
                    workloads: n.workloads.len() as u64,
                    meshed_pods: n.meshed_pods,
                    proxies: n.proxies,
                    cpu_request_millicores: n.cpu,
                    memory_request_bytes: n.memory,
                    waypoints: n.waypoints.into_iter().collect(),
                }),
        );
    }
    crds.sort_by(|a, b| (&a.mesh, &a.group, &a.name).cmp(&(&b.mesh, &b.group, &b.name)));
    webhooks.sort_by(|a, b| (&a.mesh, &a.kind, &a.name).cmp(&(&b.mesh, &b.kind, &b.name)));

    for ds in unknown_daemonsets {
        d.warnings.add(
            WarningCode::NodesUnknown,
            ds,
            "no pods, no status and no Nodes in the input: its instances are unknown (counted as 0; give --nodes N)".to_owned(),
            1,
        );
    }
    let mut warnings: Vec<Warning> = inv.warnings.clone();
    warnings.extend(
        d.warnings
            .0
            .into_iter()
            .map(|((code, resource, message), count)| Warning {
                code,
                message,
                resource: Some(resource),
                count,
            }),
    );
    warnings.sort();

    let mut snap = Snapshot {
        schema_version: SCHEMA_VERSION.to_owned(),
        source,
        complete: true,
        warnings,
        scale: Scale {
            nodes: inv.nodes.len() as u64,
            namespaces: inv.namespaces.len() as u64,
            pods,
            meshed_pods,
            service_accounts: service_accounts.len() as u64,
            meshed_namespaces: meshed_ns.len() as u64,
        },
        meshes,
        components: all_components,
        proxies: all_proxies,
        crds,
        webhooks,
        namespaces: all_namespaces,
        upgrade_steps: Vec::new(),
        totals: Totals::default(),
    };
    snap.recount();
    snap
}

/// Warns about workloads asking for more pods than any cluster runs ([`MAX_REPLICAS`]).
/// The figure is still counted (sums saturate rather than wrap), so budgets fail rather
/// than pass.
fn absurd_replicas(inv: &Inventory, w: &mut Warnings) {
    for wl in &inv.workloads {
        let (field, value) = match (wl.replicas, wl.desired_scheduled) {
            (Some(r), _) => ("spec.replicas", r),
            (None, Some(d)) => ("status.desiredNumberScheduled", d),
            (None, None) => continue,
        };
        if value > MAX_REPLICAS {
            w.add(
                WarningCode::AbsurdReplicas,
                format!("{}/{}/{}", wl.kind.as_str(), wl.namespace, wl.name),
                format!(
                    "{field} {value} is absurd: more than {MAX_REPLICAS} pods for one workload, beyond the Kubernetes scalability envelope (150000 pods per cluster); counted as given"
                ),
                1,
            );
        }
    }
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

/// The class of the Gateway API Gateway a workload's gateway-name label names (same namespace).
pub(super) fn gateway_class<'i>(inv: &'i Inventory, v: &WorkloadView<'_>) -> Option<&'i str> {
    let name = v
        .labels
        .get(GATEWAY_NAME_LABEL)
        .or_else(|| v.shape.labels.get(GATEWAY_NAME_LABEL))?;
    inv.gateways
        .iter()
        .find(|g| g.namespace == v.namespace && &g.name == name)
        .map(|g| g.class.as_str())
}

/// The rule standing in for a workload a mesh owns but the catalog does not name: its
/// own kind (the workload's name), role `unknown`.
fn unknown_rule(v: &WorkloadView<'_>) -> ComponentRule {
    ComponentRule {
        id: v.name.clone(),
        role: Role::Unknown,
        scales_with: match v.kind {
            crate::inventory::WorkloadKind::DaemonSet => crate::surface::ScalesWith::Node,
            _ => crate::surface::ScalesWith::Cluster,
        },
        feature: "unknown".to_owned(),
        priority: 0,
        r#match: Vec::new(),
        proxy: None,
        containers: Vec::new(),
        services: Vec::new(),
    }
}

/// Is this container some mesh's sidecar proxy (injected into a component's pod)?
fn is_sidecar(catalog: &Catalog, shape: &PodShape, c: &Container) -> bool {
    catalog
        .meshes
        .iter()
        .any(|m| m.sidecars.iter().any(|s| s.applies(shape, c)))
}

/// A component's version. A proxy component's is its proxy image's tag, or unknown (a
/// Linkerd gateway's first container is `pause`); any other component's is the tag of the
/// container the catalog names as its own, else of the matched container, never of an
/// injected sidecar (Linkerd's HA control plane runs `linkerd-proxy` first).
fn component_version(
    catalog: &Catalog,
    rule: &ComponentRule,
    shape: &PodShape,
    matched: Option<&Container>,
) -> Option<String> {
    let c = match &rule.proxy {
        Some(p) => shape
            .running_containers()
            .find(|c| image_matches(&c.image, &p.image)),
        None => shape
            .running_containers()
            .find(|c| rule.containers.contains(&c.name))
            .or(matched.filter(|c| !is_sidecar(catalog, shape, c)))
            .or_else(|| {
                shape
                    .containers
                    .iter()
                    .find(|c| !is_sidecar(catalog, shape, c))
            }),
    };
    c.and_then(|c| image_version(&c.image))
}

/// `sidecar`, `ambient`, `sidecar+ambient` (sidecar first, as mesh modes are written).
fn capture_label(captures: &BTreeSet<String>) -> String {
    if captures.is_empty() {
        return "none".to_owned();
    }
    let mut parts: Vec<&str> = captures.iter().map(String::as_str).collect();
    parts.sort_by_key(|c| (*c != "sidecar", *c));
    parts.join("+")
}

fn kind_str(k: crate::inventory::WebhookKind) -> &'static str {
    match k {
        crate::inventory::WebhookKind::Mutating => "mutating",
        crate::inventory::WebhookKind::Validating => "validating",
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The mode the components and proxies show; with none showing one, the catalog's
/// default, or `unknown` when pods or workloads were left unread (no mode is guessed).
fn mode_of(entry: &MeshEntry, components: &[Component], proxies: &[Proxy], unread: bool) -> String {
    let modes: Vec<&str> = entry
        .modes
        .rules
        .iter()
        .filter(|r| {
            r.when_placement
                .as_ref()
                .is_some_and(|p| proxies.iter().any(|x| &x.placement == p))
                || r.when_component
                    .as_ref()
                    .is_some_and(|id| components.iter().any(|c| &c.component == id))
        })
        .map(|r| r.mode.as_str())
        .collect();
    if modes.is_empty() && unread {
        "unknown".to_owned()
    } else if modes.is_empty() {
        entry.modes.default.clone()
    } else {
        modes.join("+")
    }
}

#[cfg(test)]
mod version_tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        let mut v = vec!["1.9.0", "1.26.3", "1.25.10"];
        v.sort_by(|a, b| version_cmp(a, b));
        assert_eq!(v, ["1.9.0", "1.25.10", "1.26.3"]);
    }
}
