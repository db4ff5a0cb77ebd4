//! The JSON API (`docs/api.md`). Every route asks for the user in its
//! signature (`CurrentUser`), so a route without it cannot read anyone's
//! data by accident; every material is looked up through `material_for`,
//! which answers 404 for what the user may not see (never 403, so a writer
//! cannot even learn that another material exists).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::auth::{self, csrf_ok};
use super::builds::{Files, Mode, Priority};
use super::storage::{MaterialRow, Role, StoreError, User, sha256_hex, unix_now};

type St = State<Arc<AppState>>;

/// An API error: a status and the same kind of object a diagnostic is
/// (`code`, `message`, `help`), with the diagnostics behind it if any.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    help: Option<String>,
    extra: Option<Value>,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            help: None,
            extra: None,
        }
    }

    pub(super) fn help(mut self, h: impl Into<String>) -> Self {
        self.help = Some(h.into());
        self
    }

    pub(super) fn extra(mut self, v: Value) -> Self {
        self.extra = Some(v);
        self
    }

    pub(super) fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "AUTH", "请先登录")
    }

    pub(super) fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT-FOUND", "没有这个材料或文件")
    }

    pub(super) fn forbidden(why: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, "FORBIDDEN", why)
    }

    pub(super) fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "SERVER",
            "服务器出错了，请稍后再试",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "code": self.code,
            "severity": "error",
            "message": self.message,
            "help": self.help,
        });
        if let (Some(extra), Some(obj)) = (self.extra, body.as_object_mut())
            && let Some(e) = extra.as_object()
        {
            for (k, v) in e {
                obj.insert(k.clone(), v.clone());
            }
        }
        (self.status, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Stale { current } => ApiError::new(
                StatusCode::CONFLICT,
                "STALE",
                format!("材料已被修改（现在是第 {current} 版），你的修改基于旧版本，没有保存"),
            )
            .help("先复制你这次的修改，重新载入最新版本，再把修改做一遍；对方保存的版本在“历史”里")
            .extra(json!({ "version": current })),
            StoreError::NotFound => ApiError::not_found(),
            StoreError::BadState { status } => ApiError::new(
                StatusCode::CONFLICT,
                "STATUS",
                format!("材料现在是“{status}”，不能这样改变"),
            ),
            StoreError::Db(e) => {
                tracing::error!(error = %e, "database");
                ApiError::internal()
            }
        }
    }
}

/// Runs `f` on the store on a blocking thread (a save waits for its
/// commit to reach the disk).
pub(super) async fn db<T: Send + 'static>(
    state: &Arc<AppState>,
    f: impl FnOnce(&mut super::storage::Store) -> T + Send + 'static,
) -> Result<T, ApiError> {
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        let mut store = state.store.lock().expect("poisoned");
        f(&mut store)
    })
    .await
    .map_err(|_| ApiError::internal())
}

/// The signed-in user of a request, whose password is their own: every
/// route but the few a one-time password opens ([`SignedIn`]).
pub(super) struct CurrentUser(pub User);

/// The signed-in user of a request, also with a password an office made:
/// for seeing who one is and choosing one's own password (W2).
pub(super) struct SignedIn(pub User);

impl FromRequestParts<Arc<AppState>> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let token = auth::session_token(&parts.headers).ok_or_else(ApiError::unauthorized)?;
        let sha = sha256_hex(token.as_bytes());
        let user = db(state, move |s| s.session_user(&sha))
            .await?
            .map_err(|_| ApiError::internal())?
            .ok_or_else(ApiError::unauthorized)?;
        parts.extensions.insert(user.id);
        if let Some(who) = parts.extensions.get::<Who>() {
            let _ = who.0.set(user.login.clone());
        }
        Ok(SignedIn(user))
    }
}

impl FromRequestParts<Arc<AppState>> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, state).await?;
        if user.must_change {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "AUTH-PASSWORD",
                "请先设置自己的密码",
            )
            .help(
                "这个账号的密码是县区或市里给的临时密码；设置自己的密码（至少 8 位）后才能使用",
            ));
        }
        Ok(CurrentUser(user))
    }
}

pub fn router(state: Arc<AppState>) -> Router {
    let limit = state.config.max_file + (1 << 20);
    Router::new()
        .route("/api/session", post(login).delete(logout))
        .route("/api/me", get(me))
        .route("/api/materials", get(list))
        .route("/api/materials/{id}/files", get(files))
        .route(
            "/api/materials/{id}/files/{*path}",
            get(get_file).put(put_file).delete(delete_file),
        )
        .route("/api/materials/{id}/check", get(check))
        .route("/api/materials/{id}/fields", get(fields))
        .route("/api/materials/{id}/preview", get(preview))
        .route(
            "/api/materials/{id}/preview/{version}/{*file}",
            get(preview_file),
        )
        .route("/api/materials/{id}/pages/{file}", get(page_image))
        .route("/api/materials/{id}/download/{*file}", get(download))
        .route("/api/materials/{id}/build", get(build))
        .route("/api/materials/{id}/history", get(history))
        .route("/api/materials/{id}/restore", post(restore))
        .route("/api/materials/{id}/import", post(import_docx))
        .merge(super::office::routes())
        .merge(super::pages::routes())
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn(csrf))
        .layer(middleware::from_fn(log))
        .with_state(state)
}

/// Refuses a state-changing request that a browser says came from
/// another site.
async fn csrf(req: Request, next: Next) -> Response {
    if !csrf_ok(req.method(), req.headers()) {
        return ApiError::forbidden("请求来自别的网站，已拒绝（CSRF）").into_response();
    }
    next.run(req).await
}

/// Who made a request: filled in by `CurrentUser` (or the login), read by
/// the request log once the response is ready.
#[derive(Clone, Default)]
pub(super) struct Who(Arc<std::sync::OnceLock<String>>);

/// One line per request: who, what, status, how long. Never a body, a
/// query string, a header (so never a cookie or a password) — only the
/// path, whose parts are ids and file names.
async fn log(mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let who = Who::default();
    req.extensions_mut().insert(who.clone());
    let res = next.run(req).await;
    tracing::info!(
        who = %who.0.get().map_or("-", String::as_str),
        %method,
        %path,
        status = res.status().as_u16(),
        ms = start.elapsed().as_millis() as u64,
        "request"
    );
    res
}

#[derive(Deserialize)]
struct Login {
    user: String,
    password: String,
}

async fn login(
    State(state): St,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::Extension(who): axum::Extension<Who>,
    Json(body): Json<Login>,
) -> Result<Response, ApiError> {
    let ip = Some(addr.ip());
    if let Some(wait) = state.limiter.blocked(&body.user, ip) {
        let mut res = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "AUTH-LIMIT",
            "登录失败次数太多，请 15 分钟后再试",
        )
        .into_response();
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return Ok(res);
    }
    let login = body.user.clone();
    let user = db(&state, move |s| s.user_by_login(&login))
        .await?
        .map_err(|_| ApiError::internal())?;
    let password = body.password.clone();
    let ok = tokio::task::spawn_blocking({
        let hash = user
            .as_ref()
            .map_or_else(|| auth::decoy_hash().to_string(), |u| u.hash.clone());
        move || auth::verify_password(&password, &hash)
    })
    .await
    .unwrap_or(false);
    let user = match user {
        Some(u) if ok && !u.disabled => u,
        _ => {
            state.limiter.failed(&body.user, ip);
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "AUTH",
                "登录名或密码不对",
            ));
        }
    };
    let token = auth::token(32);
    let sha = sha256_hex(token.as_bytes());
    let id = user.id;
    db(&state, move |s| {
        s.add_session(&sha, id, unix_now() + auth::SESSION_SECS)
    })
    .await?
    .map_err(|_| ApiError::internal())?;
    let _ = who.0.set(user.login.clone());
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&auth::set_cookie(&token, state.config.secure))
            .map_err(|_| ApiError::internal())?,
    );
    Ok(res)
}

async fn logout(
    State(state): St,
    headers: HeaderMap,
    CurrentUser(_): CurrentUser,
) -> Result<Response, ApiError> {
    if let Some(token) = auth::session_token(&headers) {
        let sha = sha256_hex(token.as_bytes());
        db(&state, move |s| s.drop_session(&sha))
            .await?
            .map_err(|_| ApiError::internal())?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&auth::clear_cookie(state.config.secure))
            .map_err(|_| ApiError::internal())?,
    );
    Ok(res)
}

async fn me(State(state): St, SignedIn(user): SignedIn) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({
        "login": user.login,
        "role": user.role,
        "county": user.county,
        "material": user.material,
        // A password the county made: the first page asks for the writer's own.
        "must_change": user.must_change,
        // The profile's deadline, shown on every page.
        "deadline": state.deadline,
    })))
}

/// Whether `user` may see material `m` (W2).
fn can_see(user: &User, m: &MaterialRow) -> bool {
    match user.role {
        Role::Enterprise => user.material == Some(m.id),
        Role::County => user.county.is_some() && user.county == m.county,
        Role::City => true,
    }
}

/// The material `id` as `user` may see it; 404 otherwise.
pub(super) async fn material_for(
    state: &Arc<AppState>,
    user: &User,
    id: i64,
) -> Result<MaterialRow, ApiError> {
    let m = db(state, move |s| s.material(id))
        .await?
        .map_err(|_| ApiError::internal())?
        .ok_or_else(ApiError::not_found)?;
    if !can_see(user, &m) {
        return Err(ApiError::not_found());
    }
    Ok(m)
}

/// Only the enterprise's own writer edits its files, and only while the
/// material is not frozen by a submission (W3).
pub(super) fn may_edit(user: &User, m: &MaterialRow) -> Result<(), ApiError> {
    if user.role != Role::Enterprise {
        return Err(ApiError::forbidden(
            "县区和市里的账号只能查看材料，不能修改",
        ));
    }
    if !matches!(m.status.as_str(), "草稿" | "退回") {
        return Err(ApiError::new(
            StatusCode::LOCKED,
            "FROZEN",
            format!("材料已{}，不能再修改", m.status),
        ));
    }
    Ok(())
}

async fn list(State(state): St, CurrentUser(user): CurrentUser) -> Result<Json<Value>, ApiError> {
    let rows = {
        let u = user.clone();
        db(&state, move |s| s.visible(&u))
            .await?
            .map_err(|_| ApiError::internal())?
    };
    let out: Vec<Value> = rows
        .iter()
        .map(|m| {
            let built = state.builds.ready(m.id, m.version);
            if built.is_none() {
                // Checked in the background, within the build slots: the
                // next look at the list has its counts.
                let (builds, load) = (state.builds.clone(), loader(&state, m.id, m.version));
                let (id, v) = (m.id, m.version);
                tokio::spawn(async move {
                    builds
                        .get_with(id, v, Priority::Background, false, None, load)
                        .await;
                });
            }
            let checked = built.as_ref().map(|b| &b.checked);
            json!({
                "id": m.id,
                "company": m.company,
                "county": m.county,
                "status": m.status,
                "version": m.version,
                "errors": checked.map(|c| c.counts.errors),
                "warnings": checked.map(|c| c.counts.warnings),
                "title": checked.and_then(|c| c.title.clone()),
                "contact": checked.and_then(|c| c.contact.clone()),
                "phone": checked.and_then(|c| c.phone.clone()),
                "lengths": checked.map(|c| c.lengths.clone()),
                "pages": built.as_ref().and_then(|b| b.pages.get("申报材料.pdf")),
                "updated": m.updated,
                "submitted": m.submitted,
                "reason": m.reason,
                "opinion": m.opinion,
                "late": m.late,
            })
        })
        .collect();
    Ok(Json(Value::Array(out)))
}

async fn files(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let m = material_for(&state, &user, id).await?;
    let v = m.version;
    let files = db(&state, move |s| s.files(id, v))
        .await?
        .map_err(|_| ApiError::internal())?;
    Ok(Json(json!({ "version": v, "files": files })))
}

/// A path inside a material, as the CLI's jail would accept it: relative,
/// `/`-separated, no `..`, no hidden or drive-letter parts.
fn check_path(path: &str) -> Result<String, ApiError> {
    let bad = |why: &str| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "IN-PATH",
            format!("文件路径不行：{why}"),
        )
        .help("路径相对于材料文件夹，如 material.md、img/组织架构.png、parts/implementation.md")
    };
    if path.is_empty() || path.len() > 240 {
        return Err(bad("为空或太长"));
    }
    if path.contains('\\') || path.contains(':') || path.starts_with('/') {
        return Err(bad("不能是绝对路径，也不能用反斜杠"));
    }
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 6 {
        return Err(bad("文件夹层数太多"));
    }
    for p in &parts {
        if p.is_empty() || *p == "." || *p == ".." || p.starts_with('.') {
            return Err(bad("不能含有空的、“.”开头的或“..”部分"));
        }
        if p.chars()
            .any(|c| c.is_control() || matches!(c, '*' | '?' | '"' | '<' | '>' | '|'))
        {
            return Err(bad("含有文件名里不能用的字符"));
        }
    }
    Ok(path.to_string())
}

/// What a file may be, from its bytes, agreeing with its name.
fn check_type(path: &str, bytes: &[u8]) -> Result<(), ApiError> {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let unsupported = |why: String| {
        ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "IN-TYPE", why)
            .help("可以上传：material.md / material.yaml 和 .md 分部文件（文本），PNG、JPEG、GIF、WebP、BMP 图片，PDF 证实性材料")
    };
    let kind = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "jpeg"
    } else if bytes.starts_with(b"GIF8") {
        "gif"
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "webp"
    } else if bytes.starts_with(b"BM") {
        "bmp"
    } else if bytes.starts_with(b"%PDF-") {
        "pdf"
    } else if bytes.len() > 12 && &bytes[4..8] == b"ftyp" {
        "heic"
    } else {
        "text"
    };
    let fits = match ext.as_str() {
        "md" | "yaml" | "yml" | "txt" => kind == "text",
        "png" => kind == "png",
        "jpg" | "jpeg" => kind == "jpeg",
        "gif" => kind == "gif",
        "webp" => kind == "webp",
        "bmp" => kind == "bmp",
        "pdf" => kind == "pdf",
        _ => false,
    };
    if kind == "heic" {
        return Err(unsupported(
            "这是 iPhone 的 HEIC 照片，shenbao 读不了".into(),
        ));
    }
    if !fits {
        return Err(unsupported(format!(
            "文件内容（{kind}）与文件名 {path} 不符，或不是可用的类型"
        )));
    }
    if kind == "text"
        && bytes.contains(&0)
        && !bytes.starts_with(&[0xFF, 0xFE])
        && !bytes.starts_with(&[0xFE, 0xFF])
    {
        return Err(unsupported("文本文件里有 NUL 字节，不像是文本".into()));
    }
    Ok(())
}

/// The version a change is based on: `If-Match: 7` (or `"7"`).
fn if_match(headers: &HeaderMap) -> Result<i64, ApiError> {
    headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().trim_matches('"').parse().ok())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::PRECONDITION_REQUIRED,
                "IF-MATCH",
                "修改要带上所基于的版本号（If-Match）",
            )
        })
}

async fn get_file(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path((id, path)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    let m = material_for(&state, &user, id).await?;
    let v = m.version;
    let bytes = db(&state, move |s| s.file_bytes(id, v, &path))
        .await?
        .map_err(|_| ApiError::internal())?
        .ok_or_else(ApiError::not_found)?;
    let mut res = Body::from(bytes).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    res.headers_mut().insert(header::ETAG, HeaderValue::from(v));
    Ok(res)
}

async fn put_file(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path((id, path)): Path<(i64, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let m = material_for(&state, &user, id).await?;
    may_edit(&user, &m)?;
    let path = check_path(&path)?;
    let base = if_match(&headers)?;
    if body.len() > state.config.max_file {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "TOO-LARGE",
            format!(
                "文件有 {} MB，超过每个文件 {} MB 的上限",
                body.len().div_ceil(1 << 20),
                state.config.max_file >> 20
            ),
        )
        .help("把图片压缩或缩小后再上传"));
    }
    check_type(&path, &body)?;
    let max_material = state.config.max_material as i64;
    let (p2, len) = (path.clone(), body.len() as i64);
    let total = db(&state, move |s| {
        s.files(id, base).map(|f| {
            f.iter()
                .filter(|f| f.path != p2)
                .map(|f| f.size)
                .sum::<i64>()
                + len
        })
    })
    .await?
    .map_err(|_| ApiError::internal())?;
    if total > max_material {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "TOO-LARGE",
            format!(
                "材料的全部文件将有 {} MB，超过 {} MB 的上限",
                (total + (1 << 20) - 1) >> 20,
                max_material >> 20
            ),
        ));
    }
    let uid = user.id;
    let summary = format!("修改 {path}");
    let version = db(&state, move |s| {
        s.commit(
            id,
            base,
            &[(path, Some(body.to_vec()))],
            Some(uid),
            &summary,
        )
    })
    .await??;
    mirrored(&state, id, version).await?;
    Ok(Json(json!({ "version": version })))
}

async fn delete_file(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path((id, path)): Path<(i64, String)>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let m = material_for(&state, &user, id).await?;
    may_edit(&user, &m)?;
    let path = check_path(&path)?;
    let base = if_match(&headers)?;
    let (p2, v) = (path.clone(), m.version);
    let exists = db(&state, move |s| s.file_bytes(id, v, &p2))
        .await?
        .map_err(|_| ApiError::internal())?;
    if exists.is_none() {
        return Err(ApiError::not_found());
    }
    let uid = user.id;
    let summary = format!("删除 {path}");
    let version = db(&state, move |s| {
        s.commit(id, base, &[(path, None)], Some(uid), &summary)
    })
    .await??;
    mirrored(&state, id, version).await?;
    Ok(Json(json!({ "version": version })))
}

/// In `--local`, a saved version is written back into the writer's folder.
async fn mirrored(state: &Arc<AppState>, id: i64, version: i64) -> Result<(), ApiError> {
    let Some(local) = &state.local else {
        return Ok(());
    };
    if local.material != id {
        return Ok(());
    }
    let before = tokio::task::spawn_blocking(loader(state, id, version - 1));
    let after = tokio::task::spawn_blocking(loader(state, id, version));
    let (before, after) = (
        before.await.map_err(|_| ApiError::internal())?,
        after.await.map_err(|_| ApiError::internal())?,
    );
    let folder = local.folder.clone();
    tokio::task::spawn_blocking(move || super::local::mirror(&folder, &before, &after))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "OUT",
                format!("已保存为第 {version} 版，但写回材料文件夹失败：{e}"),
            )
        })
}

/// The county's 推荐意见 for a build of `version`: only the recommended,
/// frozen version carries it.
pub(super) fn opinion_of(
    m: &MaterialRow,
    version: i64,
) -> Option<crate::material::county::Opinion> {
    match (&m.opinion, &m.opinion_date) {
        (Some(text), Some(date)) if m.status == "已推荐" && m.submitted == Some(version) => {
            Some(crate::material::county::Opinion {
                text: text.clone(),
                county: m.county.clone().unwrap_or_default(),
                date: date.clone(),
            })
        }
        _ => None,
    }
}

/// The files of a version, for a build.
pub(super) fn loader(
    state: &Arc<AppState>,
    id: i64,
    version: i64,
) -> impl FnOnce() -> Files + Send + 'static {
    let state = state.clone();
    move || {
        let store = state.store.lock().expect("poisoned");
        let list = store.files(id, version).unwrap_or_default();
        list.into_iter()
            .filter_map(|f| {
                store
                    .file_bytes(id, version, &f.path)
                    .ok()
                    .flatten()
                    .map(|b| (f.path, b))
            })
            .collect()
    }
}

async fn check(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let (_, built) = current(&state, &user, id, false).await?;
    Ok(Json(
        serde_json::to_value(&built.checked).map_err(|_| ApiError::internal())?,
    ))
}

/// The current version of a material the user may see: checked (`render`
/// false), or built with every file (and the county's 推荐意见 once given).
async fn current(
    state: &Arc<AppState>,
    user: &User,
    id: i64,
    render: bool,
) -> Result<(MaterialRow, Arc<super::builds::Built>), ApiError> {
    let m = material_for(state, user, id).await?;
    let opinion = if render {
        opinion_of(&m, m.version)
    } else {
        None
    };
    let built = state
        .builds
        .get(id, m.version, render, opinion, loader(state, id, m.version))
        .await;
    Ok((m, built))
}

#[derive(Deserialize)]
struct PreviewQuery {
    version: Option<i64>,
}

/// The form's fields and the parts of a version's material file, with the
/// place of each value (`material::fields`): the page edits the text
/// there and never parses YAML itself.
async fn fields(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<PreviewQuery>,
) -> Result<Json<Value>, ApiError> {
    let m = material_for(&state, &user, id).await?;
    let version = q.version.unwrap_or(m.version);
    if version > m.version || version < 0 {
        return Err(ApiError::not_found());
    }
    let found = db(&state, move |s| -> Result<_, StoreError> {
        let files = s.files(id, version)?;
        let Some(name) = ["material.yaml", "material.yml", "material.md"]
            .into_iter()
            .find(|n| files.iter().any(|f| f.path == *n))
        else {
            return Ok(None);
        };
        Ok(s.file_bytes(id, version, name)?.map(|b| (name, b)))
    })
    .await?
    .map_err(|_| ApiError::internal())?;
    let Some((name, bytes)) = found else {
        return Ok(Json(json!({
            "version": version, "material": null, "fields": [], "parts": [], "error": null
        })));
    };
    let layout = tokio::task::spawn_blocking(move || {
        let year = i32::from(campaign_year());
        crate::material::fields::layout(name, &bytes, &[year - 3, year - 2, year - 1])
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let mut out = serde_json::to_value(&layout).map_err(|_| ApiError::internal())?;
    out["version"] = json!(version);
    Ok(Json(out))
}

/// The campaign year of the default profile: the development years the
/// form offers to a material that lists none.
fn campaign_year() -> u16 {
    static YEAR: std::sync::OnceLock<u16> = std::sync::OnceLock::new();
    *YEAR.get_or_init(|| {
        let templates = crate::resources::templates::Templates::new(None);
        let mut sources = crate::diag::Sources::default();
        crate::profile::Profile::load(crate::profile::DEFAULT, &templates, &mut sources)
            .ok()
            .and_then(|p| u16::try_from(p.campaign_year).ok())
            .unwrap_or(2023)
    })
}

/// Waits (≤ 10 s) until `version` exists and is laid out.
async fn preview(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<PreviewQuery>,
) -> Result<Json<Value>, ApiError> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut m = material_for(&state, &user, id).await?;
    let want = q.version.unwrap_or(m.version);
    while m.version < want {
        if Instant::now() > deadline {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "WAIT",
                "这个版本还没有保存好，请稍后再试",
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        m = material_for(&state, &user, id).await?;
    }
    let exists = db(&state, move |s| s.history(id))
        .await?
        .map_err(|_| ApiError::internal())?;
    if !exists.iter().any(|v| v.version == want) {
        return Err(ApiError::not_found());
    }
    let left = deadline.saturating_duration_since(Instant::now());
    let built = tokio::time::timeout(
        left,
        state.builds.made(
            id,
            want,
            Mode::Preview,
            opinion_of(&m, want),
            loader(&state, id, want),
        ),
    )
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "WAIT",
            "还在排版，请稍后再试",
        )
    })?;
    let documents: Vec<Value> = built
        .preview
        .iter()
        .flatten()
        .map(|d| {
            let pages: Vec<Value> = d
                .pages
                .iter()
                .map(|p| {
                    json!({
                        "n": p.n,
                        "sha256": p.sha256,
                        "url": format!("/api/materials/{id}/pages/{}.png", p.sha256),
                        "width_pt": p.width_pt,
                        "height_pt": p.height_pt,
                        "text": p.text,
                    })
                })
                .collect();
            json!({
                "name": d.name,
                "file": d.file,
                "pdf": d.file.as_ref().map(|f| format!("/api/materials/{id}/preview/{want}/{f}")),
                "pages": pages,
            })
        })
        .collect();
    Ok(Json(json!({
        "version": want,
        "draft": built.draft,
        "documents": documents,
        "diagnostics": built.checked.diagnostics,
        "counts": built.checked.counts,
        "lengths": built.checked.lengths,
        "figures": built.checked.figures,
    })))
}

/// A page image of one of the material's previews, by its content hash:
/// the same URL always holds the same picture, so the browser keeps it.
async fn page_image(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path((id, file)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    material_for(&state, &user, id).await?;
    let sha = file.strip_suffix(".png").ok_or_else(ApiError::not_found)?;
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::not_found());
    }
    let path = state.builds.page(id, sha).ok_or_else(ApiError::not_found)?;
    let bytes = std::fs::read(&path).map_err(|_| ApiError::not_found())?;
    let mut response = file_response(&file, bytes, false);
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    Ok(response)
}

async fn preview_file(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path((id, version, file)): Path<(i64, i64, String)>,
) -> Result<Response, ApiError> {
    let m = material_for(&state, &user, id).await?;
    if version > m.version {
        return Err(ApiError::not_found());
    }
    let built = state
        .builds
        .get(
            id,
            version,
            true,
            opinion_of(&m, version),
            loader(&state, id, version),
        )
        .await;
    let bytes = built
        .files
        .get(&file)
        .ok_or_else(ApiError::not_found)?
        .clone();
    Ok(file_response(&file, bytes, false))
}

pub(super) fn file_response(name: &str, bytes: Vec<u8>, attachment: bool) -> Response {
    let mime = match name.rsplit_once('.').map(|(_, e)| e) {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("zip") => "application/zip",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("pptx") => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    };
    let mut res = Body::from(bytes).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    let leaf = name.rsplit('/').next().unwrap_or(name);
    let disposition = format!(
        "{}; filename*=UTF-8''{}",
        if attachment { "attachment" } else { "inline" },
        percent(leaf)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// RFC 5987 encoding of a file name.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Any file the build writes, or `all.zip`: the electronic submission (E1),
/// one folder named after the enterprise. Only a version without errors.
async fn download(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path((id, file)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    let m = material_for(&state, &user, id).await?;
    if file == "material.zip" {
        // The material itself, as the CLI reads it: a folder to build.
        let files: std::collections::BTreeMap<String, Vec<u8>> =
            tokio::task::spawn_blocking(loader(&state, id, m.version))
                .await
                .map_err(|_| ApiError::internal())?
                .into_iter()
                .collect();
        let (folder, _) = crate::outputs::write::folder_name(&m.company);
        let zip = zip_folder(&folder, &files).map_err(|_| ApiError::internal())?;
        return Ok(file_response(&format!("{folder}-材料.zip"), zip, true));
    }
    // The deck is made only when someone asks for it (`shenbao slides`).
    let deck = DECK.contains(&file.as_str());
    let built = if deck {
        state
            .builds
            .made(
                id,
                m.version,
                Mode::Slides,
                opinion_of(&m, m.version),
                loader(&state, id, m.version),
            )
            .await
    } else {
        state
            .builds
            .get(
                id,
                m.version,
                true,
                opinion_of(&m, m.version),
                loader(&state, id, m.version),
            )
            .await
    };
    if built.draft || built.files.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "HAS-ERRORS",
            "材料还有错误，不能生成正式文件",
        )
        .help("按检查结果改正后再下载；预览里的草稿页面只供查看")
        .extra(json!({ "diagnostics": built.checked.diagnostics })));
    }
    if file == "all.zip" {
        let folder = built.folder.clone().unwrap_or_else(|| m.company.clone());
        let zip = zip_folder(&folder, &built.files).map_err(|_| ApiError::internal())?;
        return Ok(file_response(&format!("{folder}.zip"), zip, true));
    }
    let bytes = built
        .files
        .get(&file)
        .ok_or_else(ApiError::not_found)?
        .clone();
    Ok(file_response(&file, bytes, true))
}

/// The 答辩 deck's files, made on demand beside the build's.
const DECK: [&str; 2] = ["答辩.pdf", "答辩.pptx"];

/// Every file the CLI's `build` writes for the current version, with its
/// pages and its download, the deck's two files (made when downloaded),
/// and the build's report as `build --format json` carries it.
async fn build(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let (_, built) = current(&state, &user, id, true).await?;
    let url = |f: &str| format!("/api/materials/{id}/download/{}", percent_path(f));
    let mut files: Vec<Value> = built
        .files
        .iter()
        .map(|(path, bytes)| {
            json!({
                "path": path,
                "size": bytes.len(),
                "pages": built.pages.get(path),
                "url": url(path),
            })
        })
        .collect();
    if !built.files.is_empty() {
        files.extend(
            DECK.iter()
                .map(|f| json!({"path": f, "size": null, "pages": null, "url": url(f)})),
        );
    }
    Ok(Json(json!({
        "version": built.version,
        "draft": built.draft,
        "folder": built.folder,
        "files": files,
        "report": built.report,
        "diagnostics": built.checked.diagnostics,
        "counts": built.checked.counts,
    })))
}

/// A path's segments percent-encoded, its slashes kept.
fn percent_path(p: &str) -> String {
    p.split('/').map(percent).collect::<Vec<_>>().join("/")
}

/// The built files under one folder, in a zip whose bytes depend only on
/// them (fixed times, sorted names).
pub(super) fn zip_folder(
    folder: &str,
    files: &std::collections::BTreeMap<String, Vec<u8>>,
) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in files {
        w.start_file(format!("{folder}/{name}"), opts)?;
        w.write_all(bytes)?;
    }
    Ok(w.finish()?.into_inner())
}

async fn history(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    material_for(&state, &user, id).await?;
    let rows = db(&state, move |s| s.history(id))
        .await?
        .map_err(|_| ApiError::internal())?;
    Ok(Json(json!(rows)))
}

#[derive(Deserialize)]
struct RestoreBody {
    version: i64,
}

async fn restore(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(body): Json<RestoreBody>,
) -> Result<Json<Value>, ApiError> {
    let m = material_for(&state, &user, id).await?;
    may_edit(&user, &m)?;
    let base = if headers.contains_key(header::IF_MATCH) {
        if_match(&headers)?
    } else {
        m.version
    };
    let uid = user.id;
    let version = db(&state, move |s| {
        s.restore(id, base, body.version, Some(uid))
    })
    .await??;
    mirrored(&state, id, version).await?;
    Ok(Json(json!({ "version": version })))
}

/// 导入 Word 稿: the draft (request body) becomes the material's files in a
/// new version, as `shenbao import` would write them; the report comes back.
async fn import_docx(
    State(state): St,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let m = material_for(&state, &user, id).await?;
    may_edit(&user, &m)?;
    let base = if_match(&headers)?;
    let bytes = body.to_vec();
    let imported = tokio::task::spawn_blocking(move || {
        let draft = crate::import::Draft {
            name: "Word 稿.docx".into(),
            bytes: &bytes,
        };
        crate::import::import(&draft, &[], crate::import::Limits::default())
            .map_err(|(_, e)| e.diagnostic(std::path::Path::new("Word 稿.docx")))
    })
    .await
    .map_err(|_| ApiError::internal())?
    .map_err(|d| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            d.code.as_str(),
            d.message.clone(),
        )
        .help(d.help.clone().unwrap_or_default())
    })?;
    let mut changes: Vec<(String, Option<Vec<u8>>)> = vec![
        (
            "material.md".into(),
            Some(imported.material.clone().into_bytes()),
        ),
        (
            crate::import::REPORT_FILE.into(),
            Some(imported.report.text().into_bytes()),
        ),
    ];
    // The draft replaces the material: a material.yaml would take precedence.
    let (v, uid) = (m.version, user.id);
    let old = db(&state, move |s| s.files(id, v))
        .await?
        .map_err(|_| ApiError::internal())?;
    for f in old {
        if matches!(f.path.as_str(), "material.yaml" | "material.yml") {
            changes.push((f.path, None));
        }
    }
    for (name, bytes) in &imported.images {
        changes.push((name.clone(), Some(bytes.clone())));
    }
    let version = db(&state, move |s| {
        s.commit(id, base, &changes, Some(uid), "导入 Word 稿")
    })
    .await??;
    mirrored(&state, id, version).await?;
    Ok(Json(json!({
        "version": version,
        "report": imported.report,
        "text": imported.report.text(),
    })))
}
