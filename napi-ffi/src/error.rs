//! The one place where core errors and panics become JS errors.
//!
//! A thrown `Error` carries `.message` = the napi-era text (the core's `Display`, e.g.
//! "Worker not initialized — call bootstrapWorker() first") and `.code` = our stable code
//! (`INVALID_REQUEST`, `WORKER_NOT_RUNNING`, …) where tasker's addon said `GenericFailure`.
//! napi-rs takes `.code` from the error's status, and a status may be any `AsRef<str>`.

use std::panic::{self, AssertUnwindSafe};

use tasker_core::CoreError;

/// What every `#[napi]` function returns: a thrown error's status is the stable code string.
pub type Result<T> = napi::Result<T, &'static str>;

pub fn to_napi_error(err: CoreError) -> napi::Error<&'static str> {
    napi::Error::new(err.code().as_str(), err.to_string())
}

/// Runs `op`; a panic becomes `CoreError::Internal`, so no panic crosses into Node.
pub fn call<T>(op: impl FnOnce() -> tasker_core::Result<T>) -> Result<T> {
    panic::catch_unwind(AssertUnwindSafe(op))
        .map_err(|payload| CoreError::from_panic(&*payload))
        .and_then(|result| result)
        .map_err(to_napi_error)
}

/// [`call`] for `bootstrapWorker`: its failures read `Bootstrap failed: …`, as tasker's did.
pub fn bootstrap_call<T>(op: impl FnOnce() -> tasker_core::Result<T>) -> Result<T> {
    call(op).map_err(|e| napi::Error::new(e.status, format!("Bootstrap failed: {}", e.reason)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_keep_their_code_and_napi_era_text() {
        let err = call::<()>(|| Err(CoreError::InvalidArgument("Invalid event ID: x".into())))
            .unwrap_err();
        assert_eq!(err.status, "INVALID_REQUEST");
        assert_eq!(err.reason, "Invalid argument: Invalid event ID: x");
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
    }

    #[test]
    fn bootstrap_failures_are_prefixed() {
        let err = bootstrap_call::<()>(|| Err(CoreError::Internal("x".into()))).unwrap_err();
        assert_eq!(err.reason, "Bootstrap failed: Internal error: x");
    }
}
