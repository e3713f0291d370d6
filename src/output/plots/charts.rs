//! The charts of a run: morale over time and the distribution of waits
//! (the flow network is in [`super::flow`]). Each is a plain data struct that
//! implements [`Chart`].

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub use super::flow::{FlowChart, FlowLink, FlowNode};
use super::{Chart, LEGEND_WIDTH, Mark, font, house_style, palette, series_colours, side_legend, y_area};

fn failed<E: std::fmt::Display>(error: E) -> String {
    error.to_string()
}

/// A tick label, by the one number formatter ([`crate::readable`]).
pub fn tick(value: &f64) -> String {
    // A tick at zero computed as a sum of steps reads 0, not -2.78e-17.
    crate::readable::number(if value.abs() < 1e-12 { 0.0 } else { *value })
}

/// A mean over replications along time, with its interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Series name.
    pub name: String,
    /// (time, mean, low, high).
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// Lines with bands: a mean and its interval along x, one line per series
/// (departments over time, or sweep points along a swept parameter).
#[derive(Debug, Clone, PartialEq)]
pub struct BandChart {
    /// File stem.
    pub name: String,
    /// Title.
    pub title: String,
    /// y-axis description.
    pub y_label: String,
    /// x-axis description.
    pub x_label: String,
    /// y range.
    pub y_range: (f64, f64),
    /// Series.
    pub series: Vec<Band>,
    /// Spans of x to shade, each with its legend label (the warm-up, a
    /// surge).
    pub shaded: Vec<(f64, f64, String)>,
}

impl Chart for BandChart {
    fn name(&self) -> &str {
        &self.name
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let xs = || self.series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
        let start = xs().fold(f64::INFINITY, f64::min);
        let start = if start.is_finite() { start } else { 0.0 };
        let end = xs().fold(start, f64::max).max(start + 1e-9);
        let (plot, legend_area) = root.split_horizontally(super::SIZE.0 - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot)
            .caption(&self.title, ("sans-serif", font::TITLE))
            .margin(30)
            .x_label_area_size(80)
            .y_label_area_size(y_area(self.y_range.0, self.y_range.1))
            .build_cartesian_2d(start..end, self.y_range.0..self.y_range.1)
            .map_err(failed)?;
        // Whole-number x values (head counts) get whole-number ticks.
        let integral = xs().all(|x| x.fract() == 0.0) && end - start <= 20.0;
        let x_ticks = if integral { (end - start) as usize + 1 } else { 10 };
        let mut mesh = chart.configure_mesh();
        house_style(&mut mesh);
        mesh.x_labels(x_ticks).x_desc(&self.x_label).y_desc(&self.y_label).draw().map_err(failed)?;
        let mut legend = Vec::new();
        for (k, (from, to, label)) in self.shaded.iter().enumerate() {
            let (from, to) = (from.max(start), to.min(end));
            if from >= to {
                continue;
            }
            // The warm-up lighter than the spans after it.
            let tone = if k == 0 { RGBColor(236, 236, 236) } else { RGBColor(222, 222, 222) };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(from, self.y_range.0), (to, self.y_range.1)],
                    tone.filled(),
                )))
                .map_err(failed)?;
            legend.push((label.clone(), tone, Mark::Fill));
        }
        let colours = series_colours(self.series.len());
        for (series, colour) in self.series.iter().zip(&colours) {
            let mut band: Vec<(f64, f64)> = series.points.iter().map(|p| (p.0, p.3)).collect();
            band.extend(series.points.iter().rev().map(|p| (p.0, p.2)));
            chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.18).filled()))).map_err(failed)?;
        }
        for (series, colour) in self.series.iter().zip(&colours) {
            chart
                .draw_series(LineSeries::new(series.points.iter().map(|p| (p.0, p.1)), colour.stroke_width(3)))
                .map_err(failed)?;
            legend.push((series.name.clone(), *colour, Mark::Line(3)));
        }
        side_legend(&legend_area, &legend)
    }
}

/// One distribution in shares per bin: (low, high, share).
pub type Bins = Vec<(f64, f64, f64)>;

/// The distribution of external waits and resolution times.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitsChart {
    /// Time unit label.
    pub time_unit: String,
    /// Waits before service (abandoners' included).
    pub wait: Bins,
    /// Arrival to final answer.
    pub resolution: Bins,
    /// Share of customers who abandoned.
    pub abandon_rate: Option<f64>,
}

fn bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    x_label: &str,
    bins: &Bins,
    colour: RGBColor,
    note: Option<String>,
) -> Result<(), String> {
    let end = bins.last().map_or(1.0, |b| b.1);
    let top = bins.iter().map(|b| b.2).fold(0.0, f64::max).max(1e-9) * 1.1;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 32))
        .margin(25)
        .x_label_area_size(80)
        .y_label_area_size(100)
        .build_cartesian_2d(0.0..end, 0.0..top * 100.0)
        .map_err(failed)?;
    let mut mesh = chart.configure_mesh();
    house_style(&mut mesh);
    mesh.x_desc(x_label).y_desc("share of customers (%)").draw().map_err(failed)?;
    chart
        .draw_series(
            bins.iter()
                .map(|(low, high, share)| Rectangle::new([(*low, 0.0), (*high, share * 100.0)], colour.filled())),
        )
        .map_err(failed)?;
    if let Some(note) = note {
        let (width, _) = area.dim_in_pixel();
        area.draw(&Text::new(
            note,
            (width as i32 - 60, 120),
            ("sans-serif", font::LABEL).into_font().color(&BLACK).pos(Pos::new(HPos::Right, VPos::Top)),
        ))
        .map_err(failed)?;
    }
    Ok(())
}

impl Chart for WaitsChart {
    fn name(&self) -> &str {
        "waits"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (title_area, body) = root.split_vertically(70);
        title_area
            .draw(&Text::new(
                "How long external customers wait, and how long until their case is resolved".to_string(),
                (40, 20),
                ("sans-serif", font::TITLE).into_font().color(&BLACK),
            ))
            .map_err(failed)?;
        let (left, right) = body.split_horizontally(800);
        let unit = &self.time_unit;
        bars(
            &left,
            "Wait before service (or before abandoning)",
            &format!("wait ({unit}s; last bar: longer)"),
            &self.wait,
            palette(0.25),
            self.abandon_rate.map(|rate| format!("abandoned: {:.1}%", rate * 100.0)),
        )?;
        bars(
            &right,
            "Resolution time (arrival to final answer)",
            &format!("time ({unit}s; last bar: longer)"),
            &self.resolution,
            palette(0.6),
            None,
        )
    }
}
