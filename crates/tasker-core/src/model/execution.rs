//! What a worker reports for a step, with tasker's serde: lenient (container `#[serde(default)]`,
//! unknown keys ignored), except `error.message` and `error.retryable`, which are required.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

#[cfg(feature = "ts")]
use ts_rs::TS;

use crate::parse::uuid_serde;

/// A step's result as a worker sends it and as the engine stores it (`results`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
pub struct StepExecutionResult {
    #[serde(with = "uuid_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub step_uuid: Uuid,
    pub success: bool,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub result: Value,
    pub metadata: StepExecutionMetadata,
    /// `completed`, `failed` or `error` by convention; empty means "by `success`".
    pub status: String,
    pub error: Option<StepExecutionError>,
    pub orchestration_metadata: Option<OrchestrationMetadata>,
}

impl Default for StepExecutionResult {
    fn default() -> Self {
        StepExecutionResult {
            step_uuid: Uuid::nil(),
            success: false,
            result: Value::Null,
            metadata: StepExecutionMetadata::default(),
            status: String::new(),
            error: None,
            orchestration_metadata: None,
        }
    }
}

impl StepExecutionResult {
    /// The status as tasker normalizes it: an empty status follows `success`.
    pub fn normalized_status(&self) -> String {
        if self.status.is_empty() {
            if self.success { "completed" } else { "failed" }.to_owned()
        } else {
            self.status.clone()
        }
    }

    /// A failure the engine itself reports (timeouts), shaped as tasker's dispatch channel
    /// shapes it.
    pub fn engine_failure(
        step_uuid: Uuid,
        message: String,
        error_type: &str,
        execution_time_ms: i64,
        at: DateTime<Utc>,
    ) -> StepExecutionResult {
        StepExecutionResult {
            step_uuid,
            success: false,
            result: Value::Object(Map::new()),
            metadata: StepExecutionMetadata {
                execution_time_ms,
                retryable: true,
                completed_at: Some(at),
                ..StepExecutionMetadata::default()
            },
            status: "failed".to_owned(),
            error: Some(StepExecutionError {
                message,
                error_type: Some(error_type.to_owned()),
                backtrace: None,
                retryable: true,
                status_code: None,
                context: None,
            }),
            orchestration_metadata: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
pub struct StepExecutionMetadata {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub execution_time_ms: i64,
    pub handler_version: Option<String>,
    /// What decides a retry (with attempts left): tasker reads this, not `error.retryable`.
    pub retryable: bool,
    /// RFC 3339; a missing value is filled with the engine's clock when the result is accepted
    /// (tasker: `Utc::now()` at parse time).
    #[cfg_attr(feature = "ts", ts(optional, type = "string"))]
    pub completed_at: Option<DateTime<Utc>>,
    pub worker_id: Option<String>,
    pub worker_hostname: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional, type = "string | null"))]
    pub started_at: Option<DateTime<Utc>>,
    /// Must be an object if present (`null` is a type error, as in tasker).
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub custom: Map<String, Value>,
    pub error_code: Option<String>,
    pub error_type: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub context: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
pub struct StepExecutionError {
    pub message: String,
    #[serde(default)]
    pub error_type: Option<String>,
    #[serde(default)]
    pub backtrace: Option<Vec<String>>,
    pub retryable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// Omitted when absent (tasker skipped an empty one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "Record<string, unknown>"))]
    pub context: Option<Map<String, Value>>,
}

/// Hints for the retry timing (`headers` carries e.g. `Retry-After`). If present, `headers`
/// and `custom` are required, as in tasker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
pub struct OrchestrationMetadata {
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub error_context: Option<Value>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub backoff_hint: Option<Value>,
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub custom: Map<String, Value>,
}

impl OrchestrationMetadata {
    /// tasker's lenient reading (`from_json`, used by its napi bridge): any object is metadata;
    /// non-string headers are dropped, a missing `custom` is `{}`.
    pub fn from_json_lenient(value: &Value) -> Option<OrchestrationMetadata> {
        let object = value.as_object()?;
        let headers = object
            .get("headers")
            .and_then(Value::as_object)
            .map(|h| {
                h.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        Some(OrchestrationMetadata {
            headers,
            error_context: object.get("error_context").cloned(),
            backoff_hint: object.get("backoff_hint").cloned(),
            custom: object
                .get("custom")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        })
    }

    /// The `Retry-After` header (case-insensitive) in whole seconds, if it is a number.
    pub fn retry_after_seconds(&self) -> Option<u64> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
            .and_then(|(_, v)| v.trim().parse().ok())
    }
}

/// A batch worker's progress: it yields, and the same claim is handed out again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
pub struct CheckpointYieldData {
    #[serde(with = "uuid_serde")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub step_uuid: Uuid,
    /// Required (may be `null`).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub cursor: Value,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub items_processed: u64,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub accumulated_results: Option<Value>,
}

/// The `decision_point_outcome` a decision step's result carries.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DecisionPointOutcome {
    NoBranches,
    CreateSteps { step_names: Vec<String> },
}

/// The `batch_processing_outcome` a batchable step's result carries.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BatchProcessingOutcome {
    NoBatches,
    CreateBatches {
        worker_template_name: String,
        #[serde(default)]
        worker_count: u32,
        cursor_configs: Vec<CursorConfig>,
        #[serde(default)]
        total_items: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CursorConfig {
    pub batch_id: String,
    pub start_cursor: Value,
    pub end_cursor: Value,
    pub batch_size: u32,
}
