//! The one set of helpers every CSV builder uses: numbers in Rust's
//! shortest round-trip form (the same results always give the same bytes;
//! an undefined or infinite value is an empty field) and a CSV writer into
//! memory.

/// A value as a CSV field: shortest round-trip form, empty when undefined.
pub fn number(value: Option<f64>) -> String {
    match value {
        Some(value) if value.is_finite() => value.to_string(),
        _ => String::new(),
    }
}

/// A CSV writer into memory.
pub fn writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

/// Appends one record.
pub fn row(writer: &mut csv::Writer<Vec<u8>>, fields: &[String]) {
    writer.write_record(fields).expect("writing to memory cannot fail");
}

/// The bytes written.
pub fn bytes(writer: csv::Writer<Vec<u8>>) -> Vec<u8> {
    writer.into_inner().expect("writing to memory cannot fail")
}
