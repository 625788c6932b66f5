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
