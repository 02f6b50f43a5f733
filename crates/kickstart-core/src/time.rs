//! Timestamps are stored as RFC 3339 UTC text with millisecond precision
//! (`2026-11-23T10:00:00.000Z`): fixed width, so text order is time order.

use chrono::{DateTime, SecondsFormat, Utc};

pub(crate) fn to_db(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}
