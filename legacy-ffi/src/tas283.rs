//! TAS-283 lab, compiled only into the `tas283-unfixed` build.
//!
//! At the time, two changes to the JSON parse were tried as fixes. This module lets the
//! reproduction run each of them through the real `client_create_task` path, chosen per call with
//! `TASKER_TAS283_PARSE`:
//! - `from_str` (default): `serde_json::from_str`, the historical parse;
//! - `deserializer_from_str`: `Deserializer::from_str` + `T::deserialize` without `end()`, which
//!   ignores anything after the first complete JSON value;
//! - `trim_nul`: `trim_end_matches('\0')` before `from_str`.

use serde::de::DeserializeOwned;
use tasker_core::{CoreError, Result};

pub const PARSE_ENV: &str = "TASKER_TAS283_PARSE";

pub fn parse<T: DeserializeOwned>(json: &str) -> Result<std::result::Result<T, serde_json::Error>> {
    let strategy = std::env::var(PARSE_ENV).unwrap_or_else(|_| "from_str".to_owned());
    Ok(match strategy.as_str() {
        "from_str" => serde_json::from_str(json),
        "deserializer_from_str" => {
            let mut deserializer = serde_json::Deserializer::from_str(json);
            T::deserialize(&mut deserializer)
        }
        "trim_nul" => serde_json::from_str(json.trim_end_matches('\0')),
        other => {
            return Err(CoreError::InvalidArgument(format!(
                "{PARSE_ENV}={other:?} is not one of from_str, deserializer_from_str, trim_nul"
            )))
        }
    })
}
