//! The discrete-event engine's ground floor: the event calendar and clock
//! ([`calendar`]), reproducible random streams ([`streams`]) and streaming
//! statistics whose memory does not grow with the horizon
//! ([`accumulators`]). Nothing here knows about departments or customers.

pub mod accumulators;
pub mod calendar;
pub mod streams;

pub use accumulators::{LogHistogram, TimeAverage};
pub use calendar::Calendar;
pub use streams::{Stream, stream, stream_seed};
