//! Every C symbol against the historical shapes of legacy-abi.md (tasker fe86d180): results,
//! error texts, ints, NULL handling, the last error and the live-string counter. The symbols
//! share the process-global worker, so the tests take one lock.

use std::ffi::{c_char, CStr, CString};
use std::ptr::null;
use std::sync::Mutex;

use serde_json::{json, Value};
use tasker_legacy::*;

static SERIAL: Mutex<()> = Mutex::new(());

fn lock() -> std::sync::MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    std::env::set_var("TASKER_LOG_LEVEL", "off");
    // Each test starts without a worker.
    text(stop_worker());
    guard
}

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// Takes a returned string (and frees it), `None` for NULL.
fn take(ptr: *mut c_char) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: a string this library just returned.
    let s = unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned();
    // SAFETY: freed exactly once.
    unsafe { free_rust_string(ptr) };
    Some(s)
}

fn text(ptr: *mut c_char) -> String {
    take(ptr).expect("a string")
}

fn json_of(ptr: *mut c_char) -> Value {
    serde_json::from_str(&text(ptr)).unwrap()
}

fn last_error() -> Option<Value> {
    take(legacy_last_error()).map(|s| serde_json::from_str(&s).unwrap())
}

fn bootstrap() -> Value {
    let config = c(r#"{"seed":3,"namespace":"default","database_url":"x","log_level":"off"}"#);
    // SAFETY: a valid C string.
    json_of(unsafe { bootstrap_worker(config.as_ptr()) })
}

const ORDER: &str = r#"{"name":"order_processing","namespace":"ecommerce","version":"1.0.0","context":{"order_id":1},"initiator":"t","source_system":"s","reason":"r"}"#;

fn create_order() -> Value {
    let request = c(ORDER);
    // SAFETY: a valid C string.
    json_of(unsafe { client_create_task(request.as_ptr()) })
}

#[test]
fn versions_and_health_work_without_a_worker() {
    let _l = lock();
    let version = text(get_version());
    assert!(version.split('.').count() == 3, "{version}");
    assert!(text(get_rust_version()).starts_with(&format!("tasker-ts {version} (rustc rustc ")));
    assert_eq!(health_check(), 1);
    assert_eq!(is_worker_running(), 0);
}

#[test]
fn lifecycle_objects_are_flat_as_tasker_wrote_them() {
    let _l = lock();
    assert_eq!(
        json_of(get_worker_status()),
        json!({"running":false,"status":"stopped","success":true})
    );
    assert_eq!(
        json_of(stop_worker()),
        json!({"message":"Worker was not running","status":"not_running","success":true})
    );
    assert_eq!(
        text(transition_to_graceful_shutdown()),
        r#"{"error":"Failed to transition: Worker not initialized. Call bootstrap_worker first.","success":false}"#
    );
    assert_eq!(
        text(get_ffi_dispatch_metrics()),
        r#"{"error":"Failed to get metrics: Worker not initialized. Call bootstrap_worker first.","success":false}"#
    );
    let started = bootstrap();
    assert_eq!(started["status"], "started");
    assert_eq!(
        started["message"],
        "TypeScript worker system started successfully"
    );
    let worker_id = started["worker_id"].as_str().unwrap().to_owned();
    assert!(worker_id.starts_with("typescript-worker-"));
    // Already running: answered before the config is parsed (this one is not even JSON).
    let junk = c("{not json");
    // SAFETY: a valid C string.
    let again = json_of(unsafe { bootstrap_worker(junk.as_ptr()) });
    assert_eq!(
        again,
        json!({"message":"Worker is already running","status":"already_running","success":true})
    );
    let status = json_of(get_worker_status());
    assert_eq!(
        (
            status["running"].clone(),
            status["worker_core_status"].clone()
        ),
        (json!(true), json!("Running"))
    );
    assert!(status.get("status").is_none() && status["supported_namespaces"].is_array());
    let transition = json_of(transition_to_graceful_shutdown());
    assert_eq!(
        transition,
        json!({"message":"Transitioning to graceful shutdown","status":"transitioning","success":true,"worker_id":worker_id})
    );
    assert_eq!(is_worker_running(), 1);
    assert_eq!(
        json_of(get_worker_status())["worker_core_status"],
        "Stopped"
    );
    assert_eq!(
        json_of(stop_worker()),
        json!({"message":"Worker stopped successfully","status":"stopped","success":true,"worker_id":worker_id})
    );
    assert_eq!(is_worker_running(), 0);
}

#[test]
fn bootstrap_errors_carry_tasker_prefixes() {
    let _l = lock();
    let bad = c("[1");
    // SAFETY: a valid C string.
    let err = text(unsafe { bootstrap_worker(bad.as_ptr()) });
    assert!(
        err.starts_with(r#"{"error":"Bootstrap failed: Invalid argument: Invalid config JSON: "#),
        "{err}"
    );
    let wrong_type = c(r#"{"seed":"seven"}"#);
    // SAFETY: a valid C string.
    let err = json_of(unsafe { bootstrap_worker(wrong_type.as_ptr()) });
    assert_eq!(err["success"], false);
    assert_eq!(last_error().unwrap()["code"], "INVALID_REQUEST");
    let not_utf8 = [0xffu8, 0];
    // SAFETY: NUL-terminated bytes.
    let err = text(unsafe { bootstrap_worker(not_utf8.as_ptr().cast()) });
    assert_eq!(
        err,
        r#"{"error":"Invalid UTF-8 in config_json","success":false}"#
    );
    // SAFETY: NULL is a valid config (none).
    assert_eq!(
        json_of(unsafe { bootstrap_worker(null()) })["status"],
        "started"
    );
}

#[test]
fn polls_return_null_when_idle_and_on_errors_with_the_error_kept() {
    let _l = lock();
    assert!(poll_step_events().is_null());
    assert_eq!(last_error().unwrap()["code"], "WORKER_NOT_RUNNING");
    assert!(poll_in_process_events().is_null());
    bootstrap();
    assert!(poll_step_events().is_null());
    assert_eq!(last_error(), None, "a successful call clears it");
    assert_eq!(check_starvation_warnings(), 0);
    assert_eq!(cleanup_timeouts(), 0);
}

#[test]
fn a_step_event_has_the_historical_dto_and_completions_answer_one_zero_minus_one() {
    let _l = lock();
    let fake = c("00000000-0000-0000-0000-000000000000");
    let ok = c(r#"{"success":true,"result":{}}"#);
    // SAFETY: valid C strings.
    assert_eq!(
        unsafe { complete_step_event(fake.as_ptr(), ok.as_ptr()) },
        -1,
        "no worker"
    );
    bootstrap();
    let task = create_order();
    assert_eq!(task["success"], true);
    let event = json_of(poll_step_events());
    let keys: Vec<&String> = event.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 12);
    assert!(
        event["task"]["created_at"].as_str().unwrap().contains(' '),
        "NaiveDateTime Display"
    );
    assert_eq!(event["workflow_step"]["attempts"], 0);
    let handler = event["step_definition"]["handler"].as_object().unwrap();
    assert!(!handler.contains_key("method") && !handler.contains_key("resolver"));
    assert_eq!(event["step_definition"]["retry"]["backoff"], "exponential");
    let metrics = json_of(get_ffi_dispatch_metrics());
    assert_eq!(metrics["pending_count"], 1);
    assert_eq!(metrics["oldest_event_id"], event["event_id"]);

    let id = c(event["event_id"].as_str().unwrap());
    let bad_id = c("xyz");
    let bad_json = c("{");
    let missing_retryable = c(r#"{"success":false,"error":{"message":"m"}}"#);
    let result = c(&json!({"step_uuid": event["step_uuid"], "success": true, "result": {"ok": 1}, "status": "completed",
        "metadata": {"execution_time_ms": 3, "handler_name": "ignored", "retryable": false}}).to_string());
    // SAFETY: valid C strings throughout.
    unsafe {
        assert_eq!(complete_step_event(bad_id.as_ptr(), result.as_ptr()), -1);
        assert!(last_error().unwrap()["message"]
            .as_str()
            .unwrap()
            .starts_with("Invalid argument: Invalid event ID: "));
        assert_eq!(complete_step_event(id.as_ptr(), bad_json.as_ptr()), -1);
        assert_eq!(
            complete_step_event(id.as_ptr(), missing_retryable.as_ptr()),
            -1
        );
        assert_eq!(complete_step_event(null(), result.as_ptr()), -1);
        assert_eq!(complete_step_event(id.as_ptr(), result.as_ptr()), 1);
        assert_eq!(
            complete_step_event(id.as_ptr(), result.as_ptr()),
            0,
            "only once"
        );
        assert_eq!(complete_step_event(fake.as_ptr(), result.as_ptr()), 0);
    }
    let next = json_of(poll_step_events());
    let dep = &next["dependency_results"]["validate_cart"];
    assert_eq!(
        (dep["result"].clone(), dep["error"].clone()),
        (json!({"ok": 1}), json!(null))
    );
}

#[test]
fn checkpoint_yield_redispatches_under_a_new_event_id() {
    let _l = lock();
    bootstrap();
    create_order();
    let event = json_of(poll_step_events());
    let id = c(event["event_id"].as_str().unwrap());
    let data = c(
        &json!({"step_uuid": event["step_uuid"], "cursor": 5, "items_processed": 5}).to_string(),
    );
    let no_cursor = c(&json!({"step_uuid": event["step_uuid"], "items_processed": 5}).to_string());
    // SAFETY: valid C strings.
    unsafe {
        assert_eq!(
            checkpoint_yield_step_event(id.as_ptr(), no_cursor.as_ptr()),
            -1,
            "cursor is required"
        );
        assert_eq!(checkpoint_yield_step_event(id.as_ptr(), data.as_ptr()), 1);
        assert_eq!(checkpoint_yield_step_event(id.as_ptr(), data.as_ptr()), 0);
    }
    let again = json_of(poll_step_events());
    assert_ne!(again["event_id"], event["event_id"]);
    assert_eq!(
        again["workflow_step"]["checkpoint"],
        json!({"step_uuid": event["step_uuid"], "cursor": 5, "items_processed": 5, "accumulated_results": null})
    );
}

#[test]
fn client_calls_use_the_envelope_and_tasker_error_texts() {
    let _l = lock();
    let bad = c("not-a-uuid");
    let zero = c("00000000-0000-0000-0000-000000000000");
    // SAFETY: valid C strings throughout.
    unsafe {
        assert_eq!(
            text(client_get_task(bad.as_ptr())),
            r#"{"error":"client_get_task failed: Invalid argument: Invalid UUID: invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1","success":false}"#
        );
        assert_eq!(
            text(client_get_task(zero.as_ptr())),
            r#"{"error":"client_get_task failed: Worker not initialized. Call bootstrap_worker first.","success":false}"#
        );
        assert_eq!(
            text(client_get_task(null())),
            r#"{"error":"client_get_task: null pointer received","success":false}"#
        );
        assert!(text(client_get_step(zero.as_ptr(), bad.as_ptr())).contains("Invalid step UUID"));
    }
    bootstrap();
    assert_eq!(
        text(client_health_check()),
        r#"{"data":{"healthy":true},"success":true}"#
    );
    let task = create_order()["data"].clone();
    assert_eq!(
        (
            task["name"].clone(),
            task["namespace"].clone(),
            task["version"].clone()
        ),
        (
            json!("order_processing"),
            json!("ecommerce"),
            json!("1.0.0")
        )
    );
    let uuid = c(task["task_uuid"].as_str().unwrap());
    let params = c(r#"{"limit":50,"offset":0,"namespace":null}trailing"#);
    // SAFETY: valid C strings throughout.
    unsafe {
        let list = json_of(client_list_tasks(params.as_ptr()));
        assert_eq!(list["data"]["pagination"]["total_count"], 1);
        let steps = json_of(client_list_task_steps(uuid.as_ptr()))["data"].clone();
        assert_eq!(steps[0]["name"], "validate_cart");
        let step = c(steps[0]["step_uuid"].as_str().unwrap());
        let one = json_of(client_get_step(uuid.as_ptr(), step.as_ptr()));
        assert_eq!(one["data"]["current_state"], "enqueued");
        assert_eq!(
            json_of(client_get_step_audit_history(uuid.as_ptr(), step.as_ptr()))["data"],
            json!([])
        );
        assert_eq!(
            text(client_get_task(zero.as_ptr())),
            r#"{"error":"Task 00000000-0000-0000-0000-000000000000 not found","recoverable":false,"success":false}"#
        );
        assert_eq!(
            text(client_cancel_task(uuid.as_ptr())),
            r#"{"data":{"cancelled":true},"success":true}"#
        );
        let bad_page = c(r#"{"limit":0}"#);
        assert_eq!(
            text(client_list_tasks(bad_page.as_ptr())),
            r#"{"error":"Validation error: per_page must be between 1 and 100","recoverable":false,"success":false}"#
        );
    }
}

#[test]
fn requested_at_with_a_zone_is_accepted_in_the_fixed_build() {
    let _l = lock();
    bootstrap();
    let request = c(&ORDER.replace(
        "\"reason\":\"r\"",
        "\"reason\":\"r\",\"requested_at\":\"2026-01-01T10:00:00.000Z\"",
    ));
    // SAFETY: a valid C string.
    let created = json_of(unsafe { client_create_task(request.as_ptr()) });
    #[cfg(not(feature = "tas283-unfixed"))]
    assert_eq!(created["success"], true);
    #[cfg(feature = "tas283-unfixed")]
    assert!(created["error"].as_str().unwrap().starts_with(
        "client_create_task failed: Invalid argument: Invalid task request JSON: trailing input at line 1 column "
    ));
}

#[test]
fn logging_accepts_any_field_values_and_reports_bad_fields() {
    let _l = lock();
    let message = c("hello");
    let fields = c(r#"{"test_key":"test_value","numeric":42}"#);
    let bad = c("[1,2");
    // SAFETY: valid C strings throughout.
    unsafe {
        assert_eq!(
            log_info(message.as_ptr(), fields.as_ptr()),
            0,
            "before bootstrap: dropped, not an error"
        );
        assert_eq!(log_error(message.as_ptr(), null()), 0);
        assert_eq!(log_warn(message.as_ptr(), bad.as_ptr()), -1);
        assert_eq!(log_debug(null(), null()), -1);
        assert_eq!(log_trace(message.as_ptr(), null()), 0);
    }
}

#[test]
fn every_returned_string_can_be_freed_and_the_counter_returns() {
    let _l = lock();
    let before = legacy_live_strings();
    let s = get_version();
    assert_eq!(legacy_live_strings(), before + 1);
    // SAFETY: freed once; NULL is ignored.
    unsafe {
        free_rust_string(s);
        free_rust_string(std::ptr::null_mut());
    }
    assert_eq!(legacy_live_strings(), before);
}
