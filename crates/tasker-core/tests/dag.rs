//! Readiness follows the template DAG; dependency results reach the steps that need them.

mod common;

use common::*;
use serde_json::json;

#[test]
fn linear_template_hands_out_steps_one_at_a_time_in_dependency_order() {
    let engine = seeded();
    let task = engine.create_task(order()).expect("create");
    assert_eq!(task.status, "pending");
    assert_eq!(
        (task.total_steps, task.pending_steps, task.ready_steps),
        (4, 4, 1)
    );
    assert_eq!(task.execution_status, "has_ready_steps");
    assert_eq!(task.recommended_action, "execute_ready_steps");

    let mut order = Vec::new();
    for expected in [
        "validate_cart",
        "process_payment",
        "update_inventory",
        "send_confirmation",
    ] {
        let event = poll(&engine);
        assert_eq!(event.workflow_step.name, expected);
        assert_eq!(event.workflow_step.attempts, 1);
        // Only one step of a chain is ever available.
        assert_idle(&engine);
        order.push(event.workflow_step.name.clone());
        assert_eq!(
            engine.complete_step_event(&event.event_id, success(&event, json!({}))),
            Ok(true)
        );
    }
    let done = engine.get_task(&task.task_uuid).expect("get");
    assert_eq!(done.status, "complete");
    assert_eq!(done.completed_steps, 4);
    assert_eq!(done.completion_percentage, 100.0);
    assert_eq!(done.execution_status, "all_complete");
    assert!(done.completed_at.is_some());
}

#[test]
fn diamond_runs_both_branches_before_the_join() {
    let engine = seeded();
    let task = engine.create_task(report()).expect("create");

    let extract = poll(&engine);
    assert_eq!(extract.workflow_step.name, "extract");
    assert_idle(&engine);
    engine
        .complete_step_event(&extract.event_id, success(&extract, json!({ "rows": 10 })))
        .expect("complete extract");

    let steps = engine.list_task_steps(&task.task_uuid).expect("steps");
    let ready: Vec<_> = steps
        .iter()
        .filter(|s| s.ready_for_execution)
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(ready, ["transform_a", "transform_b"]);
    let merge = &steps[3];
    assert_eq!((merge.total_parents, merge.completed_parents), (2, 0));
    assert!(!merge.dependencies_satisfied);

    // Both branches are out at once; the join waits for the second.
    let a = poll(&engine);
    let b = poll(&engine);
    assert_eq!(
        (a.workflow_step.name.as_str(), b.workflow_step.name.as_str()),
        ("transform_a", "transform_b")
    );
    assert_idle(&engine);
    engine
        .complete_step_event(&b.event_id, success(&b, json!("by-region")))
        .expect("b");
    let merge = engine
        .get_step(&task.task_uuid, &merge.step_uuid)
        .expect("merge");
    assert_eq!(
        (merge.completed_parents, merge.ready_for_execution),
        (1, false)
    );
    assert_idle(&engine);
    engine
        .complete_step_event(&a.event_id, success(&a, json!("by-day")))
        .expect("a");

    let join = poll(&engine);
    assert_eq!(join.workflow_step.name, "merge");
    let deps: Vec<_> = join.dependency_results.keys().map(String::as_str).collect();
    assert_eq!(
        deps,
        ["transform_a", "transform_b"],
        "direct dependencies only, not extract"
    );
    assert_eq!(
        join.dependency_results["transform_a"].result,
        json!("by-day")
    );
    assert_eq!(
        join.dependency_results["transform_b"].step_uuid,
        b.step_uuid
    );
}

#[test]
fn step_event_carries_task_definition_and_recorded_dependency_results() {
    let engine = seeded();
    let mut req = order();
    req.priority = Some(5);
    let task = engine.create_task(req).expect("create");
    let first = poll(&engine);
    assert!(first.dependency_results.is_empty());
    assert_eq!(first.task.task_uuid, task.task_uuid);
    assert_eq!(first.task.context, json!({ "order_id": 7 }));
    assert_eq!(first.task.priority, Some(5));
    assert_eq!(first.correlation_id, task.correlation_id);
    assert_eq!(
        first.step_definition.handler_callable,
        "ecommerce.validate_cart"
    );
    assert_eq!(
        first.step_definition.handler_initialization,
        json!({ "max_items": 100 })
    );
    engine
        .complete_step_event(
            &first.event_id,
            success(&first, json!({ "valid": true, "total": 99.5 })),
        )
        .expect("complete");

    let second = poll(&engine);
    assert_eq!(second.workflow_step.name, "process_payment");
    assert_eq!(second.step_definition.dependencies, ["validate_cart"]);
    let dep = &second.dependency_results["validate_cart"];
    assert_eq!(dep.step_uuid, first.step_uuid);
    assert!(dep.success);
    assert_eq!(dep.status, "completed");
    assert_eq!(dep.result, json!({ "valid": true, "total": 99.5 }));
    assert_eq!(
        (
            dep.error_message.as_ref(),
            dep.error_type.as_ref(),
            dep.error_retryable
        ),
        (None, None, None)
    );
}

#[test]
fn older_tasks_are_served_first() {
    let engine = seeded();
    let first = engine.create_task(report()).expect("first");
    let second = engine.create_task(order()).expect("second");
    assert_eq!(poll(&engine).task_uuid, first.task_uuid);
    assert_eq!(poll(&engine).task_uuid, second.task_uuid);
}

#[test]
fn completion_emits_step_and_task_domain_events_in_order() {
    let engine = seeded();
    let task = engine.create_task(report()).expect("create");
    assert_eq!(
        run_all(&engine),
        ["extract", "transform_a", "transform_b", "merge"]
    );
    let events = drain_domain_events(&engine);
    let names: Vec<_> = events.iter().map(|e| e.event_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "step.completed",
            "step.completed",
            "step.completed",
            "step.completed",
            "task.completed"
        ]
    );
    let last = events.last().expect("task.completed");
    assert_eq!(last.metadata.task_uuid, task.task_uuid);
    assert_eq!(last.metadata.fired_by, engine.worker_id());
    assert_eq!(events[0].metadata.step_name.as_deref(), Some("extract"));
    assert_eq!(engine.poll_domain_event(), None);
}

#[test]
fn completion_percentage_is_completed_over_total() {
    let engine = seeded();
    let task = engine.create_task(report()).expect("create");
    let event = poll(&engine);
    engine
        .complete_step_event(&event.event_id, success(&event, json!(1)))
        .expect("complete");
    let view = engine.get_task(&task.task_uuid).expect("get");
    assert_eq!(view.completion_percentage, 25.0);
    assert_eq!(view.status, "in_progress");
}
