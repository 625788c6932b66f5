//! Adding and changing records from the browser, only with `--allow-edit`. A form's fields
//! are named as the command's flags, and a sent form is read as that command line by the
//! command line's own parser (`mou add partner --category=ngo -- NAME`), then recorded by the
//! same calls as the command: the same checks, the same messages (shown beside the field they
//! name), every change one transaction with its history row, made by the server's actor.
//! Each form's inputs come from the command's clap definition: a closed vocabulary is a
//! choice, a switch a checkbox, a date a date field.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use maud::{html, Markup};

use super::guard::check_csrf;
use super::html::{href, page, shown, t};
use super::params::{encode, Query};
use super::{with_store, Answer, App, Failure, Lang};
use crate::cli::{AddCommand, Command, EditCommand};
use crate::commands::{add, edit, lifecycle};
use crate::error::Kind as ErrorKind;
use crate::model::Kind;
use crate::store::Access;

/// A form: the command it stands for, the field given as the command's positional argument
/// (none when the record comes from the address), and its flags, in order.
pub struct Spec {
    pub title: &'static str,
    pub words: &'static [&'static str],
    pub positional: Option<&'static str>,
    pub fields: &'static [&'static str],
    /// What the page says above the form (the primary-contact rule), in English and Arabic.
    pub notice: Option<(&'static str, &'static str)>,
}

const PARTNER: Spec = Spec {
    title: "Add a partner",
    notice: None,
    words: &["add", "partner"],
    positional: Some("name"),
    fields: &[
        "name", "category", "key", "country", "alias", "website", "note",
    ],
};

const AGREEMENT: Spec = Spec {
    title: "Add an agreement",
    notice: None,
    words: &["add", "agreement"],
    positional: None,
    fields: &[
        "kind",
        "partner",
        "title",
        "signed",
        "effective",
        "expires",
        "term",
        "notice",
        "ref",
        "sdg",
        "tag",
        "note",
        "document",
        "renews",
    ],
};

/// The one-current-primary rule, said where a contact is made primary.
pub const PRIMARY_RULE: (&str, &str) = (
    "A partner has at most one current primary contact: ticking primary here makes the partner's current primary contact no longer primary.",
    "للشريك جهة اتصال رئيسية حالية واحدة على الأكثر: اختيار «رئيسي» هنا يجعل جهة الاتصال الرئيسية الحالية للشريك غير رئيسية.",
);

const CONTACT: Spec = Spec {
    title: "Add a contact",
    notice: Some(PRIMARY_RULE),
    words: &["add", "contact"],
    positional: Some("name"),
    fields: &[
        "name", "partner", "role", "email", "phone", "lang", "primary", "since", "until", "note",
    ],
};

const ENGAGEMENT: Spec = Spec {
    title: "Add an engagement",
    notice: None,
    words: &["add", "engagement"],
    positional: Some("title"),
    fields: &[
        "title",
        "on",
        "until",
        "partner",
        "kind",
        "ref",
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
        "public",
    ],
};

const TERMINATE: Spec = Spec {
    title: "Terminate",
    notice: None,
    words: &["terminate"],
    positional: None,
    fields: &["on", "reason"],
};

const RENEW: Spec = Spec {
    title: "Renew",
    notice: None,
    words: &["renew"],
    positional: None,
    fields: &["signed", "term", "expires", "ref"],
};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/partners/new", get(partner_form).post(partner_sent))
        .route("/agreements/new", get(agreement_form).post(agreement_sent))
        .route("/contacts/new", get(contact_form).post(contact_sent))
        .route(
            "/engagements/new",
            get(engagement_form).post(engagement_sent),
        )
        .route(
            "/agreements/{reference}/terminate",
            get(terminate_form).post(terminate_sent),
        )
        .route(
            "/agreements/{reference}/renew",
            get(renew_form).post(renew_sent),
        )
        .merge(super::edit::routes())
}

/// How one flag of the command is asked for.
pub(super) enum Input {
    Text,
    Date,
    Check,
    Choice(Vec<String>),
}

/// The input of `flag` (a long name, or the positional's id) of `mou WORDS`, whether it is
/// required, and whether it may be given more than once.
pub(super) fn input_of(words: &[&str], flag: &str) -> (Input, bool, bool) {
    let mut cmd = crate::cli::command();
    for w in words {
        match cmd.find_subcommand(w) {
            Some(sub) => cmd = sub.clone(),
            None => return (Input::Text, false, false),
        }
    }
    let arg = cmd
        .get_arguments()
        .find(|a| a.get_long() == Some(flag) || (a.is_positional() && a.get_id() == flag));
    let Some(arg) = arg else {
        return (Input::Text, false, false);
    };
    let required = arg.is_required_set();
    let many = matches!(arg.get_action(), clap::ArgAction::Append);
    let values = arg.get_possible_values();
    let input = if matches!(arg.get_action(), clap::ArgAction::SetTrue) {
        Input::Check
    } else if !values.is_empty() && !arg.is_hide_possible_values_set() {
        Input::Choice(values.iter().map(|v| v.get_name().to_string()).collect())
    } else if arg
        .get_value_names()
        .is_some_and(|n| n.iter().any(|n| n == "DATE"))
    {
        Input::Date
    } else {
        Input::Text
    };
    (input, required, many)
}

/// Where a message belongs: the field it names (`--category`, `<NAME>`, `invalid email`).
fn field_of(spec: &Spec, message: &str) -> Option<&'static str> {
    spec.fields.iter().copied().find(|f| {
        message.contains(&format!("--{f} "))
            || message.contains(&format!("--{f}="))
            || message.contains(&format!("'--{f}"))
            || message.contains(&format!("<{}>", f.to_uppercase()))
            || message.contains(&format!("invalid {f} "))
            || message.starts_with(&format!("mou: {f} "))
    })
}

/// Free text that may run over lines: a `<textarea>`, which keeps line breaks.
const LONG: &[&str] = &["note", "outcome", "reason"];

/// The form page, holding `values`, with `error` beside its field (or above the form). A
/// repeatable field has a box for each value it holds and an empty one (two at least).
pub(super) fn form_page(
    app: &App,
    spec: &Spec,
    action: &str,
    lang: Lang,
    values: &[(String, String)],
    error: Option<&str>,
) -> Markup {
    let at = error.and_then(|e| field_of(spec, e));
    let value = |f: &str, n: usize| -> String {
        values
            .iter()
            .filter(|(k, _)| k == f)
            .nth(n)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let boxes = |f: &str, many: bool| -> usize {
        if many {
            let held = values
                .iter()
                .filter(|(k, v)| k == f && !v.is_empty())
                .count();
            (held + 1).max(2)
        } else {
            1
        }
    };
    let body = html! {
        @if let Some((en, ar)) = spec.notice {
            p class="notice" { (if lang == Lang::Ar { ar } else { en }) }
        }
        @if let (Some(e), None) = (error, at) { pre class="error" { bdi { (shown(e)) } } }
        form class="edit" method="post" action=(href(lang, action)) {
            input type="hidden" name="csrf" value=(app.csrf);
            @for f in spec.fields {
                @let (input, required, many) = input_of(spec.words, f);
                label {
                    (t(lang, f)) @if required { " *" }
                    @for n in 0..boxes(f, many) {
                        @match &input {
                            Input::Check => {
                                // Sent whether ticked or not, so that an unticked box reads
                                // as "not so" rather than as a field the form left out.
                                input type="hidden" name=(f) value="";
                                input type="checkbox" name=(f) checked[values.iter().any(|(k, v)| k == f && v == "on")];
                            },
                            Input::Date => input type="date" name=(f) value=(value(f, n)) required[required && n == 0];,
                            Input::Text if LONG.contains(f) => textarea name=(f) rows="3" dir="auto" { "\n" (value(f, n)) },
                            Input::Text => input type="text" name=(f) dir="auto" value=(value(f, n)) required[required && n == 0];,
                            Input::Choice(choices) => select name=(f) {
                                @if !required { option value="" {} }
                                @for c in choices { option value=(c) selected[value(f, 0) == *c] { (c) } }
                            },
                        }
                    }
                    @if at == Some(*f) {
                        @if let Some(e) = error { span class="field-error" { bdi { (shown(e)) } } }
                    }
                }
            }
            button type="submit" { (t(lang, "save")) }
        }
    };
    page(lang, &t(lang, spec.title), body)
}

pub(super) fn refuse_without_edit(app: &App, lang: Lang) -> Result<(), Failure> {
    if app.allow_edit {
        Ok(())
    } else {
        Err(Failure::status(
            StatusCode::FORBIDDEN,
            lang,
            "mou: this server is read only; start it with `mou serve --allow-edit` to change records",
        ))
    }
}

fn show_form(app: &App, spec: &Spec, action: &str, q: &Query) -> Answer {
    refuse_without_edit(app, q.lang)?;
    Ok(form_page(app, spec, action, q.lang, &q.pairs, None).into_response())
}

/// The command line of a sent form: `mou WORDS --flag=value ... -- POSITIONAL...`. Only the
/// form's own fields are read; empty ones are left out, a ticked checkbox is the switch.
fn command_line(spec: &Spec, target: Option<&str>, sent: &[(String, String)]) -> Vec<String> {
    let mut argv: Vec<String> = vec!["mou".into()];
    argv.extend(spec.words.iter().map(|w| w.to_string()));
    let mut positional = Vec::new();
    for f in spec.fields {
        for (_, v) in sent.iter().filter(|(k, v)| k == f && !v.is_empty()) {
            if spec.positional == Some(*f) {
                positional.push(v.clone());
            } else if matches!(input_of(spec.words, f).0, Input::Check) {
                argv.push(format!("--{f}"));
            } else {
                argv.push(format!("--{f}={}", v.replace("\r\n", "\n")));
            }
        }
    }
    argv.push("--".into());
    argv.extend(target.map(str::to_string));
    argv.extend(positional);
    argv
}

/// Reads a sent form as its command, records it, and sends the browser to the record's page;
/// a refusal shows the form again with the message beside its field.
async fn sent(
    app: App,
    spec: &'static Spec,
    action: String,
    target: Option<String>,
    q: Query,
    sent: Vec<(String, String)>,
) -> Answer {
    refuse_without_edit(&app, q.lang)?;
    check_csrf(&app, &sent)?;
    let argv = command_line(spec, target.as_deref(), &sent);
    record(app, spec, &action, argv, q.lang, &sent).await
}

/// Parses `argv` with the command line's parser and records it through the command's own
/// record function: a 303 to the record's page, or the form again (`sent` kept) with the
/// message beside the field it names.
pub(super) async fn record(
    app: App,
    spec: &'static Spec,
    action: &str,
    argv: Vec<String>,
    lang: Lang,
    sent: &[(String, String)],
) -> Answer {
    let again = |message: &str, status: StatusCode| -> Response {
        let page = form_page(&app, spec, action, lang, sent, Some(message));
        (status, page).into_response()
    };
    let cli = match crate::cli::parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let text = crate::cli::render_error(&e);
            let kept: Vec<&str> = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("usage:"))
                .collect();
            return Ok(again(&kept.join("\n"), StatusCode::BAD_REQUEST));
        }
    };
    let done = with_store(&app, Access::Write, move |ctx, store| {
        Ok(match cli.command {
            Command::Add(AddCommand::Partner(a)) => {
                let (p, _) = add::partner_record(ctx, store, &a)?;
                format!("/partners/{}", encode(&p.key))
            }
            Command::Add(AddCommand::Agreement(a)) => {
                let kind = a.kind.unwrap_or(Kind::Agreement);
                let g = add::agreement_record(ctx, store, &a.agreement, kind)?;
                format!("/agreements/{}", encode(&g.reference))
            }
            Command::Add(AddCommand::Contact(a)) => {
                let (c, _, _) = add::contact_record(ctx, store, &a)?;
                format!("/partners/{}", encode(&c.partner))
            }
            Command::Add(AddCommand::Engagement(a)) => {
                let e = add::engagement_record(ctx, store, &a)?;
                format!("/engagements/{}", encode(&e.reference))
            }
            Command::Edit(EditCommand::Partner(a)) => {
                let (p, _, _) = edit::partner_edit_record(ctx, store, &a)?;
                format!("/partners/{}", encode(&p.key))
            }
            Command::Edit(EditCommand::Agreement(a)) => {
                let (g, _) = edit::agreement_edit_record(ctx, store, &a)?;
                format!("/agreements/{}", encode(&g.reference))
            }
            Command::Edit(EditCommand::Engagement(a)) => {
                let (e, _) = edit::engagement_edit_record(ctx, store, &a)?;
                format!("/engagements/{}", encode(&e.reference))
            }
            Command::Edit(EditCommand::Contact(a)) => {
                let (c, _, _) = edit::contact_edit_record(ctx, store, &a)?;
                format!("/partners/{}", encode(&c.partner))
            }
            Command::Terminate(a) => {
                let g = lifecycle::terminate_record(ctx, store, &a)?;
                format!("/agreements/{}", encode(&g.reference))
            }
            Command::Renew(a) => {
                let (g, _) = lifecycle::renew_record(ctx, store, &a)?;
                format!("/agreements/{}", encode(&g.reference))
            }
            _ => return Err(crate::error::Error::input("not a form of this server")),
        })
    })
    .await;
    match done {
        Ok(to) => {
            Ok((StatusCode::SEE_OTHER, [(header::LOCATION, href(lang, &to))]).into_response())
        }
        Err(e) if e.kind == ErrorKind::Input => {
            let mut message = format!("mou: {}", e.message);
            if let Some(h) = &e.hint {
                message.push_str(&format!("\n  hint: {h}"));
            }
            Ok(again(&message, StatusCode::BAD_REQUEST))
        }
        Err(e) => Err(Failure::of(e, lang)),
    }
}

async fn partner_form(State(app): State<App>, q: Query) -> Answer {
    show_form(&app, &PARTNER, "/partners/new", &q)
}

async fn partner_sent(
    State(app): State<App>,
    q: Query,
    Form(f): Form<Vec<(String, String)>>,
) -> Answer {
    sent(app, &PARTNER, "/partners/new".into(), None, q, f).await
}

async fn agreement_form(State(app): State<App>, q: Query) -> Answer {
    show_form(&app, &AGREEMENT, "/agreements/new", &q)
}

async fn agreement_sent(
    State(app): State<App>,
    q: Query,
    Form(f): Form<Vec<(String, String)>>,
) -> Answer {
    sent(app, &AGREEMENT, "/agreements/new".into(), None, q, f).await
}

async fn contact_form(State(app): State<App>, q: Query) -> Answer {
    show_form(&app, &CONTACT, "/contacts/new", &q)
}

async fn contact_sent(
    State(app): State<App>,
    q: Query,
    Form(f): Form<Vec<(String, String)>>,
) -> Answer {
    sent(app, &CONTACT, "/contacts/new".into(), None, q, f).await
}

async fn terminate_form(State(app): State<App>, Path(reference): Path<String>, q: Query) -> Answer {
    let action = format!("/agreements/{}/terminate", encode(&reference));
    show_form(&app, &TERMINATE, &action, &q)
}

async fn terminate_sent(
    State(app): State<App>,
    Path(reference): Path<String>,
    q: Query,
    Form(f): Form<Vec<(String, String)>>,
) -> Answer {
    let action = format!("/agreements/{}/terminate", encode(&reference));
    sent(app, &TERMINATE, action, Some(reference), q, f).await
}

async fn renew_form(State(app): State<App>, Path(reference): Path<String>, q: Query) -> Answer {
    let action = format!("/agreements/{}/renew", encode(&reference));
    show_form(&app, &RENEW, &action, &q)
}

async fn renew_sent(
    State(app): State<App>,
    Path(reference): Path<String>,
    q: Query,
    Form(f): Form<Vec<(String, String)>>,
) -> Answer {
    let action = format!("/agreements/{}/renew", encode(&reference));
    sent(app, &RENEW, action, Some(reference), q, f).await
}

async fn engagement_form(State(app): State<App>, q: Query) -> Answer {
    show_form(&app, &ENGAGEMENT, "/engagements/new", &q)
}

async fn engagement_sent(
    State(app): State<App>,
    q: Query,
    Form(f): Form<Vec<(String, String)>>,
) -> Answer {
    sent(app, &ENGAGEMENT, "/engagements/new".into(), None, q, f).await
}
