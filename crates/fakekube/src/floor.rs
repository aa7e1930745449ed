//! `fakekube-floor`: the download floor of a scan, for `scripts/bench.sh`.
//!
//! Fetches every page of every list a scan read (the first pages are taken from the
//! fake's `--request-log`), all lists at once, each over its own kept-alive connection,
//! with the same `Accept` header the scan sent, and parses nothing but the `continue`
//! token of each page. Whatever a scan does beyond this (parsing, folding) is its cost
//! over the floor; the benchmark reports the ratio.
#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a standalone benchmark tool's entry point prints its figures and errors"
)]

use std::process::ExitCode;
use std::time::Instant;

use http_body_util::BodyExt;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

const USAGE: &str = "usage: fakekube-floor --url http://127.0.0.1:PORT --request-log FILE \
[--token TOKEN] [--runs N]

Replays the lists of FILE (the first page of each: a GET with `limit=` and no `continue=`
that was answered 200) concurrently, one kept-alive connection per list, following
continue tokens; prints the fastest of N runs (default 3):
`floor: LISTS lists, PAGES pages, BYTES bytes in SECONDS s`.";

struct Args {
    url: String,
    log: String,
    token: String,
    runs: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut url = None;
    let mut log = None;
    let mut token = "fakekube-token".to_owned();
    let mut runs = 3;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => url = Some(value()?),
            "--request-log" => log = Some(value()?),
            "--token" => token = value()?,
            "--runs" => {
                let v = value()?;
                runs = v
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(format!("--runs: {v}"))?;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Args {
        url: url.ok_or("--url is required")?,
        log: log.ok_or("--request-log is required")?,
        token,
        runs,
    })
}

/// The first page of each list in a request log: (path with its query, Accept).
fn first_pages(log: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in log.lines() {
        let mut f = line.split('\t');
        let (Some(request), Some(accept), Some(status)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let Some(target) = request.strip_prefix("GET ") else {
            continue;
        };
        let query = target.split_once('?').map_or("", |(_, q)| q);
        let params: Vec<&str> = query.split('&').collect();
        let first = params.iter().any(|p| p.starts_with("limit="))
            && !params.iter().any(|p| p.starts_with("continue="));
        let page = (target.to_owned(), accept.to_owned());
        if status == "200" && first && !out.contains(&page) {
            out.push(page);
        }
    }
    out
}

/// The `continue` token of a list page, found in its `metadata` (before `items`), the
/// only thing read of the page.
fn continue_token(page: &[u8]) -> Option<&str> {
    const KEY: &[u8] = b"\"continue\":\"";
    let head = &page[..page
        .windows(8)
        .position(|w| w == b"\"items\":")
        .unwrap_or(page.len())];
    let start = head.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let len = head[start..].iter().position(|b| *b == b'"')?;
    std::str::from_utf8(&head[start..start + len])
        .ok()
        .filter(|t| !t.is_empty())
}

fn encode(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// One list, page by page over one connection: (pages, bytes).
async fn walk(
    host: String,
    token: String,
    first: String,
    accept: String,
) -> Result<(u64, u64), String> {
    let stream = tokio::net::TcpStream::connect(&host)
        .await
        .map_err(|e| format!("connect {host}: {e}"))?;
    let (mut send, conn) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let (mut pages, mut bytes) = (0u64, 0u64);
    let mut buf: Vec<u8> = Vec::new();
    let mut target = first.clone();
    loop {
        let req = hyper::Request::get(&target)
            .header("host", &host)
            .header("accept", &accept)
            .header("authorization", format!("Bearer {token}"))
            .body(http_body_util::Empty::<bytes::Bytes>::new())
            .map_err(|e| e.to_string())?;
        // The connection takes the next request only once the last answer is done.
        send.ready().await.map_err(|e| format!("{target}: {e}"))?;
        let resp = send
            .send_request(req)
            .await
            .map_err(|e| format!("{target}: {e}"))?;
        if !resp.status().is_success() {
            return Err(format!("{target}: HTTP {}", resp.status()));
        }
        buf.clear();
        let mut body = resp.into_body();
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame.map_err(|e| e.to_string())?.into_data() {
                buf.extend_from_slice(&data);
            }
        }
        pages += 1;
        bytes += buf.len() as u64;
        match continue_token(&buf) {
            Some(t) => target = format!("{first}&continue={}", encode(t)),
            None => return Ok((pages, bytes)),
        }
    }
}

async fn run_once(
    host: &str,
    token: &str,
    lists: &[(String, String)],
) -> Result<(f64, u64, u64), String> {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (first, accept) in lists {
        tasks.spawn(walk(
            host.to_owned(),
            token.to_owned(),
            first.clone(),
            accept.clone(),
        ));
    }
    let (mut pages, mut bytes) = (0, 0);
    while let Some(done) = tasks.join_next().await {
        let (p, b) = done.map_err(|e| e.to_string())??;
        pages += p;
        bytes += b;
    }
    Ok((start.elapsed().as_secs_f64(), pages, bytes))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("fakekube-floor: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let lists = match std::fs::read_to_string(&args.log) {
        Ok(log) => first_pages(&log),
        Err(e) => {
            eprintln!("fakekube-floor: cannot read {}: {e}", args.log);
            return ExitCode::FAILURE;
        }
    };
    let host = args
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("fakekube-floor: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut best: Option<(f64, u64, u64)> = None;
    for _ in 0..args.runs {
        match runtime.block_on(run_once(&host, &args.token, &lists)) {
            Ok(r) => {
                if best.is_none_or(|b| r.0 < b.0) {
                    best = Some(r);
                }
            }
            Err(e) => {
                eprintln!("fakekube-floor: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if let Some((secs, pages, bytes)) = best {
        println!(
            "floor: {} lists, {pages} pages, {bytes} bytes in {secs:.3} s",
            lists.len()
        );
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_first_pages_answered_200_are_replayed_once() {
        let log = "GET /api/v1/pods?limit=500\tapplication/json\t200\n\
                   GET /api/v1/pods?limit=500&continue=abc\tapplication/json\t200\n\
                   GET /api\tapplication/json\t200\n\
                   GET /api/v1/secrets?limit=500\tapplication/json\t403\n\
                   GET /api/v1/nodes?limit=500\tapplication/json;as=PartialObjectMetadataList\t200\n\
                   GET /api/v1/pods?limit=500\tapplication/json\t200\n";
        assert_eq!(
            first_pages(log),
            vec![
                (
                    "/api/v1/pods?limit=500".to_owned(),
                    "application/json".to_owned()
                ),
                (
                    "/api/v1/nodes?limit=500".to_owned(),
                    "application/json;as=PartialObjectMetadataList".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn the_continue_token_is_read_from_the_metadata_only() {
        let page = br#"{"kind":"PodList","metadata":{"continue":"eyJ2Ijo1MDB9"},"items":[{"metadata":{"continue":"no"}}]}"#;
        assert_eq!(continue_token(page), Some("eyJ2Ijo1MDB9"));
        let last = br#"{"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[{"x":{"continue":"no"}}]}"#;
        assert_eq!(continue_token(last), None);
        assert_eq!(
            continue_token(br#"{"metadata":{"continue":""},"items":[]}"#),
            None
        );
    }
}
