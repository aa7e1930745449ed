//! Parse while downloading: the pages of one list are parsed on a blocking thread while
//! the next page downloads, so a scan costs the larger of the two, not their sum.
//!
//! Bounded: a page holds a slot from the moment its download starts until its parse
//! ends, and a list has [`SLOTS`] slots: one page being parsed, at most one more in
//! flight. The pages are parsed in the order they were sent (one thread per list, one
//! channel), and each page's buffer goes back to the downloader once parsed (a 2.6 MB
//! pod page then lands in a buffer that already has the room).
//!
//! `MESHSURFACE_SERIAL_PARSE=1` (for the benchmark, docs/performance.md) gives a list
//! one slot: each page is parsed before the next one is asked for, as before this.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::BytesMut;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use super::page::Parsed;

/// Pages of one list alive at once: the one being parsed and the next one.
pub(super) const SLOTS: usize = 2;

enum Msg {
    Page(Parsed, OwnedSemaphorePermit),
    Restart,
}

/// Where pages go: one parsing thread, or several ([`super::deal`]).
enum Sink {
    One(mpsc::UnboundedSender<Msg>),
    Dealt(super::deal::Dealer),
}

/// The parsing side of one list: a blocking thread that owns the list's state.
pub(super) struct Pipe<T> {
    sink: Sink,
    slots: Arc<Semaphore>,
    /// Buffers of parsed pages, given back (a Mutex only to make the pipe `Sync`).
    spare: std::sync::Mutex<std::sync::mpsc::Receiver<BytesMut>>,
    /// Items parsed so far (pages read head first are counted only once parsed).
    parsed: Arc<AtomicU64>,
    worker: tokio::task::JoinHandle<Result<T, String>>,
}

/// Whether pages are parsed while the next one downloads (see the module docs).
pub(super) fn overlapped() -> bool {
    std::env::var_os("MESHSURFACE_SERIAL_PARSE").is_none_or(|v| v != "1")
}

impl<T: Send + 'static> Pipe<T> {
    /// Starts the parsing thread with `state`; `restart` resets it (a list that starts
    /// over), `each` takes one page and says how many items it held.
    pub(super) fn start(
        slots: usize,
        mut state: T,
        mut restart: impl FnMut(&mut T) + Send + 'static,
        mut each: impl FnMut(&mut T, &Parsed) -> Result<u64, String> + Send + 'static,
    ) -> Self {
        let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
        let (give, spare) = std::sync::mpsc::channel();
        let parsed = Arc::new(AtomicU64::new(0));
        let count = parsed.clone();
        let worker = tokio::task::spawn_blocking(move || {
            while let Some(msg) = rx.blocking_recv() {
                match msg {
                    Msg::Restart => restart(&mut state),
                    Msg::Page(page, slot) => {
                        let n = each(&mut state, &page)?;
                        count.fetch_add(n, Ordering::Relaxed);
                        if let Ok(buf) = page.body.try_into_mut() {
                            let _ = give.send(buf);
                        }
                        drop(slot);
                    }
                }
            }
            Ok(state)
        });
        Self {
            sink: Sink::One(tx),
            slots: Arc::new(Semaphore::new(slots.max(1))),
            spare: std::sync::Mutex::new(spare),
            parsed,
            worker,
        }
    }

    /// Starts `threads` parsing threads that fold each page into a `fresh` state with
    /// `each`, and one thread that `merge`s those into `state` in page order
    /// ([`super::deal`]). A list has `threads + 1` slots: a page parsing on each thread,
    /// one more downloading.
    pub(super) fn dealt(
        threads: usize,
        (state, restart): (T, impl FnMut(&mut T) + Send + 'static),
        fresh: impl Fn() -> T + Send + Sync + 'static,
        each: impl Fn(&mut T, &Parsed) -> Result<u64, String> + Send + Sync + 'static,
        merge: impl FnMut(&mut T, T) + Send + 'static,
    ) -> Self {
        let (give, spare) = std::sync::mpsc::channel();
        let parsed = Arc::new(AtomicU64::new(0));
        let (dealer, worker) = super::deal::start(
            threads,
            (state, restart),
            (fresh, each, merge),
            &give,
            &parsed,
        );
        Self {
            sink: Sink::Dealt(dealer),
            slots: Arc::new(Semaphore::new(threads.max(1) + 1)),
            spare: std::sync::Mutex::new(spare),
            parsed,
            worker,
        }
    }

    /// Items parsed so far.
    pub(super) fn parsed(&self) -> u64 {
        self.parsed.load(Ordering::Relaxed)
    }

    /// The count of items parsed, to read after [`Pipe::finish`].
    pub(super) fn counter(&self) -> Arc<AtomicU64> {
        self.parsed.clone()
    }

    /// Waits for a free slot (the parse of an earlier page to end), and takes a buffer
    /// to download into, when an earlier page gave one back.
    pub(super) async fn slot(&self) -> (OwnedSemaphorePermit, Option<BytesMut>) {
        let permit = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .unwrap_or_else(|_| unreachable!("the semaphore is never closed"));
        let spare = self
            .spare
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .try_recv()
            .ok();
        (permit, spare)
    }

    /// Hands a page over to be parsed. False when the parser stopped (an item it could
    /// not read): [`Pipe::finish`] says why.
    pub(super) fn page(&self, page: Parsed, slot: OwnedSemaphorePermit) -> bool {
        match &self.sink {
            Sink::One(tx) => tx.send(Msg::Page(page, slot)).is_ok(),
            Sink::Dealt(d) => d.page(page, slot),
        }
    }

    /// The list starts over: the parser forgets what it read.
    pub(super) fn restart(&self) -> bool {
        match &self.sink {
            Sink::One(tx) => tx.send(Msg::Restart).is_ok(),
            Sink::Dealt(d) => d.restart(),
        }
    }

    /// Waits for every page sent to be parsed: the state, or why an item failed.
    pub(super) async fn finish(self) -> Result<T, String> {
        drop(self.sink);
        self.worker
            .await
            .map_err(|e| format!("the parsing thread failed: {e}"))?
    }

    /// Slots free right now (tests).
    #[cfg(test)]
    pub(super) fn free(&self) -> usize {
        self.slots.available_permits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: &[&str]) -> Parsed {
        super::super::page::test_page(items)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pages_are_parsed_in_order_and_a_restart_forgets() {
        let pipe = Pipe::start(SLOTS, Vec::<String>::new(), Vec::clear, |seen, page| {
            page.each(|item| {
                seen.push(String::from_utf8_lossy(item).into_owned());
                Ok(())
            })
        });
        for (i, items) in [&["1", "2"][..], &["3"], &[], &["4", "5"]]
            .iter()
            .enumerate()
        {
            if i == 2 {
                assert!(pipe.restart());
            }
            let (slot, _) = pipe.slot().await;
            assert!(pipe.page(page(items), slot));
        }
        assert_eq!(pipe.finish().await.unwrap(), ["4", "5"]);
        let pipe = Pipe::start(SLOTS, Vec::<String>::new(), Vec::clear, |seen, page| {
            page.each(|item| {
                seen.push(String::from_utf8_lossy(item).into_owned());
                Ok(())
            })
        });
        for n in 0..20 {
            let (slot, _) = pipe.slot().await;
            assert!(pipe.page(page(&[&n.to_string()]), slot));
        }
        let want: Vec<String> = (0..20).map(|n| n.to_string()).collect();
        assert_eq!(pipe.finish().await.unwrap(), want);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_one_page_waits_beyond_the_one_being_parsed() {
        // The parser holds on the first item until the test lets it go.
        let (go, wait) = std::sync::mpsc::channel::<()>();
        let pipe = Pipe::start(
            SLOTS,
            0u32,
            |_| {},
            move |n, _| {
                if *n == 0 {
                    wait.recv().map_err(|e| e.to_string())?;
                }
                *n += 1;
                Ok(1)
            },
        );
        let (slot, spare) = pipe.slot().await;
        assert!(spare.is_none());
        assert!(pipe.page(page(&["1"]), slot));
        let (second, _) = pipe.slot().await;
        // Page 1 is being parsed and page 2 downloading: no third page may start.
        assert_eq!(pipe.free(), 0);
        assert!(pipe.page(page(&["2"]), second));
        assert_eq!(pipe.free(), 0);
        go.send(()).unwrap();
        // Once page 1 is parsed its slot frees, with its buffer for the next download.
        let (third, spare) = pipe.slot().await;
        assert!(spare.is_some_and(|b| b.capacity() >= 3));
        assert!(pipe.page(page(&["3"]), third));
        assert_eq!(pipe.finish().await.unwrap(), 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_item_that_fails_stops_the_parser_and_says_why() {
        let pipe = Pipe::start(
            SLOTS,
            (),
            |()| {},
            |(), page| {
                page.each(|item| {
                    if item == b"2" {
                        Err("bad item".to_owned())
                    } else {
                        Ok(())
                    }
                })
            },
        );
        let (slot, _) = pipe.slot().await;
        assert!(pipe.page(page(&["1", "2", "3"]), slot));
        assert_eq!(pipe.finish().await.unwrap_err(), "bad item");
    }
}
