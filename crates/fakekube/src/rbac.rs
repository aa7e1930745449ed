//! RBAC rule evaluation, so a test can prove that every request a scan made is allowed
//! by the ClusterRole meshsurface prints (`kubectl meshsurface rbac`).
//!
//! Follows the RBAC authorizer's matching for the fields a read-only role uses:
//! `apiGroups`, `resources` (with `resource/subresource` and `*`), `verbs`,
//! `resourceNames` and `nonResourceURLs` (exact, or a prefix ending in `*`).

use serde_json::Value;

use crate::request::RequestRecord;

/// Paths every authenticated user may GET on a real cluster (the `system:discovery` and
/// `system:public-info-viewer` ClusterRoles are bound to `system:authenticated`).
pub const DISCOVERY_URLS: &[&str] = &[
    "/api",
    "/api/*",
    "/apis",
    "/apis/*",
    "/version",
    "/version/",
    "/healthz",
    "/livez",
    "/readyz",
    "/openapi",
    "/openapi/*",
];

/// One `rules[]` entry of a Role or ClusterRole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyRule {
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub verbs: Vec<String>,
    pub resource_names: Vec<String>,
    pub non_resource_urls: Vec<String>,
}

/// The union of rules from one or more roles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    pub rules: Vec<PolicyRule>,
}

fn strings(v: &Value, field: &str) -> Vec<String> {
    v.get(field)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn has(list: &[String], want: &str) -> bool {
    list.iter().any(|x| x == "*" || x == want)
}

fn url_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    }
}

impl Rules {
    /// Rules of every `ClusterRole`/`Role` in YAML or JSON text (multi-document and
    /// `kind: List` allowed), e.g. the output of `kubectl meshsurface rbac`.
    pub fn from_text(text: &str) -> Result<Self, crate::LoadError> {
        let objects = crate::load::parse_text(std::path::Path::new("<rbac>"), text)?;
        Ok(Self::from_objects(&objects))
    }

    /// Rules of every `ClusterRole`/`Role` among the objects.
    pub fn from_objects(objects: &[Value]) -> Self {
        let rules = objects
            .iter()
            .filter(|o| matches!(o["kind"].as_str(), Some("ClusterRole" | "Role")))
            .filter_map(|o| o.get("rules").and_then(Value::as_array))
            .flatten()
            .map(|r| PolicyRule {
                api_groups: strings(r, "apiGroups"),
                resources: strings(r, "resources"),
                verbs: strings(r, "verbs"),
                resource_names: strings(r, "resourceNames"),
                non_resource_urls: strings(r, "nonResourceURLs"),
            })
            .collect();
        Self { rules }
    }

    /// True when some rule allows the request. Non-resource requests (discovery,
    /// `/version`) are also allowed when they are among [`DISCOVERY_URLS`], as on a real
    /// cluster.
    pub fn allows(&self, r: &RequestRecord) -> bool {
        let Some(a) = &r.resource else {
            let verb = r.method.to_ascii_lowercase();
            let verb = if verb == "head" {
                "get".to_owned()
            } else {
                verb
            };
            if verb == "get" && DISCOVERY_URLS.iter().any(|p| url_matches(p, &r.path)) {
                return true;
            }
            return self.rules.iter().any(|rule| {
                has(&rule.verbs, &verb)
                    && rule
                        .non_resource_urls
                        .iter()
                        .any(|p| url_matches(p, &r.path))
            });
        };
        let resource = match &a.subresource {
            Some(s) => format!("{}/{s}", a.resource),
            None => a.resource.clone(),
        };
        self.rules.iter().any(|rule| {
            has(&rule.verbs, &a.verb)
                && has(&rule.api_groups, &a.group)
                && rule.resources.iter().any(|x| {
                    x == "*"
                        || *x == resource
                        || (a.subresource.is_some()
                            && (*x == format!("*/{}", a.subresource.as_deref().unwrap_or(""))
                                || *x == format!("{}/*", a.resource)))
                })
                && (rule.resource_names.is_empty()
                    || a.name
                        .as_ref()
                        .is_some_and(|n| rule.resource_names.contains(n)))
        })
    }

    /// The requests no rule allows (empty when the role covers everything).
    pub fn denied<'a>(&self, requests: &'a [RequestRecord]) -> Vec<&'a RequestRecord> {
        requests.iter().filter(|r| !self.allows(r)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::ResourceAttributes;

    fn req(verb: &str, group: &str, resource: &str, name: Option<&str>) -> RequestRecord {
        RequestRecord {
            method: "GET".into(),
            path: "/x".into(),
            query: String::new(),
            params: vec![],
            accept: None,
            resource: Some(ResourceAttributes {
                verb: verb.into(),
                group: group.into(),
                version: "v1".into(),
                resource: resource.into(),
                subresource: None,
                namespace: None,
                name: name.map(str::to_owned),
            }),
            status: 200,
        }
    }

    const ROLE: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: meshsurface}
rules:
- apiGroups: [""]
  resources: [pods, nodes, namespaces]
  verbs: [get, list]
- apiGroups: [apps]
  resources: ["*"]
  verbs: [list]
- apiGroups: [""]
  resources: [configmaps]
  resourceNames: [istio]
  verbs: [get]
"#;

    #[test]
    fn rules_match_group_resource_verb_and_name() {
        let rules = Rules::from_text(ROLE).unwrap();
        assert_eq!(rules.rules.len(), 3);
        assert!(rules.allows(&req("list", "", "pods", None)));
        assert!(!rules.allows(&req("watch", "", "pods", None)));
        assert!(!rules.allows(&req("list", "", "secrets", None)));
        assert!(rules.allows(&req("list", "apps", "deployments", None)));
        assert!(!rules.allows(&req("get", "apps", "deployments", Some("x"))));
        assert!(!rules.allows(&req("list", "extensions", "deployments", None)));
        assert!(rules.allows(&req("get", "", "configmaps", Some("istio"))));
        assert!(!rules.allows(&req("get", "", "configmaps", Some("other"))));
        assert!(!rules.allows(&req("list", "", "configmaps", None)));
    }

    #[test]
    fn discovery_is_allowed_like_on_a_real_cluster() {
        let rules = Rules::default();
        let mut r = req("list", "", "pods", None);
        r.resource = None;
        for p in ["/api", "/apis/apps/v1", "/version"] {
            r.path = p.into();
            assert!(rules.allows(&r), "{p}");
        }
        r.path = "/metrics".into();
        assert!(!rules.allows(&r));
    }
}
