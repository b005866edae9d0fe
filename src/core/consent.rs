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
    /// by type: bit n of `restrictions[t]` (as in `purpose_bit`) = type t on purpose n
    /// (`Restriction as usize`). Several for one purpose all apply. Set through `restrict`.
    pub restrictions: [u32; 3],
}

/// A TCF publisher restriction on one purpose for one vendor (TCF policy, "publisher
/// restrictions"). Where it takes away the only basis a purpose had, the purpose counts as
/// refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restriction {
    /// Type 0: the vendor may not process the purpose at all.
    NotAllowed = 0,
    /// Type 1: only consent counts; legitimate interest does not.
    RequireConsent = 1,
    /// Type 2: only legitimate interest counts; consent does not. On a purpose that needs
    /// consent (1, 3, 4) nothing is left: refused.
    RequireLi = 2,
}

impl Restriction {
    /// tcData's number for our vendor: 1 and 2 are themselves; 0, and anything else (another
    /// number, not a number: `None`), is `NotAllowed` (fail closed). Call it only for a
    /// purpose whose restrictions name our vendor: no entry means no restriction.
    pub fn from_code(code: Option<f64>) -> Restriction {
        match code {
            Some(1.0) => Restriction::RequireConsent,
            Some(2.0) => Restriction::RequireLi,
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

    /// Records the publisher's restriction `r` on `purpose` for our vendor. (Purpose 0 sets
    /// the unused bit 0; a purpose above 31 has no bit: both change nothing.)
    pub fn restrict(&mut self, purpose: u32, r: Restriction) {
        if let Some(mask) = self.restrictions.get_mut(r as usize) {
            *mask |= purpose_bit(purpose);
        }
    }

    /// Purpose `n`'s consent counts for us: given, and no restriction takes it away
    /// (type 0 or type 2).
    pub fn consent_counts(&self, purpose: u32) -> bool {
        self.by_consent(true) & purpose_bit(purpose) != 0
    }

    /// Purposes whose consent counts (a `purpose_bit` mask), the vendor's consent aside;
    /// with `restricted`, less those that a restriction of type 0 or 2 takes away.
    fn by_consent(&self, restricted: bool) -> u32 {
        let [not_allowed, _, require_li] = self.restrictions;
        self.purpose_consents & !((not_allowed | require_li) * u32::from(restricted))
    }

    /// Purposes with a legal basis for the vendor (a `purpose_bit` mask): consent for both,
    /// or legitimate interest for both (TCF pairs the purpose's basis with the vendor's);
    /// with `restricted`, as far as the publisher's restrictions let either count (type 0
    /// neither, type 1 no LI, type 2 no consent).
    fn bases(&self, vendor_id: u32, restricted: bool) -> u32 {
        let [not_allowed, require_consent, _] = self.restrictions;
        let vendor = |ids: &[u32]| {
            if ids.contains(&vendor_id) {
                u32::MAX
            } else {
                0
            }
        };
        let consent = self.by_consent(restricted) & vendor(&self.vendor_consents);
        let li = self.purpose_li
            & vendor(&self.vendor_li)
            & !((not_allowed | require_consent) * u32::from(restricted));
        consent | li
    }

    /// Purpose `n` has consent that counts, and the vendor has consent.
    pub fn consented(&self, purpose: u32, vendor_id: u32) -> bool {
        self.consent_counts(purpose) && self.vendor_consents.contains(&vendor_id)
    }

    /// Purpose `n` has a legal basis for the vendor: consent for both, or legitimate
    /// interest for both, as far as the publisher's restrictions let either count.
    pub fn has_basis(&self, purpose: u32, vendor_id: u32) -> bool {
        self.bases(vendor_id, true) & purpose_bit(purpose) != 0
    }

    /// The purposes the decision relies on that have their basis: 1, 3 and 4 by consent
    /// only, 2 and 7 by consent or legitimate interest.
    fn relied_on(&self, vendor_id: u32, restricted: bool) -> u32 {
        const CONSENT_ONLY: u32 = purpose_bit(1) | purpose_bit(3) | purpose_bit(4);
        const FLEXIBLE: u32 = purpose_bit(2) | purpose_bit(7);
        let consent_only = self.by_consent(restricted)
            & if self.vendor_consents.contains(&vendor_id) {
                CONSENT_ONLY
            } else {
                0
            };
        consent_only | (self.bases(vendor_id, restricted) & FLEXIBLE)
    }

    /// The purposes the decision relies on (1, 3, 4 by consent; 2, 7 by consent or LI) that
    /// have their basis for the vendor under the publisher's restrictions, as a
    /// `purpose_bit` mask.
    pub fn granted(&self, vendor_id: u32) -> u32 {
        self.relied_on(vendor_id, true)
    }

    /// A publisher restriction took away the basis one of the purposes the decision uses
    /// had (consent-only 1, 3, 4; consent or LI 2, 7): without it, that purpose would count.
    pub fn restriction_refuses(&self, vendor_id: u32) -> bool {
        self.relied_on(vendor_id, false) != self.relied_on(vendor_id, true)
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
    let granted = data.granted(vendor_id);
    let has = |p| granted & purpose_bit(p) != 0;
    TcfAllows {
        cookies: has(1),
        beacons: has(1) && has(7),
        personalized: has(3) && has(4),
        ads: has(2),
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
    let gpp_tcf = signals.gpp_section(matches!(signals.tcf, Answer::Absent), GPP_TCF_EU);
    let gpp_usp = signals.gpp_section(matches!(signals.usp, Answer::Absent), GPP_USP);
    match (&signals.tcf, &signals.gpp) {
        (Answer::Ready(d), _) => {
            p.gdpr = Some(d.gdpr_applies != Some(false));
            p.gdpr_consent = some(&d.tc_string);
        }
        // Nothing on the page could say GDPR applies.
        (Answer::Absent, Answer::Absent | Answer::Ready(_)) if gpp_tcf.is_none() => {}
        // TCF (or, without it, GPP) pending or timed out; or GPP's tcfeuv2 applies.
        _ => {
            p.gdpr = Some(true);
            p.gdpr_consent = gpp_tcf
                .and_then(|g| g.tcf.as_ref())
                .and_then(|d| some(&d.tc_string));
        }
    }
    if let Answer::Ready(g) = &signals.gpp {
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
    p.us_privacy = match &signals.usp {
        Answer::Ready(u) => Some(u.clone()),
        _ => gpp_usp.and_then(|g| g.usp.clone()),
    };
    p
}
