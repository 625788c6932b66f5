//! The words of the HTML reports and the public page, in English and Arabic: headings, the
//! names of the figures, and the vocabularies (categories, kinds, statuses) as people read
//! them. Numbers stay in Western digits in both languages, as the registry stores them.

use crate::milestone::Lang;
use crate::model::{Category, Kind, Status};

/// `en` or `ar` as `lang` asks.
pub fn tr(lang: Lang, en: &'static str, ar: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ar => ar,
    }
}

/// The kind of organisation, in the plural, as a page lists them.
pub fn category(c: Category, lang: Lang) -> &'static str {
    match c {
        Category::Government => tr(lang, "Governments", "جهات حكومية"),
        Category::Intergovernmental => tr(lang, "Intergovernmental bodies", "منظمات حكومية دولية"),
        Category::Academic => tr(
            lang,
            "Universities and academic institutions",
            "جامعات ومؤسسات أكاديمية",
        ),
        Category::Religious => tr(lang, "Religious organisations", "منظمات دينية"),
        Category::Ngo => tr(lang, "NGOs", "منظمات غير حكومية"),
        Category::Grassroots => tr(lang, "Grassroots organisations", "منظمات مجتمعية"),
        Category::Other => tr(lang, "Other organisations", "منظمات أخرى"),
    }
}

pub fn kind(k: Kind, lang: Lang) -> &'static str {
    match k {
        Kind::Mou => tr(lang, "MoUs", "مذكرات تفاهم"),
        Kind::Agreement => tr(lang, "Agreements", "اتفاقيات"),
        Kind::Loi => tr(lang, "Letters of intent", "خطابات نوايا"),
        Kind::Other => tr(lang, "Other instruments", "صكوك أخرى"),
    }
}

pub fn status(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Draft => tr(lang, "Draft", "مسودة"),
        Status::Pending => tr(lang, "Pending", "لم تدخل حيز النفاذ"),
        Status::Active => tr(lang, "Active", "سارية"),
        Status::Expired => tr(lang, "Expired", "منتهية"),
        Status::Terminated => tr(lang, "Terminated", "مُنهاة"),
    }
}

/// A quarterly figure's name (its JSON key), for people.
pub fn figure(key: &str, lang: Lang) -> &'static str {
    match key {
        "signed" => tr(lang, "Signed", "وُقّعت"),
        "effective" => tr(lang, "Took effect", "دخلت حيز النفاذ"),
        "expired" => tr(lang, "Expired", "انتهت"),
        "terminated" => tr(lang, "Terminated", "أُنهيت"),
        "renewed" => tr(lang, "Renewed", "جُدّدت"),
        "active_at_end" => tr(lang, "Active at the end", "سارية في نهاية الربع"),
        "expiring_next_quarter" => tr(lang, "Expiring next quarter", "تنتهي في الربع التالي"),
        "new_partners" => tr(lang, "New partners", "شركاء جدد"),
        "engagements_held" => tr(lang, "Engagements held", "أنشطة مشتركة نُفّذت"),
        "partners_engaged" => tr(lang, "Partners engaged", "شركاء في الأنشطة"),
        "participants" => tr(lang, "Participants", "المشاركون"),
        _ => tr(lang, "Other figure", "رقم آخر"),
    }
}

/// "SDG 16" / "الهدف 16".
pub fn sdg_short(n: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("SDG {n}"),
        Lang::Ar => format!("الهدف {n}"),
    }
}

/// The goal's name in `lang`.
pub fn sdg_name(n: usize, lang: Lang) -> &'static str {
    crate::sdg::name(n).map_or("", |(en, ar)| tr(lang, en, ar))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_both_languages() {
        for c in Category::ALL {
            assert_ne!(category(*c, Lang::En), category(*c, Lang::Ar));
        }
        for k in Kind::ALL {
            assert_ne!(kind(*k, Lang::En), kind(*k, Lang::Ar));
        }
        for s in Status::ALL {
            assert_ne!(status(*s, Lang::En), status(*s, Lang::Ar));
        }
        for f in [
            "signed",
            "effective",
            "expired",
            "terminated",
            "renewed",
            "active_at_end",
            "expiring_next_quarter",
            "new_partners",
        ] {
            assert_ne!(figure(f, Lang::En), "Other figure", "{f}");
        }
        assert_eq!(sdg_name(16, Lang::Ar), "السلام والعدل والمؤسسات القوية");
    }
}
