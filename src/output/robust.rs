//! The files of `orgsim impact --robust`: `robust.csv` (how stable each
//! team's rank is over the plausible worlds), `robust-assumptions.csv`
//! (which assumptions the leading team's gain leans on) and the printed
//! summary.

use std::fmt::Write as _;

use super::format::{bytes, number, row, writer};
use crate::experiment::diagnostics::Verdict;
use crate::experiment::robust::{Assumption, Importance, Leaning, TeamRobustness};

/// `robust.csv`.
pub fn robust_csv(table: &[TeamRobustness]) -> Vec<u8> {
    let mut out = writer();
    let header = [
        "department",
        "first_share",
        "first_share_seeds_only",
        "top3_share",
        "gain_median",
        "gain_p05",
        "gain_p95",
        "worlds",
    ];
    row(&mut out, &header.map(String::from));
    for team in table {
        row(
            &mut out,
            &[
                team.department.clone(),
                number(Some(team.first_share)),
                number(Some(team.first_share_seeds_only)),
                number(Some(team.top3_share)),
                number(Some(team.gain.0)),
                number(Some(team.gain.1)),
                number(Some(team.gain.2)),
                team.worlds.to_string(),
            ],
        );
    }
    bytes(out)
}

/// `robust-assumptions.csv`; `importance` is `None` when there were too
/// few worlds to estimate it (the columns stay empty).
pub fn assumptions_csv(assumptions: &[Assumption], importance: Option<&[Importance]>) -> Vec<u8> {
    let mut out = writer();
    let header = ["assumption", "from", "to", "importance", "ci_low", "ci_high", "p_value", "stands_out"];
    row(&mut out, &header.map(String::from));
    for (index, assumption) in assumptions.iter().enumerate() {
        let mut fields = vec![assumption.name.clone(), number(Some(assumption.from)), number(Some(assumption.to))];
        match importance.and_then(|all| all.get(index)) {
            Some(found) => {
                fields.extend([found.value, found.low, found.high, found.p_value].map(|v| number(Some(v))));
                fields.push(found.stands_out.to_string());
            }
            None => fields.extend(std::iter::repeat_n(String::new(), 5)),
        }
        row(&mut out, &fields);
    }
    bytes(out)
}

/// The warning when there are too few worlds for the importance.
pub fn too_few_worlds(worlds: usize, assumptions: usize) -> String {
    format!(
        "{worlds} worlds are too few to tell which of the {assumptions} assumptions the ranking leans on (it takes at least {}); robust-assumptions.csv leaves the importance empty, the rank stability stands",
        assumptions + 10
    )
}

/// One row of `robust-worlds.csv`: a plausible world (`kind` `world`) or
/// a seeds-only run (`seeds_only`: the scenario's own assumption values
/// under another seed), with its assumption values, each team's best gain
/// and the worst verdict of its runs (its baseline and every improvement).
pub struct WorldRow<'a> {
    /// The world or run, numbered from 1.
    pub number: usize,
    /// `world` or `seeds_only`.
    pub kind: &'static str,
    /// Each assumption's value.
    pub values: &'a [f64],
    /// Each team's best gain.
    pub gains: &'a [f64],
    /// The worst verdict of its runs.
    pub verdict: Verdict,
}

/// `robust-worlds.csv`: the data `robust.csv` and `robust-assumptions.csv`
/// are computed from (and that `merge` joins), rows in number order, a
/// world before the seeds-only run of its number.
pub fn worlds_csv(assumptions: &[Assumption], teams: &[String], rows: &[WorldRow]) -> Vec<u8> {
    let mut out = writer();
    let mut header = vec!["world".to_string(), "kind".to_string()];
    header.extend(assumptions.iter().map(|a| a.name.clone()));
    header.extend(teams.iter().map(|t| format!("gain.{t}")));
    header.push("verdict".to_string());
    row(&mut out, &header);
    let mut order: Vec<&WorldRow> = rows.iter().collect();
    order.sort_by_key(|r| (r.number, r.kind != "world"));
    for world in order {
        let mut fields = vec![world.number.to_string(), world.kind.to_string()];
        fields.extend(world.values.iter().chain(world.gains).map(|v| number_or_inf(*v)));
        fields.push(world.verdict.as_str().to_string());
        row(&mut out, &fields);
    }
    bytes(out)
}

/// A value of `robust-worlds.csv`: a gain no step could measure is `-inf`.
fn number_or_inf(value: f64) -> String {
    if value == f64::NEG_INFINITY { "-inf".into() } else { number(Some(value)) }
}

/// The worlds of a `robust-worlds.csv`: assumption names, team names,
/// values and gains per world, and the gains of each seeds-only run.
pub type Worlds = (Vec<String>, Vec<String>, Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<Vec<f64>>);

/// Reads `robust-worlds.csv` back; `Err` says what is wrong.
pub fn read_worlds(text: &str) -> Result<Worlds, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| e.to_string())?.clone();
    if header.get(0) != Some("world") || header.get(1) != Some("kind") || header.iter().next_back() != Some("verdict") {
        return Err("the columns must be world, kind, the assumptions, gain.<team> for each team, verdict".into());
    }
    let numeric = header.len() - 3;
    let names: Vec<String> =
        header.iter().skip(2).take(numeric).filter(|h| !h.starts_with("gain.")).map(String::from).collect();
    let teams: Vec<String> = header.iter().filter_map(|h| h.strip_prefix("gain.")).map(String::from).collect();
    let (mut values, mut gains, mut seeds_only) = (Vec::new(), Vec::new(), Vec::new());
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| e.to_string())?;
        let numbers: Vec<f64> = record
            .iter()
            .skip(2)
            .take(numeric)
            .map(|v| v.parse::<f64>().map_err(|_| format!("row {}: {v:?} is not a number", line + 2)))
            .collect::<Result<_, _>>()?;
        match record.get(1) {
            Some("world") => {
                values.push(numbers[..names.len()].to_vec());
                gains.push(numbers[names.len()..].to_vec());
            }
            Some("seeds_only") => seeds_only.push(numbers[names.len()..].to_vec()),
            other => return Err(format!("row {}: kind must be world or seeds_only (got {other:?})", line + 2)),
        }
    }
    Ok((names, teams, values, gains, seeds_only))
}

/// The files of a robust ranking from its joined `robust-worlds.csv`, the
/// base `scenario.toml` it ran (which gives the assumptions' ranges);
/// `Err` says why the worlds do not fit the scenario.
pub fn merged_files(worlds: &str, scenario: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    use crate::experiment::robust::{assumptions, summarize};
    let (names, teams, values, gains, seeds_only) = read_worlds(worlds)?;
    let base = crate::scenario::Scenario::from_toml_str(scenario, "scenario.toml").map_err(|e| e.to_string())?;
    let assumptions = assumptions(&base);
    if assumptions.iter().map(|a| &a.name).ne(names.iter()) {
        return Err("the shards' assumptions differ from those of scenario.toml".into());
    }
    let summary = summarize(&assumptions, &values, &teams, (&gains, &seeds_only));
    Ok(vec![
        ("robust.csv".to_string(), robust_csv(&summary.table)),
        ("robust-assumptions.csv".to_string(), assumptions_csv(&assumptions, summary.importance.as_deref())),
        ("robust-worlds.csv".to_string(), worlds.as_bytes().to_vec()),
        ("scenario.toml".to_string(), scenario.as_bytes().to_vec()),
    ])
}

/// The headline: who ranks first how often (`leader`: its name and share
/// of worlds), and what the conclusion leans on, if anything stands out.
pub fn headline(leader: Option<(&str, f64)>, leaning: &Leaning) -> String {
    let Some((department, share)) = leader else {
        return "No team could be ranked.".into();
    };
    let share = (share * 100.0).round();
    let first = format!("{department} ranks first in {share}% of plausible worlds");
    match leaning {
        Leaning::On(assumption) => format!("{first}; the conclusion leans most on {assumption}."),
        Leaning::NoneStandsOut(worlds) => {
            format!("{first}; no single assumption stands out at {worlds} worlds.")
        }
        Leaning::TooFewWorlds => format!("{first}; too few worlds to say which assumption it leans on."),
    }
}

/// The printed summary: the headline and the rank-stability table.
pub fn robust_table(table: &[TeamRobustness], leaning: &Leaning) -> String {
    let mut text = headline(table.first().map(|t| (t.department.as_str(), t.first_share)), leaning);
    text.push('\n');
    let _ = writeln!(
        text,
        "{:<24} {:>8} {:>11} {:>8} {:>12} {:>12} {:>12}",
        "department", "first", "seeds only", "top 3", "gain median", "gain 5%", "gain 95%"
    );
    for team in table {
        let _ = writeln!(
            text,
            "{:<24} {:>7.0}% {:>10.0}% {:>7.0}% {:>12} {:>12} {:>12}",
            team.department,
            team.first_share * 100.0,
            team.first_share_seeds_only * 100.0,
            team.top3_share * 100.0,
            crate::readable::number(team.gain.0),
            crate::readable::number(team.gain.1),
            crate::readable::number(team.gain.2)
        );
    }
    let _ = writeln!(
        text,
        "seeds only: first on the scenario's own assumptions under other seeds (replication noise alone)"
    );
    text
}
