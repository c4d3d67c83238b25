//! The operations both bridges expose, over one process-global engine.
//!
//! A bridge function converts its arguments, calls exactly one function here and converts the
//! result. Everything about the domain (including "before bootstrap" behaviour) lives here.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::dto::*;
use crate::engine::Engine;
use crate::error::{CoreError, Result};
use crate::logging;

/// The running worker, if any. Calls clone the `Arc` and release this lock at once, so
/// concurrent callers (several `worker_threads`) only contend inside the engine.
static WORKER: Mutex<Option<Arc<Engine>>> = Mutex::new(None);

fn worker_slot() -> MutexGuard<'static, Option<Arc<Engine>>> {
    // A panic caught at a bridge must not wedge every later call: the slot holds no invariant
    // that a panic could break halfway, so a poisoned lock is still usable.
    WORKER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn engine() -> Result<Arc<Engine>> {
    worker_slot().clone().ok_or(CoreError::WorkerNotRunning)
}

pub fn get_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

pub fn get_rust_version() -> String {
    format!(
        "tasker-core {} (rustc {})",
        env!("CARGO_PKG_VERSION"),
        env!("TASKER_RUSTC_VERSION")
    )
}

pub fn health_check() -> bool {
    true
}

pub fn is_worker_running() -> bool {
    worker_slot().is_some()
}

pub fn bootstrap_worker(config: Option<BootstrapConfig>) -> Result<BootstrapResult> {
    let mut slot = worker_slot();
    if let Some(engine) = slot.as_ref() {
        return Ok(BootstrapResult {
            success: true,
            status: "already_running".to_owned(),
            message: "Worker already running".to_owned(),
            worker_id: engine.worker_id().to_owned(),
        });
    }
    let engine = Engine::new(config.unwrap_or_default())?;
    let result = BootstrapResult {
        success: true,
        status: "started".to_owned(),
        message: "Worker bootstrapped".to_owned(),
        worker_id: engine.worker_id().to_owned(),
    };
    *slot = Some(Arc::new(engine));
    Ok(result)
}

pub fn get_worker_status() -> WorkerStatus {
    match worker_slot().as_ref() {
        Some(engine) => engine.status(),
        None => WorkerStatus {
            success: true,
            running: false,
            status: "stopped".to_owned(),
            worker_id: None,
            in_flight: 0,
        },
    }
}

/// Stops the worker and discards the embedded engine with all its state: a later bootstrap
/// starts from nothing (with a seed, from exactly the same state).
pub fn stop_worker() -> WorkerStatus {
    match worker_slot().take() {
        Some(engine) => {
            let mut status = engine.status();
            status.running = false;
            status.status = "stopped".to_owned();
            status
        }
        None => WorkerStatus {
            success: true,
            running: false,
            status: "not_running".to_owned(),
            worker_id: None,
            in_flight: 0,
        },
    }
}

pub fn transition_to_graceful_shutdown() -> Result<WorkerStatus> {
    Ok(engine()?.begin_graceful_shutdown())
}

pub fn poll_step_events() -> Result<Option<StepEvent>> {
    engine()?.poll_step_event()
}

pub fn poll_in_process_events() -> Result<Option<DomainEvent>> {
    Ok(engine()?.poll_domain_event())
}

pub fn complete_step_event(event_id: &str, result: StepExecutionResult) -> Result<bool> {
    engine()?.complete_step_event(event_id, result)
}

pub fn checkpoint_yield_step_event(event_id: &str, data: CheckpointYieldData) -> Result<bool> {
    engine()?.checkpoint_yield(event_id, data)
}

pub fn get_ffi_dispatch_metrics() -> Result<DispatchMetrics> {
    Ok(engine()?.dispatch_metrics())
}

pub fn check_starvation_warnings() -> Result<()> {
    engine()?.check_starvation_warnings();
    Ok(())
}

pub fn cleanup_timeouts() -> Result<()> {
    engine()?.cleanup_timeouts();
    Ok(())
}

/// Structured logging works with or without a worker; fields must be a JSON object if given.
pub fn log(level: LogLevel, message: &str, fields: Option<Json>) -> Result<()> {
    let fields = match fields {
        None | Some(Json::Null) => None,
        Some(Json::Object(map)) => Some(map),
        Some(other) => {
            return Err(CoreError::InvalidArgument(format!(
                "log fields must be an object, got {}",
                logging::json_kind(&other)
            )))
        }
    };
    let engine = worker_slot().clone();
    match engine {
        Some(engine) => engine.log(level, message, fields),
        None => logging::emit(None, level, message, fields.as_ref()),
    }
    Ok(())
}

pub fn client_create_task(request: TaskRequest) -> Result<TaskResponse> {
    engine()?.create_task(request)
}

pub fn client_get_task(task_uuid: &str) -> Result<TaskResponse> {
    engine()?.get_task(task_uuid)
}

pub fn client_list_tasks(params: ListTasksParams) -> Result<TaskListResponse> {
    engine()?.list_tasks(params)
}

pub fn client_cancel_task(task_uuid: &str) -> Result<TaskResponse> {
    engine()?.cancel_task(task_uuid)
}

pub fn client_list_task_steps(task_uuid: &str) -> Result<Vec<StepReadiness>> {
    engine()?.list_task_steps(task_uuid)
}

pub fn client_get_step(task_uuid: &str, step_uuid: &str) -> Result<StepReadiness> {
    engine()?.get_step(task_uuid, step_uuid)
}

pub fn client_get_step_audit_history(
    task_uuid: &str,
    step_uuid: &str,
) -> Result<Vec<StepAuditRecord>> {
    engine()?.step_audit_history(task_uuid, step_uuid)
}

pub fn client_health_check() -> Result<HealthResponse> {
    Ok(engine()?.health())
}

/// Test-only: panics inside the core so the suites can prove no panic crosses a bridge.
#[cfg(feature = "test-hooks")]
pub fn test_panic(message: &str) -> Result<()> {
    panic!("deliberate test panic: {message}");
}
