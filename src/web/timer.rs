//! A `setTimeout` that clears itself when dropped (after gloo-timers).
//!
//! The callback is a one-shot `wake` callback, taken out of the registry before it runs, so a
//! timer may be dropped from inside its own callback (a retry replacing itself) without
//! freeing code that is still running. A timer cleared before it fires forgets its callback.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::web::{dom, wake};

pub struct Timeout {
    handle: f64,
    id: u32,
}

impl Timeout {
    /// `None` when there is no timer to set (no `setTimeout`, or it threw).
    pub fn new(ms: u32, f: impl FnOnce() + 'static) -> Option<Timeout> {
        Timeout::new_dyn(ms, Box::new(f))
    }

    /// The one body of `new`, not generic (each caller would otherwise get its own copy).
    fn new_dyn(ms: u32, f: Box<dyn FnOnce()>) -> Option<Timeout> {
        let id = wake::once(Box::new(move |_, _| f()));
        let handle = dom::timer(ms.min(i32::MAX as u32), id);
        if handle < 0.0 {
            wake::cancel(id);
            return None;
        }
        Some(Timeout { handle, id })
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        dom::untimer(self.handle);
        wake::cancel(self.id);
    }
}

/// Milliseconds on the page's monotonic clock (`performance.now()`): durations, viewability
/// and sessions never jump with the wall clock, and a page that breaks the clock can't make
/// the tag throw.
pub fn now_ms() -> u64 {
    crate::web::dom::now() as u64
}

/// Milliseconds since the epoch (`Date.now()`), for event timestamps only; 0 where the page
/// broke `Date.now`.
pub fn epoch_ms() -> u64 {
    let t = crate::web::dom::epoch();
    if t > 0.0 { t as u64 } else { 0 }
}
