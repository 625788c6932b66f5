//! The 17 Sustainable Development Goals' short names in English and Arabic.

pub const GOALS: [(&str, &str); 17] = [
    ("No poverty", "القضاء على الفقر"),
    ("Zero hunger", "القضاء التام على الجوع"),
    ("Good health and well-being", "الصحة الجيدة والرفاه"),
    ("Quality education", "التعليم الجيد"),
    ("Gender equality", "المساواة بين الجنسين"),
    (
        "Clean water and sanitation",
        "المياه النظيفة والنظافة الصحية",
    ),
    ("Affordable and clean energy", "طاقة نظيفة وبأسعار معقولة"),
    (
        "Decent work and economic growth",
        "العمل اللائق ونمو الاقتصاد",
    ),
    (
        "Industry, innovation and infrastructure",
        "الصناعة والابتكار والهياكل الأساسية",
    ),
    ("Reduced inequalities", "الحد من أوجه عدم المساواة"),
    (
        "Sustainable cities and communities",
        "مدن ومجتمعات محلية مستدامة",
    ),
    (
        "Responsible consumption and production",
        "الاستهلاك والإنتاج المسؤولان",
    ),
    ("Climate action", "العمل المناخي"),
    ("Life below water", "الحياة تحت الماء"),
    ("Life on land", "الحياة في البر"),
    (
        "Peace, justice and strong institutions",
        "السلام والعدل والمؤسسات القوية",
    ),
    ("Partnerships for the goals", "عقد الشراكات لتحقيق الأهداف"),
];

/// (English, Arabic) name of goal `n` (1..17).
pub fn name(n: usize) -> Option<(&'static str, &'static str)> {
    n.checked_sub(1).and_then(|i| GOALS.get(i)).copied()
}

/// The goals' official colours (the UN's SDG communication guidelines), goal 1 first.
pub const COLOURS: [&str; 17] = [
    "#E5243B", "#DDA63A", "#4C9F38", "#C5192D", "#FF3A21", "#26BDE2", "#FCC30B", "#A21942",
    "#FD6925", "#DD1367", "#FD9D24", "#BF8B2E", "#3F7E44", "#0A97D9", "#56C02B", "#00689D",
    "#19486A",
];
