//! The one error type of the core. `Display` is the message both bridges carry; each bridge maps
//! it in one place (the legacy wire renders the koffi-era texts from it).

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

/// Stable, machine-readable error codes. Their string form is part of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "ts", derive(TS), ts(export))]
pub enum ErrorCode {
    /// Input the caller can fix: malformed JSON, a non-UUID id, a failed validation.
    InvalidRequest,
    /// No template with that name, namespace and version.
    TemplateNotFound,
    /// No task or step with that id.
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
    /// A bridge-side argument error (a UUID or JSON that does not parse), found before the
    /// worker is even looked at. Texts follow tasker's (`Invalid event ID: …`).
    #[error("Invalid argument: {0}")]
    InvalidArgument(String),
    /// A request the server rejects (empty name, context not an object, paging bounds).
    #[error("Validation error: {0}")]
    Validation(String),
    /// A template file that does not parse or validate; stops the bootstrap.
    #[error("Invalid task template {origin}: {detail}")]
    InvalidTemplate { origin: String, detail: String },
    #[error("Task template not found: {namespace}/{name}@{version}")]
    TemplateNotFound {
        namespace: String,
        name: String,
        version: String,
    },
    #[error("{0} not found")]
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
            CoreError::InvalidArgument(_)
            | CoreError::Validation(_)
            | CoreError::InvalidTemplate { .. } => ErrorCode::InvalidRequest,
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

    /// Whether tasker reported this error from its bridge (argument parsing, no worker) rather
    /// than from the orchestration server.
    pub fn is_bridge_side(&self) -> bool {
        matches!(
            self,
            CoreError::InvalidArgument(_) | CoreError::WorkerNotRunning
        )
    }

    /// Turns a caught panic payload into an `Internal` error.
    pub fn from_panic(payload: &(dyn std::any::Any + Send)) -> Self {
        CoreError::Internal(format!("panic in core: {}", panic_message(payload)))
    }
}

/// The text of a panic payload (`&str` or `String`), or a placeholder.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic payload".to_owned())
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;
