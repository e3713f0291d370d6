//! The regime chart: for each department with overload episodes, one row
//! per replication along time, coloured by the queue per staff member, so
//! crisis episodes show as bright stretches and a consultant sees at once
//! how often, how long and when they happen.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Chart, font, house_style, palette};

/// Colour levels of the queue per staff member: a level starts at its
/// bound (crisis begins above 2).
pub const LEVELS: [f64; 8] = [0.0, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0];

fn level(value: f64) -> usize {
    LEVELS.iter().rposition(|&bound| value >= bound).unwrap_or(0)
}

/// One department's rows: per replication, (bin start, queue per staff).
#[derive(Debug, Clone, PartialEq)]
pub struct RegimePanel {
    /// Department name.
    pub department: String,
    /// Per replication (in order), the bins along time.
    pub rows: Vec<Vec<(f64, f64)>>,
}

/// Replication × time, coloured by queue per staff, one panel per
/// department with episodes.
#[derive(Debug, Clone, PartialEq)]
pub struct RegimeChart {
    /// Time unit label.
    pub time_unit: String,
    /// The end of the time axis (the horizon).
    pub horizon: f64,
    /// The panels.
    pub panels: Vec<RegimePanel>,
}

impl Chart for RegimeChart {
    fn name(&self) -> &str {
        "regimes"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (title_area, body) = root.split_vertically(120);
        title_area
            .draw(&Text::new(
                "Overload episodes: queue per staff member, by replication over time".to_string(),
                (40, 15),
                ("sans-serif", font::TITLE).into_font().color(&BLACK),
            ))
            .map_err(|e| e.to_string())?;
        // The key: a swatch per level, then what the levels count.
        let style = ("sans-serif", font::TICK).into_font().color(&BLACK);
        let mut x = 40;
        for (index, bound) in LEVELS.iter().enumerate() {
            let colour = palette(index as f64 / (LEVELS.len() - 1) as f64);
            title_area.draw(&Rectangle::new([(x, 70), (x + 28, 94)], colour.filled())).map_err(|e| e.to_string())?;
            title_area
                .draw(&Rectangle::new([(x, 70), (x + 28, 94)], BLACK.stroke_width(1)))
                .map_err(|e| e.to_string())?;
            let text = format!("≥{bound}");
            title_area.draw(&Text::new(text.clone(), (x + 34, 70), style.clone())).map_err(|e| e.to_string())?;
            x += 34 + text.chars().count() as i32 * 14 + 16;
        }
        title_area
            .draw(&Text::new(
                "waiting per staff member (crisis: above 2 for over ten service times)".to_string(),
                (x + 10, 70),
                style,
            ))
            .map_err(|e| e.to_string())?;
        let panels = body.split_evenly((self.panels.len().max(1), 1));
        for (panel, area) in self.panels.iter().zip(&panels) {
            let replications = panel.rows.len().max(1) as f64;
            // As many replication numbers as the panel's height holds.
            let ticks = ((area.dim_in_pixel().1 as usize).saturating_sub(140) / 30).clamp(2, 6);
            // Row r spans [r + 0.5, r + 1.5]: whole-number ticks fall on
            // the rows' centres and read as replication numbers from 1.
            let mut chart = ChartBuilder::on(area)
                .caption(&panel.department, ("sans-serif", font::LABEL))
                .margin(20)
                .margin_right(70)
                .x_label_area_size(60)
                .y_label_area_size(100)
                .build_cartesian_2d(0.0..self.horizon, 0.5..replications + 0.5)
                .map_err(|e| e.to_string())?;
            let mut mesh = chart.configure_mesh();
            house_style(&mut mesh);
            mesh.x_desc(format!("time ({}s)", self.time_unit))
                .y_desc("replication")
                .y_labels((replications as usize).min(ticks))
                .y_label_formatter(&|y| if y.fract() == 0.0 { format!("{y:.0}") } else { String::new() })
                .disable_y_mesh()
                .disable_x_mesh()
                .draw()
                .map_err(|e| e.to_string())?;
            // Neighbouring bins of the same level are drawn as one stretch.
            let mut stretches = Vec::new();
            for (row, bins) in panel.rows.iter().enumerate() {
                let y = row as f64 + 0.5;
                let mut start = 0;
                for end in 1..=bins.len() {
                    if end == bins.len() || level(bins[end].1) != level(bins[start].1) {
                        let right = bins.get(end).map_or(self.horizon, |b| b.0);
                        stretches.push((bins[start].0, right, y, level(bins[start].1)));
                        start = end;
                    }
                }
            }
            chart
                .draw_series(stretches.into_iter().map(|(left, right, y, level)| {
                    let colour = palette(level as f64 / (LEVELS.len() - 1) as f64);
                    Rectangle::new([(left, y), (right, y + 1.0)], colour.filled())
                }))
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_start_at_their_bounds() {
        assert_eq!(level(0.0), 0);
        assert_eq!(level(0.3), 1);
        assert_eq!(level(2.0), 4);
        assert_eq!(level(1.99), 3);
        assert_eq!(level(100.0), 7);
    }
}
