//! The one place the privacy rules live: signals in, a `Decision` out. It reads like the
//! policy: collection only when every signal allows it; unknown means no.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::consent::{
    GPP_TCF_EU, GPP_USP, TcfData, gpp_opted_out, purpose_bit, usp_opted_out,
};
use crate::core::signals::{Answer, ListState, Signals};

/// Why collection (or something else) is not allowed. `as_str` gives the public names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    OptOutCookie,
    ChildDirectedFlag,
    ChildDirectedList,
    ChildDirectedListUnavailable,
    Gpc,
    TcfPending,
    TcfTimeout,
    TcfNoVendorId,
    TcfRestricted,
    TcfNoPurpose1,
    TcfNoVendor,
    TcfNoPurpose7,
    TcfNoPurpose2,
    TcfNoPersonalization,
    GppPending,
    GppTimeout,
    GppOptOut,
    UspPending,
    UspTimeout,
    UspOptOut,
}

impl Reason {
    /// `"opt-out-cookie"`, `"child-directed-flag"`, `"child-directed-list"`,
    /// `"child-directed-list-unavailable"`, `"gpc"`, `"tcf-pending"`, … (kebab case).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::OptOutCookie => "opt-out-cookie",
            Reason::ChildDirectedFlag => "child-directed-flag",
            Reason::ChildDirectedList => "child-directed-list",
            Reason::ChildDirectedListUnavailable => "child-directed-list-unavailable",
            Reason::Gpc => "gpc",
            Reason::TcfPending => "tcf-pending",
            Reason::TcfTimeout => "tcf-timeout",
            Reason::TcfNoVendorId => "tcf-no-vendor-id",
            Reason::TcfRestricted => "tcf-restricted",
            Reason::TcfNoPurpose1 => "tcf-no-purpose-1",
            Reason::TcfNoVendor => "tcf-no-vendor",
            Reason::TcfNoPurpose7 => "tcf-no-purpose-7",
            Reason::TcfNoPurpose2 => "tcf-no-purpose-2",
            Reason::TcfNoPersonalization => "tcf-no-personalization",
            Reason::GppPending => "gpp-pending",
            Reason::GppTimeout => "gpp-timeout",
            Reason::GppOptOut => "gpp-opt-out",
            Reason::UspPending => "usp-pending",
            Reason::UspTimeout => "usp-timeout",
            Reason::UspOptOut => "usp-opt-out",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Beacons (events) may be sent.
    pub collect: bool,
    /// The tag may read and write its own cookies.
    pub cookies: bool,
    /// Personalized ads (`npa=0`).
    pub personalized: bool,
    /// `coppa=1`: flagged, listed, or the list could not be had.
    pub child_directed: bool,
    /// An ad may be requested at all (false only when TCF refuses purpose 2).
    pub ads: bool,
    /// Every rule that held, in `Reason` order, without duplicates.
    pub reasons: Vec<Reason>,
}

/// Proof that collection is allowed. Only `Decision::permit` makes one, and the code that
/// writes a cookie or sends a beacon takes one: nothing can collect without a decision.
#[derive(Debug)]
pub struct CollectPermit(());

impl Decision {
    pub fn permit(&self) -> Option<CollectPermit> {
        if self.collect && self.cookies {
            Some(CollectPermit(()))
        } else {
            None
        }
    }

    /// The decision before anything is known: nothing allowed, ads non-personalized.
    pub fn closed() -> Decision {
        Decision {
            collect: false,
            cookies: false,
            personalized: false,
            child_directed: true,
            ads: true,
            reasons: Vec::new(),
        }
    }
}

/// Every signal that says no becomes a reason. Collection (and with it the tag's cookies)
/// needs no reason at all, except that refusing personalization alone still allows
/// measurement. Ads are refused only by TCF without a legal basis for purpose 2.
///
/// Without `__tcfapi` (TCF `Absent`), GPP's applicable `tcfeuv2` section is judged by the
/// TCF rules; without `__uspapi`, GPP's applicable `uspv1` section by the US Privacy rules.
/// Either section applicable but unreadable counts as a GPP opt-out.
pub fn decide(signals: &Signals) -> Decision {
    // Pushed in `Reason` order, each at most once: no sorting needed.
    let mut reasons = Vec::new();
    if signals.opt_out_cookie {
        reasons.push(Reason::OptOutCookie);
    }
    if signals.child_flag || signals.child_meta {
        reasons.push(Reason::ChildDirectedFlag);
    }
    match signals.site_list {
        ListState::NotListed => {}
        ListState::Listed => reasons.push(Reason::ChildDirectedList),
        // Unknown counts as child-directed.
        ListState::Failed | ListState::TimedOut | ListState::Pending => {
            reasons.push(Reason::ChildDirectedListUnavailable)
        }
    }
    if signals.gpc {
        reasons.push(Reason::Gpc);
    }
    // GPP's own TCF and US Privacy sections, where the page has no platform of that kind.
    let gpp_tcf = signals.gpp_section(matches!(signals.tcf, Answer::Absent), GPP_TCF_EU);
    let gpp_usp = signals.gpp_section(matches!(signals.usp, Answer::Absent), GPP_USP);

    let tcf = match &signals.tcf {
        Answer::Absent => gpp_tcf
            .and_then(|g| g.tcf.as_ref())
            .map_or(Answer::Absent, Answer::Ready),
        a => a.as_ref(),
    };
    match tcf {
        Answer::Absent => {}
        Answer::Pending => reasons.push(Reason::TcfPending),
        Answer::TimedOut => reasons.push(Reason::TcfTimeout),
        Answer::Ready(data) => {
            // GPP's section applies by being applicable, whatever its `gdpr_applies` says.
            if gpp_tcf.is_some() || data.gdpr_applies != Some(false) {
                tcf_reasons(data, signals.tcf_vendor_id, &mut reasons)
            }
        }
    }
    match &signals.gpp {
        Answer::Absent => {}
        Answer::Pending => reasons.push(Reason::GppPending),
        Answer::TimedOut => reasons.push(Reason::GppTimeout),
        Answer::Ready(gpp) => {
            let unreadable = gpp_tcf.is_some_and(|g| g.tcf.is_none())
                || gpp_usp.is_some_and(|g| g.usp.is_none());
            if gpp_opted_out(gpp) || unreadable {
                reasons.push(Reason::GppOptOut)
            }
        }
    }
    let usp = match &signals.usp {
        Answer::Absent => gpp_usp
            .and_then(|g| g.usp.as_ref())
            .map_or(Answer::Absent, Answer::Ready),
        a => a.as_ref(),
    };
    match usp {
        Answer::Absent => {}
        Answer::Pending => reasons.push(Reason::UspPending),
        Answer::TimedOut => reasons.push(Reason::UspTimeout),
        Answer::Ready(usp) => {
            if usp_opted_out(usp) {
                reasons.push(Reason::UspOptOut)
            }
        }
    }

    // `TcfRestricted` never comes alone: it explains a purpose reason beside it.
    let collect = reasons
        .iter()
        .all(|r| matches!(r, Reason::TcfNoPersonalization | Reason::TcfRestricted));
    Decision {
        collect,
        cookies: collect,
        personalized: collect && reasons.is_empty(),
        child_directed: signals.child_flag
            || signals.child_meta
            || signals.site_list != ListState::NotListed,
        ads: !reasons.contains(&Reason::TcfNoPurpose2),
        reasons,
    }
}

/// TCF data where GDPR applies (or may: unknown counts as applying; the callers judge
/// that, so `gdpr_applies` is not read here). Without a vendor id the tag cannot be found in
/// the consent string: nothing is collected, but ads are not refused (purpose 2 cannot be
/// evaluated either). The publisher's restrictions for our vendor apply to every purpose.
fn tcf_reasons(data: &TcfData, vendor_id: Option<u32>, out: &mut Vec<Reason>) {
    let Some(vendor) = vendor_id else {
        return out.push(Reason::TcfNoVendorId);
    };
    if data.restriction_refuses(vendor) {
        out.push(Reason::TcfRestricted);
    }
    let granted = data.granted(vendor);
    let has = |p| granted & purpose_bit(p) != 0;
    if !has(1) {
        out.push(if data.consent_counts(1) {
            Reason::TcfNoVendor
        } else {
            Reason::TcfNoPurpose1
        });
    }
    // Purpose 7's own basis: beacons also need purpose 1, already reported above.
    if !has(7) {
        out.push(Reason::TcfNoPurpose7);
    }
    if !has(2) {
        out.push(Reason::TcfNoPurpose2);
    }
    if !(has(3) && has(4)) {
        out.push(Reason::TcfNoPersonalization);
    }
}
