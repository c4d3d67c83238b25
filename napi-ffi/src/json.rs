//! The JSON text transport: `<name>Json` for each of the 28 operations, taking and returning
//! N-API strings (or numbers) with exactly the text (or int) the legacy C symbol of the same
//! name returns: both call the same `tasker-wire` function. `null` stands for a NULL pointer,
//! in both directions. `lastErrorJson()` is `legacy_last_error()`.
//!
//! N-API strings are length-prefixed UTF-8, so JSON text in them has none of the C-string
//! problems; tasker-wire catches panics itself, so none reaches Node.

use napi_derive::napi;

/// `<name>Json`: the answer of the C symbol `<name>`, from the same tasker-wire function; each
/// argument is a string or `null` (NULL).
macro_rules! json_twins {
    ($($twin:ident => $symbol:ident($($param:ident),*) -> $ret:ty;)+) => {$(
        #[doc = concat!("`", stringify!($symbol), "` of the C ABI, as text.")]
        #[napi]
        pub fn $twin($($param: Option<String>),*) -> $ret {
            tasker_wire::$symbol($($param.as_deref()),*)
        }
    )+};
}

json_twins! {
    get_version_json => get_version() -> String;
    get_rust_version_json => get_rust_version() -> String;
    health_check_json => health_check() -> i32;
    is_worker_running_json => is_worker_running() -> i32;
    bootstrap_worker_json => bootstrap_worker(config_json) -> String;
    get_worker_status_json => get_worker_status() -> String;
    stop_worker_json => stop_worker() -> String;
    transition_to_graceful_shutdown_json => transition_to_graceful_shutdown() -> String;
    poll_step_events_json => poll_step_events() -> Option<String>;
    poll_in_process_events_json => poll_in_process_events() -> Option<String>;
    complete_step_event_json => complete_step_event(event_id, result_json) -> i32;
    checkpoint_yield_step_event_json => checkpoint_yield_step_event(event_id, checkpoint_json) -> i32;
    get_ffi_dispatch_metrics_json => get_ffi_dispatch_metrics() -> String;
    check_starvation_warnings_json => check_starvation_warnings() -> i32;
    cleanup_timeouts_json => cleanup_timeouts() -> i32;
    log_error_json => log_error(message, fields_json) -> i32;
    log_warn_json => log_warn(message, fields_json) -> i32;
    log_info_json => log_info(message, fields_json) -> i32;
    log_debug_json => log_debug(message, fields_json) -> i32;
    log_trace_json => log_trace(message, fields_json) -> i32;
    client_create_task_json => client_create_task(request_json) -> String;
    client_get_task_json => client_get_task(task_uuid) -> String;
    client_list_tasks_json => client_list_tasks(params_json) -> String;
    client_cancel_task_json => client_cancel_task(task_uuid) -> String;
    client_list_task_steps_json => client_list_task_steps(task_uuid) -> String;
    client_get_step_json => client_get_step(task_uuid, step_uuid) -> String;
    client_get_step_audit_history_json => client_get_step_audit_history(task_uuid, step_uuid) -> String;
    client_health_check_json => client_health_check() -> String;
}

/// `{"code","message","recoverable"}` of this thread's last `*Json` call if it failed, else
/// `null` (the C ABI's `legacy_last_error`).
#[napi]
pub fn last_error_json() -> Option<String> {
    tasker_wire::last_error_json()
}
