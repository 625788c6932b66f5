//! The words the generator draws from: categories, names, titles, notes. Changing any of them
//! changes the data: bump `GENERATOR_VERSION` in `data/mod.rs`.

pub const CATEGORIES: [(&str, u64); 7] = [
    ("government", 15),
    ("intergovernmental", 5),
    ("academic", 20),
    ("religious", 25),
    ("ngo", 20),
    ("grassroots", 10),
    ("other", 5),
];

pub const COUNTRIES: [&str; 20] = [
    "AT", "DE", "FR", "GB", "US", "SA", "AE", "EG", "JO", "LB", "MA", "TN", "ES", "IT", "CH", "NG",
    "KE", "ID", "PK", "IN",
];

/// (English name, Arabic name, acronym) templates per category; the partner's index is appended.
pub fn name_templates(category: &str) -> &'static [(&'static str, &'static str, &'static str)] {
    match category {
        "government" => &[
            ("Ministry of Culture", "وزارة الثقافة", "MOC"),
            ("Ministry of Foreign Affairs", "وزارة الخارجية", "MFA"),
            ("Municipality of the Capital", "أمانة العاصمة", "MUN"),
        ],
        "intergovernmental" => &[
            (
                "UN Inter-Agency Task Force",
                "فرقة العمل الأممية المشتركة",
                "IATF",
            ),
            (
                "Regional Development Office",
                "المكتب الإقليمي للتنمية",
                "RDO",
            ),
            (
                "Children's Fund Country Office",
                "مكتب صندوق الطفولة",
                "CFO",
            ),
        ],
        "academic" => &[
            (
                "University Institute for Dialogue",
                "معهد الجامعة للحوار",
                "UID",
            ),
            ("Faculty of Theology", "كلية الدراسات الدينية", "FOT"),
            ("Centre for Peace Studies", "مركز دراسات السلام", "CPS"),
        ],
        "religious" => &[
            ("Interfaith Council", "مجلس الحوار بين الأديان", "IFC"),
            (
                "Council of Religious Leaders",
                "مجلس القيادات الدينية",
                "CRL",
            ),
            (
                "Religions for Peace Chapter",
                "فرع أديان من أجل السلام",
                "RFP",
            ),
        ],
        "ngo" => &[
            ("Peace Foundation", "مؤسسة السلام", "PF"),
            (
                "Humanitarian Relief Association",
                "جمعية الإغاثة الإنسانية",
                "HRA",
            ),
            ("Social Cohesion Network", "شبكة التماسك الاجتماعي", "SCN"),
        ],
        "grassroots" => &[
            ("Youth Network", "شبكة الشباب", "YN"),
            ("Women Mediators Circle", "دائرة الوسيطات", "WMC"),
            ("Neighbourhood Initiative", "مبادرة الحي", "NI"),
        ],
        _ => &[
            ("Media Partners", "شركاء الإعلام", "MP"),
            ("Cultural Exchange Fund", "صندوق التبادل الثقافي", "CEF"),
        ],
    }
}

pub const PARTNER_NOTES: [&str; 6] = [
    "Signed at the World Humanitarian Summit, Istanbul",
    "Focal point: \"Dr. Amal\", external relations",
    "Contact through the embassy.\nRenewal under discussion",
    "شريك في أسبوع الوئام العالمي بين الأديان، ٢٠١٧",
    "Joint side event at the UN General Assembly, New York",
    "Expert meeting, \"World Interfaith Harmony Week\"",
];

/// (kind, ref prefix, English title prefix, Arabic title prefix)
pub type Kind = (&'static str, &'static str, &'static str, &'static str);

pub const KINDS: [(Kind, u64); 4] = [
    (
        (
            "mou",
            "MOU",
            "Memorandum of Understanding on",
            "مذكرة تفاهم بشأن",
        ),
        70,
    ),
    (
        (
            "agreement",
            "AGREEMENT",
            "Cooperation Agreement on",
            "اتفاقية تعاون في مجال",
        ),
        15,
    ),
    (("loi", "LOI", "Letter of Intent on", "خطاب نوايا بشأن"), 10),
    (("other", "OTHER", "Framework for", "إطار عمل بشأن"), 5),
];

pub const TOPICS: [(&str, &str); 10] = [
    ("interreligious dialogue", "الحوار بين أتباع الأديان"),
    ("youth, peace and security", "الشباب والسلام والأمن"),
    (
        "education for global citizenship",
        "التعليم من أجل المواطنة العالمية",
    ),
    ("social cohesion", "التماسك الاجتماعي"),
    ("hate speech prevention", "الوقاية من خطاب الكراهية"),
    ("refugee and migrant inclusion", "دمج اللاجئين والمهاجرين"),
    ("the 2030 Agenda", "خطة التنمية المستدامة لعام 2030"),
    (
        "capacity building for religious leaders",
        "بناء قدرات القيادات الدينية",
    ),
    ("child protection", "حماية الطفل"),
    ("women in peacebuilding", "دور المرأة في بناء السلام"),
];

pub const TAGS: [&str; 10] = [
    "advocacy",
    "capacity-building",
    "dialogue",
    "education",
    "events",
    "humanitarian",
    "media",
    "research",
    "training",
    "youth",
];

pub const AGREEMENT_NOTES: [&str; 6] = [
    "Annual work plan attached",
    "Funded by the partner, in kind",
    "Renewal to be discussed at the \"steering committee\"",
    "تم التوقيع خلال القمة العالمية للعمل الإنساني",
    "Side event, UN General Assembly",
    "Budget: see annex 2; contact the focal point",
];

pub const NEWLINE_NOTES: [&str; 2] = [
    "Signed in two originals.\nArabic and English texts equally authentic",
    "ملاحظة أولى\nملاحظة ثانية",
];

pub const TERMINATION_REASONS: [&str; 4] = [
    "Partner dissolved",
    "Mutual consent, objectives met",
    "Replaced by a new \"framework agreement\"",
    "إنهاء بالتراضي",
];
