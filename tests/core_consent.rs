#![cfg(not(target_arch = "wasm32"))]
//! What each consent framework's answer allows, as tables.

use adtag::core::consent::{
    GppData, TcfAllows, TcfData, UsSection, gpp_opted_out, purpose_bit, tcf_allows, usp_opted_out,
};

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
    }
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
    }
}

#[test]
fn gpp_table() {
    let ok = |id| section(id, 2, 2, 2, false, &[0, 0]);
    let rows: Vec<(&str, GppData, bool)> = vec![
        ("nothing applies, no sections", gpp(&[], vec![]), false),
        ("-1: nothing applies", gpp(&[-1], vec![]), false),
        ("usnat, did not opt out", gpp(&[7], vec![ok(7)]), false),
        ("usri (27, GPP 3.2) applies, unread: fail closed", gpp(&[27], vec![]), true),
        ("usri (27) did not opt out", gpp(&[27], vec![ok(27)]), false),
        ("28 is no US section: unread does not refuse", gpp(&[28], vec![]), false),
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
