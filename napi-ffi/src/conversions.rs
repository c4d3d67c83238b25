//! Conversions between the `Napi…` objects and the core's model, as tasker's addon filled and
//! read them (`bridge.rs`: `convert_step_event`, `into_rust`, …), one function per type.

use serde_json::{Map, Value};
use tasker_core::model as core;
use tasker_core::parse::uuid_arg;
use tasker_core::{CoreError, Result};

use crate::types::*;

// ---- JS → core (arguments) ----

pub fn bootstrap_config(config: Option<BootstrapConfig>) -> core::BootstrapConfig {
    let BootstrapConfig {
        // tasker's keys: accepted and ignored, as tasker ignored them.
        namespace: _,
        config_path: _,
        seed,
        clock_start,
        clock_tick_ms,
        template_path,
        namespaces,
        log_level,
        step_timeout_ms,
        starvation_threshold_ms,
    } = config.unwrap_or_default();
    core::BootstrapConfig {
        seed,
        clock_start,
        clock_tick_ms,
        template_path,
        namespaces,
        log_level,
        step_timeout_ms,
        starvation_threshold_ms,
    }
}

fn object(value: Option<Value>) -> Option<Map<String, Value>> {
    match value {
        Some(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// tasker's `into_rust`: `metadata.retryable` defaults to true, `error.retryable` to false; a
/// `completedAt` that does not parse is "now" (here: the engine's clock); non-object `custom`
/// and `context` are `{}`; a non-string-array backtrace is dropped.
pub fn step_result(result: NapiStepExecutionResult) -> Result<core::StepExecutionResult> {
    let NapiStepExecutionResult {
        step_uuid,
        success,
        result,
        status,
        metadata,
        error,
        orchestration_metadata,
    } = result;
    let step_uuid = uuid_arg(&step_uuid, "Invalid step UUID")?;
    let NapiStepExecutionMetadata {
        execution_time_ms,
        worker_id,
        completed_at,
        retryable,
        error_type,
        error_code,
        custom,
    } = metadata;
    let metadata = core::StepExecutionMetadata {
        execution_time_ms: execution_time_ms as i64,
        handler_version: None,
        retryable: retryable.unwrap_or(true),
        completed_at: chrono::DateTime::parse_from_rfc3339(&completed_at)
            .ok()
            .map(|at| at.with_timezone(&chrono::Utc)),
        worker_id,
        worker_hostname: None,
        started_at: None,
        custom: object(custom).unwrap_or_default(),
        error_code,
        error_type,
        context: Map::new(),
    };
    let error = error.map(|e| {
        let NapiStepExecutionError {
            message,
            error_type,
            retryable,
            status_code,
            backtrace,
            context,
        } = e;
        core::StepExecutionError {
            message,
            error_type,
            backtrace: backtrace.and_then(|b| serde_json::from_value(b).ok()),
            retryable: retryable.unwrap_or(false),
            status_code: status_code.map(|c| c as u16),
            context: object(context).filter(|c| !c.is_empty()),
        }
    });
    Ok(core::StepExecutionResult {
        step_uuid,
        success,
        result,
        metadata,
        status,
        error,
        orchestration_metadata: orchestration_metadata
            .as_ref()
            .and_then(core::OrchestrationMetadata::from_json_lenient),
    })
}

pub fn checkpoint(data: NapiCheckpointYieldData) -> Result<core::CheckpointYieldData> {
    let NapiCheckpointYieldData {
        step_uuid,
        cursor,
        items_processed,
        accumulated_results,
    } = data;
    Ok(core::CheckpointYieldData {
        step_uuid: uuid_arg(&step_uuid, "Invalid step UUID")?,
        cursor,
        // As tasker's `as u64`: a negative count wraps.
        items_processed: items_processed as u64,
        accumulated_results: accumulated_results.filter(Value::is_object),
    })
}

/// tasker's addon: `requested_at` is now and a missing correlation id a fresh one (both from
/// the engine's clock and id source here).
pub fn task_request(request: NapiTaskRequest) -> Result<core::TaskRequest> {
    let NapiTaskRequest {
        name,
        namespace,
        version,
        context,
        initiator,
        source_system,
        reason,
        tags,
        priority,
        correlation_id,
        parent_correlation_id,
        idempotency_key,
    } = request;
    let parse = |id: Option<String>, what: &str| -> Result<Option<uuid::Uuid>> {
        id.map(|id| uuid_arg(&id, what)).transpose()
    };
    Ok(core::TaskRequest {
        name,
        namespace,
        version,
        context,
        initiator,
        source_system,
        reason,
        tags: tags.unwrap_or_default(),
        requested_at: None,
        options: None,
        priority,
        correlation_id: parse(correlation_id, "Invalid correlation_id")?,
        parent_correlation_id: parse(parent_correlation_id, "Invalid parent_correlation_id")?,
        idempotency_key,
    })
}

pub fn list_params(params: NapiListTasksParams) -> core::ListTasksParams {
    let NapiListTasksParams {
        limit,
        offset,
        namespace,
        status,
    } = params;
    core::ListTasksParams {
        limit: Some(limit.unwrap_or(50)),
        offset: Some(offset.unwrap_or(0)),
        namespace,
        status,
    }
}

// ---- core → JS (results) ----

pub fn bootstrap_result(outcome: core::BootstrapOutcome) -> BootstrapResult {
    match outcome {
        core::BootstrapOutcome::Started { worker_id } => BootstrapResult {
            success: true,
            status: "started".to_owned(),
            message: "TypeScript worker system started successfully via napi-rs".to_owned(),
            worker_id: Some(worker_id),
        },
        core::BootstrapOutcome::AlreadyRunning { worker_id } => BootstrapResult {
            success: true,
            status: "already_running".to_owned(),
            message: "Worker is already running".to_owned(),
            worker_id: Some(worker_id),
        },
    }
}

pub fn worker_status(state: core::WorkerState) -> WorkerStatus {
    match state {
        core::WorkerState::Stopped => WorkerStatus {
            success: true,
            running: false,
            worker_id: None,
            status: Some("stopped".to_owned()),
            environment: None,
        },
        core::WorkerState::Running(w) => WorkerStatus {
            success: true,
            running: true,
            worker_id: Some(w.worker_id),
            status: Some(w.core_status),
            environment: Some(w.environment),
        },
    }
}

pub fn stop_status(outcome: core::StopOutcome) -> WorkerStatus {
    let (worker_id, status) = match outcome {
        core::StopOutcome::NotRunning => (None, "not_running"),
        core::StopOutcome::Stopped { worker_id } => (Some(worker_id), "stopped"),
    };
    WorkerStatus {
        success: true,
        running: false,
        worker_id,
        status: Some(status.to_owned()),
        environment: None,
    }
}

pub fn transition_status(worker_id: String) -> WorkerStatus {
    WorkerStatus {
        success: true,
        running: true,
        worker_id: Some(worker_id),
        status: Some("transitioning".to_owned()),
        environment: None,
    }
}

pub fn step_event(event: core::StepEvent) -> NapiStepEvent {
    let core::StepEvent {
        event_id,
        task_uuid,
        step_uuid,
        correlation_id,
        trace_id,
        span_id,
        task,
        workflow_step,
        step_definition,
        dependency_results,
    } = event;
    let core::TaskForOrchestration {
        task,
        task_name,
        task_version,
        namespace_name,
    } = task;
    let s = workflow_step;
    let d = step_definition;
    NapiStepEvent {
        event_id: event_id.to_string(),
        task_uuid: task_uuid.to_string(),
        step_uuid: step_uuid.to_string(),
        correlation_id: correlation_id.to_string(),
        trace_id,
        span_id,
        task_correlation_id: task.correlation_id.to_string(),
        parent_correlation_id: task.parent_correlation_id.map(|u| u.to_string()),
        task: NapiTaskInfo {
            task_uuid: task.task_uuid.to_string(),
            named_task_uuid: task.named_task_uuid.to_string(),
            name: task_name,
            namespace: namespace_name,
            version: task_version,
            context: task.context,
            correlation_id: task.correlation_id.to_string(),
            parent_correlation_id: task.parent_correlation_id.map(|u| u.to_string()),
            complete: task.complete,
            priority: task.priority,
            initiator: task.initiator,
            source_system: task.source_system,
            reason: task.reason,
            tags: task.tags,
            identity_hash: task.identity_hash,
            created_at: task.created_at.to_string(),
            updated_at: task.updated_at.to_string(),
            requested_at: task.requested_at.to_string(),
        },
        workflow_step: NapiWorkflowStep {
            workflow_step_uuid: s.workflow_step_uuid.to_string(),
            task_uuid: s.task_uuid.to_string(),
            named_step_uuid: s.named_step_uuid.to_string(),
            name: s.name,
            template_step_name: s.template_step_name,
            retryable: s.retryable,
            max_attempts: s.max_attempts.unwrap_or(3),
            attempts: s.attempts.unwrap_or(0),
            in_process: s.in_process,
            processed: s.processed,
            inputs: s.inputs,
            results: s.results,
            backoff_request_seconds: s.backoff_request_seconds,
            processed_at: s.processed_at.map(|t| t.to_string()),
            last_attempted_at: s.last_attempted_at.map(|t| t.to_string()),
            created_at: s.created_at.to_string(),
            updated_at: s.updated_at.to_string(),
            checkpoint: s.checkpoint,
        },
        step_definition: NapiStepDefinition {
            handler_initialization: Value::Object(d.handler.initialization.into_iter().collect()),
            name: d.name,
            description: d.description,
            handler_callable: d.handler.callable,
            handler_method: d.handler.method,
            handler_resolver: d.handler.resolver,
            system_dependency: d.system_dependency,
            dependencies: d.dependencies,
            timeout_seconds: d.timeout_seconds.map(i64::from),
            retry_retryable: d.retry.retryable,
            retry_max_attempts: d.retry.max_attempts,
            retry_backoff: d.retry.backoff.as_str().to_owned(),
            retry_backoff_base_ms: d.retry.backoff_base_ms.map(|ms| ms as i64),
            retry_max_backoff_ms: d.retry.max_backoff_ms.map(|ms| ms as i64),
        },
        dependency_results: dependency_results
            .into_iter()
            .map(|(name, r)| {
                let error = r.error;
                (
                    name,
                    NapiDependencyResult {
                        step_uuid: r.step_uuid.to_string(),
                        success: r.success,
                        result: r.result,
                        status: r.status,
                        error_message: error.as_ref().map(|e| e.message.clone()),
                        error_type: error.as_ref().and_then(|e| e.error_type.clone()),
                        error_retryable: error.as_ref().map(|e| e.retryable),
                    },
                )
            })
            .collect(),
    }
}

pub fn domain_event(event: core::DomainEvent) -> NapiDomainEvent {
    let m = event.metadata;
    NapiDomainEvent {
        event_id: event.event_id.to_string(),
        event_name: event.event_name,
        event_version: event.event_version,
        metadata: NapiDomainEventMetadata {
            task_uuid: m.task_uuid.to_string(),
            step_uuid: m.step_uuid.map(|u| u.to_string()),
            step_name: m.step_name,
            namespace: m.namespace,
            correlation_id: m.correlation_id.to_string(),
            fired_at: m.fired_at.to_string(),
            fired_by: Some(m.fired_by),
        },
        payload: event.payload,
    }
}

pub fn metrics(m: core::DispatchMetrics) -> NapiDispatchMetrics {
    NapiDispatchMetrics {
        pending_count: m.pending_count,
        starvation_detected: m.starvation_detected,
        starving_event_count: m.starving_event_count,
        oldest_pending_age_ms: m.oldest_pending_age_ms.map(|ms| ms as f64),
        newest_pending_age_ms: m.newest_pending_age_ms.map(|ms| ms as f64),
        oldest_event_id: m.oldest_event_id.map(|u| u.to_string()),
    }
}

/// The client envelope of a server answer: `data` on success; a server-side failure as
/// `{success:false, error, recoverable}`. Bridge-side errors (arguments, no worker) are thrown
/// by the caller instead, as tasker's addon threw them.
pub fn client_result<T: serde::Serialize>(result: Result<T>) -> Result<NapiClientResult> {
    match result {
        Ok(data) => Ok(NapiClientResult {
            success: true,
            data: Some(
                serde_json::to_value(data)
                    .map_err(|e| CoreError::Internal(format!("cannot serialize: {e}")))?,
            ),
            error: None,
            recoverable: None,
        }),
        Err(e) if e.is_bridge_side() => Err(e),
        Err(e) => Ok(NapiClientResult {
            success: false,
            data: None,
            error: Some(e.to_string()),
            recoverable: Some(e.recoverable()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn napi_result(metadata_retryable: Option<bool>) -> NapiStepExecutionResult {
        NapiStepExecutionResult {
            step_uuid: "00000000-0000-0000-0000-000000000001".to_owned(),
            success: false,
            result: json!({}),
            status: "failed".to_owned(),
            metadata: NapiStepExecutionMetadata {
                execution_time_ms: 12.9,
                worker_id: Some("w".to_owned()),
                completed_at: "not a date".to_owned(),
                retryable: metadata_retryable,
                error_type: None,
                error_code: None,
                custom: Some(json!("not an object")),
            },
            error: Some(NapiStepExecutionError {
                message: "m".to_owned(),
                error_type: Some("handler_error".to_owned()),
                retryable: None,
                status_code: Some(503),
                backtrace: Some(json!(["a", 1])),
                context: Some(json!({"k": 1})),
            }),
            orchestration_metadata: Some(json!({"headers": {"Retry-After": "3", "n": 1}})),
        }
    }

    #[test]
    fn results_convert_with_tasker_defaults() {
        let r = step_result(napi_result(None)).unwrap();
        assert!(r.metadata.retryable, "metadata.retryable defaults to true");
        assert_eq!(r.metadata.execution_time_ms, 12, "truncated as `as i64`");
        assert_eq!(
            r.metadata.completed_at, None,
            "unparsable: the engine's clock fills it"
        );
        assert!(r.metadata.custom.is_empty());
        let e = r.error.unwrap();
        assert!(!e.retryable, "error.retryable defaults to false");
        assert_eq!((e.status_code, e.backtrace), (Some(503), None));
        assert_eq!(
            r.orchestration_metadata.unwrap().retry_after_seconds(),
            Some(3)
        );
    }

    #[test]
    fn a_bad_step_uuid_is_tasker_s_invalid_step_uuid() {
        let mut bad = napi_result(Some(false));
        bad.step_uuid = "nope".to_owned();
        let err = step_result(bad).unwrap_err().to_string();
        assert!(
            err.starts_with("Invalid argument: Invalid step UUID: "),
            "{err}"
        );
    }

    #[test]
    fn checkpoints_keep_only_object_accumulated_results_and_wrap_negative_counts() {
        let data = checkpoint(NapiCheckpointYieldData {
            step_uuid: "00000000-0000-0000-0000-000000000001".to_owned(),
            cursor: json!(null),
            items_processed: -1,
            accumulated_results: Some(json!([1])),
        })
        .unwrap();
        assert_eq!(
            (data.items_processed, data.accumulated_results),
            (u64::MAX, None)
        );
    }

    #[test]
    fn lifecycle_objects_have_the_napi_era_shapes() {
        let started = bootstrap_result(core::BootstrapOutcome::Started {
            worker_id: "w".into(),
        });
        assert_eq!(
            started.message,
            "TypeScript worker system started successfully via napi-rs"
        );
        let again = bootstrap_result(core::BootstrapOutcome::AlreadyRunning {
            worker_id: "w".into(),
        });
        assert_eq!(
            (again.status.as_str(), again.worker_id.as_deref()),
            ("already_running", Some("w"))
        );
        let stopped = worker_status(core::WorkerState::Stopped);
        assert_eq!(
            (
                stopped.running,
                stopped.status.as_deref(),
                stopped.worker_id
            ),
            (false, Some("stopped"), None)
        );
        let none = stop_status(core::StopOutcome::NotRunning);
        assert_eq!(none.status.as_deref(), Some("not_running"));
        let t = transition_status("w".into());
        assert_eq!(
            (t.running, t.status.as_deref(), t.environment),
            (true, Some("transitioning"), None)
        );
    }

    #[test]
    fn list_params_default_to_fifty_from_zero() {
        let p = list_params(NapiListTasksParams {
            limit: None,
            offset: None,
            namespace: None,
            status: None,
        });
        assert_eq!((p.limit, p.offset), (Some(50), Some(0)));
    }

    #[test]
    fn client_results_return_server_errors_and_throw_bridge_errors() {
        let ok = client_result(Ok(core::HealthResponse { healthy: true })).unwrap();
        assert_eq!(
            (ok.success, ok.data, ok.error),
            (true, Some(json!({"healthy": true})), None)
        );
        let missing = client_result::<()>(Err(CoreError::NotFound("Task x".into()))).unwrap();
        assert_eq!(
            (
                missing.success,
                missing.error.as_deref(),
                missing.recoverable
            ),
            (false, Some("Task x not found"), Some(false))
        );
        assert!(client_result::<()>(Err(CoreError::WorkerNotRunning)).is_err());
        assert!(client_result::<()>(Err(CoreError::InvalidArgument("x".into()))).is_err());
    }

    #[test]
    fn task_requests_parse_correlation_ids_with_tasker_texts() {
        let request = NapiTaskRequest {
            name: "n".into(),
            namespace: "ns".into(),
            version: "1.0.0".into(),
            context: json!({}),
            initiator: "i".into(),
            source_system: "s".into(),
            reason: "r".into(),
            tags: None,
            priority: None,
            correlation_id: Some("bad".into()),
            parent_correlation_id: None,
            idempotency_key: None,
        };
        let err = task_request(request).unwrap_err().to_string();
        assert!(
            err.starts_with("Invalid argument: Invalid correlation_id: "),
            "{err}"
        );
    }
}
