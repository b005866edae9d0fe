//! The publisher's configuration: script data attributes and `window.adtag.config`, later
//! wins over built-in defaults, validated into a `Config` or one error naming the field.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;

use crate::core::json::{self, Value};
use crate::core::targeting::{self, Targeting, TargetingError};

/// Raw values from one source, as strings (the glue turns booleans and numbers into their
/// JS string form: `true`, `12345`, and objects and arrays of `window.adtag.config` into
/// their `JSON.stringify` text). `None` when the source does not set the key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawConfig {
    pub publisher: Option<String>,
    pub endpoint: Option<String>,
    pub child_directed: Option<String>,
    pub opt_out_cookie: Option<String>,
    pub debug: Option<String>,
    pub tcf_vendor_id: Option<String>,
    /// `data-lazy-load` / `lazyLoad`: a boolean, or a JSON object of margins.
    pub lazy_load: Option<String>,
    /// `targeting` (config only): a JSON object.
    pub targeting: Option<String>,
    /// `data-consent-platforms` / `consentPlatforms`: `tcf,gpp` or a JSON array of names.
    pub consent_platforms: Option<String>,
    /// `data-collapse-empty-slots` / `collapseEmptySlots`: `auto` or `never`.
    pub collapse_empty_slots: Option<String>,
}

/// Lazy loading's margins, in percent of the viewport height (SPEC §7): a slot is requested
/// once it is within `fetch_margin_percent` of the viewport, and its ad rendered once within
/// `render_margin_percent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LazyLoad {
    pub fetch_margin_percent: u32,
    pub render_margin_percent: u32,
}

/// Google Publisher Tag's own recommended setting (its lazy-loading sample and guide use
/// `fetchMarginPercent: 500, renderMarginPercent: 200`): the request leaves five screens
/// ahead, so on a fast scroll the ad has arrived before the slot shows; the creative is
/// rendered two screens ahead, so its own images and scripts load before it is seen, while
/// ads far below the fold that are never reached cost nothing. GPT doubles both on phones
/// (`mobileScaling: 2.0`); we keep one setting for every screen (and ignore `mobileScaling`)
/// because the margins are already in viewport heights, which are short on phones.
pub const DEFAULT_LAZY_LOAD: LazyLoad = LazyLoad {
    fetch_margin_percent: 500,
    render_margin_percent: 200,
};

/// Margins above this (100 viewport heights) are refused: they are a typo, not a setting.
pub const MAX_MARGIN_PERCENT: u32 = 10_000;

/// Consent platforms the tag waits for even when they are not on the page at start (loaded
/// later by a tag manager): until each has answered, nothing is collected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConsentPlatforms {
    /// IAB TCF v2 (`__tcfapi`).
    pub tcf: bool,
    /// IAB GPP (`__gpp`).
    pub gpp: bool,
    /// IAB US Privacy (`__uspapi`).
    pub usp: bool,
}

/// What an empty slot (no ad, an error, no size that fits) does with its box.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CollapseEmptySlots {
    /// Collapse, but only while the slot is out of view and below the viewport (then nothing
    /// the visitor sees moves); a slot in or above the view keeps its box, empty, until it is
    /// out of view below again.
    #[default]
    Auto,
    /// Never collapse: the box stays, empty (for layouts built around a fixed ad space).
    Never,
    /// Collapse at once, wherever the slot is (GPT's `collapseEmptyDivs`: the page may shift).
    Now,
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
    /// `None`: every slot is requested as soon as the decision allows it.
    pub lazy_load: Option<LazyLoad>,
    /// The page's targeting, its bad entries left out (see `targeting_errors`).
    pub targeting: Targeting,
    /// One per bad entry of the page's `targeting`, for one console message each; they never
    /// stop the tag.
    pub targeting_errors: Vec<TargetingError>,
    pub consent_platforms: ConsentPlatforms,
    pub collapse_empty_slots: CollapseEmptySlots,
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
    BadLazyLoad(String),
    BadConsentPlatforms(String),
    BadCollapseEmptySlots(String),
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
            ConfigError::BadLazyLoad(v) => (
                LAZY_LOAD,
                Some(v),
                "must be true, false or {fetchMarginPercent, renderMarginPercent} of whole numbers from 0 to 10000",
            ),
            ConfigError::BadConsentPlatforms(v) => (
                CONSENT_PLATFORMS,
                Some(v),
                "must list tcf, gpp or usp (e.g. \"tcf,gpp\" or [\"tcf\"])",
            ),
            ConfigError::BadCollapseEmptySlots(v) => {
                (COLLAPSE_EMPTY_SLOTS, Some(v), "must be auto, never or now")
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
const LAZY_LOAD: &str = "lazy loading (data-lazy-load / adtag.config.lazyLoad)";
const CONSENT_PLATFORMS: &str =
    "consent platforms (data-consent-platforms / adtag.config.consentPlatforms)";
const COLLAPSE_EMPTY_SLOTS: &str =
    "empty slots (data-collapse-empty-slots / adtag.config.collapseEmptySlots)";

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
/// the order publisher, endpoint, opt-out cookie, TCF vendor id, lazy loading, consent
/// platforms, empty slots; the first error is returned. The page's `targeting` never fails:
/// its bad entries are left out and listed in `targeting_errors`.
pub fn resolve(
    script_src: Option<&str>,
    attrs: &RawConfig,
    window: &RawConfig,
) -> Result<Config, ConfigError> {
    resolve_with(script_src, attrs, window, json::read)
}

/// `resolve`, reading the JSON values (`lazyLoad`, `targeting`, `consentPlatforms`) with `read`.
pub fn resolve_with(
    script_src: Option<&str>,
    attrs: &RawConfig,
    window: &RawConfig,
    read: json::Read,
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

    let lazy_load = match pick(&window.lazy_load, &attrs.lazy_load) {
        None => None,
        Some(raw) => parse_lazy_load(trim(raw), read)
            .ok_or_else(|| ConfigError::BadLazyLoad(raw.to_string()))?,
    };

    let consent_platforms = match pick(&window.consent_platforms, &attrs.consent_platforms) {
        None => ConsentPlatforms::default(),
        Some(raw) => parse_platforms(trim(raw), read)
            .ok_or_else(|| ConfigError::BadConsentPlatforms(raw.to_string()))?,
    };

    let collapse_empty_slots = match pick(&window.collapse_empty_slots, &attrs.collapse_empty_slots)
    {
        None => CollapseEmptySlots::Auto,
        Some(raw) => match trim(raw) {
            v if v.eq_ignore_ascii_case("auto") => CollapseEmptySlots::Auto,
            v if v.eq_ignore_ascii_case("never") => CollapseEmptySlots::Never,
            v if v.eq_ignore_ascii_case("now") => CollapseEmptySlots::Now,
            _ => return Err(ConfigError::BadCollapseEmptySlots(raw.to_string())),
        },
    };

    let mut targeting_errors = Vec::new();
    let targeting = match pick(&window.targeting, &attrs.targeting) {
        None => Targeting::default(),
        Some(raw) => {
            targeting::parse_with(raw, targeting::Source::Page, &mut targeting_errors, read)
        }
    };

    Ok(Config {
        publisher,
        endpoint,
        child_directed: parse_bool(pick(&window.child_directed, &attrs.child_directed))
            .unwrap_or(true),
        opt_out_cookie,
        debug: parse_bool(pick(&window.debug, &attrs.debug)).unwrap_or(false),
        tcf_vendor_id,
        lazy_load,
        targeting,
        targeting_errors,
        consent_platforms,
        collapse_empty_slots,
    })
}

/// `true` (also a bare attribute, `1`) → the default margins; `false`, `0` → off; a JSON
/// object → its `fetchMarginPercent` and `renderMarginPercent` (each optional, defaulting
/// to `DEFAULT_LAZY_LOAD`'s; other keys, like GPT's `mobileScaling`, ignored). `None` when
/// malformed; `Some(None)` when off.
fn parse_lazy_load(v: &str, read: json::Read) -> Option<Option<LazyLoad>> {
    if !v.starts_with('{') {
        return parse_bool(Some(v)).map(|on| on.then_some(DEFAULT_LAZY_LOAD));
    }
    let obj = read(v)?;
    let margin = |key: &str, default: u32| match obj.get(key) {
        None => Some(default),
        Some(m) => m
            .as_int()
            .filter(|n| (0..=i64::from(MAX_MARGIN_PERCENT)).contains(n))
            .and_then(|n| u32::try_from(n).ok()),
    };
    Some(Some(LazyLoad {
        fetch_margin_percent: margin("fetchMarginPercent", DEFAULT_LAZY_LOAD.fetch_margin_percent)?,
        render_margin_percent: margin(
            "renderMarginPercent",
            DEFAULT_LAZY_LOAD.render_margin_percent,
        )?,
    }))
}

/// `tcf,gpp` (attribute: names separated by commas, blanks between them ignored) or
/// `["tcf","gpp"]` (config array); names compared ignoring ASCII case. An empty list is
/// valid (waits for nothing); any other name, or a non-string in the array, is `None`.
fn parse_platforms(v: &str, read: json::Read) -> Option<ConsentPlatforms> {
    let mut out = ConsentPlatforms::default();
    let mut add = |name: &str| {
        let name = trim(name);
        match name {
            "" => {}
            n if n.eq_ignore_ascii_case("tcf") => out.tcf = true,
            n if n.eq_ignore_ascii_case("gpp") => out.gpp = true,
            n if n.eq_ignore_ascii_case("usp") => out.usp = true,
            _ => return false,
        }
        true
    };
    if v.starts_with('[') {
        let list = read(v)?;
        for item in list.as_array()? {
            if !matches!(item, Value::Str(s) if !trim(s).is_empty() && add(s)) {
                return None;
            }
        }
    } else if !crate::core::split_byte(v, b',').all(&mut add) {
        return None;
    }
    Some(out)
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
