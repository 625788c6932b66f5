//! The normalized columns are derived data (src/text.rs): each store keeps the version of
//! the rules that made them in `meta.norm_version` and rebuilds them on open when the rules
//! changed. The rules of the rebuild are written once here; each store applies them to its
//! own columns.

use std::collections::HashSet;

use crate::text::{loose, normalize, NORM_VERSION};

/// The `meta` key of the rules' version.
pub const KEY: &str = "norm_version";

/// The version of the rules, as `meta` keeps it.
pub fn version() -> String {
    NORM_VERSION.to_string()
}

/// Whether columns made by rules of version `stored` are those of the current rules.
pub fn current(stored: Option<&str>) -> bool {
    stored == Some(version().as_str())
}

/// Each partner's `name_norm` and `name_loose` under the current rules, from `(id, name)`
/// in id order. Names told apart by the old rules may be one under the new (ی and ي): the
/// first keeps the name's form, each later one gets `form SEP id`, which keeps `name_norm`
/// unique and the registry open; `mou check` names them as near duplicates.
pub fn partner_norms(names: Vec<(i64, String)>, sep: char) -> Vec<(i64, String, String)> {
    let mut seen = HashSet::new();
    names
        .into_iter()
        .map(|(id, name)| {
            let mut norm = normalize(&name);
            if !seen.insert(norm.clone()) {
                norm = format!("{norm}{sep}{id}");
            }
            (id, norm, loose(&name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_become_one_keep_the_first_and_mark_the_others() {
        let n = partner_norms(
            vec![(1, "Ali".into()), (2, "ALI".into()), (3, "Bo".into())],
            '\u{1}',
        );
        assert_eq!(n[0].1, normalize("Ali"));
        assert_eq!(n[1].1, format!("{}\u{1}2", normalize("Ali")));
        assert_eq!(n[2].1, normalize("Bo"));
        assert!(current(Some(&version())) && !current(None) && !current(Some("0")));
    }
}
