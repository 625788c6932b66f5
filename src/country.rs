//! ISO 3166-1 alpha-2 country codes, for validating and suggesting the
//! `country` of a partner.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// All 249 officially assigned ISO 3166-1 alpha-2 codes with English short names, sorted by code.
///
/// Names are ISO's English short names (as shipped by Debian's iso-codes
/// 4.15), which is what an official document would print.
pub const COUNTRIES: &[(&str, &str)] = &[
    ("AD", "Andorra"),
    ("AE", "United Arab Emirates"),
    ("AF", "Afghanistan"),
    ("AG", "Antigua and Barbuda"),
    ("AI", "Anguilla"),
    ("AL", "Albania"),
    ("AM", "Armenia"),
    ("AO", "Angola"),
    ("AQ", "Antarctica"),
    ("AR", "Argentina"),
    ("AS", "American Samoa"),
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("AW", "Aruba"),
    ("AX", "Åland Islands"),
    ("AZ", "Azerbaijan"),
    ("BA", "Bosnia and Herzegovina"),
    ("BB", "Barbados"),
    ("BD", "Bangladesh"),
    ("BE", "Belgium"),
    ("BF", "Burkina Faso"),
    ("BG", "Bulgaria"),
    ("BH", "Bahrain"),
    ("BI", "Burundi"),
    ("BJ", "Benin"),
    ("BL", "Saint Barthélemy"),
    ("BM", "Bermuda"),
    ("BN", "Brunei Darussalam"),
    ("BO", "Bolivia, Plurinational State of"),
    ("BQ", "Bonaire, Sint Eustatius and Saba"),
    ("BR", "Brazil"),
    ("BS", "Bahamas"),
    ("BT", "Bhutan"),
    ("BV", "Bouvet Island"),
    ("BW", "Botswana"),
    ("BY", "Belarus"),
    ("BZ", "Belize"),
    ("CA", "Canada"),
    ("CC", "Cocos (Keeling) Islands"),
    ("CD", "Congo, The Democratic Republic of the"),
    ("CF", "Central African Republic"),
    ("CG", "Congo"),
    ("CH", "Switzerland"),
    ("CI", "Côte d'Ivoire"),
    ("CK", "Cook Islands"),
    ("CL", "Chile"),
    ("CM", "Cameroon"),
    ("CN", "China"),
    ("CO", "Colombia"),
    ("CR", "Costa Rica"),
    ("CU", "Cuba"),
    ("CV", "Cabo Verde"),
    ("CW", "Curaçao"),
    ("CX", "Christmas Island"),
    ("CY", "Cyprus"),
    ("CZ", "Czechia"),
    ("DE", "Germany"),
    ("DJ", "Djibouti"),
    ("DK", "Denmark"),
    ("DM", "Dominica"),
    ("DO", "Dominican Republic"),
    ("DZ", "Algeria"),
    ("EC", "Ecuador"),
    ("EE", "Estonia"),
    ("EG", "Egypt"),
    ("EH", "Western Sahara"),
    ("ER", "Eritrea"),
    ("ES", "Spain"),
    ("ET", "Ethiopia"),
    ("FI", "Finland"),
    ("FJ", "Fiji"),
    ("FK", "Falkland Islands (Malvinas)"),
    ("FM", "Micronesia, Federated States of"),
    ("FO", "Faroe Islands"),
    ("FR", "France"),
    ("GA", "Gabon"),
    ("GB", "United Kingdom"),
    ("GD", "Grenada"),
    ("GE", "Georgia"),
    ("GF", "French Guiana"),
    ("GG", "Guernsey"),
    ("GH", "Ghana"),
    ("GI", "Gibraltar"),
    ("GL", "Greenland"),
    ("GM", "Gambia"),
    ("GN", "Guinea"),
    ("GP", "Guadeloupe"),
    ("GQ", "Equatorial Guinea"),
    ("GR", "Greece"),
    ("GS", "South Georgia and the South Sandwich Islands"),
    ("GT", "Guatemala"),
    ("GU", "Guam"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HK", "Hong Kong"),
    ("HM", "Heard Island and McDonald Islands"),
    ("HN", "Honduras"),
    ("HR", "Croatia"),
    ("HT", "Haiti"),
    ("HU", "Hungary"),
    ("ID", "Indonesia"),
    ("IE", "Ireland"),
    ("IL", "Israel"),
    ("IM", "Isle of Man"),
    ("IN", "India"),
    ("IO", "British Indian Ocean Territory"),
    ("IQ", "Iraq"),
    ("IR", "Iran, Islamic Republic of"),
    ("IS", "Iceland"),
    ("IT", "Italy"),
    ("JE", "Jersey"),
    ("JM", "Jamaica"),
    ("JO", "Jordan"),
    ("JP", "Japan"),
    ("KE", "Kenya"),
    ("KG", "Kyrgyzstan"),
    ("KH", "Cambodia"),
    ("KI", "Kiribati"),
    ("KM", "Comoros"),
    ("KN", "Saint Kitts and Nevis"),
    ("KP", "Korea, Democratic People's Republic of"),
    ("KR", "Korea, Republic of"),
    ("KW", "Kuwait"),
    ("KY", "Cayman Islands"),
    ("KZ", "Kazakhstan"),
    ("LA", "Lao People's Democratic Republic"),
    ("LB", "Lebanon"),
    ("LC", "Saint Lucia"),
    ("LI", "Liechtenstein"),
    ("LK", "Sri Lanka"),
    ("LR", "Liberia"),
    ("LS", "Lesotho"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("LV", "Latvia"),
    ("LY", "Libya"),
    ("MA", "Morocco"),
    ("MC", "Monaco"),
    ("MD", "Moldova, Republic of"),
    ("ME", "Montenegro"),
    ("MF", "Saint Martin (French part)"),
    ("MG", "Madagascar"),
    ("MH", "Marshall Islands"),
    ("MK", "North Macedonia"),
    ("ML", "Mali"),
    ("MM", "Myanmar"),
    ("MN", "Mongolia"),
    ("MO", "Macao"),
    ("MP", "Northern Mariana Islands"),
    ("MQ", "Martinique"),
    ("MR", "Mauritania"),
    ("MS", "Montserrat"),
    ("MT", "Malta"),
    ("MU", "Mauritius"),
    ("MV", "Maldives"),
    ("MW", "Malawi"),
    ("MX", "Mexico"),
    ("MY", "Malaysia"),
    ("MZ", "Mozambique"),
    ("NA", "Namibia"),
    ("NC", "New Caledonia"),
    ("NE", "Niger"),
    ("NF", "Norfolk Island"),
    ("NG", "Nigeria"),
    ("NI", "Nicaragua"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("NP", "Nepal"),
    ("NR", "Nauru"),
    ("NU", "Niue"),
    ("NZ", "New Zealand"),
    ("OM", "Oman"),
    ("PA", "Panama"),
    ("PE", "Peru"),
    ("PF", "French Polynesia"),
    ("PG", "Papua New Guinea"),
    ("PH", "Philippines"),
    ("PK", "Pakistan"),
    ("PL", "Poland"),
    ("PM", "Saint Pierre and Miquelon"),
    ("PN", "Pitcairn"),
    ("PR", "Puerto Rico"),
    ("PS", "Palestine, State of"),
    ("PT", "Portugal"),
    ("PW", "Palau"),
    ("PY", "Paraguay"),
    ("QA", "Qatar"),
    ("RE", "Réunion"),
    ("RO", "Romania"),
    ("RS", "Serbia"),
    ("RU", "Russian Federation"),
    ("RW", "Rwanda"),
    ("SA", "Saudi Arabia"),
    ("SB", "Solomon Islands"),
    ("SC", "Seychelles"),
    ("SD", "Sudan"),
    ("SE", "Sweden"),
    ("SG", "Singapore"),
    ("SH", "Saint Helena, Ascension and Tristan da Cunha"),
    ("SI", "Slovenia"),
    ("SJ", "Svalbard and Jan Mayen"),
    ("SK", "Slovakia"),
    ("SL", "Sierra Leone"),
    ("SM", "San Marino"),
    ("SN", "Senegal"),
    ("SO", "Somalia"),
    ("SR", "Suriname"),
    ("SS", "South Sudan"),
    ("ST", "Sao Tome and Principe"),
    ("SV", "El Salvador"),
    ("SX", "Sint Maarten (Dutch part)"),
    ("SY", "Syrian Arab Republic"),
    ("SZ", "Eswatini"),
    ("TC", "Turks and Caicos Islands"),
    ("TD", "Chad"),
    ("TF", "French Southern Territories"),
    ("TG", "Togo"),
    ("TH", "Thailand"),
    ("TJ", "Tajikistan"),
    ("TK", "Tokelau"),
    ("TL", "Timor-Leste"),
    ("TM", "Turkmenistan"),
    ("TN", "Tunisia"),
    ("TO", "Tonga"),
    ("TR", "Türkiye"),
    ("TT", "Trinidad and Tobago"),
    ("TV", "Tuvalu"),
    ("TW", "Taiwan, Province of China"),
    ("TZ", "Tanzania, United Republic of"),
    ("UA", "Ukraine"),
    ("UG", "Uganda"),
    ("UM", "United States Minor Outlying Islands"),
    ("US", "United States"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VA", "Holy See (Vatican City State)"),
    ("VC", "Saint Vincent and the Grenadines"),
    ("VE", "Venezuela, Bolivarian Republic of"),
    ("VG", "Virgin Islands, British"),
    ("VI", "Virgin Islands, U.S."),
    ("VN", "Viet Nam"),
    ("VU", "Vanuatu"),
    ("WF", "Wallis and Futuna"),
    ("WS", "Samoa"),
    ("YE", "Yemen"),
    ("YT", "Mayotte"),
    ("ZA", "South Africa"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
];

/// Everyday names where ISO's short name reads differently ("Viet Nam",
/// "Korea, Republic of"), so that "did you mean" finds what people type.
const COMMON_NAMES: &[(&str, &str)] = &[
    ("BO", "Bolivia"),
    ("IR", "Iran"),
    ("KP", "North Korea"),
    ("KR", "South Korea"),
    ("LA", "Laos"),
    ("MD", "Moldova"),
    ("SY", "Syria"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("VE", "Venezuela"),
    ("VN", "Vietnam"),
];

/// Codes people use that ISO does not assign (or reserves for other uses),
/// with the assigned code they mean.
const KNOWN_MISTAKES: &[(&str, &str)] = &[("EL", "GR"), ("UK", "GB")];

/// Most suggestions offered at once: more would bury the right one.
const MAX_SUGGESTIONS: usize = 3;

/// Upper-cases and checks; `Some(code)` with the canonical upper-case code
/// when assigned.
pub fn lookup(code: &str) -> Option<&'static str> {
    let code = code.trim();
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let upper = code.to_ascii_uppercase();
    COUNTRIES
        .binary_search_by(|(c, _)| (*c).cmp(upper.as_str()))
        .ok()
        .and_then(|i| COUNTRIES.get(i))
        .map(|(c, _)| *c)
}

/// English short name of an assigned code (any case).
pub fn name(code: &str) -> Option<&'static str> {
    let code = lookup(code)?;
    COUNTRIES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// Up to 3 codes closest to a wrong input, for "did you mean": the intended
/// code of a known mistake (UK → GB) and countries whose name starts with the
/// input; failing those, codes or names sharing its first letter, closest
/// first.
pub fn suggest(input: &str) -> Vec<&'static str> {
    let needle = fold(input.trim());
    let Some(first) = needle.chars().next() else {
        return Vec::new();
    };
    let mut out: Vec<&'static str> = Vec::new();
    let push = |code: &'static str, out: &mut Vec<&'static str>| {
        if out.len() < MAX_SUGGESTIONS && !out.contains(&code) {
            out.push(code);
        }
    };

    let upper = needle.to_ascii_uppercase();
    for (wrong, right) in KNOWN_MISTAKES {
        if *wrong == upper {
            push(right, &mut out);
        }
    }

    let names = COUNTRIES.iter().chain(COMMON_NAMES);
    // Shortest name first: the one the input most nearly spells out
    // ("united" → United States before United States Minor Outlying Islands).
    let mut prefixed: Vec<(usize, &'static str)> = names
        .clone()
        .filter_map(|(code, n)| {
            let n = fold(n);
            n.starts_with(&needle).then_some((n.chars().count(), *code))
        })
        .collect();
    prefixed.sort_unstable();
    for (_, code) in prefixed {
        push(code, &mut out);
    }
    if !out.is_empty() {
        // A match on the name or a known mistake is a confident answer;
        // padding it with look-alikes would only distract.
        return out;
    }

    let chars: Vec<char> = needle.chars().collect();
    if chars.len() <= 3 {
        // Looks like a mistyped code: same first letter. Nearest second
        // letter first only gives a stable, explainable order; ties break by
        // code.
        let second = chars.get(1).map(|c| c.to_ascii_uppercase());
        let mut ranked: Vec<(u32, &'static str)> = COUNTRIES
            .iter()
            .filter(|(c, _)| c.starts_with(first.to_ascii_uppercase()))
            .map(|(c, _)| {
                let d = match (second, c.chars().nth(1)) {
                    (Some(a), Some(b)) => u32::from(a).abs_diff(u32::from(b)),
                    _ => 0,
                };
                (d, *c)
            })
            .collect();
        ranked.sort_unstable();
        for (_, code) in ranked {
            push(code, &mut out);
        }
    } else {
        // Looks like a misspelt name: same first letter, longest shared
        // beginning first.
        let mut ranked: Vec<(std::cmp::Reverse<usize>, &'static str)> = names
            .filter_map(|(code, n)| {
                let n = fold(n);
                let shared = n
                    .chars()
                    .zip(needle.chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                (shared > 0).then_some((std::cmp::Reverse(shared), *code))
            })
            .collect();
        ranked.sort_unstable();
        for (_, code) in ranked {
            push(code, &mut out);
        }
    }
    out
}

/// Lower-case without diacritics, so that "aland" finds "Åland Islands" and
/// "turkiye" finds "Türkiye".
fn fold(s: &str) -> String {
    s.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_assigned_codes() {
        assert_eq!(COUNTRIES.len(), 249);
    }

    #[test]
    fn sorted_unique_well_formed() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, n) in COUNTRIES {
            assert_eq!(code.len(), 2);
            assert!(code.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(!n.is_empty());
        }
        for (code, _) in COMMON_NAMES {
            assert_eq!(lookup(code), Some(*code));
        }
        for (wrong, right) in KNOWN_MISTAKES {
            assert_eq!(lookup(wrong), None);
            assert_eq!(lookup(right), Some(*right));
        }
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(lookup("at"), Some("AT"));
        assert_eq!(lookup("At"), Some("AT"));
        assert_eq!(lookup(" gb "), Some("GB"));
        assert_eq!(lookup("AD"), Some("AD"));
        assert_eq!(lookup("ZW"), Some("ZW"));
    }

    #[test]
    fn unassigned_codes() {
        for bad in [
            "XX",
            "UK",
            "EU",
            "EL",
            "",
            "A",
            "AUT",
            "a1",
            "ÅT",
            "\u{0}\u{0}",
        ] {
            assert_eq!(lookup(bad), None, "{bad:?}");
            assert_eq!(name(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(name("at"), Some("Austria"));
        assert_eq!(name("GB"), Some("United Kingdom"));
        assert_eq!(name("ci"), Some("Côte d'Ivoire"));
    }

    #[test]
    fn suggestions() {
        assert!(suggest("austria").contains(&"AT"));
        assert_eq!(suggest("united"), vec!["US", "GB", "AE"]);
        assert_eq!(suggest("UK"), vec!["GB", "UA"]);
        assert_eq!(suggest("Austria").first(), Some(&"AT"));
        assert_eq!(suggest("UK").first(), Some(&"GB"));
        assert_eq!(suggest("el").first(), Some(&"GR"));
        assert_eq!(suggest("vietnam"), vec!["VN"]);
        assert_eq!(suggest("aland").first(), Some(&"AX"));
        assert_eq!(suggest("Autria").first(), Some(&"AT"));
        assert!(suggest("ZQ").iter().all(|c| c.starts_with('Z')));
        assert_eq!(suggest("ZQ").len(), 3);
        assert!(suggest("").is_empty());
        assert!(suggest("   ").is_empty());
        assert!(suggest("☃☃☃☃").is_empty());
        for s in ["u", "united", "xx", "congo", "korea", "ساوث"] {
            let got = suggest(s);
            assert!(got.len() <= 3, "{s}: {got:?}");
            assert!(got.iter().all(|c| lookup(c) == Some(*c)), "{s}: {got:?}");
        }
    }
}
