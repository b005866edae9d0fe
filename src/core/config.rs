//! The publisher's configuration: script data attributes and `window.adtag.config`, later
//! wins over built-in defaults, validated into a `Config` or one error naming the field.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;

/// Raw values from one source, as strings (the glue turns booleans and numbers into their
/// JS string form: `true`, `12345`). `None` when the source does not set the key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawConfig {
    pub publisher: Option<String>,
    pub endpoint: Option<String>,
    pub child_directed: Option<String>,
    pub opt_out_cookie: Option<String>,
    pub debug: Option<String>,
    pub tcf_vendor_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Digits only, 1 to 18 of them.
    pub publisher: String,
    /// An http(s) base URL without trailing slash, e.g. `https://ads.example.com`.
    pub endpoint: String,
    pub child_directed: bool,
    pub opt_out_cookie: String,
    pub debug: bool,
    pub tcf_vendor_id: Option<u32>,
}

pub const DEFAULT_OPT_OUT_COOKIE: &str = "adtag_optout";

/// One error naming the field (as the publisher writes it: the `data-` attribute name) and
/// the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    MissingPublisher,
    BadPublisher(String),
    /// No endpoint configured and no script src to take the origin from.
    MissingEndpoint,
    BadEndpoint(String),
    BadOptOutCookie(String),
    BadTcfVendorId(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl ConfigError {
    /// One line: `adtag: <what> (data-<attr> / adtag.config.<key>) "<value>" <problem>` (the
    /// `Display` text, without `core::fmt`).
    pub fn message(&self) -> String {
        let (field, value, problem) = match self {
            ConfigError::MissingPublisher => (PUBLISHER, None, "is missing (digits, e.g. 12345)"),
            ConfigError::BadPublisher(v) => (PUBLISHER, Some(v), "must be 1 to 18 digits"),
            ConfigError::MissingEndpoint => (
                ENDPOINT,
                None,
                "is missing and the script src has no http(s) origin to default to",
            ),
            ConfigError::BadEndpoint(v) => (
                ENDPOINT,
                Some(v),
                "must be an http(s) URL without query, fragment or user name",
            ),
            ConfigError::BadOptOutCookie(v) => {
                (OPT_OUT_COOKIE, Some(v), "is not a valid cookie name")
            }
            ConfigError::BadTcfVendorId(v) => {
                (TCF_VENDOR_ID, Some(v), "must be a number from 1 to 65535")
            }
        };
        let mut line = String::from("adtag: ");
        line.push_str(field);
        line.push(' ');
        if let Some(v) = value {
            push_quoted(&mut line, v);
            line.push(' ');
        }
        line.push_str(problem);
        line
    }
}

const PUBLISHER: &str = "publisher id (data-publisher / adtag.config.publisher)";
const ENDPOINT: &str = "endpoint (data-endpoint / adtag.config.endpoint)";
const OPT_OUT_COOKIE: &str =
    "opt-out cookie name (data-opt-out-cookie / adtag.config.optOutCookie)";
const TCF_VENDOR_ID: &str = "TCF vendor id (data-tcf-vendor-id / adtag.config.tcfVendorId)";

/// Values longer than this are cut (with `…`) in messages.
const MAX_SHOWN: usize = 100;

/// `v` in double quotes, kept on one line: `"` and `\` are backslashed, control characters
/// and line separators become `\uXXXX`, and a long value is cut.
pub(crate) fn push_quoted(out: &mut String, v: &str) {
    out.push('"');
    for (i, c) in v.chars().enumerate() {
        if i == MAX_SHOWN {
            out.push('…');
            break;
        }
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                // All of these are below U+10000: four hex digits.
                out.push_str("\\u");
                for shift in [12u32, 8, 4, 0] {
                    let d = (c as u32 >> shift) & 0xf;
                    out.push(char::from_digit(d, 16).unwrap_or('0'));
                }
            }
            _ => out.push(c),
        }
    }
    out.push('"');
}

/// Merges defaults < `attrs` < `window` and validates. `script_src` is the tag's own script
/// URL, whose origin is the default endpoint.
///
/// Booleans: `true`, `1` and the empty string (a bare attribute) are true; `false`, `0` false.
/// Anything else for `childDirected` fails closed (true); for `debug` it is false.
///
/// Every value is trimmed of ASCII whitespace first (booleans also compare ignoring ASCII
/// case); errors carry the value as given. A blank publisher counts as missing. Checked in
/// the order publisher, endpoint, opt-out cookie, TCF vendor id; the first error is returned.
pub fn resolve(
    script_src: Option<&str>,
    attrs: &RawConfig,
    window: &RawConfig,
) -> Result<Config, ConfigError> {
    fn pick<'a>(w: &'a Option<String>, a: &'a Option<String>) -> Option<&'a str> {
        w.as_deref().or(a.as_deref())
    }

    let publisher = match pick(&window.publisher, &attrs.publisher) {
        None => return Err(ConfigError::MissingPublisher),
        Some(raw) => match trim(raw) {
            "" => return Err(ConfigError::MissingPublisher),
            p if p.len() <= 18 && all_digits(p) => p.to_string(),
            _ => return Err(ConfigError::BadPublisher(raw.to_string())),
        },
    };

    let endpoint = match pick(&window.endpoint, &attrs.endpoint) {
        Some(raw) => crate::core::url::parse_endpoint(trim(raw))
            .ok_or_else(|| ConfigError::BadEndpoint(raw.to_string()))?,
        None => script_src
            .and_then(|src| crate::core::url::http_origin(trim(src)))
            .ok_or(ConfigError::MissingEndpoint)?,
    };

    let opt_out_cookie = match pick(&window.opt_out_cookie, &attrs.opt_out_cookie) {
        None => DEFAULT_OPT_OUT_COOKIE.to_string(),
        Some(raw) => {
            let name = trim(raw);
            if !crate::core::cookies::is_valid_name(name) {
                return Err(ConfigError::BadOptOutCookie(raw.to_string()));
            }
            name.to_string()
        }
    };

    let tcf_vendor_id = match pick(&window.tcf_vendor_id, &attrs.tcf_vendor_id) {
        None => None,
        Some(raw) => Some(
            parse_u32(trim(raw))
                .filter(|n| (1..=65535).contains(n))
                .ok_or_else(|| ConfigError::BadTcfVendorId(raw.to_string()))?,
        ),
    };

    Ok(Config {
        publisher,
        endpoint,
        child_directed: parse_bool(pick(&window.child_directed, &attrs.child_directed))
            .unwrap_or(true),
        opt_out_cookie,
        debug: parse_bool(pick(&window.debug, &attrs.debug)).unwrap_or(false),
        tcf_vendor_id,
    })
}

fn trim(s: &str) -> &str {
    s.trim_ascii()
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// ASCII digits only; `None` on anything else or on overflow.
fn parse_u32(s: &str) -> Option<u32> {
    if !all_digits(s) {
        return None;
    }
    s.bytes().try_fold(0u32, |n, b| {
        n.checked_mul(10)?.checked_add(u32::from(b - b'0'))
    })
}

/// `None` (not set) → `Some(false)`; `Some(junk)` → `None`, for the caller's fail-safe.
fn parse_bool(v: Option<&str>) -> Option<bool> {
    let Some(v) = v else { return Some(false) };
    let v = trim(v);
    if v.is_empty() || v == "1" || v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v == "0" || v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}
