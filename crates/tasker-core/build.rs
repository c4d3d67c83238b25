// Records the whole `rustc --version` line for `get_rust_version()`, as tasker's build.rs did
// (so the text reads `(rustc rustc 1.x …)`).
fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=TASKER_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-changed=build.rs");
}
