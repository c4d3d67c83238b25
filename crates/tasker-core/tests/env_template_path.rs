//! `TASKER_TEMPLATE_PATH` adds template folders. Its own test binary: it sets a process
//! environment variable, which must not race with other tests creating engines.

mod common;

use common::*;
use serde_json::json;
use tasker_core::engine::{Engine, TEMPLATE_PATH_ENV};
use tasker_core::model::BootstrapConfig;

#[test]
fn template_path_env_adds_folders_and_a_bad_one_fails_bootstrap() {
    std::env::set_var(TEMPLATE_PATH_ENV, fixture_dir("step_types"));
    let engine = Engine::new(quiet()).expect("bootstrap");
    assert!(engine.create_task(fixture("routing", json!({}))).is_ok());

    std::env::set_var(TEMPLATE_PATH_ENV, fixture_dir("malformed"));
    let err = Engine::new(quiet()).err().unwrap();
    assert!(err.to_string().contains("broken.yaml"));
    std::env::remove_var(TEMPLATE_PATH_ENV);
    assert!(Engine::new(quiet()).is_ok());
}

fn quiet() -> BootstrapConfig {
    BootstrapConfig {
        log_level: Some("off".to_owned()),
        ..BootstrapConfig::default()
    }
}
