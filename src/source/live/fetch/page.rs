//! One page of a list as the downloader hands it to the parsing side ([`super::pipe`],
//! [`super::deal`]): its bytes, checked to be a list, and where each item is in them.

use std::ops::Range;

use bytes::Bytes;

/// One page, checked to be a list: its body and where each item is in it.
pub(super) struct Parsed {
    pub(super) body: Bytes,
    pub(super) items: Vec<Range<usize>>,
}

/// Where each of `items` (slices of `body`) is in it.
pub(super) fn ranges(body: &[u8], items: &[&serde_json::value::RawValue]) -> Vec<Range<usize>> {
    let base = body.as_ptr() as usize;
    items
        .iter()
        .map(|i| {
            let start = i.get().as_ptr() as usize - base;
            start..start + i.get().len()
        })
        .collect()
}

/// A page of `items` (JSON texts), as the downloader hands it over (tests).
#[cfg(test)]
pub(super) fn test_page<S: AsRef<str>>(items: &[S]) -> Parsed {
    let texts: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    let body = format!("[{}]", texts.join(","));
    let raw: Vec<&serde_json::value::RawValue> =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("a test page: {e}"));
    let items = ranges(body.as_bytes(), &raw);
    Parsed {
        body: Bytes::from(body),
        items,
    }
}
