#![cfg(not(target_arch = "wasm32"))]
//! What the fuzzers (fuzz/, `npm run fuzz`) found, kept as native tests: every committed
//! corpus input and every past crash (fuzz/regressions/TARGET/) goes through the very
//! checks the fuzz targets run, so a regression fails `cargo test` even where cargo-fuzz is
//! not installed. A crash found later: its input goes to fuzz/regressions/TARGET/, and a
//! named test below says what the page or the network would have seen.

#[path = "../fuzz/src/lib.rs"]
mod checks;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use adtag::core::config::{RawConfig, resolve};
use adtag::core::json::{Value, parse, push_string};

/// Runs every file of `dir/TARGET/` through its target's checks; the failing files, named.
fn replay(dir: &str) -> (usize, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(dir);
    let (mut count, mut failed) = (0, Vec::new());
    for (target, check) in checks::TARGETS {
        let Ok(files) = std::fs::read_dir(root.join(target)) else { continue };
        for file in files {
            let path = file.unwrap().path();
            // A running fuzzer replaces corpus files as it shrinks them.
            let Ok(data) = std::fs::read(&path) else { continue };
            count += 1;
            if catch_unwind(AssertUnwindSafe(|| check(&data))).is_err() {
                failed.push(path.display().to_string());
            }
        }
    }
    (count, failed)
}

#[test]
fn every_past_crash_passes_its_checks() {
    let (count, failed) = replay("regressions");
    assert!(count > 0, "no regression inputs found");
    assert!(failed.is_empty(), "failing inputs: {failed:#?}");
}

#[test]
fn the_committed_corpus_passes_its_checks() {
    let (count, failed) = replay("corpus");
    // Every target has a corpus: a missing directory would silently test nothing.
    assert!(count >= checks::TARGETS.len(), "only {count} corpus inputs");
    assert!(failed.is_empty(), "failing inputs: {failed:#?}");
}

/// fuzz/regressions/config/long-control-value: a publisher id of digits, ESC and NUL
/// characters. The console message quotes it escaped (`\u001b`), on one line, cut at 100
/// characters; the fuzzer's first bound on its length was too tight, the core was right.
#[test]
fn a_hostile_config_value_stays_one_bounded_console_line() {
    let value = format!("1234567890123\u{1b}{}{}", "\0".repeat(200), "\u{2028}".repeat(50));
    let attrs = RawConfig { publisher: Some(value), ..RawConfig::default() };
    let message = resolve(None, &attrs, &RawConfig::default()).unwrap_err().message();
    assert!(message.contains(r#""1234567890123\u001b\u0000"#), "{message}");
    assert!(!message.contains(|c: char| c.is_control() || c == '\u{2028}'), "{message}");
    assert!(message.ends_with("…\" must be 1 to 18 digits"), "{message}");
}

/// fuzz/regressions/json/del-in-string: DEL (U+007F) is a control character to Rust but
/// not to JSON; the string writer keeps it as is, and what it writes reads back the same
/// (the fuzzer's first check wrongly asked for it to be escaped).
#[test]
fn a_string_with_del_reads_back_the_same() {
    let Ok(Value::Str(s)) = parse("\"E\u{7f}\\\\l\"") else { panic!("a string") };
    assert_eq!(s, "E\u{7f}\\l");
    let mut out = String::new();
    push_string(&mut out, &s);
    assert_eq!(out, "\"E\u{7f}\\\\l\"");
    assert_eq!(parse(&out), Ok(Value::Str(s)));
}
