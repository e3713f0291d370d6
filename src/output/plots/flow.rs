//! The organization as a flow network: departments as circles sized by
//! staff, requests as arrows as wide as their volume, customers entering
//! at the front line with their outcomes beside them.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::placement::{Obstacles, Rect, place};
use super::{Chart, colour_key, font, palette};

fn failed<E: std::fmt::Display>(error: E) -> String {
    error.to_string()
}

/// An arrow to draw: from, to, width, colour and kind.
type Shaft = ((f64, f64), (f64, f64), u32, RGBColor, LinkKind);

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
    /// How the work moves.
    pub kind: LinkKind,
}

/// How work moves along a link, each drawn its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// A need whose requester holds the customer until the reply (solid).
    Hold,
    /// A need handed off: the requester goes on and takes the reply up
    /// later (dashed).
    Handoff,
    /// Work moved on for good (dotted).
    Transfer,
    /// Waiting work taken by another team's idle people (finely dotted).
    Overflow,
}

impl LinkKind {
    /// From `links.csv`'s `mode` column (a fitted log's `transfer` and
    /// `need` rows too).
    pub fn parse(text: &str) -> LinkKind {
        match text {
            "hold" | "need" => LinkKind::Hold,
            "transfer" => LinkKind::Transfer,
            "overflow" => LinkKind::Overflow,
            _ => LinkKind::Handoff,
        }
    }

    /// Drawn and gap lengths of its line, in pixels (no gap: solid).
    fn dashes(self) -> (f64, f64) {
        match self {
            LinkKind::Hold => (1.0, 0.0),
            LinkKind::Handoff => (18.0, 10.0),
            LinkKind::Transfer => (5.0, 7.0),
            LinkKind::Overflow => (2.0, 4.0),
        }
    }
}

/// What happened to the customers, shown beside their node.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerOutcomes {
    /// Share who gave up.
    pub abandoned: Option<f64>,
    /// Expected share lost (social layer).
    pub churn: Option<f64>,
    /// Revenue at risk per time unit (social layer).
    pub revenue_at_risk_rate: Option<f64>,
    /// The scenario's time unit.
    pub time_unit: String,
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
    /// The customers' outcomes (a run), beside their node.
    pub customers: Option<CustomerOutcomes>,
}

impl FlowChart {
    /// The customers' node at `entry`: its name, arrivals and outcomes.
    fn draw_customers<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        entry: (f64, f64),
    ) -> Result<(), String> {
        let label = ("sans-serif", font::TICK).into_font().color(&BLACK);
        root.draw(&Text::new(
            "customers".to_string(),
            (entry.0 as i32, entry.1 as i32 - 30),
            label.pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))
        .map_err(failed)?;
        root.draw(&Text::new(
            if self.from_log {
                format!("{} cases", crate::readable::number(self.arrivals.round()))
            } else {
                format!("{} per run", crate::readable::number(self.arrivals.round()))
            },
            (entry.0 as i32, entry.1 as i32 + 30),
            label.pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(failed)?;
        root.draw(&Circle::new((entry.0 as i32, entry.1 as i32), 16, BLACK.filled())).map_err(failed)?;
        if let Some(outcomes) = &self.customers {
            let lines: Vec<String> = [
                outcomes.abandoned.map(|a| format!("gave up {}", crate::readable::percent(a))),
                outcomes.churn.map(|c| format!("expected to leave {}", crate::readable::percent(c))),
                outcomes.revenue_at_risk_rate.map(|r| {
                    format!(
                        "revenue at risk {}/{}",
                        crate::readable::number(r),
                        crate::readable::short_unit(&outcomes.time_unit)
                    )
                }),
            ]
            .into_iter()
            .flatten()
            .collect();
            let small = ("sans-serif", 18).into_font().color(&RGBColor(60, 60, 60));
            for (k, line) in lines.into_iter().enumerate() {
                let at = (entry.0 as i32 - 95, entry.1 as i32 + 70 + 24 * k as i32);
                root.draw(&Text::new(line, at, small.clone())).map_err(failed)?;
            }
        }
        Ok(())
    }

    /// Each department's name (and staff) where it covers no arrow,
    /// circle or other label.
    fn draw_labels<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        position: &[(f64, f64)],
        radii: &[f64],
        labelled: bool,
        obstacles: &mut Obstacles,
        bounds: &Rect,
    ) -> Result<(), String> {
        for (i, node) in self.nodes.iter().enumerate() {
            if !labelled && self.nodes.len() > MOST_LABELLED {
                continue;
            }
            let lines = if labelled {
                vec![(node.name.clone(), font::TICK, BLACK), (self.staff_line(node), 20, RGBColor(60, 60, 60))]
            } else {
                // Crowded: up to 15 teams still carry their names, one line.
                vec![(node.name.chars().take(28).collect(), 18, BLACK)]
            };
            let width = lines
                .iter()
                .map(|(text, size, _)| text.chars().count() as f64 * f64::from(*size) * 0.55)
                .fold(0.0, f64::max)
                + 10.0;
            let height = lines.iter().map(|(_, size, _)| f64::from(*size) + 6.0).sum::<f64>();
            let rect = place(position[i], radii[i], (width, height), obstacles, bounds);
            let mut top = rect.y0;
            for (text, size, colour) in lines {
                let style = ("sans-serif", size).into_font().color(&colour).pos(Pos::new(HPos::Center, VPos::Top));
                let at = (((rect.x0 + rect.x1) / 2.0).round() as i32, top.round() as i32 + 2);
                root.draw(&Text::new(text, at, style)).map_err(failed)?;
                top += f64::from(size) + 6.0;
            }
        }
        Ok(())
    }

    /// A department's second line: staff and how busy.
    fn staff_line(&self, node: &FlowNode) -> String {
        match node.staff {
            Some(staff) if self.from_log => format!("{} staff", crate::scenario::ranges::number(staff)),
            None if self.from_log => "staff unknown".to_string(),
            Some(staff) => {
                format!("{} staff · {:.0}% busy", crate::scenario::ranges::number(staff), node.utilization * 100.0)
            }
            None => "unlimited staff".to_string(),
        }
    }

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
    kind: LinkKind,
) -> Result<(), String> {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let length = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (ux, uy) = (dx / length, dy / length);
    let head = 14.0 + f64::from(width);
    let base = (to.0 - ux * head, to.1 - uy * head);
    let point = |x: f64, y: f64| (x.round() as i32, y.round() as i32);
    let (on, off) = kind.dashes();
    let shaft = ((base.0 - from.0).powi(2) + (base.1 - from.1).powi(2)).sqrt();
    let mut at = 0.0;
    while at < shaft {
        let to_here = if off == 0.0 { shaft } else { (at + on).min(shaft) };
        let (a, b) = ((from.0 + ux * at, from.1 + uy * at), (from.0 + ux * to_here, from.1 + uy * to_here));
        root.draw(&PathElement::new(vec![point(a.0, a.1), point(b.0, b.1)], colour.stroke_width(width)))
            .map_err(failed)?;
        at = to_here + off.max(f64::EPSILON);
        if off == 0.0 {
            break;
        }
    }
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
        // Morale and satisfaction coloured on a scale fitted to their
        // values (at least 0.02 wide), so small differences show.
        let scores: Vec<f64> = self
            .nodes
            .iter()
            .filter_map(|n| n.morale)
            .chain(self.links.iter().filter_map(|l| l.satisfaction))
            .filter(|v| v.is_finite())
            .collect();
        let scale = {
            let (low, high) = scores.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
            if low > high {
                (0.0, 1.0)
            } else if high - low < 0.02 {
                let centre = (low + high) / 2.0;
                (centre - 0.01, centre + 0.01)
            } else {
                (low, high)
            }
        };
        let on_scale = |value: f64| (value - scale.0) / (scale.1 - scale.0);
        let busiest = self.links.iter().map(|l| l.requests).fold(0.0, f64::max).max(1e-9);
        // Customers enter at the front line.
        let entry = (110.0, (top + bottom) / 2.0);
        self.draw_customers(root, entry)?;
        // Every arrow first, so that labels can keep clear of them.
        let mut arrows: Vec<Shaft> = Vec::new();
        for (i, _) in self.nodes.iter().enumerate().filter(|(_, n)| n.front_line) {
            let (x, y) = position[i];
            let (dx, dy) = (x - entry.0, y - entry.1);
            let length = (dx * dx + dy * dy).sqrt().max(1e-9);
            arrows.push((
                (entry.0 + 18.0 * dx / length, entry.1 + 18.0 * dy / length),
                (x - radius(i) * dx / length, y - radius(i) * dy / length),
                3,
                RGBColor(90, 90, 90),
                LinkKind::Hold,
            ));
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
            let colour = link.satisfaction.map_or(RGBColor(110, 110, 110), |s| palette(on_scale(s)));
            arrows.push((start, end, width, colour, link.kind));
        }
        let mut obstacles = Obstacles {
            segments: arrows.iter().map(|(a, b, width, _, _)| (*a, *b, 7.0 + f64::from(*width) / 2.0)).collect(),
            circles: (0..self.nodes.len()).map(|i| (position[i], radius(i))).chain([(entry, 16.0)]).collect(),
            boxes: vec![
                // The customers' own labels and outcomes.
                Rect { x0: entry.0 - 100.0, y0: entry.1 - 60.0, x1: entry.0 + 100.0, y1: entry.1 - 28.0 },
                Rect { x0: entry.0 - 100.0, y0: entry.1 + 28.0, x1: entry.0 + 100.0, y1: entry.1 + 150.0 },
            ],
        };
        let bounds = Rect { x0: 4.0, y0: 60.0, x1: 1596.0, y1: 790.0 };
        for (start, end, width, colour, kind) in &arrows {
            arrow(root, *start, *end, *width, *colour, *kind)?;
        }
        for (i, node) in self.nodes.iter().enumerate() {
            let (x, y) = position[i];
            let fill = if self.from_log {
                palette(0.6)
            } else if social {
                palette(on_scale(node.morale.unwrap_or(scale.0)))
            } else {
                palette(1.0 - node.utilization.min(1.0))
            };
            let centre = (x.round() as i32, y.round() as i32);
            let r = radius(i).round() as i32;
            root.draw(&Circle::new(centre, r, fill.filled())).map_err(failed)?;
            root.draw(&Circle::new(centre, r, BLACK.stroke_width(if labelled { 2 } else { 1 }))).map_err(failed)?;
        }
        let radii: Vec<f64> = (0..self.nodes.len()).map(radius).collect();
        self.draw_labels(root, &position, &radii, labelled, &mut obstacles, &bounds)?;
        if social {
            colour_key(root, (1250, 840), "morale (circles), satisfaction (arrows)", scale, crate::readable::number)?;
        } else if !self.from_log {
            colour_key(root, (1250, 840), "idle share (circles)", (0.0, 1.0), crate::readable::number)?;
        }
        let what = if self.from_log { "cases" } else { "requests" };
        let legend = if self.nodes.len() > MOST_LABELLED && spacing < 60.0 {
            format!("arrow width: {what} · circle size: staff · {} departments (too many to label)", self.nodes.len())
        } else {
            format!("arrow width: {what} · circle size: staff")
        };
        root.draw(&Text::new(legend, (40, 860), ("sans-serif", font::TICK).into_font().color(&BLACK)))
            .map_err(failed)?;
        // How each kind of link is drawn.
        let mut kinds: Vec<(LinkKind, &str)> = if self.from_log {
            vec![(LinkKind::Hold, "need (came back)"), (LinkKind::Transfer, "transfer")]
        } else {
            vec![
                (LinkKind::Hold, "holds the customer"),
                (LinkKind::Handoff, "handed off"),
                (LinkKind::Transfer, "transferred"),
            ]
        };
        if self.links.iter().any(|l| l.kind == LinkKind::Overflow) {
            kinds.push((LinkKind::Overflow, "overflow (helped)"));
        }
        for (k, (kind, text)) in kinds.into_iter().enumerate() {
            let x = 40.0 + 250.0 * k as f64;
            arrow(root, (x, 815.0), (x + 60.0, 815.0), 3, RGBColor(90, 90, 90), kind)?;
            let style = ("sans-serif", 18).into_font().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(text.to_string(), (x as i32 + 70, 815), style)).map_err(failed)?;
        }
        Ok(())
    }
}
