#![cfg(not(target_arch = "wasm32"))]

use adtag::core::session::{SESSION_IDLE_MS, Session, continue_or_start, next_visit_count};
use proptest::prelude::*;

const ID: &str = "0123456789abcdef0123456789abcdef";
const NEW: &str = "fedcba9876543210fedcba9876543210";
const NOW: u64 = 1_700_000_000_000;

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
    #[test]
    fn cookie_parse_never_panics_and_round_trips(s in any::<String>(), now in any::<u64>()) {
        if let Some(sess) = Session::from_cookie_value(&s, now) {
            prop_assert_eq!(sess.to_cookie_value(), s.as_str());
            prop_assert_eq!(sess.last_active_ms, now);
        }
        let _ = next_visit_count(Some(&s), true);
    }

    // Random strings are almost never 32-hex ids, so the round trip above rarely runs:
    // here every case is an id `ids::hex_id` could have made.
    #[test]
    fn a_generated_id_round_trips(id in "[0-9a-f]{32}", now in any::<u64>()) {
        let sess = Session::from_cookie_value(&id, now);
        prop_assert!(sess.is_some(), "a hex id read back: {}", id);
        let sess = sess.unwrap();
        prop_assert_eq!(sess.to_cookie_value(), id.as_str());
        prop_assert_eq!(sess.last_active_ms, now);
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
