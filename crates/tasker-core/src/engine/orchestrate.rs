//! Orchestration as tasker's server does it, synchronously: which steps exist, when they are
//! enqueued, how a task finalizes, and what decision and batchable outcomes create.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::NaiveDateTime;
use serde_json::{json, Map, Value};

use super::state::{template_key, Queued, State, StepRec, StepState, TaskRec, TaskState};
use crate::error::Result;
use crate::model::*;

/// `execution_status` and the counts of `get_task_execution_context`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExecutionContext {
    pub total: usize,
    pub pending: usize,
    pub in_progress: usize,
    pub completed: usize,
    pub failed: usize,
    pub ready: usize,
    pub status: ExecutionStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExecutionStatus {
    BlockedByFailures,
    HasReadySteps,
    Processing,
    AllComplete,
    WaitingForDependencies,
}

impl ExecutionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::BlockedByFailures => "blocked_by_failures",
            ExecutionStatus::HasReadySteps => "has_ready_steps",
            ExecutionStatus::Processing => "processing",
            ExecutionStatus::AllComplete => "all_complete",
            ExecutionStatus::WaitingForDependencies => "waiting_for_dependencies",
        }
    }

    pub fn recommended_action(self) -> &'static str {
        match self {
            ExecutionStatus::BlockedByFailures => "handle_failures",
            ExecutionStatus::HasReadySteps => "execute_ready_steps",
            ExecutionStatus::Processing => "wait_for_completion",
            ExecutionStatus::AllComplete => "finalize_task",
            ExecutionStatus::WaitingForDependencies => "wait_for_dependencies",
        }
    }
}

pub(crate) fn execution_context(task: &TaskRec, now: NaiveDateTime) -> ExecutionContext {
    let count = |f: &dyn Fn(StepState) -> bool| task.steps.iter().filter(|s| f(s.state)).count();
    let total = task.steps.len();
    let pending = count(&|s| s == StepState::Pending);
    let in_progress = count(&|s| s == StepState::InProgress);
    let completed = count(&|s| s == StepState::Complete);
    let failed = count(&|s| s == StepState::Error);
    let ready = (0..total).filter(|&si| task.is_ready(si, now)).count();
    let busy = count(&|s| {
        matches!(
            s,
            StepState::InProgress
                | StepState::Enqueued
                | StepState::EnqueuedForOrchestration
                | StepState::EnqueuedAsErrorForOrchestration
        )
    });
    let status = if failed > 0 {
        ExecutionStatus::BlockedByFailures
    } else if ready > 0 {
        ExecutionStatus::HasReadySteps
    } else if busy > 0 {
        ExecutionStatus::Processing
    } else if completed == total && total > 0 {
        ExecutionStatus::AllComplete
    } else {
        ExecutionStatus::WaitingForDependencies
    };
    ExecutionContext {
        total,
        pending,
        in_progress,
        completed,
        failed,
        ready,
        status,
    }
}

/// Every template step that (transitively) depends on `from`.
fn descendants(template: &TaskTemplate, from: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut todo = VecDeque::from([from.to_owned()]);
    while let Some(name) = todo.pop_front() {
        for step in &template.steps {
            if step.dependencies.contains(&name) && found.insert(step.name.clone()) {
                todo.push_back(step.name.clone());
            }
        }
    }
    found
}

/// tasker's `initial_step_set`: without decision steps every step but batch workers and
/// deferred convergences; with them, every step not below a decision, batch workers excepted.
pub(crate) fn initial_steps(template: &TaskTemplate) -> Vec<&StepDefinition> {
    let decisions: Vec<&str> = template
        .steps
        .iter()
        .filter(|s| s.step_type == StepType::Decision)
        .map(|s| s.name.as_str())
        .collect();
    if decisions.is_empty() {
        return template
            .steps
            .iter()
            .filter(|s| {
                !matches!(
                    s.step_type,
                    StepType::BatchWorker | StepType::DeferredConvergence
                )
            })
            .collect();
    }
    let below: BTreeSet<String> = decisions
        .iter()
        .flat_map(|d| descendants(template, d))
        .collect();
    template
        .steps
        .iter()
        .filter(|s| s.step_type != StepType::BatchWorker && !below.contains(&s.name))
        .collect()
}

impl State {
    /// Creates a workflow step of task `ti` (no edges yet) and returns its index.
    pub(crate) fn add_step(
        &mut self,
        ti: usize,
        name: String,
        def: &StepDefinition,
        inputs: Option<Value>,
        now: NaiveDateTime,
    ) -> Result<usize> {
        let key = template_key(&self.task(ti)?.template.template);
        let named = self.named_step_uuid(&key, &name);
        let uuid = self.ids.next();
        let task = self.task_mut(ti)?;
        let si = task.steps.len();
        task.steps.push(StepRec {
            uuid,
            named_step_uuid: named,
            name: name.clone(),
            template_step: def.name.clone(),
            state: StepState::Pending,
            parents: Vec::new(),
            retryable: def.retry.retryable,
            max_attempts: i32::try_from(def.retry.max_attempts).unwrap_or(i32::MAX),
            attempts: 0,
            in_process: false,
            processed: false,
            processed_at: None,
            last_attempted_at: None,
            last_failure_at: None,
            next_retry_at: None,
            backoff_request_seconds: None,
            inputs,
            result: None,
            results: None,
            checkpoint: None,
            created_at: now,
            updated_at: now,
            audit: Vec::new(),
        });
        task.by_name.insert(name, si);
        Ok(si)
    }

    pub(crate) fn set_task_state(&mut self, ti: usize, to: TaskState, now: NaiveDateTime) {
        if let Some(task) = self.tasks.get_mut(ti) {
            task.state = to;
            task.updated_at = now;
            if to.is_terminal() {
                self.active.remove(&ti);
            }
        }
    }

    /// Moves every ready step of the task to `enqueued` and queues it for dispatch.
    pub(crate) fn enqueue_ready(&mut self, ti: usize, now: NaiveDateTime) -> usize {
        let Some(task) = self.tasks.get_mut(ti) else {
            return 0;
        };
        let ready: Vec<usize> = (0..task.steps.len())
            .filter(|&si| task.is_ready(si, now))
            .collect();
        for &si in &ready {
            if let Some(step) = task.steps.get_mut(si) {
                // waiting_for_retry → pending → enqueued, as tasker's enqueuer moves it.
                step.state = StepState::Enqueued;
                step.updated_at = now;
            }
            self.queue.push_back(Queued::Step { task: ti, step: si });
        }
        ready.len()
    }

    /// Finalization by execution status (tasker's `TaskFinalizer`), for a task that is
    /// `evaluating_results`.
    pub(crate) fn finalize(&mut self, ti: usize, now: NaiveDateTime) -> Result<()> {
        let context = execution_context(self.task(ti)?, now);
        match context.status {
            ExecutionStatus::AllComplete => {
                self.task_mut(ti)?.complete = true;
                self.set_task_state(ti, TaskState::Complete, now);
            }
            ExecutionStatus::BlockedByFailures => {
                self.set_task_state(ti, TaskState::BlockedByFailures, now);
            }
            ExecutionStatus::HasReadySteps => {
                self.set_task_state(ti, TaskState::EnqueuingSteps, now);
                self.enqueue_ready(ti, now);
                self.set_task_state(ti, TaskState::StepsInProcess, now);
            }
            ExecutionStatus::WaitingForDependencies => {
                self.set_task_state(ti, TaskState::WaitingForDependencies, now);
            }
            // Siblings still run; their results finalize again.
            ExecutionStatus::Processing => {}
        }
        Ok(())
    }

    /// After a step result (tasker's `TaskCoordinator`): a task in process is evaluated; any
    /// other state (blocked, waiting, terminal) is left alone.
    pub(crate) fn coordinate(&mut self, ti: usize, now: NaiveDateTime) -> Result<()> {
        match self.task(ti)?.state {
            TaskState::StepsInProcess => {
                self.set_task_state(ti, TaskState::EvaluatingResults, now);
                self.finalize(ti, now)
            }
            TaskState::EvaluatingResults => self.finalize(ti, now),
            _ => Ok(()),
        }
    }

    /// The readiness poller: a waiting task whose steps became ready (a retry came due) is
    /// evaluated and its steps enqueued.
    pub(crate) fn readiness_pass(&mut self, now: NaiveDateTime) -> Result<()> {
        let waiting: Vec<usize> = self
            .active
            .iter()
            .copied()
            .filter(|&ti| {
                self.tasks.get(ti).is_some_and(|t| {
                    t.state == TaskState::WaitingForDependencies
                        && (0..t.steps.len()).any(|si| t.is_ready(si, now))
                })
            })
            .collect();
        for ti in waiting {
            self.set_task_state(ti, TaskState::EvaluatingResults, now);
            self.finalize(ti, now)?;
        }
        Ok(())
    }

    /// The results of every completed ancestor of a step, keyed by name.
    pub(crate) fn dependency_results(
        &self,
        ti: usize,
        si: usize,
    ) -> Result<BTreeMap<String, StepExecutionResult>> {
        let task = self.task(ti)?;
        let mut seen = BTreeSet::new();
        let mut todo: VecDeque<usize> = task
            .steps
            .get(si)
            .map(|s| s.parents.iter().copied().collect())
            .unwrap_or_default();
        let mut results = BTreeMap::new();
        while let Some(p) = todo.pop_front() {
            if !seen.insert(p) {
                continue;
            }
            let Some(parent) = task.steps.get(p) else {
                continue;
            };
            if parent.processed {
                if let Some(result) = &parent.result {
                    results.insert(parent.name.clone(), result.clone());
                }
            }
            todo.extend(parent.parents.iter().copied());
        }
        Ok(results)
    }

    /// Runs the outcome of a completed decision or batchable step. Failures are logged, never
    /// fatal (tasker: the task finalizes without the branch).
    pub(crate) fn process_outcome(&mut self, ti: usize, si: usize, now: NaiveDateTime) {
        let Ok(task) = self.task(ti) else { return };
        let Some(def) = task.definition(si).cloned() else {
            return;
        };
        // tasker looks the instance name up in the template: batch workers are plain steps.
        if task
            .steps
            .get(si)
            .is_some_and(|s| s.name != s.template_step)
        {
            return;
        }
        let result = task
            .steps
            .get(si)
            .and_then(|s| s.result.as_ref())
            .map(|r| r.result.clone())
            .unwrap_or(Value::Null);
        let outcome = match def.step_type {
            StepType::Decision => self.process_decision(ti, si, &def, &result, now),
            StepType::Batchable => self.process_batchable(ti, si, &def, &result, now),
            _ => return,
        };
        if let Err(message) = outcome {
            self.log(
                LogLevel::Warn,
                "Step outcome not applied",
                json!({"step": def.name, "error": message}),
            );
        }
    }

    fn process_decision(
        &mut self,
        ti: usize,
        decision_index: usize,
        decision: &StepDefinition,
        result: &Value,
        now: NaiveDateTime,
    ) -> std::result::Result<(), String> {
        let Some(raw) = result.get("decision_point_outcome") else {
            return Err("decision step result has no decision_point_outcome".to_owned());
        };
        let outcome: DecisionPointOutcome = serde_json::from_value(raw.clone())
            .map_err(|e| format!("invalid decision_point_outcome: {e}"))?;
        let DecisionPointOutcome::CreateSteps { step_names } = outcome else {
            return Ok(());
        };
        if step_names.len() > 100 {
            return Err(format!(
                "decision requested {} steps; at most 100 are allowed",
                step_names.len()
            ));
        }
        let template = self.task(ti).map_err(|e| e.to_string())?.template.clone();
        let template = &template.template;
        let segments = decision_segments(template, &decision.name);
        for name in &step_names {
            if !segments.iter().any(|seg| seg.steps.contains(name)) {
                return Err(format!(
                    "Step '{name}' is not a valid descendant of decision point '{}'",
                    decision.name
                ));
            }
        }
        let mut set: BTreeSet<String> = step_names.iter().cloned().collect();
        let touched: Vec<&Segment> = segments
            .iter()
            .filter(|seg| step_names.iter().any(|n| seg.steps.contains(n)))
            .collect();
        for seg in &touched {
            set.extend(seg.exits.iter().cloned());
        }
        let in_segments: BTreeSet<&String> = touched.iter().flat_map(|s| s.steps.iter()).collect();
        // Forward walk within the segments, past neither convergence nor batch workers.
        let mut todo: VecDeque<String> = set.iter().cloned().collect();
        while let Some(name) = todo.pop_front() {
            for step in &template.steps {
                if step.dependencies.contains(&name)
                    && in_segments.contains(&step.name)
                    && !matches!(
                        step.step_type,
                        StepType::DeferredConvergence | StepType::BatchWorker
                    )
                    && set.insert(step.name.clone())
                {
                    todo.push_back(step.name.clone());
                }
            }
        }
        let convergence: Vec<String> = template
            .steps
            .iter()
            .filter(|s| {
                s.step_type == StepType::DeferredConvergence
                    && s.dependencies.iter().any(|d| set.contains(d))
            })
            .map(|s| s.name.clone())
            .collect();
        set.extend(convergence.iter().cloned());
        // Then from the convergence steps over every step whose dependencies are all there.
        loop {
            let next = template.steps.iter().find(|s| {
                !set.contains(&s.name)
                    && !s.dependencies.is_empty()
                    && s.dependencies
                        .iter()
                        .all(|d| set.contains(d) || *d == decision.name)
                    && s.dependencies.iter().any(|d| convergence.contains(d))
            });
            match next {
                Some(s) => {
                    set.insert(s.name.clone());
                }
                None => break,
            }
        }
        // Creation, in template order; edges from steps created in this pass, else (except for
        // a convergence step) from the decision itself.
        let task = self.task(ti).map_err(|e| e.to_string())?;
        let to_create: Vec<StepDefinition> = template
            .steps
            .iter()
            .filter(|s| set.contains(&s.name) && !task.by_name.contains_key(&s.name))
            .cloned()
            .collect();
        let mut plan: Vec<(StepDefinition, Vec<Option<String>>)> = Vec::new();
        for def in &to_create {
            let mut parents = Vec::new();
            for dep in &def.dependencies {
                if to_create.iter().any(|c| c.name == *dep) {
                    parents.push(Some(dep.clone()));
                } else if def.step_type != StepType::DeferredConvergence {
                    parents.push(None); // the decision
                }
            }
            if parents.iter().filter(|p| p.is_none()).count() > 1 {
                // tasker inserts the same decision edge twice and its transaction fails.
                return Err(format!(
                    "duplicate edge from decision point '{}' to step '{}'",
                    decision.name, def.name
                ));
            }
            plan.push((def.clone(), parents));
        }
        let mut created = BTreeMap::new();
        for (def, _) in &plan {
            let inputs = initialization(def);
            let si = self
                .add_step(ti, def.name.clone(), def, inputs, now)
                .map_err(|e| e.to_string())?;
            created.insert(def.name.clone(), si);
        }
        let task = self.task_mut(ti).map_err(|e| e.to_string())?;
        for (def, parents) in &plan {
            let Some(&si) = created.get(&def.name) else {
                continue;
            };
            let edges: Vec<usize> = parents
                .iter()
                .filter_map(|p| match p {
                    Some(name) => created.get(name).copied(),
                    None => Some(decision_index),
                })
                .collect();
            if let Some(step) = task.steps.get_mut(si) {
                step.parents = edges;
            }
        }
        Ok(())
    }

    fn process_batchable(
        &mut self,
        ti: usize,
        si: usize,
        batchable: &StepDefinition,
        result: &Value,
        now: NaiveDateTime,
    ) -> std::result::Result<(), String> {
        let Some(raw) = result.get("batch_processing_outcome") else {
            return Err("batchable step result has no batch_processing_outcome".to_owned());
        };
        let outcome: BatchProcessingOutcome = serde_json::from_value(raw.clone())
            .map_err(|e| format!("invalid batch_processing_outcome: {e}"))?;
        let task = self.task(ti).map_err(|e| e.to_string())?;
        // Idempotent: workers already made from this step mean the outcome ran.
        let has_workers = task
            .steps
            .iter()
            .any(|s| s.parents.contains(&si) && s.name != s.template_step);
        if has_workers {
            return Ok(());
        }
        let template = task.template.clone();
        let (worker_template, cursors, no_op) = match outcome {
            BatchProcessingOutcome::CreateBatches {
                worker_template_name,
                cursor_configs,
                ..
            } => {
                if cursor_configs.is_empty() {
                    return Err(
                        "cursor_configs cannot be empty for CreateBatches outcome".to_owned()
                    );
                }
                (worker_template_name, cursor_configs, false)
            }
            BatchProcessingOutcome::NoBatches => {
                let name = batchable
                    .handler
                    .initialization
                    .get("worker_template_name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        format!(
                            "Batchable step '{}' missing worker_template_name",
                            batchable.name
                        )
                    })?;
                let placeholder = CursorConfig {
                    batch_id: "000".to_owned(),
                    start_cursor: json!(0),
                    end_cursor: json!(0),
                    batch_size: 0,
                };
                (name.to_owned(), vec![placeholder], true)
            }
        };
        let worker = template
            .template
            .step(&worker_template)
            .ok_or_else(|| format!("Worker template not found: {worker_template}"))?
            .clone();
        if worker.step_type != StepType::BatchWorker {
            return Err(format!(
                "Template {worker_template} is not a BatchWorker type"
            ));
        }
        let batch_config = worker
            .batch_config
            .clone()
            .ok_or_else(|| format!("Step {worker_template} missing batch configuration"))?;
        let mut workers = Vec::with_capacity(cursors.len());
        for cursor in cursors {
            let name = format!("{worker_template}_{}", cursor.batch_id);
            let mut inputs: Map<String, Value> = worker
                .handler
                .initialization
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            inputs.insert(
                "cursor".to_owned(),
                serde_json::to_value(&cursor).map_err(|e| e.to_string())?,
            );
            inputs.insert(
                "batch_metadata".to_owned(),
                json!({
                    "cursor_field": batch_config.cursor_field,
                    "failure_strategy": batch_config.failure_strategy.as_str(),
                }),
            );
            inputs.insert("is_no_op".to_owned(), Value::Bool(no_op));
            inputs.insert(
                "__template_step_name".to_owned(),
                Value::from(worker_template.clone()),
            );
            let wi = self
                .add_step(ti, name, &worker, Some(Value::Object(inputs)), now)
                .map_err(|e| e.to_string())?;
            if let Some(step) = self.tasks.get_mut(ti).and_then(|t| t.steps.get_mut(wi)) {
                step.parents = vec![si];
            }
            workers.push(wi);
        }
        // Every convergence step waiting on this worker template: created once, with an edge
        // from every worker (none from the batchable step).
        let convergence: Vec<StepDefinition> = template
            .template
            .steps
            .iter()
            .filter(|s| {
                s.step_type == StepType::DeferredConvergence
                    && s.dependencies.contains(&worker_template)
            })
            .cloned()
            .collect();
        for def in convergence {
            let existing = self
                .task(ti)
                .map_err(|e| e.to_string())?
                .by_name
                .get(&def.name)
                .copied();
            let ci = match existing {
                Some(ci) => ci,
                None => self
                    .add_step(ti, def.name.clone(), &def, initialization(&def), now)
                    .map_err(|e| e.to_string())?,
            };
            if let Some(step) = self.tasks.get_mut(ti).and_then(|t| t.steps.get_mut(ci)) {
                for &w in &workers {
                    if !step.parents.contains(&w) {
                        step.parents.push(w);
                    }
                }
            }
        }
        Ok(())
    }
}

/// A step's `inputs`: its initialization, or NULL when that is empty.
pub(crate) fn initialization(def: &StepDefinition) -> Option<Value> {
    (!def.handler.initialization.is_empty()).then(|| def.handler.initialization_object())
}

/// The part of the template below a decision reached from one of its children.
struct Segment {
    steps: BTreeSet<String>,
    /// Other decision steps met on the way (not walked past).
    exits: BTreeSet<String>,
}

fn decision_segments(template: &TaskTemplate, decision: &str) -> Vec<Segment> {
    let children = template
        .steps
        .iter()
        .filter(|s| s.dependencies.iter().any(|d| d == decision));
    children
        .map(|child| {
            let mut steps = BTreeSet::new();
            let mut exits = BTreeSet::new();
            let mut todo = VecDeque::from([child.name.clone()]);
            while let Some(name) = todo.pop_front() {
                if !steps.insert(name.clone()) {
                    continue;
                }
                let is_exit = template
                    .step(&name)
                    .is_some_and(|s| s.step_type == StepType::Decision);
                if is_exit {
                    exits.insert(name);
                    continue;
                }
                for step in &template.steps {
                    if step.dependencies.contains(&name) {
                        todo.push_back(step.name.clone());
                    }
                }
            }
            Segment { steps, exits }
        })
        .collect()
}
