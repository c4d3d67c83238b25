//! The engine's state behind its one mutex: tasks, their workflow steps, the dispatch queue, the
//! pending map and the in-process event bus; and the small helpers every operation shares.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::Value;
use uuid::Uuid;

use super::clock::Clock;
use super::ids::IdSource;
use super::registry::{LoadedTemplate, TemplateKey, TemplateRegistry, TEMPLATE_PATH_ENV};
use crate::error::{CoreError, Result};
use crate::logging;
use crate::model::*;
use crate::parse::parse_timestamp;

/// The in-process bus keeps this many events (tasker's broadcast buffer); past it the oldest
/// are dropped, as a lagging broadcast receiver loses them.
pub const DOMAIN_EVENT_CAPACITY: usize = 1000;
/// tasker's FFI completion timeout.
pub(crate) const DEFAULT_STEP_TIMEOUT_MS: u32 = 30_000;
/// tasker's starvation warning threshold.
pub(crate) const DEFAULT_STARVATION_THRESHOLD_MS: u32 = 10_000;
pub(crate) const DEFAULT_CLOCK_TICK_MS: u32 = 1_000;
/// The publisher tasker's TypeScript bridge always used.
pub(crate) const FIRED_BY: &str = "DefaultDomainEventPublisher";

/// tasker's task states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TaskState {
    Pending,
    Initializing,
    EnqueuingSteps,
    StepsInProcess,
    EvaluatingResults,
    WaitingForDependencies,
    BlockedByFailures,
    Complete,
    Cancelled,
}

impl TaskState {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Pending => "pending",
            TaskState::Initializing => "initializing",
            TaskState::EnqueuingSteps => "enqueuing_steps",
            TaskState::StepsInProcess => "steps_in_process",
            TaskState::EvaluatingResults => "evaluating_results",
            TaskState::WaitingForDependencies => "waiting_for_dependencies",
            TaskState::BlockedByFailures => "blocked_by_failures",
            TaskState::Complete => "complete",
            TaskState::Cancelled => "cancelled",
        }
    }

    /// Terminal states: nothing moves the task any more.
    pub fn is_terminal(self) -> bool {
        matches!(self, TaskState::Complete | TaskState::Cancelled)
    }
}

/// tasker's step states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepState {
    Pending,
    Enqueued,
    InProgress,
    EnqueuedForOrchestration,
    EnqueuedAsErrorForOrchestration,
    WaitingForRetry,
    Complete,
    Error,
    Cancelled,
}

impl StepState {
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Pending => "pending",
            StepState::Enqueued => "enqueued",
            StepState::InProgress => "in_progress",
            StepState::EnqueuedForOrchestration => "enqueued_for_orchestration",
            StepState::EnqueuedAsErrorForOrchestration => "enqueued_as_error_for_orchestration",
            StepState::WaitingForRetry => "waiting_for_retry",
            StepState::Complete => "complete",
            StepState::Error => "error",
            StepState::Cancelled => "cancelled",
        }
    }

    pub fn is_finished(self) -> bool {
        matches!(
            self,
            StepState::Complete | StepState::Error | StepState::Cancelled
        )
    }
}

/// One workflow step of a task.
#[derive(Debug)]
pub(crate) struct StepRec {
    pub uuid: Uuid,
    pub named_step_uuid: Uuid,
    /// Instance name (`{template}_{batch_id}` for a batch worker).
    pub name: String,
    /// The template step it runs (its handler and definition).
    pub template_step: String,
    pub state: StepState,
    /// Indices of the steps it has an edge from (the DAG as created, not as declared).
    pub parents: Vec<usize>,
    pub retryable: bool,
    pub max_attempts: i32,
    /// Claims so far (incremented when a worker takes the step).
    pub attempts: i32,
    pub in_process: bool,
    pub processed: bool,
    pub processed_at: Option<NaiveDateTime>,
    pub last_attempted_at: Option<NaiveDateTime>,
    pub last_failure_at: Option<NaiveDateTime>,
    pub next_retry_at: Option<NaiveDateTime>,
    pub backoff_request_seconds: Option<i32>,
    pub inputs: Option<Value>,
    /// The last accepted result, as stored (`results`) and typed.
    pub result: Option<StepExecutionResult>,
    pub results: Option<Value>,
    /// The stored `CheckpointRecord`, once the step has yielded.
    pub checkpoint: Option<Value>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Newest last; read newest first.
    pub audit: Vec<StepAuditResponse>,
}

#[derive(Debug)]
pub(crate) struct TaskRec {
    pub uuid: Uuid,
    pub named_task_uuid: Uuid,
    pub template: Arc<LoadedTemplate>,
    pub namespace: String,
    pub name: String,
    pub version: String,
    pub context: Value,
    pub initiator: String,
    pub source_system: String,
    pub reason: String,
    pub tags: Vec<String>,
    pub priority: i32,
    pub correlation_id: Uuid,
    pub parent_correlation_id: Option<Uuid>,
    pub identity_hash: String,
    pub requested_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub complete: bool,
    pub state: TaskState,
    pub steps: Vec<StepRec>,
    /// Instance name → index.
    pub by_name: HashMap<String, usize>,
}

impl TaskRec {
    pub fn definition(&self, si: usize) -> Option<&StepDefinition> {
        let step = self.steps.get(si)?;
        self.template.template.step(&step.template_step)
    }

    pub fn deps_satisfied(&self, si: usize) -> bool {
        self.steps.get(si).is_some_and(|s| {
            s.parents.iter().all(|&p| {
                self.steps
                    .get(p)
                    .is_some_and(|p| p.state == StepState::Complete)
            })
        })
    }

    pub fn completed_parents(&self, si: usize) -> usize {
        self.steps.get(si).map_or(0, |s| {
            s.parents
                .iter()
                .filter(|&&p| {
                    self.steps
                        .get(p)
                        .is_some_and(|p| p.state == StepState::Complete)
                })
                .count()
        })
    }

    /// `attempts == 0 || (retryable && attempts < max_attempts)`, as tasker's readiness SQL.
    pub fn retry_eligible(&self, si: usize) -> bool {
        self.steps
            .get(si)
            .is_some_and(|s| s.attempts == 0 || (s.retryable && s.attempts < s.max_attempts))
    }

    /// tasker's `ready_for_execution`.
    pub fn is_ready(&self, si: usize, now: NaiveDateTime) -> bool {
        let Some(s) = self.steps.get(si) else {
            return false;
        };
        matches!(s.state, StepState::Pending | StepState::WaitingForRetry)
            && !s.processed
            && !s.in_process
            && self.deps_satisfied(si)
            && self.retry_eligible(si)
            && s.next_retry_at.is_none_or(|at| at <= now)
    }
}

/// Something the dispatch queue hands out next.
#[derive(Debug)]
pub(crate) enum Queued {
    /// An enqueued step, claimed when it is polled.
    Step { task: usize, step: usize },
    /// A checkpoint continuation: the same claim, handed out again under a new event id.
    Continuation {
        task: usize,
        step: usize,
        event: Box<StepEvent>,
    },
}

/// An event handed out and not yet completed (tasker's pending map).
#[derive(Debug)]
pub(crate) struct Pending {
    pub task: usize,
    pub step: usize,
    pub dispatched_at: NaiveDateTime,
    /// Hand-out order, to visit the map deterministically.
    pub seq: u64,
    /// The snapshot handed out; a checkpoint continuation re-sends it.
    pub event: Box<StepEvent>,
}

#[derive(Debug)]
pub(crate) struct Settings {
    /// `None`: every namespace.
    pub namespaces: Option<BTreeSet<String>>,
    pub step_timeout_ms: u32,
    pub starvation_threshold_ms: u32,
    pub environment: String,
}

impl Settings {
    pub fn handles(&self, namespace: &str) -> bool {
        self.namespaces
            .as_ref()
            .is_none_or(|set| set.contains(namespace))
    }
}

#[derive(Debug)]
pub(crate) struct State {
    pub worker_id: String,
    /// The uuid inside `worker_id`, the `worker_uuid` of audit rows.
    pub worker_uuid: Uuid,
    pub clock: Clock,
    pub ids: IdSource,
    pub settings: Settings,
    pub templates: TemplateRegistry,
    /// In creation order.
    pub tasks: Vec<TaskRec>,
    pub task_index: HashMap<Uuid, usize>,
    pub idempotency: HashMap<String, usize>,
    /// Tasks not in a terminal state, so the readiness pass skips finished ones.
    pub active: BTreeSet<usize>,
    pub queue: VecDeque<Queued>,
    pub pending: HashMap<Uuid, Pending>,
    pub dispatch_seq: u64,
    pub named_tasks: HashMap<TemplateKey, Uuid>,
    pub named_steps: HashMap<(TemplateKey, String), Uuid>,
    pub events: VecDeque<DomainEvent>,
    /// After `transition_to_graceful_shutdown`: nothing new is handed out.
    pub shutting_down: bool,
}

impl State {
    pub fn bootstrap(config: BootstrapConfig) -> Result<State> {
        let start = match &config.clock_start {
            Some(raw) => parse_timestamp(raw).map_err(|err| {
                CoreError::InvalidArgument(format!(
                    "Invalid clock_start: {err} (expected RFC 3339, got \"{}\")",
                    crate::parse::quote(raw)
                ))
            })?,
            None => default_clock_start(),
        };
        let (clock, mut ids) = match config.seed {
            Some(seed) => (
                Clock::fixed(start, config.clock_tick_ms.unwrap_or(DEFAULT_CLOCK_TICK_MS)),
                IdSource::seeded(seed),
            ),
            None => (Clock::Real, IdSource::Random),
        };
        logging::configure(config.log_level.as_deref())?;
        let namespaces = match config.namespaces {
            Some(list) if list.is_empty() => {
                return Err(CoreError::InvalidArgument(
                    "namespaces must not be empty (omit it to take every namespace)".to_owned(),
                ))
            }
            Some(list) => Some(list.into_iter().collect()),
            None => None,
        };
        let env_paths = std::env::var_os(TEMPLATE_PATH_ENV);
        let templates =
            TemplateRegistry::load(env_paths.as_deref(), config.template_path.as_deref())?;
        let worker_uuid = ids.next();
        Ok(State {
            worker_id: format!("typescript-worker-{worker_uuid}"),
            worker_uuid,
            clock,
            ids,
            settings: Settings {
                namespaces,
                step_timeout_ms: config.step_timeout_ms.unwrap_or(DEFAULT_STEP_TIMEOUT_MS),
                starvation_threshold_ms: config
                    .starvation_threshold_ms
                    .unwrap_or(DEFAULT_STARVATION_THRESHOLD_MS),
                environment: std::env::var("TASKER_ENV")
                    .ok()
                    .filter(|e| !e.is_empty())
                    .unwrap_or_else(|| "development".to_owned()),
            },
            templates,
            tasks: Vec::new(),
            task_index: HashMap::new(),
            idempotency: HashMap::new(),
            active: BTreeSet::new(),
            queue: VecDeque::new(),
            pending: HashMap::new(),
            dispatch_seq: 0,
            named_tasks: HashMap::new(),
            named_steps: HashMap::new(),
            events: VecDeque::new(),
            shutting_down: false,
        })
    }

    pub fn task(&self, ti: usize) -> Result<&TaskRec> {
        self.tasks.get(ti).ok_or_else(inconsistent)
    }

    pub fn task_mut(&mut self, ti: usize) -> Result<&mut TaskRec> {
        self.tasks.get_mut(ti).ok_or_else(inconsistent)
    }

    pub fn find_task(&self, uuid: Uuid) -> Result<usize> {
        self.task_index
            .get(&uuid)
            .copied()
            .ok_or_else(|| CoreError::NotFound(format!("Task {uuid}")))
    }

    pub fn find_step(&self, task: Uuid, step: Uuid) -> Result<(usize, usize)> {
        let ti = self.find_task(task)?;
        let si = self
            .task(ti)?
            .steps
            .iter()
            .position(|s| s.uuid == step)
            .ok_or_else(|| CoreError::NotFound(format!("Step {step} of task {task}")))?;
        Ok((ti, si))
    }

    /// The stable id of a template (tasker's `named_tasks` row), allocated on first use.
    pub fn named_task_uuid(&mut self, key: &TemplateKey) -> Uuid {
        if let Some(id) = self.named_tasks.get(key) {
            return *id;
        }
        let id = self.ids.next();
        self.named_tasks.insert(key.clone(), id);
        id
    }

    /// The stable id of a named step of a template, allocated on first use.
    pub fn named_step_uuid(&mut self, key: &TemplateKey, step: &str) -> Uuid {
        let k = (key.clone(), step.to_owned());
        if let Some(id) = self.named_steps.get(&k) {
            return *id;
        }
        let id = self.ids.next();
        self.named_steps.insert(k, id);
        id
    }

    /// Writes an engine log line (target `tasker_core::engine`).
    /// `fields` is a `json!({...})` object; anything else is logged whole as `fields`.
    pub fn log(&self, level: LogLevel, message: &str, fields: Value) {
        let fields = match fields {
            Value::Object(fields) => fields.into_iter().collect(),
            other => BTreeMap::from([("fields".to_owned(), other)]),
        };
        logging::emit(logging::ENGINE_TARGET, level, message, Some(&fields));
    }
}

pub(crate) fn template_key(t: &TaskTemplate) -> TemplateKey {
    (t.namespace_name.clone(), t.name.clone(), t.version.clone())
}

fn default_clock_start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

pub(crate) fn inconsistent() -> CoreError {
    CoreError::Internal("engine state inconsistent".to_owned())
}

pub(crate) fn count_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
