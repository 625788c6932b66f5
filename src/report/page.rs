//! The public partnerships page (`mou report page`): the milestone sentences, the kinds of
//! organisations worked with, and a section per public partner with its public engagements.
//! The value holds only what may be shown: public partners, public engagements that are not
//! cancelled, and for an engagement's other partners the names of the public ones and a count
//! of the rest, who go unnamed.

use serde::Serialize;
use std::io::Write;

use super::words::{self, tr};
use crate::error::Result;
use crate::milestone::Lang;
use crate::model::{Category, Partner};
use crate::output::html::{display, escape, Page};

#[derive(Debug, Serialize)]
pub struct PublicPage {
    pub lang: &'static str,
    pub as_of: String,
    /// The MoU and the engagement milestone sentences, in the page's language.
    pub milestones: Vec<String>,
    /// The kinds of organisation the registry's partners are, in vocabulary order.
    pub kinds: Vec<Category>,
    pub partners: Vec<PublicPartner>,
    /// Public engagements none of whose partners is public.
    pub other_engagements: Vec<PublicEngagement>,
}

#[derive(Debug, Serialize)]
pub struct PublicPartner {
    pub key: String,
    /// In the page's language ([`name_in`]).
    pub name: String,
    pub category: Category,
    pub country: Option<String>,
    pub engagements: Vec<PublicEngagement>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicEngagement {
    pub reference: String,
    pub title: String,
    pub starts_on: String,
    pub ends_on: String,
    pub place: Option<String>,
    pub sdgs: Vec<u8>,
    /// Every public partner of it, by key, with its name in the page's language.
    pub partners: Vec<(String, String)>,
    /// How many of its partners are not public.
    pub unnamed: usize,
}

fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || (c.is_alphabetic() && ('\u{00C0}'..='\u{024F}').contains(&c))
}

/// Whether `text` is written in `lang`'s script: its first letter is.
fn in_script(text: &str, lang: Lang) -> bool {
    text.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(|c| match lang {
            Lang::En => is_latin(c),
            Lang::Ar => is_arabic(c),
        })
}

/// A partner's name in `lang`: the name if in that script, else its first alias that is,
/// else the name.
pub fn name_in(p: &Partner, lang: Lang) -> &str {
    if in_script(&p.name, lang) {
        return &p.name;
    }
    p.aliases
        .iter()
        .find(|a| in_script(a, lang))
        .unwrap_or(&p.name)
}

/// "2016-05-23", or "2016-05-23 – 2016-05-24" for more than a day.
fn days(e: &PublicEngagement) -> String {
    if e.starts_on == e.ends_on {
        e.starts_on.clone()
    } else {
        format!("{} – {}", e.starts_on, e.ends_on)
    }
}

/// An engagement as one list item: title, dates, place, goals, the other partners.
fn engagement_item(e: &PublicEngagement, except: Option<&str>, lang: Lang) -> String {
    let mut s = format!(
        "<li data-ref=\"{}\"><strong><bdi>{}</bdi></strong> · <time datetime=\"{}\">{}</time>",
        escape(&e.reference),
        escape(&e.title),
        escape(&e.starts_on),
        display(&days(e))
    );
    if let Some(place) = &e.place {
        s.push_str(&format!(" · <bdi>{}</bdi>", escape(place)));
    }
    let others: Vec<String> = e
        .partners
        .iter()
        .filter(|(k, _)| Some(k.as_str()) != except)
        .map(|(_, n)| format!("<bdi>{}</bdi>", escape(n)))
        .collect();
    let unnamed = match (e.unnamed, lang) {
        (0, _) => None,
        (1, Lang::En) => Some("one other partner".to_string()),
        (n, Lang::En) => Some(format!("{n} other partners")),
        (1, Lang::Ar) => Some("شريك آخر".to_string()),
        (2, Lang::Ar) => Some("شريكان آخران".to_string()),
        (n, Lang::Ar) => Some(format!("{n} من الشركاء الآخرين")),
    };
    if !others.is_empty() || unnamed.is_some() {
        let mut with = others;
        with.extend(unnamed);
        s.push_str(&format!(
            "<br><span class=\"with\">{} {}</span>",
            tr(lang, "With", "بالتعاون مع"),
            with.join(tr(lang, ", ", "، "))
        ));
    }
    if !e.sdgs.is_empty() {
        let goals: Vec<String> = e
            .sdgs
            .iter()
            .map(|n| {
                let n = usize::from(*n);
                format!(
                    "<span class=\"swatch\" style=\"background:{}\"></span>{} {}",
                    crate::sdg::COLOURS
                        .get(n.wrapping_sub(1))
                        .unwrap_or(&"#777"),
                    escape(&words::sdg_short(n, lang)),
                    escape(words::sdg_name(n, lang))
                )
            })
            .collect();
        s.push_str(&format!(
            "<br><span class=\"sdgs\">{}</span>",
            goals.join(" · ")
        ));
    }
    s.push_str("</li>\n");
    s
}

fn engagement_list(
    page: &mut Page<'_>,
    list: &[PublicEngagement],
    except: Option<&str>,
    lang: Lang,
) -> Result<()> {
    let mut html = String::from("<ul class=\"items\">\n");
    for e in list {
        html.push_str(&engagement_item(e, except, lang));
    }
    html.push_str("</ul>\n");
    page.raw(&html)?;
    Ok(())
}

/// Writes the page.
pub fn write_page(out: &mut dyn Write, v: &PublicPage, lang: Lang) -> Result<()> {
    let title = tr(
        lang,
        "Partnerships and external relations",
        "الشراكات والعلاقات الخارجية",
    );
    let mut page = Page::begin(out, lang.key(), title)?;
    page.heading(1, title)?;
    for m in &v.milestones {
        page.para("milestone", None, m)?;
    }
    page.heading(
        2,
        tr(
            lang,
            "The organisations we work with",
            "الجهات التي نعمل معها",
        ),
    )?;
    let mut kinds = String::from("<ul class=\"kinds\">\n");
    for c in &v.kinds {
        kinds.push_str(&format!(
            "<li data-key=\"{}\">{}</li>\n",
            c,
            escape(words::category(*c, lang))
        ));
    }
    kinds.push_str("</ul>\n");
    page.raw(&kinds)?;
    page.heading(2, tr(lang, "Our partners", "شركاؤنا"))?;
    for p in &v.partners {
        page.raw(&format!(
            "<section class=\"partner\" data-key=\"{}\">\n<h3><bdi>{}</bdi></h3>\n<p class=\"sub\">{}{}</p>\n",
            escape(&p.key),
            escape(&p.name),
            escape(words::category(p.category, lang)),
            p.country
                .as_deref()
                .map(|c| format!(" · {}", escape(c)))
                .unwrap_or_default()
        ))?;
        if p.engagements.is_empty() {
            page.para(
                "sub",
                None,
                tr(lang, "No public activities yet.", "لا توجد أنشطة معلنة بعد."),
            )?;
        } else {
            engagement_list(&mut page, &p.engagements, Some(&p.key), lang)?;
        }
        page.close_section()?;
    }
    if !v.other_engagements.is_empty() {
        page.heading(2, tr(lang, "Other joint activities", "أنشطة مشتركة أخرى"))?;
        engagement_list(&mut page, &v.other_engagements, None, lang)?;
    }
    page.end()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partner(name: &str, aliases: &[&str]) -> Partner {
        Partner {
            id: 1,
            key: "k".into(),
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            category: Category::Ngo,
            country: None,
            website: None,
            notes: None,
            public: true,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn names_in_the_page_language() {
        let p = partner("United Nations Children's Fund", &["UNICEF", "اليونيسيف"]);
        assert_eq!(name_in(&p, Lang::En), "United Nations Children's Fund");
        assert_eq!(name_in(&p, Lang::Ar), "اليونيسيف");
        let p = partner("جامعة وادي السنديان", &["جامعة", "Oak Valley University"]);
        assert_eq!(name_in(&p, Lang::En), "Oak Valley University");
        assert_eq!(name_in(&p, Lang::Ar), "جامعة وادي السنديان");
        let p = partner("Universität Wien", &[]);
        assert_eq!(name_in(&p, Lang::Ar), "Universität Wien");
        assert_eq!(name_in(&partner("123 Ärzte", &[]), Lang::En), "123 Ärzte");
    }
}
