//! The renewal rules both stores apply, over the lookups each store makes: which links would
//! make an agreement renew one that is renewed already, or close a loop.

use std::collections::HashMap;

use crate::error::Result;
use crate::model::{ref_key, RenewalProblem};

/// An agreement a ref names: its id, stored ref and `renews`.
pub type RenewalLink = (i64, String, Option<String>);

/// The loops among renewal links (ref, renews), each once, as the chain from its first link
/// (in the order given) back to it. Links that leave the set end their walk.
pub fn renewal_loops(links: &[(String, String)]) -> Vec<RenewalProblem> {
    let next: HashMap<String, (&str, String)> = links
        .iter()
        .map(|(r, to)| (ref_key(r), (r.as_str(), ref_key(to))))
        .collect();
    let mut done = std::collections::HashSet::new();
    let mut loops = Vec::new();
    for (r, _) in links {
        let mut path: Vec<String> = Vec::new();
        let mut on_path: HashMap<String, usize> = HashMap::new();
        let mut cur = ref_key(r);
        while let Some((_, to)) = next.get(&cur).filter(|_| !done.contains(&cur)) {
            if let Some(&at) = on_path.get(&cur) {
                let mut chain: Vec<String> =
                    path[at..].iter().map(|k| next[k].0.to_string()).collect();
                chain.push(chain[0].clone());
                loops.push(RenewalProblem::Loop(chain));
                break;
            }
            on_path.insert(cur.clone(), path.len());
            path.push(std::mem::replace(&mut cur, to.clone()));
        }
        done.extend(path);
    }
    loops
}

/// What making agreement `id` (ref `reference`; None for one not written yet) renew `renews`
/// would break, found with `link` (the agreement a ref names) and `renewers` (the id and ref
/// of each agreement renewing a ref): `renews` is renewed by another already, or its chain
/// leads back to `reference`.
pub fn renewal_walk(
    id: Option<i64>,
    reference: &str,
    renews: &str,
    link: impl Fn(&str) -> Result<Option<RenewalLink>>,
    renewers: impl Fn(&str) -> Result<Vec<(i64, String)>>,
) -> Result<Option<RenewalProblem>> {
    let start = ref_key(reference);
    let is_self = |other: i64, r: &str| Some(other) == id || ref_key(r) == start;
    let Some((mut at, target, mut next)) = link(renews)? else {
        return Ok(None); // renewing nothing recorded: the caller's concern
    };
    if let Some((_, other)) = renewers(renews)?.into_iter().find(|(i, r)| !is_self(*i, r)) {
        return Ok(Some(RenewalProblem::Twice {
            target,
            by: vec![other, reference.to_string()],
        }));
    }
    let mut chain = vec![reference.to_string(), target];
    let mut seen = std::collections::HashSet::new();
    loop {
        if is_self(at, &chain[chain.len() - 1]) {
            return Ok(Some(RenewalProblem::Loop(chain)));
        }
        // A loop that does not pass through `reference` is old: `mou check` lists it.
        let Some(n) = next.filter(|_| seen.insert(at)) else {
            return Ok(None);
        };
        let Some((id, r, renews)) = link(&n)? else {
            return Ok(None);
        };
        (at, next) = (id, renews);
        chain.push(r);
    }
}
