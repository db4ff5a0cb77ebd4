//! `shenbao import`: reads the Word files, calls the library, writes the
//! folder and prints the report (as text for the writer, or as JSON).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use shenbao::diag::{Diagnostic, Sources};
use shenbao::import::{self, Draft, legacy};

use crate::cli::Format;
use crate::commands::emit;

/// The bytes of a Word file, a legacy .doc/.wps converted first.
fn read(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| shenbao::source::decode::io_error(path, &e))?;
    if legacy::is_legacy(path, &bytes) {
        return legacy::convert(path);
    }
    Ok(bytes)
}

pub fn run(files: &[PathBuf], out: Option<&Path>, format: Format) -> ExitCode {
    let fail = |d: Diagnostic| {
        emit(&Sources::default(), &[d], format);
        ExitCode::from(1)
    };
    let mut all = Vec::new();
    for f in files {
        match read(f) {
            Ok(b) => all.push(b),
            Err(d) => return fail(d),
        }
    }
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let main = Draft {
        name: name(&files[0]),
        bytes: &all[0],
    };
    let forms: Vec<Draft> = files[1..]
        .iter()
        .zip(&all[1..])
        .map(|(p, b)| Draft {
            name: name(p),
            bytes: b,
        })
        .collect();
    let imported = match import::import(&main, &forms, import::Limits::default()) {
        Ok(i) => i,
        Err((k, e)) => return fail(e.diagnostic(&files[k])),
    };
    let dir = match out {
        Some(o) => o.to_path_buf(),
        None => {
            let beside = files[0]
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let stem = match &imported.company {
                Some(c) => shenbao::outputs::write::folder_name(c).0,
                None => files[0]
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "导入的材料".into()),
            };
            beside.join(stem)
        }
    };
    if let Err(d) = import::write_folder(&dir, &imported) {
        return fail(d);
    }
    use std::io::Write;
    let mut stdout = std::io::stdout();
    match format {
        Format::Human => {
            let _ = writeln!(stdout, "已导入到：{}", shenbao::pipeline::display(&dir));
            let _ = write!(stdout, "{}", imported.report.text());
        }
        Format::Json => {
            let mut v = serde_json::to_value(&imported.report).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert("folder".into(), dir.to_string_lossy().into_owned().into());
                // Each note carries its sentence too, so a program need not
                // keep a copy of the wording.
                if let Some(notes) = o.get_mut("notes").and_then(|n| n.as_array_mut()) {
                    for (n, note) in notes.iter_mut().zip(&imported.report.notes) {
                        if let Some(m) = n.as_object_mut() {
                            m.insert("message".into(), note.kind.message().into());
                        }
                    }
                }
            }
            let _ = writeln!(stdout, "{v}");
        }
    }
    ExitCode::SUCCESS
}
