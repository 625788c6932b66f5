//! Sets and maps keyed by partner id for the report accumulators. The stores hand out small
//! dense ids (SQLite's rowids, PostgreSQL's sequences), so a bit or a slot per id beats
//! hashing on every party of every agreement; an id past [`DENSE`] goes to a hash table, so
//! memory stays bounded by the partners, whatever ids a registry holds.

use std::collections::{HashMap, HashSet};

/// Ids below this are kept by position (at most 128 KiB of bits, 4 MiB of dates).
const DENSE: i64 = 1 << 20;

fn slot(id: i64) -> Option<usize> {
    (0..DENSE).contains(&id).then_some(id as usize)
}

/// A set of ids.
#[derive(Debug, Default)]
pub struct IdSet {
    bits: Vec<u64>,
    dense_len: usize,
    far: HashSet<i64>,
}

impl IdSet {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, id: i64) {
        let Some(i) = slot(id) else {
            self.far.insert(id);
            return;
        };
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        if word >= self.bits.len() {
            self.bits.resize(word + 1, 0);
        }
        if self.bits[word] & bit == 0 {
            self.bits[word] |= bit;
            self.dense_len += 1;
        }
    }

    pub fn extend(&mut self, ids: &[i64]) {
        for id in ids {
            self.insert(*id);
        }
    }

    pub fn contains(&self, id: i64) -> bool {
        match slot(id) {
            Some(i) => self
                .bits
                .get(i / 64)
                .is_some_and(|w| w & (1u64 << (i % 64)) != 0),
            None => self.far.contains(&id),
        }
    }

    pub fn len(&self) -> usize {
        self.dense_len + self.far.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ids, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        let dense = self.bits.iter().enumerate().flat_map(|(w, &bits)| {
            (0..64)
                .filter(move |b| bits & (1u64 << b) != 0)
                .map(move |b| (w * 64 + b) as i64)
        });
        dense.chain(self.far.iter().copied())
    }
}

/// The least value seen per id.
#[derive(Debug)]
pub struct IdMin<V> {
    dense: Vec<Option<V>>,
    far: HashMap<i64, V>,
}

impl<V> Default for IdMin<V> {
    fn default() -> Self {
        IdMin {
            dense: Vec::new(),
            far: HashMap::new(),
        }
    }
}

impl<V: Copy + Ord> IdMin<V> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps `v` for `id` if it is less than what `id` holds (or `id` holds nothing).
    pub fn lower(&mut self, id: i64, v: V) {
        let held = match slot(id) {
            Some(i) => {
                if i >= self.dense.len() {
                    self.dense.resize(i + 1, None);
                }
                &mut self.dense[i]
            }
            None => {
                let e = self.far.entry(id).or_insert(v);
                if v < *e {
                    *e = v;
                }
                return;
            }
        };
        if held.is_none_or(|h| v < h) {
            *held = Some(v);
        }
    }

    /// Every id's value, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = V> + '_ {
        self.dense
            .iter()
            .flatten()
            .copied()
            .chain(self.far.values().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_holds_each_id_once_near_or_far() {
        let mut s = IdSet::new();
        s.extend(&[3, 3, 0, 64, DENSE + 5, -2, DENSE + 5, 130]);
        assert_eq!(s.len(), 6);
        let mut ids: Vec<i64> = s.iter().collect();
        ids.sort();
        assert_eq!(ids, vec![-2, 0, 3, 64, 130, DENSE + 5]);
        assert!(s.contains(64) && s.contains(-2) && s.contains(DENSE + 5));
        assert!(!s.contains(65) && !s.contains(1 << 40) && !s.contains(-1));
    }

    #[test]
    fn a_min_map_keeps_the_least_value_of_each_id() {
        let mut m = IdMin::new();
        for (id, v) in [
            (5, 9),
            (5, 4),
            (5, 7),
            (DENSE * 3, 2),
            (DENSE * 3, 1),
            (0, 8),
        ] {
            m.lower(id, v);
        }
        let mut vs: Vec<i32> = m.values().collect();
        vs.sort();
        assert_eq!(vs, vec![1, 4, 8]);
    }
}
