//! Parsing of caller input shared by both bridges, so that they fail with the same texts:
//! UUIDs (with the error texts of uuid 1.18-1.22, which tasker shipped), `requested_at`, and the
//! one helper that cuts quoted input.

use uuid::Uuid;

use crate::error::CoreError;

/// Longest piece of caller input an error message quotes.
pub const QUOTE_LIMIT: usize = 80;

/// `input`, cut to [`QUOTE_LIMIT`] characters (with `…` when cut), for quoting in a message.
pub fn quote(input: &str) -> String {
    match input.char_indices().nth(QUOTE_LIMIT) {
        Some((at, _)) => format!("{}…", &input[..at]),
        None => input.to_owned(),
    }
}

/// Parses a UUID; the error is the text tasker's uuid crate gave.
pub fn parse_uuid(input: &str) -> Result<Uuid, String> {
    Uuid::parse_str(input).map_err(|_| uuid_error_text(input))
}

/// A UUID argument: `Invalid argument: <what>: <uuid error>`.
pub fn uuid_arg(input: &str, what: &str) -> Result<Uuid, CoreError> {
    parse_uuid(input).map_err(|e| CoreError::InvalidArgument(format!("{what}: {e}")))
}

/// The error text uuid 1.18-1.22 produce for `input` (newer releases word two of them
/// differently; tasker's callers saw these).
fn uuid_error_text(input: &str) -> String {
    let (body, offset, simple) = if let Some(inner) = input
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
    {
        (inner, 1, false)
    } else if let Some(rest) = input.strip_prefix("urn:uuid:") {
        (rest, "urn:uuid:".len(), false)
    } else {
        (input, 0, true)
    };
    let mut hyphens = 0usize;
    let mut bounds = [0usize; 4];
    for (index, ch) in body.char_indices() {
        if ch == '-' {
            if let Some(slot) = bounds.get_mut(hyphens) {
                *slot = index;
            }
            hyphens += 1;
        } else if !ch.is_ascii_hexdigit() {
            return format!(
                "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `{ch}` at {}",
                index + offset + 1
            );
        }
    }
    if hyphens == 0 && simple {
        return format!(
            "invalid length: expected length 32 for simple format, found {}",
            input.len()
        );
    }
    if hyphens != 4 {
        return format!("invalid group count: expected 5, found {}", hyphens + 1);
    }
    const STARTS: [usize; 5] = [0, 9, 14, 19, 24];
    const EXPECTED: [usize; 5] = [8, 4, 4, 4, 12];
    for group in 0..4 {
        if bounds[group] != STARTS[group + 1] - 1 {
            return format!(
                "invalid group length in group {group}: expected {}, found {}",
                EXPECTED[group],
                bounds[group].saturating_sub(STARTS[group])
            );
        }
    }
    format!(
        "invalid group length in group 4: expected 12, found {}",
        input.len().saturating_sub(STARTS[4])
    )
}

/// serde for `Uuid` fields of wire JSON: hyphenated lowercase out; in, tasker's
/// `UUID parsing failed: <uuid error>` (serde_json appends the position).
pub mod uuid_serde {
    use serde::{Deserialize, Deserializer, Serializer};
    use uuid::Uuid;

    pub fn serialize<S: Serializer>(value: &Uuid, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Uuid, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        super::parse_uuid(&text)
            .map_err(|e| serde::de::Error::custom(format!("UUID parsing failed: {e}")))
    }

    /// The same for `Option<Uuid>` (JSON `null` or a missing key is `None`).
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};
        use uuid::Uuid;

        pub fn serialize<S: Serializer>(
            value: &Option<Uuid>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(id) => serializer.collect_str(id),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Uuid>, D::Error> {
            let text = Option::<std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
            text.map(|t| {
                super::super::parse_uuid(&t)
                    .map_err(|e| serde::de::Error::custom(format!("UUID parsing failed: {e}")))
            })
            .transpose()
        }
    }
}

/// serde of a task request's `requested_at`.
///
/// The fixed build accepts RFC 3339 with `Z` or an offset (converted to UTC) and the naive
/// `YYYY-MM-DDTHH:MM:SS[.frac]` that chrono's `NaiveDateTime` reads. The `tas283-unfixed` build
/// is chrono's `NaiveDateTime` deserializer alone, as tasker had it: a trailing `Z` fails with
/// chrono's `trailing input` (the TAS-283 bug).
pub mod requested_at_serde {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(
        value: &Option<NaiveDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    #[cfg(feature = "tas283-unfixed")]
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDateTime>, D::Error> {
        Option::<NaiveDateTime>::deserialize(deserializer)
    }

    #[cfg(not(feature = "tas283-unfixed"))]
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDateTime>, D::Error> {
        let text = Option::<std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.map(|t| super::parse_timestamp(&t).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// A timestamp as the fixed build reads it: naive (taken as UTC) or RFC 3339 with a zone.
pub fn parse_timestamp(raw: &str) -> Result<chrono::NaiveDateTime, chrono::ParseError> {
    let naive = match raw.parse::<chrono::NaiveDateTime>() {
        Ok(at) => return Ok(at),
        Err(err) => err,
    };
    match chrono::DateTime::parse_from_rfc3339(raw) {
        Ok(at) => Ok(at.naive_utc()),
        // Report the naive parser's error (e.g. `premature end of input`) unless the text went
        // on past the seconds, where the RFC 3339 parser's is the precise one.
        Err(rfc) if naive.kind() == chrono::format::ParseErrorKind::TooLong => Err(rfc),
        Err(_) => Err(naive),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_errors_read_as_tasker_reported_them() {
        let cases = [
            ("not-a-uuid", "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1"),
            ("", "invalid length: expected length 32 for simple format, found 0"),
            ("abc-def", "invalid group count: expected 5, found 2"),
            ("0000000-0000-0000-0000-000000000000", "invalid group length in group 0: expected 8, found 7"),
            ("00000000-0000-0000-0000-0000000000000", "invalid group length in group 4: expected 12, found 13"),
        ];
        for (input, error) in cases {
            assert_eq!(parse_uuid(input).unwrap_err(), error, "{input:?}");
        }
        assert!(parse_uuid("00000000-0000-0000-0000-000000000000").is_ok());
    }

    #[test]
    fn quote_cuts_long_input_at_80_characters() {
        let long = "é".repeat(100);
        let quoted = quote(&long);
        assert_eq!(quoted.chars().count(), 81);
        assert!(quoted.ends_with('…'));
        assert_eq!(quote("short"), "short");
    }

    #[test]
    fn timestamps_accept_zulu_offsets_and_naive_forms() {
        let at = parse_timestamp("2026-01-01T10:00:00.5Z").unwrap();
        assert_eq!(at.to_string(), "2026-01-01 10:00:00.500");
        let at = parse_timestamp("2026-01-01T12:00:00+02:00").unwrap();
        assert_eq!(at.to_string(), "2026-01-01 10:00:00");
        assert!(parse_timestamp("2026-01-01T10:00:00").is_ok());
        assert!(parse_timestamp("yesterday").is_err());
    }
}
