//! Deterministic random numbers (xorshift64*).
//!
//! Its own, not a crate's: the generated data must stay byte-identical across versions (so that
//! figures measured months apart are on the same rows), which no external generator promises
//! for its streams or its range reduction. Ten lines of xorshift64* do.

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (n > 0); the modulo bias is negligible here.
    pub fn below(&mut self, n: u64) -> u64 {
        (self.next() >> 11) % n
    }

    /// True with the given probability in percent (two decimals).
    pub fn chance(&mut self, percent: f64) -> bool {
        (self.below(10_000) as f64) < percent * 100.0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Picks from `(item, weight)` pairs.
    pub fn weighted<'a, T>(&mut self, items: &'a [(T, u64)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut r = self.below(total);
        for (item, w) in items {
            if r < *w {
                return item;
            }
            r -= w;
        }
        &items[items.len() - 1].0
    }

    /// `count` distinct numbers in `1..=max`, ascending.
    pub fn distinct_sorted(&mut self, count: usize, max: u64) -> Vec<u64> {
        let mut out: Vec<u64> = Vec::with_capacity(count);
        while out.len() < count {
            let n = 1 + self.below(max);
            if !out.contains(&n) {
                out.push(n);
            }
        }
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn the_stream_of_a_seed_never_changes() {
        let mut rng = Rng::new(42);
        let got: Vec<u64> = (0..4).map(|_| rng.below(1_000_000)).collect();
        assert_eq!(got, [730_512, 950_930, 986_805, 141_527]);
    }

    #[test]
    fn distinct_sorted_is_distinct_ascending_and_in_range() {
        let mut rng = Rng::new(7);
        let v = rng.distinct_sorted(5, 6);
        assert_eq!(v.len(), 5);
        assert!(v.windows(2).all(|w| w[0] < w[1]));
        assert!(v.iter().all(|n| (1..=6).contains(n)));
    }
}
