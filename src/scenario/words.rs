//! Keys whose value is a number or a word: a department's `staff` (a head
//! count or `"unlimited"`) and the `warmup` (a time or `"auto"`), with how
//! they read and write.

use serde::{Deserialize, Serialize};

/// A department's staff: a head count, or `"unlimited"` (an
/// infinite-server department: nobody queues).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staff {
    /// Parallel servers.
    Count(u32),
    /// As many servers as there is work.
    Unlimited,
}

impl Staff {
    /// The head count; `None` when unlimited.
    pub fn count(self) -> Option<u32> {
        match self {
            Staff::Count(count) => Some(count),
            Staff::Unlimited => None,
        }
    }
}

/// One more person (or more): unlimited staff stays unlimited.
impl std::ops::AddAssign<u32> for Staff {
    fn add_assign(&mut self, more: u32) {
        if let Staff::Count(count) = self {
            *count = count.saturating_add(more);
        }
    }
}

impl std::fmt::Display for Staff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Staff::Count(count) => write!(f, "{count}"),
            Staff::Unlimited => f.write_str("unlimited"),
        }
    }
}

impl Serialize for Staff {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Staff::Count(count) => serializer.serialize_u32(*count),
            Staff::Unlimited => serializer.serialize_str("unlimited"),
        }
    }
}

impl<'de> Deserialize<'de> for Staff {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match toml::Value::deserialize(deserializer)? {
            toml::Value::String(word) if word == "unlimited" => Ok(Staff::Unlimited),
            toml::Value::Integer(count) => u32::try_from(count).map(Staff::Count).map_err(|_| {
                D::Error::custom(format!(
                    "must be a whole number ≥ 1 and at most 1000000, or \"unlimited\" (got {count})"
                ))
            }),
            other => Err(D::Error::custom(format!("give a whole number of staff or \"unlimited\" (got {other})"))),
        }
    }
}

/// The warm-up: a time, or `"auto"` (chosen by MSER-5 on a pilot run).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Warmup {
    /// Statistics ignore what starts before this time.
    Time(f64),
    /// Chosen before the run; the resolved file holds the time chosen.
    Auto,
}

impl Default for Warmup {
    fn default() -> Self {
        Warmup::Time(0.0)
    }
}

impl Warmup {
    /// The time, when it is one.
    pub fn time(self) -> Option<f64> {
        match self {
            Warmup::Time(time) => Some(time),
            Warmup::Auto => None,
        }
    }
}

/// As the command line takes it: `auto`, or the time in Rust's shortest
/// round-trip form.
impl std::fmt::Display for Warmup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warmup::Time(time) => write!(f, "{time}"),
            Warmup::Auto => f.write_str("auto"),
        }
    }
}

impl std::str::FromStr for Warmup {
    type Err = String;

    /// `auto`, or a time (checked against its range with the scenario).
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "auto" => Ok(Warmup::Auto),
            _ => text
                .parse::<f64>()
                .ok()
                .filter(|time| time.is_finite())
                .map(Warmup::Time)
                .ok_or_else(|| format!("give a time such as 500 or the word auto (got {text:?})")),
        }
    }
}

impl Serialize for Warmup {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Warmup::Time(time) => serializer.serialize_f64(*time),
            Warmup::Auto => serializer.serialize_str("auto"),
        }
    }
}

impl<'de> Deserialize<'de> for Warmup {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match toml::Value::deserialize(deserializer)? {
            toml::Value::String(word) if word == "auto" => Ok(Warmup::Auto),
            toml::Value::Float(time) => Ok(Warmup::Time(time)),
            toml::Value::Integer(time) => Ok(Warmup::Time(time as f64)),
            other => Err(D::Error::custom(format!("give a time such as 500.0 or \"auto\" (got {other})"))),
        }
    }
}
