//! `TASKER_TEMPLATE_PATH` adds template folders. Its own test binary: it sets a process
//! environment variable, which must not race with other tests reading the environment.

mod common;

use common::*;
use tasker_core::dto::BootstrapConfig;
use tasker_core::engine::{Engine, TEMPLATE_PATH_ENV};

#[test]
fn template_path_env_adds_templates_and_a_bad_folder_fails_bootstrap() {
    let folder = format!(
        "{}/tests/fixtures/templates/extra",
        env!("CARGO_MANIFEST_DIR")
    );
    std::env::set_var(TEMPLATE_PATH_ENV, &folder);
    let engine = Engine::new(BootstrapConfig::default()).expect("bootstrap");
    let mut req = request("shipping", "label");
    req.version = "2.0.0".to_owned();
    assert!(engine.create_task(req).is_ok());

    let broken = format!(
        "{}/tests/fixtures/templates/malformed",
        env!("CARGO_MANIFEST_DIR")
    );
    std::env::set_var(TEMPLATE_PATH_ENV, &broken);
    assert!(Engine::new(BootstrapConfig::default()).is_err());
    std::env::remove_var(TEMPLATE_PATH_ENV);
    assert!(Engine::new(BootstrapConfig::default()).is_ok());
}
