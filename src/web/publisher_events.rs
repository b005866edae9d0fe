//! `adtag.on(name, callback)`: events for the page (`slotRenderEnded`, `decision`,
//! `impressionViewable`, …). They stay in the page, so they fire whether or not collection
//! is allowed. A callback that throws is reported and does not stop the others.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::web::dom;

use wasm_bindgen::prelude::*;

/// Registers `callback` for `name`; false when it is not a function. (The listeners live in
/// dom.js: calling page functions and catching what they throw is a line of JS each.)
pub fn on(name: String, callback: JsValue) -> bool {
    dom::on(&name.into(), &callback)
}

/// Calls every listener of `name` with `payload`. Must not be called while the tag's own state
/// is borrowed: a listener may call back into `adtag`.
pub fn emit(name: &str, payload: &JsValue) {
    dom::emit(name, payload);
}

/// A plain JS object from key/value pairs.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}
