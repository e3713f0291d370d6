//! The charts of `fit.html`: the arrival profile (each day's or week's
//! rate per slot as dots, the fitted rate as a line) and a team's time as a
//! histogram under its fitted density.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Chart, LEGEND_WIDTH, Mark, font, house_style, palette, side_legend};
use crate::fit::families::Family;

fn failed(error: impl std::fmt::Display) -> String {
    error.to_string()
}

/// A chart's axes on [0, end] × [0, top], in the house style.
type Axes<'a, DB> = super::RealAxes<'a, DB>;

fn axes<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    title: String,
    (end, top): (f64, f64),
    (x_desc, y_desc): (String, &str),
) -> Result<Axes<'a, DB>, String> {
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", font::TITLE))
        .margin(30)
        .x_label_area_size(90)
        .y_label_area_size(super::y_area(0.0, top))
        .build_cartesian_2d(0.0..end, 0.0..top)
        .map_err(failed)?;
    let mut mesh = chart.configure_mesh();
    house_style(&mut mesh);
    mesh.x_desc(x_desc).y_desc(y_desc).draw().map_err(failed)?;
    Ok(chart)
}

/// Cases opened per time unit, slot by slot.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileChart {
    /// The scenario's time unit.
    pub time_unit: String,
    /// Slot length, in the unit.
    pub every: f64,
    /// The fitted rate of each slot.
    pub fitted: Vec<f64>,
    /// (slot start, rate) of each slot of each day or week of the log.
    pub observed: Vec<(f64, f64)>,
}

impl Chart for ProfileChart {
    fn name(&self) -> &str {
        "fit-arrivals"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let end = self.every * self.fitted.len() as f64;
        let top =
            self.observed.iter().map(|o| o.1).chain(self.fitted.iter().copied()).fold(0.0, f64::max).max(1e-9) * 1.1;
        let unit = &self.time_unit;
        let title = "Cases opened: the log slot by slot, and the fitted rate".to_string();
        let descriptions = (format!("time of the period ({unit}s from its start)"), format!("cases per {unit}"));
        let (plot, strip) = root.split_horizontally(super::SIZE.0 - LEGEND_WIDTH);
        let mut chart = axes(&plot, title, (end, top), (descriptions.0, &descriptions.1))?;
        let dots = palette(0.55).mix(0.35);
        chart
            .draw_series(self.observed.iter().map(|&(x, y)| Circle::new((x + self.every / 2.0, y), 4, dots.filled())))
            .map_err(failed)?;
        let line = palette(0.0);
        let steps = self.fitted.iter().enumerate().flat_map(|(i, &rate)| {
            let start = i as f64 * self.every;
            [(start, rate), (start + self.every, rate)]
        });
        chart.draw_series(LineSeries::new(steps, line.stroke_width(4))).map_err(failed)?;
        side_legend(
            &strip,
            &[
                ("one day (or week) of the log".to_string(), palette(0.55), Mark::Dot),
                ("fitted rate".to_string(), line, Mark::Line(4)),
            ],
        )
    }
}

/// A team's time: histogram of the log's values, fitted density on top.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedHistogram {
    /// The chart's file stem, from the department's name.
    name: String,
    /// The scenario's time unit.
    time_unit: String,
    /// The department.
    pub team: String,
    /// The values, in the scenario's unit.
    pub sample: Vec<f64>,
    /// The chosen family, if one was fitted.
    pub family: Option<Family>,
}

impl FittedHistogram {
    /// The chart of `team`'s `sample` under `family`; `index` keeps file
    /// names apart when two names clean to the same stem.
    pub fn new(team: String, sample: Vec<f64>, family: Option<Family>, index: usize, time_unit: &str) -> Self {
        let clean: String = team.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        let name = format!("fit-time-{}-{clean}", index + 1);
        FittedHistogram { name, time_unit: time_unit.to_string(), team, sample, family }
    }
}

impl Chart for FittedHistogram {
    fn name(&self) -> &str {
        &self.name
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        // Times in the unit that reads best for the bulk of them.
        let mut sorted = self.sample.clone();
        sorted.sort_by(f64::total_cmp);
        let (factor, unit) = crate::readable::duration_unit(
            sorted[((sorted.len() as f64 * 0.99) as usize).min(sorted.len() - 1)],
            &self.time_unit,
        );
        for x in &mut sorted {
            *x *= factor;
        }
        let family = self.family.map(|f| f.scaled(factor));
        // The histogram covers up to the 99th percentile; the rest is off to the right.
        let end = sorted[((sorted.len() as f64 * 0.99) as usize).min(sorted.len() - 1)].max(1e-9);
        let bins = 40usize;
        let width = end / bins as f64;
        let mut counts = vec![0usize; bins];
        for &x in sorted.iter().filter(|x| **x <= end) {
            counts[((x / width) as usize).min(bins - 1)] += 1;
        }
        let n = sorted.len() as f64;
        let heights: Vec<f64> = counts.iter().map(|&c| c as f64 / n / width).collect();
        let curve: Vec<(f64, f64)> = family
            .map(|family| (1..=200).map(|i| i as f64 * end / 200.0).map(|x| (x, family.density(x))).collect())
            .unwrap_or_default();
        let top = heights
            .iter()
            .copied()
            .chain(curve.iter().map(|p| p.1))
            .filter(|y| y.is_finite())
            .fold(0.0, f64::max)
            .max(1e-12)
            * 1.1;
        let title = format!("Time at {} ({} visits)", self.team, sorted.len());
        let x_desc = format!("time ({unit}; the slowest 1% off to the right)");
        let y_desc = format!("share of visits per {}", if unit == "days" { "day" } else { unit.as_str() });
        let (plot, strip) = root.split_horizontally(super::SIZE.0 - LEGEND_WIDTH);
        let mut chart = axes(&plot, title, (end, top), (x_desc, &y_desc))?;
        let bar = palette(0.6).mix(0.6);
        chart
            .draw_series(
                heights.iter().enumerate().map(|(i, &h)| {
                    Rectangle::new([(i as f64 * width, 0.0), ((i + 1) as f64 * width, h)], bar.filled())
                }),
            )
            .map_err(failed)?;
        if let Some(family) = family {
            let line = palette(0.0);
            chart
                .draw_series(LineSeries::new(curve.into_iter().map(|(x, y)| (x, y.min(top))), line.stroke_width(4)))
                .map_err(failed)?;
            side_legend(
                &strip,
                &[
                    ("the log's visits".to_string(), palette(0.6), Mark::Fill),
                    (format!("fitted {}", family.name()), line, Mark::Line(4)),
                ],
            )?;
        }
        Ok(())
    }
}

/// One measure of the check: the log's value against the simulated range.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedMeasure {
    /// The measure's name.
    pub name: String,
    /// The log's value.
    pub observed: f64,
    /// 2.5% quantile over replications.
    pub low: f64,
    /// 97.5% quantile over replications.
    pub high: f64,
}

impl CheckedMeasure {
    /// Where the log's value lies in the range: 0 at its 2.5% end, 1 at
    /// its 97.5% end (½ when the range is one value and the log has it),
    /// kept within [−1, 2] so a far value still shows at the edge.
    pub fn position(&self) -> f64 {
        let width = self.high - self.low;
        let position = if width > 0.0 && width.is_finite() {
            (self.observed - self.low) / width
        } else if self.observed == self.low {
            0.5
        } else if self.observed < self.low {
            -1.0
        } else {
            2.0
        };
        if position.is_nan() { 0.5 } else { position.clamp(-1.0, 2.0) }
    }

    /// Whether the log's value lies inside the range.
    pub fn inside(&self) -> bool {
        self.observed >= self.low && self.observed <= self.high
    }
}

/// The check at a glance: each measure's range as one band, the log's
/// value as a dot, dark inside and light outside.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckChart {
    /// The measures drawn, top to bottom (at most [`CheckChart::MOST`]).
    pub measures: Vec<CheckedMeasure>,
}

impl CheckChart {
    /// The most measures one chart shows.
    pub const MOST: usize = 24;

    /// The chart of `measures`: those outside their range first, then the
    /// others in order, up to [`CheckChart::MOST`].
    pub fn new(measures: Vec<CheckedMeasure>) -> Self {
        let (outside, inside): (Vec<_>, Vec<_>) = measures.into_iter().partition(|m| !m.inside());
        CheckChart { measures: outside.into_iter().chain(inside).take(Self::MOST).collect() }
    }
}

impl Chart for CheckChart {
    fn name(&self) -> &str {
        "fit-check"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let count = self.measures.len().max(1) as f64;
        let mut chart = ChartBuilder::on(root)
            .caption("The log against the range the model gives one log", ("sans-serif", font::TITLE))
            .margin(30)
            .x_label_area_size(90)
            .y_label_area_size(420)
            .build_cartesian_2d(-1.1..2.1, 0.0..count)
            .map_err(failed)?;
        let mut mesh = chart.configure_mesh();
        house_style(&mut mesh);
        mesh.y_labels(0)
            .disable_y_mesh()
            .x_desc("place in the simulated range (0: its 2.5% end, 1: its 97.5% end)")
            .draw()
            .map_err(failed)?;
        // The names beside the axis, each at its row.
        let style = ("sans-serif", font::TICK).into_font().color(&BLACK).pos(Pos::new(HPos::Right, VPos::Center));
        for (i, measure) in self.measures.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(-1.1, count - i as f64 - 0.5));
            let name: String = if measure.name.chars().count() > 40 {
                measure.name.chars().take(39).chain(['…']).collect()
            } else {
                measure.name.clone()
            };
            root.draw(&Text::new(name, (x - 12, y), style.clone())).map_err(failed)?;
        }
        let band = palette(0.55).mix(0.3);
        let row = |i: usize| count - i as f64 - 0.5;
        chart
            .draw_series(
                (0..self.measures.len())
                    .map(|i| Rectangle::new([(0.0, row(i) - 0.3), (1.0, row(i) + 0.3)], band.filled())),
            )
            .map_err(failed)?;
        let (inside, outside) = (palette(0.0), palette(0.8));
        chart
            .draw_series(self.measures.iter().enumerate().map(|(i, m)| {
                let colour = if m.inside() { inside } else { outside };
                Circle::new((m.position(), row(i)), 9, colour.filled().stroke_width(2))
            }))
            .map_err(failed)?;
        Ok(())
    }
}
