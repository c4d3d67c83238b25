//! Structured log records: `{ts, level, worker_id?, message, fields}` as one JSON line on stderr.
//!
//! Nothing is written unless a threshold is set (the bootstrap `log_level`, else the
//! `TASKER_LOG_LEVEL` environment variable): the harness calls the `log_*` functions in tight
//! benchmark loops and must not flood its own output by default.

use std::io::Write;

use serde::Serialize;

use crate::dto::{Json, LogLevel};

/// Environment variable naming the threshold when the bootstrap config gives none.
pub const LOG_LEVEL_ENV: &str = "TASKER_LOG_LEVEL";

/// Fields of a record; always an object on the wire (`{}` when the caller gave none).
pub type Fields = serde_json::Map<String, Json>;

/// One structured log record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogRecord<'a> {
    pub ts: String,
    pub level: LogLevel,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_id: Option<&'a str>,
    pub message: &'a str,
    pub fields: Fields,
}

/// Parses a threshold: a level name (any case), or `off`/`none` for "write nothing".
/// `None` means the text is not a threshold at all.
pub fn parse_threshold(raw: &str) -> Option<Option<LogLevel>> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "error" => Some(Some(LogLevel::Error)),
        "warn" | "warning" => Some(Some(LogLevel::Warn)),
        "info" => Some(Some(LogLevel::Info)),
        "debug" => Some(Some(LogLevel::Debug)),
        "trace" => Some(Some(LogLevel::Trace)),
        "off" | "none" | "" => Some(None),
        _ => None,
    }
}

/// The threshold from `TASKER_LOG_LEVEL`. An unset or unreadable value writes nothing: logging
/// has no caller to report a bad value to, and silence is the safe default.
pub fn env_threshold() -> Option<LogLevel> {
    std::env::var(LOG_LEVEL_ENV)
        .ok()
        .and_then(|raw| parse_threshold(&raw))
        .flatten()
}

/// Whether a record of `level` is written under `threshold` (`Error` is the most severe).
pub fn passes(level: LogLevel, threshold: Option<LogLevel>) -> bool {
    threshold.is_some_and(|threshold| level <= threshold)
}

/// Writes one record as a JSON line to stderr. Write errors are ignored: a closed stderr must
/// not turn a log call into a failure (and `eprintln!` would panic).
pub fn write(record: &LogRecord<'_>) {
    if let Ok(mut line) = serde_json::to_string(record) {
        line.push('\n');
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}

/// Logs without an engine (before bootstrap): real time, threshold from the environment.
pub fn emit(worker_id: Option<&str>, level: LogLevel, message: &str, fields: Option<&Fields>) {
    if !passes(level, env_threshold()) {
        return;
    }
    write(&LogRecord {
        ts: crate::timestamp::format_utc(chrono::Utc::now().naive_utc()),
        level,
        worker_id,
        message,
        fields: fields.cloned().unwrap_or_default(),
    });
}

/// The JSON type name of a value, for error messages.
pub fn json_kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_admits_only_levels_at_least_as_severe() {
        assert!(passes(LogLevel::Error, Some(LogLevel::Warn)));
        assert!(passes(LogLevel::Warn, Some(LogLevel::Warn)));
        assert!(!passes(LogLevel::Info, Some(LogLevel::Warn)));
        assert!(!passes(LogLevel::Error, None));
    }

    #[test]
    fn threshold_names_parse_case_insensitively_and_reject_unknown_names() {
        assert_eq!(parse_threshold("DEBUG"), Some(Some(LogLevel::Debug)));
        assert_eq!(parse_threshold("off"), Some(None));
        assert_eq!(parse_threshold("loud"), None);
    }

    #[test]
    fn record_omits_absent_worker_id_and_always_has_fields() {
        let record = LogRecord {
            ts: "2026-01-01T00:00:00.000Z".to_owned(),
            level: LogLevel::Info,
            worker_id: None,
            message: "hi",
            fields: Fields::new(),
        };
        assert_eq!(
            serde_json::to_string(&record).ok().as_deref(),
            Some(r#"{"ts":"2026-01-01T00:00:00.000Z","level":"info","message":"hi","fields":{}}"#)
        );
    }
}
