//! `src/generated/legacy/` (committed) holds the TypeScript that ts-rs derives from the legacy
//! JSON types: the core's model types and tasker-wire's DTOs, one file per type.
//!
//! `.cargo/config.toml` points ts-rs at that folder and makes imports end in `.js` (NodeNext
//! ESM). The `#[ts(export)]` tests ts-rs generates (in tasker-core and tasker-wire with their `ts`
//! feature, which this crate's tests enable) write the files; the test below rewrites
//! the whole folder itself, so one `cargo test -p legacy-ffi` (or `--workspace`) regenerates it
//! whatever order the test binaries run in, and fails if anything was stale. CI runs
//! `cargo test --workspace` and then `git diff --exit-code src/generated/legacy`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use tasker_core::model::*;
use tasker_core::ErrorCode;
use tasker_wire::dto::*;
use ts_rs::TS;

fn generated_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../src/generated/legacy")
}

/// `(file name, what ts-rs generates for it)` for every exported type.
fn expected_files() -> Vec<(String, String)> {
    fn file<T: TS + ?Sized + 'static>() -> (String, String) {
        let path = T::output_path().expect("an exported type");
        let text = T::export_to_string().expect("ts-rs renders the type");
        (path.to_string_lossy().into_owned(), text)
    }
    vec![
        // Core types, as the legacy JSON carries them.
        file::<TaskRequest>(),
        file::<ListTasksParams>(),
        file::<BootstrapConfig>(),
        file::<StepExecutionResult>(),
        file::<StepExecutionMetadata>(),
        file::<StepExecutionError>(),
        file::<OrchestrationMetadata>(),
        file::<CheckpointYieldData>(),
        file::<TaskResponse>(),
        file::<StepReadinessStatus>(),
        file::<TaskListResponse>(),
        file::<PaginationInfo>(),
        file::<StepResponse>(),
        file::<StepAuditResponse>(),
        file::<CancelResponse>(),
        file::<HealthResponse>(),
        file::<ErrorCode>(),
        // The wire-only DTOs of tasker-wire.
        file::<StepEventDto>(),
        file::<TaskDto>(),
        file::<WorkflowStepDto>(),
        file::<StepDefinitionDto>(),
        file::<HandlerDefinitionDto>(),
        file::<RetryConfigurationDto>(),
        file::<DependencyResultDto>(),
        file::<StepExecutionErrorDto>(),
        file::<DomainEventDto>(),
        file::<DomainEventMetadataDto>(),
        file::<DispatchMetricsDto>(),
        file::<BootstrapResultDto>(),
        file::<WorkerStatusDto>(),
        file::<StopResultDto>(),
        file::<TransitionResultDto>(),
        file::<ErrorObjectDto>(),
        file::<ClientEnvelopeDto>(),
        file::<LastErrorDto>(),
    ]
}

/// Brings `src/generated/legacy/` up to date and fails if that changed anything, in the manner
/// of rust-analyzer's `ensure_file_contents`: a stale folder fails the run once (and in CI,
/// where `git diff --exit-code` fails too), and the next run passes with the fresh files.
#[test]
fn generated_typescript_is_fresh() {
    assert_eq!(
        std::env::var("TS_RS_IMPORT_EXTENSION").as_deref(),
        Ok("js"),
        "run through cargo so .cargo/config.toml sets TS_RS_IMPORT_EXTENSION"
    );
    let dir = generated_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let mut changed = Vec::new();

    let expected = expected_files();
    for (name, text) in &expected {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_ref() != Some(text) {
            std::fs::write(&path, text).unwrap();
            changed.push(format!("updated {name}"));
        }
    }
    let names: BTreeSet<&str> = expected.iter().map(|(name, _)| name.as_str()).collect();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !names.contains(name.as_str()) {
            std::fs::remove_file(dir.join(&name)).unwrap();
            changed.push(format!("removed {name} (no exported type; if it is a new one, list it in legacy-ffi/tests/generated_types.rs)"));
        }
    }
    assert!(
        changed.is_empty(),
        "src/generated/legacy was stale and has been regenerated; commit it and re-run:\n  {}",
        changed.join("\n  ")
    );
}

#[test]
fn wide_integers_are_numbers_not_bigints() {
    for (name, text) in expected_files() {
        assert!(
            !text.contains("bigint"),
            "{name} declares a bigint, but the legacy JSON carries plain numbers:\n{text}"
        );
    }
}

#[test]
fn imports_between_generated_files_end_in_js() {
    for (name, text) in expected_files() {
        for line in text.lines().filter(|line| line.starts_with("import ")) {
            assert!(line.ends_with(".js\";"), "{name}: {line}");
        }
    }
}
