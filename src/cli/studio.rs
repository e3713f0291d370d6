//! `orgsim studio`: starts the what-if page on a local address and prints
//! where, as the first line of its standard output.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::load;
use super::options::{SetArgs, Work, too_large};

#[derive(Debug, Args)]
pub(super) struct StudioArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    scenario: Option<PathBuf>,
    /// Port to listen on, 0 to 65535 (0: a free port).
    #[arg(long, value_name = "N", default_value_t = 0)]
    port: u16,
    /// Address to listen on; another than 127.0.0.1 lets other machines
    /// in (a warning says so).
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// A host name the page may be reached by besides 127.0.0.1 and
    /// localhost (repeatable; letters, digits, '.' and '-').
    #[arg(long = "allow-host", value_name = "NAME", value_parser = host_name)]
    allow_host: Vec<String>,
    /// Do not open the page in a browser.
    #[arg(long)]
    no_open: bool,
    #[command(flatten)]
    settings: SetArgs,
}

/// A host name: 1 to 253 letters, digits, '.' and '-'.
fn host_name(text: &str) -> Result<String, String> {
    let valid = !text.is_empty()
        && text.len() <= 253
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if valid {
        Ok(text.to_ascii_lowercase())
    } else {
        Err(format!("give a host name of letters, digits, '.' and '-' (got {text:?})"))
    }
}

/// Serves the studio until the process is stopped (Ctrl-C).
pub(super) fn studio(args: &StudioArgs, quiet: bool) -> Result<()> {
    let mut base = load(args.scenario.as_deref())?;
    args.settings.apply(&mut base)?;
    // A warm-up to be chosen is chosen once, here, for every comparison.
    crate::experiment::choose_warmup(&mut base)?;
    if !args.host.is_loopback() && !quiet {
        eprintln!(
            "warning: listening on {}: other machines can reach this page; only hosts named with --allow-host (and this address) are answered",
            args.host
        );
    }
    let mut allowed = args.allow_host.clone();
    if !args.host.is_loopback() {
        allowed.push(args.host.to_string());
    }
    let check: Box<crate::studio::SizeCheck> = Box::new(|scenarios, replications| {
        let work: Vec<Work> = scenarios.iter().map(|s| Work::one(s)).collect();
        too_large(&work, replications, rayon::current_num_threads(), false)
    });
    let studio = crate::studio::Studio::bind(base, SocketAddr::new(args.host, args.port), allowed, check)?;
    let url = format!("http://{}/", studio.address());
    // The first line of standard output, always: scripts and tests read it.
    super::print(&format!("listening on {url}\n"))?;
    if !args.no_open {
        // No shell: the URL is one argument.
        let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
        let _ = std::process::Command::new(opener)
            .arg(&url)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
    }
    studio.serve();
    Ok(())
}
