//! Reading one input as a stream: a byte meter that enforces the size caps, and a YAML
//! document splitter that hands the parser one document at a time.
//!
//! Why: `kubectl get -A -o yaml` of a big cluster is hundreds of MB in one document, and
//! stdin may be endless (`/dev/zero`, a stuck pipe). Nothing here holds more than one line
//! chunk; the parser then keeps only the object being read. The meter turns "too big"
//! into a clear error naming the cap instead of the kernel's OOM killer.

use std::cell::Cell;
use std::io::{self, BufRead, Read};
use std::rc::Rc;

use super::Limits;

/// Which cap a read ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    Input,
    Object,
}

/// Bytes read so far from one input, and where the current object started.
#[derive(Debug)]
pub struct Meter {
    limits: Limits,
    read: Cell<u64>,
    object_start: Cell<u64>,
    tripped: Cell<Option<Cap>>,
}

impl Meter {
    pub fn new(limits: Limits) -> Rc<Self> {
        Rc::new(Self {
            limits,
            read: Cell::new(0),
            object_start: Cell::new(0),
            tripped: Cell::new(None),
        })
    }

    /// A new object starts here (a document, or one item of a List).
    pub fn start_object(&self) {
        self.object_start.set(self.read.get());
    }

    /// The cap a read ran into, if any.
    pub fn tripped(&self) -> Option<Cap> {
        self.tripped.get()
    }

    fn count(&self, n: usize) -> io::Result<()> {
        let read = self.read.get().saturating_add(n as u64);
        self.read.set(read);
        let cap = if read > self.limits.max_input_bytes {
            Cap::Input
        } else if read - self.object_start.get().min(read) > self.limits.max_object_bytes {
            Cap::Object
        } else {
            return Ok(());
        };
        self.tripped.set(Some(cap));
        Err(io::Error::other(match cap {
            Cap::Input => "input size cap reached",
            Cap::Object => "object size cap reached",
        }))
    }
}

/// A reader that counts every byte through a [`Meter`] and fails once a cap is passed.
pub struct Metered<R> {
    inner: R,
    meter: Rc<Meter>,
}

impl<R: Read> Metered<R> {
    pub fn new(inner: R, meter: Rc<Meter>) -> Self {
        Self { inner, meter }
    }
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.meter.tripped().is_some() {
            return Err(io::Error::other("size cap reached"));
        }
        let n = self.inner.read(buf)?;
        self.meter.count(n)?;
        Ok(n)
    }
}

/// The longest piece of a line read at once: longer lines pass through in pieces.
const CHUNK: usize = 64 * 1024;

/// Reads the next line, or the next `CHUNK` bytes of a long one, into `out`.
fn next_chunk(src: &mut impl BufRead, out: &mut Vec<u8>) -> io::Result<()> {
    out.clear();
    loop {
        let buf = src.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        let room = CHUNK - out.len();
        let window = &buf[..buf.len().min(room)];
        let (n, line_end) = match window.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (window.len(), false),
        };
        out.extend_from_slice(&window[..n]);
        src.consume(n);
        if line_end || out.len() >= CHUNK {
            return Ok(());
        }
    }
}

/// A `---` line (alone, or followed by a space, a tab or the line end).
fn is_marker(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"---") else {
        return false;
    };
    matches!(rest.first(), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
}

/// Whether a line holds YAML content (not blank, not only a comment, not only `---`).
fn has_content(line: &[u8], at_line_start: bool) -> bool {
    let body = if at_line_start && is_marker(line) {
        &line[3..]
    } else {
        line
    };
    match body.trim_ascii_start().first() {
        None | Some(b'#') => false,
        Some(_) => true,
    }
}

/// Splits a YAML stream into documents at `---` lines.
pub struct Documents<R> {
    src: R,
    /// The 1-based number of the next line handed out.
    line: usize,
    /// A marker line read ahead: the first line of the next document.
    pending: Option<Vec<u8>>,
    eof: bool,
}

impl<R: BufRead> Documents<R> {
    /// Documents from `src`, whose first line is line `line` of the input.
    pub fn new(src: R, line: usize) -> Self {
        Self {
            src,
            line,
            pending: None,
            eof: false,
        }
    }

    /// The next document, or None at the end of the stream.
    pub fn next_document(&mut self) -> Option<Document<'_, R>> {
        if self.eof && self.pending.is_none() {
            return None;
        }
        let first_line = self.line;
        let pending = self.pending.take();
        let mut doc = Document {
            docs: self,
            first_line,
            chunk: Vec::new(),
            pos: 0,
            at_line_start: true,
            started: false,
            content: false,
            done: false,
        };
        if let Some(marker) = pending {
            doc.chunk = marker;
            doc.account();
        }
        Some(doc)
    }
}

/// One YAML document of a [`Documents`] stream, as a reader.
#[expect(
    clippy::struct_excessive_bools,
    reason = "a line scanner's flags, each read apart"
)]
pub struct Document<'a, R> {
    docs: &'a mut Documents<R>,
    /// The line the document starts on.
    pub first_line: usize,
    chunk: Vec<u8>,
    pos: usize,
    at_line_start: bool,
    /// Whether any line was taken (a marker then starts the next document).
    started: bool,
    content: bool,
    done: bool,
}

impl<R: BufRead> Document<'_, R> {
    /// Whether anything but blank lines, comments and markers was read.
    pub fn has_content(&self) -> bool {
        self.content
    }

    /// Reads the rest of the document (after the parser stopped), so the next one starts
    /// at its marker.
    pub fn drain(&mut self) -> io::Result<()> {
        io::copy(self, &mut io::sink()).map(|_| ())
    }

    /// Takes the next chunk into `self.chunk`; false at the end of the document.
    fn refill(&mut self) -> io::Result<bool> {
        if self.done {
            return Ok(false);
        }
        let mut chunk = std::mem::take(&mut self.chunk);
        self.pos = 0;
        if let Err(e) = next_chunk(&mut self.docs.src, &mut chunk) {
            // A failed source (a cap, an I/O error) ends the document for good.
            self.done = true;
            return Err(e);
        }
        if chunk.is_empty() {
            self.docs.eof = true;
            self.done = true;
            return Ok(false);
        }
        if self.at_line_start && is_marker(&chunk) && self.started {
            self.docs.pending = Some(chunk);
            self.done = true;
            return Ok(false);
        }
        self.chunk = chunk;
        self.account();
        Ok(true)
    }

    /// Counts the chunk now in `self.chunk` (its line, whether it has content).
    fn account(&mut self) {
        let start = self.at_line_start;
        self.started = true;
        self.content |= has_content(&self.chunk, start);
        self.at_line_start = self.chunk.ends_with(b"\n");
        if self.at_line_start {
            self.docs.line += 1;
        }
    }
}

impl<R: BufRead> Read for Document<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut written = 0;
        while written < out.len() {
            if self.pos >= self.chunk.len() && !self.refill()? {
                break;
            }
            let n = self
                .chunk
                .len()
                .saturating_sub(self.pos)
                .min(out.len() - written);
            out[written..written + n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
            self.pos += n;
            written += n;
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<(String, usize, bool)> {
        let mut docs = Documents::new(text.as_bytes(), 1);
        let mut out = Vec::new();
        while let Some(mut d) = docs.next_document() {
            let mut s = String::new();
            d.read_to_string(&mut s).unwrap();
            out.push((s, d.first_line, d.has_content()));
        }
        out
    }

    #[test]
    fn splits_at_markers_and_numbers_lines() {
        let docs = split("a: 1\n---\nb: 2\n--- # c\nc: 3\n");
        assert_eq!(
            docs,
            vec![
                ("a: 1\n".into(), 1, true),
                ("---\nb: 2\n".into(), 2, true),
                ("--- # c\nc: 3\n".into(), 4, true),
            ]
        );
        // A leading marker does not make an empty first document.
        assert_eq!(split("---\na: 1\n").len(), 1);
        // Comments and markers alone are no content, and every marker splits.
        let docs = split("# only a comment\n---\n---\n");
        assert_eq!(docs.len(), 3);
        assert!(docs.iter().all(|d| !d.2), "{docs:?}");
        let docs = split("---\n# c\n---\na: 1\n");
        assert_eq!(docs.len(), 2);
        assert_eq!((docs[1].1, docs[1].2), (3, true));
        assert!(split("")[0].0.is_empty());
        assert!(split("--- {a: 1}\n")[0].2);
        assert!(!split("---4\n").is_empty() && split("---4\n")[0].2);
    }

    #[test]
    fn long_lines_pass_in_pieces() {
        let long = "x".repeat(3 * CHUNK + 7);
        let text = format!("a: {long}\n---\nb: 1\n");
        let docs = split(&text);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].0.len(), long.len() + 4);
        assert_eq!(docs[1].1, 2);
    }

    #[test]
    fn meter_trips_on_input_and_object_caps() {
        let m = Meter::new(Limits {
            max_input_bytes: 100,
            max_object_bytes: 30,
        });
        let mut r = Metered::new(&[0u8; 200][..], m.clone());
        let mut buf = [0u8; 20];
        r.read_exact(&mut buf).unwrap();
        m.start_object();
        r.read_exact(&mut buf).unwrap();
        assert!(r.read_exact(&mut buf).is_err());
        assert_eq!(m.tripped(), Some(Cap::Object));

        let m = Meter::new(Limits {
            max_input_bytes: 50,
            max_object_bytes: 1000,
        });
        let mut all = Vec::new();
        assert!(Metered::new(&[0u8; 200][..], m.clone())
            .read_to_end(&mut all)
            .is_err());
        assert_eq!(m.tripped(), Some(Cap::Input));
    }
}
