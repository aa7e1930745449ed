//! The discovery documents, derived from the served types: `/api` (`APIVersions`),
//! `/apis` (`APIGroupList`), `/apis/<group>` (`APIGroup`), `/api[s]/<gv>`
//! (`APIResourceList`) and aggregated discovery (`apidiscovery.k8s.io` `APIGroupDiscoveryList`).
//! A CRD's group, versions, plural, scope and kind appear here as the real server shows them.

use serde_json::{json, Map, Value};

use super::{Group, ResourceType, Store};

impl Store {
    pub fn api_versions(server_address: &str) -> Value {
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
            "preferredVersion": g.versions.first().map_or(Value::Null, gv),
        })
    }

    pub fn group_list(&self) -> Value {
        json!({
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": self.groups.iter().map(Self::group_json).collect::<Vec<_>>(),
        })
    }

    pub fn group_doc(g: &Group) -> Value {
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
