//! The tag's requests, on the browser's `fetch`: GETs with a timeout and a size limit (the
//! site list, ads), and event delivery (`fetch` with keepalive while the page lives,
//! `sendBeacon` when it is hidden). No request carries cookies (`credentials: "omit"`):
//! identifiers travel only in the parameters the decision allows.
//!
//! Plain `fetch` rather than gloo-net: the tag needs three calls of it, and gloo-net's
//! request builder cost about 6 KB gzipped of wasm and JS glue.

use crate::web::timer::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, RequestCredentials, RequestInit, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchError {
    Network,
    Timeout,
    TooLarge,
}

#[wasm_bindgen]
extern "C" {
    /// The page's `fetch`, with a synchronous throw (a page's broken fetch wrapper) caught
    /// as an error instead of unwinding into the page.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch_catching(url: &str, init: &RequestInit) -> Result<js_sys::Promise, JsValue>;
}

/// `fetch(url, init)` resolved to a `Response`.
async fn fetch(url: &str, init: &RequestInit) -> Result<Response, JsValue> {
    JsFuture::from(fetch_catching(url, init)?).await?.dyn_into::<Response>()
}

/// GET `url`; the status and the body, unless it fails, takes longer than `timeout_ms`
/// (headers and body together) or declares more than `max_bytes`.
pub async fn get_text(url: &str, timeout_ms: u32, max_bytes: usize) -> Result<(u16, String), FetchError> {
    let controller = AbortController::new().map_err(|_| FetchError::Network)?;
    let signal = controller.signal();
    let _timeout = Timeout::new(timeout_ms, move || controller.abort());
    let failed = |signal: &AbortSignal| if signal.aborted() { FetchError::Timeout } else { FetchError::Network };

    let init = RequestInit::new();
    init.set_credentials(RequestCredentials::Omit);
    init.set_signal(Some(&signal));
    let response = fetch(url, &init).await.map_err(|_| failed(&signal))?;
    let declared = response.headers().get("content-length").ok().flatten().and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max_bytes) {
        return Err(FetchError::TooLarge);
    }
    let text = response.text().map_err(|_| FetchError::Network)?;
    let body = JsFuture::from(text).await.map_err(|_| failed(&signal))?.as_string().unwrap_or_default();
    if body.len() > max_bytes {
        return Err(FetchError::TooLarge);
    }
    Ok((response.status(), body))
}

/// POSTs a batch with `fetch(..., {keepalive: true})` as `text/plain` (no CORS preflight).
/// True when the collector accepted it (2xx); false on a network error or a 5xx/4xx answer.
pub async fn post_batch(url: &str, body: &str) -> bool {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    // web-sys has no setter for `keepalive` on this RequestInit; the property is standard.
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE);
    init.set_credentials(RequestCredentials::Omit);
    let headers = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&headers, &"content-type".into(), &"text/plain;charset=UTF-8".into());
    init.set_headers(&headers);
    fetch(url, &init).await.is_ok_and(|r| r.ok())
}

/// The last word when the page is being hidden: `sendBeacon`, or a keepalive fetch that is
/// not awaited when the browser refuses the beacon.
pub fn send_final(url: &str, body: &str) {
    let Some(window) = web_sys::window() else { return };
    let queued = window
        .navigator()
        .send_beacon_with_opt_str(url, Some(body))
        .unwrap_or(false);
    if !queued {
        let (url, body) = (url.to_owned(), body.to_owned());
        wasm_bindgen_futures::spawn_local(async move {
            let _ = post_batch(&url, &body).await;
        });
    }
}
