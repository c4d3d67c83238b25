//! The one envelope writer, and the one place a [`CoreError`] becomes an error envelope.
//!
//! `{"success":true,"data":<value>}` or
//! `{"success":false,"error":"<Display>","recoverable":<bool>,"code":"<ERROR_CODE>"}`.
//! Structs (not `json!`) fix the key order, so equal results are equal bytes. ts-rs declares
//! these types in `src/generated/legacy/` with `success` as a literal, so TypeScript can narrow
//! on it.

use serde::Serialize;
use tasker_core::{CoreError, ErrorCode};
use ts_rs::TS;

/// The JSON every envelope-returning symbol hands out.
#[derive(Debug, Serialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum LegacyEnvelope<'a, T> {
    Success(LegacySuccess<'a, T>),
    Failure(LegacyFailure),
}

#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct LegacySuccess<'a, T> {
    /// Always `true`.
    #[ts(type = "true")]
    pub success: bool,
    pub data: &'a T,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LegacyFailure {
    /// Always `false`.
    #[ts(type = "false")]
    pub success: bool,
    /// The core error's `Display` text, e.g. `Invalid argument: …`.
    pub error: String,
    /// Whether the same call may succeed later.
    pub recoverable: bool,
    pub code: ErrorCode,
}

impl From<&CoreError> for LegacyFailure {
    fn from(error: &CoreError) -> Self {
        LegacyFailure {
            success: false,
            error: error.to_string(),
            recoverable: error.recoverable(),
            code: error.code(),
        }
    }
}

/// The success envelope around `data`, or the `Internal` error if `data` cannot be serialised
/// (a map with non-string keys, say: a core bug, not the caller's).
pub fn success_json<T: Serialize>(data: &T) -> Result<String, CoreError> {
    let envelope = LegacyEnvelope::Success(LegacySuccess {
        success: true,
        data,
    });
    serde_json::to_string(&envelope)
        .map_err(|e| CoreError::Internal(format!("could not serialize the result: {e}")))
}

/// The error envelope for `error`.
pub fn failure_json(error: &CoreError) -> String {
    let envelope: LegacyEnvelope<'_, ()> = LegacyEnvelope::Failure(error.into());
    // Strings, a bool and a unit enum: serde_json cannot fail here, but a fallback keeps
    // this path free of panics.
    serde_json::to_string(&envelope).unwrap_or_else(|_| {
        r#"{"success":false,"error":"Internal error: could not serialize an error","recoverable":true,"code":"INTERNAL"}"#
            .to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_envelope_has_success_then_data() {
        let json = success_json(&serde_json::json!({"b": 1, "a": [true]})).unwrap();
        assert_eq!(json, r#"{"success":true,"data":{"a":[true],"b":1}}"#);
    }

    #[test]
    fn failure_envelope_carries_display_recoverable_and_code() {
        let json = failure_json(&CoreError::NotFound("task 42".into()));
        assert_eq!(
            json,
            r#"{"success":false,"error":"Not found: task 42","recoverable":false,"code":"NOT_FOUND"}"#
        );
        let json = failure_json(&CoreError::WorkerNotRunning);
        assert_eq!(
            json,
            r#"{"success":false,"error":"Worker not initialized — call bootstrapWorker() first","recoverable":true,"code":"WORKER_NOT_RUNNING"}"#
        );
    }

    #[test]
    fn failure_code_is_the_core_error_code_string() {
        let errors = [
            CoreError::InvalidArgument("x".into()),
            CoreError::TemplateNotFound {
                namespace: "n".into(),
                name: "t".into(),
                version: "1".into(),
            },
            CoreError::NotFound("x".into()),
            CoreError::WorkerNotRunning,
            CoreError::InvalidState("x".into()),
            CoreError::Internal("x".into()),
        ];
        for error in errors {
            let value: serde_json::Value = serde_json::from_str(&failure_json(&error)).unwrap();
            assert_eq!(value["code"], error.code().as_str());
            assert_eq!(value["recoverable"], error.recoverable());
            assert_eq!(value["error"], error.to_string());
        }
    }

    #[test]
    fn unserializable_data_becomes_an_internal_error() {
        let map = std::collections::BTreeMap::from([((1, 2), "non-string key")]);
        let error = success_json(&map).unwrap_err();
        assert_eq!(error.code(), ErrorCode::Internal);
    }
}
