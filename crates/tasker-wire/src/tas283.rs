//! TAS-283 lab, compiled only into the `tas283-unfixed` build: the parse of
//! `client_create_task` chosen per call with `TASKER_TAS283_PARSE`, to try each of the
//! historical attempts through the real path:
//! - `deserializer_from_str` (default): `Deserializer::from_str` + `deserialize`, no `end()`
//!   (tasker at fe86d180, after the attempted fix);
//! - `from_str`: `serde_json::from_str`, the parse before that attempt;
//! - `trim_nul`: `trim_end_matches('\0')` before `from_str`.
//!
//! None of them helps: the failure is chrono's `NaiveDateTime` reading `requested_at`.

use serde::Deserialize;
use tasker_core::model::TaskRequest;
use tasker_core::{CoreError, Result};

pub const PARSE_ENV: &str = "TASKER_TAS283_PARSE";

pub fn parse(text: &str) -> Result<std::result::Result<TaskRequest, serde_json::Error>> {
    let strategy = std::env::var(PARSE_ENV).unwrap_or_else(|_| "deserializer_from_str".to_owned());
    Ok(match strategy.as_str() {
        "deserializer_from_str" => {
            TaskRequest::deserialize(&mut serde_json::Deserializer::from_str(text))
        }
        "from_str" => serde_json::from_str(text),
        "trim_nul" => serde_json::from_str(text.trim_end_matches('\0')),
        other => {
            return Err(CoreError::InvalidArgument(format!(
                "{PARSE_ENV}={other:?} is not one of deserializer_from_str, from_str, trim_nul"
            )))
        }
    })
}
