//! Client operations: validation, idempotency, pagination, filters, cancel, lookups.

mod common;

use common::*;
use serde_json::json;
use tasker_core::dto::*;
use tasker_core::CoreError;

fn invalid(message: &str) -> CoreError {
    CoreError::InvalidArgument(message.to_owned())
}

fn list(
    engine: &tasker_core::engine::Engine,
    page: Option<u32>,
    per_page: Option<u32>,
) -> TaskListResponse {
    engine
        .list_tasks(ListTasksParams {
            page,
            per_page,
            ..ListTasksParams::default()
        })
        .expect("list")
}

#[test]
fn create_task_builds_steps_and_fills_defaults() {
    let engine = seeded();
    let task = engine.create_task(order()).expect("create");
    assert_eq!(task.created_at, "2026-01-01T00:00:00.000Z");
    assert_eq!(task.updated_at, task.created_at);
    assert_eq!(task.steps.len(), 4);
    assert!(task
        .steps
        .iter()
        .all(|s| s.current_state == "pending" && s.attempts == 0));
    assert!(task.steps[0].ready_for_execution && !task.steps[1].ready_for_execution);
    assert_eq!(task.health_status, "healthy");
    assert_eq!(task.completion_percentage, 0.0);
    assert!(
        uuid::Uuid::parse_str(&task.correlation_id).is_ok(),
        "generated correlation id"
    );
    assert_eq!(engine.health().task_count, 1);
}

#[test]
fn create_task_rejects_invalid_requests() {
    let engine = seeded();
    let mut req = order();
    req.name = String::new();
    assert_eq!(
        engine.create_task(req),
        Err(invalid("name must not be empty"))
    );
    let mut req = order();
    req.namespace = "  ".to_owned();
    assert_eq!(
        engine.create_task(req),
        Err(invalid("namespace must not be empty"))
    );
    let mut req = order();
    req.version = String::new();
    assert_eq!(
        engine.create_task(req),
        Err(invalid("version must not be empty"))
    );
    for context in [json!(null), json!([1]), json!("x"), json!(3)] {
        let mut req = order();
        req.context = context;
        assert_eq!(
            engine.create_task(req),
            Err(invalid("context must be a JSON object"))
        );
    }
    let mut req = order();
    req.correlation_id = Some("abc".to_owned());
    assert_eq!(
        engine.create_task(req),
        Err(invalid("Invalid correlation_id: abc"))
    );
    let mut req = order();
    req.idempotency_key = Some(String::new());
    assert_eq!(
        engine.create_task(req),
        Err(invalid("idempotency_key must not be empty"))
    );
    let mut req = order();
    req.version = "9.9.9".to_owned();
    assert_eq!(
        engine.create_task(req),
        Err(CoreError::TemplateNotFound {
            namespace: "ecommerce".to_owned(),
            name: "order_processing".to_owned(),
            version: "9.9.9".to_owned(),
        })
    );
    // Nothing was created, and no rejection moved the fixed clock.
    assert_eq!(engine.health().task_count, 0);
    assert_eq!(
        engine.create_task(order()).expect("ok").created_at,
        "2026-01-01T00:00:00.000Z"
    );
}

#[test]
fn given_correlation_ids_are_kept_normalised() {
    let engine = seeded();
    let mut req = order();
    req.correlation_id = Some("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11".to_owned());
    req.parent_correlation_id = Some("{b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}".to_owned());
    let task = engine.create_task(req).expect("create");
    assert_eq!(task.correlation_id, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assert_eq!(
        task.parent_correlation_id.as_deref(),
        Some("b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
    );
}

#[test]
fn requested_at_is_accepted_and_validated() {
    let engine = seeded();
    let mut req = order();
    req.requested_at = Some(wire("2025-12-31T23:59:59.500"));
    assert!(engine.create_task(req).is_ok());
}

#[cfg(not(feature = "tas283-unfixed"))]
#[test]
fn requested_at_with_z_is_accepted_and_garbage_is_rejected() {
    let engine = seeded();
    let mut req = order();
    req.requested_at = Some("2026-01-01T00:00:00.000Z".to_owned());
    assert!(engine.create_task(req).is_ok());
    let mut req = order();
    req.requested_at = Some("soon".to_owned());
    assert_eq!(
        engine.create_task(req),
        Err(invalid(
            "Invalid requested_at: input contains invalid characters (expected ISO 8601 / RFC 3339, got \"soon\")"
        ))
    );
}

#[test]
fn idempotency_key_returns_the_existing_task() {
    let engine = seeded();
    let mut req = order();
    req.idempotency_key = Some("order-7".to_owned());
    let first = engine.create_task(req.clone()).expect("first");
    // A resend carries a new requested_at; it is the same request.
    req.requested_at = Some(wire("2026-01-01T00:00:00"));
    let again = engine.create_task(req.clone()).expect("again");
    assert_eq!(again.task_uuid, first.task_uuid);
    assert_eq!(engine.health().task_count, 1);

    req.context = json!({ "order_id": 8 });
    assert_eq!(
        engine.create_task(req),
        Err(CoreError::InvalidState(
            "idempotency key reused with a different request".to_owned()
        ))
    );
    let mut other = order();
    other.idempotency_key = Some("order-8".to_owned());
    assert_ne!(
        engine.create_task(other).expect("other").task_uuid,
        first.task_uuid
    );
}

#[test]
fn pagination_counts_pages_and_handles_edges() {
    let engine = seeded();
    let empty = list(&engine, None, None);
    assert_eq!(
        empty.pagination,
        PaginationInfo {
            page: 1,
            per_page: 25,
            total_count: 0,
            total_pages: 0,
            has_next: false,
            has_previous: false
        }
    );
    let uuids: Vec<_> = (0..5)
        .map(|_| engine.create_task(order()).expect("create").task_uuid)
        .collect();

    let first = list(&engine, Some(1), Some(2));
    assert_eq!(
        first
            .tasks
            .iter()
            .map(|t| t.task_uuid.clone())
            .collect::<Vec<_>>(),
        uuids[..2]
    );
    assert_eq!(
        (first.pagination.total_count, first.pagination.total_pages),
        (5, 3)
    );
    assert!(first.pagination.has_next && !first.pagination.has_previous);

    let last = list(&engine, Some(3), Some(2));
    assert_eq!(last.tasks.len(), 1);
    assert_eq!(last.tasks[0].task_uuid, uuids[4]);
    assert!(!last.pagination.has_next && last.pagination.has_previous);

    let past = list(&engine, Some(4), Some(2));
    assert!(past.tasks.is_empty());
    assert_eq!(
        past.pagination,
        PaginationInfo {
            page: 4,
            per_page: 2,
            total_count: 5,
            total_pages: 3,
            has_next: false,
            has_previous: true
        }
    );
    let far = list(&engine, Some(u32::MAX), Some(100));
    assert!(far.tasks.is_empty());

    // An exact multiple has no partial last page.
    let exact = list(&engine, Some(1), Some(5));
    assert_eq!(
        (
            exact.tasks.len(),
            exact.pagination.total_pages,
            exact.pagination.has_next
        ),
        (5, 1, false)
    );
    assert_eq!(list(&engine, None, None).tasks.len(), 5);
}

#[test]
fn pagination_rejects_out_of_range_values() {
    let engine = seeded();
    assert_eq!(
        engine.list_tasks(ListTasksParams {
            per_page: Some(0),
            ..Default::default()
        }),
        Err(invalid("per_page must be between 1 and 100, got 0"))
    );
    assert_eq!(
        engine.list_tasks(ListTasksParams {
            per_page: Some(101),
            ..Default::default()
        }),
        Err(invalid("per_page must be between 1 and 100, got 101"))
    );
    assert_eq!(
        engine.list_tasks(ListTasksParams {
            page: Some(0),
            ..Default::default()
        }),
        Err(invalid("page must be at least 1, got 0"))
    );
    assert!(engine
        .list_tasks(ListTasksParams {
            per_page: Some(100),
            ..Default::default()
        })
        .is_ok());
}

#[test]
fn filters_select_by_namespace_and_status() {
    let engine = seeded();
    let order_task = engine.create_task(order()).expect("order");
    let report_task = engine.create_task(report()).expect("report");
    engine.create_task(order()).expect("order 2");
    engine.cancel_task(&report_task.task_uuid).expect("cancel");

    let by_ns = engine
        .list_tasks(ListTasksParams {
            namespace: Some("ecommerce".to_owned()),
            ..Default::default()
        })
        .expect("list");
    assert_eq!(by_ns.pagination.total_count, 2);
    assert_eq!(by_ns.tasks[0].task_uuid, order_task.task_uuid);

    let cancelled = engine
        .list_tasks(ListTasksParams {
            status: Some("cancelled".to_owned()),
            ..Default::default()
        })
        .expect("list");
    assert_eq!(
        cancelled
            .tasks
            .iter()
            .map(|t| &t.task_uuid)
            .collect::<Vec<_>>(),
        [&report_task.task_uuid]
    );

    let none = engine
        .list_tasks(ListTasksParams {
            namespace: Some("analytics".to_owned()),
            status: Some("pending".to_owned()),
            ..Default::default()
        })
        .expect("list");
    assert_eq!(none.pagination.total_count, 0);

    assert_eq!(
        engine.list_tasks(ListTasksParams { status: Some("done".to_owned()), ..Default::default() }),
        Err(invalid(
            "Invalid status filter \"done\" (expected one of pending, in_progress, complete, error, cancelled)"
        ))
    );
}

#[test]
fn cancel_stops_the_task_and_withdraws_its_events() {
    let engine = seeded();
    let task = engine.create_task(report()).expect("create");
    let extract = poll(&engine);
    let cancelled = engine.cancel_task(&task.task_uuid).expect("cancel");
    assert_eq!(cancelled.status, "cancelled");
    assert_eq!(cancelled.execution_status, "cancelled");
    assert_eq!(cancelled.recommended_action, "none");
    assert!(cancelled
        .steps
        .iter()
        .all(|s| s.current_state == "cancelled" && !s.ready_for_execution));
    assert_eq!(engine.status().in_flight, 0);
    // The handler finishing late is told its event is gone.
    assert_eq!(
        engine.complete_step_event(&extract.event_id, success(&extract, json!(1))),
        Ok(false)
    );
    assert_idle(&engine);
    let events = drain_domain_events(&engine);
    assert_eq!(
        events.last().map(|e| e.event_name.as_str()),
        Some("task.cancelled")
    );
    assert_eq!(
        events.last().map(|e| &e.payload["cancelled_steps"]),
        Some(&json!(4))
    );
    let audit = engine
        .step_audit_history(&task.task_uuid, &extract.step_uuid)
        .expect("audit");
    assert_eq!(audit.last().map(|a| a.to_state.as_str()), Some("cancelled"));

    assert_eq!(
        engine.cancel_task(&task.task_uuid),
        Err(CoreError::InvalidState(format!(
            "Task {} is already cancelled",
            task.task_uuid
        )))
    );
}

#[test]
fn finished_tasks_cannot_be_cancelled() {
    let engine = seeded();
    let task = engine.create_task(order()).expect("create");
    run_all(&engine);
    assert!(matches!(
        engine.cancel_task(&task.task_uuid),
        Err(CoreError::InvalidState(_))
    ));
}

#[test]
fn ids_are_checked_before_lookups() {
    let engine = seeded();
    let task = engine.create_task(order()).expect("create");
    let missing = "00000000-0000-4000-8000-000000000000";
    assert_eq!(engine.get_task("x"), Err(invalid("Invalid task UUID: x")));
    assert_eq!(engine.cancel_task(""), Err(invalid("Invalid task UUID: ")));
    assert_eq!(
        engine.list_task_steps("1"),
        Err(invalid("Invalid task UUID: 1"))
    );
    assert_eq!(
        engine.get_task(missing),
        Err(CoreError::NotFound(format!("Task {missing}")))
    );
    assert_eq!(
        engine.cancel_task(missing),
        Err(CoreError::NotFound(format!("Task {missing}")))
    );
    assert_eq!(
        engine.get_step(&task.task_uuid, "y"),
        Err(invalid("Invalid step UUID: y"))
    );
    assert_eq!(
        engine.get_step("x", "y"),
        Err(invalid("Invalid task UUID: x"))
    );
    assert_eq!(
        engine.step_audit_history(&task.task_uuid, missing),
        Err(CoreError::NotFound(format!("Step {missing}")))
    );
    // A step of another task is not found under this one.
    let other = engine.create_task(order()).expect("other");
    assert!(matches!(
        engine.get_step(&task.task_uuid, &other.steps[0].step_uuid),
        Err(CoreError::NotFound(_))
    ));
    // Uppercase ids name the same task.
    assert!(engine.get_task(&task.task_uuid.to_uppercase()).is_ok());
}
