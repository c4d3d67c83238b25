//! The one error type of the core. Each bridge maps it in one place; TypeScript turns both
//! mappings into the same `TaskerError` with the same `code` and message.

use serde::{Deserialize, Serialize};

/// Stable, machine-readable error codes. Their string form is part of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum ErrorCode {
    /// Input the caller can fix: malformed JSON, a non-UUID id, a failed validation.
    InvalidRequest,
    /// No template with that name, namespace and version.
    TemplateNotFound,
    /// No task, step or event with that id.
    NotFound,
    /// The call needs a bootstrapped worker.
    WorkerNotRunning,
    /// The call is valid but not in the entity's current state (e.g. cancel a finished task).
    InvalidState,
    /// A bug or a panic inside the core; the process lives on.
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "INVALID_REQUEST",
            ErrorCode::TemplateNotFound => "TEMPLATE_NOT_FOUND",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::WorkerNotRunning => "WORKER_NOT_RUNNING",
            ErrorCode::InvalidState => "INVALID_STATE",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    #[error("Invalid argument: {0}")]
    InvalidArgument(String),
    #[error("Task template not found: {namespace}/{name}@{version}")]
    TemplateNotFound {
        namespace: String,
        name: String,
        version: String,
    },
    #[error("Not found: {0}")]
    NotFound(String),
    #[error("Worker not initialized — call bootstrapWorker() first")]
    WorkerNotRunning,
    #[error("Invalid state: {0}")]
    InvalidState(String),
    #[error("Internal error: {0}")]
    Internal(String),
}

impl CoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CoreError::InvalidArgument(_) => ErrorCode::InvalidRequest,
            CoreError::TemplateNotFound { .. } => ErrorCode::TemplateNotFound,
            CoreError::NotFound(_) => ErrorCode::NotFound,
            CoreError::WorkerNotRunning => ErrorCode::WorkerNotRunning,
            CoreError::InvalidState(_) => ErrorCode::InvalidState,
            CoreError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Whether retrying the same call later may succeed (the envelope's `recoverable`).
    pub fn recoverable(&self) -> bool {
        matches!(
            self,
            CoreError::WorkerNotRunning | CoreError::InvalidState(_) | CoreError::Internal(_)
        )
    }

    /// Turns a caught panic payload into an `Internal` error (bridges call this from `catch_unwind`).
    pub fn from_panic(payload: &(dyn std::any::Any + Send)) -> Self {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic payload".to_owned());
        CoreError::Internal(format!("panic in core: {detail}"))
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;
