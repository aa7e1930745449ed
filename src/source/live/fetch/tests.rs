//! Paging bounds, list parsing, token encoding: the rules of [`super`] on small inputs.

use super::*;

#[test]
fn continue_tokens_are_encoded() {
    assert_eq!(encode("eyJ2Ijo+/="), "eyJ2Ijo%2B%2F%3D");
}

#[test]
fn a_list_must_be_a_list() {
    let ok = br#"{"kind":"PodList","metadata":{"continue":"t","remainingItemCount":3},"items":[{"a":1}]}"#;
    let p = Page::parse(ok).unwrap();
    assert_eq!(
        (p.items.len(), p.next.as_deref(), p.remaining),
        (1, Some("t"), Some(3))
    );
    let empty = Page::parse(br#"{"kind":"PartialObjectMetadataList","items":[]}"#).unwrap();
    assert!(empty.items.is_empty() && empty.next.is_none());
    assert!(Page::parse(br#"{"kind":"PodList","items":null}"#).is_ok());
    let status = br#"{"kind":"Status","apiVersion":"v1","status":"Success","code":200}"#;
    let e = Page::parse(status).unwrap_err();
    assert!(e.contains("not a list") && e.contains("Status"), "{e}");
    let e = Page::parse(br#"{"kind":"Pod","items":[]}"#).unwrap_err();
    assert!(e.contains("kind \"Pod\""), "{e}");
    assert!(Page::parse(b"<html>").is_err());
    assert!(Page::parse(br#"{"kind":"PodList"}"#).is_err());
}

#[test]
fn a_repeated_token_stops_the_list() {
    let mut b = ListBound::new(500);
    b.next_page(500, None, "a").unwrap();
    b.next_page(500, None, "b").unwrap();
    let e = b.next_page(500, None, "a").unwrap_err();
    assert!(e.contains("page 3 repeats"), "{e}");
}

#[test]
fn changing_tokens_stop_at_the_announced_count() {
    // The server says 10 objects remain, then keeps sending pages of 10.
    let mut b = ListBound::new(500);
    let mut pages = 0;
    let e = loop {
        pages += 1;
        if let Err(e) = b.next_page(10, Some(10), &format!("t{pages}")) {
            break e;
        }
    };
    // At most 2 × (10 + 10) + 500 = 540 objects, in 10 × 2 + 10 = 30 pages.
    assert_eq!(pages, 30);
    assert!(e.contains("announced 20"), "{e}");
    // Empty pages with new tokens stop too.
    let mut b = ListBound::new(500);
    let n = (1..=1000).find(|i| b.next_page(0, Some(0), &format!("t{i}")).is_err());
    assert_eq!(n, Some(10 + 10));
}

#[test]
fn without_a_count_the_envelope_bounds_the_list() {
    let mut b = ListBound::new(500);
    let mut i = 0u64;
    let e = loop {
        i += 1;
        if let Err(e) = b.next_page(500, None, &i.to_string()) {
            break e;
        }
    };
    assert_eq!(i, MAX_LIST_OBJECTS / 500 + 1);
    assert!(e.contains("1500000"), "{e}");
    // A real list of 120,000 pods in pages of 500 is well inside.
    let mut b = ListBound::new(500);
    for i in 0..240 {
        b.next_page(500, Some(120_000 - 500 * (i + 1)), &i.to_string())
            .unwrap();
    }
}
