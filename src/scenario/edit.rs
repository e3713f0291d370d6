//! Changing one parameter of a scenario by its path, the way sweeps, impact
//! steps and staffing searches do: `department.IT.staff`,
//! `department.Customer Service.needs.IT.silo_delay`,
//! `customers.arrival_rate`, `behavior.contagion_rate`, and items of a
//! list by their index from 0: `customers.rates.values.9`.
//!
//! The scenario file is turned into a TOML tree, the value is set at the
//! path (departments and needs are found by name), and the tree is read back
//! with the same schema as a file, so a wrong key or a value of the wrong
//! type gets the same clear error as in a file.

use serde::Serialize;
use toml::Value;

use super::ScenarioFile;

/// Why a path or value was refused. Fatal for the experiment; the message
/// says what would be valid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{path}`: {message}")]
pub struct PathError {
    /// The path as given.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

fn names_in(items: &[Value], key: &str) -> String {
    let names: Vec<String> =
        items.iter().filter_map(|item| item.get(key).and_then(Value::as_str)).map(|name| format!("{name:?}")).collect();
    if names.is_empty() { "none".to_string() } else { names.join(", ") }
}

/// The value at `path` in `file`, if it is written there (defaults are
/// written out in a resolved scenario).
pub fn get(file: &ScenarioFile, path: &str) -> Result<Option<Value>, PathError> {
    let tree = Value::try_from(file).expect("a scenario file always converts");
    let (parent, key) = locate(&tree, path)?;
    Ok(entry(parent, key).cloned())
}

/// A copy of `file` with `value` at `path`.
pub fn set(file: &ScenarioFile, path: &str, value: &Value) -> Result<ScenarioFile, PathError> {
    let mut tree = Value::try_from(file).expect("a scenario file always converts");
    let error = |message: String| PathError { path: path.to_string(), message };
    {
        let (parent_path, key) = split_last(path).ok_or_else(|| error("an empty path".into()))?;
        let parent = navigate_mut(&mut tree, path, parent_path)?;
        if let Some(list) = parent.as_array_mut() {
            let length = list.len();
            let item = key.parse::<usize>().ok().and_then(|index| list.get_mut(index)).ok_or_else(|| {
                error(format!(
                    "`{parent_path}` is a list of {length}: give an index from 0 to {}",
                    length.saturating_sub(1)
                ))
            })?;
            *item = value.clone();
        } else {
            let table = parent.as_table_mut().ok_or_else(|| error(format!("`{parent_path}` is not a table")))?;
            table.insert(key.to_string(), value.clone());
        }
    }
    let edited: ScenarioFile =
        tree.try_into().map_err(|e: toml::de::Error| error(format!("{} (value {value})", e.message().trim())))?;
    Ok(edited)
}

fn split_last(path: &str) -> Option<(&str, &str)> {
    match path.rsplit_once('.') {
        Some((parent, key)) if !key.is_empty() => Some((parent, key)),
        None if !path.is_empty() => Some(("", path)),
        _ => None,
    }
}

fn locate<'t>(tree: &'t Value, path: &'t str) -> Result<(&'t Value, &'t str), PathError> {
    let error = |message: String| PathError { path: path.to_string(), message };
    let (parent_path, key) = split_last(path).ok_or_else(|| error("an empty path".into()))?;
    let mut current = tree;
    let mut segments = parent_path.split('.').filter(|s| !s.is_empty()).peekable();
    while let Some(segment) = segments.next() {
        current = step(current, segment, &mut segments, path)?;
    }
    Ok((current, key))
}

/// The value at `key` of `parent`: a table's entry, or a list's item.
fn entry<'t>(parent: &'t Value, key: &str) -> Option<&'t Value> {
    match parent {
        Value::Array(list) => key.parse::<usize>().ok().and_then(|index| list.get(index)),
        _ => parent.get(key),
    }
}

fn navigate_mut<'t>(tree: &'t mut Value, path: &str, parent_path: &str) -> Result<&'t mut Value, PathError> {
    let mut current = tree;
    let mut segments = parent_path.split('.').filter(|s| !s.is_empty()).peekable();
    while let Some(segment) = segments.next() {
        // Resolve with the shared walker, then take the same route mutably.
        let route = route_of(current, segment, &mut segments, path)?;
        current = match route {
            Route::Key(key) => current.get_mut(key.as_str()).expect("checked"),
            Route::Item(list, index) => &mut current[list.as_str()][index],
            Route::At(index) => &mut current[index],
        };
    }
    Ok(current)
}

enum Route {
    Key(String),
    Item(String, usize),
    /// An item of the current list, by index.
    At(usize),
}

/// One step down the tree: `department`, `needs` and `transfers` take the
/// next segment as the name of an item in their list.
fn route_of<'s>(
    current: &Value,
    segment: &str,
    rest: &mut std::iter::Peekable<impl Iterator<Item = &'s str>>,
    path: &str,
) -> Result<Route, PathError> {
    let error = |message: String| PathError { path: path.to_string(), message };
    if let Some(list) = current.as_array() {
        return segment.parse::<usize>().ok().filter(|&index| index < list.len()).map(Route::At).ok_or_else(|| {
            error(format!(
                "a list of {}: give an index from 0 to {} (got {segment:?})",
                list.len(),
                list.len().saturating_sub(1)
            ))
        });
    }
    let (list_key, name_key) = match segment {
        "department" => ("department", "name"),
        "needs" => ("needs", "dept"),
        "transfers" => ("transfers", "dept"),
        _ => {
            return match current.get(segment) {
                Some(Value::Table(_) | Value::Array(_)) => Ok(Route::Key(segment.to_string())),
                Some(_) => Err(error(format!("`{segment}` is a value, not a table"))),
                None => Err(error(format!(
                    "no table `{segment}` here; tables are `customers`, `behavior`, `department.<name>`, `department.<name>.needs.<supplier>` and `department.<name>.transfers.<department>`"
                ))),
            };
        }
    };
    let items = current.get(list_key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    let name = rest.next().ok_or_else(|| error(format!("`{list_key}` must be followed by a name")))?;
    let index =
        items.iter().position(|item| item.get(name_key).and_then(Value::as_str) == Some(name)).ok_or_else(|| {
            match list_key {
                "department" => error(format!("no department is named {name:?}; known: {}", names_in(items, name_key))),
                "transfers" => error(format!(
                    "this department has no transfer to {name:?}; it transfers to {}",
                    names_in(items, name_key)
                )),
                _ => error(format!("this department has no need for {name:?}; it needs {}", names_in(items, name_key))),
            }
        })?;
    Ok(Route::Item(list_key.to_string(), index))
}

fn step<'t, 's>(
    current: &'t Value,
    segment: &str,
    rest: &mut std::iter::Peekable<impl Iterator<Item = &'s str>>,
    path: &str,
) -> Result<&'t Value, PathError> {
    Ok(match route_of(current, segment, rest, path)? {
        Route::Key(key) => &current[key.as_str()],
        Route::Item(list, index) => &current[list.as_str()][index],
        Route::At(index) => &current[index],
    })
}

/// One `PATH=VALUE` change of a scenario, as `--set` and the studio give
/// it: the path in the sweep language, the value as TOML would write it.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The path, e.g. `department.IT.staff`.
    pub path: String,
    /// The value.
    pub value: Value,
}

/// The longest `PATH=VALUE` text, in characters.
pub const MOST_SETTING_CHARS: usize = 4_096;

impl Setting {
    /// Reads `PATH=VALUE`: the value as a TOML value (`6`, `1.1`, `true`,
    /// `"exponential"`, `{ dist = "exponential", mean = 2.0 }`), or a bare
    /// word taken as a string.
    pub fn parse(text: &str) -> Result<Setting, String> {
        let refuse = |why: &str| format!("{why}; give PATH=VALUE such as department.IT.staff=6 (got {text:?})");
        if text.chars().count() > MOST_SETTING_CHARS || text.chars().any(super::check::forbidden_in_names) {
            return Err(refuse(&format!("at most {MOST_SETTING_CHARS} characters and no control characters")));
        }
        let (path, value) = text.split_once('=').ok_or_else(|| refuse("no `=`"))?;
        let (path, value) = (path.trim(), value.trim());
        if path.is_empty() || value.is_empty() {
            return Err(refuse("a path and a value"));
        }
        let value = match toml::from_str::<toml::Table>(&format!("v = {value}")) {
            Ok(table) if table.len() == 1 => table["v"].clone(),
            _ if value.chars().all(|c| c.is_alphanumeric() || "_-".contains(c)) => Value::String(value.to_string()),
            _ => return Err(refuse("a value as TOML writes it (a number, true or false, a \"string\", { table })")),
        };
        Ok(Setting { path: path.to_string(), value })
    }

    /// As written on a command line.
    pub fn text(&self) -> String {
        format!("{}={}", self.path, self.value)
    }
}

/// `scenario` with every setting applied in turn to its resolved file and
/// checked like a file's own values (same ranges, same messages); a path the
/// scenario's `[sweep]` varies is refused.
pub fn apply(scenario: &super::Scenario, settings: &[Setting]) -> Result<super::Scenario, super::ScenarioError> {
    if settings.is_empty() {
        return Ok(scenario.clone());
    }
    let mut file = scenario.resolved.clone();
    for setting in settings {
        let origin = format!("--set {}", setting.text());
        let refuse = |field: &str, message: String| super::ScenarioError::Invalid {
            origin: origin.clone(),
            line: None,
            column: None,
            field: field.to_string(),
            message,
        };
        if scenario.sweep.as_ref().is_some_and(|sweep| sweep.parameters.iter().any(|p| p.path == setting.path)) {
            return Err(refuse(
                &setting.path,
                "is varied by this scenario's [sweep]; set it there, or remove it from the [sweep] table".to_string(),
            ));
        }
        file = set(&file, &setting.path, &setting.value).map_err(|error| refuse(&error.path, error.message))?;
        // Each value is checked where it is set, so the error names it.
        super::Scenario::from_file(file.clone(), &origin)?;
    }
    let label = settings.iter().map(|s| format!("--set {}", s.text())).collect::<Vec<_>>().join(" ");
    super::Scenario::from_file(file, &label)
}

/// A value as TOML, for parameters given in code.
pub fn value_of<T: Serialize>(value: T) -> Value {
    Value::try_from(value).expect("plain values convert")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn sets_values_by_department_and_need_names() {
        let base = Scenario::default_scenario().resolved;
        let edited = set(&base, "department.IT.staff", &Value::Integer(7)).unwrap();
        assert_eq!(
            edited.departments.iter().find(|d| d.name == "IT").unwrap().staff,
            Some(super::super::Staff::Count(7))
        );
        let edited = set(&edited, "department.Customer Service.needs.IT.silo_delay", &Value::Float(2.5)).unwrap();
        let need = &edited.departments[0].needs.iter().find(|n| n.dept == "IT").unwrap();
        assert_eq!(need.silo_delay, 2.5);
        let edited = set(&edited, "customers.arrival_rate", &Value::Integer(2)).unwrap();
        assert_eq!(edited.customers.arrival_rate, Some(2.0));
        assert_eq!(get(&edited, "department.IT.staff").unwrap(), Some(Value::Integer(7)));
    }

    #[test]
    fn settings_read_toml_values_and_refuse_what_is_not_one() {
        assert_eq!(Setting::parse("department.IT.staff=6").unwrap().value, Value::Integer(6));
        assert_eq!(Setting::parse("customers.rates.scale = 1.1").unwrap().value, Value::Float(1.1));
        assert_eq!(Setting::parse("behavior.enabled=false").unwrap().value, Value::Boolean(false));
        assert_eq!(Setting::parse("department.IT.staff=unlimited").unwrap().value, Value::String("unlimited".into()));
        assert_eq!(Setting::parse("x=\"a b\"").unwrap().value, Value::String("a b".into()));
        for bad in ["department.IT.staff", "=6", "department.IT.staff=", "a=1\nb=2", "a=[1, ", "a=two words"] {
            assert!(Setting::parse(bad).is_err(), "{bad:?}");
        }
        let scenario = Scenario::default_scenario();
        let changed = apply(&scenario, &[Setting::parse("department.IT.staff=6").unwrap()]).unwrap();
        assert_eq!(changed.departments[changed.department_index("IT").unwrap()].staff, 6);
        assert!(changed.to_toml().contains("staff = 6"));
        let error = apply(&scenario, &[Setting::parse("department.IT.staff=0").unwrap()]).unwrap_err().to_string();
        assert!(
            error.contains("--set department.IT.staff=0") && error.contains("must be a whole number ≥ 1"),
            "{error}"
        );
        let off = apply(&scenario, &[Setting::parse("behavior.enabled=false").unwrap()]).unwrap();
        assert!(!off.behavior_enabled);
    }

    #[test]
    fn bad_paths_and_values_say_what_is_valid() {
        let base = Scenario::default_scenario().resolved;
        let error = set(&base, "department.ITT.staff", &Value::Integer(3)).unwrap_err();
        assert!(error.message.contains("\"ITT\"") && error.message.contains("\"IT\""), "{error}");
        let error = set(&base, "department.IT.stafff", &Value::Integer(3)).unwrap_err();
        assert!(error.message.contains("unknown field `stafff`"), "{error}");
        let error = set(&base, "department.IT.staff", &Value::Float(2.5)).unwrap_err();
        assert!(error.message.contains("2.5"), "{error}");
        let error = set(&base, "department.IT.needs.HR.silo_delay", &Value::Float(1.0)).unwrap_err();
        assert!(error.message.contains("no need for \"HR\""), "{error}");
        let error = set(&base, "nothing.here", &Value::Float(1.0)).unwrap_err();
        assert!(error.message.contains("no table `nothing`"), "{error}");
    }
}
