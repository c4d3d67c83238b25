//! The domain model, mirroring tasker's types and their JSON.

pub mod config;
pub mod events;
pub mod execution;
pub mod responses;
pub mod task;
pub mod template;

pub use config::*;
pub use events::*;
pub use execution::*;
pub use responses::*;
pub use task::*;
pub use template::*;

/// Levels of the structured `log_*` calls, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn parse(raw: &str) -> Option<LogLevel> {
        Some(match raw.trim().to_ascii_lowercase().as_str() {
            "error" => LogLevel::Error,
            "warn" | "warning" => LogLevel::Warn,
            "info" => LogLevel::Info,
            "debug" => LogLevel::Debug,
            "trace" => LogLevel::Trace,
            _ => return None,
        })
    }

    /// tracing's level name, padded as its text format pads it.
    pub fn tracing_name(self) -> &'static str {
        match self {
            LogLevel::Error => "ERROR",
            LogLevel::Warn => " WARN",
            LogLevel::Info => " INFO",
            LogLevel::Debug => "DEBUG",
            LogLevel::Trace => "TRACE",
        }
    }
}
