//! Pages dealt to several parsing threads: the pod list is 97% of a large cluster's bytes,
//! and one thread parsing it leaves the other cores idle (docs/performance.md, Scale II).
//!
//! Each page is parsed by whichever parsing thread is free, **and folded there** into a
//! fresh state of its own (a page's 500 pods are a few pod groups); one more thread merges
//! those page states into the list's state **in the order the pages were sent** (a reorder
//! buffer keyed by page number), so the Inventory is the one a single thread would build,
//! whatever the timing. A restart (`410 Gone`) is numbered like a page and applied in its
//! turn. A page keeps its slot (see [`super::pipe`]) until it is merged, so the bound on
//! pages alive holds; its buffer goes back to the downloader once parsed.
//!
//! Folding on the parsing thread is what makes two threads pay: the first version handed
//! every record to the merging thread, which freed what the parsing thread had allocated,
//! and glibc's arenas spent more on those frees than the second thread saved
//! (docs/performance.md, "third slice"). Now what is allocated for a pod that joins a group
//! is freed on the thread that allocated it; only the page's groups cross over.
//!
//! Two threads by default on a machine with two cores or more: measured on the 150,000-pod
//! benchmark (2 cores, shared with the fake API server), 2.58–2.98 s against 3.28–3.44 s
//! with one, for about the same memory; at 50,000 pods about even in time, 6 MiB more at the
//! peak (docs/performance.md, "fourth slice"). `MESHSURFACE_PARSE_THREADS=N` sets the number
//! (1: each page parsed and folded on the list's one parsing thread, as every other list is).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use bytes::BytesMut;
use tokio::sync::OwnedSemaphorePermit;

use super::page::Parsed;

/// The most threads that parse one list.
const MAX_THREADS: usize = 4;

/// How many threads parse a list that can be dealt: `MESHSURFACE_PARSE_THREADS` (at most
/// [`MAX_THREADS`]), else two when the machine has two cores or more (see the module docs).
pub(super) fn threads() -> usize {
    std::env::var("MESHSURFACE_PARSE_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get().min(2)),
            |n| n.clamp(1, MAX_THREADS),
        )
}

enum Job {
    Page(u64, Parsed, OwnedSemaphorePermit),
    Restart(u64),
}

enum Done<T> {
    Page(u64, Result<T, String>, OwnedSemaphorePermit),
    Restart(u64),
}

impl<T> Done<T> {
    fn seq(&self) -> u64 {
        match self {
            Done::Page(n, ..) | Done::Restart(n) => *n,
        }
    }
}

/// The sending side: numbers pages and restarts in the order they are sent.
pub(super) struct Dealer {
    tx: mpsc::Sender<Job>,
    seq: AtomicU64,
}

impl Dealer {
    /// False when no parsing thread is left (the fold stopped on an item it could not read).
    pub(super) fn page(&self, page: Parsed, slot: OwnedSemaphorePermit) -> bool {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        self.tx.send(Job::Page(n, page, slot)).is_ok()
    }

    pub(super) fn restart(&self) -> bool {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        self.tx.send(Job::Restart(n)).is_ok()
    }
}

/// Starts `threads` parsing threads and the merging task. `fresh` makes an empty state,
/// `each` folds one page into a state (on a parsing thread, into its page's state) and
/// says how many items it held (added to `parsed`), `merge` adds a page's state to the
/// list's, `restart` resets it; `give` takes the buffers of parsed pages back to the
/// downloader.
pub(super) fn start<T, F, E, M>(
    threads: usize,
    (mut state, mut restart): (T, impl FnMut(&mut T) + Send + 'static),
    (fresh, each, mut merge): (F, E, M),
    give: &mpsc::Sender<BytesMut>,
    parsed: &Arc<AtomicU64>,
) -> (Dealer, tokio::task::JoinHandle<Result<T, String>>)
where
    T: Send + 'static,
    F: Fn() -> T + Send + Sync + 'static,
    E: Fn(&mut T, &Parsed) -> Result<u64, String> + Send + Sync + 'static,
    M: FnMut(&mut T, T) + Send + 'static,
{
    let (tx, jobs) = mpsc::channel::<Job>();
    let jobs = Arc::new(Mutex::new(jobs));
    let parse = Arc::new((fresh, each));
    let (done_tx, done) = mpsc::channel::<Done<T>>();
    let mut started = 0;
    for _ in 0..threads.max(1) {
        let (jobs, parse, done_tx, give, parsed) = (
            jobs.clone(),
            parse.clone(),
            done_tx.clone(),
            give.clone(),
            parsed.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name("meshsurface-parse".to_owned())
            .spawn(move || {
                // The lock is held only to take the next job, not while parsing it.
                while let Ok(job) = next(&jobs) {
                    let out = match job {
                        Job::Restart(n) => Done::Restart(n),
                        Job::Page(n, page, slot) => {
                            let (fresh, each) = &*parse;
                            let mut folded = fresh();
                            let folded = each(&mut folded, &page).map(|n| {
                                parsed.fetch_add(n, Ordering::Relaxed);
                                folded
                            });
                            if let Ok(buf) = page.body.try_into_mut() {
                                let _ = give.send(buf);
                            }
                            Done::Page(n, folded, slot)
                        }
                    };
                    if done_tx.send(out).is_err() {
                        break;
                    }
                }
            });
        if spawned.is_ok() {
            started += 1;
        }
    }
    drop(done_tx);
    let folding = tokio::task::spawn_blocking(move || {
        if started == 0 {
            return Err("no parsing thread could be started".to_owned());
        }
        let mut waiting: BTreeMap<u64, Done<T>> = BTreeMap::new();
        let mut turn = 0u64;
        while let Ok(d) = done.recv() {
            waiting.insert(d.seq(), d);
            while let Some(d) = waiting.remove(&turn) {
                turn += 1;
                match d {
                    Done::Restart(_) => restart(&mut state),
                    Done::Page(_, folded, slot) => {
                        merge(&mut state, folded?);
                        drop(slot);
                    }
                }
            }
        }
        Ok(state)
    });
    (
        Dealer {
            tx,
            seq: AtomicU64::new(0),
        },
        folding,
    )
}

fn next(jobs: &Mutex<mpsc::Receiver<Job>>) -> Result<Job, mpsc::RecvError> {
    jobs.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .recv()
}

#[cfg(test)]
mod tests {
    use super::super::page::{test_page as page, Parsed};
    use super::super::pipe::Pipe;

    /// Parses a number, slowly for some, so pages finish out of order.
    fn slow_number(item: &[u8]) -> Result<u64, String> {
        let n: u64 = std::str::from_utf8(item)
            .map_err(|e| e.to_string())?
            .parse()
            .map_err(|e| format!("{e}"))?;
        if n.is_multiple_of(3) {
            std::thread::sleep(std::time::Duration::from_millis(3));
        }
        Ok(n)
    }

    fn push(seen: &mut Vec<u64>, page: &Parsed) -> Result<u64, String> {
        page.each(|item| {
            seen.push(slow_number(item)?);
            Ok(())
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pages_are_folded_in_page_order_whatever_thread_parses_them() {
        for threads in [2, 3, 4] {
            let pipe = Pipe::dealt(
                threads,
                (Vec::new(), Vec::clear),
                Vec::new,
                push,
                Vec::extend,
            );
            for p in 0..30u64 {
                if p == 10 {
                    // A list that starts over forgets pages 0-9, in its turn.
                    assert!(pipe.restart());
                }
                let (slot, _) = pipe.slot().await;
                let items: Vec<String> = (0..4).map(|i| (p * 4 + i).to_string()).collect();
                assert!(pipe.page(page(&items), slot));
            }
            let want: Vec<u64> = (40..120).collect();
            assert_eq!(pipe.finish().await.unwrap(), want, "{threads} threads");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_page_keeps_its_slot_until_it_is_merged() {
        // The merge holds on the first page until the test lets it go.
        let (go, wait) = std::sync::mpsc::channel::<()>();
        let pipe = Pipe::dealt(
            2,
            (0u64, |_: &mut u64| {}),
            || 0u64,
            |n: &mut u64, page: &Parsed| {
                page.each(|item| {
                    slow_number(item)?;
                    *n += 1;
                    Ok(())
                })
            },
            move |n: &mut u64, page: u64| {
                if *n == 0 {
                    let _ = wait.recv();
                }
                *n += page;
            },
        );
        for p in 0..3 {
            let (slot, _) = pipe.slot().await;
            assert!(pipe.page(page(&[p.to_string()]), slot));
        }
        // All three parsed by now, none merged past the first: their slots stay taken.
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert_eq!(pipe.free(), 0);
        go.send(()).unwrap();
        let (slot, spare) = pipe.slot().await;
        assert!(spare.is_some(), "a parsed page's buffer comes back");
        assert!(pipe.page(page(&["3".to_owned()]), slot));
        assert_eq!(pipe.finish().await.unwrap(), 4);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_item_that_fails_stops_the_list_and_says_why() {
        let pipe = Pipe::dealt(2, (Vec::new(), Vec::clear), Vec::new, push, Vec::extend);
        let mut sent = 0;
        for p in 0..50u64 {
            let (slot, _) = pipe.slot().await;
            let item = if p == 5 {
                "\"x\"".to_owned()
            } else {
                p.to_string()
            };
            if !pipe.page(page(&[item]), slot) {
                break;
            }
            sent += 1;
        }
        let e = pipe.finish().await.unwrap_err();
        assert!(e.contains("invalid digit"), "{e}");
        assert!(sent >= 6, "pages up to the bad one were sent");
    }
}
