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
    /// `done(status, "")`, or `done(-1, "")` on a network error or a refused request.
    pub fn post(url: &str, body: &str, done: &JsValue);
    /// `localStorage` (see dom.js); none of them throws.
    pub fn store_get(key: &str) -> Option<String>;
    pub fn store_set(key: &str, value: &str) -> bool;
    pub fn store_del(key: &str);
    /// The page's window (`web_sys::window()` costs five imports and a global-object search).
    pub fn win() -> Option<Window>;
    /// Calls `f` in a later task (`scheduler.yield()` where there is one).
    pub fn later(f: &JsValue);
    /// Calls `f` in a microtask.
    pub fn soon(f: &JsValue);
    /// `on(kind, value, ratio)`; see dom.js.
    pub fn watch(window: &Window, on: &JsValue) -> Option<IntersectionObserver>;
    /// `io.observe(el)` (`on`) or `io.unobserve(el)`, never throwing.
    pub fn observe(io: Option<&IntersectionObserver>, el: &web_sys::Element, on: bool);
    /// A destroyed slot: emptied, its style given back, `data-adtag-state` = `state`.
    pub fn clear(slot: &HtmlElement, state: &str);
    /// `performance.now()`, never throwing (0 where the page broke it).
    pub fn now() -> f64;
    /// The lazy-loading observers (see dom.js): `on(6|7, slot, 1|0)`.
    pub fn lazy(on: &JsValue, fetch_percent: u32, render_percent: u32) -> JsValue;
    pub fn lazy_observe(pair: &JsValue, el: &web_sys::Element, on: bool);
    /// The width an element has now, in CSS pixels (0 when unknown).
    pub fn width(el: &web_sys::Element) -> f64;
    /// `Date.now()`, never throwing (0 where the page broke it).
    pub fn epoch() -> f64;
}
