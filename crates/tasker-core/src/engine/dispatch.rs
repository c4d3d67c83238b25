//! The worker side: the FFI dispatch channel (poll, complete, checkpoint yield), its pending
//! map (metrics, starvation, timeouts) and the domain events a completion publishes.

use chrono::NaiveDateTime;
use serde_json::{json, Value};
use uuid::Uuid;

use super::clock::{add_ms, elapsed_ms};
use super::schema;
use super::state::{
    count_i32, inconsistent, Pending, Queued, State, StepState, DOMAIN_EVENT_CAPACITY, FIRED_BY,
};
use crate::error::Result;
use crate::model::*;
use crate::time::{postgres_jsonb, utc};

impl State {
    /// The next step to run, claimed (attempts + 1), or a checkpoint continuation.
    pub fn poll_step_event(&mut self) -> Result<Option<StepEvent>> {
        if self.shutting_down {
            return Ok(None);
        }
        let now = self.clock.read();
        self.readiness_pass(now)?;
        let position = self.queue.iter().position(|q| {
            let (ti, si) = match q {
                Queued::Step { task, step } | Queued::Continuation { task, step, .. } => {
                    (*task, *step)
                }
            };
            self.tasks.get(ti).is_some_and(|t| {
                self.settings.handles(&t.namespace)
                    && t.steps.get(si).is_some_and(|s| {
                        matches!(s.state, StepState::Enqueued | StepState::InProgress)
                    })
            })
        });
        // Entries whose step was cancelled meanwhile are dropped on the way.
        let Some(position) = position else {
            self.queue.retain(|q| match q {
                Queued::Step { task, step } | Queued::Continuation { task, step, .. } => self
                    .tasks
                    .get(*task)
                    .and_then(|t| t.steps.get(*step))
                    .is_some_and(|s| !s.state.is_finished()),
            });
            return Ok(None);
        };
        let Some(entry) = self.queue.remove(position) else {
            return Ok(None);
        };
        let (ti, si, mut event) = match entry {
            Queued::Continuation { task, step, event } => (task, step, event),
            Queued::Step { task, step } => {
                let event = Box::new(self.snapshot(task, step, Uuid::nil())?);
                let s = self
                    .task_mut(task)?
                    .steps
                    .get_mut(step)
                    .ok_or_else(inconsistent)?;
                // The claim: tasker's worker moves the step to in_progress and counts it.
                s.state = StepState::InProgress;
                s.attempts += 1;
                s.in_process = true;
                s.last_attempted_at = Some(now);
                s.updated_at = now;
                (task, step, event)
            }
        };
        let event_id = self.ids.next();
        event.event_id = event_id;
        self.dispatch_seq += 1;
        self.pending.insert(
            event_id,
            Pending {
                task: ti,
                step: si,
                dispatched_at: now,
                seq: self.dispatch_seq,
                event: event.clone(),
            },
        );
        Ok(Some(*event))
    }

    /// The event a worker gets for a step, as the step is now (before its claim).
    pub(crate) fn snapshot(&self, ti: usize, si: usize, event_id: Uuid) -> Result<StepEvent> {
        let task = self.task(ti)?;
        let step = task.steps.get(si).ok_or_else(inconsistent)?;
        let definition = task.definition(si).cloned().ok_or_else(inconsistent)?;
        Ok(StepEvent {
            event_id,
            task_uuid: task.uuid,
            step_uuid: step.uuid,
            correlation_id: task.correlation_id,
            trace_id: None,
            span_id: None,
            task: TaskForOrchestration {
                task: Task {
                    task_uuid: task.uuid,
                    named_task_uuid: task.named_task_uuid,
                    complete: task.complete,
                    requested_at: task.requested_at,
                    initiator: Some(task.initiator.clone()),
                    source_system: Some(task.source_system.clone()),
                    reason: Some(task.reason.clone()),
                    tags: Some(Value::from(task.tags.clone())),
                    context: Some(task.context.clone()),
                    identity_hash: task.identity_hash.clone(),
                    priority: task.priority,
                    created_at: task.created_at,
                    updated_at: task.updated_at,
                    correlation_id: task.correlation_id,
                    parent_correlation_id: task.parent_correlation_id,
                },
                task_name: task.name.clone(),
                task_version: task.version.clone(),
                namespace_name: task.namespace.clone(),
            },
            workflow_step: WorkflowStepWithName {
                workflow_step_uuid: step.uuid,
                task_uuid: task.uuid,
                named_step_uuid: step.named_step_uuid,
                name: step.name.clone(),
                template_step_name: step.template_step.clone(),
                retryable: step.retryable,
                max_attempts: Some(step.max_attempts),
                in_process: step.in_process,
                processed: step.processed,
                processed_at: step.processed_at,
                attempts: Some(step.attempts),
                last_attempted_at: step.last_attempted_at,
                backoff_request_seconds: step.backoff_request_seconds,
                inputs: step.inputs.clone(),
                results: step.results.clone(),
                checkpoint: step.checkpoint.clone(),
                created_at: step.created_at,
                updated_at: step.updated_at,
            },
            step_definition: definition,
            dependency_results: self.dependency_results(ti, si)?,
        })
    }

    /// Records a worker's result for a pending event; `false` for an unknown event.
    pub fn complete_step_event(
        &mut self,
        event_id: Uuid,
        mut result: StepExecutionResult,
    ) -> Result<bool> {
        let Some(pending) = self.pending.remove(&event_id) else {
            return Ok(false);
        };
        let now = self.clock.read();
        if result.metadata.completed_at.is_none() {
            result.metadata.completed_at = Some(utc(now));
        }
        self.accept_result(pending, result, now)?;
        Ok(true)
    }

    /// What happens to a result once its event left the pending map (a completion, or a
    /// timeout's failure).
    fn accept_result(
        &mut self,
        pending: Pending,
        result: StepExecutionResult,
        now: NaiveDateTime,
    ) -> Result<()> {
        let (ti, si) = (pending.task, pending.step);
        let stored = serde_json::to_value(&result)
            .map_err(|e| crate::CoreError::Internal(format!("cannot store the result: {e}")))?;
        let worker_uuid = self.worker_uuid;
        let audit_uuid = self.ids.next();
        let transition_uuid = self.ids.next();
        let retry_delay;
        {
            let task = self.task_mut(ti)?;
            let correlation_id = task.correlation_id;
            let task_uuid = task.uuid;
            let definition = task.definition(si).cloned().ok_or_else(inconsistent)?;
            let step = task.steps.get_mut(si).ok_or_else(inconsistent)?;
            if step.state != StepState::InProgress {
                // Cancelled while it ran: the result is kept, but moves nothing.
                step.results = Some(stored);
                step.result = Some(result);
                return Ok(());
            }
            let to = if result.success {
                StepState::EnqueuedForOrchestration
            } else {
                StepState::EnqueuedAsErrorForOrchestration
            };
            step.audit.push(StepAuditResponse {
                audit_uuid,
                workflow_step_uuid: step.uuid,
                transition_uuid,
                task_uuid,
                recorded_at: now,
                worker_uuid: Some(worker_uuid),
                correlation_id: Some(correlation_id),
                success: result.success,
                execution_time_ms: Some(result.metadata.execution_time_ms),
                result: Some(stored.clone()),
                step_name: step.name.clone(),
                from_state: Some(StepState::InProgress.as_str().to_owned()),
                to_state: to.as_str().to_owned(),
            });
            step.in_process = false;
            step.results = Some(stored);
            step.updated_at = now;
            if result.success {
                step.state = StepState::Complete;
                step.processed = true;
                step.processed_at = Some(now);
                retry_delay = None;
            } else {
                step.last_failure_at = Some(now);
                // tasker retries on the result's `metadata.retryable` with attempts left; we
                // also honour the template's `retryable: false` (tasker would park such a step
                // in waiting_for_retry forever).
                let retry = result.metadata.retryable
                    && step.retryable
                    && step.attempts < step.max_attempts;
                if retry {
                    let (delay, requested) = retry_delay_ms(
                        &definition.retry,
                        step.attempts,
                        result.orchestration_metadata.as_ref(),
                    );
                    step.state = StepState::WaitingForRetry;
                    step.next_retry_at = Some(add_ms(now, delay));
                    step.backoff_request_seconds = requested;
                    retry_delay = Some(delay);
                } else {
                    step.state = StepState::Error;
                    retry_delay = None;
                }
            }
            step.result = Some(result.clone());
        }
        if retry_delay.is_some() || !result.success {
            self.log(
                LogLevel::Debug,
                "Step failed",
                json!({"step_uuid": pending.event.step_uuid.to_string(), "retry_in_ms": retry_delay}),
            );
        }
        self.publish_events(&pending.event, &result, now);
        if result.success {
            self.process_outcome(ti, si, now);
        }
        self.coordinate(ti, now)
    }

    /// The domain events of the step's `publishes_events` whose condition holds (tasker fires
    /// them after every accepted completion, success or failure; not on checkpoint yields).
    fn publish_events(
        &mut self,
        event: &StepEvent,
        result: &StepExecutionResult,
        now: NaiveDateTime,
    ) {
        for declaration in event.step_definition.publishes_events.clone() {
            if !declaration.condition.fires(result.success) {
                continue;
            }
            if let Err(problem) = schema::check(&declaration.schema, &result.result) {
                self.log(
                    LogLevel::Error,
                    "Domain event payload does not match its schema; event skipped",
                    json!({"event_name": declaration.name, "error": problem}),
                );
                continue;
            }
            // Durable events go to a message queue that nothing in process reads.
            if !declaration.delivery_mode.in_process() {
                continue;
            }
            let payload = json!({
                "task_sequence_step": serde_json::to_value(event.sequence()).unwrap_or(Value::Null),
                "execution_result": serde_json::to_value(result).unwrap_or(Value::Null),
                "payload": result.result,
            });
            let domain_event = DomainEvent {
                event_id: self.ids.next(),
                event_name: declaration.name.clone(),
                event_version: "1.0".to_owned(),
                payload,
                metadata: DomainEventMetadata {
                    task_uuid: event.task_uuid,
                    step_uuid: Some(event.step_uuid),
                    step_name: Some(event.workflow_step.name.clone()),
                    namespace: event.task.namespace_name.clone(),
                    correlation_id: event.task.task.correlation_id,
                    fired_at: utc(now),
                    fired_by: FIRED_BY.to_owned(),
                },
            };
            if self.events.len() >= DOMAIN_EVENT_CAPACITY {
                self.events.pop_front();
                self.log(
                    LogLevel::Warn,
                    "In-process event receiver lagged, some events dropped",
                    json!({"count": 1}),
                );
            }
            self.events.push_back(domain_event);
        }
    }

    pub fn poll_domain_event(&mut self) -> Option<DomainEvent> {
        self.events.pop_front()
    }

    /// A batch worker yields: the checkpoint is stored on the step and the same claim (same
    /// attempts, same dependency results) is handed out again under a new event id.
    pub fn checkpoint_yield(&mut self, event_id: Uuid, data: CheckpointYieldData) -> Result<bool> {
        let Some(pending) = self.pending.remove(&event_id) else {
            return Ok(false);
        };
        let now = self.clock.read();
        let (ti, si) = (pending.task, pending.step);
        let step = self
            .task_mut(ti)?
            .steps
            .get_mut(si)
            .ok_or_else(inconsistent)?;
        let mut history = step
            .checkpoint
            .as_ref()
            .and_then(|c| c.get("history"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        history.push(json!({ "cursor": data.cursor, "timestamp": postgres_jsonb(now) }));
        step.checkpoint = Some(json!({
            "cursor": data.cursor,
            "items_processed": data.items_processed,
            "timestamp": utc(now),
            "accumulated_results": data.accumulated_results,
            "history": history,
        }));
        step.updated_at = now;
        let mut event = pending.event;
        event.workflow_step.checkpoint = Some(json!({
            "step_uuid": data.step_uuid.to_string(),
            "cursor": data.cursor,
            "items_processed": data.items_processed,
            "accumulated_results": data.accumulated_results,
        }));
        self.queue.push_back(Queued::Continuation {
            task: ti,
            step: si,
            event,
        });
        Ok(true)
    }

    fn pending_ages(&self, now: NaiveDateTime) -> Vec<(u64, u64, Uuid)> {
        let mut ages: Vec<(u64, u64, Uuid)> = self
            .pending
            .iter()
            .map(|(id, p)| (elapsed_ms(p.dispatched_at, now), p.seq, *id))
            .collect();
        ages.sort_by_key(|&(_, seq, _)| seq);
        ages
    }

    pub fn dispatch_metrics(&self) -> DispatchMetrics {
        let now = self.clock.peek();
        let ages = self.pending_ages(now);
        let threshold = u64::from(self.settings.starvation_threshold_ms);
        let starving = ages.iter().filter(|(age, _, _)| *age > threshold).count();
        DispatchMetrics {
            pending_count: u32::try_from(ages.len()).unwrap_or(u32::MAX),
            starvation_detected: starving > 0,
            starving_event_count: u32::try_from(starving).unwrap_or(u32::MAX),
            oldest_pending_age_ms: ages.iter().map(|a| a.0).max(),
            newest_pending_age_ms: ages.iter().map(|a| a.0).min(),
            // Oldest = first handed out.
            oldest_event_id: ages.first().map(|a| a.2),
        }
    }

    /// Logs one warning per pending event older than the starvation threshold.
    pub fn check_starvation_warnings(&mut self) -> u32 {
        let now = self.clock.read();
        let threshold = u64::from(self.settings.starvation_threshold_ms);
        let mut starving = 0u32;
        for (age, _, event_id) in self.pending_ages(now) {
            if age > threshold {
                starving += 1;
                let step = self
                    .pending
                    .get(&event_id)
                    .map(|p| p.event.step_uuid.to_string());
                self.log(
                    LogLevel::Warn,
                    "FFI dispatch: pending event aging - slow polling detected",
                    json!({
                        "service_id": self.worker_id,
                        "event_id": event_id.to_string(),
                        "step_uuid": step,
                        "age_ms": age,
                        "threshold_ms": threshold,
                    }),
                );
            }
        }
        starving
    }

    /// Fails every pending event older than the completion timeout, as tasker's channel does:
    /// a retryable `ffi_timeout` failure; a late completion of it gets `false`.
    pub fn cleanup_timeouts(&mut self) -> Result<u32> {
        let now = self.clock.read();
        let timeout = self.settings.step_timeout_ms;
        let expired: Vec<Uuid> = self
            .pending_ages(now)
            .into_iter()
            .filter(|(age, _, _)| *age > u64::from(timeout))
            .map(|(_, _, id)| id)
            .collect();
        for event_id in &expired {
            let Some(pending) = self.pending.remove(event_id) else {
                continue;
            };
            self.log(
                LogLevel::Error,
                "FFI dispatch: event timed out without completion",
                json!({
                    "event_id": event_id.to_string(),
                    "step_uuid": pending.event.step_uuid.to_string(),
                }),
            );
            let failure = StepExecutionResult::engine_failure(
                pending.event.step_uuid,
                format!("FFI handler timed out after {timeout}ms"),
                "ffi_timeout",
                i64::from(timeout),
                utc(now),
            );
            self.accept_result(pending, failure, now)?;
        }
        Ok(u32::try_from(expired.len()).unwrap_or(u32::MAX))
    }
}

/// How long a failed step waits before it is ready again, and the `backoff_request_seconds`
/// it records. A `Retry-After` header in the result's orchestration metadata wins (capped by
/// the template's `max_backoff_ms`); otherwise the template's `backoff` over `backoff_base_ms`
/// (default 1000), capped by `max_backoff_ms` (default 30 000). `attempts` counts the runs so
/// far. No jitter, so seeded runs repeat exactly.
pub(crate) fn retry_delay_ms(
    retry: &RetryConfiguration,
    attempts: i32,
    metadata: Option<&OrchestrationMetadata>,
) -> (u64, Option<i32>) {
    let cap = retry.max_backoff_ms.unwrap_or(30_000);
    if let Some(seconds) = metadata.and_then(OrchestrationMetadata::retry_after_seconds) {
        return (
            seconds.saturating_mul(1000).min(cap),
            Some(count_i32(usize::try_from(seconds).unwrap_or(usize::MAX))),
        );
    }
    let base = retry.backoff_base_ms.unwrap_or(1000);
    let n = u32::try_from(attempts.max(1)).unwrap_or(1);
    let delay = match retry.backoff {
        BackoffStrategy::None => 0,
        BackoffStrategy::Linear => base.saturating_mul(u64::from(n)),
        BackoffStrategy::Exponential => {
            base.saturating_mul(2u64.saturating_pow(n.saturating_sub(1)))
        }
        BackoffStrategy::Fibonacci => {
            let (mut a, mut b) = (1u64, 1u64);
            for _ in 1..n {
                (a, b) = (b, a.saturating_add(b));
            }
            base.saturating_mul(a)
        }
    };
    (delay.min(cap), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_follows_the_template_and_is_capped() {
        let mut retry = RetryConfiguration::default();
        assert_eq!(retry_delay_ms(&retry, 1, None).0, 1000);
        assert_eq!(retry_delay_ms(&retry, 3, None).0, 4000);
        assert_eq!(retry_delay_ms(&retry, 10, None).0, 30_000);
        retry.backoff = BackoffStrategy::Fibonacci;
        assert_eq!(retry_delay_ms(&retry, 4, None).0, 3000);
        retry.backoff = BackoffStrategy::None;
        assert_eq!(retry_delay_ms(&retry, 4, None).0, 0);
        let metadata =
            OrchestrationMetadata::from_json_lenient(&json!({"headers": {"retry-after": "2"}}));
        assert_eq!(
            retry_delay_ms(&retry, 1, metadata.as_ref()),
            (2000, Some(2))
        );
    }
}
