//! The shipped stories in the studio: each story that states expectations,
//! with the baseline it compares with, embedded in the binary. Running one
//! runs it (with the page's changes) against its baseline, paired, and
//! judges each expectation as `orgsim run` does (`story.csv`).

use serde_json::{Value as Json, json};

use crate::experiment::catalogue::describe;
use crate::experiment::compare::CompareResults;
use crate::experiment::story::judge;
use crate::output::story::{expectation_line, story_csv, verdict_words};
use crate::scenario::{Baseline, Scenario, Story};

/// Every shipped scenario a story may name as its baseline, or run as a
/// story: (file name, text).
const FILES: [(&str, &str); 10] = [
    ("baseline.toml", crate::scenario::DEFAULT_SCENARIO),
    ("it-understaffed.toml", include_str!("../../scenarios/it-understaffed.toml")),
    ("silos.toml", include_str!("../../scenarios/silos.toml")),
    ("collaboration.toml", include_str!("../../scenarios/collaboration.toml")),
    ("recognition.toml", include_str!("../../scenarios/recognition.toml")),
    ("demand-spike.toml", include_str!("../../scenarios/demand-spike.toml")),
    ("classroom-start.toml", include_str!("../../scenarios/classroom-start.toml")),
    ("classroom.toml", include_str!("../../scenarios/classroom.toml")),
    ("call-centre-day.toml", include_str!("../../scenarios/call-centre-day.toml")),
    ("overflow.toml", include_str!("../../scenarios/overflow.toml")),
];

fn scenario(file: &str) -> Option<Scenario> {
    let (_, text) = FILES.iter().find(|(name, _)| *name == file)?;
    Scenario::from_toml_str(text, &format!("scenarios/{file}")).ok()
}

/// The stories with expectations: (file, scenario).
fn stories() -> Vec<(&'static str, Scenario)> {
    FILES
        .iter()
        .filter_map(|(file, _)| Some((*file, scenario(file)?)))
        .filter(|(_, s)| s.story.as_ref().is_some_and(|story| !story.expect.is_empty()))
        .collect()
}

/// `GET /api/stories`.
pub fn list() -> Json {
    let stories: Vec<Json> = stories()
        .into_iter()
        .map(|(file, scenario)| {
            let story = scenario.story.as_ref().expect("filtered");
            json!({
                "file": file,
                "name": scenario.name,
                "description": scenario.description,
                "look_for": story.look_for,
                "expect": story.expect.iter().map(|e| json!({
                    "metric": e.metric,
                    "label": describe(&e.metric).label,
                    "direction": e.direction.as_str(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "stories": stories })
}

/// The baseline and the story a request asks for: the story with the
/// request's changes, both with the story's seed and the request's
/// replications (the story's own by default).
pub fn pair(
    request: &Json,
    too_large: impl Fn(&[&Scenario], u32) -> Option<String>,
) -> Result<(Scenario, Scenario), String> {
    let file = request.get("story").and_then(Json::as_str).ok_or("give `story`, a file of GET /api/stories")?;
    let told = stories()
        .into_iter()
        .find(|(name, _)| *name == file)
        .map(|(_, s)| s)
        .ok_or_else(|| format!("no shipped story {file:?} states expectations; GET /api/stories lists them"))?;
    let mut settings = Vec::new();
    if let Some(set) = request.get("set") {
        for (path, value) in set.as_object().ok_or("`set` must be an object of PATH: VALUE")? {
            settings.push(super::controls::setting(path, value)?);
        }
    }
    let mut told = crate::scenario::edit::apply(&told, &settings).map_err(|e| e.to_string())?;
    if let Some(replications) = request.get("replications").filter(|r| !r.is_null()) {
        let replications = replications
            .as_u64()
            .filter(|r| (1..=u64::from(super::MOST_REPLICATIONS)).contains(r))
            .ok_or_else(|| {
                format!(
                    "`replications` must be a whole number from 1 to {} (got {replications})",
                    super::MOST_REPLICATIONS
                )
            })?;
        told.set_replications(replications as u32);
    }
    let story = told.story.clone().ok_or("the story lost its [story] table")?;
    let mut base = match &story.baseline {
        Some(Baseline::File(path)) => scenario(path).ok_or_else(|| format!("the baseline {path} is not shipped"))?,
        Some(Baseline::Embedded) => Scenario::default_scenario(),
        None => return Err("the story names no baseline".to_string()),
    };
    base.set_seed(told.seed);
    base.set_replications(told.replications);
    base.drop_story();
    crate::experiment::story::check_metrics(&story, &base, "the baseline").map_err(|e| e.to_string())?;
    if let Some(why) = too_large(&[&base, &told], told.replications) {
        return Err(format!("{why}; use fewer replications"));
    }
    Ok((base, told))
}

/// The story's expectations judged: the result document and story.csv.
pub fn judged(story: &Story, results: &CompareResults) -> (String, Vec<u8>) {
    let told = &results.variants[0].results;
    let outcomes = judge(story, &results.base, told);
    let unit = &told.scenario.time_unit;
    let rows: Vec<Json> = outcomes
        .iter()
        .map(|outcome| {
            let (what, values, change) = expectation_line(outcome, unit);
            json!({
                "metric": outcome.metric,
                "expectation": what,
                "values": values,
                "change": change,
                "borne_out": outcome.verdict.as_str(),
                "words": verdict_words(outcome.verdict),
            })
        })
        .collect();
    let document = json!({ "story": told.scenario.name, "outcomes": rows, "replications": told.replications.len() });
    (document.to_string(), story_csv(&outcomes))
}
