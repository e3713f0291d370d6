//! The pictures and the report, as a person sees them: chart data checked
//! against the CSV files, `orgsim report` redrawing from files alone, and
//! headless Chromium opening `report.html` from disk.

use std::path::{Path, PathBuf};
use std::process::Command;

use orgsim::output::report::{load_run, run_pictures};

use crate::util::Sandbox;

const CHARTS: [&str; 4] = ["flow", "morale", "queues", "waits"];

fn default_run(sandbox: &Sandbox) -> PathBuf {
    sandbox.run(&["run", "--replications", "3", "--out", "run", "--quiet"]).success();
    sandbox.path("run")
}

#[test]
fn a_run_leaves_every_chart_as_svg_and_png_and_a_report() {
    let sandbox = Sandbox::new();
    let folder = default_run(&sandbox);
    for chart in CHARTS {
        let svg = std::fs::read_to_string(folder.join("plots").join(format!("{chart}.svg"))).unwrap();
        assert!(svg.contains("<svg") && svg.matches("<text").count() > 5, "{chart}.svg has text");
        let png = std::fs::read(folder.join("plots").join(format!("{chart}.png"))).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (1600, 900), "{chart}.png is slide size");
    }
    let html = std::fs::read_to_string(folder.join("report.html")).unwrap();
    for chart in CHARTS {
        assert!(html.contains(&format!("id=\"chart-{chart}\"")), "report lacks {chart}");
    }
    for section in ["Key figures", "Assumptions", "Reproduce", "seed 2026", "95%"] {
        assert!(html.contains(section), "report lacks {section}");
    }
    assert_no_external_reference(&html);
}

fn assert_no_external_reference(html: &str) {
    for pattern in ["src=\"http", "href=\"http", "url(http", "@import", "<script src", "<link"] {
        assert!(!html.contains(pattern), "the report must open offline, but contains {pattern:?}");
    }
}

#[test]
fn chart_data_matches_the_csv_files() {
    let sandbox = Sandbox::new();
    let folder = default_run(&sandbox);
    let data = load_run(&folder).unwrap();
    assert_eq!(data.scenario.departments.len(), 8);
    let pictures = run_pictures(&data).unwrap();
    let names: Vec<&str> = pictures.iter().map(|(p, _)| p.name.as_str()).collect();
    // The regime chart comes before the waits when a department had an
    // overload episode, and only then.
    let episodes = std::fs::read_to_string(folder.join("regimes.csv")).unwrap().lines().count() > 1;
    let mut expected = CHARTS.to_vec();
    if episodes {
        expected.insert(3, "regimes");
    }
    assert_eq!(names, expected);
    assert_eq!(data.trust.regimes.is_some(), episodes);
    let rows = |file: &str| -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(folder.join(file)).unwrap();
        text.lines().skip(1).map(|l| l.split(',').map(str::to_string).collect()).collect()
    };
    let column = |file: &str, name: &str| {
        let text = std::fs::read_to_string(folder.join(file)).unwrap();
        text.lines().next().unwrap().split(',').position(|c| c == name).unwrap()
    };
    // The waits chart's bins are waits.csv's rows, value for value, and each
    // distribution's shares sum to 1.
    let waits = rows("waits.csv");
    for (measure, bins) in [("wait", &data.waits.wait), ("resolution", &data.waits.resolution)] {
        let csv: Vec<(f64, f64, f64)> = waits
            .iter()
            .filter(|r| r[0] == measure)
            .map(|r| (r[1].parse().unwrap(), r[2].parse().unwrap(), r[3].parse().unwrap()))
            .collect();
        assert_eq!(&csv, bins, "{measure} bins");
        let total: f64 = csv.iter().map(|b| b.2).sum();
        assert!((total - 1.0).abs() < 1e-9, "{measure} shares sum to {total}");
    }
    // Each flow node's utilization and morale are the departments.csv
    // means over replications.
    let departments = rows("departments.csv");
    let (utilization, morale) = (column("departments.csv", "utilization"), column("departments.csv", "morale_mean"));
    for node in &data.flow.nodes {
        let mine: Vec<&Vec<String>> = departments.iter().filter(|r| r[1] == node.name).collect();
        assert_eq!(mine.len(), 3, "{}: one row per replication", node.name);
        let mean = |c: usize| mine.iter().map(|r| r[c].parse::<f64>().unwrap()).sum::<f64>() / 3.0;
        assert!((node.utilization - mean(utilization)).abs() < 1e-12, "{} utilization", node.name);
        assert!((node.morale.unwrap() - mean(morale)).abs() < 1e-12, "{} morale", node.name);
    }
    // Each flow link is a row of links.csv, in order, with its volume.
    let links = rows("links.csv");
    let needs: usize = data.scenario.departments.iter().map(|d| d.needs.len()).sum();
    assert_eq!(links.len(), needs);
    assert_eq!(data.flow.links.len(), needs);
    for (link, row) in data.flow.links.iter().zip(&links) {
        assert_eq!(data.flow.nodes[link.from].name, row[0]);
        assert_eq!(data.flow.nodes[link.to].name, row[1]);
        assert_eq!(link.requests, row[3].parse::<f64>().unwrap());
    }
}

#[test]
fn report_redraws_from_the_files_alone() {
    let sandbox = Sandbox::new();
    let folder = default_run(&sandbox);
    let before = std::fs::read(folder.join("report.html")).unwrap();
    std::fs::remove_dir_all(folder.join("plots")).unwrap();
    std::fs::remove_file(folder.join("report.html")).unwrap();
    sandbox.run(&["report", "run"]).success();
    assert_eq!(std::fs::read(folder.join("report.html")).unwrap(), before, "the same files give the same report");
    assert!(folder.join("plots/flow.png").is_file());
    sandbox.run(&["report", "run", "--no-plots"]).success();
    let bare = std::fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(!bare.contains("<svg") && bare.contains("Key figures"));
    let stderr = sandbox.run(&["report", "nowhere"]).failure();
    assert!(stderr.contains("nowhere") && stderr.contains("summary.csv"), "{stderr}");
}

#[test]
fn the_layer_off_report_has_no_morale_chart() {
    let sandbox = Sandbox::new();
    sandbox.write("plain.toml", &orgsim::scenario::DEFAULT_SCENARIO.replace("enabled = true", "enabled = false"));
    sandbox.run(&["run", "plain.toml", "--replications", "2", "--out", "plain", "--quiet"]).success();
    let html = std::fs::read_to_string(sandbox.path("plain/report.html")).unwrap();
    assert!(!html.contains("chart-morale") && html.contains("chart-flow") && html.contains("social layer is off"));
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .filter_map(|name| {
            std::env::var_os("PATH")?.to_str()?.split(':').map(|dir| Path::new(dir).join(name)).find(|p| p.is_file())
        })
        .next()
}

fn headless(browser: &Path, profile: &Path) -> Command {
    let mut command = Command::new(browser);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// The pixels of a PNG screenshot that are drawn (not near white), and all.
fn drawn_pixels(shot: &Path) -> (usize, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let bytes = &pixels[..info.buffer_size()];
    let channels = info.color_type.samples();
    let drawn = bytes.chunks(channels).filter(|p| p.iter().take(3).any(|&c| c < 200)).count();
    (drawn, bytes.len() / channels)
}

#[test]
fn chromium_renders_every_chart_of_the_report() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must install Chromium (Debian package chromium) for this test"
        );
        eprintln!("skipped: no Chromium on this machine (install Debian's chromium to run this test)");
        return;
    };
    let sandbox = Sandbox::new();
    let folder = default_run(&sandbox);
    let report = folder.join("report.html");
    assert_no_external_reference(&std::fs::read_to_string(&report).unwrap());
    let url = format!("file://{}", report.display());
    // The DOM after layout: every chart is there, with drawn content.
    let dom = headless(&browser, &sandbox.path("profile-dom"))
        .args(["--virtual-time-budget=5000", "--dump-dom", &url])
        .output()
        .expect("start chromium");
    assert!(dom.status.success(), "chromium failed: {}", String::from_utf8_lossy(&dom.stderr));
    let dom = String::from_utf8_lossy(&dom.stdout);
    for chart in CHARTS {
        let start = dom
            .find(&format!("id=\"chart-{chart}\""))
            .unwrap_or_else(|| panic!("{chart} missing from the rendered page"));
        let figure = &dom[start..start + dom[start..].find("</figure>").expect("figure closes")];
        let marks = figure.matches("<path").count()
            + figure.matches("<rect").count()
            + figure.matches("<circle").count()
            + figure.matches("<polygon").count()
            + figure.matches("<polyline").count();
        assert!(marks > 10, "{chart} renders only {marks} marks");
        assert!(figure.contains("<figcaption>"), "{chart} has a sentence");
    }
    // A screenshot: the page is not blank.
    let shot = sandbox.path("report.png");
    let status = headless(&browser, &sandbox.path("profile-shot"))
        .args(["--window-size=1280,4000", &format!("--screenshot={}", shot.display()), &url])
        .output()
        .expect("start chromium");
    assert!(status.status.success(), "screenshot failed: {}", String::from_utf8_lossy(&status.stderr));
    let (not_white, total) = drawn_pixels(&shot);
    assert!(not_white * 100 > total, "the screenshot is almost blank: {not_white} of {total} pixels drawn");
}

#[test]
fn experiment_reports_carry_their_charts() {
    use orgsim::output::report::{impact_chart, sweep_charts};
    let sandbox = Sandbox::new();
    sandbox.write(
        "sweep.toml",
        &(orgsim::scenario::DEFAULT_SCENARIO.to_string()
            + "\n[sweep]\n\"department.IT.staff\" = [3, 4, 5]\n\"department.IT.skill\" = [0.6, 0.9]\n"),
    );
    let commands: [(&str, Vec<&str>, &[&str]); 4] = [
        (
            "sweep",
            vec!["sweep", "sweep.toml"],
            &["sweep-ext_satisfaction_mean", "sweep-ext_abandon_rate", "sweep-ext_churn_rate", "sweep-revenue_at_risk"],
        ),
        ("impact", vec!["impact", "--step", "staff", "--step", "skill"], &["impact"]),
        ("compare", vec!["compare", "sweep.toml", "sweep.toml"], &["compare"]),
        (
            "optimize",
            vec!["optimize", "--target", "ext_abandon_rate<=0.08", "--max-hires", "3"],
            &["staffing-ext_abandon_rate"],
        ),
    ];
    for (name, args, charts) in commands {
        let mut full = args.clone();
        full.extend(["--replications", "3", "--out", name, "--quiet"]);
        sandbox.run(&full).success();
        let html = std::fs::read_to_string(sandbox.path(name).join("report.html")).unwrap();
        assert_no_external_reference(&html);
        for chart in charts {
            assert!(html.contains(&format!("id=\"chart-{chart}\"")), "{name} report lacks {chart}");
            assert!(sandbox.path(name).join("plots").join(format!("{chart}.png")).is_file(), "{name}: {chart}.png");
        }
    }
    // The tornado lists the teams in impact.csv's ranking order.
    let ranking: Vec<String> = std::fs::read_to_string(sandbox.path("impact/impact.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            format!("{} {}", fields[1], fields[3])
        })
        .collect();
    let tornado = impact_chart(&sandbox.path("impact"), "minute").unwrap();
    assert_eq!(tornado.rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(), ranking);
    // Ranked by the gain that chose the order; the bars are the
    // confirmation's figures.
    let rows = crate::util::csv_rows(&sandbox.path("impact"), "impact.csv");
    let screening: Vec<f64> = rows.iter().map(|r| r["screening_gain"].parse().unwrap()).collect();
    assert!(screening.windows(2).all(|pair| pair[0] >= pair[1]), "best gain first: {screening:?}");
    let confirmed: Vec<f64> = rows.iter().map(|r| r["gain_in_revenue_at_risk"].parse().unwrap()).collect();
    assert_eq!(tornado.rows.iter().map(|r| r.1).collect::<Vec<_>>(), confirmed);
    // One line per value of the second swept parameter, one point per value of the first.
    for (chart, _) in sweep_charts(&sandbox.path("sweep"), true, "minute").unwrap() {
        assert_eq!(chart.series.len(), 2, "{}: a line per IT skill", chart.name);
        assert!(chart.series.iter().all(|s| s.points.len() == 3 && s.points.windows(2).all(|p| p[0].0 < p[1].0)));
    }
    // `orgsim report` redraws an experiment folder too.
    std::fs::remove_file(sandbox.path("impact/report.html")).unwrap();
    sandbox.run(&["report", "impact"]).success();
    assert!(sandbox.path("impact/report.html").is_file());
}

/// Parses `text` as XML, every attribute of every element checked (a
/// duplicate attribute is an error); `Err` says what is wrong.
fn well_formed(text: &str) -> Result<usize, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut elements = 0;
    loop {
        match reader.read_event().map_err(|e| format!("at {}: {e}", reader.buffer_position()))? {
            quick_xml::events::Event::Start(element) | quick_xml::events::Event::Empty(element) => {
                elements += 1;
                for attribute in element.attributes().with_checks(true) {
                    attribute.map_err(|e| format!("at {}: {e}", reader.buffer_position()))?;
                }
            }
            quick_xml::events::Event::Eof => return Ok(elements),
            _ => {}
        }
    }
}

#[test]
fn every_chart_is_well_formed_xml() {
    let sandbox = Sandbox::new();
    let folder = default_run(&sandbox);
    let svgs: Vec<PathBuf> = std::fs::read_dir(folder.join("plots"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    assert!(svgs.len() >= 4, "{svgs:?}");
    for svg in svgs {
        let text = std::fs::read_to_string(&svg).unwrap();
        let elements = well_formed(&text).unwrap_or_else(|e| panic!("{}: {e}", svg.display()));
        assert!(elements > 10, "{}: {elements} elements", svg.display());
        assert_eq!(text.matches("viewBox=").count(), 1, "{}", svg.display());
    }
    // The test itself tells a duplicate attribute.
    assert!(well_formed("<svg viewBox=\"0 0 1 1\" viewBox=\"0 0 1 1\"/>").is_err());
}

/// One small run of every kind of report: its folder and page.
fn every_report(sandbox: &Sandbox) -> Vec<(String, PathBuf)> {
    let base = orgsim::scenario::DEFAULT_SCENARIO;
    sandbox.write("base.toml", base);
    sandbox.write("sweep.toml", &(base.to_string() + "\n[sweep]\n\"department.IT.staff\" = [4, 5]\n"));
    let day = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/call-centre-day.toml");
    let log = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/helpdesk-log.csv");
    let runs: [(&str, Vec<&str>, &str); 8] = [
        ("run", vec!["run", "--replications", "2"], "report.html"),
        ("sweep", vec!["sweep", "sweep.toml", "--replications", "2"], "report.html"),
        ("compare", vec!["compare", "base.toml", "base.toml", "--replications", "2"], "report.html"),
        ("impact", vec!["impact", "--step", "staff", "--replications", "2"], "report.html"),
        ("robust", vec!["impact", "--robust", "--worlds", "4", "--replications", "1"], "report.html"),
        (
            "optimize",
            vec!["optimize", "--target", "ext_abandon_rate<=0.08", "--max-hires", "2", "--replications", "2"],
            "report.html",
        ),
        (
            "staffing",
            vec!["optimize", day, "--by-interval", "--target", "service_level>=0.8", "--replications", "2"],
            "report.html",
        ),
        ("fit", vec!["fit", log, "--check", "--replications", "4"], "fit.html"),
    ];
    runs.into_iter()
        .map(|(name, mut args, page)| {
            args.extend(["--out", name, "--quiet"]);
            sandbox.run(&args).success();
            (name.to_string(), sandbox.path(name).join(page))
        })
        .collect()
}

#[test]
fn every_report_reads_plainly_and_renders_in_chromium() {
    let sandbox = Sandbox::new();
    let pages = every_report(&sandbox);
    for (name, page) in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        assert_no_external_reference(&html);
        let unreadable = crate::util::unreadable_numbers(&crate::util::visible_text(&html), 6);
        assert!(unreadable.is_empty(), "{name}: {unreadable:?}");
    }
    let Some(browser) = chromium() else {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI must install Chromium for this test");
        eprintln!("skipped: no Chromium on this machine");
        return;
    };
    for (name, page) in &pages {
        // Kept beside the report in the test's folder.
        let shot = sandbox.path(&format!("{name}.png"));
        let status = headless(&browser, &sandbox.path(&format!("profile-{name}")))
            .args([
                "--window-size=1280,3000",
                &format!("--screenshot={}", shot.display()),
                &format!("file://{}", page.display()),
            ])
            .output()
            .expect("start chromium");
        assert!(status.status.success(), "{name}: {}", String::from_utf8_lossy(&status.stderr));
        let (drawn, total) = drawn_pixels(&shot);
        assert!(drawn * 100 > total, "{name}: the screenshot is almost blank");
    }
}

#[test]
fn staffing_by_interval_is_drawn_and_its_shifts_listed() {
    let sandbox = Sandbox::new();
    let day = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/call-centre-day.toml");
    let args = ["optimize", day, "--by-interval", "--target", "service_level>=0.8", "--replications", "3"];
    sandbox.run(&[&args[..], &["--out", "day", "--quiet"]].concat()).success();
    let folder = sandbox.path("day");
    let text = std::fs::read_to_string(folder.join("shifts.csv")).unwrap();
    assert_eq!(text.lines().next().unwrap(), "department,start,end,length,staff,clock_start,clock_end,breaks");
    let shifts = crate::util::csv_rows(&folder, "shifts.csv");
    let slots = crate::util::csv_rows(&folder, "staffing.csv");
    // The shifts put on duty exactly the scheduled staff of staffing.csv.
    let period: f64 = slots.iter().map(|r| r["interval_end"].parse::<f64>().unwrap()).fold(0.0, f64::max);
    for slot in &slots {
        let start: f64 = slot["interval_start"].parse().unwrap();
        let on_duty: u32 = shifts
            .iter()
            .filter(|s| s["department"] == slot["department"])
            .filter(|s| {
                let (from, length): (f64, f64) = (s["start"].parse().unwrap(), s["length"].parse().unwrap());
                (start - from).rem_euclid(period) < length
            })
            .map(|s| s["staff"].parse::<u32>().unwrap())
            .sum();
        assert_eq!(on_duty.to_string(), slot["scheduled_staff"], "{slot:?}");
    }
    // Clock times: minutes from a Monday's midnight, as HH:MM.
    for shift in &shifts {
        let start: f64 = shift["start"].parse().unwrap();
        let minutes = start.round() as i64 % 1440;
        assert_eq!(shift["clock_start"], format!("{:02}:{:02}", minutes / 60, minutes % 60), "{shift:?}");
    }
    // The chart, its ticks in clock time, and the list in the report.
    let svg = std::fs::read_to_string(folder.join("plots/staffing-Help_Desk.svg")).unwrap();
    assert!(svg.contains("\n10:00\n") || svg.contains(">10:00<"), "hours label the axis");
    let page = std::fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(page.contains("<h2>Shifts</h2>") && page.contains(&shifts[0]["clock_start"]), "the shifts are listed");
    assert!(page.contains("<h2>In short</h2>") && page.contains("shifts; a peak of"), "a headline");
}

#[test]
fn the_flow_shows_the_customers_outcomes_and_a_colour_key_fitted_to_the_data() {
    let sandbox = Sandbox::new();
    let folder = default_run(&sandbox);
    let svg = std::fs::read_to_string(folder.join("plots/flow.svg")).unwrap();
    let summary = crate::util::csv_rows(&folder, "summary.csv");
    let mean =
        |metric: &str| -> f64 { summary.iter().find(|r| r["metric"] == metric).unwrap()["mean"].parse().unwrap() };
    let gave_up = format!("gave up {}", orgsim::readable::percent(mean("ext_abandon_rate")));
    assert!(svg.contains(&gave_up), "{gave_up} missing");
    assert!(svg.contains(&format!("expected to leave {}", orgsim::readable::percent(mean("ext_churn_rate")))));
    for kind in ["holds the customer", "handed off", "transferred"] {
        assert!(svg.contains(kind), "the legend names {kind}");
    }
    // The key's ends are the lowest and highest morale and satisfaction.
    let data = load_run(&folder).unwrap();
    let scores: Vec<f64> = data
        .flow
        .nodes
        .iter()
        .filter_map(|n| n.morale)
        .chain(data.flow.links.iter().filter_map(|l| l.satisfaction))
        .collect();
    let low = scores.iter().copied().fold(f64::INFINITY, f64::min);
    let high = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert!(high - low > 0.02, "the default's scores spread");
    for end in [low, high] {
        let text = format!("\n{}\n", orgsim::readable::number(end));
        assert!(svg.contains(&text), "the key shows {text:?}");
    }
}
