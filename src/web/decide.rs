//! The decision loop: every signal change goes through `update`, which decides again and
//! carries out what changed (measurement started or stopped, the tag's cookies deleted on a
//! refusal, the page told, the ads requested once the first decision exists).
//!
//! Until every signal has answered or timed out nothing leaves the page but the list request,
//! and no cookie of the tag is touched.

#[allow(unused_imports)]
use crate::prelude::*;
use crate::core::{cat, cat_with};

use crate::core::decision::{Decision, Reason, decide};
use crate::core::signals::{ListState, Signals};
use crate::core::{audit, site_list};
use crate::web::http::{self, FetchError};
use crate::web::measure::{Measure, Setup};
use crate::web::tag::{self, Tag};
use crate::web::{consent, cookie_jar, log, page_api, slots, storage};
use web_sys::Document;

/// How long the child-directed list may take before it counts as unavailable (and the page
/// as child-directed). Short, because the ads wait for the decision.
pub const LIST_TIMEOUT_MS: u32 = 1500;

/// Asks for the child-directed list; its answer (or failure) becomes the list signal.
pub fn fetch_site_list(url: &str) {
    http::get_text(url, audit::rule::SITE_LIST, LIST_TIMEOUT_MS, site_list::MAX_LIST_BYTES, Box::new(|result| {
        tag::run(move |t| {
            let state = match result {
                Err(FetchError::Timeout) => ListState::TimedOut,
                Err(_) => ListState::Failed,
                Ok((status, body)) => match site_list::parse_with(status, &body, crate::web::json::parse) {
                    Err(_) => ListState::Failed,
                    Ok(list) if list.covers(&t.location.hostname) => ListState::Listed,
                    Ok(_) => ListState::NotListed,
                },
            };
            update(t, |s| s.site_list = state);
        });
    }));
}

/// Records a signal change, then decides again.
pub fn update(t: &mut Tag, change: impl FnOnce(&mut Signals)) {
    change(&mut t.signals);
    decide_again(t);
}

/// Decides from what is known now and carries out what changed. Before deciding it looks
/// again at what another party may have changed since: the opt-out cookie (another tab) and
/// consent platforms that appeared on the page (they rule from then on).
pub fn decide_again(t: &mut Tag) {
    t.signals.opt_out_cookie = page_api::opted_out_here() || opted_out(&t.document, &t.config.opt_out_cookie);
    consent::look_again(t);
    let decision = decide(&t.signals);
    let changed = decision != t.decision;
    let ads_changed = t.decided && decision.ads != t.decision.ads;
    let first = !t.decided && ready(t);
    t.decision = decision;
    page_api::remember(&t.decision);
    if first {
        t.decided = true;
    }
    if t.decided {
        apply(t, first || changed);
    }
    // The page hears of the decision once it is made, then of each change; not of the
    // provisional ones while signals are still arriving.
    if first || (t.decided && changed) {
        announce(t);
    }
    if first || ads_changed {
        slots::decided(t);
    }
}

/// The opt-out cookie is set, or can't be read at all (a sandboxed frame: unknown means no).
pub fn opted_out(document: &Document, name: &str) -> bool {
    cookie_jar::opted_out(document, name)
}

/// The measurement, if collection is still allowed at this moment. Every event goes through
/// here: the signals another party can change without telling us (the opt-out cookie from
/// another tab, a consent platform that appeared) are looked at again first.
pub fn measuring(t: &mut Tag) -> Option<&mut Measure> {
    t.measure.as_ref()?;
    decide_again(t);
    t.measure.as_mut()
}

/// Has every signal answered (or timed out)? Until then the tag waits to decide.
fn ready(t: &Tag) -> bool {
    t.signals.site_list != ListState::Pending && consent::settled(t)
}

/// Starts or stops measurement to match the decision; `changed`: the decision is new.
fn apply(t: &mut Tag, changed: bool) {
    let stopped = match (t.decision.permit(), t.measure.is_some()) {
        // Measurement (the tag's cookies, the stored outbox: the slowest part of a decision)
        // starts in a task of its own, queued before any slot's request, under the decision
        // as it is then (the opt-out cookie and the platforms looked at again); the page's
        // `page_view` is recorded in a task after that (`page_view`).
        (Some(_), false) if !t.measure_due => {
            if !t.measure_asked {
                t.measure_asked = true;
                tag::later(start_measure, 0);
            }
            false
        }
        (Some(permit), false) => {
            let setup = Setup {
                publisher: &t.config.publisher,
                endpoint: &t.config.endpoint,
                window: &t.window,
                document: &t.document,
                page_url: &t.location.href,
                https: t.location.https,
                debug: t.config.debug,
            };
            t.measure = Measure::start(permit, &setup, !t.page_view_sent);
            if t.measure.is_some() && !t.page_view_sent {
                tag::later(page_view, 0);
            }
            false
        }
        (None, true) => {
            if let Some(m) = t.measure.take() {
                m.stop();
            }
            true
        }
        _ => false,
    };
    // Consent refused or withdrawn (on this page, or through the platform on an earlier one)
    // leaves none of the tag's cookies behind, as `optOut()` does; so does any refusal that
    // stops collection on this page. Otherwise a refusing decision touches nothing of the tag:
    // a platform that is only pending or late keeps the identifier until it answers, and an
    // opted-out or child-directed page never reads or writes the tag's cookies.
    if t.decision.collect {
        return;
    }
    let why = audit::refused_rule(&page_api::reason_list(&t.decision));
    let refused = refuses(&t.decision);
    if refused && (stopped || (consent_refused(&t.decision) && cookie_jar::any_present(&t.document, &t.config.publisher, &why))) {
        cookie_jar::forget(&t.document, &t.config.publisher, &t.location.hostname, t.location.https, &why);
        log::debug(t.config.debug, "collection refused: the tag's cookies deleted");
    }
    // Events stored for a later page view are deleted, unsent, by any refusing decision (an
    // opt-out from any tab, a consent refusal or a platform still pending, a child-directed
    // page): once when the decision comes to refuse, not at every event.
    if stopped || changed {
        storage::forget(&t.config.publisher, &why);
    }
}

/// Measurement's own task (see `apply`).
fn start_measure(t: &mut Tag, _: u32) {
    t.measure_asked = false;
    t.measure_due = true;
    decide_again(t);
    t.measure_due = false;
}

/// This page's `page_view`, in a task after measurement started (`Measure::start`), under the
/// decision as it is then (`measuring`); counted as sent only once recorded, so that a
/// measurement stopped in between leaves it to the next one.
fn page_view(t: &mut Tag, _: u32) {
    let recorded = measuring(t).is_some_and(Measure::record_page_view);
    t.page_view_sent |= recorded;
}

/// Does the decision hold a refusal, rather than only signals that have not answered yet?
fn refuses(d: &Decision) -> bool {
    d.reasons.iter().any(|r| {
        !matches!(r, Reason::TcfPending | Reason::TcfTimeout | Reason::GppPending | Reason::GppTimeout
            | Reason::UspPending | Reason::UspTimeout | Reason::ChildDirectedListUnavailable | Reason::TcfNoPersonalization)
    })
}

/// Tells the page (and, with `data-debug`, the console) the decision.
fn announce(t: &Tag) {
    let d = &t.decision;
    log::debug(t.config.debug, &cat(&["decision: collect=", bool_str(d.collect), " personalized=",
        bool_str(d.personalized), " childDirected=", bool_str(d.child_directed),
        " reasons=[", &cat_with(&page_api::reason_list(d), ","), "]"]));
    tag::notify("decision", page_api::decision_object(d));
}

fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// Does a consent platform refuse (not merely pend or time out)?
fn consent_refused(d: &Decision) -> bool {
    d.reasons.iter().any(|r| {
        matches!(r, Reason::TcfNoVendorId | Reason::TcfRestricted | Reason::TcfNoPurpose1 | Reason::TcfNoVendor
            | Reason::TcfNoPurpose7 | Reason::GppOptOut | Reason::UspOptOut)
    })
}
