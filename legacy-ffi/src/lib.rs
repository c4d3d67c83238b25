//! `libtasker_legacy`: the legacy C ABI over [`tasker_core::api`], loaded from TypeScript with
//! koffi. The contract is `docs/legacy-abi.md`.
//!
//! JSON goes in as NUL-terminated UTF-8 C strings; results come out as JSON envelopes
//! (`{"success":true,"data":…}` / `{"success":false,"error":…,"recoverable":…,"code":…}`), bare
//! JSON, plain text or `int`s. Every returned `char *` is owned by the caller and must be freed
//! exactly once with [`free_rust_string`].
//!
//! **Names.** The 28 operations keep tasker's historical, unprefixed C symbol names
//! (`get_version`, `client_create_task`, …) so the old koffi worker loads this library unchanged;
//! that fidelity is the one exception to the `<lib>_<object>_<verb>` naming rule. Symbols this
//! harness adds carry the `legacy_` prefix; `free_rust_string` is historical too.
//!
//! **Shape of a binding.** Each function converts its arguments (C string → `&str` → DTO),
//! calls exactly one [`tasker_core::api`] function and converts the result, through the helpers
//! in [`boundary`]: they catch panics (a panic becomes an `INTERNAL` error), keep the
//! thread-local last error and count the strings handed out. Envelopes are written only in
//! [`envelope`].
//!
//! **Last error.** Every operation clears this thread's last error when it starts and sets it
//! when it fails, whatever its return type; [`legacy_last_error`] takes it. The bookkeeping
//! symbols (`free_rust_string`, `legacy_live_strings`, `legacy_last_error`, `legacy_noop`) leave
//! it alone.

use std::ffi::{c_char, c_int};

use tasker_core::api;
use tasker_core::dto::LogLevel;

pub mod boundary;
pub mod envelope;
#[cfg(feature = "tas283-unfixed")]
pub mod tas283;

use boundary::{
    ffi_bool, ffi_envelope, ffi_nullable_json, ffi_status, ffi_text, json_arg, optional_json_arg,
    str_arg,
};

// The `# Safety` contract shared by every function that takes `const char *` arguments:
// each argument is NULL or points to a NUL-terminated string that stays valid and unchanged
// for the duration of the call. NULL where a string is required, or bytes that are not UTF-8,
// give an `INVALID_REQUEST` error, never undefined behaviour.

// ---------------------------------------------------------------------------------------------
// Version and health

/// The core's version (semver), as plain text. NULL only if the call failed.
#[no_mangle]
pub extern "C" fn get_version() -> *mut c_char {
    ffi_text(|| Ok(api::get_version()))
}

/// The core's and the compiler's versions, as plain text. NULL only if the call failed.
#[no_mangle]
pub extern "C" fn get_rust_version() -> *mut c_char {
    ffi_text(|| Ok(api::get_rust_version()))
}

/// Always 1.
#[no_mangle]
pub extern "C" fn health_check() -> c_int {
    ffi_bool(|| Ok(api::health_check()))
}

/// 1 if a worker is bootstrapped, else 0.
#[no_mangle]
pub extern "C" fn is_worker_running() -> c_int {
    ffi_bool(|| Ok(api::is_worker_running()))
}

// ---------------------------------------------------------------------------------------------
// Worker lifecycle

/// Envelope of `BootstrapResult`. `config_json` is a `BootstrapConfig`; NULL means defaults.
///
/// # Safety
/// `config_json` is NULL or a NUL-terminated string valid for the call.
#[no_mangle]
pub unsafe extern "C" fn bootstrap_worker(config_json: *const c_char) -> *mut c_char {
    ffi_envelope(|| {
        // SAFETY: forwarded from this function's contract.
        let config = unsafe { optional_json_arg(config_json, "config_json", "config") }?;
        api::bootstrap_worker(config)
    })
}

/// Envelope of `WorkerStatus`.
#[no_mangle]
pub extern "C" fn get_worker_status() -> *mut c_char {
    ffi_envelope(|| Ok(api::get_worker_status()))
}

/// Envelope of `WorkerStatus`; stops the worker and discards its state.
#[no_mangle]
pub extern "C" fn stop_worker() -> *mut c_char {
    ffi_envelope(|| Ok(api::stop_worker()))
}

/// Envelope of `WorkerStatus`.
#[no_mangle]
pub extern "C" fn transition_to_graceful_shutdown() -> *mut c_char {
    ffi_envelope(api::transition_to_graceful_shutdown)
}

// ---------------------------------------------------------------------------------------------
// Dispatch

/// The next `StepEvent` as JSON, or NULL when idle **or** on error (see [`legacy_last_error`]).
#[no_mangle]
pub extern "C" fn poll_step_events() -> *mut c_char {
    ffi_nullable_json(api::poll_step_events)
}

/// The next `DomainEvent` as JSON, or NULL when idle or on error.
#[no_mangle]
pub extern "C" fn poll_in_process_events() -> *mut c_char {
    ffi_nullable_json(api::poll_in_process_events)
}

/// 1 if the result was recorded, 0 for an unknown event, -1 on error.
///
/// # Safety
/// `event_id` and `result_json` are NULL or NUL-terminated strings valid for the call.
#[no_mangle]
pub unsafe extern "C" fn complete_step_event(
    event_id: *const c_char,
    result_json: *const c_char,
) -> c_int {
    ffi_bool(|| {
        // SAFETY: forwarded from this function's contract.
        let event_id = unsafe { str_arg(event_id, "event_id") }?;
        // SAFETY: forwarded from this function's contract.
        let result = unsafe { json_arg(result_json, "result_json", "step result") }?;
        api::complete_step_event(event_id, result)
    })
}

/// 1 if the checkpoint was recorded, 0 for an unknown event, -1 on error.
///
/// # Safety
/// `event_id` and `checkpoint_json` are NULL or NUL-terminated strings valid for the call.
#[no_mangle]
pub unsafe extern "C" fn checkpoint_yield_step_event(
    event_id: *const c_char,
    checkpoint_json: *const c_char,
) -> c_int {
    ffi_bool(|| {
        // SAFETY: forwarded from this function's contract.
        let event_id = unsafe { str_arg(event_id, "event_id") }?;
        // SAFETY: forwarded from this function's contract.
        let data = unsafe { json_arg(checkpoint_json, "checkpoint_json", "checkpoint") }?;
        api::checkpoint_yield_step_event(event_id, data)
    })
}

/// Envelope of `DispatchMetrics`.
#[no_mangle]
pub extern "C" fn get_ffi_dispatch_metrics() -> *mut c_char {
    ffi_envelope(api::get_ffi_dispatch_metrics)
}

/// 0 on success, -1 on error.
#[no_mangle]
pub extern "C" fn check_starvation_warnings() -> c_int {
    ffi_status(api::check_starvation_warnings)
}

/// 0 on success, -1 on error.
#[no_mangle]
pub extern "C" fn cleanup_timeouts() -> c_int {
    ffi_status(api::cleanup_timeouts)
}

// ---------------------------------------------------------------------------------------------
// Structured logging

/// The body shared by the five `log_*` symbols.
///
/// # Safety
/// As each `log_*` symbol.
unsafe fn log_at(level: LogLevel, message: *const c_char, fields_json: *const c_char) -> c_int {
    ffi_status(|| {
        // SAFETY: forwarded from the caller's contract.
        let message = unsafe { str_arg(message, "message") }?;
        // SAFETY: forwarded from the caller's contract.
        let fields = unsafe { optional_json_arg(fields_json, "fields_json", "log fields") }?;
        api::log(level, message, fields)
    })
}

/// Logs `message` with optional `fields_json` (a JSON object; NULL = none). 0 ok, -1 error.
///
/// # Safety
/// `message` and `fields_json` are NULL or NUL-terminated strings valid for the call.
#[no_mangle]
pub unsafe extern "C" fn log_error(message: *const c_char, fields_json: *const c_char) -> c_int {
    // SAFETY: forwarded from this function's contract.
    unsafe { log_at(LogLevel::Error, message, fields_json) }
}

/// As [`log_error`], at level warn.
///
/// # Safety
/// As [`log_error`].
#[no_mangle]
pub unsafe extern "C" fn log_warn(message: *const c_char, fields_json: *const c_char) -> c_int {
    // SAFETY: forwarded from this function's contract.
    unsafe { log_at(LogLevel::Warn, message, fields_json) }
}

/// As [`log_error`], at level info.
///
/// # Safety
/// As [`log_error`].
#[no_mangle]
pub unsafe extern "C" fn log_info(message: *const c_char, fields_json: *const c_char) -> c_int {
    // SAFETY: forwarded from this function's contract.
    unsafe { log_at(LogLevel::Info, message, fields_json) }
}

/// As [`log_error`], at level debug.
///
/// # Safety
/// As [`log_error`].
#[no_mangle]
pub unsafe extern "C" fn log_debug(message: *const c_char, fields_json: *const c_char) -> c_int {
    // SAFETY: forwarded from this function's contract.
    unsafe { log_at(LogLevel::Debug, message, fields_json) }
}

/// As [`log_error`], at level trace.
///
/// # Safety
/// As [`log_error`].
#[no_mangle]
pub unsafe extern "C" fn log_trace(message: *const c_char, fields_json: *const c_char) -> c_int {
    // SAFETY: forwarded from this function's contract.
    unsafe { log_at(LogLevel::Trace, message, fields_json) }
}

// ---------------------------------------------------------------------------------------------
// Client

/// Envelope of `TaskResponse`. `request_json` is a `TaskRequest`.
///
/// A malformed request is `Invalid argument: Invalid task request JSON: <serde_json error>`;
/// the TAS-283 reproduction depends on that exact text.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the call.
#[no_mangle]
pub unsafe extern "C" fn client_create_task(request_json: *const c_char) -> *mut c_char {
    ffi_envelope(|| {
        // SAFETY: forwarded from this function's contract.
        let request = unsafe { json_arg(request_json, "request_json", "task request") }?;
        api::client_create_task(request)
    })
}

/// Envelope of `TaskResponse`.
///
/// # Safety
/// `task_uuid` is NULL or a NUL-terminated string valid for the call.
#[no_mangle]
pub unsafe extern "C" fn client_get_task(task_uuid: *const c_char) -> *mut c_char {
    // SAFETY: forwarded from this function's contract.
    ffi_envelope(|| api::client_get_task(unsafe { str_arg(task_uuid, "task_uuid") }?))
}

/// Envelope of `TaskListResponse`. `params_json` is `ListTasksParams`; NULL means defaults.
///
/// # Safety
/// `params_json` is NULL or a NUL-terminated string valid for the call.
#[no_mangle]
pub unsafe extern "C" fn client_list_tasks(params_json: *const c_char) -> *mut c_char {
    ffi_envelope(|| {
        // SAFETY: forwarded from this function's contract.
        let params = unsafe { optional_json_arg(params_json, "params_json", "list params") }?;
        api::client_list_tasks(params.unwrap_or_default())
    })
}

/// Envelope of `TaskResponse` (the cancelled task).
///
/// # Safety
/// `task_uuid` is NULL or a NUL-terminated string valid for the call.
#[no_mangle]
pub unsafe extern "C" fn client_cancel_task(task_uuid: *const c_char) -> *mut c_char {
    // SAFETY: forwarded from this function's contract.
    ffi_envelope(|| api::client_cancel_task(unsafe { str_arg(task_uuid, "task_uuid") }?))
}

/// Envelope of `StepReadiness[]`.
///
/// # Safety
/// `task_uuid` is NULL or a NUL-terminated string valid for the call.
#[no_mangle]
pub unsafe extern "C" fn client_list_task_steps(task_uuid: *const c_char) -> *mut c_char {
    // SAFETY: forwarded from this function's contract.
    ffi_envelope(|| api::client_list_task_steps(unsafe { str_arg(task_uuid, "task_uuid") }?))
}

/// Envelope of `StepReadiness`.
///
/// # Safety
/// `task_uuid` and `step_uuid` are NULL or NUL-terminated strings valid for the call.
#[no_mangle]
pub unsafe extern "C" fn client_get_step(
    task_uuid: *const c_char,
    step_uuid: *const c_char,
) -> *mut c_char {
    ffi_envelope(|| {
        // SAFETY: forwarded from this function's contract.
        let task_uuid = unsafe { str_arg(task_uuid, "task_uuid") }?;
        // SAFETY: forwarded from this function's contract.
        let step_uuid = unsafe { str_arg(step_uuid, "step_uuid") }?;
        api::client_get_step(task_uuid, step_uuid)
    })
}

/// Envelope of `StepAuditRecord[]`.
///
/// # Safety
/// `task_uuid` and `step_uuid` are NULL or NUL-terminated strings valid for the call.
#[no_mangle]
pub unsafe extern "C" fn client_get_step_audit_history(
    task_uuid: *const c_char,
    step_uuid: *const c_char,
) -> *mut c_char {
    ffi_envelope(|| {
        // SAFETY: forwarded from this function's contract.
        let task_uuid = unsafe { str_arg(task_uuid, "task_uuid") }?;
        // SAFETY: forwarded from this function's contract.
        let step_uuid = unsafe { str_arg(step_uuid, "step_uuid") }?;
        api::client_get_step_audit_history(task_uuid, step_uuid)
    })
}

/// Envelope of `HealthResponse`.
#[no_mangle]
pub extern "C" fn client_health_check() -> *mut c_char {
    ffi_envelope(api::client_health_check)
}

// ---------------------------------------------------------------------------------------------
// Strings, errors and harness symbols

/// Frees a string returned by this library. NULL is ignored.
///
/// # Safety
/// `ptr` is NULL or a `char *` returned by **this** library and not freed yet. A pointer from
/// any other allocator (or freed twice) is undefined behaviour; that cannot be checked here.
#[no_mangle]
pub unsafe extern "C" fn free_rust_string(ptr: *mut c_char) {
    // Freeing cannot panic (no allocation, no formatting); nothing to catch.
    // SAFETY: forwarded from this function's contract.
    unsafe { boundary::free_string(ptr) }
}

/// How many strings this library handed out that were not freed yet (all threads).
#[no_mangle]
pub extern "C" fn legacy_live_strings() -> u64 {
    boundary::live_strings()
}

/// The error envelope of this thread's last failed call, or NULL if it succeeded (or the error
/// was taken already). Taking it clears it. Free the result with [`free_rust_string`].
#[no_mangle]
pub extern "C" fn legacy_last_error() -> *mut c_char {
    boundary::last_error_envelope()
}

/// Does nothing and returns 0: the floor of a koffi call, for the benchmarks (cargo feature
/// `bench-probes`, in the harness build only).
#[cfg(feature = "bench-probes")]
#[no_mangle]
pub extern "C" fn legacy_noop() -> c_int {
    0
}

/// Test-only (cargo feature `test-hooks`): panics inside the core; returns the `INTERNAL` error
/// envelope of the caught panic.
///
/// # Safety
/// `message` is NULL or a NUL-terminated string valid for the call.
#[cfg(feature = "test-hooks")]
#[no_mangle]
pub unsafe extern "C" fn legacy_test_panic(message: *const c_char) -> *mut c_char {
    // SAFETY: forwarded from this function's contract.
    ffi_envelope(|| api::test_panic(unsafe { str_arg(message, "message") }?))
}
