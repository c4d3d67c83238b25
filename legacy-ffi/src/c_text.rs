//! C strings in and out: the only `unsafe` of the library, and the live-string counter.

use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};

/// Strings handed out and not yet given back to [`free`].
static LIVE_STRINGS: AtomicU64 = AtomicU64::new(0);

/// An argument: `Ok(None)` for NULL, `Err(())` for bytes that are not UTF-8.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string valid and unchanged for `'a`.
#[allow(clippy::result_unit_err)]
pub unsafe fn arg<'a>(ptr: *const c_char) -> Result<Option<&'a str>, ()> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL, NUL-terminated and valid for 'a per this function's contract.
    unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .map(Some)
        .map_err(|_| ())
}

/// Hands `text` to the caller, who frees it with `free_rust_string`. NULL if the text holds a
/// NUL byte (which no JSON text does), as tasker's `CString::new` failure gave.
pub fn out(text: String) -> *mut c_char {
    match CString::new(text) {
        Ok(c) => {
            LIVE_STRINGS.fetch_add(1, Ordering::Relaxed);
            c.into_raw()
        }
        Err(_) => std::ptr::null_mut(),
    }
}

pub fn out_opt(text: Option<String>) -> *mut c_char {
    text.map_or(std::ptr::null_mut(), out)
}

/// Frees a string from [`out`]; NULL is ignored.
///
/// # Safety
/// `ptr` is NULL or a pointer this library returned and that was not freed yet.
pub unsafe fn free(ptr: *mut c_char) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: per this function's contract, `ptr` came from `CString::into_raw` in `out`.
    drop(unsafe { CString::from_raw(ptr) });
    LIVE_STRINGS.fetch_sub(1, Ordering::Relaxed);
}

pub fn live() -> u64 {
    LIVE_STRINGS.load(Ordering::Relaxed)
}

/// The last line of defence: tasker-wire catches the core's panics itself, so only a bug in
/// this crate's glue could unwind here; it answers `fallback` instead of crossing into C.
pub fn guard<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}
