//! `orgsim studio`: a local web page for what-if questions, and the HTTP
//! API it uses. The page (embedded with its replay script, no network at run time) shows
//! the organization, controls generated from the scenario and the table of
//! valid ranges, and runs a variant against the base, paired, in the
//! background ([`jobs`]); results come as the chain from the changed team to
//! the customer, the key figures and the trust verdict ([`controls`]).
//!
//! Safe by default: it binds 127.0.0.1; it answers only requests whose
//! `Host` is this address, `localhost` or a name allowed on the command
//! line (DNS rebinding), refuses cross-origin POSTs and DELETEs, bodies over
//! 1 MiB, and work over the size limit; it reads no file path from a
//! request and writes no file.

mod controls;
pub mod jobs;
pub mod replay;
mod stories;

use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;

use serde_json::{Value as Json, json};
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::experiment::jobs::Plan;
use crate::scenario::Scenario;
use jobs::{Jobs, State};

/// The largest request body, in bytes.
pub const MOST_BODY_BYTES: usize = 1 << 20;

/// The most replications the page may ask for.
pub const MOST_REPLICATIONS: u32 = 1_000;

/// The page, embedded.
const PAGE: &str = include_str!("page.html");

/// The page's replay (its script), embedded.
const REPLAY_SCRIPT: &str = include_str!("replay.js");

/// Why the studio could not start.
#[derive(Debug, thiserror::Error)]
#[error("cannot listen on {address}: {message}")]
pub struct StudioError {
    /// The address asked for.
    pub address: String,
    /// What went wrong.
    pub message: String,
}

/// Checks the size of a run before it starts: `None`, or why it is too
/// large (the command line's estimate; the page cannot override it).
pub type SizeCheck = dyn Fn(&[&Scenario], u32) -> Option<String> + Send + Sync;

struct Shared {
    base: Scenario,
    port: u16,
    allowed_hosts: Vec<String>,
    jobs: Jobs,
    replays: replay::Replays,
    too_large: Box<SizeCheck>,
}

/// A studio bound to its address, ready to serve.
pub struct Studio {
    server: Server,
    shared: Arc<Shared>,
}

impl Studio {
    /// Binds `address` (port 0: a free one) to serve `base`; requests must
    /// name this address, `localhost` or one of `allowed_hosts`.
    pub fn bind(
        base: Scenario,
        address: SocketAddr,
        allowed_hosts: Vec<String>,
        too_large: Box<SizeCheck>,
    ) -> Result<Studio, StudioError> {
        let server =
            Server::http(address).map_err(|e| StudioError { address: address.to_string(), message: e.to_string() })?;
        let port = server.server_addr().to_ip().map_or(address.port(), |a| a.port());
        let shared = Arc::new(Shared {
            base,
            port,
            allowed_hosts,
            jobs: Jobs::default(),
            replays: Default::default(),
            too_large,
        });
        Ok(Studio { server, shared })
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.server.server_addr().to_ip().expect("an IP listener")
    }

    /// Serves requests until the process ends, each in a thread of its own
    /// (a client of a job's events waits for them).
    pub fn serve(self) {
        for request in self.server.incoming_requests() {
            let shared = self.shared.clone();
            std::thread::spawn(move || handle(&shared, request));
        }
    }
}

fn header(request: &Request, name: &str) -> Option<String> {
    let name = name.to_ascii_lowercase();
    request
        .headers()
        .iter()
        .find(|h| h.field.as_str().as_str().to_ascii_lowercase() == name)
        .map(|h| h.value.as_str().to_string())
}

fn content_type(kind: &str) -> Header {
    Header::from_bytes("Content-Type", kind).expect("a valid header")
}

fn text(status: u16, message: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(message)
        .with_status_code(StatusCode(status))
        .with_header(content_type("text/plain; charset=utf-8"))
}

fn json_response(status: u16, body: &Json) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body.to_string())
        .with_status_code(StatusCode(status))
        .with_header(content_type("application/json"))
}

fn error(status: u16, message: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    json_response(status, &json!({ "error": message }))
}

impl Shared {
    /// Whether `host` (a `Host` header) names this studio.
    fn host_allowed(&self, host: &str) -> bool {
        let port = self.port;
        let ours = [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")];
        ours.iter().any(|h| h == host)
            || self.allowed_hosts.iter().any(|name| host == name || host == format!("{name}:{port}"))
    }
}

fn handle(shared: &Shared, mut request: Request) {
    let host = header(&request, "Host").unwrap_or_default();
    if !shared.host_allowed(&host) {
        let _ = request.respond(text(403, "this studio answers only requests to its own address (Host refused)"));
        return;
    }
    let changes = matches!(request.method(), Method::Post | Method::Delete);
    let cross_site = header(&request, "Sec-Fetch-Site").is_some_and(|s| s == "cross-site");
    let foreign_origin = header(&request, "Origin").is_some_and(|o| o != format!("http://{host}"));
    if changes && (cross_site || foreign_origin) {
        let _ = request.respond(text(403, "cross-origin requests may not change anything here"));
        return;
    }
    if request.body_length().is_some_and(|n| n > MOST_BODY_BYTES) {
        let _ = request.respond(text(413, "a request body may hold at most 1 MiB"));
        return;
    }
    let mut body = Vec::new();
    if changes && request.as_reader().take(MOST_BODY_BYTES as u64 + 1).read_to_end(&mut body).is_err() {
        let _ = request.respond(text(400, "the request body could not be read"));
        return;
    }
    if body.len() > MOST_BODY_BYTES {
        let _ = request.respond(text(413, "a request body may hold at most 1 MiB"));
        return;
    }
    let url = request.url().to_string();
    let path = url.split('?').next().unwrap_or("");
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let response = match (request.method(), segments.as_slice()) {
        (Method::Get, [""]) => Response::from_string(PAGE).with_header(content_type("text/html; charset=utf-8")),
        (Method::Get, ["replay.js"]) => {
            Response::from_string(REPLAY_SCRIPT).with_header(content_type("text/javascript; charset=utf-8"))
        }
        (Method::Get, ["api", "scenario"]) => json_response(200, &controls::scenario_document(&shared.base)),
        (Method::Post, ["api", "compare"]) => start_compare(shared, &body),
        (Method::Post, ["api", "export"]) => export(shared, &body),
        (Method::Get, ["api", "jobs", id, "events"]) => {
            return events(shared, request, id);
        }
        (Method::Get, ["api", "replay"]) => replay_of(shared, url.split_once('?').map_or("", |(_, q)| q)),
        (Method::Get, ["api", "stories"]) => json_response(200, &stories::list()),
        (Method::Post, ["api", "story"]) => start_story(shared, &body),
        (Method::Get, ["api", "jobs", id, "compare.csv" | "story.csv"]) => match job_of(shared, id)
            .map(|job| job.state())
        {
            Some(State::Done(_, csv)) => Response::from_data(csv).with_header(content_type("text/csv; charset=utf-8")),
            Some(_) => error(409, "the job has not finished"),
            None => error(404, "no such job"),
        },
        (Method::Delete, ["api", "jobs", id]) => match job_of(shared, id) {
            Some(job) => {
                job.cancel();
                json_response(200, &json!({ "cancelled": true }))
            }
            None => error(404, "no such job"),
        },
        _ => error(404, "no such page"),
    };
    let _ = request.respond(response);
}

fn job_of(shared: &Shared, id: &str) -> Option<Arc<jobs::Job>> {
    id.parse::<u64>().ok().and_then(|id| shared.jobs.get(id))
}

/// The variant a request asks for: the base with `set` applied, its
/// replications and seed (the base's unless given); or the message the
/// command line would give.
fn variant_of(shared: &Shared, body: &[u8]) -> Result<(Scenario, Scenario), String> {
    let request: Json = serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let mut settings = Vec::new();
    if let Some(set) = request.get("set") {
        let set = set.as_object().ok_or("`set` must be an object of PATH: VALUE")?;
        for (path, value) in set {
            settings.push(controls::setting(path, value)?);
        }
    }
    let mut base = shared.base.clone();
    let whole = |key: &str, low: u64, high: u64| -> Result<Option<u64>, String> {
        match request.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(value) => value
                .as_u64()
                .filter(|v| (low..=high).contains(v))
                .map(Some)
                .ok_or_else(|| format!("`{key}` must be a whole number from {low} to {high} (got {value})")),
        }
    };
    if let Some(replications) = whole("replications", 1, u64::from(MOST_REPLICATIONS))? {
        base.set_replications(replications as u32);
    }
    if let Some(seed) = whole("seed", 0, crate::scenario::MOST_SEED)? {
        base.set_seed(seed);
    }
    let mut variant = crate::scenario::edit::apply(&base, &settings).map_err(|e| e.to_string())?;
    variant.set_replications(base.replications);
    variant.set_seed(base.seed);
    if let Some(why) = (shared.too_large)(&[&base, &variant], base.replications) {
        return Err(format!("{why}; use fewer replications or a smaller change"));
    }
    Ok((base, variant))
}

fn start_compare(shared: &Shared, body: &[u8]) -> Response<std::io::Cursor<Vec<u8>>> {
    match variant_of(shared, body) {
        Err(message) => error(400, &message),
        Ok((base, variant)) => {
            let replications = base.replications;
            let plan = Plan { replications, seed: base.seed, precision: None };
            let id = shared.jobs.start(base, variant, plan, move |results| {
                let document = controls::result_document(results, replications).to_string();
                (document, crate::output::experiments::compare_csv(results))
            });
            json_response(202, &json!({ "id": id, "events": format!("/api/jobs/{id}/events") }))
        }
    }
}

/// `POST /api/story`: `{"story": FILE, "set": {…}, "replications": N}`
/// runs a shipped story (with the page's changes) against its baseline,
/// paired, and judges its expectations as `orgsim run` does.
fn start_story(shared: &Shared, body: &[u8]) -> Response<std::io::Cursor<Vec<u8>>> {
    let request: Json = match serde_json::from_slice(body) {
        Ok(request) => request,
        Err(e) => return error(400, &format!("the body is not JSON: {e}")),
    };
    let pair = stories::pair(&request, |scenarios, replications| (shared.too_large)(scenarios, replications));
    match pair {
        Err(message) => error(400, &message),
        Ok((base, told)) => {
            let replications = base.replications;
            let plan = Plan { replications, seed: base.seed, precision: None };
            let story = told.story.clone().expect("a story with expectations");
            let id = shared.jobs.start(base, told, plan, move |results| stories::judged(&story, results));
            json_response(202, &json!({ "id": id, "events": format!("/api/jobs/{id}/events") }))
        }
    }
}

/// `GET /api/replay?set=PATH=VALUE&…&seed=N`: the replay of the variant's
/// replication 0 (see [`replay`]); settings as `--set` reads them, in
/// order; a variant the command line would find too large is refused with
/// its size estimate.
fn replay_of(shared: &Shared, query: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let mut settings = Vec::new();
    let mut seed = None;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "set" => match crate::scenario::edit::Setting::parse(&value) {
                Ok(setting) => settings.push(setting),
                Err(message) => return error(400, &message),
            },
            "seed" => match value.parse::<u64>().ok().filter(|s| *s <= crate::scenario::MOST_SEED) {
                Some(value) => seed = Some(value),
                None => {
                    return error(
                        400,
                        &format!(
                            "`seed` must be a whole number from 0 to {} (got {value:?})",
                            crate::scenario::MOST_SEED
                        ),
                    );
                }
            },
            other => {
                return error(
                    400,
                    &format!("unknown parameter {other:?}: give set=PATH=VALUE (repeatable) and seed=N"),
                );
            }
        }
    }
    let mut variant = match crate::scenario::edit::apply(&shared.base, &settings) {
        Ok(variant) => variant,
        Err(e) => return error(400, &e.to_string()),
    };
    variant.set_seed(seed.unwrap_or(shared.base.seed));
    if let Some(why) = (shared.too_large)(&[&variant], 1) {
        return error(413, &format!("{why}; a replay runs one replication of the variant: ask for a smaller change"));
    }
    let key = format!("{query}|{}", variant.seed);
    let document = shared.replays.get(&key, &variant);
    Response::from_data(document.as_slice().to_vec()).with_header(content_type("application/json"))
}

fn export(shared: &Shared, body: &[u8]) -> Response<std::io::Cursor<Vec<u8>>> {
    match variant_of(shared, body) {
        Err(message) => error(400, &message),
        Ok((_, variant)) => Response::from_string(variant.to_toml())
            .with_header(content_type("application/toml; charset=utf-8"))
            .with_header(
                Header::from_bytes("Content-Disposition", "attachment; filename=\"variant.toml\"")
                    .expect("a valid header"),
            ),
    }
}

/// Server-Sent Events of a job: its progress, then one `result` (or
/// `cancelled`, `failed`) event; a client that comes after the end gets
/// that event at once.
fn events(shared: &Shared, request: Request, id: &str) {
    let Some(job) = job_of(shared, id) else {
        let _ = request.respond(error(404, "no such job"));
        return;
    };
    // Written straight to the connection in chunks of our own, each event
    // flushed as it comes (the server's chunked bodies hold small writes
    // back), the stream ended by the last chunk.
    let mut writer = request.into_writer();
    use std::io::Write;
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nTransfer-Encoding: chunked\r\n\r\n";
    if writer.write_all(head.as_bytes()).and_then(|()| writer.flush()).is_err() {
        return;
    }
    let mut send = |text: &str| -> std::io::Result<()> {
        write!(writer, "{:x}\r\n{text}\r\n", text.len())?;
        writer.flush()
    };
    let mut seen: Option<State> = None;
    loop {
        let state = match &seen {
            None => job.state(),
            Some(seen) => job.wait_change(seen),
        };
        let (event, data, last) = match &state {
            State::Running(done, planned) => {
                ("progress", json!({ "done": done, "planned": planned }).to_string(), false)
            }
            State::Done(result, _) => ("result", result.clone(), true),
            State::Cancelled => ("cancelled", "{}".to_string(), true),
            State::Failed(why) => ("failed", json!({ "error": why }).to_string(), true),
        };
        if seen.as_ref() != Some(&state) && send(&format!("event: {event}\ndata: {data}\n\n")).is_err() {
            return;
        }
        if last {
            let _ = writer.write_all(b"0\r\n\r\n").and_then(|()| writer.flush());
            return;
        }
        if seen.is_some() {
            // At most about twenty progress events a second.
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        seen = Some(state);
    }
}
