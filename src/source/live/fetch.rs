//! The only code that speaks HTTP to the cluster: one GET with retries, and one list
//! walked page by page, each with the bounds that keep a broken or hostile server from
//! hanging the scan or exhausting memory.
//!
//! * **Retries**: one policy for every request (discovery, lists, metrics): at most
//!   [`ATTEMPTS`] attempts; `429`, `500`, `502`, `503`, `504` and transport errors are
//!   retried after 0.2 s, 0.4 s, 0.8 s, 1.6 s (or the server's `Retry-After`, capped at
//!   [`MAX_DELAY`]); TLS failures (a certificate will not heal) and timeouts are not. So
//!   one request ends within `ATTEMPTS × --request-timeout + 4 × MAX_DELAY`, and a request
//!   that runs out of attempts names the last answer (`HTTP 503 ...`). kube-rs's own retry
//!   layer is turned off ([`client`]): it would retry 15 times, for up to 1000 s each.
//! * **Bodies** are read frame by frame; past `--max-page-size` bytes the answer is
//!   dropped, unread, and the resource reported as incomplete.
//! * **Lists** must be lists (`kind` ending in `List`, `items` present, maybe empty), and
//!   end: see [`ListBound`].

use std::fmt::Write as _;
use std::time::Duration;

use http_body_util::BodyExt;
use serde::Deserialize;

use super::transport::transport_error;
use super::Lister;
use bound::ListBound;
use page::Page;
pub(super) use page::Parsed;
use pipe::Pipe;

mod bound;
mod deal;
mod page;
mod pipe;

/// Attempts per request, the first included.
pub const ATTEMPTS: u32 = 5;
/// The wait before the first retry; it doubles for each next one.
const FIRST_DELAY: Duration = Duration::from_millis(200);
/// The longest wait between two attempts, whatever `Retry-After` asks.
pub const MAX_DELAY: Duration = Duration::from_secs(5);
/// Default `--max-page-size`: 256 MiB, some 25 times a page of 500 pods with their
/// `managedFields` (about 10 MiB), and 500 CRDs of 0.5 MiB each.
pub const DEFAULT_MAX_PAGE_BYTES: u64 = 256 << 20;
/// Objects in one list when the server does not announce a count: ten times the largest
/// list the Kubernetes scalability envelope allows (150,000 pods per cluster).
pub const MAX_LIST_OBJECTS: u64 = 1_500_000;
/// How much of an error answer's body is kept (for its `Status` message).
const ERROR_BODY_BYTES: u64 = 64 << 10;
/// How many times a list starts over after `410 Gone` (an expired continue token).
const GONE_RESTARTS: u32 = 3;

/// How one request or list ended, when it did not end well.
#[derive(Debug)]
pub(super) enum Fault {
    Forbidden(String),
    Timeout,
    Failed(String),
    /// The server answered, but not with what was asked for: not a list, a list that
    /// never ends, a page past `--max-page-size`.
    Invalid(String),
    /// The server does not serve it (404): nothing to read, not a fault of the scan.
    NotServed,
}

/// A whole answer.
pub(super) enum Sent {
    Ok(bytes::Bytes),
    Status(u16, String),
}

/// A client without kube-rs's retry layer: [`Lister::get`] is the one retry policy.
pub(super) fn client(mut config: kube::Config) -> Result<kube::Client, kube::Error> {
    config.default_retry = false;
    kube::Client::try_from(config)
}

/// What one attempt gave.
enum Attempt {
    Answer(Sent),
    /// Worth another attempt (a 429/5xx, a transport error): what it was.
    Retry(String, Option<Duration>),
}

impl Lister {
    /// One GET under the retry policy (see the module docs).
    pub(super) async fn get(&self, path: &str, accept: &str) -> Result<Sent, Fault> {
        self.get_into(path, accept, None).await
    }

    /// [`Lister::get`], reading the body into `spare` (a buffer an earlier page gave
    /// back) when there is one.
    async fn get_into(
        &self,
        path: &str,
        accept: &str,
        mut spare: Option<bytes::BytesMut>,
    ) -> Result<Sent, Fault> {
        let mut delay = FIRST_DELAY;
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(MAX_DELAY);
            }
            let once = self.attempt(path, accept, spare.take());
            let result = match self.timeout {
                Some(t) => tokio::time::timeout(t, once)
                    .await
                    .map_err(|_| Fault::Timeout)?,
                None => once.await,
            };
            match result? {
                Attempt::Answer(sent) => return Ok(sent),
                Attempt::Retry(why, retry_after) => {
                    last = why;
                    if let Some(wait) = retry_after {
                        delay = delay.max(wait.min(MAX_DELAY));
                    }
                }
            }
        }
        Err(Fault::Failed(format!(
            "gave up after {ATTEMPTS} attempts; the last answer was {last}"
        )))
    }

    async fn attempt(
        &self,
        path: &str,
        accept: &str,
        buf: Option<bytes::BytesMut>,
    ) -> Result<Attempt, Fault> {
        let req = http::Request::get(path)
            .header(http::header::ACCEPT, accept)
            .body(kube::client::Body::empty())
            .map_err(|e| Fault::Failed(e.to_string()))?;
        let resp = match self.client.send(req).await {
            Ok(r) => r,
            Err(e) => {
                let t = transport_error(&e);
                return if t.tls {
                    Err(Fault::Failed(t.message))
                } else {
                    Ok(Attempt::Retry(t.message, None))
                };
            }
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let ok = (200..300).contains(&status);
        let cap = if ok {
            self.max_page_bytes
        } else {
            ERROR_BODY_BYTES
        };
        let length = resp
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let buf = room_for(buf.unwrap_or_default(), length, cap);
        let body = match read_body(resp.into_body(), cap, buf).await {
            Ok(b) => b,
            Err(e) => return Ok(Attempt::Retry(e, None)),
        };
        if ok {
            return match body {
                Body::Whole(bytes) => Ok(Attempt::Answer(Sent::Ok(bytes))),
                Body::Cut(_) => Err(Fault::Invalid(format!(
                    "the answer is larger than --max-page-size ({cap} bytes); stopped reading it"
                ))),
            };
        }
        let message = status_message(body.bytes());
        if matches!(status, 429 | 500 | 502 | 503 | 504) {
            return Ok(Attempt::Retry(
                format!("HTTP {status}: {message}"),
                retry_after,
            ));
        }
        Ok(Attempt::Answer(Sent::Status(status, message)))
    }

    /// Walks every page of a list, handing each raw item to `each` (with `state`, on a
    /// parsing thread while the next page downloads: see [`pipe`]); returns the state. On
    /// `410 Gone` (an expired continue token) the list starts over, after `restart`
    /// forgets what was collected. A list that does not end within its [`ListBound`] is
    /// a fault.
    pub(super) async fn pages<T: Send + 'static>(
        &self,
        base: &str,
        accept: &str,
        state: T,
        restart: impl FnMut(&mut T) + Send + 'static,
        mut each: impl FnMut(&mut T, &[u8]) -> Result<(), String> + Send + 'static,
    ) -> Result<T, Fault> {
        let slots = if pipe::overlapped() { pipe::SLOTS } else { 1 };
        let pipe = Pipe::start(slots, state, restart, move |s, page| {
            page.each(|item| each(s, item))
        });
        self.drain(base, accept, pipe, false).await
    }

    /// Like [`Lister::pages`], with each page handed whole to `each` and read head first
    /// ([`page::head`]: the items in one pass), and dealt to several parsing threads: each
    /// folds its page into a `fresh` state, and those are merged into the list's (`fresh`
    /// too, and again after a restart) in page order ([`deal`]). One thread
    /// (`MESHSURFACE_PARSE_THREADS=1`, or one core) folds each page into the list's state.
    pub(super) async fn pages_dealt<T: Send + 'static>(
        &self,
        base: &str,
        accept: &str,
        fresh: impl Fn() -> T + Send + Sync + 'static,
        each: impl Fn(&mut T, &Parsed) -> Result<u64, String> + Send + Sync + 'static,
        merge: impl FnMut(&mut T, T) + Send + 'static,
    ) -> Result<T, Fault> {
        let fresh = std::sync::Arc::new(fresh);
        let again = fresh.clone();
        let restart = move |s: &mut T| *s = again();
        let threads = deal::threads();
        let pipe = if threads < 2 || !pipe::overlapped() {
            let slots = if pipe::overlapped() { pipe::SLOTS } else { 1 };
            Pipe::start(slots, fresh(), restart, each)
        } else {
            Pipe::dealt(threads, (fresh(), restart), move || fresh(), each, merge)
        };
        self.drain(base, accept, pipe, true).await
    }

    /// Walks the list into `pipe`, then waits for it: the state, or why the list failed.
    async fn drain<T: Send + 'static>(
        &self,
        base: &str,
        accept: &str,
        pipe: Pipe<T>,
        head_first: bool,
    ) -> Result<T, Fault> {
        let walked = self.walk(base, accept, &pipe, head_first).await;
        let counted = pipe.counter();
        let parsed = pipe.finish().await;
        // Items of pages read head first are counted once parsed.
        let given = *walked.as_ref().unwrap_or(&0);
        self.progress.objects.fetch_add(
            counted
                .load(std::sync::atomic::Ordering::Relaxed)
                .saturating_sub(given),
            std::sync::atomic::Ordering::Relaxed,
        );
        walked?;
        parsed.map_err(Fault::Failed)
    }

    /// Downloads the pages of a list into `pipe`; stops early (Ok) when the parser did.
    /// Each page is read whole to find its items and continue token ([`page::Page`]), or,
    /// `head_first`, only up to its `items` when it can be ([`page::head`]): its items are
    /// then counted (for the progress line and the [`ListBound`]) once parsed. Returns how
    /// many items it counted.
    async fn walk<T: Send + 'static>(
        &self,
        base: &str,
        accept: &str,
        pipe: &Pipe<T>,
        head_first: bool,
    ) -> Result<u64, Fault> {
        let mut restarts = 0;
        let mut next: Option<String> = None;
        let mut bound = ListBound::new(self.page_size);
        let mut given = 0u64;
        loop {
            let mut path = format!("{base}?limit={}", self.page_size);
            if let Some(token) = &next {
                path.push_str("&continue=");
                path.push_str(&encode(token));
            }
            let (slot, spare) = pipe.slot().await;
            let bytes = match self.get_into(&path, accept, spare).await? {
                Sent::Ok(bytes) => bytes,
                Sent::Status(403, msg) => return Err(Fault::Forbidden(msg)),
                Sent::Status(404, _) => return Err(Fault::NotServed),
                Sent::Status(410, _) if restarts < GONE_RESTARTS && next.is_some() => {
                    restarts += 1;
                    next = None;
                    bound = ListBound::new(self.page_size);
                    if !pipe.restart() {
                        return Ok(given);
                    }
                    continue;
                }
                Sent::Status(code, msg) => {
                    return Err(Fault::Failed(format!("HTTP {code}: {msg}")))
                }
            };
            let head = head_first.then(|| page::head(&bytes)).flatten();
            let (items, token, remaining, count) = if let Some(h) = head {
                let count = pipe.parsed().saturating_sub(given);
                (page::Items::Array(h.items), h.next, h.remaining, count)
            } else {
                let p = Page::parse(&bytes).map_err(Fault::Invalid)?;
                let items = page::ranges(&bytes, &p.items);
                let count = items.len() as u64;
                (page::Items::Split(items), p.next, p.remaining, count)
            };
            given = given.saturating_add(count);
            self.progress
                .objects
                .fetch_add(count, std::sync::atomic::Ordering::Relaxed);
            if !pipe.page(Parsed { body: bytes, items }, slot) {
                return Ok(given);
            }
            match token {
                Some(t) => {
                    bound
                        .next_page(count, remaining, &t)
                        .map_err(Fault::Invalid)?;
                    next = Some(t);
                }
                None => return Ok(given),
            }
        }
    }
}

/// A body read up to a cap.
enum Body {
    Whole(bytes::Bytes),
    /// The first bytes of a body longer than the cap.
    Cut(bytes::Bytes),
}

impl Body {
    fn bytes(&self) -> &[u8] {
        match self {
            Body::Whole(b) | Body::Cut(b) => b,
        }
    }
}

/// A buffer with room for an answer of `length` bytes (its `Content-Length`, when given
/// and under `cap`): the one given back by an earlier page when it is big enough, else a
/// new one of that size and a sixteenth more (pages of one list differ a little), so that a
/// page does not sit in a buffer doubled past its size (docs/performance.md).
fn room_for(buf: bytes::BytesMut, length: Option<u64>, cap: u64) -> bytes::BytesMut {
    match length
        .filter(|&n| n <= cap)
        .and_then(|n| usize::try_from(n).ok())
    {
        Some(n) if buf.capacity() < n => {
            // The old one goes first: three pod pages are not held at once, even briefly.
            drop(buf);
            bytes::BytesMut::with_capacity(n.saturating_add(n / 16))
        }
        _ => buf,
    }
}

/// Reads a body frame by frame, stopping (and dropping the connection) past `cap` bytes.
async fn read_body(
    mut body: kube::client::Body,
    cap: u64,
    mut buf: bytes::BytesMut,
) -> Result<Body, String> {
    buf.clear();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| format!("reading the answer: {e}"))?;
        if let Ok(data) = frame.into_data() {
            let room = usize::try_from(cap.saturating_sub(buf.len() as u64)).unwrap_or(usize::MAX);
            if data.len() > room {
                buf.extend_from_slice(&data[..room]);
                return Ok(Body::Cut(buf.freeze()));
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(Body::Whole(buf.freeze()))
}

/// Percent-encodes a continue token for a query string.
pub(super) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The `message` of a Kubernetes `Status` body, or the start of whatever came back.
pub(super) fn status_message(bytes: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Status {
        message: Option<String>,
    }
    serde_json::from_slice::<Status>(bytes)
        .ok()
        .and_then(|s| s.message)
        .unwrap_or_else(|| String::from_utf8_lossy(bytes).chars().take(200).collect())
}

#[cfg(test)]
mod tests;
