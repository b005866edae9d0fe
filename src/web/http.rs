//! The tag's requests, on the browser's `fetch` (through `dom.js`): GETs with a timeout and a
//! size limit (the site list, ads), and event delivery (`fetch` with keepalive while the page
//! lives, `sendBeacon` when it is hidden). No request carries cookies (`credentials: "omit"`):
//! identifiers travel only in the parameters the decision allows.
//!
//! Plain `fetch` with callbacks rather than gloo-net or futures: the tag needs three calls of
//! it, and each layer of Rust machinery around them cost kilobytes of wasm.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::web::dom;
use wasm_bindgen::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchError {
    Network,
    Timeout,
    TooLarge,
}

/// GET `url`; `done` gets the status and the body, unless it fails, takes longer than
/// `timeout_ms` (headers and body together) or is (or declares) more than `max_bytes`. The
/// body is counted while it streams in and the read stops past `max_bytes` (dom.js), so an
/// oversized answer costs no more than the limit in memory. A request for the same URL that
/// the loader already started (`adopt`) is used instead of a new one.
pub fn get_text(url: &str, timeout_ms: u32, max_bytes: usize, done: Box<dyn FnOnce(Result<(u16, String), FetchError>)>) {
    let callback = Closure::once_into_js(move |status: i32, body: String| {
        done(match status {
            -2 => Err(FetchError::Timeout),
            -3 => Err(FetchError::TooLarge),
            _ if status < 0 => Err(FetchError::Network),
            _ if body.len() > max_bytes => Err(FetchError::TooLarge),
            _ => Ok((status as u16, body)),
        })
    });
    dom::get_text(url, timeout_ms, u32::try_from(max_bytes).unwrap_or(u32::MAX), &callback);
}

#[wasm_bindgen(module = "/src/web/dom.js")]
extern "C" {
    #[wasm_bindgen(js_name = adopt)]
    fn dom_adopt(early: &JsValue);
}

/// Takes over a GET the loader started before the wasm ran (`[url, Promise<Response>,
/// AbortController]`, the site list), for `get_text` to use when it asks for that URL.
/// Anything else is ignored.
pub fn adopt(early: &JsValue) {
    dom_adopt(early);
}

/// POSTs a batch with `fetch(..., {keepalive: true})` as `text/plain` (no CORS preflight).
/// `done(true)` when the collector accepted it (2xx); false on a network error or a 5xx/4xx.
pub fn post_batch(url: &str, body: &str, done: impl FnOnce(bool) + 'static) {
    dom::post(url, body, &Closure::once_into_js(move |ok: i32, _: String| done(ok == 1)));
}

/// The last word when the page is being hidden: `sendBeacon`, or a keepalive fetch that is
/// not awaited when the browser refuses the beacon.
pub fn send_final(url: &str, body: &str) {
    dom::send_final(url, body);
}
