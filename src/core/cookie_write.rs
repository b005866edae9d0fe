//! `document.cookie = ...` strings. The tag's cookies are first-party, host-only,
//! `Path=/`, `SameSite=Lax`, and `Secure` on https.

/// `name=value; Max-Age=N; Path=/; SameSite=Lax[; Secure]`.
pub fn set(_name: &str, _value: &str, _max_age_secs: u64, _secure: bool) -> String {
    todo!("helper: core-privacy")
}

/// The strings that delete `name` wherever a tag may have set it: host-only, and with
/// `Domain=` each parent domain of `host` (but never a bare top-level label). For an IP
/// address or `localhost`, host-only alone.
pub fn delete_all(_name: &str, _host: &str, _secure: bool) -> Vec<String> {
    todo!()
}

pub const ONE_YEAR_SECS: u64 = 365 * 24 * 60 * 60;
