#![cfg(target_arch = "wasm32")]
//! Signal gathering from a real document and navigator (`adtag::web::page`): the script's
//! data attributes, `window.adtag.config` on odd pages, the child-directed meta tag, Global
//! Privacy Control, and cookies through the real `document.cookie`.

mod common;

use adtag::core::config::{self, ConfigError, RawConfig};
use adtag::core::cookies;
use adtag::web::page;
use common::*;
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn some(s: &str) -> Option<String> {
    Some(s.to_owned())
}

// --- the script's data attributes ---------------------------------------------------------

#[wasm_bindgen_test]
fn script_config_reads_every_data_attribute() {
    let page = Fixture::new();
    let script = page.add(
        "script",
        &[
            ("data-publisher", "12345"),
            ("data-endpoint", "https://ads.example.com"),
            ("data-child-directed", "true"),
            ("data-opt-out-cookie", "my_optout"),
            ("data-debug", "1"),
            ("data-tcf-vendor-id", "755"),
        ],
    );
    assert_eq!(
        page::script_config(&script),
        RawConfig {
            publisher: some("12345"),
            endpoint: some("https://ads.example.com"),
            child_directed: some("true"),
            opt_out_cookie: some("my_optout"),
            debug: some("1"),
            tcf_vendor_id: some("755"),
            ..RawConfig::default()
        }
    );
}

#[wasm_bindgen_test]
fn script_config_missing_attributes_are_none_and_bare_ones_are_empty() {
    let page = Fixture::new();
    let script = page.add("script", &[("data-publisher", " 12345 "), ("data-debug", "")]);
    assert_eq!(
        page::script_config(&script),
        RawConfig {
            // As written: trimming and validation are the core's business.
            publisher: some(" 12345 "),
            // `<script data-debug>`: a bare attribute is present and empty.
            debug: some(""),
            ..RawConfig::default()
        }
    );
    let bare = page.add("script", &[]);
    assert_eq!(page::script_config(&bare), RawConfig::default());
}

#[wasm_bindgen_test]
fn window_config_wins_over_the_script_attributes() {
    let page = Fixture::new();
    let script = page.add(
        "script",
        &[("data-publisher", "111"), ("data-endpoint", "https://attr.example"), ("data-debug", "true")],
    );
    let _adtag = WindowAdtag::config(&object(&[("publisher", 222.into()), ("optOutCookie", "site_optout".into())]));
    let config = config::resolve(None, &page::script_config(&script), &page::window_config(&window()))
        .expect("a valid config");
    assert_eq!(config.publisher, "222");
    assert_eq!(config.endpoint, "https://attr.example");
    assert_eq!(config.opt_out_cookie, "site_optout");
    assert!(config.debug);
    assert!(!config.child_directed);
}

// --- window.adtag.config ---------------------------------------------------------------------

#[wasm_bindgen_test]
fn window_config_reads_strings_booleans_and_numbers() {
    let _adtag = WindowAdtag::config(&object(&[
        ("publisher", 12345.into()),
        ("endpoint", "https://ads.example.com".into()),
        ("childDirected", true.into()),
        ("debug", false.into()),
        ("optOutCookie", "my_optout".into()),
        ("tcfVendorId", JsValue::from_f64(755.0)),
    ]));
    assert_eq!(
        page::window_config(&window()),
        RawConfig {
            publisher: some("12345"),
            endpoint: some("https://ads.example.com"),
            child_directed: some("true"),
            opt_out_cookie: some("my_optout"),
            debug: some("false"),
            tcf_vendor_id: some("755"),
            ..RawConfig::default()
        }
    );
}

#[wasm_bindgen_test]
fn window_config_without_adtag_or_config_is_empty() {
    let _adtag = WindowAdtag::value(&object(&[("cmd", js_sys::Array::new().into())]));
    assert_eq!(page::window_config(&window()), RawConfig::default());
    for odd in [JsValue::from(5), "adtag".into(), JsValue::NULL, JsValue::TRUE] {
        let _adtag = WindowAdtag::value(&odd);
        assert_eq!(page::window_config(&window()), RawConfig::default(), "window.adtag = {odd:?}");
        let _adtag = WindowAdtag::config(&object(&[]));
        Reflect::set(&Reflect::get(&window(), &"adtag".into()).unwrap(), &"config".into(), &odd).unwrap();
        assert_eq!(page::window_config(&window()), RawConfig::default(), "window.adtag.config = {odd:?}");
    }
    delete(&window(), "adtag");
    assert_eq!(page::window_config(&window()), RawConfig::default(), "no window.adtag at all");
}

#[wasm_bindgen_test]
fn window_config_null_and_undefined_values_are_not_set() {
    let _adtag = WindowAdtag::config(&object(&[
        ("publisher", JsValue::NULL),
        ("endpoint", JsValue::UNDEFINED),
        ("debug", "true".into()),
    ]));
    assert_eq!(page::window_config(&window()), RawConfig { debug: some("true"), ..RawConfig::default() });
}

#[wasm_bindgen_test]
fn window_config_object_values_are_kept_so_validation_names_the_field() {
    let _adtag = WindowAdtag::config(&object(&[
        ("publisher", object(&[("id", 12345.into())]).into()),
        ("childDirected", object(&[]).into()),
        ("endpoint", "https://ads.example.com".into()),
    ]));
    let raw = page::window_config(&window());
    assert!(raw.publisher.is_some(), "an object publisher must not count as 'not set'");
    assert!(raw.child_directed.is_some(), "an object childDirected must not count as 'not set'");

    // The publisher sees one error naming the field, not a silently ignored setting.
    let err = config::resolve(None, &RawConfig::default(), &raw).expect_err("an object is no publisher id");
    assert!(matches!(err, ConfigError::BadPublisher(_)), "{err:?}");
    assert!(err.to_string().contains("data-publisher"), "{err}");

    // An unreadable childDirected fails closed: the page counts as child-directed.
    let raw = RawConfig { publisher: some("12345"), ..raw };
    let config = config::resolve(None, &RawConfig::default(), &raw).expect("valid otherwise");
    assert!(config.child_directed);
}

#[wasm_bindgen_test]
fn window_config_survives_a_getter_that_throws() {
    let config = object(&[("endpoint", "https://ads.example.com".into()), ("debug", true.into())]);
    define_getter(&config, "publisher", &throwing_getter());
    let _adtag = WindowAdtag::config(&config);
    // Reading it must not throw into the test (a panic or JS exception would fail it), and a
    // key that can't be read is not "unset": it reads as a value that fails validation, so the
    // publisher gets the error naming the field instead of a silently different config.
    assert_eq!(
        page::window_config(&window()),
        RawConfig {
            publisher: some("(unreadable)"),
            endpoint: some("https://ads.example.com"),
            debug: some("true"),
            ..RawConfig::default()
        }
    );
}

#[wasm_bindgen_test]
fn an_unreadable_child_directed_flag_fails_closed() {
    let config = object(&[("publisher", "12345".into())]);
    define_getter(&config, "childDirected", &throwing_getter());
    let _adtag = WindowAdtag::config(&config);
    let raw = page::window_config(&window());
    let resolved = adtag::core::config::resolve(Some("https://ads.example.com/adtag.js"), &RawConfig::default(), &raw);
    assert_eq!(resolved.map(|c| c.child_directed), Ok(true));
}

#[wasm_bindgen_test]
fn window_config_survives_throwing_adtag_config_and_proxies() {
    {
        let _adtag = WindowAdtag::getter(&throwing_getter());
        assert_eq!(page::window_config(&window()), RawConfig::default(), "window.adtag getter throws");
    }
    {
        let adtag = object(&[]);
        define_getter(&adtag, "config", &throwing_getter());
        let _adtag = WindowAdtag::value(&adtag);
        assert_eq!(page::window_config(&window()), RawConfig::default(), "adtag.config getter throws");
    }
    {
        let proxy = Function::new_no_args("return new Proxy({}, {get() { throw new Error('proxy') }})")
            .call0(&JsValue::UNDEFINED)
            .expect("a proxy");
        let _adtag = WindowAdtag::config(proxy.unchecked_ref());
        let unreadable = some("(unreadable)");
        assert_eq!(
            page::window_config(&window()),
            RawConfig {
                publisher: unreadable.clone(),
                endpoint: unreadable.clone(),
                child_directed: unreadable.clone(),
                opt_out_cookie: unreadable.clone(),
                debug: unreadable.clone(),
                tcf_vendor_id: unreadable.clone(),
                lazy_load: unreadable.clone(),
                targeting: unreadable.clone(),
                consent_platforms: unreadable.clone(),
                collapse_empty_slots: unreadable,
            },
            "a config proxy that throws on every key: every key fails validation"
        );
    }
}

// --- lazyLoad, consentPlatforms, collapseEmptySlots, targeting ------------------------------

#[wasm_bindgen_test]
fn script_config_reads_the_lazy_consent_and_collapse_attributes() {
    let page = Fixture::new();
    let script = page.add(
        "script",
        &[("data-lazy-load", ""), ("data-consent-platforms", "tcf,gpp"), ("data-collapse-empty-slots", "never")],
    );
    assert_eq!(
        page::script_config(&script),
        RawConfig {
            lazy_load: some(""),
            consent_platforms: some("tcf,gpp"),
            collapse_empty_slots: some("never"),
            ..RawConfig::default()
        }
    );
}

fn eval(js: &str) -> JsValue {
    Function::new_no_args(js).call0(&JsValue::UNDEFINED).expect("test JS runs")
}

#[wasm_bindgen_test]
fn window_config_objects_and_arrays_reach_the_core_as_json() {
    let config = eval(
        "return {publisher: 1, lazyLoad: {fetchMarginPercent: 100, renderMarginPercent: 50},
         targeting: {section: ['sport', 'news'], pos: 'top'}, consentPlatforms: ['tcf', 'usp'],
         collapseEmptySlots: 'never'}",
    );
    let _adtag = WindowAdtag::config(config.unchecked_ref());
    let raw = page::window_config(&window());
    assert_eq!(raw.lazy_load, some(r#"{"fetchMarginPercent":100,"renderMarginPercent":50}"#));
    assert_eq!(raw.targeting, some(r#"{"section":["sport","news"],"pos":"top"}"#));
    assert_eq!(raw.consent_platforms, some(r#"["tcf","usp"]"#));
    let c = config::resolve(Some("https://ads.example.com/adtag.js"), &RawConfig::default(), &raw)
        .expect("a valid config");
    assert_eq!(c.lazy_load.map(|l| (l.fetch_margin_percent, l.render_margin_percent)), Some((100, 50)));
    assert!(c.consent_platforms.tcf && c.consent_platforms.usp && !c.consent_platforms.gpp);
    assert_eq!(c.targeting.entries.len(), 2);
    assert_eq!(c.collapse_empty_slots, config::CollapseEmptySlots::Never);
    // `lazyLoad: true` is the boolean's string form, as for the other keys.
    let _adtag = WindowAdtag::config(&object(&[("lazyLoad", true.into())]));
    assert_eq!(page::window_config(&window()).lazy_load, some("true"));
}

#[wasm_bindgen_test]
fn window_config_json_values_that_throw_fail_validation_for_their_key_only() {
    let config = eval(
        "var c = {publisher: '1', collapseEmptySlots: 'auto'};
         c.lazyLoad = {get fetchMarginPercent() { throw new Error('getter') }};
         c.targeting = {toJSON: function () { throw new Error('toJSON') }};
         var cyclic = ['tcf']; cyclic.push(cyclic); c.consentPlatforms = cyclic;
         return c",
    );
    let _adtag = WindowAdtag::config(config.unchecked_ref());
    let raw = page::window_config(&window());
    let unreadable = some("(unreadable)");
    assert_eq!(raw.lazy_load, unreadable);
    assert_eq!(raw.targeting, unreadable);
    assert_eq!(raw.consent_platforms, unreadable);
    assert_eq!(raw.publisher, some("1"));
    assert_eq!(raw.collapse_empty_slots, some("auto"));
    let src = Some("https://ads.example.com/adtag.js");
    let err = config::resolve(src, &RawConfig::default(), &raw).expect_err("lazyLoad can't be read");
    assert!(err.to_string().contains("adtag.config.lazyLoad"), "{err}");
    // A `toJSON` returning undefined, and a function, are not objects of settings either.
    let config = eval("return {publisher: '1', lazyLoad: {toJSON: function () {}}, consentPlatforms: function () {}}");
    let _adtag = WindowAdtag::config(config.unchecked_ref());
    let raw = page::window_config(&window());
    assert_eq!(raw.lazy_load, unreadable);
    assert_eq!(raw.consent_platforms, some("function"));
}

// --- <meta name="adtag-child-directed"> -------------------------------------------------------

#[wasm_bindgen_test]
fn child_meta_without_a_meta_is_false() {
    let _clean = Fixture::new();
    assert!(!page::child_meta(&document()));
    let _other = HeadMeta::new(&[("name", "robots"), ("content", "true")]);
    assert!(!page::child_meta(&document()), "another meta's content is not the flag");
}

#[wasm_bindgen_test]
fn child_meta_content_true_false_and_garbage() {
    let _clean = Fixture::new();
    let cases: &[(&[(&str, &str)], bool)] = &[
        (&[("name", "adtag-child-directed"), ("content", "true")], true),
        (&[("name", "adtag-child-directed"), ("content", "TRUE")], true),
        (&[("name", "ADTAG-Child-Directed"), ("content", "true")], true),
        (&[("name", "adtag-child-directed"), ("content", "false")], false),
        (&[("name", "adtag-child-directed"), ("content", " False ")], false),
        // Malformed flags fail closed: the page is treated as child-directed.
        (&[("name", "adtag-child-directed"), ("content", "no thanks")], true),
        (&[("name", "adtag-child-directed"), ("content", "")], true),
        (&[("name", "adtag-child-directed")], true),
    ];
    for (attrs, expected) in cases {
        let _meta = HeadMeta::new(attrs);
        assert_eq!(page::child_meta(&document()), *expected, "<meta {attrs:?}>");
    }
}

#[wasm_bindgen_test]
fn child_meta_any_true_meta_wins_over_a_false_one() {
    let _clean = Fixture::new();
    let _no = HeadMeta::new(&[("name", "adtag-child-directed"), ("content", "false")]);
    let _yes = HeadMeta::new(&[("name", "adtag-child-directed"), ("content", "true")]);
    assert!(page::child_meta(&document()));
}

#[wasm_bindgen_test]
fn child_meta_in_the_body_counts_too() {
    let page = Fixture::new();
    page.add("meta", &[("name", "adtag-child-directed"), ("content", "true")]);
    assert!(page::child_meta(&document()));
}

// --- Global Privacy Control -----------------------------------------------------------------

#[wasm_bindgen_test]
fn gpc_is_off_in_headless_chromium_by_default() {
    // An override left behind by a failed test lives on the navigator object itself.
    delete(&window().navigator(), "globalPrivacyControl");
    let raw = Reflect::get(&window().navigator(), &"globalPrivacyControl".into()).unwrap();
    assert_ne!(raw, JsValue::TRUE, "this browser sends GPC: the default case cannot be tested");
    assert!(!page::gpc(&window()));
}

#[wasm_bindgen_test]
fn gpc_only_boolean_true_counts() {
    {
        let _gpc = NavigatorOverride::value("globalPrivacyControl", &JsValue::TRUE);
        assert!(page::gpc(&window()), "navigator.globalPrivacyControl === true");
    }
    assert!(!page::gpc(&window()), "the override is gone again");
    for not_true in [JsValue::from_str("true"), JsValue::FALSE, JsValue::from(1), JsValue::NULL] {
        let _gpc = NavigatorOverride::value("globalPrivacyControl", &not_true);
        assert!(!page::gpc(&window()), "globalPrivacyControl = {not_true:?}");
    }
}

#[wasm_bindgen_test]
fn gpc_read_through_a_getter_and_a_getter_that_throws_counts_as_gpc() {
    {
        let _gpc = NavigatorOverride::getter("globalPrivacyControl", &Function::new_no_args("return true"));
        assert!(page::gpc(&window()));
    }
    // A getter that throws hides the visitor's choice: unknown means no, so it counts as GPC.
    let _gpc = NavigatorOverride::getter("globalPrivacyControl", &throwing_getter());
    assert!(page::gpc(&window()), "a throwing globalPrivacyControl getter counts as GPC");
}

// --- cookies ------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn cookies_and_set_cookie_round_trip_through_document_cookie() {
    clear_cookies();
    let doc = document();
    page::set_cookie(&doc, &["adtag_rt=hello; Max-Age=60; Path=/; SameSite=Lax".to_owned()], adtag::core::audit::Action::CookieWrite, "test", "a test");
    page::set_cookie(&doc, &["other=2; Path=/".to_owned()], adtag::core::audit::Action::CookieWrite, "test", "a test");
    assert_eq!(cookie_value("adtag_rt").as_deref(), Some("hello"), "the browser stored the cookie");

    let seen = page::cookies(&doc, "test", "a test").unwrap_or_default();
    assert_eq!(seen, raw_cookies());
    assert_eq!(cookies::get(&seen, "adtag_rt"), Some("hello"));
    assert_eq!(cookies::get(&seen, "other"), Some("2"));

    page::set_cookie(&doc, &["adtag_rt=; Max-Age=0; Path=/".to_owned()], adtag::core::audit::Action::CookieWrite, "test", "a test");
    assert_eq!(cookies::get(&page::cookies(&doc, "test", "a test").unwrap_or_default(), "adtag_rt"), None, "deleted");
    assert_eq!(cookies::get(&page::cookies(&doc, "test", "a test").unwrap_or_default(), "other"), Some("2"), "the other one stays");
    clear_cookies();
}

#[wasm_bindgen_test]
fn cookies_of_an_empty_page_is_an_empty_string() {
    clear_cookies();
    assert_eq!(page::cookies(&document(), "test", "a test").as_deref(), Some(""));
}

#[wasm_bindgen_test]
fn a_document_without_cookies_reads_empty_and_ignores_writes() {
    clear_cookies();
    // `document.implementation.createHTMLDocument()`: a document with no browsing context,
    // which has no cookies to give (like a sandboxed or opaque-origin page).
    let implementation = Reflect::get(&document(), &"implementation".into()).unwrap();
    let create: Function = Reflect::get(&implementation, &"createHTMLDocument".into()).unwrap().unchecked_into();
    let detached: web_sys::Document = create.call1(&implementation, &"detached".into()).unwrap().unchecked_into();

    page::set_cookie(&detached, &["leak=1; Path=/".to_owned()], adtag::core::audit::Action::CookieWrite, "test", "a test");
    // A cookie-averse document reads "" (it does not throw, so it is not "unreadable").
    assert_eq!(page::cookies(&detached, "test", "a test").as_deref(), Some(""));
    assert_eq!(raw_cookies(), "", "a write to another document must not reach this page's cookies");
}

// --- location and randomness -------------------------------------------------------------------

#[wasm_bindgen_test]
fn location_is_the_pages_own() {
    let l = page::location(&window());
    let real = window().location();
    assert_eq!(l.href, real.href().unwrap());
    assert_eq!(l.hostname, real.hostname().unwrap());
    assert!(!l.hostname.is_empty());
    assert_eq!(l.https, real.protocol().unwrap() == "https:");
}

#[wasm_bindgen_test]
fn random16_draws_differ() {
    let a = page::random16(&window()).expect("crypto works here");
    let b = page::random16(&window()).expect("crypto works here");
    assert_ne!(a, b);
    assert_ne!(a, [0; 16]);
}

#[wasm_bindgen_test]
fn a_publisher_number_that_is_not_an_exact_integer_is_refused_not_rounded() {
    // 123456789012345678 as a JS number is 123456789012345680: a different publisher.
    let big = js_sys::Number::from(123_456_789_012_345_678_f64);
    let config = object(&[("publisher", big.into()), ("tcfVendorId", 755.into())]);
    let _adtag = WindowAdtag::config(&config);
    let raw = page::window_config(&window());
    assert_eq!(raw.publisher, some("(not an exact integer)"));
    assert_eq!(raw.tcf_vendor_id, some("755"));
    let error = adtag::core::config::resolve(Some("https://ads.example.com/adtag.js"), &RawConfig::default(), &raw)
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert!(error.as_ref().is_err_and(|e| e.contains("data-publisher")), "{error:?}");
}
