//! Client operations: create, read, list and cancel tasks; read steps and their audit history.

use std::collections::VecDeque;

use chrono::NaiveDateTime;

use super::state::{
    count_u32, creation_audit, parse_uuid, AuditDetail, State, Step, StepState, Task, TaskStatus,
};
use super::views::{step_readiness, task_response, task_steps};
use crate::dto::*;
use crate::error::{CoreError, Result};
use crate::logging::Fields;
use crate::timestamp::format_utc;

const DEFAULT_PER_PAGE: u32 = 25;
const MAX_PER_PAGE: u32 = 100;

/// `requested_at` as the wire carried it, in UTC.
#[cfg(not(feature = "tas283-unfixed"))]
fn requested_at_from_wire(raw: &RequestedAtWire) -> Result<NaiveDateTime> {
    crate::timestamp::parse_requested_at(raw)
}

/// The TAS-283 build: serde already parsed (or rejected) it.
#[cfg(feature = "tas283-unfixed")]
fn requested_at_from_wire(raw: &RequestedAtWire) -> Result<NaiveDateTime> {
    Ok(*raw)
}

impl State {
    pub fn create_task(&mut self, request: TaskRequest) -> Result<TaskResponse> {
        let accepted = validate_request(request)?;
        let template = self
            .templates
            .get(
                &accepted.request.namespace,
                &accepted.request.name,
                &accepted.request.version,
            )
            .ok_or_else(|| CoreError::TemplateNotFound {
                namespace: accepted.request.namespace.clone(),
                name: accepted.request.name.clone(),
                version: accepted.request.version.clone(),
            })?;
        if let Some(key) = &accepted.request.idempotency_key {
            if let Some(task) = self.idempotency.get(key).and_then(|&ti| self.tasks.get(ti)) {
                if task.request != accepted.request {
                    return Err(CoreError::InvalidState(
                        "idempotency key reused with a different request".to_owned(),
                    ));
                }
                return Ok(task_response(task, self.clock.peek()));
            }
        }

        let now = self.clock.read();
        let task_uuid = self.ids.next();
        let correlation_id = match &accepted.request.correlation_id {
            Some(id) => id.clone(),
            None => self.ids.next().to_string(),
        };
        let mut steps = Vec::with_capacity(template.steps.len());
        for def in &template.steps {
            let step_uuid = self.ids.next();
            let audit_uuid = self.ids.next();
            let mut audit = VecDeque::new();
            audit.push_back(creation_audit(
                audit_uuid,
                task_uuid,
                step_uuid,
                &def.definition.name,
                now,
            ));
            steps.push(Step {
                uuid: step_uuid,
                state: StepState::Pending,
                attempts: 0,
                // Root steps are dispatchable from creation; the rest once their parents finish.
                available_at: def.deps.is_empty().then_some(now),
                last_failure_at: None,
                next_retry_at: None,
                outcome: None,
                checkpoint: None,
                claim: None,
                audit,
            });
        }
        let ti = self.tasks.len();
        let task = Task {
            uuid: task_uuid,
            template,
            correlation_id,
            requested_at: accepted.requested_at.unwrap_or(now),
            status: TaskStatus::Pending,
            created_at: now,
            updated_at: now,
            completed_at: None,
            steps,
            request: accepted.request,
        };
        if let Some(key) = &task.request.idempotency_key {
            self.idempotency.insert(key.clone(), ti);
        }
        let mut fields = Fields::new();
        fields.insert("task_uuid".to_owned(), task_uuid.to_string().into());
        fields.insert(
            "requested_at".to_owned(),
            format_utc(task.requested_at).into(),
        );
        self.task_index.insert(task_uuid, ti);
        self.active.insert(ti);
        self.tasks.push(task);
        self.log(LogLevel::Debug, "Task created", Some(fields));
        let task = self
            .tasks
            .get(ti)
            .ok_or_else(|| internal("task vanished"))?;
        Ok(task_response(task, now))
    }

    pub fn get_task(&self, raw: &str) -> Result<TaskResponse> {
        let ti = self.find_task(raw)?;
        let task = self.tasks.get(ti).ok_or_else(|| internal("task index"))?;
        Ok(task_response(task, self.clock.peek()))
    }

    pub fn list_tasks(&self, params: ListTasksParams) -> Result<TaskListResponse> {
        let page = params.page.unwrap_or(1);
        if page == 0 {
            return Err(CoreError::InvalidArgument(
                "page must be at least 1, got 0".to_owned(),
            ));
        }
        let per_page = params.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(CoreError::InvalidArgument(format!(
                "per_page must be between 1 and {MAX_PER_PAGE}, got {per_page}"
            )));
        }
        let status = match params.status.as_deref() {
            Some(raw) => Some(TaskStatus::parse(raw).ok_or_else(|| {
                let known: Vec<_> = TaskStatus::ALL.iter().map(|s| s.as_str()).collect();
                CoreError::InvalidArgument(format!(
                    "Invalid status filter \"{raw}\" (expected one of {})",
                    known.join(", ")
                ))
            })?),
            None => None,
        };
        let matches = |task: &&Task| {
            params
                .namespace
                .as_ref()
                .is_none_or(|ns| &task.request.namespace == ns)
                && status.is_none_or(|s| task.status == s)
        };
        let now = self.clock.peek();
        let total_count = count_u32(self.tasks.iter().filter(matches).count());
        let total_pages = total_count.div_ceil(per_page);
        // In usize so a huge page number cannot overflow; it just lands past the end.
        let offset = (page as usize - 1).saturating_mul(per_page as usize);
        let tasks = self
            .tasks
            .iter()
            .filter(matches)
            .skip(offset)
            .take(per_page as usize)
            .map(|task| task_response(task, now))
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

    /// Cancels a pending or in-progress task: its unfinished steps become `cancelled` and the
    /// events handed out for them are withdrawn, so a late completion of one gets `false`.
    pub fn cancel_task(&mut self, raw: &str) -> Result<TaskResponse> {
        let ti = self.find_task(raw)?;
        let task = self.tasks.get(ti).ok_or_else(|| internal("task index"))?;
        if !task.status.is_active() {
            return Err(CoreError::InvalidState(format!(
                "Task {} is already {}",
                task.uuid,
                task.status.as_str()
            )));
        }
        let unfinished: Vec<usize> = (0..task.steps.len())
            .filter(|&si| task.steps.get(si).is_some_and(|s| !s.state.is_finished()))
            .collect();
        let now = self.clock.read();
        for &si in &unfinished {
            if let Some(step) = self.tasks.get_mut(ti).and_then(|t| t.steps.get_mut(si)) {
                if let Some(event_id) = step.claim.take() {
                    self.in_flight.remove(&event_id);
                }
                step.available_at = None;
                step.next_retry_at = None;
            }
            let detail = AuditDetail {
                worker_id: Some(self.worker_id.clone()),
                ..AuditDetail::default()
            };
            self.transition(ti, si, StepState::Cancelled, now, detail);
        }
        let task = self
            .tasks
            .get_mut(ti)
            .ok_or_else(|| internal("task index"))?;
        task.status = TaskStatus::Cancelled;
        task.updated_at = now;
        let requested_at = format_utc(task.requested_at);
        self.active.remove(&ti);
        let payload = serde_json::json!({
            "cancelled_steps": unfinished.len(),
            "requested_at": requested_at,
        });
        self.emit_event("task.cancelled", ti, None, now, payload);
        let task = self.tasks.get(ti).ok_or_else(|| internal("task index"))?;
        Ok(task_response(task, now))
    }

    pub fn list_task_steps(&self, raw: &str) -> Result<Vec<StepReadiness>> {
        let ti = self.find_task(raw)?;
        let task = self.tasks.get(ti).ok_or_else(|| internal("task index"))?;
        Ok(task_steps(task, self.clock.peek()))
    }

    pub fn get_step(&self, task_raw: &str, step_raw: &str) -> Result<StepReadiness> {
        let (ti, si) = self.find_step(task_raw, step_raw)?;
        self.tasks
            .get(ti)
            .and_then(|task| step_readiness(task, si, self.clock.peek()))
            .ok_or_else(|| internal("step index"))
    }

    /// Every audit row of a step, oldest first.
    pub fn step_audit_history(
        &self,
        task_raw: &str,
        step_raw: &str,
    ) -> Result<Vec<StepAuditRecord>> {
        let (ti, si) = self.find_step(task_raw, step_raw)?;
        self.tasks
            .get(ti)
            .and_then(|task| task.steps.get(si))
            .map(|step| step.audit.iter().cloned().collect())
            .ok_or_else(|| internal("step index"))
    }

    pub fn health(&self) -> HealthResponse {
        HealthResponse {
            healthy: true,
            status: if self.shutting_down {
                "shutting_down"
            } else {
                "healthy"
            }
            .to_owned(),
            task_count: count_u32(self.tasks.len()),
        }
    }
}

struct AcceptedRequest {
    /// Ids normalised, `requested_at` cleared (a retried request carries a new one, and it
    /// must not make an idempotent replay look different).
    request: TaskRequest,
    requested_at: Option<NaiveDateTime>,
}

/// Checks a request on its own, before any state is looked at or changed.
fn validate_request(mut request: TaskRequest) -> Result<AcceptedRequest> {
    for (field, value) in [
        ("name", &request.name),
        ("namespace", &request.namespace),
        ("version", &request.version),
    ] {
        if value.trim().is_empty() {
            return Err(CoreError::InvalidArgument(format!(
                "{field} must not be empty"
            )));
        }
    }
    if !request.context.is_object() {
        return Err(CoreError::InvalidArgument(
            "context must be a JSON object".to_owned(),
        ));
    }
    let requested_at = request
        .requested_at
        .take()
        .map(|raw| requested_at_from_wire(&raw))
        .transpose()?;
    // Correlation ids are UUIDs in tasker; normalise so `ABC…` and `abc…` are the same id.
    request.correlation_id = request
        .correlation_id
        .map(|raw| parse_uuid(&raw, "correlation_id").map(|id| id.to_string()))
        .transpose()?;
    request.parent_correlation_id = request
        .parent_correlation_id
        .map(|raw| parse_uuid(&raw, "parent_correlation_id").map(|id| id.to_string()))
        .transpose()?;
    if request.idempotency_key.as_deref() == Some("") {
        return Err(CoreError::InvalidArgument(
            "idempotency_key must not be empty".to_owned(),
        ));
    }
    Ok(AcceptedRequest {
        request,
        requested_at,
    })
}

fn internal(what: &str) -> CoreError {
    CoreError::Internal(format!("engine state inconsistent: {what}"))
}
