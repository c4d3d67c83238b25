//! Results: retry with exponential backoff on the fixed clock, permanent errors, and the
//! checks on what a handler may report.

mod common;

use common::*;
use serde_json::json;
use tasker_core::CoreError;

#[test]
fn retryable_failure_waits_for_backoff_then_exhausts_into_error() {
    // Fixed clock: each read advances 1 s. create@0s, poll@1s, fail@2s -> retry at 3s.
    let engine = seeded();
    let task = engine.create_task(order()).expect("create");
    let first = poll(&engine);
    assert_eq!(
        engine.complete_step_event(&first.event_id, failure(&first, "failed", "flaky")),
        Ok(true)
    );

    let step = engine
        .get_step(&task.task_uuid, &first.step_uuid)
        .expect("step");
    assert_eq!(step.current_state, "waiting_for_retry");
    assert_eq!(step.attempts, 1);
    assert_eq!(
        step.last_failure_at.as_deref(),
        Some("2026-01-01T00:00:02.000Z")
    );
    assert_eq!(
        step.next_retry_at.as_deref(),
        Some("2026-01-01T00:00:03.000Z")
    );
    let view = engine.get_task(&task.task_uuid).expect("get");
    assert_eq!(view.health_status, "recovering");

    // poll@3s: due (backoff 1000 * 2^0).
    let second = poll(&engine);
    assert_eq!(
        (second.step_uuid.as_str(), second.workflow_step.attempts),
        (first.step_uuid.as_str(), 2)
    );
    // fail@4s -> backoff 1000 * 2^1 -> retry at 6s; poll@5s is too early, poll@6s is due.
    engine
        .complete_step_event(&second.event_id, failure(&second, "failed", "flaky"))
        .expect("fail 2");
    let step = engine
        .get_step(&task.task_uuid, &first.step_uuid)
        .expect("step");
    assert_eq!(
        step.next_retry_at.as_deref(),
        Some("2026-01-01T00:00:06.000Z")
    );
    assert_idle(&engine);
    let third = poll(&engine);
    assert_eq!(third.workflow_step.attempts, 3);

    // Third failure of a 3-attempt step is final.
    engine
        .complete_step_event(&third.event_id, failure(&third, "failed", "still flaky"))
        .expect("fail 3");
    let step = engine
        .get_step(&task.task_uuid, &first.step_uuid)
        .expect("step");
    assert_eq!(
        (step.current_state.as_str(), step.retry_eligible),
        ("error", false)
    );
    let view = engine.get_task(&task.task_uuid).expect("get");
    assert_eq!(view.status, "error");
    assert_eq!(view.execution_status, "blocked_by_failures");
    assert_eq!(view.recommended_action, "handle_failures");
    assert_eq!(view.health_status, "blocked");
    assert_eq!(view.failed_steps, 1);
    assert_idle(&engine);

    let names: Vec<_> = drain_domain_events(&engine)
        .into_iter()
        .map(|e| e.event_name)
        .collect();
    assert_eq!(
        names,
        [
            "step.retry_scheduled",
            "step.retry_scheduled",
            "step.failed",
            "task.failed"
        ]
    );
    let metrics = engine.dispatch_metrics();
    assert_eq!((metrics.failed_count, metrics.retried_count), (3, 2));
}

#[test]
fn error_status_is_permanent_on_the_first_attempt() {
    let engine = seeded();
    let task = engine.create_task(order()).expect("create");
    let event = poll(&engine);
    engine
        .complete_step_event(&event.event_id, failure(&event, "error", "card declined"))
        .expect("error");
    let view = engine.get_task(&task.task_uuid).expect("get");
    assert_eq!((view.status.as_str(), view.failed_steps), ("error", 1));
    assert_eq!(
        step_state(&engine, &task.task_uuid, &event.step_uuid),
        "error"
    );
    assert_idle(&engine);
    let failed = drain_domain_events(&engine);
    assert_eq!(failed[0].payload["error_message"], json!("card declined"));
    assert_eq!(failed[1].event_name, "task.failed");
}

#[test]
fn a_failure_marked_not_retryable_is_permanent() {
    let engine = seeded();
    let task = engine.create_task(order()).expect("create");
    let event = poll(&engine);
    let mut result = failure(&event, "failed", "bad input");
    if let Some(error) = result.error.as_mut() {
        error.retryable = Some(false);
    }
    engine
        .complete_step_event(&event.event_id, result)
        .expect("complete");
    assert_eq!(
        step_state(&engine, &task.task_uuid, &event.step_uuid),
        "error"
    );
}

#[test]
fn a_step_not_retryable_in_its_template_fails_for_good() {
    let engine = seeded();
    let task = engine.create_task(report()).expect("create");
    run_steps(&engine, 3);
    let merge = poll(&engine);
    assert_eq!(merge.workflow_step.name, "merge");
    assert!(!merge.workflow_step.retryable);
    engine
        .complete_step_event(&merge.event_id, failure(&merge, "failed", "x"))
        .expect("fail");
    assert_eq!(
        engine.get_task(&task.task_uuid).expect("get").status,
        "error"
    );
}

fn run_steps(engine: &tasker_core::engine::Engine, n: usize) {
    for _ in 0..n {
        let event = poll(engine);
        engine
            .complete_step_event(&event.event_id, success(&event, json!(null)))
            .expect("complete");
    }
}

#[test]
fn dependency_result_of_a_retried_step_is_its_final_success() {
    let engine = seeded();
    engine.create_task(order()).expect("create");
    let first = poll(&engine);
    engine
        .complete_step_event(&first.event_id, failure(&first, "failed", "flaky"))
        .expect("fail");
    let retry = poll(&engine);
    engine
        .complete_step_event(&retry.event_id, success(&retry, json!({ "ok": 1 })))
        .expect("ok");
    let next = poll(&engine);
    let dep = &next.dependency_results["validate_cart"];
    assert!(dep.success);
    assert_eq!(dep.result, json!({ "ok": 1 }));
    assert_eq!(dep.error_message, None);
}

#[test]
fn every_transition_is_audited() {
    let engine = seeded();
    let task = engine.create_task(order()).expect("create");
    let first = poll(&engine);
    engine
        .complete_step_event(&first.event_id, failure(&first, "failed", "flaky"))
        .expect("fail");
    let retry = poll(&engine);
    engine
        .complete_step_event(&retry.event_id, success(&retry, json!({ "ok": true })))
        .expect("ok");

    let audit = engine
        .step_audit_history(&task.task_uuid, &first.step_uuid)
        .expect("audit");
    let transitions: Vec<_> = audit
        .iter()
        .map(|a| (a.from_state.as_deref(), a.to_state.as_str()))
        .collect();
    assert_eq!(
        transitions,
        [
            (None, "pending"),
            (Some("pending"), "in_progress"),
            (Some("in_progress"), "waiting_for_retry"),
            (Some("waiting_for_retry"), "in_progress"),
            (Some("in_progress"), "complete"),
        ]
    );
    let done = &audit[4];
    assert_eq!(
        (done.success, done.execution_time_ms),
        (Some(true), Some(12))
    );
    assert_eq!(done.result, Some(json!({ "ok": true })));
    assert_eq!(done.worker_id.as_deref(), Some(engine.worker_id()));
    assert_eq!(audit[2].success, Some(false));
    assert_eq!(
        audit[2].result.as_ref().map(|r| &r["error"]["message"]),
        Some(&json!("flaky"))
    );
}

#[test]
fn malformed_results_are_rejected_and_leave_the_event_open() {
    let engine = seeded();
    engine.create_task(order()).expect("create");
    let event = poll(&engine);

    let mut inconsistent = success(&event, json!(1));
    inconsistent.status = "failed".to_owned();
    assert_eq!(
        engine.complete_step_event(&event.event_id, inconsistent),
        Err(CoreError::InvalidArgument(
            "Inconsistent step result: success=true with status \"failed\"".to_owned()
        ))
    );
    let mut unknown = success(&event, json!(1));
    unknown.status = "done".to_owned();
    assert!(matches!(
        engine.complete_step_event(&event.event_id, unknown),
        Err(CoreError::InvalidArgument(m)) if m.starts_with("Invalid step result status \"done\"")
    ));
    let mut wrong_step = success(&event, json!(1));
    wrong_step.step_uuid = uuid::Uuid::nil().to_string();
    assert!(matches!(
        engine.complete_step_event(&event.event_id, wrong_step),
        Err(CoreError::InvalidArgument(m)) if m.contains("does not match event")
    ));
    let mut bad_step = success(&event, json!(1));
    bad_step.step_uuid = "nope".to_owned();
    assert_eq!(
        engine.complete_step_event(&event.event_id, bad_step),
        Err(CoreError::InvalidArgument(
            "Invalid step UUID: nope".to_owned()
        ))
    );
    assert_eq!(
        engine.complete_step_event("not-a-uuid", success(&event, json!(1))),
        Err(CoreError::InvalidArgument(
            "Invalid event ID: not-a-uuid".to_owned()
        ))
    );
    // Still in flight after all those rejections.
    assert_eq!(engine.status().in_flight, 1);
    assert_eq!(
        engine.complete_step_event(&event.event_id, success(&event, json!(1))),
        Ok(true)
    );
}

#[test]
fn unknown_and_already_completed_events_return_false() {
    let engine = seeded();
    engine.create_task(order()).expect("create");
    let event = poll(&engine);
    let unknown = uuid::Uuid::nil().to_string();
    assert_eq!(
        engine.complete_step_event(&unknown, success(&event, json!(1))),
        Ok(false)
    );
    assert_eq!(
        engine.complete_step_event(&event.event_id, success(&event, json!(1))),
        Ok(true)
    );
    assert_eq!(
        engine.complete_step_event(&event.event_id, success(&event, json!(1))),
        Ok(false)
    );
    assert_eq!(engine.dispatch_metrics().completed_count, 1);
}
