//! Batching and retry of serialized events, as plain data: the glue asks what to send and
//! reports how it went. Batches stay well under the 64 KiB keepalive quota.
//!
//! No clock inside: `failed` returns the delay, the glue waits that long and calls
//! `next_batch` again, which hands back the failed batch first.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::stored::event_head;


/// A batch body (a JSON array) never exceeds this many bytes.
pub const MAX_BATCH_BYTES: usize = 16 * 1024;
/// A batch the collector keeps rejecting is dropped after this many attempts.
pub const MAX_ATTEMPTS: u32 = 5;

/// Largest single event: it must fit between the array's brackets.
const MAX_EVENT_BYTES: usize = MAX_BATCH_BYTES - 2;
const MAX_BACKOFF_MS: u32 = 30_000;

/// One batch ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// `[ev,ev,...]`
    pub body: String,
    /// How many times it has been tried already.
    pub attempts: u32,
    /// The `id` of each event in it, in order (events without one are sent but not named):
    /// what the glue removes from the stored outbox once the collector has them.
    pub ids: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Outbox {
    /// Event JSON objects not yet in a batch, oldest first.
    queued: Vec<String>,
    /// Batches that failed and wait for their retry; the front one is sent next.
    retries: Vec<Batch>,
}

impl Outbox {
    pub fn new() -> Outbox {
        Outbox::default()
    }

    /// Queues one event's JSON. An event larger than a batch is dropped (returns false).
    pub fn push(&mut self, event_json: String) -> bool {
        if event_json.len() > MAX_EVENT_BYTES {
            return false;
        }
        self.queued.push(event_json);
        true
    }

    /// The next batch to send now (retries first, oldest first), if any.
    ///
    /// A new batch takes as many queued events, in order, as fit in `MAX_BATCH_BYTES`.
    pub fn next_batch(&mut self) -> Option<Batch> {
        if !self.retries.is_empty() {
            return Some(self.retries.remove(0));
        }
        self.build_batch()
    }

    /// The collector answered 5xx or the network failed: keep it for a retry, unless it has
    /// had `MAX_ATTEMPTS`. Returns the delay in ms before the retry, or `None` when dropped.
    ///
    /// A kept batch goes to the front: the next `next_batch` returns it. (With one batch in
    /// flight at a time, that is oldest first.)
    pub fn failed(&mut self, batch: Batch) -> Option<u32> {
        let attempts = batch.attempts.saturating_add(1);
        if attempts >= MAX_ATTEMPTS {
            return None;
        }
        self.retries.insert(0, Batch {
            attempts,
            ..batch
        });
        Some(backoff_ms(attempts))
    }

    /// Everything still queued, as batches, for the final send as the page hides: retries first,
    /// then the queued events. The outbox is empty afterwards.
    pub fn drain(&mut self) -> Vec<Batch> {
        let mut out = core::mem::take(&mut self.retries);
        while let Some(b) = self.build_batch() {
            out.push(b);
        }
        out
    }

    /// Forget everything (the decision turned to "not allowed").
    pub fn clear(&mut self) {
        self.queued.clear();
        self.retries.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.queued.is_empty() && self.retries.is_empty()
    }

    /// A fresh batch from the front of the queue, `None` when the queue is empty.
    fn build_batch(&mut self) -> Option<Batch> {
        // Plain `Vec`s (a page queues a handful of events): no `VecDeque` code in the wasm.
        let mut queued = core::mem::take(&mut self.queued).into_iter();
        let first = queued.next()?;
        let mut body = String::with_capacity(
            MAX_BATCH_BYTES.min(first.len().saturating_add(2).saturating_mul(4)),
        );
        let mut ids = Vec::new();
        let mut name = |e: &str| {
            if let Some((id, _)) = event_head(e) {
                ids.push(id.to_owned());
            }
        };
        name(&first);
        body.push('[');
        body.push_str(&first);
        while let Some(next) = queued.as_slice().first() {
            // `,` + event + the closing `]`.
            let needed = body.len().saturating_add(next.len()).saturating_add(2);
            if needed > MAX_BATCH_BYTES {
                break;
            }
            name(next);
            body.push(',');
            body.push_str(next);
            queued.next();
        }
        self.queued = queued.collect();
        body.push(']');
        Some(Batch { body, attempts: 0, ids })
    }
}

/// Exponential backoff: 1 s, 2 s, 4 s, … capped at 30 s, for attempt n (1-based).
/// Attempt 0 is treated as 1.
pub fn backoff_ms(attempts: u32) -> u32 {
    let shift = attempts.saturating_sub(1);
    if shift >= 5 {
        // 1000 << 5 = 32 000 is already past the cap.
        return MAX_BACKOFF_MS;
    }
    1000u32
        .checked_shl(shift)
        .unwrap_or(MAX_BACKOFF_MS)
        .min(MAX_BACKOFF_MS)
}
