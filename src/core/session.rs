//! Sessions and visit frequency, kept in the `sid<pub>` and `fr<pub>` cookies.
//! A session ends after 30 minutes without activity.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::ids::is_hex_id;

pub const SESSION_IDLE_MS: u64 = 30 * 60 * 1000;

/// How far in the future a session's last activity may lie (clock skew between page views).
const MAX_SKEW_MS: u64 = 60 * 1000;

/// A session: its id and the time of its last activity.
///
/// The `sid<pub>` cookie holds the id alone (SPEC §4: it "holds the session id"). It lives
/// `SID_MAX_AGE_SECS` and is set again by events (at most once a minute per page, see
/// `for_event`), so the browser itself drops it after 30 idle minutes (and at most one more);
/// a cookie that is there was therefore active within them. For a page that stays open,
/// `continue_or_start` applies the same rule to the session held in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub last_active_ms: u64,
}

impl Session {
    /// The session in a `sid` cookie read at `now_ms`; `None` unless the value is an id
    /// `ids::hex_id` could have made.
    pub fn from_cookie_value(v: &str, now_ms: u64) -> Option<Session> {
        is_hex_id(v).then(|| Session { id: v.to_owned(), last_active_ms: now_ms })
    }

    pub fn to_cookie_value(&self) -> &str {
        &self.id
    }
}

/// The session for a page view at `now_ms`: the existing one touched, when it has been
/// active within `SESSION_IDLE_MS` (and not in the future by more than a minute of clock
/// skew), else a new one with `new_id`. The bool says whether it is new.
pub fn continue_or_start(
    existing: Option<Session>,
    now_ms: u64,
    new_id: String,
) -> (Session, bool) {
    if let Some(s) = existing {
        let recent = now_ms.saturating_sub(s.last_active_ms) <= SESSION_IDLE_MS;
        let not_future = s.last_active_ms <= now_ms.saturating_add(MAX_SKEW_MS);
        if recent && not_future && is_hex_id(&s.id) {
            return (
                Session {
                    id: s.id,
                    last_active_ms: now_ms,
                },
                false,
            );
        }
    }
    (
        Session {
            id: new_id,
            last_active_ms: now_ms,
        },
        true,
    )
}

/// What an event does to the session: the one it belongs to, and whether to write that
/// session's cookie again (every event but `session_end` is activity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch {
    pub session: Session,
    pub write_cookie: bool,
    /// A session was started for this event.
    pub new: bool,
}

/// An event within this long of this page's last write of the `sid` cookie, which still holds
/// the page's session, leaves the cookie as it is: a page showing ads records several events
/// a second, and each write made the browser's next read of the page's cookies (the tag reads
/// them at every event) wait on its cookie store, a task's worth on a slow phone. The cookie
/// lives this much longer than the idle time to make up for it.
pub const SID_REWRITE_MS: u64 = 60 * 1000;

/// One event, as the page sees it when the event happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventAt<'a> {
    /// The `sid<pub>` cookie, read just before (so that two tabs of a site share one session:
    /// the cookie, set again by events in any tab, is the shared truth).
    pub cookie: Option<&'a str>,
    pub now_ms: u64,
    /// The event is `session_end`.
    pub ends: bool,
    /// When this page last wrote the cookie (it writes it when measurement starts).
    pub written_ms: u64,
}

/// The session of `event`, given the session this page held so far; a new session gets
/// `new_id`.
///
/// `session_end` belongs to the session it ends: this page's own, unchanged, and it neither
/// starts a new session nor writes the cookie (hiding a page is not activity).
pub fn for_event(current: &Session, event: EventAt<'_>, new_id: String) -> Touch {
    let EventAt { cookie, now_ms, ends, written_ms } = event;
    if ends {
        return Touch { session: current.clone(), write_cookie: false, new: false };
    }
    if let Some(shared) = cookie.and_then(|v| Session::from_cookie_value(v, now_ms)) {
        // Left as it is when it holds this page's session, written by this page less than a
        // minute ago (never after a write "in the future": the clock went back since).
        let fresh = now_ms.wrapping_sub(written_ms) < SID_REWRITE_MS;
        let write_cookie = !(fresh && shared.id == current.id);
        return Touch { session: shared, write_cookie, new: false };
    }
    let (session, new) = continue_or_start(Some(current.clone()), now_ms, new_id);
    Touch { session, write_cookie: true, new }
}

/// The `fr<pub>` visit count after this page view: +1 when a new session starts. A missing
/// or malformed value counts as 0; saturates instead of overflowing.
///
/// Well-formed means canonical decimal (as `u32::to_string` writes it) within `u32`; a value
/// beyond `u32::MAX` was not written by us and counts as 0.
pub fn next_visit_count(cookie_value: Option<&str>, new_session: bool) -> u32 {
    let current = cookie_value
        .and_then(parse_canonical_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0);
    if new_session {
        current.saturating_add(1)
    } else {
        current
    }
}

/// Canonical decimal: 1–20 ASCII digits, no leading zero unless the value is 0, ≤ `u64::MAX`.
fn parse_canonical_u64(s: &str) -> Option<u64> {
    let bytes = s.as_bytes();
    if bytes.is_empty() || bytes.len() > 20 || (bytes.len() > 1 && bytes.first() == Some(&b'0')) {
        return None;
    }
    let mut n: u64 = 0;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(n)
}

/// Cookie lifetimes in seconds.
pub const UID_MAX_AGE_SECS: u64 = 395 * 24 * 60 * 60;
/// 30 idle minutes, and the minute in which a page's events leave the cookie as it is.
pub const SID_MAX_AGE_SECS: u64 = (SESSION_IDLE_MS + SID_REWRITE_MS) / 1000;
pub const FREQ_MAX_AGE_SECS: u64 = 395 * 24 * 60 * 60;
