//! The pages: one HTML shell with its script and style, all embedded in
//! the binary (no CDN, no network at run time). The script shows what the
//! API returns; it puts user text into the page only as text
//! (`textContent`, form values), never as HTML.

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;

const INDEX: &str = include_str!("../../templates/serve/index.html");
const SCRIPT: &str = include_str!("../../templates/serve/app.js");
const OFFICE: &str = include_str!("../../templates/serve/office.js");
const STYLE: &str = include_str!("../../templates/serve/app.css");

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/open", get(open_local))
        .route(
            "/",
            get(|| async { page(INDEX, "text/html; charset=utf-8") }),
        )
        .route(
            "/app.js",
            get(|| async { page(SCRIPT, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/office.js",
            get(|| async { page(OFFICE, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/app.css",
            get(|| async { page(STYLE, "text/css; charset=utf-8") }),
        )
}

fn page(body: &'static str, mime: &'static str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    // Only this server's own script runs; pages frame only its own PDFs.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; object-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

#[derive(serde::Deserialize)]
struct OpenQuery {
    token: String,
}

/// `--local`: the link the server printed (and opened) signs the browser in
/// as the one writer, then shows the workspace. Anywhere else: 404.
async fn open_local(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    axum::extract::Query(q): axum::extract::Query<OpenQuery>,
) -> Response {
    let Some(local) = &state.local else {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    };
    // Compared in constant time: the token is the only key to this door.
    let same = q.token.len() == local.token.len()
        && q.token
            .bytes()
            .zip(local.token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    let token = super::auth::token(32);
    let sha = super::storage::sha256_hex(token.as_bytes());
    let user = local.user;
    let stored = {
        let store = state.store.lock().expect("poisoned");
        store.add_session(
            &sha,
            user,
            super::storage::unix_now() + super::auth::SESSION_SECS,
        )
    };
    if stored.is_err() {
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let mut res = axum::response::Redirect::to("/").into_response();
    if let Ok(v) = HeaderValue::from_str(&super::auth::set_cookie(&token, false)) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}
