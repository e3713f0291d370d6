//! Breaks inside shifts: a person due a break takes it at once when free,
//! else on finishing the work in hand, never mid-service, and is away the
//! whole length; bad breaks are refused.

use crate::util::{Sandbox, csv_rows};

/// Three people around the clock: a day shift whose people spread a
/// 30-minute break from 2 hours in over 90 minutes, and a night shift all
/// due a 45-minute break 4 hours in.
fn staffed_with_breaks(day_breaks: &str) -> String {
    format!(
        "name = \"breaks\"\nhorizon = 7200.0\nwarmup = 0.0\nperiod = 1440.0\nreplications = 1\nseed = 11\n\
         [customers]\narrival_rate = 1.0\n\
         [[department]]\nname = \"Desk\"\nfront_line = true\nservice = {{ dist = \"exponential\", mean = 2.0 }}\n\
         shifts = [{{ start = 0.0, length = 720.0, staff = 3, breaks = [{day_breaks}] }},\n\
                   {{ start = 720.0, length = 720.0, staff = 3, breaks = [{{ after = 240.0, length = 45.0 }}] }}]\n\
         [behavior]\nenabled = false\n"
    )
}

#[test]
fn breaks_never_start_mid_service_and_last_their_whole_length() {
    let sandbox = Sandbox::new();
    sandbox.write("breaks.toml", &staffed_with_breaks("{ after = 120.0, length = 30.0, window = 90.0 }"));
    sandbox.run(&["run", "breaks.toml", "--out", "run", "--quiet", "--no-plots", "--trace", "trace.csv"]).success();
    let trace = csv_rows(&sandbox.path("."), "trace.csv");
    // Due: 02:00, 02:30, 03:00 (30 minutes each), then all three at 16:00
    // (45 minutes), every day.
    let due: Vec<(f64, f64)> = (0..5)
        .flat_map(|day| {
            let at = f64::from(day) * 1440.0;
            [(120.0, 30.0), (150.0, 30.0), (180.0, 30.0), (960.0, 45.0), (960.0, 45.0), (960.0, 45.0)]
                .map(|(due, length)| (at + due, length))
        })
        .collect();
    let (mut busy, mut away) = (0i64, 0i64);
    let mut taken: Vec<f64> = Vec::new();
    let mut back: Vec<f64> = Vec::new();
    let mut previous: Option<&std::collections::HashMap<String, String>> = None;
    for row in &trace {
        let time: f64 = row["time"].parse().unwrap();
        match row["event"].as_str() {
            "start" => busy += 1,
            "release" => busy -= 1,
            "break" => {
                let (when, _) = due[taken.len()];
                assert!(time >= when - 1e-9, "a break at {time} before it is due at {when}");
                if time > when + 1e-9 {
                    // Late: the person was serving, and goes on finishing.
                    let before = previous.expect("a row before");
                    assert_eq!((before["event"].as_str(), before["time"].parse::<f64>().unwrap()), ("release", time));
                }
                taken.push(time);
                away += 1;
            }
            "back" => {
                back.push(time);
                away -= 1;
            }
            _ => {}
        }
        // Nobody on a break is serving: three people at most between both.
        assert!(busy + away <= 3 && away >= 0, "at {time}: {busy} serving, {away} on a break");
        previous = Some(row);
    }
    assert_eq!(taken.len(), due.len(), "every break is taken");
    assert!(taken.iter().zip(&due).any(|(t, (d, _))| t > d), "some break waited for work in hand");
    let mut expected: Vec<f64> = taken.iter().zip(&due).map(|(t, (_, length))| t + length).collect();
    expected.sort_by(f64::total_cmp);
    back.sort_by(f64::total_cmp);
    assert_eq!(back.len(), expected.len());
    for (b, e) in back.iter().zip(&expected) {
        assert!((b - e).abs() < 1e-9, "back at {b}, expected {e}");
    }
}

#[test]
fn breaks_cost_serving_time_and_validate_counts_them() {
    let sandbox = Sandbox::new();
    let plain = staffed_with_breaks("").replace(", breaks = [{ after = 240.0, length = 45.0 }]", "");
    sandbox.write("plain.toml", &plain);
    sandbox.write("breaks.toml", &staffed_with_breaks("{ after = 120.0, length = 30.0, window = 90.0 }"));
    let utilization = |file: &str| -> f64 {
        let text = sandbox.run(&["validate", file]).success();
        let line = text.lines().find(|l| l.starts_with("Desk")).unwrap().to_string();
        line.split_whitespace().find(|w| w.ends_with("%*")).unwrap().trim_end_matches("%*").parse().unwrap()
    };
    // Load 2 on 3 people, less 3 × 30 + 3 × 45 minutes of breaks a day:
    // 2 / (3 − 225/1440).
    assert!((utilization("plain.toml") - 66.7).abs() < 0.051);
    let expected = 100.0 * 2.0 / (3.0 - 225.0 / 1440.0);
    assert!((utilization("breaks.toml") - expected).abs() < 0.051, "{expected}");
    let text = sandbox.run(&["validate", "breaks.toml"]).success();
    let line = text.lines().find(|l| l.starts_with("\"Desk\":")).expect("the serving line");
    let on_break = orgsim::readable::number(225.0 / 1440.0);
    let serving = orgsim::readable::number(3.0 - 225.0 / 1440.0);
    assert!(
        line.contains(&format!("3 on duty on average, {on_break} on a break, shrinkage 0%: {serving} serving")),
        "{line}"
    );
    assert!(!sandbox.run(&["validate", "plain.toml"]).success().contains("on a break"));
}

#[test]
fn bad_breaks_are_refused() {
    let sandbox = Sandbox::new();
    let eleven = ["{ after = 0.0, length = 1.0 }"; 11].join(", ");
    for (breaks, words) in [
        ("{ after = -1.0, length = 30.0 }", "department \"Desk\".shifts[0].breaks[0].after"),
        ("{ after = 60.0, length = 0.0 }", "department \"Desk\".shifts[0].breaks[0].length"),
        ("{ after = 60.0, length = 30.0, window = -5.0 }", "department \"Desk\".shifts[0].breaks[0].window"),
        ("{ after = 600.0, length = 30.0, window = 120.0 }", "past its length 720"),
        (
            "{ after = 120.0, length = 30.0, window = 60.0 }, { after = 180.0, length = 15.0 }",
            "before the previous break's window ends (210",
        ),
        ("{ after = 60.0, length = 30.0, pause = 1 }", "unknown field `pause`"),
        (eleven.as_str(), "at most 10 breaks per shift"),
    ] {
        sandbox.write("bad.toml", &staffed_with_breaks(breaks));
        let outcome = sandbox.run(&["run", "bad.toml", "--out", "bad", "--quiet"]);
        let stderr = outcome.failure();
        assert!(stderr.contains(words) && stderr.contains("bad.toml"), "{breaks}: {stderr}");
        assert!(!sandbox.path("bad").exists());
    }
    // Too many people's breaks a period.
    let crowd = staffed_with_breaks("{ after = 60.0, length = 1.0 }").replacen("staff = 3", "staff = 200000", 1);
    sandbox.write("crowd.toml", &crowd);
    let stderr = sandbox.run(&["validate", "crowd.toml"]).failure();
    assert!(stderr.contains("200003 breaks per period") && stderr.contains("at most 100000 per period"), "{stderr}");
}
