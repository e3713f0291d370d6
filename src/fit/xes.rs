//! XES event logs (IEEE 1849), read with the `process_mining` crate and
//! laid out as the table a CSV export of the same log would be: one row
//! per event, trace attributes as `case:<key>` columns (so the case is
//! `case:concept:name`), event attributes under their own keys, dates in
//! RFC 3339. The table then goes through the same reader as a CSV log, so
//! both formats take the same flags and give the same errors, which name
//! the trace and event instead of a line.

use process_mining::core::event_data::case_centric::xes::{XESImportOptions, import_xes_slice};
use process_mining::core::event_data::case_centric::{AttributeValue, Attributes};

use super::log::{Columns, Log, LogError, read_csv};

/// Whether `name` looks like an XES file (`.xes`, `.xes.gz`).
pub fn is_xes(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.ends_with(".xes") || name.ends_with(".xes.gz")
}

/// A cell's text for an attribute value; nested values are left out.
fn text(value: &AttributeValue) -> String {
    match value {
        AttributeValue::String(s) => s.clone(),
        AttributeValue::Date(date) => date.to_rfc3339(),
        AttributeValue::Int(i) => i.to_string(),
        AttributeValue::Float(f) => f.to_string(),
        AttributeValue::Boolean(b) => b.to_string(),
        AttributeValue::ID(id) => id.to_string(),
        AttributeValue::List(_) | AttributeValue::Container(_) | AttributeValue::None() => String::new(),
    }
}

/// Reads an XES log from its (decompressed) bytes; see
/// [`super::source::read_log`].
pub fn read_xes(bytes: &[u8], file: &str, columns: &Columns) -> Result<Log, LogError> {
    let failed = |message: String| LogError { file: file.to_string(), line: None, column: None, message };
    let options = XESImportOptions { verbose: false, ..XESImportOptions::default() };
    let log = import_xes_slice(bytes, false, options)
        .map_err(|e| failed(format!("not a readable XES log ({e}); export the log as XES 1849 or as CSV")))?;
    let mut keys: Vec<String> = Vec::new();
    let note = |key: String, keys: &mut Vec<String>| {
        if !keys.contains(&key) {
            keys.push(key);
        }
    };
    for trace in &log.traces {
        for attribute in &trace.attributes {
            note(format!("case:{}", attribute.key), &mut keys);
        }
        for event in &trace.events {
            for attribute in &event.attributes {
                note(attribute.key.clone(), &mut keys);
            }
        }
    }
    let mut table = csv::Writer::from_writer(Vec::new());
    let write = |table: &mut csv::Writer<Vec<u8>>, fields: &[String]| {
        table.write_record(fields).map_err(|e| failed(format!("cannot lay out the log: {e}")))
    };
    write(&mut table, &keys)?;
    // Which trace and event each table line holds.
    let mut places: Vec<(usize, usize)> = Vec::new();
    let cell = |attributes: &Attributes, key: &str| attributes.iter().find(|a| a.key == key).map(|a| text(&a.value));
    for (t, trace) in log.traces.iter().enumerate() {
        for (e, event) in trace.events.iter().enumerate() {
            let row: Vec<String> = keys
                .iter()
                .map(|key| match key.strip_prefix("case:") {
                    Some(trace_key) if cell(&event.attributes, key).is_none() => {
                        cell(&trace.attributes, trace_key).unwrap_or_default()
                    }
                    _ => cell(&event.attributes, key).unwrap_or_default(),
                })
                .collect();
            write(&mut table, &row)?;
            places.push((t + 1, e + 1));
        }
    }
    if places.is_empty() {
        return Err(failed("the XES log holds no events (is the file complete?); export at least one trace".into()));
    }
    let table = table.into_inner().map_err(|e| failed(format!("cannot lay out the log: {e}")))?;
    read_csv(&table, file, columns).map_err(|mut error| {
        if let Some(line) = error.line.take() {
            error.message = match line.checked_sub(2).and_then(|i| places.get(i as usize)) {
                Some((trace, event)) => format!("trace {trace}, event {event}: {}", error.message),
                None => error.message,
            };
        }
        error
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">
  <trace>
    <string key="concept:name" value="A1"/>
    <event>
      <string key="concept:name" value="Triage"/>
      <string key="org:group" value="Desk"/>
      <string key="lifecycle:transition" value="start"/>
      <date key="time:timestamp" value="2024-01-01T08:00:00.000+00:00"/>
    </event>
    <event>
      <string key="concept:name" value="Triage"/>
      <string key="org:group" value="Desk"/>
      <string key="lifecycle:transition" value="complete"/>
      <date key="time:timestamp" value="2024-01-01T08:05:00.000+00:00"/>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="A2"/>
    <event>
      <string key="org:group" value="Desk"/>
      <date key="time:timestamp" value="2024-01-01T09:00:00.000+01:00"/>
    </event>
    <event>
      <string key="org:group" value="Network"/>
      <string key="time:timestamp" value="soon"/>
    </event>
  </trace>
</log>"#;

    #[test]
    fn an_xes_log_reads_like_its_csv_export() {
        let good = LOG.replace(
            r#"<string key="time:timestamp" value="soon"/>"#,
            r#"<date key="time:timestamp" value="2024-01-01T08:30:00.000Z"/>"#,
        );
        let log = read_xes(good.as_bytes(), "log.xes", &Columns::default()).unwrap();
        assert_eq!(log.teams, ["Desk", "Network"]);
        let names: Vec<&str> = log.cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["A1", "A2"]);
        assert!(log.has_lifecycle);
        // 09:00+01:00 is 08:00Z: the Network event at 08:30Z comes after.
        let second = &log.cases[1];
        assert_eq!(second.events[1].time - second.events[0].time, 1800.0);
        let error = read_xes(LOG.as_bytes(), "log.xes", &Columns::default()).unwrap_err();
        assert_eq!(error.column.as_deref(), Some("time:timestamp"));
        assert!(error.to_string().contains("trace 2, event 2"), "{error}");
        let error = read_xes(b"<log><trace>", "broken.xes", &Columns::default()).unwrap_err();
        assert!(error.to_string().starts_with("broken.xes: the XES log holds no events"), "{error}");
        let error = read_xes(b"\x00\x01 not xml", "binary.xes", &Columns::default()).unwrap_err();
        assert!(error.to_string().starts_with("binary.xes: "), "{error}");
    }
}
