//! Results streamed to disk while replications run: the time series (one
//! part file per replication, joined in replication order at the end, so
//! memory stays flat however long the horizon) and the event trace of one
//! replication.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::model::{Observer, Sample, StaffEvent, TraceEvent};

use super::files::{OutputError, failed_at as io_error};
use super::format::number as optional;

/// Header of `timeseries.csv`.
pub fn timeseries_header(social: bool) -> &'static str {
    if social {
        "replication,time,department,queue,busy,morale,ext_satisfaction\n"
    } else {
        "replication,time,department,queue,busy\n"
    }
}

/// Writes one replication's samples to its part file.
pub struct TimeseriesPart {
    path: PathBuf,
    writer: Option<csv::Writer<BufWriter<File>>>,
    replication: String,
    social: bool,
    error: Option<std::io::Error>,
}

impl TimeseriesPart {
    /// The part file of `replication` inside `folder`.
    pub fn part_path(folder: &Path, replication: u32) -> PathBuf {
        folder.join(format!(".timeseries-{replication}.part"))
    }

    /// Opens the part file for `replication` in `folder`.
    pub fn create(folder: &Path, replication: u32, social: bool) -> Self {
        let path = Self::part_path(folder, replication);
        super::guard::wrote(&path);
        let (writer, error) = match File::create(&path) {
            Ok(file) => (Some(csv::WriterBuilder::new().has_headers(false).from_writer(BufWriter::new(file))), None),
            Err(error) => (None, Some(error)),
        };
        TimeseriesPart { path, writer, replication: replication.to_string(), social, error }
    }

    /// Where the part is written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes the part; the first error met while writing, if any.
    pub fn finish(mut self) -> Result<PathBuf, OutputError> {
        if let Some(mut writer) = self.writer.take()
            && let Err(error) = writer.flush()
        {
            self.error.get_or_insert(error);
        }
        match self.error {
            Some(source) => Err(OutputError { path: self.path, source }),
            None => Ok(self.path),
        }
    }
}

impl Observer for TimeseriesPart {
    const SAMPLES: bool = true;

    fn sample(&mut self, sample: &Sample) {
        let Some(writer) = self.writer.as_mut() else {
            return;
        };
        let mut fields = vec![
            self.replication.clone(),
            sample.time.to_string(),
            sample.department.to_string(),
            sample.queue.to_string(),
            sample.busy.to_string(),
        ];
        if self.social {
            fields.push(optional(sample.morale));
            fields.push(optional(sample.external_satisfaction));
        }
        if let Err(error) = writer.write_record(&fields) {
            self.error.get_or_insert(error.into());
            self.writer = None;
        }
    }
}

/// Joins the part files, in order, into `folder/timeseries.csv` (through a
/// temporary name) and removes them.
pub fn join_timeseries(folder: &Path, parts: &[PathBuf], social: bool) -> Result<(), OutputError> {
    let target = folder.join("timeseries.csv");
    let temporary = folder.join(format!(".timeseries.csv.tmp-{}", std::process::id()));
    super::guard::wrote(&temporary);
    let result = (|| {
        super::guard::check_write(&target, None).map_err(io_error(&target))?;
        let mut out = BufWriter::new(File::create(&temporary).map_err(io_error(&temporary))?);
        out.write_all(timeseries_header(social).as_bytes()).map_err(io_error(&temporary))?;
        for part in parts {
            let mut input = File::open(part).map_err(io_error(part))?;
            std::io::copy(&mut input, &mut out).map_err(io_error(&temporary))?;
        }
        out.into_inner()
            .map_err(|e| OutputError { path: temporary.clone(), source: e.into_error() })?
            .sync_all()
            .map_err(io_error(&temporary))?;
        super::guard::wrote(&target);
        fs::rename(&temporary, &target).map_err(io_error(&target))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    remove_parts(parts);
    result
}

/// Removes part files (after joining them, or after a failure).
pub fn remove_parts(parts: &[PathBuf]) {
    for part in parts {
        let _ = fs::remove_file(part);
    }
}

/// Writes every event of one replication as CSV.
pub struct TraceWriter {
    output: super::target::NamedOutput,
    writer: csv::Writer<BufWriter<File>>,
    error: Option<csv::Error>,
}

impl TraceWriter {
    /// Creates the trace file (see [`super::target::NamedOutput`]).
    pub fn create(path: &Path) -> Result<Self, OutputError> {
        let (output, file) = super::target::NamedOutput::open(path)?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(file));
        writer
            .write_record(["time", "event", "department", "work", "case", "quality", "attitude"])
            .map_err(|e| OutputError { path: path.to_path_buf(), source: e.into() })?;
        Ok(TraceWriter { output, writer, error: None })
    }

    /// Gives the trace up: removes its temporary file.
    pub fn abandon(self) {
        drop(self.writer);
        self.output.abandon();
    }

    /// Flushes and moves the trace into place.
    pub fn finish(mut self) -> Result<(), OutputError> {
        let flushed = match self.error.take() {
            Some(error) => Err(error.into()),
            None => self.writer.flush(),
        };
        drop(self.writer);
        self.output.finish(flushed)
    }
}

impl Observer for TraceWriter {
    const TRACE: bool = true;

    fn trace(&mut self, event: &TraceEvent) {
        if self.error.is_some() {
            return;
        }
        let record = [
            event.time.to_string(),
            event.event.to_string(),
            event.department.to_string(),
            event.work.to_string(),
            event.case.to_string(),
            optional(event.quality),
            optional(event.attitude),
        ];
        self.write(&record);
    }

    fn staff(&mut self, event: &StaffEvent) {
        if self.error.is_some() {
            return;
        }
        let empty = String::new;
        let record = [
            event.time.to_string(),
            event.event.to_string(),
            event.department.to_string(),
            empty(),
            empty(),
            empty(),
            empty(),
        ];
        self.write(&record);
    }
}

impl TraceWriter {
    fn write(&mut self, record: &[String; 7]) {
        if let Err(error) = self.writer.write_record(record) {
            self.error = Some(error);
        }
    }
}
