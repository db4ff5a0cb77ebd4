//! The county's and the city's routes (W1–W3): enterprise accounts made by
//! the county, submission (frozen, only without errors), return with a
//! reason, recommendation with the 推荐意见 printed in the 申报表, the audit
//! log, and the electronic submission with its 汇总表 and all its 申报表
//! in one PDF. What each role may do is the table in `docs/api.md`; the
//! guards below (`office`, `county_only`, `city_only`, `scope`) are its
//! code, and `tests/serve.rs` walks every route with every role.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::api::{
    ApiError, CurrentUser, SignedIn, db, file_response, loader, material_for, opinion_of,
    zip_folder,
};
use super::auth;
use super::builds::Priority;
use super::lists::{self, ListError};
use super::storage::{MaterialRow, Role, User};

type St = State<Arc<AppState>>;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/api/materials",
            post(|s: St, u: CurrentUser, b: Json<NewAccount>| create(s, u, Role::Enterprise, b)),
        )
        .route("/api/materials/{id}/submit", post(submit))
        .route("/api/materials/{id}/return", post(return_))
        .route("/api/materials/{id}/recommend", post(recommend))
        .route("/api/audit", get(audit))
        .route("/api/export.zip", get(export))
        .route(
            "/api/summary.xlsx",
            get(|s: St, r: Recommended| summary(s, r, "汇总表.xlsx")),
        )
        .route(
            "/api/summary.pdf",
            get(|s: St, r: Recommended| summary(s, r, "汇总表.pdf")),
        )
        .route("/api/password", post(password))
        .route("/api/enterprises.csv", post(import_list))
        .route("/api/enterprises.xlsx", post(import_list))
        .route(
            "/api/counties",
            post(|s: St, u: CurrentUser, b: Json<NewAccount>| create(s, u, Role::County, b)),
        )
        .route("/api/overview", get(overview))
        .route("/api/forms.pdf", get(forms))
        .route("/api/audit.csv", get(audit_csv))
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

fn city_only(user: &User) -> Result<(), ApiError> {
    match user.role {
        Role::City => Ok(()),
        _ => Err(ApiError::forbidden("只有市里的账号能做这件事")),
    }
}

/// `?county=涧西区`: the city narrows a download or a count to one county.
#[derive(Deserialize, Default)]
struct Scope {
    county: Option<String>,
}

/// The materials a user may see, narrowed to `scope`'s county. A county
/// asking for another county gets 404, as for a material it may not see.
async fn visible_in(
    state: &Arc<AppState>,
    user: &User,
    scope: &Scope,
) -> Result<Vec<MaterialRow>, ApiError> {
    let want = scope
        .county
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if user.role == Role::County && want.is_some() && want != user.county.as_deref() {
        return Err(ApiError::not_found());
    }
    let u = user.clone();
    let rows = db(state, move |s| s.visible(&u))
        .await?
        .map_err(|_| ApiError::internal())?;
    Ok(rows
        .into_iter()
        .filter(|m| want.is_none_or(|c| m.county.as_deref() == Some(c)))
        .collect())
}

/// `POST /api/materials` (county: an enterprise's account and its empty
/// material) or `POST /api/counties` (city: a county office's account).
#[derive(Deserialize)]
struct NewAccount {
    login: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    county: String,
}

/// An account made by the office above it, with a one-time password shown
/// once that must be changed at first login: the county makes its
/// enterprises' (`role` enterprise), the city the counties'.
async fn create(
    State(state): St,
    CurrentUser(user): CurrentUser,
    role: Role,
    Json(body): Json<NewAccount>,
) -> Result<Json<Value>, ApiError> {
    let (what, name, county) = if role == Role::Enterprise {
        county_only(&user)?;
        ("企业名称", body.company, user.county.clone())
    } else {
        city_only(&user)?;
        ("县区名称", body.county, None)
    };
    let (id, login, password) =
        account_from_page(&state, role, county, (what, &name), &body.login).await?;
    Ok(Json(json!({
        "id": id, "login": login, "password": password,
        "county": if role == Role::County { Some(name.trim()) } else { user.county.as_deref() },
    })))
}

/// An account made on a page: its name (`what`: the company, or for a
/// county account the county) and login checked, the login free.
/// → (its material, the login, the one-time password).
async fn account_from_page(
    state: &Arc<AppState>,
    role: Role,
    county: Option<String>,
    (what, name): (&str, &str),
    login: &str,
) -> Result<(Option<i64>, String, String), ApiError> {
    let name = name.trim().to_string();
    let login = login.trim().to_string();
    if name.is_empty() || login.is_empty() || login.chars().any(char::is_whitespace) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "IN-VALUE",
            format!("{what}和登录名都要填写，登录名不能含空格"),
        ));
    }
    let (county, company) = match role {
        Role::County => (Some(name), None),
        _ => (county, Some(name)),
    };
    let (id, password) = make_account(state, role, county, company, login.clone())
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::CONFLICT,
                "EXISTS",
                format!("登录名“{login}”已经有了"),
            )
        })?;
    Ok((id, login, password))
}

/// One account (an enterprise's comes with its empty material), made in
/// its own transaction, with its one-time password (shown once) that must
/// be changed at first login. `None` when the login is taken.
async fn make_account(
    state: &Arc<AppState>,
    role: Role,
    county: Option<String>,
    company: Option<String>,
    login: String,
) -> Result<Option<(Option<i64>, String)>, ApiError> {
    let password = auth::token(6);
    let hash = auth::hash_password(&password).map_err(|_| ApiError::internal())?;
    let made = db(state, move |s| {
        if s.user_by_login(&login)?.is_some() {
            return Ok(None);
        }
        let u = s
            .add_user(&login, &hash, role, county.as_deref(), company.as_deref())
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

/// A list of enterprises (CSV or .xlsx as Excel or WPS saves it; columns
/// 企业名称, 联系人, 电话; see `lists`) becomes accounts, each with a
/// one-time password; an enterprise the county already has is skipped. The
/// list is read whole first: with any bad row nothing is made. Logins are
/// made from the county's account (`jianxi-001`, …).
async fn import_list(
    State(state): St,
    CurrentUser(user): CurrentUser,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    county_only(&user)?;
    let rows = lists::read(&body).map_err(|e| match e {
        ListError::Unreadable(code, message, help) => {
            ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, code, message).help(help)
        }
        ListError::TooLarge(message) => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "IN-LIST", message)
                .help("企业名单只要三列：企业名称、联系人、电话")
        }
        ListError::Empty => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "IN-EMPTY",
            "文件里没有企业",
        )
        .help("每行一个企业：企业名称、联系人、电话"),
        ListError::Rows(problems) => {
            let first = &problems[0];
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "IN-LIST",
                format!(
                    "名单有 {} 处问题，没有建任何账号；第一处：第 {} 行{}：{}",
                    problems.len(),
                    first.row,
                    first
                        .column
                        .as_ref()
                        .map(|c| format!(" {c} 列"))
                        .unwrap_or_default(),
                    first.message
                ),
            )
            .help("改正这些行后重新导入；每处问题在 problems 里，带行号和列")
            .extra(json!({ "problems": problems }))
        }
    })?;
    let existing = {
        let u = user.clone();
        db(&state, move |s| s.visible(&u))
            .await?
            .map_err(|_| ApiError::internal())?
    };
    let mut out = Vec::new();
    let mut k = existing.len();
    for r in rows {
        let (line, company, contact, phone) = (r.row, r.company, r.contact, r.phone);
        if existing.iter().any(|m| m.company == company) {
            out.push(json!({ "line": line, "company": company, "skipped": "已有这个企业" }));
            continue;
        }
        // The next free login of the county's series.
        let made = loop {
            k += 1;
            let login = format!("{}-{k:03}", user.login);
            if let Some((id, password)) = make_account(
                &state,
                Role::Enterprise,
                user.county.clone(),
                Some(company.clone()),
                login.clone(),
            )
            .await?
            {
                break json!({ "line": line, "company": company, "contact": contact, "phone": phone, "id": id, "login": login, "password": password });
            }
        };
        out.push(made);
    }
    Ok(Json(json!(out)))
}

/// Counts by status and county, for the offices' first page.
async fn overview(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Query(scope): Query<Scope>,
) -> Result<Json<Value>, ApiError> {
    office(&user)?;
    let rows = visible_in(&state, &user, &scope).await?;
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
    let mut statuses: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &rows {
        *statuses.entry(m.status.as_str()).or_default() += 1;
    }
    let late = rows.iter().filter(|m| m.late).count();
    Ok(Json(json!({
        "total": rows.len(),
        "statuses": statuses,
        "late": late,
        "deadline": state.deadline,
        "counties": counties,
    })))
}

#[derive(Deserialize)]
struct NewPassword {
    old: String,
    new: String,
}

async fn password(
    State(state): St,
    SignedIn(user): SignedIn,
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

/// The longest 推荐意见, in 字 as Word counts them. The county's box of the
/// 申报表 cannot break across pages: on the example about 800 字 still fit
/// on its page 2 and 1 100 made a third page (20 000 were cut off). Real
/// opinions are a few sentences.
const OPINION_MAX: usize = 300;

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
    let words = crate::check::count::count(&text);
    if words > OPINION_MAX {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "IN-VALUE",
            format!("推荐意见 {words} 字，超过 {OPINION_MAX} 字"),
        )
        .help("推荐意见印在申报表第 2 页县区一栏里，这一栏不能跨页；请压缩到几句话"));
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
    Ok(Json(json!(audit_rows(&state, &user, q).await?)))
}

/// The audit log as a table for Excel (UTF-8 with BOM, as Excel wants it).
async fn audit_csv(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    let rows = audit_rows(&state, &user, q).await?;
    let cell = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from("\u{feff}时间,企业,操作人,版本,原状态,新状态,原因或推荐意见\r\n");
    for r in &rows {
        let line = [
            cell(&r.when),
            cell(&r.company),
            cell(r.who.as_deref().unwrap_or("")),
            r.version.to_string(),
            cell(&r.from),
            cell(&r.to),
            cell(r.reason.as_deref().unwrap_or("")),
        ]
        .join(",");
        out.push_str(&line);
        out.push_str("\r\n");
    }
    let mut res = file_response("审核记录.csv", out.into_bytes(), true);
    res.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    Ok(res)
}

async fn audit_rows(
    state: &Arc<AppState>,
    user: &User,
    q: AuditQuery,
) -> Result<Vec<super::storage::AuditRow>, ApiError> {
    let state = state.clone();
    let user = user.clone();
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
    db(&state, move |s| s.audit(&ids))
        .await?
        .map_err(|_| ApiError::internal())
}

/// What the offices' downloads are made of: the recommended materials the
/// user may see (narrowed by `?county=`), by county. Only the offices.
struct Recommended {
    user: User,
    scope: Scope,
    by_county: BTreeMap<String, Vec<MaterialRow>>,
}

impl FromRequestParts<Arc<AppState>> for Recommended {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        office(&user)?;
        let Query(scope) = Query::<Scope>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "IN-VALUE", "查询参数不对"))?;
        let by_county = recommended(state, &user, &scope).await?;
        Ok(Recommended {
            user,
            scope,
            by_county,
        })
    }
}

/// The recommended materials a user may see, by county.
async fn recommended(
    state: &Arc<AppState>,
    user: &User,
    scope: &Scope,
) -> Result<BTreeMap<String, Vec<MaterialRow>>, ApiError> {
    let rows = visible_in(state, user, scope).await?;
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
    // In the builds' queue, behind the writers' previews.
    let slot = state.builds.slot(Priority::Batch).await;
    let state = state.clone();
    let county = county.to_string();
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let dir = tempfile::Builder::new()
            .prefix("summary-")
            .tempdir_in(state.builds.work())
            .map_err(|_| ApiError::internal())?;
        let root = dir.path().join("county");
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
        }
        let out = dir.path().join("out");
        // In an engine worker, with the builds' deadline.
        let answer = state
            .builds
            .summary(&root, &out, &county)
            .unwrap_or_else(|stopped| super::work::only(&stopped));
        if !answer.pages.contains_key("汇总表.pdf") {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "A4-SUMMARY",
                "汇总表生成不了",
            )
            .extra(json!({ "diagnostics": answer.checked.diagnostics })));
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

/// The build of a material's frozen (submitted) version, with its 推荐意见
/// once recommended: batch work, behind the writers' previews.
async fn frozen_build(state: &Arc<AppState>, m: &MaterialRow) -> Arc<super::builds::Built> {
    let v = m.submitted.unwrap_or(m.version);
    let files = loader(state, m.id, v);
    state
        .builds
        .get_with(m.id, v, Priority::Batch, true, opinion_of(m, v), files)
        .await
}

/// The electronic submission of everything the user may see that has been
/// recommended: one folder per enterprise (E1) with the files of its
/// frozen version, its 申报表 carrying the 推荐意见, and the 汇总表 beside
/// them (for the city, one folder per county).
async fn export(
    State(state): St,
    Recommended {
        user,
        scope,
        by_county,
    }: Recommended,
) -> Result<Response, ApiError> {
    // The city's export has a folder per county, unless it asked for one.
    let several = by_county.len() > 1 || (user.role == Role::City && scope.county.is_none());
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
            let built = frozen_build(&state, m).await;
            let folder = built.folder.clone().unwrap_or_else(|| m.company.clone());
            for (name, bytes) in &built.files {
                files.insert(format!("{prefix}{folder}/{name}"), bytes.clone());
            }
        }
    }
    let name = match (&user.role, &scope.county) {
        (Role::County, _) => format!("{}-申报材料", user.county.clone().unwrap_or_default()),
        (_, Some(c)) if by_county.len() == 1 && by_county.contains_key(c.trim()) => {
            format!("{}-申报材料", c.trim())
        }
        _ => "申报材料".to_string(),
    };
    let zip = zip_folder(&name, &files).map_err(|_| ApiError::internal())?;
    Ok(file_response(&format!("{name}.zip"), zip, true))
}

/// 汇总表.pdf or 汇总表.xlsx alone, of one county.
async fn summary(
    State(state): St,
    Recommended { by_county, .. }: Recommended,
    file: &'static str,
) -> Result<Response, ApiError> {
    let (county, materials) = by_county.iter().next().ok_or_else(ApiError::not_found)?;
    if by_county.len() > 1 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "A4-SUMMARY",
            "汇总表按县区生成：请选一个县区（?county=县区名称），或下载 export.zip，其中每个县区一张",
        ));
    }
    let files = summary_of(&state, county, materials).await?;
    let bytes = files.get(file).cloned().ok_or_else(ApiError::internal)?;
    Ok(file_response(file, bytes, true))
}

/// Every recommended material's 申报表 (with the 推荐意见) in one PDF, for
/// printing and sealing: by county, then in the order the materials were
/// made (the 汇总表's order), each built by the same build as the export.
async fn forms(
    State(state): St,
    Recommended { by_county, .. }: Recommended,
) -> Result<Response, ApiError> {
    let mut files = Vec::new();
    for (county, materials) in &by_county {
        for m in materials {
            let built = frozen_build(&state, m).await;
            let Some(pdf) = built.files.get("申报表.pdf") else {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "OUT",
                    format!("“{}”的申报表生成不了", m.company),
                )
                .extra(json!({ "material": m.id, "diagnostics": built.checked.diagnostics })));
            };
            files.push(crate::outputs::form::FormFile {
                title: format!("{county} {}", m.company),
                pdf: pdf.clone(),
            });
        }
    }
    let name = match by_county.keys().collect::<Vec<_>>()[..] {
        [one] => format!("{one}-申报表.pdf"),
        _ => "申报表.pdf".to_string(),
    };
    let slot = state.builds.slot(Priority::Batch).await;
    let st = state.clone();
    let title = name.trim_end_matches(".pdf").to_string();
    let merged = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let engine = st.builds.engine();
        let fonts = engine.fonts().map_err(|d| vec![d])?;
        let root = crate::source::jail::Confined::new(st.builds.work()).map_err(|e| {
            vec![crate::diag::Diagnostic::error(
                crate::diag::Code::Output,
                e.to_string(),
            )]
        })?;
        let merged = crate::outputs::form::merged(&engine.templates, fonts, root, &title, &files);
        // As for the 汇总表: no Typst caches kept in the server process.
        comemo::evict(0);
        merged
    })
    .await
    .map_err(|_| ApiError::internal())?
    .map_err(|diags| {
        tracing::error!(problem = %diags.first().map(|d| d.message.clone()).unwrap_or_default(), "forms.pdf");
        ApiError::internal()
    })?;
    Ok(file_response(&name, merged.0, true))
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_in_beijing_time() {
        // 2023-03-24 20:00 UTC is the 25th in Luoyang.
        assert_eq!(super::chinese_date(1_679_688_000), "2023年3月25日");
    }
}
