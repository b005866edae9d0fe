//! The coarse JS helpers of `dom.js` (bundled into the glue by scripts/build.sh): one import
//! each instead of many fine-grained web-sys calls. None of them throws.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, HtmlIFrameElement, IntersectionObserver, Window};

#[wasm_bindgen(module = "/src/web/dom.js")]
extern "C" {
    /// Reads the slot's own box for `reserve`, before anything is written (see dom.js).
    pub fn look(slot: &HtmlElement);
    pub fn reserve(slot: &HtmlElement, width: u32, height: u32, frame_url: &str, sandbox: &str);
    pub fn prepare(slot: &HtmlElement);
    pub fn collapse(slot: &HtmlElement, mode: u32);
    pub fn render(slot: &HtmlElement, width: u32, height: u32, html: &str, click: &str, token: &str)
        -> Option<HtmlIFrameElement>;
    /// `wake(id, body, status)`, or `wake(id, null, -1 network | -2 timeout | -3 too large)`.
    pub fn get_text(url: &str, timeout_ms: u32, max_bytes: u32, id: u32);
    /// `wake(id, null, status)`, or `wake(id, null, -1)` on a network error or a refused request.
    pub fn post(url: &str, body: &str, id: u32);
    /// The one callback into the wasm, `wake(kind, value, n)` (see wake.rs).
    pub fn init(wake: &JsValue);
    /// `setTimeout(() => wake(id, null, 0), ms)`: its handle, or -1 when it can't be set.
    pub fn timer(ms: u32, id: u32) -> f64;
    /// `clearTimeout(handle)`, never throwing.
    pub fn untimer(handle: f64);
    /// Consent platform `platform`'s function on the window (`__tcfapi`, `__gpp`, `__uspapi`).
    pub fn cmp(window: &Window, platform: u32) -> Option<js_sys::Function>;
    /// Asks consent platform `platform`; each answer, read into plain values, is
    /// `wake(8 + platform, answer, 0)` (see dom.js).
    pub fn ask(window: &Window, f: &js_sys::Function, platform: u32, vendor: Option<u32>);
    /// The nearest window, this one or an ancestor, with a frame named `__tcfapiLocator`.
    pub fn locator(window: &Window) -> Option<Window>;
    /// Posts TCF's `addEventListener` call with our `callId` to `target`.
    pub fn tcf_call(target: &Window, call_id: &str);
    /// tcData read into plain values (see dom.js `tcf`).
    pub fn tcf(data: &JsValue, vendor: Option<u32>) -> JsValue;
    /// A `__gpp` answer read into plain values (see dom.js `gpp`); for the tests.
    pub fn gpp(data: &JsValue, vendor: Option<u32>) -> JsValue;
    /// A `getUSPData` answer's `uspString` (see dom.js `usp`); for the tests.
    pub fn usp(data: &JsValue) -> JsValue;
    /// `adtag.on(name, callback)`: false unless `name` is a string and `callback` a function.
    pub fn on(name: &JsValue, callback: &JsValue) -> bool;
    /// Calls `name`'s listeners with `payload`; one that throws is reported on the console.
    pub fn emit(name: &str, payload: &JsValue);
    /// `localStorage` (see dom.js); none of them throws.
    pub fn store_get(key: &str) -> Option<String>;
    pub fn store_set(key: &str, value: &str) -> bool;
    pub fn store_del(key: &str);
    /// The page's window (`web_sys::window()` costs five imports and a global-object search).
    pub fn win() -> Option<Window>;
    /// Wakes one-shot callback `id` in a later task (`scheduler.yield()` where there is one).
    pub fn later(id: u32);
    /// Calls `f` in a microtask.
    pub fn soon(f: &JsValue);
    /// The page's events as `wake(kind, value, ratio)`; see dom.js.
    pub fn watch(window: &Window) -> Option<IntersectionObserver>;
    /// `io.observe(el)` (`on`) or `io.unobserve(el)`, never throwing.
    pub fn observe(io: Option<&IntersectionObserver>, el: &web_sys::Element, on: bool);
    /// A destroyed slot: emptied, its style given back, `data-adtag-state` = `state`.
    pub fn clear(slot: &HtmlElement, state: &str);
    /// `document.visibilityState === 'visible'`, never throwing (false where it throws).
    pub fn visible(doc: &web_sys::Document) -> bool;
    /// `performance.now()`, never throwing (0 where the page broke it).
    pub fn now() -> f64;
    /// The lazy-loading observers (see dom.js): `wake(6|7, slot, 1|0)`.
    pub fn lazy(fetch_percent: u32, render_percent: u32) -> JsValue;
    pub fn lazy_observe(pair: &JsValue, el: &web_sys::Element, on: bool);
    /// The width an element has now, in CSS pixels (0 when unknown).
    pub fn width(el: &web_sys::Element) -> f64;
    /// `Date.now()`, never throwing (0 where the page broke it).
    pub fn epoch() -> f64;
}

/// The elements of an array (none for anything else): the plain values dom.js hands over.
pub fn items(v: &JsValue) -> Vec<JsValue> {
    v.dyn_ref::<js_sys::Array>().map(js_sys::Array::to_vec).unwrap_or_default()
}

/// `a[i]`, undefined past its end.
pub fn item(a: &[JsValue], i: usize) -> JsValue {
    a.get(i).cloned().unwrap_or(JsValue::UNDEFINED)
}
