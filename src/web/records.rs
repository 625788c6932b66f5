//! One record's page: a partner with its agreements, engagements and current contacts; an
//! agreement with its parties, renewal chain and the engagements held under it; an
//! engagement with its partners. The same reads as `mou show`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use maud::{html, Markup};

use super::html::{fields, href, page, shown, t, table};
use super::lists::PAGE;
use super::params::{encode, Query};
use super::{with_store, Answer, App, Failure};
use crate::output::Cell;
use crate::query::ContactFilter;
use crate::records::{
    agreement_cells, contact_cells, engagement_cells, partner_cells, AGREEMENT_COLUMNS,
    AGREEMENT_TABLE, CONTACT_COLUMNS, CONTACT_TABLE, ENGAGEMENT_COLUMNS, ENGAGEMENT_TABLE,
    PARTNER_COLUMNS,
};
use crate::store::Access;

fn missing(q: &Query, what: &str, name: &str) -> Failure {
    Failure::status(
        StatusCode::NOT_FOUND,
        q.lang,
        format!("mou: no {what} is named '{}'", shown(name)),
    )
}

/// The links that change a record, under `--allow-edit`.
fn edit_links(app: &App, q: &Query, links: &[(&str, String)]) -> Markup {
    html! {
        @if app.allow_edit {
            p class="downloads" {
                @for (label, to) in links { a href=(href(q.lang, to)) { (t(q.lang, label)) } }
            }
        }
    }
}

pub async fn partner(State(app): State<App>, Path(key): Path<String>, q: Query) -> Answer {
    let lang = q.lang;
    let name = key.clone();
    let found = with_store(&app, Access::Read, move |ctx, store| {
        let Ok(p) = store.try_find_partner(&name)? else {
            return Ok(None);
        };
        // Through the party index, the first page only (the rest: the agreements list of
        // this partner), so that a partner of thousands of agreements is a quick page.
        let ids = store.agreement_ids_of_partner(p.id)?;
        let mut agreements = (Vec::new(), ids.len());
        for id in ids.into_iter().take(PAGE) {
            if let Some((a, s)) = store.agreement_by_id(id, ctx.as_of)? {
                agreements.0.push(agreement_cells(a, s));
            }
        }
        let ids = store.engagement_ids_of_partner(p.id)?;
        let mut engagements = (Vec::new(), ids.len());
        for id in ids.into_iter().take(PAGE) {
            if let Some((e, s)) = store.engagement_by_id(id, ctx.as_of)? {
                engagements.0.push(engagement_cells(e, s));
            }
        }
        let mut contacts = Vec::new();
        let current = ContactFilter {
            partners: vec![p.id],
            former: false,
            ..ContactFilter::all(ctx.as_of)
        };
        store.scan_contacts(&current, &mut |c| {
            contacts.push(contact_cells(c));
            Ok(())
        })?;
        Ok(Some((p, agreements, engagements, contacts)))
    })
    .await
    .map_err(|e| Failure::of(e, lang))?;
    let Some((p, agreements, engagements, contacts)) = found else {
        return Err(missing(&q, "partner", &key));
    };
    let k = encode(&p.key);
    let title = shown(&p.name);
    let contact_name = CONTACT_COLUMNS
        .iter()
        .position(|c| *c == "name")
        .unwrap_or(0);
    let body = html! {
        (edit_links(&app, &q, &[
            ("edit", format!("/partners/{k}/edit")),
            ("add contact", format!("/contacts/new?partner={k}")),
            ("add agreement", format!("/agreements/new?partner={k}")),
            ("add engagement", format!("/engagements/new?partner={k}")),
        ]))
        (fields(lang, PARTNER_COLUMNS, &partner_cells(p.clone())))
        p class="downloads" {
            (t(lang, "download")) ": "
            a href=(format!("/agreements.csv?partner={k}")) download { (t(lang, "agreements")) " (CSV)" }
        }
        h2 { (t(lang, "agreements")) " (" (agreements.1) ")" }
        (table(lang, AGREEMENT_COLUMNS, AGREEMENT_TABLE, &agreements.0, ""))
        @if agreements.1 > PAGE {
            p class="pager" { a href=(href(lang, &format!("/agreements?partner={k}"))) { (t(lang, "next")) } }
        }
        h2 { (t(lang, "engagements")) " (" (engagements.1) ")" }
        (table(lang, ENGAGEMENT_COLUMNS, ENGAGEMENT_TABLE, &engagements.0, "part_of"))
        @if engagements.1 > PAGE {
            p class="pager" { a href=(href(lang, &format!("/engagements?partner={k}"))) { (t(lang, "next")) } }
        }
        h2 { (t(lang, "contacts")) " (" (contacts.len()) ")" }
        (table(lang, CONTACT_COLUMNS, CONTACT_TABLE, &contacts, ""))
        @if app.allow_edit && !contacts.is_empty() {
            ul class="edit-links" {
                @for c in &contacts {
                    li { a href=(href(lang, &format!("/contacts/{}/edit", c[0].display_joined("")))) {
                        (t(lang, "edit contact")) " " bdi { (shown(&c[contact_name].display_joined(""))) }
                    } }
                }
            }
        }
    };
    Ok(page(lang, &title, body).into_response())
}

pub async fn agreement(State(app): State<App>, Path(reference): Path<String>, q: Query) -> Answer {
    let lang = q.lang;
    let name = reference.clone();
    let found = with_store(&app, Access::Read, move |ctx, store| {
        let Some((a, status)) = store.try_find_agreement(&name, ctx.as_of)? else {
            return Ok(None);
        };
        let mut parties = Vec::new();
        for id in store.party_ids(a.id)? {
            if let Some(p) = store.partner_by_id(id)? {
                parties.push(partner_cells(p));
            }
        }
        let chain: Vec<Vec<Cell>> = crate::commands::show::chain(store, &a, ctx)?
            .into_iter()
            .map(|(c, s)| agreement_cells(c, s))
            .collect();
        let under = store.engagements_under(a.id)?;
        Ok(Some((agreement_cells(a, status), parties, chain, under)))
    })
    .await
    .map_err(|e| Failure::of(e, lang))?;
    let Some((cells, parties, chain, under)) = found else {
        return Err(missing(&q, "agreement", &reference));
    };
    let r = cells[0].display_joined("");
    let e = encode(&r);
    let body = html! {
        (edit_links(&app, &q, &[
            ("edit", format!("/agreements/{e}/edit")),
            ("renew", format!("/agreements/{e}/renew")),
            ("terminate", format!("/agreements/{e}/terminate")),
        ]))
        (fields(lang, AGREEMENT_COLUMNS, &cells))
        h2 { (t(lang, "parties")) }
        (table(lang, PARTNER_COLUMNS, &["key", "name", "category", "country"], &parties, ""))
        @if chain.len() > 1 {
            h2 { (t(lang, "chain")) }
            (table(lang, AGREEMENT_COLUMNS, &["ref", "signed_on", "expires_on", "status"], &chain, ""))
        }
        @if !under.is_empty() {
            h2 { (t(lang, "held_under")) }
            ul { @for u in &under { li { a href=(href(lang, &format!("/engagements/{}", encode(u)))) { (shown(u)) } } } }
        }
    };
    Ok(page(lang, &shown(&r), body).into_response())
}

pub async fn engagement(State(app): State<App>, Path(reference): Path<String>, q: Query) -> Answer {
    let lang = q.lang;
    let name = reference.clone();
    let found = with_store(&app, Access::Read, move |ctx, store| {
        let Some((e, status)) = store.try_find_engagement(&name, ctx.as_of)? else {
            return Ok(None);
        };
        let parts = store.engagement_parts(e.id)?;
        Ok(Some((engagement_cells(e, status), parts)))
    })
    .await
    .map_err(|e| Failure::of(e, lang))?;
    let Some((cells, parts)) = found else {
        return Err(missing(&q, "engagement", &reference));
    };
    let r = cells[0].display_joined("");
    let body = html! {
        (edit_links(&app, &q, &[("edit", format!("/engagements/{}/edit", encode(&r)))]))
        (fields(lang, ENGAGEMENT_COLUMNS, &cells))
        @if !parts.is_empty() {
            h2 { (t(lang, "engagements")) }
            ul { @for u in &parts { li { a href=(href(lang, &format!("/engagements/{}", encode(u)))) { (shown(u)) } } } }
        }
    };
    Ok(page(lang, &shown(&r), body).into_response())
}
