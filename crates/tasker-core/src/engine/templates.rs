//! Task templates: JSON data files, validated into a DAG of steps at bootstrap.
//!
//! Sources, in order (a later source replaces a template with the same namespace, name and
//! version from an earlier one, so a folder can override a shipped template): the shipped files
//! below, each folder in `TASKER_TEMPLATE_PATH` (a path list), then the bootstrap
//! `template_path`. A folder contributes its top-level `*.json` files in file-name order.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::dto::{Json, StepDefinition};
use crate::error::{CoreError, Result};

/// Environment variable with extra template folders (separated like `PATH`).
pub const TEMPLATE_PATH_ENV: &str = "TASKER_TEMPLATE_PATH";

/// The templates compiled into the crate, named by their path under `templates/`.
const SHIPPED: &[(&str, &str)] = &[
    (
        "ecommerce/order_processing.json",
        include_str!("../../templates/ecommerce/order_processing.json"),
    ),
    (
        "analytics/report.json",
        include_str!("../../templates/analytics/report.json"),
    ),
    (
        "batch/import.json",
        include_str!("../../templates/batch/import.json"),
    ),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    namespace: String,
    name: String,
    version: String,
    #[serde(default)]
    #[allow(dead_code)] // documentation for people reading the file
    description: Option<String>,
    steps: Vec<StepFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    name: String,
    #[serde(default)]
    description: Option<String>,
    handler_callable: String,
    #[serde(default = "empty_object")]
    handler_initialization: Json,
    #[serde(default)]
    dependencies: Vec<String>,
    #[serde(default = "default_max_attempts")]
    max_attempts: u32,
    #[serde(default = "default_true")]
    retryable: bool,
    #[serde(default = "default_backoff_base_ms")]
    backoff_base_ms: u32,
    #[serde(default)]
    timeout_ms: Option<u32>,
    /// Whether the step may checkpoint-yield (work in slices, handed out again after each).
    #[serde(default)]
    batch: bool,
}

fn empty_object() -> Json {
    Json::Object(serde_json::Map::new())
}
fn default_max_attempts() -> u32 {
    3
}
fn default_true() -> bool {
    true
}
fn default_backoff_base_ms() -> u32 {
    1000
}

/// `(namespace, name, version)`.
pub(crate) type TemplateKey = (String, String, String);

/// A validated template. Steps keep their file order ("template order"), which is also the
/// order in which ready steps of one task are handed out.
#[derive(Debug)]
pub(crate) struct Template {
    pub namespace: String,
    pub name: String,
    pub version: String,
    pub steps: Vec<TemplateStep>,
}

#[derive(Debug)]
pub(crate) struct TemplateStep {
    pub definition: StepDefinition,
    pub batch: bool,
    /// Indices of the direct dependencies, in the order the file lists them.
    pub deps: Vec<usize>,
    /// Indices of the steps that depend directly on this one.
    pub dependents: Vec<usize>,
}

#[derive(Debug, Default)]
pub(crate) struct TemplateRegistry {
    templates: BTreeMap<TemplateKey, Arc<Template>>,
}

impl TemplateRegistry {
    /// Loads the shipped templates, then `env_paths` (the raw `TASKER_TEMPLATE_PATH`), then
    /// `config_path`. Any unreadable folder or invalid file fails the whole bootstrap.
    pub fn load(env_paths: Option<&std::ffi::OsStr>, config_path: Option<&str>) -> Result<Self> {
        let mut registry = TemplateRegistry::default();
        let mut shipped = Vec::with_capacity(SHIPPED.len());
        for (name, text) in SHIPPED {
            shipped.push(parse_template(name, text)?);
        }
        registry.add_source(shipped)?;
        if let Some(paths) = env_paths {
            for folder in std::env::split_paths(paths) {
                if !folder.as_os_str().is_empty() {
                    registry.add_source(load_folder(&folder)?)?;
                }
            }
        }
        if let Some(folder) = config_path {
            registry.add_source(load_folder(Path::new(folder))?)?;
        }
        Ok(registry)
    }

    pub fn get(&self, namespace: &str, name: &str, version: &str) -> Option<Arc<Template>> {
        let key = (namespace.to_owned(), name.to_owned(), version.to_owned());
        self.templates.get(&key).cloned()
    }

    /// Adds one source's templates; a key defined twice within one source is an error.
    fn add_source(&mut self, templates: Vec<(String, Template)>) -> Result<()> {
        let mut seen: BTreeMap<TemplateKey, String> = BTreeMap::new();
        for (origin, template) in templates {
            let key = (
                template.namespace.clone(),
                template.name.clone(),
                template.version.clone(),
            );
            if let Some(first) = seen.insert(key.clone(), origin.clone()) {
                return Err(CoreError::InvalidArgument(format!(
                    "Task template {}/{}@{} is defined twice: {first} and {origin}",
                    key.0, key.1, key.2
                )));
            }
            self.templates.insert(key, Arc::new(template));
        }
        Ok(())
    }
}

fn load_folder(folder: &Path) -> Result<Vec<(String, Template)>> {
    let unreadable = |err: std::io::Error| {
        CoreError::InvalidArgument(format!(
            "Cannot read task template folder {}: {err}",
            folder.display()
        ))
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        let is_json = path.extension().is_some_and(|ext| ext == "json");
        // `metadata` follows symlinks, so a linked file counts as a file.
        if is_json && std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            files.push(path);
        }
    }
    // `read_dir` order is unspecified; sort so loading (and any error) is reproducible.
    files.sort();
    let mut templates = Vec::with_capacity(files.len());
    for path in files {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|err| {
            CoreError::InvalidArgument(format!("Cannot read task template {origin}: {err}"))
        })?;
        templates.push(parse_template(&origin, &text)?);
    }
    Ok(templates)
}

/// Parses and validates one template file; errors name the file.
fn parse_template(origin: &str, text: &str) -> Result<(String, Template)> {
    let invalid = |detail: String| {
        CoreError::InvalidArgument(format!("Invalid task template {origin}: {detail}"))
    };
    let file: TemplateFile = serde_json::from_str(text).map_err(|err| invalid(err.to_string()))?;
    let template = build(file).map_err(invalid)?;
    Ok((origin.to_owned(), template))
}

/// Checks the fields and the DAG (unknown or repeated dependency, duplicate step, cycle).
fn build(file: TemplateFile) -> std::result::Result<Template, String> {
    for (field, value) in [
        ("namespace", &file.namespace),
        ("name", &file.name),
        ("version", &file.version),
    ] {
        if value.trim().is_empty() {
            return Err(format!("{field} must not be empty"));
        }
    }
    if file.steps.is_empty() {
        return Err("a template needs at least one step".to_owned());
    }
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, step) in file.steps.iter().enumerate() {
        if step.name.trim().is_empty() {
            return Err(format!("step {} has an empty name", i + 1));
        }
        if index.insert(step.name.as_str(), i).is_some() {
            return Err(format!("duplicate step name \"{}\"", step.name));
        }
        if step.handler_callable.trim().is_empty() {
            return Err(format!(
                "step \"{}\" has an empty handler_callable",
                step.name
            ));
        }
        if step.max_attempts == 0 {
            return Err(format!(
                "step \"{}\": max_attempts must be at least 1",
                step.name
            ));
        }
    }
    let mut deps = Vec::with_capacity(file.steps.len());
    for step in &file.steps {
        let mut own = Vec::with_capacity(step.dependencies.len());
        let mut seen = BTreeSet::new();
        for dep in &step.dependencies {
            let Some(&at) = index.get(dep.as_str()) else {
                return Err(format!(
                    "step \"{}\" depends on unknown step \"{dep}\"",
                    step.name
                ));
            };
            if !seen.insert(at) {
                return Err(format!(
                    "step \"{}\" lists dependency \"{dep}\" twice",
                    step.name
                ));
            }
            own.push(at);
        }
        deps.push(own);
    }
    if let Some(at) = first_step_on_cycle(&deps) {
        let name = file.steps.get(at).map_or("?", |s| s.name.as_str());
        return Err(format!("dependency cycle through step \"{name}\""));
    }
    let mut dependents = vec![Vec::new(); file.steps.len()];
    for (i, own) in deps.iter().enumerate() {
        for &dep in own {
            if let Some(list) = dependents.get_mut(dep) {
                list.push(i);
            }
        }
    }
    let steps = file
        .steps
        .into_iter()
        .zip(deps)
        .zip(dependents)
        .map(|((step, deps), dependents)| TemplateStep {
            definition: StepDefinition {
                name: step.name,
                description: step.description,
                handler_callable: step.handler_callable,
                handler_initialization: step.handler_initialization,
                dependencies: step.dependencies,
                max_attempts: step.max_attempts,
                retryable: step.retryable,
                backoff_base_ms: step.backoff_base_ms,
                timeout_ms: step.timeout_ms,
            },
            batch: step.batch,
            deps,
            dependents,
        })
        .collect();
    Ok(Template {
        namespace: file.namespace,
        name: file.name,
        version: file.version,
        steps,
    })
}

/// Kahn's algorithm: the first step (in file order) that can never become ready, if any.
fn first_step_on_cycle(deps: &[Vec<usize>]) -> Option<usize> {
    let mut remaining: Vec<usize> = deps.iter().map(Vec::len).collect();
    let mut done = vec![false; deps.len()];
    loop {
        let next = (0..deps.len()).find(|&i| !done[i] && remaining[i] == 0);
        let Some(i) = next else { break };
        done[i] = true;
        for (j, own) in deps.iter().enumerate() {
            if own.contains(&i) {
                remaining[j] = remaining[j].saturating_sub(1);
            }
        }
    }
    done.iter().position(|d| !d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> std::result::Result<Template, String> {
        parse_template("t.json", text)
            .map(|(_, t)| t)
            .map_err(|e| e.to_string())
    }

    fn template_with(steps: &str) -> String {
        format!(r#"{{"namespace":"n","name":"t","version":"1","steps":{steps}}}"#)
    }

    #[test]
    fn shipped_templates_are_valid() {
        let registry = TemplateRegistry::load(None, None).expect("shipped templates load");
        let order = registry
            .get("ecommerce", "order_processing", "1.0.0")
            .expect("order");
        let names: Vec<_> = order
            .steps
            .iter()
            .map(|s| s.definition.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "validate_cart",
                "process_payment",
                "update_inventory",
                "send_confirmation"
            ]
        );
        let report = registry
            .get("analytics", "report", "1.0.0")
            .expect("report");
        assert_eq!(report.steps[3].deps, [1, 2]);
        assert_eq!(report.steps[0].dependents, [1, 2]);
        let import = registry.get("batch", "import", "1.0.0").expect("import");
        assert!(import.steps.iter().any(|s| s.batch));
    }

    #[test]
    fn unknown_dependency_is_rejected() {
        let err = parse(&template_with(
            r#"[{"name":"a","handler_callable":"x.a","dependencies":["zz"]}]"#,
        ))
        .err();
        assert_eq!(
            err.as_deref(),
            Some("Invalid argument: Invalid task template t.json: step \"a\" depends on unknown step \"zz\"")
        );
    }

    #[test]
    fn cycle_is_rejected() {
        let err = parse(&template_with(
            r#"[{"name":"a","handler_callable":"x.a","dependencies":["b"]},
                {"name":"b","handler_callable":"x.b","dependencies":["a"]},
                {"name":"c","handler_callable":"x.c"}]"#,
        ))
        .err();
        assert!(err.is_some_and(|e| e.ends_with("dependency cycle through step \"a\"")));
    }

    #[test]
    fn self_dependency_is_a_cycle() {
        let err = parse(&template_with(
            r#"[{"name":"a","handler_callable":"x.a","dependencies":["a"]}]"#,
        ))
        .err();
        assert!(err.is_some_and(|e| e.contains("cycle")));
    }

    #[test]
    fn duplicate_step_name_is_rejected() {
        let err = parse(&template_with(
            r#"[{"name":"a","handler_callable":"x.a"},{"name":"a","handler_callable":"x.b"}]"#,
        ))
        .err();
        assert!(err.is_some_and(|e| e.ends_with("duplicate step name \"a\"")));
    }

    #[test]
    fn defaults_fill_omitted_step_fields() {
        let template =
            parse(&template_with(r#"[{"name":"a","handler_callable":"x.a"}]"#)).expect("valid");
        let def = &template.steps[0].definition;
        assert_eq!(
            (
                def.max_attempts,
                def.retryable,
                def.backoff_base_ms,
                def.timeout_ms
            ),
            (3, true, 1000, None)
        );
        assert_eq!(def.handler_initialization, serde_json::json!({}));
    }

    #[test]
    fn unknown_fields_and_empty_steps_are_rejected() {
        assert!(parse(&template_with(
            r#"[{"name":"a","handler_callable":"x","retries":2}]"#
        ))
        .is_err());
        assert!(parse(&template_with("[]")).is_err());
        assert!(parse(&template_with(
            r#"[{"name":"a","handler_callable":"x","max_attempts":0}]"#
        ))
        .is_err());
    }
}
