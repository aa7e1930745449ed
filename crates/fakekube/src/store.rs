//! The served objects and the API surface they imply.
//!
//! Built once from plain objects: the built-in resource types, every type a
//! CustomResourceDefinition among the objects declares (so a cluster without Cilium's CRDs
//! has no `cilium.io` group), and each object pre-serialized to JSON bytes in etcd key
//! order (`namespace/name`). Serving a page is then a copy of that page's bytes: the work
//! per request follows the page, not the cluster, which is what a 50,000-pod benchmark needs.

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use serde_json::{json, Map, Value};

/// A selectable field beyond `metadata.name`/`metadata.namespace`: its name, where it is
/// in the object (JSON pointer), and its value when absent.
pub(crate) struct FieldSpec {
    pub name: &'static str,
    pub pointer: &'static str,
    pub default: &'static str,
}

const POD_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "spec.nodeName",
        pointer: "/spec/nodeName",
        default: "",
    },
    FieldSpec {
        name: "spec.restartPolicy",
        pointer: "/spec/restartPolicy",
        default: "",
    },
    FieldSpec {
        name: "spec.schedulerName",
        pointer: "/spec/schedulerName",
        default: "",
    },
    FieldSpec {
        name: "spec.serviceAccountName",
        pointer: "/spec/serviceAccountName",
        default: "",
    },
    FieldSpec {
        name: "spec.hostNetwork",
        pointer: "/spec/hostNetwork",
        default: "false",
    },
    FieldSpec {
        name: "status.phase",
        pointer: "/status/phase",
        default: "",
    },
    FieldSpec {
        name: "status.podIP",
        pointer: "/status/podIP",
        default: "",
    },
    FieldSpec {
        name: "status.nominatedNodeName",
        pointer: "/status/nominatedNodeName",
        default: "",
    },
];
const NODE_FIELDS: &[FieldSpec] = &[FieldSpec {
    name: "spec.unschedulable",
    pointer: "/spec/unschedulable",
    default: "false",
}];
const NAMESPACE_FIELDS: &[FieldSpec] = &[FieldSpec {
    name: "status.phase",
    pointer: "/status/phase",
    default: "",
}];
const SECRET_FIELDS: &[FieldSpec] = &[FieldSpec {
    name: "type",
    pointer: "/type",
    default: "",
}];

/// A built-in type: group, version, plural, kind, namespaced, short names, categories.
struct Builtin(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
    &'static [&'static str],
);

const ALL: &[&str] = &["all"];
const METRICS_GROUP: &str = "metrics.k8s.io";

/// What a current API server serves without any CRD (the subset worth listing here).
const BUILTINS: &[Builtin] = &[
    Builtin("", "v1", "pods", "Pod", true, &["po"], ALL),
    Builtin("", "v1", "nodes", "Node", false, &["no"], &[]),
    Builtin("", "v1", "namespaces", "Namespace", false, &["ns"], &[]),
    Builtin("", "v1", "services", "Service", true, &["svc"], ALL),
    Builtin(
        "",
        "v1",
        "serviceaccounts",
        "ServiceAccount",
        true,
        &["sa"],
        &[],
    ),
    Builtin("", "v1", "secrets", "Secret", true, &[], &[]),
    Builtin("", "v1", "configmaps", "ConfigMap", true, &["cm"], &[]),
    Builtin("", "v1", "endpoints", "Endpoints", true, &["ep"], &[]),
    Builtin("", "v1", "events", "Event", true, &["ev"], &[]),
    Builtin(
        "",
        "v1",
        "limitranges",
        "LimitRange",
        true,
        &["limits"],
        &[],
    ),
    Builtin(
        "",
        "v1",
        "persistentvolumeclaims",
        "PersistentVolumeClaim",
        true,
        &["pvc"],
        &[],
    ),
    Builtin(
        "",
        "v1",
        "persistentvolumes",
        "PersistentVolume",
        false,
        &["pv"],
        &[],
    ),
    Builtin(
        "",
        "v1",
        "replicationcontrollers",
        "ReplicationController",
        true,
        &["rc"],
        ALL,
    ),
    Builtin(
        "",
        "v1",
        "resourcequotas",
        "ResourceQuota",
        true,
        &["quota"],
        &[],
    ),
    Builtin(
        "apps",
        "v1",
        "deployments",
        "Deployment",
        true,
        &["deploy"],
        ALL,
    ),
    Builtin("apps", "v1", "daemonsets", "DaemonSet", true, &["ds"], ALL),
    Builtin(
        "apps",
        "v1",
        "statefulsets",
        "StatefulSet",
        true,
        &["sts"],
        ALL,
    ),
    Builtin(
        "apps",
        "v1",
        "replicasets",
        "ReplicaSet",
        true,
        &["rs"],
        ALL,
    ),
    Builtin(
        "apps",
        "v1",
        "controllerrevisions",
        "ControllerRevision",
        true,
        &[],
        &[],
    ),
    Builtin("batch", "v1", "jobs", "Job", true, &[], ALL),
    Builtin("batch", "v1", "cronjobs", "CronJob", true, &["cj"], ALL),
    Builtin(
        "networking.k8s.io",
        "v1",
        "networkpolicies",
        "NetworkPolicy",
        true,
        &["netpol"],
        &[],
    ),
    Builtin(
        "networking.k8s.io",
        "v1",
        "ingresses",
        "Ingress",
        true,
        &["ing"],
        &[],
    ),
    Builtin(
        "networking.k8s.io",
        "v1",
        "ingressclasses",
        "IngressClass",
        false,
        &[],
        &[],
    ),
    Builtin(
        "policy",
        "v1",
        "poddisruptionbudgets",
        "PodDisruptionBudget",
        true,
        &["pdb"],
        &[],
    ),
    Builtin(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        "ClusterRole",
        false,
        &[],
        &[],
    ),
    Builtin(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        "ClusterRoleBinding",
        false,
        &[],
        &[],
    ),
    Builtin(
        "rbac.authorization.k8s.io",
        "v1",
        "roles",
        "Role",
        true,
        &[],
        &[],
    ),
    Builtin(
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        "RoleBinding",
        true,
        &[],
        &[],
    ),
    Builtin(
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        "EndpointSlice",
        true,
        &[],
        &[],
    ),
    Builtin(
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "CustomResourceDefinition",
        false,
        &["crd", "crds"],
        &[],
    ),
    Builtin(
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        false,
        &[],
        &["api-extensions"],
    ),
    Builtin(
        "admissionregistration.k8s.io",
        "v1",
        "validatingwebhookconfigurations",
        "ValidatingWebhookConfiguration",
        false,
        &[],
        &["api-extensions"],
    ),
    Builtin(
        "admissionregistration.k8s.io",
        "v1",
        "validatingadmissionpolicies",
        "ValidatingAdmissionPolicy",
        false,
        &[],
        &["api-extensions"],
    ),
    Builtin(
        "admissionregistration.k8s.io",
        "v1",
        "validatingadmissionpolicybindings",
        "ValidatingAdmissionPolicyBinding",
        false,
        &[],
        &["api-extensions"],
    ),
    // Served only when the fake is given metrics (metrics-server is an add-on).
    Builtin(
        METRICS_GROUP,
        "v1beta1",
        "pods",
        "PodMetrics",
        true,
        &[],
        &[],
    ),
    Builtin(
        METRICS_GROUP,
        "v1beta1",
        "nodes",
        "NodeMetrics",
        false,
        &[],
        &[],
    ),
];

/// One served resource type and its objects.
pub(crate) struct ResourceType {
    pub group: String,
    /// Served versions, most preferred first.
    pub versions: Vec<String>,
    pub plural: String,
    pub singular: String,
    pub kind: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub verbs: &'static [&'static str],
    pub fields: &'static [FieldSpec],
    /// Shown in discovery and servable.
    pub served: bool,
    /// A built-in type (not from a CRD, not guessed).
    pub builtin: bool,
    /// Sorted by key (etcd order: `namespace/name`, or `name`).
    pub items: Vec<Item>,
}

/// One stored object.
pub(crate) struct Item {
    /// `namespace/name` or `name`.
    pub key: String,
    /// Where the name starts in `key`.
    name_at: usize,
    /// Labels sorted by key.
    pub labels: Vec<(String, String)>,
    /// Values of the type's extra selectable fields, in `fields` order.
    pub fields: Box<[String]>,
    /// The object as JSON without `apiVersion` and `kind` (set per request: the version
    /// asked for), starting with `{`.
    pub body: Bytes,
    /// `metadata` as JSON.
    pub metadata: Bytes,
}

impl Item {
    pub fn name(&self) -> &str {
        &self.key[self.name_at..]
    }

    /// Empty for cluster-scoped objects.
    pub fn namespace(&self) -> &str {
        &self.key[..self.name_at.saturating_sub(1)]
    }
}

/// An API group as discovery shows it.
pub(crate) struct Group {
    pub name: String,
    /// Most preferred first.
    pub versions: Vec<String>,
}

/// Everything the server serves.
pub(crate) struct Store {
    pub types: Vec<ResourceType>,
    /// Non-core groups in discovery order.
    pub groups: Vec<Group>,
    /// The list resourceVersion (the highest object resourceVersion).
    pub resource_version: u64,
    /// Objects that were not served: no `apiVersion`, `kind` or `metadata.name`.
    pub skipped: usize,
    by_plural: HashMap<(String, String), usize>,
}

fn split_api_version(av: &str) -> (&str, &str) {
    match av.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", av),
    }
}

/// Kubernetes version priority: GA before beta before alpha, higher numbers first, other
/// strings last in name order. Sorting by this key puts the preferred version first.
pub(crate) fn version_priority(v: &str) -> (u8, i64, i64, String) {
    let parse = || -> Option<(u8, i64, i64)> {
        let rest = v.strip_prefix('v')?;
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let major: i64 = rest[..digits].parse().ok()?;
        let tail = &rest[digits..];
        if tail.is_empty() {
            return Some((0, -major, 0));
        }
        let (class, num) = if let Some(n) = tail.strip_prefix("beta") {
            (1, n)
        } else if let Some(n) = tail.strip_prefix("alpha") {
            (2, n)
        } else {
            return None;
        };
        let minor: i64 = num.parse().ok()?;
        Some((class, -major, -minor))
    };
    match parse() {
        Some((c, a, b)) => (c, a, b, String::new()),
        None => (3, 0, 0, v.to_owned()),
    }
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// A plural for a kind nobody declared (`Gateway` → `gateways`, `Policy` → `policies`).
fn guess_plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if let Some(stem) = lower.strip_suffix('y') {
        if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) {
            return format!("{stem}ies");
        }
    }
    if lower.ends_with('s')
        || lower.ends_with('x')
        || lower.ends_with("ch")
        || lower.ends_with("sh")
    {
        return format!("{lower}es");
    }
    format!("{lower}s")
}

struct Builder {
    types: Vec<ResourceType>,
    by_plural: HashMap<(String, String), usize>,
    by_kind: HashMap<(String, String), usize>,
    /// Types in the order they were registered, for group order.
    builtin_groups: Vec<String>,
}

impl Builder {
    fn add(&mut self, t: ResourceType) -> usize {
        let i = self.types.len();
        self.by_plural
            .insert((t.group.clone(), t.plural.clone()), i);
        self.by_kind.insert((t.group.clone(), t.kind.clone()), i);
        self.types.push(t);
        i
    }

    fn add_crd(&mut self, crd: &Value) {
        let spec = &crd["spec"];
        let (Some(group), Some(plural), Some(kind)) = (
            spec["group"].as_str(),
            spec["names"]["plural"].as_str(),
            spec["names"]["kind"].as_str(),
        ) else {
            return;
        };
        if self
            .by_plural
            .contains_key(&(group.to_owned(), plural.to_owned()))
        {
            return;
        }
        let mut versions: Vec<String> = spec["versions"]
            .as_array()
            .map(|vs| {
                vs.iter()
                    .filter(|v| v["served"].as_bool().unwrap_or(true))
                    .filter_map(|v| v["name"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        // apiextensions.k8s.io/v1beta1 CRDs had a single `spec.version`.
        if let Some(v) = spec["version"].as_str() {
            if !versions.iter().any(|x| x == v) {
                versions.push(v.to_owned());
            }
        }
        if versions.is_empty() {
            return;
        }
        versions.sort_by_key(|v| version_priority(v));
        let singular = spec["names"]["singular"]
            .as_str()
            .map_or_else(|| kind.to_ascii_lowercase(), str::to_owned);
        self.add(ResourceType {
            group: group.to_owned(),
            versions,
            plural: plural.to_owned(),
            singular,
            kind: kind.to_owned(),
            namespaced: spec["scope"].as_str() != Some("Cluster"),
            short_names: str_list(spec["names"].get("shortNames")),
            categories: str_list(spec["names"].get("categories")),
            verbs: &["get", "list", "watch"],
            fields: &[],
            served: true,
            builtin: false,
            items: Vec::new(),
        });
    }
}

impl Store {
    /// Builds the store. `metrics` serves `metrics.k8s.io` even with no metrics objects.
    pub fn build(objects: Vec<Value>, metrics: bool) -> Store {
        let mut b = Builder {
            types: Vec::new(),
            by_plural: HashMap::new(),
            by_kind: HashMap::new(),
            builtin_groups: Vec::new(),
        };
        let has_metrics = metrics
            || objects.iter().any(|o| {
                o["apiVersion"]
                    .as_str()
                    .is_some_and(|av| split_api_version(av).0 == METRICS_GROUP)
            });
        for Builtin(group, version, plural, kind, namespaced, short, cats) in BUILTINS {
            let fields: &'static [FieldSpec] = match (*group, *plural) {
                ("", "pods") => POD_FIELDS,
                ("", "nodes") => NODE_FIELDS,
                ("", "namespaces") => NAMESPACE_FIELDS,
                ("", "secrets") => SECRET_FIELDS,
                _ => &[],
            };
            let is_metrics = *group == METRICS_GROUP;
            if !group.is_empty() && !b.builtin_groups.iter().any(|g| g == group) {
                b.builtin_groups.push((*group).to_owned());
            }
            b.add(ResourceType {
                group: (*group).to_owned(),
                versions: vec![(*version).to_owned()],
                plural: (*plural).to_owned(),
                singular: kind.to_ascii_lowercase(),
                kind: (*kind).to_owned(),
                namespaced: *namespaced,
                short_names: short.iter().map(|s| (*s).to_owned()).collect(),
                categories: cats.iter().map(|s| (*s).to_owned()).collect(),
                verbs: if is_metrics {
                    &["get", "list"]
                } else {
                    &["get", "list", "watch"]
                },
                fields,
                served: !is_metrics || has_metrics,
                builtin: true,
                items: Vec::new(),
            });
        }
        for o in &objects {
            let is_crd = o["kind"] == "CustomResourceDefinition"
                && o["apiVersion"]
                    .as_str()
                    .is_some_and(|av| av.starts_with("apiextensions.k8s.io/"));
            if is_crd {
                b.add_crd(o);
            }
        }

        let mut skipped = 0;
        let mut next_rv: u64 = 1000;
        let mut max_rv: u64 = 0;
        let mut staged: Vec<BTreeMap<String, Item>> =
            (0..b.types.len()).map(|_| BTreeMap::new()).collect();
        for o in objects {
            let Value::Object(mut obj) = o else {
                skipped += 1;
                continue;
            };
            let (Some(av), Some(kind)) = (
                obj.get("apiVersion").and_then(Value::as_str),
                obj.get("kind").and_then(Value::as_str),
            ) else {
                skipped += 1;
                continue;
            };
            let (group, version) = split_api_version(av);
            let (group, version, kind) = (group.to_owned(), version.to_owned(), kind.to_owned());
            let Some(Value::Object(meta)) = obj.get_mut("metadata") else {
                skipped += 1;
                continue;
            };
            let Some(name) = meta.get("name").and_then(Value::as_str).map(str::to_owned) else {
                skipped += 1;
                continue;
            };
            let ti = match b.by_kind.get(&(group.clone(), kind.clone())) {
                Some(&i) => i,
                None => {
                    // A kind nobody declared: serve it anyway under a guessed plural, so
                    // an incomplete fixture still lists everything it holds.
                    let plural = guess_plural(&kind);
                    if let Some(&i) = b.by_plural.get(&(group.clone(), plural.clone())) {
                        i
                    } else {
                        let i = b.add(ResourceType {
                            group: group.clone(),
                            versions: vec![version.clone()],
                            plural,
                            singular: kind.to_ascii_lowercase(),
                            kind: kind.clone(),
                            namespaced: meta.contains_key("namespace"),
                            short_names: Vec::new(),
                            categories: Vec::new(),
                            verbs: &["get", "list", "watch"],
                            fields: &[],
                            served: true,
                            builtin: false,
                            items: Vec::new(),
                        });
                        staged.push(BTreeMap::new());
                        i
                    }
                }
            };
            let t = &b.types[ti];
            let namespace = if t.namespaced {
                let ns = meta
                    .get("namespace")
                    .and_then(Value::as_str)
                    .unwrap_or("default")
                    .to_owned();
                meta.insert("namespace".into(), Value::String(ns.clone()));
                Some(ns)
            } else {
                meta.remove("namespace");
                None
            };
            let rv = meta
                .get("resourceVersion")
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<u64>().ok());
            let rv = rv.unwrap_or_else(|| {
                next_rv += 1;
                meta.insert("resourceVersion".into(), Value::String(next_rv.to_string()));
                next_rv
            });
            max_rv = max_rv.max(rv);
            let mut labels: Vec<(String, String)> = meta
                .get("labels")
                .and_then(Value::as_object)
                .map(|l| {
                    l.iter()
                        .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                        .collect()
                })
                .unwrap_or_default();
            labels.sort();
            let metadata =
                Bytes::from(serde_json::to_vec(&Value::Object(meta.clone())).unwrap_or_default());
            obj.remove("apiVersion");
            obj.remove("kind");
            let whole = Value::Object(obj);
            let fields: Box<[String]> = t
                .fields
                .iter()
                .map(|f| match whole.pointer(f.pointer) {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Null) | None => f.default.to_owned(),
                    Some(other) => other.to_string(),
                })
                .collect();
            let body = Bytes::from(serde_json::to_vec(&whole).unwrap_or_default());
            let (key, name_at) = match &namespace {
                Some(ns) => (format!("{ns}/{name}"), ns.len() + 1),
                None => (name.clone(), 0),
            };
            staged[ti].insert(
                key.clone(),
                Item {
                    key,
                    name_at,
                    labels,
                    fields,
                    body,
                    metadata,
                },
            );
        }
        for (t, items) in b.types.iter_mut().zip(staged) {
            t.items = items.into_values().collect();
        }

        // Groups: built-in ones in their usual order, then the others by name.
        let mut group_versions: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for t in b.types.iter().filter(|t| t.served && !t.group.is_empty()) {
            let vs = group_versions.entry(t.group.as_str()).or_default();
            for v in &t.versions {
                if !vs.contains(v) {
                    vs.push(v.clone());
                }
            }
        }
        let mut order: Vec<&str> = b
            .builtin_groups
            .iter()
            .map(String::as_str)
            .filter(|g| group_versions.contains_key(g))
            .collect();
        for g in group_versions.keys() {
            if !order.contains(g) {
                order.push(g);
            }
        }
        let groups = order
            .into_iter()
            .map(|g| {
                let mut versions = group_versions.get(g).cloned().unwrap_or_default();
                versions.sort_by_key(|v| version_priority(v));
                Group {
                    name: g.to_owned(),
                    versions,
                }
            })
            .collect();
        Store {
            types: b.types,
            groups,
            resource_version: max_rv.max(next_rv),
            skipped,
            by_plural: b.by_plural,
        }
    }

    /// The served type for (group, version, plural).
    pub fn lookup(&self, group: &str, version: &str, plural: &str) -> Option<usize> {
        let &i = self.by_plural.get(&(group.to_owned(), plural.to_owned()))?;
        let t = &self.types[i];
        (t.served && t.versions.iter().any(|v| v == version)).then_some(i)
    }

    /// The type serving objects of this (group, kind), served or not.
    #[cfg(test)]
    pub fn type_of_kind(&self, group: &str, kind: &str) -> Option<&ResourceType> {
        self.types
            .iter()
            .find(|t| t.group == group && t.kind == kind)
    }

    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// Number of stored objects.
    pub fn object_count(&self) -> usize {
        self.types.iter().map(|t| t.items.len()).sum()
    }

    // ---- discovery documents ----

    pub fn api_versions(&self, server_address: &str) -> Value {
        json!({
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
        })
    }

    fn group_json(g: &Group) -> Value {
        let gv = |v: &String| json!({"groupVersion": format!("{}/{v}", g.name), "version": v});
        json!({
            "name": g.name,
            "versions": g.versions.iter().map(gv).collect::<Vec<_>>(),
            "preferredVersion": g.versions.first().map(gv).unwrap_or(Value::Null),
        })
    }

    pub fn group_list(&self) -> Value {
        json!({
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": self.groups.iter().map(Self::group_json).collect::<Vec<_>>(),
        })
    }

    pub fn group_doc(&self, g: &Group) -> Value {
        let mut v = Self::group_json(g);
        if let Value::Object(m) = &mut v {
            m.insert("kind".into(), "APIGroup".into());
            m.insert("apiVersion".into(), "v1".into());
        }
        v
    }

    /// Aggregated discovery (`apidiscovery.k8s.io/{api_version}` `APIGroupDiscoveryList`):
    /// the core group for `/api`, every other group for `/apis`, with all their resources.
    pub fn aggregated(&self, core: bool, api_version: &str) -> Value {
        let core_versions = vec!["v1".to_owned()];
        let groups: Vec<(&str, &Vec<String>)> = if core {
            vec![("", &core_versions)]
        } else {
            self.groups
                .iter()
                .map(|g| (g.name.as_str(), &g.versions))
                .collect()
        };
        let items: Vec<Value> = groups
            .into_iter()
            .map(|(group, versions)| {
                let versions: Vec<Value> = versions
                    .iter()
                    .map(|v| {
                        let resources: Vec<Value> = self
                            .served_at(group, v)
                            .map(|t| {
                                let mut r = Map::new();
                                r.insert("resource".into(), t.plural.clone().into());
                                r.insert(
                                    "responseKind".into(),
                                    json!({"group": group, "version": v, "kind": t.kind}),
                                );
                                r.insert(
                                    "scope".into(),
                                    if t.namespaced {
                                        "Namespaced"
                                    } else {
                                        "Cluster"
                                    }
                                    .into(),
                                );
                                r.insert("singularResource".into(), t.singular.clone().into());
                                r.insert("verbs".into(), json!(t.verbs));
                                if !t.short_names.is_empty() {
                                    r.insert("shortNames".into(), json!(t.short_names));
                                }
                                if !t.categories.is_empty() {
                                    r.insert("categories".into(), json!(t.categories));
                                }
                                Value::Object(r)
                            })
                            .collect();
                        json!({"version": v, "resources": resources, "freshness": "Current"})
                    })
                    .collect();
                let metadata = if group.is_empty() {
                    json!({"creationTimestamp": null})
                } else {
                    json!({"name": group, "creationTimestamp": null})
                };
                json!({"metadata": metadata, "versions": versions})
            })
            .collect();
        json!({
            "kind": "APIGroupDiscoveryList",
            "apiVersion": format!("apidiscovery.k8s.io/{api_version}"),
            "metadata": {},
            "items": items,
        })
    }

    fn served_at<'a>(
        &'a self,
        group: &'a str,
        version: &'a str,
    ) -> impl Iterator<Item = &'a ResourceType> + 'a {
        self.types.iter().filter(move |t| {
            t.served && t.group == group && t.versions.iter().any(|v| v == version)
        })
    }

    /// The APIResourceList of group/version, or None when nothing is served there.
    pub fn resource_list(&self, group: &str, version: &str) -> Option<Value> {
        let resources: Vec<Value> = self
            .served_at(group, version)
            .map(|t| {
                let mut r = Map::new();
                r.insert("name".into(), t.plural.clone().into());
                r.insert("singularName".into(), t.singular.clone().into());
                r.insert("namespaced".into(), t.namespaced.into());
                r.insert("kind".into(), t.kind.clone().into());
                r.insert("verbs".into(), json!(t.verbs));
                if !t.short_names.is_empty() {
                    r.insert("shortNames".into(), json!(t.short_names));
                }
                if !t.categories.is_empty() {
                    r.insert("categories".into(), json!(t.categories));
                }
                Value::Object(r)
            })
            .collect();
        if resources.is_empty() {
            return None;
        }
        let group_version = if group.is_empty() {
            version.to_owned()
        } else {
            format!("{group}/{version}")
        };
        Some(json!({
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": group_version,
            "resources": resources,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crd(group: &str, plural: &str, kind: &str, scope: &str, versions: &[(&str, bool)]) -> Value {
        json!({
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": format!("{plural}.{group}")},
            "spec": {
                "group": group,
                "scope": scope,
                "names": {"plural": plural, "kind": kind, "singular": kind.to_lowercase(), "shortNames": ["x"]},
                "versions": versions.iter().map(|(v, s)| json!({"name": v, "served": s})).collect::<Vec<_>>(),
            }
        })
    }

    #[test]
    fn versions_sort_by_kubernetes_priority() {
        let mut v = vec![
            "v1alpha1",
            "v1beta1",
            "v2",
            "v1",
            "v1beta2",
            "foo",
            "v10alpha3",
        ];
        v.sort_by_key(|x| version_priority(x));
        assert_eq!(
            v,
            vec![
                "v2",
                "v1",
                "v1beta2",
                "v1beta1",
                "v10alpha3",
                "v1alpha1",
                "foo"
            ]
        );
    }

    #[test]
    fn crds_register_groups_with_served_versions_only() {
        let s = Store::build(
            vec![crd(
                "networking.istio.io",
                "virtualservices",
                "VirtualService",
                "Namespaced",
                &[("v1alpha3", true), ("v1", true), ("v1beta1", false)],
            )],
            false,
        );
        let g = s.group("networking.istio.io").unwrap();
        assert_eq!(g.versions, vec!["v1", "v1alpha3"]);
        assert!(s
            .lookup("networking.istio.io", "v1", "virtualservices")
            .is_some());
        assert!(s
            .lookup("networking.istio.io", "v1beta1", "virtualservices")
            .is_none());
        assert!(s.group("cilium.io").is_none());
        assert!(s.group(METRICS_GROUP).is_none(), "metrics only when given");
        // Built-in groups first, in their usual order.
        let names: Vec<_> = s.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names[0], "apps");
        assert_eq!(*names.last().unwrap(), "networking.istio.io");
    }

    #[test]
    fn objects_are_keyed_in_etcd_order_and_defaulted() {
        let s = Store::build(
            vec![
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b", "namespace": "a"}}),
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "z", "namespace": "a-b"}}),
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "c"}}),
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b", "namespace": "a", "labels": {"v": "2"}}}),
                json!({"apiVersion": "v1", "kind": "Pod"}),
                json!("not an object"),
            ],
            false,
        );
        let pods = s.type_of_kind("", "Pod").unwrap();
        let keys: Vec<_> = pods.items.iter().map(|i| i.key.as_str()).collect();
        // `-` sorts before `/`, as in etcd.
        assert_eq!(keys, vec!["a-b/z", "a/b", "default/c"]);
        assert_eq!(pods.items[1].labels, vec![("v".to_owned(), "2".to_owned())]);
        assert_eq!(pods.items[1].namespace(), "a");
        assert_eq!(pods.items[1].name(), "b");
        assert_eq!(s.skipped, 2);
        let body: Value = serde_json::from_slice(&pods.items[2].body).unwrap();
        assert!(body.get("kind").is_none());
        assert_eq!(body["metadata"]["namespace"], "default");
        assert!(body["metadata"]["resourceVersion"].is_string());
    }

    #[test]
    fn undeclared_kinds_are_served_under_a_guessed_plural() {
        assert_eq!(guess_plural("Gateway"), "gateways");
        assert_eq!(guess_plural("NetworkPolicy"), "networkpolicies");
        assert_eq!(guess_plural("Ingress"), "ingresses");
        let s = Store::build(
            vec![
                json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "n"}}),
            ],
            false,
        );
        assert!(s.lookup("example.com", "v1", "widgets").is_some());
        assert!(s.group("example.com").is_some());
    }
}
