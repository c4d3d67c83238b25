//! Builds the response DTOs from engine state. Pure functions of the state and `now`.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use super::state::{count_u32, Outcome, StepState, Task, TaskStatus};
use crate::dto::*;
use crate::timestamp::format_utc;

pub(crate) fn step_readiness(task: &Task, si: usize, now: NaiveDateTime) -> Option<StepReadiness> {
    let step = task.steps.get(si)?;
    let def = &task.template.steps.get(si)?.definition;
    let finished = step.state.is_finished();
    Some(StepReadiness {
        step_uuid: step.uuid.to_string(),
        task_uuid: task.uuid.to_string(),
        name: def.name.clone(),
        current_state: step.state.as_str().to_owned(),
        dependencies_satisfied: task.deps_satisfied(si),
        // Whether another attempt may still happen: a first attempt always may; later ones
        // need a retryable step with attempts left.
        retry_eligible: !finished
            && (step.attempts == 0 || (def.retryable && step.attempts < def.max_attempts)),
        ready_for_execution: task.is_ready(si, now),
        attempts: step.attempts,
        max_attempts: def.max_attempts,
        last_failure_at: step.last_failure_at.map(format_utc),
        next_retry_at: step.next_retry_at.map(format_utc),
        total_parents: count_u32(task.total_parents(si)),
        completed_parents: count_u32(task.completed_parents(si)),
        results: step.outcome.as_ref().map(|o| o.result.clone()),
    })
}

pub(crate) fn task_steps(task: &Task, now: NaiveDateTime) -> Vec<StepReadiness> {
    (0..task.steps.len())
        .filter_map(|si| step_readiness(task, si, now))
        .collect()
}

pub(crate) fn task_response(task: &Task, now: NaiveDateTime) -> TaskResponse {
    let count = |pred: fn(StepState) -> bool| {
        count_u32(task.steps.iter().filter(|s| pred(s.state)).count())
    };
    let total = count_u32(task.steps.len());
    let completed = count(|s| s == StepState::Complete);
    let failed = count(|s| s == StepState::Error);
    let ready = count_u32(
        (0..task.steps.len())
            .filter(|&si| task.is_ready(si, now))
            .count(),
    );
    let (execution_status, recommended_action) = match task.status {
        TaskStatus::Cancelled => ("cancelled", "none"),
        TaskStatus::Complete => ("all_complete", "finalize_task"),
        TaskStatus::Error => ("blocked_by_failures", "handle_failures"),
        TaskStatus::Pending | TaskStatus::InProgress if ready > 0 => {
            ("has_ready_steps", "execute_ready_steps")
        }
        TaskStatus::Pending | TaskStatus::InProgress => ("processing", "wait_for_completion"),
    };
    let recovering = task
        .steps
        .iter()
        .any(|s| s.state == StepState::WaitingForRetry);
    let health_status = match task.status {
        TaskStatus::Cancelled => "unknown",
        TaskStatus::Error => "blocked",
        _ if recovering => "recovering",
        _ => "healthy",
    };
    let completion_percentage = if total == 0 {
        0.0
    } else {
        // Exactly this expression, so a model in another language computes the same f64.
        f64::from(completed) / f64::from(total) * 100.0
    };
    let request = &task.request;
    TaskResponse {
        task_uuid: task.uuid.to_string(),
        name: request.name.clone(),
        namespace: request.namespace.clone(),
        version: request.version.clone(),
        status: task.status.as_str().to_owned(),
        created_at: format_utc(task.created_at),
        updated_at: format_utc(task.updated_at),
        completed_at: task.completed_at.map(format_utc),
        context: request.context.clone(),
        initiator: request.initiator.clone(),
        source_system: request.source_system.clone(),
        reason: request.reason.clone(),
        priority: request.priority,
        tags: request.tags.clone(),
        correlation_id: task.correlation_id.clone(),
        parent_correlation_id: request.parent_correlation_id.clone(),
        total_steps: total,
        pending_steps: count(|s| matches!(s, StepState::Pending | StepState::WaitingForRetry)),
        // A yielded batch step is still mid-run, so it counts as in progress.
        in_progress_steps: count(|s| matches!(s, StepState::InProgress | StepState::Enqueued)),
        completed_steps: completed,
        failed_steps: failed,
        ready_steps: ready,
        execution_status: execution_status.to_owned(),
        recommended_action: recommended_action.to_owned(),
        completion_percentage,
        health_status: health_status.to_owned(),
        steps: task_steps(task, now),
    }
}

pub(crate) fn task_info(task: &Task) -> TaskInfo {
    let request = &task.request;
    TaskInfo {
        task_uuid: task.uuid.to_string(),
        name: request.name.clone(),
        namespace: request.namespace.clone(),
        version: request.version.clone(),
        context: request.context.clone(),
        correlation_id: task.correlation_id.clone(),
        parent_correlation_id: request.parent_correlation_id.clone(),
        initiator: request.initiator.clone(),
        source_system: request.source_system.clone(),
        reason: request.reason.clone(),
        priority: request.priority,
        created_at: format_utc(task.created_at),
    }
}

pub(crate) fn workflow_step(task: &Task, si: usize) -> Option<WorkflowStep> {
    let step = task.steps.get(si)?;
    let def = &task.template.steps.get(si)?.definition;
    Some(WorkflowStep {
        workflow_step_uuid: step.uuid.to_string(),
        task_uuid: task.uuid.to_string(),
        name: def.name.clone(),
        attempts: step.attempts,
        max_attempts: def.max_attempts,
        retryable: def.retryable,
        // Templates carry no per-step inputs; handlers read the task context.
        inputs: None,
        checkpoint: step.checkpoint.clone(),
        created_at: format_utc(task.created_at),
    })
}

/// The recorded results of every direct dependency, keyed by step name.
pub(crate) fn dependency_results(task: &Task, si: usize) -> BTreeMap<String, DependencyResult> {
    let Some(def) = task.template.steps.get(si) else {
        return BTreeMap::new();
    };
    def.deps
        .iter()
        .filter_map(|&d| {
            let step = task.steps.get(d)?;
            let name = task.template.steps.get(d)?.definition.name.clone();
            let result = match &step.outcome {
                Some(o) => dependency_result(step.uuid.to_string(), o),
                // Unreachable for a dispatched step (its dependencies are complete), but an
                // honest row beats a missing key.
                None => DependencyResult {
                    step_uuid: step.uuid.to_string(),
                    success: false,
                    result: Json::Null,
                    status: step.state.as_str().to_owned(),
                    error_message: None,
                    error_type: None,
                    error_retryable: None,
                },
            };
            Some((name, result))
        })
        .collect()
}

fn dependency_result(step_uuid: String, outcome: &Outcome) -> DependencyResult {
    DependencyResult {
        step_uuid,
        success: outcome.success,
        result: outcome.result.clone(),
        status: outcome.status.clone(),
        error_message: outcome.error_message.clone(),
        error_type: outcome.error_type.clone(),
        error_retryable: outcome.error_retryable,
    }
}
