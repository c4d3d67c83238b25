//! Core values → the historical DTOs, one function per shape.

use tasker_core::model::*;
use tasker_core::CoreError;

use crate::dto::*;

pub fn step_event(event: &StepEvent) -> StepEventDto {
    let task = &event.task.task;
    let step = &event.workflow_step;
    let def = &event.step_definition;
    StepEventDto {
        event_id: event.event_id.to_string(),
        task_uuid: event.task_uuid.to_string(),
        step_uuid: event.step_uuid.to_string(),
        correlation_id: event.correlation_id.to_string(),
        trace_id: event.trace_id.clone(),
        span_id: event.span_id.clone(),
        task_correlation_id: task.correlation_id.to_string(),
        parent_correlation_id: task.parent_correlation_id.map(|u| u.to_string()),
        task: TaskDto {
            task_uuid: task.task_uuid.to_string(),
            named_task_uuid: task.named_task_uuid.to_string(),
            name: event.task.task_name.clone(),
            namespace: event.task.namespace_name.clone(),
            version: event.task.task_version.clone(),
            context: task.context.clone(),
            correlation_id: task.correlation_id.to_string(),
            parent_correlation_id: task.parent_correlation_id.map(|u| u.to_string()),
            complete: task.complete,
            priority: task.priority,
            initiator: task.initiator.clone(),
            source_system: task.source_system.clone(),
            reason: task.reason.clone(),
            tags: task.tags.clone(),
            identity_hash: task.identity_hash.clone(),
            created_at: task.created_at.to_string(),
            updated_at: task.updated_at.to_string(),
            requested_at: task.requested_at.to_string(),
        },
        workflow_step: WorkflowStepDto {
            workflow_step_uuid: step.workflow_step_uuid.to_string(),
            task_uuid: step.task_uuid.to_string(),
            named_step_uuid: step.named_step_uuid.to_string(),
            name: step.name.clone(),
            template_step_name: step.template_step_name.clone(),
            retryable: step.retryable,
            max_attempts: step.max_attempts.unwrap_or(1),
            attempts: step.attempts.unwrap_or(0),
            in_process: step.in_process,
            processed: step.processed,
            inputs: step.inputs.clone(),
            results: step.results.clone(),
            backoff_request_seconds: step.backoff_request_seconds,
            processed_at: step.processed_at.map(|t| t.to_string()),
            last_attempted_at: step.last_attempted_at.map(|t| t.to_string()),
            created_at: step.created_at.to_string(),
            updated_at: step.updated_at.to_string(),
            checkpoint: step.checkpoint.clone(),
        },
        step_definition: StepDefinitionDto {
            name: def.name.clone(),
            description: def.description.clone(),
            handler: HandlerDefinitionDto {
                callable: def.handler.callable.clone(),
                method: def.handler.method.clone(),
                resolver: def.handler.resolver.clone(),
                initialization: def.handler.initialization_object(),
            },
            system_dependency: def.system_dependency.clone(),
            dependencies: def.dependencies.clone(),
            timeout_seconds: def.timeout_seconds.map(u64::from),
            retry: RetryConfigurationDto {
                retryable: def.retry.retryable,
                max_attempts: def.retry.max_attempts,
                backoff: def.retry.backoff.as_str().to_owned(),
                backoff_base_ms: def.retry.backoff_base_ms,
                max_backoff_ms: def.retry.max_backoff_ms,
            },
        },
        dependency_results: event
            .dependency_results
            .iter()
            .map(|(name, result)| (name.clone(), dependency_result(result)))
            .collect(),
    }
}

fn dependency_result(result: &StepExecutionResult) -> DependencyResultDto {
    DependencyResultDto {
        step_uuid: result.step_uuid.to_string(),
        success: result.success,
        result: result.result.clone(),
        status: result.status.clone(),
        error: result.error.as_ref().map(|e| StepExecutionErrorDto {
            message: e.message.clone(),
            error_type: e.error_type.clone(),
            retryable: e.retryable,
            status_code: e.status_code,
            backtrace: e.backtrace.clone(),
        }),
    }
}

pub fn domain_event(event: &DomainEvent) -> DomainEventDto {
    let m = &event.metadata;
    DomainEventDto {
        event_id: event.event_id.to_string(),
        event_name: event.event_name.clone(),
        event_version: event.event_version.clone(),
        metadata: DomainEventMetadataDto {
            task_uuid: m.task_uuid.to_string(),
            step_uuid: m.step_uuid.map(|u| u.to_string()),
            step_name: m.step_name.clone(),
            namespace: m.namespace.clone(),
            correlation_id: m.correlation_id.to_string(),
            fired_at: m.fired_at.to_rfc3339(),
            fired_by: Some(m.fired_by.clone()),
        },
        payload: event.payload.clone(),
    }
}

pub fn metrics(m: &DispatchMetrics) -> DispatchMetricsDto {
    DispatchMetricsDto {
        pending_count: m.pending_count,
        starvation_detected: m.starvation_detected,
        starving_event_count: m.starving_event_count,
        oldest_pending_age_ms: m.oldest_pending_age_ms,
        newest_pending_age_ms: m.newest_pending_age_ms,
        oldest_event_id: m.oldest_event_id.map(|u| u.to_string()),
    }
}

pub fn worker_status(state: &WorkerState) -> WorkerStatusDto {
    match state {
        WorkerState::Stopped => WorkerStatusDto {
            running: false,
            status: Some("stopped".to_owned()),
            success: true,
            ..WorkerStatusDto::default()
        },
        WorkerState::Running(w) => WorkerStatusDto {
            // An embedded engine has no database pool and no web API.
            database_pool_idle: Some(0),
            database_pool_size: Some(0),
            environment: Some(w.environment.clone()),
            running: true,
            status: None,
            success: true,
            supported_namespaces: Some(w.supported_namespaces.clone()),
            web_api_enabled: Some(false),
            worker_core_status: Some(w.core_status.clone()),
            worker_id: Some(w.worker_id.clone()),
        },
    }
}

/// The koffi-era `Display` of a core error: as ours, but the worker check read differently.
pub fn koffi_display(error: &CoreError) -> String {
    match error {
        CoreError::WorkerNotRunning => {
            "Worker not initialized. Call bootstrap_worker first.".to_owned()
        }
        other => other.to_string(),
    }
}
