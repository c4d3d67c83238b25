//! The worker's bootstrap configuration and the lifecycle outcomes both bridges render.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

/// Bootstrap configuration: our keys. Unknown keys are ignored (tasker ignored the whole
/// config), so tasker's own keys (`namespace`, `config_path`, `database_url`, `worker_id`, …)
/// pass; a key of ours with the wrong type is an error. `null` is the same as absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS), ts(export, optional_fields))]
pub struct BootstrapConfig {
    /// Seed of the id source; with a seed the engine is deterministic (fixed clock).
    #[serde(default)]
    pub seed: Option<u32>,
    /// Start of the fixed clock (RFC 3339), used with `seed`. Default `2026-01-01T00:00:00Z`.
    #[serde(default)]
    pub clock_start: Option<String>,
    /// Milliseconds the fixed clock advances on every read. Default 1000.
    #[serde(default)]
    pub clock_tick_ms: Option<u32>,
    /// A folder of task templates (YAML), besides the shipped ones and `TASKER_TEMPLATE_PATH`.
    #[serde(default)]
    pub template_path: Option<String>,
    /// Namespaces whose steps this worker takes; default all.
    #[serde(default)]
    pub namespaces: Option<Vec<String>>,
    /// Threshold of the log lines (`error`…`trace`, `off`); an EnvFilter-like
    /// `info,sqlx=warn` uses its plain level.
    #[serde(default)]
    pub log_level: Option<String>,
    /// Milliseconds a handed-out event may stay pending before `cleanup_timeouts` fails it
    /// (tasker's completion timeout, 30 000).
    #[serde(default)]
    pub step_timeout_ms: Option<u32>,
    /// Milliseconds after which a pending event counts as starving (tasker: 10 000).
    #[serde(default)]
    pub starvation_threshold_ms: Option<u32>,
}

/// What `bootstrap_worker` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BootstrapOutcome {
    Started { worker_id: String },
    AlreadyRunning { worker_id: String },
}

/// The worker as `get_worker_status` sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkerState {
    Stopped,
    Running(RunningWorker),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunningWorker {
    pub worker_id: String,
    /// Tasker's `WorkerCoreStatus` Debug: `Running`, then `Stopped` after the graceful
    /// transition.
    pub core_status: String,
    /// `TASKER_ENV`, else `development`.
    pub environment: String,
    /// The namespaces of the loaded templates this worker takes, sorted.
    pub supported_namespaces: Vec<String>,
}

/// What `stop_worker` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopOutcome {
    NotRunning,
    Stopped { worker_id: String },
}
