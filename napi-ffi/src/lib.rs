//! `tasker-napi`: a drop-in for tasker's napi-era `tasker_ts` addon (c8733f95): the same 28
//! exports, object types, fields, optionality, status strings and error texts
//! (docs/napi-surface.md), filled from `tasker-core`. Beside them, the JSON text transport
//! (`json.rs`): a `<name>Json` twin of every operation, answering exactly what the legacy C
//! symbol answers (both call `tasker-wire`), and `lastErrorJson`.
//!
//! Each export converts its arguments (`conversions.rs`), calls one `tasker_core::api`
//! function inside the panic-catching wrapper of `error.rs`, and converts the result.

#[cfg(feature = "bench-probes")]
pub mod bench;
mod conversions;
mod error;
pub mod json;
mod types;

use std::collections::HashMap;

use napi_derive::napi;
use serde_json::Value;
use tasker_core::api;
use tasker_core::model::LogLevel;

use crate::conversions as conv;
use crate::error::{bootstrap_call, call, Result};
use crate::types::*;

/// Our crate version (semver).
#[napi]
pub fn get_version() -> String {
    api::get_version()
}

/// `tasker-ts <version> (rustc <rustc --version>)`.
#[napi]
pub fn get_rust_version() -> String {
    api::get_rust_version()
}

/// Always `true`.
#[napi]
pub fn health_check() -> bool {
    api::health_check()
}

/// Starts the embedded worker (templates from the shipped set, `TASKER_TEMPLATE_PATH` and
/// `templatePath`); a second call answers `already_running`. Failures throw
/// `Bootstrap failed: …`.
#[napi]
pub fn bootstrap_worker(config: Option<BootstrapConfig>) -> Result<BootstrapResult> {
    bootstrap_call(|| {
        api::bootstrap_worker(conv::bootstrap_config(config)).map(conv::bootstrap_result)
    })
}

/// `true` from bootstrap until `stopWorker` (also after the graceful transition).
#[napi]
pub fn is_worker_running() -> bool {
    api::is_worker_running()
}

#[napi]
pub fn get_worker_status() -> Result<WorkerStatus> {
    call(|| Ok(conv::worker_status(api::get_worker_status())))
}

/// Stops the worker and discards its state (`status: 'not_running'` if there was none).
#[napi]
pub fn stop_worker() -> Result<WorkerStatus> {
    call(|| Ok(conv::stop_status(api::stop_worker())))
}

/// Stops handing out steps; the worker stays bootstrapped.
#[napi]
pub fn transition_to_graceful_shutdown() -> Result<WorkerStatus> {
    call(|| api::transition_to_graceful_shutdown().map(conv::transition_status))
}

/// The next step (claimed), or `null` when idle.
#[napi]
pub fn poll_step_events() -> Result<Option<NapiStepEvent>> {
    call(|| api::poll_step_events().map(|e| e.map(conv::step_event)))
}

/// Records a result; `false` for an event that is not pending.
#[napi]
pub fn complete_step_event(event_id: String, result: NapiStepExecutionResult) -> Result<bool> {
    call(|| api::complete_step_event(&event_id, || conv::step_result(result)))
}

/// The next in-process (`fast` / `broadcast`) domain event, or `null`.
#[napi]
pub fn poll_in_process_events() -> Result<Option<NapiDomainEvent>> {
    call(|| api::poll_in_process_events().map(|e| e.map(conv::domain_event)))
}

/// Stores the checkpoint and hands the same claim out again under a new event id.
#[napi]
pub fn checkpoint_yield_step_event(
    event_id: String,
    checkpoint: NapiCheckpointYieldData,
) -> Result<bool> {
    call(|| api::checkpoint_yield_step_event(&event_id, || conv::checkpoint(checkpoint)))
}

#[napi]
pub fn get_ffi_dispatch_metrics() -> Result<NapiDispatchMetrics> {
    call(|| api::get_ffi_dispatch_metrics().map(conv::metrics))
}

#[napi]
pub fn check_starvation_warnings() -> Result<()> {
    call(|| api::check_starvation_warnings().map(drop))
}

#[napi]
pub fn cleanup_timeouts() -> Result<()> {
    call(|| api::cleanup_timeouts().map(drop))
}

#[napi]
pub fn client_create_task(request: NapiTaskRequest) -> Result<NapiClientResult> {
    call(|| conv::client_result(api::client_create_task(conv::task_request(request)?)))
}

#[napi]
pub fn client_get_task(task_uuid: String) -> Result<NapiClientResult> {
    call(|| conv::client_result(api::client_get_task(&task_uuid)))
}

#[napi]
pub fn client_list_tasks(params: NapiListTasksParams) -> Result<NapiClientResult> {
    call(|| conv::client_result(api::client_list_tasks(conv::list_params(params))))
}

/// `data` is `{cancelled: true}`.
#[napi]
pub fn client_cancel_task(task_uuid: String) -> Result<NapiClientResult> {
    call(|| conv::client_result(api::client_cancel_task(&task_uuid)))
}

#[napi]
pub fn client_list_task_steps(task_uuid: String) -> Result<NapiClientResult> {
    call(|| conv::client_result(api::client_list_task_steps(&task_uuid)))
}

#[napi]
pub fn client_get_step(task_uuid: String, step_uuid: String) -> Result<NapiClientResult> {
    call(|| conv::client_result(api::client_get_step(&task_uuid, &step_uuid)))
}

#[napi]
pub fn client_get_step_audit_history(
    task_uuid: String,
    step_uuid: String,
) -> Result<NapiClientResult> {
    call(|| conv::client_result(api::client_get_step_audit_history(&task_uuid, &step_uuid)))
}

/// `data` is `{healthy: true}`.
#[napi]
pub fn client_health_check() -> Result<NapiClientResult> {
    call(|| conv::client_result(api::client_health_check()))
}

fn log(level: LogLevel, message: &str, fields: Option<HashMap<String, Value>>) {
    let fields = fields.map(|f| f.into_iter().collect::<serde_json::Map<_, _>>());
    // Never throws: a panic while formatting a line is swallowed, as a log call must not fail.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        api::log(level, message, fields.as_ref())
    }));
}

/// tasker's `log<Level>(message, fields?)` exports, one per level: written to stdout after
/// bootstrap when the level passes, dropped before.
macro_rules! log_exports {
    ($($name:ident => $level:ident;)+) => {$(
        #[napi]
        pub fn $name(message: String, fields: Option<HashMap<String, Value>>) {
            log(LogLevel::$level, &message, fields)
        }
    )+};
}

log_exports! {
    log_error => Error;
    log_warn => Warn;
    log_info => Info;
    log_debug => Debug;
    log_trace => Trace;
}

/// Harness only: with cargo feature `test-hooks` it panics inside the core (thrown as `INTERNAL`,
/// the process lives on); without it, it throws `INVALID_STATE`. Exported by every build so that
/// `index.d.ts` does not depend on features.
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
