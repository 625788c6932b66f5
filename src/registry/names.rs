//! The rules on partners' names that need the registry: keys derived and unique, names
//! unique, and warnings about names that look alike.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::model::Partner;
use crate::store::Backend;
use crate::text::{slug, transliterated_slug};
use crate::validate::short;

/// A key for a new partner: the given one, else a slug of the name or the first Latin alias,
/// else the name (or the first alias) transliterated to Latin, else `p-<id>` (the id it is
/// about to get); made unique with a numeric suffix when derived.
pub fn derive_key(
    store: &dyn Backend,
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
    let names = || std::iter::once(name).chain(aliases.iter().map(String::as_str));
    let base = names()
        .find_map(slug)
        .or_else(|| names().find_map(transliterated_slug))
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
pub fn check_partner(store: &dyn Backend, p: &Partner, except: Option<i64>) -> Result<Vec<String>> {
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
    pub fn load(store: &dyn Backend) -> Result<Lookalikes> {
        let mut index = Lookalikes::default();
        store.scan_partners(&every_partner(), &mut |p| {
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
pub fn lookalikes(store: &dyn Backend, p: &Partner) -> Result<Vec<String>> {
    Ok(Lookalikes::load(store)?.warnings(p))
}

/// Names and aliases that mix scripts with a posing letter, and pairs of partners whose
/// names look alike: `mou check` lists them beside the near duplicates.
pub fn lookalike_problems(store: &dyn Backend) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut index = Lookalikes::default();
    store.scan_partners(&every_partner(), &mut |p| {
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
