//! The template registry: the shipped templates, then the folders of `TASKER_TEMPLATE_PATH`,
//! then the bootstrap config's `template_path`. A later source replaces a template of the same
//! namespace, name and version; one source defining it twice is an error, and so is a file that
//! does not parse or validate (the error names the file and the field).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{CoreError, Result};
use crate::model::{StepType, TaskTemplate};

/// Environment variable naming extra template folders (a path list, like `PATH`).
pub const TEMPLATE_PATH_ENV: &str = "TASKER_TEMPLATE_PATH";

/// The templates that ship with the core.
const SHIPPED: &[(&str, &str)] = &[
    (
        "templates/ecommerce/order_processing.yaml",
        include_str!("../../templates/ecommerce/order_processing.yaml"),
    ),
    (
        "templates/analytics/report.yaml",
        include_str!("../../templates/analytics/report.yaml"),
    ),
    (
        "templates/batch/import.yaml",
        include_str!("../../templates/batch/import.yaml"),
    ),
];

/// `(namespace, name, version)`.
pub type TemplateKey = (String, String, String);

/// A validated template and where it came from.
#[derive(Debug)]
pub struct LoadedTemplate {
    pub template: TaskTemplate,
    pub origin: String,
}

#[derive(Debug, Default)]
pub struct TemplateRegistry {
    templates: BTreeMap<TemplateKey, Arc<LoadedTemplate>>,
}

impl TemplateRegistry {
    pub fn load(env_paths: Option<&std::ffi::OsStr>, config_path: Option<&str>) -> Result<Self> {
        let mut registry = TemplateRegistry::default();
        let mut shipped = Vec::with_capacity(SHIPPED.len());
        for (origin, text) in SHIPPED {
            shipped.push(parse_template(origin, text)?);
        }
        registry.add_source(shipped)?;
        if let Some(paths) = env_paths {
            for folder in std::env::split_paths(paths) {
                if !folder.as_os_str().is_empty() {
                    registry.add_source(load_path(&folder)?)?;
                }
            }
        }
        if let Some(folder) = config_path {
            registry.add_source(load_path(Path::new(folder))?)?;
        }
        Ok(registry)
    }

    pub fn get(&self, namespace: &str, name: &str, version: &str) -> Option<Arc<LoadedTemplate>> {
        let key = (namespace.to_owned(), name.to_owned(), version.to_owned());
        self.templates.get(&key).cloned()
    }

    /// The namespaces of every loaded template, sorted.
    pub fn namespaces(&self) -> Vec<String> {
        let set: BTreeSet<&str> = self.templates.keys().map(|k| k.0.as_str()).collect();
        set.into_iter().map(str::to_owned).collect()
    }

    fn add_source(&mut self, templates: Vec<LoadedTemplate>) -> Result<()> {
        let mut seen: BTreeMap<TemplateKey, String> = BTreeMap::new();
        for loaded in templates {
            let t = &loaded.template;
            let key = (t.namespace_name.clone(), t.name.clone(), t.version.clone());
            if let Some(first) = seen.insert(key.clone(), loaded.origin.clone()) {
                return Err(CoreError::InvalidTemplate {
                    origin: loaded.origin.clone(),
                    detail: format!(
                        "template {}/{}@{} is already defined by {first}",
                        key.0, key.1, key.2
                    ),
                });
            }
            self.templates.insert(key, Arc::new(loaded));
        }
        Ok(())
    }
}

/// A file, or every `*.yaml` / `*.yml` file under a folder (recursively, in path order).
fn load_path(path: &Path) -> Result<Vec<LoadedTemplate>> {
    let unreadable = |err: std::io::Error| CoreError::InvalidTemplate {
        origin: path.display().to_string(),
        detail: format!("cannot read: {err}"),
    };
    let mut files = Vec::new();
    if std::fs::metadata(path).map_err(unreadable)?.is_file() {
        files.push(path.to_path_buf());
    } else {
        collect_yaml(path, &mut files).map_err(unreadable)?;
    }
    // `read_dir` order is unspecified; sorting makes loading (and any error) reproducible.
    files.sort();
    let mut templates = Vec::with_capacity(files.len());
    for file in files {
        let origin = file.display().to_string();
        let text = std::fs::read_to_string(&file).map_err(|err| CoreError::InvalidTemplate {
            origin: origin.clone(),
            detail: format!("cannot read: {err}"),
        })?;
        templates.push(parse_template(&origin, &text)?);
    }
    Ok(templates)
}

fn collect_yaml(folder: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        // `metadata` follows symlinks, so a linked file or folder counts as one.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            collect_yaml(&path, files)?;
        } else if meta.is_file()
            && path
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        {
            files.push(path);
        }
    }
    Ok(())
}

/// Parses and validates one template file.
pub fn parse_template(origin: &str, text: &str) -> Result<LoadedTemplate> {
    let invalid = |detail: String| CoreError::InvalidTemplate {
        origin: origin.to_owned(),
        detail,
    };
    let template: TaskTemplate =
        serde_norway::from_str(text).map_err(|err| invalid(err.to_string()))?;
    validate(&template).map_err(invalid)?;
    Ok(LoadedTemplate {
        template,
        origin: origin.to_owned(),
    })
}

/// tasker's registration checks (non-empty identity, at least one step, known dependencies, a
/// decision with a parent), plus ours: unique step names and no cycle (tasker found cycles only
/// when it created a task; a template that can never run is better refused when it loads).
fn validate(t: &TaskTemplate) -> std::result::Result<(), String> {
    let mut errors = Vec::new();
    for (field, value) in [
        ("name", &t.name),
        ("namespace_name", &t.namespace_name),
        ("version", &t.version),
    ] {
        if value.trim().is_empty() {
            errors.push(format!("{field} must not be empty"));
        }
    }
    if t.steps.is_empty() {
        errors.push("Template must have at least one step".to_owned());
    }
    let mut names = BTreeSet::new();
    for step in &t.steps {
        if !names.insert(step.name.as_str()) {
            errors.push(format!("Duplicate step name '{}'", step.name));
        }
    }
    for step in &t.steps {
        for dep in &step.dependencies {
            if !names.contains(dep.as_str()) {
                errors.push(format!(
                    "Step '{}' depends on non-existent step '{dep}'",
                    step.name
                ));
            }
        }
        if step.step_type == StepType::Decision && step.dependencies.is_empty() {
            errors.push(format!(
                "Decision step '{}' must have at least one dependency",
                step.name
            ));
        }
    }
    if errors.is_empty() {
        if let Some(name) = first_step_on_cycle(t) {
            errors.push(format!("Dependency cycle through step '{name}'"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("Template validation failed: {}", errors.join("; ")))
    }
}

/// Kahn's algorithm: the first step (in file order) that can never become ready, if any.
fn first_step_on_cycle(t: &TaskTemplate) -> Option<&str> {
    let mut done: BTreeSet<&str> = BTreeSet::new();
    loop {
        let next = t.steps.iter().find(|s| {
            !done.contains(s.name.as_str())
                && s.dependencies.iter().all(|d| done.contains(d.as_str()))
        });
        match next {
            Some(step) => {
                done.insert(step.name.as_str());
            }
            None => break,
        }
    }
    t.steps
        .iter()
        .find(|s| !done.contains(s.name.as_str()))
        .map(|s| s.name.as_str())
}
