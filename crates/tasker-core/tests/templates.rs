//! Template loading: tasker's YAML format and defaults, unknown keys ignored, and clear errors
//! (naming the file and the field) for malformed files, cycles and duplicates.

mod common;

use common::*;
use tasker_core::engine::registry::{parse_template, TemplateRegistry};
use tasker_core::model::*;
use tasker_core::CoreError;

/// Loads the fixture folder `folder`, which must fail with a message containing every one of
/// `parts`; returns the message.
fn load_err_mentioning(folder: &str, parts: &[&str]) -> String {
    let err = TemplateRegistry::load(None, Some(&fixture_dir(folder)))
        .map(|_| ())
        .unwrap_err()
        .to_string();
    for part in parts {
        assert!(err.contains(part), "{part:?} is not in: {err}");
    }
    err
}

#[test]
fn shipped_templates_load_in_tasker_format() {
    let registry = TemplateRegistry::load(None, None).unwrap();
    let order = registry
        .get("ecommerce", "order_processing", "1.0.0")
        .unwrap();
    let names: Vec<_> = order
        .template
        .steps
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ORDER_STEPS);
    assert_eq!(
        order.template.steps[3].retry.backoff,
        BackoffStrategy::Linear
    );
    let report = registry.get("analytics", "report", "1.0.0").unwrap();
    assert_eq!(
        report.template.steps[3].dependencies,
        ["transform_a", "transform_b"],
        "depends_on alias"
    );
    let import = registry.get("batch", "import", "1.0.0").unwrap();
    let types: Vec<_> = import.template.steps.iter().map(|s| s.step_type).collect();
    assert_eq!(
        types,
        [
            StepType::Batchable,
            StepType::BatchWorker,
            StepType::DeferredConvergence
        ]
    );
    assert_eq!(registry.namespaces(), ["analytics", "batch", "ecommerce"]);
}

#[test]
fn tasker_defaults_apply_to_absent_keys() {
    let t = parse_template("t.yaml", "name: t\nnamespace_name: n\nversion: 1.0.0\nsteps:\n  - name: a\n    handler: { callable: x }\n  - name: b\n    handler: { callable: y }\n    retry: { max_attempts: 5 }\n").unwrap().template;
    let (a, b) = (&t.steps[0], &t.steps[1]);
    assert_eq!(a.step_type, StepType::Standard);
    assert_eq!(a.retry, RetryConfiguration::default());
    assert_eq!(
        (a.retry.backoff_base_ms, a.retry.max_backoff_ms),
        (Some(1000), Some(30_000))
    );
    // A partial block takes the field defaults, which leave the two delays unset (as tasker).
    assert_eq!(
        (
            b.retry.max_attempts,
            b.retry.retryable,
            b.retry.backoff_base_ms
        ),
        (5, true, None)
    );
    assert!(a.handler.initialization.is_empty());
    assert_eq!(t.system_dependencies.primary, "default");
}

#[test]
fn unknown_keys_are_ignored_at_every_level() {
    let registry = TemplateRegistry::load(None, Some(&fixture_dir("lenient"))).unwrap();
    let t = registry.get("fixtures", "lenient", "2.0.0").unwrap();
    assert_eq!(t.template.steps[0].retry.max_attempts, 2);
}

#[test]
fn a_malformed_template_names_the_file_and_the_field() {
    let err = load_err_mentioning(
        "malformed",
        &["broken.yaml", "steps[0]", "missing field `handler`"],
    );
    assert!(err.starts_with("Invalid task template "), "{err}");
}

#[test]
fn a_cycle_is_refused_when_the_template_loads() {
    load_err_mentioning(
        "cyclic",
        &["loop.yaml", "Dependency cycle through step 'x'"],
    );
}

#[test]
fn one_source_defining_a_template_twice_is_an_error() {
    load_err_mentioning("duplicate", &["b.yaml", "already defined by", "a.yaml"]);
}

#[test]
fn tasker_validation_rules_are_reported_together() {
    load_err_mentioning(
        "bad_decision",
        &[
            "Template validation failed: ",
            "Duplicate step name 'dup'",
            "Step 'dup' depends on non-existent step 'missing'",
            "Decision step 'decide' must have at least one dependency",
        ],
    );
}

#[test]
fn wrong_spellings_and_types_fail_as_in_tasker() {
    let base = "name: t\nnamespace_name: n\nversion: 1.0.0\nsteps:\n  - name: a\n    handler: { callable: x }\n";
    let bad_backoff = format!("{base}    retry: {{ backoff: fixed }}\n");
    assert!(parse_template("t.yaml", &bad_backoff).is_err());
    let bad_type = format!("{base}    type: parallel\n");
    assert!(parse_template("t.yaml", &bad_type).is_err());
    let null_init = format!("{base}    handler: {{ callable: x, initialization: null }}\n");
    assert!(parse_template(
        "t.yaml",
        &null_init.replace("    handler: { callable: x }\n", "")
    )
    .is_err());
    assert!(matches!(
        parse_template("t.yaml", "name: t\nnamespace_name: n\nversion: 1.0.0\n"),
        Err(CoreError::InvalidTemplate { .. })
    ));
}

#[test]
fn a_later_source_replaces_a_template() {
    let engine = seeded();
    assert!(engine
        .create_task(fixture("deep", serde_json::json!({})))
        .is_ok());
}
