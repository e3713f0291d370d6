//! Staffing by interval, drawn: per slot of the period, the staff the
//! iterative algorithm requires, Erlang's pointwise answers and the staff
//! the shifts put on duty, against clock time.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Chart, LEGEND_WIDTH, Mark, font, house_style, series_colours, side_legend};

fn failed(error: impl std::fmt::Display) -> String {
    error.to_string()
}

/// One department's staff by slot.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingDayChart {
    /// File stem (`staffing-<department>`).
    pub name: String,
    /// The department.
    pub department: String,
    /// Slot length, in the scenario's unit.
    pub every: f64,
    /// The scenario's time unit.
    pub time_unit: String,
    /// Whether the period is longer than a day (ticks carry the weekday).
    pub weekly: bool,
    /// What time 0 stands for (see [`crate::scenario::Scenario::start_time`]).
    pub start: f64,
    /// Staff the algorithm requires, per slot.
    pub required: Vec<f64>,
    /// Erlang's pointwise answer (A or C), where a formula exists.
    pub naive: Vec<Option<f64>>,
    /// Erlang C ignoring abandonment, where it exists.
    pub erlang_c: Vec<Option<f64>>,
    /// Staff on duty under the shifts.
    pub scheduled: Vec<f64>,
}

impl Chart for StaffingDayChart {
    fn name(&self) -> &str {
        &self.name
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        // Clock units are drawn in hours with HH:MM ticks; others as they are.
        let hours = crate::output::events::seconds_per_unit(&self.time_unit).map(|s| s / 3600.0);
        let scale = hours.unwrap_or(1.0);
        let end = self.every * self.required.len() as f64 * scale;
        let top = self
            .required
            .iter()
            .chain(&self.scheduled)
            .copied()
            .chain(self.naive.iter().chain(&self.erlang_c).flatten().copied())
            .fold(1.0, f64::max)
            * 1.15;
        let (areas, legend_area) = root.split_horizontally(super::SIZE.0 - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&areas)
            .caption(format!("Staff by slot at {}", self.department), ("sans-serif", font::TITLE))
            .margin(30)
            .x_label_area_size(90)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..end.max(1e-9), 0.0..top)
            .map_err(failed)?;
        let unit = self.time_unit.clone();
        let (weekly, start) = (self.weekly, self.start);
        let clock = move |x: &f64| match hours {
            Some(h) => crate::readable::clock(start, *x / h, &unit, weekly).unwrap_or_default(),
            None => crate::readable::number(*x),
        };
        let mut mesh = chart.configure_mesh();
        house_style(&mut mesh);
        mesh.x_label_formatter(&clock)
            .x_desc(if hours.is_some() { "clock time" } else { "time of the period" })
            .y_desc("staff")
            .draw()
            .map_err(failed)?;
        let colours = series_colours(4);
        let every = self.every * scale;
        let steps = |values: Vec<Option<f64>>| -> Vec<Vec<(f64, f64)>> {
            // A step line, broken where a slot has no value.
            let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
            for (i, value) in values.into_iter().enumerate() {
                match value {
                    Some(v) => {
                        runs.last_mut().expect("one run").extend([(i as f64 * every, v), ((i + 1) as f64 * every, v)])
                    }
                    None if !runs.last().is_some_and(Vec::is_empty) => runs.push(Vec::new()),
                    None => {}
                }
            }
            runs
        };
        let series: [(&str, Vec<Option<f64>>, u32); 4] = [
            ("required (iterative algorithm)", self.required.iter().map(|v| Some(*v)).collect(), 5),
            ("Erlang, slot by slot", self.naive.clone(), 2),
            ("Erlang C, no abandonment", self.erlang_c.clone(), 2),
            ("on duty under the shifts", self.scheduled.iter().map(|v| Some(*v)).collect(), 3),
        ];
        let mut legend = Vec::new();
        for (index, (label, values, width)) in series.into_iter().enumerate() {
            let colour = colours[index];
            let runs = steps(values);
            if runs.iter().all(Vec::is_empty) {
                continue;
            }
            for run in runs {
                chart.draw_series(LineSeries::new(run, colour.stroke_width(width))).map_err(failed)?;
            }
            legend.push((label.to_string(), colour, Mark::Line(width)));
        }
        // The legend beside the plot, never over the data.
        side_legend(&legend_area, &legend)
    }
}
