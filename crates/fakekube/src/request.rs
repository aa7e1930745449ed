//! What a request asked for, and the log of every request.
//!
//! [`ResourceAttributes`] is derived from the URL alone, the way the API server's
//! `RequestInfoFactory` does before authorization, so a test can check each request
//! against an RBAC rule set ([`crate::rbac`]) whether or not the resource exists.

/// The (verb, group, version, resource, namespace, name) a resource request resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceAttributes {
    /// `get`, `list` or `watch` for GET; the lowercase method otherwise (`post` is
    /// reported as `create`, `put` as `update`, `delete` as `delete`, `patch` as `patch`).
    pub verb: String,
    /// `""` for the core group.
    pub group: String,
    pub version: String,
    pub resource: String,
    pub subresource: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    /// The raw query string (empty when none).
    pub query: String,
    /// The decoded query parameters, in order.
    pub params: Vec<(String, String)>,
    pub accept: Option<String>,
    /// None for non-resource requests (discovery, `/version`).
    pub resource: Option<ResourceAttributes>,
    /// The status code answered.
    pub status: u16,
}

impl RequestRecord {
    /// The first value of a query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `verb group/resource`, e.g. `list apps/deployments` or `list /pods`.
    pub fn describe(&self) -> String {
        match &self.resource {
            Some(r) => format!("{} {}/{}", r.verb, r.group, r.resource),
            None => format!("{} {}", self.method, self.path),
        }
    }
}

/// Percent-decoding as Go's `url.QueryUnescape` does it (`+` is a space).
pub(crate) fn decode_component(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(v) = hex {
                    out.push(v);
                    i += 3;
                } else {
                    out.push(b'%');
                    i += 1;
                }
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits and decodes a query string.
pub(crate) fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode_component(k, true), decode_component(v, true))
        })
        .collect()
}

/// Resource attributes of a path, or None for a non-resource path.
pub(crate) fn resource_attributes(
    method: &str,
    segments: &[String],
    params: &[(String, String)],
) -> Option<ResourceAttributes> {
    let (group, version, rest) = match segments {
        [api, v, rest @ ..] if api == "api" && !rest.is_empty() => (String::new(), v.clone(), rest),
        [apis, g, v, rest @ ..] if apis == "apis" && !rest.is_empty() => {
            (g.clone(), v.clone(), rest)
        }
        _ => return None,
    };
    let mut parts = rest;
    let mut namespace = None;
    if parts[0] == "namespaces" && parts.len() > 1 {
        namespace = Some(parts[1].clone());
        if parts.len() > 2 {
            parts = &parts[2..];
        }
    }
    let resource = parts[0].clone();
    let name = parts.get(1).cloned();
    let subresource = parts.get(2).cloned();
    let watch = params
        .iter()
        .any(|(k, v)| k == "watch" && (v == "true" || v == "1"));
    let verb = match method {
        "GET" | "HEAD" if watch => "watch".to_owned(),
        "GET" | "HEAD" if name.is_some() => "get".to_owned(),
        "GET" | "HEAD" => "list".to_owned(),
        "POST" => "create".to_owned(),
        "PUT" => "update".to_owned(),
        "PATCH" => "patch".to_owned(),
        "DELETE" if name.is_some() => "delete".to_owned(),
        "DELETE" => "deletecollection".to_owned(),
        other => other.to_ascii_lowercase(),
    };
    Some(ResourceAttributes {
        verb,
        group,
        version,
        resource,
        subresource,
        namespace,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<String> {
        p.trim_matches('/').split('/').map(str::to_owned).collect()
    }

    #[test]
    fn paths_resolve_like_request_info() {
        let a = resource_attributes("GET", &segs("/api/v1/pods"), &[]).unwrap();
        assert_eq!(
            (a.verb.as_str(), a.group.as_str(), a.resource.as_str()),
            ("list", "", "pods")
        );
        assert_eq!(a.namespace, None);
        let a = resource_attributes(
            "GET",
            &segs("/apis/apps/v1/namespaces/x/deployments/d"),
            &[],
        )
        .unwrap();
        assert_eq!(a.verb, "get");
        assert_eq!(a.group, "apps");
        assert_eq!(a.namespace.as_deref(), Some("x"));
        assert_eq!(a.name.as_deref(), Some("d"));
        let a = resource_attributes("GET", &segs("/api/v1/namespaces/x"), &[]).unwrap();
        assert_eq!(
            (a.resource.as_str(), a.name.as_deref()),
            ("namespaces", Some("x"))
        );
        let w = [("watch".to_owned(), "true".to_owned())];
        assert_eq!(
            resource_attributes("GET", &segs("/api/v1/pods"), &w)
                .unwrap()
                .verb,
            "watch"
        );
        assert!(resource_attributes("GET", &segs("/apis/apps/v1"), &[]).is_none());
        assert!(resource_attributes("GET", &segs("/version"), &[]).is_none());
    }

    #[test]
    fn queries_decode_like_go() {
        let q = parse_query("labelSelector=app+in+%28a%2Cb%29&limit=5&continue=abc%3D%3D&x");
        assert_eq!(q[0], ("labelSelector".into(), "app in (a,b)".into()));
        assert_eq!(q[2].1, "abc==");
        assert_eq!(q[3], ("x".into(), String::new()));
        assert_eq!(decode_component("100%", true), "100%");
        assert_eq!(decode_component("%zz", true), "%zz");
    }
}
