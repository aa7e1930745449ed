//! The binary on a pseudo-terminal, as a person runs it.
//!
//! Every live command once hung forever when stderr was a terminal (the progress ticker
//! on a worker thread waited for the stderr lock the command held): a suite that pipes
//! stdout and stderr cannot see that. These tests run each live command on a real pty
//! (stdout and stderr both the terminal) against the fake API server, with a deadline,
//! and check what the person sees: the output, the progress line drawn and then erased,
//! and no colour when `NO_COLOR` is set.

use std::io::Read;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, CommandBuilder, PtySize};

use fakekube::Fault;

use crate::live::Live;
use crate::util::root;

/// How long a command may take on the pty before the test calls it hung. The fixtures
/// scan in well under a second; this only bounds a hang, it times nothing.
const DEADLINE: Duration = Duration::from_secs(60);

/// What the terminal received, and how the process ended.
pub struct Screen {
    bytes: Vec<u8>,
    pub code: u32,
}

impl Screen {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Runs `kubectl-meshsurface ARGS` on a pty of `cols` columns, with `env` added (and
/// `NO_COLOR` removed unless given). Panics when it does not end before [`DEADLINE`].
pub fn run_on_pty(args: &[&str], env: &[(&str, &str)], cols: u16) -> Screen {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 50,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pty opens");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kubectl-meshsurface"));
    cmd.args(args);
    cmd.cwd(root());
    cmd.env_remove("NO_COLOR");
    cmd.env_remove("COLUMNS");
    cmd.env("TERM", "xterm-256color");
    cmd.env("SOURCE_DATE_EPOCH", "1795435200");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = pty.slave.spawn_command(cmd).expect("the binary starts");
    // The slave end now belongs to the child: without dropping ours, the reader never
    // sees the end of the output.
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("pty reader");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut all = Vec::new();
        let mut buf = [0u8; 8192];
        // On Linux the master reads EIO once the child has exited and closed the slave.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
        }
        let _ = tx.send(all);
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > DEADLINE {
            child.kill().ok();
            let partial = rx.recv_timeout(Duration::from_secs(2)).unwrap_or_default();
            panic!(
                "`kubectl-meshsurface {}` on a terminal did not finish in {DEADLINE:?} (hung); \
                 the terminal showed:\n{}",
                args.join(" "),
                String::from_utf8_lossy(&partial)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(pty.master);
    let bytes = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the pty output ends with the process");
    Screen {
        bytes,
        code: status.exit_code(),
    }
}

/// A fake cluster whose pods list answers slowly, so that a scan runs long enough for its
/// progress line to appear (a scan that ends within 250 ms draws none).
fn slow(case: &str) -> Live {
    Live::start(case, |f| {
        f.with_fault("pods", Fault::Slow(Duration::from_millis(700)))
    })
}

const PROGRESS: &str = "\r\x1b[Kmeshsurface: ";
const ERASE: &str = "\r\x1b[K";

/// The progress line was drawn at least once, and erased before `first_output` appeared.
fn assert_progress_drawn_then_erased(screen: &Screen, first_output: &str, what: &str) {
    let text = screen.text();
    let drawn = text
        .rfind(PROGRESS)
        .unwrap_or_else(|| panic!("{what}: no progress line on the terminal:\n{text:?}"));
    let out = text
        .find(first_output)
        .unwrap_or_else(|| panic!("{what}: {first_output:?} not on the terminal:\n{text}"));
    assert!(
        drawn < out,
        "{what}: progress drawn after the output:\n{text:?}"
    );
    let between = &text[drawn + PROGRESS.len()..out];
    assert!(
        between.contains(ERASE),
        "{what}: the progress line was not erased before the output:\n{between:?}"
    );
}

/// Any SGR colour or bold sequence (`ESC [ … m`).
fn has_sgr(text: &str) -> bool {
    text.match_indices("\x1b[").any(|(i, _)| {
        text[i + 2..]
            .chars()
            .find(|c| !(c.is_ascii_digit() || *c == ';'))
            == Some('m')
    })
}

#[test]
fn every_live_command_finishes_on_a_terminal_with_progress_drawn_and_erased() {
    let fake = slow("istio-ambient");
    let kc = fake.kubeconfig.as_str();
    let before = fake.dir.join("before.json");
    let b = before.to_string_lossy().into_owned();
    let saved = crate::util::run(
        &[
            "scan",
            "--quiet",
            "--from",
            "fixtures/clusters/istio-ambient",
            "--save",
            &b,
        ],
        None,
    );
    assert_eq!(saved.status.code(), Some(0));
    let cases: [(&[&str], &str); 5] = [
        (&["scan", "--kubeconfig", kc], "Meshes"),
        (
            &["plan", "--kubeconfig", kc, "--enable", "l7-policy"],
            "l7-policy",
        ),
        (&["graph", "--kubeconfig", kc], "istiod"),
        (&["headcount", "--kubeconfig", kc], "istio"),
        (&["diff", &b, "--live", "--kubeconfig", kc], "istio"),
    ];
    for (args, expect) in cases {
        let what = args[0];
        let screen = run_on_pty(args, &[], 120);
        assert_eq!(
            screen.code,
            0,
            "{what} on a terminal exited {}:\n{}",
            screen.code,
            screen.text()
        );
        assert_progress_drawn_then_erased(&screen, expect, what);
    }
}

#[test]
fn no_color_is_honoured_on_a_terminal_and_colour_is_used_without_it() {
    let fake = slow("linkerd");
    let kc = fake.kubeconfig.as_str();
    let coloured = run_on_pty(&["scan", "--kubeconfig", kc], &[], 120);
    assert_eq!(coloured.code, 0, "{}", coloured.text());
    assert!(
        has_sgr(&coloured.text()),
        "headings are bold on a terminal:\n{:?}",
        coloured.text()
    );
    let plain = run_on_pty(&["scan", "--kubeconfig", kc], &[("NO_COLOR", "1")], 120);
    assert_eq!(plain.code, 0, "{}", plain.text());
    assert!(
        !has_sgr(&plain.text()),
        "NO_COLOR: no colour or bold on the terminal:\n{:?}",
        plain.text()
    );
    // The progress line is not colour: it is still drawn (and erased) with NO_COLOR.
    assert_progress_drawn_then_erased(&plain, "Meshes", "scan with NO_COLOR");
}

#[test]
fn quiet_draws_no_progress_on_a_terminal() {
    let fake = slow("linkerd");
    let screen = run_on_pty(&["scan", "-q", "--kubeconfig", &fake.kubeconfig], &[], 120);
    assert_eq!(screen.code, 0, "{}", screen.text());
    assert!(screen.text().contains("Meshes"), "{}", screen.text());
    assert!(
        !screen.text().contains(PROGRESS),
        "-q draws no progress line:\n{:?}",
        screen.text()
    );
}

#[test]
fn offline_scans_draw_no_progress_line() {
    let screen = run_on_pty(
        &["scan", "--from", "fixtures/clusters/istio-ambient"],
        &[],
        120,
    );
    assert_eq!(screen.code, 0, "{}", screen.text());
    assert!(!screen.text().contains(PROGRESS), "{:?}", screen.text());
}

/// A scan that ends before the progress line is due draws nothing (no flash), and every
/// line the terminal shows fits its 100 columns, as a person sees it.
#[test]
fn a_quick_live_scan_draws_no_progress_and_fits_the_terminal() {
    let fake = Live::start("istio-ambient", |f| f);
    let screen = run_on_pty(&["scan", "--kubeconfig", &fake.kubeconfig], &[], 100);
    assert_eq!(screen.code, 0, "{}", screen.text());
    let text = screen.text();
    assert!(text.contains("Meshes"), "{text}");
    assert!(
        !text.contains(PROGRESS),
        "no progress line flashed:\n{text:?}"
    );
    for line in text.lines() {
        let shown = strip_escapes(line);
        assert!(
            shown.chars().count() <= 100,
            "a line wider than the 100-column terminal: {shown:?}"
        );
    }
}

/// The text a terminal shows for one line: escape sequences and carriage returns removed.
fn strip_escapes(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for d in chars.by_ref() {
                        if d.is_ascii_alphabetic() {
                            break;
                        }
                    }
                }
            }
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}
