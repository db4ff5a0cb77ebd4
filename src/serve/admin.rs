//! `shenbao serve --data DIR user …`: accounts made and changed from the
//! machine the server runs on. Returns data; the CLI prints it.

use std::path::Path;

use super::auth::hash_password;
use super::storage::{Role, StoreError, User};

pub fn add(
    data: &Path,
    login: &str,
    password: &str,
    role: Role,
    county: Option<&str>,
    company: Option<&str>,
) -> Result<User, String> {
    check_password(password)?;
    if login.trim().is_empty() || login.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("登录名不能为空，也不能含空格".into());
    }
    if role == Role::County && county.is_none() {
        return Err("县区账号要用 --county 给出县区名称，如 --county 涧西区".into());
    }
    if role == Role::Enterprise && (county.is_none() || company.is_none()) {
        return Err("企业账号要用 --county 给出所属县区、用 --company 给出企业全称".into());
    }
    let mut store = super::open_store(data)?;
    if store
        .user_by_login(login)
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Err(format!("登录名“{login}”已经有了"));
    }
    let hash = hash_password(password)?;
    store
        .add_user(login, &hash, role, county, company)
        .map_err(|e| match e {
            StoreError::Db(e) => e.to_string(),
            other => format!("{other:?}"),
        })
}

pub fn list(data: &Path) -> Result<Vec<User>, String> {
    let store = super::open_store(data)?;
    store.users().map_err(|e| e.to_string())
}

pub fn passwd(data: &Path, login: &str, password: &str) -> Result<(), String> {
    check_password(password)?;
    let store = super::open_store(data)?;
    let user = store
        .user_by_login(login)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("没有登录名为“{login}”的账号"))?;
    store
        .set_hash(user.id, &hash_password(password)?)
        .map_err(|e| e.to_string())
}

pub fn disable(data: &Path, login: &str) -> Result<(), String> {
    let store = super::open_store(data)?;
    let user = store
        .user_by_login(login)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("没有登录名为“{login}”的账号"))?;
    store.set_disabled(user.id, true).map_err(|e| e.to_string())
}

/// `backup FILE`: a consistent copy of everything (accounts, every version
/// of every material, the audit log) while the server runs.
pub fn backup(data: &Path, file: &Path) -> Result<(), String> {
    if file.exists() {
        return Err(format!("{} 已经存在，没有覆盖", file.display()));
    }
    let db = data.join("shenbao.db");
    if !db.is_file() {
        return Err(format!("{} 里没有数据库", data.display()));
    }
    let store = super::storage::Store::open(data).map_err(|e| e.to_string())?;
    store.backup_to(file).map_err(|e| format!("备份失败：{e}"))
}

/// `restore FILE`: a backup brought back into an empty data folder.
pub fn restore(data: &Path, file: &Path) -> Result<(), String> {
    if data.join("shenbao.db").exists() {
        return Err(format!(
            "{} 里已经有数据库；恢复只能放进空的数据文件夹",
            data.display()
        ));
    }
    std::fs::create_dir_all(data).map_err(|e| e.to_string())?;
    let source =
        rusqlite::Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| format!("读不了备份 {}：{e}", file.display()))?;
    source
        .backup(
            rusqlite::MAIN_DB,
            data.join("shenbao.db"),
            None::<fn(rusqlite::backup::Progress)>,
        )
        .map_err(|e| format!("恢复失败：{e}"))?;
    // The restored database opens like any other (WAL, the schema checked).
    super::storage::Store::open(data)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn check_password(p: &str) -> Result<(), String> {
    if p.chars().count() < 8 {
        return Err("密码至少 8 位".into());
    }
    Ok(())
}
