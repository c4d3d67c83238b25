//! Tasks and steps as tasker models them: the request a client sends, the task and workflow
//! step rows a worker is handed, and the step event itself.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[cfg(feature = "ts")]
use ts_rs::TS;

use super::execution::StepExecutionResult;
use super::template::StepDefinition;
use crate::parse::{requested_at_serde, uuid_serde};

/// A task to create (tasker's `TaskRequest`; unknown keys are ignored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
pub struct TaskRequest {
    pub name: String,
    pub namespace: String,
    pub version: String,
    /// Required key; `null` is accepted (and then fails validation: a context is an object).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub context: Value,
    pub initiator: String,
    pub source_system: String,
    pub reason: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// When the caller asked; absent means now (the engine's clock). See [`requested_at_serde`].
    #[serde(default, with = "requested_at_serde")]
    #[cfg_attr(feature = "ts", ts(optional, type = "string"))]
    pub requested_at: Option<NaiveDateTime>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional, type = "unknown"))]
    pub options: Option<Value>,
    #[serde(default)]
    pub priority: Option<i32>,
    /// Absent: a fresh id from the engine's id source (tasker: a new v4).
    #[serde(default, with = "uuid_serde::option")]
    #[cfg_attr(feature = "ts", ts(optional, type = "string"))]
    pub correlation_id: Option<Uuid>,
    #[serde(default, with = "uuid_serde::option")]
    #[cfg_attr(feature = "ts", ts(optional, type = "string | null"))]
    pub parent_correlation_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
}

/// The task row (tasker's `Task`; naive timestamps are UTC).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Task {
    pub task_uuid: Uuid,
    pub named_task_uuid: Uuid,
    pub complete: bool,
    pub requested_at: NaiveDateTime,
    pub initiator: Option<String>,
    pub source_system: Option<String>,
    pub reason: Option<String>,
    pub tags: Option<Value>,
    pub context: Option<Value>,
    pub identity_hash: String,
    pub priority: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub correlation_id: Uuid,
    pub parent_correlation_id: Option<Uuid>,
}

/// A task with the names a worker needs (tasker's `TaskForOrchestration`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskForOrchestration {
    pub task: Task,
    pub task_name: String,
    pub task_version: String,
    pub namespace_name: String,
}

/// A workflow step row with its name (tasker's `WorkflowStepWithName`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkflowStepWithName {
    pub workflow_step_uuid: Uuid,
    pub task_uuid: Uuid,
    pub named_step_uuid: Uuid,
    /// The instance name (`process_csv_batch_ts_001` for a batch worker).
    pub name: String,
    /// The template step it was made from; equals `name` for ordinary steps.
    pub template_step_name: String,
    pub retryable: bool,
    pub max_attempts: Option<i32>,
    pub in_process: bool,
    pub processed: bool,
    pub processed_at: Option<NaiveDateTime>,
    pub attempts: Option<i32>,
    pub last_attempted_at: Option<NaiveDateTime>,
    pub backoff_request_seconds: Option<i32>,
    pub inputs: Option<Value>,
    pub results: Option<Value>,
    pub checkpoint: Option<Value>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One step handed to a worker: the snapshot taken before the claim (so `attempts` counts the
/// previous runs), with the stored results of every completed ancestor.
#[derive(Debug, Clone, PartialEq)]
pub struct StepEvent {
    /// Fresh for every hand-out, including a checkpoint continuation.
    pub event_id: Uuid,
    pub task_uuid: Uuid,
    pub step_uuid: Uuid,
    /// The dispatch's correlation id (the task's).
    pub correlation_id: Uuid,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    pub task: TaskForOrchestration,
    pub workflow_step: WorkflowStepWithName,
    /// The template's definition (for a batch worker, its template step's).
    pub step_definition: StepDefinition,
    /// Keyed by ancestor step name, name order.
    pub dependency_results: BTreeMap<String, StepExecutionResult>,
}

/// The serde form of a step event inside a domain event payload (tasker's `TaskSequenceStep`).
#[derive(Debug, Clone, Serialize)]
pub struct TaskSequenceStep<'a> {
    pub task: &'a TaskForOrchestration,
    pub workflow_step: &'a WorkflowStepWithName,
    pub dependency_results: &'a BTreeMap<String, StepExecutionResult>,
    pub step_definition: &'a StepDefinition,
}

impl StepEvent {
    pub fn sequence(&self) -> TaskSequenceStep<'_> {
        TaskSequenceStep {
            task: &self.task,
            workflow_step: &self.workflow_step,
            dependency_results: &self.dependency_results,
            step_definition: &self.step_definition,
        }
    }
}
