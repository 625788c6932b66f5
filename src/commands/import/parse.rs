//! One CSV row into a checked record, without the registry: this runs on the reading
//! thread, beside the thread that writes. What needs the registry (parties, refs without a
//! value, keys) is left to [`super::apply`].

use std::collections::HashMap;

use crate::dates::{parse_stored, Date};
use crate::model::{parse_sdgs, parse_tag, split_list, Agreement, Category, Kind, Partner};
use crate::validate;

use crate::import_format::DateFormat;
use crate::registry::dedupe;

/// Why a row is bad: the column to blame (when one is) and the reason.
pub struct Bad {
    pub column: Option<String>,
    pub reason: String,
}

/// One column's value read, or why it is bad.
type FieldResult<T> = std::result::Result<T, Bad>;

/// A row read, or every error found in it.
pub type ParseResult<T> = std::result::Result<T, Vec<Bad>>;

/// The errors of one row, gathered column by column so that each is reported. Empty, it
/// holds no allocation: a good row costs nothing more.
#[derive(Default)]
struct Bads(Vec<Bad>);

impl Bads {
    /// The value of `r`, or None with its error kept.
    fn check<T>(&mut self, r: FieldResult<T>) -> Option<T> {
        r.map_err(|b| self.0.push(b)).ok()
    }

    /// `v` when no column was bad.
    fn done<T>(self, v: T) -> ParseResult<T> {
        if self.0.is_empty() {
            Ok(v)
        } else {
            Err(self.0)
        }
    }
}

/// The longest a value from a file is shown in a message, in characters.
const SHOWN_CHARS: usize = 60;

/// A value from a file as a message shows it: control and invisible characters escaped,
/// cut to [`SHOWN_CHARS`] with `…`.
pub fn shown(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == SHOWN_CHARS {
            out.push('…');
            break;
        }
        let invisible = matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}');
        if c.is_control() || invisible {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// An error that names the column.
pub fn col_err(column: &str, e: impl std::fmt::Display) -> Bad {
    Bad {
        column: Some(column.to_string()),
        reason: e.to_string(),
    }
}

/// Where a known column stands in the file's rows (None: the file has no such column).
#[derive(Clone, Copy)]
pub struct Slot(Option<usize>);

pub fn slot(index: &HashMap<String, usize>, name: &str) -> Slot {
    Slot(index.get(name).copied())
}

/// One row's fields, already checked to be UTF-8.
pub struct Row<'a> {
    pub fields: &'a [&'a str],
}

impl Row<'_> {
    pub fn get(&self, s: Slot) -> &str {
        s.0.and_then(|i| self.fields.get(i)).copied().unwrap_or("")
    }

    pub fn opt(&self, s: Slot) -> Option<&str> {
        Some(self.get(s).trim()).filter(|s| !s.is_empty())
    }
}

/// A date column: YYYY-MM-DD, or with `--date-format` that format first.
fn date(row: &Row, s: Slot, col: &str, format: Option<&DateFormat>) -> FieldResult<Option<Date>> {
    let Some(v) = row.opt(s) else {
        return Ok(None);
    };
    match format {
        None => parse_stored(v)
            .map(Some)
            .map_err(|e| col_err(col, format!("'{}': {e}", shown(v)))),
        Some(f) => f
            .read(v)
            .or_else(|| parse_stored(v).ok())
            .map(Some)
            .ok_or_else(|| {
                col_err(
                    col,
                    format!(
                        "'{}' is not a date in the format {} (like {}), nor YYYY-MM-DD",
                        shown(v),
                        f.text,
                        f.example
                    ),
                )
            }),
    }
}

fn text(row: &Row, s: Slot, col: &str) -> FieldResult<Option<String>> {
    validate::free_text(col, row.get(s)).map_err(|e| col_err(col, e.message))
}

/// A timestamp column, or `now` when the row leaves it empty; and whether the row gave it.
/// A given time must be RFC 3339; it is kept as written.
fn stamp(row: &Row, s: Slot, col: &str, now: &str) -> FieldResult<(String, bool)> {
    match row.opt(s) {
        Some(v) => match chrono::DateTime::parse_from_rfc3339(v) {
            Ok(_) => Ok((v.to_string(), true)),
            Err(_) => Err(col_err(
                col,
                format!(
                    "'{}' is not an RFC 3339 time: write it as 2026-11-29T10:00:00Z (UTC), or leave it empty",
                    v.chars().take(40).collect::<String>()
                ),
            )),
        },
        None => Ok((now.to_string(), false)),
    }
}

/// The columns of a partners file.
pub struct PartnerColumns {
    key: Slot,
    name: Slot,
    aliases: Slot,
    category: Slot,
    country: Slot,
    website: Slot,
    notes: Slot,
    public: Slot,
    created_at: Slot,
    updated_at: Slot,
}

impl PartnerColumns {
    pub fn new(index: &HashMap<String, usize>) -> Self {
        let s = |n| slot(index, n);
        PartnerColumns {
            key: s("key"),
            name: s("name"),
            aliases: s("aliases"),
            category: s("category"),
            country: s("country"),
            website: s("website"),
            notes: s("notes"),
            public: s("public"),
            created_at: s("created_at"),
            updated_at: s("updated_at"),
        }
    }
}

/// A checked partner row; `partner.key` is the row's key, or empty.
pub struct PartnerInput {
    pub partner: Partner,
    pub updated_given: bool,
    /// Whether the row gave `public` (a file without the column, or an empty cell, keeps a
    /// recorded partner's flag, and a new partner is not public).
    pub public_given: bool,
}

/// A yes/no column: `true`/`false` as export writes it (also yes/no, 1/0, any case); None
/// when empty.
pub fn flag(row: &Row, s: Slot, col: &str) -> FieldResult<Option<bool>> {
    row.opt(s)
        .map(|v| crate::model::parse_bool(v).map_err(|e| col_err(col, e)))
        .transpose()
}

pub fn partner(c: &PartnerColumns, row: &Row, now: &str) -> ParseResult<PartnerInput> {
    let mut bads = Bads::default();
    let name = bads
        .check(validate::name("name", row.get(c.name)).map_err(|e| col_err("name", e.message)))
        .unwrap_or_default();
    let aliases = bads
        .check(
            split_list(row.get(c.aliases))
                .iter()
                .map(|x| validate::name("alias", x))
                .collect::<crate::error::Result<Vec<_>>>()
                .map_err(|e| col_err("aliases", e.message)),
        )
        .unwrap_or_default();
    let aliases = validate::dedupe_aliases(&name, aliases);
    let category: Option<Category> = bads.check(
        row.get(c.category)
            .parse()
            .map_err(|e| col_err("category", e)),
    );
    let country = bads
        .check(
            row.opt(c.country)
                .map(crate::query::parse_country)
                .transpose()
                .map_err(|e| col_err("country", e)),
        )
        .flatten();
    let key = row.opt(c.key).unwrap_or("").to_string();
    if !key.is_empty() && !crate::text::is_valid_key(&key) {
        bads.0.push(col_err(
            "key",
            format!(
                "'{}' is not a valid key: {}",
                shown(&key),
                crate::text::KEY_RULE
            ),
        ));
    }
    let created_at = bads.check(stamp(row, c.created_at, "created_at", now));
    let updated = bads.check(stamp(row, c.updated_at, "updated_at", now));
    let website = bads.check(text(row, c.website, "website")).flatten();
    let notes = bads.check(text(row, c.notes, "notes")).flatten();
    let public = bads.check(flag(row, c.public, "public")).flatten();
    let (Some(category), Some((created_at, _)), Some((updated_at, updated_given))) =
        (category, created_at, updated)
    else {
        return Err(bads.0);
    };
    bads.done(PartnerInput {
        partner: Partner {
            id: 0,
            key,
            name,
            aliases,
            category,
            country,
            website,
            notes,
            public: public.unwrap_or(false),
            created_at,
            updated_at,
        },
        updated_given,
        public_given: public.is_some(),
    })
}

/// The columns of an agreements file (`status` is read and ignored: it is derived).
pub struct AgreementColumns {
    reference: Slot,
    kind: Slot,
    title: Slot,
    parties: Slot,
    signed_on: Slot,
    effective_on: Slot,
    expires_on: Slot,
    terminated_on: Slot,
    termination_reason: Slot,
    notice_days: Slot,
    renews: Slot,
    sdgs: Slot,
    tags: Slot,
    notes: Slot,
    document: Slot,
    created_at: Slot,
    updated_at: Slot,
    partner_category: Slot,
    partner_country: Slot,
    /// `--date-format`, when given.
    date_format: Option<DateFormat>,
}

impl AgreementColumns {
    pub fn new(index: &HashMap<String, usize>, date_format: Option<DateFormat>) -> Self {
        let s = |n| slot(index, n);
        AgreementColumns {
            reference: s("ref"),
            kind: s("kind"),
            title: s("title"),
            parties: s("parties"),
            signed_on: s("signed_on"),
            effective_on: s("effective_on"),
            expires_on: s("expires_on"),
            terminated_on: s("terminated_on"),
            termination_reason: s("termination_reason"),
            notice_days: s("notice_days"),
            renews: s("renews"),
            sdgs: s("sdgs"),
            tags: s("tags"),
            notes: s("notes"),
            document: s("document"),
            created_at: s("created_at"),
            updated_at: s("updated_at"),
            partner_category: s("partner_category"),
            partner_country: s("partner_country"),
            date_format,
        }
    }
}

/// A checked agreement row. `agreement.parties` holds the parties as the row names them
/// (keys, names or aliases), and `agreement.reference` is empty when the row has no ref.
pub struct AgreementInput {
    pub agreement: Agreement,
    pub updated_given: bool,
    /// The raw `partner_category` and `partner_country`, for `--create-partners`.
    pub partner_category: String,
    pub partner_country: String,
}

pub fn agreement(c: &AgreementColumns, row: &Row, now: &str) -> ParseResult<AgreementInput> {
    let mut bads = Bads::default();
    let kind: Kind = match row.opt(c.kind) {
        Some(k) => bads.check(k.parse().map_err(|e| col_err("kind", e))),
        None => None,
    }
    .unwrap_or(Kind::Agreement);
    let parties = split_list(row.get(c.parties));
    if parties.is_empty() {
        bads.0.push(col_err(
            "parties",
            "no parties: name at least one partner by key, name or alias",
        ));
    }
    let reference = match row.opt(c.reference) {
        Some(r) => bads.check(validate::reference(r).map_err(|e| col_err("ref", e.message))),
        None => None,
    }
    .unwrap_or_default();
    let fmt = c.date_format.as_ref();
    let mut date_col = |s, col| bads.check(date(row, s, col, fmt)).flatten();
    let signed_on = date_col(c.signed_on, "signed_on");
    let effective_on = date_col(c.effective_on, "effective_on").or(signed_on);
    let expires_on = date_col(c.expires_on, "expires_on");
    let terminated_on = date_col(c.terminated_on, "terminated_on");
    let notice_days = bads
        .check(
            row.opt(c.notice_days)
                .map(|n| {
                    crate::text::ascii_digits(n)
                        .parse::<u32>()
                        .ok()
                        .filter(|n| *n <= 36_500)
                        .ok_or_else(|| {
                            col_err(
                                "notice_days",
                                format!("'{}' is not a number of days 0..36500", shown(n)),
                            )
                        })
                })
                .transpose(),
        )
        .flatten();
    let tags = bads
        .check(
            split_list(row.get(c.tags))
                .iter()
                .map(|t| parse_tag(t))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| col_err("tags", e)),
        )
        .unwrap_or_default();
    let sdgs = bads
        .check(parse_sdgs(row.get(c.sdgs)).map_err(|e| col_err("sdgs", e)))
        .unwrap_or_default();
    let title = bads.check(text(row, c.title, "title")).flatten();
    let termination_reason = bads
        .check(text(row, c.termination_reason, "termination_reason"))
        .flatten();
    let notes = bads.check(text(row, c.notes, "notes")).flatten();
    let document = bads.check(text(row, c.document, "document")).flatten();
    let created_at = bads.check(stamp(row, c.created_at, "created_at", now));
    let updated = bads.check(stamp(row, c.updated_at, "updated_at", now));
    let (Some((created_at, _)), Some((updated_at, updated_given))) = (created_at, updated) else {
        return Err(bads.0);
    };
    let agreement = Agreement {
        id: 0,
        reference,
        kind,
        title: title.unwrap_or_default(),
        parties,
        signed_on,
        effective_on,
        expires_on,
        terminated_on,
        termination_reason,
        notice_days,
        renews: row.opt(c.renews).map(str::to_string),
        sdgs,
        tags: dedupe(tags),
        notes,
        document,
        created_at,
        updated_at,
    };
    bads.done(AgreementInput {
        agreement,
        updated_given,
        partner_category: row.get(c.partner_category).to_string(),
        partner_country: row.get(c.partner_country).to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_shown_escaped_and_cut() {
        assert_eq!(shown("a\u{7}b\nc\u{202e}"), "a\\u{7}b\\nc\\u{202e}");
        let long = "é".repeat(100);
        let s = shown(&long);
        assert_eq!(s.chars().count(), SHOWN_CHARS + 1);
        assert!(s.ends_with('…'));
        assert_eq!(shown("جامعة"), "جامعة");
    }
}
