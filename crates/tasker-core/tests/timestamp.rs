//! `parse_requested_at`: RFC 3339 with `Z` or an offset, naive ISO 8601, nothing else.

use chrono::NaiveDateTime;
use tasker_core::timestamp::{format_utc, parse_requested_at};
use tasker_core::CoreError;

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").expect("fixture")
}

#[test]
fn rfc3339_with_z_is_utc() {
    assert_eq!(
        parse_requested_at("2026-01-01T00:00:00Z"),
        Ok(at("2026-01-01T00:00:00"))
    );
    assert_eq!(
        parse_requested_at("2026-01-01T00:00:00.123Z"),
        Ok(at("2026-01-01T00:00:00.123"))
    );
}

#[test]
fn offsets_are_converted_to_utc() {
    assert_eq!(
        parse_requested_at("2026-01-01T02:00:00+02:00"),
        Ok(at("2026-01-01T00:00:00"))
    );
    assert_eq!(
        parse_requested_at("2025-12-31T19:00:00.5-05:00"),
        Ok(at("2026-01-01T00:00:00.5"))
    );
}

#[test]
fn naive_iso8601_is_taken_as_utc() {
    assert_eq!(
        parse_requested_at("2026-01-01T00:00:00"),
        Ok(at("2026-01-01T00:00:00"))
    );
    assert_eq!(
        parse_requested_at("2026-01-01T00:00:00.250"),
        Ok(at("2026-01-01T00:00:00.25"))
    );
}

#[test]
fn js_to_iso_string_round_trips_through_the_wire_format() {
    let text = "2026-03-04T05:06:07.089Z";
    assert_eq!(
        parse_requested_at(text).map(format_utc).as_deref(),
        Ok(text)
    );
}

#[test]
fn garbage_is_an_invalid_argument_naming_the_input() {
    let cases = [
        ("yesterday", "input contains invalid characters"),
        ("", "premature end of input"),
        ("2026-01-01", "premature end of input"),
        ("2026-13-01T00:00:00Z", "input is out of range"),
        ("2026-01-01T00:00:00Zjunk", "trailing input"),
        ("2026-01-01T00:00:00\0", "trailing input"),
        ("2026-01-01T00:00:00 UTC", "trailing input"),
        ("2026-01-01T00:00:00+25:00", "input is out of range"),
        ("2026-02-30T00:00:00Z", "input is out of range"),
    ];
    for (input, reason) in cases {
        assert_eq!(
            parse_requested_at(input),
            Err(CoreError::InvalidArgument(format!(
                "Invalid requested_at: {reason} (expected ISO 8601 / RFC 3339, got \"{input}\")"
            ))),
            "input {input:?}"
        );
    }
}
