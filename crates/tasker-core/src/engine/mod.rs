//! The embedded engine: an in-process stand-in for tasker's orchestration server and worker,
//! with tasker's semantics (docs/engine.md).
//!
//! One [`Engine`] holds its state behind a single mutex and is shared through an `Arc`; every
//! operation takes the lock once, so each call is atomic with respect to the others.
//!
//! **Clock reads.** With a seed the fixed clock advances one tick per read. Operations that
//! change state or act on time read it once, after validating their input; pure queries only
//! peek, so a failed or read-only call never changes what later calls see.

mod client;
mod clock;
mod dispatch;
mod ids;
mod orchestrate;
pub mod registry;
mod sanitize;
mod schema;
mod state;
mod views;

use std::sync::{Mutex, MutexGuard, PoisonError};

use uuid::Uuid;

use crate::error::Result;
use crate::model::*;
use state::State;

pub use registry::TEMPLATE_PATH_ENV;
pub use state::DOMAIN_EVENT_CAPACITY;

pub struct Engine {
    worker_id: String,
    state: Mutex<State>,
}

impl Engine {
    /// Builds an engine from its bootstrap config: loads and validates the templates (shipped,
    /// `TASKER_TEMPLATE_PATH`, `template_path`), the clock and the id source.
    pub fn new(config: BootstrapConfig) -> Result<Engine> {
        let state = State::bootstrap(config)?;
        Ok(Engine {
            worker_id: state.worker_id.clone(),
            state: Mutex::new(state),
        })
    }

    /// The state, even after a panic elsewhere poisoned the lock: operations validate before
    /// they mutate, and refusing every later call would be worse.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    pub fn running(&self) -> RunningWorker {
        let state = self.state();
        let namespaces = match &state.settings.namespaces {
            Some(set) => set.iter().cloned().collect(),
            None => state.templates.namespaces(),
        };
        RunningWorker {
            worker_id: self.worker_id.clone(),
            core_status: if state.shutting_down {
                "Stopped"
            } else {
                "Running"
            }
            .to_owned(),
            environment: state.settings.environment.clone(),
            supported_namespaces: namespaces,
        }
    }

    /// Stops handing out steps; results of steps already handed out are still accepted.
    pub fn begin_graceful_shutdown(&self) {
        self.state().shutting_down = true;
    }

    pub fn poll_step_event(&self) -> Result<Option<StepEvent>> {
        self.state().poll_step_event()
    }

    pub fn poll_domain_event(&self) -> Option<DomainEvent> {
        self.state().poll_domain_event()
    }

    pub fn complete_step_event(&self, event_id: Uuid, result: StepExecutionResult) -> Result<bool> {
        self.state().complete_step_event(event_id, result)
    }

    pub fn checkpoint_yield(&self, event_id: Uuid, data: CheckpointYieldData) -> Result<bool> {
        self.state().checkpoint_yield(event_id, data)
    }

    pub fn dispatch_metrics(&self) -> DispatchMetrics {
        self.state().dispatch_metrics()
    }

    /// How many pending events are older than the starvation threshold (each logged).
    pub fn check_starvation_warnings(&self) -> u32 {
        self.state().check_starvation_warnings()
    }

    /// How many pending events timed out (each failed as tasker's channel fails them).
    pub fn cleanup_timeouts(&self) -> Result<u32> {
        self.state().cleanup_timeouts()
    }

    pub fn create_task(&self, request: TaskRequest) -> Result<TaskResponse> {
        self.state().create_task(request)
    }

    pub fn get_task(&self, task: Uuid) -> Result<TaskResponse> {
        self.state().get_task(task)
    }

    pub fn list_tasks(&self, params: ListTasksParams) -> Result<TaskListResponse> {
        self.state().list_tasks(params)
    }

    pub fn cancel_task(&self, task: Uuid) -> Result<CancelResponse> {
        self.state().cancel_task(task)
    }

    pub fn list_task_steps(&self, task: Uuid) -> Result<Vec<StepResponse>> {
        self.state().list_task_steps(task)
    }

    pub fn get_step(&self, task: Uuid, step: Uuid) -> Result<StepResponse> {
        self.state().get_step(task, step)
    }

    pub fn step_audit_history(&self, task: Uuid, step: Uuid) -> Result<Vec<StepAuditResponse>> {
        self.state().step_audit_history(task, step)
    }

    pub fn health(&self) -> HealthResponse {
        self.state().health()
    }
}
