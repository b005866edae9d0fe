//! The stored outbox: events not yet delivered, kept in `localStorage` under one key per
//! publisher so that a later page view of the same site can send them (issue 14, SPEC §4).
//!
//! A pure bounded queue, oldest first: at most `MAX_EVENTS` events and `MAX_BYTES` of
//! encoding; the oldest go first when either bound is passed. Each entry is one event's JSON
//! exactly as `events::to_json` wrote it, id included, so a resent event is the same event
//! and the collector counts it once. The encoding is one event per line: `to_json` escapes
//! every control character, so no event contains a newline.
//!
//! The page can write this key too: decoding keeps only lines shaped like the tag's own
//! events, recent enough, and applies the bounds again.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::{cat, ids, split_byte};

/// At most this many events are kept.
pub const MAX_EVENTS: usize = 500;
/// The encoding is at most this many bytes (64 KiB).
pub const MAX_BYTES: usize = 64 * 1024;
/// An event older than this (7 days) is dropped unsent when the queue is read.
pub const MAX_AGE_MS: u64 = 7 * 24 * 60 * 60 * 1000;

const TYPES: [&str; 5] = ["page_view", "ad_impression", "ad_viewable", "ad_click", "session_end"];

/// The `localStorage` key of a publisher's stored outbox: `adtag_outbox_<publisher>`.
pub fn key(publisher: &str) -> String {
    cat(&["adtag_outbox_", publisher])
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    /// Event JSON objects, oldest first.
    events: Vec<String>,
    /// The length of `encode()`: the events and a newline between each two.
    bytes: usize,
}

impl Stored {
    /// The queue from a stored value read at `now_ms`: lines that are not events the tag
    /// wrote, or are older than `MAX_AGE_MS`, are dropped; the bounds apply.
    pub fn decode(text: &str, now_ms: u64) -> Stored {
        let mut s = Stored::default();
        for line in split_byte(text, b'\n') {
            let Some((_, ts)) = event_head(line) else { continue };
            if now_ms.saturating_sub(ts) <= MAX_AGE_MS && line.ends_with('}') {
                s.push(line.to_owned());
            }
        }
        s
    }

    /// One event per line, oldest first; empty when there is none.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(self.bytes);
        for (i, e) in self.events.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(e);
        }
        out
    }

    /// Appends one event (as `events::to_json` wrote it), dropping the oldest while a bound
    /// is passed. False, and nothing changed, for an event already kept (same id), one that
    /// is not an event of the tag, or one larger than the whole store.
    pub fn push(&mut self, event_json: String) -> bool {
        let Some((id, _)) = event_head(&event_json) else { return false };
        if event_json.len() > MAX_BYTES || self.events.iter().any(|e| same_id(e, id)) {
            return false;
        }
        self.events.push(event_json);
        self.bytes = encoded_len(&self.events);
        // The oldest go until both bounds hold (the newest alone always fits).
        while self.events.len() > MAX_EVENTS || self.bytes > MAX_BYTES {
            let dropped = self.events.remove(0);
            self.bytes = self.bytes.saturating_sub(dropped.len().saturating_add(1));
        }
        true
    }

    /// Forgets the events with these ids (delivered, or refused by the collector).
    pub fn remove(&mut self, ids: &[String]) {
        self.events.retain(|e| !ids.iter().any(|id| same_id(e, id)));
        self.bytes = encoded_len(&self.events);
    }

    /// The events, oldest first.
    pub fn events(&self) -> &[String] {
        &self.events
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

/// The length of the events one per line.
fn encoded_len(events: &[String]) -> usize {
    events.iter().map(|e| e.len().saturating_add(1)).sum::<usize>().saturating_sub(1)
}

/// The id of an event `event_head` accepted sits at a fixed place: `{"id":"` is 7 bytes.
fn same_id(event_json: &str, id: &str) -> bool {
    event_json.get(7..39) == Some(id)
}

/// The `id` and `ts` of an event as `events::to_json` writes it:
/// `{"id":"<32 hex>","type":"<known type>","ts":<digits>,...`; `None` for anything else.
pub fn event_head(event_json: &str) -> Option<(&str, u64)> {
    let id = event_json.strip_prefix("{\"id\":\"")?.get(..32)?;
    if !ids::is_hex_id(id) {
        return None;
    }
    // Bytes from here: the id was ASCII, so 39 is a char boundary.
    let rest = event_json.as_bytes().get(39..)?.strip_prefix(b"\",\"type\":\"")?;
    let ty = TYPES.iter().find(|t| rest.starts_with(t.as_bytes()))?;
    let rest = rest.get(ty.len()..)?.strip_prefix(b"\",\"ts\":")?;
    let mut ts: u64 = 0;
    let mut digits = 0;
    for &b in rest {
        if !b.is_ascii_digit() {
            break;
        }
        ts = ts.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        digits += 1;
    }
    (digits > 0 && rest.get(digits) == Some(&b',')).then_some((id, ts))
}
