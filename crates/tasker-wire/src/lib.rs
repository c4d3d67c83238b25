//! tasker-wire: the JSON wire of tasker's koffi-era C ABI (fe86d180), over [`tasker_core::api`].
//!
//! One function per operation, named as the C symbol: it takes the C ABI's text arguments
//! (`None` for a NULL pointer) and returns exactly the historical text (or int). The legacy
//! `cdylib` and the napi addon's `*Json` transport both call these, so the two transports
//! cannot drift apart.
//!
//! What each function owns: the parse of its JSON arguments (as tasker parsed them), the
//! historical result shape (bare object, lifecycle object, client envelope, int), the
//! historical error texts (`<symbol> failed: …`, `Bootstrap failed: …`, the koffi-era
//! "Worker not initialized. Call bootstrap_worker first."), the panic texts, and this thread's
//! last error ([`last_error_json`]): set by every failing operation, cleared by every
//! succeeding one.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde::de::{Deserialize, DeserializeOwned};
use serde::Serialize;
use serde_json::Value;
use tasker_core::api;
use tasker_core::error::panic_message;
use tasker_core::model::*;
use tasker_core::{CoreError, Result};

pub mod dto;
pub mod render;
#[cfg(feature = "tas283-unfixed")]
pub mod tas283;

use dto::*;
use render::koffi_display;

thread_local! {
    /// The error of the last operation called on this thread, if it failed.
    static LAST_ERROR: RefCell<Option<CoreError>> = const { RefCell::new(None) };
}

fn set_last_error(error: Option<CoreError>) {
    LAST_ERROR.with(|slot| *slot.borrow_mut() = error);
}

/// This thread's last error as `{"code","message","recoverable"}`, or `None` if the last
/// operation succeeded. Reading it does not clear it.
pub fn last_error_json() -> Option<String> {
    LAST_ERROR.with(|slot| {
        slot.borrow().as_ref().map(|e| {
            to_json(&LastErrorDto {
                code: e.code().as_str().to_owned(),
                message: e.to_string(),
                recoverable: e.recoverable(),
            })
        })
    })
}

/// Runs `op`, recording its outcome as the last error; a panic becomes `Err(message)`.
fn run<T>(op: impl FnOnce() -> Result<T>) -> std::result::Result<Result<T>, String> {
    match catch_unwind(AssertUnwindSafe(op)) {
        Ok(result) => {
            set_last_error(result.as_ref().err().cloned());
            Ok(result)
        }
        Err(payload) => {
            let error = CoreError::from_panic(&*payload);
            set_last_error(Some(error));
            Err(panic_message(&*payload))
        }
    }
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Our DTOs hold strings, numbers and JSON values only: serialization cannot fail, but a
    // fallback keeps this path free of panics.
    serde_json::to_string(value)
        .unwrap_or_else(|e| error_object(format!("Serialization error: {e}"), None))
}

/// tasker's `json_error`: `{"error":…,"success":false}` (and `recoverable` for server errors).
fn error_object(error: String, recoverable: Option<bool>) -> String {
    serde_json::to_string(&ErrorObjectDto {
        error,
        recoverable,
        success: false,
    })
    .unwrap_or_else(|_| r#"{"error":"Serialization error","success":false}"#.to_owned())
}

/// An argument the C layer could not read (NULL where text is required, not UTF-8): records it
/// as the last error and returns tasker's error object with `message`.
pub fn reject_text(message: String) -> String {
    set_last_error(Some(CoreError::InvalidArgument(message.clone())));
    error_object(message, None)
}

/// [`reject_text`] for the int-returning operations: -1.
pub fn reject_int(message: String) -> i32 {
    set_last_error(Some(CoreError::InvalidArgument(message)));
    -1
}

// ---------------------------------------------------------------------------------------------
// Versions and health

pub fn get_version() -> String {
    set_last_error(None);
    api::get_version()
}

pub fn get_rust_version() -> String {
    set_last_error(None);
    api::get_rust_version()
}

pub fn health_check() -> i32 {
    set_last_error(None);
    i32::from(api::health_check())
}

pub fn is_worker_running() -> i32 {
    set_last_error(None);
    i32::from(api::is_worker_running())
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

/// Parses the bootstrap config as tasker did (strict JSON), then reads our keys from it.
fn bootstrap_config(text: Option<&str>) -> Result<BootstrapConfig> {
    let Some(text) = text else {
        return Ok(BootstrapConfig::default());
    };
    let invalid =
        |e: serde_json::Error| CoreError::InvalidArgument(format!("Invalid config JSON: {e}"));
    let value: Value = serde_json::from_str(text).map_err(invalid)?;
    match value {
        // tasker ignored the content; a non-object config carries none of our keys.
        Value::Object(_) => serde_json::from_value(value).map_err(invalid),
        _ => Ok(BootstrapConfig::default()),
    }
}

pub fn bootstrap_worker(config_json: Option<&str>) -> String {
    let outcome = run(|| {
        // A running worker answers before the config is even parsed, as tasker's did.
        if api::is_worker_running() {
            return api::bootstrap_worker(BootstrapConfig::default());
        }
        api::bootstrap_worker(bootstrap_config(config_json)?)
    });
    match outcome {
        Ok(Ok(BootstrapOutcome::Started { worker_id })) => to_json(&BootstrapResultDto {
            message: "TypeScript worker system started successfully".to_owned(),
            status: "started".to_owned(),
            success: true,
            worker_id: Some(worker_id),
        }),
        Ok(Ok(BootstrapOutcome::AlreadyRunning { .. })) => to_json(&BootstrapResultDto {
            message: "Worker is already running".to_owned(),
            status: "already_running".to_owned(),
            success: true,
            worker_id: None,
        }),
        Ok(Err(e)) => error_object(format!("Bootstrap failed: {}", koffi_display(&e)), None),
        Err(panic) => error_object(format!("Bootstrap panicked: {panic}"), None),
    }
}

pub fn get_worker_status() -> String {
    match run(|| Ok(api::get_worker_status())) {
        Ok(Ok(state)) => to_json(&render::worker_status(&state)),
        Ok(Err(e)) => error_object(format!("Failed to get status: {}", koffi_display(&e)), None),
        Err(_) => error_object("get_worker_status panicked unexpectedly".to_owned(), None),
    }
}

pub fn stop_worker() -> String {
    match run(|| Ok(api::stop_worker())) {
        Ok(Ok(StopOutcome::NotRunning)) => to_json(&StopResultDto {
            message: "Worker was not running".to_owned(),
            status: "not_running".to_owned(),
            success: true,
            worker_id: None,
        }),
        Ok(Ok(StopOutcome::Stopped { worker_id })) => to_json(&StopResultDto {
            message: "Worker stopped successfully".to_owned(),
            status: "stopped".to_owned(),
            success: true,
            worker_id: Some(worker_id),
        }),
        Ok(Err(e)) => error_object(
            format!("Failed to stop worker: {}", koffi_display(&e)),
            None,
        ),
        Err(_) => error_object("stop_worker panicked unexpectedly".to_owned(), None),
    }
}

pub fn transition_to_graceful_shutdown() -> String {
    match run(api::transition_to_graceful_shutdown) {
        Ok(Ok(worker_id)) => to_json(&TransitionResultDto {
            message: "Transitioning to graceful shutdown".to_owned(),
            status: "transitioning".to_owned(),
            success: true,
            worker_id,
        }),
        Ok(Err(e)) => error_object(format!("Failed to transition: {}", koffi_display(&e)), None),
        Err(_) => error_object(
            "transition_to_graceful_shutdown panicked unexpectedly".to_owned(),
            None,
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Dispatch

/// The next step event as bare JSON; `None` (NULL) when idle and on an error, as tasker (an
/// error object would be taken for an event). The error is then the last error.
pub fn poll_step_events() -> Option<String> {
    match run(api::poll_step_events) {
        Ok(Ok(Some(event))) => Some(to_json(&render::step_event(&event))),
        _ => None,
    }
}

/// The next in-process domain event as bare camelCase JSON; `None` as [`poll_step_events`].
pub fn poll_in_process_events() -> Option<String> {
    match run(api::poll_in_process_events) {
        Ok(Ok(Some(event))) => Some(to_json(&render::domain_event(&event))),
        _ => None,
    }
}

fn int_of(outcome: std::result::Result<Result<bool>, String>) -> i32 {
    match outcome {
        Ok(Ok(true)) => 1,
        Ok(Ok(false)) => 0,
        _ => -1,
    }
}

/// The payload of an event call, parsed when the core asks for it (after the engine and the
/// event id are checked): `Invalid <what> JSON: …`.
fn payload<'a, T: DeserializeOwned>(
    json: &'a str,
    what: &'a str,
) -> impl FnOnce() -> Result<T> + 'a {
    move || {
        serde_json::from_str(json)
            .map_err(|e| CoreError::InvalidArgument(format!("Invalid {what} JSON: {e}")))
    }
}

/// 1 accepted, 0 not accepted (an event that is not pending), -1 on an error.
pub fn complete_step_event(event_id: Option<&str>, result_json: Option<&str>) -> i32 {
    let (Some(event_id), Some(json)) = (event_id, result_json) else {
        return reject_int("complete_step_event: null pointer received".to_owned());
    };
    int_of(run(|| {
        api::complete_step_event(event_id, payload(json, "result"))
    }))
}

/// 1 accepted, 0 not accepted, -1 on an error.
pub fn checkpoint_yield_step_event(event_id: Option<&str>, checkpoint_json: Option<&str>) -> i32 {
    let (Some(event_id), Some(json)) = (event_id, checkpoint_json) else {
        return reject_int("checkpoint_yield_step_event: null pointer received".to_owned());
    };
    int_of(run(|| {
        api::checkpoint_yield_step_event(event_id, payload(json, "checkpoint"))
    }))
}

pub fn get_ffi_dispatch_metrics() -> String {
    match run(api::get_ffi_dispatch_metrics) {
        Ok(Ok(metrics)) => to_json(&render::metrics(&metrics)),
        Ok(Err(e)) => error_object(
            format!("Failed to get metrics: {}", koffi_display(&e)),
            None,
        ),
        Err(_) => error_object(
            "get_ffi_dispatch_metrics panicked unexpectedly".to_owned(),
            None,
        ),
    }
}

fn status_of<T>(outcome: std::result::Result<Result<T>, String>) -> i32 {
    match outcome {
        Ok(Ok(_)) => 0,
        _ => -1,
    }
}

/// 0, or -1 on an error (no worker).
pub fn check_starvation_warnings() -> i32 {
    status_of(run(api::check_starvation_warnings))
}

/// 0, or -1 on an error (no worker).
pub fn cleanup_timeouts() -> i32 {
    status_of(run(api::cleanup_timeouts))
}

/// A `log_*` call. Fields may hold any JSON values (tasker dropped them all when one was not a
/// string). Fields that are not a JSON object are dropped (the message is still logged) and
/// the call answers -1; a NULL message logs nothing and answers -1.
pub fn log(level: LogLevel, message: Option<&str>, fields_json: Option<&str>) -> i32 {
    let Some(message) = message else {
        return reject_int("log message is NULL".to_owned());
    };
    status_of(run(|| {
        let fields = match fields_json.map(serde_json::from_str::<Value>) {
            None | Some(Ok(Value::Null)) => Ok(None),
            Some(Ok(Value::Object(map))) => Ok(Some(map)),
            Some(Ok(_)) => Err(CoreError::InvalidArgument(
                "Invalid log fields JSON: not an object".to_owned(),
            )),
            Some(Err(e)) => Err(CoreError::InvalidArgument(format!(
                "Invalid log fields JSON: {e}"
            ))),
        };
        api::log(
            level,
            message,
            fields.as_ref().ok().and_then(Option::as_ref),
        );
        fields.map(drop)
    }))
}

pub fn log_error(message: Option<&str>, fields_json: Option<&str>) -> i32 {
    log(LogLevel::Error, message, fields_json)
}

pub fn log_warn(message: Option<&str>, fields_json: Option<&str>) -> i32 {
    log(LogLevel::Warn, message, fields_json)
}

pub fn log_info(message: Option<&str>, fields_json: Option<&str>) -> i32 {
    log(LogLevel::Info, message, fields_json)
}

pub fn log_debug(message: Option<&str>, fields_json: Option<&str>) -> i32 {
    log(LogLevel::Debug, message, fields_json)
}

pub fn log_trace(message: Option<&str>, fields_json: Option<&str>) -> i32 {
    log(LogLevel::Trace, message, fields_json)
}

// ---------------------------------------------------------------------------------------------
// Client

/// The client envelope: `{data, success:true}`; a server-side failure as
/// `{error, recoverable, success:false}`; a bridge-side one as `<symbol> failed: …`.
fn client<T: Serialize>(symbol: &str, op: impl FnOnce() -> Result<T>) -> String {
    match run(op) {
        // Serialized directly: the responses declare their fields sorted, as the historical
        // `Value` round trip ordered them (tasker-core's `model::responses`).
        Ok(Ok(data)) => match serde_json::to_string(&DataEnvelope {
            data: &data,
            success: true,
        }) {
            Ok(text) => text,
            Err(e) => error_object(format!("Serialization error: {e}"), Some(false)),
        },
        Ok(Err(e)) if e.is_bridge_side() => {
            error_object(format!("{symbol} failed: {}", koffi_display(&e)), None)
        }
        Ok(Err(e)) => error_object(e.to_string(), Some(e.recoverable())),
        Err(_) => error_object(format!("{symbol} panicked unexpectedly"), None),
    }
}

/// A successful [`ClientEnvelopeDto`], borrowing its data (keys in sorted order).
#[derive(Serialize)]
struct DataEnvelope<'a, T> {
    data: &'a T,
    success: bool,
}

/// A client call whose arguments are all required: a NULL one is `<symbol>: null pointer
/// received`.
fn client_with<A, T: Serialize>(
    symbol: &str,
    args: Option<A>,
    op: impl FnOnce(A) -> Result<T>,
) -> String {
    match args {
        Some(args) => client(symbol, || op(args)),
        None => reject_text(format!("{symbol}: null pointer received")),
    }
}

/// The request as tasker's bridge parsed it: `Deserializer::from_str` + `deserialize`, without
/// `end()`, so text after the first JSON value is ignored (the attempted TAS-283 fix).
pub fn parse_task_request(text: &str) -> Result<TaskRequest> {
    let text = text.trim_end_matches('\0');
    #[cfg(feature = "tas283-unfixed")]
    let parsed = tas283::parse(text)?;
    #[cfg(not(feature = "tas283-unfixed"))]
    let parsed = TaskRequest::deserialize(&mut serde_json::Deserializer::from_str(text));
    parsed.map_err(|e| CoreError::InvalidArgument(format!("Invalid task request JSON: {e}")))
}

pub fn client_create_task(request_json: Option<&str>) -> String {
    client_with("client_create_task", request_json, |text| {
        api::client_create_task(parse_task_request(text)?)
    })
}

pub fn client_get_task(task_uuid: Option<&str>) -> String {
    client_with("client_get_task", task_uuid, api::client_get_task)
}

/// tasker read the params leniently: `limit` (default 50) and `offset` (default 0) when they
/// are integers, `namespace` and `status` when they are strings; anything else is a default.
pub fn parse_list_params(text: &str) -> Result<ListTasksParams> {
    let text = text.trim_end_matches('\0');
    let value = Value::deserialize(&mut serde_json::Deserializer::from_str(text))
        .map_err(|e| CoreError::InvalidArgument(format!("Invalid params JSON: {e}")))?;
    let int = |key: &str| value.get(key).and_then(Value::as_i64).map(|n| n as i32);
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    Ok(ListTasksParams {
        limit: Some(int("limit").unwrap_or(50)),
        offset: Some(int("offset").unwrap_or(0)),
        namespace: text("namespace"),
        status: text("status"),
    })
}

pub fn client_list_tasks(params_json: Option<&str>) -> String {
    client_with("client_list_tasks", params_json, |text| {
        api::client_list_tasks(parse_list_params(text)?)
    })
}

pub fn client_cancel_task(task_uuid: Option<&str>) -> String {
    client_with("client_cancel_task", task_uuid, api::client_cancel_task)
}

pub fn client_list_task_steps(task_uuid: Option<&str>) -> String {
    client_with(
        "client_list_task_steps",
        task_uuid,
        api::client_list_task_steps,
    )
}

pub fn client_get_step(task_uuid: Option<&str>, step_uuid: Option<&str>) -> String {
    client_with(
        "client_get_step",
        task_uuid.zip(step_uuid),
        |(task, step)| api::client_get_step(task, step),
    )
}

pub fn client_get_step_audit_history(task_uuid: Option<&str>, step_uuid: Option<&str>) -> String {
    client_with(
        "client_get_step_audit_history",
        task_uuid.zip(step_uuid),
        |(task, step)| api::client_get_step_audit_history(task, step),
    )
}

pub fn client_health_check() -> String {
    client("client_health_check", api::client_health_check)
}

/// Test-only: a panic inside the core; answers -1 with an `INTERNAL` last error.
#[cfg(feature = "test-hooks")]
pub fn test_panic(message: Option<&str>) -> i32 {
    status_of(run(|| api::test_panic(message.unwrap_or(""))))
}
