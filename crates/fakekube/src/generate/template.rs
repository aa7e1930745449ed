//! The fixture's application namespaces, as templates for generated ones.
//!
//! A template is a namespace that is not a system one (`kube-*`, `*-system`, `istio*`,
//! `linkerd*`, `cilium*`, `cert-manager`, `default`) and has at least one application
//! Deployment (no owner) with a ReplicaSet and a pod: those are cloned to reach the pod
//! count; everything else in the namespace (Services, ServiceAccounts, waypoints, ...) is
//! copied once per generated namespace.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::clone::{kind, name, namespace, owner};

fn is_system_namespace(ns: &str) -> bool {
    ns.starts_with("kube-")
        || ns.ends_with("-system")
        || ns.starts_with("istio")
        || ns.starts_with("linkerd")
        || ns.starts_with("cilium")
        || ns == "cert-manager"
        || ns == "default"
}

/// An application Deployment of a template namespace, with one ReplicaSet and a pod.
pub(super) struct AppUnit {
    pub deployment: Value,
    pub replicaset: Value,
    pub pod: Value,
}

pub(super) struct Template {
    pub namespace: Value,
    /// Everything else in the namespace, copied once per generated namespace.
    pub statics: Vec<Value>,
    pub static_pods: usize,
    pub apps: Vec<AppUnit>,
}

/// The template namespaces of `base`, by name.
#[expect(
    clippy::too_many_lines,
    reason = "one pass sorting a template namespace's objects into the parts the generator clones"
)]
pub(super) fn templates(base: &[Value]) -> BTreeMap<String, Template> {
    let namespaces: BTreeMap<String, Value> = base
        .iter()
        .filter(|o| kind(o) == "Namespace")
        .map(|o| (name(o).to_owned(), o.clone()))
        .collect();
    let app_deploys: BTreeSet<(String, String)> = base
        .iter()
        .filter(|o| kind(o) == "Deployment" && owner(o).is_none())
        .filter(|o| !is_system_namespace(namespace(o)))
        .map(|o| (namespace(o).to_owned(), name(o).to_owned()))
        .collect();
    let rs_of: BTreeMap<(String, String), &Value> = base
        .iter()
        .filter(|o| kind(o) == "ReplicaSet")
        .filter_map(|o| {
            let (k, n) = owner(o)?;
            (k == "Deployment").then(|| ((namespace(o).to_owned(), n.to_owned()), o))
        })
        .collect();
    let mut templates: BTreeMap<String, Template> = BTreeMap::new();
    for (ns, ns_obj) in &namespaces {
        if is_system_namespace(ns) {
            continue;
        }
        let mut t = Template {
            namespace: ns_obj.clone(),
            statics: Vec::new(),
            static_pods: 0,
            apps: Vec::new(),
        };
        // ReplicaSet name -> Deployment, from the ReplicaSets or (fixtures without them)
        // from the pods' owners, `<deployment>-<hash>`.
        let mut app_rs: BTreeMap<&str, &str> = rs_of
            .iter()
            .filter(|((n, d), _)| n == ns && app_deploys.contains(&(n.clone(), d.clone())))
            .map(|((_, d), rs)| (name(rs), d.as_str()))
            .collect();
        for p in base
            .iter()
            .filter(|o| kind(o) == "Pod" && namespace(o) == ns)
        {
            if let Some(("ReplicaSet", rs)) = owner(p) {
                if let Some((_, d)) = app_deploys
                    .iter()
                    .find(|(n, d)| n == ns && rs.rsplit_once('-').map(|x| x.0) == Some(d))
                {
                    app_rs.entry(rs).or_insert(d.as_str());
                }
            }
        }
        for o in base.iter().filter(|o| namespace(o) == ns) {
            let app_owned = match (kind(o), owner(o)) {
                ("Deployment", None) => true,
                ("ReplicaSet", Some(("Deployment", d))) => {
                    app_deploys.contains(&(ns.clone(), d.to_owned()))
                }
                ("Pod", Some(("ReplicaSet", rs))) => app_rs.contains_key(rs),
                _ => false,
            };
            if app_owned {
                continue;
            }
            if kind(o) == "Pod" {
                t.static_pods += 1;
            }
            t.statics.push(o.clone());
        }
        for (rs_name, d) in &app_rs {
            let deploy = base
                .iter()
                .find(|o| kind(o) == "Deployment" && namespace(o) == ns && name(o) == *d);
            let rs = rs_of
                .get(&(ns.clone(), (*d).to_owned()))
                .map(|rs| (*rs).clone())
                .or_else(|| {
                    deploy.map(|d| {
                        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                            "metadata": {"name": rs_name, "namespace": ns,
                                "labels": d["spec"]["selector"]["matchLabels"].clone(),
                                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                    "name": name(d), "controller": true, "blockOwnerDeletion": true,
                                    "uid": d["metadata"]["uid"].clone()}]},
                            "spec": {"replicas": 1, "selector": d["spec"]["selector"].clone(),
                                "template": d["spec"]["template"].clone()},
                            "status": {"replicas": 1, "readyReplicas": 1, "availableReplicas": 1}})
                    })
                });
            let pod = base.iter().find(|o| {
                kind(o) == "Pod" && namespace(o) == ns && owner(o) == Some(("ReplicaSet", rs_name))
            });
            if let (Some(deploy), Some(rs), Some(pod)) = (deploy, rs, pod) {
                t.apps.push(AppUnit {
                    deployment: deploy.clone(),
                    replicaset: rs,
                    pod: pod.clone(),
                });
            }
        }
        if !t.apps.is_empty() {
            templates.insert(ns.clone(), t);
        }
    }
    templates
}
