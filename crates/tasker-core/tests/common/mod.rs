//! Helpers shared by the integration tests (and the core-floor benchmark): engines, requests,
//! handler results.
#![allow(dead_code)] // each test binary uses a different subset

use serde_json::{json, Value};
use tasker_core::engine::Engine;
use tasker_core::model::*;
use uuid::Uuid;

/// Our step-type fixtures (`fixtures/templates/step_types`, namespace `fixtures`).
pub fn fixture_dir(name: &str) -> String {
    format!(
        "{}/tests/fixtures/templates/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// A deterministic engine with the step-type fixtures: seed 42, clock from 2026-01-01, 1 s per read.
pub fn seeded() -> Engine {
    seeded_with(42, None)
}

/// As [`seeded`] with another seed and clock tick (`None`: the default 1 s per read).
pub fn seeded_with(seed: u32, clock_tick_ms: Option<u32>) -> Engine {
    engine(BootstrapConfig {
        seed: Some(seed),
        clock_tick_ms,
        template_path: Some(fixture_dir("step_types")),
        ..BootstrapConfig::default()
    })
}

/// A [`seeded`] engine and the task it created from `request`.
pub fn seeded_task(request: TaskRequest) -> (Engine, TaskResponse) {
    let engine = seeded();
    let task = engine.create_task(request).expect("create_task");
    (engine, task)
}

/// An engine from `config`; its log lines are off unless the test asks for a level.
pub fn engine(mut config: BootstrapConfig) -> Engine {
    config.log_level.get_or_insert_with(|| "off".to_owned());
    Engine::new(config).expect("bootstrap")
}

/// A request for `namespace/name` v1.0.0 with `context`, nothing optional set.
pub fn request_with(namespace: &str, name: &str, context: Value) -> TaskRequest {
    TaskRequest {
        name: name.to_owned(),
        namespace: namespace.to_owned(),
        version: "1.0.0".to_owned(),
        context,
        initiator: "tests".to_owned(),
        source_system: "cargo".to_owned(),
        reason: "testing".to_owned(),
        tags: Vec::new(),
        requested_at: None,
        options: None,
        priority: None,
        correlation_id: None,
        parent_correlation_id: None,
        idempotency_key: None,
    }
}

pub fn fixture(name: &str, context: Value) -> TaskRequest {
    request_with("fixtures", name, context)
}

/// The steps of the shipped `ecommerce/order_processing` template, in dependency order.
pub const ORDER_STEPS: [&str; 4] = [
    "validate_cart",
    "process_payment",
    "update_inventory",
    "send_confirmation",
];

/// The order request of the benchmarks (`benches/core_floor.rs`) with `context`.
pub fn bench_order_request(context: Value) -> TaskRequest {
    request_with("ecommerce", "order_processing", context)
}

fn metadata(retryable: bool) -> StepExecutionMetadata {
    StepExecutionMetadata {
        execution_time_ms: 12,
        retryable,
        ..StepExecutionMetadata::default()
    }
}

/// A successful result of the step `step_uuid` carrying `result`.
pub fn success_for(step_uuid: Uuid, result: Value) -> StepExecutionResult {
    StepExecutionResult {
        step_uuid,
        success: true,
        result,
        metadata: metadata(false),
        status: "completed".to_owned(),
        error: None,
        orchestration_metadata: None,
    }
}

pub fn success(event: &StepEvent, result: Value) -> StepExecutionResult {
    success_for(event.step_uuid, result)
}

/// A failure; `retryable` goes where tasker reads it (`metadata.retryable`) and into the error.
pub fn failure(event: &StepEvent, retryable: bool, message: &str) -> StepExecutionResult {
    StepExecutionResult {
        step_uuid: event.step_uuid,
        success: false,
        result: json!({}),
        metadata: metadata(retryable),
        status: "failed".to_owned(),
        error: Some(StepExecutionError {
            message: message.to_owned(),
            error_type: Some("handler_error".to_owned()),
            backtrace: None,
            retryable,
            status_code: None,
            context: None,
        }),
        orchestration_metadata: None,
    }
}

/// The `checkpointed` fixture's batchable outcome: one `chew` worker over 100 items.
pub fn checkpointed_outcome() -> Value {
    json!({ "batch_processing_outcome": { "type": "create_batches", "worker_template_name": "chew",
        "worker_count": 1, "total_items": 100,
        "cursor_configs": [{ "batch_id": "001", "start_cursor": 0, "end_cursor": 100, "batch_size": 100 }] } })
}

/// A checkpoint of `step_uuid` at `cursor` with `items` processed.
pub fn checkpoint_data(
    step_uuid: Uuid,
    cursor: u64,
    items: u64,
    accumulated: Value,
) -> CheckpointYieldData {
    CheckpointYieldData {
        step_uuid,
        cursor: json!(cursor),
        items_processed: items,
        accumulated_results: Some(accumulated),
    }
}

pub fn poll(engine: &Engine) -> StepEvent {
    engine
        .poll_step_event()
        .expect("poll")
        .expect("a ready step")
}

/// Polls until a step is ready (each poll moves a seeded engine's clock), at most 100 times.
pub fn poll_eventually(engine: &Engine) -> StepEvent {
    (0..100)
        .find_map(|_| try_poll(engine))
        .expect("a step became ready")
}

pub fn try_poll(engine: &Engine) -> Option<StepEvent> {
    engine.poll_step_event().expect("poll")
}

pub fn complete(engine: &Engine, event: &StepEvent, result: Value) {
    assert_eq!(
        engine.complete_step_event(event.event_id, success(event, result)),
        Ok(true)
    );
}

/// Runs every ready step with `handler` until nothing is ready; returns the step names in order.
pub fn run_with(engine: &Engine, mut handler: impl FnMut(&StepEvent) -> Value) -> Vec<String> {
    let mut names = Vec::new();
    while let Some(event) = try_poll(engine) {
        names.push(event.workflow_step.name.clone());
        let result = handler(&event);
        complete(engine, &event, result);
    }
    names
}

/// Fails `event` as a handler would; the engine must accept the result.
pub fn fail(engine: &Engine, event: &StepEvent, retryable: bool, message: &str) {
    assert_eq!(
        engine.complete_step_event(event.event_id, failure(event, retryable, message)),
        Ok(true)
    );
}

/// `task` as the engine reports it now.
pub fn reload(engine: &Engine, task: &TaskResponse) -> TaskResponse {
    engine.get_task(task.task_uuid).expect("get_task")
}

pub fn steps(engine: &Engine, task: &TaskResponse) -> Vec<StepResponse> {
    engine.list_task_steps(task.task_uuid).expect("steps")
}

pub fn step_names(engine: &Engine, task: &TaskResponse) -> Vec<String> {
    steps(engine, task).into_iter().map(|s| s.name).collect()
}

pub fn step_named(engine: &Engine, task: &TaskResponse, name: &str) -> StepResponse {
    steps(engine, task)
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no step {name}"))
}

pub fn drain_domain_events(engine: &Engine) -> Vec<DomainEvent> {
    std::iter::from_fn(|| engine.poll_domain_event()).collect()
}
