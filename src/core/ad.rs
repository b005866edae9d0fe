//! Ads: slot sizes, the ad request URL, and an ad response turned into a validated
//! `RenderPlan` (or a reason to collapse the slot).

use core::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotSize {
    pub width: u32,
    pub height: u32,
}

/// Sizes outside 1..=MAX_SIDE on either side are refused.
pub const MAX_SIDE: u32 = 2000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SizeError {
    /// Not `<digits>x<digits>`.
    Malformed(String),
    /// A side is 0 or larger than `MAX_SIDE`.
    OutOfBounds(String),
}

impl fmt::Display for SizeError {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("helper: core-ad")
    }
}

/// Parses `300x250` (also `300X250`, surrounding spaces ignored).
pub fn parse_size(_s: &str) -> Result<SlotSize, SizeError> {
    todo!()
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
    pub size: SlotSize,
    pub page_url: &'a str,
    pub npa: bool,
    pub coppa: bool,
    /// Only when collection is allowed.
    pub uid: Option<&'a str>,
    pub consent: &'a ConsentParams,
}

/// `{endpoint}/v1/ad?pub=&slot=&size=WxH&url=&npa=0|1&coppa=0|1[&uid=][&gdpr=..]...`,
/// every value percent-encoded.
pub fn ad_request_url(_req: &AdRequest<'_>) -> String {
    todo!()
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// Network error or timeout (filled in by the glue).
    Network,
    Timeout,
}

impl fmt::Display for AdError {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!()
    }
}

/// Validates a response: 200 with JSON `{"id","html","width","height","clickUrl"?}`.
/// `id` non-empty string (at most 128 chars), `html` string, `width`/`height` integers in
/// 1..=MAX_SIDE, `clickUrl` absent/null or an http(s) URL.
pub fn render_plan(_status: u16, _body: &str) -> Result<RenderPlan, AdError> {
    todo!()
}

/// The iframe's sandbox: scripts and popups (for the click-through) only. Never
/// `allow-same-origin` nor `allow-top-navigation`.
pub const SANDBOX: &str = "allow-scripts allow-popups allow-popups-to-escape-sandbox";

/// The iframe's `srcdoc`: a reset style, `<base target="_blank">`, the creative, and a
/// click script that opens the click URL in a new tab and tells the parent with
/// `postMessage({adtag: "click", token}, "*")`. `token` is the frame's random nonce.
pub fn srcdoc(_plan: &RenderPlan, _token: &str) -> String {
    todo!()
}
