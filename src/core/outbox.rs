//! Batching and retry of serialized events, as plain data: the glue asks what to send and
//! reports how it went. Batches stay well under the 64 KiB keepalive quota.

/// A batch body (a JSON array) never exceeds this many bytes.
pub const MAX_BATCH_BYTES: usize = 16 * 1024;
/// A batch the collector keeps rejecting is dropped after this many attempts.
pub const MAX_ATTEMPTS: u32 = 5;

/// One batch ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// `[ev,ev,...]`
    pub body: String,
    /// How many times it has been tried already.
    pub attempts: u32,
}

#[derive(Debug, Default)]
pub struct Outbox {
    // helper: queued events (JSON objects) and batches waiting for retry
}

impl Outbox {
    pub fn new() -> Outbox {
        todo!("helper: core-measure")
    }
    /// Queues one event's JSON. An event larger than a batch is dropped (returns false).
    pub fn push(&mut self, _event_json: String) -> bool {
        todo!()
    }
    /// The next batch to send now (retries first, oldest first), if any.
    pub fn next_batch(&mut self) -> Option<Batch> {
        todo!()
    }
    /// The collector answered 5xx or the network failed: keep it for a retry, unless it has
    /// had `MAX_ATTEMPTS`. Returns the delay in ms before the retry, or `None` when dropped.
    pub fn failed(&mut self, _batch: Batch) -> Option<u32> {
        todo!()
    }
    /// Everything still queued, as batches, for a final `sendBeacon` flush.
    pub fn drain(&mut self) -> Vec<Batch> {
        todo!()
    }
    /// Forget everything (the decision turned to "not allowed").
    pub fn clear(&mut self) {
        todo!()
    }
    pub fn is_empty(&self) -> bool {
        todo!()
    }
}

/// Exponential backoff: 1 s, 2 s, 4 s, … capped at 30 s, for attempt n (1-based).
pub fn backoff_ms(_attempts: u32) -> u32 {
    todo!()
}
