//! The chain picture: how one change at an internal team reaches the
//! customer, link by link left to right, each box with the base and the
//! variant, the change and its interval; coloured better or worse for the
//! organization, solid where the interval excludes 0 and pale where the
//! change could be none.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Chart, font, wrapped};
use crate::experiment::catalogue::describe;

fn failed(error: impl std::fmt::Display) -> String {
    error.to_string()
}

/// One link as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainBox {
    /// The metric's key (its unit and direction come from the catalogue).
    pub metric: String,
    /// Its label.
    pub label: String,
    /// The base's mean.
    pub base: f64,
    /// The variant's mean.
    pub variant: f64,
    /// The paired change and its interval, where defined.
    pub change: Option<(f64, f64, f64)>,
}

impl ChainBox {
    /// Whether the interval excludes 0.
    pub fn significant(&self) -> bool {
        self.change.is_some_and(|(_, low, high)| low > 0.0 || high < 0.0)
    }

    /// Better (`Some(true)`) or worse for the organization.
    pub fn better(&self) -> Option<bool> {
        let (change, _, _) = self.change?;
        let higher = describe(&self.metric).higher_is_better?;
        (change != 0.0).then_some((change > 0.0) == higher)
    }
}

/// The chain of one change.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainChart {
    /// File stem (`chain`, `chain-<variant>`).
    pub name: String,
    /// What changed, for the title.
    pub title: String,
    /// The scenario's time unit.
    pub time_unit: String,
    /// The links, left to right.
    pub links: Vec<ChainBox>,
}

/// Better, worse, and no direction.
const BETTER: RGBColor = RGBColor(33, 145, 140);
const WORSE: RGBColor = RGBColor(214, 96, 77);
const NEUTRAL: RGBColor = RGBColor(140, 140, 140);

impl Chart for ChainChart {
    fn name(&self) -> &str {
        &self.name
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let black = ("sans-serif", font::TITLE).into_font().color(&BLACK);
        root.draw(&Text::new(self.title.clone(), (40, 24), black)).map_err(failed)?;
        let count = self.links.len().max(1) as i32;
        let (left, right, top, bottom, gap) = (40, 1560, 150, 560, 44);
        let width = (right - left - gap * (count - 1)) / count;
        let chars = (width / 12).max(8) as usize;
        for (i, link) in self.links.iter().enumerate() {
            let x = left + i as i32 * (width + gap);
            let described = describe(&link.metric);
            let colour = match link.better() {
                Some(true) => BETTER,
                Some(false) => WORSE,
                None => NEUTRAL,
            };
            let fill = if link.significant() { colour.mix(0.22) } else { WHITE.mix(1.0) };
            root.draw(&Rectangle::new([(x, top), (x + width, bottom)], fill.filled())).map_err(failed)?;
            let border = if link.significant() { colour.stroke_width(5) } else { colour.mix(0.6).stroke_width(2) };
            root.draw(&Rectangle::new([(x, top), (x + width, bottom)], border)).map_err(failed)?;
            let centre = x + width / 2;
            let at = |size: u32, colour: RGBColor| {
                ("sans-serif", size).into_font().color(&colour).pos(Pos::new(HPos::Center, VPos::Top))
            };
            let mut y = top + 18;
            for line in wrapped(&link.label, chars).into_iter().take(4) {
                root.draw(&Text::new(line, (centre, y), at(22, BLACK))).map_err(failed)?;
                y += 28;
            }
            let unit = described.unit;
            let format = |value: f64| unit.format(value, &self.time_unit);
            let lines: Vec<(String, u32, RGBColor)> = match link.change {
                Some((change, low, high)) => vec![
                    (format!("base {}", format(link.base)), 20, RGBColor(60, 60, 60)),
                    (format!("now {}", format(link.variant)), 20, RGBColor(60, 60, 60)),
                    {
                        let text = unit.format_change(change, &self.time_unit);
                        // As large as fits the box.
                        let size = (34).min((width as usize * 17 / 10 / text.chars().count().max(1)) as u32).max(18);
                        (text, size, if link.significant() { colour } else { NEUTRAL })
                    },
                    (
                        if low.is_finite() && high.is_finite() {
                            unit.format_interval(low, high, &self.time_unit)
                        } else {
                            "no interval".into()
                        },
                        18,
                        RGBColor(60, 60, 60),
                    ),
                    (
                        if link.significant() { "interval excludes 0" } else { "could be no change" }.into(),
                        18,
                        RGBColor(60, 60, 60),
                    ),
                ],
                None => vec![("not defined here".into(), 20, NEUTRAL)],
            };
            y = y.max(top + 130);
            for (text, size, colour) in lines {
                root.draw(&Text::new(text, (centre, y), at(size, colour))).map_err(failed)?;
                y += size as i32 + 18;
            }
            if i + 1 < self.links.len() {
                let (from, to) = (x + width + 6, x + width + gap - 6);
                let middle = (top + bottom) / 2;
                root.draw(&PathElement::new(vec![(from, middle), (to - 10, middle)], BLACK.stroke_width(3)))
                    .map_err(failed)?;
                root.draw(&Polygon::new(
                    vec![(to, middle), (to - 12, middle - 8), (to - 12, middle + 8)],
                    BLACK.filled(),
                ))
                .map_err(failed)?;
            }
        }
        let key = "teal: better for the organization · red: worse · bold box: the interval excludes 0 · pale box: the change could be none";
        root.draw(&Text::new(key, (40, 640), ("sans-serif", font::TICK).into_font().color(&BLACK))).map_err(failed)?;
        Ok(())
    }
}
