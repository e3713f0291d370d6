//! Building a scenario from a real organization's ticket log (`orgsim
//! fit`), and checking it against that log:
//! - [`timestamps`] finds each time column's format and turns its values
//!   into instants, in a time zone, counting what daylight-saving changes
//!   did to them, and lays out the slots of the day or week;
//! - [`source`] reads a log's bytes, decompressing gzip, up to a cap;
//! - [`log`] reads a CSV event log or status-history export into cases
//!   (gathered by `gather`),
//!   and [`xes`] an XES log (IEEE 1849) through the same reader;
//! - [`visits`] turns a case into visits: transfers, needs (a return to
//!   the team that passed the case on), time at each team, work time;
//! - [`families`] fits the time at a team (exponential, lognormal or
//!   gamma, by maximum likelihood and BIC), and [`floored`] does it for
//!   times floored to the log's resolution (whole minutes, say);
//! - [`estimate`] makes the estimates: departments, rates, routing, times,
//!   staff, and patience (`patience`);
//! - [`staffing`] applies the head counts, utilizations and work times the
//!   consultant knows;
//! - [`scenario_file`] writes them as a commented scenario;
//! - [`check`] simulates that scenario and compares it with the log, with
//!   a note on each measure outside its range (`check_notes`).

pub mod check;
pub mod check_notes;
pub mod estimate;
pub mod families;
pub mod floored;
mod gather;
pub mod log;
mod patience;
pub mod scenario_file;
pub mod source;
pub mod staffing;
pub mod timestamps;
pub mod visits;
pub mod xes;
