//! The audit trail's bounded log (SPEC §10): order, the 500 bound, the oldest dropped first.

use adtag::core::audit::{self, Action, MAX_ENTRIES, Trail};

fn targets(t: &Trail) -> Vec<String> {
    t.entries().map(|e| e.target.clone()).collect()
}

#[test]
fn entries_come_out_oldest_first_with_what_was_recorded() {
    let mut t = Trail::default();
    t.record(1, Action::Request, "https://ads.example/v1/child-directed-sites", audit::rule::SITE_LIST);
    t.record(2, Action::CookieRead, "adtag_optout", audit::rule::OPT_OUT_READ);
    t.record(3, Action::Beacon, "https://ads.example/v1/events", audit::rule::COLLECT_ALLOWED);
    let e: Vec<_> = t.entries().map(|e| (e.ts_ms, e.action.as_str(), e.rule.as_str())).collect();
    assert_eq!(e, [
        (1, "request", audit::rule::SITE_LIST),
        (2, "cookie-read", audit::rule::OPT_OUT_READ),
        (3, "beacon", audit::rule::COLLECT_ALLOWED),
    ]);
}

#[test]
fn at_most_the_last_500_are_kept_in_order() {
    let mut t = Trail::default();
    for i in 0..(MAX_ENTRIES as u64 * 2 + 7) {
        t.record(i, Action::CookieWrite, &i.to_string(), audit::rule::COLLECT_ALLOWED);
        let kept = t.entries().map(|e| e.ts_ms).collect::<Vec<_>>();
        let first = (i + 1).saturating_sub(MAX_ENTRIES as u64);
        assert_eq!(kept, (first..=i).collect::<Vec<_>>(), "after {} entries", i + 1);
    }
    assert_eq!(t.len(), MAX_ENTRIES);
    assert_eq!(t.total(), MAX_ENTRIES as u64 * 2 + 7);
    assert_eq!(targets(&t).last().map(String::as_str), Some("1006"));
}

#[test]
fn every_action_has_its_spec_name() {
    let names: Vec<_> = [Action::CookieRead, Action::CookieWrite, Action::CookieDelete, Action::StorageRead,
        Action::StorageWrite, Action::StorageDelete, Action::Request, Action::Beacon]
        .iter().map(|a| a.as_str()).collect();
    assert_eq!(names, ["cookie-read", "cookie-write", "cookie-delete", "storage-read", "storage-write",
        "storage-delete", "request", "beacon"]);
}

#[test]
fn rules_name_what_the_request_carries() {
    assert_eq!(audit::ad_request_rule(true, true, false), "ad request (always allowed; npa=1 coppa=1; no identifier)");
    assert_eq!(audit::ad_request_rule(false, false, true), "ad request (always allowed; npa=0 coppa=0; uid: collection allowed)");
    assert_eq!(audit::refused_rule(&["gpc", "usp-opt-out"]), "collection refused (gpc, usp-opt-out): nothing of the tag may remain");
}
