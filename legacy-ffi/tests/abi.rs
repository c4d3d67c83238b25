//! The C ABI as koffi sees it: the `extern "C"` functions called directly, with raw pointers.
//!
//! The worker slot and the live-string counter are process-global, so every test takes
//! [`serial`] first and runs alone; each test also checks that it freed every string it got.
//! Each test starts with no worker; only the round trip bootstraps one (and stops it).

use std::ffi::{c_char, CStr, CString};
use std::ptr;
use std::sync::{Mutex, MutexGuard};

use serde_json::{json, Value};
use tasker_legacy::*;

static SERIAL: Mutex<()> = Mutex::new(());

/// Runs a test alone, and fails it if it leaked a string.
struct Serial {
    _guard: MutexGuard<'static, ()>,
    live_at_start: u64,
}

fn serial() -> Serial {
    let guard = SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // A worker left behind would change the "before bootstrap" answers.
    let _ = take(stop_worker());
    let _ = take(legacy_last_error());
    Serial {
        _guard: guard,
        live_at_start: legacy_live_strings(),
    }
}

impl Drop for Serial {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert_eq!(
                legacy_live_strings(),
                self.live_at_start,
                "a string handed out by the library was not freed"
            );
        }
    }
}

/// Copies and frees a returned string; `None` for NULL.
fn take(ptr: *mut c_char) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: a non-NULL string just returned by the library.
    let text = unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .expect("UTF-8")
        .to_owned();
    // SAFETY: returned by the library, freed exactly once.
    unsafe { free_rust_string(ptr) };
    Some(text)
}

/// Parses and frees a returned JSON envelope (never NULL).
fn envelope(ptr: *mut c_char) -> Value {
    let text = take(ptr).expect("an envelope, not NULL");
    serde_json::from_str(&text).expect("the envelope is JSON")
}

fn last_error() -> Option<Value> {
    take(legacy_last_error()).map(|text| serde_json::from_str(&text).expect("JSON"))
}

fn c(text: &str) -> CString {
    CString::new(text).unwrap()
}

const NOT_UTF8: &[u8] = b"\xff\xfe\0";

fn not_utf8() -> *const c_char {
    NOT_UTF8.as_ptr().cast()
}

fn error_envelope(code: &str, error: &str, recoverable: bool) -> Value {
    json!({"success": false, "error": error, "recoverable": recoverable, "code": code})
}

fn worker_not_running() -> Value {
    error_envelope(
        "WORKER_NOT_RUNNING",
        "Worker not initialized — call bootstrapWorker() first",
        true,
    )
}

fn invalid(message: &str) -> Value {
    error_envelope(
        "INVALID_REQUEST",
        &format!("Invalid argument: {message}"),
        false,
    )
}

fn task_request() -> Value {
    json!({
        "name": "order_processing",
        "namespace": "ecommerce",
        "version": "1.0.0",
        "context": {"order_id": 1},
        "initiator": "test",
        "source_system": "legacy-ffi",
        "reason": "abi test",
    })
}

fn step_result() -> Value {
    json!({
        "step_uuid": "00000000-0000-4000-8000-000000000000",
        "success": true,
        "result": {"ok": true},
        "status": "completed",
        "metadata": {"execution_time_ms": 3, "completed_at": "2026-01-01T00:00:00Z"},
    })
}

fn checkpoint() -> Value {
    json!({
        "step_uuid": "00000000-0000-4000-8000-000000000000",
        "cursor": {"offset": 10},
        "items_processed": 10,
    })
}

const UUID: &str = "00000000-0000-4000-8000-000000000000";

#[test]
fn version_and_health_need_no_worker() {
    let _serial = serial();
    let version = take(get_version()).unwrap();
    assert_eq!(version.split('.').count(), 3, "semver: {version}");
    let rust_version = take(get_rust_version()).unwrap();
    assert!(rust_version.contains("rustc"), "{rust_version}");
    assert_eq!(health_check(), 1);
    assert_eq!(last_error(), None);
}

#[test]
fn before_bootstrap_status_calls_succeed_with_exact_envelopes() {
    let _serial = serial();
    assert_eq!(is_worker_running(), 0);
    assert_eq!(
        take(get_worker_status()).unwrap(),
        r#"{"success":true,"data":{"success":true,"running":false,"status":"stopped","worker_id":null,"in_flight":0}}"#
    );
    assert_eq!(
        take(stop_worker()).unwrap(),
        r#"{"success":true,"data":{"success":true,"running":false,"status":"not_running","worker_id":null,"in_flight":0}}"#
    );
    assert_eq!(last_error(), None);
}

#[test]
fn before_bootstrap_envelope_calls_fail_with_worker_not_running() {
    let _serial = serial();
    let request = c(&task_request().to_string());
    let uuid = c(UUID);
    let params = c(r#"{"page":1,"per_page":10}"#);
    // SAFETY (all calls below): valid C strings or NULL.
    let envelopes = unsafe {
        [
            transition_to_graceful_shutdown(),
            get_ffi_dispatch_metrics(),
            client_create_task(request.as_ptr()),
            client_get_task(uuid.as_ptr()),
            client_list_tasks(params.as_ptr()),
            client_list_tasks(ptr::null()),
            client_cancel_task(uuid.as_ptr()),
            client_list_task_steps(uuid.as_ptr()),
            client_get_step(uuid.as_ptr(), uuid.as_ptr()),
            client_get_step_audit_history(uuid.as_ptr(), uuid.as_ptr()),
            client_health_check(),
        ]
    };
    for ptr in envelopes {
        assert_eq!(envelope(ptr), worker_not_running());
    }
    assert_eq!(
        take(legacy_last_error()).unwrap(),
        r#"{"success":false,"error":"Worker not initialized — call bootstrapWorker() first","recoverable":true,"code":"WORKER_NOT_RUNNING"}"#
    );
}

#[test]
fn before_bootstrap_int_and_nullable_calls_fail_through_the_last_error() {
    let _serial = serial();
    let id = c(UUID);
    let result = c(&step_result().to_string());
    let data = c(&checkpoint().to_string());

    assert!(poll_step_events().is_null());
    assert_eq!(last_error(), Some(worker_not_running()));
    assert!(poll_in_process_events().is_null());
    assert_eq!(last_error(), Some(worker_not_running()));
    // SAFETY: valid C strings.
    assert_eq!(
        unsafe { complete_step_event(id.as_ptr(), result.as_ptr()) },
        -1
    );
    assert_eq!(last_error(), Some(worker_not_running()));
    // SAFETY: valid C strings.
    assert_eq!(
        unsafe { checkpoint_yield_step_event(id.as_ptr(), data.as_ptr()) },
        -1
    );
    assert_eq!(last_error(), Some(worker_not_running()));
    assert_eq!(check_starvation_warnings(), -1);
    assert_eq!(last_error(), Some(worker_not_running()));
    assert_eq!(cleanup_timeouts(), -1);
    assert_eq!(last_error(), Some(worker_not_running()));
}

#[test]
fn logging_works_without_a_worker() {
    let _serial = serial();
    let message = c("hello from the abi test");
    let fields = c(r#"{"n":1,"s":"x"}"#);
    let null_fields = c("null");
    type LogFn = unsafe extern "C" fn(*const c_char, *const c_char) -> std::ffi::c_int;
    let log_fns: [LogFn; 5] = [log_error, log_warn, log_info, log_debug, log_trace];
    for log in log_fns {
        // SAFETY: valid C strings or NULL.
        unsafe {
            assert_eq!(log(message.as_ptr(), ptr::null()), 0);
            assert_eq!(log(message.as_ptr(), fields.as_ptr()), 0);
            assert_eq!(log(message.as_ptr(), null_fields.as_ptr()), 0);
        }
        assert_eq!(last_error(), None);
    }
    let array = c("[1,2]");
    // SAFETY: valid C strings.
    assert_eq!(unsafe { log_info(message.as_ptr(), array.as_ptr()) }, -1);
    assert_eq!(
        last_error(),
        Some(invalid("log fields must be an object, got array"))
    );
}

#[test]
fn a_null_required_argument_is_an_invalid_request_naming_it() {
    let _serial = serial();
    let uuid = c(UUID);
    let json = c("{}");
    let null = ptr::null();
    // SAFETY (all calls below): valid C strings or NULL.
    unsafe {
        assert_eq!(
            envelope(client_create_task(null)),
            invalid("request_json is NULL")
        );
        assert_eq!(
            envelope(client_get_task(null)),
            invalid("task_uuid is NULL")
        );
        assert_eq!(
            envelope(client_cancel_task(null)),
            invalid("task_uuid is NULL")
        );
        assert_eq!(
            envelope(client_list_task_steps(null)),
            invalid("task_uuid is NULL")
        );
        assert_eq!(
            envelope(client_get_step(null, uuid.as_ptr())),
            invalid("task_uuid is NULL")
        );
        assert_eq!(
            envelope(client_get_step(uuid.as_ptr(), null)),
            invalid("step_uuid is NULL")
        );
        assert_eq!(
            envelope(client_get_step_audit_history(uuid.as_ptr(), null)),
            invalid("step_uuid is NULL")
        );

        assert_eq!(complete_step_event(null, json.as_ptr()), -1);
        assert_eq!(last_error(), Some(invalid("event_id is NULL")));
        assert_eq!(complete_step_event(uuid.as_ptr(), null), -1);
        assert_eq!(last_error(), Some(invalid("result_json is NULL")));
        assert_eq!(checkpoint_yield_step_event(null, json.as_ptr()), -1);
        assert_eq!(last_error(), Some(invalid("event_id is NULL")));
        assert_eq!(checkpoint_yield_step_event(uuid.as_ptr(), null), -1);
        assert_eq!(last_error(), Some(invalid("checkpoint_json is NULL")));
        assert_eq!(log_warn(null, null), -1);
        assert_eq!(last_error(), Some(invalid("message is NULL")));
    }
}

#[test]
fn bytes_that_are_not_utf8_are_an_invalid_request() {
    let _serial = serial();
    let uuid = c(UUID);
    let bad = not_utf8();
    let utf8_error = std::str::from_utf8(&NOT_UTF8[..2]).unwrap_err();
    let message = |arg: &str| invalid(&format!("{arg} is not valid UTF-8: {utf8_error}"));
    // SAFETY (all calls below): NUL-terminated byte strings.
    unsafe {
        assert_eq!(envelope(bootstrap_worker(bad)), message("config_json"));
        assert_eq!(envelope(client_create_task(bad)), message("request_json"));
        assert_eq!(envelope(client_get_task(bad)), message("task_uuid"));
        assert_eq!(envelope(client_list_tasks(bad)), message("params_json"));
        assert_eq!(
            envelope(client_get_step(uuid.as_ptr(), bad)),
            message("step_uuid")
        );
        assert_eq!(complete_step_event(bad, uuid.as_ptr()), -1);
        assert_eq!(last_error(), Some(message("event_id")));
        assert_eq!(log_debug(uuid.as_ptr(), bad), -1);
        assert_eq!(last_error(), Some(message("fields_json")));
    }
}

#[test]
fn malformed_json_is_an_invalid_request_with_the_serde_json_error() {
    let _serial = serial();
    let uuid = c(UUID);
    let trailing = format!("{} x", task_request());
    let cases: [(&str, &str); 4] = [
        ("{", "task request"),
        (&trailing, "task request"),
        (r#"{"name": 1}"#, "task request"),
        ("", "task request"),
    ];
    for (text, what) in cases {
        let expected = serde_json::from_str::<tasker_core::dto::TaskRequest>(text).unwrap_err();
        let input = c(text);
        // SAFETY: a valid C string.
        let got = envelope(unsafe { client_create_task(input.as_ptr()) });
        assert_eq!(got, invalid(&format!("Invalid {what} JSON: {expected}")));
    }
    // Trailing characters after a complete request are rejected, never ignored.
    let input = c(&trailing);
    // SAFETY: a valid C string.
    let got = envelope(unsafe { client_create_task(input.as_ptr()) });
    assert!(got["error"].as_str().unwrap().starts_with(
        "Invalid argument: Invalid task request JSON: trailing characters at line 1 column"
    ));

    let bad = c(r#"{"bogus":1}"#);
    let garbage = c("[1,");
    // SAFETY (all calls below): valid C strings.
    unsafe {
        let got = envelope(bootstrap_worker(bad.as_ptr()));
        assert!(got["error"]
            .as_str()
            .unwrap()
            .starts_with("Invalid argument: Invalid config JSON: unknown field `bogus`"));
        assert_eq!(got["code"], "INVALID_REQUEST");
        let got = envelope(client_list_tasks(bad.as_ptr()));
        assert!(got["error"]
            .as_str()
            .unwrap()
            .starts_with("Invalid argument: Invalid list params JSON: unknown field `bogus`"));

        assert_eq!(complete_step_event(uuid.as_ptr(), garbage.as_ptr()), -1);
        let error = last_error().unwrap();
        assert!(error["error"]
            .as_str()
            .unwrap()
            .starts_with("Invalid argument: Invalid step result JSON: "));
        assert_eq!(
            checkpoint_yield_step_event(uuid.as_ptr(), garbage.as_ptr()),
            -1
        );
        let error = last_error().unwrap();
        assert!(error["error"]
            .as_str()
            .unwrap()
            .starts_with("Invalid argument: Invalid checkpoint JSON: "));
        assert_eq!(log_error(uuid.as_ptr(), garbage.as_ptr()), -1);
        let error = last_error().unwrap();
        assert!(error["error"]
            .as_str()
            .unwrap()
            .starts_with("Invalid argument: Invalid log fields JSON: "));
    }
}

#[test]
fn the_last_error_is_taken_once_cleared_by_the_next_call_and_per_thread() {
    let _serial = serial();
    assert_eq!(last_error(), None);

    let failed = take(client_health_check()).unwrap();
    assert_eq!(take(legacy_last_error()).as_deref(), Some(failed.as_str()));
    assert_eq!(last_error(), None, "taking the last error clears it");

    let _ = take(client_health_check());
    assert_eq!(is_worker_running(), 0);
    assert_eq!(
        last_error(),
        None,
        "a successful call clears the last error"
    );

    let _ = take(client_health_check());
    let other_thread = std::thread::spawn(|| take(legacy_last_error()))
        .join()
        .unwrap();
    assert_eq!(
        other_thread, None,
        "the last error belongs to the failing thread"
    );
    assert_eq!(last_error(), Some(worker_not_running()));

    // The bookkeeping symbols leave it alone.
    let _ = take(client_health_check());
    let _ = legacy_live_strings();
    // SAFETY: NULL is accepted.
    unsafe { free_rust_string(ptr::null_mut()) };
    assert_eq!(last_error(), Some(worker_not_running()));
}

#[test]
fn every_string_handed_out_is_counted_until_freed() {
    let _serial = serial();
    let start = legacy_live_strings();
    let strings = [get_version(), get_rust_version(), get_worker_status()];
    assert_eq!(legacy_live_strings(), start + 3);
    for ptr in strings {
        // SAFETY: returned by the library, freed once.
        unsafe { free_rust_string(ptr) };
    }
    assert_eq!(legacy_live_strings(), start);
    // SAFETY: NULL is ignored.
    unsafe { free_rust_string(ptr::null_mut()) };
    assert_eq!(legacy_live_strings(), start);
    // NULL results are not counted.
    assert!(poll_step_events().is_null());
    assert_eq!(legacy_live_strings(), start);
    let _ = last_error();
}

#[test]
fn concurrent_callers_free_everything_they_get() {
    let _serial = serial();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(|| {
                for _ in 0..200 {
                    assert!(take(get_version()).is_some());
                    let _ = envelope(client_health_check());
                    assert_eq!(last_error(), Some(worker_not_running()));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}

#[test]
fn a_seeded_worker_round_trip_through_the_abi_frees_every_string() {
    let _serial = serial();
    let config = c(r#"{"seed":7}"#);
    // SAFETY (all calls below): valid C strings or NULL.
    unsafe {
        let started = envelope(bootstrap_worker(config.as_ptr()));
        assert_eq!(started["success"], true, "{started}");
        assert_eq!(started["data"]["status"], "started");
        let worker_id = started["data"]["worker_id"].as_str().unwrap().to_owned();
        assert!(worker_id.starts_with("typescript-worker-"), "{worker_id}");
        let again = envelope(bootstrap_worker(ptr::null()));
        assert_eq!(again["data"]["status"], "already_running");
        assert_eq!(is_worker_running(), 1);

        let request = c(&task_request().to_string());
        let created = envelope(client_create_task(request.as_ptr()));
        assert_eq!(created["success"], true, "{created}");
        let task_uuid = c(created["data"]["task_uuid"].as_str().unwrap());
        let fetched = envelope(client_get_task(task_uuid.as_ptr()));
        assert_eq!(fetched["data"]["task_uuid"], created["data"]["task_uuid"]);
        let listed = envelope(client_list_tasks(ptr::null()));
        assert_eq!(listed["data"]["pagination"]["total_count"], 1);
        let steps = envelope(client_list_task_steps(task_uuid.as_ptr()));
        assert!(steps["data"].is_array());

        let event = take(poll_step_events()).expect("a ready step");
        assert_eq!(last_error(), None);
        let event: Value = serde_json::from_str(&event).unwrap();
        let event_id = c(event["event_id"].as_str().unwrap());
        let mut result = step_result();
        result["step_uuid"] = event["step_uuid"].clone();
        let result = c(&result.to_string());
        assert_eq!(complete_step_event(event_id.as_ptr(), result.as_ptr()), 1);
        assert_eq!(last_error(), None);
        let unknown = c(UUID);
        assert_eq!(complete_step_event(unknown.as_ptr(), result.as_ptr()), 0);
        assert_eq!(last_error(), None, "false is an answer, not a failure");
        let not_a_uuid = c("not-a-uuid");
        assert_eq!(
            complete_step_event(not_a_uuid.as_ptr(), result.as_ptr()),
            -1
        );
        let error = last_error().unwrap();
        assert_eq!(error["code"], "INVALID_REQUEST");
        assert!(error["error"]
            .as_str()
            .unwrap()
            .starts_with("Invalid argument: Invalid event ID: "));

        let step_uuid = c(event["step_uuid"].as_str().unwrap());
        let step = envelope(client_get_step(task_uuid.as_ptr(), step_uuid.as_ptr()));
        assert_eq!(step["success"], true, "{step}");
        let history = envelope(client_get_step_audit_history(
            task_uuid.as_ptr(),
            step_uuid.as_ptr(),
        ));
        assert!(history["data"].is_array(), "{history}");
        let missing = envelope(client_get_task(unknown.as_ptr()));
        assert_eq!(missing["success"], false);
        assert_eq!(missing["code"], "NOT_FOUND");

        while let Some(domain_event) = take(poll_in_process_events()) {
            assert!(serde_json::from_str::<Value>(&domain_event).is_ok());
        }
        assert_eq!(last_error(), None);
        assert_eq!(envelope(get_ffi_dispatch_metrics())["success"], true);
        assert_eq!(check_starvation_warnings(), 0);
        assert_eq!(cleanup_timeouts(), 0);
        assert_eq!(envelope(client_health_check())["data"]["healthy"], true);
        assert_eq!(envelope(get_worker_status())["data"]["running"], true);
        assert_eq!(envelope(transition_to_graceful_shutdown())["success"], true);
        let stopped = envelope(stop_worker());
        assert_eq!(stopped["data"]["running"], false);
        assert_eq!(stopped["data"]["status"], "stopped");
        assert_eq!(is_worker_running(), 0);
    }
}

#[cfg(feature = "test-hooks")]
#[test]
fn a_panic_in_the_core_is_an_internal_error_and_the_library_lives_on() {
    let _serial = serial();
    let message = c("boom");
    // SAFETY: a valid C string.
    let got = envelope(unsafe { legacy_test_panic(message.as_ptr()) });
    assert_eq!(
        got,
        error_envelope(
            "INTERNAL",
            "Internal error: panic in core: deliberate test panic: boom",
            true
        )
    );
    assert_eq!(last_error(), Some(got));
    // The next calls behave as before.
    assert_eq!(is_worker_running(), 0);
    assert!(take(get_version()).is_some());
    // SAFETY: NULL is rejected before the core is reached.
    assert_eq!(
        envelope(unsafe { legacy_test_panic(ptr::null()) }),
        invalid("message is NULL")
    );
}

/// TAS-283 as recorded: the historical `requested_at: NaiveDateTime` rejects the `Z` of
/// `Date.prototype.toISOString()`, and the binding reports it as the ticket did.
#[cfg(feature = "tas283-unfixed")]
#[test]
fn tas283_unfixed_reports_trailing_input_for_an_iso_timestamp_with_z() {
    let _serial = serial();
    let mut request = task_request();
    request["requested_at"] = json!("2026-01-01T00:00:00.000Z");
    let text = request.to_string();
    let column = text.find(".000Z").unwrap() + ".000Z".len() + 1;
    let request = c(&text);
    // SAFETY: a valid C string.
    let got = envelope(unsafe { client_create_task(request.as_ptr()) });
    assert_eq!(
        got,
        invalid(&format!(
            "Invalid task request JSON: trailing input at line 1 column {column}"
        ))
    );
}
