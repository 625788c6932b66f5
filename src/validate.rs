//! Rules a value must meet before it is written, shared by add, edit, renew and import;
//! none needs the registry (those that do are [`crate::registry`]'s). Each error names the
//! field, the value and the fix.

use crate::dates::iso;
use crate::error::{Error, Result};
use crate::model::Agreement;
use crate::text::{
    escaped, has_visible_alphanumeric, is_direction_control, is_direction_mark, nfc, normalize,
    reads_as_id, refused_in_name,
};

/// The longest text a field may hold (names, notes, titles): 1 MiB.
pub const MAX_TEXT: usize = 1 << 20;

const MAX_NAME: usize = 500;
const MAX_REF: usize = 64;

/// A value for a message: at most 60 characters, every invisible or control character
/// shown as an escape (`\u{202e}`).
pub(crate) fn short(s: &str) -> String {
    let mut t: String = s.chars().take(60).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    escaped(&t).into_owned()
}

/// A name or alias: not empty, one line, no direction controls or stray invisible
/// characters, a visible letter or digit; no `;` in aliases (the list separator), and an
/// alias is not only digits (digits name partners by id).
pub fn name(field: &str, s: &str) -> Result<String> {
    let t = nfc(s.trim());
    if t.is_empty() {
        return Err(Error::input(format!(
            "{field} is empty: give a name with letters or digits"
        )));
    }
    if let Some((c, why)) = t.chars().find_map(|c| refused_in_name(c).map(|w| (c, w))) {
        return Err(Error::field(
            field,
            &short(s),
            format!("{why} (U+{:04X})", u32::from(c)),
        ));
    }
    if !has_visible_alphanumeric(&normalize(&t)) {
        return Err(Error::field(
            field,
            &short(s),
            "it has no visible letter or digit; give a name with letters or digits",
        ));
    }
    if field == "alias" && reads_as_id(&t) {
        return Err(Error::field(
            field,
            &short(s),
            "an alias cannot be only digits (digits name partners by id); add a word, e.g. 'Agenda 2030'",
        ));
    }
    if t.len() > MAX_NAME {
        return Err(Error::field(
            field,
            &short(s),
            format!("a name is at most {MAX_NAME} bytes"),
        ));
    }
    if field == "alias" && t.contains(';') {
        return Err(Error::field(
            field,
            &short(s),
            "';' separates aliases in CSV files; give each alias with its own --alias",
        ));
    }
    Ok(t)
}

/// Free text (notes, titles, websites): stored as typed after NFC, NUL refused.
pub fn free_text(field: &str, s: &str) -> Result<Option<String>> {
    if s.contains('\0') {
        return Err(Error::field(field, &short(s), "remove the NUL character"));
    }
    if s.len() > MAX_TEXT {
        return Err(Error::input(format!(
            "{field} is {} bytes: at most {} bytes",
            s.len(),
            MAX_TEXT
        )));
    }
    let t = nfc(s);
    Ok(if t.trim().is_empty() { None } else { Some(t) })
}

/// Removes aliases that repeat the name or each other (compared normalized).
pub fn dedupe_aliases(name: &str, aliases: Vec<String>) -> Vec<String> {
    let mut seen = vec![normalize(name)];
    let mut out = Vec::new();
    for a in aliases {
        let n = normalize(&a);
        if !seen.contains(&n) {
            seen.push(n);
            out.push(a);
        }
    }
    out
}

/// A ref: 1..64 characters without spaces, controls, direction controls or marks, or `;`;
/// with a visible letter or digit; not only digits (digits name agreements by id).
pub fn reference(s: &str) -> Result<String> {
    let t = s.trim();
    if t.is_empty()
        || t.len() > MAX_REF
        || t.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || c == ';'
                || is_direction_control(c)
                || is_direction_mark(c)
        })
        || !has_visible_alphanumeric(t)
    {
        return Err(Error::field(
            "ref",
            &short(s),
            format!("a ref is 1..{MAX_REF} characters with a letter or digit, without spaces, ';', controls or direction controls, e.g. MOU-2016-003"),
        ));
    }
    if t.parse::<i64>().is_ok() {
        return Err(Error::field(
            "ref",
            t,
            "a ref cannot be only digits (digits name agreements by id)",
        ));
    }
    Ok(t.to_string())
}

/// Dates in order and the other rules of one agreement.
pub fn agreement(a: &Agreement) -> Result<()> {
    if a.parties.is_empty() {
        return Err(Error::input(
            "an agreement needs at least one party: give --partner",
        ));
    }
    let Some(signed) = a.signed_on else {
        if a.effective_on.is_some() || a.terminated_on.is_some() {
            return Err(Error::input(format!(
                "{}: a draft (no signing date) cannot take effect or be terminated; give --signed",
                a.reference
            )));
        }
        return Ok(());
    };
    let effective = a.effective_on.unwrap_or(signed);
    if let Some(e) = a.expires_on {
        if e < signed {
            return Err(Error::field(
                "expires",
                &iso(e),
                format!(
                    "it is before the signing date {}; give a later expiry",
                    iso(signed)
                ),
            ));
        }
        if e < effective {
            return Err(Error::field(
                "expires",
                &iso(e),
                format!(
                    "it is before the effective date {}; give a later expiry",
                    iso(effective)
                ),
            ));
        }
    }
    if let Some(t) = a.terminated_on {
        if t < signed {
            return Err(Error::field(
                "terminated",
                &iso(t),
                format!(
                    "it is before the signing date {}; give a later date",
                    iso(signed)
                ),
            ));
        }
    }
    if a.renews
        .as_deref()
        .is_some_and(|r| r.eq_ignore_ascii_case(&a.reference))
    {
        return Err(Error::field(
            "renews",
            &a.reference,
            "an agreement cannot renew itself",
        ));
    }
    Ok(())
}

/// An email address, checked with the `email_address` crate (RFC 5322 address syntax, a
/// domain with a dot, no display name); stored as typed, trimmed. Empty is none.
pub fn email(s: &str) -> Result<Option<String>> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let options = email_address::Options::default()
        .with_required_tld()
        .without_display_text()
        .without_domain_literal();
    match email_address::EmailAddress::parse_with_options(t, options) {
        Ok(_) => Ok(Some(t.to_string())),
        Err(e) => Err(Error::field(
            "email",
            &short(s),
            format!(
                "{}; give an address such as name@example.org",
                e.to_string().trim_end_matches('.').to_lowercase()
            ),
        )),
    }
}

/// A phone number: digits, spaces and `+ - ( ) . /`, with at least three digits, and an
/// extension after `ext` or `x` (`+43 1 123 4567 ext 12`). Empty is none.
pub fn phone(s: &str) -> Result<Option<String>> {
    let t = nfc(s.trim());
    if t.is_empty() {
        return Ok(None);
    }
    let lower = t.to_ascii_lowercase();
    let (main, ext) = match lower.find("ext").or_else(|| lower.find('x')) {
        Some(i) => {
            let rest = lower[i..].trim_start_matches("ext").trim_start_matches('x');
            (&lower[..i], Some(rest.trim_start_matches(['.', ':', ' '])))
        }
        None => (lower.as_str(), None),
    };
    let main_ok = main
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()./".contains(c))
        && main.chars().filter(|c| c.is_ascii_digit()).count() >= 3;
    let ext_ok = ext.is_none_or(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_digit()));
    if main_ok && ext_ok && t.len() <= 64 {
        return Ok(Some(t));
    }
    Err(Error::field(
        "phone",
        &short(s),
        "a phone number is digits, spaces and + - ( ) . /, with at least three digits and an optional extension, e.g. +43 1 260 60 ext 12",
    ))
}

/// One language: an ISO 639-1 code (two letters, `ar`, `en`), checked against the
/// standard's list; stored in lower case.
pub fn language(s: &str) -> Result<String> {
    let t = s.trim().to_ascii_lowercase();
    if t.len() == 2 && isolang::Language::from_639_1(&t).is_some() {
        return Ok(t);
    }
    Err(Error::field(
        "languages",
        &short(s),
        "a language is an ISO 639-1 code of two letters, e.g. ar, en, fr; several are separated by ';' or given with --lang each",
    ))
}

/// Languages, each once, in the order given.
pub fn languages(items: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        let code = language(item)?;
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

/// The rules of one contact that need no registry: dates in order.
pub fn contact(c: &crate::model::Contact) -> Result<()> {
    if let (Some(since), Some(until)) = (c.since, c.until) {
        if until < since {
            return Err(Error::field(
                "until",
                &iso(until),
                format!(
                    "a contact's until is not before its since ({}); give a later --until or an earlier --since",
                    iso(since)
                ),
            ));
        }
    }
    Ok(())
}
