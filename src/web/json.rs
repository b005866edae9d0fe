//! JSON in the browser: the browser's own `JSON.parse`, its result copied into the core's
//! `json::Value`. This is the `json::Read` the glue hands the core's parsers (the site list,
//! ad answers, targeting, the config), so the wasm ships no JSON reader of its own.
//!
//! Where `JSON.parse` and the core's reader (`json::parse`) differ, the copy gives the core's
//! answer, or refuses the text (malformed, as the callers already treat a bad text):
//! - nesting deeper than `json::MAX_DEPTH`: refused, as the core's `TooDeep`;
//! - a lone surrogate (`"\ud800"`): refused, as the core refuses it (a Rust string can't hold
//!   one, and wasm-bindgen would quietly make it U+FFFD);
//! - numbers: a whole number within ±(2^53 − 1) is `Int`, anything else `Float` (its value not
//!   kept, "wrong type" to every caller). Beyond 2^53 `JSON.parse` has already rounded, so no
//!   integer is guessed. `JSON.parse` can't tell `300.0` or `3e2` from `300`: here they are
//!   the integer they equal, where the core's reader says `Float`; `-0` is `Int(0)` in both.
//! - a repeated key: `JSON.parse` keeps the last value, the core's reader the first. Both are
//!   allowed by RFC 8259; every field is validated after it is picked, whichever wins.
//! - member order: as `Reflect.ownKeys` lists them, integer-like keys (`"2"`) first, in
//!   ascending order, then the others in input order.
//! - `__proto__` is a member like any other: `JSON.parse` makes it an own data property.
//!
//! Only own data properties of `JSON.parse`'s fresh objects are read (`Reflect.ownKeys`, then
//! `Reflect.get` of those keys), so no getter a page put on `Object.prototype` or
//! `Array.prototype` ever runs. The text is bounded by the body limits of the caller.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::json::{MAX_DEPTH, Value};
use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

/// Parses one JSON text with the browser's `JSON.parse`; `None` where it throws or the result
/// is refused (see the module's notes).
pub fn parse(text: &str) -> Option<Value> {
    value(&js_sys::JSON::parse(text).ok()?, 0)
}

/// Largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE: u64 = (1 << 53) - 1;

/// `depth` is the number of arrays and objects enclosing `v`.
fn value(v: &JsValue, depth: usize) -> Option<Value> {
    // Strings first: most values are (every entry of a site list).
    if let Some(s) = v.as_string() {
        return whole(v, s).map(Value::Str);
    }
    if let Some(n) = v.as_f64() {
        // `as` saturates (±Infinity) and is exact for every whole number in range.
        let i = n as i64;
        return Some(match i as f64 == n && i.unsigned_abs() <= MAX_SAFE {
            true => Value::Int(i),
            false => Value::Float,
        });
    }
    if let Some(b) = v.as_bool() {
        return Some(Value::Bool(b));
    }
    if v.is_null() {
        return Some(Value::Null);
    }
    // Only arrays and objects are left (JSON.parse makes nothing else).
    if depth >= MAX_DEPTH {
        return None;
    }
    // One loop for both: an array's items by index, an object's members by its own keys.
    let array = v.is_array();
    let list: Array = match array {
        true => v.clone().unchecked_into(),
        false => Reflect::own_keys(v).ok()?,
    };
    let mut items = Vec::new();
    let mut members = Vec::new();
    for i in 0..list.length() {
        let at = list.get(i);
        if array {
            items.push(value(&at, depth + 1)?);
        } else {
            let item = Reflect::get(v, &at).ok()?;
            members.push((whole(&at, at.as_string()?)?, value(&item, depth + 1)?));
        }
    }
    Some(match array {
        true => Value::Arr(items),
        false => Value::Obj(members),
    })
}

/// `s`, the copy of the JS string `v`, unless `v` holds a lone surrogate: copying replaces one
/// by U+FFFD, so a copy holding U+FFFD (bytes EF BF BD) is compared with the original.
fn whole(v: &JsValue, s: String) -> Option<String> {
    let replaced = s.as_bytes().windows(3).any(|w| w == [0xef, 0xbf, 0xbd]);
    match replaced && JsValue::from_str(&s) != *v {
        true => None,
        false => Some(s),
    }
}
