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

/// `type name(void)`: what the tasker-wire function of the same name answers, handed out by
/// `out`/`out_opt` (text) or as it is (`c_int::from`); the value after `else` if it panicked.
macro_rules! no_arg_symbols {
    ($($(#[$doc:meta])* $name:ident() -> $ret:ty = $hand_out:path, else $fallback:expr;)+) => {$(
        $(#[$doc])*
        #[no_mangle]
        pub extern "C" fn $name() -> $ret {
            guard($fallback, || $hand_out(wire::$name()))
        }
    )+};
}

/// `int name(const char *, const char *)`: 0/1 or -1 on an error; bytes that are not UTF-8 in
/// either argument are `<name>: invalid UTF-8` (tasker named neither).
macro_rules! int_symbol {
    ($($(#[$doc:meta])* $name:ident($first:ident, $second:ident);)+) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// See the crate docs.
        #[no_mangle]
        pub unsafe extern "C" fn $name($first: *const c_char, $second: *const c_char) -> c_int {
            guard(-1, || {
                // SAFETY: forwarded from this function's contract.
                match unsafe { (arg($first), arg($second)) } {
                    (Ok($first), Ok($second)) => wire::$name($first, $second),
                    _ => wire::reject_int(not_utf8(stringify!($name), None)),
                }
            })
        }
    )+};
}

/// `char *name(const char *...)`: the text of the tasker-wire function of the same name; bytes
/// that are not UTF-8 are `<name>: invalid UTF-8`, naming the argument when there are two (as
/// tasker's texts do).
macro_rules! text_symbol {
    ($($(#[$doc:meta])* $name:ident($($param:ident),+);)+) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// See the crate docs.
        #[no_mangle]
        pub unsafe extern "C" fn $name($($param: *const c_char),+) -> *mut c_char {
            guard(null_mut(), || {
                let named = [$(stringify!($param)),+].len() > 1;
                $(
                    // SAFETY: forwarded from this function's contract.
                    let Ok($param) = (unsafe { arg($param) }) else {
                        let which = named.then_some(stringify!($param));
                        return out(wire::reject_text(not_utf8(stringify!($name), which)));
                    };
                )+
                out(wire::$name($($param),+))
            })
        }
    )+};
}

// ---------------------------------------------------------------------------------------------
// Versions and health

no_arg_symbols! {
    /// Our crate version (semver). Free with [`free_rust_string`].
    get_version() -> *mut c_char = out, else null_mut();
    /// `tasker-ts <v> (rustc <rustc --version>)`.
    get_rust_version() -> *mut c_char = out, else null_mut();
    /// Always 1.
    health_check() -> c_int = c_int::from, else 1;
    /// 1 while a worker is bootstrapped (also after the graceful transition), else 0.
    is_worker_running() -> c_int = c_int::from, else 0;
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

no_arg_symbols! {
    get_worker_status() -> *mut c_char = out, else null_mut();
    stop_worker() -> *mut c_char = out, else null_mut();
    transition_to_graceful_shutdown() -> *mut c_char = out, else null_mut();
}

// ---------------------------------------------------------------------------------------------
// Dispatch

no_arg_symbols! {
    /// The next step event as bare JSON, or NULL when idle or on an error (see
    /// [`legacy_last_error`]).
    poll_step_events() -> *mut c_char = out_opt, else null_mut();
    /// The next in-process domain event as bare camelCase JSON, or NULL.
    poll_in_process_events() -> *mut c_char = out_opt, else null_mut();
}

int_symbol! {
    /// 1 accepted, 0 not accepted (an event that is not pending), -1 on an error.
    complete_step_event(event_id, result_json);
    /// 1 accepted, 0 not accepted, -1 on an error.
    checkpoint_yield_step_event(event_id, checkpoint_json);
}

no_arg_symbols! {
    /// Bare metrics JSON, or an error object.
    get_ffi_dispatch_metrics() -> *mut c_char = out, else null_mut();
    /// 0, or -1 on an error (tasker's was `void`).
    check_starvation_warnings() -> c_int = c_int::from, else -1;
    /// 0, or -1 on an error (tasker's was `void`).
    cleanup_timeouts() -> c_int = c_int::from, else -1;
}

// ---------------------------------------------------------------------------------------------
// Logging (written to stdout after the first bootstrap, as tasker's tracing was)

int_symbol! {
    /// Logs at error; `fields_json` is NULL or a JSON object. 0, or -1 on an error.
    log_error(message, fields_json);
    /// Logs at warn; `fields_json` is NULL or a JSON object. 0, or -1 on an error.
    log_warn(message, fields_json);
    /// Logs at info; `fields_json` is NULL or a JSON object. 0, or -1 on an error.
    log_info(message, fields_json);
    /// Logs at debug; `fields_json` is NULL or a JSON object. 0, or -1 on an error.
    log_debug(message, fields_json);
    /// Logs at trace; `fields_json` is NULL or a JSON object. 0, or -1 on an error.
    log_trace(message, fields_json);
}

// ---------------------------------------------------------------------------------------------
// Client (the `{data, success}` envelope)

text_symbol! {
    client_create_task(request_json);
    client_get_task(task_uuid);
    client_list_tasks(params_json);
    client_cancel_task(task_uuid);
    client_list_task_steps(task_uuid);
    client_get_step(task_uuid, step_uuid);
    client_get_step_audit_history(task_uuid, step_uuid);
}

no_arg_symbols! {
    client_health_check() -> *mut c_char = out, else null_mut();
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
