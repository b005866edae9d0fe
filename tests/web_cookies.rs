#![cfg(target_arch = "wasm32")]
//! Cookie writing and reading through the real `document.cookie`: the tag's own cookies
//! (behind a `CollectPermit`), the visitor's opt-out and opt-in, and the core's reading of
//! the string the browser really gives. Attributes the page can't see in `document.cookie`
//! (path, SameSite, expiry) are read back with the browser's `cookieStore`.

mod common;

use adtag::core::cookie_write::ONE_YEAR_SECS;
use adtag::core::cookies::{self, TAG_PREFIXES};
use adtag::core::decision::{CollectPermit, decide};
use adtag::core::signals::{Answer, ListState, Signals};
use adtag::web::cookie_jar::{self, CookieJar};
use adtag::web::page;
use common::*;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PUB: &str = "12345";
const OPT_OUT: &str = "adtag_optout";

/// A permit, as only a decision that allows everything hands one out.
fn permit() -> CollectPermit {
    let signals = Signals {
        opt_out_cookie: false,
        child_flag: false,
        child_meta: false,
        site_list: ListState::NotListed,
        gpc: false,
        tcf: Answer::Absent,
        tcf_vendor_id: None,
        gpp: Answer::Absent,
        usp: Answer::Absent,
    };
    decide(&signals).permit().expect("all-allowing signals give a permit")
}

fn host() -> String {
    page::location(&window()).hostname
}

fn https() -> bool {
    page::location(&window()).https
}

fn jar(document: &web_sys::Document) -> CookieJar<'_> {
    CookieJar { document, secure: https() }
}

/// `cookieStore.get(name)`: the stored cookie with its attributes, or `None`.
async fn stored(name: &str) -> Option<JsValue> {
    let store = Reflect::get(&window(), &"cookieStore".into()).unwrap();
    assert!(store.is_object(), "this page (a secure context) should have cookieStore");
    let get: Function = Reflect::get(&store, &"get".into()).unwrap().unchecked_into();
    let promise: Promise = get.call1(&store, &name.into()).unwrap().unchecked_into();
    let item = JsFuture::from(promise).await.expect("cookieStore.get");
    (!item.is_null() && !item.is_undefined()).then_some(item)
}

fn field(item: &JsValue, key: &str) -> JsValue {
    Reflect::get(item, &key.into()).unwrap()
}

/// Whether this engine's `cookieStore` reports a cookie's attributes: Chromium's does;
/// Firefox's and WebKit's give its name and value only. Where it doesn't, tests/wd checks
/// path, SameSite and expiry over WebDriver in every engine.
fn attributes_reported(item: &JsValue) -> bool {
    !field(item, "path").is_undefined()
}

/// Days from now until the cookie expires.
fn days_left(item: &JsValue) -> f64 {
    let expires = field(item, "expires").as_f64().expect("a persistent cookie has an expiry");
    (expires - js_sys::Date::now()) / 86_400_000.0
}

/// Sets `name=value` host-only at `Path=/`, directly.
fn seed(name: &str, value: &str) {
    raw_set_cookie(&[name, "=", value, "; Max-Age=600; Path=/"].concat());
    assert_eq!(cookie_value(name).as_deref(), Some(value), "seeding {name}");
}

// --- the tag's own cookies -----------------------------------------------------------------------

#[wasm_bindgen_test]
async fn jar_write_then_read_through_document_cookie() {
    clear_cookies();
    let doc = document();
    let p = permit();
    jar(&doc).write(&p, "v12345", "0123456789abcdef0123456789abcdef", 3600);
    assert_eq!(cookie_value("v12345").as_deref(), Some("0123456789abcdef0123456789abcdef"));
    assert_eq!(jar(&doc).read(&p, "v12345").as_deref(), Some("0123456789abcdef0123456789abcdef"));

    let item = stored("v12345").await.expect("stored");
    if attributes_reported(&item) {
        assert_eq!(field(&item, "path"), "/");
        assert_eq!(field(&item, "sameSite"), "lax");
        assert!(field(&item, "domain").is_null(), "host-only, first-party");
        let days = days_left(&item);
        assert!((0.9 / 24.0..=1.1 / 24.0).contains(&days), "Max-Age=3600 gave {days} days");
    }
    clear_cookies();
}

#[wasm_bindgen_test]
fn jar_write_replaces_and_read_matches_exact_names() {
    clear_cookies();
    let doc = document();
    let p = permit();
    seed("v123456", "another-publisher");
    seed("xv12345", "not-ours");
    assert_eq!(jar(&doc).read(&p, "v12345"), None, "no cookie named exactly v12345");

    jar(&doc).write(&p, "fr12345", "1", 60);
    jar(&doc).write(&p, "fr12345", "2", 60);
    assert_eq!(jar(&doc).read(&p, "fr12345").as_deref(), Some("2"));
    let count = cookie_names().iter().filter(|n| *n == "fr12345").count();
    assert_eq!(count, 1, "a rewrite replaces the cookie: {}", raw_cookies());
    assert_eq!(cookie_value("v123456").as_deref(), Some("another-publisher"));
    clear_cookies();
}

// --- opt-out and opt-in ------------------------------------------------------------------------

/// The visitor's cookies before the opt-out: all fourteen prefixes for publisher 12345, the
/// page's own session, and other publishers' cookies.
fn seed_visitor() {
    for prefix in TAG_PREFIXES {
        seed(&[prefix, PUB].concat(), "x");
    }
    seed("session", "abc");
    seed("v999", "other-publisher");
    seed("v123456", "other-publisher");
}

#[wasm_bindgen_test]
async fn opt_out_sets_the_cookie_and_deletes_every_tag_cookie_of_the_publisher() {
    clear_cookies();
    seed_visitor();
    let doc = document();
    cookie_jar::opt_out(&doc, OPT_OUT, PUB, &host(), https());

    assert_eq!(cookie_value(OPT_OUT).as_deref(), Some("1"));
    for name in ["v12345", "sid12345", "fr12345"] {
        assert_eq!(cookie_value(name), None, "{name} must be deleted: {}", raw_cookies());
    }
    for prefix in TAG_PREFIXES {
        let name = [prefix, PUB].concat();
        assert_eq!(cookie_value(&name), None, "{name} must be deleted: {}", raw_cookies());
    }
    assert_eq!(cookie_value("session").as_deref(), Some("abc"), "the publisher's own cookie stays");
    assert_eq!(cookie_value("v999").as_deref(), Some("other-publisher"), "another publisher's stays");
    assert_eq!(cookie_value("v123456").as_deref(), Some("other-publisher"), "another publisher's stays");
    assert!(cookies::opted_out(&page::cookies(&doc, "test", "a test").unwrap_or_default(), OPT_OUT));
    clear_cookies();
}

#[wasm_bindgen_test]
async fn opt_out_cookie_lasts_a_year_on_the_whole_site() {
    clear_cookies();
    cookie_jar::opt_out(&document(), OPT_OUT, PUB, &host(), https());
    let item = stored(OPT_OUT).await.expect("the opt-out cookie is stored");
    assert_eq!(field(&item, "value"), "1");
    if attributes_reported(&item) {
        assert_eq!(field(&item, "path"), "/");
        assert_eq!(field(&item, "sameSite"), "lax");
        let days = days_left(&item);
        let year = ONE_YEAR_SECS as f64 / 86_400.0;
        assert!((year - 1.0..=year + 1.0).contains(&days), "expires in {days} days, not a year");
    }
    clear_cookies();
}

#[wasm_bindgen_test]
fn opt_out_with_a_configured_cookie_name() {
    clear_cookies();
    cookie_jar::opt_out(&document(), "site_optout", PUB, &host(), https());
    let seen = page::cookies(&document(), "test", "a test").unwrap_or_default();
    assert!(cookies::opted_out(&seen, "site_optout"));
    assert!(!cookies::opted_out(&seen, OPT_OUT), "only the configured name is set");
    clear_cookies();
}

#[wasm_bindgen_test]
fn opt_in_removes_only_the_opt_out_cookie() {
    clear_cookies();
    let doc = document();
    seed("session", "abc");
    cookie_jar::opt_out(&doc, OPT_OUT, PUB, &host(), https());
    assert!(cookies::opted_out(&page::cookies(&doc, "test", "a test").unwrap_or_default(), OPT_OUT));

    cookie_jar::opt_in(&doc, OPT_OUT, &host(), https());
    assert_eq!(cookie_value(OPT_OUT), None, "opt-out cookie still there: {}", raw_cookies());
    assert!(!cookies::opted_out(&page::cookies(&doc, "test", "a test").unwrap_or_default(), OPT_OUT));
    assert_eq!(cookie_value("session").as_deref(), Some("abc"));
    clear_cookies();
}

#[wasm_bindgen_test]
fn opt_in_without_an_opt_out_cookie_changes_nothing() {
    clear_cookies();
    seed("session", "abc");
    cookie_jar::opt_in(&document(), OPT_OUT, &host(), https());
    assert_eq!(raw_cookies(), "session=abc");
    clear_cookies();
}

// --- the core on the real cookie string ----------------------------------------------------------

#[wasm_bindgen_test]
fn opted_out_reads_the_real_cookie_string() {
    let doc = document();
    let cases: &[(&str, &str, bool)] = &[
        ("adtag_optout", "1", true),
        // The browser keeps the quotes; the core strips them.
        ("adtag_optout", "\"1\"", true),
        ("adtag_optout", "0", false),
        ("adtag_optout", "", false),
        ("xadtag_optout", "1", false),
        ("adtag_optout2", "1", false),
    ];
    for (name, value, expected) in cases {
        clear_cookies();
        seed("before", "1");
        raw_set_cookie(&[name, "=", value, "; Path=/"].concat());
        seed("after", "2");
        let seen = page::cookies(&doc, "test", "a test").unwrap_or_default();
        assert_eq!(cookies::opted_out(&seen, OPT_OUT), *expected, "document.cookie = {seen:?}");
    }
    clear_cookies();
    assert!(!cookies::opted_out(&page::cookies(&doc, "test", "a test").unwrap_or_default(), OPT_OUT), "no cookies at all");
}

#[wasm_bindgen_test]
fn one_malformed_pair_in_the_real_string_hides_nothing() {
    clear_cookies();
    // A nameless cookie: the browser lists it as a bare value ("junk"), a pair without '='.
    raw_set_cookie("junk; Path=/");
    seed(OPT_OUT, "1");
    let seen = page::cookies(&document(), "test", "a test").unwrap_or_default();
    assert!(seen.contains("junk"), "the browser kept the nameless cookie: {seen:?}");
    assert!(cookies::opted_out(&seen, OPT_OUT), "{seen:?}");
    clear_cookies();
}

// --- The stored outbox (adtag::web::storage) in the real localStorage -------------------------

mod stored_outbox {
    use super::*;
    use adtag::web::storage;

    const KEY: &str = "adtag_outbox_12345";
    const UID: &str = "0123456789abcdef0123456789abcdef";

    /// The page's own view of localStorage (not through the code under test).
    struct Local;

    impl Local {
        fn get_item(&self, key: &str) -> Result<Option<String>, JsValue> {
            Function::new_with_args("k", "return localStorage.getItem(k)").call1(&JsValue::NULL, &key.into()).map(|v| v.as_string())
        }
        fn set_item(&self, key: &str, value: &str) -> Result<(), JsValue> {
            Function::new_with_args("k, v", "localStorage.setItem(k, v)").call2(&JsValue::NULL, &key.into(), &value.into()).map(drop)
        }
        fn remove_item(&self, key: &str) -> Result<(), JsValue> {
            Function::new_with_args("k", "localStorage.removeItem(k)").call1(&JsValue::NULL, &key.into()).map(drop)
        }
    }

    fn local() -> Local {
        Local
    }

    thread_local! {
        /// One recent time for every event of these tests (events older than 7 days are dropped).
        static TS: u64 = js_sys::Date::now() as u64;
    }

    fn ev(n: u32) -> String {
        format!("{{\"id\":\"{n:032x}\",\"type\":\"page_view\",\"ts\":{},\"pub\":\"12345\",\"uid\":\"{UID}\",\"sid\":\"s\",\"page\":\"p\",\"visits\":1}}", TS.with(|t| *t))
    }

    #[wasm_bindgen_test]
    fn add_load_remove_round_trip_under_one_key() {
        local().remove_item(KEY).unwrap();
        let p = permit();
        storage::add(&p, PUB, &ev(1));
        storage::add(&p, PUB, &ev(2));
        storage::add(&p, PUB, &ev(1)); // the same id once
        assert_eq!(local().get_item(KEY).unwrap(), Some(format!("{}\n{}", ev(1), ev(2))));
        assert_eq!(storage::load(&p, PUB).events(), &[ev(1), ev(2)]);
        storage::remove(&p, PUB, &[format!("{:032x}", 1)]);
        assert_eq!(storage::load(&p, PUB).events(), &[ev(2)]);
        // The last one delivered: no key left behind.
        storage::remove(&p, PUB, &[format!("{:032x}", 2)]);
        assert_eq!(local().get_item(KEY).unwrap(), None);
    }

    #[wasm_bindgen_test]
    fn another_tabs_events_are_kept_by_a_change() {
        local().set_item(KEY, &ev(7)).unwrap();
        let p = permit();
        storage::add(&p, PUB, &ev(8));
        assert_eq!(storage::load(&p, PUB).events(), &[ev(7), ev(8)]);
        storage::forget(PUB, "a test");
    }

    #[wasm_bindgen_test]
    fn forget_and_opt_out_delete_the_key_without_a_permit() {
        local().set_item(KEY, &ev(1)).unwrap();
        storage::forget(PUB, "a test");
        assert_eq!(local().get_item(KEY).unwrap(), None);

        local().set_item(KEY, &ev(1)).unwrap();
        local().set_item("adtag_outbox_999", &ev(1)).unwrap();
        cookie_jar::opt_out(&document(), OPT_OUT, PUB, &host(), https());
        assert_eq!(local().get_item(KEY).unwrap(), None, "optOut() deletes the publisher's stored events");
        assert_eq!(local().get_item("adtag_outbox_999").unwrap(), Some(ev(1)), "another publisher's are not ours");
        local().remove_item("adtag_outbox_999").unwrap();
        clear_cookies();
    }

    #[wasm_bindgen_test]
    fn what_the_page_wrote_under_the_key_is_not_taken_for_events() {
        local().set_item(KEY, &format!("<script>\n{}\n{{\"id\":1}}", ev(3))).unwrap();
        assert_eq!(storage::load(&permit(), PUB).events(), &[ev(3)]);
        storage::forget(PUB, "a test");
    }

    #[wasm_bindgen_test]
    fn no_storage_at_all_is_no_error() {
        // A page (or a sandboxed frame) where localStorage throws.
        let saved = Function::new_no_args(
            "const d = Object.getOwnPropertyDescriptor(window, 'localStorage');\
             Object.defineProperty(window, 'localStorage', {get() { throw new Error('no storage'); }, configurable: true});\
             return d;",
        )
        .call0(&JsValue::NULL)
        .unwrap();
        let p = permit();
        storage::add(&p, PUB, &ev(1));
        assert!(storage::load(&p, PUB).is_empty());
        storage::remove(&p, PUB, &[format!("{:032x}", 1)]);
        storage::forget(PUB, "a test");
        Function::new_with_args("d", "if (d) Object.defineProperty(window, 'localStorage', d); else delete window.localStorage;")
            .call1(&JsValue::NULL, &saved)
            .unwrap();
        local().set_item("adtag_probe", "1").expect("localStorage is back for the other tests");
        local().remove_item("adtag_probe").unwrap();
    }
}
