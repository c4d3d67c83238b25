//! tasker-core: an embedded, in-process stand-in for the tasker orchestration server.
//!
//! Both bridges (`legacy-ffi`, `napi-ffi`) are thin shells over [`api`], which drives one
//! process-global [`engine::Engine`]. Nothing in this crate knows about C strings or N-API.

pub mod api;
pub mod dto;
pub mod engine;
pub mod error;
pub mod logging;
pub mod timestamp;

pub use error::{CoreError, ErrorCode, Result};
