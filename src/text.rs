//! Text normalization used to store, look up, search and de-duplicate names.
//!
//! Names are stored as typed (NFC only) so that nothing the user wrote is lost;
//! every comparison goes through [`normalize`] so that spelling variants that
//! a reader would call "the same name" (case, Arabic diacritics, alef forms,
//! digit scripts, spacing) compare equal.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Version of the normalization rules; bump when the rules change (stored keys get rebuilt).
pub const NORM_VERSION: i64 = 1;

/// Longest slug [`slug`] produces: keys stay short enough to type in commands.
const SLUG_MAX: usize = 40;

/// Longest key [`is_valid_key`] accepts; wider than [`SLUG_MAX`] so that a
/// user may choose a longer key by hand.
const KEY_MAX: usize = 64;

/// Safety bound for the fixed-point loops below. Every code point reaches its
/// fixed point in at most three rounds (checked exhaustively in the tests), so
/// this is never hit in practice; it only guarantees termination.
const MAX_ROUNDS: usize = 8;

/// NFC form of a name, for storing names exactly as typed.
pub fn nfc(s: &str) -> String {
    // Most text is already NFC (ASCII always is); the quick check spares a
    // decompose-recompose per field.
    if s.is_ascii()
        || unicode_normalization::is_nfc_quick(s.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        return s.to_owned();
    }
    s.nfc().collect()
}

/// Normalized form for lookup/search/duplicates: NFKC, full case folding,
/// Arabic tashkeel and tatweel removed, zero-width joiners and direction marks removed, alef forms → ا, ى → ي, ة → ه,
/// Arabic-Indic digits → ASCII, whitespace runs collapsed to one space, trimmed.
///
/// Idempotent: the result is a fixed point of one normalization round, and a
/// fixed point is returned unchanged by the first round of the next call.
pub fn normalize(s: &str) -> String {
    fixed_point(s.to_owned(), round)
}

/// "Loose" form for near-duplicate detection: [`normalize`], then only
/// alphanumeric characters are kept.
pub fn loose(s: &str) -> String {
    // Dropping separators can put two characters side by side that compose
    // (Hangul jamo, for one), so the result has to be re-normalized until
    // stable; otherwise loose(loose(x)) could differ from loose(x).
    fixed_point(s.to_owned(), |t| {
        normalize(t)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect()
    })
}

/// Replace Arabic-Indic and Eastern Arabic-Indic digits with ASCII digits,
/// leaving everything else (used before parsing dates/numbers).
pub fn ascii_digits(s: &str) -> String {
    s.chars().map(|c| ascii_digit(c).unwrap_or(c)).collect()
}

/// ASCII slug usable as a partner key: `[a-z0-9][a-z0-9-]*`, at most 40
/// chars, no trailing or doubled `-`. Latin letters lose their diacritics;
/// every run of other characters becomes one `-`. `None` when nothing Latin
/// or numeric is left (a purely Arabic name, for instance).
pub fn slug(s: &str) -> Option<String> {
    let mut out = String::new();
    // Start as if a separator was just written so that leading separators
    // are dropped rather than producing a leading '-'.
    let mut pending_dash = false;
    for c in s.nfkd() {
        if is_combining_mark(c) {
            // Marks belong to the preceding letter: "e\u{301}" must stay "e",
            // not become "e-".
            continue;
        }
        let lower = c.to_ascii_lowercase();
        let piece: Option<&str> = match latin_special(c) {
            Some(rep) => Some(rep),
            None if lower.is_ascii_lowercase() || lower.is_ascii_digit() => None,
            None => {
                pending_dash = true;
                continue;
            }
        };
        if pending_dash && !out.is_empty() {
            out.push('-');
        }
        pending_dash = false;
        match piece {
            Some(rep) => out.push_str(rep),
            None => out.push(lower),
        }
    }
    // All of `out` is ASCII, so byte truncation cannot split a character.
    out.truncate(SLUG_MAX);
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        None
    } else {
        Some(trimmed.to_owned())
    }
}

/// true when `s` is a valid key: `^[a-z0-9][a-z0-9-]*$`, at most 64 chars.
pub fn is_valid_key(s: &str) -> bool {
    let mut bytes = s.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    first_ok
        && s.len() <= KEY_MAX
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Applies `step` until the output stops changing. Returning a fixed point is
/// what makes the public functions idempotent: on a fixed point the first
/// round already reproduces the input.
fn fixed_point(mut cur: String, step: impl Fn(&str) -> String) -> String {
    for _ in 0..MAX_ROUNDS {
        let next = step(&cur);
        if next == cur {
            return cur;
        }
        cur = next;
    }
    cur
}

/// One normalization round. NFKC runs again after folding because full case
/// folding leaves some letters decomposed (ǰ → j + U+030C). Even so a round
/// is not idempotent on its own: removing a tatweel can bring a base letter
/// next to a combining mark that the next round composes, hence the
/// fixed-point loop around it.
fn round(s: &str) -> String {
    let folded = caseless::default_case_fold_str(&s.nfkc().collect::<String>());
    let mut out = String::with_capacity(folded.len());
    let mut in_space = false;
    for c in folded.nfkc() {
        if c.is_whitespace() {
            in_space = true;
            continue;
        }
        let Some(mapped) = arabic_fold(c) else {
            continue;
        };
        if in_space && !out.is_empty() {
            out.push(' ');
        }
        in_space = false;
        out.push(mapped);
    }
    out
}

/// Arabic spelling variants that readers treat as the same letter; `None`
/// for characters that are dropped (diacritics and tatweel carry no identity).
fn arabic_fold(c: char) -> Option<char> {
    match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => None,
        // Invisible joiners and direction marks (ZWNJ, ZWJ, LRM, RLM, ALM, BOM) change how
        // text is drawn, not what it says; tables insert ZWJ, so copied names must match.
        '\u{200C}'..='\u{200F}' | '\u{061C}' | '\u{FEFF}' => None,
        '\u{0623}' | '\u{0625}' | '\u{0622}' | '\u{0671}' => Some('\u{0627}'),
        '\u{0649}' => Some('\u{064A}'),
        '\u{0629}' => Some('\u{0647}'),
        _ => Some(ascii_digit(c).unwrap_or(c)),
    }
}

fn ascii_digit(c: char) -> Option<char> {
    let base = match c {
        '\u{0660}'..='\u{0669}' => 0x0660,
        '\u{06F0}'..='\u{06F9}' => 0x06F0,
        _ => return None,
    };
    // The range match above bounds the offset to 0..=9.
    char::from_digit(u32::from(c) - base, 10)
}

/// Latin letters that NFKD does not decompose but that have a conventional
/// ASCII spelling.
fn latin_special(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' | 'ẞ' => "ss",
        'æ' | 'Æ' => "ae",
        'ø' | 'Ø' => "o",
        'œ' | 'Œ' => "oe",
        'ł' | 'Ł' => "l",
        'đ' | 'Đ' => "d",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tashkeel_is_ignored() {
        assert_eq!(normalize("كافَّة"), normalize("كافة"));
    }

    #[test]
    fn alef_forms_and_ta_marbuta() {
        assert_eq!(normalize("الأمم المتحدة"), normalize("الامم المتحده"));
        assert_eq!(normalize("إ آ ٱ أ"), "ا ا ا ا");
    }

    #[test]
    fn case_is_ignored() {
        assert_eq!(normalize("UNICEF"), normalize("unicef"));
        assert_eq!(normalize("UNICEF"), "unicef");
    }

    #[test]
    fn full_case_folding() {
        assert_eq!(normalize("Straße"), normalize("STRASSE"));
        assert_eq!(normalize("Straße"), "strasse");
    }

    #[test]
    fn arabic_digits() {
        assert_eq!(ascii_digits("٢٠٢٦-٠٣-١٥"), "2026-03-15");
        assert_eq!(normalize("٢٠٢٦-٠٣-١٥"), "2026-03-15");
        assert_eq!(ascii_digits("۲۰۲۶-۰۳-۱۵"), "2026-03-15");
        assert_eq!(normalize("۲۰۲۶-۰۳-۱۵"), "2026-03-15");
        assert_eq!(ascii_digits("Ab ٣ ك"), "Ab 3 ك");
    }

    #[test]
    fn whitespace_collapsed_and_trimmed() {
        assert_eq!(normalize("  a \t b  "), "a b");
        assert_eq!(normalize("a\u{00A0}\u{3000}\nb"), "a b");
        assert_eq!(normalize(" \t\n "), "");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn combining_hamza_and_madda() {
        // U+0653..U+0655 are excluded from the inserted-tashkeel property
        // because NFKC first composes them with a preceding alef, waw or yeh
        // (canonical equivalence wins): on alef the result then folds to ا,
        // on waw/yeh it stays ؤ/ئ, exactly as if ؤ/ئ had been typed.
        assert_eq!(normalize("\u{627}\u{654}"), "\u{627}");
        assert_eq!(normalize("\u{627}\u{653}"), "\u{627}");
        assert_eq!(normalize("\u{648}\u{654}"), normalize("ؤ"));
        assert_eq!(normalize("\u{64A}\u{654}"), normalize("ئ"));
        assert_eq!(normalize("\u{628}\u{654}"), "\u{628}");
    }

    #[test]
    fn tatweel_removed() {
        assert_eq!(normalize("كـــافة"), normalize("كافة"));
    }

    #[test]
    fn alef_maksura() {
        assert_eq!(normalize("مستشفى"), normalize("مستشفي"));
    }

    #[test]
    fn nfkc_compatibility_forms() {
        assert_eq!(normalize("ＵＮＩＣＥＦ"), "unicef");
        assert_eq!(normalize("ﬁ"), "fi");
    }

    #[test]
    fn nfc_composes_but_keeps_case_and_marks() {
        assert_eq!(nfc("Cafe\u{301}"), "Café");
        assert_eq!(nfc("كافَّة"), "كافَّة");
    }

    #[test]
    fn removed_tatweel_lets_marks_compose() {
        // One round would leave "e\u{301}"; the fixed point composes it.
        assert_eq!(normalize("e\u{640}\u{301}"), "é");
        assert_eq!(normalize(&normalize("e\u{640}\u{301}")), "é");
    }

    #[test]
    fn loose_ignores_spacing_and_punctuation() {
        assert_eq!(
            loose("Institut Mines-Telecom"),
            loose("INSTITUT Mines -Telecom")
        );
        assert_eq!(loose("Institut Mines-Telecom"), "institutminestelecom");
        assert_eq!(loose("الأمم المتحدة"), loose("الامم-المتحده"));
    }

    #[test]
    fn loose_recomposes_hangul() {
        let once = loose("\u{1100}-\u{1161}");
        assert_eq!(once, "\u{AC00}");
        assert_eq!(loose(&once), once);
    }

    #[test]
    fn slug_examples() {
        assert_eq!(
            slug("United Nations Children's Fund").as_deref(),
            Some("united-nations-children-s-fund")
        );
        assert_eq!(
            slug("Université Côte d'Azur").as_deref(),
            Some("universite-cote-d-azur")
        );
        assert_eq!(slug("اليونيسيف"), None);
        assert_eq!(slug(""), None);
        assert_eq!(slug(" -- "), None);
        assert_eq!(slug("UNICEF (اليونيسيف)").as_deref(), Some("unicef"));
        assert_eq!(
            slug("  --Hello,  World!!  ").as_deref(),
            Some("hello-world")
        );
        assert_eq!(
            slug("Straße Æsir Øre Œuvre Łódź Đakovo").as_deref(),
            Some("strasse-aesir-ore-oeuvre-lodz-dakovo")
        );
        assert_eq!(
            slug("ＫＡＩＣＩＩＤ ２０１２").as_deref(),
            Some("kaiciid-2012")
        );
    }

    #[test]
    fn slug_truncation_leaves_no_trailing_dash() {
        // 39 letters then a separator: the cut at 40 falls on the '-'.
        let name = format!("{} b", "a".repeat(39));
        let s = slug(&name);
        assert_eq!(s.as_deref(), Some("a".repeat(39).as_str()));
        let long = "International Centre for Interreligious and Intercultural Dialogue";
        let s = slug(long).unwrap_or_default();
        assert!(s.len() <= 40);
        assert!(is_valid_key(&s));
        assert_eq!(s, "international-centre-for-interreligious");
    }

    #[test]
    fn valid_keys() {
        assert!(is_valid_key("unicef"));
        assert!(is_valid_key("0-a"));
        assert!(is_valid_key("a--b-"));
        assert!(is_valid_key(&"a".repeat(64)));
        assert!(!is_valid_key(&"a".repeat(65)));
        assert!(!is_valid_key(""));
        assert!(!is_valid_key("-a"));
        assert!(!is_valid_key("Unicef"));
        assert!(!is_valid_key("uni cef"));
        assert!(!is_valid_key("é"));
        assert!(!is_valid_key("un_icef"));
    }

    #[test]
    fn every_code_point_is_idempotent_within_bound() {
        // Exhaustive over single scalar values: guards the claim behind
        // MAX_ROUNDS and catches Unicode-data surprises proptest may miss.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = c.to_string();
            let mut cur = s.clone();
            let mut rounds = 0;
            loop {
                let next = round(&cur);
                if next == cur {
                    break;
                }
                cur = next;
                rounds += 1;
                assert!(rounds <= 3, "U+{:04X} needs more rounds", u32::from(c));
            }
            // Reaching a fixed point of `round` is what idempotence rests on.
            assert_eq!(normalize(&s), cur, "U+{:04X}", u32::from(c));
        }
    }

    /// Strings biased towards the characters the rules touch, so that the
    /// properties exercise interactions rather than plain ASCII.
    fn interesting() -> impl Strategy<Value = String> {
        let pieces = prop_oneof![
            any::<char>().prop_map(String::from),
            "[a-zA-Z0-9 \t\n-]{1,3}",
            "[\u{0621}-\u{065F}\u{0660}-\u{0671}\u{06F0}-\u{06F9}]{1,3}",
            "[\u{0300}-\u{036F}\u{0345}\u{0391}-\u{03C9}\u{1F00}-\u{1FFF}]{1,3}",
            "[\u{1100}-\u{11FF}\u{AC00}-\u{AC10}]{1,3}",
            "[ßẞſﬀ-ﬆİıK Å\u{FB50}-\u{FDFF}\u{FE70}-\u{FEFF}]{1,3}",
            "[\u{00A0}\u{2000}-\u{200D}\u{2028}\u{3000}\u{FF01}-\u{FF5E}]{1,3}",
        ];
        proptest::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
    }

    #[test]
    fn invisible_joiners_and_marks_are_ignored() {
        // Tables put a ZWJ between lam and alef; a name copied from a table must still match.
        assert_eq!(
            normalize("مجلس الدانوب لل\u{200D}أديان"),
            normalize("مجلس الدانوب للأديان")
        );
        assert_eq!(normalize("\u{200F}UNICEF\u{200E}"), "unicef");
        assert_eq!(normalize("\u{FEFF}key"), "key");
    }

    proptest! {
        #[test]
        fn normalize_is_idempotent(s in interesting()) {
            let n = normalize(&s);
            prop_assert_eq!(normalize(&n), n);
        }

        #[test]
        fn normalize_is_idempotent_any(s in any::<String>()) {
            let n = normalize(&s);
            prop_assert_eq!(normalize(&n), n);
        }

        #[test]
        fn loose_is_idempotent(s in interesting()) {
            let l = loose(&s);
            prop_assert_eq!(loose(&l), l);
        }

        #[test]
        fn normalize_ignores_inserted_tashkeel(
            s in "[\u{0621}-\u{063A}\u{0641}-\u{064A} ]{0,12}",
            marks in proptest::collection::vec(
                (any::<proptest::sample::Index>(),
                 prop_oneof![
                     Just('\u{0640}'),
                     Just('\u{0670}'),
                     proptest::char::range('\u{064B}', '\u{0652}'),
                     proptest::char::range('\u{0656}', '\u{065F}'),
                 ]),
                0..6),
        ) {
            let mut chars: Vec<char> = s.chars().collect();
            for (at, mark) in marks {
                let i = at.index(chars.len() + 1);
                chars.insert(i, mark);
            }
            let marked: String = chars.into_iter().collect();
            prop_assert_eq!(normalize(&marked), normalize(&s));
        }

        #[test]
        fn ascii_case_variants_normalize_equal(s in "[ -~]{0,24}") {
            prop_assert_eq!(normalize(&s.to_ascii_uppercase()), normalize(&s.to_ascii_lowercase()));
        }

        #[test]
        fn slug_is_valid_when_some(s in interesting()) {
            if let Some(k) = slug(&s) {
                prop_assert!(is_valid_key(&k));
                prop_assert!(k.len() <= 40);
                prop_assert!(!k.ends_with('-'));
                prop_assert!(!k.contains("--"));
            }
        }

        #[test]
        fn slug_is_valid_when_some_any(s in any::<String>()) {
            if let Some(k) = slug(&s) {
                prop_assert!(is_valid_key(&k));
                prop_assert!(k.len() <= 40);
                prop_assert!(!k.ends_with('-'));
                prop_assert!(!k.contains("--"));
            }
        }

        #[test]
        fn ascii_digits_only_touches_digits(s in any::<String>()) {
            let out = ascii_digits(&s);
            prop_assert_eq!(out.chars().count(), s.chars().count());
            for (a, b) in s.chars().zip(out.chars()) {
                prop_assert!(a == b || (b.is_ascii_digit() && ascii_digit(a) == Some(b)));
            }
        }
    }
}
