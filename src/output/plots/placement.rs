//! Where a label goes so that it covers nothing: each side of its circle is
//! tried, and the one that crosses the fewest arrows, circles and labels
//! already placed (and stays on the canvas) wins.

/// An axis-aligned box in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left.
    pub x0: f64,
    /// Top.
    pub y0: f64,
    /// Right.
    pub x1: f64,
    /// Bottom.
    pub y1: f64,
}

impl Rect {
    fn overlaps(&self, other: &Rect) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }

    fn within(&self, bounds: &Rect) -> bool {
        self.x0 >= bounds.x0 && self.x1 <= bounds.x1 && self.y0 >= bounds.y0 && self.y1 <= bounds.y1
    }

    /// Whether the segment a–b, `pad` pixels thick on each side, touches
    /// the box (Liang–Barsky clipping against the box grown by `pad`).
    pub fn crossed_by(&self, a: (f64, f64), b: (f64, f64), pad: f64) -> bool {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut low, mut high) = (0.0_f64, 1.0_f64);
        for (p, q) in [
            (-dx, a.0 - (self.x0 - pad)),
            (dx, (self.x1 + pad) - a.0),
            (-dy, a.1 - (self.y0 - pad)),
            (dy, (self.y1 + pad) - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    low = low.max(t);
                } else {
                    high = high.min(t);
                }
            }
        }
        low <= high
    }

    fn touches_circle(&self, centre: (f64, f64), radius: f64) -> bool {
        let x = centre.0.clamp(self.x0, self.x1);
        let y = centre.1.clamp(self.y0, self.y1);
        (x - centre.0).powi(2) + (y - centre.1).powi(2) < radius * radius
    }
}

/// A point in pixels.
pub type Point = (f64, f64);

/// An arrow's shaft: its ends and half its width.
pub type Segment = (Point, Point, f64);

/// What labels must not cover.
#[derive(Debug, Clone, Default)]
pub struct Obstacles {
    /// Arrows: ends and half their width.
    pub segments: Vec<Segment>,
    /// Circles: centre and radius.
    pub circles: Vec<(Point, f64)>,
    /// Text already placed, and other reserved areas.
    pub boxes: Vec<Rect>,
}

impl Obstacles {
    /// How much a label at `rect` would cover.
    fn cost(&self, rect: &Rect, own: ((f64, f64), f64)) -> usize {
        let arrows = self.segments.iter().filter(|(a, b, half)| rect.crossed_by(*a, *b, half + 2.0)).count();
        let circles = self.circles.iter().filter(|(c, r)| (*c, *r) != own && rect.touches_circle(*c, *r + 2.0)).count();
        let boxes = self.boxes.iter().filter(|b| rect.overlaps(b)).count();
        arrows + circles + boxes
    }
}

/// The box of a label `size` (width, height) beside a circle at `centre`
/// of radius `radius`, on the side that covers least inside `bounds`;
/// below first, then above, right and left. The box is added to the
/// obstacles, so later labels keep clear of it.
pub fn place(centre: (f64, f64), radius: f64, size: (f64, f64), obstacles: &mut Obstacles, bounds: &Rect) -> Rect {
    let (w, h) = size;
    let (x, y) = centre;
    let gap = 4.0;
    let candidates = [
        Rect { x0: x - w / 2.0, y0: y + radius + gap, x1: x + w / 2.0, y1: y + radius + gap + h },
        Rect { x0: x - w / 2.0, y0: y - radius - gap - h, x1: x + w / 2.0, y1: y - radius - gap },
        Rect { x0: x + radius + gap, y0: y - h / 2.0, x1: x + radius + gap + w, y1: y + h / 2.0 },
        Rect { x0: x - radius - gap - w, y0: y - h / 2.0, x1: x - radius - gap, y1: y + h / 2.0 },
        Rect { x0: x + radius * 0.7, y0: y + radius * 0.7, x1: x + radius * 0.7 + w, y1: y + radius * 0.7 + h },
        Rect { x0: x - radius * 0.7 - w, y0: y + radius * 0.7, x1: x - radius * 0.7, y1: y + radius * 0.7 + h },
        Rect { x0: x + radius * 0.7, y0: y - radius * 0.7 - h, x1: x + radius * 0.7 + w, y1: y - radius * 0.7 },
        Rect { x0: x - radius * 0.7 - w, y0: y - radius * 0.7 - h, x1: x - radius * 0.7, y1: y - radius * 0.7 },
    ];
    let own = (centre, radius);
    let score = |rect: &Rect| obstacles.cost(rect, own) * 2 + usize::from(!rect.within(bounds)) * 1000;
    let best = candidates.iter().min_by_key(|rect| score(rect)).copied().expect("candidates");
    obstacles.boxes.push(best);
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_moves_off_an_arrow_below_its_circle() {
        let bounds = Rect { x0: 0.0, y0: 0.0, x1: 1000.0, y1: 1000.0 };
        let mut obstacles = Obstacles::default();
        // An arrow straight down from the circle.
        obstacles.segments.push(((500.0, 520.0), (500.0, 900.0), 3.0));
        let rect = place((500.0, 500.0), 20.0, (120.0, 50.0), &mut obstacles, &bounds);
        assert!(rect.y1 <= 480.0, "{rect:?}");
        assert!(!rect.crossed_by((500.0, 520.0), (500.0, 900.0), 3.0));
        // Free below: the label goes below.
        let mut free = Obstacles::default();
        let rect = place((500.0, 500.0), 20.0, (120.0, 50.0), &mut free, &bounds);
        assert!(rect.y0 > 520.0, "{rect:?}");
        // The next label keeps clear of the first.
        let second = place((500.0, 590.0), 10.0, (120.0, 50.0), &mut free, &bounds);
        assert!(!second.overlaps(&rect), "{rect:?} {second:?}");
    }

    #[test]
    fn segments_that_miss_the_box_do_not_cross_it() {
        let rect = Rect { x0: 10.0, y0: 10.0, x1: 20.0, y1: 20.0 };
        assert!(rect.crossed_by((0.0, 15.0), (30.0, 15.0), 0.0));
        assert!(!rect.crossed_by((0.0, 0.0), (30.0, 5.0), 0.0));
        assert!(rect.crossed_by((0.0, 0.0), (30.0, 5.0), 6.0));
        assert!(!rect.crossed_by((0.0, 30.0), (5.0, 0.0), 0.0));
        assert!(rect.crossed_by((15.0, 15.0), (15.0, 16.0), 0.0));
    }
}
