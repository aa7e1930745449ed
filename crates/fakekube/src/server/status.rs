//! Answers that are not a resource: `Status` failure bodies (404, 400, 403, ...) worded as
//! the API server words them, and what each injected [`crate::Fault`] puts on the wire.

use bytes::Bytes;
use hyper::header::{HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use hyper::{Response, StatusCode};
use serde_json::{json, Map, Value};

use super::body::{FakeBody, ENDLESS_HEAD};
use crate::fault::Injected;
use crate::request::ResourceAttributes;

/// The user name in `Forbidden` messages.
const USER: &str = "system:serviceaccount:default:fakekube";

pub(super) type Resp = Response<FakeBody>;

pub(super) fn bytes_response(code: StatusCode, content_type: &str, body: Bytes) -> Resp {
    let mut r = Response::new(FakeBody::Full(Some(body)));
    *r.status_mut() = code;
    if let Ok(v) = HeaderValue::from_str(content_type) {
        r.headers_mut().insert(CONTENT_TYPE, v);
    }
    r
}

pub(super) fn json_response(code: StatusCode, v: &Value) -> Resp {
    let body = serde_json::to_vec(v).unwrap_or_default();
    bytes_response(code, "application/json", Bytes::from(body))
}

/// A `Status` failure body, as the API server sends with every error.
pub(super) fn status(
    code: StatusCode,
    reason: &str,
    message: &str,
    details: Option<Value>,
) -> Resp {
    let mut v = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code.as_u16(),
    });
    if let (Some(d), Value::Object(m)) = (details, &mut v) {
        m.insert("details".into(), d);
    }
    json_response(code, &v)
}

pub(super) fn not_found() -> Resp {
    status(
        StatusCode::NOT_FOUND,
        "NotFound",
        "the server could not find the requested resource",
        Some(json!({})),
    )
}

pub(super) fn bad_request(message: &str) -> Resp {
    status(StatusCode::BAD_REQUEST, "BadRequest", message, None)
}

pub(super) fn details(a: &ResourceAttributes) -> Value {
    let mut d = Map::new();
    if let Some(n) = &a.name {
        d.insert("name".into(), n.clone().into());
    }
    if !a.group.is_empty() {
        d.insert("group".into(), a.group.clone().into());
    }
    d.insert("kind".into(), a.resource.clone().into());
    Value::Object(d)
}

fn forbidden(a: Option<&ResourceAttributes>, method: &str, path: &str) -> Resp {
    let message = match a {
        Some(a) => {
            // `resource.group`, as apimachinery's `NewForbidden` names a GroupResource.
            let resource = if a.group.is_empty() {
                a.resource.clone()
            } else {
                format!("{}.{}", a.resource, a.group)
            };
            let subject = match &a.name {
                Some(n) => format!("{resource} {n:?}"),
                None => resource,
            };
            let scope = match &a.namespace {
                Some(ns) => format!("in the namespace {ns:?}"),
                None => "at the cluster scope".to_owned(),
            };
            format!(
                "{subject} is forbidden: User {USER:?} cannot {} resource {:?} in API group {:?} {scope}",
                a.verb, a.resource, a.group
            )
        }
        None => format!(
            "forbidden: User {USER:?} cannot {} path {path:?}",
            method.to_ascii_lowercase()
        ),
    };
    status(StatusCode::FORBIDDEN, "Forbidden", &message, a.map(details))
}

pub(super) fn injected(
    i: Injected,
    a: Option<&ResourceAttributes>,
    method: &str,
    path: &str,
) -> Resp {
    match i {
        Injected::Forbidden => forbidden(a, method, path),
        Injected::ServerError => status(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "Internal error occurred: fakekube: injected server error",
            Some(json!({"causes": [{"message": "fakekube: injected server error"}]})),
        ),
        Injected::TooManyRequests => {
            let mut r = status(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                "Too many requests, please try again later.",
                None,
            );
            r.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("0"));
            r
        }
        Injected::Gone => status(
            StatusCode::GONE,
            "Expired",
            "The provided continue parameter is too old to display a consistent list result. \
             You can start a new list without the continue parameter.",
            None,
        ),
        Injected::Unavailable => {
            let mut r = status(
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailable",
                "fakekube: injected: the server is currently unable to handle the request",
                None,
            );
            r.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("0"));
            r
        }
        // A `Status` of success where a list or a discovery document belongs.
        Injected::OkStatus => json_response(
            StatusCode::OK,
            &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 200}),
        ),
        Injected::EndlessBody => chunked(FakeBody::Endless(0)),
        Injected::StallBody => chunked(FakeBody::Stall(Some(Bytes::from_static(ENDLESS_HEAD)))),
        // Not a failure: the list is served, with the forced token (see `Ctx::list`).
        Injected::Continue(_) => status(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "fakekube: a continue fault reached the wrong place",
            None,
        ),
    }
}

/// A 200 JSON answer with this body, sent chunked.
pub(super) fn chunked(body: FakeBody) -> Resp {
    let mut r = Response::new(body);
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}
