//! Consent data as the page's platforms answer it: a US Privacy string (the whole input
//! when it starts with `1`), otherwise TCF and GPP answers built from the bytes. Whatever
//! the answer, a vendor without consent never gets cookies, and any applicable US section
//! that says no (or is missing) is an opt-out.
#![no_main]

use adtag::core::consent::{GppData, TcfData, UsSection, gpp_opted_out, tcf_allows, usp_opted_out};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const VENDOR: u32 = 755;

fn tcf(u: &mut Unstructured) -> Result<TcfData> {
    // Small vendor ids, so that ours is sometimes among them.
    let vendors = |u: &mut Unstructured| -> Result<Vec<u32>> {
        let n = u.int_in_range(0..=6)?;
        (0..n).map(|_| Ok(if u.arbitrary()? { VENDOR } else { u.int_in_range(0..=2000)? })).collect()
    };
    Ok(TcfData {
        gdpr_applies: u.arbitrary()?,
        tc_string: u.arbitrary()?,
        purpose_consents: u.arbitrary()?,
        purpose_li: u.arbitrary()?,
        vendor_consents: vendors(u)?,
        vendor_li: vendors(u)?,
        ..TcfData::default()
    })
}

fn gpp(u: &mut Unstructured) -> Result<GppData> {
    let n = u.int_in_range(0..=4)?;
    let applicable_sections = (0..n).map(|_| u.int_in_range(-2..=30)).collect::<Result<_>>()?;
    let n = u.int_in_range(0..=4)?;
    let us_sections = (0..n)
        .map(|_| {
            Ok(UsSection {
                id: u.int_in_range(0..=30)?,
                sale_opt_out: u.int_in_range(0..=3)?,
                sharing_opt_out: u.int_in_range(0..=3)?,
                targeted_advertising_opt_out: u.int_in_range(0..=3)?,
                gpc: u.arbitrary()?,
                known_child: u.arbitrary()?,
                ..UsSection::default()
            })
        })
        .collect::<Result<_>>()?;
    Ok(GppData { gpp_string: u.arbitrary()?, applicable_sections, us_sections, ..GppData::default() })
}

fuzz_target!(|data: &[u8]| {
    if let Some(b'1') = data.first() {
        let Ok(usp) = std::str::from_utf8(data) else { return };
        // Fail closed: only a well-formed string whose sale flag is N or - allows.
        if !usp_opted_out(usp) {
            let b = usp.as_bytes();
            assert!(b.len() == 4 && b"NnYy-".contains(&b[1]) && b"Nn-".contains(&b[2]), "{usp:?}");
            assert!(b"NnYy-".contains(&b[3]), "{usp:?}");
        }
        return;
    }

    let mut u = Unstructured::new(data);
    let (Ok(t), Ok(g)) = (tcf(&mut u), gpp(&mut u)) else { return };
    let allows = tcf_allows(&t, VENDOR);
    if t.gdpr_applies != Some(false) {
        let consented = |p: u32| t.purpose_consents & (1 << p) != 0 && t.vendor_consents.contains(&VENDOR);
        assert_eq!(allows.cookies, consented(1), "{t:?}");
        assert_eq!(allows.personalized, consented(3) && consented(4), "{t:?}");
    }
    assert!(!allows.beacons || allows.cookies, "{t:?}");

    let applies = |id: u16| g.applicable_sections.contains(&i32::from(id));
    let says_no = g.us_sections.iter().filter(|s| applies(s.id)).any(|s| {
        s.gpc || s.sale_opt_out % 2 == 1 || s.targeted_advertising_opt_out % 2 == 1 || s.known_child.iter().any(|&c| c != 0)
    });
    let missing = g.applicable_sections.iter().any(|&id| (7..=27).contains(&id) && !g.us_sections.iter().any(|s| i32::from(s.id) == id));
    if says_no || missing {
        assert!(gpp_opted_out(&g), "{g:?}");
    }
});
