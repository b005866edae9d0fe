//! The tag's own cookies (`v<pub>`, `sid<pub>`, `fr<pub>`). Reading or writing them takes a
//! `CollectPermit`, which only a decision that allows collection hands out: the compiler
//! keeps cookies untouched before and without that decision. Every access is in the audit
//! trail with the rule that allowed it (`page::cookies`/`set_cookie` take the rule).

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::audit::{Action, rule};
use crate::core::{cookie_write, cookies, decision::CollectPermit};
use crate::web::{page, storage};
use web_sys::Document;

pub struct CookieJar<'a> {
    pub document: &'a Document,
    pub secure: bool,
}

impl CookieJar<'_> {
    pub fn read(&self, _permit: &CollectPermit, name: &str) -> Option<String> {
        cookies::get(&page::cookies(self.document, name, rule::COLLECT_ALLOWED)?, name).map(str::to_owned)
    }

    pub fn write(&self, _permit: &CollectPermit, name: &str, value: &str, max_age_secs: u64) {
        let cookie = cookie_write::set(name, value, max_age_secs, self.secure);
        page::set_cookie(self.document, &[cookie], Action::CookieWrite, name, rule::COLLECT_ALLOWED);
    }
}

/// Is the opt-out cookie set (or `document.cookie` unreadable: unknown means opted out)?
/// Needs no permit: it is the first input of every decision.
pub fn opted_out(document: &Document, name: &str) -> bool {
    page::cookies(document, name, rule::OPT_OUT_READ).is_none_or(|c| cookies::opted_out(&c, name))
}

/// The visitor's own choice, which needs no permit: set the opt-out cookie (one year), delete
/// every tag cookie of this publisher wherever it may have been set, and the events stored
/// for it, unsent.
pub fn opt_out(document: &Document, opt_out_name: &str, publisher: &str, host: &str, secure: bool) {
    let cookie = cookie_write::set(opt_out_name, "1", cookie_write::ONE_YEAR_SECS, secure);
    page::set_cookie(document, &[cookie], Action::CookieWrite, opt_out_name, rule::OPT_OUT);
    forget(document, publisher, host, secure, rule::OPT_OUT);
    storage::forget(publisher, rule::OPT_OUT);
}

/// Deletes every tag cookie of this publisher wherever it may have been set, for `why` (an
/// opt-out, or a decision that refuses collection). Needs no permit: it only removes.
pub fn forget(document: &Document, publisher: &str, host: &str, secure: bool, why: &str) {
    for name in cookies::tag_cookie_names(publisher) {
        page::set_cookie(document, &cookie_write::delete_all(&name, host, secure), Action::CookieDelete, &name, why);
    }
}

/// Is any cookie of the tag in the jar? Only the names are looked at, to delete them (`why`).
pub fn any_present(document: &Document, publisher: &str, why: &str) -> bool {
    let names = cookies::tag_cookie_names(publisher);
    let Some(jar) = page::cookies(document, &crate::core::cat_with(&names.iter().map(String::as_str).collect::<Vec<_>>(), ","), why) else {
        return false;
    };
    names.iter().any(|name| cookies::get(&jar, name).is_some())
}

/// Opting back in removes the opt-out cookie.
pub fn opt_in(document: &Document, opt_out_name: &str, host: &str, secure: bool) {
    page::set_cookie(document, &cookie_write::delete_all(opt_out_name, host, secure), Action::CookieDelete, opt_out_name, rule::OPT_IN);
}
