//! Reading the bootstrap file: YAML errors name the line, column and path; domain errors name
//! the path of the offending entry.

use std::path::Path;

use accountd_core::Accountd;
use accountd_core::bootstrap::BootstrapFile;

pub fn parse(path: &Path, text: &str) -> Result<BootstrapFile, String> {
    let file = path.display();
    let deserializer = yaml_serde::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let at = err.path().to_string();
        let inner = err.into_inner();
        let line = inner
            .location()
            .map(|l| format!("line {} column {}: ", l.line(), l.column()))
            .unwrap_or_default();
        let path_part = if at == "." {
            String::new()
        } else {
            format!("at {at}: ")
        };
        format!("bootstrap file '{file}': {line}{path_part}{inner}")
    })
}

pub async fn load_and_apply(core: &Accountd, path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("cannot read bootstrap file '{}': {err}", path.display()))?;
    let file = parse(path, &text)?;
    core.apply_bootstrap(&file)
        .await
        .map_err(|err| format!("bootstrap file '{}': {err}", path.display()))?;
    tracing::info!(file = %path.display(), accounts = file.accounts.len(), "applied bootstrap file");
    Ok(())
}
