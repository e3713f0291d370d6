//! Streaming statistics: their memory is fixed, whatever the horizon.
//!
//! [`TimeAverage`] integrates a piecewise-constant quantity (busy servers,
//! queue length) over a window that starts at the warm-up; [`LogHistogram`]
//! counts values in buckets whose width is a fixed share of their value, so a
//! quantile read from it has a bounded relative error (1/64 ≈ 1.6% of the
//! value) at any scale from 10⁻⁶ to 10¹² time units.

/// Time-weighted integral of a piecewise-constant quantity over
/// `[window_start, now]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeAverage {
    window_start: f64,
    last_time: f64,
    area: f64,
}

impl TimeAverage {
    /// Starts integrating at `window_start` (time before it is ignored).
    pub fn new(window_start: f64) -> Self {
        TimeAverage { window_start, last_time: 0.0, area: 0.0 }
    }

    /// Adds the quantity's value since the last update, `value_until_now`,
    /// up to `now`. Call it just before the quantity changes.
    #[inline]
    pub fn update(&mut self, now: f64, value_until_now: f64) {
        if now > self.window_start {
            let from = self.last_time.max(self.window_start);
            self.area += value_until_now * (now - from);
        }
        self.last_time = now;
    }

    /// The integral up to `now`, the quantity holding `value_until_now`
    /// since the last update.
    pub fn area_until(&self, now: f64, value_until_now: f64) -> f64 {
        if now > self.window_start {
            self.area + value_until_now * (now - self.last_time.max(self.window_start))
        } else {
            self.area
        }
    }

    /// The integral so far.
    pub fn area(&self) -> f64 {
        self.area
    }

    /// The mean over `[window_start, window_end]`.
    pub fn mean(&self, window_end: f64) -> f64 {
        self.area / (window_end - self.window_start)
    }
}

const SUB_BITS: u32 = 6;
const SUB_BUCKETS: usize = 1 << SUB_BITS;
const MIN_EXPONENT: i32 = -20;
const MAX_EXPONENT: i32 = 40;
const OCTAVES: usize = (MAX_EXPONENT - MIN_EXPONENT) as usize;
/// Bucket 0 holds exact zeros, bucket 1 values below 2^MIN_EXPONENT, the
/// last bucket values of 2^MAX_EXPONENT and above.
const BUCKETS: usize = 2 + OCTAVES * SUB_BUCKETS + 1;

/// A histogram of non-negative values with log-spaced buckets.
#[derive(Debug, Clone, PartialEq)]
pub struct LogHistogram {
    counts: Vec<u64>,
    total: u64,
}

impl Default for LogHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl LogHistogram {
    /// Bytes the buckets of one histogram take.
    pub const BYTES: usize = BUCKETS * std::mem::size_of::<u64>();

    /// An empty histogram.
    pub fn new() -> Self {
        LogHistogram { counts: vec![0; BUCKETS], total: 0 }
    }

    #[inline]
    fn bucket(value: f64) -> usize {
        if value <= 0.0 {
            return 0;
        }
        let bits = value.to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as i32 - 1023;
        if exponent < MIN_EXPONENT {
            1
        } else if exponent >= MAX_EXPONENT {
            BUCKETS - 1
        } else {
            let sub = ((bits >> (52 - SUB_BITS)) as usize) & (SUB_BUCKETS - 1);
            2 + (exponent - MIN_EXPONENT) as usize * SUB_BUCKETS + sub
        }
    }

    /// Lower and upper bound of a bucket.
    fn bounds(bucket: usize) -> (f64, f64) {
        let smallest = 2f64.powi(MIN_EXPONENT);
        match bucket {
            0 => (0.0, 0.0),
            1 => (0.0, smallest),
            b if b == BUCKETS - 1 => {
                let top = 2f64.powi(MAX_EXPONENT);
                (top, top)
            }
            b => {
                let octave = (b - 2) / SUB_BUCKETS;
                let sub = (b - 2) % SUB_BUCKETS;
                let base = 2f64.powi(MIN_EXPONENT + octave as i32);
                let width = base / SUB_BUCKETS as f64;
                (base + width * sub as f64, base + width * (sub + 1) as f64)
            }
        }
    }

    /// A histogram without buckets, holding nothing: what is left when a
    /// finished replication's distributions are dropped. It cannot record.
    pub fn empty() -> Self {
        LogHistogram { counts: Vec::new(), total: 0 }
    }

    /// Counts one value (negative values count as 0).
    #[inline]
    pub fn record(&mut self, value: f64) {
        self.counts[Self::bucket(value)] += 1;
        self.total += 1;
    }

    /// How many values were counted.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &LogHistogram) {
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
    }

    /// The `q`-quantile (0 < q ≤ 1), interpolated linearly inside its bucket;
    /// `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let target = (q.clamp(0.0, 1.0) * self.total as f64).max(f64::MIN_POSITIVE);
        let mut below = 0u64;
        for (bucket, &count) in self.counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            if (below + count) as f64 >= target {
                let (low, high) = Self::bounds(bucket);
                let inside = (target - below as f64) / count as f64;
                return Some(low + (high - low) * inside);
            }
            below += count;
        }
        Some(Self::bounds(BUCKETS - 1).1)
    }

    /// Non-empty buckets as (lower bound, upper bound, count), ascending.
    pub fn buckets(&self) -> impl Iterator<Item = (f64, f64, u64)> + '_ {
        self.counts.iter().enumerate().filter(|(_, count)| **count > 0).map(|(bucket, &count)| {
            let (low, high) = Self::bounds(bucket);
            (low, high, count)
        })
    }

    /// Share of values that are exactly zero.
    pub fn zero_share(&self) -> f64 {
        if self.total == 0 { 0.0 } else { self.counts[0] as f64 / self.total as f64 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_average_ignores_time_before_the_window() {
        let mut average = TimeAverage::new(10.0);
        average.update(5.0, 3.0); // value 3 on [0, 5]: before the window
        average.update(12.0, 2.0); // value 2 on [5, 12]: counts on [10, 12]
        average.update(20.0, 1.0); // value 1 on [12, 20]
        assert!((average.area() - (2.0 * 2.0 + 8.0)).abs() < 1e-12);
        assert!((average.mean(20.0) - 1.2).abs() < 1e-12);
    }

    #[test]
    fn quantiles_are_within_the_bucket_width() {
        let mut histogram = LogHistogram::new();
        for i in 0..10_000 {
            histogram.record(f64::from(i) * 0.01);
        }
        for q in [0.1, 0.5, 0.9, 0.99] {
            let exact = q * 100.0;
            let estimate = histogram.quantile(q).unwrap();
            assert!((estimate - exact).abs() <= exact / SUB_BUCKETS as f64 + 0.01, "q = {q}: {estimate} vs {exact}");
        }
        assert_eq!(histogram.zero_share(), 1e-4);
    }

    #[test]
    fn mostly_zero_values_give_a_zero_quantile() {
        let mut histogram = LogHistogram::new();
        for _ in 0..95 {
            histogram.record(0.0);
        }
        for _ in 0..5 {
            histogram.record(3.0);
        }
        assert_eq!(histogram.quantile(0.9), Some(0.0));
        assert!(histogram.quantile(0.99).unwrap() >= 3.0 * (1.0 - 1.0 / 64.0));
    }
}
