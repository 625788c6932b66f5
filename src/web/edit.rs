//! Changing a record from the browser: `/partners/KEY/edit`, `/agreements/REF/edit`,
//! `/engagements/REF/edit`, `/contacts/ID/edit` (only with `--allow-edit`). A form opens
//! holding the record's current values (a list as one box per value, dates as dates), read
//! from the store as `mou show` reads them. A sent form is set beside the record as it is now:
//! only the fields that differ become flags of `mou edit ...` (a list that changed replaces the
//! list; a field emptied is `--clear FIELD`, or `--remove-X` for each value where the command
//! has no clear for it), so a form sent unchanged changes nothing and writes no history row.
//! That command line goes through the same parser and record functions as the command.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Form, Router};

use super::forms::{form_page, input_of, record, refuse_without_edit, Input, Spec, PRIMARY_RULE};
use super::guard::check_csrf;
use super::html::{href, shown};
use super::params::{encode, Query};
use super::{with_store, Answer, App, Failure};
use crate::dates::iso;
use crate::error::Result;
use crate::store::{Access, Backend};

/// A form's fields and values, in order (a list field once per value).
type Pairs = Vec<(String, String)>;

/// How a field of an edit form is emptied.
#[derive(Clone, Copy)]
enum Empty {
    /// `--clear NAME`.
    Clear(&'static str),
    /// `--FLAG=VALUE` for each value it held (a list the command has no clear for).
    Remove(&'static str),
    /// `--FIELD=` (the command clears it, or refuses it in its own words).
    Blank,
}

/// An edit form: its page, how each field is emptied, and how to read the record's values.
pub struct EditSpec {
    spec: Spec,
    empty: &'static [(&'static str, Empty)],
    /// Whether a field's values follow the comma rule (partners, tags): each is escaped.
    comma: &'static [&'static str],
    what: What,
}

#[derive(Clone, Copy)]
enum What {
    Partner,
    Agreement,
    Engagement,
    Contact,
}

const PARTNER: EditSpec = EditSpec {
    spec: Spec {
        title: "Edit a partner",
        notice: None,
        words: &["edit", "partner"],
        positional: None,
        fields: &[
            "name", "key", "category", "country", "alias", "website", "note", "public",
        ],
    },
    empty: &[
        ("alias", Empty::Remove("remove-alias")),
        ("public", Empty::Clear("public")),
    ],
    comma: &[],
    what: What::Partner,
};

const AGREEMENT: EditSpec = EditSpec {
    spec: Spec {
        title: "Edit an agreement",
        notice: None,
        words: &["edit", "agreement"],
        positional: None,
        fields: &[
            "ref",
            "kind",
            "title",
            "partner",
            "signed",
            "effective",
            "expires",
            "term",
            "notice",
            "sdg",
            "tag",
            "note",
            "document",
            "renews",
        ],
    },
    empty: &[
        ("partner", Empty::Remove("remove-partner")),
        ("signed", Empty::Clear("signed")),
        ("expires", Empty::Clear("expires")),
        ("notice", Empty::Clear("notice")),
        ("sdg", Empty::Remove("remove-sdg")),
        ("tag", Empty::Remove("remove-tag")),
    ],
    comma: &["partner", "tag", "remove-partner", "remove-tag"],
    what: What::Agreement,
};

const ENGAGEMENT: EditSpec = EditSpec {
    spec: Spec {
        title: "Edit an engagement",
        notice: None,
        words: &["edit", "engagement"],
        positional: None,
        fields: &[
            "title",
            "on",
            "until",
            "ref",
            "kind",
            "partner",
            "place",
            "country",
            "agreement",
            "part-of",
            "sdg",
            "tag",
            "participants",
            "outcome",
            "note",
            "document",
            "cancel",
            "public",
        ],
    },
    empty: &[
        ("partner", Empty::Remove("remove-partner")),
        ("place", Empty::Clear("place")),
        ("country", Empty::Clear("country")),
        ("agreement", Empty::Clear("agreement")),
        ("part-of", Empty::Clear("part_of")),
        ("sdg", Empty::Clear("sdgs")),
        ("tag", Empty::Clear("tags")),
        ("participants", Empty::Clear("participants")),
        ("outcome", Empty::Clear("outcome")),
        ("note", Empty::Clear("notes")),
        ("document", Empty::Clear("document")),
        ("cancel", Empty::Clear("cancelled")),
        ("public", Empty::Clear("public")),
    ],
    comma: &["partner", "tag", "remove-partner"],
    what: What::Engagement,
};

const CONTACT: EditSpec = EditSpec {
    spec: Spec {
        title: "Edit a contact",
        notice: Some(PRIMARY_RULE),
        words: &["edit", "contact"],
        positional: None,
        fields: &[
            "name", "partner", "role", "email", "phone", "lang", "primary", "since", "until",
            "note",
        ],
    },
    empty: &[
        ("role", Empty::Clear("role")),
        ("email", Empty::Clear("email")),
        ("phone", Empty::Clear("phone")),
        ("lang", Empty::Clear("languages")),
        ("primary", Empty::Clear("primary")),
        ("since", Empty::Clear("since")),
        ("until", Empty::Clear("until")),
        ("note", Empty::Clear("notes")),
    ],
    comma: &[],
    what: What::Contact,
};

/// A GET and a POST handler of each edit form.
macro_rules! handlers {
    ($($spec:ident, $get:ident, $post:ident;)*) => {$(
        async fn $get(s: State<App>, p: Path<String>, q: Query) -> Answer {
            form(s, p, q, &$spec).await
        }
        async fn $post(
            s: State<App>,
            p: Path<String>,
            q: Query,
            f: Form<Vec<(String, String)>>,
        ) -> Answer {
            sent(s, p, q, f, &$spec).await
        }
    )*};
}

handlers! {
    PARTNER, partner_form, partner_sent;
    AGREEMENT, agreement_form, agreement_sent;
    ENGAGEMENT, engagement_form, engagement_sent;
    CONTACT, contact_form, contact_sent;
}

pub fn routes() -> Router<App> {
    Router::new()
        .route("/partners/{key}/edit", get(partner_form).post(partner_sent))
        .route(
            "/agreements/{reference}/edit",
            get(agreement_form).post(agreement_sent),
        )
        .route(
            "/engagements/{reference}/edit",
            get(engagement_form).post(engagement_sent),
        )
        .route("/contacts/{id}/edit", get(contact_form).post(contact_sent))
}

fn on(b: bool) -> Option<String> {
    b.then(|| "on".to_string())
}

/// The record's values as the form holds them, in the form's field names, and the address of
/// its page; `None` when there is no such record.
fn current(
    ctx: &crate::commands::Ctx,
    store: &dyn Backend,
    what: What,
    name: &str,
) -> Result<Option<(Pairs, String)>> {
    let mut v: Vec<(&str, Option<String>)> = Vec::new();
    let page = match what {
        What::Partner => {
            let Ok(p) = store.try_find_partner(name)? else {
                return Ok(None);
            };
            v.push(("name", Some(p.name)));
            v.push(("key", Some(p.key.clone())));
            v.push(("category", Some(p.category.to_string())));
            v.push(("country", p.country));
            v.extend(p.aliases.into_iter().map(|a| ("alias", Some(a))));
            v.push(("website", p.website));
            v.push(("note", p.notes));
            v.push(("public", on(p.public)));
            format!("/partners/{}", encode(&p.key))
        }
        What::Agreement => {
            let Some((a, _)) = store.try_find_agreement(name, ctx.as_of)? else {
                return Ok(None);
            };
            v.push(("ref", Some(a.reference.clone())));
            v.push(("kind", Some(a.kind.to_string())));
            v.push(("title", Some(a.title)));
            v.extend(a.parties.into_iter().map(|p| ("partner", Some(p))));
            v.push(("signed", a.signed_on.map(iso)));
            v.push(("effective", a.effective_on.map(iso)));
            v.push(("expires", a.expires_on.map(iso)));
            v.push(("notice", a.notice_days.map(|d| format!("{d}d"))));
            v.extend(a.sdgs.iter().map(|n| ("sdg", Some(n.to_string()))));
            v.extend(a.tags.into_iter().map(|t| ("tag", Some(t))));
            v.push(("note", a.notes));
            v.push(("document", a.document));
            v.push(("renews", a.renews));
            format!("/agreements/{}", encode(&a.reference))
        }
        What::Engagement => {
            let Some((e, _)) = store.try_find_engagement(name, ctx.as_of)? else {
                return Ok(None);
            };
            v.push(("title", Some(e.title)));
            v.push(("on", Some(iso(e.starts_on))));
            v.push(("until", Some(iso(e.ends_on))));
            v.push(("ref", Some(e.reference.clone())));
            v.push(("kind", Some(e.kind.to_string())));
            v.extend(e.partners.into_iter().map(|p| ("partner", Some(p))));
            v.push(("place", e.place));
            v.push(("country", e.country));
            v.push(("agreement", e.agreement));
            v.push(("part-of", e.part_of));
            v.extend(e.sdgs.iter().map(|n| ("sdg", Some(n.to_string()))));
            v.extend(e.tags.into_iter().map(|t| ("tag", Some(t))));
            v.push(("participants", e.participants.map(|n| n.to_string())));
            v.push(("outcome", e.outcome));
            v.push(("note", e.notes));
            v.push(("document", e.document));
            v.push(("cancel", on(e.cancelled)));
            v.push(("public", on(e.public)));
            format!("/engagements/{}", encode(&e.reference))
        }
        What::Contact => {
            let id = crate::text::ascii_digits(name.trim()).parse::<i64>();
            let Some(c) = id
                .ok()
                .map(|id| store.contact_by_id(id))
                .transpose()?
                .flatten()
            else {
                return Ok(None);
            };
            v.push(("name", Some(c.name)));
            v.push(("partner", Some(c.partner.clone())));
            v.push(("role", c.role));
            v.push(("email", c.email));
            v.push(("phone", c.phone));
            v.extend(c.languages.into_iter().map(|l| ("lang", Some(l))));
            v.push(("primary", on(c.primary)));
            v.push(("since", c.since.map(iso)));
            v.push(("until", c.until.map(iso)));
            v.push(("note", c.notes));
            format!("/partners/{}", encode(&c.partner))
        }
    };
    let pairs = v
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
        .collect();
    Ok(Some((pairs, page)))
}

/// A value as the comma rule reads it back as that one value.
fn comma_escaped(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        if matches!(c, '\\' | ',' | '"') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The values of `field` in `pairs`, line breaks as `\n` (a text area sends `\r\n`), empty
/// ones left out.
fn values_of(pairs: &[(String, String)], field: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, v)| k == field && !v.trim().is_empty())
        .map(|(_, v)| v.replace("\r\n", "\n"))
        .collect()
}

/// `mou edit WHAT TARGET` with a flag for each field `sent` holds otherwise than `now` (a
/// field not sent at all is left alone); the flags alone (empty when nothing differs).
fn changes(e: &EditSpec, now: &[(String, String)], sent: &[(String, String)]) -> Vec<String> {
    let mut flags = Vec::new();
    let value = |flag: &str, v: &str| {
        if e.comma.contains(&flag) {
            format!("--{flag}={}", comma_escaped(v))
        } else {
            format!("--{flag}={v}")
        }
    };
    for f in e.spec.fields {
        // A field the form did not send at all is left as it is (a browser sends every
        // field of the page's form, an emptied one as "").
        if !sent.iter().any(|(k, _)| k == f) {
            continue;
        }
        let (was, is) = (values_of(now, f), values_of(sent, f));
        let check = matches!(input_of(e.spec.words, f).0, Input::Check);
        let (was, is) = if check {
            (
                vec![(!was.is_empty()).to_string()],
                vec![(!is.is_empty()).to_string()],
            )
        } else {
            (was, is)
        };
        if was == is {
            continue;
        }
        let empty = e
            .empty
            .iter()
            .find(|(k, _)| k == f)
            .map_or(Empty::Blank, |(_, how)| *how);
        if check && is == ["true"] {
            flags.push(format!("--{f}"));
        } else if is.is_empty() || check {
            match empty {
                Empty::Clear(name) => flags.push(format!("--clear={name}")),
                Empty::Remove(flag) => flags.extend(was.iter().map(|v| value(flag, v))),
                Empty::Blank => flags.push(format!("--{f}=")),
            }
        } else {
            flags.extend(is.iter().map(|v| value(f, v)));
        }
    }
    flags
}

async fn read(
    app: &App,
    e: &'static EditSpec,
    name: String,
    q: &Query,
) -> std::result::Result<(Pairs, String), Failure> {
    let what = e.what;
    let shown_name = shown(&name);
    let found = with_store(app, Access::Read, move |ctx, store| {
        current(ctx, &*store, what, &name)
    })
    .await
    .map_err(|err| Failure::of(err, q.lang))?;
    found.ok_or_else(|| {
        Failure::status(
            StatusCode::NOT_FOUND,
            q.lang,
            format!(
                "mou: no {} is named '{shown_name}'",
                e.spec.words.last().copied().unwrap_or("record")
            ),
        )
    })
}

fn action(e: &EditSpec, name: &str) -> String {
    let base = match e.what {
        What::Partner => "partners",
        What::Agreement => "agreements",
        What::Engagement => "engagements",
        What::Contact => "contacts",
    };
    format!("/{base}/{}/edit", encode(name))
}

async fn form(
    State(app): State<App>,
    Path(name): Path<String>,
    q: Query,
    e: &'static EditSpec,
) -> Answer {
    refuse_without_edit(&app, q.lang)?;
    let (values, _) = read(&app, e, name.clone(), &q).await?;
    let page = form_page(&app, &e.spec, &action(e, &name), q.lang, &values, None);
    Ok(page.into_response())
}

async fn sent(
    State(app): State<App>,
    Path(name): Path<String>,
    q: Query,
    Form(sent): Form<Vec<(String, String)>>,
    e: &'static EditSpec,
) -> Answer {
    refuse_without_edit(&app, q.lang)?;
    check_csrf(&app, &sent)?;
    let (now, page) = read(&app, e, name.clone(), &q).await?;
    let flags = changes(e, &now, &sent);
    if flags.is_empty() {
        let to = href(q.lang, &page);
        return Ok((StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response());
    }
    let mut argv: Vec<String> = vec!["mou".into()];
    argv.extend(e.spec.words.iter().map(|w| w.to_string()));
    argv.extend(flags);
    argv.push("--".into());
    argv.push(name.clone());
    record(app, &e.spec, &action(e, &name), argv, q.lang, &sent).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn only_what_differs_becomes_a_flag() {
        let now = pairs(&[
            ("title", "Old"),
            ("partner", "unicef"),
            ("tag", "a, b"),
            ("tag", "water"),
            ("note", "line\nbreak"),
        ]);
        let same = pairs(&[
            ("csrf", "x"),
            ("title", "Old"),
            ("partner", "unicef"),
            ("partner", ""),
            ("tag", "a, b"),
            ("tag", "water"),
            ("note", "line\r\nbreak"),
        ]);
        assert!(changes(&AGREEMENT, &now, &same).is_empty());
        let changed = pairs(&[
            ("title", "New"),
            ("partner", "unicef"),
            ("tag", "a, b"),
            ("note", ""),
            ("signed", ""),
        ]);
        assert_eq!(
            changes(&AGREEMENT, &now, &changed),
            ["--title=New", "--tag=a\\, b", "--note="]
        );
        let untagged = pairs(&[("title", "Old"), ("tag", ""), ("tag", "")]);
        assert_eq!(
            changes(&AGREEMENT, &now, &untagged),
            ["--remove-tag=a\\, b", "--remove-tag=water"]
        );
    }

    #[test]
    fn a_switch_turned_off_is_cleared() {
        let now = pairs(&[("title", "T"), ("cancel", "on"), ("sdg", "4")]);
        let sent = pairs(&[
            ("title", "T"),
            ("sdg", ""),
            ("cancel", ""),
            ("public", ""),
            ("public", "on"),
        ]);
        assert_eq!(
            changes(&ENGAGEMENT, &now, &sent),
            ["--clear=sdgs", "--clear=cancelled", "--public"]
        );
    }
}
