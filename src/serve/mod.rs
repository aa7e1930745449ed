//! `serve`: scan on a timer and serve the last good scan over HTTP, for Prometheus to
//! scrape (`docs/serve.md`).
//!
//! Two threads. The scanner (a plain thread: a live scan runs its own small runtime and
//! blocks) scans at start, then every interval with ±10% jitter (many replicas over a
//! fleet do not hit their API servers in step), and records each outcome in the shared
//! [`State`]. The main thread runs a current-thread runtime: the HTTP/1.1 server (hyper,
//! already built for kube-rs; answers in [`http`]), the signals, and the log, so that
//! every log line is written by the one thread that holds stderr. SIGTERM or SIGINT stops
//! accepting, lets requests in flight finish (5 s at most) and returns; a scan in
//! progress is abandoned (it only reads).

mod http;
pub mod log;
mod state;

use std::convert::Infallible;
use std::hash::{BuildHasher, RandomState};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use crate::surface::Snapshot;
pub use log::{Event, Level, LogFormat};
pub use state::State;

/// Connections served at once; more wait in the kernel's backlog.
const MAX_CONNECTIONS: usize = 64;
/// How long a client may take to send a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long requests in flight may take to finish after a shutdown signal.
const DRAIN: Duration = Duration::from_secs(5);

/// How `serve` runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub interval: Duration,
    pub log_format: LogFormat,
}

/// Why `serve` could not run (a failed scan is not one: it is counted and logged).
#[derive(Debug, Error)]
pub enum Error {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the async runtime or its signal handlers: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("cannot write the log: {0}")]
    Log(#[source] std::io::Error),
}

/// One scan: a snapshot (complete or not) or why none was made.
pub type Scan = Box<dyn FnMut() -> Result<Snapshot, String> + Send>;

/// Serves until SIGTERM or SIGINT, then returns `Ok`. `scan` is called at start and then
/// on the timer; log lines go to `stderr`.
pub fn run(config: &Config, scan: Scan, stderr: &mut dyn Write) -> Result<(), Error> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    rt.block_on(serve(config, scan, stderr))
}

async fn serve(config: &Config, scan: Scan, stderr: &mut dyn Write) -> Result<(), Error> {
    let format = config.log_format;
    let mut write = |e: &Event| -> Result<(), Error> {
        let line = e.line(format, &crate::pipeline::now_rfc3339());
        stderr.write_all(line.as_bytes()).map_err(Error::Log)
    };
    // Handlers first: a signal that arrives once the address is known ends us cleanly.
    let mut signals = Signals::new().map_err(Error::Runtime)?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| Error::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| Error::Bind {
        addr: config.listen,
        source,
    })?;
    write(
        &Event::new(
            Level::Info,
            "listening",
            format!("serving on http://{addr}"),
        )
        .with("addr", addr.to_string())
        .with("interval_seconds", config.interval.as_secs_f64()),
    )?;
    let state = Arc::new(Mutex::new(State::default()));
    let (log_tx, mut log_rx) = mpsc::unbounded_channel::<Event>();
    let stop = Arc::new(Stop::default());
    spawn_scanner(
        scan,
        config.interval,
        Arc::clone(&state),
        log_tx,
        Arc::clone(&stop),
    );
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let mut conns = JoinSet::new();
    let signal = loop {
        tokio::select! {
            s = signals.recv() => break s,
            Some(event) = log_rx.recv() => write(&event)?,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                if conns.len() >= MAX_CONNECTIONS {
                    continue;
                }
                conns.spawn(connection(stream, Arc::clone(&state), shutdown_rx.clone()));
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    };
    stop.set();
    drop(listener);
    let _ = shutdown_tx.send(true);
    let _ = tokio::time::timeout(DRAIN, async { while conns.join_next().await.is_some() {} }).await;
    conns.abort_all();
    while let Ok(event) = log_rx.try_recv() {
        write(&event)?;
    }
    write(&Event::new(Level::Info, "shutdown", format!("{signal}: stopped")).with("signal", signal))
}

/// Serves one connection until the client closes it or a shutdown asks it to finish its
/// request in flight.
async fn connection(
    stream: tokio::net::TcpStream,
    state: Arc<Mutex<State>>,
    mut shutdown: watch::Receiver<bool>,
) {
    let svc = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let accept = req
            .headers()
            .get(hyper::header::ACCEPT)
            .and_then(|v| v.to_str().ok());
        let a = {
            let s = state.lock().unwrap_or_else(PoisonError::into_inner);
            http::answer(req.method().as_str(), req.uri().path(), accept, &s)
        };
        let mut r = hyper::Response::new(Full::new(Bytes::from(a.body)));
        *r.status_mut() = hyper::StatusCode::from_u16(a.status).unwrap_or(hyper::StatusCode::OK);
        let h = r.headers_mut();
        h.insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static(a.content_type),
        );
        if let Some(allow) = a.allow {
            h.insert(
                hyper::header::ALLOW,
                hyper::header::HeaderValue::from_static(allow),
            );
        }
        async move { Ok::<_, Infallible>(r) }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(TokioIo::new(stream), svc);
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = shutdown.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// The scanner thread: scan, record, log, sleep (interruptibly) and again.
fn spawn_scanner(
    mut scan: Scan,
    interval: Duration,
    state: Arc<Mutex<State>>,
    log: mpsc::UnboundedSender<Event>,
    stop: Arc<Stop>,
) {
    let seed = RandomState::new();
    std::thread::spawn(move || {
        for n in 0u64.. {
            let started = Instant::now();
            let outcome = scan();
            let event = {
                let mut s = state.lock().unwrap_or_else(PoisonError::into_inner);
                record(&mut s, outcome, started.elapsed())
            };
            if log.send(event).is_err() {
                return;
            }
            if stop.wait(jittered(interval, seed.hash_one(n))) {
                return;
            }
        }
    });
}

/// Records one scan's outcome in `state`; the event that says it.
fn record(state: &mut State, outcome: Result<Snapshot, String>, took: Duration) -> Event {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let seconds = took.as_secs_f64();
    match outcome {
        Err(e) => {
            state.record_failure();
            Event::new(Level::Error, "scan-failed", e)
                .with("duration_seconds", seconds)
                .with("failed_total", state.failed)
        }
        Ok(snap) => {
            let context = |e: Event| match &snap.source.context {
                Some(c) => e.with("context", c.as_str()),
                None => e,
            };
            match state.record(&snap, now) {
                Ok(()) => context(Event::new(Level::Info, "scan", "scan complete"))
                    .with("duration_seconds", seconds)
                    .with("meshes", snap.meshes.len() as u64)
                    .with("proxies", snap.totals.proxy_instances)
                    .with("warnings", snap.warnings.len() as u64),
                Err(reason) => {
                    let mut codes: Vec<&str> =
                        snap.warnings.iter().map(|w| w.code.as_str()).collect();
                    codes.sort_unstable();
                    codes.dedup();
                    context(Event::new(
                        Level::Warn,
                        "scan-incomplete",
                        "scan incomplete: the figures served stay those of the last complete scan",
                    ))
                    .with("reason", reason.as_str())
                    .with("duration_seconds", seconds)
                    .with("warning_codes", codes.join(","))
                    .with("incomplete_total", state.incomplete)
                }
            }
        }
    }
}

/// `interval` moved by up to ±10%, by `random`.
fn jittered(interval: Duration, random: u64) -> Duration {
    let spread = interval / 5;
    let nanos = u64::try_from(spread.as_nanos()).unwrap_or(u64::MAX);
    let offset = if nanos == 0 { 0 } else { random % nanos };
    interval.saturating_sub(interval / 10) + Duration::from_nanos(offset)
}

/// The scanner's stop flag, and its interruptible sleep.
#[derive(Default)]
struct Stop {
    stopped: Mutex<bool>,
    wake: Condvar,
}

impl Stop {
    fn set(&self) {
        *self.stopped.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.wake.notify_all();
    }

    /// Sleeps `d` unless stopped first; whether stopped.
    fn wait(&self, d: Duration) -> bool {
        let guard = self.stopped.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = self
            .wake
            .wait_timeout_while(guard, d, |stopped| !*stopped)
            .unwrap_or_else(PoisonError::into_inner);
        *guard
    }
}

/// SIGTERM and SIGINT (Ctrl-C elsewhere), registered once.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Self {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// The name of the next signal.
    async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => "SIGTERM",
                _ = self.int.recv() => "SIGINT",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "ctrl-c"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_ten_percent() {
        let i = Duration::from_secs(60);
        for r in [0, 1, 7_000_000_000, u64::MAX] {
            let d = jittered(i, r);
            assert!(
                d >= Duration::from_secs(54) && d < Duration::from_secs(66),
                "{d:?}"
            );
        }
        assert_ne!(jittered(i, 1), jittered(i, 2_000_000_000));
        assert_eq!(jittered(Duration::ZERO, 5), Duration::ZERO);
    }

    #[test]
    fn stop_wakes_a_sleeping_scanner() {
        let stop = Arc::new(Stop::default());
        let s = Arc::clone(&stop);
        let t = std::thread::spawn(move || s.wait(Duration::from_secs(3600)));
        stop.set();
        assert!(t.join().unwrap());
    }

    #[test]
    fn a_failed_scan_is_counted_and_logged_as_an_error() {
        let mut s = State::default();
        let e = record(&mut s, Err("cannot reach".into()), Duration::from_secs(1));
        assert_eq!((e.level, e.event), (Level::Error, "scan-failed"));
        assert_eq!((s.scans, s.failed), (1, 1));
    }
}
