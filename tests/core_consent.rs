#![cfg(not(target_arch = "wasm32"))]
//! What each consent framework's answer allows, as tables.

use Restriction::*;
use adtag::core::ad::ConsentParams;
use adtag::core::consent::{
    GppData, Restriction, TcfAllows, TcfData, UsSection, ad_params, gpp_opted_out, purpose_bit,
    tcf_allows, usp_opted_out,
};
use adtag::core::signals::{Answer, Signals};
use proptest::prelude::*;

const V: u32 = 755;

fn mask(purposes: &[u32]) -> u32 {
    purposes
        .iter()
        .map(|&p| purpose_bit(p))
        .fold(0, |a, b| a | b)
}

fn tcf(applies: Option<bool>, consents: &[u32], li: &[u32], vc: &[u32], vli: &[u32]) -> TcfData {
    TcfData {
        gdpr_applies: applies,
        tc_string: String::new(),
        purpose_consents: mask(consents),
        purpose_li: mask(li),
        vendor_consents: vc.to_vec(),
        vendor_li: vli.to_vec(),
        restrictions: [0; 3],
    }
}

/// `data` with these publisher restrictions for our vendor.
fn restricted(mut data: TcfData, restrictions: &[(u32, Restriction)]) -> TcfData {
    for &(purpose, r) in restrictions {
        data.restrict(purpose, r);
    }
    data
}

fn allows(cookies: bool, beacons: bool, personalized: bool, ads: bool) -> TcfAllows {
    TcfAllows {
        cookies,
        beacons,
        personalized,
        ads,
    }
}

const ALL: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

#[test]
fn purpose_bits() {
    assert_eq!(purpose_bit(1), 0b10);
    assert_eq!(purpose_bit(11), 1 << 11);
    assert_eq!(purpose_bit(32), 0);
    assert_eq!(purpose_bit(u32::MAX), 0);
    let d = tcf(Some(true), &[1, 7], &[2], &[], &[]);
    assert!(d.consent(1) && d.consent(7) && !d.consent(2) && !d.consent(0));
    assert!(d.li(2) && !d.li(1) && !d.li(99));
}

#[test]
fn tcf_table() {
    let t = |a, c, l, vc, vl| tcf(a, c, l, vc, vl);
    let rows: Vec<(&str, TcfData, TcfAllows)> = vec![
        (
            "all consent",
            t(Some(true), ALL, &[], &[V], &[]),
            allows(true, true, true, true),
        ),
        (
            "gdpr unknown, all consent",
            t(None, ALL, &[], &[V], &[]),
            allows(true, true, true, true),
        ),
        (
            "gdpr does not apply, nothing",
            t(Some(false), &[], &[], &[], &[]),
            allows(true, true, true, true),
        ),
        (
            "gdpr applies, nothing",
            t(Some(true), &[], &[], &[], &[]),
            allows(false, false, false, false),
        ),
        (
            "gdpr unknown, nothing",
            t(None, &[], &[], &[], &[]),
            allows(false, false, false, false),
        ),
        (
            "other vendors only",
            t(Some(true), ALL, ALL, &[1, 2, 754, 756], &[754]),
            allows(false, false, false, false),
        ),
        (
            "no purpose 1",
            t(Some(true), &[2, 3, 4, 7], &[], &[V], &[]),
            allows(false, false, true, true),
        ),
        (
            "purpose 1 by LI is not enough",
            t(Some(true), &[2, 3, 4, 7], &[1], &[V], &[V]),
            allows(false, false, true, true),
        ),
        (
            "vendor LI only",
            t(Some(true), ALL, &[2, 7], &[], &[V]),
            allows(false, false, false, true),
        ),
        (
            "P7 by LI",
            t(Some(true), &[1, 2, 3, 4], &[7], &[V], &[V]),
            allows(true, true, true, true),
        ),
        (
            "P7 by LI, vendor without LI",
            t(Some(true), &[1, 2, 3, 4], &[7], &[V], &[]),
            allows(true, false, true, true),
        ),
        (
            "P7 missing",
            t(Some(true), &[1, 2, 3, 4], &[], &[V], &[V]),
            allows(true, false, true, true),
        ),
        (
            "P3 missing",
            t(Some(true), &[1, 2, 4, 7], &[3], &[V], &[V]),
            allows(true, true, false, true),
        ),
        (
            "P4 missing",
            t(Some(true), &[1, 2, 3, 7], &[], &[V], &[]),
            allows(true, true, false, true),
        ),
        (
            "P2 missing",
            t(Some(true), &[1, 3, 4, 7], &[], &[V], &[V]),
            allows(true, true, true, false),
        ),
        (
            "P2 by LI",
            t(Some(true), &[1, 3, 4, 7], &[2], &[V], &[V]),
            allows(true, true, true, true),
        ),
        (
            "P2 by LI, vendor without LI",
            t(Some(true), &[1, 3, 4, 7], &[2], &[V], &[]),
            allows(true, true, true, false),
        ),
        (
            "P2 consent, vendor LI only",
            t(Some(true), &[1, 2, 3, 4, 7], &[], &[], &[V]),
            allows(false, false, false, false),
        ),
        (
            "bits shifted by one are not purposes",
            TcfData {
                purpose_consents: 0b0111_1111,
                ..t(Some(true), &[], &[], &[V], &[])
            },
            allows(true, false, true, true),
        ),
    ];
    for (name, data, want) in rows {
        assert_eq!(tcf_allows(&data, V), want, "{name}");
    }
}

#[test]
fn restrict_records_by_type() {
    let mut d = TcfData::default();
    d.restrict(1, NotAllowed);
    d.restrict(2, RequireConsent);
    d.restrict(7, RequireLi);
    d.restrict(2, RequireLi);
    // No purpose: nothing recorded, no panic.
    d.restrict(0, NotAllowed);
    d.restrict(32, NotAllowed);
    d.restrict(u32::MAX, RequireLi);
    assert_eq!(
        d.restrictions,
        [purpose_bit(1) | 1, purpose_bit(2), purpose_bit(7) | purpose_bit(2)]
    );
}

#[test]
fn restriction_codes() {
    let rows = [
        (Some(0.0), NotAllowed),
        (Some(1.0), RequireConsent),
        (Some(2.0), RequireLi),
        // Anything else fails closed.
        (Some(3.0), NotAllowed),
        (Some(-1.0), NotAllowed),
        (Some(1.5), NotAllowed),
        (Some(f64::NAN), NotAllowed),
        (Some(f64::INFINITY), NotAllowed),
        (None, NotAllowed),
    ];
    for (code, want) in rows {
        assert_eq!(Restriction::from_code(code), want, "{code:?}");
    }
}

/// Publisher restrictions for our vendor (TCF policy): type 0 takes the purpose away, type 1
/// leaves only consent, type 2 only legitimate interest (and so nothing for a consent-only
/// purpose). A restriction for a purpose the tag does not use changes nothing.
#[test]
#[rustfmt::skip]
fn restrictions_table() {
    // Everything given: every purpose by consent and by LI, our vendor both.
    let both = tcf(Some(true), ALL, ALL, &[V], &[V]);
    let consent_only = tcf(Some(true), ALL, &[], &[V], &[]);
    let li_for_2_7 = tcf(Some(true), &[1, 3, 4], &[2, 7], &[V], &[V]);
    let r = restricted;
    let rows: Vec<(&str, TcfData, TcfAllows, bool)> = vec![
        ("no restriction", both.clone(), allows(true, true, true, true), false),
        ("P1 not allowed", r(both.clone(), &[(1, NotAllowed)]), allows(false, false, true, true), true),
        ("P1 require consent: consent given", r(both.clone(), &[(1, RequireConsent)]), allows(true, true, true, true), false),
        ("P1 require LI: consent-only purpose, nothing left", r(both.clone(), &[(1, RequireLi)]), allows(false, false, true, true), true),
        ("P2 not allowed", r(both.clone(), &[(2, NotAllowed)]), allows(true, true, true, false), true),
        ("P2 require consent, consent given", r(both.clone(), &[(2, RequireConsent)]), allows(true, true, true, true), false),
        ("P2 require consent, LI only", r(li_for_2_7.clone(), &[(2, RequireConsent)]), allows(true, true, true, false), true),
        ("P2 require LI, LI given", r(li_for_2_7.clone(), &[(2, RequireLi)]), allows(true, true, true, true), false),
        ("P2 require LI, consent only", r(consent_only.clone(), &[(2, RequireLi)]), allows(true, true, true, false), true),
        ("P7 not allowed", r(both.clone(), &[(7, NotAllowed)]), allows(true, false, true, true), true),
        ("P7 require consent, LI only", r(li_for_2_7.clone(), &[(7, RequireConsent)]), allows(true, false, true, true), true),
        ("P7 require LI, consent only", r(consent_only.clone(), &[(7, RequireLi)]), allows(true, false, true, true), true),
        ("P7 require LI, both", r(both.clone(), &[(7, RequireLi)]), allows(true, true, true, true), false),
        ("P3 not allowed", r(both.clone(), &[(3, NotAllowed)]), allows(true, true, false, true), true),
        ("P4 require LI: consent-only", r(both.clone(), &[(4, RequireLi)]), allows(true, true, false, true), true),
        ("P3 require consent", r(both.clone(), &[(3, RequireConsent)]), allows(true, true, true, true), false),
        ("P2 require consent and require LI: neither counts", r(both.clone(), &[(2, RequireConsent), (2, RequireLi)]), allows(true, true, true, false), true),
        ("unused purposes restricted", r(both.clone(), &[(5, NotAllowed), (6, NotAllowed), (8, NotAllowed), (0, NotAllowed), (99, NotAllowed)]), allows(true, true, true, true), false),
        ("restricted, but refused anyway", r(tcf(Some(true), &[], &[], &[V], &[V]), &[(1, NotAllowed), (2, NotAllowed)]), allows(false, false, false, false), false),
        ("restricted, vendor without consent anyway", r(tcf(Some(true), ALL, &[], &[], &[]), &[(1, NotAllowed)]), allows(false, false, false, false), false),
        ("gdpr does not apply: restrictions do not either", r(tcf(Some(false), &[], &[], &[], &[]), &[(1, NotAllowed), (2, NotAllowed)]), allows(true, true, true, true), false),
    ];
    for (name, data, want, by_restriction) in rows {
        assert_eq!(tcf_allows(&data, V), want, "{name}");
        if data.gdpr_applies != Some(false) {
            assert_eq!(data.restriction_refuses(V), by_restriction, "{name}: restriction_refuses");
        }
    }
}

fn section(id: u16, sale: u8, sharing: u8, targeted: u8, gpc: bool, child: &[u8]) -> UsSection {
    UsSection {
        id,
        sale_opt_out: sale,
        sharing_opt_out: sharing,
        targeted_advertising_opt_out: targeted,
        gpc,
        known_child: child.to_vec(),
    }
}

fn gpp(applicable: &[i32], sections: Vec<UsSection>) -> GppData {
    GppData {
        gpp_string: String::new(),
        applicable_sections: applicable.to_vec(),
        us_sections: sections,
        ..GppData::default()
    }
}

#[test]
fn gpp_table() {
    let ok = |id| section(id, 2, 2, 2, false, &[0, 0]);
    let rows: Vec<(&str, GppData, bool)> = vec![
        ("nothing applies, no sections", gpp(&[], vec![]), false),
        ("-1: nothing applies", gpp(&[-1], vec![]), false),
        ("usnat, did not opt out", gpp(&[7], vec![ok(7)]), false),
        (
            "usri (27, GPP 3.2) applies, unread: fail closed",
            gpp(&[27], vec![]),
            true,
        ),
        ("usri (27) did not opt out", gpp(&[27], vec![ok(27)]), false),
        (
            "28 is no US section: unread does not refuse",
            gpp(&[28], vec![]),
            false,
        ),
        (
            "usnat, fields n/a",
            gpp(&[7], vec![section(7, 0, 0, 0, false, &[])]),
            false,
        ),
        (
            "usnat sale",
            gpp(&[7], vec![section(7, 1, 2, 2, false, &[])]),
            true,
        ),
        (
            "usnat sharing",
            gpp(&[7], vec![section(7, 2, 1, 2, false, &[])]),
            true,
        ),
        (
            "usnat targeted",
            gpp(&[7], vec![section(7, 2, 2, 1, false, &[])]),
            true,
        ),
        (
            "usnat gpc",
            gpp(&[7], vec![section(7, 2, 2, 2, true, &[])]),
            true,
        ),
        (
            "usnat known child",
            gpp(&[7], vec![section(7, 2, 2, 2, false, &[0, 1])]),
            true,
        ),
        (
            "usnat known child 2",
            gpp(&[7], vec![section(7, 2, 2, 2, false, &[2])]),
            true,
        ),
        (
            "invalid field value fails closed",
            gpp(&[7], vec![section(7, 3, 2, 2, false, &[])]),
            true,
        ),
        (
            "opted-out section not applicable",
            gpp(&[8], vec![section(7, 1, 1, 1, true, &[1]), ok(8)]),
            false,
        ),
        (
            "opted-out section, -1",
            gpp(&[-1], vec![section(7, 1, 1, 1, true, &[1])]),
            false,
        ),
        (
            "opted-out section, none applicable",
            gpp(&[], vec![section(7, 1, 1, 1, true, &[1])]),
            false,
        ),
        (
            "usca opted out",
            gpp(&[7, 8], vec![ok(7), section(8, 1, 2, 2, false, &[])]),
            true,
        ),
        (
            "applicable US section missing",
            gpp(&[7, 8], vec![ok(7)]),
            true,
        ),
        (
            "applicable non-US section only",
            gpp(&[2, 6], vec![]),
            false,
        ),
    ];
    for (name, data, want) in rows {
        assert_eq!(gpp_opted_out(&data), want, "{name}");
    }
}

#[test]
fn usp_table() {
    let rows = [
        ("1YYN", true),
        ("1NYN", true),
        ("1-YN", true),
        ("1YYY", true),
        ("1nyn", true),
        ("1YNN", false),
        ("1NNN", false),
        ("1YNY", false),
        ("1---", false),
        ("1Y-N", false),
        ("1ynn", false),
        ("", true),
        ("1", true),
        ("1YN", true),
        ("1YNNN", true),
        ("2YNN", true),
        ("1XNN", true),
        ("1YXN", true),
        (" 1YNN", true),
        ("1YNN ", true),
        ("1ÝNN", true),
        ("null", true),
        ("undefined", true),
    ];
    for (s, want) in rows {
        assert_eq!(usp_opted_out(s), want, "{s:?}");
    }
}

fn signals(tcf: Answer<TcfData>, gpp: Answer<GppData>, usp: Answer<String>) -> Signals {
    Signals {
        tcf,
        gpp,
        usp,
        ..Signals::pending()
    }
}

fn params(
    gdpr: Option<bool>,
    consent: Option<&str>,
    gpp: Option<&str>,
    sid: Option<&str>,
    usp: Option<&str>,
) -> ConsentParams {
    ConsentParams {
        gdpr,
        gdpr_consent: consent.map(String::from),
        gpp: gpp.map(String::from),
        gpp_sid: sid.map(String::from),
        us_privacy: usp.map(String::from),
    }
}

/// What the ad request says about consent, for each state of the three platforms. An
/// absent `gdpr` tells the ad server "GDPR does not apply": only a page without any TCF
/// (`__tcfapi`, or GPP's `tcfeuv2`) may send it.
#[test]
#[rustfmt::skip]
fn ad_params_table() {
    use Answer::{Absent, Pending, Ready, TimedOut};
    const TC: &str = "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA";
    let tcf_with = |applies, tc: &str| TcfData {
        gdpr_applies: applies,
        tc_string: tc.into(),
        ..TcfData::default()
    };
    let g = |applicable: &[i32], tcf: Option<TcfData>, usp: Option<&str>| GppData {
        gpp_string: "DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA".into(),
        applicable_sections: applicable.to_vec(),
        us_sections: vec![],
        tcf,
        usp: usp.map(String::from),
    };
    let rows: Vec<(&str, Signals, ConsentParams)> = vec![
        ("nothing on the page", signals(Absent, Absent, Absent), params(None, None, None, None, None)),
        ("tcf pending: gdpr may apply", signals(Pending, Absent, Absent), params(Some(true), None, None, None, None)),
        ("tcf timed out: gdpr may apply", signals(TimedOut, Absent, Absent), params(Some(true), None, None, None, None)),
        ("tcf applies", signals(Ready(tcf_with(Some(true), TC)), Absent, Absent), params(Some(true), Some(TC), None, None, None)),
        ("tcf unknown applicability", signals(Ready(tcf_with(None, TC)), Absent, Absent), params(Some(true), Some(TC), None, None, None)),
        ("tcf does not apply", signals(Ready(tcf_with(Some(false), "")), Absent, Absent), params(Some(false), None, None, None, None)),
        ("tcf, empty string", signals(Ready(tcf_with(Some(true), "")), Absent, Absent), params(Some(true), None, None, None, None)),
        (
            "no tcf, gpp tcfeuv2 applies with its string",
            signals(Absent, Ready(g(&[2], Some(tcf_with(None, TC)), None)), Absent),
            params(Some(true), Some(TC), Some("DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA"), Some("2"), None),
        ),
        (
            "no tcf, gpp tcfeuv2 applies, unreadable",
            signals(Absent, Ready(g(&[2], None, None)), Absent),
            params(Some(true), None, Some("DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA"), Some("2"), None),
        ),
        (
            "no tcf, gpp tcfeuv2 present but not applicable",
            signals(Absent, Ready(g(&[7], Some(tcf_with(None, TC)), None)), Absent),
            params(None, None, Some("DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA"), Some("7"), None),
        ),
        (
            "tcf says gdpr does not apply: its word over gpp's section",
            signals(Ready(tcf_with(Some(false), "")), Ready(g(&[2], Some(tcf_with(None, TC)), None)), Absent),
            params(Some(false), None, Some("DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA"), Some("2"), None),
        ),
        ("no tcf, gpp pending: gdpr may apply", signals(Absent, Pending, Absent), params(Some(true), None, None, None, None)),
        ("no tcf, gpp timed out: gdpr may apply", signals(Absent, TimedOut, Absent), params(Some(true), None, None, None, None)),
        (
            "gpp sid: positive ids only",
            signals(Absent, Ready(GppData { applicable_sections: vec![-1, 0, 7, 8], ..GppData::default() }), Absent),
            params(None, None, None, Some("7,8"), None),
        ),
        ("usp", signals(Absent, Absent, Ready("1YNN".into())), params(None, None, None, None, Some("1YNN"))),
        (
            "no usp, gpp uspv1 applies",
            signals(Absent, Ready(g(&[6], None, Some("1YYN"))), Absent),
            params(None, None, Some("DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA"), Some("6"), Some("1YYN")),
        ),
        (
            "no usp, gpp uspv1 not applicable",
            signals(Absent, Ready(g(&[7], None, Some("1YYN"))), Absent),
            params(None, None, Some("DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA"), Some("7"), None),
        ),
        (
            "usp's own string over gpp's section",
            signals(Absent, Ready(g(&[6], None, Some("1YYN"))), Ready("1NNN".into())),
            params(None, None, Some("DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA"), Some("6"), Some("1NNN")),
        ),
        ("usp pending: nothing to pass on", signals(Absent, Absent, Pending), params(None, None, None, None, None)),
    ];
    for (name, s, want) in rows {
        assert_eq!(ad_params(&s), want, "{name}");
    }
}

fn answer<T: core::fmt::Debug + Clone>(
    ready: impl Strategy<Value = T>,
) -> impl Strategy<Value = Answer<T>> {
    prop_oneof![
        Just(Answer::Absent),
        Just(Answer::Pending),
        Just(Answer::TimedOut),
        ready.prop_map(Answer::Ready)
    ]
}

proptest! {
    /// `gdpr` is left out (GDPR does not apply) only when neither TCF nor GPP could say it
    /// does: TCF absent, and GPP absent or answered without an applicable `tcfeuv2`.
    #[test]
    fn gdpr_is_absent_only_without_any_tcf(
        tcf in answer(prop::option::of(any::<bool>()).prop_map(|a| TcfData { gdpr_applies: a, ..TcfData::default() })),
        gpp in answer(prop::collection::vec(-1i32..10, 0..4).prop_map(|s| GppData { applicable_sections: s, ..GppData::default() })),
        usp in answer(".{0,5}"),
    ) {
        let s = signals(tcf, gpp, usp);
        let p = ad_params(&s);
        let could_apply = match (&s.tcf, &s.gpp) {
            (Answer::Absent, Answer::Absent) => false,
            (Answer::Absent, Answer::Ready(g)) => g.applicable_sections.contains(&2),
            _ => true,
        };
        prop_assert_eq!(p.gdpr.is_some(), could_apply);
        if let Answer::Ready(t) = &s.tcf {
            prop_assert_eq!(p.gdpr, Some(t.gdpr_applies != Some(false)));
        }
    }

    /// US Privacy strings: never a panic, and "not opted out" only for a well-formed
    /// version-1 string whose sale flag is `N` or `-`.
    #[test]
    fn usp_only_well_formed_strings_allow(s in prop_oneof![".{0,8}", "[1-2][YyNn\\-xX ]{2,4}"]) {
        let b = s.as_bytes();
        let flag = |c: u8| matches!(c, b'Y' | b'y' | b'N' | b'n' | b'-');
        let allows = b.len() == 4
            && b[0] == b'1'
            && b[1..].iter().all(|&c| flag(c))
            && matches!(b[2], b'N' | b'n' | b'-');
        prop_assert_eq!(usp_opted_out(&s), !allows, "{:?}", s);
    }

    #[test]
    fn restriction_codes_never_panic(code in prop::option::of(any::<f64>())) {
        let r = Restriction::from_code(code);
        prop_assert!(r == NotAllowed || code == Some(1.0) || code == Some(2.0));
    }
}
