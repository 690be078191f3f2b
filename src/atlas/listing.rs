//! What one listing (every page of one GET) may hold. A server that pages
//! without end would otherwise fill memory: the items and the bytes of the
//! answers are capped, and the listing stops with an error at either cap.

use serde_json::Value;

/// Items one listing may hold: an Atlas organization has at most a few
/// thousand projects, a project a few hundred alert configurations.
pub const MAX_LISTING_ITEMS: usize = 100_000;

/// Bytes the answers of one listing may add up to (each answer has its own
/// cap too): 100,000 projects as Atlas lists them are about 60 MiB less.
pub const MAX_LISTING_BYTES: usize = 64 * 1024 * 1024;

/// The items of a listing so far, and the bytes of the answers they came in.
#[derive(Debug, Default)]
pub struct Listing {
    items: Vec<Value>,
    bytes: usize,
}

impl Listing {
    /// Adds one page (`bytes` long, holding `results`); the reason when the
    /// listing would pass a cap, and then nothing is added.
    pub fn add(&mut self, bytes: usize, results: &[Value]) -> Result<(), String> {
        self.add_within(bytes, results, (MAX_LISTING_ITEMS, MAX_LISTING_BYTES))
    }

    fn add_within(
        &mut self,
        bytes: usize,
        results: &[Value],
        (max_items, max_bytes): (usize, usize),
    ) -> Result<(), String> {
        let cap = |what: String| {
            format!(
                "the listing holds more than {what}, the most tether takes from one listing; a server that pages without end is refused"
            )
        };
        if self.items.len().saturating_add(results.len()) > max_items {
            return Err(cap(format!("{max_items} items")));
        }
        if self.bytes.saturating_add(bytes) > max_bytes {
            return Err(cap(format!("{} MiB", max_bytes >> 20)));
        }
        self.items.extend_from_slice(results);
        self.bytes += bytes;
        Ok(())
    }

    pub fn into_items(self) -> Vec<Value> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_takes_pages_up_to_each_cap_and_not_past_it() {
        let page = vec![Value::Null; 3];
        let mut listing = Listing::default();
        let caps = (6, 2 << 20);
        assert!(listing.add_within(1 << 20, &page, caps).is_ok());
        assert!(listing.add_within(1 << 20, &page, caps).is_ok());
        let err = listing.add_within(0, &page[..1], caps).unwrap_err();
        assert!(err.contains("more than 6 items"), "{err}");
        let err = listing.add_within(1, &[], caps).unwrap_err();
        assert!(err.contains("more than 2 MiB"), "{err}");
        assert_eq!(listing.into_items().len(), 6);
    }
}
