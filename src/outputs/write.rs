//! Writing results: one folder per enterprise named after it (E1), files
//! replaced atomically, nothing written unless every file is ready.

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};

/// A folder name from the enterprise's name: characters Windows forbids in
/// names become `_`, as do trailing dots and spaces; reserved device names get
/// a `_` suffix. Returns the name and whether it changed.
pub fn folder_name(company: &str) -> (String, bool) {
    let trimmed = company.trim();
    let mut name: String = trimmed
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    while name.ends_with(['.', ' ']) {
        name.pop();
        name.push('_');
        if name.chars().all(|c| c == '_') {
            break;
        }
    }
    let upper = name.to_ascii_uppercase();
    let stem = upper.split('.').next().unwrap_or("");
    let reserved = matches!(stem, "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit());
    if reserved {
        name.push('_');
    }
    if name.is_empty() || name == "." || name == ".." {
        name = "未命名企业".into();
    }
    let changed = name != trimmed;
    (name, changed)
}

/// Writes `files` into `dir` so that a reader sees either the old or the new
/// version of each, never a half-written one: every file is first written
/// in full to a temporary file in the same folder, and only when all are
/// ready are they renamed into place. `inputs` are never overwritten.
pub fn write_all(
    dir: &Path,
    files: &[(&str, &[u8])],
    inputs: &[PathBuf],
    durable: bool,
) -> Result<Vec<PathBuf>, Diagnostic> {
    let fail = |what: String, e: &std::io::Error| {
        use std::io::ErrorKind;
        // The causes a writer can act on, said in Chinese (the system's
        // own words kept after them).
        let (why, help) = match e.kind() {
            ErrorKind::InvalidFilename => (
                "名字太长（文件夹名最多 255 字节，约 85 个汉字）",
                "文件夹以企业名称命名（E1）：企业名称应是公章上的全称",
            ),
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
                ("磁盘已满", "腾出磁盘空间，或用 -o 指定其他磁盘上的文件夹")
            }
            ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
                ("没有写入权限", "用 -o 指定一个可以写入的文件夹")
            }
            _ => (
                "",
                "检查输出文件夹是否可写、磁盘是否已满，或用 -o 指定其他文件夹",
            ),
        };
        let message = if why.is_empty() {
            format!("{what}：{e}")
        } else {
            format!("{what}：{why}（{e}）")
        };
        Diagnostic::error(Code::Output, message)
            .in_file(dir)
            .help(help)
    };
    if dir.exists() && !dir.is_dir() {
        return Err(
            Diagnostic::error(Code::Output, "输出位置已有一个同名文件，不是文件夹")
                .in_file(dir)
                .help("删除或改名这个文件，或用 -o 指定其他输出文件夹"),
        );
    }
    // A run that fails here leaves no empty folders behind either.
    let first_missing = dir
        .ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
        .last()
        .map(Path::to_path_buf);
    if let Err(e) = std::fs::create_dir_all(dir) {
        if let Some(top) = first_missing {
            for made in dir.ancestors().take_while(|a| a.starts_with(&top)) {
                let _ = std::fs::remove_dir(made);
            }
        }
        return Err(fail("无法创建输出文件夹".into(), &e));
    }
    let canon_dir = dir
        .canonicalize()
        .map_err(|e| fail("无法访问输出文件夹".into(), &e))?;
    for (name, _) in files {
        let target = canon_dir.join(name);
        if inputs
            .iter()
            .any(|i| i.canonicalize().is_ok_and(|i| i == target))
        {
            return Err(
                Diagnostic::error(Code::Output, format!("输出文件 {name} 会覆盖输入文件"))
                    .in_file(&target)
                    .help("用 -o 指定另一个输出文件夹"),
            );
        }
    }
    remove_stale_temps(&canon_dir);
    let mut staged = Vec::new();
    for (name, bytes) in files {
        // A file in a sub-folder (印刷/书脊.pdf): its temporary file there,
        // so that the rename stays within one folder.
        let target_dir = match Path::new(name)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            Some(sub) => {
                let d = canon_dir.join(sub);
                std::fs::create_dir_all(&d).map_err(|e| fail("无法创建输出文件夹".into(), &e))?;
                d
            }
            None => canon_dir.clone(),
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".shenbao-")
            .suffix(".tmp")
            .tempfile_in(&target_dir)
            .map_err(|e| fail("无法写入输出文件夹".into(), &e))?;
        std::io::Write::write_all(&mut tmp, bytes)
            .map_err(|e| fail(format!("写入 {name} 失败"), &e))?;
        // Temporary files are private (0600); a PDF is an ordinary file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = tmp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644));
        }
        // Flushed to disk before the rename, so even a power cut leaves the
        // old file or the new one. `watch` skips it: it rewrites in seconds.
        if durable {
            tmp.as_file()
                .sync_all()
                .map_err(|e| fail(format!("写入 {name} 失败"), &e))?;
        }
        staged.push((tmp, canon_dir.join(name)));
    }
    let mut written = Vec::new();
    for (tmp, target) in staged {
        tmp.persist(&target)
            .map_err(|e| fail(format!("无法替换 {}", target.display()), &e.error))?;
        written.push(target);
    }
    Ok(written)
}

/// Temporary files of a build that was killed midway (its previous PDFs are
/// intact, being replaced only by rename). Young ones may belong to a build
/// running right now and are left alone.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 600);
        if name.starts_with(".shenbao-") && name.ends_with(".tmp") && old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            folder_name("洛阳示例轴承股份有限公司"),
            ("洛阳示例轴承股份有限公司".into(), false)
        );
        assert_eq!(folder_name("A/B:C*?"), ("A_B_C__".into(), true));
        assert_eq!(folder_name("CON"), ("CON_".into(), true));
        assert_eq!(folder_name("公司."), ("公司_".into(), true));
    }
}
