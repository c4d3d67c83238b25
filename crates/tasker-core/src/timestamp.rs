//! Timestamps: the one parser for `requested_at` (shared by both bridges, so they fail with the
//! same message) and the one wire format every timestamp the engine returns is written in.

use chrono::format::ParseErrorKind;
use chrono::{DateTime, NaiveDateTime};

use crate::error::{CoreError, Result};

/// RFC 3339 in UTC with milliseconds, e.g. `2026-01-01T00:00:01.000Z` (what JS `toISOString` gives).
pub const WIRE_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3fZ";

/// Naive ISO 8601, `YYYY-MM-DDTHH:MM:SS[.fff]`; `%.f` also matches no fraction at all.
const NAIVE_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.f";

/// Formats a UTC timestamp in [`WIRE_FORMAT`].
pub fn format_utc(at: NaiveDateTime) -> String {
    at.format(WIRE_FORMAT).to_string()
}

/// Parses a task request's `requested_at` into UTC.
///
/// Accepts RFC 3339 with `Z` or an offset (converted to UTC) and naive ISO 8601
/// `YYYY-MM-DDTHH:MM:SS[.fff]` (taken as UTC). Anything else is an `InvalidArgument` naming the
/// chrono error and the input.
pub fn parse_requested_at(raw: &str) -> Result<NaiveDateTime> {
    parse_timestamp(raw).map_err(|err| {
        CoreError::InvalidArgument(format!(
            "Invalid requested_at: {err} (expected ISO 8601 / RFC 3339, got \"{raw}\")"
        ))
    })
}

/// The parser behind [`parse_requested_at`], also used for the bootstrap `clock_start`.
pub(crate) fn parse_timestamp(raw: &str) -> std::result::Result<NaiveDateTime, chrono::ParseError> {
    let naive_err = match NaiveDateTime::parse_from_str(raw, NAIVE_FORMAT) {
        Ok(at) => return Ok(at),
        Err(err) => err,
    };
    match DateTime::parse_from_rfc3339(raw) {
        Ok(at) => Ok(at.naive_utc()),
        // The naive parser stopping at trailing input means the text goes on after the
        // seconds. If the RFC 3339 parser got past that point (it read an offset and failed
        // later), its error is the precise one; if the suffix is no offset at all, "trailing
        // input" is.
        Err(rfc_err)
            if naive_err.kind() == ParseErrorKind::TooLong
                && rfc_err.kind() != ParseErrorKind::Invalid =>
        {
            Err(rfc_err)
        }
        Err(_) => Err(naive_err),
    }
}
