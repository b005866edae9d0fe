//! Console messages: one clear `console.error` for what the publisher must fix, and a
//! step-by-step trail with `data-debug`.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::cat;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(s: &str);
    #[wasm_bindgen(js_namespace = console, js_name = log)]
    fn console_log(s: &str);
}

pub fn error(msg: &str) {
    console_error(msg);
}

pub fn debug(enabled: bool, msg: &str) {
    if enabled {
        console_log(&cat(&["adtag: ", msg]));
    }
}
