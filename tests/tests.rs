//! orgsim's integration tests, one binary (it links once) with a module per
//! area.

mod chain;
mod cli;
mod confirm;
mod day;
mod designs;
mod events;
mod experiments;
mod fit;
mod golden;
mod hardening;
mod headlines;
mod hostile;
mod invariants;
mod report;
mod robust;
mod scenarios;
mod shifts;
mod slurm;
mod social;
mod stories;
mod theory;
mod ticket;
mod transfers;
mod trust;
mod util;
