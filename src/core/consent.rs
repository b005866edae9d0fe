//! Consent frameworks' answers as plain data, and what each allows: IAB TCF v2.2 (with the
//! publisher's restrictions), GPP (its EU TCF, US Privacy, US national and state sections)
//! and US Privacy; and the consent parameters an ad request carries.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::ad::ConsentParams;
use crate::core::signals::{Answer, Signals};

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
    /// The publisher's restrictions for our vendor (`publisher.restrictions[purpose][vendor]`),
    /// as (purpose, restriction). Several for one purpose all apply.
    pub restrictions: Vec<(u32, Restriction)>,
}

/// A TCF publisher restriction on one purpose for one vendor (TCF policy, "publisher
/// restrictions"). Where it takes away the only basis a purpose had, the purpose counts as
/// refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restriction {
    /// Type 0: the vendor may not process the purpose at all.
    NotAllowed,
    /// Type 1: only consent counts; legitimate interest does not.
    RequireConsent,
    /// Type 2: only legitimate interest counts; consent does not. On a purpose that needs
    /// consent (1, 3, 4) nothing is left: refused.
    RequireLi,
}

impl Restriction {
    /// tcData's number for our vendor: 1 and 2 are themselves; 0, and anything else (another
    /// number, not a number: `None`), is `NotAllowed` (fail closed). Call it only for a
    /// purpose whose restrictions name our vendor: no entry means no restriction.
    pub fn from_code(code: Option<f64>) -> Restriction {
        match code {
            Some(c) if c == 1.0 => Restriction::RequireConsent,
            Some(c) if c == 2.0 => Restriction::RequireLi,
            _ => Restriction::NotAllowed,
        }
    }
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
    /// The `tcfeuv2` section (id 2) as TCF data, when the glue could read it. Counts only
    /// where the section is applicable and the page has no `__tcfapi`; then GDPR applies
    /// (whatever `gdpr_applies` says: the GPP section is the applicability).
    pub tcf: Option<TcfData>,
    /// The `uspv1` section (id 6) as a US Privacy string (`1YNN`). Counts only where the
    /// section is applicable and the page has no `__uspapi`.
    pub usp: Option<String>,
}

/// GPP section id of the EU TCF v2 section (`tcfeuv2`).
pub const GPP_TCF_EU: i32 = 2;
/// GPP section id of the US Privacy section (`uspv1`).
pub const GPP_USP: i32 = 6;

impl GppData {
    /// Section `id` is in `applicable_sections`.
    pub fn applies(&self, id: i32) -> bool {
        self.applicable_sections.contains(&id)
    }
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

    /// A restriction on purpose `n` is one of these.
    fn restricted(&self, purpose: u32, kinds: [Restriction; 2]) -> bool {
        self.restrictions
            .iter()
            .any(|&(p, r)| p == purpose && kinds.contains(&r))
    }

    /// Purpose `n`'s consent counts for us: given, and no restriction takes it away
    /// (type 0 or type 2).
    pub fn consent_counts(&self, purpose: u32) -> bool {
        self.consent(purpose)
            && !self.restricted(purpose, [Restriction::NotAllowed, Restriction::RequireLi])
    }

    /// Purpose `n`'s legitimate interest counts for us: established, and no restriction
    /// takes it away (type 0 or type 1).
    pub fn li_counts(&self, purpose: u32) -> bool {
        self.li(purpose)
            && !self.restricted(
                purpose,
                [Restriction::NotAllowed, Restriction::RequireConsent],
            )
    }

    /// Purpose `n` has consent that counts, and the vendor has consent.
    pub fn consented(&self, purpose: u32, vendor_id: u32) -> bool {
        self.consent_counts(purpose) && self.vendor_consents.contains(&vendor_id)
    }

    /// Purpose `n` has a legal basis for the vendor: consent for both, or legitimate
    /// interest for both (TCF pairs the purpose's basis with the vendor's), as far as the
    /// publisher's restrictions let either count.
    pub fn has_basis(&self, purpose: u32, vendor_id: u32) -> bool {
        self.consented(purpose, vendor_id)
            || (self.li_counts(purpose) && self.vendor_li.contains(&vendor_id))
    }

    /// A publisher restriction took away the basis one of the purposes the decision uses
    /// had (consent-only 1, 3, 4; consent or LI 2, 7): without it, that purpose would count.
    pub fn restriction_refuses(&self, vendor_id: u32) -> bool {
        let vc = self.vendor_consents.contains(&vendor_id);
        let vli = self.vendor_li.contains(&vendor_id);
        let consent_only = [1, 3, 4]
            .iter()
            .any(|&p| self.consent(p) && vc && !self.consented(p, vendor_id));
        let flexible = [2, 7].iter().any(|&p| {
            ((self.consent(p) && vc) || (self.li(p) && vli)) && !self.has_basis(p, vendor_id)
        });
        consent_only || flexible
    }
}

/// With `gdpr_applies == Some(false)` TCF does not restrict: everything is allowed. Unknown
/// (`None`) counts as applying. Publisher restrictions for the vendor apply.
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

/// What goes on an ad request, from what the platforms said:
/// - `gdpr`: from TCF (`1` unless it says GDPR does not apply). TCF pending or timed out
///   is `1` without a consent string: GDPR may apply, and an absent `gdpr` reads as "does
///   not apply". Without `__tcfapi`, GPP decides: its `tcfeuv2` section applicable is `1`
///   (with that section's TC string as `gdpr_consent` when the glue could read it), and GPP
///   pending or timed out is `1` too (it might have said so).
/// - `gpp`, `gpp_sid` (the applicable section ids, comma-separated), once GPP answered.
/// - `us_privacy`: from `__uspapi`; without it, GPP's `uspv1` section when applicable.
///
/// Empty strings are left out.
pub fn ad_params(signals: &Signals) -> ConsentParams {
    let mut p = ConsentParams::default();
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let gpp = match &signals.gpp {
        Answer::Ready(g) => Some(g),
        _ => None,
    };
    match &signals.tcf {
        Answer::Ready(d) => {
            p.gdpr = Some(d.gdpr_applies != Some(false));
            p.gdpr_consent = some(&d.tc_string);
        }
        Answer::Pending | Answer::TimedOut => p.gdpr = Some(true),
        Answer::Absent => match &signals.gpp {
            Answer::Ready(g) if g.applies(GPP_TCF_EU) => {
                p.gdpr = Some(true);
                p.gdpr_consent = g.tcf.as_ref().and_then(|d| some(&d.tc_string));
            }
            Answer::Pending | Answer::TimedOut => p.gdpr = Some(true),
            Answer::Ready(_) | Answer::Absent => {}
        },
    }
    if let Some(g) = gpp {
        p.gpp = some(&g.gpp_string);
        let mut sid = String::new();
        for id in g.applicable_sections.iter().filter(|&&id| id > 0) {
            if !sid.is_empty() {
                sid.push(',');
            }
            crate::core::events::push_u64(&mut sid, id.unsigned_abs().into());
        }
        p.gpp_sid = some(&sid);
    }
    p.us_privacy = match (&signals.usp, gpp) {
        (Answer::Ready(u), _) => Some(u.clone()),
        (Answer::Absent, Some(g)) if g.applies(GPP_USP) => g.usp.clone(),
        _ => None,
    };
    p
}
