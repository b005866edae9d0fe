//! Sessions and visit frequency, kept in the `sid<pub>` and `fr<pub>` cookies.
//! A session ends after 30 minutes without activity.

pub const SESSION_IDLE_MS: u64 = 30 * 60 * 1000;

/// The `sid<pub>` cookie's content: the session id and the time of its last activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub last_active_ms: u64,
}

impl Session {
    /// Parses a cookie value written by `to_cookie_value`; `None` for anything else.
    pub fn from_cookie_value(_v: &str) -> Option<Session> {
        todo!("helper: core-measure")
    }
    pub fn to_cookie_value(&self) -> String {
        todo!()
    }
}

/// The session for a page view at `now_ms`: the existing one touched, when it has been
/// active within `SESSION_IDLE_MS` (and not in the future by more than a minute of clock
/// skew), else a new one with `new_id`. The bool says whether it is new.
pub fn continue_or_start(_existing: Option<Session>, _now_ms: u64, _new_id: String) -> (Session, bool) {
    todo!()
}

/// The `fr<pub>` visit count after this page view: +1 when a new session starts. A missing
/// or malformed value counts as 0; saturates instead of overflowing.
pub fn next_visit_count(_cookie_value: Option<&str>, _new_session: bool) -> u32 {
    todo!()
}

/// Cookie lifetimes in seconds.
pub const UID_MAX_AGE_SECS: u64 = 395 * 24 * 60 * 60;
pub const SID_MAX_AGE_SECS: u64 = 30 * 60;
pub const FREQ_MAX_AGE_SECS: u64 = 395 * 24 * 60 * 60;
