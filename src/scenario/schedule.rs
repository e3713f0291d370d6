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
    /// Staff on duty in each segment.
    pub staff: Vec<u32>,
    /// People available in each segment before rounding: Σ (1 − shrinkage)
    /// × staff over the shifts on duty (adjacent segments differ in staff
    /// or in this).
    pub kept: Vec<f64>,
}

impl Schedule {
    /// The schedule of `shifts` over `period` (each shift checked:
    /// `0 ≤ start < period`, `0 < length ≤ period`), a shift's people
    /// unavailable its own `shrinkage` of the time, else `shrinkage`.
    pub fn of(shifts: &[ShiftFile], period: f64, shrinkage: f64) -> Schedule {
        let mut cuts: Vec<f64> = vec![0.0];
        for shift in shifts {
            cuts.push(shift.start);
            cuts.push((shift.start + shift.length) % period);
        }
        cuts.sort_by(f64::total_cmp);
        cuts.dedup();
        let mut starts: Vec<f64> = Vec::with_capacity(cuts.len());
        let mut staff: Vec<u32> = Vec::with_capacity(cuts.len());
        let mut kept: Vec<f64> = Vec::with_capacity(cuts.len());
        for &cut in &cuts {
            let on: Vec<&ShiftFile> = shifts
                .iter()
                .filter(|shift| shift.length >= period || (cut - shift.start).rem_euclid(period) < shift.length)
                .collect();
            let on_duty = on.iter().fold(0u32, |sum, shift| sum.saturating_add(shift.staff));
            let available: f64 =
                on.iter().map(|shift| (1.0 - shift.shrinkage.unwrap_or(shrinkage)) * f64::from(shift.staff)).sum();
            if staff.last() != Some(&on_duty) || kept.last() != Some(&available) {
                starts.push(cut);
                staff.push(on_duty);
                kept.push(available);
            }
        }
        Schedule { period, starts, staff, kept }
    }

    /// The head count and its available share when neither ever changes.
    pub fn constant(&self) -> Option<(u32, f64)> {
        (self.staff.len() == 1)
            .then(|| (self.staff[0], if self.staff[0] == 0 { 1.0 } else { self.kept[0] / f64::from(self.staff[0]) }))
    }

    /// People serving in segment `index` when `away` of those on duty are
    /// on a break (or due one): round(kept × (on duty − away) / on duty),
    /// the segment's available share applied to those present.
    pub fn serving(&self, index: usize, away: u32) -> u32 {
        let (on_duty, kept) = (self.staff[index], self.kept[index]);
        let present = on_duty.saturating_sub(away);
        if kept == f64::from(on_duty) || on_duty == 0 {
            present
        } else {
            (kept * f64::from(present) / f64::from(on_duty)).round() as u32
        }
    }

    /// The most people serving at once, nobody on a break.
    pub fn peak_serving(&self) -> u32 {
        (0..self.staff.len()).map(|index| self.serving(index, 0)).max().unwrap_or(0)
    }

    /// People available (before rounding) over `[from, to]`, integrated.
    pub fn kept_time(&self, from: f64, to: f64) -> f64 {
        let kept = |index: usize| self.kept[index];
        self.integral(&kept, to) - self.integral(&kept, from)
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

    /// The integral from 0 to `time` of `value` (of each segment's index).
    fn integral(&self, value: &dyn Fn(usize) -> f64, time: f64) -> f64 {
        let periods = (time / self.period).floor();
        let within = time - periods * self.period;
        let segments = 0..self.starts.len();
        let per_period: f64 = segments.clone().map(|i| value(i) * (self.segment_end(i) - self.starts[i])).sum();
        let mut sum = periods * per_period;
        for index in segments.take_while(|&i| self.starts[i] < within) {
            sum += value(index) * (self.segment_end(index).min(within) - self.starts[index]);
        }
        sum
    }

    /// Staff-time scheduled over `[from, to]`.
    pub fn staff_time(&self, from: f64, to: f64) -> f64 {
        let staff = |index: usize| f64::from(self.staff[index]);
        self.integral(&staff, to) - self.integral(&staff, from)
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
        ShiftFile { start, length, staff, shrinkage: None, breaks: Vec::new() }
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
        let day = Schedule::of(&[shift(420.0, 480.0, 6), shift(720.0, 480.0, 4), shift(1320.0, 540.0, 1)], 1440.0, 0.0);
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
        assert_eq!(Schedule::of(&[shift(0.0, 1440.0, 3)], 1440.0, 0.0).constant(), Some((3, 1.0)));
        // Two back-to-back shifts of the same size cover the day evenly.
        assert_eq!(
            Schedule::of(&[shift(300.0, 720.0, 2), shift(1020.0, 720.0, 2)], 1440.0, 0.0).constant(),
            Some((2, 1.0))
        );
        assert_eq!(Schedule::of(&[shift(0.0, 720.0, 2)], 1440.0, 0.0).constant(), None);
    }

    #[test]
    fn a_shifts_own_shrinkage_sets_what_its_people_keep() {
        let mut night = shift(1020.0, 720.0, 10);
        night.shrinkage = Some(0.5);
        // The same ten all day, 30% away by day and 50% by night: the
        // count changes where the shifts do.
        let day = Schedule::of(&[shift(300.0, 720.0, 10), night], 1440.0, 0.3);
        assert_eq!(day.staff, vec![10, 10, 10]);
        assert_eq!(day.constant(), None);
        assert_eq!((0..3).map(|i| day.serving(i, 0)).collect::<Vec<_>>(), vec![5, 7, 5]);
        // Two of the day's ten on a break: 70% of the eight present.
        assert_eq!(day.serving(1, 2), 6);
        assert_eq!(day.peak_serving(), 7);
        assert!((day.kept_time(0.0, 1440.0) - (7.0 * 720.0 + 5.0 * 720.0)).abs() < 1e-9);
        // One shift all day at its own shrinkage folds to a constant.
        let mut all_day = shift(0.0, 1440.0, 4);
        all_day.shrinkage = Some(0.25);
        assert_eq!(Schedule::of(&[all_day], 1440.0, 0.0).constant(), Some((4, 0.75)));
    }
}
