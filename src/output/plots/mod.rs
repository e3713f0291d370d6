//! Charts, drawn with plotters into SVG (for the report) and PNG at slide
//! size (1600×900). Text uses DejaVu Sans, embedded in the binary, so no
//! system font library is needed. Every chart reads plain data that the
//! report module loads from an output folder's CSV files, so charts can be
//! redrawn from an earlier run without simulating again.
//!
//! Colours come from one sequential palette whose lightness rises
//! monotonically (viridis-like), so every chart stays readable when printed
//! in greyscale.

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

/// `count` colours spread over the dark 85% of the palette (the lightest
/// yellow is hard to see on white).
pub fn series_colours(count: usize) -> Vec<RGBColor> {
    (0..count).map(|i| palette(if count <= 1 { 0.0 } else { 0.85 * i as f64 / (count - 1) as f64 })).collect()
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

/// The house legend box at `position`, of the series drawn with labels.
pub fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut RealAxes<'a, DB>,
    position: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font(("sans-serif", font::TICK))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())
}

/// How a legend entry is marked.
#[derive(Debug, Clone, Copy)]
pub enum Mark {
    /// A line of this width.
    Line(u32),
    /// A filled box.
    Fill,
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
