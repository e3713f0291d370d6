//! Charts of the experiments: a tornado of `impact`, paired differences of
//! `compare`, and the candidates of `optimize` (cost against a target
//! metric). Sweeps use [`super::charts::BandChart`].

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Chart, font, house_style, palette};

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
        let mut chart = ChartBuilder::on(root)
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
            .y_label_formatter(&|y: &f64| {
                let index = count - y - 0.5;
                let nearest = index.round();
                if (index - nearest).abs() < 0.01 && nearest >= 0.0 && (nearest as usize) < labels.len() {
                    labels[nearest as usize].clone()
                } else {
                    String::new()
                }
            })
            .disable_y_mesh()
            .draw()
            .map_err(failed)?;
        let bar = palette(0.3);
        for (index, (_, mean, lower, upper)) in self.rows.iter().enumerate() {
            let centre = count - index as f64 - 0.5;
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
        Ok(())
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
    /// Target metric.
    pub metric: String,
    /// The target value.
    pub target: f64,
    /// Whether the target is an upper bound (`<=`).
    pub at_most: bool,
    /// Candidates.
    pub candidates: Vec<Candidate>,
}

impl Chart for StaffingChart {
    fn name(&self) -> &str {
        "staffing"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (cost_low, cost_high) =
            self.candidates.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), c| (a.min(c.0), b.max(c.0)));
        let (value_low, value_high) = self.candidates.iter().fold((self.target, self.target), |(a, b), c| {
            (a.min(if c.2.is_finite() { c.2 } else { c.1 }), b.max(if c.3.is_finite() { c.3 } else { c.1 }))
        });
        let cost_pad = (cost_high - cost_low).abs().max(1.0) * 0.08;
        let value_pad = (value_high - value_low).abs().max(1e-9) * 0.1;
        let mut chart = ChartBuilder::on(root)
            .caption(format!("Staffing candidates: cost against {}", self.metric), ("sans-serif", font::TITLE))
            .margin(30)
            .x_label_area_size(80)
            .y_label_area_size(120)
            .build_cartesian_2d(
                (cost_low - cost_pad)..(cost_high + cost_pad),
                (value_low - value_pad)..(value_high + value_pad),
            )
            .map_err(failed)?;
        let mut mesh = chart.configure_mesh();
        house_style(&mut mesh);
        mesh.x_desc("staff cost over the statistics window")
            .y_desc(format!("{} (mean, 95% CI)", self.metric))
            .draw()
            .map_err(failed)?;
        let target = self.target;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(cost_low - cost_pad, target), (cost_high + cost_pad, target)],
                RGBColor(120, 120, 120).stroke_width(3),
            )))
            .map_err(failed)?
            .label(format!("target {target}"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 30, y)], RGBColor(120, 120, 120).stroke_width(3)));
        for &(cost, mean, low, high, _, _) in &self.candidates {
            if low.is_finite() && high.is_finite() {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(cost, low), (cost, high)],
                        BLACK.mix(0.5).stroke_width(2),
                    )))
                    .map_err(failed)?;
            }
            let _ = mean;
        }
        let line = palette(0.35);
        chart
            .draw_series(LineSeries::new(frontier(&self.candidates, self.at_most), line.stroke_width(3)))
            .map_err(failed)?
            .label("cost–service frontier")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 30, y)], line.stroke_width(3)));
        let feasible = palette(0.55);
        let infeasible = palette(0.0);
        chart
            .draw_series(self.candidates.iter().filter(|c| c.4).map(|c| Circle::new((c.0, c.1), 9, feasible.filled())))
            .map_err(failed)?
            .label("meets every target")
            .legend(move |(x, y)| Circle::new((x + 15, y), 9, feasible.filled()));
        chart
            .draw_series(
                self.candidates.iter().filter(|c| !c.4).map(|c| Cross::new((c.0, c.1), 9, infeasible.stroke_width(3))),
            )
            .map_err(failed)?
            .label("misses a target")
            .legend(move |(x, y)| Cross::new((x + 15, y), 9, infeasible.stroke_width(3)));
        if let Some(best) = self.candidates.iter().find(|c| c.5) {
            chart
                .draw_series(std::iter::once(Circle::new((best.0, best.1), 20, BLACK.stroke_width(4))))
                .map_err(failed)?
                .label("recommended")
                .legend(|(x, y)| Circle::new((x + 15, y), 10, BLACK.stroke_width(3)));
        }
        super::legend(&mut chart, SeriesLabelPosition::UpperRight)
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
