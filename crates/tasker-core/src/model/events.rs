//! Domain events a step publishes, and the metrics of the dispatch channel's pending map.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

/// A published domain event (tasker's `DomainEvent`). Each surface renders it: the legacy
/// bridge as camelCase JSON, the napi bridge as `NapiDomainEvent`.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainEvent {
    pub event_id: Uuid,
    /// The declaration's name, e.g. `order.validated`.
    pub event_name: String,
    /// Always `"1.0"`, as tasker's publisher sets it.
    pub event_version: String,
    /// The whole `DomainEventPayload` as JSON:
    /// `{task_sequence_step, execution_result, payload}` (the last is the step's `result`).
    pub payload: Value,
    pub metadata: DomainEventMetadata,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DomainEventMetadata {
    pub task_uuid: Uuid,
    pub step_uuid: Option<Uuid>,
    /// The instance name of the step.
    pub step_name: Option<String>,
    pub namespace: String,
    /// The task's correlation id.
    pub correlation_id: Uuid,
    pub fired_at: DateTime<Utc>,
    /// `DefaultDomainEventPublisher`, the publisher tasker's TypeScript bridge always used.
    pub fired_by: String,
}

/// The dispatch channel's pending map: events handed out and not yet completed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DispatchMetrics {
    pub pending_count: u32,
    pub starvation_detected: bool,
    /// Pending events older than the starvation threshold (strictly).
    pub starving_event_count: u32,
    pub oldest_pending_age_ms: Option<u64>,
    pub newest_pending_age_ms: Option<u64>,
    pub oldest_event_id: Option<Uuid>,
}
