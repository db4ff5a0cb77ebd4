//! Legacy Word (.doc) and WPS (.wps) files: converted to .docx by
//! LibreOffice when it is installed, the one converter the import runs.

use std::path::Path;
use std::process::Command;

use super::ImportError;
use crate::diag::Diagnostic;

/// Whether a file is a legacy binary document (an OLE compound file), by
/// its bytes or its name.
pub fn is_legacy(path: &Path, bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
        || path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("doc") || e.eq_ignore_ascii_case("wps"))
            && !bytes.starts_with(b"PK")
}

/// The .docx bytes of a legacy file, converted by `soffice --headless`.
pub fn convert(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let legacy = || ImportError::Legacy.diagnostic(path);
    let out = tempfile::tempdir().map_err(|_| legacy())?;
    let profile = tempfile::tempdir().map_err(|_| legacy())?;
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", "docx", "--outdir"])
        .arg(out.path())
        .arg(path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    match status {
        Ok(s) if s.success() => {}
        _ => return Err(legacy()),
    }
    let stem = path.file_stem().unwrap_or_default();
    let converted = out.path().join(stem).with_extension("docx");
    std::fs::read(&converted).map_err(|_| legacy())
}
