//! The normalization rules: [`normalize`], [`loose`] and the folds they apply.

use unicode_normalization::UnicodeNormalization;

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
/// Persian ی → ي and ک → ك, Arabic-Indic digits → ASCII, whitespace runs collapsed to one
/// space, trimmed.
///
/// Idempotent: the result is a fixed point of one normalization round, and a
/// fixed point is returned unchanged by the first round of the next call.
pub fn normalize(s: &str) -> String {
    fixed_point(s.to_owned(), round)
}

/// "Loose" form for near-duplicate detection: [`normalize`], then only
/// alphanumeric characters are kept, and the German umlauts spelled out (ä → ae, ö → oe,
/// ü → ue; ß is already ss), so that Universitaet Wien meets Universität Wien.
pub fn loose(s: &str) -> String {
    // Dropping separators can put two characters side by side that compose
    // (Hangul jamo, for one), so the result has to be re-normalized until
    // stable; otherwise loose(loose(x)) could differ from loose(x).
    fixed_point(s.to_owned(), |t| {
        let mut out = String::with_capacity(t.len());
        for c in normalize(t).chars().filter(|c| c.is_alphanumeric()) {
            match umlaut_spelled_out(c) {
                Some(rep) => out.push_str(rep),
                None => out.push(c),
            }
        }
        out
    })
}

/// The German spelling of an umlaut without it (after case folding, so lower case only).
fn umlaut_spelled_out(c: char) -> Option<&'static str> {
    Some(match c {
        'ä' => "ae",
        'ö' => "oe",
        'ü' => "ue",
        _ => return None,
    })
}

/// Replace Arabic-Indic and Eastern Arabic-Indic digits with ASCII digits,
/// leaving everything else (used before parsing dates/numbers).
pub fn ascii_digits(s: &str) -> String {
    s.chars().map(|c| ascii_digit(c).unwrap_or(c)).collect()
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
        '\u{06CC}' | '\u{06A9}' => Some(persian_fold(c)),
        _ => Some(ascii_digit(c).unwrap_or(c)),
    }
}

/// The Persian yeh and kaf (ی U+06CC, ک U+06A9) as the Arabic letters they stand for
/// (ي U+064A, ك U+0643): one name typed on a Persian or an Arabic keyboard.
pub(super) fn persian_fold(c: char) -> char {
    match c {
        '\u{06CC}' => '\u{064A}',
        '\u{06A9}' => '\u{0643}',
        _ => c,
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

#[cfg(test)]
mod tests {
    use super::super::interesting;
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
    fn persian_yeh_and_kaf_fold_to_arabic() {
        assert_eq!(normalize("\u{6A9}\u{6CC}"), "\u{643}\u{64A}");
        assert_eq!(normalize("یونیسف"), normalize("يونيسف"));
        // Their presentation forms too (NFKC brings them to the letters first).
        assert_eq!(normalize("\u{FB8E}\u{FBFC}"), "\u{643}\u{64A}");
        assert_eq!(loose("کتاب ملی"), loose("كتاب-ملي"));
    }

    #[test]
    fn loose_spells_umlauts_out() {
        assert_eq!(loose("Universität Wien"), loose("Universitaet Wien"));
        assert_eq!(loose("ÖSTERREICH Über"), "oesterreichueber");
        assert_eq!(loose("Straße"), loose("Strasse"));
        // The lookup form keeps them: Müller and Mueller are two names.
        assert_ne!(normalize("Müller"), normalize("Mueller"));
        assert_eq!(normalize("MÜLLER"), "müller");
        // Only the German umlauts: a French diaeresis is not spelled out.
        assert_eq!(loose("Noël"), "noël");
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
        fn ascii_digits_only_touches_digits(s in any::<String>()) {
            let out = ascii_digits(&s);
            prop_assert_eq!(out.chars().count(), s.chars().count());
            for (a, b) in s.chars().zip(out.chars()) {
                prop_assert!(a == b || (b.is_ascii_digit() && ascii_digit(a) == Some(b)));
            }
        }
    }
}
