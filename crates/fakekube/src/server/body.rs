//! Response bodies: a whole buffer, a list written item by item, or a misbehaviour.
//!
//! A list page is an envelope prefix, the page's items copied from the bytes the store
//! serialized at start-up (whole, or only their `metadata` for `PartialObjectMetadataList`),
//! and a suffix, produced a chunk at a time: the work and memory per request follow the
//! page, not the cluster. The endless and stalled bodies of [`crate::Fault::EndlessBody`]
//! and [`crate::Fault::StallBody`] live here too, as they are bodies, not answers.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{BufMut, Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};

use crate::store::{Item, Store};

const META_ITEM_HEAD: &[u8] =
    br#"{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":"#;
/// Bytes of items per body frame.
const CHUNK: usize = 64 * 1024;

/// A response body: a whole buffer, a list produced item by item, or a misbehaviour.
pub(crate) enum FakeBody {
    Full(Option<Bytes>),
    List(Box<ListBody>),
    /// A list that never ends ([`crate::Fault::EndlessBody`]): the number of items sent.
    Endless(u64),
    /// These bytes, then nothing ever ([`crate::Fault::StallBody`]).
    Stall(Option<Bytes>),
}

/// The start of the body of [`FakeBody::Endless`] and [`FakeBody::Stall`].
pub(super) const ENDLESS_HEAD: &[u8] =
    br#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":["#;

/// The next chunk of an endless list: about [`CHUNK`] bytes of pods, numbered from `n`.
fn endless_chunk(n: &mut u64) -> Bytes {
    let mut buf = BytesMut::with_capacity(CHUNK + 256);
    if *n == 0 {
        buf.put_slice(ENDLESS_HEAD);
    }
    while buf.len() < CHUNK {
        if *n > 0 {
            buf.put_u8(b',');
        }
        buf.put_slice(
            format!(
                r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"endless-{n}","namespace":"endless"}},"spec":{{"containers":[{{"name":"app","image":"nginx"}}]}}}}"#
            )
            .as_bytes(),
        );
        *n += 1;
    }
    buf.freeze()
}

impl Body for FakeBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let next = match self.get_mut() {
            FakeBody::Full(b) => b.take(),
            FakeBody::List(l) => l.next_chunk(),
            FakeBody::Endless(n) => Some(endless_chunk(n)),
            // Never woken: the connection stays open until the client gives up.
            FakeBody::Stall(b) => match b.take() {
                Some(b) => Some(b),
                None => return Poll::Pending,
            },
        };
        Poll::Ready(next.map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        match self {
            FakeBody::Full(b) => b.is_none(),
            FakeBody::List(l) => l.remaining == 0,
            FakeBody::Endless(_) | FakeBody::Stall(_) => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            FakeBody::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            FakeBody::List(l) => SizeHint::with_exact(l.remaining),
            // Unknown length: sent chunked.
            FakeBody::Endless(_) | FakeBody::Stall(_) => SizeHint::default(),
        }
    }
}

/// How list items are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// Whole objects (`PodList`).
    Full,
    /// `PartialObjectMetadataList` in meta.k8s.io `version`.
    Metadata(&'static str),
}

/// A list body: envelope prefix, the page's items (written on demand), suffix.
pub(crate) struct ListBody {
    /// The store the list was answered from (a later [`crate::Running::set_objects`] does
    /// not change a body being written).
    pub(super) store: Arc<Store>,
    pub(super) ty: usize,
    pub(super) indices: Vec<usize>,
    pub(super) pos: usize,
    /// `{"apiVersion":..,"kind":..` for whole objects.
    pub(super) item_head: Bytes,
    pub(super) shape: Shape,
    pub(super) prefix: Option<Bytes>,
    pub(super) suffix: Option<Bytes>,
    pub(super) remaining: u64,
}

pub(super) fn item_len(item: &Item, head: &[u8], shape: Shape) -> usize {
    match shape {
        // No head: the stored object as it is (no apiVersion/kind).
        Shape::Full if head.is_empty() => item.body.len(),
        // head + `,` + body without its `{`, or head + `}` for an empty object.
        Shape::Full => {
            head.len()
                + if item.body.len() <= 2 {
                    1
                } else {
                    item.body.len()
                }
        }
        Shape::Metadata(_) => META_ITEM_HEAD.len() + item.metadata.len() + 1,
    }
}

pub(super) fn write_item(buf: &mut BytesMut, item: &Item, head: &[u8], shape: Shape) {
    match shape {
        Shape::Full if head.is_empty() => buf.put_slice(&item.body),
        Shape::Full => {
            buf.put_slice(head);
            if item.body.len() <= 2 {
                buf.put_u8(b'}');
            } else {
                buf.put_u8(b',');
                buf.put_slice(&item.body[1..]);
            }
        }
        Shape::Metadata(_) => {
            buf.put_slice(META_ITEM_HEAD);
            buf.put_slice(&item.metadata);
            buf.put_u8(b'}');
        }
    }
}

impl ListBody {
    fn next_chunk(&mut self) -> Option<Bytes> {
        let out = if let Some(p) = self.prefix.take() {
            Some(p)
        } else if self.pos < self.indices.len() {
            let items = &self.store.types[self.ty].items;
            let mut buf = BytesMut::with_capacity(CHUNK + 4096);
            while self.pos < self.indices.len() && buf.len() < CHUNK {
                if self.pos > 0 {
                    buf.put_u8(b',');
                }
                write_item(
                    &mut buf,
                    &items[self.indices[self.pos]],
                    &self.item_head,
                    self.shape,
                );
                self.pos += 1;
            }
            Some(buf.freeze())
        } else {
            self.suffix.take()
        };
        if let Some(b) = &out {
            self.remaining = self.remaining.saturating_sub(b.len() as u64);
        }
        out
    }
}
