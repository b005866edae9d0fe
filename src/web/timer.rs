//! A `setTimeout` that clears itself when dropped (after gloo-timers).
//!
//! The callback is a `Closure::once_into_js`, which frees itself when it runs, so a timer may
//! be dropped from inside its own callback (a retry replacing itself) without freeing code
//! that is still running. A timer cleared before it fires leaks its small closure; a page
//! clears only a handful.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::prelude::*;

pub struct Timeout {
    id: i32,
}

impl Timeout {
    /// `None` when there is no window to set a timer on.
    pub fn new(ms: u32, f: impl FnOnce() + 'static) -> Option<Timeout> {
        let callback = Closure::once_into_js(f);
        let ms = i32::try_from(ms).unwrap_or(i32::MAX);
        let id = crate::web::dom::win()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms)
            .ok()?;
        Some(Timeout { id })
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let Some(w) = crate::web::dom::win() {
            w.clear_timeout_with_handle(self.id);
        }
    }
}

/// Milliseconds since the epoch (`Date.now()`), never negative.
pub fn now_ms() -> u64 {
    let t = js_sys::Date::now();
    if t > 0.0 { t as u64 } else { 0 }
}

/// Milliseconds on the page's monotonic clock (`performance.now()`): for durations, which
/// must not jump when the system clock is set. 0 without a `performance`.
pub fn mono_ms() -> f64 {
    crate::web::dom::win().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}
