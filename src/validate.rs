//! Rules a record must meet before it is written, shared by add, edit, renew and import.
//! Each error names the field, the value and the fix.

use crate::dates::iso;
use crate::db::Store;
use crate::error::{Error, Result};
use crate::model::{Agreement, Partner};
use crate::text::{nfc, normalize, slug};

const MAX_NAME: usize = 500;
const MAX_REF: usize = 64;

fn short(s: &str) -> String {
    let mut t: String = s.chars().take(60).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    t.replace(|c: char| c.is_control(), " ")
}

/// A name or alias: not empty, one line, no `;` in aliases (the list separator).
pub fn name(field: &str, s: &str) -> Result<String> {
    let t = nfc(s.trim());
    if normalize(&t).is_empty() {
        return Err(Error::input(format!(
            "{field} is empty: give a name with letters or digits"
        )));
    }
    if t.chars().any(char::is_control) {
        return Err(Error::field(
            field,
            &short(s),
            "remove line breaks and control characters",
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
    if s.len() > crate::commands::MAX_TEXT {
        return Err(Error::input(format!(
            "{field} is {} bytes: at most {} bytes",
            s.len(),
            crate::commands::MAX_TEXT
        )));
    }
    let t = nfc(s);
    Ok(if t.trim().is_empty() { None } else { Some(t) })
}

/// A key for a new partner: the given one, else a slug of the name or the first Latin alias,
/// else `p-<id>` (the id it is about to get); made unique with a numeric suffix when derived.
pub fn derive_key(
    store: &Store,
    given: Option<&str>,
    name: &str,
    aliases: &[String],
) -> Result<String> {
    if let Some(k) = given {
        if store.key_taken(k, None)? {
            return Err(Error::field(
                "key",
                k,
                "another partner has this key; choose another with --key",
            ));
        }
        return Ok(k.to_string());
    }
    let base = std::iter::once(name)
        .chain(aliases.iter().map(String::as_str))
        .find_map(slug)
        .map(Ok)
        .unwrap_or_else(|| store.max_ids().map(|(p, _)| format!("p-{}", p + 1)))?;
    let mut key = base.clone();
    let mut n = 2;
    while store.key_taken(&key, None)? {
        key = format!("{base}-{n}");
        n += 1;
    }
    Ok(key)
}

/// Checks a partner against the others; returns warnings about near-duplicate names.
pub fn partner(store: &Store, p: &Partner, except: Option<i64>) -> Result<Vec<String>> {
    if store.key_taken(&p.key, except)? {
        return Err(Error::field(
            "key",
            &p.key,
            "another partner has this key; choose another with --key",
        ));
    }
    for (field, text) in
        std::iter::once(("name", &p.name)).chain(p.aliases.iter().map(|a| ("alias", a)))
    {
        if let Some(m) = store.name_taken(text, except)? {
            return Err(Error::input(format!(
                "{field} '{}' is already taken by partner {} ({}){}",
                short(text),
                m.key,
                m.name,
                if m.matched != m.name {
                    format!(" as its alias '{}'", m.matched)
                } else {
                    String::new()
                }
            ))
            .with_hint(format!(
                "refer to the existing partner as '{}', or choose another {field}",
                m.key
            )));
        }
    }
    for (field, text) in
        std::iter::once(("name", &p.name)).chain(p.aliases.iter().map(|a| ("alias", a)))
    {
        // Lookups try keys first, so a name equal to another partner's key could never be used.
        let as_key = text.trim().to_lowercase();
        if store.key_taken(&as_key, except)? {
            return Err(Error::input(format!(
                "{field} '{}' is the key of another partner, so it would always find that partner",
                short(text)
            ))
            .with_hint(format!(
                "choose another {field}, or refer to partner '{as_key}'"
            )));
        }
    }
    let mut warnings = Vec::new();
    for text in std::iter::once(&p.name).chain(p.aliases.iter()) {
        for m in store.near_names(text, except)? {
            warnings.push(format!(
                "'{}' looks like partner {} ('{}'); both are kept — `mou check` lists such pairs",
                short(text),
                m.key,
                m.matched
            ));
        }
    }
    Ok(warnings)
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

pub fn reference(s: &str) -> Result<String> {
    let t = s.trim();
    if t.is_empty()
        || t.len() > MAX_REF
        || t.chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == ';')
    {
        return Err(Error::field(
            "ref",
            &short(s),
            format!("a ref is 1..{MAX_REF} characters without spaces or ';', e.g. MOU-2016-003"),
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
