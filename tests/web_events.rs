#![cfg(target_arch = "wasm32")]
//! Publisher events (`adtag.on(name, callback)`, `adtag::web::publisher_events`) with real JS
//! callbacks, including ones that throw or call back into the tag, and the tag's `Timeout`
//! (`adtag::web::timer`) on the page's real clock.
//!
//! The listener list lives for the whole page, so every test uses its own event names.

mod common;

use adtag::web::publisher_events::{emit, object, on};
use adtag::web::timer::{Timeout, now_ms};
use common::*;
use js_sys::{Array, Function, Promise, Reflect};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A JS function that records every payload it is called with.
struct Recorder {
    calls: Rc<RefCell<Vec<JsValue>>>,
    function: Function,
}

impl Recorder {
    fn new() -> Recorder {
        let calls = Rc::new(RefCell::new(Vec::new()));
        let sink = calls.clone();
        let closure = Closure::<dyn FnMut(JsValue)>::new(move |payload| sink.borrow_mut().push(payload));
        Recorder { calls, function: closure.into_js_value().unchecked_into() }
    }

    fn js(&self) -> JsValue {
        self.function.clone().into()
    }

    fn calls(&self) -> Vec<JsValue> {
        self.calls.borrow().clone()
    }
}

fn prop(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap()
}

// --- on / emit ------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn callbacks_get_the_payload_in_registration_order() {
    let order = Rc::new(RefCell::new(Vec::new()));
    let labelled = |label: &'static str| -> JsValue {
        let order = order.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_payload: JsValue| order.borrow_mut().push(label))
            .into_js_value()
    };
    let first = Recorder::new();
    let second = Recorder::new();
    assert!(on("test:payload".to_owned(), labelled("a")));
    assert!(on("test:payload".to_owned(), first.js()));
    assert!(on("test:payload".to_owned(), labelled("b")));
    assert!(on("test:payload".to_owned(), second.js()));
    assert!(on("test:payload".to_owned(), labelled("c")));

    let payload = object(&[("slot", "top".into()), ("isEmpty", false.into())]);
    emit("test:payload", &payload);

    assert_eq!(*order.borrow(), ["a", "b", "c"]);
    assert_eq!(first.calls().len(), 1);
    assert_eq!(second.calls().len(), 1);
    assert_eq!(first.calls()[0], payload, "the very object emitted");
    assert_eq!(prop(&second.calls()[0], "slot"), "top");
    assert_eq!(prop(&second.calls()[0], "isEmpty"), JsValue::FALSE);
}

#[wasm_bindgen_test]
fn callbacks_only_hear_their_own_event() {
    let decision = Recorder::new();
    let rendered = Recorder::new();
    on("test:decision".to_owned(), decision.js());
    on("test:rendered".to_owned(), rendered.js());
    emit("test:decision", &"d".into());
    emit("test:decision", &"d2".into());
    emit("test:nobody-listens", &"x".into());
    assert_eq!(decision.calls(), [JsValue::from("d"), "d2".into()]);
    assert!(rendered.calls().is_empty());
}

#[wasm_bindgen_test]
fn a_throwing_callback_does_not_stop_the_next_one() {
    let before = Recorder::new();
    let after = Recorder::new();
    on("test:throws".to_owned(), before.js());
    on("test:throws".to_owned(), Function::new_with_args("p", "throw new Error('publisher bug')").into());
    // Pages throw anything, not only Errors.
    on("test:throws".to_owned(), Function::new_with_args("p", "throw 'a string'").into());
    on("test:throws".to_owned(), Function::new_with_args("p", "throw undefined").into());
    on("test:throws".to_owned(), after.js());

    emit("test:throws", &"payload".into());
    emit("test:throws", &"again".into());
    assert_eq!(before.calls(), [JsValue::from("payload"), "again".into()]);
    assert_eq!(after.calls(), [JsValue::from("payload"), "again".into()], "later callbacks still run");
}

#[wasm_bindgen_test]
fn a_non_function_callback_is_refused() {
    for not_a_function in [
        JsValue::from_str("function () {}"),
        JsValue::NULL,
        JsValue::UNDEFINED,
        JsValue::from(42),
        object(&[("call", Function::new_no_args("").into())]),
    ] {
        assert!(!on("test:refused".to_owned(), not_a_function.clone()), "{not_a_function:?} accepted");
    }
    // Emitting to the refused registrations throws nothing and calls nothing.
    let later = Recorder::new();
    assert!(on("test:refused".to_owned(), later.js()));
    emit("test:refused", &"p".into());
    assert_eq!(later.calls().len(), 1);
}

#[wasm_bindgen_test]
fn a_callback_may_call_back_into_the_tag() {
    // A publisher's callback that registers another listener and emits from inside an emit:
    // neither may hit the listener list while it is borrowed.
    let late = Recorder::new();
    let inner = Recorder::new();
    let late_fn = late.js();
    let reentrant = Closure::<dyn FnMut(JsValue)>::new(move |_payload: JsValue| {
        on("test:reentrant".to_owned(), late_fn.clone());
        emit("test:reentrant-inner", &"inner".into());
    });
    on("test:reentrant".to_owned(), reentrant.into_js_value());
    on("test:reentrant-inner".to_owned(), inner.js());

    emit("test:reentrant", &"outer".into());
    assert_eq!(inner.calls(), [JsValue::from("inner")]);
    assert!(late.calls().is_empty(), "a listener added during an emit waits for the next one");

    emit("test:reentrant", &"second".into());
    assert_eq!(late.calls(), [JsValue::from("second")]);
}

#[wasm_bindgen_test]
fn object_builds_a_plain_js_object() {
    let o = object(&[("slot", "top".into()), ("size", Array::of2(&300.into(), &250.into()).into())]);
    assert_eq!(js_sys::Object::keys(o.unchecked_ref::<js_sys::Object>()).length(), 2);
    assert_eq!(prop(&o, "slot"), "top");
    let size: Array = prop(&o, "size").unchecked_into();
    assert_eq!(size.get(0), 300);
    assert_eq!(size.get(1), 250);
}

// --- Timeout ------------------------------------------------------------------------------------

/// A promise and the function that resolves it.
fn deferred() -> (Promise, Function) {
    let mut resolve_slot = None;
    let promise = Promise::new(&mut |resolve, _| resolve_slot = Some(resolve));
    (promise, resolve_slot.expect("the executor ran"))
}

#[wasm_bindgen_test]
async fn a_timeout_fires_after_its_delay() {
    let (promise, resolve) = deferred();
    let start = now();
    let _timeout = Timeout::new(40, move || {
        let _ = resolve.call1(&JsValue::UNDEFINED, &"fired".into());
    })
    .expect("a timer");
    let fired = within(2000, &promise).await;
    let elapsed = now() - start;
    assert_eq!(fired, Some(JsValue::from("fired")), "the callback ran");
    assert!(elapsed >= 39.0, "fired after {elapsed} ms, before its 40 ms");
}

#[wasm_bindgen_test]
async fn a_dropped_timeout_does_not_fire() {
    let fired = Rc::new(Cell::new(false));
    let flag = fired.clone();
    let timeout = Timeout::new(10, move || flag.set(true)).expect("a timer");
    drop(timeout);
    sleep(100).await;
    assert!(!fired.get(), "a timeout dropped before its time must not fire");
}

#[wasm_bindgen_test]
async fn timeouts_fire_in_order_of_their_delays() {
    let order = Rc::new(RefCell::new(Vec::new()));
    let (a, b) = (order.clone(), order.clone());
    let _slow = Timeout::new(60, move || a.borrow_mut().push("slow")).expect("a timer");
    let _fast = Timeout::new(10, move || b.borrow_mut().push("fast")).expect("a timer");
    sleep(150).await;
    assert_eq!(*order.borrow(), ["fast", "slow"]);
}

#[wasm_bindgen_test]
async fn a_timeout_may_drop_itself_and_set_the_next_from_its_callback() {
    // The retry pattern of the glue: the callback replaces the timer that is running it.
    let timer: Rc<RefCell<Option<Timeout>>> = Rc::new(RefCell::new(None));
    let (promise, resolve) = deferred();
    let slot = timer.clone();
    *timer.borrow_mut() = Timeout::new(10, move || {
        let next_slot = slot.clone();
        let replacement = Timeout::new(10, move || {
            next_slot.borrow_mut().take();
            let _ = resolve.call1(&JsValue::UNDEFINED, &"second".into());
        });
        // Dropping the running timer here must not free the code that is running.
        *slot.borrow_mut() = replacement;
    });
    assert_eq!(within(2000, &promise).await, Some(JsValue::from("second")));
    assert!(timer.borrow().is_none());
}

#[wasm_bindgen_test]
async fn a_huge_delay_does_not_fire_at_once() {
    // Browsers fire at once for delays beyond i32::MAX ms; the tag must clamp, not wrap.
    let fired = Rc::new(Cell::new(false));
    let flag = fired.clone();
    let _never = Timeout::new(u32::MAX, move || flag.set(true)).expect("a timer");
    sleep(50).await;
    assert!(!fired.get(), "a u32::MAX delay fired at once");
}

#[wasm_bindgen_test]
fn epoch_ms_is_the_pages_wall_clock() {
    let before = js_sys::Date::now();
    let t = adtag::web::timer::epoch_ms() as f64;
    let after = js_sys::Date::now();
    assert!((before.floor()..=after.ceil()).contains(&t), "{before} <= {t} <= {after}");
}

#[wasm_bindgen_test]
async fn the_monotonic_clock_moves_forward() {
    let a = now_ms() as f64;
    sleep(20).await;
    let b = now_ms() as f64;
    assert!(a > 0.0, "performance.now() {a}");
    assert!(b - a >= 15.0, "{a} → {b}");
}
