//! The county's and the city's routes (W1–W3): enterprise accounts made by
//! the county, submission (frozen, only without errors), return with a
//! reason, recommendation with the 推荐意见 printed in the 申报表, the audit
//! log, and the electronic submission with its 汇总表.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::api::{
    ApiError, CurrentUser, db, file_response, loader, material_for, opinion_of, zip_folder,
};
use super::auth;
use super::storage::{MaterialRow, Role, User};
use crate::batch::{self, Outcome};
use crate::diag::Sources;
use crate::pipeline;

type St = State<Arc<AppState>>;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/materials", post(create))
        .route("/api/materials/{id}/submit", post(submit))
        .route("/api/materials/{id}/return", post(return_))
        .route("/api/materials/{id}/recommend", post(recommend))
        .route("/api/audit", get(audit))
        .route("/api/export.zip", get(export))
        .route("/api/summary.xlsx", get(summary_xlsx))
        .route("/api/summary.pdf", get(summary_pdf))
        .route("/api/password", post(password))
        .route("/api/enterprises.csv", post(import_list))
        .route("/api/overview", get(overview))
}

fn office(user: &User) -> Result<(), ApiError> {
    match user.role {
        Role::County | Role::City => Ok(()),
        Role::Enterprise => Err(ApiError::forbidden("只有县区和市里的账号能做这件事")),
    }
}

fn county_only(user: &User) -> Result<(), ApiError> {
    match user.role {
        Role::County => Ok(()),
        _ => Err(ApiError::forbidden("只有县区的账号能做这件事")),
    }
}

#[derive(Deserialize)]
struct NewEnterprise {
    company: String,
    login: String,
}

/// The county makes an enterprise's account and its (empty) material; the
/// one-time password is shown once and must be changed at first login.
async fn create(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Json(body): Json<NewEnterprise>,
) -> Result<Json<Value>, ApiError> {
    county_only(&user)?;
    let company = body.company.trim().to_string();
    let login = body.login.trim().to_string();
    if company.is_empty() || login.is_empty() || login.chars().any(char::is_whitespace) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "IN-VALUE",
            "企业名称和登录名都要填写，登录名不能含空格",
        ));
    }
    let made = make_enterprise(&state, user.county.clone(), company, login.clone()).await?;
    let (id, password) = made.ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "EXISTS",
            format!("登录名“{login}”已经有了"),
        )
    })?;
    Ok(Json(
        json!({ "id": id, "login": login, "password": password }),
    ))
}

/// One enterprise account: made in its own transaction, with its one-time
/// password (shown once). `None` when the login is taken.
async fn make_enterprise(
    state: &Arc<AppState>,
    county: Option<String>,
    company: String,
    login: String,
) -> Result<Option<(Option<i64>, String)>, ApiError> {
    let password = auth::token(6);
    let hash = auth::hash_password(&password).map_err(|_| ApiError::internal())?;
    let made = db(state, move |s| {
        if s.user_by_login(&login)?.is_some() {
            return Ok(None);
        }
        let u = s
            .add_user(
                &login,
                &hash,
                Role::Enterprise,
                county.as_deref(),
                Some(&company),
            )
            .map_err(|e| match e {
                super::storage::StoreError::Db(e) => e,
                _ => rusqlite::Error::QueryReturnedNoRows,
            })?;
        s.set_must_change(u.id, true)?;
        Ok::<_, rusqlite::Error>(Some(u.material))
    })
    .await?
    .map_err(|_| ApiError::internal())?;
    Ok(made.map(|m| (m, password)))
}

/// A list of enterprises (CSV as Excel or WPS saves it: UTF-8 with or
/// without BOM, or GBK; columns 企业名称, 联系人, 电话; a header row is
/// recognised) becomes accounts, each with a one-time password. Logins are
/// made from the county's account (`jianxi-001`, …).
async fn import_list(
    State(state): St,
    CurrentUser(user): CurrentUser,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    county_only(&user)?;
    let text = decode_csv(&body).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "IN-ENCODING",
            "读不懂这个文件：请在 Excel 或 WPS 里另存为 CSV（逗号分隔）",
        )
    })?;
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let cells: Vec<String> = line
            .split([',', '，', '\t'])
            .map(|c| c.trim().trim_matches('"').trim().to_string())
            .collect();
        let company = cells.first().cloned().unwrap_or_default();
        if company.is_empty() || (n == 0 && company.contains("企业名称")) {
            continue;
        }
        rows.push((
            n + 1,
            company,
            cells.get(1).cloned().unwrap_or_default(),
            cells.get(2).cloned().unwrap_or_default(),
        ));
    }
    if rows.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "IN-EMPTY",
            "文件里没有企业",
        )
        .help("每行一个企业：企业名称,联系人,电话"));
    }
    let existing = {
        let u = user.clone();
        db(&state, move |s| s.visible(&u))
            .await?
            .map_err(|_| ApiError::internal())?
    };
    let mut out = Vec::new();
    let mut k = existing.len();
    for (line, company, contact, phone) in rows {
        if existing.iter().any(|m| m.company == company) {
            out.push(json!({ "line": line, "company": company, "skipped": "已有这个企业" }));
            continue;
        }
        // The next free login of the county's series.
        let made = loop {
            k += 1;
            let login = format!("{}-{k:03}", user.login);
            if let Some((id, password)) =
                make_enterprise(&state, user.county.clone(), company.clone(), login.clone()).await?
            {
                break json!({ "line": line, "company": company, "contact": contact, "phone": phone, "id": id, "login": login, "password": password });
            }
        };
        out.push(made);
    }
    Ok(Json(json!(out)))
}

/// CSV bytes as text: UTF-8 (BOM or not), else GBK (Excel's default on a
/// Chinese Windows).
fn decode_csv(bytes: &[u8]) -> Option<String> {
    let b = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(b) {
        return Some(s.to_string());
    }
    let (s, _, bad) = encoding_rs::GBK.decode(b);
    (!bad).then(|| s.into_owned())
}

/// Counts by status and county, for the offices' first page.
async fn overview(
    State(state): St,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Value>, ApiError> {
    office(&user)?;
    let u = user.clone();
    let rows = db(&state, move |s| s.visible(&u))
        .await?
        .map_err(|_| ApiError::internal())?;
    let mut by: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for m in &rows {
        *by.entry(m.county.clone().unwrap_or_default())
            .or_default()
            .entry(m.status.clone())
            .or_default() += 1;
    }
    let counties: Vec<Value> = by
        .iter()
        .map(|(c, s)| json!({ "county": c, "statuses": s, "total": s.values().sum::<usize>() }))
        .collect();
    Ok(Json(json!({ "total": rows.len(), "counties": counties })))
}

#[derive(Deserialize)]
struct NewPassword {
    old: String,
    new: String,
}

async fn password(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Json(body): Json<NewPassword>,
) -> Result<StatusCode, ApiError> {
    if !auth::verify_password(&body.old, &user.hash) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "AUTH",
            "原密码不对",
        ));
    }
    if body.new.chars().count() < 8 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "IN-VALUE",
            "新密码至少 8 位",
        ));
    }
    let hash = auth::hash_password(&body.new).map_err(|_| ApiError::internal())?;
    let id = user.id;
    db(&state, move |s| {
        s.set_hash(id, &hash)?;
        s.set_must_change(id, false)
    })
    .await?
    .map_err(|_| ApiError::internal())?;
    Ok(StatusCode::NO_CONTENT)
}

/// The writer submits the current version: only without errors; it is
/// then frozen.
async fn submit(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let m = material_for(&state, &user, id).await?;
    if user.role != Role::Enterprise {
        return Err(ApiError::forbidden("材料由企业自己提交"));
    }
    let checked = state
        .builds
        .get(id, m.version, false, None, loader(&state, id, m.version))
        .await;
    if checked.checked.counts.errors > 0 || m.version == 0 {
        let errors: Vec<&Value> = checked
            .checked
            .diagnostics
            .iter()
            .filter(|d| d["severity"] == "error")
            .collect();
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "HAS-ERRORS",
            "材料还有错误，不能提交",
        )
        .help("按检查结果改正后再提交")
        .extra(json!({ "diagnostics": errors })));
    }
    // After the profile's deadline a submission is still taken, and marked.
    let today = iso_today(super::storage::unix_now());
    let late = checked
        .checked
        .deadline
        .as_ref()
        .filter(|d| today.as_str() > d.as_str())
        .map(|d| format!("逾期提交（截止日期 {d}）"));
    let uid = user.id;
    let row = db(&state, move |s| {
        s.transition(id, uid, &["草稿", "退回"], "已提交", late.as_deref(), None)
    })
    .await??;
    Ok(Json(entry(&row)))
}

#[derive(Deserialize)]
struct Reason {
    reason: String,
}

async fn return_(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Json(body): Json<Reason>,
) -> Result<Json<Value>, ApiError> {
    county_only(&user)?;
    material_for(&state, &user, id).await?;
    let reason = body.reason.trim().to_string();
    if reason.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "IN-VALUE",
            "退回要写明原因，企业会看到",
        ));
    }
    let uid = user.id;
    let row = db(&state, move |s| {
        s.transition(id, uid, &["已提交"], "退回", Some(&reason), None)
    })
    .await??;
    Ok(Json(entry(&row)))
}

#[derive(Deserialize)]
struct Recommendation {
    text: String,
}

/// The county recommends: its 推荐意见, with its name and today's date,
/// prints in the 申报表's county box.
async fn recommend(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Json(body): Json<Recommendation>,
) -> Result<Json<Value>, ApiError> {
    county_only(&user)?;
    material_for(&state, &user, id).await?;
    let text = body.text.trim().to_string();
    if text.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "IN-VALUE",
            "请写推荐意见",
        ));
    }
    let date = chinese_date(super::storage::unix_now());
    let uid = user.id;
    let row = db(&state, move |s| {
        s.transition(id, uid, &["已提交"], "已推荐", None, Some((&text, &date)))
    })
    .await??;
    Ok(Json(entry(&row)))
}

/// `2023-03-25` for Unix seconds (UTC+8), to compare with a deadline.
fn iso_today(secs: i64) -> String {
    let t = ::time::OffsetDateTime::from_unix_timestamp(secs + 8 * 3600)
        .unwrap_or(::time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// `2023年3月25日` for Unix seconds (UTC+8, the offices' time).
fn chinese_date(secs: i64) -> String {
    let t = ::time::OffsetDateTime::from_unix_timestamp(secs + 8 * 3600)
        .unwrap_or(::time::OffsetDateTime::UNIX_EPOCH);
    format!("{}年{}月{}日", t.year(), u8::from(t.month()), t.day())
}

fn entry(m: &MaterialRow) -> Value {
    json!({
        "id": m.id, "company": m.company, "county": m.county, "status": m.status,
        "version": m.version, "submitted": m.submitted, "reason": m.reason, "opinion": m.opinion,
        "late": m.late,
    })
}

#[derive(Deserialize)]
struct AuditQuery {
    material: Option<i64>,
}

async fn audit(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    office(&user)?;
    let ids: Vec<i64> = match q.material {
        Some(id) => vec![material_for(&state, &user, id).await?.id],
        None => {
            let u = user.clone();
            db(&state, move |s| s.visible(&u))
                .await?
                .map_err(|_| ApiError::internal())?
                .iter()
                .map(|m| m.id)
                .collect()
        }
    };
    let rows = db(&state, move |s| s.audit(&ids))
        .await?
        .map_err(|_| ApiError::internal())?;
    Ok(Json(json!(rows)))
}

/// The recommended materials a user may see, by county.
async fn recommended(
    state: &Arc<AppState>,
    user: &User,
) -> Result<BTreeMap<String, Vec<MaterialRow>>, ApiError> {
    let u = user.clone();
    let rows = db(state, move |s| s.visible(&u))
        .await?
        .map_err(|_| ApiError::internal())?;
    let mut by_county: BTreeMap<String, Vec<MaterialRow>> = BTreeMap::new();
    for m in rows.into_iter().filter(|m| m.status == "已推荐") {
        by_county
            .entry(m.county.clone().unwrap_or_default())
            .or_default()
            .push(m);
    }
    if by_county.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "A4-SUMMARY",
            "还没有已推荐的材料",
        ));
    }
    Ok(by_county)
}

/// 汇总表.pdf and 汇总表.xlsx of one county's recommended materials, made
/// by the same code as `shenbao summary` on a county folder.
async fn summary_of(
    state: &Arc<AppState>,
    county: &str,
    materials: &[MaterialRow],
) -> Result<BTreeMap<String, Vec<u8>>, ApiError> {
    let mut inputs = Vec::new();
    for m in materials {
        let v = m.submitted.unwrap_or(m.version);
        let files = tokio::task::spawn_blocking(loader(state, m.id, v))
            .await
            .map_err(|_| ApiError::internal())?;
        inputs.push((crate::outputs::write::folder_name(&m.company).0, files));
    }
    let state = state.clone();
    let county = county.to_string();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::Builder::new()
            .prefix("summary-")
            .tempdir_in(state.builds.work())
            .map_err(|_| ApiError::internal())?;
        let root = dir.path().join("county");
        let mut outcomes = Vec::new();
        for (i, (name, files)) in inputs.iter().enumerate() {
            // Numbered so that the 汇总表 lists them in the order given.
            let folder = root.join(format!("{:03}-{name}", i + 1));
            for (path, bytes) in files {
                let p = folder.join(path);
                if let Some(parent) = p.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                let _ = std::fs::write(&p, bytes);
            }
            let mut sources = Sources::default();
            let mut diags = Vec::new();
            let prepared =
                pipeline::prepare(state.builds.engine(), &folder, &mut sources, &mut diags);
            outcomes.push(Outcome {
                input: folder,
                sources,
                diags,
                prepared,
                report: None,
            });
        }
        let out = dir.path().join("out");
        let engine = state.builds.engine().writing_to(out.clone(), false);
        let options = batch::CountyOptions {
            county: Some(county),
            contact: None,
            phone: None,
        };
        let mut sources = Sources::default();
        let mut diags = Vec::new();
        let report = batch::summarize(
            &engine,
            &root,
            &outcomes,
            &options,
            &mut sources,
            &mut diags,
        );
        if report.is_none() {
            let list: Vec<Value> = diags.iter().map(|d| sources.to_json(d)).collect();
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "A4-SUMMARY",
                "汇总表生成不了",
            )
            .extra(json!({ "diagnostics": list })));
        }
        let mut files = BTreeMap::new();
        for name in ["汇总表.pdf", "汇总表.xlsx"] {
            if let Ok(b) = std::fs::read(out.join(name)) {
                files.insert(name.to_string(), b);
            }
        }
        Ok(files)
    })
    .await
    .map_err(|_| ApiError::internal())?
}

/// The electronic submission of everything the user may see that has been
/// recommended: one folder per enterprise (E1) with the files of its
/// frozen version, its 申报表 carrying the 推荐意见, and the 汇总表 beside
/// them (for the city, one folder per county).
async fn export(State(state): St, CurrentUser(user): CurrentUser) -> Result<Response, ApiError> {
    office(&user)?;
    let by_county = recommended(&state, &user).await?;
    let several = by_county.len() > 1 || user.role == Role::City;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (county, materials) in &by_county {
        let prefix = if several {
            format!("{county}/")
        } else {
            String::new()
        };
        for (name, bytes) in summary_of(&state, county, materials).await? {
            files.insert(format!("{prefix}{name}"), bytes);
        }
        for m in materials {
            let v = m.submitted.unwrap_or(m.version);
            let built = state
                .builds
                .get(m.id, v, true, opinion_of(m, v), loader(&state, m.id, v))
                .await;
            let folder = built.folder.clone().unwrap_or_else(|| m.company.clone());
            for (name, bytes) in &built.files {
                files.insert(format!("{prefix}{folder}/{name}"), bytes.clone());
            }
        }
    }
    let name = match user.role {
        Role::County => format!("{}-申报材料", user.county.clone().unwrap_or_default()),
        _ => "申报材料".to_string(),
    };
    let zip = zip_folder(&name, &files).map_err(|_| ApiError::internal())?;
    Ok(file_response(&format!("{name}.zip"), zip, true))
}

async fn summary_file(
    state: &Arc<AppState>,
    user: &User,
    file: &str,
) -> Result<Response, ApiError> {
    office(user)?;
    let by_county = recommended(state, user).await?;
    let (county, materials) = by_county.iter().next().ok_or_else(ApiError::not_found)?;
    if by_county.len() > 1 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "A4-SUMMARY",
            "汇总表按县区生成：请下载 export.zip，其中每个县区一张",
        ));
    }
    let files = summary_of(state, county, materials).await?;
    let bytes = files.get(file).cloned().ok_or_else(ApiError::internal)?;
    Ok(file_response(file, bytes, true))
}

async fn summary_xlsx(
    State(state): St,
    CurrentUser(user): CurrentUser,
) -> Result<Response, ApiError> {
    summary_file(&state, &user, "汇总表.xlsx").await
}

async fn summary_pdf(
    State(state): St,
    CurrentUser(user): CurrentUser,
) -> Result<Response, ApiError> {
    summary_file(&state, &user, "汇总表.pdf").await
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_in_beijing_time() {
        // 2023-03-24 20:00 UTC is the 25th in Luoyang.
        assert_eq!(super::chinese_date(1_679_688_000), "2023年3月25日");
    }
}
