//! Charts of the experiments: a tornado of `impact`, paired differences of
//! `compare`, and the candidates of `optimize` (cost against a target
//! metric). Sweeps use [`super::charts::BandChart`].

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Chart, Mark, font, house_style, palette, side_legend};

fn failed<E: std::fmt::Display>(error: E) -> String {
    error.to_string()
}

/// One labelled estimate: (label, mean, low, high).
pub type Row = (String, f64, f64, f64);

/// Horizontal bars from 0 to each mean, with interval whiskers and a zero
/// line: the `impact` tornado and the `compare` differences.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalChart {
    /// File stem.
    pub name: String,
    /// Title.
    pub title: String,
    /// x-axis description.
    pub x_label: String,
    /// Rows, top to bottom.
    pub rows: Vec<Row>,
    /// Names of the kinds of row when rows alternate between kinds (a
    /// Sobol index's first-order and total rows), each drawn in its own
    /// colour with a legend beside the plot; empty: one kind.
    pub groups: Vec<String>,
}

impl Chart for IntervalChart {
    fn name(&self) -> &str {
        &self.name
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
        let low = self.rows.iter().map(|r| finite(r.2).min(finite(r.1))).fold(0.0, f64::min);
        let high = self.rows.iter().map(|r| finite(r.3).max(finite(r.1))).fold(0.0, f64::max);
        let pad = (high - low).max(1e-9) * 0.08;
        let count = self.rows.len().max(1) as f64;
        let label_width = self.rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(10).min(40) as u32 * 13 + 20;
        let (plot, strip) = if self.groups.is_empty() {
            (root.clone(), None)
        } else {
            let (plot, strip) = root.split_horizontally(super::SIZE.0 - super::LEGEND_WIDTH);
            (plot, Some(strip))
        };
        let mut chart = ChartBuilder::on(&plot)
            .caption(&self.title, ("sans-serif", font::TITLE))
            .margin(30)
            .x_label_area_size(80)
            .y_label_area_size(label_width)
            .build_cartesian_2d((low - pad)..(high + pad), 0.0..count)
            .map_err(failed)?;
        let labels: Vec<String> = self.rows.iter().map(|r| r.0.clone()).collect();
        let mut mesh = chart.configure_mesh();
        house_style(&mut mesh);
        mesh.x_desc(&self.x_label)
            .y_labels(self.rows.len() * 2 + 1)
            .y_label_formatter(&|y: &f64| super::row_name(&labels, *y))
            .disable_y_mesh()
            .draw()
            .map_err(failed)?;
        let colours =
            if self.groups.is_empty() { vec![palette(0.3)] } else { super::series_colours(self.groups.len()) };
        for (index, (_, mean, lower, upper)) in self.rows.iter().enumerate() {
            let centre = count - index as f64 - 0.5;
            let bar = colours[index % colours.len()];
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, centre - 0.3), (finite(*mean), centre + 0.3)],
                    bar.mix(0.75).filled(),
                )))
                .map_err(failed)?;
            if lower.is_finite() && upper.is_finite() {
                let whisker = BLACK.stroke_width(3);
                chart
                    .draw_series(std::iter::once(PathElement::new(vec![(*lower, centre), (*upper, centre)], whisker)))
                    .map_err(failed)?;
                for end in [*lower, *upper] {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(end, centre - 0.15), (end, centre + 0.15)],
                            whisker,
                        )))
                        .map_err(failed)?;
                }
            }
        }
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (0.0, count)], BLACK.stroke_width(2))))
            .map_err(failed)?;
        match strip {
            Some(strip) => {
                let entries: Vec<_> = self
                    .groups
                    .iter()
                    .zip(&colours)
                    .map(|(name, colour)| (name.clone(), *colour, Mark::Fill))
                    .collect();
                side_legend(&strip, &entries)
            }
            None => Ok(()),
        }
    }
}

/// A staffing the search evaluated: (staff cost, target metric mean, low,
/// high, feasible, recommended).
pub type Candidate = (f64, f64, f64, f64, bool, bool);

/// The cost–service frontier: the candidates that no cheaper candidate
/// beats on the metric, in order of cost (`lower_is_better` says which way
/// the metric should go).
pub fn frontier(candidates: &[Candidate], lower_is_better: bool) -> Vec<(f64, f64)> {
    let mut sorted: Vec<&Candidate> = candidates.iter().filter(|c| c.1.is_finite()).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut best: Option<f64> = None;
    let mut points = Vec::new();
    for candidate in sorted {
        let better = match best {
            None => true,
            Some(value) => {
                if lower_is_better {
                    candidate.1 < value
                } else {
                    candidate.1 > value
                }
            }
        };
        if better {
            best = Some(candidate.1);
            points.push((candidate.0, candidate.1));
        }
    }
    points
}

/// Cost against a target metric, for `optimize`.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingChart {
    /// File stem.
    pub name: String,
    /// The target metric as a person reads it, with its unit
    /// ("Abandoned before service (%)").
    pub label: String,
    /// The target value, in the chart's unit.
    pub target: f64,
    /// The target as written for a person ("≤ 5%").
    pub target_label: String,
    /// Whether the target is an upper bound (`<=`).
    pub at_most: bool,
    /// Candidates, in the chart's unit.
    pub candidates: Vec<Candidate>,
    /// The recommendation on fresh replications (mean, low, high), when
    /// it was confirmed.
    pub confirmed: Option<(f64, f64, f64)>,
}

impl Chart for StaffingChart {
    fn name(&self) -> &str {
        &self.name
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (cost_low, cost_high) =
            self.candidates.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), c| (a.min(c.0), b.max(c.0)));
        let confirmed = self.confirmed.iter().flat_map(|c| [c.1, c.2]);
        let ends = self.candidates.iter().flat_map(|c| [c.2, c.3, c.1]).chain(confirmed).filter(|v| v.is_finite());
        let (value_low, value_high) = ends.fold((self.target, self.target), |(a, b), v| (a.min(v), b.max(v)));
        let cost_pad = (cost_high - cost_low).abs().max(1.0) * 0.08;
        let value_pad = (value_high - value_low).abs().max(1e-9) * 0.1;
        let (bottom, top) = (value_low - value_pad, value_high + value_pad);
        let (plot, strip) = root.split_horizontally(super::SIZE.0 - super::LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot)
            .caption(format!("Staffing candidates: cost against {}", self.label), ("sans-serif", font::TITLE))
            .margin(30)
            .x_label_area_size(80)
            .y_label_area_size(super::y_area(bottom, top))
            .build_cartesian_2d((cost_low - cost_pad)..(cost_high + cost_pad), bottom..top)
            .map_err(failed)?;
        let mut mesh = chart.configure_mesh();
        house_style(&mut mesh);
        mesh.x_desc("staff cost over the statistics window")
            .y_desc(format!("{} (mean, 95% CI)", self.label))
            .draw()
            .map_err(failed)?;
        let target = self.target;
        let grey = RGBColor(120, 120, 120);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(cost_low - cost_pad, target), (cost_high + cost_pad, target)],
                grey.stroke_width(3),
            )))
            .map_err(failed)?;
        for &(cost, _, low, high, _, _) in &self.candidates {
            if low.is_finite() && high.is_finite() {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(cost, low), (cost, high)],
                        BLACK.mix(0.5).stroke_width(2),
                    )))
                    .map_err(failed)?;
            }
        }
        let line = palette(0.35);
        chart
            .draw_series(LineSeries::new(frontier(&self.candidates, self.at_most), line.stroke_width(3)))
            .map_err(failed)?;
        let feasible = palette(0.55);
        let infeasible = palette(0.0);
        chart
            .draw_series(self.candidates.iter().filter(|c| c.4).map(|c| Circle::new((c.0, c.1), 9, feasible.filled())))
            .map_err(failed)?;
        chart
            .draw_series(
                self.candidates.iter().filter(|c| !c.4).map(|c| Cross::new((c.0, c.1), 9, infeasible.stroke_width(3))),
            )
            .map_err(failed)?;
        let mut legend = vec![
            (format!("target {}", self.target_label), grey, Mark::Line(3)),
            ("cost–service frontier".to_string(), line, Mark::Line(3)),
            ("meets every target".to_string(), feasible, Mark::Dot),
            ("misses a target".to_string(), infeasible, Mark::Cross),
        ];
        if let Some(best) = self.candidates.iter().find(|c| c.5) {
            let ring = RGBColor(200, 60, 20);
            // A confirmed recommendation is drawn where fresh replications
            // put it, with their interval.
            let (mean, label) = match self.confirmed {
                Some((mean, low, high)) => {
                    if low.is_finite() && high.is_finite() {
                        chart
                            .draw_series(std::iter::once(PathElement::new(
                                vec![(best.0, low), (best.0, high)],
                                ring.stroke_width(4),
                            )))
                            .map_err(failed)?;
                    }
                    (mean, "recommended: on fresh replications, with their interval")
                }
                None => (best.1, "recommended"),
            };
            chart
                .draw_series(std::iter::once(Circle::new((best.0, mean), 20, ring.stroke_width(4))))
                .map_err(failed)?;
            legend.push((label.to_string(), ring, Mark::Ring));
        }
        side_legend(&strip, &legend)
    }
}

/// A metric against each swept parameter of a sampled design, one panel
/// per parameter (at most eight).
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterChart {
    /// File stem.
    pub name: String,
    /// The metric.
    pub metric: String,
    /// Per parameter: its path and the (value, metric) of every point.
    pub panels: Vec<(String, Vec<(f64, f64)>)>,
}

impl Chart for ScatterChart {
    fn name(&self) -> &str {
        &self.name
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (title, body) = root.split_vertically(80);
        title
            .draw(&Text::new(
                format!("{} against each swept parameter (one dot per point of the design)", self.metric),
                (40, 24),
                ("sans-serif", font::TITLE).into_font().color(&BLACK),
            ))
            .map_err(failed)?;
        let panels = &self.panels[..self.panels.len().min(8)];
        let columns = panels.len().clamp(1, 4);
        let rows = panels.len().div_ceil(columns).max(1);
        let areas = body.split_evenly((rows, columns));
        let finite = |v: &f64| v.is_finite();
        let ys: Vec<f64> = panels.iter().flat_map(|p| p.1.iter().map(|q| q.1)).filter(finite).collect();
        let (y_low, y_high) = ys.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &y| (l.min(y), h.max(y)));
        let (y_low, y_high) = if y_low < y_high { (y_low, y_high) } else { (y_low - 1.0, y_low + 1.0) };
        let colour = palette(0.3).mix(0.5);
        for ((path, points), area) in panels.iter().zip(areas) {
            let xs: Vec<f64> = points.iter().map(|p| p.0).filter(finite).collect();
            let (low, high) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| (l.min(x), h.max(x)));
            let (low, high) = if low < high { (low, high) } else { (low - 1.0, low + 1.0) };
            let mut chart = ChartBuilder::on(&area)
                .margin(20)
                .x_label_area_size(70)
                .y_label_area_size(90)
                .build_cartesian_2d(low..high, y_low..y_high)
                .map_err(failed)?;
            let mut mesh = chart.configure_mesh();
            house_style(&mut mesh);
            mesh.x_desc(path.as_str()).x_labels(4).y_labels(5).draw().map_err(failed)?;
            chart
                .draw_series(
                    points
                        .iter()
                        .filter(|p| p.0.is_finite() && p.1.is_finite())
                        .map(|&p| Circle::new(p, 3, colour.filled())),
                )
                .map_err(failed)?;
        }
        Ok(())
    }
}
