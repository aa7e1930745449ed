//! The HTTP side: routing, content negotiation, paging, faults, auth, the request log.
//!
//! Answers are shaped like the real API server's (status codes, `Status` bodies, list
//! envelopes, continue tokens), because that is the contract the live client is written
//! against. List bodies are produced lazily, a chunk of items at a time, from bytes
//! serialized once at start-up.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use bytes::{BufMut, Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use hyper::{Request, Response, StatusCode};
use serde_json::{json, Map, Value};

use crate::fault::{decide, FaultState, Injected};
use crate::request::{
    decode_component, parse_query, resource_attributes, RequestRecord, ResourceAttributes,
};
use crate::selector::{parse_field_selector, FieldTerm, LabelSelector};
use crate::store::{Item, Store};
use crate::token;

/// The user name in `Forbidden` messages.
const USER: &str = "system:serviceaccount:default:fakekube";
const META_ITEM_HEAD: &[u8] =
    br#"{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":"#;
/// Bytes of items per body frame.
const CHUNK: usize = 64 * 1024;

/// State shared by all connections.
pub(crate) struct Shared {
    pub store: Store,
    pub faults: Mutex<Vec<FaultState>>,
    pub log: Mutex<Vec<RequestRecord>>,
    pub token: Option<String>,
    pub addr: SocketAddr,
    /// Serve `apidiscovery.k8s.io` aggregated discovery on `/api` and `/apis`.
    pub aggregated_discovery: bool,
    /// Leave `apiVersion`/`kind` off the items of built-in lists.
    pub bare_list_items: bool,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A response body: a whole buffer, a list produced item by item, or a misbehaviour.
pub(crate) enum FakeBody {
    Full(Option<Bytes>),
    List(Box<ListBody>),
    /// A list that never ends ([`crate::Fault::EndlessBody`]): the number of items sent.
    Endless(u64),
    /// These bytes, then nothing ever ([`crate::Fault::StallBody`]).
    Stall(Option<Bytes>),
}

/// The start of the body of [`FakeBody::Endless`] and [`FakeBody::Stall`].
const ENDLESS_HEAD: &[u8] =
    br#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":["#;

/// The next chunk of an endless list: about [`CHUNK`] bytes of pods, numbered from `n`.
fn endless_chunk(n: &mut u64) -> Bytes {
    let mut buf = BytesMut::with_capacity(CHUNK + 256);
    if *n == 0 {
        buf.put_slice(ENDLESS_HEAD);
    }
    while buf.len() < CHUNK {
        if *n > 0 {
            buf.put_u8(b',');
        }
        buf.put_slice(
            format!(
                r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"endless-{n}","namespace":"endless"}},"spec":{{"containers":[{{"name":"app","image":"nginx"}}]}}}}"#
            )
            .as_bytes(),
        );
        *n += 1;
    }
    buf.freeze()
}

impl Body for FakeBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let next = match self.get_mut() {
            FakeBody::Full(b) => b.take(),
            FakeBody::List(l) => l.next_chunk(),
            FakeBody::Endless(n) => Some(endless_chunk(n)),
            // Never woken: the connection stays open until the client gives up.
            FakeBody::Stall(b) => match b.take() {
                Some(b) => Some(b),
                None => return Poll::Pending,
            },
        };
        Poll::Ready(next.map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        match self {
            FakeBody::Full(b) => b.is_none(),
            FakeBody::List(l) => l.remaining == 0,
            FakeBody::Endless(_) | FakeBody::Stall(_) => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            FakeBody::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            FakeBody::List(l) => SizeHint::with_exact(l.remaining),
            // Unknown length: sent chunked.
            FakeBody::Endless(_) | FakeBody::Stall(_) => SizeHint::default(),
        }
    }
}

/// How list items are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Whole objects (`PodList`).
    Full,
    /// `PartialObjectMetadataList` in meta.k8s.io `version`.
    Metadata(&'static str),
}

/// A list body: envelope prefix, the page's items (written on demand), suffix.
pub(crate) struct ListBody {
    shared: Arc<Shared>,
    ty: usize,
    indices: Vec<usize>,
    pos: usize,
    /// `{"apiVersion":..,"kind":..` for whole objects.
    item_head: Bytes,
    shape: Shape,
    prefix: Option<Bytes>,
    suffix: Option<Bytes>,
    remaining: u64,
}

fn item_len(item: &Item, head: &[u8], shape: Shape) -> usize {
    match shape {
        // No head: the stored object as it is (no apiVersion/kind).
        Shape::Full if head.is_empty() => item.body.len(),
        // head + `,` + body without its `{`, or head + `}` for an empty object.
        Shape::Full => {
            head.len()
                + if item.body.len() <= 2 {
                    1
                } else {
                    item.body.len()
                }
        }
        Shape::Metadata(_) => META_ITEM_HEAD.len() + item.metadata.len() + 1,
    }
}

fn write_item(buf: &mut BytesMut, item: &Item, head: &[u8], shape: Shape) {
    match shape {
        Shape::Full if head.is_empty() => buf.put_slice(&item.body),
        Shape::Full => {
            buf.put_slice(head);
            if item.body.len() <= 2 {
                buf.put_u8(b'}');
            } else {
                buf.put_u8(b',');
                buf.put_slice(&item.body[1..]);
            }
        }
        Shape::Metadata(_) => {
            buf.put_slice(META_ITEM_HEAD);
            buf.put_slice(&item.metadata);
            buf.put_u8(b'}');
        }
    }
}

impl ListBody {
    fn next_chunk(&mut self) -> Option<Bytes> {
        let out = if let Some(p) = self.prefix.take() {
            Some(p)
        } else if self.pos < self.indices.len() {
            let items = &self.shared.store.types[self.ty].items;
            let mut buf = BytesMut::with_capacity(CHUNK + 4096);
            while self.pos < self.indices.len() && buf.len() < CHUNK {
                if self.pos > 0 {
                    buf.put_u8(b',');
                }
                write_item(
                    &mut buf,
                    &items[self.indices[self.pos]],
                    &self.item_head,
                    self.shape,
                );
                self.pos += 1;
            }
            Some(buf.freeze())
        } else {
            self.suffix.take()
        };
        if let Some(b) = &out {
            self.remaining = self.remaining.saturating_sub(b.len() as u64);
        }
        out
    }
}

type Resp = Response<FakeBody>;

fn bytes_response(code: StatusCode, content_type: &str, body: Bytes) -> Resp {
    let mut r = Response::new(FakeBody::Full(Some(body)));
    *r.status_mut() = code;
    if let Ok(v) = HeaderValue::from_str(content_type) {
        r.headers_mut().insert(CONTENT_TYPE, v);
    }
    r
}

fn json_response(code: StatusCode, v: &Value) -> Resp {
    let body = serde_json::to_vec(v).unwrap_or_default();
    bytes_response(code, "application/json", Bytes::from(body))
}

/// A `Status` failure body, as the API server sends with every error.
fn status(code: StatusCode, reason: &str, message: &str, details: Option<Value>) -> Resp {
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

fn not_found() -> Resp {
    status(
        StatusCode::NOT_FOUND,
        "NotFound",
        "the server could not find the requested resource",
        Some(json!({})),
    )
}

fn bad_request(message: &str) -> Resp {
    status(StatusCode::BAD_REQUEST, "BadRequest", message, None)
}

fn details(a: &ResourceAttributes) -> Value {
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
            let subject = match &a.name {
                Some(n) => format!("{} {n:?}", a.resource),
                None => a.resource.clone(),
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

fn injected(i: Injected, a: Option<&ResourceAttributes>, method: &str, path: &str) -> Resp {
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
fn chunked(body: FakeBody) -> Resp {
    let mut r = Response::new(body);
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// Entry point for every request.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Resp, Infallible> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let params = parse_query(&query);
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let accept = header(ACCEPT);
    let authorization = header(AUTHORIZATION);
    drop(req);
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| decode_component(s, false))
        .collect();
    let attrs = resource_attributes(&method, &segments, &params);
    let ctx = Ctx {
        shared: &shared,
        method: &method,
        path: &path,
        segments: &segments,
        params: &params,
        accept: accept.as_deref(),
        attrs: attrs.as_ref(),
    };
    let response = ctx.respond(authorization.as_deref()).await;
    let record = RequestRecord {
        method,
        path,
        query,
        params,
        accept,
        resource: attrs,
        status: response.status().as_u16(),
    };
    lock(&shared.log).push(record);
    Ok(response)
}

struct Ctx<'a> {
    shared: &'a Arc<Shared>,
    method: &'a str,
    path: &'a str,
    segments: &'a [String],
    params: &'a [(String, String)],
    accept: Option<&'a str>,
    attrs: Option<&'a ResourceAttributes>,
}

impl Ctx<'_> {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    async fn respond(&self, authorization: Option<&str>) -> Resp {
        if let Some(t) = &self.shared.token {
            let ok = authorization
                .and_then(|h| h.strip_prefix("Bearer "))
                .is_some_and(|given| given.trim() == t);
            if !ok {
                return status(
                    StatusCode::UNAUTHORIZED,
                    "Unauthorized",
                    "Unauthorized",
                    None,
                );
            }
        }
        let has_continue = self.param("continue").is_some_and(|c| !c.is_empty())
            && self.attrs.is_some_and(|a| a.verb == "list");
        let (delay, fault) = {
            let mut faults = lock(&self.shared.faults);
            decide(
                &mut faults,
                self.path,
                self.attrs.map(|a| a.group.as_str()),
                self.attrs.map(|a| a.resource.as_str()),
                has_continue,
            )
        };
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        // A forced continue token changes a list; every other fault replaces the answer.
        let forced_continue = match fault {
            Some(Injected::Continue(n)) => Some(n),
            Some(i) => return injected(i, self.attrs, self.method, self.path),
            None => None,
        };
        if self.method != "GET" && self.method != "HEAD" {
            return status(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                &format!("fakekube is read-only: {} is not supported", self.method),
                None,
            );
        }
        self.route(forced_continue)
    }

    fn route(&self, forced_continue: Option<u64>) -> Resp {
        let store = &self.shared.store;
        let segs: Vec<&str> = self.segments.iter().map(String::as_str).collect();
        match segs.as_slice() {
            [] => json_response(
                StatusCode::OK,
                &json!({"paths": ["/api", "/api/v1", "/apis", "/healthz", "/livez", "/readyz", "/version"]}),
            ),
            ["version"] => json_response(StatusCode::OK, &version()),
            ["healthz" | "livez" | "readyz"] => bytes_response(
                StatusCode::OK,
                "text/plain; charset=utf-8",
                Bytes::from_static(b"ok"),
            ),
            ["api" | "apis"] => {
                let core = segs[0] == "api";
                match negotiate_discovery(self.accept, self.shared.aggregated_discovery) {
                    Some(v) => {
                        let body =
                            serde_json::to_vec(&store.aggregated(core, v)).unwrap_or_default();
                        bytes_response(
                            StatusCode::OK,
                            &format!("application/json;g=apidiscovery.k8s.io;v={v};as=APIGroupDiscoveryList"),
                            Bytes::from(body),
                        )
                    }
                    None if core => json_response(
                        StatusCode::OK,
                        &store.api_versions(&self.shared.addr.to_string()),
                    ),
                    None => json_response(StatusCode::OK, &store.group_list()),
                }
            }
            ["apis", g] => match store.group(g) {
                Some(g) => json_response(StatusCode::OK, &store.group_doc(g)),
                None => not_found(),
            },
            ["api", v] => self.resource_list("", v),
            ["apis", g, v] => self.resource_list(g, v),
            ["api" | "apis", ..] => match self.attrs {
                Some(a) => self.serve_resource(a, forced_continue),
                None => not_found(),
            },
            _ => bytes_response(
                StatusCode::NOT_FOUND,
                "text/plain; charset=utf-8",
                Bytes::from_static(b"404 page not found\n"),
            ),
        }
    }

    fn resource_list(&self, group: &str, version: &str) -> Resp {
        match self.shared.store.resource_list(group, version) {
            Some(v) => json_response(StatusCode::OK, &v),
            None => not_found(),
        }
    }

    fn serve_resource(&self, a: &ResourceAttributes, forced_continue: Option<u64>) -> Resp {
        let store = &self.shared.store;
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
        let shape = match negotiate(self.accept, a.name.is_none()) {
            Ok(s) => s,
            Err(()) => {
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
                )
            }
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
        match &a.name {
            Some(name) => {
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
            }
            None => {
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
    }

    fn list(
        &self,
        ti: usize,
        namespace: Option<&str>,
        shape: Shape,
        group_version: &str,
        item_head: Bytes,
        forced_continue: Option<u64>,
    ) -> Resp {
        let store = &self.shared.store;
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
            Shape::Full => (format!("{}List", t.kind), group_version.to_owned()),
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
            shared: Arc::clone(self.shared),
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

fn content_type(shape: Shape, list: bool) -> String {
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
fn negotiate_discovery(accept: Option<&str>, enabled: bool) -> Option<&'static str> {
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
fn negotiate(accept: Option<&str>, is_list: bool) -> Result<Shape, ()> {
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
            None => return Ok(Shape::Full),
            Some("Table") => return Ok(Shape::Full),
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

fn version() -> Value {
    json!({
        "major": "1",
        "minor": "34",
        "gitVersion": "v1.34.1-fakekube",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2025-09-09T00:00:00Z",
        "goVersion": "go1.24.6",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
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
