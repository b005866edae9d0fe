//! Consent frameworks' answers as plain data, and what each allows: IAB TCF v2.2, GPP
//! (US national and state sections) and US Privacy.

#[allow(unused_imports)]
use crate::prelude::*;

/// From `__tcfapi('addEventListener')`'s tcData once `eventStatus` is `tcloaded` or
/// `useractioncomplete` (`cmpuishown` is `Answer::Pending`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TcfData {
    /// `Some(false)`: GDPR does not apply, TCF does not restrict.
    pub gdpr_applies: Option<bool>,
    pub tc_string: String,
    /// Bit n set = consent for purpose n (1..=11).
    pub purpose_consents: u32,
    /// Bit n set = legitimate interest established for purpose n.
    pub purpose_li: u32,
    /// Vendor ids with consent / with legitimate interest.
    pub vendor_consents: Vec<u32>,
    pub vendor_li: Vec<u32>,
}

/// One applicable US section of a GPP string, as `__gpp`'s parsed sections give it.
/// Opt-out fields use the US national encoding: 0 not applicable, 1 opted out, 2 did not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsSection {
    /// GPP section id: 7 = usnat, 8..=27 the US state sections (GPP 3.2).
    pub id: u16,
    pub sale_opt_out: u8,
    pub sharing_opt_out: u8,
    pub targeted_advertising_opt_out: u8,
    pub gpc: bool,
    /// KnownChildSensitiveDataConsents: any non-zero entry means a known child.
    pub known_child: Vec<u8>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GppData {
    pub gpp_string: String,
    /// `applicableSections`, e.g. `[7]`; `[-1]` or `[]` means none apply.
    pub applicable_sections: Vec<i32>,
    pub us_sections: Vec<UsSection>,
}

/// What TCF allows for one vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcfAllows {
    /// Purpose 1 consent + vendor consent.
    pub cookies: bool,
    /// Purpose 7 (consent or LI) + vendor, and `cookies` (beacons carry the identifiers).
    pub beacons: bool,
    /// Purposes 3 and 4 consent + vendor consent.
    pub personalized: bool,
    /// Purpose 2 has a legal basis (consent or LI) + vendor.
    pub ads: bool,
}

/// The bit for purpose `n` in `purpose_consents` / `purpose_li`: `1 << n` (bit 0 unused);
/// 0 for a purpose number that does not fit.
pub const fn purpose_bit(n: u32) -> u32 {
    match 1u32.checked_shl(n) {
        Some(bit) => bit,
        None => 0,
    }
}

impl TcfData {
    /// Purpose `n` has consent.
    pub fn consent(&self, purpose: u32) -> bool {
        self.purpose_consents & purpose_bit(purpose) != 0
    }

    /// Purpose `n` has a legitimate interest established.
    pub fn li(&self, purpose: u32) -> bool {
        self.purpose_li & purpose_bit(purpose) != 0
    }

    /// Purpose `n` has consent, and so has the vendor.
    pub fn consented(&self, purpose: u32, vendor_id: u32) -> bool {
        self.consent(purpose) && self.vendor_consents.contains(&vendor_id)
    }

    /// Purpose `n` has a legal basis for the vendor: consent for both, or legitimate
    /// interest for both (TCF pairs the purpose's basis with the vendor's).
    pub fn has_basis(&self, purpose: u32, vendor_id: u32) -> bool {
        self.consented(purpose, vendor_id)
            || (self.li(purpose) && self.vendor_li.contains(&vendor_id))
    }
}

/// With `gdpr_applies == Some(false)` TCF does not restrict: everything is allowed. Unknown
/// (`None`) counts as applying.
pub fn tcf_allows(data: &TcfData, vendor_id: u32) -> TcfAllows {
    if data.gdpr_applies == Some(false) {
        return TcfAllows {
            cookies: true,
            beacons: true,
            personalized: true,
            ads: true,
        };
    }
    let cookies = data.consented(1, vendor_id);
    TcfAllows {
        cookies,
        beacons: cookies && data.has_basis(7, vendor_id),
        personalized: data.consented(3, vendor_id) && data.consented(4, vendor_id),
        ads: data.has_basis(2, vendor_id),
    }
}

/// GPP section ids of the US national and state sections.
const US_SECTIONS: core::ops::RangeInclusive<i32> = 7..=27;

/// Any applicable US section says opted out (sale, sharing, targeted ads), GPC, or known child.
///
/// Only sections in `applicable_sections` count. Fail closed: an opt-out field other than
/// 0 (not applicable) or 2 (did not opt out) counts as opted out, and an applicable US
/// section (7..=27) missing from `us_sections` counts as opted out.
pub fn gpp_opted_out(data: &GppData) -> bool {
    let applies = |id: i32| data.applicable_sections.contains(&id);
    let opted = |v: u8| v != 0 && v != 2;
    let section_says_no = data
        .us_sections
        .iter()
        .filter(|s| applies(i32::from(s.id)))
        .any(|s| {
            opted(s.sale_opt_out)
                || opted(s.sharing_opt_out)
                || opted(s.targeted_advertising_opt_out)
                || s.gpc
                || s.known_child.iter().any(|&c| c != 0)
        });
    let section_missing = data.applicable_sections.iter().any(|&id| {
        US_SECTIONS.contains(&id) && !data.us_sections.iter().any(|s| i32::from(s.id) == id)
    });
    section_says_no || section_missing
}

/// US Privacy string: version `1`, third character `Y` = opted out of sale. A malformed
/// string counts as opted out (fail closed); `1---` is "not applicable".
///
/// Well formed: exactly `1` and three of `Y`, `N`, `-` (either case).
pub fn usp_opted_out(usp: &str) -> bool {
    let flag = |b: u8| matches!(b.to_ascii_uppercase(), b'Y' | b'N' | b'-');
    match *usp.as_bytes() {
        [b'1', notice, sale, lspa] if flag(notice) && flag(sale) && flag(lspa) => {
            sale.eq_ignore_ascii_case(&b'Y')
        }
        _ => true,
    }
}
