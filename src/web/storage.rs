//! The stored outbox in `localStorage` (one key per publisher, `stored::key`): events not
//! yet delivered, kept so that a later page view of the site can send them (issue 14).
//!
//! Reading and writing take a `CollectPermit`, like the tag's cookies: nothing is stored,
//! nor read, before or without a decision that allows collection. Deleting needs none: an
//! opt-out or a refusing decision deletes the key at once. Every change re-reads the key
//! first, so two tabs of the site adding and removing events keep each other's.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::core::audit::{Action, rule};
use crate::core::decision::CollectPermit;
use crate::web::audit;
use crate::core::stored::{self, Stored};
use crate::web::dom;
use crate::web::timer::epoch_ms;

/// The events stored for this publisher, oldest first (old and malformed ones left out).
pub fn load(_permit: &CollectPermit, publisher: &str) -> Stored {
    read(&stored::key(publisher))
}

// Every access is in the audit trail (SPEC §10) with the rule that allowed it.

/// Stores one more event (its JSON as sent), the oldest dropped past the bounds.
pub fn add(_permit: &CollectPermit, publisher: &str, event_json: &str) {
    let key = stored::key(publisher);
    let mut s = read(&key);
    if s.push(event_json.to_owned()) {
        save(&key, &s);
    }
}

/// Forgets the events with these ids: the collector has them, or refused them for good.
pub fn remove(_permit: &CollectPermit, publisher: &str, ids: &[String]) {
    if ids.is_empty() {
        return;
    }
    let key = stored::key(publisher);
    let mut s = read(&key);
    let before = s.events().len();
    s.remove(ids);
    if s.events().len() != before {
        save(&key, &s);
    }
}

/// Deletes every stored event of this publisher, unsent, and the key with them: the
/// visitor opted out, or a decision refused collection. Needs no permit.
pub fn forget(publisher: &str, why: &str) {
    let key = stored::key(publisher);
    audit::record(Action::StorageDelete, &key, why);
    dom::store_del(&key);
}

fn read(key: &str) -> Stored {
    audit::record(Action::StorageRead, key, rule::COLLECT_ALLOWED);
    dom::store_get(key).map(|v| Stored::decode(&v, epoch_ms())).unwrap_or_default()
}

/// An empty queue leaves no key behind. When the browser refuses the value (its quota), the
/// previous one stays: this event is then only in memory.
fn save(key: &str, s: &Stored) {
    if s.is_empty() {
        audit::record(Action::StorageDelete, key, rule::COLLECT_ALLOWED);
        dom::store_del(key);
    } else {
        audit::record(Action::StorageWrite, key, rule::COLLECT_ALLOWED);
        dom::store_set(key, &s.encode());
    }
}
