//! The milestone sentence of `mou report`: a count of partners said the way
//! an external-relations page says it ("more than twelve organisations"), in
//! English and in Arabic.

/// Round numbers a count is rounded down to once it is above twelve.
pub const MILESTONES: [u64; 22] = [
    10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 2000,
    5000, 10000,
];

/// Counts up to this are said exactly; a reader can check a small number.
const EXACT_MAX: u64 = 12;

/// How a count is said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Said {
    Exactly(u64),
    MoreThan(u64),
}

/// Exactly up to twelve; above, "more than" the largest milestone strictly
/// below `n` (so 15 is "more than twelve": a milestone is never claimed as
/// exceeded when it is only reached).
pub fn said(n: u64) -> Said {
    if n <= EXACT_MAX {
        return Said::Exactly(n);
    }
    // n > 12 >= MILESTONES[1], so a smaller milestone always exists; the
    // fallback only keeps this total without a panic path.
    let m = MILESTONES
        .iter()
        .rev()
        .copied()
        .find(|&m| m < n)
        .unwrap_or(EXACT_MAX);
    Said::MoreThan(m)
}

/// Output language of the milestone sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ar,
}

impl Lang {
    /// The language's key in reports: `en`, `ar`.
    pub fn key(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }
}

/// English count phrase: "twelve organisations", "one organisation",
/// "more than one hundred and fifty organisations"; 0 gives "no organisations".
pub fn count_en(n: u64) -> String {
    match said(n) {
        Said::Exactly(0) => "no organisations".to_owned(),
        Said::Exactly(1) => "one organisation".to_owned(),
        Said::Exactly(k) => format!("{} organisations", words_en(k)),
        Said::MoreThan(m) => format!("more than {} organisations", words_en(m)),
    }
}

/// Arabic count phrase in the genitive (after «مع» or «أكثر من») with the
/// feminine counted noun منظمة; empty for 0, which the sentence words
/// differently.
pub fn count_ar(n: u64) -> String {
    match said(n) {
        Said::Exactly(0) => String::new(),
        Said::Exactly(k) => phrase_ar(k),
        Said::MoreThan(m) => format!("أكثر من {}", phrase_ar(m)),
    }
}

/// "Formal partnerships with more than twelve organisations through
/// memoranda of understanding (MoUs)."
pub fn sentence_en(n: u64) -> String {
    if n == 0 {
        return "No formal partnerships through memoranda of understanding (MoUs) yet.".to_owned();
    }
    format!(
        "Formal partnerships with {} through memoranda of understanding (MoUs).",
        count_en(n)
    )
}

/// «أبرمنا شراكات رسمية مع أكثر من اثنتي عشرة منظمة عبر مذكرات التفاهم.»
pub fn sentence_ar(n: u64) -> String {
    if n == 0 {
        return "لم نبرم بعد شراكات رسمية عبر مذكرات التفاهم.".to_owned();
    }
    format!("أبرمنا شراكات رسمية مع {} عبر مذكرات التفاهم.", count_ar(n))
}

/// The milestone sentence in the chosen language.
pub fn sentence(n: u64, lang: Lang) -> String {
    match lang {
        Lang::En => sentence_en(n),
        Lang::Ar => sentence_ar(n),
    }
}

/// "Joint activities with more than twenty organisations in the last twelve months."
pub fn engagement_sentence_en(n: u64) -> String {
    if n == 0 {
        return "No joint activities with organisations in the last twelve months.".to_owned();
    }
    format!(
        "Joint activities with {} in the last twelve months.",
        count_en(n)
    )
}

/// «نفذنا أنشطة مشتركة مع أكثر من عشرين منظمة خلال الأشهر الاثني عشر الماضية.»
pub fn engagement_sentence_ar(n: u64) -> String {
    if n == 0 {
        return "لم ننفذ أنشطة مشتركة مع منظمات خلال الأشهر الاثني عشر الماضية.".to_owned();
    }
    format!(
        "نفذنا أنشطة مشتركة مع {} خلال الأشهر الاثني عشر الماضية.",
        count_ar(n)
    )
}

/// The engagement milestone sentence (partners engaged in the last twelve months) in the
/// chosen language: the same milestones and grammar as [`sentence`].
pub fn engagement_sentence(n: u64, lang: Lang) -> String {
    match lang {
        Lang::En => engagement_sentence_en(n),
        Lang::Ar => engagement_sentence_ar(n),
    }
}

/// Words for the numbers [`said`] can produce: 1..=12 and the milestones.
fn words_en(n: u64) -> String {
    let w = match n {
        1 => "one",
        2 => "two",
        3 => "three",
        4 => "four",
        5 => "five",
        6 => "six",
        7 => "seven",
        8 => "eight",
        9 => "nine",
        10 => "ten",
        11 => "eleven",
        12 => "twelve",
        15 => "fifteen",
        20 => "twenty",
        25 => "twenty-five",
        30 => "thirty",
        40 => "forty",
        50 => "fifty",
        60 => "sixty",
        75 => "seventy-five",
        100 => "one hundred",
        150 => "one hundred and fifty",
        200 => "two hundred",
        250 => "two hundred and fifty",
        300 => "three hundred",
        400 => "four hundred",
        500 => "five hundred",
        750 => "seven hundred and fifty",
        1000 => "one thousand",
        2000 => "two thousand",
        5000 => "five thousand",
        10000 => "ten thousand",
        // Not reachable through `said`; digits keep the output truthful
        // rather than panicking if the milestone list grows.
        _ => return n.to_string(),
    };
    w.to_owned()
}

/// Number and counted noun together, because in Arabic the noun's form
/// depends on the number: dual منظمتين, plural منظمات for 3..10, singular
/// منظمة from 11 up. Genitive throughout (the phrase follows a preposition),
/// and the number's gender is the reverse of the noun's for 3..10.
fn phrase_ar(n: u64) -> String {
    let p = match n {
        1 => "منظمة واحدة",
        2 => "منظمتين",
        3 => "ثلاث منظمات",
        4 => "أربع منظمات",
        5 => "خمس منظمات",
        6 => "ست منظمات",
        7 => "سبع منظمات",
        8 => "ثماني منظمات",
        9 => "تسع منظمات",
        10 => "عشر منظمات",
        11 => "إحدى عشرة منظمة",
        12 => "اثنتي عشرة منظمة",
        15 => "خمس عشرة منظمة",
        20 => "عشرين منظمة",
        25 => "خمس وعشرين منظمة",
        30 => "ثلاثين منظمة",
        40 => "أربعين منظمة",
        50 => "خمسين منظمة",
        60 => "ستين منظمة",
        75 => "خمس وسبعين منظمة",
        100 => "مئة منظمة",
        150 => "مئة وخمسين منظمة",
        // Dual in construct with the noun: the nun drops (مئتي، ألفي).
        200 => "مئتي منظمة",
        // Not in construct (the next word is وخمسين), so the nun stays.
        250 => "مئتين وخمسين منظمة",
        300 => "ثلاثمئة منظمة",
        400 => "أربعمئة منظمة",
        500 => "خمسمئة منظمة",
        750 => "سبعمئة وخمسين منظمة",
        1000 => "ألف منظمة",
        2000 => "ألفي منظمة",
        // ألف is masculine, so 5 and 10 take the feminine form before آلاف.
        5000 => "خمسة آلاف منظمة",
        10000 => "عشرة آلاف منظمة",
        // Not reachable through `said`; see words_en.
        _ => return format!("{n} منظمة"),
    };
    p.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row of the DESIGN table, completed: 0..=12 exactly, and for each
    /// milestone M both n = M and n = M + 1, plus a few values in between and
    /// the largest u64. Written out by hand, not computed.
    const ROWS: &[(u64, &str, &str)] = &[
        (0, "no organisations", ""),
        (1, "one organisation", "منظمة واحدة"),
        (2, "two organisations", "منظمتين"),
        (3, "three organisations", "ثلاث منظمات"),
        (4, "four organisations", "أربع منظمات"),
        (5, "five organisations", "خمس منظمات"),
        (6, "six organisations", "ست منظمات"),
        (7, "seven organisations", "سبع منظمات"),
        (8, "eight organisations", "ثماني منظمات"),
        (9, "nine organisations", "تسع منظمات"),
        (10, "ten organisations", "عشر منظمات"),
        (11, "eleven organisations", "إحدى عشرة منظمة"),
        (12, "twelve organisations", "اثنتي عشرة منظمة"),
        (
            13,
            "more than twelve organisations",
            "أكثر من اثنتي عشرة منظمة",
        ),
        (
            15,
            "more than twelve organisations",
            "أكثر من اثنتي عشرة منظمة",
        ),
        (
            16,
            "more than fifteen organisations",
            "أكثر من خمس عشرة منظمة",
        ),
        (
            20,
            "more than fifteen organisations",
            "أكثر من خمس عشرة منظمة",
        ),
        (21, "more than twenty organisations", "أكثر من عشرين منظمة"),
        (25, "more than twenty organisations", "أكثر من عشرين منظمة"),
        (
            26,
            "more than twenty-five organisations",
            "أكثر من خمس وعشرين منظمة",
        ),
        (
            30,
            "more than twenty-five organisations",
            "أكثر من خمس وعشرين منظمة",
        ),
        (31, "more than thirty organisations", "أكثر من ثلاثين منظمة"),
        (40, "more than thirty organisations", "أكثر من ثلاثين منظمة"),
        (41, "more than forty organisations", "أكثر من أربعين منظمة"),
        (50, "more than forty organisations", "أكثر من أربعين منظمة"),
        (51, "more than fifty organisations", "أكثر من خمسين منظمة"),
        (60, "more than fifty organisations", "أكثر من خمسين منظمة"),
        (61, "more than sixty organisations", "أكثر من ستين منظمة"),
        (75, "more than sixty organisations", "أكثر من ستين منظمة"),
        (
            76,
            "more than seventy-five organisations",
            "أكثر من خمس وسبعين منظمة",
        ),
        (
            100,
            "more than seventy-five organisations",
            "أكثر من خمس وسبعين منظمة",
        ),
        (
            101,
            "more than one hundred organisations",
            "أكثر من مئة منظمة",
        ),
        (
            150,
            "more than one hundred organisations",
            "أكثر من مئة منظمة",
        ),
        (
            151,
            "more than one hundred and fifty organisations",
            "أكثر من مئة وخمسين منظمة",
        ),
        (
            200,
            "more than one hundred and fifty organisations",
            "أكثر من مئة وخمسين منظمة",
        ),
        (
            201,
            "more than two hundred organisations",
            "أكثر من مئتي منظمة",
        ),
        (
            250,
            "more than two hundred organisations",
            "أكثر من مئتي منظمة",
        ),
        (
            251,
            "more than two hundred and fifty organisations",
            "أكثر من مئتين وخمسين منظمة",
        ),
        (
            300,
            "more than two hundred and fifty organisations",
            "أكثر من مئتين وخمسين منظمة",
        ),
        (
            301,
            "more than three hundred organisations",
            "أكثر من ثلاثمئة منظمة",
        ),
        (
            400,
            "more than three hundred organisations",
            "أكثر من ثلاثمئة منظمة",
        ),
        (
            401,
            "more than four hundred organisations",
            "أكثر من أربعمئة منظمة",
        ),
        (
            500,
            "more than four hundred organisations",
            "أكثر من أربعمئة منظمة",
        ),
        (
            501,
            "more than five hundred organisations",
            "أكثر من خمسمئة منظمة",
        ),
        (
            750,
            "more than five hundred organisations",
            "أكثر من خمسمئة منظمة",
        ),
        (
            751,
            "more than seven hundred and fifty organisations",
            "أكثر من سبعمئة وخمسين منظمة",
        ),
        (
            1000,
            "more than seven hundred and fifty organisations",
            "أكثر من سبعمئة وخمسين منظمة",
        ),
        (
            1001,
            "more than one thousand organisations",
            "أكثر من ألف منظمة",
        ),
        (
            2000,
            "more than one thousand organisations",
            "أكثر من ألف منظمة",
        ),
        (
            2001,
            "more than two thousand organisations",
            "أكثر من ألفي منظمة",
        ),
        (
            5000,
            "more than two thousand organisations",
            "أكثر من ألفي منظمة",
        ),
        (
            5001,
            "more than five thousand organisations",
            "أكثر من خمسة آلاف منظمة",
        ),
        (
            10000,
            "more than five thousand organisations",
            "أكثر من خمسة آلاف منظمة",
        ),
        (
            10001,
            "more than ten thousand organisations",
            "أكثر من عشرة آلاف منظمة",
        ),
        (
            14,
            "more than twelve organisations",
            "أكثر من اثنتي عشرة منظمة",
        ),
        (
            99,
            "more than seventy-five organisations",
            "أكثر من خمس وسبعين منظمة",
        ),
        (
            123456,
            "more than ten thousand organisations",
            "أكثر من عشرة آلاف منظمة",
        ),
        (
            18446744073709551615,
            "more than ten thousand organisations",
            "أكثر من عشرة آلاف منظمة",
        ),
    ];

    #[test]
    fn table_covers_every_milestone() {
        for m in MILESTONES {
            assert!(ROWS.iter().any(|r| r.0 == m), "{m} missing");
            assert!(ROWS.iter().any(|r| r.0 == m + 1), "{} missing", m + 1);
        }
        for n in 0..=12 {
            assert!(ROWS.iter().any(|r| r.0 == n), "{n} missing");
        }
    }

    #[test]
    fn english_count_table() {
        for &(n, en, _) in ROWS {
            assert_eq!(count_en(n), en, "n = {n}");
        }
    }

    #[test]
    fn arabic_count_table() {
        for &(n, _, ar) in ROWS {
            assert_eq!(count_ar(n), ar, "n = {n}");
        }
    }

    #[test]
    fn sentences_for_every_row() {
        for &(n, en, ar) in ROWS.iter().filter(|r| r.0 > 0) {
            assert_eq!(
                sentence_en(n),
                format!("Formal partnerships with {en} through memoranda of understanding (MoUs)."),
                "n = {n}"
            );
            assert_eq!(
                sentence_ar(n),
                format!("أبرمنا شراكات رسمية مع {ar} عبر مذكرات التفاهم."),
                "n = {n}"
            );
            assert_eq!(sentence(n, Lang::En), sentence_en(n));
            assert_eq!(sentence(n, Lang::Ar), sentence_ar(n));
        }
    }

    #[test]
    fn engagement_sentences_for_every_row() {
        for &(n, en, ar) in ROWS.iter().filter(|r| r.0 > 0) {
            assert_eq!(
                engagement_sentence(n, Lang::En),
                format!("Joint activities with {en} in the last twelve months."),
                "n = {n}"
            );
            assert_eq!(
                engagement_sentence(n, Lang::Ar),
                format!("نفذنا أنشطة مشتركة مع {ar} خلال الأشهر الاثني عشر الماضية."),
                "n = {n}"
            );
        }
        assert_eq!(
            engagement_sentence(21, Lang::En),
            "Joint activities with more than twenty organisations in the last twelve months."
        );
        assert_eq!(
            engagement_sentence(21, Lang::Ar),
            "نفذنا أنشطة مشتركة مع أكثر من عشرين منظمة خلال الأشهر الاثني عشر الماضية."
        );
        assert_eq!(
            engagement_sentence(0, Lang::En),
            "No joint activities with organisations in the last twelve months."
        );
        assert_eq!(
            engagement_sentence(0, Lang::Ar),
            "لم ننفذ أنشطة مشتركة مع منظمات خلال الأشهر الاثني عشر الماضية."
        );
    }

    #[test]
    fn design_examples() {
        assert_eq!(
            sentence(13, Lang::En),
            "Formal partnerships with more than twelve organisations through memoranda of understanding (MoUs)."
        );
        assert_eq!(
            sentence(13, Lang::Ar),
            "أبرمنا شراكات رسمية مع أكثر من اثنتي عشرة منظمة عبر مذكرات التفاهم."
        );
        assert_eq!(
            sentence_en(16),
            "Formal partnerships with more than fifteen organisations through memoranda of understanding (MoUs)."
        );
        assert_eq!(
            sentence_ar(16),
            "أبرمنا شراكات رسمية مع أكثر من خمس عشرة منظمة عبر مذكرات التفاهم."
        );
        assert_eq!(
            sentence_en(101),
            "Formal partnerships with more than one hundred organisations through memoranda of understanding (MoUs)."
        );
        assert_eq!(
            sentence_ar(101),
            "أبرمنا شراكات رسمية مع أكثر من مئة منظمة عبر مذكرات التفاهم."
        );
    }

    #[test]
    fn zero() {
        assert_eq!(
            sentence(0, Lang::En),
            "No formal partnerships through memoranda of understanding (MoUs) yet."
        );
        assert_eq!(
            sentence(0, Lang::Ar),
            "لم نبرم بعد شراكات رسمية عبر مذكرات التفاهم."
        );
        assert_eq!(count_ar(0), "");
        assert_eq!(count_en(0), "no organisations");
    }

    #[test]
    fn said_boundaries() {
        assert_eq!(said(0), Said::Exactly(0));
        assert_eq!(said(12), Said::Exactly(12));
        assert_eq!(said(13), Said::MoreThan(12));
        assert_eq!(said(15), Said::MoreThan(12));
        assert_eq!(said(16), Said::MoreThan(15));
        assert_eq!(said(101), Said::MoreThan(100));
        assert_eq!(said(10_000), Said::MoreThan(5000));
        assert_eq!(said(10_001), Said::MoreThan(10_000));
        assert_eq!(said(u64::MAX), Said::MoreThan(10_000));
    }

    #[test]
    fn said_never_overstates() {
        for n in 0..=20_000u64 {
            match said(n) {
                Said::Exactly(k) => assert!(k == n && n <= 12),
                Said::MoreThan(m) => {
                    assert!(m < n && n > 12 && MILESTONES.contains(&m));
                    assert!(!MILESTONES.iter().any(|&x| m < x && x < n));
                }
            }
        }
    }

    #[test]
    fn milestones_ascend() {
        assert!(MILESTONES.windows(2).all(|w| w[0] < w[1]));
    }
}
