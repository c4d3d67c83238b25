//! Retries as tasker decides them: `metadata.retryable` and attempts left (counted at the claim;
//! the handler sees the runs before it), the template's backoff for the delay, and the task's
//! end state when a step gives up. Also the pending map's timeouts and starvation.

mod common;

use common::*;
use serde_json::json;

#[test]
fn a_retryable_failure_waits_for_its_backoff_and_runs_again() {
    let (engine, task) = seeded_task(fixture("fanout", json!({})));
    let plan = poll(&engine);
    assert_eq!(plan.workflow_step.attempts, Some(0));
    fail(&engine, &plan, true, "flaky");
    let step = step_named(&engine, &task, "plan");
    assert_eq!(
        (step.current_state.as_str(), step.attempts),
        ("waiting_for_retry", 1)
    );
    assert!(step.next_retry_at.is_some());
    let waiting = reload(&engine, &task);
    assert_eq!(waiting.status, "waiting_for_dependencies");
    // The default retry (exponential from 1000 ms); the fixed clock moved past it by now.
    let again = poll(&engine);
    assert_eq!(again.workflow_step.attempts, Some(1));
    assert_eq!(reload(&engine, &task).status, "steps_in_process");
}

#[test]
fn exhausted_attempts_block_the_task_with_the_step_in_error() {
    let (engine, task) = seeded_task(fixture("fanout", json!({})));
    for n in 0..3 {
        let event = poll_eventually(&engine);
        assert_eq!(event.workflow_step.attempts, Some(n));
        fail(&engine, &event, true, "still down");
    }
    assert!((0..50).all(|_| try_poll(&engine).is_none()));
    let done = reload(&engine, &task);
    assert_eq!(
        (
            done.status.as_str(),
            done.execution_status.as_str(),
            done.recommended_action.as_str(),
            done.health_status.as_str()
        ),
        (
            "blocked_by_failures",
            "blocked_by_failures",
            "handle_failures",
            "blocked"
        )
    );
    let step = step_named(&engine, &task, "plan");
    assert_eq!(
        (
            step.current_state.as_str(),
            step.attempts,
            step.max_attempts
        ),
        ("error", 3, 3)
    );
}

#[test]
fn a_non_retryable_failure_is_permanent_at_once() {
    let (engine, task) = seeded_task(fixture("fanout", json!({})));
    let event = poll(&engine);
    fail(&engine, &event, false, "bad input");
    let step = step_named(&engine, &task, "plan");
    assert_eq!((step.current_state.as_str(), step.attempts), ("error", 1));
    assert_eq!(reload(&engine, &task).failed_steps, 1);
}

#[test]
fn metadata_retryable_decides_not_error_retryable() {
    let (engine, task) = seeded_task(fixture("fanout", json!({})));
    let event = poll(&engine);
    let mut result = failure(&event, true, "x");
    if let Some(e) = result.error.as_mut() {
        e.retryable = false;
    }
    engine.complete_step_event(event.event_id, result).unwrap();
    assert_eq!(
        step_named(&engine, &task, "plan").current_state,
        "waiting_for_retry"
    );
}

#[test]
fn template_retryable_false_is_never_retried() {
    let (engine, task) = seeded_task(request_with("analytics", "report", json!({})));
    run_with(&engine, |_| json!({})).len();
    // merge is retryable: false with one attempt; fail it once more on a fresh task.
    let task2 = engine
        .create_task(request_with("analytics", "report", json!({})))
        .unwrap();
    for _ in 0..3 {
        let e = poll(&engine);
        complete(&engine, &e, json!({}));
    }
    let merge = poll(&engine);
    fail(&engine, &merge, true, "x");
    assert_eq!(step_named(&engine, &task2, "merge").current_state, "error");
    assert_eq!(reload(&engine, &task).status, "complete");
}

#[test]
fn a_retry_after_header_sets_backoff_request_seconds() {
    let (engine, task) = seeded_task(fixture("fanout", json!({})));
    let event = poll(&engine);
    let mut result = failure(&event, true, "rate limited");
    result.orchestration_metadata = tasker_core::model::OrchestrationMetadata::from_json_lenient(
        &json!({ "headers": { "Retry-After": "7" } }),
    );
    engine.complete_step_event(event.event_id, result).unwrap();
    let t = reload(&engine, &task);
    assert_eq!(t.steps[0].backoff_request_seconds, Some(7));
}

#[test]
fn cleanup_fails_events_pending_past_the_timeout_as_tasker_did() {
    let engine = seeded_with(1, Some(20_000));
    let task = engine.create_task(fixture("fanout", json!({}))).unwrap();
    let event = poll(&engine);
    assert_eq!(engine.cleanup_timeouts(), Ok(0), "20 s old: not yet");
    assert_eq!(engine.cleanup_timeouts(), Ok(1), "40 s old: timed out");
    assert_eq!(
        engine.complete_step_event(event.event_id, success(&event, json!({}))),
        Ok(false)
    );
    let step = step_named(&engine, &task, "plan");
    assert_eq!(step.current_state, "waiting_for_retry");
    let stored = step.results.unwrap();
    assert_eq!(
        stored["error"]["message"],
        json!("FFI handler timed out after 30000ms")
    );
    assert_eq!(stored["error"]["error_type"], json!("ffi_timeout"));
}

#[test]
fn metrics_describe_the_pending_map_and_starvation_past_ten_seconds() {
    let engine = seeded_with(1, Some(6_000));
    let empty = engine.dispatch_metrics();
    assert_eq!(
        (
            empty.pending_count,
            empty.oldest_pending_age_ms,
            empty.oldest_event_id
        ),
        (0, None, None)
    );
    engine.create_task(fixture("fanout", json!({}))).unwrap();
    let event = poll(&engine);
    assert!(!engine.dispatch_metrics().starvation_detected);
    assert_eq!(engine.check_starvation_warnings(), 0);
    let _ = engine.check_starvation_warnings();
    let m = engine.dispatch_metrics();
    assert!(m.starvation_detected);
    assert_eq!(
        (m.pending_count, m.starving_event_count, m.oldest_event_id),
        (1, 1, Some(event.event_id))
    );
    assert_eq!(m.oldest_pending_age_ms, m.newest_pending_age_ms);
}
