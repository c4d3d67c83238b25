//! The one place where core errors and panics become JS errors.
//!
//! Every binding runs its core call through [`call`] (or [`client_call`] for the `client*`
//! envelope functions). A thrown JS `Error` carries `.code` = the stable [`ErrorCode`] string
//! (`"WORKER_NOT_RUNNING"`, `"INVALID_REQUEST"`, `"INTERNAL"`, …) and `.message` = the
//! [`CoreError`] `Display` text, unchanged. napi-rs sets `.code` from the error's status, and a
//! status may be any `AsRef<str>` (`napi::Error<S>`), so the status here is the code string.

use std::panic::{self, AssertUnwindSafe};

use serde::Serialize;
use tasker_core::{CoreError, ErrorCode};

use crate::types::NapiClientResult;

/// What every `#[napi]` function returns (napi-derive recognises the name `Result`): a thrown
/// error's status is the stable code string.
pub type Result<T> = napi::Result<T, &'static str>;

/// `CoreError` → JS `Error` with `.code` and `.message`. The only such mapping in this crate.
pub fn to_napi_error(err: CoreError) -> napi::Error<&'static str> {
    let code: ErrorCode = err.code();
    napi::Error::new(code.as_str(), err.to_string())
}

/// Runs `op`, turning a panic into `CoreError::Internal` (via [`CoreError::from_panic`]) so that
/// no panic crosses into Node and the process lives on.
fn catch_panic<T>(op: impl FnOnce() -> T) -> tasker_core::Result<T> {
    // The core keeps its global state behind a lock that tolerates poisoning, and the only
    // data `op` captures are its own arguments, so observing them after a panic is harmless.
    panic::catch_unwind(AssertUnwindSafe(op)).map_err(|payload| CoreError::from_panic(&*payload))
}

/// The wrapper of every throwing binding: panics and core errors both come out as thrown JS
/// errors with a stable `.code`.
pub fn call<T>(op: impl FnOnce() -> tasker_core::Result<T>) -> Result<T> {
    catch_panic(op)
        .and_then(|result| result)
        .map_err(to_napi_error)
}

/// The wrapper of the `client*` bindings, which answer with tasker's envelope instead of
/// throwing: a domain error (not found, invalid request, template not found, …) is
/// `{success: false, …}`. As in tasker's own addon, only "worker not initialized" is thrown,
/// and so is a panic (code `INTERNAL`), like everywhere else.
pub fn client_call<T: Serialize>(
    op: impl FnOnce() -> tasker_core::Result<T>,
) -> Result<NapiClientResult> {
    client_call_as(op)
}

/// [`client_call`] with any envelope type `E` (the `client*Json` calls carry `data` as text).
pub fn client_call_as<T, E>(op: impl FnOnce() -> tasker_core::Result<T>) -> Result<E>
where
    E: From<tasker_core::Result<T>>,
{
    match catch_panic(op).map_err(to_napi_error)? {
        Err(err @ CoreError::WorkerNotRunning) => Err(to_napi_error(err)),
        result => Ok(E::from(result)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_keep_their_code_and_display_text() {
        let err = call::<()>(|| Err(CoreError::InvalidArgument("Invalid event ID: xyz".into())))
            .unwrap_err();
        assert_eq!(err.status, "INVALID_REQUEST");
        assert_eq!(err.reason, "Invalid argument: Invalid event ID: xyz");
        let err = call::<()>(|| Err(CoreError::WorkerNotRunning)).unwrap_err();
        assert_eq!(err.status, "WORKER_NOT_RUNNING");
        assert_eq!(
            err.reason,
            "Worker not initialized — call bootstrapWorker() first"
        );
    }

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let err = call::<()>(|| panic!("boom {}", 1)).unwrap_err();
        assert_eq!(err.status, "INTERNAL");
        assert_eq!(err.reason, "Internal error: panic in core: boom 1");
        let err = client_call::<()>(|| panic!("boom")).unwrap_err();
        assert_eq!(err.status, "INTERNAL");
    }

    #[test]
    fn client_calls_throw_only_worker_not_running() {
        let err = client_call::<()>(|| Err(CoreError::WorkerNotRunning)).unwrap_err();
        assert_eq!(err.status, "WORKER_NOT_RUNNING");

        let envelope = client_call::<()>(|| Err(CoreError::NotFound("Task x".into()))).unwrap();
        assert!(!envelope.success);
        assert_eq!(envelope.data, None);
        assert_eq!(envelope.error.as_deref(), Some("Not found: Task x"));
        assert_eq!(envelope.recoverable, Some(false));
        assert_eq!(envelope.error_code.as_deref(), Some("NOT_FOUND"));

        let health = tasker_core::dto::HealthResponse {
            healthy: true,
            status: "healthy".into(),
            task_count: 2,
        };
        let envelope = client_call(|| Ok(health)).unwrap();
        assert!(envelope.success);
        assert_eq!(
            envelope.data,
            Some(serde_json::json!({"healthy": true, "status": "healthy", "task_count": 2}))
        );
        assert_eq!(
            (envelope.error, envelope.recoverable, envelope.error_code),
            (None, None, None)
        );
    }
}
