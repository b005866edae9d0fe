//! Reading the page: the script's data attributes, `window.adtag.config`, cookies, the
//! child-directed meta tag, Global Privacy Control, the location. Every read tolerates an
//! odd page: a missing property, a getter that throws, a value of the wrong type.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::audit::Action;
use crate::core::config::RawConfig;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlDocument, Window};

/// `Reflect.get`, with a throwing getter read as `undefined`.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    if !target.is_object() && !target.is_function() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A config value as the core takes it: strings as they are, booleans and numbers in their JS
/// string form; `None` for undefined/null. Objects and the like become a string that will
/// fail validation, naming the field.
fn config_value(v: JsValue) -> Option<String> {
    if v.is_undefined() || v.is_null() {
        None
    } else if let Some(s) = v.as_string() {
        Some(s)
    } else if let Some(b) = v.as_bool() {
        Some(if b { "true" } else { "false" }.to_owned())
    } else if v.as_f64().is_some() && !js_sys::Number::is_safe_integer(&v) {
        // 123456789012345678 as a JS number is 123456789012345680: refuse, don't guess.
        Some("(not an exact integer)".to_owned())
    } else if v.as_f64().is_some() {
        let n: js_sys::Number = v.unchecked_into();
        n.to_string_with_radix(10).ok().map(String::from)
    } else {
        v.js_typeof().as_string()
    }
}

/// A config value that may be an object or an array (`lazyLoad`, `targeting`,
/// `consentPlatforms`): those become their `JSON.stringify` text for the core to parse;
/// anything else as `config_value`. A value that can't be turned into JSON (a throwing
/// getter or `toJSON`, a cycle, a proxy that throws) reads as one that fails validation.
fn config_json(v: JsValue) -> Option<String> {
    if !v.is_object() {
        return config_value(v);
    }
    let text = js_sys::JSON::stringify(&v).ok().map(JsValue::from);
    Some(text.and_then(|t| t.as_string()).unwrap_or_else(|| "(unreadable)".to_owned()))
}

/// The tag's script element's `data-*` attributes.
pub fn script_config(script: &Element) -> RawConfig {
    let attr = |name: &str| script.get_attribute(name);
    RawConfig {
        publisher: attr("data-publisher"),
        endpoint: attr("data-endpoint"),
        child_directed: attr("data-child-directed"),
        opt_out_cookie: attr("data-opt-out-cookie"),
        debug: attr("data-debug"),
        tcf_vendor_id: attr("data-tcf-vendor-id"),
        lazy_load: attr("data-lazy-load"),
        // Page-wide targeting is config only; slots carry `data-adtag-targeting`.
        targeting: None,
        consent_platforms: attr("data-consent-platforms"),
        collapse_empty_slots: attr("data-collapse-empty-slots"),
    }
}

/// `window.adtag.config`, set by the page before the tag runs. A key whose getter throws is
/// not "unset": it reads as a value that fails validation (so `childDirected` fails closed and
/// the other fields get their console error).
pub fn window_config(window: &Window) -> RawConfig {
    let config = get(&get(window, "adtag"), "config");
    let read = |key: &str, convert: fn(JsValue) -> Option<String>| match config.is_object() {
        false => None,
        true => match Reflect::get(&config, &JsValue::from_str(key)) {
            Ok(v) => convert(v),
            Err(_) => Some("(unreadable)".to_owned()),
        },
    };
    let value = |key: &str| read(key, config_value);
    let json = |key: &str| read(key, config_json);
    RawConfig {
        publisher: value("publisher"),
        endpoint: value("endpoint"),
        child_directed: value("childDirected"),
        opt_out_cookie: value("optOutCookie"),
        debug: value("debug"),
        tcf_vendor_id: value("tcfVendorId"),
        lazy_load: json("lazyLoad"),
        targeting: json("targeting"),
        consent_platforms: json("consentPlatforms"),
        collapse_empty_slots: value("collapseEmptySlots"),
    }
}

/// `document.cookie`, to read the cookie `target` (recorded in the audit trail with the
/// `rule` that allows it); `None` where it can't be read (a sandboxed frame without
/// `allow-same-origin` throws): the caller decides what unknown means.
pub fn cookies(document: &Document, target: &str, rule: &str) -> Option<String> {
    crate::web::audit::record(Action::CookieRead, target, rule);
    document.dyn_ref::<HtmlDocument>()?.cookie().ok()
}

/// Sets the cookie `target` through each `name=value; attrs` string of `cookies` (a deletion
/// takes one per domain and path it may have been set on), recorded once in the audit trail
/// as `action` with its `rule`; ignored where the page can't have cookies.
pub fn set_cookie(document: &Document, cookies: &[String], action: Action, target: &str, rule: &str) {
    crate::web::audit::record(action, target, rule);
    if let Some(d) = document.dyn_ref::<HtmlDocument>() {
        for c in cookies {
            let _ = d.set_cookie(c);
        }
    }
}

/// `<meta name="adtag-child-directed" content="true">`. Any such meta whose content is not
/// `false` or `0` counts (a malformed flag fails closed, as `data-child-directed` does).
pub fn child_meta(document: &Document) -> bool {
    let Ok(list) = document.query_selector_all(r#"meta[name="adtag-child-directed" i]"#) else {
        return false;
    };
    (0..list.length()).filter_map(|i| list.item(i)).any(|node| {
        let content = node
            .dyn_ref::<Element>()
            .and_then(|e| e.get_attribute("content"))
            .unwrap_or_default();
        let content = content.trim();
        !(content.eq_ignore_ascii_case("false") || content == "0")
    })
}

/// `navigator.globalPrivacyControl === true`. A getter that throws leaves the visitor's
/// signal unknown, and unknown means not allowed: it counts as GPC.
pub fn gpc(window: &Window) -> bool {
    match Reflect::get(&window.navigator(), &JsValue::from_str("globalPrivacyControl")) {
        Ok(v) => v.as_bool() == Some(true),
        Err(_) => true,
    }
}

/// The page's URL, host name, and whether it is served over https.
pub struct Location {
    pub href: String,
    pub hostname: String,
    pub https: bool,
}

pub fn location(window: &Window) -> Location {
    let l = window.location();
    Location {
        href: l.href().unwrap_or_default(),
        hostname: l.hostname().unwrap_or_default(),
        https: l.protocol().map(|p| p == "https:").unwrap_or(false),
    }
}

/// 16 bytes from `crypto.getRandomValues`; `None` without a working crypto (then the tag
/// makes no identifiers, so it collects nothing).
pub fn random16(window: &Window) -> Option<[u8; 16]> {
    let mut bytes = [0u8; 16];
    let crypto = window.crypto().ok()?;
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(bytes)
}
