//! `libtasker_legacy`: tasker's koffi-era C ABI (fe86d180 `libtasker_ts`), so that tasker's own
//! koffi worker loads it unchanged (`TASKER_FFI_LIBRARY_PATH`). The contract and every
//! deliberate difference are in `docs/legacy-abi.md`.
//!
//! Each symbol reads its C strings, calls the [`tasker_wire`] function of the same name (which
//! owns the JSON, the historical texts, the panic handling and the last error) and hands the
//! result out. Every returned `char *` is the caller's, freed once with [`free_rust_string`].
//!
//! **Names.** The operations keep tasker's historical, unprefixed C names; that fidelity is the
//! one exception to the `<lib>_<object>_<verb>` rule. Symbols of ours carry `legacy_`.
//!
//! **Safety contract of every `const char *` argument:** NULL, or a NUL-terminated string that
//! stays valid and unchanged for the duration of the call. NULL where text is required, and
//! bytes that are not UTF-8, are errors, never undefined behaviour.

use std::ffi::{c_char, c_int};
use std::ptr::null_mut;

use tasker_wire as wire;

pub mod c_text;

use c_text::{arg, guard, out, out_opt};

/// `<symbol>: invalid UTF-8[ in <arg>]`, tasker's text for an argument that is not UTF-8.
fn not_utf8(symbol: &str, which: Option<&str>) -> String {
    match which {
        Some(name) => format!("{symbol}: invalid UTF-8 in {name}"),
        None => format!("{symbol}: invalid UTF-8"),
    }
}

// ---------------------------------------------------------------------------------------------
// Versions and health

/// Our crate version (semver). Free with [`free_rust_string`].
#[no_mangle]
pub extern "C" fn get_version() -> *mut c_char {
    guard(null_mut(), || out(wire::get_version()))
}

/// `tasker-ts <v> (rustc <rustc --version>)`.
#[no_mangle]
pub extern "C" fn get_rust_version() -> *mut c_char {
    guard(null_mut(), || out(wire::get_rust_version()))
}

/// Always 1.
#[no_mangle]
pub extern "C" fn health_check() -> c_int {
    guard(1, wire::health_check)
}

/// 1 while a worker is bootstrapped (also after the graceful transition), else 0.
#[no_mangle]
pub extern "C" fn is_worker_running() -> c_int {
    guard(0, wire::is_worker_running)
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

/// Lifecycle JSON. `config_json` is NULL or a JSON object (our keys; others ignored).
///
/// # Safety
/// See the crate docs.
#[no_mangle]
pub unsafe extern "C" fn bootstrap_worker(config_json: *const c_char) -> *mut c_char {
    guard(null_mut(), || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { arg(config_json) } {
            Ok(config) => out(wire::bootstrap_worker(config)),
            Err(()) => out(wire::reject_text("Invalid UTF-8 in config_json".to_owned())),
        }
    })
}

#[no_mangle]
pub extern "C" fn get_worker_status() -> *mut c_char {
    guard(null_mut(), || out(wire::get_worker_status()))
}

#[no_mangle]
pub extern "C" fn stop_worker() -> *mut c_char {
    guard(null_mut(), || out(wire::stop_worker()))
}

#[no_mangle]
pub extern "C" fn transition_to_graceful_shutdown() -> *mut c_char {
    guard(null_mut(), || out(wire::transition_to_graceful_shutdown()))
}

// ---------------------------------------------------------------------------------------------
// Dispatch

/// The next step event as bare JSON, or NULL when idle or on an error (see
/// [`legacy_last_error`]).
#[no_mangle]
pub extern "C" fn poll_step_events() -> *mut c_char {
    guard(null_mut(), || out_opt(wire::poll_step_events()))
}

/// The next in-process domain event as bare camelCase JSON, or NULL.
#[no_mangle]
pub extern "C" fn poll_in_process_events() -> *mut c_char {
    guard(null_mut(), || out_opt(wire::poll_in_process_events()))
}

/// 1 accepted, 0 not accepted (an event that is not pending), -1 on an error.
///
/// # Safety
/// See the crate docs.
#[no_mangle]
pub unsafe extern "C" fn complete_step_event(
    event_id: *const c_char,
    result_json: *const c_char,
) -> c_int {
    guard(-1, || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { (arg(event_id), arg(result_json)) } {
            (Ok(id), Ok(json)) => wire::complete_step_event(id, json),
            _ => wire::reject_int(not_utf8("complete_step_event", None)),
        }
    })
}

/// 1 accepted, 0 not accepted, -1 on an error.
///
/// # Safety
/// See the crate docs.
#[no_mangle]
pub unsafe extern "C" fn checkpoint_yield_step_event(
    event_id: *const c_char,
    checkpoint_json: *const c_char,
) -> c_int {
    guard(-1, || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { (arg(event_id), arg(checkpoint_json)) } {
            (Ok(id), Ok(json)) => wire::checkpoint_yield_step_event(id, json),
            _ => wire::reject_int(not_utf8("checkpoint_yield_step_event", None)),
        }
    })
}

/// Bare metrics JSON, or an error object.
#[no_mangle]
pub extern "C" fn get_ffi_dispatch_metrics() -> *mut c_char {
    guard(null_mut(), || out(wire::get_ffi_dispatch_metrics()))
}

/// 0, or -1 on an error (tasker's was `void`).
#[no_mangle]
pub extern "C" fn check_starvation_warnings() -> c_int {
    guard(-1, wire::check_starvation_warnings)
}

/// 0, or -1 on an error (tasker's was `void`).
#[no_mangle]
pub extern "C" fn cleanup_timeouts() -> c_int {
    guard(-1, wire::cleanup_timeouts)
}

// ---------------------------------------------------------------------------------------------
// Logging (written to stdout after the first bootstrap, as tasker's tracing was)

/// Logs at error; `fields_json` is NULL or a JSON object. 0, or -1 on an error.
///
/// # Safety
/// See the crate docs.
#[no_mangle]
pub unsafe extern "C" fn log_error(message: *const c_char, fields_json: *const c_char) -> c_int {
    guard(-1, || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { (arg(message), arg(fields_json)) } {
            (Ok(message), Ok(fields)) => wire::log_error(message, fields),
            _ => wire::reject_int(not_utf8("log_error", None)),
        }
    })
}

/// Logs at warn; `fields_json` is NULL or a JSON object. 0, or -1 on an error.
///
/// # Safety
/// See the crate docs.
#[no_mangle]
pub unsafe extern "C" fn log_warn(message: *const c_char, fields_json: *const c_char) -> c_int {
    guard(-1, || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { (arg(message), arg(fields_json)) } {
            (Ok(message), Ok(fields)) => wire::log_warn(message, fields),
            _ => wire::reject_int(not_utf8("log_warn", None)),
        }
    })
}

/// Logs at info; `fields_json` is NULL or a JSON object. 0, or -1 on an error.
///
/// # Safety
/// See the crate docs.
#[no_mangle]
pub unsafe extern "C" fn log_info(message: *const c_char, fields_json: *const c_char) -> c_int {
    guard(-1, || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { (arg(message), arg(fields_json)) } {
            (Ok(message), Ok(fields)) => wire::log_info(message, fields),
            _ => wire::reject_int(not_utf8("log_info", None)),
        }
    })
}

/// Logs at debug; `fields_json` is NULL or a JSON object. 0, or -1 on an error.
///
/// # Safety
/// See the crate docs.
#[no_mangle]
pub unsafe extern "C" fn log_debug(message: *const c_char, fields_json: *const c_char) -> c_int {
    guard(-1, || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { (arg(message), arg(fields_json)) } {
            (Ok(message), Ok(fields)) => wire::log_debug(message, fields),
            _ => wire::reject_int(not_utf8("log_debug", None)),
        }
    })
}

/// Logs at trace; `fields_json` is NULL or a JSON object. 0, or -1 on an error.
///
/// # Safety
/// See the crate docs.
#[no_mangle]
pub unsafe extern "C" fn log_trace(message: *const c_char, fields_json: *const c_char) -> c_int {
    guard(-1, || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { (arg(message), arg(fields_json)) } {
            (Ok(message), Ok(fields)) => wire::log_trace(message, fields),
            _ => wire::reject_int(not_utf8("log_trace", None)),
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Client (the `{data, success}` envelope)

/// # Safety
/// See the crate docs.
#[no_mangle]
pub unsafe extern "C" fn client_create_task(request_json: *const c_char) -> *mut c_char {
    guard(null_mut(), || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { arg(request_json) } {
            Ok(json) => out(wire::client_create_task(json)),
            Err(()) => out(wire::reject_text(not_utf8("client_create_task", None))),
        }
    })
}

/// # Safety
/// See the crate docs.
#[no_mangle]
pub unsafe extern "C" fn client_get_task(task_uuid: *const c_char) -> *mut c_char {
    guard(null_mut(), || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { arg(task_uuid) } {
            Ok(task) => out(wire::client_get_task(task)),
            Err(()) => out(wire::reject_text(not_utf8("client_get_task", None))),
        }
    })
}

/// # Safety
/// See the crate docs.
#[no_mangle]
pub unsafe extern "C" fn client_list_tasks(params_json: *const c_char) -> *mut c_char {
    guard(null_mut(), || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { arg(params_json) } {
            Ok(json) => out(wire::client_list_tasks(json)),
            Err(()) => out(wire::reject_text(not_utf8("client_list_tasks", None))),
        }
    })
}

/// # Safety
/// See the crate docs.
#[no_mangle]
pub unsafe extern "C" fn client_cancel_task(task_uuid: *const c_char) -> *mut c_char {
    guard(null_mut(), || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { arg(task_uuid) } {
            Ok(task) => out(wire::client_cancel_task(task)),
            Err(()) => out(wire::reject_text(not_utf8("client_cancel_task", None))),
        }
    })
}

/// # Safety
/// See the crate docs.
#[no_mangle]
pub unsafe extern "C" fn client_list_task_steps(task_uuid: *const c_char) -> *mut c_char {
    guard(null_mut(), || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { arg(task_uuid) } {
            Ok(task) => out(wire::client_list_task_steps(task)),
            Err(()) => out(wire::reject_text(not_utf8("client_list_task_steps", None))),
        }
    })
}

/// # Safety
/// See the crate docs.
#[no_mangle]
pub unsafe extern "C" fn client_get_step(
    task_uuid: *const c_char,
    step_uuid: *const c_char,
) -> *mut c_char {
    guard(null_mut(), || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { (arg(task_uuid), arg(step_uuid)) } {
            (Ok(task), Ok(step)) => out(wire::client_get_step(task, step)),
            (Err(()), _) => out(wire::reject_text(not_utf8(
                "client_get_step",
                Some("task_uuid"),
            ))),
            (_, Err(())) => out(wire::reject_text(not_utf8(
                "client_get_step",
                Some("step_uuid"),
            ))),
        }
    })
}

/// # Safety
/// See the crate docs.
#[no_mangle]
pub unsafe extern "C" fn client_get_step_audit_history(
    task_uuid: *const c_char,
    step_uuid: *const c_char,
) -> *mut c_char {
    const SYMBOL: &str = "client_get_step_audit_history";
    guard(null_mut(), || {
        // SAFETY: forwarded from this function's contract.
        match unsafe { (arg(task_uuid), arg(step_uuid)) } {
            (Ok(task), Ok(step)) => out(wire::client_get_step_audit_history(task, step)),
            (Err(()), _) => out(wire::reject_text(not_utf8(SYMBOL, Some("task_uuid")))),
            (_, Err(())) => out(wire::reject_text(not_utf8(SYMBOL, Some("step_uuid")))),
        }
    })
}

#[no_mangle]
pub extern "C" fn client_health_check() -> *mut c_char {
    guard(null_mut(), || out(wire::client_health_check()))
}

// ---------------------------------------------------------------------------------------------
// Strings, errors and harness symbols

/// Frees a string returned by this library. NULL is ignored.
///
/// # Safety
/// `ptr` is NULL or a `char *` returned by **this** library and not freed yet.
#[no_mangle]
pub unsafe extern "C" fn free_rust_string(ptr: *mut c_char) {
    // SAFETY: forwarded from this function's contract.
    unsafe { c_text::free(ptr) }
}

/// How many strings this library handed out that were not freed yet (all threads).
#[no_mangle]
pub extern "C" fn legacy_live_strings() -> u64 {
    c_text::live()
}

/// `{"code","message","recoverable"}` of this thread's last operation if it failed, else NULL.
/// Reading it does not clear it. Free the result with [`free_rust_string`].
#[no_mangle]
pub extern "C" fn legacy_last_error() -> *mut c_char {
    guard(null_mut(), || out_opt(wire::last_error_json()))
}

/// Does nothing and returns 0: the floor of a koffi call (cargo feature `bench-probes`).
#[cfg(feature = "bench-probes")]
#[no_mangle]
pub extern "C" fn legacy_noop() -> c_int {
    0
}

/// Panics inside the core (cargo feature `test-hooks`): -1, and an `INTERNAL` last error.
///
/// # Safety
/// See the crate docs.
#[cfg(feature = "test-hooks")]
#[no_mangle]
pub unsafe extern "C" fn legacy_test_panic(message: *const c_char) -> c_int {
    guard(-1, || {
        // SAFETY: forwarded from this function's contract.
        wire::test_panic(unsafe { arg(message) }.ok().flatten())
    })
}
