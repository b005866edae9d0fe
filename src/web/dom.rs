//! The coarse JS helpers of `dom.js` (bundled into the glue by scripts/build.sh): one import
//! each instead of many fine-grained web-sys calls. None of them throws.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, HtmlIFrameElement, IntersectionObserver, Window};

#[wasm_bindgen(module = "/src/web/dom.js")]
extern "C" {
    pub fn reserve(slot: &HtmlElement, width: u32, height: u32, frame_url: &str, sandbox: &str);
    pub fn prepare(slot: &HtmlElement);
    pub fn collapse(slot: &HtmlElement, mode: u32);
    pub fn render(slot: &HtmlElement, width: u32, height: u32, html: &str, click: &str, token: &str)
        -> Option<HtmlIFrameElement>;
    /// `done(status, body)`, or `done(-1 network | -2 timeout | -3 declared too large, "")`.
    pub fn get_text(url: &str, timeout_ms: u32, max_bytes: u32, done: &JsValue);
    /// `done(1, "")` on a 2xx answer, else `done(0, "")`.
    pub fn post(url: &str, body: &str, done: &JsValue);
    pub fn send_final(url: &str, body: &str);
    /// The page's window (`web_sys::window()` costs five imports and a global-object search).
    pub fn win() -> Option<Window>;
    /// Calls `f` in a microtask.
    pub fn soon(f: &JsValue);
    /// `on(kind, value, ratio)`; see dom.js.
    pub fn watch(window: &Window, on: &JsValue) -> Option<IntersectionObserver>;
}
