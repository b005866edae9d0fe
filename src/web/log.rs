//! Console messages: one clear `console.error` for what the publisher must fix, and a
//! step-by-step trail with `data-debug`.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::cat;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // `catch`: a page's console that throws must not unwind through the tag (it would leave
    // the tag's state borrowed for good).
    #[wasm_bindgen(catch, js_namespace = console, js_name = error)]
    fn console_error(s: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = console, js_name = log)]
    fn console_log(s: &str) -> Result<(), JsValue>;
}

pub fn error(msg: &str) {
    let _ = console_error(msg);
}

pub fn debug(enabled: bool, msg: &str) {
    if enabled {
        let _ = console_log(&cat(&["adtag: ", msg]));
    }
}
