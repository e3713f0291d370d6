//! Charts of a day (a period with a rate profile), from `intervals.csv`:
//! for each front-line department, demand against staff slot by slot with
//! the service level on a second axis; and a heat map of waits, slot ×
//! department.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Chart, LEGEND_WIDTH, Mark, font, house_style, palette, side_legend};

/// One slot of a department's day.
#[derive(Debug, Clone, PartialEq)]
pub struct DaySlot {
    /// Slot start and end.
    pub start: f64,
    /// Slot end.
    pub end: f64,
    /// Offered load: work arriving per time unit × mean service time.
    pub load: f64,
    /// Mean scheduled staff.
    pub staff: Option<f64>,
    /// Mean busy servers.
    pub busy: f64,
    /// Service level (or, without a service-level time, the share that
    /// did not wait), 0–1.
    pub level: Option<f64>,
}

/// Demand, staff and service through the period for one department.
#[derive(Debug, Clone, PartialEq)]
pub struct DayChart {
    /// Department name.
    pub department: String,
    /// File stem (`day-<department>`, made safe for a file name).
    pub stem: String,
    /// Time unit label.
    pub time_unit: String,
    /// What `level` is.
    pub level_label: String,
    /// The slots.
    pub slots: Vec<DaySlot>,
    /// Clock time on the axis, for a clock unit and a period of a day or a
    /// week.
    pub clock: Option<ClockAxis>,
}

/// A time axis read as clock time: time 0 is `start` (see
/// [`crate::scenario::Scenario::start_time`]), drawn in hours with HH:MM
/// ticks (the weekday added for a weekly period).
#[derive(Debug, Clone, PartialEq)]
pub struct ClockAxis {
    /// What time 0 stands for.
    pub start: f64,
    /// The scenario's time unit (second, minute, hour or day).
    pub unit: String,
    /// Whether ticks carry the weekday.
    pub weekly: bool,
}

impl ClockAxis {
    /// Hours per time unit.
    fn hours(&self) -> f64 {
        crate::output::events::seconds_per_unit(&self.unit).map_or(1.0, |s| s / 3600.0)
    }

    /// The tick label at `hours` on the axis.
    fn label(&self, hours: f64) -> String {
        crate::readable::clock(self.start, hours / self.hours(), &self.unit, self.weekly).unwrap_or_default()
    }
}

/// Tick labels of an axis.
type Ticks = Box<dyn Fn(&f64) -> String>;

/// The factor from time units to the axis, its tick labels and its title.
fn x_axis(clock: Option<&ClockAxis>, time_unit: &str) -> (f64, Ticks, String) {
    match clock {
        Some(axis) => {
            let axis = axis.clone();
            (axis.hours(), Box::new(move |x: &f64| axis.label(*x)), "clock time".to_string())
        }
        None => (1.0, Box::new(super::charts::tick), format!("time in the period ({time_unit}s)")),
    }
}

fn failed<E: std::fmt::Display>(error: E) -> String {
    error.to_string()
}

impl Chart for DayChart {
    fn name(&self) -> &str {
        &self.stem
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (scale, ticks, x_desc) = x_axis(self.clock.as_ref(), &self.time_unit);
        let slots: Vec<DaySlot> =
            self.slots.iter().map(|s| DaySlot { start: s.start * scale, end: s.end * scale, ..s.clone() }).collect();
        let end = slots.last().map_or(1.0, |s| s.end);
        let top = slots.iter().flat_map(|s| [s.load, s.busy, s.staff.unwrap_or(0.0)]).fold(1.0, f64::max) * 1.15;
        let (plot, legend_area) = root.split_horizontally(super::SIZE.0 - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot)
            .caption(
                format!("{}: demand, staff and service through the period", self.department),
                ("sans-serif", font::TITLE),
            )
            .margin(30)
            .x_label_area_size(80)
            .y_label_area_size(100)
            .right_y_label_area_size(100)
            .build_cartesian_2d(0.0..end, 0.0..top)
            .map_err(failed)?
            .set_secondary_coord(0.0..end, 0.0..1.0);
        let mut mesh = chart.configure_mesh();
        house_style(&mut mesh);
        mesh.x_desc(x_desc)
            .x_label_formatter(&ticks)
            .y_desc("people (offered load: arrivals × mean service)")
            .draw()
            .map_err(failed)?;
        chart
            .configure_secondary_axes()
            .y_desc(&self.level_label)
            .label_style(("sans-serif", font::TICK))
            .axis_desc_style(("sans-serif", font::LABEL))
            .draw()
            .map_err(failed)?;
        let (demand, staff, busy, level) = (palette(0.75), BLACK, palette(0.45), palette(0.15));
        chart
            .draw_series(
                slots.iter().map(|s| Rectangle::new([(s.start, 0.0), (s.end, s.load)], demand.mix(0.5).filled())),
            )
            .map_err(failed)?;
        let steps = |value: &dyn Fn(&DaySlot) -> Option<f64>| -> Vec<(f64, f64)> {
            slots.iter().filter_map(|s| value(s).map(|v| [(s.start, v), (s.end, v)])).flatten().collect()
        };
        chart.draw_series(LineSeries::new(steps(&|s| s.staff), staff.stroke_width(4))).map_err(failed)?;
        chart.draw_series(LineSeries::new(steps(&|s| Some(s.busy)), busy.stroke_width(3))).map_err(failed)?;
        chart
            .draw_secondary_series(LineSeries::new(
                slots.iter().filter_map(|s| s.level.map(|l| ((s.start + s.end) / 2.0, l))),
                ShapeStyle::from(&level).stroke_width(2),
            ))
            .map_err(failed)?;
        // The legend beside the plot, never over the data.
        let soft = |c: RGBColor| {
            let mix = |v: u8| (f64::from(v) * 0.5 + 255.0 * 0.5).round() as u8;
            RGBColor(mix(c.0), mix(c.1), mix(c.2))
        };
        side_legend(
            &legend_area,
            &[
                ("offered load".to_string(), soft(demand), Mark::Fill),
                ("scheduled staff".to_string(), staff, Mark::Line(4)),
                ("busy".to_string(), busy, Mark::Line(3)),
                (self.level_label.clone(), level, Mark::Line(2)),
            ],
        )
    }
}

/// Mean wait by slot (columns) and department (rows).
#[derive(Debug, Clone, PartialEq)]
pub struct WaitsBySlot {
    /// Time unit label.
    pub time_unit: String,
    /// Department names, one row each.
    pub departments: Vec<String>,
    /// Slot starts and ends.
    pub slots: Vec<(f64, f64)>,
    /// `waits[department][slot]`; `None` where nobody waited to be counted.
    pub waits: Vec<Vec<Option<f64>>>,
    /// Clock time on the axis (see [`DayChart::clock`]).
    pub clock: Option<ClockAxis>,
}

impl Chart for WaitsBySlot {
    fn name(&self) -> &str {
        "waits-by-slot"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (scale, ticks, x_desc) = x_axis(self.clock.as_ref(), &self.time_unit);
        let end = self.slots.last().map_or(1.0, |s| s.1) * scale;
        let rows = self.departments.len().max(1);
        let longest = self.waits.iter().flatten().flatten().copied().fold(0.0, f64::max).max(1e-9);
        let (plot, strip) = root.split_horizontally(super::SIZE.0 - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot)
            .caption("Mean wait by slot and department", ("sans-serif", font::TITLE))
            .margin(30)
            .x_label_area_size(80)
            .y_label_area_size(260)
            .build_cartesian_2d(0.0..end, 0.0..rows as f64)
            .map_err(failed)?;
        // One row per department, top to bottom in file order; a name at
        // each row's centre.
        let names = self.departments.clone();
        let count = rows as f64;
        chart
            .configure_mesh()
            .axis_desc_style(("sans-serif", font::LABEL))
            .label_style(("sans-serif", font::TICK))
            .x_label_formatter(&ticks)
            .x_desc(x_desc)
            .y_labels(rows.min(40) * 2 + 1)
            .y_label_formatter(&|y: &f64| super::row_name(&names, *y))
            .disable_mesh()
            .draw()
            .map_err(failed)?;
        let cells = self.waits.iter().enumerate().flat_map(|(row, waits)| {
            self.slots.iter().zip(waits).map(move |(&(start, end), wait)| {
                let (start, end) = (start * scale, end * scale);
                let colour = match wait {
                    Some(wait) => palette(wait / longest),
                    None => RGBColor(230, 230, 230),
                };
                let top = count - row as f64;
                Rectangle::new([(start, top - 1.0), (end, top)], colour.filled())
            })
        });
        let unit = self.time_unit.clone();
        super::colour_key(&strip, (20, 200), "mean wait", (0.0, longest), |v| crate::readable::duration(v, &unit))?;
        strip.draw(&Rectangle::new([(20, 300), (50, 324)], RGBColor(230, 230, 230).filled())).map_err(failed)?;
        strip
            .draw(&Text::new("nobody waited", (60, 300), ("sans-serif", font::TICK).into_font().color(&BLACK)))
            .map_err(failed)?;
        chart.draw_series(cells).map_err(failed)?;
        Ok(())
    }
}
