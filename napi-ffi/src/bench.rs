//! Benchmark-only exports (cargo feature `bench-probes`, the harness build): the empty call
//! (`noop`) and probes that move one free-form JSON value across N-API in each of the ways the addon could carry it, so
//! the benchmarks can compare the transfers side by side on the same payload:
//!
//! - `Value`: napi-rs' `serde_json::Value` conversion, one N-API call per key and value;
//! - `String`: JSON text in an N-API string (length-prefixed UTF-8; no NUL problem), parsed or
//!   written by serde_json in Rust and by `JSON.parse`/`JSON.stringify` in JS;
//! - `Buffer`: the same JSON text as bytes in a Node `Buffer`.
//!
//! Inbound probes take the value and parse it into a `serde_json::Value`; outbound probes hand
//! out the value stored by `benchTransferSet` (the object probe clones it first, as a real
//! result is built before it is converted). Nothing here is part of the tasker surface.

use std::cell::RefCell;

use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use serde_json::Value;
use tasker_core::CoreError;

use crate::error::{call, Result};

/// Does nothing: the floor of a napi call for the benchmarks.
#[napi]
pub fn noop() {}

thread_local! {
    /// The value the outbound probes hand out (per thread, like a JS realm).
    static OUTBOUND: RefCell<Value> = const { RefCell::new(Value::Null) };
}

fn invalid_json(e: serde_json::Error) -> CoreError {
    CoreError::InvalidArgument(format!("Invalid payload JSON: {e}"))
}

/// A cheap, data-dependent answer, so no probe's work can be skipped.
fn size_hint(value: &Value) -> u32 {
    let len = match value {
        Value::Array(items) => items.len(),
        Value::Object(map) => map.len(),
        _ => 1,
    };
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// Benchmark-only: stores the value (given as JSON text) that the outbound probes hand out.
#[napi]
pub fn bench_transfer_set(json: String) -> Result<()> {
    call(|| {
        let value: Value = serde_json::from_str(&json).map_err(invalid_json)?;
        OUTBOUND.with(|slot| *slot.borrow_mut() = value);
        Ok(())
    })
}

/// Benchmark-only: inbound through napi-rs' `Value` conversion.
#[napi]
pub fn bench_transfer_in_value(value: Value) -> u32 {
    size_hint(&value)
}

/// Benchmark-only: inbound as JSON text in a string.
#[napi]
pub fn bench_transfer_in_string(json: String) -> Result<u32> {
    call(|| {
        let value: Value = serde_json::from_str(&json).map_err(invalid_json)?;
        Ok(size_hint(&value))
    })
}

/// Benchmark-only: inbound as JSON text in a `Buffer` (read in place).
#[napi]
pub fn bench_transfer_in_buffer(json: Buffer) -> Result<u32> {
    call(|| {
        let value: Value = serde_json::from_slice(&json).map_err(invalid_json)?;
        Ok(size_hint(&value))
    })
}

/// Benchmark-only: outbound through napi-rs' `Value` conversion.
#[napi]
pub fn bench_transfer_out_value() -> Value {
    OUTBOUND.with(|slot| slot.borrow().clone())
}

/// Benchmark-only: outbound as JSON text in a string.
#[napi]
pub fn bench_transfer_out_string() -> Result<String> {
    call(|| {
        OUTBOUND
            .with(|slot| serde_json::to_string(&*slot.borrow()))
            .map_err(internal)
    })
}

/// Benchmark-only: outbound as JSON text in a `Buffer` (handed over without a copy).
#[napi]
pub fn bench_transfer_out_buffer() -> Result<Buffer> {
    call(|| {
        OUTBOUND
            .with(|slot| serde_json::to_vec(&*slot.borrow()))
            .map(Buffer::from)
            .map_err(internal)
    })
}

fn internal(e: serde_json::Error) -> CoreError {
    CoreError::Internal(format!("cannot serialize the payload: {e}"))
}
