//! Rules a record must meet before it is written, shared by add, edit, renew and import.
//! Each error names the field, the value and the fix.

use std::collections::HashMap;

use crate::dates::iso;
use crate::error::{Error, Result};
use crate::model::{Agreement, Partner};
use crate::store::Store;
use crate::text::{
    escaped, has_visible_alphanumeric, is_direction_control, is_direction_mark, nfc, normalize,
    reads_as_id, refused_in_name, slug,
};

/// The longest text a field may hold (names, notes, titles): 1 MiB.
pub const MAX_TEXT: usize = 1 << 20;

const MAX_NAME: usize = 500;
const MAX_REF: usize = 64;

/// A value for a message: at most 60 characters, every invisible or control character
/// shown as an escape (`\u{202e}`).
fn short(s: &str) -> String {
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
    for (field, text) in names_of(p) {
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
    for (field, text) in names_of(p) {
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
    let mut warnings = mixed_script_warnings(p);
    for (_, text) in names_of(p) {
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

/// Warnings about a name or alias of `p` that mixes scripts in a word with a letter posing
/// as another script's (a Cyrillic І in `UNІCEF`).
fn mixed_script_warnings(p: &Partner) -> Vec<String> {
    names_of(p)
        .filter_map(|(field, text)| {
            crate::text::mixed_script_lookalike(text).map(|l| {
                format!(
                    "{field} '{}' mixes scripts: '{}' (U+{:04X}) is {}, not {}, and looks like '{}'; check that it was typed as meant",
                    short(text),
                    l.letter,
                    u32::from(l.letter),
                    l.script,
                    l.host_script,
                    l.looks_like
                )
            })
        })
        .collect()
}

fn names_of(p: &Partner) -> impl Iterator<Item = (&'static str, &String)> {
    std::iter::once(("name", &p.name)).chain(p.aliases.iter().map(|a| ("alias", a)))
}

/// Every partner's names and aliases by their confusable skeletons (UTS #39), to find names
/// of different partners that look alike though they differ (`UNICEF`, `UNІCEF`).
#[derive(Default)]
pub struct Lookalikes {
    by_skeleton: HashMap<String, Vec<Named>>,
}

#[derive(Clone)]
struct Named {
    id: i64,
    key: String,
    text: String,
}

impl Lookalikes {
    /// The index of every partner in the registry.
    pub fn load(store: &Store) -> Result<Lookalikes> {
        let mut index = Lookalikes::default();
        store.for_each_partner(&every_partner(), |p| {
            index.add(&p);
            Ok(())
        })?;
        Ok(index)
    }

    /// Adds `p` (its id is 0 when it was not read back from the registry: its key tells).
    pub fn add(&mut self, p: &Partner) {
        for (_, text) in names_of(p) {
            let named = Named {
                id: p.id,
                key: p.key.clone(),
                text: text.clone(),
            };
            let [typed, folded] = crate::text::skeletons(text);
            if folded != typed {
                self.by_skeleton
                    .entry(folded)
                    .or_default()
                    .push(named.clone());
            }
            self.by_skeleton.entry(typed).or_default().push(named);
        }
    }

    /// Names of other partners that look like a name or alias of `p` (and are not already
    /// near duplicates of it), one message each.
    pub fn warnings(&self, p: &Partner) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for (_, text) in names_of(p) {
            for skeleton in crate::text::skeletons(text) {
                for other in self.by_skeleton.get(&skeleton).into_iter().flatten() {
                    let same_partner = other.key == p.key || (p.id != 0 && other.id == p.id);
                    if same_partner
                        || seen.contains(&other.key.as_str())
                        || near_duplicates(text, &other.text)
                    {
                        continue;
                    }
                    seen.push(&other.key);
                    out.push(lookalike_message(text, &other.key, &other.text));
                }
            }
        }
        out
    }

    /// Every pair of partners with names that look alike, each once, for `mou check`.
    pub fn pairs(&self) -> Vec<String> {
        let mut found: Vec<(&Named, &Named)> = Vec::new();
        for group in self.by_skeleton.values() {
            for (i, a) in group.iter().enumerate() {
                for b in &group[i + 1..] {
                    let (a, b) = if a.key <= b.key { (a, b) } else { (b, a) };
                    let known = found.iter().any(|(x, y)| x.key == a.key && y.key == b.key);
                    if a.key != b.key && !known && !near_duplicates(&a.text, &b.text) {
                        found.push((a, b));
                    }
                }
            }
        }
        found.sort_by(|x, y| (&x.0.key, &x.1.key).cmp(&(&y.0.key, &y.1.key)));
        found
            .into_iter()
            .map(|(a, b)| {
                format!(
                    "lookalike names: {} ('{}') and {} ('{}') differ but look alike (UTS #39 confusables)",
                    a.key,
                    short(&a.text),
                    b.key,
                    short(&b.text)
                )
            })
            .collect()
    }
}

/// Names that `mou check` already calls near duplicates (the same once punctuation goes).
fn near_duplicates(a: &str, b: &str) -> bool {
    crate::text::loose(a) == crate::text::loose(b)
}

/// A filter that every partner passes (partners have no dates to filter on).
fn every_partner() -> crate::query::Filter {
    crate::query::Filter::new(crate::dates::Date::default())
}

fn lookalike_message(text: &str, key: &str, other: &str) -> String {
    format!(
        "'{}' looks like partner {key} ('{}') though the letters differ (UTS #39 confusables); check that it was typed as meant",
        short(text),
        short(other)
    )
}

/// Lookalike warnings for one partner being added or edited (reads every partner once).
pub fn lookalikes(store: &Store, p: &Partner) -> Result<Vec<String>> {
    Ok(Lookalikes::load(store)?.warnings(p))
}

/// Names and aliases that mix scripts with a posing letter, and pairs of partners whose
/// names look alike: `mou check` lists them beside the near duplicates.
pub fn lookalike_problems(store: &Store) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut index = Lookalikes::default();
    store.for_each_partner(&every_partner(), |p| {
        problems.extend(
            mixed_script_warnings(&p)
                .into_iter()
                .map(|w| format!("partner {}: {w}", p.key)),
        );
        index.add(&p);
        Ok(())
    })?;
    problems.extend(index.pairs());
    Ok(problems)
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
