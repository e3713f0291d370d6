//! What the page may change and what it shows: the controls generated from
//! the scenario and the one table of valid ranges (a key added there
//! appears here without a change to the page), and a finished comparison
//! as the JSON document the page draws (the chain, the key figures, the
//! trust verdict), every number already written by the one formatter.

use serde_json::{Value as Json, json};

use crate::experiment::catalogue::{describe, describe_parameter};
use crate::experiment::compare::{CompareResults, Difference};
use crate::scenario::edit::{Setting, get};
use crate::scenario::ranges::{KeyRange, RANGES};
use crate::scenario::{Scenario, Staff};

/// One control: a path, its current value and its valid range.
fn control(scenario: &Scenario, path: &str, range: &KeyRange) -> Option<Json> {
    let value = get(&scenario.resolved, path).ok()??;
    let number = value.as_float().or_else(|| value.as_integer().map(|i| i as f64))?;
    let help = if range.note.is_empty() {
        format!("{}: {}", describe_parameter(path), range.describe())
    } else {
        format!("{}: {}; {}", describe_parameter(path), range.describe(), range.note.replace('`', ""))
    };
    Some(json!({
        "path": path,
        "label": describe_parameter(path),
        "value": number,
        "low": range.low,
        "low_open": range.low_open,
        "high": range.high,
        "whole": range.whole,
        "help": help,
    }))
}

/// `GET /api/scenario`: the departments, the links between them, and every
/// control with its value and range.
pub fn scenario_document(scenario: &Scenario) -> Json {
    let mut controls = Vec::new();
    for department in &scenario.resolved.departments {
        let name = &department.name;
        for range in RANGES.iter() {
            let Some(key) = range.key.strip_prefix("department.") else { continue };
            // Keys of a department's own, and its service time's mean.
            if key.contains('.') || (key == "staff" && !matches!(department.staff, Some(Staff::Count(_)))) {
                continue;
            }
            if !scenario.behavior_enabled && ["skill", "morale", "recognition", "training"].contains(&key) {
                continue;
            }
            controls.extend(control(scenario, &format!("department.{name}.{key}"), range));
        }
        let mean = RANGES.iter().find(|r| r.key == "<distribution>.mean").expect("a range for means");
        controls.extend(control(scenario, &format!("department.{name}.service.mean"), mean));
    }
    for range in RANGES.iter().filter(|r| r.key.starts_with("customers.") && r.key.matches('.').count() == 1) {
        controls.extend(control(scenario, range.key, range));
    }
    let scale = RANGES.iter().find(|r| r.key == "customers.rates.scale").expect("a range for the scale");
    controls.extend(control(scenario, "customers.rates.scale", scale));
    let mean = RANGES.iter().find(|r| r.key == "<distribution>.mean").expect("a range for means");
    controls.extend(control(scenario, "customers.patience.mean", mean));
    if scenario.behavior_enabled {
        for range in RANGES.iter().filter(|r| r.key.starts_with("behavior.")) {
            controls.extend(control(scenario, range.key, range));
        }
    }
    let departments: Vec<Json> = scenario
        .departments
        .iter()
        .map(|d| {
            json!({
                "name": d.name,
                "front_line": d.front_line,
                "staff": d.staff,
                "needs": d.needs.iter().map(|n| scenario.departments[n.supplier].name.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "name": scenario.name,
        "description": scenario.description,
        "time_unit": scenario.time_unit,
        "replications": scenario.replications,
        "seed": scenario.seed,
        "social": scenario.behavior_enabled,
        "departments": departments,
        "controls": controls,
        "switches": [{
            "path": "behavior.enabled",
            "label": "social layer (morale, contagion, satisfaction, churn)",
            "value": scenario.behavior_enabled,
            "help": "on: moods, quality and churn as in docs/MODEL.md; off: a pure queueing network",
        }],
    })
}

/// A JSON value of `POST /api/compare` as the TOML value a file would hold.
pub fn setting(path: &str, value: &Json) -> Result<Setting, String> {
    let value = match value {
        Json::Bool(b) => toml::Value::Boolean(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64().ok_or_else(|| format!("`{path}`: {n} is not a number"))?),
        },
        Json::String(text) => toml::Value::String(text.clone()),
        other => return Err(format!("`{path}`: give a number, true or false, or a string (got {other})")),
    };
    Ok(Setting { path: path.to_string(), value })
}

fn difference_json(difference: &Difference, time_unit: &str) -> Json {
    let described = describe(&difference.metric);
    let unit = described.unit;
    let mean = |e: Option<crate::experiment::Estimate>| e.map(|e| e.mean);
    let paired = difference.paired;
    let better = paired.and_then(|p| {
        let sign = if p.mean > 0.0 {
            Some(true)
        } else if p.mean < 0.0 {
            Some(false)
        } else {
            None
        };
        Some(sign? == described.higher_is_better?)
    });
    json!({
        "metric": difference.metric,
        "label": described.label,
        "base": mean(difference.base),
        "variant": mean(difference.variant),
        "diff": paired.map(|p| p.mean),
        "low": paired.map(|p| p.low).filter(|v| v.is_finite()),
        "high": paired.map(|p| p.high).filter(|v| v.is_finite()),
        "base_text": mean(difference.base).map(|v| unit.format(v, time_unit)),
        "variant_text": mean(difference.variant).map(|v| unit.format(v, time_unit)),
        "diff_text": paired.map(|p| unit.format_change(p.mean, time_unit)),
        "interval_text": paired.filter(|p| p.low.is_finite()).map(|p| unit.format_interval(p.low, p.high, time_unit)),
        "significant": difference.significant(),
        "better": better,
    })
}

/// The result document of a finished comparison.
pub fn result_document(results: &CompareResults, replications: u32) -> Json {
    let unit = &results.base.scenario.time_unit;
    let variant = &results.variants[0];
    let social = results.base.scenario.behavior_enabled;
    let key: Vec<Json> = crate::experiment::metrics::headline_metrics(social)
        .into_iter()
        .filter_map(|metric| variant.differences.iter().find(|d| d.metric == metric))
        .map(|d| difference_json(d, unit))
        .collect();
    let chain: Vec<Json> = variant.chain.as_ref().map_or(Vec::new(), |(_, links)| {
        links
            .iter()
            .map(|link| {
                let difference = Difference {
                    metric: link.metric.clone(),
                    base: Some(crate::experiment::Estimate {
                        mean: link.base,
                        low: f64::NAN,
                        high: f64::NAN,
                        count: 0,
                    }),
                    variant: Some(crate::experiment::Estimate {
                        mean: link.variant,
                        low: f64::NAN,
                        high: f64::NAN,
                        count: 0,
                    }),
                    paired: link.difference,
                };
                let mut json = difference_json(&difference, unit);
                json["label"] = Json::String(link.label.clone());
                json
            })
            .collect()
    });
    let verdict = results.base.verdict().max(variant.results.verdict());
    json!({
        "replications": replications,
        "supplier": variant.chain.as_ref().map(|(supplier, _)| supplier.clone()),
        "chain": chain,
        "key": key,
        "verdict": verdict.as_str(),
        "trusted": verdict.as_str() == "ok",
    })
}
