//! The one way from JS into the wasm: `dom.js` calls a single function, `wake(kind, value, n)`,
//! for every timer, fetch answer, consent answer, page event and observer entry. wasm-bindgen
//! emits glue for each closure signature and code for each closure it wraps; with one
//! signature and one closure, made once, the tag carries that machinery once.
//!
//! Kinds below `ONCE` name what happened (see `dispatch`); a kind from `ONCE` on names a
//! one-shot callback registered here (a timer, a request's answer), which is taken out before
//! it runs: it may register others, or cancel itself, while it runs.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::web::dom;
use crate::web::local::Local;
use core::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

/// Kinds 0..=7 are the page's events (`observe::event`), 8..=10 the consent platforms'
/// answers (`consent::answer`).
pub const CONSENT: u32 = 8;
/// The first id of a one-shot callback.
const ONCE: u32 = 16;

type Once = Box<dyn FnOnce(JsValue, f64)>;

static CALLBACKS: Local<RefCell<Vec<(u32, Once)>>> = Local::new(RefCell::new(Vec::new()));
static NEXT: Local<Cell<u32>> = Local::new(Cell::new(ONCE));
static READY: Local<Cell<bool>> = Local::new(Cell::new(false));

/// Hands `dom.js` the one callback, the first time anything needs it.
pub fn ready() {
    if !READY.replace(true) {
        let f = Closure::<dyn Fn(u32, JsValue, f64)>::new(dispatch);
        dom::init(f.as_ref());
        f.forget();
    }
}

/// Registers `f` to run once when JS calls `wake(id, value, n)`; returns the id.
pub fn once(f: Once) -> u32 {
    ready();
    let id = NEXT.get();
    // Ids are never reused while the page lives (2^32 callbacks are out of reach).
    NEXT.set(id.checked_add(1).unwrap_or(ONCE));
    if let Ok(mut c) = CALLBACKS.try_borrow_mut() {
        c.push((id, f));
    }
    id
}

/// Forgets callback `id` without running it (a timer cleared before it fired).
pub fn cancel(id: u32) {
    drop(take(id));
}

/// Takes callback `id` out of the registry.
fn take(id: u32) -> Option<Once> {
    let mut c = CALLBACKS.try_borrow_mut().ok()?;
    let i = c.iter().position(|(i, _)| *i == id)?;
    Some(c.swap_remove(i).1)
}

fn dispatch(kind: u32, value: JsValue, n: f64) {
    if kind < CONSENT {
        crate::web::observe::event(kind, value, n);
    } else if kind < ONCE {
        crate::web::consent::answer(kind - CONSENT, value);
    } else {
        // Taken out (and the registry free) before it runs.
        if let Some(f) = take(kind) {
            f(value, n);
        }
    }
}
