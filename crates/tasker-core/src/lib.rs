//! tasker-core: an embedded, in-process stand-in for tasker's orchestration server and worker,
//! with tasker's template model and orchestration rules (docs/engine.md).
//!
//! Both bridges (`legacy-ffi` through `tasker-wire`, and `napi-ffi`) are thin shells over
//! [`api`], which drives one process-global [`engine::Engine`]. Nothing in this crate knows
//! about C strings or N-API.

pub mod api;
pub mod engine;
pub mod error;
pub mod logging;
pub mod model;
pub mod parse;
pub mod time;

pub use error::{CoreError, ErrorCode, Result};
