//! Identifiers from random bytes the glue draws from `crypto.getRandomValues`.

/// 32 lower-case hex characters from 16 random bytes.
pub fn hex_id(_random: &[u8; 16]) -> String {
    todo!("helper: core-measure")
}

/// Is this a value `hex_id` could have made? (Cookie values from the page are checked
/// before they are trusted as identifiers.)
pub fn is_hex_id(_s: &str) -> bool {
    todo!()
}
