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

/// What is wrong with one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Not a JSON object (malformed, another type, or over `MAX_JSON_BYTES`): all ignored.
    NotAnObject,
    /// A key that is not 1 to 20 ASCII letters, digits, `_` or `-`.
    BadKey,
    /// The key's value is neither a string nor a non-empty array of strings.
    BadType,
    /// A value that is empty, longer than 40 characters, or holds a control character or one
    /// of `"'=!+#*~;^()<>[],&`.
    BadValue,
    /// The key lists more than `MAX_VALUES` values: the first ones are kept.
    TooManyValues,
    /// The key comes after `MAX_KEYS` good ones from the same source.
    TooManyKeys,
    /// The key would take `tgt` past `MAX_PARAM_BYTES`.
    TooLong,
}

/// One bad entry, left out (or, for `TooManyValues`, cut), named by its key (and value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetingError {
    pub source: Source,
    pub problem: Problem,
    /// The key as given; empty for `NotAnObject`.
    pub key: String,
    /// The value as given, for `BadValue`; empty otherwise.
    pub value: String,
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
        let problem = match self.problem {
            Problem::NotAnObject => {
                "ignored: must be a JSON object of strings or arrays of strings"
            }
            Problem::BadKey => "ignored: must be 1 to 20 letters, digits, _ or -",
            Problem::BadType => "ignored: its value must be a string or an array of strings",
            Problem::BadValue => {
                "ignored: values are 1 to 40 characters, none of \"'=!+#*~;^()<>[],& or control characters"
            }
            Problem::TooManyValues => "has more than 10 values: the first 10 are sent",
            Problem::TooManyKeys => "ignored: more than 20 keys",
            Problem::TooLong => "ignored: targeting over 1024 bytes",
        };
        let mut line = String::from("adtag: targeting (");
        line.push_str(match self.source {
            Source::Slot => "data-adtag-targeting",
            Source::Page => "adtag.config.targeting",
        });
        line.push_str(") ");
        if self.problem != Problem::NotAnObject {
            line.push_str("key ");
            crate::core::config::push_quoted(&mut line, &self.key);
            line.push(' ');
        }
        if self.problem == Problem::BadValue {
            line.push_str("value ");
            crate::core::config::push_quoted(&mut line, &self.value);
            line.push(' ');
        }
        line.push_str(problem);
        line
    }
}

/// Records one bad entry (one function for every kind: less code than building each).
fn report(
    errors: &mut Vec<TargetingError>,
    source: Source,
    problem: Problem,
    key: &str,
    value: &str,
) {
    errors.push(TargetingError {
        source,
        problem,
        key: key.to_owned(),
        value: value.to_owned(),
    });
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
    parse_with(text, source, errors, json::read)
}

/// `parse`, reading the JSON with `read`.
pub fn parse_with(
    text: &str,
    source: Source,
    errors: &mut Vec<TargetingError>,
    read: json::Read,
) -> Targeting {
    let value = match text.len() <= MAX_JSON_BYTES {
        true => read(text),
        false => None,
    };
    match value {
        Some(v @ Value::Obj(_)) => from_value(&v, source, errors),
        _ => {
            report(errors, source, Problem::NotAnObject, "", "");
            Targeting::default()
        }
    }
}

/// Validates a parsed JSON object (anything else is `NotAnObject`).
pub fn from_value(value: &Value, source: Source, errors: &mut Vec<TargetingError>) -> Targeting {
    let Value::Obj(members) = value else {
        report(errors, source, Problem::NotAnObject, "", "");
        return Targeting::default();
    };
    let mut out = Targeting::default();
    for (i, (key, v)) in members.iter().enumerate() {
        // A key given twice: the first counts, as `json::Value::get` reads it (a bounded scan,
        // at most `MAX_JSON_BYTES` of input).
        if members.iter().take(i).any(|(k, _)| k == key) {
            continue;
        }
        if !is_key(key) {
            report(errors, source, Problem::BadKey, key, "");
            continue;
        }
        let items: &[Value] = match v {
            Value::Str(_) => core::slice::from_ref(v),
            Value::Arr(items) if !items.is_empty() => items,
            _ => {
                report(errors, source, Problem::BadType, key, "");
                continue;
            }
        };
        let mut values = Vec::new();
        for item in items {
            let Some(s) = item.as_str() else {
                report(errors, source, Problem::BadType, key, "");
                values.clear();
                break;
            };
            if !is_value(s) {
                report(errors, source, Problem::BadValue, key, s);
            } else if values.iter().any(|x| x == s) {
                // Said twice: sent once.
            } else if values.len() == MAX_VALUES {
                report(errors, source, Problem::TooManyValues, key, "");
                break;
            } else {
                values.push(s.to_string());
            }
        }
        if values.is_empty() {
            continue;
        }
        if out.entries.len() == MAX_KEYS {
            report(errors, source, Problem::TooManyKeys, key, "");
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
            report(errors, source, Problem::TooLong, key, "");
        } else {
            out.push_str(&entry);
        }
    }
    out
}

/// 1 to `MAX_KEY_LEN` ASCII letters, digits, `_` or `-`.
fn is_key(k: &str) -> bool {
    (1..=MAX_KEY_LEN).contains(&k.len())
        && k.bytes()
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
            '"' | '\''
                | '='
                | '!'
                | '+'
                | '#'
                | '*'
                | '~'
                | ';'
                | '^'
                | '('
                | ')'
                | '<'
                | '>'
                | '['
                | ']'
                | ','
                | '&'
        );
        if n > MAX_VALUE_CHARS || c.is_control() || reserved {
            return false;
        }
    }
    n > 0
}
