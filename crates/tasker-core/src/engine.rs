//! The embedded engine: an in-process stand-in for the tasker orchestration server.
//!
//! One [`Engine`] holds templates, tasks, steps, handed-out events and domain events behind a
//! single mutex, so it can be shared through an `Arc` by any number of threads. Every operation
//! takes the lock once, so each call is atomic with respect to the others.
//!
//! Behaviour the wire shapes leave open, decided here:
//! - **Clock reads.** With a seed, the fixed clock advances one tick per *read*. Operations that
//!   change state or act on time (create, cancel, poll, complete, checkpoint, starvation check,
//!   timeout cleanup) read it once, after validating their input; pure queries (get, list,
//!   steps, audit, metrics, log timestamps) only peek. So a failed or read-only call never
//!   changes what later calls see, and a worker that only polls still reaches its retry times.
//! - **Idempotency.** A reused `idempotency_key` returns the existing task if the request is
//!   otherwise the same (`requested_at` excluded: a resend carries a new one); if it differs it
//!   is `InvalidState("idempotency key reused with a different request")`.
//! - **Context** must be a JSON object; correlation ids, when given, must be UUIDs.
//! - **Cancel** withdraws the events handed out for the task's steps: completing or
//!   checkpointing one afterwards returns `Ok(false)`, like any unknown event.
//! - **Permanent failure** moves the task to `error` and nothing more of it is handed out;
//!   results of its steps still in flight are recorded but unlock nothing.
//! - **Checkpoint-yield** is only for steps marked `"batch": true` in their template. The step
//!   goes to `enqueued` and resumes the same attempt (attempts are not incremented again).
//! - **Timeouts** count as a retryable failure without backoff.
//! - **Memory.** Tasks are kept (a server keeps its rows); domain events (10 000) and audit rows
//!   per step (1 000) are bounded, dropping the oldest; finished events are forgotten.

mod client;
mod clock;
mod ids;
mod state;
mod templates;
mod views;
mod worker;

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::dto::*;
use crate::error::Result;
use state::State;

pub use state::{AUDIT_CAPACITY_PER_STEP, DOMAIN_EVENT_CAPACITY};
pub use templates::TEMPLATE_PATH_ENV;

pub struct Engine {
    worker_id: String,
    state: Mutex<State>,
}

impl Engine {
    /// Builds an engine from its bootstrap config: loads and validates templates (shipped,
    /// `TASKER_TEMPLATE_PATH`, `template_path`) and sets up the clock and id source.
    pub fn new(config: BootstrapConfig) -> Result<Engine> {
        let state = State::bootstrap(config)?;
        Ok(Engine {
            worker_id: state.worker_id.clone(),
            state: Mutex::new(state),
        })
    }

    /// The state, even after a panic elsewhere poisoned the lock: operations validate before
    /// they mutate, so a poisoned state is as consistent as Rust's unwinding left it, and
    /// refusing every later call would be worse.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    pub fn status(&self) -> WorkerStatus {
        self.state().status()
    }

    /// Stops handing out steps; results of steps already handed out are still accepted.
    pub fn begin_graceful_shutdown(&self) -> WorkerStatus {
        self.state().begin_graceful_shutdown()
    }

    /// The next ready step (oldest task first, then template order), or `None`.
    pub fn poll_step_event(&self) -> Result<Option<StepEvent>> {
        Ok(self.state().poll_step_event())
    }

    /// The oldest queued domain event, or `None`.
    pub fn poll_domain_event(&self) -> Option<DomainEvent> {
        self.state().poll_domain_event()
    }

    pub fn complete_step_event(&self, event_id: &str, result: StepExecutionResult) -> Result<bool> {
        self.state().complete_step_event(event_id, result)
    }

    pub fn checkpoint_yield(&self, event_id: &str, data: CheckpointYieldData) -> Result<bool> {
        self.state().checkpoint_yield(event_id, data)
    }

    pub fn dispatch_metrics(&self) -> DispatchMetrics {
        self.state().dispatch_metrics()
    }

    /// Returns how many ready steps have waited longer than the starvation threshold.
    pub fn check_starvation_warnings(&self) -> u32 {
        self.state().check_starvation_warnings()
    }

    /// Returns how many timed-out steps were reclaimed.
    pub fn cleanup_timeouts(&self) -> u32 {
        self.state().cleanup_timeouts()
    }

    pub fn log(
        &self,
        level: LogLevel,
        message: &str,
        fields: Option<serde_json::Map<String, Json>>,
    ) {
        self.state().log(level, message, fields);
    }

    /// How many log records of `level` this engine has seen (written or not).
    pub fn log_count(&self, level: LogLevel) -> u64 {
        self.state()
            .log_counts
            .get(level as usize)
            .copied()
            .unwrap_or(0)
    }

    /// Domain events dropped because the queue was full.
    pub fn dropped_domain_events(&self) -> u64 {
        self.state().counters.dropped_domain_events
    }

    pub fn create_task(&self, request: TaskRequest) -> Result<TaskResponse> {
        self.state().create_task(request)
    }

    pub fn get_task(&self, task_uuid: &str) -> Result<TaskResponse> {
        self.state().get_task(task_uuid)
    }

    pub fn list_tasks(&self, params: ListTasksParams) -> Result<TaskListResponse> {
        self.state().list_tasks(params)
    }

    pub fn cancel_task(&self, task_uuid: &str) -> Result<TaskResponse> {
        self.state().cancel_task(task_uuid)
    }

    pub fn list_task_steps(&self, task_uuid: &str) -> Result<Vec<StepReadiness>> {
        self.state().list_task_steps(task_uuid)
    }

    pub fn get_step(&self, task_uuid: &str, step_uuid: &str) -> Result<StepReadiness> {
        self.state().get_step(task_uuid, step_uuid)
    }

    pub fn step_audit_history(
        &self,
        task_uuid: &str,
        step_uuid: &str,
    ) -> Result<Vec<StepAuditRecord>> {
        self.state().step_audit_history(task_uuid, step_uuid)
    }

    pub fn health(&self) -> HealthResponse {
        self.state().health()
    }
}
