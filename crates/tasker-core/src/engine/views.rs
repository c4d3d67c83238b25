//! The server's responses, built from engine state. Pure functions of the state and `now`.

use chrono::NaiveDateTime;
use serde_json::Value;

use super::orchestrate::execution_context;
use super::state::{count_i32, TaskRec};
use crate::model::*;
use crate::time::utc;

pub(crate) fn readiness(
    task: &TaskRec,
    si: usize,
    now: NaiveDateTime,
) -> Option<StepReadinessStatus> {
    let step = task.steps.get(si)?;
    Some(StepReadinessStatus {
        workflow_step_uuid: step.uuid,
        task_uuid: task.uuid,
        named_step_uuid: step.named_step_uuid,
        name: step.name.clone(),
        current_state: step.state.as_str().to_owned(),
        dependencies_satisfied: task.deps_satisfied(si),
        retry_eligible: task.retry_eligible(si),
        ready_for_execution: task.is_ready(si, now),
        last_failure_at: step.last_failure_at,
        next_retry_at: step.next_retry_at,
        total_parents: count_i32(step.parents.len()),
        completed_parents: count_i32(task.completed_parents(si)),
        attempts: step.attempts,
        max_attempts: step.max_attempts,
        backoff_request_seconds: step.backoff_request_seconds,
        last_attempted_at: step.last_attempted_at,
    })
}

pub(crate) fn step_response(task: &TaskRec, si: usize, now: NaiveDateTime) -> Option<StepResponse> {
    let step = task.steps.get(si)?;
    Some(StepResponse {
        step_uuid: step.uuid,
        task_uuid: task.uuid,
        name: step.name.clone(),
        created_at: step.created_at,
        updated_at: step.updated_at,
        completed_at: step.processed_at,
        results: step.results.clone(),
        current_state: step.state.as_str().to_owned(),
        dependencies_satisfied: task.deps_satisfied(si),
        retry_eligible: task.retry_eligible(si),
        ready_for_execution: task.is_ready(si, now),
        total_parents: count_i32(step.parents.len()),
        completed_parents: count_i32(task.completed_parents(si)),
        attempts: step.attempts,
        max_attempts: step.max_attempts,
        last_failure_at: step.last_failure_at,
        next_retry_at: step.next_retry_at,
        last_attempted_at: step.last_attempted_at,
    })
}

pub(crate) fn task_response(task: &TaskRec, now: NaiveDateTime) -> TaskResponse {
    let context = execution_context(task, now);
    let completion_percentage = if context.total == 0 {
        0.0
    } else {
        // ROUND(completed / total * 100, 2), as tasker's SQL.
        (context.completed as f64 / context.total as f64 * 10_000.0).round() / 100.0
    };
    TaskResponse {
        task_uuid: task.uuid,
        name: task.name.clone(),
        namespace: task.namespace.clone(),
        version: task.version.clone(),
        status: task.state.as_str().to_owned(),
        created_at: utc(task.created_at),
        updated_at: utc(task.updated_at),
        completed_at: None,
        context: match &task.context {
            Value::Null => Value::Object(Default::default()),
            other => other.clone(),
        },
        initiator: task.initiator.clone(),
        source_system: task.source_system.clone(),
        reason: task.reason.clone(),
        priority: Some(task.priority),
        tags: Some(task.tags.clone()),
        correlation_id: task.correlation_id,
        parent_correlation_id: task.parent_correlation_id,
        total_steps: context.total as i64,
        pending_steps: context.pending as i64,
        in_progress_steps: context.in_progress as i64,
        completed_steps: context.completed as i64,
        failed_steps: context.failed as i64,
        ready_steps: context.ready as i64,
        execution_status: context.status.as_str().to_owned(),
        recommended_action: context.status.recommended_action().to_owned(),
        completion_percentage,
        health_status: if context.failed > 0 {
            "blocked"
        } else {
            "healthy"
        }
        .to_owned(),
        steps: (0..task.steps.len())
            .filter_map(|si| readiness(task, si, now))
            .collect(),
    }
}
