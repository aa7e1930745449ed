//! When a list has gone on too long: apart from the paging loop, which asks it after
//! every page.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::MAX_LIST_OBJECTS;

/// When a list has gone on too long. The API server's continue tokens always move
/// forward, so a list stops after:
///
/// * a continue token already used in this list (a loop);
/// * more objects than the server announced: twice `remainingItemCount` plus the objects
///   before it (it is an estimate) plus one page; without the count, [`MAX_LIST_OBJECTS`];
/// * more pages than those objects would fill at the page size, ten times over (a server
///   may send smaller pages than asked), plus 10: this catches pages with few or no
///   items and a new token each time.
#[derive(Debug)]
pub(super) struct ListBound {
    page_size: u64,
    pages: u64,
    objects: u64,
    /// Objects the server announced, from the first page that gave `remainingItemCount`.
    announced: Option<u64>,
    tokens: HashSet<u64>,
}

impl ListBound {
    pub(super) fn new(page_size: u32) -> Self {
        Self {
            page_size: u64::from(page_size.max(1)),
            pages: 0,
            objects: 0,
            announced: None,
            tokens: HashSet::new(),
        }
    }

    /// Records a page of `items` that came with `token` (and maybe `remaining`); an
    /// error says why the list must stop here.
    pub(super) fn next_page(
        &mut self,
        items: u64,
        remaining: Option<u64>,
        token: &str,
    ) -> Result<(), String> {
        self.pages += 1;
        self.objects = self.objects.saturating_add(items);
        if self.announced.is_none() {
            self.announced = remaining.map(|r| self.objects.saturating_add(r));
        }
        let mut h = DefaultHasher::new();
        token.hash(&mut h);
        if !self.tokens.insert(h.finish()) {
            return Err(format!(
                "the list never ends: page {} repeats an earlier continue token",
                self.pages
            ));
        }
        let (max_objects, why) = match self.announced {
            Some(n) => (
                n.saturating_mul(2).saturating_add(self.page_size),
                format!("the server announced {n} (remainingItemCount)"),
            ),
            None => (
                MAX_LIST_OBJECTS,
                format!("no cluster holds more than {MAX_LIST_OBJECTS}"),
            ),
        };
        let max_pages = max_objects
            .div_ceil(self.page_size)
            .saturating_mul(10)
            .saturating_add(10);
        if self.objects > max_objects || self.pages >= max_pages {
            return Err(format!(
                "the list never ends: stopped after {} pages and {} objects ({why})",
                self.pages, self.objects
            ));
        }
        Ok(())
    }
}
