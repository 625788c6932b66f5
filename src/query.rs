//! Filters and query expressions. Both the filter flags and `mou query 'EXPR'` become one
//! [`Filter`]: a list of ANDed terms. The data layer compiles it to parameterised SQL.

use crate::dates::{parse_date, parse_period, Date, Period};
use crate::error::{Error, Result};
use crate::model::{
    parse_sdg, parse_tag, Category, EngagementKind, EngagementStatus, Kind, Status,
};
use crate::text::normalize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    Signed,
    Effective,
    Expires,
    Terminated,
}

impl DateField {
    pub fn column(self) -> &'static str {
        match self {
            DateField::Signed => "signed_on",
            DateField::Effective => "effective_on",
            DateField::Expires => "expires_on",
            DateField::Terminated => "terminated_on",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub fn sql(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Category(Vec<Category>),
    Country(Vec<String>),
    Kind(Vec<Kind>),
    Status(Vec<Status>),
    Sdg(Vec<u8>),
    Tag(Vec<String>),
    /// Partner ids, resolved from names when the filter was built.
    Partner(Vec<i64>),
    In(DateField, Period),
    Compare(DateField, Cmp, Date),
    ActiveOn(Date),
    /// Normalized text matched as a substring of names, aliases and titles.
    Text(String),
    // Conditions on engagements only (an agreement filter never holds them).
    EngagementKind(Vec<EngagementKind>),
    EngagementStatus(Vec<EngagementStatus>),
    /// The engagement's days overlap the period.
    HeldIn(Period),
    /// Held under one of these agreements (ids, resolved from refs when the filter was built).
    Agreement(Vec<i64>),
    Public(bool),
}

impl Cond {
    /// Whether the condition is about the partner itself (rather than its agreements).
    pub fn is_partner_level(&self) -> bool {
        matches!(
            self,
            Cond::Category(_) | Cond::Country(_) | Cond::Partner(_) | Cond::Text(_)
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub negated: bool,
    pub cond: Cond,
}

/// ANDed terms, evaluated at an as-of date (for `status`).
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub as_of: Date,
    pub terms: Vec<Term>,
    /// Order by these columns first (then the default order); only the listing reads honour it.
    pub sort: Vec<SortKey>,
    /// At most this many rows; only the listing reads honour it.
    pub limit: Option<u64>,
    /// Only the rows after this one in the default order (a keyset page); only the listing
    /// reads honour it, and only without `sort`.
    pub after: Option<After>,
}

/// Where a keyset page starts: after the row with this id (agreements and engagements, in the
/// order recorded) or this key (partners, by key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    Id(i64),
    Key(String),
}

/// One column to order by: a name of [`crate::records`]' export columns (or `party_names`).
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub column: &'static str,
    pub descending: bool,
}

impl Filter {
    pub fn new(as_of: Date) -> Filter {
        Filter {
            as_of,
            terms: Vec::new(),
            sort: Vec::new(),
            limit: None,
            after: None,
        }
    }

    pub fn and(mut self, cond: Cond) -> Filter {
        self.terms.push(Term {
            negated: false,
            cond,
        });
        self
    }

    pub fn push(&mut self, cond: Cond) {
        self.terms.push(Term {
            negated: false,
            cond,
        });
    }
}

/// The most terms one query expression may hold: more is bad input, not a query to run.
pub const MAX_TERMS: usize = 100;

/// The most values one filter flag (`--partner`, repeated) or one `field:a,b,c` list may hold.
pub const MAX_VALUES: usize = 250;

/// Refuses more than [`MAX_VALUES`] values for `what` (a flag or a query field).
pub fn check_values(what: &str, n: usize) -> Result<()> {
    if n > MAX_VALUES {
        return Err(Error::input(format!(
            "{what} is given {n} values; at most {MAX_VALUES} values are allowed"
        ))
        .with_hint("split the request into several, or filter on something broader"));
    }
    Ok(())
}

pub const FIELDS: &str =
    "category, country, kind, status, sdg, tag, partner, signed, effective, expires, terminated, active";

fn list<T>(field: &str, values: &str, parse: impl Fn(&str) -> Result<T, String>) -> Result<Vec<T>> {
    let parts = split_values(values).map_err(Error::input)?;
    if parts.is_empty() {
        return Err(Error::input(format!(
            "{field} needs a value, e.g. {field}:{}",
            example(field)
        )));
    }
    check_values(field, parts.len())?;
    parts
        .iter()
        .map(|p| parse(p).map_err(Error::input))
        .collect()
}

/// The comma rule of every list flag and query term: commas separate values; a value that
/// holds a comma is double-quoted (`"Foo, Inc"`) or has it escaped (`Foo\, Inc`); `\"` and
/// `\\` stand for a quote and a backslash. Values are trimmed; empty ones are dropped.
pub fn split_values(s: &str) -> Result<Vec<String>, String> {
    scan(s, true)
}

/// A value with its quotes and escapes taken off, commas kept.
pub fn unquote(s: &str) -> Result<String, String> {
    Ok(scan(s, false)?.pop().unwrap_or_default())
}

fn scan(s: &str, split_commas: bool) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some(',' | '"' | '\\')) => {
                cur.extend(chars.next());
            }
            '"' => in_quotes = !in_quotes,
            ',' if split_commas && !in_quotes => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if in_quotes {
        return Err(format!(
            "unbalanced '\"' in '{s}': close the quote, e.g. \"Foo, Inc\", or write \\, for a comma"
        ));
    }
    out.push(cur);
    Ok(out
        .into_iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect())
}

fn example(field: &str) -> &'static str {
    match field {
        "category" => "religious,academic",
        "country" => "AT",
        "kind" => "mou",
        "status" => "active",
        "sdg" => "16",
        "tag" => "advocacy",
        "partner" => "unicef",
        "active" => "2026-06-30",
        _ => "2026Q3",
    }
}

pub fn parse_country(s: &str) -> Result<String, String> {
    crate::country::lookup(s)
        .map(str::to_string)
        .ok_or_else(|| {
            let near = crate::country::suggest(s);
            let mut m = format!(
                "invalid country '{s}': expected an ISO 3166-1 alpha-2 code such as AT, JO or GB"
            );
            if !near.is_empty() {
                m.push_str(&format!(" (did you mean {}?)", near.join(", ")));
            }
            m
        })
}

/// Builds conditions from `field` and its value as typed in an expression or a flag.
/// `resolve` turns a partner name into its id.
pub fn cond_for(
    field: &str,
    value: &str,
    resolve: &mut dyn FnMut(&str) -> Result<i64>,
) -> Result<Cond> {
    Ok(match field {
        "category" => Cond::Category(list(field, value, |s| s.parse())?),
        "country" => Cond::Country(list(field, value, parse_country)?),
        "kind" => Cond::Kind(list(field, value, |s| s.parse())?),
        "status" => Cond::Status(list(field, value, |s| s.parse())?),
        "sdg" => Cond::Sdg(list(field, value, parse_sdg)?),
        "tag" => Cond::Tag(list(field, value, parse_tag)?),
        "partner" => Cond::Partner(
            list(field, value, |name| Ok(name.to_string()))?
                .iter()
                .map(|name| resolve(name))
                .collect::<Result<_>>()?,
        ),
        "signed" | "effective" | "expires" | "terminated" => {
            let value = &unquote(value).map_err(Error::input)?;
            let period = parse_period(value)
                .map_err(|e| Error::input(format!("invalid period '{value}' for {field}: {e}")))?;
            Cond::In(date_field(field), period)
        }
        "active" => Cond::ActiveOn(
            parse_date(&unquote(value).map_err(Error::input)?)
                .map_err(|e| Error::input(format!("invalid date '{value}' for active: {e}")))?,
        ),
        _ => {
            return Err(Error::input(format!("unknown field '{field}'"))
                .with_hint(format!("valid fields: {FIELDS}")))
        }
    })
}

fn date_field(f: &str) -> DateField {
    match f {
        "signed" => DateField::Signed,
        "effective" => DateField::Effective,
        "terminated" => DateField::Terminated,
        _ => DateField::Expires,
    }
}

/// Splits an expression into terms on whitespace, keeping double-quoted runs together.
/// Returns each token as typed (quotes and `\` escapes kept, for the value's own comma rule)
/// with whether any part of it was quoted.
fn tokens(expr: &str) -> Result<Vec<(String, bool)>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut in_quotes = false;
    let mut chars = expr.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cur.push(c);
                cur.extend(chars.next());
            }
            '"' => {
                in_quotes = !in_quotes;
                quoted = true;
                cur.push(c);
            }
            c if c.is_whitespace() && !in_quotes => {
                if !cur.is_empty() {
                    out.push((std::mem::take(&mut cur), quoted));
                }
                quoted = false;
            }
            c => cur.push(c),
        }
    }
    if in_quotes {
        return Err(Error::input(format!("unbalanced '\"' in query '{expr}'"))
            .with_hint("close the quote, e.g. partner:\"Danube Interfaith Council\""));
    }
    if !cur.is_empty() {
        out.push((cur, quoted));
    }
    Ok(out)
}

/// Parses a query expression such as `category:religious,academic status:active -country:AT
/// expires<2027-01-01 dialogue`.
pub fn parse_expression(
    expr: &str,
    as_of: Date,
    resolve: &mut dyn FnMut(&str) -> Result<i64>,
) -> Result<Filter> {
    parse_terms(expr, as_of, &mut |body| parse_term(body, resolve))
}

/// What a name in an engagement expression names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Partner,
    Agreement,
}

pub const ENGAGEMENT_FIELDS: &str =
    "kind, partner, category, country, sdg, tag, status, on, agreement, public";

/// Parses an engagement expression (`mou query --engagements`), such as `kind:meeting
/// partner:unicef on:2016 -status:cancelled youth`: `country` is where it was held,
/// `category` that of any partner, `on` a period the engagement overlaps, `agreement` the
/// refs it may have been held under, `public` yes or no. `resolve` turns a partner's or an
/// agreement's name into its id.
pub fn parse_engagement_expression(
    expr: &str,
    as_of: Date,
    resolve: &mut dyn FnMut(Lookup, &str) -> Result<i64>,
) -> Result<Filter> {
    parse_terms(expr, as_of, &mut |body| engagement_term(body, resolve))
}

/// The terms of `expr`, each (without its `-`) read by `term`, ANDed.
fn parse_terms(
    expr: &str,
    as_of: Date,
    term: &mut dyn FnMut(&str) -> Result<Cond>,
) -> Result<Filter> {
    let mut filter = Filter::new(as_of);
    let tokens = tokens(expr)?;
    if tokens.len() > MAX_TERMS {
        return Err(Error::input(format!(
            "the query has {} terms; at most {MAX_TERMS} terms are allowed",
            tokens.len()
        ))
        .with_hint("split the query into several, or use broader terms"));
    }
    for (token, quoted) in tokens {
        if !quoted && token.starts_with("--") {
            return Err(
                Error::input(format!("unknown option '{token}' in the query"))
                    .with_hint("options go before the expression; see `mou query --help`"),
            );
        }
        let (negated, body) = match token.strip_prefix('-') {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, token.as_str()),
        };
        let cond = term(body).map_err(|e| Error {
            message: format!("in term '{token}': {}", e.message),
            ..e
        })?;
        filter.terms.push(Term { negated, cond });
    }
    Ok(filter)
}

/// A term's field (lower case), if it has one, and the rest: `kind:x` gives `kind`, `:x`.
fn field_of(body: &str) -> (String, &str) {
    let end = body
        .find(|c: char| !(c.is_ascii_alphabetic() || c == '_'))
        .unwrap_or(body.len());
    (body[..end].to_ascii_lowercase(), &body[end..])
}

/// Bare words: text searched (normalized).
fn text_term(body: &str, fields: &str) -> Result<Cond> {
    let norm = normalize(&unquote(body).map_err(Error::input)?);
    if norm.is_empty() {
        return Err(Error::input("empty search text").with_hint(format!("valid fields: {fields}")));
    }
    Ok(Cond::Text(norm))
}

fn engagement_term(
    body: &str,
    resolve: &mut dyn FnMut(Lookup, &str) -> Result<i64>,
) -> Result<Cond> {
    let (field, rest) = field_of(body);
    if !field.is_empty() {
        if let Some(value) = rest.strip_prefix(':') {
            return engagement_cond_for(&field, value, resolve);
        }
        if rest.starts_with(['<', '>']) {
            return Err(Error::input(format!(
                "'{}' compares dates, and engagements are asked by period",
                &rest[..1]
            ))
            .with_hint("give on:PERIOD, e.g. on:2016, on:2016Q2 or on:2016-01-01..2016-06-30"));
        }
    }
    text_term(body, ENGAGEMENT_FIELDS)
}

fn parse_yes_no(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" => Ok(true),
        "no" | "false" => Ok(false),
        _ => Err(format!(
            "invalid public '{s}': expected yes or no (true or false)"
        )),
    }
}

/// Builds an engagement condition from `field` and its value as typed.
fn engagement_cond_for(
    field: &str,
    value: &str,
    resolve: &mut dyn FnMut(Lookup, &str) -> Result<i64>,
) -> Result<Cond> {
    let mut names = |what: Lookup| -> Result<Vec<i64>> {
        list(field, value, |name| Ok(name.to_string()))?
            .iter()
            .map(|name| resolve(what, name))
            .collect()
    };
    Ok(match field {
        "kind" => Cond::EngagementKind(list(field, value, |s| s.parse())?),
        "status" => Cond::EngagementStatus(list(field, value, |s| s.parse())?),
        "category" => Cond::Category(list(field, value, |s| s.parse())?),
        "country" => Cond::Country(list(field, value, parse_country)?),
        "sdg" => Cond::Sdg(list(field, value, parse_sdg)?),
        "tag" => Cond::Tag(list(field, value, parse_tag)?),
        "partner" => Cond::Partner(names(Lookup::Partner)?),
        "agreement" => Cond::Agreement(names(Lookup::Agreement)?),
        "on" => {
            let value = &unquote(value).map_err(Error::input)?;
            let period = parse_period(value)
                .map_err(|e| Error::input(format!("invalid period '{value}' for on: {e}")))?;
            Cond::HeldIn(period)
        }
        "public" => {
            let v = list(field, value, parse_yes_no)?;
            if v.len() != 1 {
                return Err(Error::input(
                    "public takes one value: public:yes or public:no",
                ));
            }
            Cond::Public(v[0])
        }
        _ => {
            return Err(Error::input(format!("unknown field '{field}'"))
                .with_hint(format!("valid fields: {ENGAGEMENT_FIELDS}")))
        }
    })
}

fn parse_term(body: &str, resolve: &mut dyn FnMut(&str) -> Result<i64>) -> Result<Cond> {
    let (field_lc, rest) = field_of(body);
    let field = &body[..field_lc.len()];
    let op = [
        ("<=", Cmp::Le),
        (">=", Cmp::Ge),
        ("<", Cmp::Lt),
        (">", Cmp::Gt),
    ]
    .into_iter()
    .find(|(s, _)| rest.starts_with(s));
    if !field.is_empty() {
        if let Some(value) = rest.strip_prefix(':') {
            return cond_for(&field_lc, value, resolve);
        }
        if let Some((sym, cmp)) = op {
            let value = &unquote(&rest[sym.len()..]).map_err(Error::input)?;
            return match field_lc.as_str() {
                "signed" | "effective" | "expires" | "terminated" => {
                    let d = parse_date(value).map_err(|e| {
                        Error::input(format!("invalid date '{value}' for {field_lc}: {e}"))
                    })?;
                    Ok(Cond::Compare(date_field(&field_lc), cmp, d))
                }
                _ => Err(Error::input(format!(
                    "'{sym}' compares dates; '{field}' is not a date field"
                ))
                .with_hint("date fields: signed, effective, expires, terminated")),
            };
        }
    }
    text_term(body, FIELDS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_stored;

    fn parse(expr: &str) -> Result<Filter> {
        let as_of = parse_stored("2026-06-30").unwrap();
        parse_expression(expr, as_of, &mut |name| match name {
            "unicef" => Ok(7),
            other => Err(Error::input(format!("unknown partner '{other}'"))),
        })
    }

    #[test]
    fn grammar() {
        let f = parse("category:religious,academic -country:at expires<2027-01-01 partner:unicef sdg:16 Dialogue").unwrap();
        assert_eq!(f.terms.len(), 6);
        assert_eq!(
            f.terms[0].cond,
            Cond::Category(vec![Category::Religious, Category::Academic])
        );
        assert!(f.terms[1].negated);
        assert_eq!(f.terms[1].cond, Cond::Country(vec!["AT".into()]));
        assert_eq!(
            f.terms[2].cond,
            Cond::Compare(
                DateField::Expires,
                Cmp::Lt,
                parse_stored("2027-01-01").unwrap()
            )
        );
        assert_eq!(f.terms[3].cond, Cond::Partner(vec![7]));
        assert_eq!(f.terms[4].cond, Cond::Sdg(vec![16]));
        assert_eq!(f.terms[5].cond, Cond::Text("dialogue".into()));
    }

    #[test]
    fn commas_separate_values_unless_quoted_or_escaped() {
        let v = |s: &str| split_values(s).unwrap();
        assert_eq!(v("a, b,,c"), ["a", "b", "c"]);
        assert_eq!(v(r#""Foo, Inc",unicef"#), ["Foo, Inc", "unicef"]);
        assert_eq!(v(r"Foo\, Inc"), ["Foo, Inc"]);
        assert_eq!(v(r#"say \"hi\", a\\b"#), [r#"say "hi""#, r"a\b"]);
        assert_eq!(v(r"C:\dir"), [r"C:\dir"]);
        assert!(split_values(r#""open"#).is_err());
        assert_eq!(unquote(r#""a, b""#).unwrap(), "a, b");
    }

    #[test]
    fn quoted_query_values_keep_commas() {
        let f = parse(r#"tag:"a, b",c "dialogue, peace""#).unwrap();
        assert_eq!(f.terms[0].cond, Cond::Tag(vec!["a, b".into(), "c".into()]));
        assert_eq!(f.terms[1].cond, Cond::Text("dialogue, peace".into()));
        let f = parse(r#"signed:"2016" expires<"2027-01-01""#).unwrap();
        assert_eq!(f.terms.len(), 2);
    }

    #[test]
    fn quoted_text_and_periods() {
        let f = parse("signed:2016 \"child protection\"").unwrap();
        assert_eq!(
            f.terms[0].cond,
            Cond::In(DateField::Signed, parse_period("2016").unwrap())
        );
        assert_eq!(f.terms[1].cond, Cond::Text("child protection".into()));
    }

    #[test]
    fn errors_name_the_term_and_fields() {
        let e = parse("colour:red").unwrap_err();
        assert!(e.message.contains("colour:red"), "{e}");
        assert!(e.to_string().contains("valid fields"), "{e}");
        let e = parse("sdg:18").unwrap_err();
        assert!(
            e.message.contains("sdg:18") && e.message.contains("1..17"),
            "{e}"
        );
        let e = parse("status:alive").unwrap_err();
        assert!(e.message.contains("active"), "{e}");
        assert!(parse("signed:2016Q5").is_err());
        assert!(parse("kind<2020-01-01").is_err());
        assert!(parse("country:XX").is_err());
        assert!(parse("\"open").is_err());
        assert!(parse("partner:nobody").is_err());
    }
}

/// Which contacts a listing or export takes: of some partners, matching a text, current
/// ones only (at `as_of`) or former ones too; in an order, up to a limit.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactFilter {
    pub as_of: Date,
    /// Partner ids (any of them); empty: every partner.
    pub partners: Vec<i64>,
    /// Normalized text searched in names, roles, emails and partner keys.
    pub text: Option<String>,
    /// Whether former contacts (their `until` passed at `as_of`) are taken too.
    pub former: bool,
    pub sort: Vec<SortKey>,
    pub limit: Option<u64>,
}

impl ContactFilter {
    /// Every contact, current and former, by id.
    pub fn all(as_of: Date) -> ContactFilter {
        ContactFilter {
            as_of,
            partners: Vec::new(),
            text: None,
            former: true,
            sort: Vec::new(),
            limit: None,
        }
    }
}
