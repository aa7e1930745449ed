//! One page of a list as the downloader hands it to the parsing side ([`super::pipe`],
//! [`super::deal`]): its bytes, checked to be a list, and where its items are.
//!
//! Two ways to find the items. [`Page::parse`] reads the whole page once to split it
//! into items (and to check it), and the parsing side then reads each item again: two
//! passes. For the pod list, 97% of a large cluster's bytes, [`head`] reads only what
//! comes before `items` (the API server writes `kind` and `metadata`, with the continue
//! token, first), so the next page can be asked for at once, and the parsing side reads
//! the items in one pass ([`Parsed::array`]).

use std::ops::Range;

use bytes::Bytes;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// One page, checked to be a list (or, read head first, to start as one).
pub(crate) struct Parsed {
    pub(crate) body: Bytes,
    pub(super) items: Items,
}

/// Where the items of a page are.
pub(super) enum Items {
    /// Each item's place in the body (the page was read whole).
    Split(Vec<Range<usize>>),
    /// The body from here to its closing `}` is the `items` array (read head first).
    Array(Range<usize>),
}

impl Parsed {
    /// Hands each item to `each`, in order; how many there were. A page read head first is
    /// split first (a whole read of it, which also checks it).
    pub(crate) fn each(
        &self,
        mut each: impl FnMut(&[u8]) -> Result<(), String>,
    ) -> Result<u64, String> {
        let split;
        let ranges = match &self.items {
            Items::Split(r) => r,
            Items::Array(_) => {
                split = self.split()?;
                &split
            }
        };
        for r in ranges {
            each(&self.body[r.clone()])?;
        }
        Ok(ranges.len() as u64)
    }

    /// The `items` array (or `null`) of a page read head first: all of the returned bytes
    /// but whitespace, when the API server wrote `items` last, as it does.
    pub(crate) fn array(&self) -> Option<&[u8]> {
        match &self.items {
            Items::Array(r) => Some(&self.body[r.clone()]),
            Items::Split(_) => None,
        }
    }

    /// The items' places, from a whole read of the page.
    pub(crate) fn split(&self) -> Result<Vec<Range<usize>>, String> {
        let page = Page::parse(&self.body)?;
        Ok(ranges(&self.body, &page.items))
    }
}

/// Where each of `items` (slices of `body`) is in it.
pub(super) fn ranges(body: &[u8], items: &[&RawValue]) -> Vec<Range<usize>> {
    let base = body.as_ptr() as usize;
    items
        .iter()
        .map(|i| {
            let start = i.get().as_ptr() as usize - base;
            start..start + i.get().len()
        })
        .collect()
}

/// One page of a list, read whole and checked to be one.
#[derive(Debug)]
pub(super) struct Page<'a> {
    pub(super) items: Vec<&'a RawValue>,
    /// The continue token, when not empty.
    pub(super) next: Option<String>,
    pub(super) remaining: Option<u64>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListMeta {
    #[serde(rename = "continue", default)]
    next: Option<String>,
    #[serde(default)]
    remaining_item_count: Option<i64>,
}

impl ListMeta {
    fn token(self) -> (Option<String>, Option<u64>) {
        (
            self.next.filter(|t| !t.is_empty()),
            self.remaining_item_count
                .map(|n| u64::try_from(n).unwrap_or(0)),
        )
    }
}

impl<'a> Page<'a> {
    /// A list is an object whose `kind` ends in `List` and which has `items` (`null`
    /// and `[]` are an empty page). A `Status` answered with 200, a single object, an
    /// HTML page are not lists.
    pub(super) fn parse(bytes: &'a [u8]) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct Wire<'a> {
            kind: Option<String>,
            #[serde(default)]
            metadata: ListMeta,
            #[serde(borrow, default, deserialize_with = "present")]
            items: Option<Vec<&'a RawValue>>,
        }
        fn present<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<Vec<&'de RawValue>>, D::Error> {
            Ok(Some(
                Option::<Vec<&'de RawValue>>::deserialize(d)?.unwrap_or_default(),
            ))
        }
        let w: Wire<'a> =
            serde_json::from_slice(bytes).map_err(|e| format!("the answer is not a list: {e}"))?;
        let kind = w.kind.unwrap_or_default();
        let items = match w.items {
            Some(items) if kind.ends_with("List") => items,
            Some(_) => return Err(format!("the answer is not a list (kind {kind:?})")),
            None => {
                return Err(format!(
                    "the answer is not a list (kind {kind:?}, no items): {}",
                    super::status_message(bytes)
                ))
            }
        };
        let (next, remaining) = w.metadata.token();
        Ok(Page {
            items,
            next,
            remaining,
        })
    }
}

/// What comes before `items` in a page: its continue token and remaining count, and where
/// the `items` array is ([`Items::Array`]).
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Head {
    pub(super) next: Option<String>,
    pub(super) remaining: Option<u64>,
    pub(super) items: Range<usize>,
}

/// The head of a page whose `kind` (ending in `List`) and `metadata` come before
/// `items`, the last member: the API server's order. Anything else (another order,
/// another kind, not JSON) is `None`, and the page is read whole ([`Page::parse`]), which
/// says what is wrong with it.
pub(super) fn head(bytes: &[u8]) -> Option<Head> {
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace())?;
    if bytes[end] != b'}' {
        return None;
    }
    let mut at = skip_ws(bytes, 0);
    (bytes.get(at) == Some(&b'{')).then_some(())?;
    at += 1;
    let (mut kind, mut meta) = (None, None);
    loop {
        at = skip_ws(bytes, at);
        let (key, next) = value::<String>(bytes, at)?;
        at = skip_ws(bytes, next);
        (bytes.get(at) == Some(&b':')).then_some(())?;
        at = skip_ws(bytes, at + 1);
        match key.as_str() {
            "items" => {
                let kind: String = kind?;
                let meta: ListMeta = meta?;
                kind.ends_with("List").then_some(())?;
                let (next, remaining) = meta.token();
                return Some(Head {
                    next,
                    remaining,
                    items: at..end,
                });
            }
            "kind" => {
                let (k, next) = value::<String>(bytes, at)?;
                kind = Some(k);
                at = next;
            }
            "metadata" => {
                let (m, next) = value::<ListMeta>(bytes, at)?;
                meta = Some(m);
                at = next;
            }
            _ => at = value::<serde::de::IgnoredAny>(bytes, at)?.1,
        }
        at = skip_ws(bytes, at);
        (bytes.get(at) == Some(&b',')).then_some(())?;
        at += 1;
    }
}

fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// One JSON value (a string, object or array: nothing that needs a delimiter after it)
/// at `at`, and where it ends.
fn value<'de, T: Deserialize<'de>>(bytes: &'de [u8], at: usize) -> Option<(T, usize)> {
    let rest = bytes.get(at..)?;
    if !matches!(rest.first(), Some(b'"' | b'{' | b'[')) {
        return None;
    }
    let mut stream = serde_json::Deserializer::from_slice(rest).into_iter::<T>();
    let v = stream.next()?.ok()?;
    Some((v, at + stream.byte_offset()))
}

/// A page of `items` (JSON texts), as the downloader hands it over (tests).
#[cfg(test)]
pub(super) fn test_page<S: AsRef<str>>(items: &[S]) -> Parsed {
    let texts: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    let body = format!("[{}]", texts.join(","));
    let raw: Vec<&RawValue> =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("a test page: {e}"));
    let items = Items::Split(ranges(body.as_bytes(), &raw));
    Parsed {
        body: Bytes::from(body),
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_is_read_when_items_come_last() {
        let page = br#" {"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9","continue":"t","remainingItemCount":3},"items":[{"a":1}, {"b":"]"}]}
"#;
        let h = head(page).expect("a head");
        assert_eq!((h.next.as_deref(), h.remaining), (Some("t"), Some(3)));
        assert_eq!(&page[h.items.clone()], br#"[{"a":1}, {"b":"]"}]"#);
        let last = head(br#"{"kind":"PodList","metadata":{"continue":""},"items":null}"#).unwrap();
        assert_eq!((last.next, last.remaining), (None, None));
        // Any other order, kind or text: read whole instead.
        for other in [
            &br#"{"items":[],"kind":"PodList","metadata":{}}"#[..],
            br#"{"kind":"PodList","items":[]}"#,
            br#"{"kind":"Pod","metadata":{},"items":[]}"#,
            br#"{"kind":"Status","metadata":{},"code":200}"#,
            br#"{"kind":"PodList","metadata":{},"items":[]} x"#,
            b"<html>",
            b"",
            br#"{"kind":"PodList","metadata":{"continue":7},"items":[]}"#,
        ] {
            assert_eq!(head(other), None, "{}", String::from_utf8_lossy(other));
        }
    }

    #[test]
    fn a_page_read_head_first_still_splits_into_its_items() {
        let body = r#"{"kind":"PodList","metadata":{},"items":[1,{"x":[2]}]}"#;
        let h = head(body.as_bytes()).unwrap();
        let page = Parsed {
            body: Bytes::from(body),
            items: Items::Array(h.items),
        };
        assert_eq!(page.array(), Some(&br#"[1,{"x":[2]}]"#[..]));
        let mut seen = Vec::new();
        let n = page
            .each(|i| {
                seen.push(String::from_utf8_lossy(i).into_owned());
                Ok(())
            })
            .unwrap();
        assert_eq!(
            (n, seen),
            (2, vec!["1".to_owned(), r#"{"x":[2]}"#.to_owned()])
        );
    }
}
