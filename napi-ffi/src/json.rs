//! The JSON-text transfer: twins of the operations that carry free-form JSON (task contexts,
//! step results, checkpoints, log fields, dependency results, every `client*` result), taking and
//! returning JSON text in N-API strings instead of JS objects.
//!
//! Why they exist: napi-rs converts a `serde_json::Value` one N-API call per key and value, and
//! the benchmarks (docs/benchmarks.md) show that this loses to `JSON.stringify` / `JSON.parse`
//! plus serde_json at every payload size, by 1.5-4x. N-API strings are length-prefixed, so JSON
//! text in them has none of the C-string (TAS-283) problems. The shapes are the core DTOs'
//! snake_case JSON (the legacy bridge's, described by the ts-rs types), and argument errors read
//! as the legacy bridge's (`Invalid <what> JSON: …`). The object exports stay, unchanged: they
//! are the drop-in surface of tasker's `tasker_ts` addon; `NapiBackend` uses these twins.
//!
//! Each function converts its arguments, calls exactly one `tasker_core::api` function and
//! converts the result, inside the same panic-catching wrappers as every other export.

use napi_derive::napi;
use tasker_core::api;
use tasker_core::dto::{LogLevel, StepExecutionResult};

use crate::conversions::{json_arg, json_text};
use crate::error::{call, client_call_as, Result};
use crate::types::NapiClientJsonResult;

/// `pollStepEvents`, the event as JSON text (`null` when idle).
#[napi]
pub fn poll_step_events_json() -> Result<Option<String>> {
    call(|| api::poll_step_events()?.as_ref().map(json_text).transpose())
}

/// `pollInProcessEvents`, the event as JSON text (`null` when idle).
#[napi]
pub fn poll_in_process_events_json() -> Result<Option<String>> {
    call(|| {
        api::poll_in_process_events()?
            .as_ref()
            .map(json_text)
            .transpose()
    })
}

/// `completeStepEvent` with the result as JSON text.
#[napi]
pub fn complete_step_event_json(event_id: String, result_json: String) -> Result<bool> {
    call(|| {
        let result: StepExecutionResult = json_arg(&result_json, "step result")?;
        api::complete_step_event(&event_id, result)
    })
}

/// `checkpointYieldStepEvent` with the checkpoint as JSON text.
#[napi]
pub fn checkpoint_yield_step_event_json(event_id: String, checkpoint_json: String) -> Result<bool> {
    call(|| api::checkpoint_yield_step_event(&event_id, json_arg(&checkpoint_json, "checkpoint")?))
}

fn log_json(level: LogLevel, message: &str, fields_json: Option<&str>) -> tasker_core::Result<()> {
    let fields = fields_json
        .map(|json| json_arg(json, "log fields"))
        .transpose()?;
    api::log(level, message, fields)
}

/// `logError` with the fields as JSON text.
#[napi]
pub fn log_error_json(message: String, fields_json: Option<String>) -> Result<()> {
    call(|| log_json(LogLevel::Error, &message, fields_json.as_deref()))
}

/// `logWarn` with the fields as JSON text.
#[napi]
pub fn log_warn_json(message: String, fields_json: Option<String>) -> Result<()> {
    call(|| log_json(LogLevel::Warn, &message, fields_json.as_deref()))
}

/// `logInfo` with the fields as JSON text.
#[napi]
pub fn log_info_json(message: String, fields_json: Option<String>) -> Result<()> {
    call(|| log_json(LogLevel::Info, &message, fields_json.as_deref()))
}

/// `logDebug` with the fields as JSON text.
#[napi]
pub fn log_debug_json(message: String, fields_json: Option<String>) -> Result<()> {
    call(|| log_json(LogLevel::Debug, &message, fields_json.as_deref()))
}

/// `logTrace` with the fields as JSON text.
#[napi]
pub fn log_trace_json(message: String, fields_json: Option<String>) -> Result<()> {
    call(|| log_json(LogLevel::Trace, &message, fields_json.as_deref()))
}

/// `clientCreateTask` with the request as JSON text; `dataJson` is the TaskResponse.
#[napi]
pub fn client_create_task_json(request_json: String) -> Result<NapiClientJsonResult> {
    client_call_as(|| api::client_create_task(json_arg(&request_json, "task request")?))
}

/// `clientGetTask`; `dataJson` is the TaskResponse.
#[napi]
pub fn client_get_task_json(task_uuid: String) -> Result<NapiClientJsonResult> {
    client_call_as(|| api::client_get_task(&task_uuid))
}

/// `clientListTasks` with the params as JSON text (`null`/absent: defaults).
#[napi]
pub fn client_list_tasks_json(params_json: Option<String>) -> Result<NapiClientJsonResult> {
    client_call_as(|| {
        let params = params_json
            .as_deref()
            .map(|json| json_arg::<Option<_>>(json, "list params"))
            .transpose()?
            .flatten()
            .unwrap_or_default();
        api::client_list_tasks(params)
    })
}

/// `clientCancelTask`; `dataJson` is the cancelled TaskResponse.
#[napi]
pub fn client_cancel_task_json(task_uuid: String) -> Result<NapiClientJsonResult> {
    client_call_as(|| api::client_cancel_task(&task_uuid))
}

/// `clientListTaskSteps`; `dataJson` is the array of step readiness rows.
#[napi]
pub fn client_list_task_steps_json(task_uuid: String) -> Result<NapiClientJsonResult> {
    client_call_as(|| api::client_list_task_steps(&task_uuid))
}

/// `clientGetStep`; `dataJson` is one step readiness row.
#[napi]
pub fn client_get_step_json(task_uuid: String, step_uuid: String) -> Result<NapiClientJsonResult> {
    client_call_as(|| api::client_get_step(&task_uuid, &step_uuid))
}

/// `clientGetStepAuditHistory`; `dataJson` is the array of audit records.
#[napi]
pub fn client_get_step_audit_history_json(
    task_uuid: String,
    step_uuid: String,
) -> Result<NapiClientJsonResult> {
    client_call_as(|| api::client_get_step_audit_history(&task_uuid, &step_uuid))
}

/// `clientHealthCheck`; `dataJson` is `{healthy, status, task_count}`.
#[napi]
pub fn client_health_check_json() -> Result<NapiClientJsonResult> {
    client_call_as(api::client_health_check)
}
