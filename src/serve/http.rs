//! `serve`'s answers: which body, status and media type a request gets. A pure function
//! of the request line, its `Accept` header and the [`State`], so every route is tested
//! without a socket; `mod.rs` puts it on the wire with hyper.

use crate::render::openmetrics::{OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE};

use super::state::State;

const TEXT: &str = "text/plain; charset=utf-8";
const JSON: &str = "application/json";

/// An answer: status, media type, body, and an `Allow` header for a 405.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    pub allow: Option<&'static str>,
}

impl Answer {
    fn new(status: u16, content_type: &'static str, body: impl Into<String>) -> Self {
        Self {
            status,
            content_type,
            body: body.into(),
            allow: None,
        }
    }
}

/// The answer to `method path` (`HEAD` is answered as `GET`; hyper drops the body).
pub fn answer(method: &str, path: &str, accept: Option<&str>, state: &State) -> Answer {
    if method != "GET" && method != "HEAD" {
        let mut a = Answer::new(405, TEXT, "method not allowed: GET or HEAD\n");
        a.allow = Some("GET, HEAD");
        return a;
    }
    match path {
        "/metrics" => {
            let e = state.exposition();
            if wants_openmetrics(accept) {
                Answer::new(200, OPENMETRICS_CONTENT_TYPE, e.openmetrics())
            } else {
                Answer::new(200, PROMETHEUS_CONTENT_TYPE, e.prometheus_text())
            }
        }
        "/snapshot" => match &state.good {
            Some(g) => Answer::new(200, JSON, g.snapshot_json.to_string()),
            None => Answer::new(503, TEXT, "no complete scan yet\n"),
        },
        "/healthz" => Answer::new(200, TEXT, "ok\n"),
        "/readyz" if state.ready() => Answer::new(200, TEXT, "ok\n"),
        "/readyz" => Answer::new(503, TEXT, "no complete scan yet\n"),
        "/" => Answer::new(
            200,
            TEXT,
            "meshsurface serve: /metrics /snapshot /healthz /readyz\n",
        ),
        _ => Answer::new(404, TEXT, "not found\n"),
    }
}

/// Whether `Accept` asks for OpenMetrics 1.0 (`application/openmetrics-text` with no
/// version or `version=1.0.0`, and a non-zero `q`), as Prometheus' scrapes do; anything
/// else gets the text format 0.0.4, which every scraper reads.
pub fn wants_openmetrics(accept: Option<&str>) -> bool {
    accept.is_some_and(|a| {
        a.split(',').any(|range| {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or_default();
            if !media.eq_ignore_ascii_case("application/openmetrics-text") {
                return false;
            }
            let mut ok = true;
            for p in parts {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                match k.trim().to_ascii_lowercase().as_str() {
                    "version" => ok &= v.trim() == "1.0.0",
                    "q" => ok &= v.trim().parse::<f64>().is_ok_and(|q| q > 0.0),
                    _ => {}
                }
            }
            ok
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROMETHEUS_3: &str = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    #[test]
    fn accept_chooses_the_format() {
        assert!(wants_openmetrics(Some(PROMETHEUS_3)));
        assert!(wants_openmetrics(Some("application/openmetrics-text")));
        assert!(!wants_openmetrics(None));
        assert!(!wants_openmetrics(Some("text/plain;version=0.0.4")));
        assert!(!wants_openmetrics(Some("*/*")));
        assert!(!wants_openmetrics(Some(
            "application/openmetrics-text;version=0.0.1"
        )));
        assert!(!wants_openmetrics(Some(
            "application/openmetrics-text;version=1.0.0;q=0"
        )));
    }

    #[test]
    fn metrics_in_either_format() {
        let s = State::default();
        let om = answer("GET", "/metrics", Some(PROMETHEUS_3), &s);
        assert_eq!(om.status, 200);
        assert_eq!(om.content_type, OPENMETRICS_CONTENT_TYPE);
        assert!(om.body.ends_with("# EOF\n"));
        let text = answer("GET", "/metrics", None, &s);
        assert_eq!(text.content_type, PROMETHEUS_CONTENT_TYPE);
        assert!(text
            .body
            .contains("# TYPE meshsurface_scans_total counter\n"));
        assert!(!text.body.contains("# EOF"));
    }

    #[test]
    fn ready_and_snapshot_wait_for_a_complete_scan() {
        let mut s = State::default();
        assert_eq!(answer("GET", "/healthz", None, &s).status, 200);
        assert_eq!(answer("GET", "/readyz", None, &s).status, 503);
        assert_eq!(answer("GET", "/snapshot", None, &s).status, 503);
        s.record(
            &crate::surface::Snapshot::empty(crate::surface::Source::projected()),
            1.0,
        )
        .unwrap();
        assert_eq!(answer("HEAD", "/readyz", None, &s).status, 200);
        let snap = answer("GET", "/snapshot", None, &s);
        assert_eq!((snap.status, snap.content_type), (200, JSON));
        assert!(snap.body.contains("\"schemaVersion\""), "{}", snap.body);
    }

    #[test]
    fn other_paths_and_methods() {
        let s = State::default();
        assert_eq!(answer("GET", "/nope", None, &s).status, 404);
        let post = answer("POST", "/metrics", None, &s);
        assert_eq!((post.status, post.allow), (405, Some("GET, HEAD")));
    }
}
