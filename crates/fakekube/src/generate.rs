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
//!   API server sends and a client has to skip), fresh uids, a node and a pod IP.
//!
//! Generation is deterministic: the same fixture and scale give the same objects.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

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
}

impl Default for Scale {
    fn default() -> Self {
        Self {
            nodes: 100,
            namespaces: 50,
            pods: 5_000,
            deployments: 10,
        }
    }
}

impl Scale {
    /// Parses `pods=50000,nodes=2000,namespaces=500,deployments=10` (any subset; the
    /// rest default to 5,000 pods, 100 nodes, 50 namespaces, 10 deployments).
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
                other => {
                    return Err(format!(
                        "unknown key {other:?} (pods, nodes, namespaces, deployments)"
                    ))
                }
            }
        }
        Ok(s)
    }
}

fn is_system_namespace(ns: &str) -> bool {
    ns.starts_with("kube-")
        || ns.ends_with("-system")
        || ns.starts_with("istio")
        || ns.starts_with("linkerd")
        || ns.starts_with("cilium")
        || ns == "cert-manager"
        || ns == "default"
}

fn kind(o: &Value) -> &str {
    o["kind"].as_str().unwrap_or_default()
}
fn name(o: &Value) -> &str {
    o["metadata"]["name"].as_str().unwrap_or_default()
}
fn namespace(o: &Value) -> &str {
    o["metadata"]["namespace"].as_str().unwrap_or_default()
}
fn owner(o: &Value) -> Option<(&str, &str)> {
    let refs = o["metadata"]["ownerReferences"].as_array()?;
    let r = refs
        .iter()
        .find(|r| r["controller"].as_bool() == Some(true))
        .or_else(|| refs.first())?;
    Some((r["kind"].as_str()?, r["name"].as_str()?))
}

/// Deterministic ids: uids, suffixes, IPs.
struct Ids(u64);

impl Ids {
    fn next(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }
    fn uid(&mut self) -> String {
        let n = self.next();
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            n.wrapping_mul(2_654_435_761) & 0xffff_ffff,
            (n >> 3) & 0xffff,
            n & 0xfff,
            (n >> 7) & 0xfff,
            n
        )
    }
    /// A 5-character pod name suffix, like the API server's `generateName`.
    fn suffix(&mut self, len: usize) -> String {
        const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        let mut n = self.next().wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (0..len)
            .map(|_| {
                let c = ALPHA[(n % ALPHA.len() as u64) as usize] as char;
                n /= ALPHA.len() as u64;
                c
            })
            .collect()
    }
    fn ip(&mut self) -> String {
        let n = self.next();
        format!(
            "10.{}.{}.{}",
            64 + (n >> 16) % 64,
            (n >> 8) & 0xff,
            n & 0xff
        )
    }
}

/// The bulk of a pod's `managedFields` (what kubelet and the controller write), the same
/// shape as a real server's: a client that does not skip it pays for it.
fn managed_fields(containers: &[String]) -> Value {
    let mut spec_containers = serde_json::Map::new();
    let mut status_containers = serde_json::Map::new();
    for c in containers {
        spec_containers.insert(
            format!("k:{{\"name\":\"{c}\"}}"),
            json!({".": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {},
                "f:ports": {".": {}, "k:{\"containerPort\":8080,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}, "f:name": {}, "f:protocol": {}}},
                "f:resources": {".": {}, "f:limits": {".": {}, "f:cpu": {}, "f:memory": {}}, "f:requests": {".": {}, "f:cpu": {}, "f:memory": {}}},
                "f:securityContext": {".": {}, "f:allowPrivilegeEscalation": {}, "f:readOnlyRootFilesystem": {}, "f:runAsNonRoot": {}},
                "f:terminationMessagePath": {}, "f:terminationMessagePolicy": {}}),
        );
        status_containers.insert(format!("k:{{\"name\":\"{c}\"}}"), json!({}));
    }
    json!([
        {"apiVersion": "v1", "fieldsType": "FieldsV1", "manager": "kube-controller-manager",
         "operation": "Update", "time": "2025-09-10T07:41:12Z",
         "fieldsV1": {"f:metadata": {"f:generateName": {}, "f:labels": {".": {}, "f:app": {}, "f:pod-template-hash": {}},
            "f:ownerReferences": {".": {}, "k:{\"uid\":\"0\"}": {}}},
           "f:spec": {"f:containers": spec_containers, "f:dnsPolicy": {}, "f:enableServiceLinks": {},
            "f:restartPolicy": {}, "f:schedulerName": {}, "f:securityContext": {}, "f:serviceAccount": {},
            "f:serviceAccountName": {}, "f:terminationGracePeriodSeconds": {}}}},
        {"apiVersion": "v1", "fieldsType": "FieldsV1", "manager": "kubelet",
         "operation": "Update", "subresource": "status", "time": "2025-09-10T07:41:20Z",
         "fieldsV1": {"f:status": {"f:conditions": {
            "k:{\"type\":\"ContainersReady\"}": {".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {}, "f:status": {}, "f:type": {}},
            "k:{\"type\":\"Initialized\"}": {".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {}, "f:status": {}, "f:type": {}},
            "k:{\"type\":\"PodReadyToStartContainers\"}": {".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {}, "f:status": {}, "f:type": {}},
            "k:{\"type\":\"Ready\"}": {".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {}, "f:status": {}, "f:type": {}}},
           "f:containerStatuses": status_containers, "f:hostIP": {}, "f:hostIPs": {}, "f:phase": {},
           "f:podIP": {}, "f:podIPs": {".": {}, "k:{\"ip\":\"10.0.0.1\"}": {".": {}, "f:ip": {}}}, "f:startTime": {}}}}
    ])
}

/// A pod cloned from `template`: new name, owner, node, uid, IP and managedFields.
fn clone_pod(
    template: &Value,
    ns: &str,
    pod_name: String,
    owner_name: &str,
    owner_uid: &str,
    node: &str,
    ids: &mut Ids,
) -> Value {
    let mut p = template.clone();
    let containers: Vec<String> = ["initContainers", "containers"]
        .iter()
        .filter_map(|k| p["spec"][k].as_array())
        .flatten()
        .filter_map(|c| c["name"].as_str().map(str::to_owned))
        .collect();
    let ip = ids.ip();
    let uid = ids.uid();
    if let Some(m) = p["metadata"].as_object_mut() {
        m.insert("name".into(), pod_name.into());
        m.insert("namespace".into(), ns.into());
        m.insert("uid".into(), uid.into());
        m.remove("resourceVersion");
        m.insert("managedFields".into(), managed_fields(&containers));
        if let Some(Value::Array(refs)) = m.get_mut("ownerReferences") {
            for r in refs {
                r["name"] = owner_name.into();
                r["uid"] = owner_uid.into();
            }
        }
    }
    p["spec"]["nodeName"] = node.into();
    if p["status"].is_object() {
        p["status"]["podIP"] = ip.clone().into();
        p["status"]["podIPs"] = json!([{"ip": ip}]);
    }
    p
}

fn rename(o: &Value, ns: Option<&str>, new_name: Option<&str>, ids: &mut Ids) -> Value {
    let mut c = o.clone();
    if let Some(m) = c["metadata"].as_object_mut() {
        if let Some(ns) = ns {
            m.insert("namespace".into(), ns.into());
        }
        if let Some(n) = new_name {
            m.insert("name".into(), n.into());
        }
        m.insert("uid".into(), ids.uid().into());
        m.remove("resourceVersion");
    }
    c
}

fn set_replicas(o: &mut Value, n: usize) {
    o["spec"]["replicas"] = n.into();
    if o["status"].is_object() {
        for k in [
            "replicas",
            "readyReplicas",
            "availableReplicas",
            "updatedReplicas",
            "fullyLabeledReplicas",
        ] {
            if o["status"].get(k).is_some() || k == "replicas" {
                o["status"][k] = n.into();
            }
        }
    }
}

/// An application Deployment of a template namespace, with one ReplicaSet and a pod.
struct AppUnit {
    deployment: Value,
    replicaset: Value,
    pod: Value,
}

struct Template {
    namespace: Value,
    /// Everything else in the namespace, copied once per generated namespace.
    statics: Vec<Value>,
    static_pods: usize,
    apps: Vec<AppUnit>,
}

/// Multiplies `base` (a fixture's objects, lists already flattened) to `scale`.
pub fn generate(base: Vec<Value>, scale: &Scale) -> Vec<Value> {
    let mut ids = Ids(0x5ca1e);
    let mut out: Vec<Value> = Vec::new();

    // Index the fixture.
    let namespaces: BTreeMap<String, Value> = base
        .iter()
        .filter(|o| kind(o) == "Namespace")
        .map(|o| (name(o).to_owned(), o.clone()))
        .collect();
    let node_template = base.iter().find(|o| kind(o) == "Node").cloned();
    let base_nodes: Vec<String> = base
        .iter()
        .filter(|o| kind(o) == "Node")
        .map(|o| name(o).to_owned())
        .collect();

    // Application units and statics per template namespace.
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

    // Nodes.
    let mut nodes = base_nodes.clone();
    if let Some(tpl) = &node_template {
        for i in nodes.len()..scale.nodes {
            let n = format!("gen-node-{i:05}.internal");
            let mut node = rename(tpl, None, Some(&n), &mut ids);
            node["metadata"]["labels"]["kubernetes.io/hostname"] = n.clone().into();
            out.push(node);
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
                        out.push(clone_pod(
                            &o, &ns, pod_name, &ds, &owner_uid, node, &mut ids,
                        ));
                        ds_pods += 1;
                    }
                }
            }
        }
        out.push(o);
    }
    pods_total += ds_pods;

    // Application namespaces.
    if templates.is_empty() {
        return out;
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
        out.push(ns_obj);
        for s in &t.statics {
            let mut c = rename(s, Some(&ns), None, &mut ids);
            if kind(s) == "Pod" {
                c["spec"]["nodeName"] = nodes[node_i % nodes.len()].clone().into();
                node_i += 1;
            }
            out.push(c);
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
            out.push(d);
            out.push(rs);
            for _ in 0..replicas {
                let pod_name = format!("{rs_name}-{}", ids.suffix(5));
                let node = &nodes[node_i % nodes.len()];
                node_i += 1;
                let mut p = clone_pod(&unit.pod, &ns, pod_name, &rs_name, &rs_uid, node, &mut ids);
                p["metadata"]["labels"]["pod-template-hash"] = hash.clone().into();
                p["metadata"]["generateName"] = format!("{rs_name}-").into();
                out.push(p);
            }
        }
    }
    out
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
                deployments: 10
            }
        );
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
