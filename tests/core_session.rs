#![cfg(not(target_arch = "wasm32"))]

use adtag::core::ids::hex_id;
use adtag::core::session::{EventAt, SESSION_IDLE_MS, SID_MAX_AGE_SECS, SID_REWRITE_MS, Session, Touch, continue_or_start, for_event, next_visit_count};
use proptest::prelude::*;

const ID: &str = "0123456789abcdef0123456789abcdef";
const NEW: &str = "fedcba9876543210fedcba9876543210";
const NOW: u64 = 1_700_000_000_000;
/// This page's last write of the cookie, long before the events of a test.
const LONG_AGO: u64 = NOW - 2 * 60 * 60 * 1000;

/// An event other than `session_end` at `now`, with the cookie as read then and this page's
/// last write of it.
fn at(cookie: Option<&str>, now: u64, written: u64) -> EventAt<'_> {
    EventAt { cookie, now_ms: now, ends: false, written_ms: written }
}

fn session(last: u64) -> Session {
    Session {
        id: ID.to_string(),
        last_active_ms: last,
    }
}

#[test]
fn the_cookie_holds_the_session_id_alone() {
    let s = session(NOW);
    assert_eq!(s.to_cookie_value(), ID);
    assert_eq!(Session::from_cookie_value(ID, NOW), Some(s));
    // Read later, the cookie's existence is the proof of recent activity: touched at read time.
    assert_eq!(Session::from_cookie_value(ID, NOW + 5), Some(session(NOW + 5)));
}

#[test]
fn malformed_cookie_values() {
    let table: &[&str] = &[
        "",
        ".",
        &format!("{ID}.{NOW}"), // the old id.time form is not an id
        &format!("{ID} "),
        &format!(" {ID}"),
        "0123456789ABCDEF0123456789abcdef",
        "0123456789abcdef0123456789abcde",
        "0123456789abcdef0123456789abcdef0",
        "not-a-session",
        "\"0123456789abcdef0123456789abcdef\"",
        "0123456789abcdef0123456789abcdeg",
        "\u{661}123456789abcdef0123456789abcdef",
    ];
    for v in table {
        assert_eq!(Session::from_cookie_value(v, NOW), None, "{v:?}");
    }
}

#[test]
fn continues_at_exactly_thirty_minutes() {
    let (s, new) = continue_or_start(Some(session(NOW)), NOW + SESSION_IDLE_MS, NEW.into());
    assert!(!new);
    assert_eq!(
        s,
        Session {
            id: ID.into(),
            last_active_ms: NOW + SESSION_IDLE_MS
        }
    );
}

#[test]
fn new_after_thirty_minutes_and_one_ms() {
    let (s, new) = continue_or_start(Some(session(NOW)), NOW + SESSION_IDLE_MS + 1, NEW.into());
    assert!(new);
    assert_eq!(
        s,
        Session {
            id: NEW.into(),
            last_active_ms: NOW + SESSION_IDLE_MS + 1
        }
    );
}

#[test]
fn same_instant_continues_and_touches() {
    let (s, new) = continue_or_start(Some(session(NOW - 5)), NOW, NEW.into());
    assert!(!new);
    assert_eq!(s.last_active_ms, NOW);
    assert_eq!(s.id, ID);
}

#[test]
fn future_skew() {
    // Up to a minute in the future: clock skew, keep it.
    let (s, new) = continue_or_start(Some(session(NOW + 60_000)), NOW, NEW.into());
    assert!(!new);
    assert_eq!(
        s,
        Session {
            id: ID.into(),
            last_active_ms: NOW
        }
    );
    // More than that: not trusted.
    let (s, new) = continue_or_start(Some(session(NOW + 60_001)), NOW, NEW.into());
    assert!(new);
    assert_eq!(
        s,
        Session {
            id: NEW.into(),
            last_active_ms: NOW
        }
    );
    let (_, new) = continue_or_start(Some(session(u64::MAX)), NOW, NEW.into());
    assert!(new);
}

#[test]
fn no_session_starts_one() {
    let (s, new) = continue_or_start(None, NOW, NEW.into());
    assert!(new);
    assert_eq!(
        s,
        Session {
            id: NEW.into(),
            last_active_ms: NOW
        }
    );
}

#[test]
fn extreme_clocks_do_not_overflow() {
    let (_, new) = continue_or_start(Some(session(0)), u64::MAX, NEW.into());
    assert!(new);
    let (_, new) = continue_or_start(Some(session(u64::MAX)), u64::MAX, NEW.into());
    assert!(!new);
    let (_, new) = continue_or_start(Some(session(0)), 0, NEW.into());
    assert!(!new);
}

#[test]
fn a_session_with_a_bad_id_is_replaced() {
    let bad = Session {
        id: "<script>".into(),
        last_active_ms: NOW,
    };
    let (s, new) = continue_or_start(Some(bad), NOW, NEW.into());
    assert!(new);
    assert_eq!(s.id, NEW);
}

// --- Each event: the sid cookie re-read first (issue 9: two tabs share one session) -------------

const OTHER: &str = "00000000000000000000000000000001";

#[test]
fn an_event_joins_the_session_another_tab_wrote_meanwhile() {
    // This page's session idled out; another tab started OTHER and wrote its cookie.
    let mine = session(NOW - SESSION_IDLE_MS - 5);
    let t = for_event(&mine, at(Some(OTHER), NOW, LONG_AGO), NEW.into());
    assert_eq!(t, Touch { session: Session { id: OTHER.into(), last_active_ms: NOW }, write_cookie: true, new: false });
    // Also when this page's own session is still recent: the cookie is the shared truth.
    let t = for_event(&session(NOW - 1000), at(Some(OTHER), NOW, LONG_AGO), NEW.into());
    assert_eq!(t.session.id, OTHER);
}

#[test]
fn without_a_cookie_the_page_keeps_or_renews_its_own() {
    let t = for_event(&session(NOW - 1000), at(None, NOW, LONG_AGO), NEW.into());
    assert_eq!(t, Touch { session: Session { id: ID.into(), last_active_ms: NOW }, write_cookie: true, new: false });
    let t = for_event(&session(NOW - SESSION_IDLE_MS - 1), at(None, NOW, LONG_AGO), NEW.into());
    assert_eq!(t, Touch { session: Session { id: NEW.into(), last_active_ms: NOW }, write_cookie: true, new: true });
    // A malformed cookie is no session.
    let t = for_event(&session(NOW - 1000), at(Some("forged;id"), NOW, LONG_AGO), NEW.into());
    assert_eq!(t.session.id, ID);
}

#[test]
fn session_end_belongs_to_the_session_it_ends_and_starts_none() {
    // Hidden after 40 idle minutes, with another tab's session in the cookie: the end is
    // this page's session's, untouched, and no cookie is written.
    let mine = session(NOW - 40 * 60 * 1000);
    for cookie in [None, Some(OTHER), Some(ID)] {
        let t = for_event(&mine, EventAt { ends: true, ..at(cookie, NOW, LONG_AGO) }, NEW.into());
        assert_eq!(t, Touch { session: mine.clone(), write_cookie: false, new: false });
    }
}

#[test]
fn visit_counts() {
    assert_eq!(next_visit_count(None, true), 1);
    assert_eq!(next_visit_count(None, false), 0);
    assert_eq!(next_visit_count(Some("0"), true), 1);
    assert_eq!(next_visit_count(Some("7"), true), 8);
    assert_eq!(next_visit_count(Some("7"), false), 7);
    assert_eq!(next_visit_count(Some("4294967294"), true), u32::MAX);
    assert_eq!(next_visit_count(Some("4294967295"), true), u32::MAX); // saturates
    assert_eq!(next_visit_count(Some("4294967295"), false), u32::MAX);
}

#[test]
fn malformed_visit_counts_count_as_zero() {
    for bad in [
        "",
        "-1",
        "+1",
        " 1",
        "1 ",
        "01",
        "1.0",
        "1e3",
        "0x1",
        "abc",
        "4294967296",
        "99999999999999999999999",
        "\u{661}",
    ] {
        assert_eq!(next_visit_count(Some(bad), true), 1, "{bad:?}");
        assert_eq!(next_visit_count(Some(bad), false), 0, "{bad:?}");
    }
}

proptest! {
    /// Any string: never a panic, and a session only from an id `hex_id` could have made.
    /// (Random strings are almost never such ids: the round trip has its own property.)
    #[test]
    fn cookie_parse_never_panics(s in any::<String>(), now in any::<u64>()) {
        let is_id = s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        prop_assert_eq!(Session::from_cookie_value(&s, now).is_some(), is_id);
        let _ = next_visit_count(Some(&s), true);
    }

    /// Every id the tag makes reads back from its cookie as that session, touched at read
    /// time, and writes back the same value.
    #[test]
    fn session_ids_round_trip(random in any::<[u8; 16]>(), now in any::<u64>()) {
        let id = hex_id(&random);
        let read = Session::from_cookie_value(&id, now);
        prop_assert_eq!(&read, &Some(Session { id: id.clone(), last_active_ms: now }));
        if let Some(sess) = read {
            prop_assert_eq!(sess.to_cookie_value(), id.as_str());
            prop_assert_eq!(Session::from_cookie_value(sess.to_cookie_value(), now), Some(sess.clone()));
        }
    }

    #[test]
    fn an_id_of_another_length_or_alphabet_is_refused(id in "[0-9a-f]{0,31}|[0-9a-f]{33,40}|[0-9a-f]{0,31}[g-zA-Z.:][0-9a-f]{0,31}") {
        prop_assert_eq!(Session::from_cookie_value(&id, NOW), None);
    }

    #[test]
    fn visit_count_round_trips(n in any::<u32>()) {
        prop_assert_eq!(next_visit_count(Some(&n.to_string()), false), n);
        prop_assert_eq!(next_visit_count(Some(&n.to_string()), true), n.saturating_add(1));
    }

    #[test]
    fn continue_or_start_rule(last in any::<u64>(), now in any::<u64>()) {
        let (s, new) = continue_or_start(Some(session(last)), now, NEW.into());
        let keep = now.saturating_sub(last) <= SESSION_IDLE_MS && last <= now.saturating_add(60_000);
        prop_assert_eq!(new, !keep);
        prop_assert_eq!(s.last_active_ms, now);
        prop_assert_eq!(s.id, if keep { ID } else { NEW });
    }
}

// --- The sid cookie written at most once a minute by a page (each write costs the next read a
// wait on the browser's cookie store) ------------------------------------------------------------

#[test]
fn an_event_within_a_minute_of_this_pages_write_leaves_the_cookie_as_it_is() {
    let mine = session(NOW - 1000);
    for written in [NOW, NOW - 1, NOW - SID_REWRITE_MS + 1] {
        let t = for_event(&mine, at(Some(ID), NOW, written), NEW.into());
        assert_eq!(t, Touch { session: Session { id: ID.into(), last_active_ms: NOW }, write_cookie: false, new: false }, "written at {written}");
    }
}

#[test]
fn the_cookie_is_written_again_after_a_minute_or_when_it_is_not_this_pages() {
    let mine = session(NOW - 1000);
    // A minute or more since this page wrote it, or long before.
    for written in [NOW - SID_REWRITE_MS, LONG_AGO, 0] {
        assert!(for_event(&mine, at(Some(ID), NOW, written), NEW.into()).write_cookie, "written at {written}");
    }
    // Another tab's session in the cookie, or none: joined or renewed, and written.
    assert!(for_event(&mine, at(Some(OTHER), NOW, NOW), NEW.into()).write_cookie);
    assert!(for_event(&mine, at(None, NOW, NOW), NEW.into()).write_cookie);
    // A write "in the future" (the clock went back since): written again, never trusted.
    assert!(for_event(&mine, at(Some(ID), NOW, NOW + 1), NEW.into()).write_cookie);
}

proptest! {
    /// A page's events at any pace, each applied as the tag does (the cookie holding the
    /// page's session, its last write remembered): after every event the cookie, as last
    /// written, lives at least 30 minutes past that event (30 idle minutes end a session,
    /// never fewer) and at most one minute more.
    #[test]
    fn after_every_event_the_cookie_lives_30_idle_minutes_and_at_most_one_more(gaps in proptest::collection::vec(0u64..150_000, 1..40)) {
        let mut now = NOW;
        let mut current = session(NOW);
        let mut written = NOW; // Measure::start writes it
        for gap in gaps {
            now += gap;
            let t = for_event(&current, at(Some(&current.id), now, written), NEW.into());
            if t.write_cookie {
                written = now;
            }
            current = t.session;
            let expires = written + SID_MAX_AGE_SECS * 1000;
            prop_assert!(expires >= now + SESSION_IDLE_MS, "expires {} ms after the event", expires - now);
            prop_assert!(expires <= now + SESSION_IDLE_MS + SID_REWRITE_MS);
        }
    }
}
