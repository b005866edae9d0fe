//! The audit trail on the page (SPEC §10): `adtag.audit()`, and an `audit` page event per
//! entry for the publisher console. The functions that touch a cookie, the storage or the
//! network (`page::cookies`/`set_cookie`, `storage`, `http`) record through here and can't be
//! called without naming the rule that allowed them.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::web::local::Local;

use crate::core::audit::{Action, Entry, Trail};
use crate::web::publisher_events::object;
use crate::web::tag;
use crate::web::timer::epoch_ms;
use core::cell::RefCell;
use wasm_bindgen::prelude::*;

static TRAIL: Local<RefCell<Trail>> = Local::new(RefCell::new(Trail::EMPTY));

/// Records one thing the tag did, and tells the page (`adtag.on('audit', …)`).
pub fn record(action: Action, target: &str, rule: &str) {
    let ts = epoch_ms();
    if let Ok(mut t) = TRAIL.try_borrow_mut() {
        t.record(ts, action, target, rule);
    }
    tag::notify("audit", entry(&Entry { ts_ms: ts, action, target: target.to_owned(), rule: rule.to_owned() }));
}

/// `adtag.audit()`: the kept entries, oldest first.
pub fn entries() -> JsValue {
    let list = js_sys::Array::new();
    if let Ok(t) = TRAIL.try_borrow() {
        for e in t.entries() {
            list.push(&entry(e));
        }
    }
    list.into()
}

fn entry(e: &Entry) -> JsValue {
    object(&[
        ("ts", (e.ts_ms as f64).into()),
        ("action", e.action.as_str().into()),
        ("target", e.target.as_str().into()),
        ("rule", e.rule.as_str().into()),
    ])
}
