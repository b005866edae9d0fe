//! `adtag.on(name, callback)`: events for the page (`slotRenderEnded`, `decision`,
//! `impressionViewable`, …). They stay in the page, so they fire whether or not collection
//! is allowed. A callback that throws is reported and does not stop the others.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::cat;
use crate::web::local::Local;

use core::cell::RefCell;
use wasm_bindgen::prelude::*;

static LISTENERS: Local<RefCell<Vec<(String, js_sys::Function)>>> =
    Local::new(RefCell::new(Vec::new()));

/// Registers `callback` for `name`; false when it is not a function.
pub fn on(name: String, callback: JsValue) -> bool {
    let Ok(callback) = callback.dyn_into::<js_sys::Function>() else { return false };
    LISTENERS.with(|l| l.borrow_mut().push((name, callback)));
    true
}

/// Calls every listener of `name` with `payload`. Must not be called while the tag's own state
/// is borrowed: a listener may call back into `adtag`.
pub fn emit(name: &str, payload: &JsValue) {
    let listeners: Vec<js_sys::Function> = LISTENERS.with(|l| {
        l.borrow().iter().filter(|(n, _)| n == name).map(|(_, f)| f.clone()).collect()
    });
    for f in listeners {
        if f.call1(&JsValue::UNDEFINED, payload).is_err() {
            crate::web::log::error(&cat(&["adtag: an adtag.on('", name, "') callback threw"]));
        }
    }
}

/// A plain JS object from key/value pairs.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}
