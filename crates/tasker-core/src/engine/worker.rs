//! Worker operations: hand out ready steps, record their results, checkpoint-yield, domain
//! events, dispatch metrics, starvation warnings and timeout cleanup.

use chrono::NaiveDateTime;
use serde_json::json;
use uuid::Uuid;

use super::clock::{add_ms, elapsed_ms};
use super::state::{
    count_u32, parse_uuid, AuditDetail, Claim, Outcome, State, StepState, TaskStatus,
    MAX_BACKOFF_MS,
};
use super::views::{dependency_results, task_info, workflow_step};
use crate::dto::*;
use crate::error::{CoreError, Result};
use crate::logging::Fields;
use crate::timestamp::format_utc;

/// What a handler reported, once its `status` and `success` are known to agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResultKind {
    Completed,
    /// Retryable failure.
    Failed,
    /// Permanent failure.
    Error,
}

impl ResultKind {
    fn of(result: &StepExecutionResult) -> Result<ResultKind> {
        let kind = match result.status.as_str() {
            "completed" => ResultKind::Completed,
            "failed" => ResultKind::Failed,
            "error" => ResultKind::Error,
            other => {
                return Err(CoreError::InvalidArgument(format!(
                    "Invalid step result status \"{other}\" (expected completed, failed or error)"
                )))
            }
        };
        if result.success != (kind == ResultKind::Completed) {
            return Err(CoreError::InvalidArgument(format!(
                "Inconsistent step result: success={} with status \"{}\"",
                result.success, result.status
            )));
        }
        Ok(kind)
    }
}

/// Retry delay after the `attempts`-th attempt failed: `base * 2^(attempts-1)`, capped.
pub(crate) fn backoff_ms(base_ms: u32, attempts: u32) -> u64 {
    let exponent = attempts.saturating_sub(1).min(31);
    (u64::from(base_ms) << exponent).min(MAX_BACKOFF_MS)
}

impl State {
    pub fn status(&self) -> WorkerStatus {
        WorkerStatus {
            success: true,
            running: true,
            status: if self.shutting_down {
                "shutting_down"
            } else {
                "running"
            }
            .to_owned(),
            worker_id: Some(self.worker_id.clone()),
            in_flight: count_u32(self.in_flight.len()),
        }
    }

    /// Hands out the next ready step. Reads (and so advances) the clock even when idle, so a
    /// seeded worker that only polls still reaches its retry times.
    pub fn poll_step_event(&mut self) -> Option<StepEvent> {
        if self.shutting_down {
            return None;
        }
        let now = self.clock.read();
        let (ti, si) = self.ready_steps(now).next()?;
        let event_id = self.ids.next();
        let task = self.tasks.get_mut(ti)?;
        let step = task.steps.get_mut(si)?;
        // Resuming after a checkpoint continues the same attempt.
        let resumed = step.state == StepState::Enqueued;
        if !resumed {
            step.attempts = step.attempts.saturating_add(1);
        }
        step.available_at = None;
        step.next_retry_at = None;
        step.claim = Some(event_id);
        if task.status == TaskStatus::Pending {
            task.status = TaskStatus::InProgress;
        }
        task.updated_at = now;
        self.claim_seq += 1;
        self.in_flight.insert(
            event_id,
            Claim {
                task: ti,
                step: si,
                claimed_at: now,
                seq: self.claim_seq,
            },
        );
        let detail = AuditDetail {
            worker_id: Some(self.worker_id.clone()),
            ..AuditDetail::default()
        };
        self.transition(ti, si, StepState::InProgress, now, detail);

        let task = self.tasks.get(ti)?;
        let step = task.steps.get(si)?;
        Some(StepEvent {
            event_id: event_id.to_string(),
            task_uuid: task.uuid.to_string(),
            step_uuid: step.uuid.to_string(),
            correlation_id: task.correlation_id.clone(),
            trace_id: None,
            span_id: None,
            task: task_info(task),
            workflow_step: workflow_step(task, si)?,
            step_definition: task.template.steps.get(si)?.definition.clone(),
            dependency_results: dependency_results(task, si),
        })
    }

    pub fn poll_domain_event(&mut self) -> Option<DomainEvent> {
        self.events.pop_front()
    }

    /// The claim of a handed-out event, checked against the step the caller reported.
    /// An unknown (or already finished) event is `Ok(None)`.
    fn claim_for(&self, event_id: Uuid, step_uuid: Uuid, step_raw: &str) -> Result<Option<Claim>> {
        let Some(claim) = self.in_flight.get(&event_id).copied() else {
            return Ok(None);
        };
        let actual = self
            .tasks
            .get(claim.task)
            .and_then(|t| t.steps.get(claim.step))
            .map(|s| s.uuid)
            .ok_or_else(inconsistent)?;
        if actual != step_uuid {
            return Err(CoreError::InvalidArgument(format!(
                "step_uuid {step_raw} does not match event {event_id}, which is for step {actual}"
            )));
        }
        Ok(Some(claim))
    }

    /// Releases a claim; the step's event is spent either way.
    fn release(&mut self, event_id: Uuid, claim: Claim) {
        self.in_flight.remove(&event_id);
        if let Some(step) = self
            .tasks
            .get_mut(claim.task)
            .and_then(|t| t.steps.get_mut(claim.step))
        {
            step.claim = None;
        }
    }

    /// Records a handler's result. `Ok(false)` for an event that is unknown, already
    /// completed, timed out or withdrawn by a cancel: the result is dropped.
    pub fn complete_step_event(
        &mut self,
        event_raw: &str,
        result: StepExecutionResult,
    ) -> Result<bool> {
        // Everything about the input is checked before any state is looked at.
        let event_id = parse_uuid(event_raw, "event ID")?;
        let step_uuid = parse_uuid(&result.step_uuid, "step UUID")?;
        let kind = ResultKind::of(&result)?;
        let Some(claim) = self.claim_for(event_id, step_uuid, &result.step_uuid)? else {
            return Ok(false);
        };
        self.release(event_id, claim);
        let now = self.clock.read();
        let (ti, si) = (claim.task, claim.step);
        let error = result.error.as_ref();
        let outcome = Outcome {
            success: result.success,
            status: result.status.clone(),
            result: result.result.clone(),
            error_message: error.map(|e| e.message.clone()),
            error_type: error
                .and_then(|e| e.error_type.clone())
                .or_else(|| result.metadata.error_type.clone()),
            error_retryable: error
                .and_then(|e| e.retryable)
                .or(result.metadata.retryable),
        };
        let detail = AuditDetail {
            worker_id: Some(
                result
                    .metadata
                    .worker_id
                    .clone()
                    .unwrap_or_else(|| self.worker_id.clone()),
            ),
            success: Some(result.success),
            execution_time_ms: Some(result.metadata.execution_time_ms),
            result: Some(match error {
                None => result.result.clone(),
                Some(e) => json!({ "result": result.result, "error": e }),
            }),
        };
        let (attempts, def) = {
            let task = self.tasks.get_mut(ti).ok_or_else(inconsistent)?;
            let step = task.steps.get_mut(si).ok_or_else(inconsistent)?;
            step.outcome = Some(outcome);
            let def = task.template.steps.get(si).ok_or_else(inconsistent)?;
            (step.attempts, def.definition.clone())
        };
        match kind {
            ResultKind::Completed => {
                self.counters.completed = self.counters.completed.saturating_add(1);
                self.transition(ti, si, StepState::Complete, now, detail);
                let payload = json!({
                    "attempts": attempts,
                    "execution_time_ms": result.metadata.execution_time_ms,
                    "result": result.result,
                });
                self.emit_event("step.completed", ti, Some(si), now, payload);
                self.unlock_dependents(ti, si, now);
            }
            ResultKind::Failed | ResultKind::Error => {
                self.counters.failed = self.counters.failed.saturating_add(1);
                let message = error
                    .map_or("step failed", |e| e.message.as_str())
                    .to_owned();
                // Either the error or the metadata may veto a retry.
                let retry = kind == ResultKind::Failed
                    && def.retryable
                    && attempts < def.max_attempts
                    && error.and_then(|e| e.retryable) != Some(false)
                    && result.metadata.retryable != Some(false);
                if retry {
                    let delay = backoff_ms(def.backoff_base_ms, attempts);
                    self.schedule_retry(ti, si, now, delay, "failure", detail);
                } else {
                    self.fail_step(ti, si, now, &message, detail);
                }
            }
        }
        Ok(true)
    }

    /// Makes dependents whose parents are now all complete dispatchable, and completes the
    /// task when every step is.
    fn unlock_dependents(&mut self, ti: usize, si: usize, now: NaiveDateTime) {
        let Some(task) = self.tasks.get_mut(ti) else {
            return;
        };
        let dependents = task
            .template
            .steps
            .get(si)
            .map(|s| s.dependents.clone())
            .unwrap_or_default();
        for d in dependents {
            if task.deps_satisfied(d) {
                if let Some(step) = task.steps.get_mut(d) {
                    if step.state == StepState::Pending && step.available_at.is_none() {
                        step.available_at = Some(now);
                    }
                }
            }
        }
        task.updated_at = now;
        let all_complete = task.steps.iter().all(|s| s.state == StepState::Complete);
        if all_complete && task.status.is_active() {
            task.status = TaskStatus::Complete;
            task.completed_at = Some(now);
            let payload = json!({
                "total_steps": task.steps.len(),
                "requested_at": format_utc(task.requested_at),
                "completed_at": format_utc(now),
            });
            self.active.remove(&ti);
            self.emit_event("task.completed", ti, None, now, payload);
        }
    }

    fn schedule_retry(
        &mut self,
        ti: usize,
        si: usize,
        now: NaiveDateTime,
        delay_ms: u64,
        reason: &str,
        detail: AuditDetail,
    ) {
        let next_retry_at = add_ms(now, delay_ms);
        let Some(task) = self.tasks.get_mut(ti) else {
            return;
        };
        task.updated_at = now;
        let max_attempts = task
            .template
            .steps
            .get(si)
            .map_or(0, |s| s.definition.max_attempts);
        let Some(step) = task.steps.get_mut(si) else {
            return;
        };
        step.last_failure_at = Some(now);
        step.next_retry_at = Some(next_retry_at);
        let attempts = step.attempts;
        self.counters.retried = self.counters.retried.saturating_add(1);
        self.transition(ti, si, StepState::WaitingForRetry, now, detail);
        let payload = json!({
            "attempts": attempts,
            "max_attempts": max_attempts,
            "backoff_ms": delay_ms,
            "next_retry_at": format_utc(next_retry_at),
            "reason": reason,
        });
        self.emit_event("step.retry_scheduled", ti, Some(si), now, payload);
    }

    /// A permanent failure: the step goes to error and takes its task with it.
    fn fail_step(
        &mut self,
        ti: usize,
        si: usize,
        now: NaiveDateTime,
        message: &str,
        detail: AuditDetail,
    ) {
        let Some(step) = self.tasks.get_mut(ti).and_then(|t| t.steps.get_mut(si)) else {
            return;
        };
        step.last_failure_at = Some(now);
        let attempts = step.attempts;
        let error_type = step.outcome.as_ref().and_then(|o| o.error_type.clone());
        self.transition(ti, si, StepState::Error, now, detail);
        let payload = json!({
            "attempts": attempts,
            "error_message": message,
            "error_type": error_type,
            "permanent": true,
        });
        self.emit_event("step.failed", ti, Some(si), now, payload);
        self.fail_task(ti, si, now, message);
    }

    /// A batch step yields: it keeps its attempt, stores the checkpoint and is handed out
    /// again (under a new event id) by a later poll. Only steps marked `"batch": true` in
    /// their template may yield.
    pub fn checkpoint_yield(
        &mut self,
        event_raw: &str,
        mut data: CheckpointYieldData,
    ) -> Result<bool> {
        let event_id = parse_uuid(event_raw, "event ID")?;
        let step_uuid = parse_uuid(&data.step_uuid, "step UUID")?;
        let Some(claim) = self.claim_for(event_id, step_uuid, &data.step_uuid)? else {
            return Ok(false);
        };
        let (ti, si) = (claim.task, claim.step);
        let task = self.tasks.get(ti).ok_or_else(inconsistent)?;
        let def = task.template.steps.get(si).ok_or_else(inconsistent)?;
        if !def.batch {
            return Err(CoreError::InvalidArgument(format!(
                "Step {} is not a batch step; only steps marked \"batch\": true in their template can checkpoint-yield",
                def.definition.name
            )));
        }
        self.release(event_id, claim);
        let now = self.clock.read();
        data.step_uuid = step_uuid.to_string();
        let payload = json!({
            "items_processed": data.items_processed,
            "cursor": data.cursor,
        });
        let detail = AuditDetail {
            worker_id: Some(self.worker_id.clone()),
            result: serde_json::to_value(&data).ok(),
            ..AuditDetail::default()
        };
        if let Some(task) = self.tasks.get_mut(ti) {
            task.updated_at = now;
            if let Some(step) = task.steps.get_mut(si) {
                step.checkpoint = Some(data);
                step.available_at = Some(now);
            }
        }
        self.counters.checkpoints = self.counters.checkpoints.saturating_add(1);
        self.transition(ti, si, StepState::Enqueued, now, detail);
        self.emit_event("step.checkpointed", ti, Some(si), now, payload);
        Ok(true)
    }

    pub fn dispatch_metrics(&self) -> DispatchMetrics {
        let now = self.clock.peek();
        let (pending, oldest) = self.ready_ages(now);
        let oldest_pending_age_ms = oldest.map(|ms| u32::try_from(ms).unwrap_or(u32::MAX));
        DispatchMetrics {
            pending_count: pending,
            in_flight_count: count_u32(self.in_flight.len()),
            completed_count: self.counters.completed,
            failed_count: self.counters.failed,
            retried_count: self.counters.retried,
            checkpoint_count: self.counters.checkpoints,
            timed_out_count: self.counters.timed_out,
            starvation_warnings: self.counters.starvation_warnings,
            oldest_pending_age_ms,
            starvation_detected: oldest
                .is_some_and(|ms| ms > u64::from(self.settings.starvation_threshold_ms)),
        }
    }

    /// Number of ready steps this worker could take, and the age of the oldest in ms.
    fn ready_ages(&self, now: NaiveDateTime) -> (u32, Option<u64>) {
        let mut count = 0u32;
        let mut oldest: Option<u64> = None;
        for (ti, si) in self.ready_steps(now) {
            count = count.saturating_add(1);
            if let Some(since) = self.tasks.get(ti).and_then(|t| t.ready_since(si, now)) {
                let age = elapsed_ms(since, now);
                oldest = Some(oldest.map_or(age, |o| o.max(age)));
            }
        }
        (count, oldest)
    }

    /// Counts ready steps that have waited longer than the threshold, adds them to
    /// `starvation_warnings` and logs one warn record. During a graceful shutdown nothing is
    /// handed out on purpose, so nothing counts as starving.
    pub fn check_starvation_warnings(&mut self) -> u32 {
        if self.shutting_down {
            return 0;
        }
        let now = self.clock.read();
        let threshold = u64::from(self.settings.starvation_threshold_ms);
        let mut starving = 0u32;
        let mut oldest = 0u64;
        for (ti, si) in self.ready_steps(now) {
            if let Some(since) = self.tasks.get(ti).and_then(|t| t.ready_since(si, now)) {
                let age = elapsed_ms(since, now);
                if age > threshold {
                    starving = starving.saturating_add(1);
                    oldest = oldest.max(age);
                }
            }
        }
        if starving > 0 {
            self.counters.starvation_warnings =
                self.counters.starvation_warnings.saturating_add(starving);
            let mut fields = Fields::new();
            fields.insert("starving_steps".to_owned(), starving.into());
            fields.insert("oldest_pending_age_ms".to_owned(), oldest.into());
            fields.insert("threshold_ms".to_owned(), threshold.into());
            self.log(
                LogLevel::Warn,
                "Ready steps are waiting longer than the starvation threshold",
                Some(fields),
            );
        }
        starving
    }

    /// Reclaims steps held longer than their timeout (the step's `timeout_ms`, else the
    /// bootstrap `step_timeout_ms`): back to ready at once if attempts remain, else error.
    /// The handed-out event is withdrawn, so the late handler's completion gets `false`.
    pub fn cleanup_timeouts(&mut self) -> u32 {
        let now = self.clock.read();
        let default_timeout = self.settings.step_timeout_ms;
        let mut expired: Vec<(Uuid, Claim)> = self
            .in_flight
            .iter()
            .filter(|(_, claim)| {
                let timeout = self
                    .tasks
                    .get(claim.task)
                    .and_then(|t| t.template.steps.get(claim.step))
                    .and_then(|s| s.definition.timeout_ms)
                    .unwrap_or(default_timeout);
                elapsed_ms(claim.claimed_at, now) > u64::from(timeout)
            })
            .map(|(&id, &claim)| (id, claim))
            .collect();
        // The map's order is arbitrary; hand-out order keeps the outcome reproducible.
        expired.sort_by_key(|(_, claim)| claim.seq);
        for &(event_id, claim) in &expired {
            self.release(event_id, claim);
            self.time_out(claim.task, claim.step, now);
        }
        let cleaned = count_u32(expired.len());
        if cleaned > 0 {
            let mut fields = Fields::new();
            fields.insert("timed_out_steps".to_owned(), cleaned.into());
            self.log(
                LogLevel::Warn,
                "Reclaimed steps that exceeded their timeout",
                Some(fields),
            );
        }
        cleaned
    }

    fn time_out(&mut self, ti: usize, si: usize, now: NaiveDateTime) {
        self.counters.timed_out = self.counters.timed_out.saturating_add(1);
        let Some(task) = self.tasks.get_mut(ti) else {
            return;
        };
        let Some(def) = task.template.steps.get(si).map(|s| s.definition.clone()) else {
            return;
        };
        let Some(step) = task.steps.get_mut(si) else {
            return;
        };
        let retry = def.retryable && step.attempts < def.max_attempts;
        let message = "step timed out".to_owned();
        step.outcome = Some(Outcome {
            success: false,
            status: if retry { "failed" } else { "error" }.to_owned(),
            result: Json::Null,
            error_message: Some(message.clone()),
            error_type: Some("timeout".to_owned()),
            error_retryable: Some(retry),
        });
        let detail = AuditDetail {
            worker_id: Some(self.worker_id.clone()),
            success: Some(false),
            execution_time_ms: None,
            result: Some(json!({ "error": { "message": message, "error_type": "timeout" } })),
        };
        if retry {
            self.schedule_retry(ti, si, now, 0, "timeout", detail);
        } else {
            self.fail_step(ti, si, now, &message, detail);
        }
    }

    pub fn begin_graceful_shutdown(&mut self) -> WorkerStatus {
        self.shutting_down = true;
        self.status()
    }
}

fn inconsistent() -> CoreError {
    CoreError::Internal("engine state inconsistent".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_per_attempt_and_is_capped() {
        assert_eq!(backoff_ms(1000, 1), 1000);
        assert_eq!(backoff_ms(1000, 2), 2000);
        assert_eq!(backoff_ms(1000, 3), 4000);
        assert_eq!(backoff_ms(1000, 10), MAX_BACKOFF_MS);
        assert_eq!(backoff_ms(u32::MAX, u32::MAX), MAX_BACKOFF_MS);
        assert_eq!(backoff_ms(0, 5), 0);
    }
}
