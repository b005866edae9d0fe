#![cfg(not(target_arch = "wasm32"))]
//! The privacy rules, as tables: every combination of the page's own signals, then every
//! consent rule, then a property over arbitrary signals.

use adtag::core::consent::{GppData, Restriction, TcfData, UsSection, purpose_bit};
use adtag::core::decision::{Decision, Reason, decide};
use adtag::core::signals::{Answer, ListState, Signals};
use proptest::prelude::*;

use Reason::*;

const VENDOR: u32 = 42;

/// Nothing says no: not opted out, not child-directed, no consent platforms.
fn clear() -> Signals {
    Signals {
        opt_out_cookie: false,
        child_flag: false,
        child_meta: false,
        site_list: ListState::NotListed,
        gpc: false,
        tcf: Answer::Absent,
        tcf_vendor_id: Some(VENDOR),
        gpp: Answer::Absent,
        usp: Answer::Absent,
    }
}

fn mask(purposes: &[u32]) -> u32 {
    purposes
        .iter()
        .map(|&p| purpose_bit(p))
        .fold(0, |a, b| a | b)
}

/// A TCF answer where GDPR applies: purpose consents, purpose LIs, vendor consent, vendor LI.
fn tcf(consents: &[u32], li: &[u32], vendor_consent: bool, vendor_li: bool) -> TcfData {
    TcfData {
        gdpr_applies: Some(true),
        tc_string: "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA".into(),
        purpose_consents: mask(consents),
        purpose_li: mask(li),
        vendor_consents: if vendor_consent {
            vec![1, VENDOR, 755]
        } else {
            vec![1, 755]
        },
        vendor_li: if vendor_li { vec![VENDOR] } else { vec![] },
        restrictions: [0; 3],
    }
}

const ALL: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

fn with_tcf(data: TcfData) -> Signals {
    Signals {
        tcf: Answer::Ready(data),
        ..clear()
    }
}

fn usnat(f: impl FnOnce(&mut UsSection)) -> GppData {
    let mut section = UsSection {
        id: 7,
        sale_opt_out: 2,
        sharing_opt_out: 2,
        targeted_advertising_opt_out: 2,
        gpc: false,
        known_child: vec![0, 0],
    };
    f(&mut section);
    GppData {
        gpp_string: "DBABLA~BVQqAAAAAgA.QA".into(),
        applicable_sections: vec![7],
        us_sections: vec![section],
        ..GppData::default()
    }
}

fn with_gpp(data: GppData) -> Signals {
    Signals {
        gpp: Answer::Ready(data),
        ..clear()
    }
}

fn with_usp(s: &str) -> Signals {
    Signals {
        usp: Answer::Ready(s.into()),
        ..clear()
    }
}

/// Every combination of opt-out × child flag × meta × list state × GPC, consent absent.
#[test]
fn page_signals_table() {
    let lists = [
        ListState::Listed,
        ListState::NotListed,
        ListState::Failed,
        ListState::TimedOut,
        ListState::Pending,
    ];
    let mut rows = 0;
    for opt_out in [false, true] {
        for flag in [false, true] {
            for meta in [false, true] {
                for list in lists {
                    for gpc in [false, true] {
                        let s = Signals {
                            opt_out_cookie: opt_out,
                            child_flag: flag,
                            child_meta: meta,
                            site_list: list,
                            gpc,
                            ..clear()
                        };
                        let mut reasons = vec![];
                        if opt_out {
                            reasons.push(OptOutCookie);
                        }
                        if flag || meta {
                            reasons.push(ChildDirectedFlag);
                        }
                        match list {
                            ListState::Listed => reasons.push(ChildDirectedList),
                            ListState::NotListed => {}
                            _ => reasons.push(ChildDirectedListUnavailable),
                        }
                        if gpc {
                            reasons.push(Gpc);
                        }
                        let allowed = reasons.is_empty();
                        let child = flag || meta || list != ListState::NotListed;
                        let d = decide(&s);
                        let row = format!("{s:?}");
                        assert_eq!(d.reasons, reasons, "{row}");
                        assert_eq!(d.collect, allowed, "{row}");
                        assert_eq!(d.cookies, allowed, "{row}");
                        assert_eq!(d.personalized, allowed, "{row}");
                        assert_eq!(d.child_directed, child, "{row}");
                        assert!(d.ads, "{row}");
                        assert_eq!(d.permit().is_some(), allowed, "{row}");
                        rows += 1;
                    }
                }
            }
        }
    }
    assert_eq!(rows, 80);
}

#[test]
fn page_signals_spot_checks() {
    let d = decide(&clear());
    assert_eq!(
        d,
        Decision {
            collect: true,
            cookies: true,
            personalized: true,
            child_directed: false,
            ads: true,
            reasons: vec![],
        }
    );
    let all = Signals {
        opt_out_cookie: true,
        child_flag: true,
        child_meta: true,
        site_list: ListState::Failed,
        gpc: true,
        ..clear()
    };
    let d = decide(&all);
    assert_eq!(
        d.reasons,
        [
            OptOutCookie,
            ChildDirectedFlag,
            ChildDirectedListUnavailable,
            Gpc
        ]
    );
    assert!(!d.collect && !d.cookies && !d.personalized && d.child_directed && d.ads);
}

#[test]
fn nothing_known_yet_is_closed() {
    let d = decide(&Signals::pending());
    assert!(!d.collect && !d.cookies && !d.personalized && d.child_directed && d.ads);
    assert_eq!(
        d.reasons,
        [
            ChildDirectedListUnavailable,
            TcfPending,
            GppPending,
            UspPending
        ]
    );
    let closed = Decision::closed();
    assert!(closed.permit().is_none() && closed.child_directed && closed.ads);
}

struct Row {
    name: &'static str,
    signals: Signals,
    collect: bool,
    personalized: bool,
    ads: bool,
    reasons: &'static [Reason],
}

fn check(rows: Vec<Row>) {
    for r in rows {
        let d = decide(&r.signals);
        assert_eq!(d.reasons, r.reasons, "{}: reasons", r.name);
        assert_eq!(d.collect, r.collect, "{}: collect", r.name);
        assert_eq!(d.cookies, r.collect, "{}: cookies", r.name);
        assert_eq!(d.personalized, r.personalized, "{}: personalized", r.name);
        assert_eq!(d.ads, r.ads, "{}: ads", r.name);
        assert!(!d.child_directed, "{}: child_directed", r.name);
        assert_eq!(d.permit().is_some(), r.collect, "{}: permit", r.name);
    }
}

fn row(
    name: &'static str,
    signals: Signals,
    (collect, personalized, ads): (bool, bool, bool),
    reasons: &'static [Reason],
) -> Row {
    Row {
        name,
        signals,
        collect,
        personalized,
        ads,
        reasons,
    }
}

const ALLOWED: (bool, bool, bool) = (true, true, true);
const REFUSED: (bool, bool, bool) = (false, false, true);
const NON_PERSONALIZED: (bool, bool, bool) = (true, false, true);
const NO_ADS: (bool, bool, bool) = (false, false, false);

fn without(purposes: &[u32], drop: &[u32]) -> Vec<u32> {
    purposes
        .iter()
        .copied()
        .filter(|p| !drop.contains(p))
        .collect()
}

#[test]
fn tcf_rules() {
    let no_vendor_id = |applies| Signals {
        tcf_vendor_id: None,
        ..with_tcf(TcfData {
            gdpr_applies: applies,
            ..tcf(ALL, ALL, true, true)
        })
    };
    let applies = |applies, data: TcfData| {
        with_tcf(TcfData {
            gdpr_applies: applies,
            ..data
        })
    };
    check(vec![
        row(
            "everything granted",
            with_tcf(tcf(ALL, &[], true, false)),
            ALLOWED,
            &[],
        ),
        row(
            "no vendor id, gdpr applies",
            no_vendor_id(Some(true)),
            REFUSED,
            &[TcfNoVendorId],
        ),
        row(
            "no vendor id, gdpr unknown",
            no_vendor_id(None),
            REFUSED,
            &[TcfNoVendorId],
        ),
        row(
            "no vendor id, gdpr does not apply",
            no_vendor_id(Some(false)),
            ALLOWED,
            &[],
        ),
        row(
            "purpose 1 missing",
            with_tcf(tcf(&without(ALL, &[1]), &[], true, false)),
            REFUSED,
            &[TcfNoPurpose1],
        ),
        row(
            "purpose 1 and 7 missing",
            with_tcf(tcf(&without(ALL, &[1, 7]), &[], true, false)),
            REFUSED,
            &[TcfNoPurpose1, TcfNoPurpose7],
        ),
        row(
            "vendor consent missing, vendor LI for 2 and 7",
            with_tcf(tcf(ALL, &[2, 7], false, true)),
            REFUSED,
            &[TcfNoVendor, TcfNoPersonalization],
        ),
        row(
            "vendor unknown to the consent string",
            with_tcf(tcf(ALL, &[2, 7], false, false)),
            NO_ADS,
            &[
                TcfNoVendor,
                TcfNoPurpose7,
                TcfNoPurpose2,
                TcfNoPersonalization,
            ],
        ),
        row(
            "purpose 7 by LI",
            with_tcf(tcf(&without(ALL, &[7]), &[7], true, true)),
            ALLOWED,
            &[],
        ),
        row(
            "purpose 7 by consent",
            with_tcf(tcf(ALL, &[], true, false)),
            ALLOWED,
            &[],
        ),
        row(
            "purpose 7 by LI, vendor has no LI",
            with_tcf(tcf(&without(ALL, &[7]), &[7], true, false)),
            REFUSED,
            &[TcfNoPurpose7],
        ),
        row(
            "purpose 7 neither",
            with_tcf(tcf(&without(ALL, &[7]), &[], true, true)),
            REFUSED,
            &[TcfNoPurpose7],
        ),
        row(
            "purpose 3 missing",
            with_tcf(tcf(&without(ALL, &[3]), &[], true, false)),
            NON_PERSONALIZED,
            &[TcfNoPersonalization],
        ),
        row(
            "purpose 4 missing",
            with_tcf(tcf(&without(ALL, &[4]), &[], true, false)),
            NON_PERSONALIZED,
            &[TcfNoPersonalization],
        ),
        row(
            "purpose 3 and 4 by LI only (not a basis for them)",
            with_tcf(tcf(&without(ALL, &[3, 4]), &[3, 4], true, true)),
            NON_PERSONALIZED,
            &[TcfNoPersonalization],
        ),
        row(
            "purpose 2 missing, consent and LI",
            with_tcf(tcf(&without(ALL, &[2]), &[], true, true)),
            NO_ADS,
            &[TcfNoPurpose2],
        ),
        row(
            "purpose 2 by LI",
            with_tcf(tcf(&without(ALL, &[2]), &[2], true, true)),
            ALLOWED,
            &[],
        ),
        row(
            "purpose 2 by LI, vendor has no LI",
            with_tcf(tcf(&without(ALL, &[2]), &[2], true, false)),
            NO_ADS,
            &[TcfNoPurpose2],
        ),
        row(
            "tcf pending",
            Signals {
                tcf: Answer::Pending,
                ..clear()
            },
            REFUSED,
            &[TcfPending],
        ),
        row(
            "tcf timed out",
            Signals {
                tcf: Answer::TimedOut,
                ..clear()
            },
            REFUSED,
            &[TcfTimeout],
        ),
        row(
            "tcf pending, no vendor id",
            Signals {
                tcf: Answer::Pending,
                tcf_vendor_id: None,
                ..clear()
            },
            REFUSED,
            &[TcfPending],
        ),
        row(
            "gdpr does not apply",
            applies(Some(false), TcfData::default()),
            ALLOWED,
            &[],
        ),
        row(
            "gdpr unknown counts as applying",
            applies(None, TcfData::default()),
            NO_ADS,
            &[
                TcfNoPurpose1,
                TcfNoPurpose7,
                TcfNoPurpose2,
                TcfNoPersonalization,
            ],
        ),
        row(
            "gdpr unknown, all granted",
            applies(None, tcf(ALL, &[], true, false)),
            ALLOWED,
            &[],
        ),
        row(
            "tcf allows, gpc refuses",
            Signals {
                gpc: true,
                ..with_tcf(tcf(ALL, &[], true, false))
            },
            REFUSED,
            &[Gpc],
        ),
        row(
            "tcf allows, usp refuses",
            Signals {
                usp: Answer::Ready("1YYN".into()),
                ..with_tcf(tcf(ALL, &[], true, false))
            },
            REFUSED,
            &[UspOptOut],
        ),
        row(
            "non-personalized and gpp opt-out",
            Signals {
                gpp: Answer::Ready(usnat(|s| s.sale_opt_out = 1)),
                ..with_tcf(tcf(&without(ALL, &[3]), &[], true, false))
            },
            REFUSED,
            &[TcfNoPersonalization, GppOptOut],
        ),
    ]);
}

/// TCF publisher restrictions for our vendor, through the decision: the purpose a
/// restriction takes away is reported as missing, with `tcf-restricted` beside it.
#[test]
fn tcf_restrictions() {
    use Restriction::*;
    let r = |mut data: TcfData, restrictions: &[(u32, Restriction)]| {
        for &(purpose, r) in restrictions {
            data.restrict(purpose, r);
        }
        with_tcf(data)
    };
    let all = || tcf(ALL, ALL, true, true);
    let li_for_2_7 = || tcf(&without(ALL, &[2, 7]), &[2, 7], true, true);
    check(vec![
        row("no restriction", r(all(), &[]), ALLOWED, &[]),
        row(
            "purpose 1 not allowed",
            r(all(), &[(1, NotAllowed)]),
            REFUSED,
            &[TcfRestricted, TcfNoPurpose1],
        ),
        row(
            "purpose 1 require LI: storage is consent-only",
            r(all(), &[(1, RequireLi)]),
            REFUSED,
            &[TcfRestricted, TcfNoPurpose1],
        ),
        row(
            "purpose 1 require consent, consent given",
            r(all(), &[(1, RequireConsent)]),
            ALLOWED,
            &[],
        ),
        row(
            "purpose 2 not allowed: no ads",
            r(all(), &[(2, NotAllowed)]),
            NO_ADS,
            &[TcfRestricted, TcfNoPurpose2],
        ),
        row(
            "purpose 2 require consent, LI only",
            r(li_for_2_7(), &[(2, RequireConsent)]),
            NO_ADS,
            &[TcfRestricted, TcfNoPurpose2],
        ),
        row(
            "purpose 2 require LI, LI given",
            r(li_for_2_7(), &[(2, RequireLi)]),
            ALLOWED,
            &[],
        ),
        row(
            "purpose 2 require LI, consent only",
            r(tcf(ALL, &[], true, false), &[(2, RequireLi)]),
            NO_ADS,
            &[TcfRestricted, TcfNoPurpose2],
        ),
        row(
            "purpose 7 not allowed",
            r(all(), &[(7, NotAllowed)]),
            REFUSED,
            &[TcfRestricted, TcfNoPurpose7],
        ),
        row(
            "purpose 7 require consent, LI only",
            r(li_for_2_7(), &[(7, RequireConsent)]),
            REFUSED,
            &[TcfRestricted, TcfNoPurpose7],
        ),
        row(
            "purpose 3 not allowed: measurement stays, non-personalized",
            r(all(), &[(3, NotAllowed)]),
            NON_PERSONALIZED,
            &[TcfRestricted, TcfNoPersonalization],
        ),
        row(
            "purpose 4 require LI: consent-only",
            r(all(), &[(4, RequireLi)]),
            NON_PERSONALIZED,
            &[TcfRestricted, TcfNoPersonalization],
        ),
        row(
            "purposes the tag does not use",
            r(all(), &[(5, NotAllowed), (6, NotAllowed), (10, NotAllowed)]),
            ALLOWED,
            &[],
        ),
        row(
            "restricted but refused anyway: no tcf-restricted",
            r(
                tcf(&without(ALL, &[1]), &[], true, false),
                &[(1, NotAllowed)],
            ),
            REFUSED,
            &[TcfNoPurpose1],
        ),
        row(
            "purpose 1 restricted and vendor without consent",
            r(tcf(ALL, &[], false, false), &[(1, NotAllowed)]),
            NO_ADS,
            &[
                TcfNoPurpose1,
                TcfNoPurpose7,
                TcfNoPurpose2,
                TcfNoPersonalization,
            ],
        ),
        row(
            "gdpr does not apply: restrictions neither",
            r(
                TcfData {
                    gdpr_applies: Some(false),
                    ..TcfData::default()
                },
                &[(1, NotAllowed), (2, NotAllowed)],
            ),
            ALLOWED,
            &[],
        ),
    ]);
}

/// A GPP answer whose only applicable section is `tcfeuv2` (2), read as this TCF data.
fn gpp_tcf(data: Option<TcfData>) -> GppData {
    GppData {
        gpp_string: "DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA".into(),
        applicable_sections: vec![2],
        tcf: data,
        ..GppData::default()
    }
}

/// A GPP answer whose only applicable section is `uspv1` (6), read as this string.
fn gpp_usp(usp: Option<&str>) -> GppData {
    GppData {
        gpp_string: "DBABTA~1YYN".into(),
        applicable_sections: vec![6],
        usp: usp.map(String::from),
        ..GppData::default()
    }
}

/// GPP's `tcfeuv2` and `uspv1` sections stand in for `__tcfapi` and `__uspapi` where the
/// page has none; where it has them, the page's own platform rules.
#[test]
fn gpp_tcf_and_usp_sections() {
    let refusing = || tcf(&without(ALL, &[1, 2]), &[], true, false);
    let allowing = || TcfData {
        gdpr_applies: None,
        ..tcf(ALL, &[], true, false)
    };
    check(vec![
        row(
            "no __tcfapi, gpp tcfeuv2 allows",
            with_gpp(gpp_tcf(Some(allowing()))),
            ALLOWED,
            &[],
        ),
        row(
            "no __tcfapi, gpp tcfeuv2 refuses",
            with_gpp(gpp_tcf(Some(refusing()))),
            NO_ADS,
            &[TcfNoPurpose1, TcfNoPurpose2],
        ),
        row(
            "no __tcfapi, gpp tcfeuv2 says gdpr does not apply: the section applies anyway",
            with_gpp(gpp_tcf(Some(TcfData {
                gdpr_applies: Some(false),
                ..refusing()
            }))),
            NO_ADS,
            &[TcfNoPurpose1, TcfNoPurpose2],
        ),
        row(
            "no __tcfapi, gpp tcfeuv2 restricted by the publisher",
            with_gpp(gpp_tcf(Some({
                let mut d = allowing();
                d.restrict(7, Restriction::NotAllowed);
                d
            }))),
            REFUSED,
            &[TcfRestricted, TcfNoPurpose7],
        ),
        row(
            "no __tcfapi, gpp tcfeuv2 unreadable",
            with_gpp(gpp_tcf(None)),
            REFUSED,
            &[GppOptOut],
        ),
        row(
            "no __tcfapi, gpp tcfeuv2 allows, no vendor id",
            Signals {
                tcf_vendor_id: None,
                ..with_gpp(gpp_tcf(Some(allowing())))
            },
            REFUSED,
            &[TcfNoVendorId],
        ),
        row(
            "gpp tcfeuv2 refuses but is not applicable",
            with_gpp(GppData {
                applicable_sections: vec![-1],
                ..gpp_tcf(Some(refusing()))
            }),
            ALLOWED,
            &[],
        ),
        row(
            "__tcfapi allows, gpp tcfeuv2 refuses: __tcfapi rules",
            Signals {
                gpp: Answer::Ready(gpp_tcf(Some(refusing()))),
                ..with_tcf(tcf(ALL, &[], true, false))
            },
            ALLOWED,
            &[],
        ),
        row(
            "__tcfapi allows, gpp tcfeuv2 unreadable: __tcfapi rules",
            Signals {
                gpp: Answer::Ready(gpp_tcf(None)),
                ..with_tcf(tcf(ALL, &[], true, false))
            },
            ALLOWED,
            &[],
        ),
        row(
            "__tcfapi pending, gpp tcfeuv2 allows: still pending",
            Signals {
                tcf: Answer::Pending,
                ..with_gpp(gpp_tcf(Some(allowing())))
            },
            REFUSED,
            &[TcfPending],
        ),
        row(
            "no __uspapi, gpp uspv1 opted out",
            with_gpp(gpp_usp(Some("1YYN"))),
            REFUSED,
            &[UspOptOut],
        ),
        row(
            "no __uspapi, gpp uspv1 not opted out",
            with_gpp(gpp_usp(Some("1YNN"))),
            ALLOWED,
            &[],
        ),
        row(
            "no __uspapi, gpp uspv1 malformed",
            with_gpp(gpp_usp(Some("bogus"))),
            REFUSED,
            &[UspOptOut],
        ),
        row(
            "no __uspapi, gpp uspv1 unreadable",
            with_gpp(gpp_usp(None)),
            REFUSED,
            &[GppOptOut],
        ),
        row(
            "gpp uspv1 opted out but not applicable",
            with_gpp(GppData {
                applicable_sections: vec![-1],
                ..gpp_usp(Some("1YYN"))
            }),
            ALLOWED,
            &[],
        ),
        row(
            "__uspapi not opted out, gpp uspv1 opted out: __uspapi rules",
            Signals {
                usp: Answer::Ready("1YNN".into()),
                ..with_gpp(gpp_usp(Some("1YYN")))
            },
            ALLOWED,
            &[],
        ),
        row(
            "__uspapi timed out, gpp uspv1 not opted out: still timed out",
            Signals {
                usp: Answer::TimedOut,
                ..with_gpp(gpp_usp(Some("1YNN")))
            },
            REFUSED,
            &[UspTimeout],
        ),
        row(
            "gpp tcfeuv2 and uspv1 both refuse",
            with_gpp(GppData {
                applicable_sections: vec![2, 6],
                usp: Some("1YYN".into()),
                ..gpp_tcf(Some(refusing()))
            }),
            NO_ADS,
            &[TcfNoPurpose1, TcfNoPurpose2, UspOptOut],
        ),
    ]);
}

#[test]
fn gpp_rules() {
    let not_applicable = GppData {
        applicable_sections: vec![-1],
        ..usnat(|s| s.sale_opt_out = 1)
    };
    let tcf_section_only = GppData {
        applicable_sections: vec![2],
        ..usnat(|s| s.gpc = true)
    };
    let unreadable = GppData {
        us_sections: vec![],
        ..usnat(|_| {})
    };
    check(vec![
        row("usnat, no opt-out", with_gpp(usnat(|_| {})), ALLOWED, &[]),
        row(
            "usnat, all n/a",
            with_gpp(usnat(|s| {
                s.sale_opt_out = 0;
                s.sharing_opt_out = 0;
                s.targeted_advertising_opt_out = 0;
            })),
            ALLOWED,
            &[],
        ),
        row(
            "usnat sale opt-out",
            with_gpp(usnat(|s| s.sale_opt_out = 1)),
            REFUSED,
            &[GppOptOut],
        ),
        row(
            "usnat sharing opt-out",
            with_gpp(usnat(|s| s.sharing_opt_out = 1)),
            REFUSED,
            &[GppOptOut],
        ),
        row(
            "usnat targeted ads opt-out",
            with_gpp(usnat(|s| s.targeted_advertising_opt_out = 1)),
            REFUSED,
            &[GppOptOut],
        ),
        row(
            "usnat gpc",
            with_gpp(usnat(|s| s.gpc = true)),
            REFUSED,
            &[GppOptOut],
        ),
        row(
            "usnat known child",
            with_gpp(usnat(|s| s.known_child = vec![0, 2])),
            REFUSED,
            &[GppOptOut],
        ),
        row(
            "section not applicable",
            with_gpp(not_applicable),
            ALLOWED,
            &[],
        ),
        row(
            "tcfeuv2 applies but could not be read: fail closed",
            with_gpp(tcf_section_only),
            REFUSED,
            &[GppOptOut],
        ),
        row(
            "applicable section unreadable",
            with_gpp(unreadable),
            REFUSED,
            &[GppOptOut],
        ),
        row(
            "gpp pending",
            Signals {
                gpp: Answer::Pending,
                ..clear()
            },
            REFUSED,
            &[GppPending],
        ),
        row(
            "gpp timed out",
            Signals {
                gpp: Answer::TimedOut,
                ..clear()
            },
            REFUSED,
            &[GppTimeout],
        ),
    ]);
}

#[test]
fn usp_rules() {
    check(vec![
        row(
            "1YYN: opted out of sale",
            with_usp("1YYN"),
            REFUSED,
            &[UspOptOut],
        ),
        row(
            "1NYN: opted out of sale",
            with_usp("1NYN"),
            REFUSED,
            &[UspOptOut],
        ),
        row("1YNN: not opted out", with_usp("1YNN"), ALLOWED, &[]),
        row("1YNY: not opted out", with_usp("1YNY"), ALLOWED, &[]),
        row("1---: not applicable", with_usp("1---"), ALLOWED, &[]),
        row("garbage", with_usp("hello"), REFUSED, &[UspOptOut]),
        row("empty", with_usp(""), REFUSED, &[UspOptOut]),
        row("version 2", with_usp("2YNN"), REFUSED, &[UspOptOut]),
        row(
            "usp pending",
            Signals {
                usp: Answer::Pending,
                ..clear()
            },
            REFUSED,
            &[UspPending],
        ),
        row(
            "usp timed out",
            Signals {
                usp: Answer::TimedOut,
                ..clear()
            },
            REFUSED,
            &[UspTimeout],
        ),
    ]);
}

#[test]
fn reason_names() {
    let all = [
        (OptOutCookie, "opt-out-cookie"),
        (ChildDirectedFlag, "child-directed-flag"),
        (ChildDirectedList, "child-directed-list"),
        (
            ChildDirectedListUnavailable,
            "child-directed-list-unavailable",
        ),
        (Gpc, "gpc"),
        (TcfPending, "tcf-pending"),
        (TcfTimeout, "tcf-timeout"),
        (TcfNoVendorId, "tcf-no-vendor-id"),
        (TcfRestricted, "tcf-restricted"),
        (TcfNoPurpose1, "tcf-no-purpose-1"),
        (TcfNoVendor, "tcf-no-vendor"),
        (TcfNoPurpose7, "tcf-no-purpose-7"),
        (TcfNoPurpose2, "tcf-no-purpose-2"),
        (TcfNoPersonalization, "tcf-no-personalization"),
        (GppPending, "gpp-pending"),
        (GppTimeout, "gpp-timeout"),
        (GppOptOut, "gpp-opt-out"),
        (UspPending, "usp-pending"),
        (UspTimeout, "usp-timeout"),
        (UspOptOut, "usp-opt-out"),
    ];
    for (reason, name) in all {
        assert_eq!(reason.as_str(), name);
    }
    // Listed in `Reason` order.
    assert!(all.windows(2).all(|w| w[0].0 < w[1].0));
}

// ---- property: whatever the signals, any "no" closes collection ----

fn answer<T: core::fmt::Debug + Clone>(
    ready: impl Strategy<Value = T>,
) -> impl Strategy<Value = Answer<T>> {
    prop_oneof![
        Just(Answer::Absent),
        Just(Answer::Pending),
        Just(Answer::TimedOut),
        ready.prop_map(Answer::Ready),
    ]
}

fn tcf_data() -> impl Strategy<Value = TcfData> {
    (
        prop::option::of(any::<bool>()),
        any::<u32>(),
        any::<u32>(),
        prop::collection::vec(0u32..4, 0..4),
        prop::collection::vec(0u32..4, 0..4),
        prop::collection::vec((0u32..12, restriction()), 0..3),
    )
        .prop_map(
            |(
                gdpr_applies,
                purpose_consents,
                purpose_li,
                vendor_consents,
                vendor_li,
                restrictions,
            )| TcfData {
                gdpr_applies,
                tc_string: String::new(),
                purpose_consents,
                purpose_li,
                vendor_consents,
                vendor_li,
                restrictions: {
                    let mut d = TcfData::default();
                    for (purpose, r) in restrictions {
                        d.restrict(purpose, r);
                    }
                    d.restrictions
                },
            },
        )
}

fn restriction() -> impl Strategy<Value = Restriction> {
    prop_oneof![
        Just(Restriction::NotAllowed),
        Just(Restriction::RequireConsent),
        Just(Restriction::RequireLi),
    ]
}

fn gpp_data() -> impl Strategy<Value = GppData> {
    let section = (
        5u16..24,
        0u8..4,
        0u8..4,
        0u8..4,
        any::<bool>(),
        prop::collection::vec(0u8..3, 0..3),
    )
        .prop_map(
            |(id, sale, sharing, targeted, gpc, known_child)| UsSection {
                id,
                sale_opt_out: sale,
                sharing_opt_out: sharing,
                targeted_advertising_opt_out: targeted,
                gpc,
                known_child,
            },
        );
    (
        // 2 (tcfeuv2) and 6 (uspv1) often, beside the US sections.
        prop::collection::vec(prop_oneof![Just(2), Just(6), -1i32..24], 0..3),
        prop::collection::vec(section, 0..3),
        prop::option::of(tcf_data()),
        prop::option::of(prop_oneof!["1[YN-]{3}", ".{0,6}"]),
    )
        .prop_map(|(applicable_sections, us_sections, tcf, usp)| GppData {
            gpp_string: String::new(),
            applicable_sections,
            us_sections,
            tcf,
            usp,
        })
}

fn list_state() -> impl Strategy<Value = ListState> {
    prop_oneof![
        Just(ListState::Listed),
        Just(ListState::NotListed),
        Just(ListState::Failed),
        Just(ListState::TimedOut),
        Just(ListState::Pending),
    ]
}

fn signals() -> impl Strategy<Value = Signals> {
    (
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            list_state(),
            any::<bool>(),
        ),
        answer(tcf_data()),
        prop::option::of(0u32..4),
        answer(gpp_data()),
        answer(prop_oneof!["1[YN-]{3}", ".{0,6}"]),
    )
        .prop_map(
            |(
                (opt_out_cookie, child_flag, child_meta, site_list, gpc),
                tcf,
                tcf_vendor_id,
                gpp,
                usp,
            )| {
                Signals {
                    opt_out_cookie,
                    child_flag,
                    child_meta,
                    site_list,
                    gpc,
                    tcf,
                    tcf_vendor_id,
                    gpp,
                    usp,
                }
            },
        )
}

fn unanswered<T>(a: &Answer<T>) -> bool {
    matches!(a, Answer::Pending | Answer::TimedOut)
}

/// GPP's tcfeuv2 / uspv1 section counts (the page has no platform of that kind, the
/// section is applicable), and what it says.
fn gpp_section<'a, T>(
    s: &'a Signals,
    own: &Answer<T>,
    id: i32,
    f: fn(&'a GppData) -> Option<&'a T>,
) -> Option<Option<&'a T>> {
    match (own, &s.gpp) {
        (Answer::Absent, Answer::Ready(g)) if g.applicable_sections.contains(&id) => Some(f(g)),
        _ => None,
    }
}

proptest! {
    #[test]
    fn any_no_closes_collection(s in signals()) {
        let d = decide(&s);
        let gpp_out = d.reasons.contains(&GppOptOut);
        let usp_out = d.reasons.contains(&UspOptOut);
        let gpp_tcf = gpp_section(&s, &s.tcf, 2, |g| g.tcf.as_ref());
        let gpp_usp = gpp_section(&s, &s.usp, 6, |g| g.usp.as_ref());
        if let Answer::Ready(g) = &s.gpp {
            // An applicable section standing in for an absent platform, unread: fail closed.
            let unread = gpp_tcf == Some(None) || gpp_usp == Some(None);
            prop_assert_eq!(gpp_out, adtag::core::consent::gpp_opted_out(g) || unread);
        }
        match (&s.usp, gpp_usp) {
            (Answer::Ready(u), _) | (_, Some(Some(u))) => {
                prop_assert_eq!(usp_out, adtag::core::consent::usp_opted_out(u))
            }
            _ => prop_assert!(!usp_out),
        }
        let any_no = s.opt_out_cookie
            || s.child_flag
            || s.child_meta
            || s.site_list != ListState::NotListed
            || s.gpc
            || unanswered(&s.tcf)
            || unanswered(&s.gpp)
            || unanswered(&s.usp)
            || gpp_out
            || usp_out;
        if any_no {
            prop_assert!(!d.collect && !d.cookies && !d.personalized);
        }
        if d.collect {
            prop_assert!(d.reasons.iter().all(|r| matches!(r, TcfNoPersonalization | TcfRestricted)));
        }
        // `tcf-restricted` only explains a purpose that is missing.
        if d.reasons.contains(&TcfRestricted) {
            prop_assert!(d.reasons.iter().any(|r| matches!(r, TcfNoPurpose1 | TcfNoPurpose7 | TcfNoPurpose2 | TcfNoPersonalization)));
        }
        prop_assert_eq!(d.cookies, d.collect);
        prop_assert!(!d.personalized || d.collect);
        prop_assert_eq!(d.permit().is_some(), d.collect);
        prop_assert_eq!(d.child_directed, s.child_flag || s.child_meta || s.site_list != ListState::NotListed);
        prop_assert!(d.reasons.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates");
        prop_assert_eq!(!d.ads, d.reasons.contains(&TcfNoPurpose2));
    }

    /// GPP's applicable tcfeuv2 section, on a page without `__tcfapi`, decides exactly as
    /// the same data from `__tcfapi` would (where GDPR applies); uspv1 without `__uspapi`
    /// exactly as the same string from `__uspapi`.
    #[test]
    fn gpp_sections_decide_as_their_platforms(
        base in signals(),
        g in gpp_data(),
        sections in prop::collection::vec(prop_oneof![Just(2), Just(6)], 1..3),
    ) {
        let mut g = g;
        g.applicable_sections.extend(sections);
        let s = Signals { tcf: Answer::Absent, usp: Answer::Absent, gpp: Answer::Ready(g.clone()), ..base };
        let d = decide(&s);
        let mut own = s.clone();
        if let Some(data) = g.tcf.as_ref().filter(|_| g.applicable_sections.contains(&2)) {
            own.tcf = Answer::Ready(TcfData { gdpr_applies: Some(true), ..data.clone() });
        }
        if let Some(usp) = g.usp.as_ref().filter(|_| g.applicable_sections.contains(&6)) {
            own.usp = Answer::Ready(usp.clone());
        }
        prop_assert_eq!(&decide(&own), &d);
    }

    /// Where the page has its own platform, GPP's section of that kind changes nothing.
    #[test]
    fn own_platforms_override_gpp_sections(s in signals()) {
        let Answer::Ready(g) = &s.gpp else { return Ok(()) };
        let mut other = g.clone();
        if !matches!(s.tcf, Answer::Absent) {
            other.tcf = None;
        }
        if !matches!(s.usp, Answer::Absent) {
            other.usp = None;
        }
        let without = Signals { gpp: Answer::Ready(other), ..s.clone() };
        prop_assert_eq!(decide(&without), decide(&s));
    }
}
