//! Building the store: built-in types, then one type per CustomResourceDefinition among
//! the objects (group, served versions in Kubernetes priority order, names, scope), then
//! every object keyed, defaulted (namespace, resourceVersion) and serialized once.
//!
//! A kind that no built-in type or CRD declares is served anyway under a guessed plural,
//! so an incomplete fixture still lists everything it holds.

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use serde_json::Value;

use super::builtin::{
    Builtin, FieldSpec, BUILTINS, METRICS_GROUP, NAMESPACE_FIELDS, NODE_FIELDS, POD_FIELDS,
    SECRET_FIELDS,
};
use super::{version_priority, Group, Item, ResourceType, Store};

fn split_api_version(av: &str) -> (&str, &str) {
    match av.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", av),
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
        // A CRD that serves no version still owns its kind: its objects are not served
        // (rather than served under a guessed plural).
        let served = !versions.is_empty();
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
            list_kind: spec["names"]["listKind"]
                .as_str()
                .map_or_else(|| format!("{kind}List"), str::to_owned),
            namespaced: spec["scope"].as_str() != Some("Cluster"),
            short_names: str_list(spec["names"].get("shortNames")),
            categories: str_list(spec["names"].get("categories")),
            verbs: &["get", "list", "watch"],
            fields: &[],
            served,
            builtin: false,
            items: Vec::new(),
        });
    }
}

impl Builder {
    /// The type serving `kind` of `group`: the declared one, else one under a guessed
    /// plural (registered on first use), so an incomplete fixture still lists everything
    /// it holds.
    fn type_of(&mut self, group: &str, version: &str, kind: &str, namespaced: bool) -> usize {
        if let Some(&i) = self.by_kind.get(&(group.to_owned(), kind.to_owned())) {
            return i;
        }
        let plural = guess_plural(kind);
        if let Some(&i) = self.by_plural.get(&(group.to_owned(), plural.clone())) {
            return i;
        }
        self.add(ResourceType {
            group: group.to_owned(),
            versions: vec![version.to_owned()],
            plural,
            singular: kind.to_ascii_lowercase(),
            list_kind: format!("{kind}List"),
            kind: kind.to_owned(),
            namespaced,
            short_names: Vec::new(),
            categories: Vec::new(),
            verbs: &["get", "list", "watch"],
            fields: &[],
            served: true,
            builtin: false,
            items: Vec::new(),
        })
    }
}

/// The store built one object at a time, each serialized as soon as it is added, so that
/// a generated cluster never exists as a whole in `serde_json::Value` form (a 10 KB pod
/// takes several times that as a `Value`): see [`crate::Prepared`].
pub(crate) struct StoreBuilder {
    b: Builder,
    /// One map per type, in `b.types` order.
    staged: Vec<BTreeMap<String, Item>>,
    skipped: usize,
    next_rv: u64,
    max_rv: u64,
    /// Reused for every serialization; each result is copied out at its exact size.
    scratch: Vec<u8>,
}

/// Whether `o` belongs to `metrics.k8s.io`.
fn is_metrics(o: &Value) -> bool {
    o["apiVersion"]
        .as_str()
        .is_some_and(|av| split_api_version(av).0 == METRICS_GROUP)
}

impl StoreBuilder {
    /// The built-in types and one type per CustomResourceDefinition among `declared`
    /// (which are not added as objects: pass them to [`StoreBuilder::add`] as well).
    /// `metrics` serves `metrics.k8s.io` even when no object of `declared` belongs to it.
    pub fn new<'a>(declared: impl IntoIterator<Item = &'a Value> + Clone, metrics: bool) -> Self {
        let mut b = Builder {
            types: Vec::new(),
            by_plural: HashMap::new(),
            by_kind: HashMap::new(),
            builtin_groups: Vec::new(),
        };
        let has_metrics = metrics || declared.clone().into_iter().any(is_metrics);
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
                list_kind: format!("{kind}List"),
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
        for o in declared {
            let is_crd = o["kind"] == "CustomResourceDefinition"
                && o["apiVersion"]
                    .as_str()
                    .is_some_and(|av| av.starts_with("apiextensions.k8s.io/"));
            if is_crd {
                b.add_crd(o);
            }
        }
        let staged = (0..b.types.len()).map(|_| BTreeMap::new()).collect();
        StoreBuilder {
            b,
            staged,
            skipped: 0,
            next_rv: 1000,
            max_rv: 0,
            scratch: Vec::new(),
        }
    }

    /// `value` serialized at its exact size (the scratch buffer keeps the capacity).
    fn bytes(&mut self, value: &impl serde::Serialize) -> Bytes {
        self.scratch.clear();
        let _ = serde_json::to_writer(&mut self.scratch, value);
        Bytes::copy_from_slice(&self.scratch)
    }

    /// Keys, defaults (namespace, resourceVersion) and serializes one object (not a
    /// list: flatten first). A later object with the same key replaces an earlier one.
    pub fn add(&mut self, o: Value) {
        let Value::Object(mut obj) = o else {
            self.skipped += 1;
            return;
        };
        let (Some(av), Some(kind)) = (
            obj.get("apiVersion").and_then(Value::as_str),
            obj.get("kind").and_then(Value::as_str),
        ) else {
            self.skipped += 1;
            return;
        };
        let (group, version) = split_api_version(av);
        let (group, version, kind) = (group.to_owned(), version.to_owned(), kind.to_owned());
        let Some(Value::Object(meta)) = obj.get_mut("metadata") else {
            self.skipped += 1;
            return;
        };
        let Some(name) = meta.get("name").and_then(Value::as_str).map(str::to_owned) else {
            self.skipped += 1;
            return;
        };
        let namespaced = meta.contains_key("namespace");
        let ti = self.b.type_of(&group, &version, &kind, namespaced);
        self.staged.resize_with(self.b.types.len(), BTreeMap::new);
        let t = &self.b.types[ti];
        let fields_spec = t.fields;
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
            self.next_rv += 1;
            meta.insert(
                "resourceVersion".into(),
                Value::String(self.next_rv.to_string()),
            );
            self.next_rv
        });
        self.max_rv = self.max_rv.max(rv);
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
        obj.remove("apiVersion");
        obj.remove("kind");
        let whole = Value::Object(obj);
        let fields: Box<[String]> = fields_spec
            .iter()
            .map(|f| match whole.pointer(f.pointer) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => f.default.to_owned(),
                Some(other) => other.to_string(),
            })
            .collect();
        let body = self.bytes(&whole);
        self.scratch.clear();
        let _ = serde_json::to_writer(&mut self.scratch, &whole["metadata"]);
        // Most objects serialize with `metadata` first (`apiVersion` and `kind` are not
        // stored): then the metadata is a slice of the body, not a second copy.
        let (at, len) = (br#"{"metadata":"#.len(), self.scratch.len());
        let metadata = if body.get(at..at + len) == Some(&self.scratch[..]) {
            body.slice(at..at + len)
        } else {
            Bytes::copy_from_slice(&self.scratch)
        };
        let (key, name_at) = match &namespace {
            Some(ns) => (format!("{ns}/{name}"), ns.len() + 1),
            None => (name.clone(), 0),
        };
        self.staged[ti].insert(
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

    /// The store: the objects in key order, the groups in discovery order.
    pub fn finish(self) -> Store {
        let StoreBuilder {
            mut b,
            staged,
            skipped,
            next_rv,
            max_rv,
            ..
        } = self;
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
}

impl Store {
    /// Builds the store. `metrics` serves `metrics.k8s.io` even with no metrics objects.
    pub fn build(objects: Vec<Value>, metrics: bool) -> Store {
        let mut b = StoreBuilder::new(&objects, metrics);
        for o in objects {
            b.add(o);
        }
        b.finish()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

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
