//! Mesh configuration objects for the generated namespaces (`config=N` in the scale).
//!
//! A mesh's day-2 surface includes its custom resources (VirtualService, EnvoyFilter,
//! AuthorizationPolicy for Istio; Server, HTTPRoute, ServiceProfile for Linkerd;
//! CiliumNetworkPolicy, CiliumEnvoyConfig for Cilium), and a scan has to list them all.
//! Like the rest of the generator this knows no mesh: the kinds are the namespaced kinds
//! that the fixture's own CustomResourceDefinitions declare, so the CRDs are present and
//! discovery lists them. Each generated namespace gets `N` small objects (metadata and an
//! empty `spec`), spread in turn over those kinds so that every kind gets its share.

use serde_json::{json, Value};

use super::clone::{kind, Ids};
use crate::store::version_priority;

/// A namespaced custom resource kind declared by a CRD of the fixture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ConfigKind {
    /// `group/version`, the version the CRD stores (or its preferred served one).
    pub api_version: String,
    pub kind: String,
    pub singular: String,
}

/// The namespaced kinds the CRDs among `base` declare and serve, in (group, kind) order.
pub(super) fn config_kinds(base: &[Value]) -> Vec<ConfigKind> {
    let mut kinds: Vec<(String, ConfigKind)> = base
        .iter()
        .filter(|o| kind(o) == "CustomResourceDefinition")
        .filter_map(|crd| {
            let spec = &crd["spec"];
            if spec["scope"].as_str() == Some("Cluster") {
                return None;
            }
            let group = spec["group"].as_str()?;
            let kind = spec["names"]["kind"].as_str()?;
            let version = stored_version(spec)?;
            let singular = spec["names"]["singular"]
                .as_str()
                .map_or_else(|| kind.to_ascii_lowercase(), str::to_owned);
            Some((
                group.to_owned(),
                ConfigKind {
                    api_version: format!("{group}/{version}"),
                    kind: kind.to_owned(),
                    singular,
                },
            ))
        })
        .collect();
    kinds.sort_by(|a, b| (&a.0, &a.1.kind).cmp(&(&b.0, &b.1.kind)));
    kinds.dedup_by(|a, b| a.0 == b.0 && a.1.kind == b.1.kind);
    kinds.into_iter().map(|(_, k)| k).collect()
}

/// The served version marked `storage`, else the most preferred served one.
fn stored_version(spec: &Value) -> Option<String> {
    let served: Vec<&Value> = spec["versions"]
        .as_array()
        .map(|vs| {
            vs.iter()
                .filter(|v| v["served"].as_bool().unwrap_or(true))
                .collect()
        })
        .unwrap_or_default();
    if let Some(v) = served
        .iter()
        .find(|v| v["storage"].as_bool() == Some(true))
        .and_then(|v| v["name"].as_str())
    {
        return Some(v.to_owned());
    }
    let mut names: Vec<&str> = served.iter().filter_map(|v| v["name"].as_str()).collect();
    // apiextensions.k8s.io/v1beta1 CRDs had a single `spec.version`.
    names.extend(spec["version"].as_str());
    names.sort_by_key(|v| version_priority(v));
    names.first().map(|v| (*v).to_owned())
}

/// Configuration object number `n` (counted across the whole cluster, which spreads the
/// kinds evenly) in the generated namespace `ns`.
pub(super) fn config_object(kinds: &[ConfigKind], ns: &str, n: usize, ids: &mut Ids) -> Value {
    let k = &kinds[n % kinds.len()];
    json!({
        "apiVersion": k.api_version,
        "kind": k.kind,
        "metadata": {
            "name": format!("{}-{n}", k.singular),
            "namespace": ns,
            "uid": ids.uid(),
            "generation": 1,
            "creationTimestamp": "2025-09-10T07:41:12Z",
        },
        "spec": {},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crd(group: &str, kind: &str, scope: &str, versions: &Value) -> Value {
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
               "metadata": {"name": format!("{}s.{group}", kind.to_lowercase())},
               "spec": {"group": group, "scope": scope,
                        "names": {"kind": kind, "plural": format!("{}s", kind.to_lowercase())},
                        "versions": versions}})
    }

    #[test]
    fn kinds_are_the_namespaced_served_crd_kinds_at_their_storage_version() {
        let base = vec![
            crd(
                "z.io",
                "Zed",
                "Namespaced",
                &json!([{"name": "v1beta1", "served": true, "storage": true}, {"name": "v1", "served": true}]),
            ),
            crd(
                "a.io",
                "Alpha",
                "Namespaced",
                &json!([{"name": "v1alpha1", "served": true}, {"name": "v2", "served": true}]),
            ),
            crd(
                "a.io",
                "Cluster",
                "Cluster",
                &json!([{"name": "v1", "served": true}]),
            ),
            crd(
                "a.io",
                "Off",
                "Namespaced",
                &json!([{"name": "v1", "served": false}]),
            ),
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}),
        ];
        let kinds = config_kinds(&base);
        let got: Vec<(&str, &str, &str)> = kinds
            .iter()
            .map(|k| (k.api_version.as_str(), k.kind.as_str(), k.singular.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a.io/v2", "Alpha", "alpha"),
                ("z.io/v1beta1", "Zed", "zed")
            ]
        );
        let mut ids = Ids(0);
        let o = config_object(&kinds, "shop-0001", 3, &mut ids);
        assert_eq!(o["kind"], "Zed");
        assert_eq!(o["metadata"]["name"], "zed-3");
        assert_eq!(o["metadata"]["namespace"], "shop-0001");
    }
}
