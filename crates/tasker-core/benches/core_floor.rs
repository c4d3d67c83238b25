//! The core floor of the call-overhead benchmarks: times core operations natively, so the
//! benchmarks can show how much of a bridged call is the core's own work. A `cargo bench` target,
//! never part of a bridge binary:
//!
//!     cargo bench -p tasker-core --bench core_floor < jobs.json > timings.json
//!
//! stdin is a JSON array of `{"op": "<snake_case op>", "payload": <JSON or null>, "iterations": n}`;
//! stdout is the JSON array of their [`BenchTiming`]s (`bench/core-floor.ts` runs it). With no
//! stdin (a terminal) it times every operation once with the default payloads.
//!
//! [`time_operation`] runs the operation `iterations` times against a **private** seeded engine
//! (never the process-global worker of [`crate::api`], which the bridges under test use), with
//! the same fixture the TypeScript benchmarks build through each bridge (`bench/fixtures.ts`;
//! keep the two in step): the same templates, requests, results and per-iteration set-up. Each
//! iteration is timed on its own with [`Instant`]; arguments are built (cloned) before the clock
//! starts and results are dropped after it stops, so a sample is the operation alone, with
//! its arguments already Rust values and its result not yet converted for any bridge. The cost
//! of reading the clock (calibrated per call) is subtracted from every sample.
//!
//! Operations are named as in [`crate::api`] (`client_create_task`, `log_info`, …). `payload`
//! is the free-form JSON the operation carries, where it carries one: the task context
//! (`client_create_task`), the step result (`complete_step_event`), the accumulated results of a
//! checkpoint (`checkpoint_yield_step_event`), the log fields (`log_*`), or the result of the
//! dependency that the polled step receives (`poll_step_events`). `null` there means the
//! fixture's small default ([`small_context`], [`small_result`], no log fields). Other operations
//! ignore it.

use std::hint::black_box;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use std::io::{IsTerminal, Read};

use tasker_core::api;
use tasker_core::engine::Engine;
use tasker_core::model::*;
use tasker_core::{CoreError, Result};

#[path = "../tests/common/mod.rs"]
mod common;
use common::{bench_order_request as order_request, success_for as success_result};

/// The seed of every benchmark engine (ids are reproducible; the clock does not move).
const BENCH_SEED: u32 = 7;

/// Statistics of one [`time_operation`] run, in nanoseconds per call.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct BenchTiming {
    op: String,
    iterations: u32,
    median_ns: f64,
    p99_ns: f64,
    mean_ns: f64,
    min_ns: f64,
    max_ns: f64,
    /// What one clock read costs here; already subtracted from every sample.
    timer_overhead_ns: f64,
}

/// Every operation [`time_operation`] knows (the 28 of the contract, snake_case).
const OPERATIONS: [&str; 28] = [
    "get_version",
    "get_rust_version",
    "health_check",
    "is_worker_running",
    "bootstrap_worker",
    "get_worker_status",
    "stop_worker",
    "transition_to_graceful_shutdown",
    "poll_step_events",
    "poll_in_process_events",
    "complete_step_event",
    "checkpoint_yield_step_event",
    "get_ffi_dispatch_metrics",
    "check_starvation_warnings",
    "cleanup_timeouts",
    "log_error",
    "log_warn",
    "log_info",
    "log_debug",
    "log_trace",
    "client_create_task",
    "client_get_task",
    "client_list_tasks",
    "client_cancel_task",
    "client_list_task_steps",
    "client_get_step",
    "client_get_step_audit_history",
    "client_health_check",
];

// ---------------------------------------------------------------------------------------------
// The fixture (mirrored by bench/fixtures.ts)

/// Every benchmark engine: seeded, and a fixed clock that does not advance (tick 0), so no
/// retry, starvation or timeout ever changes the work an iteration does.
fn bench_config() -> BootstrapConfig {
    BootstrapConfig {
        seed: Some(BENCH_SEED),
        clock_tick_ms: Some(0),
        log_level: Some("off".to_owned()),
        ..BootstrapConfig::default()
    }
}

/// The context of the tasks the benchmarks create when the payload is not the context.
fn small_context() -> Json {
    json!({ "order_id": 1, "customer": "bench" })
}

/// The result the fixture's first steps complete with.
fn small_result() -> Json {
    json!({ "ok": true })
}

/// The message of the `log_*` benchmarks.
const LOG_MESSAGE: &str = "benchmark log record";

/// Tasks in the engine the read-only benchmarks query.
const READ_FIXTURE_TASKS: usize = 5;

fn fixture_error(what: &str) -> CoreError {
    CoreError::Internal(format!("benchmark fixture: {what}"))
}

fn new_engine() -> Result<Engine> {
    Engine::new(bench_config())
}

/// A benchmark engine that also has our step-type fixtures (tests/fixtures/templates/step_types).
fn fixture_engine() -> Result<Engine> {
    Engine::new(BootstrapConfig {
        template_path: Some(common::fixture_dir("step_types")),
        ..bench_config()
    })
}

fn poll(engine: &Engine) -> Result<StepEvent> {
    engine
        .poll_step_event()?
        .ok_or_else(|| fixture_error("no step was ready"))
}

/// Creates the task of `request`, completes its first step with `result` and returns it; its
/// second step is then ready, with `result` as its dependency result.
fn task_with_completed_first_step(
    engine: &Engine,
    request: TaskRequest,
    result: Json,
) -> Result<TaskResponse> {
    let task = engine.create_task(request)?;
    let event = poll(engine)?;
    engine.complete_step_event(event.event_id, success_result(event.step_uuid, result))?;
    Ok(task)
}

/// The engine of the read-only benchmarks: [`READ_FIXTURE_TASKS`] order tasks; the first one
/// has its first step completed. Returns the engine, that task and its first step.
fn read_fixture() -> Result<(Engine, uuid::Uuid, uuid::Uuid)> {
    let engine = new_engine()?;
    let probe =
        task_with_completed_first_step(&engine, order_request(small_context()), small_result())?;
    for _ in 1..READ_FIXTURE_TASKS {
        engine.create_task(order_request(small_context()))?;
    }
    let step = probe
        .steps
        .first()
        .ok_or_else(|| fixture_error("task without steps"))?
        .workflow_step_uuid;
    Ok((engine, probe.task_uuid, step))
}

// ---------------------------------------------------------------------------------------------
// Timing

/// The cost of one `Instant` pair, the median of many.
fn timer_overhead_ns() -> f64 {
    let mut samples: Vec<u64> = (0..1001)
        .map(|_| {
            let start = Instant::now();
            saturating_ns(start.elapsed().as_nanos())
        })
        .collect();
    samples.sort_unstable();
    samples.get(samples.len() / 2).copied().unwrap_or(0) as f64
}

fn saturating_ns(ns: u128) -> u64 {
    u64::try_from(ns).unwrap_or(u64::MAX)
}

/// Collects one sample per iteration.
struct Sampler {
    samples: Vec<u64>,
}

impl Sampler {
    fn new(iterations: u32) -> Sampler {
        Sampler {
            samples: Vec::with_capacity(iterations as usize),
        }
    }

    /// Times `op` once; its result is dropped after the clock stops.
    fn time<T>(&mut self, op: impl FnOnce() -> Result<T>) -> Result<()> {
        let start = Instant::now();
        let out = black_box(op());
        let elapsed = start.elapsed();
        let out = out?;
        self.samples.push(saturating_ns(elapsed.as_nanos()));
        drop(out);
        Ok(())
    }

    /// Times `op` on `task`, then cancels the task (untimed) so that none of its steps reaches
    /// a later iteration.
    fn time_and_cancel<T>(
        &mut self,
        engine: &Engine,
        task: &TaskResponse,
        op: impl FnOnce() -> Result<T>,
    ) -> Result<()> {
        self.time(op)?;
        engine.cancel_task(task.task_uuid).map(drop)
    }

    fn finish(mut self, op: &str, iterations: u32) -> BenchTiming {
        let overhead = timer_overhead_ns();
        self.samples.sort_unstable();
        let adjusted: Vec<f64> = self
            .samples
            .iter()
            .map(|&ns| (ns as f64 - overhead).max(0.0))
            .collect();
        let n = adjusted.len();
        let at = |q: f64| -> f64 {
            if n == 0 {
                return 0.0;
            }
            // Linear interpolation between order statistics, as tinybench does.
            let pos = q * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = pos.ceil() as usize;
            let (a, b) = (
                adjusted.get(lo).copied().unwrap_or(0.0),
                adjusted.get(hi).copied().unwrap_or(0.0),
            );
            a + (b - a) * (pos - lo as f64)
        };
        BenchTiming {
            op: op.to_owned(),
            iterations,
            median_ns: at(0.5),
            p99_ns: at(0.99),
            mean_ns: if n == 0 {
                0.0
            } else {
                adjusted.iter().sum::<f64>() / n as f64
            },
            min_ns: adjusted.first().copied().unwrap_or(0.0),
            max_ns: adjusted.last().copied().unwrap_or(0.0),
            timer_overhead_ns: overhead,
        }
    }
}

/// Payload bytes the create benchmark may keep alive in one engine before it starts a new one
/// (untimed): the engine keeps every task, as a server keeps its rows.
const RETAINED_PAYLOAD_LIMIT: usize = 256 << 20;

fn log_level(op: &str) -> Option<LogLevel> {
    Some(match op {
        "log_error" => LogLevel::Error,
        "log_warn" => LogLevel::Warn,
        "log_info" => LogLevel::Info,
        "log_debug" => LogLevel::Debug,
        "log_trace" => LogLevel::Trace,
        _ => return None,
    })
}

/// Times `iterations` runs of the core operation `op` (see the module docs).
fn time_operation(op: &str, payload: Json, iterations: u32) -> Result<BenchTiming> {
    if iterations == 0 {
        return Err(CoreError::InvalidArgument(
            "iterations must be at least 1".to_owned(),
        ));
    }
    let mut s = Sampler::new(iterations);
    let n = iterations;
    let or_default = |default: fn() -> Json| {
        if payload.is_null() {
            default()
        } else {
            payload.clone()
        }
    };
    match op {
        "get_version" => (0..n).try_for_each(|_| s.time(|| Ok(api::get_version())))?,
        "get_rust_version" => (0..n).try_for_each(|_| s.time(|| Ok(api::get_rust_version())))?,
        "health_check" => (0..n).try_for_each(|_| s.time(|| Ok(api::health_check())))?,
        // Reads the process-global slot, as the bridges' call does; it never changes it.
        "is_worker_running" => (0..n).try_for_each(|_| s.time(|| Ok(api::is_worker_running())))?,
        "bootstrap_worker" => (0..n).try_for_each(|_| s.time(|| Engine::new(bench_config())))?,
        "stop_worker" => (0..n).try_for_each(|_| {
            let engine = new_engine()?;
            // What `api::stop_worker` does once it has taken the engine: its status, then drop.
            s.time(move || {
                let worker_id = engine.worker_id().to_owned();
                drop(engine);
                Ok(StopOutcome::Stopped { worker_id })
            })
        })?,
        "get_worker_status"
        | "transition_to_graceful_shutdown"
        | "get_ffi_dispatch_metrics"
        | "check_starvation_warnings"
        | "cleanup_timeouts"
        | "client_health_check"
        | "client_get_task"
        | "client_list_tasks"
        | "client_list_task_steps"
        | "client_get_step"
        | "client_get_step_audit_history" => {
            let (engine, task, step) = read_fixture()?;
            (0..n).try_for_each(|_| match op {
                "get_worker_status" => s.time(|| Ok(engine.running())),
                "transition_to_graceful_shutdown" => s.time(|| {
                    engine.begin_graceful_shutdown();
                    Ok(())
                }),
                "get_ffi_dispatch_metrics" => s.time(|| Ok(engine.dispatch_metrics())),
                "check_starvation_warnings" => s.time(|| Ok(engine.check_starvation_warnings())),
                "cleanup_timeouts" => s.time(|| engine.cleanup_timeouts()),
                "client_health_check" => s.time(|| Ok(engine.health())),
                "client_get_task" => s.time(|| engine.get_task(task)),
                "client_list_tasks" => {
                    let params = ListTasksParams::default();
                    s.time(|| engine.list_tasks(params))
                }
                "client_list_task_steps" => s.time(|| engine.list_task_steps(task)),
                "client_get_step" => s.time(|| engine.get_step(task, step)),
                _ => s.time(|| engine.step_audit_history(task, step)),
            })?
        }
        "poll_step_events" => {
            let engine = new_engine()?;
            let payload = or_default(small_result);
            (0..n).try_for_each(|_| {
                let request = order_request(small_context());
                let task = task_with_completed_first_step(&engine, request, payload.clone())?;
                s.time_and_cancel(&engine, &task, || engine.poll_step_event())
            })?
        }
        "poll_in_process_events" => {
            let engine = fixture_engine()?;
            (0..n).try_for_each(|_| {
                // The `events` fixture's first step publishes exactly one in-process event.
                let request = common::fixture("events", small_context());
                let result = json!({ "member_id": "bench" });
                let task = task_with_completed_first_step(&engine, request, result)?;
                s.time_and_cancel(&engine, &task, || Ok(engine.poll_domain_event()))
            })?
        }
        "complete_step_event" => {
            let engine = new_engine()?;
            let payload = or_default(small_result);
            (0..n).try_for_each(|_| {
                let task = engine.create_task(order_request(small_context()))?;
                let event = poll(&engine)?;
                let result = success_result(event.step_uuid, payload.clone());
                s.time_and_cancel(&engine, &task, || {
                    engine.complete_step_event(event.event_id, result)
                })
            })?
        }
        "checkpoint_yield_step_event" => {
            let engine = fixture_engine()?;
            let payload = or_default(small_result);
            (0..n).try_for_each(|_| {
                // The `checkpointed` fixture: a batchable step, then one batch worker that yields.
                let request = common::fixture("checkpointed", small_context());
                let outcome = common::checkpointed_outcome();
                let task = task_with_completed_first_step(&engine, request, outcome)?;
                let batch = poll(&engine)?;
                let data = common::checkpoint_data(batch.step_uuid, 100, 100, payload.clone());
                s.time_and_cancel(&engine, &task, || {
                    engine.checkpoint_yield(batch.event_id, data)
                })
            })?
        }
        "client_create_task" => {
            let payload = or_default(small_context);
            let size = serde_json::to_string(&payload).map_or(0, |text| text.len());
            let mut engine = new_engine()?;
            let mut retained = 0usize;
            (0..n).try_for_each(|_| {
                if retained > RETAINED_PAYLOAD_LIMIT {
                    engine = new_engine()?;
                    retained = 0;
                }
                let request = order_request(payload.clone());
                s.time(|| engine.create_task(request))?;
                retained += size;
                Ok::<(), CoreError>(())
            })?
        }
        "client_cancel_task" => {
            let engine = new_engine()?;
            (0..n).try_for_each(|_| {
                let task = engine.create_task(order_request(small_context()))?;
                s.time(|| engine.cancel_task(task.task_uuid))
            })?
        }
        _ => match log_level(op) {
            Some(level) => {
                // Routing installed and off (bench_config): the call's own cost, no output.
                let _engine = new_engine()?;
                (0..n).try_for_each(|_| {
                    let fields = payload.as_object().cloned();
                    s.time(|| {
                        api::log(level, LOG_MESSAGE, fields.as_ref());
                        Ok(())
                    })
                })?
            }
            None => {
                return Err(CoreError::InvalidArgument(format!(
                    "unknown benchmark operation \"{op}\" (expected one of {})",
                    OPERATIONS.join(", ")
                )))
            }
        },
    }
    Ok(s.finish(op, iterations))
}

/// One timing job read from stdin.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Job {
    op: String,
    #[serde(default)]
    payload: Json,
    iterations: u32,
}

fn main() {
    let mut input = String::new();
    let jobs: Vec<Job> = if std::io::stdin().is_terminal() {
        OPERATIONS
            .iter()
            .map(|op| Job {
                op: (*op).to_owned(),
                payload: Json::Null,
                iterations: 1000,
            })
            .collect()
    } else {
        if let Err(error) = std::io::stdin().read_to_string(&mut input) {
            eprintln!("core_floor: cannot read stdin: {error}");
            std::process::exit(2);
        }
        // `cargo bench` passes `--bench`; an empty stdin means "nothing to do".
        if input.trim().is_empty() {
            return;
        }
        match serde_json::from_str(&input) {
            Ok(jobs) => jobs,
            Err(error) => {
                eprintln!("core_floor: stdin is not a job list: {error}");
                std::process::exit(2);
            }
        }
    };
    let mut timings = Vec::with_capacity(jobs.len());
    for job in jobs {
        match time_operation(&job.op, job.payload, job.iterations) {
            Ok(timing) => timings.push(timing),
            Err(error) => {
                eprintln!("core_floor: {}: {error}", job.op);
                std::process::exit(1);
            }
        }
    }
    match serde_json::to_string(&timings) {
        Ok(text) => println!("{text}"),
        Err(error) => {
            eprintln!("core_floor: {error}");
            std::process::exit(1);
        }
    }
}
