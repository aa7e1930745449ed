//! Copies of fixture objects: deterministic ids (uids, name suffixes, pod IPs), renamed
//! and re-owned clones, and the `managedFields` bulk a real API server puts on every pod.

use serde_json::{json, Value};

pub(super) fn kind(o: &Value) -> &str {
    o["kind"].as_str().unwrap_or_default()
}
pub(super) fn name(o: &Value) -> &str {
    o["metadata"]["name"].as_str().unwrap_or_default()
}
pub(super) fn namespace(o: &Value) -> &str {
    o["metadata"]["namespace"].as_str().unwrap_or_default()
}
pub(super) fn owner(o: &Value) -> Option<(&str, &str)> {
    let refs = o["metadata"]["ownerReferences"].as_array()?;
    let r = refs
        .iter()
        .find(|r| r["controller"].as_bool() == Some(true))
        .or_else(|| refs.first())?;
    Some((r["kind"].as_str()?, r["name"].as_str()?))
}

/// Deterministic ids: uids, suffixes, IPs.
pub(super) struct Ids(pub u64);

impl Ids {
    pub fn next(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }
    pub fn uid(&mut self) -> String {
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
    pub fn suffix(&mut self, len: usize) -> String {
        const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        let mut n = self.next().wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (0..len)
            .map(|_| {
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "a remainder below ALPHA.len() fits any usize"
                )]
                let c = ALPHA[(n % ALPHA.len() as u64) as usize] as char;
                n /= ALPHA.len() as u64;
                c
            })
            .collect()
    }
    pub fn ip(&mut self) -> String {
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
pub(super) fn managed_fields(containers: &[String]) -> Value {
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
pub(super) fn clone_pod(
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

pub(super) fn rename(o: &Value, ns: Option<&str>, new_name: Option<&str>, ids: &mut Ids) -> Value {
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

pub(super) fn set_replicas(o: &mut Value, n: usize) {
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
