//! Charts, drawn with plotters into SVG (for the report) and PNG at slide
//! size (1600×900). Text uses DejaVu Sans, embedded in the binary, so no
//! system font library is needed. Every chart reads plain data that the
//! report module loads from an output folder's CSV files, so charts can be
//! redrawn from an earlier run without simulating again.
//!
//! Magnitudes (morale, satisfaction, load) take one sequential palette whose
//! lightness rises monotonically (viridis-like), so they stay readable when
//! printed in greyscale; series that are only told apart take Okabe and
//! Ito's colour-blind-safe categorical colours.

pub mod chain;
pub mod charts;
pub mod day;
pub mod experiment_charts;
pub mod fit_charts;
pub mod flow;
mod placement;
pub mod regimes;
pub mod staffing_day;

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

/// Slide size of the PNG files.
pub const SIZE: (u32, u32) = (1600, 900);

static FONT: Once = Once::new();

fn register_font() {
    FONT.call_once(|| {
        let bytes: &'static [u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
        for style in [FontStyle::Normal, FontStyle::Bold] {
            plotters::style::register_font("sans-serif", style, bytes)
                .unwrap_or_else(|_| panic!("the embedded font is valid"));
        }
    });
}

/// A chart that can draw itself on any plotters backend.
pub trait Chart {
    /// File stem, e.g. `morale`.
    fn name(&self) -> &str;
    /// Draws the whole chart on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// A chart rendered both ways.
#[derive(Debug, Clone)]
pub struct Picture {
    /// File stem.
    pub name: String,
    /// SVG text that scales to its container.
    pub svg: String,
    /// PNG bytes at [`SIZE`].
    pub png: Vec<u8>,
}

/// Draws `chart` as SVG and PNG.
pub fn render(chart: &impl Chart) -> Result<Picture, String> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        chart.draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    // Scales with the page: the fixed size becomes a width of 100% over
    // the viewBox (added only where the backend did not write one, so no
    // attribute is written twice and the file stays well-formed XML).
    let view_box = format!("viewBox=\"0 0 {} {}\"", SIZE.0, SIZE.1);
    let scaled = if svg.contains(&view_box) {
        "width=\"100%\" role=\"img\"".to_string()
    } else {
        format!("{view_box} width=\"100%\" role=\"img\"")
    };
    let svg = svg.replacen(&format!("width=\"{}\" height=\"{}\"", SIZE.0, SIZE.1), &scaled, 1);
    let mut pixels = vec![255u8; (SIZE.0 * SIZE.1 * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        chart.draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, SIZE.0, SIZE.1);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(&pixels).map_err(|e| e.to_string())?;
    }
    Ok(Picture { name: chart.name().to_string(), svg, png })
}

const PALETTE: [(u8, u8, u8); 5] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)];

/// The palette at `t` in [0, 1], dark to light.
pub fn palette(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0) * (PALETTE.len() - 1) as f64;
    let index = (t.floor() as usize).min(PALETTE.len() - 2);
    let within = t - index as f64;
    let (a, b) = (PALETTE[index], PALETTE[index + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * within).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Okabe and Ito's colour-blind-safe categorical colours ("Color
/// Universal Design", 2002), yellow last: it is faint on white.
const CATEGORICAL: [(u8, u8, u8); 8] = [
    (0, 114, 178),
    (230, 159, 0),
    (0, 158, 115),
    (204, 121, 167),
    (86, 180, 233),
    (213, 94, 0),
    (0, 0, 0),
    (240, 228, 66),
];

/// `count` colours that tell series apart: the categorical colours up to
/// eight, beyond that the dark 85% of the sequential palette.
pub fn series_colours(count: usize) -> Vec<RGBColor> {
    if count <= CATEGORICAL.len() {
        return CATEGORICAL[..count].iter().map(|&(r, g, b)| RGBColor(r, g, b)).collect();
    }
    (0..count).map(|i| palette(0.85 * i as f64 / (count - 1) as f64)).collect()
}

/// `text` cut into lines of at most `width` characters, at spaces.
pub fn wrapped(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.chars().take(width).collect()),
        }
    }
    lines
}

/// The house style of every chart's axes: slide-sized fonts, tick labels
/// without needless decimals, no minor grid lines.
pub fn house_style<X, Y, DB>(mesh: &mut plotters::chart::MeshStyle<'_, '_, X, Y, DB>)
where
    X: plotters::coord::ranged1d::Ranged<ValueType = f64>,
    Y: plotters::coord::ranged1d::Ranged<ValueType = f64>,
    DB: DrawingBackend,
{
    mesh.axis_desc_style(("sans-serif", font::LABEL))
        .label_style(("sans-serif", font::TICK))
        .x_label_formatter(&charts::tick)
        .y_label_formatter(&charts::tick)
        .light_line_style(WHITE);
}

/// Axes on two real ranges.
pub type RealAxes<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>;

/// Width of the y-axis label area for ticks between `low` and `high`:
/// room for the longest tick label and the axis title beside it, so the
/// title never runs over the ticks.
pub fn y_area(low: f64, high: f64) -> u32 {
    let longest = [low, high, (low + high) / 2.0, low.abs().max(high.abs()) * 0.75]
        .iter()
        .map(|v| charts::tick(v).chars().count())
        .max()
        .unwrap_or(4)
        .max(3);
    longest as u32 * 15 + 60
}

/// A colour key 300 pixels wide at `(x, y)`: the sequential palette from
/// `scale.0` to `scale.1`, its ends and middle written by `label`, the
/// caption above its right end.
pub fn colour_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    caption: &str,
    scale: (f64, f64),
    label: impl Fn(f64) -> String,
) -> Result<(), String> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let failed = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (width, height) = (300, 24);
    for step in 0..width {
        let colour = palette(f64::from(step) / f64::from(width - 1));
        area.draw(&Rectangle::new([(x + step, y), (x + step + 1, y + height)], colour.filled())).map_err(failed)?;
    }
    area.draw(&Rectangle::new([(x, y), (x + width, y + height)], BLACK.stroke_width(1))).map_err(failed)?;
    let style = ("sans-serif", font::TICK).into_font().color(&BLACK);
    area.draw(&Text::new(
        caption.to_string(),
        (x + width, y - 8),
        style.clone().pos(Pos::new(HPos::Right, VPos::Bottom)),
    ))
    .map_err(failed)?;
    let middle = (scale.0 + scale.1) / 2.0;
    // The end labels inside the key's width, so a narrow strip holds them.
    for (value, at, anchor) in
        [(scale.0, 0, HPos::Left), (middle, width / 2, HPos::Center), (scale.1, width, HPos::Right)]
    {
        area.draw(&Text::new(label(value), (x + at, y + height + 6), style.clone().pos(Pos::new(anchor, VPos::Top))))
            .map_err(failed)?;
    }
    Ok(())
}

/// The name of the row whose centre is at `y` on an axis of `names.len()`
/// rows drawn top to bottom (ticks every half row: names at the centres,
/// nothing between).
pub fn row_name(names: &[String], y: f64) -> String {
    let index = names.len() as f64 - y - 0.5;
    let nearest = index.round();
    if (index - nearest).abs() < 0.01 && nearest >= 0.0 && (nearest as usize) < names.len() {
        names[nearest as usize].clone()
    } else {
        String::new()
    }
}

/// How a legend entry is marked.
#[derive(Debug, Clone, Copy)]
pub enum Mark {
    /// A line of this width.
    Line(u32),
    /// A filled box.
    Fill,
    /// A filled dot.
    Dot,
    /// A cross.
    Cross,
    /// A ring.
    Ring,
}

/// Width of the strip beside a chart that holds its legend.
pub const LEGEND_WIDTH: u32 = 340;

/// A legend in its own strip beside the plot (never over the data): each
/// entry's mark and its label, wrapped.
pub fn side_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    entries: &[(String, RGBColor, Mark)],
) -> Result<(), String> {
    let style = ("sans-serif", font::TICK).into_font().color(&BLACK);
    let mut y = 140;
    for (label, colour, mark) in entries {
        match mark {
            Mark::Line(width) => {
                area.draw(&PathElement::new(vec![(10, y), (50, y)], colour.stroke_width(width + 1)))
                    .map_err(|e| e.to_string())?;
            }
            Mark::Fill => {
                area.draw(&Rectangle::new([(10, y - 10), (50, y + 10)], colour.filled())).map_err(|e| e.to_string())?;
            }
            Mark::Dot => area.draw(&Circle::new((30, y), 9, colour.filled())).map_err(|e| e.to_string())?,
            Mark::Cross => area.draw(&Cross::new((30, y), 9, colour.stroke_width(3))).map_err(|e| e.to_string())?,
            Mark::Ring => area.draw(&Circle::new((30, y), 12, colour.stroke_width(3))).map_err(|e| e.to_string())?,
        }
        let lines = wrapped(label, 22);
        for (k, line) in lines.iter().enumerate() {
            area.draw(&Text::new(line.clone(), (60, y - 10 + k as i32 * 24), style.clone()))
                .map_err(|e| e.to_string())?;
        }
        y += 24 * lines.len().max(1) as i32 + 24;
    }
    Ok(())
}

/// Font sizes for slide-sized charts.
pub mod font {
    /// Title.
    pub const TITLE: u32 = 40;
    /// Axis descriptions.
    pub const LABEL: u32 = 28;
    /// Tick labels and legend entries.
    pub const TICK: u32 = 24;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_gets_lighter_monotonically() {
        let lightness = |c: RGBColor| 0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2);
        let values: Vec<f64> = (0..=20).map(|i| lightness(palette(f64::from(i) / 20.0))).collect();
        assert!(values.windows(2).all(|pair| pair[1] > pair[0]), "{values:?}");
    }
}
