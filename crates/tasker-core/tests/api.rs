//! The process-global `api`: lifecycle, and tasker's validation order (argument parsing before
//! the worker check for client calls; worker, event id, payload for completions). One test: it
//! owns the process-global worker.

use serde_json::json;
use tasker_core::api;
use tasker_core::model::*;
use tasker_core::CoreError;

fn quiet() -> BootstrapConfig {
    BootstrapConfig {
        seed: Some(5),
        log_level: Some("off".to_owned()),
        ..BootstrapConfig::default()
    }
}

#[test]
fn lifecycle_and_validation_order_follow_tasker() {
    assert!(!api::is_worker_running());
    assert_eq!(api::get_worker_status(), WorkerState::Stopped);
    assert_eq!(api::stop_worker(), StopOutcome::NotRunning);
    assert_eq!(
        api::transition_to_graceful_shutdown(),
        Err(CoreError::WorkerNotRunning)
    );
    // Client calls parse their ids first …
    assert_eq!(
        api::client_get_task("not-a-uuid").unwrap_err().to_string(),
        "Invalid argument: Invalid UUID: invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1"
    );
    assert_eq!(
        api::client_get_step("00000000-0000-0000-0000-000000000000", "abc").unwrap_err().to_string(),
        "Invalid argument: Invalid step UUID: invalid length: expected length 32 for simple format, found 3"
    );
    assert_eq!(
        api::client_get_task("00000000-0000-0000-0000-000000000000"),
        Err(CoreError::WorkerNotRunning)
    );
    // … completions look at the worker first.
    assert_eq!(
        api::complete_step_event("bad", || unreachable!()),
        Err(CoreError::WorkerNotRunning)
    );

    let started = api::bootstrap_worker(quiet()).unwrap();
    let BootstrapOutcome::Started { worker_id } = started else {
        panic!("{started:?}")
    };
    assert!(worker_id.starts_with("typescript-worker-"));
    assert_eq!(
        api::bootstrap_worker(quiet()).unwrap(),
        BootstrapOutcome::AlreadyRunning {
            worker_id: worker_id.clone()
        }
    );
    assert_eq!(
        api::complete_step_event("bad", || unreachable!()).unwrap_err().to_string(),
        "Invalid argument: Invalid event ID: invalid length: expected length 32 for simple format, found 3"
    );
    assert_eq!(
        api::complete_step_event("00000000-0000-0000-0000-000000000000", || Ok(
            StepExecutionResult::default()
        )),
        Ok(false)
    );
    assert_eq!(
        api::client_health_check().unwrap(),
        HealthResponse { healthy: true }
    );
    assert!(api::get_rust_version()
        .starts_with(&format!("tasker-ts {} (rustc rustc ", api::get_version())));

    let request: TaskRequest = serde_json::from_value(json!({
        "name": "order_processing", "namespace": "ecommerce", "version": "1.0.0", "context": {},
        "initiator": "t", "source_system": "s", "reason": "r", "requested_at": "2026-01-01T10:00:00.000Z" })).unwrap();
    let task = api::client_create_task(request).unwrap();
    assert_eq!(task.name, "order_processing");
    let WorkerState::Running(running) = api::get_worker_status() else {
        panic!()
    };
    assert_eq!(running.core_status, "Running");
    assert_eq!(api::transition_to_graceful_shutdown().unwrap(), worker_id);
    assert!(
        api::poll_step_events().unwrap().is_none(),
        "nothing new after the graceful transition"
    );
    assert!(api::is_worker_running());
    assert_eq!(api::stop_worker(), StopOutcome::Stopped { worker_id });
    assert!(!api::is_worker_running());
}
