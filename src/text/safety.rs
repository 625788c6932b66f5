//! Text safety: invisible and direction characters refused in names, controls shown as
//! visible escapes, and letters of one script posing as another's (lookalikes).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
