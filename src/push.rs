//! `scan --push URL`: the metrics sent to a Prometheus Pushgateway, for a CronJob that
//! scans and exits (nothing stays up to be scraped).
//!
//! One `PUT` per cluster to `/metrics/job/meshsurface/cluster/NAME`: the grouping key
//! holds the cluster, so clusters pushing to one gateway never replace each other's
//! figures, and a `PUT` replaces all of that cluster's previous ones (a mesh removed since
//! leaves no stale series). The body is the Prometheus text format 0.0.4, the one text
//! format the Pushgateway parses (it has no OpenMetrics parser), without timestamps.
//!
//! Plain HTTP/1.1 over a `std` TCP stream: one request with a known body needs no client
//! crate, and the Pushgateway usually sits in the cluster's own network. `https://` is
//! refused with a clear error (see `docs/metrics.md`) rather than half-supported.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use base64::Engine as _;
use thiserror::Error;

use crate::exit::Class;

/// The job of the grouping key.
pub const JOB: &str = "meshsurface";

/// The most of a response read (a status line and a short error message).
const MAX_RESPONSE: u64 = 64 * 1024;

/// Why a push failed.
#[derive(Debug, Error)]
pub enum Error {
    #[error("--push {url}: {reason}")]
    Url { url: String, reason: &'static str },
    #[error("cannot push to the Pushgateway at {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the Pushgateway at {url} refused the push of cluster {cluster}: HTTP {status}{}", if body.is_empty() { String::new() } else { format!(": {body}") })]
    Status {
        url: String,
        cluster: String,
        status: u16,
        /// The start of the response body (the gateway's reason), one line.
        body: String,
    },
    #[error("the Pushgateway at {url} answered something that is not HTTP")]
    Answer { url: String },
}

impl Error {
    /// A malformed URL is the command line's fault; the rest is the gateway's.
    pub fn class(&self) -> Class {
        match self {
            Error::Url { .. } => Class::Usage,
            Error::Connect { .. } | Error::Answer { .. } => Class::Unreachable,
            Error::Status { .. } => Class::Failure,
        }
    }
}

/// A Pushgateway address: `http://HOST[:PORT][/PREFIX]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    url: String,
    /// `host:port`, as the `Host` header and the address to connect to.
    authority: String,
    /// The path prefix before `/metrics/...`, without a trailing `/`.
    prefix: String,
}

impl Gateway {
    /// Parses and checks `url` (before anything is scanned).
    pub fn parse(url: &str) -> Result<Gateway, Error> {
        let bad = |reason| Error::Url {
            url: url.to_owned(),
            reason,
        };
        if url.starts_with("https://") {
            return Err(bad(
                "https is not supported: give the gateway's http:// address (inside the cluster, or through a TLS-terminating proxy)",
            ));
        }
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| bad("expected http://HOST[:PORT]"))?;
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority.is_empty() {
            return Err(bad("no host"));
        }
        if authority.contains('@') {
            return Err(bad("user names and passwords in the URL are not supported"));
        }
        if path.contains(['?', '#']) {
            return Err(bad("a query or fragment has no meaning for a push"));
        }
        let has_port = match authority.rfind(']') {
            Some(end) => authority[end..].contains(':'),
            None => authority.contains(':'),
        };
        let authority = if has_port {
            authority.to_owned()
        } else {
            format!("{authority}:80")
        };
        Ok(Gateway {
            url: url.to_owned(),
            authority,
            prefix: path.trim_end_matches('/').to_owned(),
        })
    }

    /// The path a cluster's metrics are pushed to.
    pub fn path(&self, cluster: &str) -> String {
        format!(
            "{}/metrics/job/{JOB}/{}",
            self.prefix,
            grouping_label("cluster", cluster)
        )
    }

    /// `PUT`s `body` (Prometheus text format) as `cluster`'s group, waiting at most
    /// `timeout` for each step (zero: no limit).
    pub fn put(&self, cluster: &str, body: &str, timeout: Duration) -> Result<(), Error> {
        let connect = |source| Error::Connect {
            url: self.url.clone(),
            source,
        };
        let timeout = (!timeout.is_zero()).then_some(timeout);
        let addrs: Vec<_> = self.authority.to_socket_addrs().map_err(connect)?.collect();
        let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "no address");
        let mut stream = None;
        for addr in addrs {
            let r = match timeout {
                Some(t) => TcpStream::connect_timeout(&addr, t),
                None => TcpStream::connect(addr),
            };
            match r {
                Ok(s) => {
                    stream = Some(s);
                    break;
                }
                Err(e) => last = e,
            }
        }
        let mut stream = stream.ok_or_else(|| connect(last))?;
        stream.set_read_timeout(timeout).map_err(connect)?;
        stream.set_write_timeout(timeout).map_err(connect)?;
        let head = format!(
            "PUT {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: meshsurface/{}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.path(cluster),
            self.authority,
            env!("CARGO_PKG_VERSION"),
            crate::render::openmetrics::PROMETHEUS_CONTENT_TYPE,
            body.len()
        );
        stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(body.as_bytes()))
            .map_err(connect)?;
        let mut answer = Vec::new();
        stream
            .take(MAX_RESPONSE)
            .read_to_end(&mut answer)
            .map_err(connect)?;
        let status = status_of(&answer).ok_or_else(|| Error::Answer {
            url: self.url.clone(),
        })?;
        if (200..300).contains(&status) {
            return Ok(());
        }
        Err(Error::Status {
            url: self.url.clone(),
            cluster: cluster.to_owned(),
            status,
            body: reason_of(&answer),
        })
    }
}

/// `NAME/VALUE` of a grouping key: URL-escaped, or `NAME@base64/VALUE` (URL-safe base64)
/// when the value holds a `/` or is empty, as the Pushgateway reads them.
pub fn grouping_label(name: &str, value: &str) -> String {
    if value.is_empty() {
        return format!("{name}@base64/=");
    }
    if value.contains('/') {
        let b = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value);
        return format!("{name}@base64/{b}");
    }
    let mut out = format!("{name}/");
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The status code of an HTTP/1.x response.
fn status_of(answer: &[u8]) -> Option<u16> {
    let line = answer.split(|b| *b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.split_whitespace();
    words.next().filter(|v| v.starts_with("HTTP/1."))?;
    words.next()?.parse().ok()
}

/// The first line of the response body, shortened, printable.
fn reason_of(answer: &[u8]) -> String {
    let text = String::from_utf8_lossy(answer);
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let line = body.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.chars().filter(|c| !c.is_control()).take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let g = Gateway::parse("http://gw.monitoring:9091").unwrap();
        assert_eq!(g.authority, "gw.monitoring:9091");
        assert_eq!(g.path("prod"), "/metrics/job/meshsurface/cluster/prod");
        let g = Gateway::parse("http://gw/prefix/").unwrap();
        assert_eq!(g.authority, "gw:80");
        assert_eq!(
            g.path("a b"),
            "/prefix/metrics/job/meshsurface/cluster/a%20b"
        );
        let g = Gateway::parse("http://[::1]").unwrap();
        assert_eq!(g.authority, "[::1]:80");
        for bad in [
            "https://gw",
            "gw:9091",
            "http://",
            "http://u:p@gw",
            "http://gw/?x",
        ] {
            let e = Gateway::parse(bad).unwrap_err();
            assert_eq!(e.class(), Class::Usage, "{bad}");
        }
    }

    #[test]
    fn grouping_values_with_a_slash_are_base64() {
        assert_eq!(
            grouping_label("cluster", "arn:aws:eks:eu-west-1:1:cluster/prod"),
            "cluster@base64/YXJuOmF3czpla3M6ZXUtd2VzdC0xOjE6Y2x1c3Rlci9wcm9k"
        );
        assert_eq!(grouping_label("cluster", ""), "cluster@base64/=");
        assert_eq!(grouping_label("cluster", "kind-a.b"), "cluster/kind-a.b");
        assert_eq!(grouping_label("cluster", "ü?"), "cluster/%C3%BC%3F");
    }

    #[test]
    fn responses() {
        assert_eq!(status_of(b"HTTP/1.1 200 OK\r\n\r\n"), Some(200));
        assert_eq!(status_of(b"SSH-2.0-OpenSSH\r\n"), None);
        let r = b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\r\npushed metrics are invalid\n";
        assert_eq!(status_of(r), Some(400));
        assert_eq!(reason_of(r), "pushed metrics are invalid");
    }
}
