//! The orchestration server's client responses, serialized exactly as its JSON: field names,
//! omitted keys, and each field's timestamp format (see [`crate::time`]).

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
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub task_uuid: Uuid,
    pub name: String,
    pub namespace: String,
    pub version: String,
    /// The task state (`steps_in_process`, `complete`, `blocked_by_failures`, …).
    pub status: String,
    /// RFC 3339 with `Z`.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: DateTime<Utc>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub updated_at: DateTime<Utc>,
    /// Always `null`, as tasker's server sends it.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub completed_at: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub context: Value,
    pub initiator: String,
    pub source_system: String,
    pub reason: String,
    pub priority: Option<i32>,
    pub tags: Option<Vec<String>>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub correlation_id: Uuid,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub parent_correlation_id: Option<Uuid>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total_steps: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub pending_steps: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub in_progress_steps: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub completed_steps: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub failed_steps: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ready_steps: i64,
    /// `has_ready_steps`, `processing`, `blocked_by_failures`, `all_complete`,
    /// `waiting_for_dependencies`.
    pub execution_status: String,
    pub recommended_action: String,
    pub completion_percentage: f64,
    /// `healthy` or `blocked`.
    pub health_status: String,
    pub steps: Vec<StepReadinessStatus>,
}

/// One row of a task's readiness (naive timestamps, `T` form, no zone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct StepReadinessStatus {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub workflow_step_uuid: Uuid,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub task_uuid: Uuid,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub named_step_uuid: Uuid,
    pub name: String,
    pub current_state: String,
    pub dependencies_satisfied: bool,
    pub retry_eligible: bool,
    pub ready_for_execution: bool,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_failure_at: Option<NaiveDateTime>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub next_retry_at: Option<NaiveDateTime>,
    pub total_parents: i32,
    pub completed_parents: i32,
    pub attempts: i32,
    pub max_attempts: i32,
    pub backoff_request_seconds: Option<i32>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_attempted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct TaskListResponse {
    pub tasks: Vec<TaskResponse>,
    pub pagination: PaginationInfo,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct PaginationInfo {
    pub page: u32,
    pub per_page: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total_count: u64,
    pub total_pages: u32,
    pub has_next: bool,
    pub has_previous: bool,
}

/// One workflow step (`GET /v1/tasks/{uuid}/workflow_steps[/{step}]`); timestamps are
/// `%Y-%m-%dT%H:%M:%S%.6fZ`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub struct StepResponse {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub step_uuid: Uuid,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub task_uuid: Uuid,
    pub name: String,
    #[serde(with = "micros_z")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: NaiveDateTime,
    #[serde(with = "micros_z")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub updated_at: NaiveDateTime,
    #[serde(with = "micros_z_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub completed_at: Option<NaiveDateTime>,
    /// The stored result (a whole `StepExecutionResult`; the handler output is `results.result`).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub results: Option<Value>,
    pub current_state: String,
    pub dependencies_satisfied: bool,
    pub retry_eligible: bool,
    pub ready_for_execution: bool,
    pub total_parents: i32,
    pub completed_parents: i32,
    pub attempts: i32,
    pub max_attempts: i32,
    #[serde(with = "micros_z_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_failure_at: Option<NaiveDateTime>,
    #[serde(with = "micros_z_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub next_retry_at: Option<NaiveDateTime>,
    #[serde(with = "micros_z_option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_attempted_at: Option<NaiveDateTime>,
}

/// One audited result of a step (written when a worker's result is accepted), newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
pub struct StepAuditResponse {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub audit_uuid: Uuid,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub workflow_step_uuid: Uuid,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub transition_uuid: Uuid,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub task_uuid: Uuid,
    #[serde(with = "micros_z")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub recorded_at: NaiveDateTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "string"))]
    pub worker_uuid: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "string"))]
    pub correlation_id: Option<Uuid>,
    pub success: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub execution_time_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub result: Option<Value>,
    pub step_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_state: Option<String>,
    pub to_state: String,
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
