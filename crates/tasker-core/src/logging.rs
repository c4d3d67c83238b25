//! Log lines, routed as tasker's addon routed them: nothing before the first bootstrap (tasker
//! had no tracing subscriber yet); after it, records at or above the threshold go to stdout in
//! tracing's full text format:
//!
//! `2026-03-21T14:05:09.123456Z  INFO tasker_ts::ffi_logging: message fields={"k": String("v")}`
//!
//! The threshold: `TASKER_LOG_LEVEL` (our suites set `off`), else the bootstrap `log_level`,
//! else `LOG_LEVEL`, else `RUST_LOG` when it names a plain level, else `info`. As in tasker, the
//! routing stays installed after `stop_worker`.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;

use serde_json::Value;

use crate::error::{CoreError, Result};
use crate::model::LogLevel;

/// The target of the `log_*` calls (tasker's module path).
pub const FFI_TARGET: &str = "tasker_ts::ffi_logging";
/// The target of the engine's own lines.
pub const ENGINE_TARGET: &str = "tasker_core::engine";
/// Our override of every other source of the threshold (`off` silences).
pub const LOG_LEVEL_ENV: &str = "TASKER_LOG_LEVEL";

/// `None`: not routed yet (before the first bootstrap). `Some(None)`: routed, but off.
static THRESHOLD: Mutex<Option<Option<LogLevel>>> = Mutex::new(None);

/// A threshold: a level name, `off`/`none`, or an EnvFilter-like list whose plain entry is a
/// level (`info,sqlx=warn` is `info`). `None` when it names no level.
pub fn parse_threshold(raw: &str) -> Option<Option<LogLevel>> {
    let lower = raw.trim().to_ascii_lowercase();
    if lower == "off" || lower == "none" {
        return Some(None);
    }
    lower
        .split(',')
        .filter(|part| !part.contains('='))
        .find_map(LogLevel::parse)
        .map(Some)
}

/// Installs the routing at bootstrap; `config` is the bootstrap `log_level`.
pub fn configure(config: Option<&str>) -> Result<()> {
    let from_env = |name: &str| std::env::var(name).ok().and_then(|v| parse_threshold(&v));
    let config = match config {
        Some(raw) => Some(parse_threshold(raw).ok_or_else(|| {
            CoreError::InvalidArgument(format!(
                "Invalid log_level \"{}\" (expected error, warn, info, debug, trace or off)",
                crate::parse::quote(raw)
            ))
        })?),
        None => None,
    };
    let threshold = from_env(LOG_LEVEL_ENV)
        .or(config)
        .or_else(|| from_env("LOG_LEVEL"))
        .or_else(|| from_env("RUST_LOG"))
        .unwrap_or(Some(LogLevel::Info));
    *THRESHOLD.lock().unwrap_or_else(|p| p.into_inner()) = Some(threshold);
    Ok(())
}

fn enabled(level: LogLevel) -> bool {
    let threshold = *THRESHOLD.lock().unwrap_or_else(|p| p.into_inner());
    matches!(threshold, Some(Some(t)) if level <= t)
}

/// The line tracing's full format writes for one record.
pub fn format_line(
    at: chrono::DateTime<chrono::Utc>,
    level: LogLevel,
    target: &str,
    message: &str,
    fields: Option<&BTreeMap<String, Value>>,
) -> String {
    let mut line = format!(
        "{} {} {target}: {message}",
        at.format("%Y-%m-%dT%H:%M:%S%.6fZ"),
        level.tracing_name()
    );
    if let Some(fields) = fields {
        // tasker logged the fields map with `?` (Debug); serde_json's Value Debug is the same.
        line.push_str(&format!(" fields={fields:?}"));
    }
    line
}

/// Writes one record if routing is installed and the level passes. Write errors are ignored:
/// a closed stdout must not turn a log call into a failure.
pub fn emit(
    target: &str,
    level: LogLevel,
    message: &str,
    fields: Option<&BTreeMap<String, Value>>,
) {
    if !enabled(level) {
        return;
    }
    let mut line = format_line(chrono::Utc::now(), level, target, message, fields);
    line.push('\n');
    let _ = std::io::stdout().lock().write_all(line.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_read_plain_levels_and_filter_directives() {
        assert_eq!(parse_threshold("DEBUG"), Some(Some(LogLevel::Debug)));
        assert_eq!(
            parse_threshold("info,sqlx=warn"),
            Some(Some(LogLevel::Info))
        );
        assert_eq!(parse_threshold("off"), Some(None));
        assert_eq!(parse_threshold("tasker=debug"), None);
        assert_eq!(parse_threshold("loud"), None);
    }

    #[test]
    fn lines_have_tracing_full_format() {
        let at = chrono::DateTime::from_timestamp(0, 1_000).unwrap();
        let fields = BTreeMap::from([("k".to_owned(), Value::from("v"))]);
        assert_eq!(
            format_line(at, LogLevel::Info, FFI_TARGET, "hi", Some(&fields)),
            r#"1970-01-01T00:00:00.000001Z  INFO tasker_ts::ffi_logging: hi fields={"k": String("v")}"#
        );
    }
}
