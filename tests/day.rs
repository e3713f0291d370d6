//! Demand that changes through the period: rates by slot, their checks,
//! and how they fold into the constant form.

use orgsim::experiment;

use crate::util::{Sandbox, bonferroni, scenario, values};

/// A desk of 3 and a back office, with `demand` as the customers' rate
/// line(s).
fn desk(demand: &str) -> String {
    format!(
        r#"name = "day"
horizon = 2880.0
warmup = 240.0
replications = 6
seed = 9
[customers]
{demand}
patience = {{ dist = "exponential", mean = 5.0 }}
[[department]]
name = "Desk"
front_line = true
staff = 3
service = {{ dist = "exponential", mean = 1.0 }}
needs = [ {{ dept = "Back", probability = 0.2, mode = "handoff" }} ]
[[department]]
name = "Back"
staff = 2
service = {{ dist = "exponential", mean = 2.0 }}
[behavior]
enabled = false
"#
    )
}

#[test]
fn a_constant_profile_is_the_constant_rate_byte_for_byte() {
    let sandbox = Sandbox::new();
    let flat = format!("rates = {{ every = 60.0, values = [{}] }}", vec!["1.2"; 24].join(", "));
    sandbox.write("constant.toml", &desk("arrival_rate = 1.2"));
    sandbox.write("flat.toml", &desk(&flat));
    sandbox.write("flat-period.toml", &desk(&flat).replace("horizon = 2880.0", "horizon = 2880.0\nperiod = 1440.0"));
    for name in ["constant", "flat", "flat-period"] {
        sandbox.run(&["run", &format!("{name}.toml"), "--out", name, "--quiet", "--no-plots"]).success();
    }
    for file in ["summary.csv", "departments.csv", "replications.csv", "timeseries.csv"] {
        let constant = std::fs::read(sandbox.path("constant").join(file)).unwrap();
        for other in ["flat", "flat-period"] {
            assert!(constant == std::fs::read(sandbox.path(other).join(file)).unwrap(), "{other}: {file} differs");
        }
    }
}

#[test]
fn arrivals_follow_the_profile() {
    // Rates 0.5, 2, 0 and 1.5 per minute in four 6-hour slots: 1,440
    // customers a day on average, none in the third slot.
    let day = "rates = { every = 360.0, values = [0.5, 2.0, 0.0, 1.5], scale = 1.0 }";
    let results = experiment::run(scenario(&desk(day).replace("replications = 6", "replications = 12")));
    // Expected customers in the counted window [240, 2880): the integral of
    // the rate, minute by minute (every slot boundary is a whole minute).
    let rate = |t: f64| [0.5, 2.0, 0.0, 1.5][((t / 360.0) as usize) % 4];
    let expected: f64 = (240..2880).map(|minute| rate(f64::from(minute))).sum();
    crate::util::assert_covers(bonferroni(&values(&results, "ext_arrivals"), 1), expected, "customers per replication");
    // Scaled by 1.1: 10% more.
    let more = experiment::run(scenario(
        &desk(&day.replace("scale = 1.0", "scale = 1.1")).replace("replications = 6", "replications = 12"),
    ));
    crate::util::assert_covers(bonferroni(&values(&more, "ext_arrivals"), 1), 1.1 * expected, "10% more");
}

#[test]
fn bad_rates_are_refused_with_the_field_and_what_is_valid() {
    let sandbox = Sandbox::new();
    let cases: [(&str, String, &str); 9] = [
        ("both", desk("arrival_rate = 1.0\nrates = { every = 60.0, values = [1.0, 2.0] }"), "not both"),
        ("neither", desk("value = 10.0"), "customers.arrival_rate"),
        ("empty", desk("rates = { every = 60.0, values = [] }"), "1 to 100000"),
        ("zeros", desk("rates = { every = 60.0, values = [0.0, 0.0] }"), "at least one rate above 0"),
        ("negative", desk("rates = { every = 60.0, values = [1.0, -1.0] }"), "customers.rates.values"),
        ("every", desk("rates = { every = 0.0, values = [1.0, 2.0] }"), "customers.rates.every"),
        ("scale", desk("rates = { every = 60.0, values = [1.0, 2.0], scale = 0.0 }"), "customers.rates.scale"),
        (
            "period",
            desk("rates = { every = 60.0, values = [1.0, 2.0] }")
                .replace("horizon = 2880.0", "horizon = 2880.0\nperiod = 1440.0"),
            "must equal the rates' length",
        ),
        (
            "long",
            desk(&format!("rates = {{ every = 1.0, values = [{}] }}", vec!["1.0"; 100_001].join(","))),
            "1 to 100000",
        ),
    ];
    for (name, text, expected) in cases {
        sandbox.write(&format!("{name}.toml"), &text);
        let stderr = sandbox.run(&["validate", &format!("{name}.toml")]).failure();
        assert!(stderr.contains(&format!("{name}.toml:")) && stderr.contains(expected), "{name}: {stderr}");
    }
}
