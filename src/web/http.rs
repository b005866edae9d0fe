//! The tag's requests, on the browser's `fetch` (through `dom.js`): GETs with a timeout and a
//! size limit (the site list, ads), and event delivery (`fetch` with keepalive, also as the
//! page hides: never `sendBeacon`, which sends cookies). No request carries cookies (`credentials: "omit"`):
//! identifiers travel only in the parameters the decision allows.
//!
//! Plain `fetch` with callbacks rather than gloo-net or futures: the tag needs three calls of
//! it, and each layer of Rust machinery around them cost kilobytes of wasm.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::audit::{Action, rule};
use crate::core::decision::CollectPermit;
use crate::web::{audit, dom, wake};
use wasm_bindgen::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchError {
    Network,
    Timeout,
    TooLarge,
}

/// GET `url`, recorded in the audit trail with the `rule` that allows it; `done` gets the
/// status and the body, unless it fails, takes longer than `timeout_ms` (headers and body
/// together) or is (or declares) more than `max_bytes`.
pub fn get_text(url: &str, rule: &str, timeout_ms: u32, max_bytes: usize, done: Box<dyn FnOnce(Result<(u16, String), FetchError>)>) {
    audit::record(Action::Request, url, rule);
    let id = wake::once(Box::new(move |body: JsValue, status: f64| {
        let body = body.as_string().unwrap_or_default();
        let status = status as i32;
        done(match status {
            -2 => Err(FetchError::Timeout),
            -3 => Err(FetchError::TooLarge),
            _ if status < 0 => Err(FetchError::Network),
            _ if body.len() > max_bytes => Err(FetchError::TooLarge),
            _ => Ok((status as u16, body)),
        })
    }));
    dom::get_text(url, timeout_ms, u32::try_from(max_bytes).unwrap_or(u32::MAX), id);
}

#[wasm_bindgen(module = "/src/web/dom.js")]
extern "C" {
    #[wasm_bindgen(js_name = adopt)]
    fn dom_adopt(early: &JsValue);
}

/// Takes over a GET the loader started before the wasm ran (`[url, Promise<Response>,
/// AbortController]`, the site list), for `get_text` to use when it asks for that URL (it is
/// recorded in the audit trail then, as every request is). Anything else is ignored.
pub fn adopt(early: &JsValue) {
    dom_adopt(early);
}

/// What became of a posted batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// 2xx: the collector has it.
    Delivered,
    /// 4xx: the collector will never take it; sending it again would not help.
    Rejected,
    /// 5xx, another status, a network error or a refused request: worth another try.
    Failed,
}

/// POSTs a batch with `fetch(..., {keepalive: true, credentials: "omit"})` as `text/plain`
/// (no CORS preflight). Keepalive lets it finish after the page is gone; `done` then never
/// runs, and the stored outbox sends the batch again on the next page view.
///
/// The same call is the final send when the page hides. Not `sendBeacon`: it always sends
/// the cookies the browser holds for the collector's site, and the tag sends none.
///
/// Only `Measure` sends batches, and only with the permit a collecting decision gave it.
pub fn post_batch(_permit: &CollectPermit, url: &str, body: &str, done: Box<dyn FnOnce(Sent)>) {
    audit::record(Action::Beacon, url, rule::COLLECT_ALLOWED);
    let id = wake::once(Box::new(move |_, status: f64| {
        done(match status as i32 {
            200..=299 => Sent::Delivered,
            400..=499 => Sent::Rejected,
            _ => Sent::Failed,
        })
    }));
    dom::post(url, body, id);
}
