//! Content negotiation: what the `Accept` header asks for.
//!
//! A list or an object comes whole, or as metadata only (`PartialObjectMetadata[List]`,
//! which kubectl's and kube-rs's metadata clients ask for); `/api` and `/apis` come as the
//! legacy documents or as aggregated discovery (`apidiscovery.k8s.io`). The first media
//! range the fake can serve wins, as on the real server.

use super::body::Shape;

pub(super) fn content_type(shape: Shape, list: bool) -> String {
    match shape {
        Shape::Full => "application/json".to_owned(),
        Shape::Metadata(v) => format!(
            "application/json;as=PartialObjectMetadata{};g=meta.k8s.io;v={v}",
            if list { "List" } else { "" }
        ),
    }
}

/// Aggregated discovery when `Accept` prefers it (and the fake serves it): the
/// `apidiscovery.k8s.io` version to answer with; None for the legacy documents.
pub(super) fn negotiate_discovery(accept: Option<&str>, enabled: bool) -> Option<&'static str> {
    if !enabled {
        return None;
    }
    for range in accept?.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default();
        if !matches!(media, "application/json" | "application/*" | "*/*") {
            continue;
        }
        let params: Vec<(&str, &str)> = parts
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.trim(), v.trim()))
            .collect();
        let get = |k: &str| params.iter().find(|(pk, _)| *pk == k).map(|(_, v)| *v);
        match (get("as"), get("g"), get("v")) {
            (None, _, _) => return None,
            (Some("APIGroupDiscoveryList"), Some("apidiscovery.k8s.io"), Some("v2")) => {
                return Some("v2")
            }
            (Some("APIGroupDiscoveryList"), Some("apidiscovery.k8s.io"), Some("v2beta1")) => {
                return Some("v2beta1")
            }
            _ => {}
        }
    }
    None
}

/// Picks the answer's shape from `Accept`: the first media range we can serve wins.
/// `as=Table` is answered with the plain object (kubectl then prints its default
/// columns); protobuf and unknown `as=` kinds are skipped; nothing acceptable is an error.
pub(super) fn negotiate(accept: Option<&str>, is_list: bool) -> Result<Shape, ()> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Ok(Shape::Full);
    };
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        if !matches!(media.as_str(), "application/json" | "application/*" | "*/*") {
            continue;
        }
        let (mut as_, mut g, mut v) = (None, None, None);
        for p in parts {
            if let Some((k, val)) = p.split_once('=') {
                match k.trim() {
                    "as" => as_ = Some(val.trim()),
                    "g" => g = Some(val.trim()),
                    "v" => v = Some(val.trim()),
                    _ => {}
                }
            }
        }
        let want = if is_list {
            "PartialObjectMetadataList"
        } else {
            "PartialObjectMetadata"
        };
        match as_ {
            None | Some("Table") => return Ok(Shape::Full),
            Some(a) if a == want && g == Some("meta.k8s.io") => match v {
                Some("v1") => return Ok(Shape::Metadata("v1")),
                Some("v1beta1") => return Ok(Shape::Metadata("v1beta1")),
                _ => {}
            },
            Some(_) => {}
        }
    }
    Err(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_follows_accept_order() {
        let meta_list = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
        assert_eq!(negotiate(Some(meta_list), true), Ok(Shape::Metadata("v1")));
        assert_eq!(negotiate(Some(meta_list), false), Err(()));
        assert_eq!(
            negotiate(Some(&format!("{meta_list},application/json")), false),
            Ok(Shape::Full)
        );
        assert_eq!(
            negotiate(
                Some("application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io"),
                false
            ),
            Ok(Shape::Metadata("v1"))
        );
        let kubectl = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
        assert_eq!(negotiate(Some(kubectl), true), Ok(Shape::Full));
        assert_eq!(negotiate(None, true), Ok(Shape::Full));
        assert_eq!(negotiate(Some("*/*"), true), Ok(Shape::Full));
        assert_eq!(
            negotiate(Some("application/vnd.kubernetes.protobuf"), true),
            Err(())
        );
    }

    #[test]
    fn aggregated_discovery_only_when_asked_first_and_enabled() {
        let kube_rs = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
        assert_eq!(negotiate_discovery(Some(kube_rs), true), Some("v2"));
        assert_eq!(negotiate_discovery(Some(kube_rs), false), None);
        let beta = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
        assert_eq!(negotiate_discovery(Some(beta), true), Some("v2beta1"));
        assert_eq!(negotiate_discovery(Some("application/json"), true), None);
        assert_eq!(negotiate_discovery(None, true), None);
    }
}
