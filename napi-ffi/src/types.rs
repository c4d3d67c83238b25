//! The object types of tasker's `tasker_ts` addon (c8733f95 `index.d.ts`), field for field:
//! names, types and optionality. `Option` fields of output objects are *absent* when `None`
//! (napi-rs sets only `Some` fields), as in tasker's addon; `serde_json::Value` is `any`.
//! `BootstrapConfig` also has our optional keys.

use std::collections::BTreeMap;

use napi_derive::napi;
use serde_json::Value;

/// Bootstrap configuration: tasker's keys (accepted, ignored) and ours.
#[napi(object)]
#[derive(Debug, Default)]
pub struct BootstrapConfig {
    /// tasker's key; accepted and ignored, as tasker ignored it.
    pub namespace: Option<String>,
    /// tasker's key; accepted and ignored, as tasker ignored it.
    pub config_path: Option<String>,
    /// Seed of the id source; with a seed the engine is deterministic (fixed clock).
    pub seed: Option<u32>,
    /// Start of the fixed clock (RFC 3339), used with `seed`.
    pub clock_start: Option<String>,
    /// Milliseconds the fixed clock advances on every read.
    pub clock_tick_ms: Option<u32>,
    /// A folder of task templates (YAML).
    pub template_path: Option<String>,
    /// Namespaces whose steps this worker takes; default all.
    pub namespaces: Option<Vec<String>>,
    /// Threshold of the log lines (`error`…`trace`, `off`).
    pub log_level: Option<String>,
    /// Milliseconds a handed-out event may stay pending before `cleanupTimeouts` fails it.
    pub step_timeout_ms: Option<u32>,
    /// Milliseconds after which a pending event counts as starving.
    pub starvation_threshold_ms: Option<u32>,
}

#[napi(object)]
#[derive(Debug)]
pub struct BootstrapResult {
    pub success: bool,
    /// `started` or `already_running`.
    pub status: String,
    pub message: String,
    pub worker_id: Option<String>,
}

#[napi(object)]
#[derive(Debug)]
pub struct WorkerStatus {
    pub success: bool,
    pub running: bool,
    pub worker_id: Option<String>,
    pub status: Option<String>,
    pub environment: Option<String>,
}

/// A checkpoint a batch worker yields.
#[napi(object)]
#[derive(Debug)]
pub struct NapiCheckpointYieldData {
    pub step_uuid: String,
    pub cursor: Value,
    pub items_processed: i64,
    /// Kept only if it is an object.
    pub accumulated_results: Option<Value>,
}

/// The envelope of every `client*` call: `data` is the server's snake_case JSON.
#[napi(object)]
#[derive(Debug)]
pub struct NapiClientResult {
    pub success: bool,
    pub data: Option<Value>,
    pub error: Option<String>,
    pub recoverable: Option<bool>,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiDependencyResult {
    pub step_uuid: String,
    pub success: bool,
    pub result: Value,
    pub status: String,
    pub error_message: Option<String>,
    pub error_type: Option<String>,
    pub error_retryable: Option<bool>,
}

/// The dispatch channel's pending map (events handed out, not yet completed).
#[napi(object)]
#[derive(Debug)]
pub struct NapiDispatchMetrics {
    pub pending_count: u32,
    pub starvation_detected: bool,
    pub starving_event_count: u32,
    pub oldest_pending_age_ms: Option<f64>,
    pub newest_pending_age_ms: Option<f64>,
    pub oldest_event_id: Option<String>,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiDomainEvent {
    pub event_id: String,
    pub event_name: String,
    pub event_version: String,
    pub metadata: NapiDomainEventMetadata,
    /// The whole `{task_sequence_step, execution_result, payload}`.
    pub payload: Value,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiDomainEventMetadata {
    pub task_uuid: String,
    pub step_uuid: Option<String>,
    pub step_name: Option<String>,
    pub namespace: String,
    pub correlation_id: String,
    /// `DateTime<Utc>` Display: `2026-01-01 00:00:01 UTC`.
    pub fired_at: String,
    pub fired_by: Option<String>,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiListTasksParams {
    pub limit: Option<i32>,
    pub offset: Option<i32>,
    pub namespace: Option<String>,
    pub status: Option<String>,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiStepDefinition {
    pub name: String,
    pub description: Option<String>,
    pub handler_callable: String,
    pub handler_method: Option<String>,
    pub handler_resolver: Option<String>,
    pub handler_initialization: Value,
    pub system_dependency: Option<String>,
    pub dependencies: Vec<String>,
    pub timeout_seconds: Option<i64>,
    pub retry_retryable: bool,
    pub retry_max_attempts: u32,
    pub retry_backoff: String,
    pub retry_backoff_base_ms: Option<i64>,
    pub retry_max_backoff_ms: Option<i64>,
}

/// A step handed to the worker.
#[napi(object)]
#[derive(Debug)]
pub struct NapiStepEvent {
    pub event_id: String,
    pub task_uuid: String,
    pub step_uuid: String,
    pub correlation_id: String,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    pub task_correlation_id: String,
    pub parent_correlation_id: Option<String>,
    pub task: NapiTaskInfo,
    pub workflow_step: NapiWorkflowStep,
    pub step_definition: NapiStepDefinition,
    /// Every completed ancestor, by name (name order).
    pub dependency_results: BTreeMap<String, NapiDependencyResult>,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiStepExecutionError {
    pub message: String,
    pub error_type: Option<String>,
    pub retryable: Option<bool>,
    pub status_code: Option<i32>,
    pub backtrace: Option<Value>,
    pub context: Option<Value>,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiStepExecutionMetadata {
    pub execution_time_ms: f64,
    pub worker_id: Option<String>,
    pub completed_at: String,
    pub retryable: Option<bool>,
    pub error_type: Option<String>,
    pub error_code: Option<String>,
    pub custom: Option<Value>,
}

/// What a handler reports for a step.
#[napi(object)]
#[derive(Debug)]
pub struct NapiStepExecutionResult {
    pub step_uuid: String,
    pub success: bool,
    pub result: Value,
    pub status: String,
    pub metadata: NapiStepExecutionMetadata,
    pub error: Option<NapiStepExecutionError>,
    pub orchestration_metadata: Option<Value>,
}

/// Dates are `NaiveDateTime` Display (`2026-01-01 00:00:01.5`, no zone).
#[napi(object)]
#[derive(Debug)]
pub struct NapiTaskInfo {
    pub task_uuid: String,
    pub named_task_uuid: String,
    pub name: String,
    pub namespace: String,
    pub version: String,
    pub context: Option<Value>,
    pub correlation_id: String,
    pub parent_correlation_id: Option<String>,
    pub complete: bool,
    pub priority: i32,
    pub initiator: Option<String>,
    pub source_system: Option<String>,
    pub reason: Option<String>,
    pub tags: Option<Value>,
    pub identity_hash: String,
    pub created_at: String,
    pub updated_at: String,
    pub requested_at: String,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiTaskRequest {
    pub name: String,
    pub namespace: String,
    pub version: String,
    pub context: Value,
    pub initiator: String,
    pub source_system: String,
    pub reason: String,
    pub tags: Option<Vec<String>>,
    pub priority: Option<i32>,
    pub correlation_id: Option<String>,
    pub parent_correlation_id: Option<String>,
    pub idempotency_key: Option<String>,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiWorkflowStep {
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
    pub inputs: Option<Value>,
    pub results: Option<Value>,
    pub backoff_request_seconds: Option<i32>,
    pub processed_at: Option<String>,
    pub last_attempted_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// The stored checkpoint record, or in a continuation the yielded data (snake_case keys).
    pub checkpoint: Option<Value>,
}
