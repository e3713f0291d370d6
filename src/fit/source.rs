//! A log's bytes, read from any reader: as they are, or decompressed from
//! gzip (a name ending in `.gz`) as they stream in, and never more than a
//! cap, so that a small compressed file cannot unpack into gigabytes.

use std::io::Read;

use super::log::LogError;

/// The default cap on a log's (decompressed) size, in MiB: far above a
/// ticket export of tens of thousands of cases, well below the memory a
/// machine has. `orgsim fit --max-log-size` raises it.
pub const DEFAULT_MOST_MIB: u64 = 64;

/// The largest cap `--max-log-size` takes, in MiB (64 GiB).
pub const LARGEST_MOST_MIB: u64 = 65_536;

/// Whether `name` is gzip-compressed by its name.
pub fn is_gzip(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".gz")
}

/// Reads `reader` to its end, through gzip when `gzip`, holding at most
/// `most_mib` MiB; `file` names the log in errors.
pub fn read_log(reader: impl Read, gzip: bool, most_mib: u64, file: &str) -> Result<Vec<u8>, LogError> {
    let most = most_mib.saturating_mul(1 << 20);
    let failed = |message: String| LogError { file: file.to_string(), line: None, column: None, message };
    let mut bytes = Vec::new();
    let read = if gzip {
        flate2::read::MultiGzDecoder::new(reader).take(most + 1).read_to_end(&mut bytes)
    } else {
        reader.take(most + 1).read_to_end(&mut bytes)
    };
    read.map_err(|e| {
        failed(if gzip {
            format!("cannot decompress the log ({e}); is it a complete gzip file?")
        } else {
            format!("cannot read the log ({e})")
        })
    })?;
    if bytes.len() as u64 > most {
        return Err(failed(format!(
            "the log holds more than {most_mib} MiB{}; pass --max-log-size with a larger size in MiB (at most {LARGEST_MOST_MIB}) if the log really is that large",
            if gzip { " once decompressed" } else { "" }
        )));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut encoder, bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_cap() {
        let bomb = gzip(&vec![0u8; 3 << 20]);
        assert!(bomb.len() < 1 << 16);
        let error = read_log(bomb.as_slice(), true, 1, "bomb.xes.gz").unwrap_err();
        assert!(error.message.contains("more than 1 MiB once decompressed"), "{}", error.message);
        assert_eq!(read_log(bomb.as_slice(), true, 3, "ok.xes.gz").unwrap().len(), 3 << 20);
    }

    #[test]
    fn plain_logs_are_capped_too_and_garbage_is_named() {
        let error = read_log(vec![b'a'; (1 << 20) + 1].as_slice(), false, 1, "big.csv").unwrap_err();
        assert!(error.message.contains("more than 1 MiB;"), "{}", error.message);
        let error = read_log(&b"not gzip at all"[..], true, 1, "x.xes.gz").unwrap_err();
        assert!(error.message.contains("cannot decompress"), "{}", error.message);
    }
}
