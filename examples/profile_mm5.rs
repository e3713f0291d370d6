//! Runs the M/M/5 benchmark scenario once, for profilers:
//! `cargo run --release --example profile_mm5 -- social`.

use orgsim::model::simulate;
use orgsim::scenario::Scenario;

fn main() {
    let behavior = match std::env::args().nth(1).as_deref() {
        Some("social") => "rework_per_defect = 0.0",
        Some("social5") => "rework_per_defect = 0.0\nupdate_interval = 5.0",
        Some("social100") => "rework_per_defect = 0.0\nupdate_interval = 100.0",
        _ => "enabled = false",
    };
    let text = format!(
        "name = \"mm5\"\nhorizon = 222222.0\nwarmup = 0.0\n[customers]\narrival_rate = 4.5\n[[department]]\nname = \"Desk\"\nfront_line = true\nstaff = 5\nservice = {{ dist = \"exponential\", mean = 1.0 }}\n[behavior]\n{behavior}\n"
    );
    let scenario = Scenario::from_toml_str(&text, "mm5").expect("valid");
    let mut events = 0;
    let replications: u32 = std::env::args().nth(2).map_or(5, |r| r.parse().expect("a count"));
    for replication in 0..replications {
        events += simulate(&scenario, replication, 1).events;
    }
    println!("{events} events");
}
