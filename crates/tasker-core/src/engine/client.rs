//! The client side of the orchestration server: create, read, list and cancel tasks; read
//! steps and their audit history.

use std::collections::HashMap;

use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::orchestrate::{initial_steps, initialization};
use super::sanitize;
use super::state::{template_key, State, StepState, TaskRec, TaskState};
use super::views::{step_response, task_response};
use crate::error::{CoreError, Result};
use crate::model::*;

/// tasker's server: `per_page` is 1..=100.
const MAX_PER_PAGE: u32 = 100;

impl State {
    pub fn create_task(&mut self, request: TaskRequest) -> Result<TaskResponse> {
        for (field, value) in [
            ("name", &request.name),
            ("namespace", &request.namespace),
            ("version", &request.version),
        ] {
            if value.trim().is_empty() {
                return Err(CoreError::Validation(format!("{field} must not be empty")));
            }
        }
        sanitize::check_limits(&request.context).map_err(CoreError::Validation)?;
        let template = self
            .templates
            .get(&request.namespace, &request.name, &request.version)
            .ok_or_else(|| CoreError::TemplateNotFound {
                namespace: request.namespace.clone(),
                name: request.name.clone(),
                version: request.version.clone(),
            })?;
        if let Some(key) = &request.idempotency_key {
            if let Some(&ti) = self.idempotency.get(key) {
                return Ok(task_response(self.task(ti)?, self.clock.peek()));
            }
        }
        let now = self.clock.read();
        let key = template_key(&template.template);
        let named_task_uuid = self.named_task_uuid(&key);
        let task_uuid = self.ids.next();
        let correlation_id = match request.correlation_id {
            Some(id) => id,
            None => self.ids.next(),
        };
        let context = sanitize::sanitize(request.context);
        let identity_hash = identity_hash(named_task_uuid, &context);
        let ti = self.tasks.len();
        self.tasks.push(TaskRec {
            uuid: task_uuid,
            named_task_uuid,
            template: template.clone(),
            namespace: request.namespace,
            name: request.name,
            version: request.version,
            context,
            initiator: request.initiator,
            source_system: request.source_system,
            reason: request.reason,
            tags: request.tags,
            priority: request.priority.unwrap_or(0),
            correlation_id,
            parent_correlation_id: request.parent_correlation_id,
            identity_hash,
            requested_at: request.requested_at.unwrap_or(now),
            created_at: now,
            updated_at: now,
            complete: false,
            state: TaskState::Pending,
            steps: Vec::new(),
            by_name: HashMap::new(),
        });
        self.task_index.insert(task_uuid, ti);
        self.active.insert(ti);
        if let Some(key) = request.idempotency_key {
            self.idempotency.insert(key, ti);
        }
        // Initialization: the initial step set, edges only between steps that exist.
        let initial: Vec<StepDefinition> = initial_steps(&template.template)
            .into_iter()
            .cloned()
            .collect();
        let mut indices = HashMap::new();
        for def in &initial {
            let si = self.add_step(ti, def.name.clone(), def, initialization(def), now)?;
            indices.insert(def.name.clone(), si);
        }
        let task = self.task_mut(ti)?;
        for def in &initial {
            let parents: Vec<usize> = def
                .dependencies
                .iter()
                .filter_map(|d| indices.get(d).copied())
                .collect();
            if let Some(step) = indices
                .get(&def.name)
                .and_then(|&si| task.steps.get_mut(si))
            {
                step.parents = parents;
            }
        }
        self.set_task_state(ti, TaskState::Initializing, now);
        self.set_task_state(ti, TaskState::EnqueuingSteps, now);
        self.enqueue_ready(ti, now);
        self.set_task_state(ti, TaskState::StepsInProcess, now);
        self.log(
            LogLevel::Debug,
            "Task created",
            json!({"task_uuid": task_uuid.to_string()}),
        );
        Ok(task_response(self.task(ti)?, now))
    }

    pub fn get_task(&self, task: Uuid) -> Result<TaskResponse> {
        let ti = self.find_task(task)?;
        Ok(task_response(self.task(ti)?, self.clock.peek()))
    }

    /// tasker's REST paging: `per_page = limit`, `page = offset / limit + 1`; newest first.
    pub fn list_tasks(&self, params: ListTasksParams) -> Result<TaskListResponse> {
        let limit = params.limit.unwrap_or(50);
        let offset = params.offset.unwrap_or(0);
        // As tasker's transport casts them (a negative value wraps).
        let per_page = limit as u32;
        let page = (offset as u32).checked_div(per_page).map_or(1, |p| p + 1);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(CoreError::Validation(format!(
                "per_page must be between 1 and {MAX_PER_PAGE}"
            )));
        }
        let matches = |t: &&TaskRec| {
            params
                .namespace
                .as_ref()
                .is_none_or(|ns| &t.namespace == ns)
                && params.status.as_ref().is_none_or(|s| t.state.as_str() == s)
        };
        let now = self.clock.peek();
        let total_count = self.tasks.iter().filter(matches).count() as u64;
        let total_pages =
            u32::try_from(total_count.div_ceil(u64::from(per_page))).unwrap_or(u32::MAX);
        let skip = (page as usize - 1).saturating_mul(per_page as usize);
        let tasks = self
            .tasks
            .iter()
            .rev()
            .filter(matches)
            .skip(skip)
            .take(per_page as usize)
            .map(|t| task_response(t, now))
            .collect();
        Ok(TaskListResponse {
            tasks,
            pagination: PaginationInfo {
                page,
                per_page,
                total_count,
                total_pages,
                has_next: page < total_pages,
                has_previous: page > 1,
            },
        })
    }

    /// Cancels a task that has not finished: its unfinished steps become `cancelled` and their
    /// handed-out events are withdrawn (a late completion of one gets `false`).
    pub fn cancel_task(&mut self, task: Uuid) -> Result<CancelResponse> {
        let ti = self.find_task(task)?;
        let state = self.task(ti)?.state;
        if state.is_terminal() {
            return Err(CoreError::InvalidState(format!(
                "Task {task} cannot be cancelled: it is {}",
                state.as_str()
            )));
        }
        let now = self.clock.read();
        self.pending.retain(|_, p| p.task != ti);
        let t = self.task_mut(ti)?;
        for step in &mut t.steps {
            if !step.state.is_finished() {
                step.state = StepState::Cancelled;
                step.in_process = false;
                step.processed = true;
                step.updated_at = now;
            }
        }
        self.set_task_state(ti, TaskState::Cancelled, now);
        Ok(CancelResponse { cancelled: true })
    }

    /// Every step of a task, in creation order.
    pub fn list_task_steps(&self, task: Uuid) -> Result<Vec<StepResponse>> {
        let ti = self.find_task(task)?;
        let t = self.task(ti)?;
        let now = self.clock.peek();
        Ok((0..t.steps.len())
            .filter_map(|si| step_response(t, si, now))
            .collect())
    }

    pub fn get_step(&self, task: Uuid, step: Uuid) -> Result<StepResponse> {
        let (ti, si) = self.find_step(task, step)?;
        step_response(self.task(ti)?, si, self.clock.peek()).ok_or_else(super::state::inconsistent)
    }

    /// The audited results of a step, newest first.
    pub fn step_audit_history(&self, task: Uuid, step: Uuid) -> Result<Vec<StepAuditResponse>> {
        let (ti, si) = self.find_step(task, step)?;
        Ok(self
            .task(ti)?
            .steps
            .get(si)
            .map(|s| s.audit.iter().rev().cloned().collect())
            .unwrap_or_default())
    }

    /// Whether every task is in a terminal or steady state is none of a client's business:
    /// tasker's bridge answered `{healthy: true}` whenever the server did.
    pub fn health(&self) -> HealthResponse {
        HealthResponse { healthy: true }
    }
}

/// tasker's identity hash: SHA-256 over the template's id and the (sanitized) context.
fn identity_hash(named_task_uuid: Uuid, context: &serde_json::Value) -> String {
    let mut hasher = Sha256::new();
    hasher.update(named_task_uuid.as_bytes());
    hasher.update(
        serde_json::to_string(context)
            .unwrap_or_default()
            .as_bytes(),
    );
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
