//! The frame of every page, the words of the page in English and Arabic, and tables of
//! cells. maud escapes every value; stored text is also shown with its control and direction
//! characters as visible escapes (as the command line prints it), inside `<bdi>`, so that a
//! name in one script never reorders the text around it.

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use maud::{html, Markup, DOCTYPE};

use super::params::encode;
use super::Lang;
use crate::output::Cell;

const STYLE: &str = include_str!("style.css");

pub async fn style() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE)
}

/// A word of the page in `lang`; a column name without a translation is shown as it is.
pub fn t(lang: Lang, key: &str) -> String {
    if lang == Lang::En {
        return en(key).unwrap_or(key).to_string();
    }
    ar(key).or_else(|| en(key)).unwrap_or(key).to_string()
}

fn en(key: &str) -> Option<&'static str> {
    Some(match key {
        "dashboard" => "Dashboard",
        "partners" => "Partners",
        "agreements" => "Agreements",
        "engagements" => "Engagements",
        "nav_due" => "Due",
        "search" => "Search",
        "search_hint" => "name, alias, title or ref",
        "filter" => "Filter",
        "download" => "Download",
        "next" => "Next page",
        "first" => "First page",
        "none" => "Nothing matches.",
        "contacts" => "Current contacts",
        "parties" => "Parties",
        "chain" => "Renewal chain",
        "held_under" => "Engagements held under it",
        "due_soon" => "Due in the next 90 days",
        "figures" => "Figures",
        "milestone" => "Milestone",
        "quarterly" => "Quarterly report",
        "calendar" => "Calendar",
        "error" => "Error",
        "edit" => "Edit",
        "add" => "Add",
        "save" => "Save",
        "language" => "العربية",
        "add contact" => "Add a contact",
        "add agreement" => "Add an agreement",
        "add engagement" => "Add an engagement",
        "edit contact" => "Edit contact",
        "renew" => "Renew",
        "terminate" => "Terminate",
        // Column headings (the export's column names) for people.
        "id" => "Id",
        "key" => "Key",
        "name" => "Name",
        "aliases" => "Aliases",
        "category" => "Category",
        "country" => "Country",
        "website" => "Web site",
        "notes" => "Notes",
        "public" => "Public",
        "created_at" => "Created",
        "updated_at" => "Updated",
        "ref" => "Ref",
        "kind" => "Kind",
        "title" => "Title",
        "signed_on" => "Signed",
        "effective_on" => "In effect from",
        "expires_on" => "Expires",
        "terminated_on" => "Terminated",
        "termination_reason" => "Reason for termination",
        "notice_days" => "Notice (days)",
        "renews" => "Renews",
        "sdgs" => "SDGs",
        "tags" => "Tags",
        "document" => "Document",
        "status" => "Status",
        "starts_on" => "Starts",
        "ends_on" => "Ends",
        "place" => "Place",
        "agreement" => "Agreement",
        "part_of" => "Part of",
        "participants" => "Participants",
        "outcome" => "Outcome",
        "cancelled" => "Cancelled",
        "partner" => "Partner",
        "role" => "Role",
        "email" => "Email",
        "phone" => "Phone",
        "languages" => "Languages",
        "primary" => "Primary",
        "since" => "Since",
        "until" => "Until",
        "days_left" => "Days left",
        "due" => "Due",
        "due_on" => "Due on",
        "notice_on" => "Notice date",
        // Form fields (named as the flags).
        "alias" => "Alias",
        "note" => "Note",
        "signed" => "Signed on",
        "effective" => "In effect from",
        "expires" => "Expires on",
        "term" => "Term (e.g. 3y)",
        "notice" => "Notice (e.g. 90d)",
        "sdg" => "SDG",
        "tag" => "Tag",
        "on" => "On",
        "part-of" => "Part of",
        "lang" => "Language",
        "cancel" => "Cancelled",
        "reason" => "Reason",
        _ => return None,
    })
}

fn ar(key: &str) -> Option<&'static str> {
    Some(match key {
        "dashboard" => "لوحة المتابعة",
        "partners" => "الشركاء",
        "agreements" => "الاتفاقيات",
        "engagements" => "الأنشطة المشتركة",
        "nav_due" => "المستحق",
        "search" => "بحث",
        "search_hint" => "اسم أو اسم بديل أو عنوان أو مرجع",
        "filter" => "تصفية",
        "download" => "تنزيل",
        "next" => "الصفحة التالية",
        "first" => "الصفحة الأولى",
        "none" => "لا توجد نتائج.",
        "contacts" => "جهات الاتصال الحالية",
        "parties" => "الأطراف",
        "chain" => "سلسلة التجديد",
        "held_under" => "الأنشطة المنفذة في إطارها",
        "due_soon" => "المستحق خلال 90 يومًا",
        "figures" => "الأرقام",
        "milestone" => "الإنجاز",
        "quarterly" => "التقرير الفصلي",
        "calendar" => "التقويم",
        "error" => "خطأ",
        "edit" => "تعديل",
        "add" => "إضافة",
        "save" => "حفظ",
        "language" => "English",
        "add contact" => "إضافة جهة اتصال",
        "add agreement" => "إضافة اتفاقية",
        "renew" => "تجديد",
        "terminate" => "إنهاء",
        "website" => "الموقع الإلكتروني",
        "notes" => "ملاحظات",
        "note" => "ملاحظة",
        "public" => "علني",
        "created_at" => "أُنشئ في",
        "updated_at" => "حُدّث في",
        "partner" => "الشريك",
        "id" => "الرقم",
        "primary" => "رئيسي",
        "languages" => "اللغات",
        "effective_on" => "تاريخ السريان",
        "terminated_on" => "تاريخ الإنهاء",
        "termination_reason" => "سبب الإنهاء",
        "notice_days" => "أيام الإشعار",
        "renews" => "يجدد",
        "sdgs" => "أهداف التنمية المستدامة",
        "tags" => "الوسوم",
        "document" => "الوثيقة",
        "ends_on" => "تاريخ الانتهاء",
        "participants" => "المشاركون",
        "outcome" => "النتيجة",
        "cancelled" => "ملغى",
        "days_left" => "الأيام المتبقية",
        "due_on" => "تاريخ الاستحقاق",
        "count" => "العدد",
        "figure" => "الرقم",
        "key" => "المفتاح",
        "name" => "الاسم",
        "category" => "الفئة",
        "country" => "البلد",
        "aliases" => "الأسماء البديلة",
        "ref" => "المرجع",
        "kind" => "النوع",
        "title" => "العنوان",
        "signed_on" => "تاريخ التوقيع",
        "expires_on" => "تاريخ الانتهاء",
        "status" => "الحالة",
        "starts_on" => "تاريخ البدء",
        "place" => "المكان",
        "role" => "الدور",
        "email" => "البريد الإلكتروني",
        "phone" => "الهاتف",
        "add engagement" => "إضافة نشاط مشترك",
        "Add a partner" => "إضافة شريك",
        "Add an agreement" => "إضافة اتفاقية",
        "Add a contact" => "إضافة جهة اتصال",
        "Add an engagement" => "إضافة نشاط مشترك",
        "Edit a partner" => "تعديل شريك",
        "Edit an agreement" => "تعديل اتفاقية",
        "Edit an engagement" => "تعديل نشاط مشترك",
        "Edit a contact" => "تعديل جهة اتصال",
        "Terminate" => "إنهاء الاتفاقية",
        "Renew" => "تجديد الاتفاقية",
        "edit contact" => "تعديل جهة الاتصال",
        "agreement" => "الاتفاقية",
        "part_of" => "جزء من",
        "since" => "منذ",
        "until" => "حتى",
        "due" => "المستحق",
        "notice_on" => "تاريخ الإشعار",
        "alias" => "اسم بديل",
        "signed" => "تاريخ التوقيع",
        "effective" => "تاريخ السريان",
        "expires" => "تاريخ الانتهاء",
        "term" => "المدة (مثل 3y)",
        "notice" => "مهلة الإشعار (مثل 90d)",
        "sdg" => "هدف التنمية المستدامة",
        "tag" => "وسم",
        "on" => "في",
        "part-of" => "جزء من",
        "lang" => "اللغة",
        "cancel" => "ملغى",
        "reason" => "السبب",
        _ => return None,
    })
}

/// A value of a closed vocabulary in `column` (why an agreement is due, a status, an
/// agreement's kind) in Arabic; English pages show the words as the command line prints them.
fn value_word(lang: Lang, column: &str, value: &str) -> Option<&'static str> {
    if lang != Lang::Ar {
        return None;
    }
    Some(match (column, value) {
        ("due", "expires") => "ينتهي",
        ("due", "notice date") => "موعد الإشعار",
        ("due", "notice date passed") => "فات موعد الإشعار",
        ("status", "draft") => "مسودة",
        ("status", "pending") => "لم تدخل حيز النفاذ",
        ("status", "active") => "سارية",
        ("status", "expired") => "منتهية",
        ("status", "terminated") => "مُنهاة",
        ("status", "planned") => "مخطط له",
        ("status", "ongoing") => "جارٍ",
        ("status", "held") => "نُفّذ",
        ("status", "cancelled") => "ملغى",
        ("public" | "primary" | "cancelled", "true") => "نعم",
        ("public" | "primary" | "cancelled", "false") => "لا",
        _ => return None,
    })
}

/// Stored text as people see it: control and direction characters as visible escapes.
pub fn shown(s: &str) -> String {
    crate::text::visible(s).into_owned()
}

/// A link to a page of this view, keeping the page's language.
pub fn href(lang: Lang, path: &str) -> String {
    match lang {
        Lang::En => path.to_string(),
        Lang::Ar => {
            let sep = if path.contains('?') { '&' } else { '?' };
            format!("{path}{sep}lang=ar")
        }
    }
}

/// The page of a record named in a cell of `column`, if the column names one.
fn record_link(column: &str, text: &str) -> Option<String> {
    let base = match column {
        "key" | "partner" => "/partners/",
        "ref" | "renews" => "/agreements/",
        "agreement" => "/agreements/",
        "part_of" => "/engagements/",
        _ => return None,
    };
    Some(format!("{base}{}", encode(text)))
}

/// A table of `rows` (cells of `all` columns), showing the `shown` columns; refs and keys
/// link to their records (`refs_to` overrides where a `ref` column points).
pub fn table(
    lang: Lang,
    all: &[&str],
    shown_columns: &[&str],
    rows: &[Vec<Cell>],
    refs_to: &str,
) -> Markup {
    if rows.is_empty() {
        return html! { p { (t(lang, "none")) } };
    }
    let index: Vec<(usize, &str)> = shown_columns
        .iter()
        .filter_map(|c| all.iter().position(|a| a == c).map(|i| (i, *c)))
        .collect();
    html! {
        table {
            thead { tr { @for (_, c) in &index { th scope="col" { (t(lang, c)) } } } }
            tbody {
                @for row in rows {
                    tr {
                        @for (i, c) in &index {
                            td class=(class_of(c)) { (cell(lang, c, &row[*i], refs_to)) }
                        }
                    }
                }
            }
        }
    }
}

fn class_of(column: &str) -> &'static str {
    match column {
        "status" => "status",
        "ref" | "key" | "signed_on" | "expires_on" | "starts_on" | "ends_on" | "due_on" => "word",
        "days_left" | "count" | "participants" => "n",
        _ => "text",
    }
}

/// One cell: linked when it names a record (each party of a list on its own).
pub fn cell(lang: Lang, column: &str, value: &Cell, refs_to: &str) -> Markup {
    let column = if column == "ref" && !refs_to.is_empty() {
        refs_to
    } else {
        column
    };
    let items: Vec<String> = match value {
        Cell::List(v) => v.clone(),
        other => vec![other.display_joined(", ")],
    };
    let comma = if lang == Lang::Ar { "، " } else { ", " };
    let link_column = match column {
        "parties" | "partners" => "partner",
        c => c,
    };
    html! {
        @for (n, item) in items.iter().enumerate() {
            @if n > 0 { (comma) }
            @match (record_link(link_column, item).filter(|_| !item.is_empty()), value_word(lang, column, item)) {
                (Some(to), _) => a href=(href(lang, &to)) { bdi { (shown(item)) } },
                (None, Some(word)) => span title=(item) { (word) },
                (None, None) => bdi { (shown(item)) },
            }
        }
    }
}

/// Field and value rows of one record, leaving out empty values.
pub fn fields(lang: Lang, columns: &[&str], cells: &[Cell]) -> Markup {
    html! {
        table class="record" {
            @for (c, v) in columns.iter().zip(cells) {
                @if !v.display_joined(", ").is_empty() {
                    tr { th scope="row" { (t(lang, c)) } td { (cell(lang, c, v, "")) } }
                }
            }
        }
    }
}

/// The whole page: title, the menu, the search box, `body`.
pub fn page(lang: Lang, title: &str, body: Markup) -> Markup {
    let (code, dir) = match lang {
        Lang::En => ("en", "ltr"),
        Lang::Ar => ("ar", "rtl"),
    };
    let other = match lang {
        Lang::En => "?lang=ar",
        Lang::Ar => "?lang=en",
    };
    html! {
        (DOCTYPE)
        html lang=(code) dir=(dir) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — mou" }
                link rel="stylesheet" href="/style.css";
            }
            body {
                header {
                    nav {
                        a href=(href(lang, "/")) { (t(lang, "dashboard")) }
                        a href=(href(lang, "/partners")) { (t(lang, "partners")) }
                        a href=(href(lang, "/agreements")) { (t(lang, "agreements")) }
                        a href=(href(lang, "/engagements")) { (t(lang, "engagements")) }
                        a href=(href(lang, "/due")) { (t(lang, "nav_due")) }
                        a href=(other) lang=(if lang == Lang::En { "ar" } else { "en" }) { (t(lang, "language")) }
                    }
                    form method="get" action="/partners" role="search" {
                        @if lang == Lang::Ar { input type="hidden" name="lang" value="ar"; }
                        input type="search" name="search" aria-label=(t(lang, "search"))
                            placeholder=(t(lang, "search_hint"));
                        button type="submit" { (t(lang, "search")) }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

pub fn failure_page(lang: Lang, status: StatusCode, message: &str) -> Markup {
    let title = format!("{} {}", t(lang, "error"), status.as_u16());
    page(
        lang,
        &title,
        html! { pre class="error" { bdi { (message) } } },
    )
}
