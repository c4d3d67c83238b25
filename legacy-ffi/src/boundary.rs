//! The C side of every call: reading arguments, catching panics, handing out strings, and the
//! thread-local last error. The `extern "C"` functions in `lib.rs` are one-line uses of these.
//!
//! Each entry point runs its body through [`guarded`]: it clears this thread's last error,
//! runs the body under `catch_unwind` (a panic becomes [`CoreError::Internal`]), and records a
//! failure as the new last error. The `ffi_*` functions then differ only in how they turn the
//! result into a C return value.

use std::cell::RefCell;
use std::ffi::{c_char, c_int, CStr, CString};
use std::panic::{catch_unwind, UnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::de::DeserializeOwned;
use serde::Serialize;
use tasker_core::{CoreError, Result};

use crate::envelope::{failure_json, success_json};

/// Strings handed out by this library and not yet given back to [`free_string`].
static LIVE_STRINGS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// The error of this thread's last failed call, until the next call or until it is taken.
    static LAST_ERROR: RefCell<Option<CoreError>> = const { RefCell::new(None) };
}

fn set_last_error(error: Option<CoreError>) {
    // `try_with`: during thread teardown the slot may be gone; then there is nobody to tell.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = error);
}

fn take_last_error() -> Option<CoreError> {
    LAST_ERROR
        .try_with(|slot| slot.borrow_mut().take())
        .ok()
        .flatten()
}

/// Runs one operation: clears the last error, turns a panic into an `Internal` error, and
/// records a failure as the last error.
fn guarded<T>(body: impl FnOnce() -> Result<T> + UnwindSafe) -> Result<T> {
    set_last_error(None);
    let result = catch_unwind(body).unwrap_or_else(|payload| Err(CoreError::from_panic(&*payload)));
    if let Err(error) = &result {
        set_last_error(Some(error.clone()));
    }
    result
}

// ---------------------------------------------------------------------------------------------
// Strings out

/// Gives `string` to the caller, who must free it with `free_rust_string`.
fn hand_out(string: CString) -> *mut c_char {
    LIVE_STRINGS.fetch_add(1, Ordering::Relaxed);
    string.into_raw()
}

/// `text` as a C string; text with a NUL byte cannot be one.
fn c_string(text: String) -> Result<CString> {
    CString::new(text).map_err(|e| {
        CoreError::Internal(format!(
            "result contains a NUL byte at {}",
            e.nul_position()
        ))
    })
}

/// JSON as a C string. serde_json writes U+0000 as `\u0000`, so JSON text never holds a NUL
/// byte; the fallback only keeps this path free of panics.
fn json_c_string(json: String) -> CString {
    CString::new(json).unwrap_or_else(|_| {
        CString::from(
            c"{\"success\":false,\"error\":\"Internal error: NUL byte in JSON\",\"recoverable\":true,\"code\":\"INTERNAL\"}",
        )
    })
}

/// Returns a JSON envelope: the value on success, the error otherwise. Never NULL.
pub fn ffi_envelope<T: Serialize>(body: impl FnOnce() -> Result<T> + UnwindSafe) -> *mut c_char {
    let json = guarded(|| body().and_then(|data| success_json(&data)))
        .unwrap_or_else(|error| failure_json(&error));
    hand_out(json_c_string(json))
}

/// Returns plain text, or NULL on failure (see the last error).
pub fn ffi_text(body: impl FnOnce() -> Result<String> + UnwindSafe) -> *mut c_char {
    guarded(|| body().and_then(c_string)).map_or(std::ptr::null_mut(), hand_out)
}

/// Returns the value as bare JSON, or NULL when there is none **or** on failure (see the last
/// error).
pub fn ffi_nullable_json<T: Serialize>(
    body: impl FnOnce() -> Result<Option<T>> + UnwindSafe,
) -> *mut c_char {
    let json = guarded(|| {
        body()?
            .map(|value| {
                serde_json::to_string(&value).map_err(|e| {
                    CoreError::Internal(format!("could not serialize the result: {e}"))
                })
            })
            .transpose()
    });
    match json {
        Ok(Some(json)) => hand_out(json_c_string(json)),
        Ok(None) | Err(_) => std::ptr::null_mut(),
    }
}

/// Returns 1 for true, 0 for false, -1 on failure (see the last error).
pub fn ffi_bool(body: impl FnOnce() -> Result<bool> + UnwindSafe) -> c_int {
    match guarded(body) {
        Ok(true) => 1,
        Ok(false) => 0,
        Err(_) => -1,
    }
}

/// Returns 0 on success, -1 on failure (see the last error).
pub fn ffi_status(body: impl FnOnce() -> Result<()> + UnwindSafe) -> c_int {
    match guarded(body) {
        Ok(()) => 0,
        Err(_) => -1,
    }
}

/// Takes this thread's last error as an error envelope, or NULL if the last call succeeded.
pub fn last_error_envelope() -> *mut c_char {
    match take_last_error() {
        Some(error) => hand_out(json_c_string(failure_json(&error))),
        None => std::ptr::null_mut(),
    }
}

/// Frees a string from [`hand_out`]; NULL is ignored.
///
/// # Safety
/// `ptr` is NULL or a pointer this library returned and that was not freed yet.
pub unsafe fn free_string(ptr: *mut c_char) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: per this function's contract, `ptr` came from `CString::into_raw` in `hand_out`.
    drop(unsafe { CString::from_raw(ptr) });
    LIVE_STRINGS.fetch_sub(1, Ordering::Relaxed);
}

pub fn live_strings() -> u64 {
    LIVE_STRINGS.load(Ordering::Relaxed)
}

// ---------------------------------------------------------------------------------------------
// Arguments in

/// A required string argument named `arg` (the C parameter name, used in the error).
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that stays valid and unchanged for `'a`.
pub unsafe fn str_arg<'a>(ptr: *const c_char, arg: &str) -> Result<&'a str> {
    // SAFETY: forwarded from this function's contract.
    unsafe { optional_str_arg(ptr, arg) }?
        .ok_or_else(|| CoreError::InvalidArgument(format!("{arg} is NULL")))
}

/// An optional string argument: NULL is `None`.
///
/// # Safety
/// As [`str_arg`].
pub unsafe fn optional_str_arg<'a>(ptr: *const c_char, arg: &str) -> Result<Option<&'a str>> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL, and NUL-terminated and valid for 'a per this function's contract.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes
        .to_str()
        .map(Some)
        .map_err(|e| CoreError::InvalidArgument(format!("{arg} is not valid UTF-8: {e}")))
}

/// Parses `json` (all of it: trailing characters are an error) as the `what` of the message
/// `Invalid <what> JSON: <serde_json error>`.
pub fn parse_json<T: DeserializeOwned>(json: &str, what: &str) -> Result<T> {
    #[cfg(not(feature = "tas283-unfixed"))]
    let parsed = serde_json::from_str(json);
    #[cfg(feature = "tas283-unfixed")]
    let parsed = crate::tas283::parse(json)?;
    parsed.map_err(|e| CoreError::InvalidArgument(format!("Invalid {what} JSON: {e}")))
}

/// A required JSON argument.
///
/// # Safety
/// As [`str_arg`].
pub unsafe fn json_arg<T: DeserializeOwned>(
    ptr: *const c_char,
    arg: &str,
    what: &str,
) -> Result<T> {
    // SAFETY: forwarded from this function's contract.
    parse_json(unsafe { str_arg(ptr, arg) }?, what)
}

/// An optional JSON argument: a NULL pointer and the JSON text `null` are both `None`.
///
/// # Safety
/// As [`str_arg`].
pub unsafe fn optional_json_arg<T: DeserializeOwned>(
    ptr: *const c_char,
    arg: &str,
    what: &str,
) -> Result<Option<T>> {
    // SAFETY: forwarded from this function's contract.
    match unsafe { optional_str_arg(ptr, arg) }? {
        Some(json) => parse_json(json, what),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tasker_core::ErrorCode;

    fn take_owned(ptr: *mut c_char) -> Option<String> {
        if ptr.is_null() {
            return None;
        }
        // SAFETY: `ptr` was handed out by this module just now.
        let text = unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned();
        // SAFETY: as above; freed exactly once.
        unsafe { free_string(ptr) };
        Some(text)
    }

    #[test]
    fn a_panic_becomes_an_internal_error_envelope() {
        let json = take_owned(ffi_envelope::<()>(|| panic!("boom"))).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["success"], false);
        assert_eq!(value["code"], "INTERNAL");
        assert_eq!(value["error"], "Internal error: panic in core: boom");
        assert_eq!(value["recoverable"], true);
    }

    #[test]
    fn a_panic_in_an_int_call_is_minus_one_and_the_last_error() {
        assert_eq!(ffi_bool(|| panic!("{}", "formatted")), -1);
        assert_eq!(
            take_last_error().map(|e| e.code()),
            Some(ErrorCode::Internal)
        );
        assert_eq!(ffi_status(|| panic!("boom")), -1);
        assert!(ffi_nullable_json::<()>(|| panic!("boom")).is_null());
        assert!(ffi_text(|| panic!("boom")).is_null());
        assert_eq!(
            take_last_error(),
            Some(CoreError::Internal("panic in core: boom".into()))
        );
    }

    #[test]
    fn text_with_a_nul_byte_is_an_internal_error_not_a_truncation() {
        assert!(ffi_text(|| Ok("a\0b".to_owned())).is_null());
        assert_eq!(
            take_last_error().map(|e| e.code()),
            Some(ErrorCode::Internal)
        );
    }

    #[test]
    fn optional_json_argument_treats_null_text_as_absent() {
        let null = c"null";
        // SAFETY: a C string literal.
        let parsed: Option<u32> =
            unsafe { optional_json_arg(null.as_ptr(), "x", "number") }.unwrap();
        assert_eq!(parsed, None);
    }
}
