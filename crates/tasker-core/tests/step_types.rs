//! tasker's step types on the embedded engine: linear and diamond DAGs, dependency results of
//! all ancestors, batchable → batch workers → deferred convergence, decisions, checkpoint
//! yield and resume, and domain events.

mod common;

use common::*;
use serde_json::{json, Value};
use tasker_core::engine::Engine;
use tasker_core::model::{StepEvent, TaskResponse};

#[test]
fn linear_order_runs_in_dependency_order_and_completes_the_task() {
    let (engine, task) = seeded_task(bench_order_request(json!({ "order_id": 7 })));
    assert_eq!(task.status, "steps_in_process");
    assert_eq!(task.total_steps, 4);
    let names = run_with(&engine, |e| json!({ "step": e.workflow_step.name }));
    assert_eq!(names, ORDER_STEPS);
    let done = reload(&engine, &task);
    assert_eq!(
        (
            done.status.as_str(),
            done.execution_status.as_str(),
            done.recommended_action.as_str()
        ),
        ("complete", "all_complete", "finalize_task")
    );
    assert_eq!(
        (done.completion_percentage, done.health_status.as_str()),
        (100.0, "healthy")
    );
    assert_eq!(done.completed_at, None, "tasker's server always sends null");
}

#[test]
fn diamond_join_waits_for_both_branches() {
    let (engine, task) = seeded_task(request_with("analytics", "report", json!({})));
    let extract = poll(&engine);
    complete(&engine, &extract, json!({ "rows": 3 }));
    let a = poll(&engine);
    let b = poll(&engine);
    assert_eq!(
        (a.workflow_step.name.as_str(), b.workflow_step.name.as_str()),
        ("transform_a", "transform_b")
    );
    complete(&engine, &a, json!("a"));
    assert!(try_poll(&engine).is_none(), "merge waits for transform_b");
    let mid = reload(&engine, &task);
    assert_eq!(
        (mid.execution_status.as_str(), mid.completion_percentage),
        ("processing", 50.0)
    );
    complete(&engine, &b, json!("b"));
    let merge = poll(&engine);
    assert_eq!(merge.workflow_step.name, "merge");
    assert_eq!(
        merge.dependency_results.keys().collect::<Vec<_>>(),
        ["extract", "transform_a", "transform_b"]
    );
}

#[test]
fn dependency_results_hold_every_completed_ancestor_not_only_parents() {
    let engine = seeded();
    engine.create_task(fixture("deep", json!({}))).unwrap();
    let mut seen = Vec::new();
    run_with(&engine, |e| {
        seen.push((
            e.workflow_step.name.clone(),
            e.dependency_results.keys().cloned().collect::<Vec<_>>(),
        ));
        json!({ "by": e.workflow_step.name })
    });
    let of = |name: &str| seen.iter().find(|(n, _)| n == name).unwrap().1.clone();
    assert!(of("a").is_empty());
    assert_eq!(of("c"), ["a", "b"]);
    assert_eq!(of("e"), ["a", "b", "c", "d"]);
    assert_eq!(of("f"), ["a", "b", "c", "d", "e"]);
}

#[test]
fn the_handler_sees_the_stored_result_of_an_ancestor() {
    let engine = seeded();
    engine.create_task(fixture("deep", json!({}))).unwrap();
    let first = poll(&engine);
    complete(&engine, &first, json!({ "value": 41 }));
    let second = poll(&engine);
    complete(&engine, &second, json!({ "value": 1 }));
    let c = poll(&engine);
    let a = &c.dependency_results["a"];
    assert_eq!(
        (a.success, a.result["value"].clone(), a.status.as_str()),
        (true, json!(41), "completed")
    );
    assert_eq!(a.step_uuid, first.step_uuid);
}

fn plan_result(batches: &[(&str, u64, u64)]) -> Value {
    let configs: Vec<Value> = batches
        .iter()
        .map(|(id, start, end)| json!({ "batch_id": id, "start_cursor": start, "end_cursor": end, "batch_size": end - start }))
        .collect();
    json!({ "batch_processing_outcome": {
        "type": "create_batches", "worker_template_name": "count_slice",
        "worker_count": configs.len(), "cursor_configs": configs, "total_items": 30 } })
}

#[test]
fn batchable_creates_one_worker_per_cursor_and_the_convergence_waits_for_all() {
    let (engine, task) = seeded_task(fixture("fanout", json!({})));
    assert_eq!(
        task.total_steps, 1,
        "batch workers and convergence are made later"
    );
    let plan = poll(&engine);
    complete(
        &engine,
        &plan,
        plan_result(&[("001", 0, 10), ("002", 10, 20), ("003", 20, 30)]),
    );
    assert_eq!(
        step_names(&engine, &task),
        [
            "plan",
            "count_slice_001",
            "count_slice_002",
            "count_slice_003",
            "sum"
        ]
    );

    let w1 = poll(&engine);
    assert_eq!(w1.workflow_step.name, "count_slice_001");
    assert_eq!(w1.workflow_step.template_step_name, "count_slice");
    assert_eq!(
        w1.step_definition.name, "count_slice",
        "the template's definition"
    );
    assert_eq!(w1.workflow_step.max_attempts, Some(4));
    assert_eq!(
        w1.workflow_step.inputs,
        Some(json!({
            "unit": "items",
            "cursor": { "batch_id": "001", "start_cursor": 0, "end_cursor": 10, "batch_size": 10 },
            "batch_metadata": { "cursor_field": "index", "failure_strategy": "fail_fast" },
            "is_no_op": false,
            "__template_step_name": "count_slice"
        }))
    );
    let w2 = poll(&engine);
    let w3 = poll(&engine);
    complete(&engine, &w1, json!({ "count": 10 }));
    complete(&engine, &w2, json!({ "count": 10 }));
    assert!(try_poll(&engine).is_none(), "sum waits for every worker");
    complete(&engine, &w3, json!({ "count": 10 }));
    let sum = poll(&engine);
    assert_eq!(
        sum.dependency_results.keys().collect::<Vec<_>>(),
        [
            "count_slice_001",
            "count_slice_002",
            "count_slice_003",
            "plan"
        ]
    );
    complete(&engine, &sum, json!({ "total": 30 }));
    assert_eq!(reload(&engine, &task).status, "complete");
}

#[test]
fn no_batches_makes_one_no_op_placeholder_worker() {
    let (engine, task) = seeded_task(fixture("fanout", json!({})));
    let plan = poll(&engine);
    complete(
        &engine,
        &plan,
        json!({ "batch_processing_outcome": { "type": "no_batches" } }),
    );
    let worker = poll(&engine);
    assert_eq!(worker.workflow_step.name, "count_slice_000");
    let inputs = worker.workflow_step.inputs.clone().unwrap();
    assert_eq!(inputs["is_no_op"], json!(true));
    assert_eq!(
        inputs["cursor"],
        json!({ "batch_id": "000", "start_cursor": 0, "end_cursor": 0, "batch_size": 0 })
    );
    complete(&engine, &worker, json!({ "no_op": true }));
    let sum = poll(&engine);
    complete(&engine, &sum, json!({}));
    assert_eq!(reload(&engine, &task).total_steps, 3);
}

#[test]
fn a_bad_batch_outcome_is_not_fatal_and_the_task_completes_without_workers() {
    let (engine, task) = seeded_task(fixture("fanout", json!({})));
    let plan = poll(&engine);
    let empty = json!({ "batch_processing_outcome": { "type": "create_batches",
        "worker_template_name": "count_slice", "worker_count": 0, "cursor_configs": [], "total_items": 0 } });
    complete(&engine, &plan, empty);
    let done = reload(&engine, &task);
    assert_eq!((done.total_steps, done.status.as_str()), (1, "complete"));
}

/// Runs the routing fixture on a seeded engine through its decision, which chooses `lanes`;
/// the task must then have exactly the steps `expected`.
fn route(lanes: &[&str], expected: &[&str]) -> (Engine, TaskResponse) {
    let (engine, task) = seeded_task(fixture("routing", json!({})));
    assert_eq!(task.total_steps, 2, "only intake and choose exist at first");
    let intake = poll(&engine);
    complete(&engine, &intake, json!({ "ticket": 9 }));
    let choose = poll(&engine);
    let outcome =
        json!({ "decision_point_outcome": { "type": "create_steps", "step_names": lanes } });
    complete(&engine, &choose, outcome);
    assert_eq!(step_names(&engine, &task), expected);
    (engine, task)
}

#[test]
fn decision_creates_the_chosen_branch_and_a_convergence_joined_only_to_it() {
    let (engine, task) = route(&["fast_lane"], &["intake", "choose", "fast_lane", "close"]);
    let fast = poll(&engine);
    assert_eq!(
        fast.dependency_results.keys().collect::<Vec<_>>(),
        ["choose", "intake"],
        "the grandparent's result reaches the branch"
    );
    complete(&engine, &fast, json!({}));
    let close = poll(&engine);
    assert_eq!(close.workflow_step.name, "close");
    assert_eq!(step_named(&engine, &task, "close").total_parents, 1);
    complete(&engine, &close, json!({}));
    assert_eq!(reload(&engine, &task).status, "complete");
}

#[test]
fn decision_walks_forward_within_the_chosen_segment() {
    let (engine, task) = route(
        &["slow_lane"],
        &["intake", "choose", "slow_lane", "slow_lane_audit", "close"],
    );
    run_with(&engine, |_| json!({}));
    assert_eq!(reload(&engine, &task).status, "complete");
}

#[test]
fn a_decision_naming_a_step_outside_its_segments_creates_nothing() {
    let (engine, task) = route(&["intake"], &["intake", "choose"]);
    let done = reload(&engine, &task);
    assert_eq!((done.total_steps, done.status.as_str()), (2, "complete"));
}

/// Runs the checkpointed fixture to its worker and returns the worker's first event.
fn to_worker(engine: &Engine) -> (TaskResponse, StepEvent) {
    let task = engine
        .create_task(fixture("checkpointed", json!({})))
        .unwrap();
    let size = poll(engine);
    complete(engine, &size, checkpointed_outcome());
    (task, poll(engine))
}

/// Yields `event` at `cursor` (that many items processed) with `accumulated`; the engine must
/// accept it.
fn yield_at(engine: &Engine, event: &StepEvent, cursor: u64, accumulated: Value) {
    let data = checkpoint_data(event.step_uuid, cursor, cursor, accumulated);
    assert_eq!(engine.checkpoint_yield(event.event_id, data), Ok(true));
}

#[test]
fn checkpoint_yield_redispatches_the_same_claim_with_the_yielded_data() {
    let engine = seeded();
    let (task, first) = to_worker(&engine);
    assert_eq!(first.workflow_step.attempts, Some(0));
    assert_eq!(first.workflow_step.checkpoint, None);
    yield_at(&engine, &first, 25, json!({ "sum": 300 }));
    assert_eq!(
        engine.checkpoint_yield(
            first.event_id,
            checkpoint_data(first.step_uuid, 1, 1, json!({}))
        ),
        Ok(false)
    );
    let again = poll(&engine);
    assert_ne!(again.event_id, first.event_id);
    assert_eq!(
        again.workflow_step.attempts,
        Some(0),
        "a yield is not an attempt"
    );
    assert_eq!(
        again.workflow_step.checkpoint,
        Some(
            json!({ "step_uuid": first.step_uuid.to_string(), "cursor": 25, "items_processed": 25, "accumulated_results": { "sum": 300 } })
        )
    );
    assert_eq!(again.dependency_results, first.dependency_results);
    let worker = step_named(&engine, &task, "chew_001");
    assert_eq!(
        (worker.current_state.as_str(), worker.attempts),
        ("in_progress", 1)
    );
    complete(&engine, &again, json!({ "items": 100 }));
    assert_eq!(step_named(&engine, &task, "chew_001").attempts, 1);
}

#[test]
fn a_retry_after_yields_resumes_from_the_stored_checkpoint_record() {
    let engine = seeded();
    let (task, first) = to_worker(&engine);
    yield_at(&engine, &first, 20, json!({ "n": 1 }));
    let second = poll(&engine);
    assert_eq!(second.step_uuid, first.step_uuid);
    yield_at(&engine, &second, 40, json!({ "n": 2 }));
    let third = poll(&engine);
    fail(&engine, &third, true, "transient");
    let retry = poll(&engine);
    assert_eq!(
        retry.workflow_step.attempts,
        Some(1),
        "the handler sees the runs before this one"
    );
    let record = retry.workflow_step.checkpoint.clone().unwrap();
    assert_eq!(
        (record["cursor"].clone(), record["items_processed"].clone()),
        (json!(40), json!(40))
    );
    assert_eq!(record["accumulated_results"], json!({ "n": 2 }));
    assert_eq!(record["history"].as_array().map(Vec::len), Some(2));
    assert!(record["timestamp"].as_str().unwrap().ends_with('Z'));
    complete(&engine, &retry, json!({ "items": 100 }));
    assert_eq!(step_named(&engine, &task, "chew_001").attempts, 2);
    run_with(&engine, |_| json!({}));
    assert_eq!(reload(&engine, &task).status, "complete");
}

#[test]
fn publishes_events_reach_in_process_pollers_only_for_fast_and_broadcast() {
    let (engine, task) = seeded_task(fixture("events", json!({})));
    let sign_up = poll(&engine);
    complete(&engine, &sign_up, json!({ "member_id": "m-1" }));
    let events = drain_domain_events(&engine);
    assert_eq!(
        events
            .iter()
            .map(|e| e.event_name.as_str())
            .collect::<Vec<_>>(),
        ["member.joined"]
    );
    let event = &events[0];
    assert_eq!(event.event_version, "1.0");
    assert_eq!(event.metadata.fired_by, "DefaultDomainEventPublisher");
    assert_eq!(event.metadata.step_name.as_deref(), Some("sign_up"));
    assert_eq!(event.metadata.correlation_id, task.correlation_id);
    assert_eq!(event.payload["payload"], json!({ "member_id": "m-1" }));
    assert_eq!(event.payload["execution_result"]["success"], json!(true));
    assert_eq!(
        event.payload["task_sequence_step"]["workflow_step"]["name"],
        json!("sign_up")
    );
    assert_eq!(
        event.payload["task_sequence_step"]["step_definition"]["type"],
        json!("standard")
    );

    let welcome = poll(&engine);
    fail(&engine, &welcome, true, "smtp down");
    assert_eq!(
        event_names(&engine),
        ["welcome.attempted", "welcome.failed"],
        "retryable_failure never fires"
    );
    let retry = poll(&engine);
    complete(&engine, &retry, json!({}));
    assert_eq!(event_names(&engine), ["welcome.attempted"]);
}

/// The names of the domain events published since the last drain.
fn event_names(engine: &Engine) -> Vec<String> {
    drain_domain_events(engine)
        .into_iter()
        .map(|e| e.event_name)
        .collect()
}

#[test]
fn an_event_whose_payload_misses_its_schema_is_skipped() {
    let engine = seeded();
    engine.create_task(fixture("events", json!({}))).unwrap();
    let sign_up = poll(&engine);
    complete(&engine, &sign_up, json!({ "no_member_id": true }));
    assert!(drain_domain_events(&engine).is_empty());
}

#[test]
fn checkpoint_yields_publish_no_events() {
    let engine = seeded();
    let (_, worker) = to_worker(&engine);
    drain_domain_events(&engine);
    yield_at(&engine, &worker, 1, json!({}));
    assert!(drain_domain_events(&engine).is_empty());
}
