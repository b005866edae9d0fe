#![cfg(not(target_arch = "wasm32"))]

use adtag::core::outbox::{Batch, MAX_ATTEMPTS, MAX_BATCH_BYTES, Outbox, backoff_ms};
use proptest::prelude::*;

/// A JSON-object-looking event of exactly `len` bytes (len ≥ 2), tagged with `n`.
fn event(n: usize, len: usize) -> String {
    let tag = format!("{{\"n\":{n}");
    if len < tag.len() + 1 {
        return "{}".repeat(len / 2) + if len % 2 == 1 { " " } else { "" };
    }
    let mut s = tag;
    while s.len() < len - 1 {
        s.push(' ');
    }
    s.push('}');
    assert_eq!(s.len(), len);
    s
}

fn all(ob: &mut Outbox) -> Vec<Batch> {
    std::iter::from_fn(|| ob.next_batch()).collect()
}

#[test]
fn new_is_empty() {
    let mut ob = Outbox::new();
    assert!(ob.is_empty());
    assert_eq!(ob.next_batch(), None);
    assert!(ob.drain().is_empty());
}

#[test]
fn small_events_share_one_batch_in_order() {
    let mut ob = Outbox::new();
    assert!(ob.push("{\"a\":1}".into()));
    assert!(ob.push("{\"b\":2}".into()));
    assert!(ob.push("{\"c\":3}".into()));
    assert!(!ob.is_empty());
    assert_eq!(
        ob.next_batch(),
        Some(Batch {
            body: "[{\"a\":1},{\"b\":2},{\"c\":3}]".into(),
            attempts: 0,
            ids: vec![],
        })
    );
    assert!(ob.is_empty());
    assert_eq!(ob.next_batch(), None);
}

#[test]
fn event_size_limit() {
    let mut ob = Outbox::new();
    assert!(!ob.push(event(0, MAX_BATCH_BYTES - 1)));
    assert!(!ob.push(event(0, MAX_BATCH_BYTES)));
    assert!(ob.is_empty());
    assert!(ob.push(event(1, MAX_BATCH_BYTES - 2)));
    let b = ob.next_batch().unwrap();
    assert_eq!(b.body.len(), MAX_BATCH_BYTES);
    assert_eq!(b.body, format!("[{}]", event(1, MAX_BATCH_BYTES - 2)));
}

#[test]
fn batches_split_at_the_byte_limit() {
    // Two events that exactly fill a batch: "[" + a + "," + b + "]".
    let a = (MAX_BATCH_BYTES - 3) / 2;
    let b = MAX_BATCH_BYTES - 3 - a;
    let mut ob = Outbox::new();
    ob.push(event(1, a));
    ob.push(event(2, b));
    ob.push(event(3, 10));
    let batches = all(&mut ob);
    assert_eq!(batches.len(), 2);
    assert_eq!(batches[0].body.len(), MAX_BATCH_BYTES);
    assert_eq!(batches[1].body, format!("[{}]", event(3, 10)));

    // One byte more and the second event moves to the next batch.
    let mut ob = Outbox::new();
    ob.push(event(1, a));
    ob.push(event(2, b + 1));
    let batches = all(&mut ob);
    assert_eq!(batches.len(), 2);
    assert_eq!(batches[0].body, format!("[{}]", event(1, a)));
    assert_eq!(batches[1].body, format!("[{}]", event(2, b + 1)));
}

#[test]
fn failed_batch_is_next_and_counts_attempts() {
    let mut ob = Outbox::new();
    ob.push("{\"a\":1}".into());
    let first = ob.next_batch().unwrap();
    ob.push("{\"b\":2}".into());

    assert_eq!(ob.failed(first.clone()), Some(1000));
    let retry = ob.next_batch().unwrap();
    assert_eq!(
        retry,
        Batch {
            body: first.body.clone(),
            attempts: 1,
            ids: vec![],
        }
    );
    // The newer event comes after the retry.
    assert_eq!(ob.next_batch().unwrap().body, "[{\"b\":2}]");
    assert_eq!(ob.next_batch(), None);
}

#[test]
fn dropped_after_max_attempts() {
    let mut ob = Outbox::new();
    ob.push("{\"a\":1}".into());
    let mut b = ob.next_batch().unwrap();
    let mut delays = vec![];
    let mut tries = 1;
    while let Some(delay) = ob.failed(b) {
        delays.push(delay);
        b = ob.next_batch().unwrap();
        tries += 1;
    }
    assert_eq!(tries, MAX_ATTEMPTS);
    assert_eq!(delays, [1000, 2000, 4000, 8000]);
    assert!(ob.is_empty());
    assert_eq!(ob.next_batch(), None);
    // A batch that claims absurd attempts is dropped without overflow.
    assert_eq!(
        ob.failed(Batch {
            body: "[]".into(),
            attempts: u32::MAX,
            ids: vec![],
        }),
        None
    );
    assert!(ob.is_empty());
}

#[test]
fn retries_come_before_new_events_and_most_recent_failure_first() {
    let mut ob = Outbox::new();
    ob.push(event(1, MAX_BATCH_BYTES - 2));
    ob.push(event(2, MAX_BATCH_BYTES - 2));
    ob.push(event(3, 10));
    let b1 = ob.next_batch().unwrap();
    let b2 = ob.next_batch().unwrap();
    ob.failed(b1.clone());
    ob.failed(b2.clone());
    // Failed batches go to the front: the one reported last is sent next.
    assert_eq!(ob.next_batch().unwrap().body, b2.body);
    assert_eq!(ob.next_batch().unwrap().body, b1.body);
    assert_eq!(ob.next_batch().unwrap().body, format!("[{}]", event(3, 10)));
}

#[test]
fn drain_returns_retries_then_queued() {
    let mut ob = Outbox::new();
    ob.push("{\"a\":1}".into());
    let b = ob.next_batch().unwrap();
    ob.failed(b);
    ob.push("{\"b\":2}".into());
    ob.push(event(3, MAX_BATCH_BYTES - 2));
    let drained = ob.drain();
    assert_eq!(
        drained,
        vec![
            Batch {
                body: "[{\"a\":1}]".into(),
                attempts: 1,
                ids: vec![],
            },
            Batch {
                body: "[{\"b\":2}]".into(),
                attempts: 0,
                ids: vec![],
            },
            Batch {
                body: format!("[{}]", event(3, MAX_BATCH_BYTES - 2)),
                attempts: 0,
                ids: vec![],
            },
        ]
    );
    assert!(ob.is_empty());
    assert_eq!(ob.next_batch(), None);
}

#[test]
fn clear_drops_everything() {
    let mut ob = Outbox::new();
    ob.push("{\"a\":1}".into());
    let b = ob.next_batch().unwrap();
    ob.failed(b);
    ob.push("{\"b\":2}".into());
    ob.clear();
    assert!(ob.is_empty());
    assert_eq!(ob.next_batch(), None);
    assert!(ob.drain().is_empty());
}

#[test]
fn backoff_values() {
    assert_eq!(backoff_ms(0), 1000);
    assert_eq!(backoff_ms(1), 1000);
    assert_eq!(backoff_ms(2), 2000);
    assert_eq!(backoff_ms(3), 4000);
    assert_eq!(backoff_ms(4), 8000);
    assert_eq!(backoff_ms(5), 16000);
    assert_eq!(backoff_ms(6), 30000);
    assert_eq!(backoff_ms(7), 30000);
    assert_eq!(backoff_ms(32), 30000);
    assert_eq!(backoff_ms(33), 30000);
    assert_eq!(backoff_ms(u32::MAX), 30000);
}

/// Splits a batch body back into the pushed strings, knowing which strings to expect.
fn check_batches(batches: &[Batch], accepted: &[String]) -> Result<(), TestCaseError> {
    let mut expected = accepted.iter();
    for b in batches {
        prop_assert!(
            b.body.len() <= MAX_BATCH_BYTES,
            "batch of {} bytes",
            b.body.len()
        );
        prop_assert!(b.body.starts_with('[') && b.body.ends_with(']'));
        let mut rebuilt = String::from("[");
        let mut count = 0;
        while rebuilt.len() < b.body.len() - 1 {
            let next = expected.next();
            prop_assert!(next.is_some(), "batch holds more than was pushed");
            if count > 0 {
                rebuilt.push(',');
            }
            rebuilt.push_str(next.unwrap());
            count += 1;
        }
        rebuilt.push(']');
        prop_assert!(count >= 1, "empty batch");
        prop_assert_eq!(&rebuilt, &b.body);
    }
    prop_assert!(expected.next().is_none(), "events missing from the batches");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn batching_respects_limits_and_order(
        sizes in prop::collection::vec(
            prop_oneof![2usize..200, 200usize..4000, (MAX_BATCH_BYTES - 40)..(MAX_BATCH_BYTES + 10)],
            0..60,
        ),
        use_drain in any::<bool>(),
    ) {
        let mut ob = Outbox::new();
        let mut accepted = vec![];
        for (n, len) in sizes.iter().enumerate() {
            let ev = event(n, *len);
            let ok = ob.push(ev.clone());
            prop_assert_eq!(ok, *len <= MAX_BATCH_BYTES - 2);
            if ok {
                accepted.push(ev);
            }
        }
        let batches = if use_drain { ob.drain() } else { all(&mut ob) };
        prop_assert!(ob.is_empty());
        check_batches(&batches, &accepted)?;
        // Greedy: a batch is only closed when the next event would not fit. The batches hold
        // `accepted` in order (checked above), so each batch's events are found by position;
        // searching bodies by prefix would be ambiguous (an event can be a prefix of another).
        let mut first = 0;
        for b in &batches {
            let (mut len, mut count) = (1, 0); // "[" then the events, comma-separated
            while len + 1 < b.body.len() {
                len += usize::from(count > 0) + accepted[first + count].len();
                count += 1;
            }
            first += count;
            if let Some(next) = accepted.get(first) {
                prop_assert!(b.body.len() + 1 + next.len() > MAX_BATCH_BYTES, "closed early before {:?}", next);
            }
        }
    }

    #[test]
    fn pushes_interleaved_with_sends_and_failures(ops in prop::collection::vec(0u8..4, 0..300)) {
        // 0: push an event; 1: send the next batch, OK; 2/3: send the next batch, it fails.
        let mut ob = Outbox::new();
        let mut n = 0;
        let mut expect_retry: Option<Batch> = None;
        for op in ops {
            if op == 0 {
                ob.push(event(n, 2 + (n * 977) % 3000));
                n += 1;
                continue;
            }
            let Some(b) = ob.next_batch() else {
                prop_assert!(ob.is_empty());
                continue;
            };
            prop_assert!(b.body.len() <= MAX_BATCH_BYTES);
            if let Some(r) = expect_retry.take() {
                prop_assert_eq!(&b, &r, "a failed batch must be the next one");
            } else {
                prop_assert_eq!(b.attempts, 0);
            }
            if op >= 2 {
                let attempts = b.attempts;
                let body = b.body.clone();
                let ids = b.ids.clone();
                match ob.failed(b) {
                    Some(d) => {
                        prop_assert!(attempts + 1 < MAX_ATTEMPTS);
                        prop_assert_eq!(d, backoff_ms(attempts + 1));
                        expect_retry = Some(Batch { body, attempts: attempts + 1, ids });
                    }
                    None => {
                        prop_assert_eq!(attempts + 1, MAX_ATTEMPTS);
                    }
                }
            }
        }
        let drained = ob.drain();
        if let Some(r) = expect_retry {
            prop_assert_eq!(drained.first(), Some(&r));
        }
        for b in &drained {
            prop_assert!(b.body.len() <= MAX_BATCH_BYTES);
        }
        prop_assert!(ob.is_empty());
    }
}

#[test]
fn a_batch_names_the_ids_of_its_events_in_order() {
    let e = |n: u32| format!("{{\"id\":\"{n:032x}\",\"type\":\"page_view\",\"ts\":1,\"visits\":1}}");
    let mut ob = Outbox::new();
    for n in 0..3 {
        assert!(ob.push(e(n)));
    }
    let b = ob.next_batch().unwrap();
    assert_eq!(b.ids, (0..3).map(|n| format!("{n:032x}")).collect::<Vec<_>>());
    assert_eq!(b.body, format!("[{},{},{}]", e(0), e(1), e(2)));
    // A retry keeps them.
    ob.failed(b.clone());
    assert_eq!(ob.next_batch().unwrap().ids, b.ids);
}

#[test]
fn queued_before_new_events_keeps_stored_ones_first() {
    let e = |n: u32| format!("{{\"id\":\"{n:032x}\",\"type\":\"page_view\",\"ts\":1,\"visits\":1}}");
    let mut ob = Outbox::new();
    ob.push(e(10));
    ob.push(e(1));
    ob.push(e(2));
    let b = ob.next_batch().unwrap();
    assert_eq!(b.ids, vec![format!("{:032x}", 10), format!("{:032x}", 1), format!("{:032x}", 2)]);
}

// --- The stored outbox (issue 14): what survives the page in localStorage -------------------

mod stored {
    use adtag::core::stored::{MAX_AGE_MS, MAX_EVENTS, MAX_BYTES, Stored, event_head, key};
    use proptest::prelude::*;

    const NOW: u64 = 1_700_000_000_000;

    fn id(n: usize) -> String {
        format!("{n:032x}")
    }

    /// An event as `events::to_json` writes it, padded to about `pad` bytes of page URL.
    fn ev(n: usize, ts: u64, pad: usize) -> String {
        format!(
            "{{\"id\":\"{}\",\"type\":\"ad_click\",\"ts\":{ts},\"pub\":\"12345\",\"uid\":\"u\",\"sid\":\"s\",\"page\":\"{}\",\"slot\":\"a\",\"ad\":\"b\"}}",
            id(n),
            "p".repeat(pad)
        )
    }

    /// A minimal event (~70 bytes): 500 of them fit in the byte bound.
    fn small(n: usize) -> String {
        format!("{{\"id\":\"{}\",\"type\":\"page_view\",\"ts\":{NOW},\"visits\":1}}", id(n))
    }

    fn ids(s: &Stored) -> Vec<String> {
        s.events().iter().map(|e| event_head(e).unwrap().0.to_owned()).collect()
    }

    #[test]
    fn the_key_is_named_after_the_publisher() {
        assert_eq!(key("12345"), "adtag_outbox_12345");
    }

    #[test]
    fn keeps_order_and_round_trips_through_its_encoding() {
        let mut s = Stored::default();
        for n in 0..5 {
            assert!(s.push(ev(n, NOW + n as u64, 10)));
        }
        let back = Stored::decode(&s.encode(), NOW);
        assert_eq!(back, s);
        assert_eq!(ids(&back), (0..5).map(id).collect::<Vec<_>>());
    }

    #[test]
    fn empty_encodes_as_empty_and_decodes_from_nothing_useful() {
        assert_eq!(Stored::default().encode(), "");
        assert!(Stored::decode("", NOW).is_empty());
        assert!(Stored::decode("\n\n", NOW).is_empty());
        assert!(Stored::decode("garbage\n{\"id\":1}\n[]", NOW).is_empty());
    }

    #[test]
    fn the_same_id_is_kept_once() {
        let mut s = Stored::default();
        assert!(s.push(ev(1, NOW, 1)));
        assert!(!s.push(ev(1, NOW, 1)));
        assert_eq!(s.events().len(), 1);
    }

    #[test]
    fn at_most_max_events_oldest_dropped_first() {
        let mut s = Stored::default();
        for n in 0..MAX_EVENTS + 7 {
            s.push(small(n));
        }
        assert_eq!(s.events().len(), MAX_EVENTS);
        assert_eq!(ids(&s).first().unwrap(), &id(7));
        assert_eq!(ids(&s).last().unwrap(), &id(MAX_EVENTS + 6));
    }

    #[test]
    fn at_most_max_bytes_oldest_dropped_first() {
        let mut s = Stored::default();
        for n in 0..100 {
            s.push(ev(n, NOW, 1000));
        }
        let encoded = s.encode();
        assert!(encoded.len() <= MAX_BYTES, "{} bytes", encoded.len());
        let kept = ids(&s);
        assert!(kept.len() > 50 && kept.len() < 100, "{} kept", kept.len());
        // The newest survive, in order.
        let expected: Vec<String> = (100 - kept.len()..100).map(id).collect();
        assert_eq!(kept, expected);
    }

    #[test]
    fn an_event_too_big_to_store_is_refused() {
        let mut s = Stored::default();
        s.push(ev(1, NOW, 10));
        assert!(!s.push(ev(2, NOW, MAX_BYTES)));
        assert_eq!(ids(&s), vec![id(1)]);
    }

    #[test]
    fn remove_by_id_keeps_the_rest_in_order() {
        let mut s = Stored::default();
        for n in 0..6 {
            s.push(ev(n, NOW, 0));
        }
        s.remove(&[id(1), id(4), id(99)]);
        assert_eq!(ids(&s), vec![id(0), id(2), id(3), id(5)]);
    }

    #[test]
    fn decoding_drops_what_the_tag_did_not_write_and_what_is_too_old() {
        let good = ev(1, NOW - 10, 0);
        let old = ev(2, NOW - MAX_AGE_MS - 1, 0);
        let edge = ev(3, NOW - MAX_AGE_MS, 0);
        let bad_id = good.replace(&id(1), "not-an-id");
        let bad_type = ev(4, NOW, 0).replace("ad_click", "page_swipe");
        let no_close = ev(5, NOW, 0).trim_end_matches('}').to_owned();
        let text = [good.as_str(), &old, &bad_id, &bad_type, &no_close, &edge, &good].join("\n");
        let s = Stored::decode(&text, NOW);
        assert_eq!(ids(&s), vec![id(1), id(3)]);
    }

    #[test]
    fn decoding_applies_the_bounds_too() {
        let text: Vec<String> = (0..MAX_EVENTS + 3).map(small).collect();
        let s = Stored::decode(&text.join("\n"), NOW);
        assert_eq!(s.events().len(), MAX_EVENTS);
        assert_eq!(ids(&s)[0], id(3));
    }

    #[test]
    fn event_head_reads_id_and_ts() {
        assert_eq!(event_head(&ev(7, 123, 0)), Some((id(7).as_str(), 123)));
        assert_eq!(event_head("{\"id\":\"x\"}"), None);
    }

    proptest! {
        #[test]
        fn bounded_ordered_ids_preserved(sizes in prop::collection::vec(0usize..3000, 0..700)) {
            let mut s = Stored::default();
            for (n, pad) in sizes.iter().enumerate() {
                s.push(ev(n, NOW, *pad));
                let enc = s.encode();
                prop_assert!(enc.len() <= MAX_BYTES);
                prop_assert!(s.events().len() <= MAX_EVENTS);
            }
            // What is kept is a suffix of what was pushed (the newest), in order, each event intact.
            let kept = ids(&s);
            let first = sizes.len() - kept.len();
            let expected: Vec<String> = (first..sizes.len()).map(id).collect();
            prop_assert_eq!(&kept, &expected);
            for (e, n) in s.events().iter().zip(first..) {
                prop_assert_eq!(e, &ev(n, NOW, sizes[n]));
            }
            prop_assert_eq!(Stored::decode(&s.encode(), NOW), s);
        }

        #[test]
        fn decode_never_panics(text in any::<String>()) {
            let s = Stored::decode(&text, NOW);
            prop_assert!(s.encode().len() <= MAX_BYTES);
        }
    }
}
