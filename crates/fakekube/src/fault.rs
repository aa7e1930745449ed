//! Injectable faults: what a real cluster does to a client on a bad day.
//!
//! A fault is attached to a [`Target`] (a resource by plural name and optional group, or
//! every request) and fires on the requests that resolve to it.

use std::time::Duration;

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 403 with a `Status` of reason `Forbidden`, on every matching request.
    Forbidden,
    /// 500 (`InternalError`) on the first `n` matching requests, then normal answers.
    ServerErrorTimes(u32),
    /// 429 (`TooManyRequests`, `Retry-After: 0`) on the first `n` matching requests.
    TooManyRequests(u32),
    /// Waits this long before answering every matching request.
    Slow(Duration),
    /// 410 Gone (reason `Expired`) on the first matching request that carries a
    /// `continue` token, as when the token outlived etcd's compaction; then normal.
    GoneOnContinue,
    /// 503 (`ServiceUnavailable`, `Retry-After: 0`) on every matching request, forever.
    Unavailable,
    /// 429 (`TooManyRequests`, `Retry-After: 0`) on every matching request, forever.
    TooManyRequestsForever,
    /// Every page of a matching list carries the same `continue` token, which restarts
    /// the list: a list that never ends, on a token a client can recognise.
    RepeatingContinue,
    /// Every page of a matching list carries a new `continue` token (which restarts the
    /// list): a list that never ends, and never repeats a token.
    ChangingContinue,
    /// 200 with a `Status` object for a body (no `items`, no `groups`), as a broken
    /// proxy or aggregated API may answer; for a list or for discovery (`/apis`).
    OkStatus,
    /// 200 with a list body that never ends: items streamed in chunks forever.
    EndlessBody,
    /// 200, the first bytes of the list body, then nothing ever again (the connection
    /// stays open).
    StallBody,
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Requests for `resource` (plural) in `group` (`Some("")` is the core group; `None`
    /// is any group, so `pods` also matches `metrics.k8s.io` pods).
    Resource {
        group: Option<String>,
        resource: String,
    },
    /// Every request, discovery included.
    Everything,
    /// Requests for exactly this path (`/apis`, `/api/v1/pods`), whatever the query.
    Path(String),
}

impl Target {
    /// A resource by plural name in any group.
    pub fn resource(plural: &str) -> Self {
        Target::Resource {
            group: None,
            resource: plural.to_owned(),
        }
    }

    /// A resource in one group (`""` for the core group).
    pub fn group_resource(group: &str, plural: &str) -> Self {
        Target::Resource {
            group: Some(group.to_owned()),
            resource: plural.to_owned(),
        }
    }

    /// Discovery of the API groups: `GET /apis`.
    pub fn discovery() -> Self {
        Target::Path("/apis".to_owned())
    }

    pub(crate) fn matches(&self, path: &str, group: Option<&str>, resource: Option<&str>) -> bool {
        match self {
            Target::Everything => true,
            Target::Path(p) => p == path,
            Target::Resource {
                group: g,
                resource: r,
            } => {
                resource == Some(r.as_str())
                    && match g {
                        None => true,
                        Some(g) => group == Some(g.as_str()),
                    }
            }
        }
    }
}

/// `"pods"` (any group), or kubectl's `"deployments.apps"` / `"virtualservices.networking.istio.io"`
/// (plural, then the group after the first dot); a string starting with `/` is a path.
impl From<&str> for Target {
    fn from(s: &str) -> Self {
        if s.starts_with('/') {
            return Target::Path(s.to_owned());
        }
        match s.split_once('.') {
            Some((r, g)) => Target::group_resource(g, r),
            None => Target::resource(s),
        }
    }
}

/// A fault with its remaining count.
#[derive(Debug)]
pub(crate) struct FaultState {
    pub target: Target,
    pub fault: Fault,
    /// Remaining firings for the counted faults; for `GoneOnContinue`, 1 until it fired.
    pub remaining: u32,
    /// How many times it fired (numbers the tokens of `ChangingContinue`).
    pub fired: u64,
}

impl FaultState {
    pub fn new(target: Target, fault: Fault) -> Self {
        let remaining = match fault {
            Fault::ServerErrorTimes(n) | Fault::TooManyRequests(n) => n,
            Fault::GoneOnContinue => 1,
            Fault::Forbidden
            | Fault::Slow(_)
            | Fault::Unavailable
            | Fault::TooManyRequestsForever
            | Fault::RepeatingContinue
            | Fault::ChangingContinue
            | Fault::OkStatus
            | Fault::EndlessBody
            | Fault::StallBody => 0,
        };
        Self {
            target,
            fault,
            remaining,
            fired: 0,
        }
    }
}

/// The failure a request gets, decided before it is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Injected {
    Forbidden,
    ServerError,
    TooManyRequests,
    Gone,
    Unavailable,
    /// Serve the list, with this continue token (0: the same one every time).
    Continue(u64),
    OkStatus,
    EndlessBody,
    StallBody,
}

/// Decides what the faults do to one request: the total delay and the failure, if any
/// (the first fault in insertion order that fires; counters of later ones are untouched).
pub(crate) fn decide(
    faults: &mut [FaultState],
    path: &str,
    group: Option<&str>,
    resource: Option<&str>,
    has_continue: bool,
) -> (Duration, Option<Injected>) {
    let mut delay = Duration::ZERO;
    let mut injected = None;
    for f in faults.iter_mut() {
        if !f.target.matches(path, group, resource) {
            continue;
        }
        if let Fault::Slow(d) = f.fault {
            delay += d;
            continue;
        }
        if injected.is_some() {
            continue;
        }
        injected = match f.fault {
            Fault::Forbidden => Some(Injected::Forbidden),
            Fault::ServerErrorTimes(_) if f.remaining > 0 => {
                f.remaining -= 1;
                Some(Injected::ServerError)
            }
            Fault::TooManyRequests(_) if f.remaining > 0 => {
                f.remaining -= 1;
                Some(Injected::TooManyRequests)
            }
            Fault::GoneOnContinue if has_continue && f.remaining > 0 => {
                f.remaining = 0;
                Some(Injected::Gone)
            }
            Fault::Unavailable => Some(Injected::Unavailable),
            Fault::TooManyRequestsForever => Some(Injected::TooManyRequests),
            Fault::RepeatingContinue => Some(Injected::Continue(0)),
            Fault::ChangingContinue => {
                f.fired += 1;
                Some(Injected::Continue(f.fired))
            }
            Fault::OkStatus => Some(Injected::OkStatus),
            Fault::EndlessBody => Some(Injected::EndlessBody),
            Fault::StallBody => Some(Injected::StallBody),
            _ => None,
        };
    }
    (delay, injected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_kubectl_style() {
        assert_eq!(Target::from("pods"), Target::resource("pods"));
        assert_eq!(
            Target::from("virtualservices.networking.istio.io"),
            Target::group_resource("networking.istio.io", "virtualservices")
        );
        assert!(Target::from("pods").matches("/x", Some("metrics.k8s.io"), Some("pods")));
        assert!(!Target::group_resource("", "pods").matches(
            "/x",
            Some("metrics.k8s.io"),
            Some("pods")
        ));
        assert!(!Target::from("pods").matches("/apis", None, None));
        assert!(Target::Everything.matches("/apis", None, None));
        assert_eq!(Target::from("/apis"), Target::discovery());
        assert!(Target::discovery().matches("/apis", None, None));
        assert!(!Target::discovery().matches("/api", None, None));
    }

    #[test]
    fn counted_faults_run_out_in_order() {
        let mut f = vec![
            FaultState::new(Target::resource("pods"), Fault::ServerErrorTimes(1)),
            FaultState::new(Target::resource("pods"), Fault::TooManyRequests(1)),
            FaultState::new(
                Target::resource("pods"),
                Fault::Slow(Duration::from_millis(5)),
            ),
        ];
        let mut seen = Vec::new();
        for _ in 0..3 {
            seen.push(decide(
                &mut f,
                "/api/v1/pods",
                Some(""),
                Some("pods"),
                false,
            ));
        }
        let d = Duration::from_millis(5);
        assert_eq!(
            seen,
            vec![
                (d, Some(Injected::ServerError)),
                (d, Some(Injected::TooManyRequests)),
                (d, None)
            ]
        );
        assert_eq!(
            decide(&mut f, "/api/v1/nodes", Some(""), Some("nodes"), false),
            (Duration::ZERO, None)
        );
    }

    #[test]
    fn gone_fires_once_and_only_with_a_continue_token() {
        let mut f = vec![FaultState::new(
            Target::resource("pods"),
            Fault::GoneOnContinue,
        )];
        assert_eq!(
            decide(&mut f, "/api/v1/pods", Some(""), Some("pods"), false).1,
            None
        );
        assert_eq!(
            decide(&mut f, "/api/v1/pods", Some(""), Some("pods"), true).1,
            Some(Injected::Gone)
        );
        assert_eq!(
            decide(&mut f, "/api/v1/pods", Some(""), Some("pods"), true).1,
            None
        );
    }

    #[test]
    fn endless_faults_never_run_out() {
        let mut f = vec![
            FaultState::new(Target::resource("pods"), Fault::ChangingContinue),
            FaultState::new(Target::resource("nodes"), Fault::RepeatingContinue),
            FaultState::new(Target::resource("services"), Fault::Unavailable),
        ];
        let mut d = |r| decide(&mut f, "/p", Some(""), Some(r), false).1;
        assert_eq!(d("pods"), Some(Injected::Continue(1)));
        assert_eq!(d("pods"), Some(Injected::Continue(2)));
        assert_eq!(d("nodes"), Some(Injected::Continue(0)));
        assert_eq!(d("nodes"), Some(Injected::Continue(0)));
        for _ in 0..100 {
            assert_eq!(d("services"), Some(Injected::Unavailable));
        }
    }
}
