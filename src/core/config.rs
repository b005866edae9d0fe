//! The publisher's configuration: script data attributes and `window.adtag.config`, later
//! wins over built-in defaults, validated into a `Config` or one error naming the field.

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
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("helper: core-ad")
    }
}

/// Merges defaults < `attrs` < `window` and validates. `script_src` is the tag's own script
/// URL, whose origin is the default endpoint.
///
/// Booleans: `true`, `1` and the empty string (a bare attribute) are true; `false`, `0` false.
/// Anything else for `childDirected` fails closed (true); for `debug` it is false.
pub fn resolve(
    _script_src: Option<&str>,
    _attrs: &RawConfig,
    _window: &RawConfig,
) -> Result<Config, ConfigError> {
    todo!()
}
