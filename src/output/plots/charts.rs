//! The charts of a run: the organization as a flow network, morale over
//! time, and the distribution of waits. Each is a plain data struct that
//! implements [`Chart`].

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Chart, font, house_style, palette, series_colours};

fn failed<E: std::fmt::Display>(error: E) -> String {
    error.to_string()
}

/// A tick label, by the one number formatter ([`crate::readable`]).
pub fn tick(value: &f64) -> String {
    crate::readable::number(*value)
}

/// The most departments the flow picture names when they are crowded.
const MOST_LABELLED: usize = 15;

/// A department in the flow picture.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowNode {
    /// Name.
    pub name: String,
    /// Head count (with shifts, the mean on duty over the period); `None`
    /// when unlimited.
    pub staff: Option<f64>,
    /// Whether customers arrive here.
    pub front_line: bool,
    /// Mean morale (social layer).
    pub morale: Option<f64>,
    /// Mean utilization.
    pub utilization: f64,
}

/// Requests from one department to another.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowLink {
    /// Requesting node.
    pub from: usize,
    /// Supplier node.
    pub to: usize,
    /// Requests per replication.
    pub requests: f64,
    /// The requester's mean satisfaction with the replies (social layer).
    pub satisfaction: Option<f64>,
}

/// The organization as a network: who needs whom, how much, how well.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowChart {
    /// Scenario name.
    pub scenario: String,
    /// Departments.
    pub nodes: Vec<FlowNode>,
    /// Internal requests.
    pub links: Vec<FlowLink>,
    /// External customers per replication (from a log: cases).
    pub arrivals: f64,
    /// Whether the picture is of a ticket log (`orgsim fit`): arrows count
    /// cases, and nothing is known of how busy a team was.
    pub from_log: bool,
}

impl FlowChart {
    /// Column of each node: front line 0, then by shortest chain of needs.
    pub fn columns(&self) -> Vec<usize> {
        let n = self.nodes.len();
        let mut column = vec![usize::MAX; n];
        let mut frontier: Vec<usize> = (0..n).filter(|&i| self.nodes[i].front_line).collect();
        for &i in &frontier {
            column[i] = 0;
        }
        let mut depth = 0;
        while !frontier.is_empty() {
            depth += 1;
            let mut next = Vec::new();
            for &from in &frontier {
                for link in self.links.iter().filter(|l| l.from == from) {
                    if column[link.to] == usize::MAX {
                        column[link.to] = depth;
                        next.push(link.to);
                    }
                }
            }
            frontier = next;
        }
        let last = column.iter().filter(|&&c| c != usize::MAX).max().map_or(0, |m| m + 1);
        column.iter().map(|&c| if c == usize::MAX { last } else { c }).collect()
    }
}

fn arrow<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    from: (f64, f64),
    to: (f64, f64),
    width: u32,
    colour: RGBColor,
) -> Result<(), String> {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let length = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (ux, uy) = (dx / length, dy / length);
    let head = 14.0 + f64::from(width);
    let base = (to.0 - ux * head, to.1 - uy * head);
    let point = |x: f64, y: f64| (x.round() as i32, y.round() as i32);
    root.draw(&PathElement::new(vec![point(from.0, from.1), point(base.0, base.1)], colour.stroke_width(width)))
        .map_err(failed)?;
    let half = head * 0.5;
    root.draw(&Polygon::new(
        vec![
            point(to.0, to.1),
            point(base.0 - uy * half, base.1 + ux * half),
            point(base.0 + uy * half, base.1 - ux * half),
        ],
        colour.filled(),
    ))
    .map_err(failed)
}

fn colour_bar<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, x: i32, y: i32, caption: &str) -> Result<(), String> {
    let (width, height) = (300, 24);
    for step in 0..width {
        let colour = palette(f64::from(step) / f64::from(width - 1));
        root.draw(&Rectangle::new([(x + step, y), (x + step + 1, y + height)], colour.filled())).map_err(failed)?;
    }
    root.draw(&Rectangle::new([(x, y), (x + width, y + height)], BLACK.stroke_width(1))).map_err(failed)?;
    let style = ("sans-serif", font::TICK).into_font().color(&BLACK);
    root.draw(&Text::new(
        caption.to_string(),
        (x + width, y - 8),
        style.clone().pos(Pos::new(HPos::Right, VPos::Bottom)),
    ))
    .map_err(failed)?;
    for (value, at) in [("0", 0), ("0.5", width / 2), ("1", width)] {
        root.draw(&Text::new(value.to_string(), (x + at - 8, y + height + 6), style.clone())).map_err(failed)?;
    }
    Ok(())
}

impl Chart for FlowChart {
    fn name(&self) -> &str {
        "flow"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let social = self.nodes.iter().any(|n| n.morale.is_some());
        let title = if self.from_log {
            format!("How cases moved between the teams of {}: transfers and needs", self.scenario)
        } else {
            format!("How work flows through {}: internal requests per replication", self.scenario)
        };
        root.draw(&Text::new(title, (40, 24), ("sans-serif", font::TITLE).into_font().color(&BLACK)))
            .map_err(failed)?;
        let columns = self.columns();
        let column_count = columns.iter().max().map_or(1, |m| m + 1);
        let (left, right, top, bottom) = (330.0, 1480.0, 150.0, 760.0);
        let mut position = vec![(0.0, 0.0); self.nodes.len()];
        for column in 0..column_count {
            let members: Vec<usize> = (0..self.nodes.len()).filter(|&i| columns[i] == column).collect();
            let x = if column_count == 1 {
                left
            } else {
                left + (right - left) * column as f64 / (column_count - 1) as f64
            };
            for (rank, &i) in members.iter().enumerate() {
                let y = top + (bottom - top) * (rank as f64 + 0.5) / members.len() as f64;
                // Stagger a column's nodes so links inside it do not run
                // through the nodes between.
                let stagger = if members.len() > 2 { if rank % 2 == 0 { -70.0 } else { 70.0 } } else { 0.0 };
                position[i] = (x + stagger, y);
            }
        }
        // Circles and labels shrink to fit the most crowded column.
        let crowded = (0..column_count).map(|c| columns.iter().filter(|&&k| k == c).count()).max().unwrap_or(1).max(1);
        let spacing = (bottom - top) / crowded as f64;
        // An unlimited department is drawn as large as the largest.
        let largest = self.nodes.iter().filter_map(|n| n.staff).fold(1.0, f64::max);
        let biggest_radius = (0.42 * spacing).min(22.0 + 9.0 * largest.sqrt());
        let radius = |i: usize| {
            let staff = self.nodes[i].staff.unwrap_or(largest);
            (biggest_radius * (staff / largest).sqrt()).max(3.0)
        };
        let labelled = spacing >= 60.0;
        let busiest = self.links.iter().map(|l| l.requests).fold(0.0, f64::max).max(1e-9);
        // Customers enter at the front line.
        let entry = (110.0, (top + bottom) / 2.0);
        let label = ("sans-serif", font::TICK).into_font().color(&BLACK);
        root.draw(&Text::new(
            "customers".to_string(),
            (entry.0 as i32, entry.1 as i32 - 30),
            label.pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))
        .map_err(failed)?;
        root.draw(&Text::new(
            if self.from_log { format!("{:.0} cases", self.arrivals) } else { format!("{:.0} per run", self.arrivals) },
            (entry.0 as i32, entry.1 as i32 + 30),
            label.pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(failed)?;
        root.draw(&Circle::new((entry.0 as i32, entry.1 as i32), 16, BLACK.filled())).map_err(failed)?;
        for (i, node) in self.nodes.iter().enumerate().filter(|(_, n)| n.front_line) {
            let (x, y) = position[i];
            let (dx, dy) = (x - entry.0, y - entry.1);
            let length = (dx * dx + dy * dy).sqrt().max(1e-9);
            let _ = node;
            arrow(
                root,
                (entry.0 + 18.0 * dx / length, entry.1 + 18.0 * dy / length),
                (x - radius(i) * dx / length, y - radius(i) * dy / length),
                3,
                RGBColor(90, 90, 90),
            )?;
        }
        for link in &self.links {
            let (a, b) = (position[link.from], position[link.to]);
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let length = (dx * dx + dy * dy).sqrt().max(1e-9);
            let (ux, uy) = (dx / length, dy / length);
            // Two departments that need each other get two parallel arrows.
            let shift =
                if self.links.iter().any(|other| other.from == link.to && other.to == link.from) { 10.0 } else { 0.0 };
            let (px, py) = (-uy * shift, ux * shift);
            let start = (a.0 + ux * radius(link.from) + px, a.1 + uy * radius(link.from) + py);
            let end = (b.0 - ux * radius(link.to) + px, b.1 - uy * radius(link.to) + py);
            let width = (1.0 + (biggest_radius / 4.0).min(14.0) * link.requests / busiest).round() as u32;
            let colour = link.satisfaction.map_or(RGBColor(110, 110, 110), palette);
            arrow(root, start, end, width, colour)?;
        }
        for (i, node) in self.nodes.iter().enumerate() {
            let (x, y) = position[i];
            let fill = if self.from_log {
                palette(0.6)
            } else if social {
                palette(node.morale.unwrap_or(0.0))
            } else {
                palette(1.0 - node.utilization.min(1.0))
            };
            let centre = (x.round() as i32, y.round() as i32);
            let r = radius(i).round() as i32;
            root.draw(&Circle::new(centre, r, fill.filled())).map_err(failed)?;
            root.draw(&Circle::new(centre, r, BLACK.stroke_width(if labelled { 2 } else { 1 }))).map_err(failed)?;
            if !labelled {
                // Crowded: up to 15 teams still carry their names, one
                // line beside the circle on a plate.
                if self.nodes.len() <= MOST_LABELLED {
                    let name: String = node.name.chars().take(28).collect();
                    let width = (name.chars().count() as i32) * 10 + 12;
                    let at = (centre.0 + r + 6, centre.1);
                    root.draw(&Rectangle::new(
                        [(at.0, at.1 - 13), (at.0 + width, at.1 + 13)],
                        WHITE.mix(0.85).filled(),
                    ))
                    .map_err(failed)?;
                    let style = ("sans-serif", 18).into_font().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
                    root.draw(&Text::new(name, (at.0 + 6, at.1), style)).map_err(failed)?;
                }
                continue;
            }
            let text = ("sans-serif", font::TICK).into_font().color(&BLACK);
            // A white plate keeps the labels readable over arrows.
            let plate = (node.name.chars().count().max(22) as i32) * 13 / 2 + 8;
            root.draw(&Rectangle::new(
                [(centre.0 - plate, centre.1 + r + 4), (centre.0 + plate, centre.1 + r + 60)],
                WHITE.mix(0.85).filled(),
            ))
            .map_err(failed)?;
            root.draw(&Text::new(
                node.name.clone(),
                (centre.0, centre.1 + r + 6),
                text.pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(failed)?;
            root.draw(&Text::new(
                match node.staff {
                    Some(staff) if self.from_log => format!("{} staff", crate::scenario::ranges::number(staff)),
                    None if self.from_log => "staff unknown".to_string(),
                    Some(staff) => {
                        format!(
                            "{} staff · {:.0}% busy",
                            crate::scenario::ranges::number(staff),
                            node.utilization * 100.0
                        )
                    }
                    None => "unlimited staff".to_string(),
                },
                (centre.0, centre.1 + r + 34),
                ("sans-serif", 20).into_font().color(&RGBColor(60, 60, 60)).pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(failed)?;
        }
        if social {
            colour_bar(root, 1250, 840, "morale (circles), satisfaction (arrows)")?;
        } else if !self.from_log {
            colour_bar(root, 1250, 840, "idle share (circles)")?;
        }
        let what = if self.from_log { "cases" } else { "requests" };
        let legend = if self.nodes.len() > MOST_LABELLED && spacing < 60.0 {
            format!("arrow width: {what} · circle size: staff · {} departments (too many to label)", self.nodes.len())
        } else {
            format!("arrow width: {what} · circle size: staff")
        };
        root.draw(&Text::new(legend, (40, 860), ("sans-serif", font::TICK).into_font().color(&BLACK))).map_err(failed)
    }
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
    /// Where the legend goes (away from the data).
    pub legend: SeriesLabelPosition,
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
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", font::TITLE))
            .margin(30)
            .x_label_area_size(80)
            .y_label_area_size(100)
            .build_cartesian_2d(start..end, self.y_range.0..self.y_range.1)
            .map_err(failed)?;
        // Whole-number x values (head counts) get whole-number ticks.
        let integral = xs().all(|x| x.fract() == 0.0) && end - start <= 20.0;
        let x_ticks = if integral { (end - start) as usize + 1 } else { 10 };
        let mut mesh = chart.configure_mesh();
        house_style(&mut mesh);
        mesh.x_labels(x_ticks).x_desc(&self.x_label).y_desc(&self.y_label).draw().map_err(failed)?;
        let colours = series_colours(self.series.len());
        for (series, colour) in self.series.iter().zip(&colours) {
            let mut band: Vec<(f64, f64)> = series.points.iter().map(|p| (p.0, p.3)).collect();
            band.extend(series.points.iter().rev().map(|p| (p.0, p.2)));
            chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.18).filled()))).map_err(failed)?;
        }
        for (series, colour) in self.series.iter().zip(&colours) {
            let colour = *colour;
            chart
                .draw_series(LineSeries::new(series.points.iter().map(|p| (p.0, p.1)), colour.stroke_width(3)))
                .map_err(failed)?
                .label(&series.name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 30, y)], colour.stroke_width(4)));
        }
        chart
            .configure_series_labels()
            .position(self.legend.clone())
            .label_font(("sans-serif", font::TICK))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(failed)
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
