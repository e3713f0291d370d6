//! # orgsim
//!
//! A discrete-event simulator of how work flows between the departments of
//! an organization, and how the service teams give each other inside reaches
//! the external customer.
//!
//! The crate reads top to bottom:
//! - [`scenario`]: scenario files → a validated, typed [`scenario::Scenario`];
//! - [`engine`]: event calendar, random streams, streaming statistics;
//! - [`model`]: departments, customers and internal requests, one replication;
//! - [`experiment`]: replications in parallel, metrics, confidence intervals;
//! - [`theory`]: the queueing formulas the model is checked against;
//! - [`fit`]: reading a real organization's ticket log;
//! - [`output`]: CSV files and the printed summary, written atomically;
//! - [`readable`]: the one formatter of numbers people read;
//! - [`cli`]: the `orgsim` command line;
//! - [`studio`]: the local what-if page and its HTTP API, beside it.
//!
//! ```
//! use orgsim::{experiment, scenario::Scenario};
//!
//! let mut scenario = Scenario::default_scenario();
//! scenario.horizon = 2_000.0;
//! scenario.warmup = 200.0;
//! scenario.replications = 4;
//! let results = experiment::run(scenario);
//! let abandon = results.metric("ext_abandon_rate").unwrap().estimate.unwrap();
//! assert!(abandon.mean >= 0.0 && abandon.mean < 1.0);
//! ```

#![warn(missing_docs)]

pub mod cli;
pub mod engine;
pub mod experiment;
pub mod fit;
pub mod model;
pub mod output;
pub mod readable;
pub mod scenario;
pub mod studio;
pub mod theory;
