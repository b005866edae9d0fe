//! What the page told us, as plain data. Anything that has not arrived is a value
//! (`Pending`, `TimedOut`), not an error, and the decision treats it as "not allowed".

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::consent::{GppData, TcfData};

/// The child-directed site list, as far as we know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListState {
    Listed,
    NotListed,
    /// Network error, non-200, malformed or oversized body.
    Failed,
    TimedOut,
    /// Requested, not answered yet.
    Pending,
}

/// One consent platform's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer<T> {
    /// The page has no such platform.
    Absent,
    /// The platform exists and has not answered (or shows its banner).
    Pending,
    /// It did not answer within its timeout.
    TimedOut,
    Ready(T),
}

impl<T> Answer<T> {
    /// The same answer, borrowing its data.
    pub fn as_ref(&self) -> Answer<&T> {
        match self {
            Answer::Absent => Answer::Absent,
            Answer::Pending => Answer::Pending,
            Answer::TimedOut => Answer::TimedOut,
            Answer::Ready(t) => Answer::Ready(t),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signals {
    /// `<opt-out name>=1` in document.cookie.
    pub opt_out_cookie: bool,
    /// `data-child-directed` or `window.adtag.config.childDirected`.
    pub child_flag: bool,
    /// `<meta name="adtag-child-directed" content="true">`.
    pub child_meta: bool,
    pub site_list: ListState,
    /// `navigator.globalPrivacyControl === true`.
    pub gpc: bool,
    pub tcf: Answer<TcfData>,
    /// The network's IAB TCF vendor id from the config.
    pub tcf_vendor_id: Option<u32>,
    pub gpp: Answer<GppData>,
    /// The US Privacy string, e.g. `1YNN`.
    pub usp: Answer<String>,
}

impl Signals {
    /// GPP's answer, when its section `id` is applicable and stands in for a platform of
    /// that kind the page does not have (`own_absent`): `tcfeuv2` (2) for `__tcfapi`,
    /// `uspv1` (6) for `__uspapi`.
    pub fn gpp_section(&self, own_absent: bool, id: i32) -> Option<&GppData> {
        match &self.gpp {
            Answer::Ready(g) if own_absent && g.applies(id) => Some(g),
            _ => None,
        }
    }

    /// What is known before anything asynchronous answered: list and platforms pending.
    /// (Platforms the page does not have are `Absent`; the glue fills them in.)
    pub fn pending() -> Signals {
        Signals {
            opt_out_cookie: false,
            child_flag: false,
            child_meta: false,
            site_list: ListState::Pending,
            gpc: false,
            tcf: Answer::Pending,
            tcf_vendor_id: None,
            gpp: Answer::Pending,
            usp: Answer::Pending,
        }
    }
}
