//! Benchmark-only exports (cargo feature `bench-probes`, the harness build): the empty call
//! (`noop`) and probes that move one free-form JSON value across N-API in each of the ways the addon could carry it, so
//! the benchmarks can compare the transfers side by side on the same payload:
//!
//! - `Value`: napi-rs' `serde_json::Value` conversion, one N-API call per key and value;
//! - `String`: JSON text in an N-API string (length-prefixed UTF-8; no NUL problem), parsed or
//!   written by serde_json in Rust and by `JSON.parse`/`JSON.stringify` in JS;
//! - `Buffer`: the same JSON text as bytes in a Node `Buffer`;
//! - cached keys (outbound only): JS values built with raw N-API like napi-rs' conversion, but
//!   every property key is a JS string created once per environment and reused.
//!
//! Inbound probes take the value and parse it into a `serde_json::Value`; outbound probes hand
//! out the value stored by `benchTransferSet` (the object probes clone it first, as a real
//! result is built before it is converted). Nothing here is part of the tasker surface.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ptr;

use napi::bindgen_prelude::{Buffer, ToNapiValue};
use napi::sys;
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

/// Benchmark-only: outbound as JS values built with raw N-API, each property key a JS string
/// created once per environment and reused (napi-rs creates a new key string per property).
#[napi(ts_return_type = "unknown")]
pub fn bench_transfer_out_cached_keys() -> Result<CachedKeys> {
    call(|| Ok(CachedKeys(OUTBOUND.with(|slot| slot.borrow().clone()))))
}

/// A value converted by [`CachedKeys::to_napi_value`]: objects, arrays, strings, doubles (as
/// `JSON.parse` reads serde_json's text: exact within 2^53), booleans and null. Properties are set
/// with `napi_set_property`, as napi-rs does (a `__proto__` key would set the prototype; the JSON
/// policy refuses such keys).
pub struct CachedKeys(Value);

impl ToNapiValue for CachedKeys {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        // SAFETY: napi-rs calls this with the env of the call in progress, and `raw` is dropped
        // before it returns.
        let raw = unsafe { Raw::new(env) };
        KEYS.with(|cell| {
            let mut cell = cell
                .try_borrow_mut()
                .map_err(|_| fail("the key cache is in use"))?;
            let cache = match cell.take() {
                // A reference belongs to one env: a cache of another env is dropped (its holder is
                // not deleted from here; that env owns it).
                Some(cache) if cache.env == env => cell.insert(cache),
                _ => cell.insert(KeyCache::new(raw)?),
            };
            cache.call = cache.call.wrapping_add(1);
            let holder = raw.reference_value(cache.holder)?;
            to_js(raw, cache, holder, &val.0)
        })
    }
}

/// The property keys of one env, created once. Node-API below version 10 (Node 20 has 9)
/// references objects only, so the key strings are elements of one JS array (`holder`) that the
/// `napi_ref` keeps alive; a call reads each key it uses out of it once. V8 internalizes a key
/// string the first time it is used as a property name.
struct KeyCache {
    env: sys::napi_env,
    holder: sys::napi_ref,
    keys: HashMap<String, Key>,
    /// Counts calls, so a key's `handle` is used only in the call that read it.
    call: u64,
}

struct Key {
    index: u32,
    call: u64,
    handle: sys::napi_value,
}

thread_local! {
    static KEYS: RefCell<Option<KeyCache>> = const { RefCell::new(None) };
}

impl KeyCache {
    fn new(raw: Raw) -> napi::Result<Self> {
        let holder = raw.reference(raw.array(0)?)?;
        Ok(Self {
            env: raw.0,
            holder,
            keys: HashMap::new(),
            call: 0,
        })
    }

    /// The JS string of `name` in this call: created (and kept in `holder`) once per env.
    fn key(
        &mut self,
        raw: Raw,
        holder: sys::napi_value,
        name: &str,
    ) -> napi::Result<sys::napi_value> {
        if let Some(key) = self.keys.get_mut(name) {
            if key.call != self.call {
                key.handle = raw.element(holder, key.index)?;
                key.call = self.call;
            }
            return Ok(key.handle);
        }
        let index = u32::try_from(self.keys.len()).map_err(|_| fail("too many keys"))?;
        let handle = raw.string(name)?;
        raw.set_element(holder, index, handle)?;
        let call = self.call;
        self.keys.insert(
            name.to_owned(),
            Key {
                index,
                call,
                handle,
            },
        );
        Ok(handle)
    }
}

fn to_js(
    raw: Raw,
    keys: &mut KeyCache,
    holder: sys::napi_value,
    value: &Value,
) -> napi::Result<sys::napi_value> {
    match value {
        Value::Null => raw.value("napi_get_null", |out| {
            // SAFETY: see `Raw`; `out` is a valid slot.
            unsafe { sys::napi_get_null(raw.0, out) }
        }),
        Value::Bool(b) => raw.value("napi_get_boolean", |out| {
            // SAFETY: see `Raw`; `out` is a valid slot.
            unsafe { sys::napi_get_boolean(raw.0, *b, out) }
        }),
        Value::Number(n) => {
            let n = n
                .as_f64()
                .ok_or_else(|| fail("a number with no f64 value"))?;
            raw.value("napi_create_double", |out| {
                // SAFETY: see `Raw`; `out` is a valid slot.
                unsafe { sys::napi_create_double(raw.0, n, out) }
            })
        }
        Value::String(s) => raw.string(s),
        Value::Array(items) => {
            let array = raw.array(items.len())?;
            for (index, item) in items.iter().enumerate() {
                let index = u32::try_from(index).map_err(|_| fail("array too long"))?;
                let item = to_js(raw, keys, holder, item)?;
                raw.set_element(array, index, item)?;
            }
            Ok(array)
        }
        Value::Object(map) => {
            let object = raw.value("napi_create_object", |out| {
                // SAFETY: see `Raw`; `out` is a valid slot.
                unsafe { sys::napi_create_object(raw.0, out) }
            })?;
            for (name, item) in map {
                let key = keys.key(raw, holder, name)?;
                let item = to_js(raw, keys, holder, item)?;
                // SAFETY: see `Raw`; `object`, `key` and `item` are live handles of this call.
                let status = unsafe { sys::napi_set_property(raw.0, object, key, item) };
                check(status, "napi_set_property")?;
            }
            Ok(object)
        }
    }
}

/// The env of the N-API call in progress. Every function below passes it to N-API with handles of
/// that call (or the holder's reference, made in that env) and checks the status.
#[derive(Clone, Copy)]
struct Raw(sys::napi_env);

impl Raw {
    /// # Safety
    /// `env` is the env of the N-API call in progress, and the `Raw` is not used after it returns.
    unsafe fn new(env: sys::napi_env) -> Self {
        Self(env)
    }

    /// Runs `make` with a slot for its result and checks its status.
    fn value(
        self,
        what: &'static str,
        make: impl FnOnce(*mut sys::napi_value) -> sys::napi_status,
    ) -> napi::Result<sys::napi_value> {
        let mut out = ptr::null_mut();
        check(make(&mut out), what)?;
        Ok(out)
    }

    fn string(self, s: &str) -> napi::Result<sys::napi_value> {
        // A `str` is at most `isize::MAX` bytes, so the length cast is exact.
        self.value("napi_create_string_utf8", |out| {
            // SAFETY: see `Raw`; `s` is `s.len()` bytes of UTF-8; `out` is a valid slot.
            unsafe {
                sys::napi_create_string_utf8(self.0, s.as_ptr().cast(), s.len() as isize, out)
            }
        })
    }

    fn array(self, len: usize) -> napi::Result<sys::napi_value> {
        self.value("napi_create_array_with_length", |out| {
            // SAFETY: see `Raw`; `out` is a valid slot.
            unsafe { sys::napi_create_array_with_length(self.0, len, out) }
        })
    }

    fn element(self, array: sys::napi_value, index: u32) -> napi::Result<sys::napi_value> {
        self.value("napi_get_element", |out| {
            // SAFETY: see `Raw`; `array` is a live handle of this call; `out` is a valid slot.
            unsafe { sys::napi_get_element(self.0, array, index, out) }
        })
    }

    fn set_element(
        self,
        array: sys::napi_value,
        index: u32,
        item: sys::napi_value,
    ) -> napi::Result<()> {
        // SAFETY: see `Raw`; `array` and `item` are live handles of this call.
        check(
            unsafe { sys::napi_set_element(self.0, array, index, item) },
            "napi_set_element",
        )
    }

    fn reference(self, object: sys::napi_value) -> napi::Result<sys::napi_ref> {
        let mut out = ptr::null_mut();
        // SAFETY: see `Raw`; `object` is a live handle of this call; `out` is a valid slot.
        check(
            unsafe { sys::napi_create_reference(self.0, object, 1, &mut out) },
            "napi_create_reference",
        )?;
        Ok(out)
    }

    fn reference_value(self, reference: sys::napi_ref) -> napi::Result<sys::napi_value> {
        self.value("napi_get_reference_value", |out| {
            // SAFETY: see `Raw`; `reference` was made in this env (the cache is per env); `out` is a valid slot.
            unsafe { sys::napi_get_reference_value(self.0, reference, out) }
        })
    }
}

fn check(status: sys::napi_status, what: &str) -> napi::Result<()> {
    if status == sys::Status::napi_ok {
        return Ok(());
    }
    Err(napi::Error::new(
        napi::Status::from(status),
        format!("benchTransferOutCachedKeys: {what} failed"),
    ))
}

fn fail(what: &str) -> napi::Error {
    napi::Error::from_reason(format!("benchTransferOutCachedKeys: {what}"))
}
