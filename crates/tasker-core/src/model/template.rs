//! tasker's TaskTemplate: the YAML a template file holds, with tasker's serde rules.
//!
//! Field names, aliases and defaults follow tasker's `TaskTemplate` (c8733f95). As in tasker, no
//! struct denies unknown keys: a key we do not model is ignored (tasker's own fixtures carry
//! `lifecycle:` on steps, `notes:` in metadata and `limit:` in `retry`). A missing required key
//! or a value of the wrong type is an error that names the field.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A task template: named steps forming a DAG, with handlers and retry policies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskTemplate {
    pub name: String,
    pub namespace_name: String,
    /// Must be a YAML string (`1.0.0`); `1.0` is a float and fails, as in tasker.
    pub version: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub metadata: Option<TemplateMetadata>,
    #[serde(default)]
    pub system_dependencies: SystemDependencies,
    #[serde(default)]
    pub domain_events: Vec<DomainEventDefinition>,
    /// Informational: tasker validates no context against it, and neither do we.
    #[serde(default)]
    pub input_schema: Option<Value>,
    #[serde(default)]
    pub steps: Vec<StepDefinition>,
    /// Parsed so a malformed block is reported, but never applied (tasker resolves overrides
    /// only for "production", in a cache the orchestrator does not read).
    #[serde(default)]
    pub environments: BTreeMap<String, Value>,
    /// Used by tasker's staleness tooling only.
    #[serde(default)]
    pub lifecycle: Option<Value>,
}

impl TaskTemplate {
    pub fn step(&self, name: &str) -> Option<&StepDefinition> {
        self.steps.iter().find(|s| s.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateMetadata {
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub documentation_url: Option<String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemDependencies {
    #[serde(default = "default_primary")]
    pub primary: String,
    #[serde(default)]
    pub secondary: Vec<String>,
}

fn default_primary() -> String {
    "default".to_owned()
}

impl Default for SystemDependencies {
    fn default() -> Self {
        SystemDependencies {
            primary: default_primary(),
            secondary: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainEventDefinition {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub schema: Option<Value>,
}

/// One step of a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepDefinition {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub handler: HandlerDefinition,
    #[serde(default, rename = "type", alias = "step_type")]
    pub step_type: StepType,
    #[serde(default)]
    pub system_dependency: Option<String>,
    #[serde(default, alias = "depends_on")]
    pub dependencies: Vec<String>,
    /// Absent: [`RetryConfiguration::default`]; a partial block uses the field defaults.
    #[serde(default)]
    pub retry: RetryConfiguration,
    #[serde(default)]
    pub timeout_seconds: Option<u32>,
    #[serde(default)]
    pub publishes_events: Vec<EventDeclaration>,
    #[serde(default)]
    pub batch_config: Option<BatchConfiguration>,
    #[serde(default)]
    pub result_schema: Option<Value>,
    #[serde(default)]
    pub composition: Option<Value>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepType {
    #[default]
    Standard,
    Decision,
    DeferredConvergence,
    Batchable,
    BatchWorker,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandlerDefinition {
    pub callable: String,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub resolver: Option<String>,
    /// Becomes `workflowStep.inputs` (NULL when empty) and `handlerInitialization`.
    #[serde(default)]
    pub initialization: BTreeMap<String, Value>,
}

impl HandlerDefinition {
    /// The initialization as one JSON object (`{}` when empty), as the surfaces show it.
    pub fn initialization_object(&self) -> Value {
        Value::Object(
            self.initialization
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetryConfiguration {
    #[serde(default = "default_true")]
    pub retryable: bool,
    /// Total executions allowed (3 means at most 3 runs).
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
    #[serde(default)]
    pub backoff: BackoffStrategy,
    #[serde(default)]
    pub backoff_base_ms: Option<u64>,
    #[serde(default)]
    pub max_backoff_ms: Option<u64>,
}

fn default_true() -> bool {
    true
}

fn default_max_attempts() -> u32 {
    3
}

impl Default for RetryConfiguration {
    fn default() -> Self {
        RetryConfiguration {
            retryable: true,
            max_attempts: 3,
            backoff: BackoffStrategy::Exponential,
            backoff_base_ms: Some(1000),
            max_backoff_ms: Some(30_000),
        }
    }
}

/// `none`, `linear`, `exponential`, `fibonacci` (there is no `fixed`, as in tasker).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackoffStrategy {
    None,
    Linear,
    #[default]
    Exponential,
    Fibonacci,
}

impl BackoffStrategy {
    /// The spelling tasker's bridges hand to workers (`format!("{:?}").to_lowercase()`).
    pub fn as_str(self) -> &'static str {
        match self {
            BackoffStrategy::None => "none",
            BackoffStrategy::Linear => "linear",
            BackoffStrategy::Exponential => "exponential",
            BackoffStrategy::Fibonacci => "fibonacci",
        }
    }
}

/// A domain event a step publishes after it completes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDeclaration {
    pub name: String,
    pub description: String,
    #[serde(default)]
    pub condition: PublicationCondition,
    /// JSON Schema of the business payload (the step's `result`).
    pub schema: Value,
    #[serde(default)]
    pub delivery_mode: EventDeliveryMode,
    #[serde(default)]
    pub publisher: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicationCondition {
    #[default]
    Success,
    Failure,
    RetryableFailure,
    PermanentFailure,
    Always,
}

impl PublicationCondition {
    /// tasker asks with the retryability unknown, so the two retry-specific conditions never fire.
    pub fn fires(self, success: bool) -> bool {
        match self {
            PublicationCondition::Success => success,
            PublicationCondition::Failure => !success,
            PublicationCondition::Always => true,
            PublicationCondition::RetryableFailure | PublicationCondition::PermanentFailure => {
                false
            }
        }
    }
}

/// `durable` goes to a message queue only (not to in-process pollers), `fast` to the in-process
/// bus only, `broadcast` to both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventDeliveryMode {
    #[default]
    Durable,
    Fast,
    Broadcast,
}

impl EventDeliveryMode {
    pub fn in_process(self) -> bool {
        matches!(self, EventDeliveryMode::Fast | EventDeliveryMode::Broadcast)
    }
}

/// All five keys are required when the block is present (tasker's builder defaults do not
/// apply to YAML).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchConfiguration {
    pub batch_size: u32,
    pub parallelism: u32,
    pub cursor_field: String,
    pub worker_template: String,
    pub failure_strategy: FailureStrategy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureStrategy {
    ContinueOnFailure,
    FailFast,
    Isolate,
}

impl FailureStrategy {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureStrategy::ContinueOnFailure => "continue_on_failure",
            FailureStrategy::FailFast => "fail_fast",
            FailureStrategy::Isolate => "isolate",
        }
    }
}
