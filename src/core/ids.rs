//! Identifiers from random bytes the glue draws from `crypto.getRandomValues`.

#[allow(unused_imports)]
use crate::prelude::*;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// 32 lower-case hex characters from 16 random bytes.
pub fn hex_id(random: &[u8; 16]) -> String {
    let mut s = String::with_capacity(32);
    for &b in random {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    s
}

/// Is this a value `hex_id` could have made? (Cookie values from the page are checked
/// before they are trusted as identifiers.)
pub fn is_hex_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
