//! Templates beyond the shipped ones: loading a folder, overriding, and rejecting bad files.

mod common;

use common::*;
use tasker_core::dto::BootstrapConfig;
use tasker_core::engine::Engine;
use tasker_core::CoreError;

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/templates/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn with_templates(name: &str) -> Result<Engine, CoreError> {
    Engine::new(BootstrapConfig {
        seed: Some(1),
        template_path: Some(fixture(name)),
        ..BootstrapConfig::default()
    })
}

fn error_message(name: &str) -> String {
    match with_templates(name) {
        Err(CoreError::InvalidArgument(message)) => message,
        other => panic!(
            "expected InvalidArgument, got {:?}",
            other.map(|_| "an engine")
        ),
    }
}

#[test]
fn template_path_adds_templates_from_a_folder() {
    let engine = with_templates("extra").expect("bootstrap");
    let mut req = request("shipping", "label");
    req.version = "2.0.0".to_owned();
    let task = engine.create_task(req).expect("create");
    assert_eq!(task.total_steps, 2);
    assert_eq!(
        poll(&engine).step_definition.handler_callable,
        "shipping.quote"
    );
    // Shipped templates are still there.
    assert!(engine.create_task(order()).is_ok());
}

#[test]
fn a_folder_template_replaces_a_shipped_one_with_the_same_key() {
    let engine = with_templates("override").expect("bootstrap");
    let task = engine.create_task(order()).expect("create");
    assert_eq!(
        task.steps
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        ["checkout"]
    );
}

#[test]
fn a_malformed_file_fails_bootstrap_naming_the_file() {
    let message = error_message("malformed");
    assert!(message.starts_with("Invalid task template "), "{message}");
    assert!(message.contains("broken.json"), "{message}");
}

#[test]
fn a_cyclic_template_fails_bootstrap() {
    let message = error_message("cyclic");
    assert!(
        message.contains("loop.json") && message.ends_with("dependency cycle through step \"a\""),
        "{message}"
    );
}

#[test]
fn one_folder_may_not_define_a_template_twice() {
    let message = error_message("duplicate");
    assert!(message.contains("is defined twice"), "{message}");
}

#[test]
fn a_missing_folder_fails_bootstrap() {
    let message = error_message("does-not-exist");
    assert!(
        message.starts_with("Cannot read task template folder"),
        "{message}"
    );
}
