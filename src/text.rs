//! Text normalization used to store, look up, search and de-duplicate names.
//!
//! Names are stored as typed (NFC only) so that nothing the user wrote is lost;
//! every comparison goes through [`normalize`] so that spelling variants that
//! a reader would call "the same name" (case, Arabic diacritics, alef forms,
//! digit scripts, spacing, Persian yeh and kaf) compare equal.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Version of the normalization rules; bump when the rules change (stored keys get rebuilt).
pub const NORM_VERSION: i64 = 2;

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

/// ASCII slug usable as a partner key: `[a-z0-9][a-z0-9-]*`, at most 40
/// chars, cut at the end of a word, no trailing or doubled `-`. Latin letters lose their
/// diacritics; every run of other characters becomes one `-`. `None` when nothing Latin
/// or numeric is left (a purely Arabic name, for instance).
pub fn slug(s: &str) -> Option<String> {
    slug_with(s, false)
}

/// As [`slug`], but letters and digits of other scripts are transliterated to Latin
/// (with the `deunicode` tables, Persian letters as their Arabic twins) rather than
/// dropped: `جامعة وادي السنديان` → `jm-wdy-lsndyn`. `None` when nothing is left.
pub fn transliterated_slug(s: &str) -> Option<String> {
    slug_with(s, true)
}

fn slug_with(s: &str, transliterate: bool) -> Option<String> {
    let mut out = SlugWriter::default();
    for c in s.nfkd() {
        if is_combining_mark(c) {
            // Marks belong to the preceding letter: "e\u{301}" must stay "e",
            // not become "e-".
            continue;
        }
        let lower = c.to_ascii_lowercase();
        if let Some(rep) = latin_special(c) {
            out.letters(rep);
        } else if lower.is_ascii_lowercase() || lower.is_ascii_digit() {
            out.letter(lower);
        } else if transliterate && c.is_alphanumeric() {
            out.letters(deunicode::deunicode_char(persian_fold(c)).unwrap_or(""));
        } else {
            out.separator();
        }
    }
    let cut = cut_at_word(out.out, SLUG_MAX);
    if cut.is_empty() {
        None
    } else if all_digits(&cut) {
        // Digits alone would name a partner by id ("2030" is partner 2030).
        let mut k = format!("p-{cut}");
        k.truncate(SLUG_MAX);
        Some(k)
    } else {
        Some(cut)
    }
}

/// Builds a slug: letters and digits as given, one `-` for every run of separators
/// between two of them (none leading or trailing).
#[derive(Default)]
struct SlugWriter {
    out: String,
    pending_dash: bool,
}

impl SlugWriter {
    fn letter(&mut self, c: char) {
        if self.pending_dash && !self.out.is_empty() {
            self.out.push('-');
        }
        self.pending_dash = false;
        self.out.push(c);
    }

    /// A transliteration: its ASCII letters and digits, lower-cased; a space separates
    /// (deunicode spells a CJK syllable as a word and a space), other signs it uses for
    /// a letter (` for ayn, ' for hamza, @ for ta marbuta) are dropped.
    fn letters(&mut self, rep: &str) {
        for c in rep.chars() {
            if c.is_ascii_alphanumeric() {
                self.letter(c.to_ascii_lowercase());
            } else if c == ' ' {
                self.separator();
            }
        }
    }

    fn separator(&mut self) {
        self.pending_dash = true;
    }
}

/// `slug` cut to at most `max` bytes at the last `-` (the end of a word) within them, or
/// at `max` when its first word alone is longer. The slug is ASCII, so any byte index is a
/// character boundary; it has no trailing `-`, and so neither has the cut.
fn cut_at_word(mut slug: String, max: usize) -> String {
    if slug.len() > max {
        let end = slug[..=max].rfind('-').unwrap_or(max);
        slug.truncate(end);
    }
    slug
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a name, once normalized, would be read as an id (`1`, `٣`, `１２`).
pub fn reads_as_id(s: &str) -> bool {
    normalize(s).parse::<i64>().is_ok()
}

/// true when `s` is a valid key: `^[a-z0-9][a-z0-9-]*$`, at most 64 chars, not only digits
/// (digits name a partner by id).
pub fn is_valid_key(s: &str) -> bool {
    let mut bytes = s.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    first_ok
        && !all_digits(s)
        && s.len() <= KEY_MAX
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What a key must look like, for messages.
pub const KEY_RULE: &str = "a key is lower-case letters, digits and '-', starting with a letter or digit, and not only digits (digits name partners by id), e.g. unicef or iatf-religion";

/// Direction embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they change
/// the order in which the text after them is drawn (`\u{202E}FECINU` is drawn as UNICEF).
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The direction marks LRM, RLM and ALM: they only set the direction of the neutral
/// characters beside them (punctuation in an Arabic name), never reorder letters.
pub fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): characters drawn as
/// nothing, such as zero-width spaces, the Hangul fillers (U+3164) and tag characters.
pub fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Invisible characters that real names need: the joiners of Persian, Arabic and Indic
/// spelling (ZWNJ, ZWJ), direction marks, variation selectors, the combining grapheme
/// joiner and the soft hyphen.
fn is_needed_invisible(c: char) -> bool {
    matches!(c,
        '\u{200C}' | '\u{200D}' | '\u{00AD}' | '\u{034F}' | '\u{180B}'..='\u{180D}' | '\u{180F}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
        || is_direction_mark(c)
}

/// Why a one-line name (a name, an alias) may not hold `c`, if it may not.
pub fn refused_in_name(c: char) -> Option<&'static str> {
    if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
        Some("remove line breaks and control characters")
    } else if is_direction_control(c) {
        Some("remove the direction control: it makes the text display in another order than it is stored")
    } else if is_default_ignorable(c) && !is_needed_invisible(c) {
        Some("remove the invisible character")
    } else {
        None
    }
}

/// Whether `s` holds a letter or digit that shows (not a Hangul filler, say).
pub fn has_visible_alphanumeric(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_alphanumeric() && !is_default_ignorable(c))
}

/// Whether a display must show `c` as an escape: controls (but the newline of multi-line
/// text), line and paragraph separators, and direction controls, which would move the
/// cursor, change the terminal or reorder the rest of a table row.
fn escaped_on_display(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{2028}' | '\u{2029}') || is_direction_control(c)
}

/// Text for people (tables, `show`, messages): every control character (ESC, BEL, CR, C1,
/// ...), line separator and direction control shown as `\u{1b}`, a newline kept (a CR
/// before it dropped), everything else as stored.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    escape_where(s, escaped_on_display, true)
}

/// A value quoted in an error message: as [`visible`], and newlines and every invisible
/// character shown as escapes too, so that the message shows what is wrong.
pub fn escaped(s: &str) -> std::borrow::Cow<'_, str> {
    escape_where(
        s,
        |c| escaped_on_display(c) || c == '\n' || is_default_ignorable(c),
        false,
    )
}

fn escape_where(
    s: &str,
    escape: impl Fn(char) -> bool,
    crlf_is_newline: bool,
) -> std::borrow::Cow<'_, str> {
    use std::fmt::Write as _;
    if !s.chars().any(&escape) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if crlf_is_newline && c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// A letter of `s` that belongs to another script than the letters around it in its word
/// but looks like one of theirs (the Cyrillic І in `UNІCEF`), with what it looks like and
/// the two scripts' names. Words in different scripts side by side (`UNICEF اليونيسيف`)
/// are not mixed.
pub fn mixed_script_lookalike(s: &str) -> Option<Lookalike> {
    s.split(|c: char| !(c.is_alphanumeric() || is_combining_mark(c)))
        .find_map(word_lookalike)
}

/// A letter posing as one of another script; see [`mixed_script_lookalike`].
#[derive(Debug, PartialEq)]
pub struct Lookalike {
    pub letter: char,
    pub looks_like: String,
    pub script: String,
    pub host_script: String,
}

fn word_lookalike(word: &str) -> Option<Lookalike> {
    use unicode_security::mixed_script::AugmentedScriptSet;
    if !AugmentedScriptSet::for_str(word).is_empty() {
        return None; // one script
    }
    let overlaps = |a: AugmentedScriptSet, b: AugmentedScriptSet| {
        let mut x = a;
        x.intersect_with(b);
        !x.is_empty()
    };
    // Each script of the word in turn plays host; the letters outside it must all look
    // like letters of the host for the word to be a disguise.
    word.chars().find_map(|h| {
        let host = AugmentedScriptSet::for_char(h);
        if host.is_all() {
            return None;
        }
        let mut first = None;
        for c in word.chars() {
            let set = AugmentedScriptSet::for_char(c);
            if overlaps(host, set) {
                continue;
            }
            let proto: String = unicode_security::skeleton(&c.to_string()).collect();
            let in_host = !proto.is_empty()
                && proto != c.to_string()
                && proto
                    .chars()
                    .all(|p| overlaps(host, AugmentedScriptSet::for_char(p)));
            if !in_host {
                return None;
            }
            first.get_or_insert(Lookalike {
                letter: c,
                looks_like: proto,
                script: set.base.to_string(),
                host_script: host.base.to_string(),
            });
        }
        first
    })
}

/// UTS #39 confusable skeletons of a name (after NFKC), as typed (so `I` and `l` meet) and
/// case-folded (so case does not part `Unicef` from `UNІCEF`): two names sharing one look
/// alike.
pub fn skeletons(s: &str) -> [String; 2] {
    let typed = nfkc(s.trim());
    let folded = if typed.is_ascii() {
        typed.to_ascii_lowercase()
    } else {
        caseless::default_case_fold_str(&typed)
    };
    [
        unicode_security::skeleton(&typed).collect(),
        unicode_security::skeleton(&folded).collect(),
    ]
}

fn nfkc(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() {
        s.into()
    } else {
        s.nfkc().collect::<String>().into()
    }
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
fn persian_fold(c: char) -> char {
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
    fn transliterated_slugs() {
        assert_eq!(
            transliterated_slug("جامعة وادي السنديان").as_deref(),
            Some("jm-wdy-lsndyn")
        );
        assert_eq!(
            transliterated_slug("کتابخانه ملی").as_deref(),
            transliterated_slug("كتابخانه ملي").as_deref()
        );
        assert_eq!(transliterated_slug("Москва").as_deref(), Some("moskva"));
        assert_eq!(
            transliterated_slug("東京大学").as_deref(),
            Some("dong-jing-da-xue")
        );
        // Latin parts are kept as slug keeps them; tashkeel is dropped, not spelled.
        assert_eq!(
            transliterated_slug("UNICEF (اليونيسيف)").as_deref(),
            Some("unicef-lywnysyf")
        );
        assert_eq!(transliterated_slug("مؤسَّسة"), transliterated_slug("مؤسسة"));
        assert_eq!(transliterated_slug("٢٠٣٠").as_deref(), Some("p-2030"));
        assert_eq!(transliterated_slug("☃ ★"), None);
        assert_eq!(transliterated_slug(""), None);
    }

    #[test]
    fn slugs_are_cut_at_a_word_boundary() {
        assert_eq!(
            slug("Lakeshore County Directorate for Community Cohesion").as_deref(),
            Some("lakeshore-county-directorate-for")
        );
        // A word ending exactly at the limit is kept whole.
        let name = format!("{} {}", "a".repeat(35), "bcde fgh");
        assert_eq!(slug(&name), Some(format!("{}-bcde", "a".repeat(35))));
        // A first word longer than the limit is cut inside it.
        assert_eq!(slug(&"x".repeat(50)), Some("x".repeat(40)));
        assert_eq!(cut_at_word("ab-cd".into(), 3), "ab");
        assert_eq!(cut_at_word("ab-cd".into(), 5), "ab-cd");
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
            "[\u{0621}-\u{065F}\u{0660}-\u{0671}\u{06A9}\u{06CC}\u{06F0}-\u{06F9}]{1,3}",
            "[äöüÄÖÜßa-e]{1,3}",
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

    #[test]
    fn digits_only_keys_are_not_keys() {
        assert!(!is_valid_key("1"));
        assert!(!is_valid_key("2030"));
        assert!(is_valid_key("2030-agenda"));
        assert_eq!(slug("2030").as_deref(), Some("p-2030"));
        assert_eq!(slug(" 12 / 34 ").as_deref(), Some("12-34"));
        assert_eq!(slug(&"9".repeat(50)).map(|k| k.len()), Some(40));
        assert!(reads_as_id("٣"));
        assert!(reads_as_id("１２"));
        assert!(!reads_as_id("Agenda 2030"));
    }

    #[test]
    fn refused_characters_in_names() {
        for c in [
            '\n', '\u{1b}', '\u{85}', '\u{2028}', '\u{2029}', '\u{202E}', '\u{2066}',
        ] {
            assert!(refused_in_name(c).is_some(), "{c:?}");
        }
        for c in ['\u{200B}', '\u{3164}', '\u{FEFF}', '\u{E0041}', '\u{2060}'] {
            assert!(refused_in_name(c).is_some(), "{c:?}");
        }
        for c in [
            'a', 'ا', ' ', '\u{200C}', '\u{200D}', '\u{200F}', '\u{061C}', '\u{FE0F}',
        ] {
            assert_eq!(refused_in_name(c), None, "{c:?}");
        }
        assert!(!has_visible_alphanumeric("\u{3164}\u{115F}\u{2800} -"));
        assert!(has_visible_alphanumeric("\u{3164}a"));
    }

    #[test]
    fn visible_escapes_what_would_drive_a_terminal() {
        assert_eq!(visible("plain كافة"), "plain كافة");
        assert_eq!(visible("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            visible("bel\u{7} c1\u{9b} del\u{7f}"),
            "bel\\u{7} c1\\u{9b} del\\u{7f}"
        );
        assert_eq!(
            visible("one\r\ntwo\nthree\rfour"),
            "one\ntwo\nthree\\u{d}four"
        );
        assert_eq!(visible("\u{202E}x\u{2069}"), "\\u{202e}x\\u{2069}");
        assert_eq!(visible("tab\there"), "tab\\u{9}here");
        // Joiners and marks stay: tables and Arabic text need them.
        assert_eq!(visible("ل\u{200D}ا\u{200F}"), "ل\u{200D}ا\u{200F}");
        assert_eq!(
            escaped("a\nb\u{200B}\u{200F}"),
            "a\\u{a}b\\u{200b}\\u{200f}"
        );
    }

    #[test]
    fn mixed_script_lookalikes() {
        let l = mixed_script_lookalike("UN\u{0406}CEF").unwrap();
        assert_eq!(l.letter, '\u{0406}');
        assert_eq!(l.script, "Cyrillic");
        assert_eq!(l.host_script, "Latin");
        assert!(mixed_script_lookalike("P\u{0430}yPal Inc").is_some());
        // Words of different scripts side by side, and single-script words, are normal.
        for ok in [
            "UNICEF اليونيسيف",
            "KAICIID مركز",
            "Москва",
            "東京タワー",
            "Université Côte d'Azur",
            "مركز3",
            "Ελλάδα",
        ] {
            assert_eq!(mixed_script_lookalike(ok), None, "{ok}");
        }
    }

    #[test]
    fn lookalike_skeletons_meet() {
        let meet = |a: &str, b: &str| {
            let (x, y) = (skeletons(a), skeletons(b));
            x.iter().any(|s| y.contains(s))
        };
        assert!(meet("UNICEF", "UN\u{0406}CEF"));
        assert!(meet("Unicef", "UN\u{0406}CEF"));
        assert!(meet("PayPal", "PayPaI"));
        assert!(meet("BHA", "\u{0412}\u{041D}\u{0410}"));
        assert!(!meet("UNICEF", "UNESCO"));
        assert!(!meet("UNICEF", "اليونيسيف"));
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
        fn transliterated_slug_is_valid_when_some(s in interesting()) {
            if let Some(k) = transliterated_slug(&s) {
                prop_assert!(is_valid_key(&k));
                prop_assert!(k.len() <= 40);
                prop_assert!(!k.ends_with('-'));
                prop_assert!(!k.contains("--"));
            }
        }

        #[test]
        fn transliterated_slug_is_valid_when_some_any(s in any::<String>()) {
            if let Some(k) = transliterated_slug(&s) {
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
