//! `shenbao serve --local FOLDER`: one writer, on their own machine, the
//! material folder edited in place. No accounts: the server listens on the
//! loopback address only and opens the browser with a one-time link that
//! signs it in. Versions and history are kept beside the material, in
//! `FOLDER/.shenbao/`, and every saved version is written back into the
//! folder (each file replaced atomically), so the CLI, a text editor and
//! the browser all see the same files.

use std::path::{Path, PathBuf};

use super::storage::{Role, Store};

/// The local writer's account and the link that signs the browser in.
pub struct Local {
    pub folder: PathBuf,
    pub user: i64,
    pub material: i64,
    /// Exchanged once for a session at `/open?token=…`.
    pub token: String,
}

/// Files of the folder that belong to the material: its text and
/// pictures and attachments, not hidden files, not build output.
pub fn read_folder(folder: &Path, max_file: usize) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if p.is_dir() {
                // `out/` is where `shenbao build` writes by default.
                if name != "out" && p.strip_prefix(folder).map_or(0, |r| r.components().count()) < 5
                {
                    stack.push(p);
                }
                continue;
            }
            let ext = name
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase())
                .unwrap_or_default();
            let kept = matches!(
                ext.as_str(),
                "md" | "yaml"
                    | "yml"
                    | "txt"
                    | "png"
                    | "jpg"
                    | "jpeg"
                    | "gif"
                    | "webp"
                    | "bmp"
                    | "pdf"
            );
            let size = e.metadata().map_or(u64::MAX, |m| m.len());
            if !kept || size > max_file as u64 {
                continue;
            }
            if let (Ok(rel), Ok(bytes)) = (p.strip_prefix(folder), std::fs::read(&p)) {
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, bytes));
            }
        }
    }
    out.sort();
    out
}

/// Opens the folder's store, makes the local writer's account the first
/// time, and takes the folder's files as a new version when they differ
/// from the last one saved (the writer may have edited them elsewhere).
pub fn open(folder: &Path, max_file: usize) -> Result<(Store, Local), String> {
    if !folder.is_dir() {
        return Err(format!("{} 不是文件夹", folder.display()));
    }
    let data = folder.join(".shenbao");
    let mut store = super::open_store(&data)?;
    let user = match store.user_by_login("本机").map_err(|e| e.to_string())? {
        Some(u) => u,
        None => {
            let company = folder
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "本机材料".into());
            // No password signs in: the hash is of a random secret never shown.
            let hash = super::auth::hash_password(&super::auth::token(32))?;
            store
                .add_user(
                    "本机",
                    &hash,
                    Role::Enterprise,
                    Some("本机"),
                    Some(&company),
                )
                .map_err(|e| format!("{e:?}"))?
        }
    };
    let material = user.material.ok_or("本机账号没有材料")?;
    let row = store
        .material(material)
        .map_err(|e| e.to_string())?
        .ok_or("本机材料不见了")?;
    let on_disk = read_folder(folder, max_file);
    let saved: Vec<(String, Vec<u8>)> = store
        .files(material, row.version)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter_map(|f| {
            store
                .file_bytes(material, row.version, &f.path)
                .ok()
                .flatten()
                .map(|b| (f.path, b))
        })
        .collect();
    if on_disk != saved {
        let mut changes: Vec<(String, Option<Vec<u8>>)> = saved
            .iter()
            .filter(|(p, _)| !on_disk.iter().any(|(q, _)| q == p))
            .map(|(p, _)| (p.clone(), None))
            .collect();
        changes.extend(on_disk.into_iter().map(|(p, b)| (p, Some(b))));
        store
            .commit(
                material,
                row.version,
                &changes,
                Some(user.id),
                "从文件夹读入",
            )
            .map_err(|e| format!("{e:?}"))?;
    }
    Ok((
        store,
        Local {
            folder: folder.to_path_buf(),
            user: user.id,
            material,
            token: super::auth::token(32),
        },
    ))
}

/// Writes version `version` back into the folder: changed files replaced
/// atomically, files the version no longer has removed.
pub fn mirror(
    folder: &Path,
    before: &[(String, Vec<u8>)],
    after: &[(String, Vec<u8>)],
) -> std::io::Result<()> {
    for (path, bytes) in after {
        if before.iter().any(|(p, b)| p == path && b == bytes) {
            continue;
        }
        let target = folder.join(path);
        let dir = target.parent().unwrap_or(folder);
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(&target).map_err(|e| e.error)?;
    }
    for (path, _) in before {
        if !after.iter().any(|(p, _)| p == path) {
            let _ = std::fs::remove_file(folder.join(path));
        }
    }
    Ok(())
}

/// Opens the browser at `url` (best effort: the address is printed too).
pub fn open_browser(url: &str) {
    let tries: &[(&str, &[&str])] = if cfg!(target_os = "windows") {
        &[("cmd", &["/C", "start", ""])]
    } else if cfg!(target_os = "macos") {
        &[("open", &[])]
    } else {
        &[("xdg-open", &[])]
    };
    for (cmd, args) in tries {
        let ok = std::process::Command::new(cmd)
            .args(*args)
            .arg(url)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .is_ok();
        if ok {
            return;
        }
    }
}
