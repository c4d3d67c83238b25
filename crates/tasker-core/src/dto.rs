//! Data transfer objects: the shapes that cross both bridges.
//!
//! Field names are the historical snake_case JSON of the legacy bridge; the napi bridge mirrors
//! these structs as `Napi…` objects (camelCase in JS). Free-form payloads are `serde_json::Value`.
//! With the `ts` feature, ts-rs derives the TypeScript declarations the koffi adapter reads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[cfg(feature = "ts")]
use ts_rs::TS;

/// Any JSON value (a task context, a step result, log fields).
pub type Json = Value;

/// How `requested_at` travels inside a [`TaskRequest`].
///
/// The fixed wire type is the raw text; the engine parses it (RFC 3339 with `Z` or an offset, or a
/// naive ISO 8601 timestamp), so both bridges share one parser and one error message.
#[cfg(not(feature = "tas283-unfixed"))]
pub type RequestedAtWire = String;
/// The historical wire type: chrono's strict `NaiveDateTime` deserializer, which rejects the `Z`
/// that `Date.prototype.toISOString()` appends. This is the TAS-283 build.
#[cfg(feature = "tas283-unfixed")]
pub type RequestedAtWire = chrono::NaiveDateTime;

/// Worker bootstrap configuration. Every field is optional; `{}` (or no config) is valid.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
#[serde(deny_unknown_fields)]
pub struct BootstrapConfig {
    /// Seed for the id source. With a seed the engine is fully deterministic: ids come from a
    /// seeded generator and the clock is the fixed clock below.
    pub seed: Option<u32>,
    /// Start of the fixed clock (RFC 3339), used when `seed` is set. Default `2026-01-01T00:00:00Z`.
    pub clock_start: Option<String>,
    /// Milliseconds the fixed clock advances on every read. Default 1000.
    pub clock_tick_ms: Option<u32>,
    /// Extra folder of task templates (`*.json`), in addition to the shipped ones and
    /// `TASKER_TEMPLATE_PATH`.
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct BootstrapResult {
    pub success: bool,
    /// `started` or `already_running`.
    pub status: String,
    pub message: String,
    /// `typescript-worker-<uuid>`.
    pub worker_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct WorkerStatus {
    pub success: bool,
    pub running: bool,
    /// `running`, `stopped`, `not_running`, `shutting_down`.
    pub status: String,
    pub worker_id: Option<String>,
    /// Steps handed out and not yet completed.
    pub in_flight: u32,
}

/// A task to create, validated against its template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
pub struct TaskRequest {
    pub name: String,
    pub namespace: String,
    pub version: String,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub context: Json,
    pub initiator: String,
    pub source_system: String,
    pub reason: String,
    pub tags: Option<Vec<String>>,
    pub priority: Option<i32>,
    pub correlation_id: Option<String>,
    pub parent_correlation_id: Option<String>,
    pub idempotency_key: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub options: Option<Json>,
    /// When the caller asked; absent means "now" by the engine's clock.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional, type = "string"))]
    pub requested_at: Option<RequestedAtWire>,
}

/// One row of a task's step list, with its readiness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct StepReadiness {
    pub step_uuid: String,
    pub task_uuid: String,
    pub name: String,
    /// `pending`, `enqueued`, `in_progress`, `waiting_for_retry`, `complete`, `error`, `cancelled`.
    pub current_state: String,
    pub dependencies_satisfied: bool,
    pub retry_eligible: bool,
    pub ready_for_execution: bool,
    pub attempts: u32,
    pub max_attempts: u32,
    pub last_failure_at: Option<String>,
    pub next_retry_at: Option<String>,
    pub total_parents: u32,
    pub completed_parents: u32,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub results: Option<Json>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct TaskResponse {
    pub task_uuid: String,
    pub name: String,
    pub namespace: String,
    pub version: String,
    /// `pending`, `in_progress`, `complete`, `error`, `cancelled`.
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
    pub completed_at: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub context: Json,
    pub initiator: String,
    pub source_system: String,
    pub reason: String,
    pub priority: Option<i32>,
    pub tags: Option<Vec<String>>,
    pub correlation_id: String,
    pub parent_correlation_id: Option<String>,
    pub total_steps: u32,
    pub pending_steps: u32,
    pub in_progress_steps: u32,
    pub completed_steps: u32,
    pub failed_steps: u32,
    pub ready_steps: u32,
    /// `has_ready_steps`, `processing`, `blocked_by_failures`, `all_complete`, `cancelled`.
    pub execution_status: String,
    /// `execute_ready_steps`, `wait_for_completion`, `handle_failures`, `finalize_task`, `none`.
    pub recommended_action: String,
    pub completion_percentage: f64,
    /// `healthy`, `recovering`, `blocked`, `unknown`.
    pub health_status: String,
    pub steps: Vec<StepReadiness>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct PaginationInfo {
    pub page: u32,
    pub per_page: u32,
    pub total_count: u32,
    pub total_pages: u32,
    pub has_next: bool,
    pub has_previous: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct TaskListResponse {
    pub tasks: Vec<TaskResponse>,
    pub pagination: PaginationInfo,
}

/// Filters and pagination for `client_list_tasks`. Pages are 1-based; `per_page` is 1..=100.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
#[serde(deny_unknown_fields)]
pub struct ListTasksParams {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
    pub namespace: Option<String>,
    pub status: Option<String>,
}

/// One entry of a step's audit history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct StepAuditRecord {
    pub audit_uuid: String,
    pub step_uuid: String,
    pub task_uuid: String,
    pub step_name: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub worker_id: Option<String>,
    pub success: Option<bool>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub execution_time_ms: Option<i64>,
    pub recorded_at: String,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub result: Option<Json>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct HealthResponse {
    pub healthy: bool,
    pub status: String,
    pub task_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct TaskInfo {
    pub task_uuid: String,
    pub name: String,
    pub namespace: String,
    pub version: String,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub context: Json,
    pub correlation_id: String,
    pub parent_correlation_id: Option<String>,
    pub initiator: String,
    pub source_system: String,
    pub reason: String,
    pub priority: Option<i32>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct WorkflowStep {
    pub workflow_step_uuid: String,
    pub task_uuid: String,
    pub name: String,
    pub attempts: u32,
    pub max_attempts: u32,
    pub retryable: bool,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub inputs: Option<Json>,
    /// Checkpoint carried over from earlier `checkpoint_yield` calls, if any.
    pub checkpoint: Option<CheckpointYieldData>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct StepDefinition {
    pub name: String,
    pub description: Option<String>,
    /// The handler callable a worker registers, e.g. `ecommerce.validate_cart`.
    pub handler_callable: String,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub handler_initialization: Json,
    pub dependencies: Vec<String>,
    pub max_attempts: u32,
    pub retryable: bool,
    pub backoff_base_ms: u32,
    pub timeout_ms: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct DependencyResult {
    pub step_uuid: String,
    pub success: bool,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub result: Json,
    pub status: String,
    pub error_message: Option<String>,
    pub error_type: Option<String>,
    pub error_retryable: Option<bool>,
}

/// A ready step handed to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct StepEvent {
    pub event_id: String,
    pub task_uuid: String,
    pub step_uuid: String,
    pub correlation_id: String,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    pub task: TaskInfo,
    pub workflow_step: WorkflowStep,
    pub step_definition: StepDefinition,
    /// Keyed by dependency step name; ordered so both bridges serialise it identically.
    pub dependency_results: BTreeMap<String, DependencyResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
pub struct StepExecutionMetadata {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub execution_time_ms: i64,
    pub worker_id: Option<String>,
    pub completed_at: String,
    pub retryable: Option<bool>,
    pub error_type: Option<String>,
    pub error_code: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub custom: Option<Json>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
pub struct StepExecutionError {
    pub message: String,
    pub error_type: Option<String>,
    pub retryable: Option<bool>,
    pub status_code: Option<u32>,
    pub backtrace: Option<Vec<String>>,
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub context: Option<Json>,
}

/// What a handler reports for a step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
pub struct StepExecutionResult {
    pub step_uuid: String,
    pub success: bool,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub result: Json,
    /// `completed`, `failed` (retryable failure) or `error` (permanent).
    pub status: String,
    pub metadata: StepExecutionMetadata,
    pub error: Option<StepExecutionError>,
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub orchestration_metadata: Option<Json>,
}

/// Progress of a batch step that yields before it is done; the step is handed out again later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
pub struct CheckpointYieldData {
    pub step_uuid: String,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub cursor: Json,
    pub items_processed: u32,
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub accumulated_results: Option<Json>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct DomainEventMetadata {
    pub task_uuid: String,
    pub step_uuid: Option<String>,
    pub step_name: Option<String>,
    pub namespace: String,
    pub correlation_id: String,
    pub fired_at: String,
    pub fired_by: String,
}

/// An in-process domain event (e.g. `step.completed`, `task.completed`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct DomainEvent {
    pub event_id: String,
    pub event_name: String,
    pub event_version: String,
    pub metadata: DomainEventMetadata,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub payload: Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct DispatchMetrics {
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

/// Levels of the structured `log_*` calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}
