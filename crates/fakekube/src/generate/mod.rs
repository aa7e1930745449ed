//! Synthetic big clusters for the scale benchmark, generated in memory from a small one.
//!
//! A fixture folder (`fixtures/clusters/<case>`) is a real-shaped install of one mesh mode:
//! its control plane, CRDs, webhooks, node agents and a few application namespaces. This
//! module multiplies it to a given scale *by cloning its own objects*, so every generated
//! pod carries exactly what the mesh mode puts on a pod (the `sidecar.istio.io/status` or
//! `linkerd.io/proxy-version` annotations, sidecar and init containers with resources,
//! ambient namespace labels, waypoints) without this module knowing any mesh:
//!
//! * nodes: the first Node is cloned up to `nodes` in total;
//! * node agents: every DaemonSet that has a pod gets one pod per generated node, and its
//!   status says it is scheduled on every node;
//! * namespaces: the *application* namespaces of the fixture (not `kube-*`, `*-system`,
//!   `istio*`, `linkerd*`, `cilium*`, `cert-manager`) are templates, used in turn;
//!   a generated namespace `<template>-<n>` gets a copy of everything in its template that
//!   is not an application Deployment (Services, ServiceAccounts, waypoints and their
//!   pods, Gateways), plus application Deployments, ReplicaSets and pods cloned from the
//!   template's, with replicas chosen so that the whole cluster has `pods` pods;
//! * every generated pod gets a `managedFields` block of realistic size (the bulk a real
//!   API server sends and a client has to skip), fresh uids, a node and a pod IP;
//! * with `config=N`, every generated namespace gets `N` mesh configuration objects, of
//!   the namespaced kinds the fixture's CRDs declare (see [`config`]).
//!
//! Generation is deterministic: the same fixture and scale give the same objects.
//!
//! Split by job: [`clone`] makes the copies (ids, names, owners, managedFields),
//! [`template`] finds the fixture's application namespaces to copy, [`config`] makes the
//! configuration objects, this module decides how many of what.

mod clone;
mod config;
mod template;

use std::collections::BTreeSet;

use serde_json::Value;

use clone::{clone_pod, kind, name, namespace, owner, rename, set_replicas, Ids};
use config::{config_kinds, config_object};
use template::{templates, Template};

/// How big the generated cluster is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    /// Nodes in total (the fixture's own count if larger).
    pub nodes: usize,
    /// Generated application namespaces (the fixture's own are kept as well).
    pub namespaces: usize,
    /// Pods in total, node agents and the fixture's own pods included.
    pub pods: usize,
    /// Application Deployments per generated namespace (fewer when pods are few).
    pub deployments: usize,
    /// Mesh configuration objects (custom resources) per generated namespace.
    pub config: usize,
}

impl Default for Scale {
    fn default() -> Self {
        Self {
            nodes: 100,
            namespaces: 50,
            pods: 5_000,
            deployments: 10,
            config: 0,
        }
    }
}

impl Scale {
    /// Parses `pods=50000,nodes=2000,namespaces=500,deployments=10,config=20` (any subset;
    /// the rest default to 5,000 pods, 100 nodes, 50 namespaces, 10 deployments and no
    /// configuration objects).
    pub fn parse(spec: &str) -> Result<Scale, String> {
        let mut s = Scale::default();
        for term in spec.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (k, v) = term
                .split_once('=')
                .ok_or_else(|| format!("{term:?}: expected KEY=NUMBER"))?;
            let n: usize = v
                .trim()
                .replace('_', "")
                .parse()
                .map_err(|_| format!("{term:?}: {v:?} is not a number"))?;
            match k.trim() {
                "pods" => s.pods = n,
                "nodes" => s.nodes = n.max(1),
                "namespaces" => s.namespaces = n.max(1),
                "deployments" => s.deployments = n.max(1),
                "config" => s.config = n,
                other => {
                    return Err(format!(
                        "unknown key {other:?} (pods, nodes, namespaces, deployments, config)"
                    ))
                }
            }
        }
        Ok(s)
    }
}

/// Multiplies `base` (a fixture's objects, lists already flattened) to `scale`.
pub fn generate(base: Vec<Value>, scale: &Scale) -> Vec<Value> {
    let mut out = Vec::new();
    generate_each(base, scale, &mut |o| out.push(o));
    out
}

/// [`generate`], handing each object to `emit` as soon as it is made (the same objects in
/// the same order), so that a caller that serializes them never holds the whole cluster
/// as `Value`s: see [`crate::Prepared`].
#[expect(
    clippy::too_many_lines,
    reason = "the generator's steps in order (namespaces, node agents, applications, configuration objects) over one id sequence"
)]
pub fn generate_each(base: Vec<Value>, scale: &Scale, emit: &mut dyn FnMut(Value)) {
    let mut ids = Ids(0x5ca1e);

    let node_template = base.iter().find(|o| kind(o) == "Node").cloned();
    let base_nodes: Vec<String> = base
        .iter()
        .filter(|o| kind(o) == "Node")
        .map(|o| name(o).to_owned())
        .collect();
    let templates = templates(&base);
    let config = if scale.config > 0 {
        config_kinds(&base)
    } else {
        Vec::new()
    };

    // Nodes.
    let mut nodes = base_nodes.clone();
    if let Some(tpl) = &node_template {
        for i in nodes.len()..scale.nodes {
            let n = format!("gen-node-{i:05}.internal");
            let mut node = rename(tpl, None, Some(&n), &mut ids);
            node["metadata"]["labels"]["kubernetes.io/hostname"] = n.clone().into();
            emit(node);
            nodes.push(n);
        }
    }
    let generated_nodes: Vec<String> = nodes[base_nodes.len()..].to_vec();

    // Node agents: one pod per generated node for every DaemonSet that has pods.
    let mut ds_pods = 0usize;
    let mut seen_ds: BTreeSet<(String, String)> = BTreeSet::new();
    let mut pods_total = base.iter().filter(|o| kind(o) == "Pod").count();
    for mut o in base {
        if kind(&o) == "DaemonSet" {
            let n = nodes.len();
            for k in [
                "desiredNumberScheduled",
                "currentNumberScheduled",
                "numberReady",
                "numberAvailable",
                "updatedNumberScheduled",
            ] {
                if o["status"].is_object() {
                    o["status"][k] = n.into();
                }
            }
        }
        if kind(&o) == "Pod" {
            if let Some(("DaemonSet", ds)) = owner(&o) {
                let ds = ds.to_owned();
                let ns = namespace(&o).to_owned();
                let owner_uid = o["metadata"]["ownerReferences"][0]["uid"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                // Only the first pod of each DaemonSet is a template.
                let first = seen_ds.insert((ns.clone(), ds.clone()));
                if first {
                    for node in &generated_nodes {
                        let pod_name = format!("{ds}-g{}", ids.suffix(5));
                        emit(clone_pod(
                            &o, &ns, pod_name, &ds, &owner_uid, node, &mut ids,
                        ));
                        ds_pods += 1;
                    }
                }
            }
        }
        emit(o);
    }
    pods_total += ds_pods;

    // Application namespaces.
    if templates.is_empty() {
        return;
    }
    let templates: Vec<Template> = templates.into_values().collect();
    let static_pods: usize = (0..scale.namespaces)
        .map(|j| templates[j % templates.len()].static_pods)
        .sum();
    let app_pods = scale.pods.saturating_sub(pods_total + static_pods);
    let mut node_i = 0usize;
    for j in 0..scale.namespaces {
        let t = &templates[j % templates.len()];
        let tname = name(&t.namespace).to_owned();
        let ns = format!("{tname}-{j:04}");
        let mut ns_obj = rename(&t.namespace, None, Some(&ns), &mut ids);
        ns_obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = ns.clone().into();
        emit(ns_obj);
        for s in &t.statics {
            let mut c = rename(s, Some(&ns), None, &mut ids);
            if kind(s) == "Pod" {
                c["spec"]["nodeName"] = nodes[node_i % nodes.len()].clone().into();
                node_i += 1;
            }
            emit(c);
        }
        // This namespace's share of the application pods.
        let share = app_pods / scale.namespaces + usize::from(j < app_pods % scale.namespaces);
        let deploys = scale.deployments.min(share.max(1));
        for k in 0..deploys {
            let replicas = share / deploys + usize::from(k < share % deploys);
            let unit = &t.apps[k % t.apps.len()];
            let dname = format!("{}-{k}", name(&unit.deployment));
            let mut d = rename(&unit.deployment, Some(&ns), Some(&dname), &mut ids);
            set_replicas(&mut d, replicas);
            let d_uid = d["metadata"]["uid"].as_str().unwrap_or_default().to_owned();
            let hash = ids.suffix(10);
            let rs_name = format!("{dname}-{hash}");
            let mut rs = rename(&unit.replicaset, Some(&ns), Some(&rs_name), &mut ids);
            set_replicas(&mut rs, replicas);
            if let Some(Value::Array(refs)) = rs["metadata"].get_mut("ownerReferences") {
                for r in refs {
                    r["name"] = dname.clone().into();
                    r["uid"] = d_uid.clone().into();
                }
            }
            rs["metadata"]["labels"]["pod-template-hash"] = hash.clone().into();
            let rs_uid = rs["metadata"]["uid"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            emit(d);
            emit(rs);
            for _ in 0..replicas {
                let pod_name = format!("{rs_name}-{}", ids.suffix(5));
                let node = &nodes[node_i % nodes.len()];
                node_i += 1;
                let mut p = clone_pod(&unit.pod, &ns, pod_name, &rs_name, &rs_uid, node, &mut ids);
                p["metadata"]["labels"]["pod-template-hash"] = hash.clone().into();
                p["metadata"]["generateName"] = format!("{rs_name}-").into();
                emit(p);
            }
        }
        if !config.is_empty() {
            for i in 0..scale.config {
                emit(config_object(&config, &ns, j * scale.config + i, &mut ids));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(case: &str) -> Vec<Value> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/clusters")
            .join(case);
        crate::load_path(&dir).unwrap()
    }

    fn count(objs: &[Value], k: &str) -> usize {
        objs.iter().filter(|o| kind(o) == k).count()
    }

    #[test]
    fn scale_spec_parses() {
        let s = Scale::parse("pods=50_000, nodes=2000,namespaces=500").unwrap();
        assert_eq!(
            s,
            Scale {
                pods: 50_000,
                nodes: 2000,
                namespaces: 500,
                deployments: 10,
                config: 0
            }
        );
        assert_eq!(Scale::parse("config=12").unwrap().config, 12);
        assert!(Scale::parse("pods=many").is_err());
        assert!(Scale::parse("widgets=3").is_err());
    }

    #[test]
    fn hits_the_pod_node_and_namespace_counts() {
        for case in [
            "istio-sidecar",
            "istio-ambient-waypoints",
            "linkerd",
            "cilium",
            "none",
        ] {
            let base = fixture(case);
            let base_ns = count(&base, "Namespace");
            let scale = Scale {
                pods: 3_000,
                nodes: 40,
                namespaces: 20,
                deployments: 5,
                config: 0,
            };
            let objs = generate(base, &scale);
            assert_eq!(count(&objs, "Pod"), 3_000, "{case}");
            assert_eq!(count(&objs, "Node"), 40, "{case}");
            assert_eq!(count(&objs, "Namespace"), base_ns + 20, "{case}");
            let names: BTreeSet<(String, String, String)> = objs
                .iter()
                .map(|o| {
                    (
                        kind(o).to_owned(),
                        namespace(o).to_owned(),
                        name(o).to_owned(),
                    )
                })
                .collect();
            assert_eq!(names.len(), objs.len(), "{case}: names are unique");
        }
    }

    #[test]
    fn sidecar_pods_keep_the_mesh_annotations_and_get_bulk() {
        let objs = generate(
            fixture("istio-sidecar"),
            &Scale {
                pods: 500,
                nodes: 10,
                namespaces: 4,
                deployments: 3,
                config: 0,
            },
        );
        let generated: Vec<&Value> = objs
            .iter()
            .filter(|o| kind(o) == "Pod" && o["metadata"]["managedFields"].is_array())
            .collect();
        assert!(generated.len() > 400);
        let sidecar = generated
            .iter()
            .find(|p| p["metadata"]["annotations"]["sidecar.istio.io/status"].is_string())
            .unwrap();
        let size = serde_json::to_vec(sidecar).unwrap().len();
        assert!(size > 5_000, "a generated pod is {size} bytes");
    }
}
