//! Runs the engine benchmark's M/M/5 scenario (ρ = 0.9, 10⁶ customers per
//! replication) for profilers, with the social layer off or on:
//!
//! ```sh
//! cargo build --release --example profile_mm5
//! valgrind --tool=callgrind target/release/examples/profile_mm5 off 1
//! valgrind --tool=callgrind target/release/examples/profile_mm5 social 1
//! ```
//!
//! callgrind counts instructions, which repeat exactly from run to run even
//! on a busy machine; the second argument is the number of replications.

use orgsim::model::simulate;
use orgsim::scenario::Scenario;

fn main() {
    let behavior = match std::env::args().nth(1).as_deref() {
        Some("social") => "rework_per_defect = 0.0",
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
