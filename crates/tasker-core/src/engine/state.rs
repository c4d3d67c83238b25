//! The engine's state behind its one mutex, and the helpers every operation shares: lookups,
//! step transitions with their audit rows, domain events and log records.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use uuid::Uuid;

use super::clock::Clock;
use super::ids::IdSource;
use super::templates::{Template, TemplateRegistry, TEMPLATE_PATH_ENV};
use crate::dto::*;
use crate::error::{CoreError, Result};
use crate::logging::{self, Fields, LogRecord};
use crate::timestamp::{format_utc, parse_timestamp};

/// Domain events kept for `poll_domain_event`; past this the oldest are dropped (and counted) so
/// a worker that never drains them cannot grow memory without bound.
pub const DOMAIN_EVENT_CAPACITY: usize = 10_000;
/// Audit rows kept per step; a batch step that yields forever drops its oldest rows.
pub const AUDIT_CAPACITY_PER_STEP: usize = 1_000;
/// Cap of the exponential retry backoff.
pub(crate) const MAX_BACKOFF_MS: u64 = 60_000;
pub(crate) const DEFAULT_STEP_TIMEOUT_MS: u32 = 30_000;
pub(crate) const DEFAULT_STARVATION_THRESHOLD_MS: u32 = 10_000;
pub(crate) const DEFAULT_CLOCK_TICK_MS: u32 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TaskStatus {
    Pending,
    InProgress,
    Complete,
    Error,
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 5] = [
        TaskStatus::Pending,
        TaskStatus::InProgress,
        TaskStatus::Complete,
        TaskStatus::Error,
        TaskStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Pending => "pending",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Complete => "complete",
            TaskStatus::Error => "error",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Pending and in-progress tasks may still hand out steps.
    pub fn is_active(self) -> bool {
        matches!(self, TaskStatus::Pending | TaskStatus::InProgress)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepState {
    Pending,
    /// Yielded a checkpoint and waits to be handed out again (the run is not over).
    Enqueued,
    InProgress,
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

/// The last result a handler (or timeout cleanup) reported for a step.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub success: bool,
    pub status: String,
    pub result: Json,
    pub error_message: Option<String>,
    pub error_type: Option<String>,
    pub error_retryable: Option<bool>,
}

#[derive(Debug)]
pub(crate) struct Step {
    pub uuid: Uuid,
    pub state: StepState,
    pub attempts: u32,
    /// When a pending or enqueued step became dispatchable (its dependencies done); `None`
    /// while it waits on dependencies. Drives starvation and queue-age metrics.
    pub available_at: Option<NaiveDateTime>,
    pub last_failure_at: Option<NaiveDateTime>,
    pub next_retry_at: Option<NaiveDateTime>,
    pub outcome: Option<Outcome>,
    pub checkpoint: Option<CheckpointYieldData>,
    /// The event id it is handed out under, while in progress.
    pub claim: Option<Uuid>,
    pub audit: VecDeque<StepAuditRecord>,
}

#[derive(Debug)]
pub(crate) struct Task {
    pub uuid: Uuid,
    pub template: Arc<Template>,
    /// The request as accepted (ids normalised, `requested_at` cleared): the task's fields, and
    /// the fingerprint an idempotent replay is compared with.
    pub request: TaskRequest,
    pub correlation_id: String,
    pub requested_at: NaiveDateTime,
    pub status: TaskStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
    pub steps: Vec<Step>,
}

impl Task {
    pub fn deps_satisfied(&self, step: usize) -> bool {
        self.completed_parents(step) == self.total_parents(step)
    }

    pub fn total_parents(&self, step: usize) -> usize {
        self.template.steps.get(step).map_or(0, |s| s.deps.len())
    }

    pub fn completed_parents(&self, step: usize) -> usize {
        self.template.steps.get(step).map_or(0, |s| {
            s.deps
                .iter()
                .filter(|&&d| {
                    self.steps
                        .get(d)
                        .is_some_and(|d| d.state == StepState::Complete)
                })
                .count()
        })
    }

    /// Since when the step has been ready, if it is ready at `now`: an active task, its
    /// dependencies complete, and pending, enqueued, or waiting for a retry that is due.
    pub fn ready_since(&self, step: usize, now: NaiveDateTime) -> Option<NaiveDateTime> {
        if !self.status.is_active() {
            return None;
        }
        let s = self.steps.get(step)?;
        let since = match s.state {
            StepState::Pending | StepState::Enqueued => s.available_at,
            StepState::WaitingForRetry => s.next_retry_at,
            _ => None,
        }?;
        (since <= now && self.deps_satisfied(step)).then_some(since)
    }

    pub fn is_ready(&self, step: usize, now: NaiveDateTime) -> bool {
        self.ready_since(step, now).is_some()
    }

    pub fn step_index(&self, uuid: Uuid) -> Option<usize> {
        self.steps.iter().position(|s| s.uuid == uuid)
    }
}

/// A handed-out step event.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Claim {
    pub task: usize,
    pub step: usize,
    pub claimed_at: NaiveDateTime,
    /// Hand-out order, to visit claims deterministically.
    pub seq: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub completed: u32,
    pub failed: u32,
    pub retried: u32,
    pub checkpoints: u32,
    pub timed_out: u32,
    pub starvation_warnings: u32,
    pub dropped_domain_events: u64,
}

#[derive(Debug)]
pub(crate) struct Settings {
    /// `None`: every namespace.
    pub namespaces: Option<BTreeSet<String>>,
    pub step_timeout_ms: u32,
    pub starvation_threshold_ms: u32,
    pub log_threshold: Option<LogLevel>,
}

impl Settings {
    pub fn handles(&self, namespace: &str) -> bool {
        self.namespaces
            .as_ref()
            .is_none_or(|set| set.contains(namespace))
    }
}

/// What an audit row says besides the two states.
#[derive(Debug, Default)]
pub(crate) struct AuditDetail {
    pub worker_id: Option<String>,
    pub success: Option<bool>,
    pub execution_time_ms: Option<i64>,
    pub result: Option<Json>,
}

#[derive(Debug)]
pub(crate) struct State {
    pub worker_id: String,
    pub clock: Clock,
    pub ids: IdSource,
    pub settings: Settings,
    pub templates: TemplateRegistry,
    /// In creation order; every listing and dispatch scan follows it.
    pub tasks: Vec<Task>,
    /// Lookups only; never iterated, so hash order cannot leak into results.
    pub task_index: HashMap<Uuid, usize>,
    pub idempotency: HashMap<String, usize>,
    /// Indices of pending/in-progress tasks, so dispatch does not rescan finished ones.
    pub active: BTreeSet<usize>,
    pub in_flight: HashMap<Uuid, Claim>,
    pub claim_seq: u64,
    pub events: VecDeque<DomainEvent>,
    pub counters: Counters,
    pub shutting_down: bool,
    pub log_counts: [u64; 5],
}

impl State {
    pub fn bootstrap(config: BootstrapConfig) -> Result<State> {
        let start = match &config.clock_start {
            Some(raw) => parse_timestamp(raw).map_err(|err| {
                CoreError::InvalidArgument(format!(
                    "Invalid clock_start: {err} (expected RFC 3339, got \"{raw}\")"
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
        let log_threshold = match &config.log_level {
            Some(raw) => logging::parse_threshold(raw).ok_or_else(|| {
                CoreError::InvalidArgument(format!(
                    "Invalid log_level \"{raw}\" (expected error, warn, info, debug, trace or off)"
                ))
            })?,
            None => logging::env_threshold(),
        };
        let namespaces = match config.namespaces {
            Some(list) if list.is_empty() => {
                return Err(CoreError::InvalidArgument(
                    "namespaces must not be empty (omit it to handle every namespace)".to_owned(),
                ))
            }
            Some(list) => Some(list.into_iter().collect()),
            None => None,
        };
        let env_paths = std::env::var_os(TEMPLATE_PATH_ENV);
        let templates =
            TemplateRegistry::load(env_paths.as_deref(), config.template_path.as_deref())?;
        let worker_id = format!("typescript-worker-{}", ids.next());
        Ok(State {
            worker_id,
            clock,
            ids,
            settings: Settings {
                namespaces,
                step_timeout_ms: config.step_timeout_ms.unwrap_or(DEFAULT_STEP_TIMEOUT_MS),
                starvation_threshold_ms: config
                    .starvation_threshold_ms
                    .unwrap_or(DEFAULT_STARVATION_THRESHOLD_MS),
                log_threshold,
            },
            templates,
            tasks: Vec::new(),
            task_index: HashMap::new(),
            idempotency: HashMap::new(),
            active: BTreeSet::new(),
            in_flight: HashMap::new(),
            claim_seq: 0,
            events: VecDeque::new(),
            counters: Counters::default(),
            shutting_down: false,
            log_counts: [0; 5],
        })
    }

    /// Resolves a caller-supplied task id.
    pub fn find_task(&self, raw: &str) -> Result<usize> {
        let uuid = parse_uuid(raw, "task UUID")?;
        self.task_index
            .get(&uuid)
            .copied()
            .ok_or_else(|| CoreError::NotFound(format!("Task {uuid}")))
    }

    /// Resolves a caller-supplied task and step id pair (both parsed before either lookup).
    pub fn find_step(&self, task_raw: &str, step_raw: &str) -> Result<(usize, usize)> {
        let task_uuid = parse_uuid(task_raw, "task UUID")?;
        let step_uuid = parse_uuid(step_raw, "step UUID")?;
        let ti = self
            .task_index
            .get(&task_uuid)
            .copied()
            .ok_or_else(|| CoreError::NotFound(format!("Task {task_uuid}")))?;
        let si = self
            .tasks
            .get(ti)
            .and_then(|t| t.step_index(step_uuid))
            .ok_or_else(|| CoreError::NotFound(format!("Step {step_uuid}")))?;
        Ok((ti, si))
    }

    /// Moves a step to `to` and writes the audit row for it.
    pub fn transition(
        &mut self,
        ti: usize,
        si: usize,
        to: StepState,
        now: NaiveDateTime,
        detail: AuditDetail,
    ) {
        let audit_uuid = self.ids.next();
        let Some(task) = self.tasks.get_mut(ti) else {
            return;
        };
        let task_uuid = task.uuid;
        let name = task
            .template
            .steps
            .get(si)
            .map(|s| s.definition.name.clone())
            .unwrap_or_default();
        let Some(step) = task.steps.get_mut(si) else {
            return;
        };
        let from = step.state;
        step.state = to;
        push_audit(
            step,
            StepAuditRecord {
                audit_uuid: audit_uuid.to_string(),
                step_uuid: step.uuid.to_string(),
                task_uuid: task_uuid.to_string(),
                step_name: name,
                from_state: Some(from.as_str().to_owned()),
                to_state: to.as_str().to_owned(),
                worker_id: detail.worker_id,
                success: detail.success,
                execution_time_ms: detail.execution_time_ms,
                recorded_at: format_utc(now),
                result: detail.result,
            },
        );
    }

    /// Queues a domain event about a task (and one of its steps).
    pub fn emit_event(
        &mut self,
        name: &str,
        ti: usize,
        si: Option<usize>,
        now: NaiveDateTime,
        payload: Json,
    ) {
        let event_id = self.ids.next();
        let Some(task) = self.tasks.get(ti) else {
            return;
        };
        let step = si.and_then(|si| Some((task.steps.get(si)?, task.template.steps.get(si)?)));
        let event = DomainEvent {
            event_id: event_id.to_string(),
            event_name: name.to_owned(),
            event_version: "1.0".to_owned(),
            metadata: DomainEventMetadata {
                task_uuid: task.uuid.to_string(),
                step_uuid: step.map(|(s, _)| s.uuid.to_string()),
                step_name: step.map(|(_, d)| d.definition.name.clone()),
                namespace: task.request.namespace.clone(),
                correlation_id: task.correlation_id.clone(),
                fired_at: format_utc(now),
                fired_by: self.worker_id.clone(),
            },
            payload,
        };
        if self.events.len() >= DOMAIN_EVENT_CAPACITY {
            self.events.pop_front();
            self.counters.dropped_domain_events += 1;
            // Once, not per drop: a worker that ignores events would otherwise flood the log.
            if self.counters.dropped_domain_events == 1 {
                let mut fields = Fields::new();
                fields.insert("capacity".to_owned(), DOMAIN_EVENT_CAPACITY.into());
                self.log(
                    LogLevel::Warn,
                    "Domain event queue full; dropping the oldest events",
                    Some(fields),
                );
            }
        }
        self.events.push_back(event);
    }

    /// Records a log call: counted always, written when it passes the threshold.
    pub fn log(&mut self, level: LogLevel, message: &str, fields: Option<Fields>) {
        if let Some(count) = self.log_counts.get_mut(level as usize) {
            *count += 1;
        }
        if logging::passes(level, self.settings.log_threshold) {
            logging::write(&LogRecord {
                ts: format_utc(self.clock.peek()),
                level,
                worker_id: Some(&self.worker_id),
                message,
                fields: fields.unwrap_or_default(),
            });
        }
    }

    /// Moves an active task to error after a step failed for good.
    pub fn fail_task(&mut self, ti: usize, si: usize, now: NaiveDateTime, message: &str) {
        let Some(task) = self.tasks.get_mut(ti) else {
            return;
        };
        if !task.status.is_active() {
            return;
        }
        task.status = TaskStatus::Error;
        task.updated_at = now;
        let requested_at = format_utc(task.requested_at);
        let failed_step = task
            .template
            .steps
            .get(si)
            .map(|s| s.definition.name.clone())
            .unwrap_or_default();
        self.active.remove(&ti);
        let payload = serde_json::json!({
            "failed_step": failed_step,
            "error_message": message,
            "requested_at": requested_at,
        });
        self.emit_event("task.failed", ti, None, now, payload);
    }

    /// `(task, step)` of every step ready at `now` in a namespace this worker handles, oldest
    /// task first and then in template order: the dispatch order.
    pub fn ready_steps(&self, now: NaiveDateTime) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.active
            .iter()
            .filter_map(|&ti| Some((ti, self.tasks.get(ti)?)))
            .filter(|(_, task)| self.settings.handles(&task.request.namespace))
            .flat_map(move |(ti, task)| {
                (0..task.steps.len())
                    .filter(move |&si| task.is_ready(si, now))
                    .map(move |si| (ti, si))
            })
    }
}

fn push_audit(step: &mut Step, record: StepAuditRecord) {
    if step.audit.len() >= AUDIT_CAPACITY_PER_STEP {
        step.audit.pop_front();
    }
    step.audit.push_back(record);
}

/// The first audit row of a new step (`from_state` is absent).
pub(crate) fn creation_audit(
    audit_uuid: Uuid,
    task_uuid: Uuid,
    step_uuid: Uuid,
    name: &str,
    now: NaiveDateTime,
) -> StepAuditRecord {
    StepAuditRecord {
        audit_uuid: audit_uuid.to_string(),
        step_uuid: step_uuid.to_string(),
        task_uuid: task_uuid.to_string(),
        step_name: name.to_owned(),
        from_state: None,
        to_state: StepState::Pending.as_str().to_owned(),
        worker_id: None,
        success: None,
        execution_time_ms: None,
        recorded_at: format_utc(now),
        result: None,
    }
}

/// Parses an id given by a caller; `what` names it in the error ("task UUID", "event ID").
pub(crate) fn parse_uuid(raw: &str, what: &str) -> Result<Uuid> {
    Uuid::parse_str(raw)
        .map_err(|_| CoreError::InvalidArgument(format!("Invalid {what}: {}", echo(raw))))
}

/// The caller's text as an error message quotes it: whole up to 80 characters, else its start and
/// its length, so a hostile 100 MB id cannot become a 100 MB message (or log line).
pub(crate) fn echo(raw: &str) -> std::borrow::Cow<'_, str> {
    const LIMIT: usize = 80;
    match raw.char_indices().nth(LIMIT) {
        None => raw.into(),
        Some((cut, _)) => format!("{}… ({} bytes)", &raw[..cut], raw.len()).into(),
    }
}

/// Saturating count conversion for the `u32` fields of the DTOs.
pub(crate) fn count_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn default_clock_start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or(NaiveDateTime::MIN)
}
