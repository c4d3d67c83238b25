//! `tasker-napi`: the napi-rs addon over `tasker-core`, a drop-in for tasker's own `tasker_ts`
//! addon (same export names and shapes).
//!
//! Each function converts its arguments (`conversions.rs`), calls exactly one
//! `tasker_core::api` function inside the panic-catching wrapper of `error.rs`, and converts
//! the result. Core errors are thrown as JS `Error`s with a stable `.code`; the `client*`
//! functions answer with tasker's `{success, data?, error?, recoverable?}` envelope instead and
//! throw only "Worker not initialized".

/// The benchmark probes (`noop`, `benchTransfer*`): harness build only.
#[cfg(feature = "bench-probes")]
pub mod bench;
mod conversions;
mod error;
pub mod json;
mod types;

use napi_derive::napi;
use serde_json::Value;
use tasker_core::api;
use tasker_core::dto::LogLevel;

use crate::error::{call, client_call, Result};
use crate::types::*;

/// The core's version (semver).
#[napi]
pub fn get_version() -> Result<String> {
    call(|| Ok(api::get_version()))
}

/// The core's version and the rustc that built it.
#[napi]
pub fn get_rust_version() -> Result<String> {
    call(|| Ok(api::get_rust_version()))
}

/// Always `true`.
#[napi]
pub fn health_check() -> Result<bool> {
    call(|| Ok(api::health_check()))
}

#[napi]
pub fn is_worker_running() -> Result<bool> {
    call(|| Ok(api::is_worker_running()))
}

/// Starts the embedded worker; a second call answers `status: 'already_running'`.
#[napi]
pub fn bootstrap_worker(config: Option<NapiBootstrapConfig>) -> Result<NapiBootstrapResult> {
    call(|| api::bootstrap_worker(config.map(Into::into)).map(Into::into))
}

#[napi]
pub fn get_worker_status() -> Result<NapiWorkerStatus> {
    call(|| Ok(api::get_worker_status().into()))
}

/// Stops the worker and discards its state (`status: 'not_running'` if there was none).
#[napi]
pub fn stop_worker() -> Result<NapiWorkerStatus> {
    call(|| Ok(api::stop_worker().into()))
}

#[napi]
pub fn transition_to_graceful_shutdown() -> Result<NapiWorkerStatus> {
    call(|| api::transition_to_graceful_shutdown().map(Into::into))
}

/// The next ready step, or `null` when idle.
#[napi]
pub fn poll_step_events() -> Result<Option<NapiStepEvent>> {
    call(|| api::poll_step_events().map(|event| event.map(Into::into)))
}

/// The next in-process domain event, or `null` when idle.
#[napi]
pub fn poll_in_process_events() -> Result<Option<NapiDomainEvent>> {
    call(|| api::poll_in_process_events().map(|event| event.map(Into::into)))
}

/// Records a step's result; `false` for an unknown event, throws for a non-UUID event id.
#[napi]
pub fn complete_step_event(event_id: String, result: NapiStepExecutionResult) -> Result<bool> {
    call(|| api::complete_step_event(&event_id, result.into()))
}

/// Records a batch step's progress; the step is handed out again later.
#[napi]
pub fn checkpoint_yield_step_event(
    event_id: String,
    data: NapiCheckpointYieldData,
) -> Result<bool> {
    call(|| api::checkpoint_yield_step_event(&event_id, data.into()))
}

#[napi]
pub fn get_ffi_dispatch_metrics() -> Result<NapiDispatchMetrics> {
    call(|| api::get_ffi_dispatch_metrics().map(Into::into))
}

#[napi]
pub fn check_starvation_warnings() -> Result<()> {
    call(api::check_starvation_warnings)
}

#[napi]
pub fn cleanup_timeouts() -> Result<()> {
    call(api::cleanup_timeouts)
}

/// Structured log record; `fields`, if given, must be an object.
#[napi]
pub fn log_error(message: String, fields: Option<Value>) -> Result<()> {
    call(|| api::log(LogLevel::Error, &message, fields))
}

/// Structured log record; `fields`, if given, must be an object.
#[napi]
pub fn log_warn(message: String, fields: Option<Value>) -> Result<()> {
    call(|| api::log(LogLevel::Warn, &message, fields))
}

/// Structured log record; `fields`, if given, must be an object.
#[napi]
pub fn log_info(message: String, fields: Option<Value>) -> Result<()> {
    call(|| api::log(LogLevel::Info, &message, fields))
}

/// Structured log record; `fields`, if given, must be an object.
#[napi]
pub fn log_debug(message: String, fields: Option<Value>) -> Result<()> {
    call(|| api::log(LogLevel::Debug, &message, fields))
}

/// Structured log record; `fields`, if given, must be an object.
#[napi]
pub fn log_trace(message: String, fields: Option<Value>) -> Result<()> {
    call(|| api::log(LogLevel::Trace, &message, fields))
}

/// Creates a task; `data` is the server's TaskResponse JSON.
#[napi]
pub fn client_create_task(request: NapiTaskRequest) -> Result<NapiClientResult> {
    client_call(|| api::client_create_task(request.try_into()?))
}

/// `data` is the server's TaskResponse JSON.
#[napi]
pub fn client_get_task(task_uuid: String) -> Result<NapiClientResult> {
    client_call(|| api::client_get_task(&task_uuid))
}

/// `data` is the server's TaskListResponse JSON (`tasks`, `pagination`).
#[napi]
pub fn client_list_tasks(params: NapiListTasksParams) -> Result<NapiClientResult> {
    client_call(|| api::client_list_tasks(params.into()))
}

/// `data` is the server's TaskResponse JSON of the cancelled task.
#[napi]
pub fn client_cancel_task(task_uuid: String) -> Result<NapiClientResult> {
    client_call(|| api::client_cancel_task(&task_uuid))
}

/// `data` is an array of step readiness rows.
#[napi]
pub fn client_list_task_steps(task_uuid: String) -> Result<NapiClientResult> {
    client_call(|| api::client_list_task_steps(&task_uuid))
}

/// `data` is one step readiness row.
#[napi]
pub fn client_get_step(task_uuid: String, step_uuid: String) -> Result<NapiClientResult> {
    client_call(|| api::client_get_step(&task_uuid, &step_uuid))
}

/// `data` is an array of step audit records.
#[napi]
pub fn client_get_step_audit_history(
    task_uuid: String,
    step_uuid: String,
) -> Result<NapiClientResult> {
    client_call(|| api::client_get_step_audit_history(&task_uuid, &step_uuid))
}

/// `data` is `{healthy, status, task_count}`.
#[napi]
pub fn client_health_check() -> Result<NapiClientResult> {
    client_call(api::client_health_check)
}

/// Test-only: panics inside the core, to prove that a panic comes out as a JS error with
/// code `INTERNAL` and the process lives on. Exported by every build so that `index.d.ts`
/// does not depend on features; without the `test-hooks` feature it throws `INVALID_STATE`.
#[napi]
pub fn test_panic(message: String) -> Result<()> {
    call(|| test_hooks::test_panic(&message))
}

mod test_hooks {
    #[cfg(feature = "test-hooks")]
    pub use tasker_core::api::test_panic;

    #[cfg(not(feature = "test-hooks"))]
    pub fn test_panic(_message: &str) -> tasker_core::Result<()> {
        Err(tasker_core::CoreError::InvalidState(
            "testPanic needs an addon built with --features test-hooks".to_owned(),
        ))
    }
}
