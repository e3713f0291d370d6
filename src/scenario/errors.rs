//! How a refused scenario is reported: [`ScenarioError`], the positions of
//! fields in the TOML text, and the [`Checker`] that every section's checks
//! use to build errors and to enforce the ranges of [`super::ranges`].

use toml::de::{DeTable, DeValue};

use super::distribution::{Distribution, DistributionSpec};
use super::ranges;

/// Why a scenario was refused. Every variant is fatal for that scenario; the
/// message says how to fix the input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    /// The text is not valid TOML, or a key or value does not fit the schema
    /// (unknown key, wrong type, missing key).
    #[error("{origin}{}: {message}", position_suffix(*.line, *.column))]
    Syntax {
        /// Where the text came from.
        origin: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
        /// What is wrong and what is expected.
        message: String,
    },
    /// The file parses but a value is not allowed.
    #[error("{origin}{}: {field}: {message}", position_suffix(*.line, *.column))]
    Invalid {
        /// Where the text came from.
        origin: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
        /// The field, e.g. `department "IT".staff`.
        field: String,
        /// What is wrong and what would be valid.
        message: String,
    },
}

pub(super) fn position_suffix(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    }
}

/// 1-based line and column of a byte offset.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// One step of a path to a value in the TOML document.
#[derive(Debug, Clone, Copy)]
pub(super) enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

/// Finds where fields are written, for error positions.
pub(super) struct Locator<'t> {
    text: Option<&'t str>,
    root: Option<toml::Spanned<DeTable<'t>>>,
}

impl<'t> Locator<'t> {
    pub(super) fn new(text: Option<&'t str>) -> Self {
        let root = text.and_then(|text| DeTable::parse(text).ok());
        Locator { text, root }
    }

    /// Line and column of the deepest part of `path` that is written in the file.
    pub(super) fn position(&self, path: &[Step]) -> (Option<usize>, Option<usize>) {
        let (Some(text), Some(root)) = (self.text, &self.root) else {
            return (None, None);
        };
        let mut span = None;
        let mut current: Option<&DeValue> = None;
        for (depth, step) in path.iter().enumerate() {
            let found = match (depth, step) {
                (0, Step::Key(key)) => root.get_ref().get(*key),
                (_, Step::Key(key)) => current.and_then(|value| value.get(*key)),
                (_, Step::Index(index)) => current.and_then(|value| value.get(*index)),
            };
            match found {
                Some(spanned) => {
                    span = Some(spanned.span());
                    current = Some(spanned.get_ref());
                }
                None => break,
            }
        }
        match span {
            Some(span) => {
                let (line, column) = line_column(text, span.start);
                (Some(line), Some(column))
            }
            None => (None, None),
        }
    }
}

/// Says serde's Rust type names in words a scenario author knows.
pub(super) fn plain_types(message: &str) -> String {
    message
        .replace("expected u32", "expected a whole number ≥ 0 and at most 4294967295")
        .replace("expected u64", "expected a whole number ≥ 0 and at most 18446744073709551615")
        .replace("expected f64", "expected a number")
}

impl Locator<'_> {
    /// The field whose value is written at byte `offset`, named as in
    /// validation errors (`department "IT".staff`); `None` at the top level.
    pub(super) fn field_at(&self, offset: usize) -> Option<String> {
        // Table headers' spans do not cover their bodies, so every key and
        // value is visited; the deepest one written at `offset` wins.
        fn walk(table: &DeTable, offset: usize, prefix: &str, found: &mut Option<String>) {
            let at = |span: std::ops::Range<usize>| span.start <= offset && offset < span.end.max(span.start + 1);
            for (key, value) in table.iter() {
                let name =
                    if prefix.is_empty() { key.get_ref().to_string() } else { format!("{prefix}.{}", key.get_ref()) };
                if at(key.span()) || at(value.span()) {
                    *found = Some(name.clone());
                }
                match value.get_ref() {
                    DeValue::Table(inner) => walk(inner, offset, &name, found),
                    DeValue::Array(items) => {
                        for (index, item) in items.iter().enumerate() {
                            let label = match item.get_ref().get("name").and_then(|n| n.get_ref().as_str()) {
                                Some(item_name) => format!("{name} {item_name:?}"),
                                None => format!("{name}[{}]", index),
                            };
                            if at(item.span()) {
                                *found = Some(label.clone());
                            }
                            if let DeValue::Table(inner) = item.get_ref() {
                                walk(inner, offset, &label, found);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let root = self.root.as_ref()?;
        let mut found = None;
        walk(root.get_ref(), offset, "", &mut found);
        found
    }
}

/// Collects what the checks need to build errors.
pub(super) struct Checker<'t> {
    pub(super) origin: &'t str,
    pub(super) locator: Locator<'t>,
}

impl Checker<'_> {
    pub(super) fn invalid(&self, path: &[Step], field: impl Into<String>, message: impl Into<String>) -> ScenarioError {
        let (line, column) = self.locator.position(path);
        ScenarioError::Invalid {
            origin: self.origin.to_string(),
            line,
            column,
            field: field.into(),
            message: message.into(),
        }
    }

    /// `value` must lie in the valid range of `key` (see [`ranges::RANGES`]).
    pub(super) fn range(&self, path: &[Step], field: &str, key: &str, value: f64) -> Result<(), ScenarioError> {
        let range = ranges::range(key);
        if range.contains(value) {
            Ok(())
        } else {
            Err(self.invalid(path, field, format!("must be {} (got {})", range.describe(), ranges::number(value))))
        }
    }

    pub(super) fn distribution(
        &self,
        path: &[Step],
        field: &str,
        spec: &DistributionSpec,
    ) -> Result<Distribution, ScenarioError> {
        spec.build().map_err(|error| self.invalid(path, field, error.0))
    }
}
