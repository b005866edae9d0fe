#![cfg(not(target_arch = "wasm32"))]

use adtag::core::ids::{hex_id, is_hex_id};
use proptest::prelude::*;

#[test]
fn hex_id_known_values() {
    assert_eq!(hex_id(&[0; 16]), "00000000000000000000000000000000");
    assert_eq!(hex_id(&[0xff; 16]), "ffffffffffffffffffffffffffffffff");
    let bytes = [
        0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc,
        0xfe,
    ];
    assert_eq!(hex_id(&bytes), "0123456789abcdef1032547698badcfe");
}

#[test]
fn is_hex_id_rejects() {
    for bad in [
        "",
        "0123456789abcdef0123456789abcde",   // 31
        "0123456789abcdef0123456789abcdef0", // 33
        "0123456789ABCDEF0123456789abcdef",  // upper case
        "0123456789abcdef0123456789abcdeg",
        " 123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcde\u{e9}", // 32 bytes, non-ASCII
        "0123456789abcdef-123456789abcdef",
    ] {
        assert!(!is_hex_id(bad), "{bad:?}");
    }
    assert!(is_hex_id("0123456789abcdef0123456789abcdef"));
}

proptest! {
    #[test]
    fn hex_id_is_always_valid(bytes in any::<[u8; 16]>()) {
        let id = hex_id(&bytes);
        prop_assert!(is_hex_id(&id));
        // Round trip: the bytes can be read back.
        let back: Vec<u8> = (0..16).map(|i| u8::from_str_radix(&id[2 * i..2 * i + 2], 16).unwrap()).collect();
        prop_assert_eq!(back.as_slice(), &bytes[..]);
    }

    #[test]
    fn is_hex_id_never_panics(s in any::<String>()) {
        let _ = is_hex_id(&s);
    }
}
