//! Injection at admission, projected: a template the input runs no pods of, that a mesh's
//! injector would inject, stands for pods carrying the sidecar the injector would add.
//!
//! Rendered manifests (a GitOps repository, `helm template`) hold application templates
//! without their sidecars: the injector adds them when the pods are created. Without this
//! projection such an input shows no proxies at all. Observed pods are never touched:
//! they are the truth. Which templates qualify, and what the projected proxy looks like,
//! is catalog data (`injection:`); the rule is written out in `docs/surface-model.md`.

use std::collections::BTreeMap;

use crate::catalog::{
    split_image, Catalog, ComponentRule, InjectSelector, Injection, MeshEntry, SelectorOn,
};
use crate::inventory::{Container, Inventory, Labels, PodShape, Resources};

use super::meshes::version_cmp;
use super::pods::{Unit, WorkloadView};
use super::proxies::sidecars;

/// A component match: (mesh, rule, version).
pub(super) type Matched<'c> = Option<(&'c MeshEntry, &'c ComponentRule, Option<String>)>;

/// The injected shape of each projected workload (by view index), for the templates a
/// present injector would inject.
pub(super) fn project(
    inv: &Inventory,
    catalog: &Catalog,
    views: &[WorkloadView<'_>],
    units: &[Unit<'_>],
    matched: &[Matched<'_>],
) -> BTreeMap<usize, PodShape> {
    let mut out = BTreeMap::new();
    for unit in units.iter().filter(|u| u.from_template) {
        let Some(i) = unit.workload else { continue };
        let shape = unit.shape;
        // A template that already carries a sidecar (rendered injected) is left alone.
        if sidecars(catalog, shape).next().is_some() {
            continue;
        }
        let ns = inv.namespaces.get(unit.namespace);
        let no_labels = Labels::new();
        let (ns_labels, ns_annotations) =
            ns.map_or((&no_labels, &no_labels), |n| (&n.labels, &n.annotations));
        for mesh in &catalog.meshes {
            let Some(inj) = &mesh.injection else { continue };
            if shape.containers.iter().any(|c| c.name == inj.container) {
                continue;
            }
            let Some(revision) = decide(inj, shape, ns_labels, ns_annotations) else {
                continue;
            };
            let Some(injector) = injector(inj, mesh, views, matched, revision.as_deref()) else {
                continue;
            };
            let proxy = proxy_container(
                inj,
                model(catalog, mesh, views, units, injector),
                matched[injector].as_ref().and_then(|m| m.2.clone()),
                &shape.annotations,
                ns_annotations,
            );
            let mut injected = shape.clone();
            injected.containers.push(std::sync::Arc::new(proxy));
            out.insert(i, injected);
            break;
        }
    }
    out
}

/// The units with each projected template's shape replaced by its injected one.
pub(super) fn apply<'a>(
    units: Vec<Unit<'a>>,
    injected: &'a BTreeMap<usize, PodShape>,
) -> Vec<Unit<'a>> {
    units
        .into_iter()
        .map(|mut u| {
            if let (true, Some(shape)) =
                (u.from_template, u.workload.and_then(|i| injected.get(&i)))
            {
                u.shape = shape;
            }
            u
        })
        .collect()
}

/// Does the injector inject this template? `Some(revision)` when it does (the revision
/// named by the deciding selector, if any), None when it does not.
#[expect(
    clippy::option_option,
    reason = "None: not injected; Some(None): no revision named"
)]
fn decide(
    inj: &Injection,
    shape: &PodShape,
    ns_labels: &Labels,
    ns_annotations: &Labels,
) -> Option<Option<String>> {
    let found = inj.selectors.iter().find_map(|s| {
        let map = match s.on {
            SelectorOn::NamespaceLabel => ns_labels,
            SelectorOn::NamespaceAnnotation => ns_annotations,
            SelectorOn::PodLabel => &shape.labels,
            SelectorOn::PodAnnotation => &shape.annotations,
        };
        map.get(&s.key)
            .filter(|v| s.values.is_empty() || s.values.contains(v))
            .map(|v| (s, v))
    });
    match found {
        Some((s @ InjectSelector { inject: true, .. }, v)) => Some(s.revision.then(|| v.clone())),
        _ => None,
    }
}

/// The injector component that would inject: the one of the named revision (`default`
/// when the selector names none), else the newest present (a revision tag points at it).
fn injector(
    inj: &Injection,
    mesh: &MeshEntry,
    views: &[WorkloadView<'_>],
    matched: &[Matched<'_>],
    revision: Option<&str>,
) -> Option<usize> {
    let present: Vec<usize> = matched
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            m.as_ref()
                .filter(|(m, r, _)| m.mesh == mesh.mesh && inj.injectors.contains(&r.id))
                .map(|_| i)
        })
        .collect();
    let of_revision = inj.revision_label.as_ref().and_then(|label| {
        let want = revision.unwrap_or("default");
        present.iter().copied().find(|&i| {
            views[i].labels.get(label).map(String::as_str) == Some(want)
                || views[i].shape.labels.get(label).map(String::as_str) == Some(want)
        })
    });
    let version = |i: &usize| matched[*i].as_ref().and_then(|m| m.2.clone());
    of_revision.or_else(|| {
        present.iter().copied().max_by(|a, b| {
            version_cmp(
                version(a).as_deref().unwrap_or(""),
                version(b).as_deref().unwrap_or(""),
            )
        })
    })
}

/// The injector's own injected proxy (observed pods first, then its template) and the
/// version it states, when the catalog takes it as the model.
fn model<'a>(
    catalog: &'a Catalog,
    mesh: &MeshEntry,
    views: &'a [WorkloadView<'_>],
    units: &'a [Unit<'_>],
    injector: usize,
) -> Option<(&'a Container, Option<String>)> {
    if !mesh.injection.as_ref()?.model_from_injector_proxy {
        return None;
    }
    let shapes = units
        .iter()
        .filter(|u| u.workload == Some(injector) && !u.from_template)
        .map(|u| u.shape)
        .chain(std::iter::once(views[injector].shape));
    for shape in shapes {
        let found = sidecars(catalog, shape).find(|(m, _, _)| m.mesh == mesh.mesh);
        if let Some((_, rule, c)) = found {
            let version = rule
                .version_annotation
                .as_ref()
                .and_then(|a| shape.annotations.get(a).cloned())
                .or_else(|| split_image(&c.image).1.map(str::to_owned));
            return Some((c, version));
        }
    }
    None
}

/// The container the injector adds: the model's (or the catalog defaults with the
/// injector's version), with the workload's override annotations applied.
fn proxy_container(
    inj: &Injection,
    model: Option<(&Container, Option<String>)>,
    injector_version: Option<String>,
    pod_annotations: &Labels,
    ns_annotations: &Labels,
) -> Container {
    let (repository, mut version, mut requests, mut limits) = match model {
        Some((c, v)) => {
            let repo = split_image(&c.image).0.to_owned();
            (repo, v, c.requests.clone(), c.limits.clone())
        }
        None => (
            inj.image.clone(),
            injector_version,
            inj.requests.clone(),
            inj.limits.clone(),
        ),
    };
    let annotation = |key: &Option<String>| -> Option<String> {
        let key = key.as_ref()?;
        pod_annotations.get(key).cloned().or_else(|| {
            inj.overrides_from_namespace
                .then(|| ns_annotations.get(key).cloned())
                .flatten()
        })
    };
    let o = &inj.overrides;
    let set = Resources {
        cpu: annotation(&o.cpu_request),
        memory: annotation(&o.memory_request),
    };
    let set_limits = Resources {
        cpu: annotation(&o.cpu_limit),
        memory: annotation(&o.memory_limit),
    };
    let any = [&set.cpu, &set.memory, &set_limits.cpu, &set_limits.memory]
        .iter()
        .any(|v| v.is_some());
    if inj.overrides_replace_defaults && any {
        requests = set;
        limits = set_limits;
    } else {
        requests.cpu = set.cpu.or(requests.cpu);
        requests.memory = set.memory.or(requests.memory);
        limits.cpu = set_limits.cpu.or(limits.cpu);
        limits.memory = set_limits.memory.or(limits.memory);
    }
    // The API server defaults a request to its limit when only the limit is set.
    requests.cpu = requests.cpu.or_else(|| limits.cpu.clone());
    requests.memory = requests.memory.or_else(|| limits.memory.clone());
    if let Some(v) = annotation(&o.version) {
        version = Some(v);
    }
    let image = match version {
        Some(v) => format!("{repository}:{v}"),
        None => repository,
    };
    Container {
        name: inj.container.clone(),
        image,
        restart_always: false,
        args: Vec::new(),
        requests,
        limits,
        env: crate::inventory::Labels::new(),
    }
}
