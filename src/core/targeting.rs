//! Key-value targeting (SPEC §8): `data-adtag-targeting` on a slot and `targeting` in the
//! page config, each a JSON object whose values are strings or arrays of strings, sent on the
//! ad request as one parameter, `tgt=`, holding `k=v1,v2&k2=v` (like Google Publisher Tag's
//! `cust_params`).
//!
//! Bad input never costs the ad: each bad entry is reported by name (one `TargetingError`
//! each, for the glue to log once) and left out, and the ad is still requested with the rest.
//!
//! The limits follow Google Ad Manager's, so targeting written for GPT carries over: keys of
//! at most 20 characters, values of at most 40, none of the characters GAM refuses. Within
//! `tgt` every key and value is percent-encoded again, so a server reads it back exactly
//! with `new URLSearchParams(tgt)` and splits each value on `,` (no value holds one).

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;

use crate::core::json::{self, Value};

/// Longest key, in bytes (keys are ASCII).
pub const MAX_KEY_LEN: usize = 20;
/// Longest value, in characters.
pub const MAX_VALUE_CHARS: usize = 40;
/// Most values kept for one key; the others are reported and left out.
pub const MAX_VALUES: usize = 10;
/// Most keys kept from one source (a slot's attribute or the page config).
pub const MAX_KEYS: usize = 20;
/// Longest JSON text read for one source; a longer one is refused unread.
pub const MAX_JSON_BYTES: usize = 8 * 1024;
/// Longest `tgt` value (before its own percent-encoding as a query parameter): keys that
/// would go past it are reported and left out, so the ad request stays a modest URL.
pub const MAX_PARAM_BYTES: usize = 1024;

/// Where targeting came from, for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `data-adtag-targeting` on a slot.
    Slot,
    /// `adtag.config.targeting`.
    Page,
}

/// One bad entry, left out. Keys and values are carried as given (cut in the message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetingError {
    /// Not a JSON object (malformed, another type, or over `MAX_JSON_BYTES`): all ignored.
    NotAnObject(Source),
    /// A key that is not 1 to 20 ASCII letters, digits, `_` or `-`.
    BadKey(Source, String),
    /// The value of this key is neither a string nor a non-empty array of strings.
    BadType(Source, String),
    /// A value (of this key) that is empty, longer than 40 characters, or holds a control
    /// character or one of `"'=!+#*~;^()<>[],&`.
    BadValue(Source, String, String),
    /// This key lists more than `MAX_VALUES` values: the first ones are kept.
    TooManyValues(Source, String),
    /// This key comes after `MAX_KEYS` good ones from the same source.
    TooManyKeys(Source, String),
    /// This key would take `tgt` past `MAX_PARAM_BYTES`.
    TooLong(Source, String),
}

impl fmt::Display for TargetingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl TargetingError {
    /// One line: `adtag: targeting (data-adtag-targeting) key "a b" ignored: must be 1 to 20
    /// letters, digits, _ or -` (the `Display` text, without `core::fmt`).
    pub fn message(&self) -> String {
        use TargetingError::*;
        let (source, key, value, problem) = match self {
            NotAnObject(s) => (s, None, None, "ignored: must be a JSON object of strings or arrays of strings"),
            BadKey(s, k) => (s, Some(k), None, "ignored: must be 1 to 20 letters, digits, _ or -"),
            BadType(s, k) => (s, Some(k), None, "ignored: its value must be a string or an array of strings"),
            BadValue(s, k, v) => (s, Some(k), Some(v), "ignored: values are 1 to 40 characters, none of \"'=!+#*~;^()<>[],& or control characters"),
            TooManyValues(s, k) => (s, Some(k), None, "has more than 10 values: the first 10 are sent"),
            TooManyKeys(s, k) => (s, Some(k), None, "ignored: more than 20 keys"),
            TooLong(s, k) => (s, Some(k), None, "ignored: targeting over 1024 bytes"),
        };
        let mut line = String::from("adtag: targeting (");
        line.push_str(match source {
            Source::Slot => "data-adtag-targeting",
            Source::Page => "adtag.config.targeting",
        });
        line.push_str(") ");
        if let Some(k) = key {
            line.push_str("key ");
            crate::core::config::push_quoted(&mut line, k);
            line.push(' ');
        }
        if let Some(v) = value {
            line.push_str("value ");
            crate::core::config::push_quoted(&mut line, v);
            line.push(' ');
        }
        line.push_str(problem);
        line
    }
}

/// Validated targeting from one source: keys in the order given, each with 1 to `MAX_VALUES`
/// values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targeting {
    pub entries: Vec<(String, Vec<String>)>,
}

impl Targeting {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn get(&self, key: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
    }
}

/// Parses one source's JSON text (`data-adtag-targeting`, or `JSON.stringify` of
/// `adtag.config.targeting`), pushing one error per bad entry onto `errors`.
pub fn parse(text: &str, source: Source, errors: &mut Vec<TargetingError>) -> Targeting {
    let value = match text.len() <= MAX_JSON_BYTES {
        true => json::parse(text).ok(),
        false => None,
    };
    match value {
        Some(v @ Value::Obj(_)) => from_value(&v, source, errors),
        _ => {
            errors.push(TargetingError::NotAnObject(source));
            Targeting::default()
        }
    }
}

/// Validates a parsed JSON object (anything else is `NotAnObject`).
pub fn from_value(value: &Value, source: Source, errors: &mut Vec<TargetingError>) -> Targeting {
    let Value::Obj(members) = value else {
        errors.push(TargetingError::NotAnObject(source));
        return Targeting::default();
    };
    let mut out = Targeting::default();
    for (key, v) in members {
        if !is_key(key) {
            errors.push(TargetingError::BadKey(source, key.clone()));
            continue;
        }
        let items: &[Value] = match v {
            Value::Str(_) => core::slice::from_ref(v),
            Value::Arr(items) if !items.is_empty() => items,
            _ => {
                errors.push(TargetingError::BadType(source, key.clone()));
                continue;
            }
        };
        let mut values = Vec::new();
        for item in items {
            let Some(s) = item.as_str() else {
                errors.push(TargetingError::BadType(source, key.clone()));
                values.clear();
                break;
            };
            if !is_value(s) {
                errors.push(TargetingError::BadValue(source, key.clone(), s.to_string()));
            } else if values.iter().any(|x| x == s) {
                // Said twice: sent once.
            } else if values.len() == MAX_VALUES {
                errors.push(TargetingError::TooManyValues(source, key.clone()));
                break;
            } else {
                values.push(s.to_string());
            }
        }
        if values.is_empty() {
            continue;
        }
        if out.entries.len() == MAX_KEYS {
            errors.push(TargetingError::TooManyKeys(source, key.clone()));
            continue;
        }
        out.entries.push((key.clone(), values));
    }
    out
}

/// The `tgt` value for one slot: the slot's keys first, in their order, then the page's keys
/// the slot does not set (a slot key overrides the page's whole entry). `k=v1,v2&k2=v`, each
/// key and value percent-encoded; empty when there is no targeting. Keys that would take it
/// past `MAX_PARAM_BYTES` are left out and reported.
pub fn param(page: &Targeting, slot: &Targeting, errors: &mut Vec<TargetingError>) -> String {
    let from_slot = slot.entries.iter().map(|e| (Source::Slot, e));
    let from_page = page
        .entries
        .iter()
        .filter(|(k, _)| slot.get(k).is_none())
        .map(|e| (Source::Page, e));
    let mut out = String::new();
    let mut entry = String::new();
    for (source, (key, values)) in from_slot.chain(from_page) {
        entry.clear();
        if !out.is_empty() {
            entry.push('&');
        }
        crate::core::url::push_encoded(&mut entry, key);
        entry.push('=');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                entry.push(',');
            }
            crate::core::url::push_encoded(&mut entry, v);
        }
        if out.len() + entry.len() > MAX_PARAM_BYTES {
            errors.push(TargetingError::TooLong(source, key.clone()));
        } else {
            out.push_str(&entry);
        }
    }
    out
}

/// 1 to `MAX_KEY_LEN` ASCII letters, digits, `_` or `-`.
fn is_key(k: &str) -> bool {
    (1..=MAX_KEY_LEN).contains(&k.len())
        && k
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// 1 to `MAX_VALUE_CHARS` characters, none a control character nor one Google Ad Manager
/// refuses in values (so the separators `,` `&` `=` never occur inside one).
fn is_value(v: &str) -> bool {
    let mut n = 0;
    for c in v.chars() {
        n += 1;
        let reserved = matches!(
            c,
            '"' | '\'' | '=' | '!' | '+' | '#' | '*' | '~' | ';' | '^' | '(' | ')' | '<' | '>'
                | '[' | ']' | ',' | '&'
        );
        if n > MAX_VALUE_CHARS || c.is_control() || reserved {
            return false;
        }
    }
    n > 0
}
