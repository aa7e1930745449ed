//! The one-line progress report of a live scan.
//!
//! Its own module because it is the only output the scan makes, and output belongs to
//! the caller: the line is drawn on the writer the caller passes (its stderr, only when
//! that is a terminal), from the future that waits for the lists, never from a worker
//! thread and never on `std::io::stderr()` behind the caller's back. The list tasks only
//! bump counters.

use std::io::Write;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// What the progress line reports, updated by the list tasks.
#[derive(Debug, Default)]
pub(super) struct Progress {
    /// Resources to list; 0 until discovery has answered.
    pub(super) total: AtomicUsize,
    pub(super) done: AtomicUsize,
    pub(super) objects: AtomicU64,
}

impl Progress {
    fn line(&self) -> String {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            return "meshsurface: connecting and discovering API groups".to_owned();
        }
        format!(
            "meshsurface: listed {}/{total} resources, {} objects",
            self.done.load(Ordering::Relaxed),
            self.objects.load(Ordering::Relaxed)
        )
    }
}

/// How long a scan runs before its progress line appears: a scan that ends sooner (a
/// small cluster) never flashes a line that is erased before anyone can read it.
pub(super) const FIRST_DRAW: Duration = Duration::from_millis(250);

/// How often the line is redrawn.
const REDRAW: Duration = Duration::from_millis(150);

/// Runs `fut`; once it has run for `first`, draws the progress line on `out` and redraws
/// it every 150 ms until `fut` ends, then erases it. Without a writer, or when `fut` ends
/// before `first`, nothing is written.
pub(super) async fn with_progress<T>(
    fut: impl std::future::Future<Output = T>,
    out: Option<&mut dyn Write>,
    state: &Progress,
    first: Duration,
) -> T {
    let Some(out) = out else { return fut.await };
    tokio::pin!(fut);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + first, REDRAW);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut drawn = false;
    let result = loop {
        tokio::select! {
            biased;
            result = &mut fut => break result,
            _ = tick.tick() => {
                // A progress line that cannot be written is not worth failing the scan.
                let _ = write!(out, "\r\x1b[K{}", state.line());
                let _ = out.flush();
                drawn = true;
            }
        }
    };
    if drawn {
        let _ = write!(out, "\r\x1b[K");
        let _ = out.flush();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_what_is_known() {
        let p = Progress::default();
        assert_eq!(
            p.line(),
            "meshsurface: connecting and discovering API groups"
        );
        p.total.store(4, Ordering::Relaxed);
        p.done.store(1, Ordering::Relaxed);
        p.objects.store(250, Ordering::Relaxed);
        assert_eq!(p.line(), "meshsurface: listed 1/4 resources, 250 objects");
    }

    #[test]
    fn the_line_is_drawn_on_the_callers_writer_then_erased() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let state = Progress::default();
        let mut out = Vec::new();
        // Still pending when the runtime first parks and the interval's first tick fires.
        // (A 1 ms sleep could elapse in the same park on a loaded machine, and the biased
        // select then finishes the future before drawing: a flaky test, seen once.)
        let slow = async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            7
        };
        let v = rt.block_on(with_progress(slow, Some(&mut out), &state, Duration::ZERO));
        assert_eq!(v, 7);
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("\r\x1b[Kmeshsurface: connecting and discovering API groups"),
            "{text:?}"
        );
        assert!(text.ends_with("\r\x1b[K"), "{text:?}");
        // A future that ends before the first draw writes nothing at all: no flash.
        let mut out = Vec::new();
        let quick = async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            8
        };
        let v = rt.block_on(with_progress(quick, Some(&mut out), &state, FIRST_DRAW));
        assert_eq!((v, out.as_slice()), (8, b"".as_slice()));
        // Without a writer nothing is drawn anywhere: it only runs the future.
        let none = with_progress(async { 9 }, None, &state, Duration::ZERO);
        assert_eq!(rt.block_on(none), 9);
    }
}
