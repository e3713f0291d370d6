//! Staff scheduled by shifts: how many people are on duty at each moment of
//! a period that repeats.
//!
//! The shifts of a department add up to a step function of the time within
//! the period: it changes only where a shift starts or ends. A schedule
//! that never changes is folded into a constant head count when the
//! scenario is checked, so it runs exactly as `staff = N`.

use super::file::ShiftFile;

/// Every person's breaks through a period: person i of a shift of n
/// starts break b at `shift.start + b.after + b.window × i / n` (within the
/// period), for `b.length`.
#[derive(Debug, Clone, PartialEq)]
pub struct Breaks {
    /// The cycle the shifts repeat on.
    pub period: f64,
    /// When each break is due within the period, in order.
    pub starts: Vec<f64>,
    /// How long each lasts.
    pub lengths: Vec<f64>,
}

impl Breaks {
    /// The breaks of `shifts` over `period`; `None` when no shift has one.
    pub fn of(shifts: &[ShiftFile], period: f64) -> Option<Breaks> {
        let mut due: Vec<(f64, f64)> = Vec::new();
        for shift in shifts {
            let people = f64::from(shift.staff);
            for pause in &shift.breaks {
                for person in 0..shift.staff {
                    let offset = pause.after + pause.window * f64::from(person) / people;
                    due.push(((shift.start + offset).rem_euclid(period), pause.length));
                }
            }
        }
        if due.is_empty() {
            return None;
        }
        due.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        Some(Breaks { period, starts: due.iter().map(|d| d.0).collect(), lengths: due.iter().map(|d| d.1).collect() })
    }

    /// Break-time due over one period (people × time).
    pub fn per_period(&self) -> f64 {
        self.lengths.iter().sum()
    }

    /// Break-time (people × time) over `[from, to]`, breaks taken when due.
    pub fn time(&self, from: f64, to: f64) -> f64 {
        self.cumulative(to) - self.cumulative(from)
    }

    /// Break-time from 0 to `time`: whole periods, then the breaks of this
    /// period up to `within`, and the tails of last period's breaks that
    /// run past its end.
    fn cumulative(&self, time: f64) -> f64 {
        let periods = (time / self.period).floor();
        let within = time - periods * self.period;
        let mut sum = periods * self.per_period();
        for (&start, &length) in self.starts.iter().zip(&self.lengths) {
            sum += (within.min(start + length) - start).max(0.0);
            if periods >= 1.0 {
                sum += within.min(start + length - self.period).max(0.0);
            }
        }
        sum
    }
}

/// The staff on duty through a period, as consecutive segments.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// The cycle the shifts repeat on.
    pub period: f64,
    /// Where each segment starts within the period; the first is 0.
    pub starts: Vec<f64>,
    /// Staff on duty in each segment (adjacent segments differ).
    pub staff: Vec<u32>,
}

impl Schedule {
    /// The schedule of `shifts` over `period` (each shift checked:
    /// `0 ≤ start < period`, `0 < length ≤ period`).
    pub fn of(shifts: &[ShiftFile], period: f64) -> Schedule {
        let mut cuts: Vec<f64> = vec![0.0];
        for shift in shifts {
            cuts.push(shift.start);
            cuts.push((shift.start + shift.length) % period);
        }
        cuts.sort_by(f64::total_cmp);
        cuts.dedup();
        let mut starts: Vec<f64> = Vec::with_capacity(cuts.len());
        let mut staff: Vec<u32> = Vec::with_capacity(cuts.len());
        for &cut in &cuts {
            let on_duty = shifts
                .iter()
                .filter(|shift| shift.length >= period || (cut - shift.start).rem_euclid(period) < shift.length)
                .fold(0u32, |sum, shift| sum.saturating_add(shift.staff));
            if staff.last() != Some(&on_duty) {
                starts.push(cut);
                staff.push(on_duty);
            }
        }
        Schedule { period, starts, staff }
    }

    /// The head count when it never changes.
    pub fn constant(&self) -> Option<u32> {
        (self.staff.len() == 1).then(|| self.staff[0])
    }

    /// The most people on duty at once.
    pub fn peak(&self) -> u32 {
        self.staff.iter().copied().max().unwrap_or(0)
    }

    /// The segment in force at `time` (any time, not only within the
    /// period).
    pub fn segment_at(&self, time: f64) -> usize {
        let within = time.rem_euclid(self.period);
        self.starts.partition_point(|&start| start <= within).saturating_sub(1)
    }

    /// Staff on duty at `time`.
    pub fn staff_at(&self, time: f64) -> u32 {
        self.staff[self.segment_at(time)]
    }

    /// Where segment `index` ends within the period.
    pub fn segment_end(&self, index: usize) -> f64 {
        self.starts.get(index + 1).copied().unwrap_or(self.period)
    }

    /// Staff-time scheduled from 0 to `time`.
    fn cumulative(&self, time: f64) -> f64 {
        let periods = (time / self.period).floor();
        let within = time - periods * self.period;
        let mut sum = periods * self.per_period();
        for (index, (&start, &staff)) in self.starts.iter().zip(&self.staff).enumerate() {
            if start >= within {
                break;
            }
            sum += f64::from(staff) * (self.segment_end(index).min(within) - start);
        }
        sum
    }

    /// Staff-time scheduled in one period.
    fn per_period(&self) -> f64 {
        (0..self.staff.len()).map(|i| f64::from(self.staff[i]) * (self.segment_end(i) - self.starts[i])).sum()
    }

    /// Staff-time scheduled over `[from, to]`.
    pub fn staff_time(&self, from: f64, to: f64) -> f64 {
        self.cumulative(to) - self.cumulative(from)
    }

    /// Mean staff on duty over `[from, to]` (`to > from`).
    pub fn mean(&self, from: f64, to: f64) -> f64 {
        self.staff_time(from, to) / (to - from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shift(start: f64, length: f64, staff: u32) -> ShiftFile {
        ShiftFile { start, length, staff, breaks: Vec::new() }
    }

    #[test]
    fn the_people_of_a_shift_spread_their_breaks_over_the_window() {
        let mut late = shift(1200.0, 480.0, 4);
        late.breaks = vec![super::super::BreakFile { after: 180.0, length: 30.0, window: 120.0 }];
        let breaks = Breaks::of(&[shift(420.0, 480.0, 6), late], 1440.0).unwrap();
        // 20:00 + 3 h = 23:00, then every 30 minutes: past midnight wraps.
        assert_eq!(breaks.starts, vec![0.0, 30.0, 1380.0, 1410.0]);
        assert_eq!(breaks.lengths, vec![30.0; 4]);
        assert!((breaks.per_period() - 120.0).abs() < 1e-12);
        // 23:00–23:30 and 23:30–00:00 of the first day, then every day all
        // four; 00:10 to 23:10 of the second day meets 20 + 30 + 10.
        assert!((breaks.time(0.0, 1440.0) - 120.0).abs() < 1e-9);
        assert!((breaks.time(1450.0, 2830.0) - 60.0).abs() < 1e-9);
        assert!((breaks.time(0.0, 4320.0) - 360.0).abs() < 1e-9);
        assert_eq!(Breaks::of(&[shift(420.0, 480.0, 6)], 1440.0), None);
    }

    #[test]
    fn shifts_add_up_and_wrap_past_the_period() {
        let day = Schedule::of(&[shift(420.0, 480.0, 6), shift(720.0, 480.0, 4), shift(1320.0, 540.0, 1)], 1440.0);
        // The night shift runs 1320 → 1440 and 0 → 420.
        assert_eq!(day.starts, vec![0.0, 420.0, 720.0, 900.0, 1200.0, 1320.0]);
        assert_eq!(day.staff, vec![1, 6, 10, 4, 0, 1]);
        assert_eq!(day.staff_at(719.9), 6);
        assert_eq!(day.staff_at(1440.0 + 800.0), 10);
        assert_eq!(day.peak(), 10);
        let per_day = 6.0 * 480.0 + 4.0 * 480.0 + 540.0;
        assert!((day.staff_time(0.0, 1440.0) - per_day).abs() < 1e-9);
        assert!((day.staff_time(1440.0, 4320.0) - 2.0 * per_day).abs() < 1e-9);
        assert!((day.mean(720.0, 900.0) - 10.0).abs() < 1e-12);
        assert!((day.mean(600.0, 780.0) - (6.0 * 120.0 + 10.0 * 60.0) / 180.0).abs() < 1e-12);
    }

    #[test]
    fn a_schedule_that_never_changes_is_constant() {
        assert_eq!(Schedule::of(&[shift(0.0, 1440.0, 3)], 1440.0).constant(), Some(3));
        // Two back-to-back shifts of the same size cover the day evenly.
        assert_eq!(Schedule::of(&[shift(300.0, 720.0, 2), shift(1020.0, 720.0, 2)], 1440.0).constant(), Some(2));
        assert_eq!(Schedule::of(&[shift(0.0, 720.0, 2)], 1440.0).constant(), None);
    }
}
