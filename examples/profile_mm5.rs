//! Runs the engine benchmark's M/M/5 scenario (ρ = 0.9, 10⁶ customers per
//! replication) for profilers, with the social layer off or on:
//!
//! ```sh
//! cargo build --release --example profile_mm5
//! valgrind --tool=callgrind target/release/examples/profile_mm5 off 1
//! valgrind --tool=callgrind target/release/examples/profile_mm5 social 1
//! valgrind --tool=callgrind target/release/examples/profile_mm5 day 1
//! ```
//!
//! `day` is the same volume (4.5 customers per time unit on average, layer
//! off) with a rate profile of 24 slots, to compare the cost of arrivals
//! and figures by slot with the constant rate. `teams` splits the same
//! customers between two desks of 3 (layer off), and `pooled` lets each
//! desk's idle people take the other's calls that waited 0.5: the cost of
//! overflow. `shifts` staffs 6 people around the clock in two 12-hour
//! shifts (a period of 1440), and `breaks` gives each of them a 60-minute
//! break spread over 6 hours of each shift (5.5 serving on average): the
//! cost of breaks.
//!
//! callgrind counts instructions, which repeat exactly from run to run even
//! on a busy machine; the second argument is the number of replications.

use orgsim::model::simulate;
use orgsim::scenario::Scenario;

fn main() {
    let mode = std::env::args().nth(1);
    let behavior = match mode.as_deref() {
        Some("social") => "rework_per_defect = 0.0",
        _ => "enabled = false",
    };
    // 24 slots of 60 whose mean is 4.5.
    let demand = match mode.as_deref() {
        Some("day") => {
            let values: Vec<String> = (0..24).map(|h| format!("{}", if h % 2 == 0 { 4.2 } else { 4.8 })).collect();
            format!("rates = {{ every = 60.0, values = [{}] }}", values.join(", "))
        }
        _ => "arrival_rate = 4.5".to_string(),
    };
    let text = match mode.as_deref() {
        Some(teams @ ("teams" | "pooled")) => {
            let overflow = |to: &str| {
                if teams == "pooled" {
                    format!("overflow = [ {{ dept = \"{to}\", after = 0.5 }} ]")
                } else {
                    String::new()
                }
            };
            let desk = |name: &str, other: &str| {
                format!(
                    "[[department]]\nname = \"{name}\"\nfront_line = true\nstaff = 3\nservice = {{ dist = \"exponential\", mean = 1.0 }}\n{}\n",
                    overflow(other)
                )
            };
            format!(
                "name = \"teams\"\nhorizon = 222222.0\nwarmup = 0.0\n[customers]\narrival_rate = 4.5\nentry = {{ \"A\" = 0.5, \"B\" = 0.5 }}\n{}{}[behavior]\nenabled = false\n",
                desk("A", "B"),
                desk("B", "A")
            )
        }
        Some(rest @ ("shifts" | "breaks")) => {
            let breaks =
                if rest == "breaks" { ", breaks = [ { after = 120.0, length = 60.0, window = 360.0 } ]" } else { "" };
            format!(
                "name = \"rest\"\nhorizon = 222222.0\nwarmup = 0.0\nperiod = 1440.0\n[customers]\narrival_rate = 4.5\n[[department]]\nname = \"Desk\"\nfront_line = true\nshifts = [ {{ start = 0.0, length = 720.0, staff = 6{breaks} }}, {{ start = 720.0, length = 720.0, staff = 6{breaks} }} ]\nservice = {{ dist = \"exponential\", mean = 1.0 }}\n[behavior]\nenabled = false\n"
            )
        }
        _ => format!(
            "name = \"mm5\"\nhorizon = 222222.0\nwarmup = 0.0\n[customers]\n{demand}\n[[department]]\nname = \"Desk\"\nfront_line = true\nstaff = 5\nservice = {{ dist = \"exponential\", mean = 1.0 }}\n[behavior]\n{behavior}\n"
        ),
    };
    let scenario = Scenario::from_toml_str(&text, "mm5").expect("valid");
    let mut events = 0;
    let replications: u32 = std::env::args().nth(2).map_or(5, |r| r.parse().expect("a count"));
    for replication in 0..replications {
        events += simulate(&scenario, replication, 1).events;
    }
    println!("{events} events");
}
