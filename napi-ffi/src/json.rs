//! The JSON text transport: `<name>Json` for each of the 28 operations, taking and returning
//! N-API strings (or numbers) with exactly the text (or int) the legacy C symbol of the same
//! name returns: both call the same `tasker-wire` function. `null` stands for a NULL pointer,
//! in both directions. `lastErrorJson()` is `legacy_last_error()`.
//!
//! N-API strings are length-prefixed UTF-8, so JSON text in them has none of the C-string
//! problems; tasker-wire catches panics itself, so none reaches Node.

use napi_derive::napi;

/// `get_version` of the C ABI, as text.
#[napi]
pub fn get_version_json() -> String {
    tasker_wire::get_version()
}

/// `get_rust_version` of the C ABI, as text.
#[napi]
pub fn get_rust_version_json() -> String {
    tasker_wire::get_rust_version()
}

/// `health_check` of the C ABI, as text.
#[napi]
pub fn health_check_json() -> i32 {
    tasker_wire::health_check()
}

/// `is_worker_running` of the C ABI, as text.
#[napi]
pub fn is_worker_running_json() -> i32 {
    tasker_wire::is_worker_running()
}

/// `bootstrap_worker` of the C ABI, as text.
#[napi]
pub fn bootstrap_worker_json(config_json: Option<String>) -> String {
    tasker_wire::bootstrap_worker(config_json.as_deref())
}

/// `get_worker_status` of the C ABI, as text.
#[napi]
pub fn get_worker_status_json() -> String {
    tasker_wire::get_worker_status()
}

/// `stop_worker` of the C ABI, as text.
#[napi]
pub fn stop_worker_json() -> String {
    tasker_wire::stop_worker()
}

/// `transition_to_graceful_shutdown` of the C ABI, as text.
#[napi]
pub fn transition_to_graceful_shutdown_json() -> String {
    tasker_wire::transition_to_graceful_shutdown()
}

/// `poll_step_events` of the C ABI, as text.
#[napi]
pub fn poll_step_events_json() -> Option<String> {
    tasker_wire::poll_step_events()
}

/// `poll_in_process_events` of the C ABI, as text.
#[napi]
pub fn poll_in_process_events_json() -> Option<String> {
    tasker_wire::poll_in_process_events()
}

/// `complete_step_event` of the C ABI, as text.
#[napi]
pub fn complete_step_event_json(event_id: Option<String>, result_json: Option<String>) -> i32 {
    tasker_wire::complete_step_event(event_id.as_deref(), result_json.as_deref())
}

/// `checkpoint_yield_step_event` of the C ABI, as text.
#[napi]
pub fn checkpoint_yield_step_event_json(
    event_id: Option<String>,
    checkpoint_json: Option<String>,
) -> i32 {
    tasker_wire::checkpoint_yield_step_event(event_id.as_deref(), checkpoint_json.as_deref())
}

/// `get_ffi_dispatch_metrics` of the C ABI, as text.
#[napi]
pub fn get_ffi_dispatch_metrics_json() -> String {
    tasker_wire::get_ffi_dispatch_metrics()
}

/// `check_starvation_warnings` of the C ABI, as text.
#[napi]
pub fn check_starvation_warnings_json() -> i32 {
    tasker_wire::check_starvation_warnings()
}

/// `cleanup_timeouts` of the C ABI, as text.
#[napi]
pub fn cleanup_timeouts_json() -> i32 {
    tasker_wire::cleanup_timeouts()
}

/// `log_error` of the C ABI, as text.
#[napi]
pub fn log_error_json(message: Option<String>, fields_json: Option<String>) -> i32 {
    tasker_wire::log_error(message.as_deref(), fields_json.as_deref())
}

/// `log_warn` of the C ABI, as text.
#[napi]
pub fn log_warn_json(message: Option<String>, fields_json: Option<String>) -> i32 {
    tasker_wire::log_warn(message.as_deref(), fields_json.as_deref())
}

/// `log_info` of the C ABI, as text.
#[napi]
pub fn log_info_json(message: Option<String>, fields_json: Option<String>) -> i32 {
    tasker_wire::log_info(message.as_deref(), fields_json.as_deref())
}

/// `log_debug` of the C ABI, as text.
#[napi]
pub fn log_debug_json(message: Option<String>, fields_json: Option<String>) -> i32 {
    tasker_wire::log_debug(message.as_deref(), fields_json.as_deref())
}

/// `log_trace` of the C ABI, as text.
#[napi]
pub fn log_trace_json(message: Option<String>, fields_json: Option<String>) -> i32 {
    tasker_wire::log_trace(message.as_deref(), fields_json.as_deref())
}

/// `client_create_task` of the C ABI, as text.
#[napi]
pub fn client_create_task_json(request_json: Option<String>) -> String {
    tasker_wire::client_create_task(request_json.as_deref())
}

/// `client_get_task` of the C ABI, as text.
#[napi]
pub fn client_get_task_json(task_uuid: Option<String>) -> String {
    tasker_wire::client_get_task(task_uuid.as_deref())
}

/// `client_list_tasks` of the C ABI, as text.
#[napi]
pub fn client_list_tasks_json(params_json: Option<String>) -> String {
    tasker_wire::client_list_tasks(params_json.as_deref())
}

/// `client_cancel_task` of the C ABI, as text.
#[napi]
pub fn client_cancel_task_json(task_uuid: Option<String>) -> String {
    tasker_wire::client_cancel_task(task_uuid.as_deref())
}

/// `client_list_task_steps` of the C ABI, as text.
#[napi]
pub fn client_list_task_steps_json(task_uuid: Option<String>) -> String {
    tasker_wire::client_list_task_steps(task_uuid.as_deref())
}

/// `client_get_step` of the C ABI, as text.
#[napi]
pub fn client_get_step_json(task_uuid: Option<String>, step_uuid: Option<String>) -> String {
    tasker_wire::client_get_step(task_uuid.as_deref(), step_uuid.as_deref())
}

/// `client_get_step_audit_history` of the C ABI, as text.
#[napi]
pub fn client_get_step_audit_history_json(
    task_uuid: Option<String>,
    step_uuid: Option<String>,
) -> String {
    tasker_wire::client_get_step_audit_history(task_uuid.as_deref(), step_uuid.as_deref())
}

/// `client_health_check` of the C ABI, as text.
#[napi]
pub fn client_health_check_json() -> String {
    tasker_wire::client_health_check()
}

/// `{"code","message","recoverable"}` of this thread's last `*Json` call if it failed, else
/// `null` (the C ABI's `legacy_last_error`).
#[napi]
pub fn last_error_json() -> Option<String> {
    tasker_wire::last_error_json()
}
