//! The client responses serialize directly to the text the historical `serde_json::Value` round
//! trip gave (sorted keys at every level), so the wire can skip the `Value`. A field added out of
//! alphabetical order fails here.

mod common;

use common::*;
use serde::Serialize;
use serde_json::json;
use tasker_core::model::ListTasksParams;

/// Direct serialization equals the `Value` round trip, byte for byte.
fn assert_sorted<T: Serialize>(what: &str, value: &T) {
    let direct = serde_json::to_string(value).unwrap();
    let through_value = serde_json::to_string(&serde_json::to_value(value).unwrap()).unwrap();
    assert_eq!(
        direct, through_value,
        "{what}: fields out of alphabetical order"
    );
}

#[test]
fn every_client_response_serializes_with_sorted_keys() {
    // Every optional field filled somewhere: a retried step (failure and retry times, audit rows
    // with and without a result), completed steps, a cancelled task, nested contexts.
    let (engine, task) = seeded_task(bench_order_request(
        json!({ "order_id": 7, "z": { "b": 1, "a": [ { "y": 2, "x": 1 } ] } }),
    ));
    let first = poll(&engine);
    fail(&engine, &first, true, "try again");
    run_with(
        &engine,
        |event| json!({ "step": event.workflow_step.name, "b": 2, "a": 1 }),
    );
    let other = engine.create_task(bench_order_request(json!({}))).unwrap();
    let cancelled = engine.cancel_task(other.task_uuid).unwrap();

    assert_sorted("TaskResponse", &reload(&engine, &task));
    assert_sorted("TaskResponse (cancelled)", &reload(&engine, &other));
    assert_sorted(
        "TaskListResponse",
        &engine.list_tasks(ListTasksParams::default()).unwrap(),
    );
    let steps = engine.list_task_steps(task.task_uuid).unwrap();
    assert_sorted("StepResponse[]", &steps);
    for step in &steps {
        assert_sorted(
            "StepAuditResponse[]",
            &engine
                .step_audit_history(task.task_uuid, step.step_uuid)
                .unwrap(),
        );
    }
    assert_sorted("CancelResponse", &cancelled);
    assert_sorted("HealthResponse", &engine.health());
}
