//! The operations both bridges expose, over one process-global engine: one function per
//! operation. A bridge converts its arguments, calls one function here and renders the result.
//!
//! Validation order is tasker's: the client calls parse their ids (and the bridges their JSON)
//! before the worker is looked at; `complete_step_event` and `checkpoint_yield_step_event`
//! look at the worker first, then the event id, then the payload (its conversion is passed in
//! as a closure so each bridge keeps that order).

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::engine::Engine;
use crate::error::{CoreError, Result};
use crate::logging;
use crate::model::*;
use crate::parse::uuid_arg;

/// The running worker, if any. Calls clone the `Arc` and release this lock at once, so
/// concurrent callers only contend inside the engine.
static WORKER: Mutex<Option<Arc<Engine>>> = Mutex::new(None);

fn worker_slot() -> MutexGuard<'static, Option<Arc<Engine>>> {
    // The slot holds no invariant a panic could break halfway; a poisoned lock is still usable.
    WORKER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn engine() -> Result<Arc<Engine>> {
    worker_slot().clone().ok_or(CoreError::WorkerNotRunning)
}

/// Our crate version (semver).
pub fn get_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// `tasker-ts <version> (rustc <rustc --version>)`, the word "rustc" doubled as in tasker.
pub fn get_rust_version() -> String {
    format!(
        "tasker-ts {} (rustc {})",
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

/// Starts the embedded worker; idempotent (a second call reports `AlreadyRunning`).
pub fn bootstrap_worker(config: BootstrapConfig) -> Result<BootstrapOutcome> {
    let mut slot = worker_slot();
    if let Some(engine) = slot.as_ref() {
        return Ok(BootstrapOutcome::AlreadyRunning {
            worker_id: engine.worker_id().to_owned(),
        });
    }
    let engine = Engine::new(config)?;
    let worker_id = engine.worker_id().to_owned();
    *slot = Some(Arc::new(engine));
    Ok(BootstrapOutcome::Started { worker_id })
}

pub fn get_worker_status() -> WorkerState {
    match worker_slot().as_ref() {
        Some(engine) => WorkerState::Running(engine.running()),
        None => WorkerState::Stopped,
    }
}

/// Stops the worker and discards the engine with all its state: a later bootstrap starts from
/// nothing (with a seed, from exactly the same state).
pub fn stop_worker() -> StopOutcome {
    match worker_slot().take() {
        Some(engine) => StopOutcome::Stopped {
            worker_id: engine.worker_id().to_owned(),
        },
        None => StopOutcome::NotRunning,
    }
}

/// Stops handing out steps (the worker stays bootstrapped); returns the worker id.
pub fn transition_to_graceful_shutdown() -> Result<String> {
    let engine = engine()?;
    engine.begin_graceful_shutdown();
    Ok(engine.worker_id().to_owned())
}

pub fn poll_step_events() -> Result<Option<StepEvent>> {
    engine()?.poll_step_event()
}

pub fn poll_in_process_events() -> Result<Option<DomainEvent>> {
    Ok(engine()?.poll_domain_event())
}

/// `Ok(false)` for an event that is not pending (never handed out, done, withdrawn).
pub fn complete_step_event(
    event_id: &str,
    result: impl FnOnce() -> Result<StepExecutionResult>,
) -> Result<bool> {
    on_event(event_id, result, Engine::complete_step_event)
}

pub fn checkpoint_yield_step_event(
    event_id: &str,
    data: impl FnOnce() -> Result<CheckpointYieldData>,
) -> Result<bool> {
    on_event(event_id, data, Engine::checkpoint_yield)
}

/// The running engine, then the event id, then the payload, checked in that order (tasker's).
fn on_event<T>(
    event_id: &str,
    payload: impl FnOnce() -> Result<T>,
    apply: impl FnOnce(&Engine, Uuid, T) -> Result<bool>,
) -> Result<bool> {
    let engine = engine()?;
    let event_id = uuid_arg(event_id, "Invalid event ID")?;
    apply(&engine, event_id, payload()?)
}

pub fn get_ffi_dispatch_metrics() -> Result<DispatchMetrics> {
    Ok(engine()?.dispatch_metrics())
}

/// Returns how many pending events are starving (each is logged).
pub fn check_starvation_warnings() -> Result<u32> {
    Ok(engine()?.check_starvation_warnings())
}

/// Returns how many pending events timed out.
pub fn cleanup_timeouts() -> Result<u32> {
    engine()?.cleanup_timeouts()
}

/// A `log_*` call: written after the first bootstrap if the level passes; never fails.
pub fn log(level: LogLevel, message: &str, fields: Option<&Map<String, Value>>) {
    let fields = fields.map(|map| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
    logging::emit(logging::FFI_TARGET, level, message, fields.as_ref());
}

pub fn client_create_task(request: TaskRequest) -> Result<TaskResponse> {
    engine()?.create_task(request)
}

pub fn client_get_task(task_uuid: &str) -> Result<TaskResponse> {
    let task = uuid_arg(task_uuid, "Invalid UUID")?;
    engine()?.get_task(task)
}

pub fn client_list_tasks(params: ListTasksParams) -> Result<TaskListResponse> {
    engine()?.list_tasks(params)
}

pub fn client_cancel_task(task_uuid: &str) -> Result<CancelResponse> {
    let task = uuid_arg(task_uuid, "Invalid UUID")?;
    engine()?.cancel_task(task)
}

pub fn client_list_task_steps(task_uuid: &str) -> Result<Vec<StepResponse>> {
    let task = uuid_arg(task_uuid, "Invalid UUID")?;
    engine()?.list_task_steps(task)
}

fn task_and_step(task_uuid: &str, step_uuid: &str) -> Result<(Uuid, Uuid)> {
    Ok((
        uuid_arg(task_uuid, "Invalid task UUID")?,
        uuid_arg(step_uuid, "Invalid step UUID")?,
    ))
}

pub fn client_get_step(task_uuid: &str, step_uuid: &str) -> Result<StepResponse> {
    let (task, step) = task_and_step(task_uuid, step_uuid)?;
    engine()?.get_step(task, step)
}

pub fn client_get_step_audit_history(
    task_uuid: &str,
    step_uuid: &str,
) -> Result<Vec<StepAuditResponse>> {
    let (task, step) = task_and_step(task_uuid, step_uuid)?;
    engine()?.step_audit_history(task, step)
}

pub fn client_health_check() -> Result<HealthResponse> {
    Ok(engine()?.health())
}

/// Test-only: panics inside the core so the suites can prove no panic crosses a bridge.
#[cfg(feature = "test-hooks")]
pub fn test_panic(message: &str) -> Result<()> {
    panic!("deliberate test panic: {message}");
}
