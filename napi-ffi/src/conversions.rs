//! Conversions between the `Napi…` boundary objects and the core DTOs, one impl per type.
//!
//! Every impl destructures its source completely, so a field added to a core DTO fails to
//! compile here until the mirror in `types.rs` has it too.

use tasker_core::dto::{
    BootstrapConfig, BootstrapResult, CheckpointYieldData, DependencyResult, DispatchMetrics,
    DomainEvent, DomainEventMetadata, ListTasksParams, RequestedAtWire, StepDefinition, StepEvent,
    StepExecutionError, StepExecutionMetadata, StepExecutionResult, TaskInfo, TaskRequest,
    WorkerStatus, WorkflowStep,
};
use tasker_core::CoreError;

use crate::types::*;

/// An optional free-form JSON field that JS set to `null` is absent, as serde reads
/// `Option<Value>` from JSON text (napi alone would hand the core `Some(Value::Null)`).
fn absent_if_null(value: Option<serde_json::Value>) -> Option<serde_json::Value> {
    value.filter(|value| !value.is_null())
}

// ---- JS → core (arguments) ----

impl From<NapiBootstrapConfig> for BootstrapConfig {
    fn from(value: NapiBootstrapConfig) -> Self {
        let NapiBootstrapConfig {
            seed,
            clock_start,
            clock_tick_ms,
            template_path,
            namespaces,
            log_level,
            step_timeout_ms,
            starvation_threshold_ms,
        } = value;
        BootstrapConfig {
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
}

impl TryFrom<NapiTaskRequest> for TaskRequest {
    type Error = CoreError;

    /// Fallible only in a `tas283-unfixed` build of the core, where `requested_at` is chrono's
    /// strict `NaiveDateTime`: going through serde applies exactly the core's wire type (in the
    /// default build, `RequestedAtWire` is `String` and this is the identity).
    fn try_from(value: NapiTaskRequest) -> Result<Self, CoreError> {
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
            options,
            requested_at,
        } = value;
        let requested_at = requested_at
            .map(|text| serde_json::from_value::<RequestedAtWire>(serde_json::Value::String(text)))
            .transpose()
            .map_err(|e| CoreError::InvalidArgument(format!("Invalid requested_at: {e}")))?;
        Ok(TaskRequest {
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
            options: absent_if_null(options),
            requested_at,
        })
    }
}

impl From<NapiListTasksParams> for ListTasksParams {
    fn from(value: NapiListTasksParams) -> Self {
        let NapiListTasksParams {
            page,
            per_page,
            namespace,
            status,
        } = value;
        ListTasksParams {
            page,
            per_page,
            namespace,
            status,
        }
    }
}

impl From<NapiStepExecutionMetadata> for StepExecutionMetadata {
    fn from(value: NapiStepExecutionMetadata) -> Self {
        let NapiStepExecutionMetadata {
            execution_time_ms,
            worker_id,
            completed_at,
            retryable,
            error_type,
            error_code,
            custom,
        } = value;
        StepExecutionMetadata {
            execution_time_ms,
            worker_id,
            completed_at,
            retryable,
            error_type,
            error_code,
            custom: absent_if_null(custom),
        }
    }
}

impl From<NapiStepExecutionError> for StepExecutionError {
    fn from(value: NapiStepExecutionError) -> Self {
        let NapiStepExecutionError {
            message,
            error_type,
            retryable,
            status_code,
            backtrace,
            context,
        } = value;
        StepExecutionError {
            message,
            error_type,
            retryable,
            status_code,
            backtrace,
            context: absent_if_null(context),
        }
    }
}

impl From<NapiStepExecutionResult> for StepExecutionResult {
    fn from(value: NapiStepExecutionResult) -> Self {
        let NapiStepExecutionResult {
            step_uuid,
            success,
            result,
            status,
            metadata,
            error,
            orchestration_metadata,
        } = value;
        StepExecutionResult {
            step_uuid,
            success,
            result,
            status,
            metadata: metadata.into(),
            error: error.map(Into::into),
            orchestration_metadata: absent_if_null(orchestration_metadata),
        }
    }
}

impl From<NapiCheckpointYieldData> for CheckpointYieldData {
    fn from(value: NapiCheckpointYieldData) -> Self {
        let NapiCheckpointYieldData {
            step_uuid,
            cursor,
            items_processed,
            accumulated_results,
        } = value;
        CheckpointYieldData {
            step_uuid,
            cursor,
            items_processed,
            accumulated_results: absent_if_null(accumulated_results),
        }
    }
}

// ---- core → JS (results) ----

impl From<CheckpointYieldData> for NapiCheckpointYieldData {
    fn from(value: CheckpointYieldData) -> Self {
        let CheckpointYieldData {
            step_uuid,
            cursor,
            items_processed,
            accumulated_results,
        } = value;
        NapiCheckpointYieldData {
            step_uuid,
            cursor,
            items_processed,
            accumulated_results,
        }
    }
}

impl From<BootstrapResult> for NapiBootstrapResult {
    fn from(value: BootstrapResult) -> Self {
        let BootstrapResult {
            success,
            status,
            message,
            worker_id,
        } = value;
        NapiBootstrapResult {
            success,
            status,
            message,
            worker_id,
        }
    }
}

impl From<WorkerStatus> for NapiWorkerStatus {
    fn from(value: WorkerStatus) -> Self {
        let WorkerStatus {
            success,
            running,
            status,
            worker_id,
            in_flight,
        } = value;
        NapiWorkerStatus {
            success,
            running,
            status,
            worker_id,
            in_flight,
        }
    }
}

impl From<TaskInfo> for NapiTaskInfo {
    fn from(value: TaskInfo) -> Self {
        let TaskInfo {
            task_uuid,
            name,
            namespace,
            version,
            context,
            correlation_id,
            parent_correlation_id,
            initiator,
            source_system,
            reason,
            priority,
            created_at,
        } = value;
        NapiTaskInfo {
            task_uuid,
            name,
            namespace,
            version,
            context,
            correlation_id,
            parent_correlation_id,
            initiator,
            source_system,
            reason,
            priority,
            created_at,
        }
    }
}

impl From<WorkflowStep> for NapiWorkflowStep {
    fn from(value: WorkflowStep) -> Self {
        let WorkflowStep {
            workflow_step_uuid,
            task_uuid,
            name,
            attempts,
            max_attempts,
            retryable,
            inputs,
            checkpoint,
            created_at,
        } = value;
        NapiWorkflowStep {
            workflow_step_uuid,
            task_uuid,
            name,
            attempts,
            max_attempts,
            retryable,
            inputs,
            checkpoint: checkpoint.map(Into::into),
            created_at,
        }
    }
}

impl From<StepDefinition> for NapiStepDefinition {
    fn from(value: StepDefinition) -> Self {
        let StepDefinition {
            name,
            description,
            handler_callable,
            handler_initialization,
            dependencies,
            max_attempts,
            retryable,
            backoff_base_ms,
            timeout_ms,
        } = value;
        NapiStepDefinition {
            name,
            description,
            handler_callable,
            handler_initialization,
            dependencies,
            max_attempts,
            retryable,
            backoff_base_ms,
            timeout_ms,
        }
    }
}

impl From<DependencyResult> for NapiDependencyResult {
    fn from(value: DependencyResult) -> Self {
        let DependencyResult {
            step_uuid,
            success,
            result,
            status,
            error_message,
            error_type,
            error_retryable,
        } = value;
        NapiDependencyResult {
            step_uuid,
            success,
            result,
            status,
            error_message,
            error_type,
            error_retryable,
        }
    }
}

impl From<StepEvent> for NapiStepEvent {
    fn from(value: StepEvent) -> Self {
        let StepEvent {
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
        } = value;
        NapiStepEvent {
            event_id,
            task_uuid,
            step_uuid,
            correlation_id,
            trace_id,
            span_id,
            task: task.into(),
            workflow_step: workflow_step.into(),
            step_definition: step_definition.into(),
            dependency_results: dependency_results
                .into_iter()
                .map(|(name, result)| (name, result.into()))
                .collect(),
        }
    }
}

impl From<DomainEventMetadata> for NapiDomainEventMetadata {
    fn from(value: DomainEventMetadata) -> Self {
        let DomainEventMetadata {
            task_uuid,
            step_uuid,
            step_name,
            namespace,
            correlation_id,
            fired_at,
            fired_by,
        } = value;
        NapiDomainEventMetadata {
            task_uuid,
            step_uuid,
            step_name,
            namespace,
            correlation_id,
            fired_at,
            fired_by,
        }
    }
}

impl From<DomainEvent> for NapiDomainEvent {
    fn from(value: DomainEvent) -> Self {
        let DomainEvent {
            event_id,
            event_name,
            event_version,
            metadata,
            payload,
        } = value;
        NapiDomainEvent {
            event_id,
            event_name,
            event_version,
            metadata: metadata.into(),
            payload,
        }
    }
}

impl From<DispatchMetrics> for NapiDispatchMetrics {
    fn from(value: DispatchMetrics) -> Self {
        let DispatchMetrics {
            pending_count,
            in_flight_count,
            completed_count,
            failed_count,
            retried_count,
            checkpoint_count,
            timed_out_count,
            starvation_warnings,
            oldest_pending_age_ms,
            starvation_detected,
        } = value;
        NapiDispatchMetrics {
            pending_count,
            in_flight_count,
            completed_count,
            failed_count,
            retried_count,
            checkpoint_count,
            timed_out_count,
            starvation_warnings,
            oldest_pending_age_ms,
            starvation_detected,
        }
    }
}

/// What every `client*` envelope carries: the data on success, or the error's text, code and
/// whether retrying may help. `serialize` says how the DTO crosses (a JS value or JSON text).
struct EnvelopeParts<D> {
    data: Option<D>,
    error: Option<String>,
    recoverable: Option<bool>,
    error_code: Option<String>,
}

fn envelope_parts<T, D>(
    result: tasker_core::Result<T>,
    serialize: impl FnOnce(&T) -> serde_json::Result<D>,
) -> EnvelopeParts<D> {
    let data = result.and_then(|dto| {
        serialize(&dto)
            .map_err(|e| CoreError::Internal(format!("cannot serialize the result: {e}")))
    });
    match data {
        Ok(data) => EnvelopeParts {
            data: Some(data),
            error: None,
            recoverable: None,
            error_code: None,
        },
        Err(err) => EnvelopeParts {
            data: None,
            error: Some(err.to_string()),
            recoverable: Some(err.recoverable()),
            error_code: Some(err.code().as_str().to_owned()),
        },
    }
}

/// The `client*` envelope: the DTO as the server's snake_case JSON, or the error with its code.
/// ("Worker not initialized" never gets here: `error::client_call` throws it.)
impl<T: serde::Serialize> From<tasker_core::Result<T>> for NapiClientResult {
    fn from(result: tasker_core::Result<T>) -> Self {
        let parts = envelope_parts(result, |dto| serde_json::to_value(dto));
        NapiClientResult {
            success: parts.data.is_some(),
            data: parts.data,
            error: parts.error,
            recoverable: parts.recoverable,
            error_code: parts.error_code,
        }
    }
}

/// As the `NapiClientResult` envelope, with the DTO as JSON text instead of a JS value.
impl<T: serde::Serialize> From<tasker_core::Result<T>> for NapiClientJsonResult {
    fn from(result: tasker_core::Result<T>) -> Self {
        let parts = envelope_parts(result, |dto| serde_json::to_string(dto));
        NapiClientJsonResult {
            success: parts.data.is_some(),
            data_json: parts.data,
            error: parts.error,
            recoverable: parts.recoverable,
            error_code: parts.error_code,
        }
    }
}

/// A JSON-text argument read as `T`; a malformed one is `Invalid argument: Invalid <what> JSON:
/// <serde_json error>`, the legacy bridge's wording.
pub fn json_arg<T: serde::de::DeserializeOwned>(json: &str, what: &str) -> tasker_core::Result<T> {
    serde_json::from_str(json)
        .map_err(|e| CoreError::InvalidArgument(format!("Invalid {what} JSON: {e}")))
}

/// A result as JSON text (the legacy bridge's shapes: the core DTO's snake_case JSON).
pub fn json_text<T: serde::Serialize>(value: &T) -> tasker_core::Result<String> {
    serde_json::to_string(value)
        .map_err(|e| CoreError::Internal(format!("cannot serialize the result: {e}")))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    #[test]
    fn null_in_an_optional_json_field_is_absent() {
        assert_eq!(absent_if_null(Some(Value::Null)), None);
        assert_eq!(absent_if_null(None), None);
        assert_eq!(absent_if_null(Some(json!(0))), Some(json!(0)));
    }

    #[test]
    fn task_request_passes_requested_at_through_unparsed() {
        let request = NapiTaskRequest {
            name: "order_processing".into(),
            namespace: "ecommerce".into(),
            version: "1.0.0".into(),
            context: json!({"a": 1}),
            initiator: "i".into(),
            source_system: "s".into(),
            reason: "r".into(),
            tags: None,
            priority: None,
            correlation_id: None,
            parent_correlation_id: None,
            idempotency_key: None,
            options: Some(Value::Null),
            // Naive, so that a `tas283-unfixed` core (chrono `NaiveDateTime`) reads it too.
            requested_at: Some("2026-01-01T00:00:00".into()),
        };
        let core = TaskRequest::try_from(request).unwrap();
        assert_eq!(core.options, None);
        assert_eq!(
            serde_json::to_value(core.requested_at).unwrap(),
            json!("2026-01-01T00:00:00")
        );
    }
}
