//! Consent frameworks' answers as plain data, and what each allows: IAB TCF v2.2, GPP
//! (US national and state sections) and US Privacy.

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
    /// GPP section id: 7 = usnat, 8..=22 the US state sections.
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

pub fn tcf_allows(_data: &TcfData, _vendor_id: u32) -> TcfAllows {
    todo!("helper: core-privacy")
}

/// Any applicable US section says opted out (sale, sharing, targeted ads), GPC, or known child.
pub fn gpp_opted_out(_data: &GppData) -> bool {
    todo!()
}

/// US Privacy string: version `1`, third character `Y` = opted out of sale. A malformed
/// string counts as opted out (fail closed); `1---` is "not applicable".
pub fn usp_opted_out(_usp: &str) -> bool {
    todo!()
}
