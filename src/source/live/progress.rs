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

/// Runs `fut`, redrawing the progress line on `out` every 150 ms until it ends, then
/// erases the line. Without a writer it only runs `fut`.
pub(super) async fn with_progress<T>(
    fut: impl std::future::Future<Output = T>,
    out: Option<&mut dyn Write>,
    state: &Progress,
) -> T {
    let Some(out) = out else { return fut.await };
    tokio::pin!(fut);
    let mut tick = tokio::time::interval(Duration::from_millis(150));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let result = loop {
        tokio::select! {
            biased;
            result = &mut fut => break result,
            _ = tick.tick() => {
                // A progress line that cannot be written is not worth failing the scan.
                let _ = write!(out, "\r\x1b[K{}", state.line());
                let _ = out.flush();
            }
        }
    };
    let _ = write!(out, "\r\x1b[K");
    let _ = out.flush();
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
        // The interval's first tick is immediate: a future still pending then gets one line.
        let mut out = Vec::new();
        // Still pending when the runtime first parks and the interval's first tick fires.
        // (A 1 ms sleep could elapse in the same park on a loaded machine, and the biased
        // select then finishes the future before drawing: a flaky test, seen once.)
        let slow = async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            7
        };
        let v = rt.block_on(with_progress(slow, Some(&mut out), &state));
        assert_eq!(v, 7);
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("\r\x1b[Kmeshsurface: connecting and discovering API groups"),
            "{text:?}"
        );
        assert!(text.ends_with("\r\x1b[K"), "{text:?}");
        // A future ready at once draws nothing, and still leaves the line clean.
        let mut out = Vec::new();
        let v = rt.block_on(with_progress(async { 8 }, Some(&mut out), &state));
        assert_eq!((v, out.as_slice()), (8, b"\r\x1b[K".as_slice()));
        // Without a writer nothing is drawn anywhere: it only runs the future.
        assert_eq!(rt.block_on(with_progress(async { 9 }, None, &state)), 9);
    }
}
