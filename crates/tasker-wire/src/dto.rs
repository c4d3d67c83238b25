//! The historical JSON shapes of the koffi-era C ABI (tasker fe86d180 `src-rust/dto.rs` and the
//! `json!` objects of its `lib.rs` / `bridge.rs`), written by us.
//!
//! Structs tasker serialized directly keep its field order; objects tasker built with `json!`
//! came out with sorted keys (serde_json without `preserve_order`), so their fields are
//! declared in alphabetical order here. `None` is `null` unless a field is marked optional.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

#[cfg(feature = "ts")]
use ts_rs::TS;

/// The step event `poll_step_events` hands out, bare (no envelope).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct StepEventDto {
    pub event_id: String,
    pub task_uuid: String,
    pub step_uuid: String,
    pub correlation_id: String,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    pub task_correlation_id: String,
    pub parent_correlation_id: Option<String>,
    pub task: TaskDto,
    pub workflow_step: WorkflowStepDto,
    pub step_definition: StepDefinitionDto,
    pub dependency_results: BTreeMap<String, DependencyResultDto>,
}

/// Dates are `NaiveDateTime` Display: `2026-01-01 00:00:01.5` (space, no zone).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct TaskDto {
    pub task_uuid: String,
    pub named_task_uuid: String,
    pub name: String,
    pub namespace: String,
    pub version: String,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub context: Option<Value>,
    pub correlation_id: String,
    pub parent_correlation_id: Option<String>,
    pub complete: bool,
    pub priority: i32,
    pub initiator: Option<String>,
    pub source_system: Option<String>,
    pub reason: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub tags: Option<Value>,
    pub identity_hash: String,
    pub created_at: String,
    pub updated_at: String,
    pub requested_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct WorkflowStepDto {
    pub workflow_step_uuid: String,
    pub task_uuid: String,
    pub named_step_uuid: String,
    pub name: String,
    pub template_step_name: String,
    pub retryable: bool,
    pub max_attempts: i32,
    /// Runs before this one (0 on the first run).
    pub attempts: i32,
    pub in_process: bool,
    pub processed: bool,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub inputs: Option<Value>,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub results: Option<Value>,
    pub backoff_request_seconds: Option<i32>,
    pub processed_at: Option<String>,
    pub last_attempted_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// The stored checkpoint record, or in a continuation the yielded data.
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub checkpoint: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct StepDefinitionDto {
    pub name: String,
    pub description: Option<String>,
    pub handler: HandlerDefinitionDto,
    pub system_dependency: Option<String>,
    pub dependencies: Vec<String>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub timeout_seconds: Option<u64>,
    pub retry: RetryConfigurationDto,
}

/// `method` and `resolver` are omitted when unset.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct HandlerDefinitionDto {
    pub callable: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub resolver: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub initialization: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct RetryConfigurationDto {
    pub retryable: bool,
    pub max_attempts: u32,
    /// `none`, `linear`, `exponential` or `fibonacci`.
    pub backoff: String,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub backoff_base_ms: Option<u64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub max_backoff_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct DependencyResultDto {
    pub step_uuid: String,
    pub success: bool,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub result: Value,
    pub status: String,
    pub error: Option<StepExecutionErrorDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct StepExecutionErrorDto {
    pub message: String,
    pub error_type: Option<String>,
    pub retryable: bool,
    pub status_code: Option<u16>,
    pub backtrace: Option<Vec<String>>,
}

/// The domain event `poll_in_process_events` hands out: camelCase outside, the whole
/// snake_case `DomainEventPayload` inside `payload`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct DomainEventDto {
    pub event_id: String,
    pub event_name: String,
    pub event_version: String,
    pub metadata: DomainEventMetadataDto,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub payload: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct DomainEventMetadataDto {
    pub task_uuid: String,
    pub step_uuid: Option<String>,
    pub step_name: Option<String>,
    pub namespace: String,
    pub correlation_id: String,
    /// RFC 3339 with `+00:00`.
    pub fired_at: String,
    pub fired_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct DispatchMetricsDto {
    pub pending_count: u32,
    pub starvation_detected: bool,
    pub starving_event_count: u32,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub oldest_pending_age_ms: Option<u64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub newest_pending_age_ms: Option<u64>,
    pub oldest_event_id: Option<String>,
}

/// `bootstrap_worker`'s success: `started` (with `worker_id`) or `already_running`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct BootstrapResultDto {
    pub message: String,
    pub status: String,
    pub success: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub worker_id: Option<String>,
}

/// `get_worker_status`: `{running:false,status:"stopped",success:true}` before bootstrap, the
/// worker's details (no `status`) while it runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct WorkerStatusDto {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub database_pool_idle: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub database_pool_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub environment: Option<String>,
    pub running: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub status: Option<String>,
    pub success: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub supported_namespaces: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub web_api_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub worker_core_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub worker_id: Option<String>,
}

/// `stop_worker`: `not_running`, or `stopped` with the worker id.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct StopResultDto {
    pub message: String,
    pub status: String,
    pub success: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub worker_id: Option<String>,
}

/// `transition_to_graceful_shutdown`'s success (`worker_id` is our addition).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct TransitionResultDto {
    pub message: String,
    pub status: String,
    pub success: bool,
    pub worker_id: String,
}

/// tasker's error object: `{"error":…,"success":false}`; `recoverable` only on errors of the
/// orchestration side (client calls).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct ErrorObjectDto {
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub recoverable: Option<bool>,
    #[cfg_attr(feature = "ts", ts(type = "false"))]
    pub success: bool,
}

/// The envelope of the `client_*` calls: `{data, success:true}` or an [`ErrorObjectDto`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct ClientEnvelopeDto {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub data: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub recoverable: Option<bool>,
    pub success: bool,
}

/// `legacy_last_error()` / `lastErrorJson()`: the failed call's core error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct LastErrorDto {
    #[cfg_attr(feature = "ts", ts(as = "tasker_core::ErrorCode"))]
    pub code: String,
    pub message: String,
    pub recoverable: bool,
}
