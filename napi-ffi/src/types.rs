//! Boundary-only mirrors of the core DTOs (`tasker_core::dto`), field for field.
//!
//! `#[napi(object)]` turns each into a plain JS object with camelCase keys; free-form JSON
//! (`serde_json::Value`) is `any`. The conversions to and from the core types are in
//! `conversions.rs`. The client envelope's `data` is the core DTO as serde JSON (snake_case),
//! exactly as tasker's own addon hands out the server's JSON.

use std::collections::BTreeMap;

use napi_derive::napi;
use serde_json::Value;

/// Worker bootstrap configuration. Every field is optional; `{}` (or no config) is valid.
#[napi(object)]
#[derive(Debug)]
pub struct NapiBootstrapConfig {
    /// Seed for the id source; with a seed the engine is deterministic (fixed clock).
    pub seed: Option<u32>,
    /// Start of the fixed clock (RFC 3339), used when `seed` is set.
    pub clock_start: Option<String>,
    /// Milliseconds the fixed clock advances on every read.
    pub clock_tick_ms: Option<u32>,
    /// Extra folder of task templates (`*.json`).
    pub template_path: Option<String>,
    /// Namespaces this worker handles; default all.
    pub namespaces: Option<Vec<String>>,
    /// Minimum level of structured log records that are written (error|warn|info|debug|trace).
    pub log_level: Option<String>,
    /// Milliseconds an in-flight step may stay claimed before timeout cleanup reclaims it.
    pub step_timeout_ms: Option<u32>,
    /// Milliseconds a ready step may wait before a starvation warning is raised.
    pub starvation_threshold_ms: Option<u32>,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiBootstrapResult {
    pub success: bool,
    /// `started` or `already_running`.
    pub status: String,
    pub message: String,
    /// `typescript-worker-<uuid>`.
    pub worker_id: String,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiWorkerStatus {
    pub success: bool,
    pub running: bool,
    /// `running`, `stopped`, `not_running`, `shutting_down`.
    pub status: String,
    pub worker_id: Option<String>,
    /// Steps handed out and not yet completed.
    pub in_flight: u32,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiTaskInfo {
    pub task_uuid: String,
    pub name: String,
    pub namespace: String,
    pub version: String,
    pub context: Value,
    pub correlation_id: String,
    pub parent_correlation_id: Option<String>,
    pub initiator: String,
    pub source_system: String,
    pub reason: String,
    pub priority: Option<i32>,
    pub created_at: String,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiWorkflowStep {
    pub workflow_step_uuid: String,
    pub task_uuid: String,
    pub name: String,
    pub attempts: u32,
    pub max_attempts: u32,
    pub retryable: bool,
    pub inputs: Option<Value>,
    /// Checkpoint carried over from earlier `checkpointYieldStepEvent` calls, if any.
    pub checkpoint: Option<NapiCheckpointYieldData>,
    pub created_at: String,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiStepDefinition {
    pub name: String,
    pub description: Option<String>,
    /// The handler callable a worker registers, e.g. `ecommerce.validate_cart`.
    pub handler_callable: String,
    pub handler_initialization: Value,
    pub dependencies: Vec<String>,
    pub max_attempts: u32,
    pub retryable: bool,
    pub backoff_base_ms: u32,
    pub timeout_ms: Option<u32>,
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

/// A ready step handed to the worker.
#[napi(object)]
#[derive(Debug)]
pub struct NapiStepEvent {
    pub event_id: String,
    pub task_uuid: String,
    pub step_uuid: String,
    pub correlation_id: String,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    pub task: NapiTaskInfo,
    pub workflow_step: NapiWorkflowStep,
    pub step_definition: NapiStepDefinition,
    /// Keyed by dependency step name, in name order.
    pub dependency_results: BTreeMap<String, NapiDependencyResult>,
}

/// Progress of a batch step that yields before it is done; the step is handed out again later.
#[napi(object)]
#[derive(Debug)]
pub struct NapiCheckpointYieldData {
    pub step_uuid: String,
    pub cursor: Value,
    pub items_processed: u32,
    pub accumulated_results: Option<Value>,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiStepExecutionMetadata {
    pub execution_time_ms: i64,
    pub worker_id: Option<String>,
    pub completed_at: String,
    pub retryable: Option<bool>,
    pub error_type: Option<String>,
    pub error_code: Option<String>,
    pub custom: Option<Value>,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiStepExecutionError {
    pub message: String,
    pub error_type: Option<String>,
    pub retryable: Option<bool>,
    pub status_code: Option<u32>,
    pub backtrace: Option<Vec<String>>,
    pub context: Option<Value>,
}

/// What a handler reports for a step.
#[napi(object)]
#[derive(Debug)]
pub struct NapiStepExecutionResult {
    pub step_uuid: String,
    pub success: bool,
    pub result: Value,
    /// `completed`, `failed` (retryable failure) or `error` (permanent).
    pub status: String,
    pub metadata: NapiStepExecutionMetadata,
    pub error: Option<NapiStepExecutionError>,
    pub orchestration_metadata: Option<Value>,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiDomainEventMetadata {
    pub task_uuid: String,
    pub step_uuid: Option<String>,
    pub step_name: Option<String>,
    pub namespace: String,
    pub correlation_id: String,
    pub fired_at: String,
    pub fired_by: String,
}

/// An in-process domain event (e.g. `step.completed`, `task.completed`).
#[napi(object)]
#[derive(Debug)]
pub struct NapiDomainEvent {
    pub event_id: String,
    pub event_name: String,
    pub event_version: String,
    pub metadata: NapiDomainEventMetadata,
    pub payload: Value,
}

#[napi(object)]
#[derive(Debug)]
pub struct NapiDispatchMetrics {
    pub pending_count: u32,
    pub in_flight_count: u32,
    pub completed_count: u32,
    pub failed_count: u32,
    pub retried_count: u32,
    pub checkpoint_count: u32,
    pub timed_out_count: u32,
    pub starvation_warnings: u32,
    pub oldest_pending_age_ms: Option<u32>,
    pub starvation_detected: bool,
}

/// A task to create, validated against its template.
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
    pub options: Option<Value>,
    /// When the caller asked (RFC 3339 or naive ISO 8601); absent means "now" by the engine's
    /// clock. The core parses it.
    pub requested_at: Option<String>,
}

/// Filters and pagination for `clientListTasks`. Pages are 1-based; `perPage` is 1..=100.
#[napi(object)]
#[derive(Debug)]
pub struct NapiListTasksParams {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
    pub namespace: Option<String>,
    pub status: Option<String>,
}

/// The envelope of every `client*` call, as in tasker's addon. `data` is the server's JSON
/// (snake_case keys, e.g. `data.task_uuid`); `errorCode` is this addon's addition.
#[napi(object)]
#[derive(Debug)]
pub struct NapiClientResult {
    pub success: bool,
    pub data: Option<Value>,
    pub error: Option<String>,
    pub recoverable: Option<bool>,
    /// The stable error code (`NOT_FOUND`, `INVALID_REQUEST`, …) when `success` is false.
    pub error_code: Option<String>,
}

/// The envelope of the `client*Json` calls: as [`NapiClientResult`], with `data` as JSON text
/// (the server's snake_case JSON, exactly what `data` would hold).
#[napi(object)]
#[derive(Debug)]
pub struct NapiClientJsonResult {
    pub success: bool,
    pub data_json: Option<String>,
    pub error: Option<String>,
    pub recoverable: Option<bool>,
    pub error_code: Option<String>,
}
