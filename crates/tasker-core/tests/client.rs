//! The server's client responses: TaskResponse and its counts, StepResponse, audit history
//! (newest first, keys omitted), pagination from limit/offset, cancel, validation.

mod common;

use common::*;
use serde_json::json;
use tasker_core::model::ListTasksParams;
use tasker_core::{CoreError, ErrorCode};

#[test]
fn task_response_serializes_as_the_server_json() {
    let (_, task) = seeded_task(bench_order_request(json!({ "order_id": 7 })));
    let value = serde_json::to_value(&task).unwrap();
    assert_eq!(value["created_at"], json!("2026-01-01T00:00:00Z"));
    assert_eq!(value["completed_at"], json!(null));
    assert_eq!(value["priority"], json!(0));
    assert_eq!(value["tags"], json!([]));
    assert_eq!(
        (task.total_steps, task.pending_steps, task.ready_steps),
        (4, 3, 0)
    );
    assert_eq!(
        task.execution_status, "processing",
        "the root step is enqueued, not ready"
    );
    let row = &value["steps"][0];
    assert_eq!(row["current_state"], json!("enqueued"));
    assert_eq!(row["last_attempted_at"], json!(null));
    assert!(row.get("named_step_uuid").is_some());
}

#[test]
fn step_responses_use_six_fractional_digits_and_carry_the_stored_result() {
    let (engine, task) = seeded_task(bench_order_request(json!({})));
    let event = poll(&engine);
    complete(&engine, &event, json!({ "ok": true }));
    let step = step_named(&engine, &task, "validate_cart");
    let value = serde_json::to_value(&step).unwrap();
    assert_eq!(value["created_at"], json!("2026-01-01T00:00:00.000000Z"));
    assert!(value["completed_at"]
        .as_str()
        .unwrap()
        .ends_with(".000000Z"));
    assert_eq!(value["results"]["result"], json!({ "ok": true }));
    assert_eq!(value["results"]["status"], json!("completed"));
    assert_eq!(
        (step.current_state.as_str(), step.attempts),
        ("complete", 1)
    );
}

#[test]
fn audit_history_is_one_row_per_result_newest_first_with_absent_keys_omitted() {
    let (engine, task) = seeded_task(fixture("fanout", json!({})));
    let step = task.steps[0].workflow_step_uuid;
    assert!(engine
        .step_audit_history(task.task_uuid, step)
        .unwrap()
        .is_empty());
    let first = poll(&engine);
    fail(&engine, &first, true, "x");
    let second = poll_eventually(&engine);
    complete(&engine, &second, json!({}));
    let audit = engine.step_audit_history(task.task_uuid, step).unwrap();
    let states: Vec<_> = audit.iter().map(|a| a.to_state.as_str()).collect();
    assert_eq!(
        states,
        [
            "enqueued_for_orchestration",
            "enqueued_as_error_for_orchestration"
        ]
    );
    assert!(audit[0].success && !audit[1].success);
    let mut row = audit[0].clone();
    row.worker_uuid = None;
    row.result = None;
    let value = serde_json::to_value(&row).unwrap();
    assert!(value.get("worker_uuid").is_none() && value.get("result").is_none());
}

#[test]
fn pagination_follows_limit_and_offset_with_tasker_bounds() {
    let engine = seeded();
    for _ in 0..5 {
        engine.create_task(bench_order_request(json!({}))).unwrap();
    }
    let page = |limit, offset| {
        engine.list_tasks(ListTasksParams {
            limit: Some(limit),
            offset: Some(offset),
            ..ListTasksParams::default()
        })
    };
    let p = page(2, 3).unwrap();
    assert_eq!(
        (
            p.pagination.page,
            p.pagination.per_page,
            p.pagination.total_count,
            p.pagination.total_pages
        ),
        (2, 2, 5, 3)
    );
    assert!(p.pagination.has_next && p.pagination.has_previous);
    assert_eq!(p.tasks.len(), 2);
    let err = page(0, 0).unwrap_err();
    assert_eq!(
        err,
        CoreError::Validation("per_page must be between 1 and 100".to_owned())
    );
    assert!(page(101, 0).is_err());
    let filtered = engine
        .list_tasks(ListTasksParams {
            namespace: Some("none".to_owned()),
            ..ListTasksParams::default()
        })
        .unwrap();
    assert_eq!(filtered.pagination.total_count, 0);
}

#[test]
fn cancel_answers_cancelled_and_withdraws_the_pending_event() {
    let (engine, task) = seeded_task(bench_order_request(json!({})));
    let event = poll(&engine);
    assert!(engine.cancel_task(task.task_uuid).unwrap().cancelled);
    assert_eq!(
        engine.complete_step_event(event.event_id, success(&event, json!({}))),
        Ok(false)
    );
    assert!(try_poll(&engine).is_none());
    assert_eq!(reload(&engine, &task).status, "cancelled");
    let again = engine.cancel_task(task.task_uuid).unwrap_err();
    assert_eq!(again.code(), ErrorCode::InvalidState);
}

#[test]
fn requests_are_validated_and_contexts_sanitized() {
    let engine = seeded();
    let mut bad = bench_order_request(json!({}));
    bad.name = String::new();
    assert_eq!(
        engine.create_task(bad).unwrap_err().code(),
        ErrorCode::InvalidRequest
    );
    assert!(matches!(
        engine.create_task(bench_order_request(json!([1]))),
        Err(CoreError::Validation(_))
    ));
    let missing = request_with("ecommerce", "nope", json!({}));
    assert_eq!(
        engine.create_task(missing).unwrap_err().code(),
        ErrorCode::TemplateNotFound
    );
    let task = engine
        .create_task(bench_order_request(
            json!({ "onload": 1, "note": "<script>x</script>", "keep": 2 }),
        ))
        .unwrap();
    assert_eq!(
        task.context,
        json!({ "note": "&lt;script&gt;x&lt;/script&gt;", "keep": 2 })
    );
}

#[test]
fn an_idempotency_key_returns_the_existing_task() {
    let engine = seeded();
    let mut request = bench_order_request(json!({}));
    request.idempotency_key = Some("k-1".to_owned());
    let first = engine.create_task(request.clone()).unwrap();
    let second = engine.create_task(request).unwrap();
    assert_eq!(first.task_uuid, second.task_uuid);
}
