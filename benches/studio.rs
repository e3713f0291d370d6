//! The studio's answer time: from `POST /api/compare` to the result event,
//! the baseline against IT with one person fewer, at 20 and at 200
//! replications, over loopback with the server in this process; and the
//! time to the first event (progress) of a long job; and the replay of the
//! baseline's replication 0 (computed anew each time, as for a new
//! variant), in bytes and time.
//!
//! Run with `cargo bench --bench studio`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use orgsim::scenario::Scenario;
use orgsim::studio::Studio;

fn request(address: SocketAddr, method: &str, path: &str, body: &str) -> TcpStream {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    stream
}

/// Starts a job and returns its id.
fn start(address: SocketAddr, replications: u32) -> u64 {
    let body = format!(r#"{{"set": {{"department.IT.staff": 4}}, "replications": {replications}}}"#);
    let mut answer = String::new();
    request(address, "POST", "/api/compare", &body).read_to_string(&mut answer).unwrap();
    let json = answer.split("\r\n\r\n").nth(1).unwrap();
    serde_json::from_str::<serde_json::Value>(json).unwrap()["id"].as_u64().unwrap()
}

/// Reads the job's events until one named `until`.
fn wait_for(address: SocketAddr, id: u64, until: &str) {
    let stream = request(address, "GET", &format!("/api/jobs/{id}/events"), "");
    stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let wanted = format!("event: {until}");
    for line in BufReader::new(stream).lines() {
        if line.unwrap().starts_with(&wanted) {
            return;
        }
    }
    panic!("no {until} event");
}

fn studio(c: &mut Criterion) {
    let base = Scenario::default_scenario();
    let studio = Studio::bind(base, "127.0.0.1:0".parse().unwrap(), Vec::new(), Box::new(|_, _| None)).unwrap();
    let address = studio.address();
    std::thread::spawn(move || studio.serve());
    let mut group = c.benchmark_group("studio");
    group.sample_size(10);
    for replications in [20, 200] {
        group.bench_function(format!("compare_{replications}_replications"), |b| {
            b.iter(|| wait_for(address, start(address, replications), "result"))
        });
    }
    group.bench_function("first_event_of_a_long_job", |b| {
        b.iter(|| {
            let id = start(address, 1000);
            wait_for(address, id, "progress");
            let mut answer = String::new();
            request(address, "DELETE", &format!("/api/jobs/{id}"), "").read_to_string(&mut answer).unwrap();
            wait_for(address, id, "cancelled");
        })
    });
    group.finish();
    let base = Scenario::default_scenario();
    let bytes = orgsim::studio::replay::replay(&base).len();
    eprintln!("replay of the baseline: {bytes} bytes");
    c.bench_function("studio/replay_of_the_baseline", |b| b.iter(|| orgsim::studio::replay::replay(&base).len()));
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = studio
}
criterion_main!(benches);
