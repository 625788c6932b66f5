//! Partner keys: slugs derived from names, and what a valid key looks like.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::normalize::{normalize, persian_fold};

/// Longest slug [`slug`] produces: keys stay short enough to type in commands.
const SLUG_MAX: usize = 40;

/// Longest key [`is_valid_key`] accepts; wider than [`SLUG_MAX`] so that a
/// user may choose a longer key by hand.
const KEY_MAX: usize = 64;

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
    use super::super::interesting;
    use super::*;
    use proptest::prelude::*;

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

    /// A derived key: valid, at most 40 characters, no '-' at the end or twice.
    fn a_key(k: &str) -> Result<(), TestCaseError> {
        prop_assert!(is_valid_key(k));
        prop_assert!(k.len() <= 40);
        prop_assert!(!k.ends_with('-'));
        prop_assert!(!k.contains("--"));
        Ok(())
    }

    proptest! {
        #[test]
        fn slug_is_valid_when_some(s in interesting()) {
            slug(&s).map_or(Ok(()), |k| a_key(&k))?;
        }

        #[test]
        fn slug_is_valid_when_some_any(s in any::<String>()) {
            slug(&s).map_or(Ok(()), |k| a_key(&k))?;
        }

        #[test]
        fn transliterated_slug_is_valid_when_some(s in interesting()) {
            transliterated_slug(&s).map_or(Ok(()), |k| a_key(&k))?;
        }

        #[test]
        fn transliterated_slug_is_valid_when_some_any(s in any::<String>()) {
            transliterated_slug(&s).map_or(Ok(()), |k| a_key(&k))?;
        }
    }
}
