//! The one place the privacy rules live: signals in, a `Decision` out. It reads like the
//! policy: collection only when every signal allows it; unknown means no.

use crate::core::signals::Signals;

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
        todo!("helper: core-privacy")
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
        if self.collect && self.cookies { Some(CollectPermit(())) } else { None }
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

pub fn decide(_signals: &Signals) -> Decision {
    todo!()
}
