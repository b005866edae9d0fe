//! Fixtures shared by the browser tests (tests/web_*.rs): the real window and document,
//! DOM fixtures that clean up after themselves, cookie clean-up, property overrides on
//! real objects (a getter that throws, a faked `navigator` field), and a `sleep` built on
//! a bare `setTimeout` (not on the crate's `Timeout`, which is under test).
//!
//! A failing test traps and skips its `Drop`s, so every fixture also removes what an
//! earlier, failed test may have left behind: one failure never cascades into the others.
#![allow(dead_code)]

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, HtmlElement, Window};

/// Marks every element a fixture put in the page.
const FIXTURE_ATTR: &str = "data-adtag-test-fixture";

pub fn window() -> Window {
    web_sys::window().expect("the tests run in a browser window")
}

pub fn document() -> Document {
    window().document().expect("the window has a document")
}

/// Removes every element a fixture (of this or an earlier, failed test) put in the page.
pub fn remove_stale_fixtures() {
    let list = document()
        .query_selector_all(&["[", FIXTURE_ATTR, "]"].concat())
        .expect("a valid selector");
    for i in 0..list.length() {
        if let Some(e) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            e.remove();
        }
    }
}

/// A `<div>` appended to `document.body`, removed again on drop. Build the test's DOM in it.
pub struct Fixture {
    pub root: HtmlElement,
}

impl Fixture {
    pub fn new() -> Fixture {
        remove_stale_fixtures();
        let root = element("div", &[(FIXTURE_ATTR, "")]);
        document().body().expect("a body").append_child(&root).expect("append the fixture");
        Fixture { root }
    }

    /// Appends a new element with these attributes to the fixture's root.
    pub fn add(&self, tag: &str, attrs: &[(&str, &str)]) -> HtmlElement {
        add_to(&self.root, tag, attrs)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// A detached element with these attributes.
pub fn element(tag: &str, attrs: &[(&str, &str)]) -> HtmlElement {
    let e = document().create_element(tag).expect("create an element");
    for (name, value) in attrs {
        e.set_attribute(name, value).expect("set an attribute");
    }
    e.dyn_into::<HtmlElement>().expect("an HTML element")
}

/// A new element with these attributes, appended to `parent`.
pub fn add_to(parent: &Element, tag: &str, attrs: &[(&str, &str)]) -> HtmlElement {
    let e = element(tag, attrs);
    parent.append_child(&e).expect("append a child");
    e
}

/// A `<meta>` in `<head>` (marked as a fixture, so the next `Fixture::new` removes it too).
pub struct HeadMeta(pub HtmlElement);

impl HeadMeta {
    pub fn new(attrs: &[(&str, &str)]) -> HeadMeta {
        let meta = element("meta", attrs);
        meta.set_attribute(FIXTURE_ATTR, "").expect("mark the meta");
        document()
            .query_selector("head")
            .ok()
            .flatten()
            .expect("a head")
            .append_child(&meta).expect("append the meta");
        HeadMeta(meta)
    }
}

impl Drop for HeadMeta {
    fn drop(&mut self) {
        self.0.remove();
    }
}

// --- cookies -----------------------------------------------------------------------------

/// The page's `document.cookie`, read directly (not through the code under test).
pub fn raw_cookies() -> String {
    let cookie = Reflect::get(&document(), &"cookie".into()).expect("document.cookie");
    cookie.as_string().unwrap_or_default()
}

/// `document.cookie = s`, directly.
pub fn raw_set_cookie(s: &str) {
    Reflect::set(&document(), &"cookie".into(), &s.into()).expect("set document.cookie");
}

/// The cookie names visible to the page, in `document.cookie` order.
pub fn cookie_names() -> Vec<String> {
    raw_cookies()
        .split(';')
        .filter_map(|pair| {
            let name = pair.split('=').next()?.trim();
            (!name.is_empty()).then(|| name.to_owned())
        })
        .collect()
}

/// `name`'s value as the page sees it (first match), read directly.
pub fn cookie_value(name: &str) -> Option<String> {
    raw_cookies().split(';').find_map(|pair| {
        let (n, v) = pair.split_once('=')?;
        (n.trim() == name).then(|| v.trim().to_owned())
    })
}

/// Deletes every cookie the page can see (all tests set theirs with `Path=/`, host-only),
/// nameless ones (listed as a bare value) included.
pub fn clear_cookies() {
    for pair in raw_cookies().split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let deletion = match pair.split_once('=') {
            Some((name, _)) => [name.trim(), "=; Max-Age=0; Path=/"].concat(),
            None => [pair, "; Max-Age=0; Path=/"].concat(),
        };
        raw_set_cookie(&deletion);
    }
    assert_eq!(raw_cookies(), "", "the cookie fixture could not clear document.cookie");
}

// --- objects -----------------------------------------------------------------------------

/// A plain JS object from key/value pairs.
pub fn object(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).expect("set a property");
    }
    o
}

/// `Object.defineProperty(target, key, {get, configurable: true})`.
pub fn define_getter(target: &JsValue, key: &str, getter: &Function) {
    let descriptor = object(&[("get", getter.into()), ("configurable", JsValue::TRUE)]);
    Object::define_property(target.unchecked_ref::<Object>(), &key.into(), &descriptor);
}

/// `Object.defineProperty(target, key, {value, configurable: true})`.
pub fn define_value(target: &JsValue, key: &str, value: &JsValue) {
    let descriptor = object(&[("value", value.clone()), ("configurable", JsValue::TRUE)]);
    Object::define_property(target.unchecked_ref::<Object>(), &key.into(), &descriptor);
}

/// A getter that throws `new Error(...)`, as an odd page may have.
pub fn throwing_getter() -> Function {
    Function::new_no_args("throw new Error('getter of a hostile page')")
}

/// `delete target[key]`; true when the property is gone.
pub fn delete(target: &JsValue, key: &str) -> bool {
    Reflect::delete_property(target.unchecked_ref::<Object>(), &key.into()).unwrap_or(false)
}

/// `navigator.globalPrivacyControl` as the page sees it, overridden on the navigator object
/// itself (shadowing any built-in getter) and removed again on drop.
pub struct NavigatorOverride {
    key: &'static str,
}

impl NavigatorOverride {
    pub fn value(key: &'static str, value: &JsValue) -> NavigatorOverride {
        define_value(&window().navigator(), key, value);
        NavigatorOverride { key }
    }

    pub fn getter(key: &'static str, getter: &Function) -> NavigatorOverride {
        define_getter(&window().navigator(), key, getter);
        NavigatorOverride { key }
    }
}

impl Drop for NavigatorOverride {
    fn drop(&mut self) {
        delete(&window().navigator(), self.key);
    }
}

/// `window.adtag` set to `value` for the test, deleted on drop (and before, in case an
/// earlier test left one behind).
pub struct WindowAdtag;

impl WindowAdtag {
    pub fn value(value: &JsValue) -> WindowAdtag {
        delete(&window(), "adtag");
        Reflect::set(&window(), &"adtag".into(), value).expect("set window.adtag");
        WindowAdtag
    }

    pub fn getter(getter: &Function) -> WindowAdtag {
        delete(&window(), "adtag");
        define_getter(&window(), "adtag", getter);
        WindowAdtag
    }

    /// `window.adtag = {config}`.
    pub fn config(config: &Object) -> WindowAdtag {
        WindowAdtag::value(&object(&[("config", config.into())]))
    }
}

impl Drop for WindowAdtag {
    fn drop(&mut self) {
        delete(&window(), "adtag");
    }
}

// --- time --------------------------------------------------------------------------------

/// Resolves after `ms`, through a bare `setTimeout`.
pub async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _reject| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    JsFuture::from(promise).await.expect("sleep resolves");
}

/// `promise`'s value, or `None` when it has not settled within `ms` (a test never hangs).
pub async fn within(ms: i32, promise: &Promise) -> Option<JsValue> {
    const TIMED_OUT: &str = "__adtag_test_timed_out__";
    let deadline = Promise::new(&mut |resolve, _reject| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_1(&resolve, ms, &TIMED_OUT.into())
            .expect("setTimeout");
    });
    let race = Promise::race(&js_sys::Array::of2(promise, &deadline));
    let value = JsFuture::from(race).await.ok()?;
    (value.as_string().as_deref() != Some(TIMED_OUT)).then_some(value)
}

/// `performance.now()`.
pub fn now() -> f64 {
    window().performance().expect("performance").now()
}
