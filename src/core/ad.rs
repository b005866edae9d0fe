//! Ads: slot sizes, the ad request URL, and an ad response turned into a validated
//! `RenderPlan` (or a reason to collapse the slot).

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;

use crate::core::json::{self, Value};
use crate::core::url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotSize {
    pub width: u32,
    pub height: u32,
}

/// Sizes outside 1..=MAX_SIDE on either side are refused.
pub const MAX_SIDE: u32 = 2000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SizeError {
    /// Not `<digits>x<digits>` (an empty entry in a list too); carries the entry as given.
    Malformed(String),
    /// A side is 0 or larger than `MAX_SIDE`; carries the entry as given.
    OutOfBounds(String),
    /// More than `MAX_SIZES` sizes; carries the whole attribute.
    TooMany(String),
}

impl fmt::Display for SizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl SizeError {
    /// `slot size (data-adtag-size) "300x" must be WIDTHxHEIGHT, e.g. 300x250` (the `Display`
    /// text, without `core::fmt`).
    pub fn message(&self) -> String {
        let (value, problem) = match self {
            SizeError::Malformed(v) => (v, " must be WIDTHxHEIGHT, e.g. 300x250"),
            SizeError::OutOfBounds(v) => (v, " must be 1 to 2000 pixels per side"),
            SizeError::TooMany(v) => (v, " lists more than 8 sizes"),
        };
        let mut line = String::from("slot size (data-adtag-size) ");
        crate::core::config::push_quoted(&mut line, value);
        line.push_str(problem);
        line
    }
}

/// At most this many sizes in one `data-adtag-size`: enough for every IAB size a responsive
/// slot would list, and a bound on the `size=` parameter.
pub const MAX_SIZES: usize = 8;

/// The sizes of one slot, in the publisher's order of preference, without duplicates: at
/// most `MAX_SIZES`, kept inline (no allocation, `Copy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    items: [SlotSize; MAX_SIZES],
    len: u8,
}

impl Sizes {
    /// No size at all (what `fitting` gives when nothing fits).
    pub const EMPTY: Sizes = Sizes {
        items: [SlotSize {
            width: 0,
            height: 0,
        }; MAX_SIZES],
        len: 0,
    };

    /// One size.
    pub fn one(size: SlotSize) -> Sizes {
        let mut s = Sizes::EMPTY;
        s.push(size);
        s
    }

    /// Adds `size` unless it is already there or the list is full; false when full.
    fn push(&mut self, size: SlotSize) -> bool {
        if self.contains(size) {
            return true;
        }
        match self.items.get_mut(usize::from(self.len)) {
            Some(slot) => {
                *slot = size;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    pub fn as_slice(&self) -> &[SlotSize] {
        self.items.get(..usize::from(self.len)).unwrap_or(&[])
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn contains(&self, size: SlotSize) -> bool {
        self.as_slice().contains(&size)
    }

    /// The widest width and the tallest height among the sizes (0x0 when empty): the box that
    /// holds any of them.
    pub fn envelope(&self) -> SlotSize {
        self.as_slice().iter().fold(
            SlotSize {
                width: 0,
                height: 0,
            },
            |e, s| SlotSize {
                width: e.width.max(s.width),
                height: e.height.max(s.height),
            },
        )
    }
}

/// The sizes whose width fits in `available_width_px` (the slot's width at request time, in
/// whole CSS pixels, rounded down), in the order given. Empty when none fits.
pub fn fitting(sizes: &[SlotSize], available_width_px: u32) -> Sizes {
    let mut out = Sizes::EMPTY;
    for s in sizes.iter().filter(|s| s.width <= available_width_px) {
        out.push(*s);
    }
    out
}

/// Parses `data-adtag-size`: one size or several, comma separated (`"970x250, 728x90"`),
/// each as `parse_size` takes it. An empty entry (`"300x250,"`) is `Malformed`, more than
/// `MAX_SIZES` entries `TooMany`; a size listed twice counts once. The first bad entry is the
/// error (one bad size makes the whole slot bad, as a single bad size does).
pub fn parse_sizes(s: &str) -> Result<Sizes, SizeError> {
    let mut out = Sizes::EMPTY;
    for entry in crate::core::split_byte(s, b',') {
        if !out.push(parse_size(entry)?) {
            return Err(SizeError::TooMany(s.to_string()));
        }
    }
    Ok(out)
}

/// Parses `300x250` (also `300X250`, surrounding spaces ignored).
///
/// Each side is one or more ASCII digits (leading zeros allowed), nothing else: no sign,
/// no exponent, no spaces around the `x` (`300 x 250` is `Malformed`). Digits whose value
/// is 0 or above `MAX_SIDE`, however many, are `OutOfBounds`. Errors carry the input as given.
pub fn parse_size(s: &str) -> Result<SlotSize, SizeError> {
    let malformed = || SizeError::Malformed(s.to_string());
    let t = s.trim_ascii();
    let (w, h) = t.split_once(['x', 'X']).ok_or_else(malformed)?;
    let (Some(width), Some(height)) = (side(w), side(h)) else {
        return Err(malformed());
    };
    if !(1..=MAX_SIDE).contains(&width) || !(1..=MAX_SIDE).contains(&height) {
        return Err(SizeError::OutOfBounds(s.to_string()));
    }
    Ok(SlotSize { width, height })
}

/// One or more ASCII digits; a value too large for u32 saturates (it is out of bounds anyway).
fn side(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.bytes().fold(0u32, |n, b| {
        n.saturating_mul(10).saturating_add(u32::from(b - b'0'))
    }))
}

/// Consent strings passed through to the ad server, each only when known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsentParams {
    pub gdpr: Option<bool>,
    pub gdpr_consent: Option<String>,
    pub gpp: Option<String>,
    pub gpp_sid: Option<String>,
    pub us_privacy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdRequest<'a> {
    pub endpoint: &'a str,
    pub publisher: &'a str,
    pub slot: &'a str,
    /// The sizes requested (those that fit, see `fitting`), in order; never empty.
    pub sizes: &'a [SlotSize],
    /// The page's full URL (`location.href`); what of it is sent depends on `collect`.
    pub page_url: &'a str,
    /// Collection is allowed: only then does `url=` keep the page's query string.
    pub collect: bool,
    pub npa: bool,
    pub coppa: bool,
    /// Only when collection is allowed.
    pub uid: Option<&'a str>,
    pub consent: &'a ConsentParams,
    /// The `tgt=` value from `targeting::param` (`k=v1,v2&k2=v`); omitted when empty.
    pub targeting: &'a str,
}

/// `{endpoint}/v1/ad?pub=&slot=&size=WxH[,WxH...]&url=&npa=0|1&coppa=0|1[&uid=][&gdpr=..]
/// ...[&tgt=]`, every value percent-encoded. The commas between sizes stay as they are (a
/// comma is legal in a query, and this is how SPEC §3 writes it).
///
/// `url=` never carries the page's fragment, and its query string only when `collect`:
/// queries hold e-mail addresses and access tokens on real sites.
pub fn ad_request_url(req: &AdRequest<'_>) -> String {
    fn param(out: &mut String, key: &str, value: &str) {
        out.push('&');
        out.push_str(key);
        out.push('=');
        url::push_encoded(out, value);
    }
    fn flag(b: bool) -> &'static str {
        if b { "1" } else { "0" }
    }
    let mut out = String::from(req.endpoint);
    out.push_str("/v1/ad?pub=");
    url::push_encoded(&mut out, req.publisher);
    param(&mut out, "slot", req.slot);
    out.push_str("&size=");
    for (i, size) in req.sizes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_size(&mut out, *size);
    }
    param(
        &mut out,
        "url",
        url::page_url_for_ad(req.page_url, req.collect),
    );
    param(&mut out, "npa", flag(req.npa));
    param(&mut out, "coppa", flag(req.coppa));
    if let Some(uid) = req.uid {
        param(&mut out, "uid", uid);
    }
    let c = req.consent;
    if let Some(gdpr) = c.gdpr {
        param(&mut out, "gdpr", flag(gdpr));
    }
    let strings = [
        ("gdpr_consent", &c.gdpr_consent),
        ("gpp", &c.gpp),
        ("gpp_sid", &c.gpp_sid),
        ("us_privacy", &c.us_privacy),
    ];
    for (key, value) in strings {
        if let Some(v) = value {
            param(&mut out, key, v);
        }
    }
    if !req.targeting.is_empty() {
        param(&mut out, "tgt", req.targeting);
    }
    out
}

/// `WxH`.
fn push_size(out: &mut String, size: SlotSize) {
    crate::core::events::push_u64(out, size.width.into());
    out.push('x');
    crate::core::events::push_u64(out, size.height.into());
}

/// Response bodies larger than this are refused unread.
pub const MAX_AD_BYTES: usize = 100 * 1024;

/// What the glue renders: all fields validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderPlan {
    pub ad_id: String,
    pub html: String,
    pub width: u32,
    pub height: u32,
    /// Always an http(s) URL.
    pub click_url: Option<String>,
}

/// Why a slot collapses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdError {
    /// 204: the server has no ad.
    NoAd,
    /// Any status other than 200 and 204.
    Status(u16),
    TooLarge,
    Malformed,
    /// A field missing or of the wrong type.
    BadField(&'static str),
    /// `clickUrl` present but not http(s).
    BadClickUrl,
    /// The ad's `width`×`height` is not one of the sizes requested.
    WrongSize(SlotSize),
    /// Network error or timeout (filled in by the glue).
    Network,
    Timeout,
}

impl fmt::Display for AdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl AdError {
    /// The `Display` text, without `core::fmt`.
    pub fn message(&self) -> String {
        let (text, more) = match self {
            AdError::NoAd => ("no ad", None),
            AdError::Status(code) => ("HTTP ", Some(crate::core::events::decimal((*code).into()))),
            AdError::TooLarge => ("response over 102400 bytes", None),
            AdError::Malformed => ("malformed response (not a JSON object)", None),
            AdError::BadField(name) => ("missing or invalid field ", Some((*name).to_owned())),
            AdError::BadClickUrl => ("clickUrl is not an http(s) URL", None),
            AdError::WrongSize(size) => {
                let mut wxh = String::new();
                push_size(&mut wxh, *size);
                wxh.push_str(" is not a size the slot asked for");
                ("ad size ", Some(wxh))
            }
            AdError::Network => ("network error", None),
            AdError::Timeout => ("timed out", None),
        };
        let mut s = text.to_owned();
        s.push_str(more.as_deref().unwrap_or(""));
        s
    }
}

/// Longest accepted ad `id`, in characters.
const MAX_ID_CHARS: usize = 128;

/// Validates a response to a request for `requested` sizes: 200 with JSON
/// `{"id","html","width","height","clickUrl"?}`. `id` non-empty string (at most 128 chars),
/// `html` string, `width`/`height` integers in 1..=MAX_SIDE and together one of `requested`,
/// `clickUrl` absent/null or an http(s) URL.
///
/// Checks in order: status (204 → `NoAd`, other non-200 → `Status`), size (`TooLarge`,
/// before parsing), JSON object (`Malformed`), then `id`, `html`, `width`, `height`
/// (`BadField` naming the first bad one), then the size against `requested` (`WrongSize`:
/// an ad of another size would overflow or shift the slot), then `clickUrl` (`BadClickUrl`).
/// Other keys are ignored. The click URL must be an exact http(s) URL: no surrounding spaces.
pub fn render_plan(status: u16, body: &str, requested: &[SlotSize]) -> Result<RenderPlan, AdError> {
    render_plan_with(status, body, requested, json::read)
}

/// `render_plan`, reading the JSON with `read`.
pub fn render_plan_with(
    status: u16,
    body: &str,
    requested: &[SlotSize],
    read: json::Read,
) -> Result<RenderPlan, AdError> {
    match status {
        200 => {}
        204 => return Err(AdError::NoAd),
        other => return Err(AdError::Status(other)),
    }
    if body.len() > MAX_AD_BYTES {
        return Err(AdError::TooLarge);
    }
    let v = read(body).ok_or(AdError::Malformed)?;
    if !matches!(v, Value::Obj(_)) {
        return Err(AdError::Malformed);
    }
    let ad_id = v
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty() && s.chars().count() <= MAX_ID_CHARS)
        .ok_or(AdError::BadField("id"))?;
    let html = v
        .get("html")
        .and_then(Value::as_str)
        .ok_or(AdError::BadField("html"))?;
    let side = |key: &'static str| {
        v.get(key)
            .and_then(Value::as_int)
            .filter(|n| (1..=i64::from(MAX_SIDE)).contains(n))
            .and_then(|n| u32::try_from(n).ok())
            .ok_or(AdError::BadField(key))
    };
    let width = side("width")?;
    let height = side("height")?;
    let size = SlotSize { width, height };
    if !requested.contains(&size) {
        return Err(AdError::WrongSize(size));
    }
    let click_url = match v.get("clickUrl") {
        None | Some(Value::Null) => None,
        Some(Value::Str(s)) if url::is_http_url(s) => Some(s.clone()),
        Some(_) => return Err(AdError::BadClickUrl),
    };
    Ok(RenderPlan {
        ad_id: ad_id.to_string(),
        html: html.to_string(),
        width,
        height,
        click_url,
    })
}

/// The sandbox of the slot's ad frame (the tag's `adtag-frame.html`) and, through it, of the
/// creative's: scripts, and popups for the click-through (escaping the sandbox, so the
/// advertiser's page works). Never `allow-same-origin` (the frame and the creative get opaque
/// origins: the page can't read them, nor they the page) nor `allow-top-navigation`.
pub const SANDBOX: &str = "allow-scripts allow-popups allow-popups-to-escape-sandbox";

/// The tag's frame document, a static file beside the loader (`www/adtag-frame.html`, minified from `src/frame.html` by the build).
pub const FRAME_FILE: &str = "adtag-frame.html";

/// Where the ad frame document is: `adtag-frame.html` in the directory of the tag's script URL
/// (`https://ads.example.com/t/adtag.js?v=2` → `https://ads.example.com/t/adtag-frame.html`), as the
/// loader finds `pkg/` beside itself. Query and fragment are dropped.
pub fn frame_url(script_src: &str) -> String {
    let b = script_src.as_bytes();
    let end = b.iter().position(|&c| c == b'?' || c == b'#').unwrap_or(b.len());
    // The directory: up to the last '/' after the scheme's "//" (a bare origin gets one).
    let host = b.windows(2).position(|w| w == b"//").map_or(0, |i| i + 2).min(end);
    let dir_end = b.get(host..end).and_then(|p| p.iter().rposition(|&c| c == b'/')).map_or(end, |i| host + i);
    let mut out = String::from(script_src.get(..dir_end).unwrap_or(""));
    out.push('/');
    out.push_str(FRAME_FILE);
    out
}

/// The creative's document (the `srcdoc` of the frame `adtag-frame.html` makes for it): a reset
/// style, `<base target="_blank">` so its own links never replace it, then the creative as
/// given. No script of the tag's: clicks are taken by `adtag-frame.html`, outside the creative's
/// reach, so nothing here can be forged by it.
pub fn srcdoc(plan: &RenderPlan) -> String {
    let mut out = String::with_capacity(plan.html.len() + 160);
    out.push_str(
        "<!doctype html><html><head><meta charset=\"utf-8\"><base target=\"_blank\">\
         <style>html,body{margin:0;padding:0;overflow:hidden}</style></head><body>",
    );
    out.push_str(&plan.html);
    out.push_str("</body></html>");
    out
}
