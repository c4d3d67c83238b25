//! Worker lifecycle and dispatch housekeeping: graceful shutdown, checkpoint-yield, timeout
//! cleanup, starvation warnings, namespaces, metrics, bounded domain events.

mod common;

use common::*;
use serde_json::json;
use tasker_core::dto::*;
use tasker_core::engine::DOMAIN_EVENT_CAPACITY;
use tasker_core::CoreError;

fn seeded_with(config: BootstrapConfig) -> tasker_core::engine::Engine {
    engine(BootstrapConfig {
        seed: Some(42),
        ..config
    })
}

#[test]
fn status_reports_running_and_in_flight() {
    let engine = seeded();
    let status = engine.status();
    assert_eq!(
        (status.success, status.running, status.status.as_str()),
        (true, true, "running")
    );
    assert_eq!(status.worker_id.as_deref(), Some(engine.worker_id()));
    assert!(engine.worker_id().starts_with("typescript-worker-"));
    engine.create_task(report()).expect("create");
    poll(&engine);
    assert_eq!(engine.status().in_flight, 1);
}

#[test]
fn graceful_shutdown_finishes_in_flight_steps_but_hands_out_nothing_new() {
    let engine = seeded();
    let task = engine.create_task(order()).expect("create");
    let event = poll(&engine);
    let status = engine.begin_graceful_shutdown();
    assert_eq!(
        (status.status.as_str(), status.running, status.in_flight),
        ("shutting_down", true, 1)
    );
    assert_eq!(engine.health().status, "shutting_down");
    assert_eq!(
        engine.complete_step_event(&event.event_id, success(&event, json!(1))),
        Ok(true)
    );
    assert_eq!(engine.status().in_flight, 0);
    // The next step is ready but not handed out.
    assert_eq!(
        engine.get_task(&task.task_uuid).expect("get").ready_steps,
        1
    );
    assert_idle(&engine);
    assert_eq!(engine.begin_graceful_shutdown().status, "shutting_down");
}

#[test]
fn batch_step_yields_and_resumes_from_its_checkpoint() {
    let engine = seeded();
    let task = engine.create_task(import()).expect("create");
    let prepare = poll(&engine);
    engine
        .complete_step_event(&prepare.event_id, success(&prepare, json!({ "rows": 250 })))
        .expect("prepare");

    let slice = poll(&engine);
    assert_eq!(
        (
            slice.workflow_step.name.as_str(),
            slice.workflow_step.attempts
        ),
        ("import_rows", 1)
    );
    assert_eq!(slice.workflow_step.checkpoint, None);
    let checkpoint = CheckpointYieldData {
        step_uuid: slice.step_uuid.clone(),
        cursor: json!({ "offset": 100 }),
        items_processed: 100,
        accumulated_results: Some(json!({ "imported": 100 })),
    };
    assert_eq!(
        engine.checkpoint_yield(&slice.event_id, checkpoint.clone()),
        Ok(true)
    );
    // The yielded event is spent.
    assert_eq!(
        engine.checkpoint_yield(&slice.event_id, checkpoint.clone()),
        Ok(false)
    );
    assert_eq!(
        engine.complete_step_event(&slice.event_id, success(&slice, json!(1))),
        Ok(false)
    );

    let view = engine
        .get_step(&task.task_uuid, &slice.step_uuid)
        .expect("step");
    assert_eq!(
        (view.current_state.as_str(), view.ready_for_execution),
        ("enqueued", true)
    );
    assert_eq!(
        engine
            .get_task(&task.task_uuid)
            .expect("task")
            .in_progress_steps,
        1
    );
    assert_eq!(engine.dispatch_metrics().checkpoint_count, 1);

    let resumed = poll(&engine);
    assert_eq!(resumed.step_uuid, slice.step_uuid);
    assert_ne!(resumed.event_id, slice.event_id);
    assert_eq!(
        resumed.workflow_step.attempts, 1,
        "a resume is the same attempt"
    );
    assert_eq!(resumed.workflow_step.checkpoint, Some(checkpoint));
    assert_eq!(
        resumed.dependency_results["prepare_import"].result,
        json!({ "rows": 250 })
    );
    engine
        .complete_step_event(
            &resumed.event_id,
            success(&resumed, json!({ "imported": 250 })),
        )
        .expect("done");
    assert_eq!(poll(&engine).workflow_step.name, "finalize_import");

    let audit = engine
        .step_audit_history(&task.task_uuid, &slice.step_uuid)
        .expect("audit");
    let states: Vec<_> = audit.iter().map(|a| a.to_state.as_str()).collect();
    assert_eq!(
        states,
        [
            "pending",
            "in_progress",
            "enqueued",
            "in_progress",
            "complete"
        ]
    );
    let names: Vec<_> = drain_domain_events(&engine)
        .into_iter()
        .map(|e| e.event_name)
        .collect();
    assert!(names.contains(&"step.checkpointed".to_owned()));
}

#[test]
fn only_batch_steps_may_checkpoint_yield() {
    let engine = seeded();
    engine.create_task(order()).expect("create");
    let event = poll(&engine);
    let data = CheckpointYieldData {
        step_uuid: event.step_uuid.clone(),
        cursor: json!(1),
        items_processed: 1,
        accumulated_results: None,
    };
    assert!(matches!(
        engine.checkpoint_yield(&event.event_id, data.clone()),
        Err(CoreError::InvalidArgument(m)) if m.starts_with("Step validate_cart is not a batch step")
    ));
    assert_eq!(
        engine.checkpoint_yield("zzz", data),
        Err(CoreError::InvalidArgument(
            "Invalid event ID: zzz".to_owned()
        ))
    );
    assert_eq!(engine.status().in_flight, 1);
}

#[test]
fn timed_out_steps_are_reclaimed_then_fail_when_attempts_run_out() {
    // analytics/report steps have no timeout of their own, so the config's applies.
    let engine = seeded_with(BootstrapConfig {
        step_timeout_ms: Some(5_000),
        clock_tick_ms: Some(3_000),
        ..BootstrapConfig::default()
    });
    let task = engine.create_task(report()).expect("create"); // t=0
    let first = poll(&engine); // t=3s
    assert_eq!(engine.cleanup_timeouts(), 0); // t=6s: held 3 s
    assert_eq!(engine.cleanup_timeouts(), 1); // t=9s: held 6 s > 5 s
    assert_eq!(
        step_state(&engine, &task.task_uuid, &first.step_uuid),
        "waiting_for_retry"
    );
    assert_eq!(
        engine.complete_step_event(&first.event_id, success(&first, json!(1))),
        Ok(false)
    );
    let metrics = engine.dispatch_metrics();
    assert_eq!((metrics.timed_out_count, metrics.in_flight_count), (1, 0));

    let second = poll(&engine); // t=12s, immediately ready again
    assert_eq!(
        (second.step_uuid.as_str(), second.workflow_step.attempts),
        (first.step_uuid.as_str(), 2)
    );
    assert_eq!(engine.cleanup_timeouts(), 0);
    assert_eq!(engine.cleanup_timeouts(), 1); // extract allows 2 attempts: now it is an error
    assert_eq!(
        step_state(&engine, &task.task_uuid, &first.step_uuid),
        "error"
    );
    assert_eq!(
        engine.get_task(&task.task_uuid).expect("get").status,
        "error"
    );
}

#[test]
fn a_steps_own_timeout_wins_over_the_config() {
    // ecommerce/order_processing's validate_cart has timeout_ms 10 000.
    let engine = seeded_with(BootstrapConfig {
        step_timeout_ms: Some(1),
        clock_tick_ms: Some(4_000),
        ..BootstrapConfig::default()
    });
    engine.create_task(order()).expect("create");
    poll(&engine); // t=4s
    assert_eq!(engine.cleanup_timeouts(), 0); // 4 s
    assert_eq!(engine.cleanup_timeouts(), 0); // 8 s
    assert_eq!(engine.cleanup_timeouts(), 1); // 12 s > 10 s
}

#[test]
fn ready_steps_waiting_past_the_threshold_raise_starvation_warnings() {
    let engine = seeded_with(BootstrapConfig {
        starvation_threshold_ms: Some(2_500),
        ..BootstrapConfig::default()
    });
    engine.create_task(report()).expect("create"); // extract ready at t=0
    assert_eq!(engine.check_starvation_warnings(), 0); // 1 s
    assert_eq!(engine.check_starvation_warnings(), 0); // 2 s
    assert_eq!(engine.check_starvation_warnings(), 1); // 3 s
    let metrics = engine.dispatch_metrics();
    assert_eq!(metrics.starvation_warnings, 1);
    assert!(metrics.starvation_detected);
    assert_eq!(
        (metrics.pending_count, metrics.oldest_pending_age_ms),
        (1, Some(4_000))
    );
    assert_eq!(engine.log_count(LogLevel::Warn), 1);
    // Once handed out, nothing is starving.
    poll(&engine);
    assert_eq!(engine.check_starvation_warnings(), 0);
    assert_eq!(engine.dispatch_metrics().oldest_pending_age_ms, None);
}

#[test]
fn worker_only_takes_steps_of_its_namespaces() {
    let engine = seeded_with(BootstrapConfig {
        namespaces: Some(vec!["analytics".to_owned()]),
        ..BootstrapConfig::default()
    });
    engine.create_task(order()).expect("order");
    engine.create_task(report()).expect("report");
    assert_eq!(poll(&engine).task.namespace, "analytics");
    assert_idle(&engine);
    assert_eq!(engine.dispatch_metrics().pending_count, 0);
}

#[test]
fn bootstrap_rejects_bad_settings() {
    let bad = |config: BootstrapConfig| tasker_core::engine::Engine::new(config).err();
    assert!(matches!(
        bad(BootstrapConfig {
            namespaces: Some(vec![]),
            ..Default::default()
        }),
        Some(CoreError::InvalidArgument(_))
    ));
    assert!(matches!(
        bad(BootstrapConfig { log_level: Some("loud".to_owned()), ..Default::default() }),
        Some(CoreError::InvalidArgument(m)) if m.starts_with("Invalid log_level \"loud\"")
    ));
    assert!(matches!(
        bad(BootstrapConfig { clock_start: Some("tomorrow".to_owned()), ..Default::default() }),
        Some(CoreError::InvalidArgument(m)) if m.starts_with("Invalid clock_start")
    ));
}

#[test]
fn clock_start_and_tick_shape_timestamps() {
    let engine = seeded_with(BootstrapConfig {
        clock_start: Some("2030-06-01T12:00:00+02:00".to_owned()),
        clock_tick_ms: Some(250),
        ..BootstrapConfig::default()
    });
    assert_eq!(
        engine.create_task(order()).expect("a").created_at,
        "2030-06-01T10:00:00.000Z"
    );
    assert_eq!(
        engine.create_task(order()).expect("b").created_at,
        "2030-06-01T10:00:00.250Z"
    );
}

#[test]
fn domain_event_queue_is_bounded_and_drops_the_oldest() {
    let engine = seeded();
    let total = DOMAIN_EVENT_CAPACITY + 5;
    let mut first_uuid = String::new();
    for i in 0..total {
        let task = engine.create_task(order()).expect("create");
        engine.cancel_task(&task.task_uuid).expect("cancel");
        if i == 5 {
            first_uuid = task.task_uuid;
        }
    }
    assert_eq!(engine.dropped_domain_events(), 5);
    let events = drain_domain_events(&engine);
    assert_eq!(events.len(), DOMAIN_EVENT_CAPACITY);
    assert_eq!(events[0].metadata.task_uuid, first_uuid);
}

#[test]
fn log_calls_are_counted_per_level() {
    let engine = seeded();
    engine.log(LogLevel::Info, "hello", None);
    engine.log(LogLevel::Info, "again", Some(serde_json::Map::new()));
    engine.log(LogLevel::Trace, "detail", None);
    assert_eq!(engine.log_count(LogLevel::Info), 2);
    assert_eq!(engine.log_count(LogLevel::Trace), 1);
    assert_eq!(engine.log_count(LogLevel::Error), 0);
}
