//! The records mou keeps and the closed vocabularies of DESIGN.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

use crate::dates::Date;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $field:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const FIELD: &'static str = $field;

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The valid values, for error messages.
            pub fn valid() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let t = s.trim().to_ascii_lowercase();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == t)
                    .ok_or_else(|| {
                        let mut m = format!("invalid {} '{}': expected one of {}", $field, s, Self::valid());
                        if let Some(near) = nearest(&t, Self::ALL.iter().map(|v| v.as_str())) {
                            m.push_str(&format!(" (did you mean {near}?)"));
                        }
                        m
                    })
            }
        }

        impl clap::ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] {
                Self::ALL
            }
            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(self.as_str()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// The value a typo most likely meant: the closest within two edits (or one the typo begins).
pub fn nearest<'a>(typed: &str, values: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    if typed.is_empty() {
        return None;
    }
    values
        .map(|v| (strsim::damerau_levenshtein(typed, v), v))
        .filter(|(d, v)| *d <= 2 || v.starts_with(typed))
        .min_by_key(|(d, _)| *d)
        .map(|(_, v)| v)
}

vocabulary!(
    /// What kind of organisation a partner is.
    Category, "category", {
    Government => "government",
    Intergovernmental => "intergovernmental",
    Academic => "academic",
    Religious => "religious",
    Ngo => "ngo",
    Grassroots => "grassroots",
    Other => "other",
});

vocabulary!(
    /// The instrument an agreement is.
    Kind, "kind", {
    Mou => "mou",
    Agreement => "agreement",
    Loi => "loi",
    Other => "other",
});

vocabulary!(
    /// Derived at an as-of date, never stored.
    Status, "status", {
    Draft => "draft",
    Pending => "pending",
    Active => "active",
    Expired => "expired",
    Terminated => "terminated",
});

vocabulary!(
    /// What kind of joint work an engagement is.
    EngagementKind, "kind", {
    Meeting => "meeting",
    Workshop => "workshop",
    Training => "training",
    Conference => "conference",
    SideEvent => "side-event",
    Visit => "visit",
    Advisory => "advisory",
    Campaign => "campaign",
    Publication => "publication",
    Other => "other",
});

vocabulary!(
    /// An engagement's status, derived at an as-of date, never stored.
    EngagementStatus, "status", {
    Planned => "planned",
    Ongoing => "ongoing",
    Held => "held",
    Cancelled => "cancelled",
});

impl Kind {
    /// The upper-case prefix of generated refs: `MOU-2016-003`.
    pub fn ref_prefix(self) -> String {
        self.as_str().to_ascii_uppercase()
    }
}

/// A partner organisation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub category: Category,
    pub country: Option<String>,
    pub website: Option<String>,
    pub notes: Option<String>,
    /// Whether it may be named on the public partnerships page.
    pub public: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// An agreement as stored, with its parties' keys in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    pub id: i64,
    pub reference: String,
    pub kind: Kind,
    pub title: String,
    pub parties: Vec<String>,
    pub signed_on: Option<Date>,
    pub effective_on: Option<Date>,
    pub expires_on: Option<Date>,
    pub terminated_on: Option<Date>,
    pub termination_reason: Option<String>,
    pub notice_days: Option<u32>,
    pub renews: Option<String>,
    pub sdgs: Vec<u8>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    pub document: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// An engagement as stored: a joint event or activity with partners (their keys, in order).
/// `agreement` and `part_of` hold the refs of the agreement it was held under and of the
/// engagement (a series) it belongs to; the store keeps them as ids, so they follow renames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engagement {
    pub id: i64,
    pub reference: String,
    pub kind: EngagementKind,
    pub title: String,
    pub partners: Vec<String>,
    pub starts_on: Date,
    pub ends_on: Date,
    pub place: Option<String>,
    pub country: Option<String>,
    pub agreement: Option<String>,
    pub part_of: Option<String>,
    pub sdgs: Vec<u8>,
    pub tags: Vec<String>,
    pub participants: Option<u32>,
    pub outcome: Option<String>,
    pub notes: Option<String>,
    pub document: Option<String>,
    pub cancelled: bool,
    pub public: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl Engagement {
    /// DESIGN's engagement status; the SQL twin lives in the store and is tested against it.
    pub fn status_at(&self, as_of: Date) -> EngagementStatus {
        engagement_status_of(self.cancelled, self.starts_on, self.ends_on, as_of)
    }
}

/// `cancelled`; else `planned` (starts after the as-of date), `ongoing` (the date falls
/// within its days, both ends included), `held` (it ended before).
pub fn engagement_status_of(
    cancelled: bool,
    starts: Date,
    ends: Date,
    as_of: Date,
) -> EngagementStatus {
    if cancelled {
        EngagementStatus::Cancelled
    } else if starts > as_of {
        EngagementStatus::Planned
    } else if ends >= as_of {
        EngagementStatus::Ongoing
    } else {
        EngagementStatus::Held
    }
}

/// The prefix of generated engagement refs: `ENG-2016-001`.
pub const ENGAGEMENT_PREFIX: &str = "ENG";

/// What an engagement ref of the generated shape `ENG-<year>-<seq>` (any case or width)
/// says: (year, seq). Marks are kept under `ENG-<year>` beside the agreements' prefixes.
pub fn engagement_ref_mark(reference: &str) -> Option<(u16, u32)> {
    let (word, year, seq) = generated_shape(reference)?;
    word.eq_ignore_ascii_case(ENGAGEMENT_PREFIX)
        .then_some((year, seq))
}

impl Agreement {
    /// DESIGN's status rules; the SQL twin lives in the data layer and is tested against this.
    pub fn status_at(&self, as_of: Date) -> Status {
        status_of(
            self.signed_on,
            self.effective_on,
            self.expires_on,
            self.terminated_on,
            as_of,
        )
    }

    /// The last day on which notice of non-renewal can be given.
    pub fn notice_on(&self) -> Option<Date> {
        let days = self.notice_days?;
        self.expires_on?
            .checked_sub_days(chrono::Days::new(days.into()))
    }
}

pub fn status_of(
    signed: Option<Date>,
    effective: Option<Date>,
    expires: Option<Date>,
    terminated: Option<Date>,
    as_of: Date,
) -> Status {
    if signed.is_none() {
        Status::Draft
    } else if terminated.is_some_and(|t| t <= as_of) {
        Status::Terminated
    } else if effective.or(signed).is_some_and(|e| e > as_of) {
        Status::Pending
    } else if expires.is_some_and(|e| e < as_of) {
        Status::Expired
    } else {
        Status::Active
    }
}

/// A ref as compared for uniqueness and lookup: NFKC, full case folding, invisible characters
/// removed, digits of other scripts as ASCII ones (as names compare them: `MOU-٢٠١٤-٠٠١` is
/// `MOU-2014-001`). `None` when the ref is ASCII: its form is then its ASCII lower case (SQLite's
/// `lower`), the cheap path that every generated ref takes.
pub fn ref_norm(reference: &str) -> Option<String> {
    if reference.is_ascii() {
        return None;
    }
    use unicode_normalization::UnicodeNormalization;
    let visible: String = reference.chars().filter(|c| !is_invisible(*c)).collect();
    let folded = caseless::default_case_fold_str(&visible.nfkc().collect::<String>());
    let folded: String = folded.nfkc().filter(|c| !is_invisible(*c)).collect();
    Some(crate::text::ascii_digits(&folded))
}

/// The compared form of a ref, whatever its script: what [`ref_norm`] stores, or the ASCII
/// lower case it stands for.
pub fn ref_key(reference: &str) -> String {
    ref_norm(reference).unwrap_or_else(|| reference.to_ascii_lowercase())
}

/// Characters that draw nothing (Unicode's default-ignorable code points): a ref holding one
/// looks the same as the ref without it.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// What a ref of the generated shape `<KIND>-<year>-<seq>` (any case) says: `MOU-2026-006`
/// is sequence 6 of prefix `MOU-2026`. Generated refs never go below the highest one seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefMark {
    pub kind: Kind,
    pub year: u16,
    pub seq: u32,
}

impl RefMark {
    /// The shape's prefix and year, as the marks are kept: `MOU-2026`.
    pub fn prefix(&self) -> String {
        format!("{}-{:04}", self.kind.ref_prefix(), self.year)
    }
}

/// The largest sequence number of a generated ref (`MOU-2026-999999`). A ref with a larger
/// one is a ref of its own, not of the generated shape: it sets no mark, so a generated ref
/// can never run into it.
pub const MAX_REF_SEQ: u32 = 999_999;

/// The mark a ref sets, when it has the generated shape once normalized (`ＭＯＵ-2026-007`
/// is `MOU-2026-007`); None for other refs.
pub fn ref_mark(reference: &str) -> Option<RefMark> {
    let (word, year, seq) = generated_shape(reference)?;
    let kind = *Kind::ALL
        .iter()
        .find(|k| k.as_str().eq_ignore_ascii_case(&word))?;
    Some(RefMark { kind, year, seq })
}

/// A ref of the shape `<WORD>-<year>-<seq>` once normalized, as (word, year, seq); the
/// sequence at most [`MAX_REF_SEQ`].
fn generated_shape(reference: &str) -> Option<(String, u16, u32)> {
    if !reference.is_ascii() {
        return ref_norm(reference)
            .filter(|n| n.is_ascii())
            .and_then(|n| generated_shape(&n));
    }
    let (head, seq) = reference.trim().rsplit_once('-')?;
    let (word, year) = head.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(seq) || year.len() != 4 || !digits(year) {
        return None;
    }
    Some((
        word.to_string(),
        year.parse().ok()?,
        seq.parse().ok().filter(|s| *s <= MAX_REF_SEQ)?,
    ))
}

/// Why a renewal link is refused: renewal chains never branch and never loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenewalProblem {
    /// `target` is renewed by more than one agreement (`by`, in the order they were recorded).
    Twice { target: String, by: Vec<String> },
    /// Following `renews` from the first ref comes back to it: the chain, first ref repeated.
    Loop(Vec<String>),
}

impl fmt::Display for RenewalProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenewalProblem::Twice { target, by } => write!(
                f,
                "{target} is already renewed by {}, so {} cannot renew it too: an agreement is renewed once (renew the latest)",
                by[0],
                by[1..].join(" and ")
            ),
            RenewalProblem::Loop(chain) => write!(
                f,
                "the renewal chain loops: {} (each renews the next)",
                chain.join(" -> ")
            ),
        }
    }
}

/// A value as SQLite holds it: what `mou check` inspects, whoever wrote it.
#[derive(Debug, Clone, PartialEq)]
pub enum Stored {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Stored {
    pub fn text(&self) -> Option<&str> {
        match self {
            Stored::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// For messages: text quoted with control characters escaped, other values by their type.
impl fmt::Display for Stored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stored::Null => f.write_str("NULL"),
            Stored::Integer(n) => write!(f, "the number {n}"),
            Stored::Real(x) => write!(f, "the number {x}"),
            Stored::Blob(b) => write!(f, "a BLOB of {} bytes", b.len()),
            Stored::Text(t) => {
                let shown: String = t
                    .chars()
                    .take(80)
                    .flat_map(|c| {
                        let e: Vec<char> = if c.is_control() {
                            c.escape_unicode().collect()
                        } else {
                            vec![c]
                        };
                        e
                    })
                    .collect();
                let more = if t.chars().count() > 80 { "…" } else { "" };
                write!(f, "'{shown}{more}'")
            }
        }
    }
}

/// A record's columns as stored, named as in the schema.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRow {
    pub id: i64,
    pub values: Vec<(&'static str, Stored)>,
    /// A partner's aliases, each with its own columns (`alias`, `alias_norm`, `alias_loose`).
    pub aliases: Vec<Vec<(&'static str, Stored)>>,
}

impl StoredRow {
    /// The value of `column` (Null when there is no such column).
    pub fn get(&self, column: &str) -> &Stored {
        self.values
            .iter()
            .find(|(c, _)| *c == column)
            .map_or(&Stored::Null, |(_, v)| v)
    }
}

/// SDG numbers as stored and exported: ascending, unique, `;`-joined.
pub fn join_sdgs(sdgs: &[u8]) -> String {
    sdgs.iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(";")
}

pub fn split_list(s: &str) -> Vec<String> {
    s.split(';')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// A yes/no value as files and flags give it: `true`/`false` (as export writes), `yes`/`no`,
/// `1`/`0`, in any case.
pub fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(format!(
            "invalid yes/no value '{}': expected true or false",
            s.trim()
        )),
    }
}

pub fn parse_sdg(s: &str) -> Result<u8, String> {
    let t = crate::text::ascii_digits(s.trim());
    match t.parse::<u8>() {
        Ok(n) if (1..=17).contains(&n) => Ok(n),
        _ => Err(format!(
            "invalid sdg '{s}': expected a Sustainable Development Goal number 1..17"
        )),
    }
}

pub fn parse_sdgs(s: &str) -> Result<Vec<u8>, String> {
    let mut v = split_list(s)
        .iter()
        .map(|x| parse_sdg(x))
        .collect::<Result<Vec<_>, _>>()?;
    v.sort_unstable();
    v.dedup();
    Ok(v)
}

/// A tag: a free label without `;` (the list separator) or control characters.
pub fn parse_tag(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() || t.contains(';') || t.chars().any(char::is_control) || t.len() > 100 {
        return Err(format!(
            "invalid tag '{s}': a tag is 1..100 characters without ';' or control characters, e.g. capacity-building"
        ));
    }
    Ok(crate::text::nfc(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_stored;

    #[test]
    fn vocabularies_parse_and_list() {
        assert_eq!("NGO".parse::<Category>().unwrap(), Category::Ngo);
        let e = "church".parse::<Category>().unwrap_err();
        assert!(e.contains("church") && e.contains("religious") && e.contains("grassroots"));
        assert_eq!(Kind::Loi.ref_prefix(), "LOI");
    }

    #[test]
    fn status_rules() {
        let d = |s| Some(parse_stored(s).unwrap());
        let at = parse_stored("2026-06-30").unwrap();
        assert_eq!(status_of(None, None, None, None, at), Status::Draft);
        assert_eq!(
            status_of(d("2026-01-01"), d("2026-07-01"), None, None, at),
            Status::Pending
        );
        assert_eq!(
            status_of(d("2026-01-01"), d("2026-01-01"), d("2026-06-30"), None, at),
            Status::Active
        );
        assert_eq!(
            status_of(d("2026-01-01"), d("2026-01-01"), d("2026-06-29"), None, at),
            Status::Expired
        );
        assert_eq!(
            status_of(
                d("2020-01-01"),
                d("2020-01-01"),
                d("2021-01-01"),
                d("2020-06-01"),
                at
            ),
            Status::Terminated
        );
        assert_eq!(
            status_of(d("2026-01-01"), d("2026-01-01"), None, d("2026-07-01"), at),
            Status::Active
        );
        assert_eq!(
            status_of(d("2026-01-01"), d("2026-01-01"), None, d("2026-06-30"), at),
            Status::Terminated
        );
    }

    #[test]
    fn refs_compare_normalized_with_an_ascii_fast_path() {
        assert_eq!(ref_norm("MOU-2016-003"), None);
        assert_eq!(ref_key("MOU-2016-003"), "mou-2016-003");
        let nfc = ref_key("MOU-\u{c9}");
        for same in [
            "MOU-E\u{301}",
            "\u{ff2d}\u{ff2f}\u{ff35}-\u{c9}",
            "MOU-\u{200b}\u{c9}",
            "mou-\u{e9}",
        ] {
            assert_eq!(ref_key(same), nfc, "{same:?}");
        }
        assert_eq!(ref_key("\u{ff2d}\u{ff2f}\u{ff35}-1"), ref_key("MOU-1"));
        assert_eq!(ref_key("MOU-1\u{200b}"), "mou-1");
    }

    #[test]
    fn generated_ref_shape_sets_a_mark() {
        let m = ref_mark("MOU-2026-006").unwrap();
        assert_eq!((m.prefix(), m.seq), ("MOU-2026".into(), 6));
        let m = ref_mark("loi-2026-0040").unwrap();
        assert_eq!((m.prefix(), m.seq), ("LOI-2026".into(), 40));
        assert_eq!(
            ref_mark("\u{ff2d}\u{ff2f}\u{ff35}-2026-007").map(|m| m.seq),
            Some(7)
        );
        assert_eq!(ref_mark("MOU-26-006"), None);
        assert_eq!(ref_mark("TREATY-2026-001"), None);
        assert_eq!(ref_mark("MOU-2026-"), None);
        assert_eq!(ref_mark("MOU-2026-x1"), None);
        assert_eq!(ref_mark("MOU-2026-99999999999"), None);
    }

    #[test]
    fn engagement_status_rules() {
        let d = |s| parse_stored(s).unwrap();
        let (start, end) = (d("2026-03-10"), d("2026-03-12"));
        let at = |s| engagement_status_of(false, start, end, d(s));
        assert_eq!(at("2026-03-09"), EngagementStatus::Planned);
        assert_eq!(at("2026-03-10"), EngagementStatus::Ongoing);
        assert_eq!(at("2026-03-12"), EngagementStatus::Ongoing);
        assert_eq!(at("2026-03-13"), EngagementStatus::Held);
        assert_eq!(
            engagement_status_of(true, start, end, d("2026-03-13")),
            EngagementStatus::Cancelled
        );
        assert_eq!(
            "side-event".parse::<EngagementKind>().unwrap(),
            EngagementKind::SideEvent
        );
        assert_eq!(
            serde_json::to_value(EngagementKind::SideEvent).unwrap(),
            serde_json::json!("side-event")
        );
        assert!("sideevent"
            .parse::<EngagementKind>()
            .unwrap_err()
            .contains("side-event"));
    }

    #[test]
    fn engagement_refs_have_their_own_marks() {
        assert_eq!(engagement_ref_mark("ENG-2016-003"), Some((2016, 3)));
        assert_eq!(engagement_ref_mark("eng-2016-0042"), Some((2016, 42)));
        assert_eq!(engagement_ref_mark("MOU-2016-003"), None);
        assert_eq!(ref_mark("ENG-2016-003"), None);
        assert_eq!(engagement_ref_mark("ENG-16-003"), None);
    }

    #[test]
    fn sdg_lists() {
        assert_eq!(parse_sdgs("16;4;4; 17").unwrap(), vec![4, 16, 17]);
        assert!(parse_sdgs("0").is_err());
        assert!(parse_sdgs("18").is_err());
        assert_eq!(join_sdgs(&[4, 16]), "4;16");
    }
}

/// A contact: a focal point at a partner (personal data, kept apart from every other export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: i64,
    pub partner_id: i64,
    /// The partner's key.
    pub partner: String,
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// ISO 639-1 codes, lower case, each once, in the order given.
    pub languages: Vec<String>,
    pub primary: bool,
    pub since: Option<Date>,
    pub until: Option<Date>,
    pub notes: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Contact {
    /// A former contact: one whose `until` has passed at `as_of` (on the `until` day itself
    /// the contact is still current, as an agreement is active on its expiry day).
    pub fn is_former(&self, as_of: Date) -> bool {
        self.until.is_some_and(|u| u < as_of)
    }

    /// The primary contact of its partner at `as_of`: marked primary and not former.
    pub fn is_current_primary(&self, as_of: Date) -> bool {
        self.primary && !self.is_former(as_of)
    }
}
