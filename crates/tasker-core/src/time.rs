//! The engine keeps typed timestamps (naive = UTC, as tasker's `timestamp` columns); each
//! surface renders the format tasker's did. The formats, by where they appear:
//! - `NaiveDateTime` Display (`2026-01-01 00:00:01.5`): step-event task and step dates;
//! - `NaiveDateTime` serde (`2026-01-01T00:00:01.500`): readiness rows, domain-event payloads;
//! - `DateTime<Utc>` serde (`…Z`, 0/3/6/9 digits): TaskResponse dates, result metadata;
//! - [`micros_z`] (`…T00:00:01.500000Z`): StepResponse and StepAuditResponse dates;
//! - RFC 3339 with `+00:00` (legacy domain-event `firedAt`), `DateTime<Utc>` Display
//!   (`… UTC`, napi `firedAt`).

use chrono::{DateTime, NaiveDateTime, Utc};

/// The server's step timestamp format: always six fractional digits and `Z`.
pub const MICROS_Z: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

pub fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// `%Y-%m-%dT%H:%M:%S%.6fZ` for a `NaiveDateTime` field.
pub mod micros_z {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&at.format(super::MICROS_Z))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
        let text = String::deserialize(d)?;
        NaiveDateTime::parse_from_str(&text, super::MICROS_Z).map_err(serde::de::Error::custom)
    }
}

/// [`micros_z`] for an optional field (`null` when absent).
pub mod micros_z_option {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => s.collect_str(&at.format(super::MICROS_Z)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| {
                NaiveDateTime::parse_from_str(&text, super::MICROS_Z)
                    .map_err(serde::de::Error::custom)
            })
            .transpose()
    }
}

/// A checkpoint history entry's timestamp, as Postgres' `to_jsonb(now())` wrote it.
pub fn postgres_jsonb(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
}
