//! Value parsers: closed vocabularies, countries, dates, periods, terms, SDGs, keys, text.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use clap::ValueEnum;
use std::ffi::OsStr;
use std::marker::PhantomData;

use crate::dates::{parse_date, parse_period, parse_term, Date, Period, Term};
use crate::model::{parse_sdg, parse_tag};
use crate::query::parse_country;

/// The parser of a closed vocabulary: mou's own message for a wrong value (with a "did you
/// mean"), and the values for help and completion.
#[derive(Clone)]
pub struct Vocab<T>(PhantomData<T>);

pub(super) fn vocab<T>() -> Vocab<T> {
    Vocab(PhantomData)
}

impl<T> TypedValueParser for Vocab<T>
where
    T: ValueEnum + std::str::FromStr<Err = String> + Clone + Send + Sync + 'static,
{
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        value
            .to_string_lossy()
            .parse()
            .map_err(|m: String| clap::Error::raw(ErrorKind::ValueValidation, m).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            T::value_variants()
                .iter()
                .filter_map(ValueEnum::to_possible_value),
        ))
    }
}

/// The parser of a filter flag that agreements and engagements share (`--kind`,
/// `--status`): a word of either vocabulary, kept as typed in lower case; the command reads
/// it as the vocabulary of the records it lists, and refuses a word of the other one.
#[derive(Clone)]
pub struct EitherVocab<A, B>(PhantomData<(A, B)>);

pub(super) fn either_vocab<A, B>() -> EitherVocab<A, B> {
    EitherVocab(PhantomData)
}

fn words<T: ValueEnum>() -> Vec<String> {
    T::value_variants()
        .iter()
        .filter_map(ValueEnum::to_possible_value)
        .map(|pv| pv.get_name().to_string())
        .collect()
}

impl<A, B> TypedValueParser for EitherVocab<A, B>
where
    A: ValueEnum + std::str::FromStr<Err = String> + Clone + Send + Sync + 'static,
    B: ValueEnum + std::str::FromStr<Err = String> + Clone + Send + Sync + 'static,
{
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        let typed = value.to_string_lossy();
        let word = typed.trim().to_ascii_lowercase();
        if word.parse::<A>().is_ok() || word.parse::<B>().is_ok() {
            return Ok(word);
        }
        let (a, b) = (words::<A>(), words::<B>());
        let field = arg.and_then(|a| a.get_long()).unwrap_or("value");
        let mut m = format!(
            "invalid {field} '{typed}': expected one of {} for agreements, or {} for engagements",
            a.join(", "),
            b.join(", ")
        );
        if let Some(near) = crate::model::nearest(&word, a.iter().chain(&b).map(String::as_str)) {
            m.push_str(&format!(" (did you mean {near}?)"));
        }
        Err(clap::Error::raw(ErrorKind::ValueValidation, m).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let mut all: Vec<PossibleValue> = Vec::new();
        for pv in A::value_variants()
            .iter()
            .filter_map(ValueEnum::to_possible_value)
            .chain(
                B::value_variants()
                    .iter()
                    .filter_map(ValueEnum::to_possible_value),
            )
        {
            if !all.iter().any(|seen| seen.get_name() == pv.get_name()) {
                all.push(pv);
            }
        }
        Some(Box::new(all.into_iter()))
    }
}

/// Countries: ISO codes (or names) checked as [`country`] does; the codes are offered to
/// completion but not listed in help (there are 249).
#[derive(Clone)]
pub struct CountryParser;

impl TypedValueParser for CountryParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        country(&value.to_string_lossy())
            .map_err(|m| clap::Error::raw(ErrorKind::ValueValidation, m).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            crate::country::COUNTRIES
                .iter()
                .map(|(code, name)| PossibleValue::new(*code).help(*name)),
        ))
    }
}
pub(super) fn sdg(s: &str) -> Result<u8, String> {
    parse_sdg(s)
}
pub(super) fn tag(s: &str) -> Result<String, String> {
    parse_tag(s)
}
pub(super) fn date(s: &str) -> Result<Date, String> {
    parse_date(s)
}
pub(super) fn period(s: &str) -> Result<Period, String> {
    parse_period(s)
}
pub(super) fn term(s: &str) -> Result<Term, String> {
    parse_term(s)
}
pub(super) fn country(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        return Ok(String::new());
    }
    parse_country(s)
}
pub(super) fn whole_number(s: &str) -> Result<u64, String> {
    crate::text::ascii_digits(s.trim())
        .parse()
        .map_err(|_| format!("invalid number '{s}': expected a whole number of 0 or more, e.g. 12"))
}
pub(super) fn key(s: &str) -> Result<String, String> {
    let k = s.trim().to_string();
    if crate::text::is_valid_key(&k) {
        Ok(k)
    } else {
        Err(format!(
            "invalid key '{}': {}",
            crate::text::escaped(s),
            crate::text::KEY_RULE
        ))
    }
}
pub(super) fn text(s: &str) -> Result<String, String> {
    if s.len() > crate::validate::MAX_TEXT {
        return Err(format!(
            "text of {} bytes is too long: at most {} bytes",
            s.len(),
            crate::validate::MAX_TEXT
        ));
    }
    if s.contains('\0') {
        return Err("text contains a NUL character; remove it".into());
    }
    Ok(s.to_string())
}
