//! Text normalization used to store, look up, search and de-duplicate names.
//!
//! Names are stored as typed (NFC only) so that nothing the user wrote is lost;
//! every comparison goes through [`normalize`] so that spelling variants that
//! a reader would call "the same name" (case, Arabic diacritics, alef forms,
//! digit scripts, spacing, Persian yeh and kaf) compare equal.

mod normalize;
mod safety;
mod slug;

pub use normalize::{ascii_digits, loose, nfc, normalize};
pub use safety::{
    escaped, has_visible_alphanumeric, is_default_ignorable, is_direction_control,
    is_direction_mark, mixed_script_lookalike, refused_in_name, skeletons, visible, Lookalike,
};
pub use slug::{is_valid_key, reads_as_id, slug, transliterated_slug, KEY_RULE};

/// Version of the normalization rules; bump when the rules change (stored keys get rebuilt).
pub const NORM_VERSION: i64 = 2;

#[cfg(test)]
use proptest::prelude::*;

/// Strings biased towards the characters the rules touch, so that the
/// properties exercise interactions rather than plain ASCII.
#[cfg(test)]
fn interesting() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        any::<char>().prop_map(String::from),
        "[a-zA-Z0-9 \t\n-]{1,3}",
        "[\u{0621}-\u{065F}\u{0660}-\u{0671}\u{06A9}\u{06CC}\u{06F0}-\u{06F9}]{1,3}",
        "[äöüÄÖÜßa-e]{1,3}",
        "[\u{0300}-\u{036F}\u{0345}\u{0391}-\u{03C9}\u{1F00}-\u{1FFF}]{1,3}",
        "[\u{1100}-\u{11FF}\u{AC00}-\u{AC10}]{1,3}",
        "[ßẞſﬀ-ﬆİıK Å\u{FB50}-\u{FDFF}\u{FE70}-\u{FEFF}]{1,3}",
        "[\u{00A0}\u{2000}-\u{200D}\u{2028}\u{3000}\u{FF01}-\u{FF5E}]{1,3}",
    ];
    proptest::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
}
