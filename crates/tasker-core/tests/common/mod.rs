//! Helpers shared by the integration tests: engines, requests and handler results.
#![allow(dead_code)] // each test binary uses a different subset

use serde_json::json;
use tasker_core::dto::*;
use tasker_core::engine::Engine;

/// A deterministic engine: seed 42, clock from 2026-01-01T00:00:00Z, one second per read.
pub fn seeded() -> Engine {
    engine(BootstrapConfig {
        seed: Some(42),
        ..BootstrapConfig::default()
    })
}

pub fn engine(config: BootstrapConfig) -> Engine {
    Engine::new(config).expect("bootstrap")
}

pub fn request(namespace: &str, name: &str) -> TaskRequest {
    request_with(namespace, name, json!({ "order_id": 7 }))
}

/// A request for `namespace/name` v1.0.0 with `context`, nothing optional set.
pub fn request_with(namespace: &str, name: &str, context: Json) -> TaskRequest {
    TaskRequest {
        name: name.to_owned(),
        namespace: namespace.to_owned(),
        version: "1.0.0".to_owned(),
        context,
        initiator: "tests".to_owned(),
        source_system: "cargo".to_owned(),
        reason: "testing".to_owned(),
        tags: None,
        priority: None,
        correlation_id: None,
        parent_correlation_id: None,
        idempotency_key: None,
        options: None,
        requested_at: None,
    }
}

pub fn order() -> TaskRequest {
    request("ecommerce", "order_processing")
}

pub fn report() -> TaskRequest {
    request("analytics", "report")
}

pub fn import() -> TaskRequest {
    request("batch", "import")
}

/// The order request of the benchmarks (the core floor, `benches/core_floor.rs`) with `context`.
pub fn bench_order_request(context: Json) -> TaskRequest {
    request_with("ecommerce", "order_processing", context)
}

/// A `batch/import` request with `context`: its second step may checkpoint-yield.
pub fn import_with(context: Json) -> TaskRequest {
    request_with("batch", "import", context)
}

/// `requested_at` in whatever type the build's wire uses.
#[cfg(not(feature = "tas283-unfixed"))]
pub fn wire(raw: &str) -> RequestedAtWire {
    raw.to_owned()
}

#[cfg(feature = "tas283-unfixed")]
pub fn wire(raw: &str) -> RequestedAtWire {
    raw.parse().expect("naive timestamp")
}

fn metadata() -> StepExecutionMetadata {
    StepExecutionMetadata {
        execution_time_ms: 12,
        worker_id: None,
        completed_at: "2026-01-01T00:00:00.000Z".to_owned(),
        retryable: None,
        error_type: None,
        error_code: None,
        custom: None,
    }
}

pub fn success(event: &StepEvent, result: Json) -> StepExecutionResult {
    success_for(&event.step_uuid, result)
}

/// A successful result of the step `step_uuid` carrying `result`.
pub fn success_for(step_uuid: &str, result: Json) -> StepExecutionResult {
    StepExecutionResult {
        step_uuid: step_uuid.to_owned(),
        success: true,
        result,
        status: "completed".to_owned(),
        metadata: metadata(),
        error: None,
        orchestration_metadata: None,
    }
}

/// A failure with `status` `failed` (retryable) or `error` (permanent).
pub fn failure(event: &StepEvent, status: &str, message: &str) -> StepExecutionResult {
    StepExecutionResult {
        step_uuid: event.step_uuid.clone(),
        success: false,
        result: Json::Null,
        status: status.to_owned(),
        metadata: metadata(),
        error: Some(StepExecutionError {
            message: message.to_owned(),
            error_type: Some("HandlerError".to_owned()),
            retryable: None,
            status_code: None,
            backtrace: None,
            context: None,
        }),
        orchestration_metadata: None,
    }
}

/// A checkpoint of `step_uuid` at offset 100 whose accumulated results are `accumulated`.
pub fn checkpoint_data(step_uuid: &str, accumulated: Json) -> CheckpointYieldData {
    CheckpointYieldData {
        step_uuid: step_uuid.to_owned(),
        cursor: json!({ "offset": 100 }),
        items_processed: 100,
        accumulated_results: Some(accumulated),
    }
}

pub fn poll(engine: &Engine) -> StepEvent {
    engine
        .poll_step_event()
        .expect("poll")
        .expect("a ready step")
}

pub fn assert_idle(engine: &Engine) {
    assert_eq!(
        engine
            .poll_step_event()
            .expect("poll")
            .map(|e| e.workflow_step.name),
        None
    );
}

/// Polls and completes successfully until nothing is ready; returns the step names in order.
pub fn run_all(engine: &Engine) -> Vec<String> {
    let mut names = Vec::new();
    while let Some(event) = engine.poll_step_event().expect("poll") {
        names.push(event.workflow_step.name.clone());
        let result = success(&event, json!({ "step": event.workflow_step.name }));
        assert_eq!(
            engine.complete_step_event(&event.event_id, result),
            Ok(true)
        );
    }
    names
}

pub fn step_state(engine: &Engine, task: &str, step: &str) -> String {
    engine.get_step(task, step).expect("step").current_state
}

pub fn drain_domain_events(engine: &Engine) -> Vec<DomainEvent> {
    std::iter::from_fn(|| engine.poll_domain_event()).collect()
}
