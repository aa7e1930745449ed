//! One resource request: a single object, or one page of a list.
//!
//! Lists follow the API server's rules: etcd key order (`namespace/name`), `limit` and
//! opaque `continue` tokens (with `remainingItemCount` when nothing is selected), label
//! and field selectors, `resourceVersion=0` served whole as from the watch cache, and the
//! forced tokens of the endless-continue faults. Custom resources are served here like
//! built-in ones: the store resolved their CRDs at start-up.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Response, StatusCode};
use serde_json::{Map, Value};

use super::body::{item_len, write_item, FakeBody, ListBody, Shape};
use super::negotiate::{content_type, negotiate};
use super::status::{bad_request, bytes_response, details, not_found, status, Resp};
use super::Ctx;
use crate::request::ResourceAttributes;
use crate::selector::{parse_field_selector, FieldTerm, LabelSelector};
use crate::token;

impl Ctx<'_> {
    pub(super) fn serve_resource(
        &self,
        a: &ResourceAttributes,
        forced_continue: Option<u64>,
    ) -> Resp {
        let store = &self.store;
        let Some(ti) = store.lookup(&a.group, &a.version, &a.resource) else {
            return not_found();
        };
        if a.subresource.is_some() {
            return not_found();
        }
        if a.verb == "watch" {
            return status(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                "fakekube does not serve watch requests",
                None,
            );
        }
        let t = &store.types[ti];
        let namespace = if t.namespaced {
            a.namespace.as_deref()
        } else if a.namespace.is_some() && a.resource != "namespaces" {
            // A cluster-scoped resource under /namespaces/{ns}/.
            return not_found();
        } else {
            None
        };
        let Ok(shape) = negotiate(self.accept, a.name.is_none()) else {
            return status(
                StatusCode::NOT_ACCEPTABLE,
                "NotAcceptable",
                &format!(
                    "only the following media types are accepted: application/json, \
                         application/json;as=PartialObjectMetadata{}, got {:?}",
                    if a.name.is_none() { "List" } else { "" },
                    self.accept.unwrap_or_default()
                ),
                None,
            );
        };
        let group_version = if t.group.is_empty() {
            a.version.clone()
        } else {
            format!("{}/{}", t.group, a.version)
        };
        let item_head = Bytes::from(format!(
            "{{\"apiVersion\":{},\"kind\":{}",
            Value::String(group_version.clone()),
            Value::String(t.kind.clone())
        ));
        if let Some(name) = &a.name {
            if t.namespaced && namespace.is_none() {
                return not_found();
            }
            let key = match namespace {
                Some(ns) => format!("{ns}/{name}"),
                None => name.clone(),
            };
            let Ok(i) = t.items.binary_search_by(|it| it.key.as_str().cmp(&key)) else {
                let message = if t.group.is_empty() {
                    format!("{} {name:?} not found", t.plural)
                } else {
                    format!("{}.{} {name:?} not found", t.plural, t.group)
                };
                return status(
                    StatusCode::NOT_FOUND,
                    "NotFound",
                    &message,
                    Some(details(a)),
                );
            };
            let item = &t.items[i];
            let mut buf = BytesMut::with_capacity(item_len(item, &item_head, shape));
            write_item(&mut buf, item, &item_head, shape);
            bytes_response(StatusCode::OK, &content_type(shape, false), buf.freeze())
        } else {
            // A real API server leaves apiVersion/kind off the items of built-in lists.
            let item_head = if self.shared.bare_list_items && t.builtin {
                Bytes::new()
            } else {
                item_head
            };
            self.list(
                ti,
                namespace,
                shape,
                &group_version,
                item_head,
                forced_continue,
            )
        }
    }

    #[expect(
        clippy::too_many_lines,
        reason = "a list answer in the order the API server builds it: selectors, paging, shape, body"
    )]
    fn list(
        &self,
        ti: usize,
        namespace: Option<&str>,
        shape: Shape,
        group_version: &str,
        item_head: Bytes,
        forced_continue: Option<u64>,
    ) -> Resp {
        let store = &self.store;
        let t = &store.types[ti];
        let labels = match LabelSelector::parse(self.param("labelSelector").unwrap_or("")) {
            Ok(l) => l,
            Err(e) => return bad_request(&format!("unable to parse requirement: {e}")),
        };
        let fields = match parse_field_selector(self.param("fieldSelector").unwrap_or("")) {
            Ok(f) => f,
            Err(e) => return bad_request(&e),
        };
        // Positions of the fields in the item (None: name; Some(None): namespace).
        let mut field_checks: Vec<(&FieldTerm, FieldRef)> = Vec::new();
        for term in &fields {
            let r = match term.field.as_str() {
                "metadata.name" => FieldRef::Name,
                "metadata.namespace" => FieldRef::Namespace,
                other => match t.fields.iter().position(|f| f.name == other) {
                    Some(p) => FieldRef::Extra(p),
                    None => {
                        return bad_request(&format!("field label not supported: {}", term.field))
                    }
                },
            };
            field_checks.push((term, r));
        }
        let limit = match self.param("limit").filter(|l| !l.is_empty()) {
            None => None,
            Some(l) => match l.parse::<i64>() {
                Ok(n) if n > 0 => usize::try_from(n).ok(),
                Ok(_) => None,
                Err(_) => return bad_request(&format!("invalid limit {l:?}: not an integer")),
            },
        };
        let start_key = match self.param("continue").filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => match token::decode(c) {
                Ok(k) => Some(k),
                Err(e) => return bad_request(&format!("continue key is not valid: {e}")),
            },
        };

        // `resourceVersion=0` without a continue token is served from the watch cache,
        // which ignores `limit`: the whole list comes back in one page, as on a real server.
        let limit = if self.param("resourceVersion") == Some("0") && start_key.is_none() {
            None
        } else {
            limit
        };
        let items = &t.items;
        let (lo, hi) = match namespace {
            Some(ns) => {
                let prefix = format!("{ns}/");
                let lo = items.partition_point(|i| i.key.as_str() < prefix.as_str());
                let hi = lo + items[lo..].partition_point(|i| i.key.starts_with(&prefix));
                (lo, hi)
            }
            None => (0, items.len()),
        };
        let start = match &start_key {
            Some(k) => lo.max(items.partition_point(|i| i.key.as_str() < k.as_str())),
            None => lo,
        };
        let selecting = !labels.is_empty() || !field_checks.is_empty();
        let mut indices = Vec::new();
        let mut next = start;
        while next < hi {
            let item = &items[next];
            next += 1;
            let ok = labels.matches(&item.labels)
                && field_checks.iter().all(|(term, r)| {
                    let v = match r {
                        FieldRef::Name => item.name(),
                        FieldRef::Namespace => item.namespace(),
                        FieldRef::Extra(p) => item.fields[*p].as_str(),
                    };
                    (v == term.value) != term.negated
                });
            if ok {
                indices.push(next - 1);
                if limit.is_some_and(|l| indices.len() >= l) {
                    break;
                }
            }
        }
        let mut meta = Map::new();
        meta.insert(
            "resourceVersion".into(),
            store.resource_version.to_string().into(),
        );
        if let Some(n) = forced_continue {
            // A token whose start key sorts before every object: the list starts over.
            let start = if n == 0 {
                "\u{0}".to_owned()
            } else {
                format!("\u{0}{n}")
            };
            meta.insert(
                "continue".into(),
                token::encode(store.resource_version, &start).into(),
            );
            if !selecting {
                meta.insert("remainingItemCount".into(), (hi - next).into());
            }
        } else if next < hi && limit.is_some_and(|l| indices.len() >= l) {
            let last = &items[next - 1].key;
            meta.insert(
                "continue".into(),
                token::encode(store.resource_version, &format!("{last}\u{0}")).into(),
            );
            if !selecting {
                meta.insert("remainingItemCount".into(), (hi - next).into());
            }
        }
        let (kind, api_version) = match shape {
            Shape::Full => (t.list_kind.clone(), group_version.to_owned()),
            Shape::Metadata(v) => (
                "PartialObjectMetadataList".to_owned(),
                format!("meta.k8s.io/{v}"),
            ),
        };
        let prefix = format!(
            "{{\"kind\":{},\"apiVersion\":{},\"metadata\":{},\"items\":[",
            Value::String(kind),
            Value::String(api_version),
            Value::Object(meta)
        );
        let suffix = Bytes::from_static(b"]}");
        let items_len: usize = indices
            .iter()
            .map(|&i| item_len(&items[i], &item_head, shape))
            .sum::<usize>()
            + indices.len().saturating_sub(1);
        let remaining = (prefix.len() + items_len + suffix.len()) as u64;
        let body = ListBody {
            store: Arc::clone(&self.store),
            ty: ti,
            indices,
            pos: 0,
            item_head,
            shape,
            prefix: Some(Bytes::from(prefix)),
            suffix: Some(suffix),
            remaining,
        };
        let mut r = Response::new(FakeBody::List(Box::new(body)));
        if let Ok(v) = HeaderValue::from_str(&content_type(shape, true)) {
            r.headers_mut().insert(CONTENT_TYPE, v);
        }
        r
    }
}

enum FieldRef {
    Name,
    Namespace,
    Extra(usize),
}
