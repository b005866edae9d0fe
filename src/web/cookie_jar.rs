//! The tag's own cookies (`v<pub>`, `sid<pub>`, `fr<pub>`). Reading or writing them takes a
//! `CollectPermit`, which only a decision that allows collection hands out: the compiler
//! keeps cookies untouched before and without that decision.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::{cookie_write, cookies, decision::CollectPermit};
use crate::web::page;
use web_sys::Document;

pub struct CookieJar<'a> {
    pub document: &'a Document,
    pub secure: bool,
}

impl CookieJar<'_> {
    pub fn read(&self, _permit: &CollectPermit, name: &str) -> Option<String> {
        cookies::get(&page::cookies(self.document)?, name).map(str::to_owned)
    }

    pub fn write(&self, _permit: &CollectPermit, name: &str, value: &str, max_age_secs: u64) {
        page::set_cookie(self.document, &cookie_write::set(name, value, max_age_secs, self.secure));
    }
}

/// The visitor's own choice, which needs no permit: set the opt-out cookie (one year) and
/// delete every tag cookie of this publisher wherever it may have been set.
pub fn opt_out(document: &Document, opt_out_name: &str, publisher: &str, host: &str, secure: bool) {
    page::set_cookie(document, &cookie_write::set(opt_out_name, "1", cookie_write::ONE_YEAR_SECS, secure));
    forget(document, publisher, host, secure);
}

/// Deletes every tag cookie of this publisher wherever it may have been set: the visitor's
/// opt-out, or consent withdrawn (SPEC §2.4). Needs no permit: it only ever removes.
pub fn forget(document: &Document, publisher: &str, host: &str, secure: bool) {
    for name in cookies::tag_cookie_names(publisher) {
        for deletion in cookie_write::delete_all(&name, host, secure) {
            page::set_cookie(document, &deletion);
        }
    }
}

/// Opting back in removes the opt-out cookie.
pub fn opt_in(document: &Document, opt_out_name: &str, host: &str, secure: bool) {
    for deletion in cookie_write::delete_all(opt_out_name, host, secure) {
        page::set_cookie(document, &deletion);
    }
}
