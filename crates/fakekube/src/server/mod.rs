//! The HTTP side: authentication, faults, routing, and the request log.
//!
//! Answers are shaped like the real API server's (status codes, `Status` bodies, list
//! envelopes, continue tokens), because that is the contract the live client is written
//! against. This module takes a request from the wire to the right answer; the answers
//! themselves are built beside it, one job per module:
//!
//! * [`status`]: `Status` error bodies and injected faults;
//! * [`negotiate`]: what `Accept` asks for (whole objects, metadata only, aggregated
//!   discovery);
//! * [`resource`]: one object or one page of a list, with selectors and continue tokens;
//! * [`body`]: list bodies produced lazily, a chunk of items at a time, from bytes
//!   serialized once at start-up, and the bodies of the misbehaving-body faults.

mod body;
mod negotiate;
mod resource;
mod status;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ACCEPT, AUTHORIZATION};
use hyper::{Request, StatusCode};
use serde_json::{json, Value};

use crate::fault::{decide, FaultState, Injected};
use crate::request::{
    decode_component, parse_query, resource_attributes, RequestRecord, ResourceAttributes,
};
use crate::store::Store;

use negotiate::negotiate_discovery;
use status::{bytes_response, injected, json_response, not_found, status, Resp};

/// State shared by all connections.
pub(crate) struct Shared {
    /// The objects served; replaced whole by [`crate::Running::set_objects`]. Each request
    /// answers from the store it found when it arrived.
    pub store: RwLock<Arc<Store>>,
    /// Serve `metrics.k8s.io` even without metrics objects (kept for a new store).
    pub metrics: bool,
    pub faults: Mutex<Vec<FaultState>>,
    pub log: Mutex<Vec<RequestRecord>>,
    pub token: Option<String>,
    pub addr: SocketAddr,
    /// Serve `apidiscovery.k8s.io` aggregated discovery on `/api` and `/apis`.
    pub aggregated_discovery: bool,
    /// Leave `apiVersion`/`kind` off the items of built-in lists.
    pub bare_list_items: bool,
    /// `gitVersion` of `GET /version`.
    pub git_version: String,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// The store served now.
    pub(crate) fn store(&self) -> Arc<Store> {
        Arc::clone(&self.store.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Serves `store` from the next request on.
    pub(crate) fn replace_store(&self, store: Store) {
        *self.store.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(store);
    }
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
        store: shared.store(),
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
    store: Arc<Store>,
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
        let store = &self.store;
        let segs: Vec<&str> = self.segments.iter().map(String::as_str).collect();
        match segs.as_slice() {
            [] => json_response(
                StatusCode::OK,
                &json!({"paths": ["/api", "/api/v1", "/apis", "/healthz", "/livez", "/readyz", "/version"]}),
            ),
            ["version"] => json_response(StatusCode::OK, &version(&self.shared.git_version)),
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
                        &Store::api_versions(&self.shared.addr.to_string()),
                    ),
                    None => json_response(StatusCode::OK, &store.group_list()),
                }
            }
            ["apis", g] => match store.group(g) {
                Some(g) => json_response(StatusCode::OK, &Store::group_doc(g)),
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
        match self.store.resource_list(group, version) {
            Some(v) => json_response(StatusCode::OK, &v),
            None => not_found(),
        }
    }
}

fn version(git_version: &str) -> Value {
    let mut numbers = git_version
        .trim_start_matches('v')
        .split(|c: char| !c.is_ascii_digit());
    let major = numbers.next().unwrap_or_default();
    let minor = numbers.next().unwrap_or_default();
    json!({
        "major": major,
        "minor": minor,
        "gitVersion": git_version,
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2025-09-09T00:00:00Z",
        "goVersion": "go1.24.6",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}
