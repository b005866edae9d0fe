//! The `#[wasm_bindgen]` exports, all in one place. The loader (`www/adtag.js`) puts them on
//! `window.adtag`. None of them throws: failures are statuses and one console message.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::web::{page_api, tag};
use wasm_bindgen::prelude::*;

/// Starts the tag from its script element. 0 = started; 1 = bad config (reported);
/// 2 = no page; 3 = already started. `list` is the site-list request the loader started at
/// once, `[url, Promise<Response>, AbortController]` (or undefined): used when its URL is the
/// one the tag asks for. The loader calls `claim` in the next task.
#[wasm_bindgen]
pub fn start(script: JsValue, list: JsValue) -> u32 {
    // A panic aborts the module; the console gets one fixed line (no message formatting).
    // With `standalone` (the release build) the crate's own panic handler does this.
    #[cfg(not(feature = "standalone"))]
    std::panic::set_hook(Box::new(|_| crate::web::log::error("adtag: internal error")));
    let Some(script) = script.dyn_ref::<web_sys::Element>() else {
        crate::web::log::error("adtag: start() needs the tag's <script> element");
        return 2;
    };
    crate::web::http::adopt(&list);
    match tag::start(script) {
        Ok(()) => 0,
        Err(tag::StartError::Config) => 1,
        Err(tag::StartError::NoPage) => 2,
        Err(tag::StartError::AlreadyStarted) => 3,
    }
}

/// The start's third task (`tag::claim`): the page's slots found.
#[wasm_bindgen]
pub fn claim() {
    tag::claim();
}

/// `adtag.optOut()`.
#[wasm_bindgen]
pub fn opt_out() {
    page_api::opt_out();
}

/// `adtag.optIn()`.
#[wasm_bindgen]
pub fn opt_in() {
    page_api::opt_in();
}

/// `adtag.decision()`: `{collect, cookies, personalized, childDirected, ads, reasons}`.
#[wasm_bindgen]
pub fn decision() -> JsValue {
    page_api::current_decision()
}

/// `adtag.audit()`: what the tag did to the page and the network, and why it was allowed
/// (SPEC §10), oldest first.
#[wasm_bindgen]
pub fn audit() -> JsValue {
    crate::web::audit::entries()
}

/// `adtag.signals()`: each signal's answer (for the publisher console).
#[wasm_bindgen]
pub fn signals() -> JsValue {
    page_api::signals()
}

/// `adtag.slots()`: each slot's state (for the publisher console).
#[wasm_bindgen]
pub fn slots() -> JsValue {
    page_api::slots()
}

/// `adtag.refresh(names?)`: new ads for the named slots (an array of slot names), or for
/// every slot when `names` is undefined. Anything else names no slot.
#[wasm_bindgen]
pub fn refresh(names: JsValue) {
    page_api::refresh(slot_names(&names));
}

/// `adtag.destroySlots(names?)`: the named slots' ads removed, the slots forgotten.
#[wasm_bindgen]
pub fn destroy_slots(names: JsValue) {
    page_api::destroy_slots(slot_names(&names));
}

/// `undefined` (or `null`) → every slot; an array → the strings in it; anything else → none.
fn slot_names(names: &JsValue) -> Option<Vec<String>> {
    if names.is_undefined() || names.is_null() {
        return None;
    }
    Some(crate::web::dom::items(names).iter().filter_map(JsValue::as_string).collect())
}

/// `adtag.on(name, callback)`: true when registered.
#[wasm_bindgen]
pub fn on(name: JsValue, callback: JsValue) -> bool {
    crate::web::dom::on(&name, &callback)
}

/// `adtag.version`.
#[wasm_bindgen]
pub fn version() -> JsValue {
    env!("CARGO_PKG_VERSION").into()
}

/// For `npm run bench`: runs the core decision `n` times over varied signals and returns how
/// many allowed collection (a checksum, so the work can't be optimized away). Nothing on the
/// page is read or changed.
#[wasm_bindgen]
pub fn bench_decide(n: u32) -> u32 {
    use crate::core::decision::decide;
    use crate::core::signals::{Answer, ListState, Signals};
    let mut signals = Signals::pending();
    signals.tcf = Answer::Absent;
    signals.gpp = Answer::Absent;
    signals.usp = Answer::Absent;
    let mut allowed = 0;
    for i in 0..n {
        signals.opt_out_cookie = i % 7 == 0;
        signals.gpc = i % 5 == 0;
        signals.site_list = if i % 3 == 0 { ListState::Listed } else { ListState::NotListed };
        allowed += u32::from(core::hint::black_box(decide(core::hint::black_box(&signals))).collect);
    }
    allowed
}
