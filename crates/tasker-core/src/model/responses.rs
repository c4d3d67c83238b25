//! The orchestration server's client responses, serialized exactly as its JSON: field names,
//! omitted keys, and each field's timestamp format (see [`crate::time`]).
//!
//! Fields are declared in alphabetical order: both of tasker's bridges handed these out through
//! a `serde_json::Value`, whose keys are sorted, so sorted fields let the wire serialize a response
//! directly, with the historical key order and no `Value` in between (`tests/sorted_responses.rs`
//! proves the two give the same text).

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[cfg(feature = "ts")]
use ts_rs::TS;

use crate::time::{micros_z, micros_z_option};

/// Filters and paging of `client_list_tasks`, as tasker's bridges read them: `limit` (default
/// 50) is the page size, `offset` (default 0) is rounded down to a page boundary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
pub struct ListTasksParams {
    pub limit: Option<i32>,
    pub offset: Option<i32>,
    pub namespace: Option<String>,
    pub status: Option<String>,
}

/// A task with its execution context (`GET /v1/tasks/{uuid}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct TaskResponse {
    /// Always `null`, as tasker's server sends it.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub completed_at: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub completed_steps: i64,
    pub completion_percentage: f64,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub context: Value,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub correlation_id: Uuid,
    /// RFC 3339 with `Z`.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: DateTime<Utc>,
    /// `has_ready_steps`, `processing`, `blocked_by_failures`, `all_complete`,
    /// `waiting_for_dependencies`.
    pub execution_status: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub failed_steps: i64,
    /// `healthy` or `blocked`.
    pub health_status: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub in_progress_steps: i64,
    pub initiator: String,
    pub name: String,
    pub namespace: String,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub parent_correlation_id: Option<Uuid>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub pending_steps: i64,
    pub priority: Option<i32>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ready_steps: i64,
    pub reason: String,
    pub recommended_action: String,
    pub source_system: String,
    /// The task state (`steps_in_process`, `complete`, `blocked_by_failures`, …).
    pub status: String,
    pub steps: Vec<StepReadinessStatus>,
    pub tags: Option<Vec<String>>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub task_uuid: Uuid,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total_steps: i64,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub updated_at: DateTime<Utc>,
    pub version: String,
}

/// One row of a task's readiness (naive timestamps, `T` form, no zone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct StepReadinessStatus {
    pub attempts: i32,
    pub backoff_request_seconds: Option<i32>,
    pub completed_parents: i32,
    pub current_state: String,
    pub dependencies_satisfied: bool,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_attempted_at: Option<NaiveDateTime>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_failure_at: Option<NaiveDateTime>,
    pub max_attempts: i32,
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub named_step_uuid: Uuid,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub next_retry_at: Option<NaiveDateTime>,
    pub ready_for_execution: bool,
    pub retry_eligible: bool,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub task_uuid: Uuid,
    pub total_parents: i32,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub workflow_step_uuid: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct TaskListResponse {
    pub pagination: PaginationInfo,
    pub tasks: Vec<TaskResponse>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct PaginationInfo {
    pub has_next: bool,
    pub has_previous: bool,
    pub page: u32,
    pub per_page: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total_count: u64,
    pub total_pages: u32,
}

/// One workflow step (`GET /v1/tasks/{uuid}/workflow_steps[/{step}]`); timestamps are
/// `%Y-%m-%dT%H:%M:%S%.6fZ`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct StepResponse {
    pub attempts: i32,
    #[serde(with = "micros_z_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub completed_at: Option<NaiveDateTime>,
    pub completed_parents: i32,
    #[serde(with = "micros_z")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: NaiveDateTime,
    pub current_state: String,
    pub dependencies_satisfied: bool,
    #[serde(with = "micros_z_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_attempted_at: Option<NaiveDateTime>,
    #[serde(with = "micros_z_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_failure_at: Option<NaiveDateTime>,
    pub max_attempts: i32,
    pub name: String,
    #[serde(with = "micros_z_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub next_retry_at: Option<NaiveDateTime>,
    pub ready_for_execution: bool,
    /// The stored result (a whole `StepExecutionResult`; the handler output is `results.result`).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub results: Option<Value>,
    pub retry_eligible: bool,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub step_uuid: Uuid,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub task_uuid: Uuid,
    pub total_parents: i32,
    #[serde(with = "micros_z")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub updated_at: NaiveDateTime,
}

/// One audited result of a step (written when a worker's result is accepted), newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
pub struct StepAuditResponse {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub audit_uuid: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "string"))]
    pub correlation_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub execution_time_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_state: Option<String>,
    #[serde(with = "micros_z")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub recorded_at: NaiveDateTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub result: Option<Value>,
    pub step_name: String,
    pub success: bool,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub task_uuid: Uuid,
    pub to_state: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub transition_uuid: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "string"))]
    pub worker_uuid: Option<Uuid>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub workflow_step_uuid: Uuid,
}

/// `client_cancel_task`'s data: `{"cancelled":true}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct CancelResponse {
    pub cancelled: bool,
}

/// `client_health_check`'s data: `{"healthy":true}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct HealthResponse {
    pub healthy: bool,
}
