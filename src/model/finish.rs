//! The replication's clockwork and its end: morale ticks, time-series
//! samples, the stall check, and the tallies gathered at the horizon.

use super::work::{Event, Stage};
use super::{DepartmentTally, Observer, ReplicationResult, Sample, Simulation, Stall};

impl<O: Observer> Simulation<'_, '_, O> {
    pub(super) fn on_tick(&mut self) {
        let behavior = &self.scenario.behavior;
        let stations = &self.stations;
        if let Some(social) = self.social.as_mut() {
            social.tick(behavior, self.now, |d| stations[d].head_count(), |d| stations[d].busy_share());
        }
    }

    /// No service has ended for a long stretch: if some department's
    /// servers all hold work waiting for replies, work cannot move and the
    /// replication stops (see [`Stall`]). Work held for a department that
    /// is closed (nobody on duty; its schedule staffs it later in the
    /// period) or that reopened less than the stall span ago is not stuck,
    /// and neither is work held for a department excused that way (work
    /// taken by overflow is held for its own department's needs).
    #[cold]
    pub(super) fn check_stall(&mut self) {
        let departments = &self.scenario.departments;
        let mut excused: Vec<bool> = self
            .stations
            .iter()
            .zip(departments)
            .map(|(station, department)| {
                department.schedule.is_some()
                    && (station.staff == 0 || self.now - station.reopened_at <= self.stall_span)
            })
            .collect();
        loop {
            let newly: Vec<usize> = (0..departments.len())
                .filter(|&d| !excused[d] && self.stations[d].all_holding())
                .filter(|&d| {
                    // Its own holds, and (overflow) those of the work it
                    // takes from others.
                    let holds_for_excused = |home: usize| {
                        departments[home]
                            .needs
                            .iter()
                            .any(|n| n.mode == crate::scenario::NeedMode::Hold && excused[n.supplier])
                    };
                    holds_for_excused(d)
                        || departments
                            .iter()
                            .enumerate()
                            .any(|(home, h)| h.overflow.iter().any(|o| o.to == d) && holds_for_excused(home))
                })
                .collect();
            if newly.is_empty() {
                break;
            }
            for d in newly {
                excused[d] = true;
            }
        }
        let stuck: Vec<String> = self
            .stations
            .iter()
            .zip(departments)
            .zip(&excused)
            .filter(|((station, _), excused)| station.all_holding() && !**excused)
            .map(|((_, department), _)| department.name.clone())
            .collect();
        if !stuck.is_empty() {
            self.stalled = Some(Stall { time: self.now, since: self.last_service_end, departments: stuck });
            // Nothing more can happen that matters: the run ends here.
            self.calendar.clear();
        }
    }

    pub(super) fn on_sample(&mut self) {
        let (sum, count) = std::mem::take(&mut self.interval_satisfaction);
        let external_satisfaction = (count > 0).then(|| sum / f64::from(count));
        for (index, (station, department)) in self.stations.iter().zip(&self.scenario.departments).enumerate() {
            self.observer.sample(&Sample {
                time: self.now,
                department: &department.name,
                morale: self.social.as_ref().map(|social| social.moods[index].morale),
                queue: station.waiting,
                busy: station.busy,
                external_satisfaction: self.social.as_ref().and(external_satisfaction),
            });
        }
        self.calendar.schedule(self.now + self.scenario.sample_every, Event::Sample);
    }

    pub(super) fn finish(mut self, replication: u32, seed: u64, events: u64) -> ReplicationResult {
        let horizon = self.now;
        let window = self.scenario.horizon - self.warmup;
        if self.stalled.is_none() && horizon - self.last_service_end > self.stall_span {
            self.check_stall();
        }
        let mut queue_paths = Vec::with_capacity(self.stations.len());
        for station in &mut self.stations {
            station.busy_time.update(horizon, f64::from(station.busy));
            station.overtime.update(horizon, f64::from(station.excess()));
            station.crisis.close(horizon);
            let end = station.path.close(horizon, station.waiting);
            let mut previous = 0.0;
            let width = self.paths.bin_width;
            queue_paths.push(
                station
                    .path
                    .at_bin_end
                    .iter()
                    .map(|&area| {
                        let mean = (area - previous) / width;
                        previous = area;
                        mean
                    })
                    .collect::<Vec<f64>>(),
            );
            station.tally.queue_mean = (end - station.path.at_warmup) / window;
            station.tally.crisis_time = station.crisis.counted_time;
            station.tally.crisis_episodes = station.crisis.lengths.len() as u64;
            station.tally.crisis_length_median = station.crisis.median_length();
        }
        self.paths.queue = queue_paths;
        if let Some(social) = &mut self.social {
            for (station, mood) in self.stations.iter_mut().zip(&mut social.moods) {
                mood.morale_time.update(horizon, mood.morale);
                station.tally.morale_mean = mood.morale_time.mean(horizon);
                station.tally.morale_final = mood.morale;
            }
        }
        self.external.in_system_end = self
            .works
            .iter()
            .filter(|w| w.is_case() && w.created >= self.warmup && !matches!(w.stage, Stage::Free | Stage::Abandoned))
            .count() as u64;
        for work in &self.works {
            let open = matches!(work.stage, Stage::Waiting | Stage::Serving | Stage::Holding | Stage::Parked);
            if open && work.visit_start >= self.warmup {
                self.stations[work.department as usize].tally.open_at_end += 1;
            }
        }
        self.external.wait_p90 = self.external.wait_histogram.quantile(0.9);
        self.external.resolution_p90 = self.external.resolution_histogram.quantile(0.9);
        let departments: Vec<DepartmentTally> = self
            .stations
            .iter()
            .zip(&self.scenario.departments)
            .map(|(station, department)| {
                let cost = department.cost_per_time;
                let overtime = station.overtime.area();
                // An unlimited department pays for the time its servers work;
                // others for the staff on duty and the overtime.
                let staff_cost = match &department.schedule {
                    _ if department.unlimited => station.busy_time.mean(horizon) * cost * window,
                    Some(schedule) => (schedule.staff_time(self.warmup, horizon) + overtime) * cost,
                    None => f64::from(department.staff) * cost * window + overtime * cost,
                };
                DepartmentTally {
                    busy_mean: station.busy_time.mean(horizon),
                    staff_mean: department.mean_staff(self.warmup, horizon),
                    overtime,
                    staff_cost,
                    ..station.tally
                }
            })
            .collect();
        let intervals = self.close_intervals(horizon, &departments);
        ReplicationResult {
            replication,
            seed,
            window,
            events,
            social: self.social.is_some(),
            pooled: self.pooled,
            service_level: self.scenario.customers.service_level_time.is_some(),
            external: self.external,
            internal: self.internal,
            departments,
            links: self.links,
            paths: self.paths,
            stalled: self.stalled,
            intervals,
        }
    }
}
