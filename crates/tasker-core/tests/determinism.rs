//! Seeded engines fed the same calls produce byte-identical results.

mod common;

use common::*;
use serde::Serialize;
use serde_json::json;
use tasker_core::dto::*;
use tasker_core::engine::Engine;

fn record<T: Serialize, E: std::fmt::Display>(log: &mut Vec<String>, value: Result<T, E>) {
    log.push(match value {
        Ok(v) => serde_json::to_string(&v).expect("serialize"),
        Err(e) => format!("error: {e}"),
    });
}

/// Drives one engine through every kind of call and returns the transcript of results.
fn scenario(engine: &Engine) -> Vec<String> {
    let mut log = vec![engine.worker_id().to_owned()];
    let mut keyed = order();
    keyed.idempotency_key = Some("k1".to_owned());
    let order_task = engine.create_task(keyed.clone()).expect("order");
    log.push(serde_json::to_string(&order_task).expect("serialize"));
    record(&mut log, engine.create_task(keyed));
    let report_task = engine.create_task(report()).expect("report");
    record(&mut log, engine.create_task(import()));
    record(&mut log, engine.create_task(request("nope", "nope")));

    let mut failed_once = false;
    while let Some(event) = engine.poll_step_event().expect("poll") {
        log.push(serde_json::to_string(&event).expect("serialize"));
        let name = event.workflow_step.name.clone();
        let result = if name == "process_payment" && !failed_once {
            failed_once = true;
            failure(&event, "failed", "gateway timeout")
        } else if name == "import_rows" && event.workflow_step.checkpoint.is_none() {
            let data = CheckpointYieldData {
                step_uuid: event.step_uuid.clone(),
                cursor: json!(50),
                items_processed: 50,
                accumulated_results: None,
            };
            record(&mut log, engine.checkpoint_yield(&event.event_id, data));
            continue;
        } else if name == "merge" {
            failure(&event, "error", "cannot merge")
        } else {
            success(&event, json!({ "by": name }))
        };
        record(
            &mut log,
            engine.complete_step_event(&event.event_id, result),
        );
        record(&mut log, Ok::<_, String>(engine.dispatch_metrics()));
        record(
            &mut log,
            Ok::<_, String>(engine.check_starvation_warnings()),
        );
        record(&mut log, Ok::<_, String>(engine.cleanup_timeouts()));
    }
    record(&mut log, engine.get_task(&order_task.task_uuid));
    record(&mut log, engine.list_tasks(ListTasksParams::default()));
    record(&mut log, engine.list_task_steps(&report_task.task_uuid));
    let step = &report_task.steps[0].step_uuid;
    record(
        &mut log,
        engine.step_audit_history(&report_task.task_uuid, step),
    );
    let extra = engine.create_task(order()).expect("extra");
    record(&mut log, engine.cancel_task(&extra.task_uuid));
    while let Some(event) = engine.poll_domain_event() {
        log.push(serde_json::to_string(&event).expect("serialize"));
    }
    record(&mut log, Ok::<_, String>(engine.status()));
    log
}

#[test]
fn two_engines_with_the_same_seed_give_identical_results() {
    let a = scenario(&seeded());
    let b = scenario(&seeded());
    assert!(a.len() > 30, "scenario exercised too little: {}", a.len());
    assert_eq!(a, b);
}

#[test]
fn a_different_seed_gives_different_ids() {
    let other = engine(BootstrapConfig {
        seed: Some(43),
        ..Default::default()
    });
    assert_ne!(scenario(&seeded())[0], scenario(&other)[0]);
}

#[test]
fn without_a_seed_ids_are_random_v4_and_time_is_real() {
    let (a, b) = (
        engine(BootstrapConfig::default()),
        engine(BootstrapConfig::default()),
    );
    assert_ne!(a.worker_id(), b.worker_id());
    let task = a.create_task(order()).expect("create");
    let id = uuid::Uuid::parse_str(&task.task_uuid).expect("uuid");
    assert_eq!(id.get_version_num(), 4);
    let created = tasker_core::timestamp::parse_requested_at(&task.created_at).expect("timestamp");
    let skew = chrono::Utc::now().naive_utc() - created;
    assert!(
        skew.num_seconds().abs() < 60,
        "created_at {} is not now",
        task.created_at
    );
    assert!(task.created_at.ends_with('Z') && task.created_at.len() == 24);
}
